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
