import { newcombe, zFor } from './judge';
import { looksFor } from './window';

/**
 * How much evidence each ramp step will gather at the recent request rate,
 * told before anything changes (pre-flight). Pure arithmetic:
 *
 * - A step is judged on whole minutes after the shift that are at least
 *   `metricDelaySeconds` old (`judgeWindow`), so a check `s` seconds after the
 *   shift judges at least floor((s - delay) / 60) - 1 complete minutes (one
 *   fewer than when the shift fell exactly on a minute: the minute of the
 *   shift is mixed). The estimate takes that lower bound.
 * - The new color serves `percent` of the rate and the old color the rest;
 *   each must serve `minRequestsPerColor` before a step can pass (the old
 *   color only while it takes traffic: the 100% step compares nothing).
 * - A step passes only once its evidence also rules out a regression of
 *   `ruleOutPercentPoints` (the upper bound of each difference below it). At
 *   the live color's own proportions of failed and slow requests (an A/A
 *   baseline), that is where the step's counts make the upper bound of the
 *   A/A interval fall below it, at the judge's per-look confidence.
 * - An inconclusive step bakes again, one bake at a time, up to
 *   `maxBakeSeconds` (in whole bakes: `looksFor`).
 */

export interface EvidencePlan {
  /** Percent of traffic on the new color at each step. */
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  readonly minRequestsPerColor: number;
  readonly maxBakeSeconds: number;
  readonly metricDelaySeconds: number;
  /** A pass must also rule out a regression this large (judge.ruleOutPercentPoints), at the baseline's proportions; absent: the minimum alone. */
  readonly ruleOut?: RuleOut;
}

export interface RuleOut {
  readonly percentPoints: number;
  /** The judge's confidence, split over a step's looks as the judge splits it. */
  readonly confidence: number;
  /** The baseline's proportions (0 to 1) of failed and of slow requests. */
  readonly failed: number;
  readonly slow: number;
}

export interface Requests {
  /** Complete minutes judged. */
  readonly minutes: number;
  /** Requests each color serves in them, expected at the rate (not rounded). */
  readonly new: number;
  readonly old: number;
}

export interface StepEvidence {
  /** 1 for the first step. */
  readonly step: number;
  readonly percent: number;
  /** The old color takes traffic at this step, so it is compared and needs the minimum too. */
  readonly comparable: boolean;
  /** What the step's first check (one bake after the shift) judges. */
  readonly perBake: Requests;
  /** The shortest bake, in whole bakes, after which each compared color has served the minimum (and the evidence rules out the regression); absent when none within a day does at this rate. */
  readonly needed?: { readonly looks: number; readonly seconds: number; readonly minutes: number };
  /** Needed within the step's longest bake (judge.maxBakeSeconds in whole bakes). */
  readonly withinLongest: boolean;
  /** What the step's last possible check judges. */
  readonly atLongest: Requests;
}

export interface CanaryEvidence {
  readonly requestsPerMinute: number;
  readonly minRequestsPerColor: number;
  /** The regression a pass must rule out (percentage points), when the estimate accounts for it. */
  readonly ruleOutPercentPoints?: number;
  /** Looks a step may take, and the longest bake they add up to. */
  readonly maxLooks: number;
  readonly longestSeconds: number;
  readonly steps: readonly StepEvidence[];
  /** The first step cannot gather the minimum even at its longest bake. */
  readonly thin: boolean;
  /** The smallest whole-percent first step whose compared colors both reach the minimum within the longest bake; absent when none below 100 does. */
  readonly smallestFirstStep?: number;
}

/** Complete minutes a check `spanSeconds` after a shift judges, at least, wherever in its minute the shift fell. */
export function judgedMinutes(spanSeconds: number, metricDelaySeconds: number): number {
  return Math.max(0, Math.floor((spanSeconds - metricDelaySeconds) / 60) - 1);
}

/** True when `perMinute` requests a minute over `minutes` reach `min`. The one comparison every estimate uses. */
const reaches = (perMinute: number, minutes: number, min: number): boolean => perMinute * minutes >= min;

