import fc from 'fast-check';
import binomial = require('@stdlib/random-base-binomial');
import mt19937 = require('@stdlib/random-base-mt19937');
import { aaUpperBounds, calibrate, CalibrationPlan, comparedSteps, detectableAt, everyMinute, falseRollbacks, MinuteCounts, Randomness, sinceFirstRequest, splitAtRandom, timeSplitVerdict, total } from '../../../lambda/shared/decisions/calibration';
import { judgedMinutes } from '../../../lambda/shared/decisions/canaryEvidence';
import { JudgeSettings, newcombe, zFor } from '../../../lambda/shared/decisions/judge';

const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' };
const PLAN: CalibrationPlan = { steps: [10, 50, 100], bakeSeconds: 300, maxBakeSeconds: 1800, metricDelaySeconds: 180, settings: SETTINGS };
const T0 = 1_800_000_000_000;

const seeded = (seed: number): Randomness => {
  const b = binomial.factory({ seed });
  const u = mt19937.factory({ seed: seed + 1 });
  // 32-bit unsigned integers, scaled into [0, 1).
  return { binomial: (n, p) => b(n, p), uniform: () => u() / 2 ** 32 };
};

/** `count` minutes of steady traffic: each minute's failed and slow requests drawn at the given proportions. */
function history(count: number, perMinute: number, failed: number, slow: number, seed = 3): MinuteCounts[] {
  const b = binomial.factory({ seed });
  return Array.from({ length: count }, (_, i) => {
    const requests = b(perMinute, 1) as number;
    return { atMs: T0 + i * 60_000, requests, failed: failed > 0 ? b(requests, failed) : 0, slow: slow > 0 ? b(requests, slow) : 0 };
  });
}

describe('the history', () => {
  it('a minute without a datapoint served no requests', () => {
    const m = everyMinute([{ atMs: T0 + 60_000, requests: 5, failed: 1, slow: 2 }], T0, T0 + 180_000);
    expect(m).toEqual([
      { atMs: T0, requests: 0, failed: 0, slow: 0 },
      { atMs: T0 + 60_000, requests: 5, failed: 1, slow: 2 },
      { atMs: T0 + 120_000, requests: 0, failed: 0, slow: 0 },
    ]);
    expect(total(m)).toEqual({ requests: 5, failed: 1, slow: 2 });
    // A color that started serving within the window: its rate counts from its first request, gaps after it as zero.
    expect(sinceFirstRequest(m).map((x) => x.atMs)).toEqual([T0 + 60_000, T0 + 120_000]);
    expect(sinceFirstRequest([{ atMs: T0, requests: 0, failed: 0, slow: 0 }])).toEqual([]);
  });
});

describe('A/A in time: first half against second', () => {
  it('a steady color passes against itself', () => {
    const r = timeSplitVerdict(history(120, 1000, 0.003, 0.05), PLAN);
    expect(r.first.minutes).toBe(60);
    expect(r.second.minutes).toBe(60);
    expect(r.first.startMs).toBe(T0);
    expect(r.second.startMs).toBe(T0 + 60 * 60_000);
    expect(r.verdict.decision).toBe('PASS');
  });

  it('a color whose failures rose in the second half is "worse" than itself: drift a real step does not see', () => {
    const steady = history(60, 1000, 0.003, 0.05, 1);
    const worse = history(60, 1000, 0.03, 0.05, 2).map((m, i) => ({ ...m, atMs: T0 + (60 + i) * 60_000 }));
    expect(timeSplitVerdict([...steady, ...worse], PLAN).verdict).toMatchObject({ decision: 'FAIL', error: 'JudgedWorse' });
  });
});

describe('the smallest degradation it could detect', () => {
  // The judge's confidence for this plan: 6 looks, 2 proportions, 2 comparing steps (10 and 50).
  const Z = zFor(1 - 0.01 / (6 * 2 * 2));

  it('is the upper bound of the A/A interval as the judge computes it (continuity-corrected Newcombe at its confidence for the plan)', () => {
    expect(comparedSteps(PLAN)).toBe(2);
    const u = aaUpperBounds({ requests: 1000, failed: 3, slow: 50 }, 100, 900, PLAN);
    expect(u.failed).toBeCloseTo(newcombe(0.3, 100, 2.7, 900, Z, true).upper, 12);
    expect(u.slow).toBeCloseTo(newcombe(5, 100, 45, 900, Z, true).upper, 12);
    // More minutes (each color's requests growing together) never widen it once each color has a request: what
    // pre-flight's search for the bake that passes relies on. (Adding to one side alone can, by a few millionths,
    // where the continuity-corrected bound of a near-zero count is clamped.)
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 1, max: 5000, noNaN: true }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 300 }), (q, perMinute, percent, m) => {
        const base = { requests: 1, failed: q, slow: q };
        const at = (minutes: number) => aaUpperBounds(base, (perMinute * percent * minutes) / 100, (perMinute * (100 - percent) * minutes) / 100, PLAN).failed;
        fc.pre(Math.min(percent, 100 - percent) * perMinute * m >= 100);
        expect(at(m)).toBeGreaterThan(0);
        expect(at(m + 1)).toBeLessThanOrEqual(at(m) + 1e-9);
      }),
    );
  });

  it('at the first step after one bake: the traffic the new color would see, at the per-look confidence', () => {
    const baseline = { requests: 120_000, failed: 360, slow: 6000 };
    const d = detectableAt(baseline, 120, 10, 300, PLAN);
    // 1,000 a minute, one judged minute after a 5-minute bake: 100 new and 900 old requests.
    expect(d).toMatchObject({ percent: 10, minutes: 1, requests: { new: 100, old: 900 } });
    expect(d.perLookConfidence).toBeCloseTo(1 - 0.01 / 24, 12);
    expect(d.failedPercentPoints).toBeCloseTo(100 * newcombe(0.3, 100, 2.7, 900, Z, true).upper, 10);
    expect(d.slowPercentPoints).toBeCloseTo(100 * newcombe(5, 100, 45, 900, Z, true).upper, 10);
    expect(d.failedDetectablePercentPoints).toBe(Math.max(d.failedPercentPoints, 1));
    // A longer bake detects less.
    expect(detectableAt(baseline, 120, 10, 1800, PLAN).failedPercentPoints).toBeLessThan(d.failedPercentPoints);
  });
});

