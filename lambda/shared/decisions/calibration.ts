import { bakeOutcome, StepFailure } from './bake';
import { canaryEvidence, CanaryEvidence, judgedMinutes } from './canaryEvidence';
import { ColorCounts, JudgeSettings, judgeStep, Verdict, wilson, zFor } from './judge';
import { looksFor } from './window';

/**
 * Calibrating the judge on one color's own history (A/A): the live color
 * compared with itself, so every "worse" it finds is a false alarm. Pure: the
 * randomness comes in as functions, seeded by the caller.
 */

/** One minute of one color: requests, failed (target 5xx and failed connections) and slow (above the latency threshold). */
export interface MinuteCounts {
  readonly atMs: number;
  readonly requests: number;
  readonly failed: number;
  readonly slow: number;
}

/** The judge settings a calibration runs with, and the plan whose steps it replays. */
export interface CalibrationPlan {
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  readonly maxBakeSeconds: number;
  readonly metricDelaySeconds: number;
  readonly settings: JudgeSettings;
}

/** The plan's steps that compare the colors (the judge splits its confidence over them), at least 1. */
export const comparedSteps = (plan: Pick<CalibrationPlan, 'steps'>): number => Math.max(1, plan.steps.filter((p) => p < 100).length);

/** The one-sided confidence each bound of a step's look is taken at, as the judge computes it for this plan. */
export function perLookConfidence(plan: CalibrationPlan): number {
  const none = { requests: 0, failed: 0, slow: 0 };
  return judgeStep({ newColor: none, oldColor: none, comparable: true, look: 1, maxLooks: looksFor(plan.bakeSeconds, plan.maxBakeSeconds), comparedSteps: comparedSteps(plan), settings: plan.settings }).perLookConfidence;
}

/**
 * Every minute of [startMs, endMs), from what CloudWatch returned: a minute
 * without a datapoint served no requests (the load balancer publishes its
 * request metrics only for minutes with requests).
 */
export function everyMinute(points: readonly MinuteCounts[], startMs: number, endMs: number): MinuteCounts[] {
  const at = new Map(points.map((p) => [p.atMs, p]));
  const out: MinuteCounts[] = [];
  for (let t = Math.ceil(startMs / 60_000) * 60_000; t + 60_000 <= endMs; t += 60_000) out.push(at.get(t) ?? { atMs: t, requests: 0, failed: 0, slow: 0 });
  return out;
}

/**
 * The minutes from the first one with requests: a color that started serving
 * within the window (it became live, or traffic began) is not diluted by the
 * minutes before; later minutes without requests still count as zero.
 */
export function sinceFirstRequest(minutes: readonly MinuteCounts[]): MinuteCounts[] {
  const first = minutes.findIndex((m) => m.requests > 0);
  return first < 0 ? [] : minutes.slice(first);
}

export function total(minutes: readonly MinuteCounts[]): ColorCounts {
  return minutes.reduce((a, m) => ({ requests: a.requests + m.requests, failed: a.failed + m.failed, slow: a.slow + m.slow }), { requests: 0, failed: 0, slow: 0 });
}

/**
 * A/A split in time: the first half of the minutes plays the old color, the
 * second half the new one, judged as a step's first look of this plan (the
 * judge's confidence split as for a real step). A difference here is the
 * service's own drift from one half to the other, which a real step (both
 * colors on the same minutes) does not see: a FAIL says the history is not
 * steady, not that the judge is wrong.
 */
export function timeSplitVerdict(minutes: readonly MinuteCounts[], plan: CalibrationPlan): { verdict: Verdict; first: { startMs?: number; minutes: number }; second: { startMs?: number; minutes: number } } {
  const half = Math.floor(minutes.length / 2);
  const first = minutes.slice(0, half);
  const second = minutes.slice(half, 2 * half);
  const verdict = judgeStep({ newColor: total(second), oldColor: total(first), comparable: true, look: 1, maxLooks: looksFor(plan.bakeSeconds, plan.maxBakeSeconds), comparedSteps: comparedSteps(plan), settings: plan.settings });
  return { verdict, first: { startMs: first[0]?.atMs, minutes: first.length }, second: { startMs: second[0]?.atMs, minutes: second.length } };
}

/**
 * The upper bounds of the A/A interval, as the judge computes them: both
 * colors at the baseline's proportions of failed and slow requests, with
 * `nNew` and `nOld` requests, at the judge's confidence for this plan. A
 * regression smaller than this cannot be told from noise at that evidence
 * (and the judge also needs it to reach the margin); only one clearly larger
 * is caught reliably.
 */
export function aaUpperBounds(baseline: ColorCounts, nNew: number, nOld: number, plan: CalibrationPlan): { failed: number; slow: number } {
  const q = (x: number) => (baseline.requests > 0 ? x / baseline.requests : 0);
  const v = judgeStep({
    newColor: { requests: nNew, failed: q(baseline.failed) * nNew, slow: q(baseline.slow) * nNew },
    oldColor: { requests: nOld, failed: q(baseline.failed) * nOld, slow: q(baseline.slow) * nOld },
    comparable: true,
    look: 1,
    maxLooks: looksFor(plan.bakeSeconds, plan.maxBakeSeconds),
    comparedSteps: comparedSteps(plan),
    settings: plan.settings,
  });
  const upper = (m: 'failed' | 'slow') => v.proportions.find((p) => p.metric === m)?.upper ?? 1;
  return { failed: upper('failed'), slow: upper('slow') };
}