/** The fewest whole minutes at `perMinute` that reach `min`; Infinity when none do. */
export function minutesFor(perMinute: number, min: number): number {
  if (reaches(perMinute, 0, min)) return 0;
  if (!(perMinute > 0) || !Number.isFinite(perMinute)) return Infinity;
  let m = Math.max(1, Math.ceil(min / perMinute));
  // So few a minute that no number of minutes is representable.
  if (!Number.isSafeInteger(m)) return Infinity;
  // Floating-point division may land one off either way; settle on the exact predicate.
  while (m > 1 && reaches(perMinute, m - 1, min)) m--;
  while (!reaches(perMinute, m, min)) m++;
  return m;
}

const perMinuteOf = (rate: number, percent: number) => ({ new: (rate * percent) / 100, old: (rate * (100 - percent)) / 100 });

function requestsIn(rate: number, percent: number, minutes: number): Requests {
  const p = perMinuteOf(rate, percent);
  return { minutes, new: p.new * minutes, old: percent < 100 ? p.old * minutes : 0 };
}

/** The most looks an estimate searches: a day of bakes, at least the step's own. */
const lookCap = (plan: EvidencePlan) => Math.max(looksFor(plan.bakeSeconds, plan.maxBakeSeconds), Math.ceil(86_400 / Math.max(1, plan.bakeSeconds)));

/** True when `looks` bakes give each compared color the minimum and, with a rule-out, bring the A/A upper bound below it. */
function enoughAt(rate: number, percent: number, looks: number, plan: EvidencePlan): boolean {
  const r = requestsIn(rate, percent, judgedMinutes(looks * plan.bakeSeconds, plan.metricDelaySeconds));
  const comparable = percent < 100;
  if (r.new < plan.minRequestsPerColor || (comparable && r.old < plan.minRequestsPerColor)) return false;
  if (!comparable || !plan.ruleOut) return true;
  const z = zFor(1 - (1 - plan.ruleOut.confidence) / looksFor(plan.bakeSeconds, plan.maxBakeSeconds));
  const limit = plan.ruleOut.percentPoints / 100;
  return [plan.ruleOut.failed, plan.ruleOut.slow].every((q) => newcombe(q * r.new, r.new, q * r.old, r.old, z).upper < limit);
}

/** The evidence of one step at `rate` requests a minute. */
export function stepEvidence(rate: number, percent: number, step: number, plan: EvidencePlan): StepEvidence {
  const comparable = percent < 100;
  const p = perMinuteOf(rate, percent);
  // The color that reaches the minimum last decides when the minimum is reached.
  const binding = comparable ? Math.min(p.new, p.old) : p.new;
  const m = minutesFor(binding, plan.minRequestsPerColor);
  const maxLooks = looksFor(plan.bakeSeconds, plan.maxBakeSeconds);
  let needed: StepEvidence['needed'];
  let first: number | undefined;
  if (m === 0) first = 1;
  // judgedMinutes(n * bake) >= m  <=>  n * bake >= delay + 60 (m + 1)
  else if (Number.isFinite(m) && plan.bakeSeconds > 0) first = Math.max(1, Math.ceil((plan.metricDelaySeconds + 60 * (m + 1)) / plan.bakeSeconds));
  // More bakes only narrow the interval: the first enough, by bisection, within a day of bakes.
  const cap = lookCap(plan);
  if (first !== undefined && first <= cap && enoughAt(rate, percent, cap, plan)) {
    let lo = first;
    let hi = cap;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (enoughAt(rate, percent, mid, plan)) hi = mid;
      else lo = mid + 1;
    }
    needed = { looks: lo, seconds: lo * plan.bakeSeconds, minutes: judgedMinutes(lo * plan.bakeSeconds, plan.metricDelaySeconds) };
  }
  const longest = judgedMinutes(maxLooks * plan.bakeSeconds, plan.metricDelaySeconds);
  return {
    step,
    percent,
    comparable,
    perBake: requestsIn(rate, percent, judgedMinutes(plan.bakeSeconds, plan.metricDelaySeconds)),
    ...(needed ? { needed } : {}),
    withinLongest: needed !== undefined && needed.looks <= maxLooks,
    atLongest: requestsIn(rate, percent, longest),
  };
}