describe('splitting a minute between the colors at random', () => {
  it('keeps every request, failed and slow one, and each color consistent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }).chain((requests) => fc.record({ requests: fc.constant(requests), failed: fc.integer({ min: 0, max: requests }), slow: fc.integer({ min: 0, max: requests }) })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (c, p, seed) => {
          const s = splitAtRandom(c, p, seeded(seed));
          expect({ requests: s.new.requests + s.old.requests, failed: s.new.failed + s.old.failed, slow: s.new.slow + s.old.slow }).toEqual(c);
          for (const x of [s.new, s.old]) {
            expect(Math.min(x.requests, x.failed, x.slow)).toBeGreaterThanOrEqual(0);
            expect(x.failed).toBeLessThanOrEqual(x.requests);
            expect(x.slow).toBeLessThanOrEqual(x.requests);
          }
        },
      ),
    );
  });

  it('gives the new color its share on average', () => {
    const r = seeded(9);
    let fresh = 0;
    for (let i = 0; i < 200; i++) fresh += splitAtRandom({ requests: 1000, failed: 10, slow: 50 }, 0.1, r).new.requests;
    expect(fresh / 200).toBeGreaterThan(95);
    expect(fresh / 200).toBeLessThan(105);
  });
});

describe('false rollbacks, by replaying the ramp on the history', () => {
  it('a steady healthy color is rarely rolled back against itself: at most the confidence allows over its comparing steps', () => {
    const r = falseRollbacks(history(120, 1000, 0.003, 0.05), PLAN, 2000, seeded(5));
    expect(r.trials).toBe(2000);
    expect(r.rolledBack + r.insufficientTraffic + r.passed).toBe(2000);
    // Two compared steps at 99% each: 2% at most, in expectation; the replay finds far fewer.
    expect(r.rate).toBeLessThanOrEqual(0.02);
    expect(r.interval.lower).toBeLessThanOrEqual(r.rate);
    expect(r.interval.upper).toBeGreaterThanOrEqual(r.rate);
    expect(r.insufficientTraffic).toBe(0);
  });

  it('is the same for the same seed', () => {
    const h = history(120, 200, 0.01, 0.05);
    expect(falseRollbacks(h, PLAN, 300, seeded(11))).toEqual(falseRollbacks(h, PLAN, 300, seeded(11)));
  });

  it('too little traffic is never a pass: replays run out of looks (or the judge calls noise worse)', () => {
    const r = falseRollbacks(history(120, 20, 0.003, 0.05), PLAN, 200, seeded(5));
    expect(r.passed).toBe(0);
    expect(r.insufficientTraffic).toBeGreaterThan(180);
  });

  it('a color whose own failures are above the ceiling is rolled back at nearly every replay: the ceiling is set below what the service does', () => {
    const r = falseRollbacks(history(120, 1000, 0.08, 0.05), PLAN, 200, seeded(5));
    expect(r.rolledBack).toBeGreaterThanOrEqual(190);
    expect((r.byError.BothColorsBad ?? 0) + (r.byError.AboveCeiling ?? 0)).toBeGreaterThanOrEqual(190);
    expect(r.insufficientTraffic).toBe(0);
  });

  it('each look judges the complete minutes the step check would', () => {
    // One request a minute, and the minimum at 26 per color: only the longest bake (26 minutes) can reach it, at 100%.
    const h = Array.from({ length: 60 }, (_, i) => ({ atMs: T0 + i * 60_000, requests: 1, failed: 0, slow: 0 }));
    const plan = { ...PLAN, steps: [100], settings: { ...SETTINGS, minRequestsPerColor: judgedMinutes(1800, 180) } };
    expect(falseRollbacks(h, plan, 10, seeded(1))).toMatchObject({ passed: 10 });
    expect(falseRollbacks(h, { ...plan, settings: { ...plan.settings, minRequestsPerColor: 27 } }, 10, seeded(1))).toMatchObject({ insufficientTraffic: 10 });
  });
});

describe('calibrate', () => {
  it('puts it together from what CloudWatch returned', () => {
    const points = history(120, 1000, 0.003, 0.05).filter((_, i) => i !== 7);
    const c = calibrate(points, T0, T0 + 120 * 60_000, PLAN, 500, seeded(2));
    expect(c.window).toEqual({ startMs: T0, endMs: T0 + 120 * 60_000, minutes: 120, reportedMinutes: 119 });
    expect(c.traffic.requestsPerMinute).toBeCloseTo(c.traffic.requests / 120, 10);
    expect(c.plan).toMatchObject({ maxLooks: 6, perLookConfidence: expect.closeTo(1 - 0.01 / 24, 12) });
    expect(c.timeSplit.verdict.decision).toBe('PASS');
    expect(c.falseRollbacks.trials).toBe(500);
    expect(c.detectable!.oneBake.requests.new).toBeCloseTo(c.traffic.requestsPerMinute * 0.1, 6);
    expect(c.detectable!.longest.failedPercentPoints).toBeLessThan(c.detectable!.oneBake.failedPercentPoints);
    expect(c.evidence.steps.map((s) => s.percent)).toEqual([10, 50, 100]);
  });
});
