import { aaUpperBounds, calibrate, CalibrationPlan, detectableAt, falseRollbacks, MinuteCounts, Randomness, sinceFirstRequest, splitAtRandom, timeSplitVerdict } from '../../../lambda/shared/decisions/calibration';
import { JudgeSettings } from '../../../lambda/shared/decisions/judge';

// Edges of the calibration calibration.test.ts leaves out, with draws that are
// fixed rather than random: an exact split, empty and one-minute histories, no
// trials, and a replay whose new color gets every failed request.
const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' };
const PLAN: CalibrationPlan = { steps: [10, 50, 100], bakeSeconds: 300, maxBakeSeconds: 1800, metricDelaySeconds: 180, settings: SETTINGS };
const T0 = 1_800_000_000_000;
/** Each draw its expected value, rounded down. */
const exact: Randomness = { binomial: (n, p) => Math.floor(n * p), uniform: () => 0.5 };
const steady = (count: number, requests: number, failed: number, slow: number): MinuteCounts[] => Array.from({ length: count }, (_, i) => ({ atMs: T0 + i * 60_000, requests, failed, slow }));

describe('splitAtRandom', () => {
  it('the old color keeps what the new one did not draw, field by field', () => {
    expect(splitAtRandom({ requests: 100, failed: 10, slow: 20 }, 0.3, exact)).toEqual({ new: { requests: 30, failed: 3, slow: 6 }, old: { requests: 70, failed: 7, slow: 14 } });
  });

  it('failed and slow requests that must overlap are drawn once, so no color gets more requests than there were', () => {
    // 4 failed and 8 slow of 10: at least 2 were both.
    expect(splitAtRandom({ requests: 10, failed: 4, slow: 8 }, 1, exact)).toEqual({ new: { requests: 10, failed: 4, slow: 8 }, old: { requests: 0, failed: 0, slow: 0 } });
    expect(splitAtRandom({ requests: 10, failed: 4, slow: 8 }, 0, exact)).toEqual({ new: { requests: 0, failed: 0, slow: 0 }, old: { requests: 10, failed: 4, slow: 8 } });
  });
});

describe('short histories', () => {
  it('a history whose first minute has requests is kept whole', () => {
    const m = steady(3, 5, 0, 0);
    expect(sinceFirstRequest(m)).toEqual(m);
  });

  it('the time split of fewer than two minutes has no halves to date', () => {
    expect(timeSplitVerdict([], PLAN)).toMatchObject({ first: { startMs: undefined, minutes: 0 }, second: { startMs: undefined, minutes: 0 } });
    expect(timeSplitVerdict(steady(1, 5, 0, 0), PLAN)).toMatchObject({ first: { startMs: undefined, minutes: 0 }, second: { startMs: undefined, minutes: 0 } });
  });

  it('no requests and no minutes give numbers, not NaN', () => {
    const u = aaUpperBounds({ requests: 0, failed: 0, slow: 0 }, 100, 100, PLAN);
    expect(Number.isFinite(u.failed) && Number.isFinite(u.slow)).toBe(true);
    expect(detectableAt({ requests: 0, failed: 0, slow: 0 }, 0, 10, 300, PLAN).requests).toEqual({ new: 0, old: 0 });
  });

  it('an empty history replays as insufficient traffic, every trial', () => {
    expect(falseRollbacks([], PLAN, 2, exact)).toMatchObject({ trials: 2, rolledBack: 0, insufficientTraffic: 2, passed: 0 });
  });

  it('no trials: a rate of 0 and the whole [0, 1] interval', () => {
    expect(falseRollbacks(steady(60, 1000, 10, 0), PLAN, 0, exact)).toMatchObject({ trials: 0, rate: 0, interval: { lower: 0, upper: 1 } });
  });
});

describe('detectableAt', () => {
  it('what the judge fails is the larger of the A/A bound and the margin', () => {
    // Thin: the bound on slow requests is above the 1 pp margin.
    const thin = detectableAt({ requests: 6000, failed: 0, slow: 600 }, 60, 10, 300, PLAN);
    expect(thin.slowPercentPoints).toBeGreaterThan(1);
    expect(thin.slowDetectablePercentPoints).toBe(thin.slowPercentPoints);
    // Busy and clean: the bound is below the margin, which is what is failed.
    const busy = detectableAt({ requests: 6_000_000, failed: 0, slow: 0 }, 60, 50, 1800, PLAN);
    expect(busy.slowPercentPoints).toBeLessThan(1);
    expect(busy.slowDetectablePercentPoints).toBe(1);
  });
});

describe('falseRollbacks with the failures all on the new color', () => {
  // Without slow requests a split draws twice (nothing is drawn from an empty group): the failed requests, then the rest.
  // This source gives every failed request to the new color.
  const biased = (): Randomness => {
    let calls = 0;
    return { binomial: (n, p) => (calls++ % 2 === 0 ? n : Math.floor(n * p)), uniform: () => 0.5 };
  };
  it('fails every trial at the first step, and counts it there', () => {
    const r = falseRollbacks(steady(60, 1000, 10, 0), PLAN, 3, biased());
    expect(r).toMatchObject({ trials: 3, rolledBack: 3, rolledBackAtFirstStep: 3, passed: 0, insufficientTraffic: 0, rate: 1 });
  });
});

describe('calibrate', () => {
  it('counts only the datapoints inside the window as reported, and estimates nothing for a first step of 100%', () => {
    const points = [{ atMs: T0 - 60_000, requests: 1, failed: 0, slow: 0 }, ...steady(10, 100, 0, 0), { atMs: T0 + 10 * 60_000, requests: 1, failed: 0, slow: 0 }];
    const c = calibrate(points, T0, T0 + 10 * 60_000, { ...PLAN, steps: [100] }, 1, exact);
    expect(c.window).toEqual({ startMs: T0, endMs: T0 + 10 * 60_000, minutes: 10, reportedMinutes: 10 });
    expect(c.detectable).toBeUndefined();
  });
});