export interface Detectable {
  readonly percent: number;
  /** Complete minutes the check judges and each color's requests in them, at the history's rate. */
  readonly minutes: number;
  readonly requests: { readonly new: number; readonly old: number };
  readonly perLookConfidence: number;
  /** The A/A upper bounds, in percentage points, for failed and for slow requests. */
  readonly failedPercentPoints: number;
  readonly slowPercentPoints: number;
  /** What the judge fails: a difference of at least the larger of the bound and the margin. */
  readonly failedDetectablePercentPoints: number;
  readonly slowDetectablePercentPoints: number;
}

/**
 * The smallest degradation a step's check could detect `spanSeconds` after
 * the shift, at the history's rate and proportions: the A/A upper bound at the
 * requests each color would serve, or the margin when that is larger.
 */
export function detectableAt(baseline: ColorCounts, historyMinutes: number, percent: number, spanSeconds: number, plan: CalibrationPlan): Detectable {
  const rate = historyMinutes > 0 ? baseline.requests / historyMinutes : 0;
  const minutes = judgedMinutes(spanSeconds, plan.metricDelaySeconds);
  const nNew = (rate * minutes * percent) / 100;
  const nOld = (rate * minutes * (100 - percent)) / 100;
  const u = aaUpperBounds(baseline, nNew, nOld, plan);
  const margin = plan.settings.errorMarginPercentPoints;
  return {
    percent,
    minutes,
    requests: { new: nNew, old: nOld },
    perLookConfidence: perLookConfidence(plan),
    failedPercentPoints: 100 * u.failed,
    slowPercentPoints: 100 * u.slow,
    failedDetectablePercentPoints: Math.max(100 * u.failed, margin),
    slowDetectablePercentPoints: Math.max(100 * u.slow, margin),
  };
}

/** A binomial draw (n trials, probability p) and a uniform draw in [0, 1). */
export interface Randomness {
  readonly binomial: (n: number, p: number) => number;
  readonly uniform: () => number;
}

export interface FalseRollbacks {
  readonly trials: number;
  /** Replays the judge failed at some step: healthy releases it would have rolled back. */
  readonly rolledBack: number;
  readonly byError: Readonly<Partial<Record<StepFailure, number>>>;
  /** Of them, at the first step. */
  readonly rolledBackAtFirstStep: number;
  /** Replays that ran out of looks for lack of traffic (InsufficientTraffic): not a false rollback, but not a pass either. */
  readonly insufficientTraffic: number;
  readonly passed: number;
  /** rolledBack / trials, with its 95% two-sided Wilson interval. */
  readonly rate: number;
  readonly interval: { readonly lower: number; readonly upper: number };
}

/** Splits counts between two colors as the load balancer does, each request on its own at probability `p`. */
export function splitAtRandom(c: ColorCounts, p: number, r: Randomness): { new: ColorCounts; old: ColorCounts } {
  const draw = (n: number) => (n <= 0 || p <= 0 ? 0 : p >= 1 ? n : r.binomial(n, p));
  // Which failed requests were also slow is not known: assume none were unless the counts force it.
  const both = Math.max(0, c.failed + c.slow - c.requests);
  const failedOnly = c.failed - both;
  const slowOnly = c.slow - both;
  const rest = c.requests - failedOnly - slowOnly - both;
  const [b, f, s, o] = [draw(both), draw(failedOnly), draw(slowOnly), draw(rest)];
  const fresh = { requests: b + f + s + o, failed: b + f, slow: b + s };
  return { new: fresh, old: { requests: c.requests - fresh.requests, failed: c.failed - fresh.failed, slow: c.slow - fresh.slow } };
}

const add = (a: ColorCounts, b: ColorCounts): ColorCounts => ({ requests: a.requests + b.requests, failed: a.failed + b.failed, slow: a.slow + b.slow });
const ZERO: ColorCounts = { requests: 0, failed: 0, slow: 0 };

/**
 * The false-rollback rate of the plan's ramp at this history, by replay:
 * each trial runs every step of the plan as the step check would. A step
 * starts at a random minute of the history (wrapping around at its end); its
 * k-th look judges the complete minutes k bakes after the shift
 * (`judgedMinutes`), and every judged minute's requests, failed and slow
 * requests are split at random between the colors at the step's share, each
 * request on its own, as the load balancer routes them. The same color on
 * both sides: any FAIL is false. Looks go on while the verdict is
 * INCONCLUSIVE (or HOLD), up to the step's longest bake, exactly as
 * `bakeOutcome` decides with the rollback alarm OK and every target healthy.
 */
