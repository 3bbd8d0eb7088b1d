import fc from 'fast-check';
import { checkpointReport, watchPlan } from '../../../lambda/shared/decisions/watch';

describe('watchPlan', () => {
  it('reports what is due, waits the tick, and ends exactly at the close of the window', () => {
    // Checkpoints at 60 s and 300 s of a 600 s window, ticking every 120 s.
    expect(watchPlan(0, 600, [300, 60], [], 120)).toEqual({ due: [], nextWaitSeconds: 60, done: false });
    expect(watchPlan(60, 600, [300, 60], [], 120)).toEqual({ due: [60], nextWaitSeconds: 120, done: false });
    expect(watchPlan(180, 600, [300, 60], [60], 120)).toEqual({ due: [], nextWaitSeconds: 120, done: false });
    expect(watchPlan(300, 600, [300, 60], [60], 120)).toEqual({ due: [300], nextWaitSeconds: 120, done: false });
    expect(watchPlan(540, 600, [300, 60], [60, 300], 120)).toEqual({ due: [], nextWaitSeconds: 60, done: false });
    expect(watchPlan(600, 600, [300, 60], [60, 300], 120)).toEqual({ due: [], nextWaitSeconds: 0, done: true });
    // A checkpoint not yet reported when the window closes is still reported, once.
    expect(watchPlan(700, 600, [300, 60], [60], 120)).toEqual({ due: [300], nextWaitSeconds: 0, done: true });
  });

  it('a checkpoint one second away is waited for exactly, and a fractional wait rounds up to a whole second', () => {
    expect(watchPlan(299, 600, [300], [], 120).nextWaitSeconds).toBe(1);
    expect(watchPlan(299.5, 600, [300], [], 120).nextWaitSeconds).toBe(1);
    expect(watchPlan(0.5, 600, [], [], 120).nextWaitSeconds).toBe(120);
    expect(watchPlan(599.5, 600, [], [], 120)).toEqual({ due: [], nextWaitSeconds: 1, done: false });
  });

  const planArb = fc
    .record({
      window: fc.integer({ min: 0, max: 100_000 }),
      tick: fc.integer({ min: 1, max: 7200 }),
      checkpoints: fc.uniqueArray(fc.integer({ min: 0, max: 120_000 }), { maxLength: 6 }),
    })
    .chain((p) =>
      fc.record({
        window: fc.constant(p.window),
        tick: fc.constant(p.tick),
        checkpoints: fc.constant(p.checkpoints),
        reported: fc.subarray(p.checkpoints),
        elapsed: fc.integer({ min: 0, max: 120_000 }),
      }),
    );

  it('property: due is exactly the unreported checkpoints at or before now, in their order', () => {
    fc.assert(
      fc.property(planArb, ({ window, tick, checkpoints, reported, elapsed }) => {
        const { due } = watchPlan(elapsed, window, checkpoints, reported, tick);
        expect(due).toEqual(checkpoints.filter((c) => c <= elapsed && !reported.includes(c)));
      }),
    );
  });

  it('property: done exactly from the close of the window on, with no wait', () => {
    fc.assert(
      fc.property(planArb, ({ window, tick, checkpoints, reported, elapsed }) => {
        const p = watchPlan(elapsed, window, checkpoints, reported, tick);
        expect(p.done).toBe(elapsed >= window);
        if (p.done) expect(p.nextWaitSeconds).toBe(0);
      }),
    );
  });

  it('property: before the close it waits as long as it may: at most a tick, never past the close or the next checkpoint, at least 1 s', () => {
    fc.assert(
      fc.property(planArb, ({ window, tick, checkpoints, reported, elapsed }) => {
        fc.pre(elapsed < window);
        const { nextWaitSeconds: wait } = watchPlan(elapsed, window, checkpoints, reported, tick);
        const next = Math.min(...checkpoints.filter((c) => c > elapsed));
        // The limits on the wait; integers here, so each is at least 1.
        const limits = [tick, window - elapsed, next - elapsed];
        expect(wait).toBeGreaterThanOrEqual(1);
        for (const limit of limits) expect(wait).toBeLessThanOrEqual(limit);
        // The longest such wait: it reaches one of the limits.
        expect(limits).toContain(wait);
      }),
    );
  });

  it('property: ticking through the window reports each checkpoint within it exactly once, on time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 50, max: 5000 }), fc.integer({ min: 0, max: 20_000 }), fc.uniqueArray(fc.integer({ min: 0, max: 25_000 }), { maxLength: 5 }), (tick, window, checkpoints) => {
        let elapsed = 0;
        const reports: Array<[number, number]> = [];
        for (let i = 0; i < 1000; i++) {
          const p = watchPlan(elapsed, window, checkpoints, reports.map(([c]) => c), tick);
          for (const c of p.due) reports.push([c, elapsed]);
          if (p.done) break;
          elapsed += p.nextWaitSeconds;
        }
        expect(elapsed).toBe(window);
        const expected = checkpoints.filter((c) => c <= window).sort((a, b) => a - b);
        // Each reported when it falls due, not a tick later.
        expect([...reports].sort(([a], [b]) => a - b)).toEqual(expected.map((c) => [c, c]));
      }),
    );
  });
});

describe('checkpointReport', () => {
  const targets = { errorRatePercent: 1, p95Seconds: 0.5 };

  it('names each signal, its value and its target; a value at the target is OK', () => {
    expect(checkpointReport({ errorRatePercent: 1, p95Seconds: 0.5, healthyTargets: 2, desired: 2 }, targets)).toEqual([
      { signal: 'error rate %', value: 1, target: '<= 1', ok: true },
      { signal: 'p95 latency s', value: 0.5, target: '<= 0.5', ok: true },
      { signal: 'healthy hosts', value: 2, target: '>= 2', ok: true },
    ]);
  });

  it('a value above its target, or too few healthy hosts, is not OK', () => {
    expect(checkpointReport({ errorRatePercent: 1.01, p95Seconds: 0.51, healthyTargets: 1, desired: 2 }, targets).map((r) => [r.value, r.ok])).toEqual([
      [1.01, false],
      [0.51, false],
      [1, false],
    ]);
  });

  it('a signal without data is null and not OK, whichever the other signals', () => {
    expect(checkpointReport({ errorRatePercent: undefined, p95Seconds: undefined, healthyTargets: 3, desired: 2 }, targets).map((r) => [r.value, r.ok])).toEqual([
      [null, false],
      [null, false],
      [3, true],
    ]);
    expect(checkpointReport({ errorRatePercent: 0, p95Seconds: 0, healthyTargets: 0, desired: 0 }, targets).map((r) => [r.value, r.ok])).toEqual([
      [0, true],
      [0, true],
      [0, true],
    ]);
  });

  it('property: each signal is OK exactly when it has data within its target', () => {
    const value = fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined });
    fc.assert(
      fc.property(value, value, fc.nat(10), fc.nat(10), (errorRatePercent, p95Seconds, healthyTargets, desired) => {
        const r = checkpointReport({ errorRatePercent, p95Seconds, healthyTargets, desired }, targets);
        expect(r.map((x) => x.ok)).toEqual([errorRatePercent !== undefined && errorRatePercent <= 1, p95Seconds !== undefined && p95Seconds <= 0.5, healthyTargets >= desired]);
        expect(r.map((x) => x.value)).toEqual([errorRatePercent ?? null, p95Seconds ?? null, healthyTargets]);
      }),
    );
  });
});