/** Each step's evidence at the recent rate, whether the first step is too thin to judge, and the smallest first step that is not. */
export function canaryEvidence(requestsPerMinute: number, plan: EvidencePlan): CanaryEvidence {
  const rate = Number.isFinite(requestsPerMinute) && requestsPerMinute > 0 ? requestsPerMinute : 0;
  const maxLooks = looksFor(plan.bakeSeconds, plan.maxBakeSeconds);
  const steps = plan.steps.map((percent, i) => stepEvidence(rate, percent, i + 1, plan));
  let smallestFirstStep: number | undefined;
  for (let percent = 1; percent < 100 && smallestFirstStep === undefined; percent++) {
    if (enoughAt(rate, percent, maxLooks, plan)) smallestFirstStep = percent;
  }
  return {
    requestsPerMinute: rate,
    minRequestsPerColor: plan.minRequestsPerColor,
    ...(plan.ruleOut ? { ruleOutPercentPoints: plan.ruleOut.percentPoints } : {}),
    maxLooks,
    longestSeconds: maxLooks * plan.bakeSeconds,
    steps,
    thin: steps.length > 0 && !steps[0].withinLongest,
    ...(smallestFirstStep !== undefined ? { smallestFirstStep } : {}),
  };
}

const n0 = (x: number) => (x >= 10 || x === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

/** One line per step, for the report and the ledger. */
export function describeStep(s: StepEvidence, e: Pick<CanaryEvidence, 'minRequestsPerColor' | 'longestSeconds' | 'ruleOutPercentPoints'>): string {
  const each = `${s.percent}%: new ${n0(s.perBake.new)}${s.comparable ? `, old ${n0(s.perBake.old)}` : ''} requests per bake (${s.perBake.minutes} complete minute${s.perBake.minutes === 1 ? '' : 's'})`;
  const evidence = `evidence to pass (${e.minRequestsPerColor} requests per color${s.comparable && e.ruleOutPercentPoints !== undefined ? `, a ${e.ruleOutPercentPoints} pp regression ruled out` : ''})`;
  if (!s.needed) return `${each}; ${evidence} not within a day at this rate`;
  const when = s.needed.looks === 1 ? 'in one bake' : `after ${s.needed.looks} bakes (${s.needed.seconds} s)`;
  return `${each}; ${evidence} ${when}${s.withinLongest ? '' : `, beyond the longest bake (${e.longestSeconds} s)`}`;
}

/** Why the first step is too thin, with the way out: the message of `CanaryTooThin` and the accepted warning. */
export function thinMessage(e: CanaryEvidence, plan?: Pick<EvidencePlan, 'ruleOut'>): string {
  const first = e.steps[0];
  const oldShort = first.comparable && first.atLongest.old < first.atLongest.new;
  const who = oldShort ? `the old color about ${n0(first.atLongest.old)}` : `the new color about ${n0(first.atLongest.new)}`;
  const shortOfMinimum = (oldShort ? first.atLongest.old : first.atLongest.new) < e.minRequestsPerColor;
  const r = plan?.ruleOut;
  const short = shortOfMinimum || !r
    ? `short of judge.minRequestsPerColor (${e.minRequestsPerColor})`
    : `enough for judge.minRequestsPerColor (${e.minRequestsPerColor}) but too few to rule out a ${r.percentPoints} pp regression (judge.ruleOutPercentPoints) at the last hour's ${(100 * r.failed).toFixed(2)}% failed and ${(100 * r.slow).toFixed(2)}% slow requests, which a pass needs`;
  const suggestion = e.smallestFirstStep !== undefined ? `the smallest first step that would do is ${e.smallestFirstStep}%` : 'no first step below 100% would';
  return (
    `at the last hour's ${n0(e.requestsPerMinute)} requests a minute, a ${first.percent}% first step gives ${who} requests ` +
    `by its longest bake (${e.longestSeconds} s, ${first.atLongest.minutes} complete minutes), ${short}; ` +
    `${suggestion}. Raise the first step or judge.maxBakeSeconds, or start with "acceptThinCanary": true to go anyway ` +
    '(the step still needs its evidence: unless traffic rises it fails with InsufficientTraffic and traffic returns to the old color)'
  );
}