export function falseRollbacks(history: readonly MinuteCounts[], plan: CalibrationPlan, trials: number, r: Randomness): FalseRollbacks {
  const n = history.length;
  const maxLooks = looksFor(plan.bakeSeconds, plan.maxBakeSeconds);
  const looksAt = Array.from({ length: maxLooks + 1 }, (_, k) => judgedMinutes(k * plan.bakeSeconds, plan.metricDelaySeconds));
  const segment = (start: number, from: number, to: number): ColorCounts => {
    let c = ZERO;
    for (let i = from; i < to; i++) c = add(c, history[(start + i) % n]);
    return c;
  };
  const byError: Partial<Record<StepFailure, number>> = {};
  let rolledBack = 0;
  let atFirst = 0;
  let insufficient = 0;
  let passed = 0;
  for (let t = 0; t < trials; t++) {
    let ended: StepFailure | undefined;
    let failedStep = 0;
    for (const [i, percent] of plan.steps.entries()) {
      const start = n > 0 ? Math.min(n - 1, Math.floor(r.uniform() * n)) : 0;
      let fresh = ZERO;
      let old = ZERO;
      let outcome: ReturnType<typeof bakeOutcome> | undefined;
      for (let look = 1; look <= maxLooks; look++) {
        if (n > 0) {
          const s = splitAtRandom(segment(start, looksAt[look - 1], looksAt[look]), percent / 100, r);
          fresh = add(fresh, s.new);
          old = add(old, s.old);
        }
        const verdict = judgeStep({ newColor: fresh, oldColor: old, comparable: percent < 100, look, maxLooks, comparedSteps: comparedSteps(plan), settings: plan.settings });
        outcome = bakeOutcome({ alarmState: 'OK', healthyTargets: 1, desired: 1, verdict, look, maxLooks, holdWhenBothBad: plan.settings.onBothBad === 'hold', otherAlarmState: 'OK' });
        if (outcome.action !== 'extend') break;
      }
      if (outcome?.action === 'fail') {
        ended = outcome.error;
        failedStep = i + 1;
        break;
      }
    }
    if (ended === undefined) passed++;
    else if (ended === 'InsufficientTraffic') insufficient++;
    else {
      rolledBack++;
      byError[ended] = (byError[ended] ?? 0) + 1;
      if (failedStep === 1) atFirst++;
    }
  }
  const interval = wilson(rolledBack, trials, zFor(0.975));
  return { trials, rolledBack, byError, rolledBackAtFirstStep: atFirst, insufficientTraffic: insufficient, passed, rate: trials > 0 ? rolledBack / trials : 0, interval };
}

export interface Calibration {
  /** The judged history: complete minutes only, and how many of them reported requests. */
  readonly window: { readonly startMs: number; readonly endMs: number; readonly minutes: number; readonly reportedMinutes: number };
  readonly traffic: ColorCounts & { readonly requestsPerMinute: number };
  readonly plan: CalibrationPlan & { readonly maxLooks: number; readonly perLookConfidence: number };
  /** The history split in time, first half against second. */
  readonly timeSplit: ReturnType<typeof timeSplitVerdict>;
  /** The plan's ramp replayed on random stretches of the history. */
  readonly falseRollbacks: FalseRollbacks;
  /** The smallest degradation the first step could detect at its first check and at its last (absent when the first step is 100%). */
  readonly detectable?: { readonly oneBake: Detectable; readonly longest: Detectable };
  /** Each step's evidence at the history's rate. */
  readonly evidence: CanaryEvidence;
}

/** Everything `npm run cutover -- judge` prints, from one color's complete minutes. */
export function calibrate(points: readonly MinuteCounts[], startMs: number, endMs: number, plan: CalibrationPlan, trials: number, r: Randomness): Calibration {
  const minutes = everyMinute(points, startMs, endMs);
  const traffic = total(minutes);
  const maxLooks = looksFor(plan.bakeSeconds, plan.maxBakeSeconds);
  const rate = minutes.length > 0 ? traffic.requests / minutes.length : 0;
  const first = plan.steps[0];
  return {
    window: { startMs, endMs, minutes: minutes.length, reportedMinutes: points.filter((p) => p.atMs >= startMs && p.atMs < endMs).length },
    traffic: { ...traffic, requestsPerMinute: rate },
    plan: { ...plan, maxLooks, perLookConfidence: perLookConfidence(plan) },
    timeSplit: timeSplitVerdict(minutes, plan),
    falseRollbacks: falseRollbacks(minutes, plan, trials, r),
    ...(first !== undefined && first < 100
      ? { detectable: { oneBake: detectableAt(traffic, minutes.length, first, plan.bakeSeconds, plan), longest: detectableAt(traffic, minutes.length, first, maxLooks * plan.bakeSeconds, plan) } }
      : {}),
    evidence: canaryEvidence(rate, {
      ...plan,
      minRequestsPerColor: plan.settings.minRequestsPerColor,
      // A step needs what the judge passes: at this history's own proportions.
      ...(traffic.requests > 0 ? { judge: { settings: plan.settings, failed: traffic.failed / traffic.requests, slow: traffic.slow / traffic.requests } } : {}),
    }),
  };
}
