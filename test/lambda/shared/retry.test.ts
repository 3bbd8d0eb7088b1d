import fc from 'fast-check';
import { backoffCeiling, DEFAULT_RETRY, withThrottleRetry } from '../../../lambda/shared/retry';

const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

describe('withThrottleRetry', () => {
  it('three throttles in a row still succeed, waiting well under a few seconds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const r = await withThrottleRetry(async () => (++calls <= 3 ? Promise.reject(throttle()) : 'ok'), DEFAULT_RETRY, async (ms) => void pauses.push(ms));
    expect(r).toBe('ok');
    expect(calls).toBe(4);
    expect(pauses).toHaveLength(3);
    expect(pauses.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200 + 400 + 800);
  });
  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(withThrottleRetry(async () => { calls++; throw new Error('AccessDenied'); }, DEFAULT_RETRY, async () => undefined)).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });
  it('gives up after the last attempt with the throttle itself', async () => {
    let calls = 0;
    await expect(withThrottleRetry(async () => { calls++; throw throttle(); }, DEFAULT_RETRY, async () => undefined)).rejects.toMatchObject({ name: 'Throttling' });
    expect(calls).toBe(DEFAULT_RETRY.attempts);
  });
  it('every pause is within its jittered ceiling, and all of them stay under 8 s', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 5, maxLength: 5 }), (randoms) => {
        let total = 0;
        randoms.forEach((r, i) => {
          const pause = Math.floor(r * backoffCeiling(DEFAULT_RETRY, i + 1));
          expect(pause).toBeLessThanOrEqual(DEFAULT_RETRY.capMs);
          total += pause;
        });
        expect(total).toBeLessThan(8000);
      }),
    );
  });
});

describe('withThrottleRetry: the jitter it really applies', () => {
  it('each pause is floor(random * ceiling), with the random source it is given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 5, maxLength: 5 }), async (randoms) => {
        const pauses: number[] = [];
        let calls = 0;
        let drawn = 0;
        const r = await withThrottleRetry(async () => (++calls < DEFAULT_RETRY.attempts ? Promise.reject(throttle()) : 'ok'), DEFAULT_RETRY, async (ms) => void pauses.push(ms), () => randoms[drawn++]);
        expect(r).toBe('ok');
        expect(drawn).toBe(5);
        expect(pauses).toEqual(randoms.map((x, i) => Math.floor(x * backoffCeiling(DEFAULT_RETRY, i + 1))));
      }),
    );
  });
  it('a seeded source gives pauses that differ from the ceilings, and stay within them', async () => {
    // Park-Miller: the same pauses on every run.
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pauses: number[] = [];
    let calls = 0;
    await expect(withThrottleRetry(async () => { calls++; throw throttle(); }, DEFAULT_RETRY, async (ms) => void pauses.push(ms), random)).rejects.toMatchObject({ name: 'Throttling' });
    expect(calls).toBe(6);
    // 42·16807 mod (2³¹−1) = 705894 → 0.00033·200 → 0; next 1126542223 → 0.5246·400 → 209; ...
    expect(pauses).toEqual([0, 209, 588, 421, 1128]);
    expect(pauses.every((p, i) => p < backoffCeiling(DEFAULT_RETRY, i + 1))).toBe(true);
  });
  it('random 0 waits nothing, random just below 1 waits just below the ceiling: 200, 400, 800, 1600, then the 3 s cap', async () => {
    for (const [x, want] of [[0, [0, 0, 0, 0, 0]], [0.9999999, [199, 399, 799, 1599, 2999]]] as const) {
      const pauses: number[] = [];
      await expect(withThrottleRetry(async () => { throw throttle(); }, DEFAULT_RETRY, async (ms) => void pauses.push(ms), () => x)).rejects.toMatchObject({ name: 'Throttling' });
      expect(pauses).toEqual(want);
    }
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffCeiling(DEFAULT_RETRY, a))).toEqual([200, 400, 800, 1600, 3000, 3000]);
  });
  it('a policy of one attempt never pauses; a later success returns what the call returned', async () => {
    const pauses: number[] = [];
    await expect(withThrottleRetry(async () => { throw throttle(); }, { attempts: 1, baseMs: 10, capMs: 10 }, async (ms) => void pauses.push(ms))).rejects.toMatchObject({ name: 'Throttling' });
    expect(pauses).toEqual([]);
    let n = 0;
    await expect(withThrottleRetry(async () => (++n === 1 ? Promise.reject(throttle()) : { n }), { attempts: 2, baseMs: 10, capMs: 10 }, async () => undefined, () => 0.5)).resolves.toEqual({ n: 2 });
  });
});
