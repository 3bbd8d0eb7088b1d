import { JudgeSettings, judgeStep } from './judge';
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
 * - A step passes only once the judge passes it: with `judge` given, the
 *   estimate asks the judge itself (`judgeStep`) about the counts the step
 *   would see at the baseline's own proportions of failed and slow requests
 *   (an A/A step): the minimum, a regression of `ruleOutPercentPoints` ruled
 *   out, at the judge's confidence for the plan (split over looks, both
 *   proportions and the comparing steps).
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
  /** The judge and the baseline's proportions (0 to 1) of failed and slow requests: a step needs what the judge passes; absent: the minimum alone. */
  readonly judge?: BaselineJudge;
}

export interface BaselineJudge {
  readonly settings: JudgeSettings;
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

/** What the judge would decide after `looks` bakes, at the expected counts of an A/A step (the judge's minimum, rule-out and ceiling). */
export function judgeAt(rate: number, percent: number, looks: number, plan: EvidencePlan & { readonly judge: BaselineJudge }) {
  const r = requestsIn(rate, percent, judgedMinutes(looks * plan.bakeSeconds, plan.metricDelaySeconds));
  const j = plan.judge;
  return judgeStep({
    newColor: { requests: r.new, failed: j.failed * r.new, slow: j.slow * r.new },
    oldColor: { requests: r.old, failed: j.failed * r.old, slow: j.slow * r.old },
    comparable: percent < 100,
    look: looks,
    maxLooks: looksFor(plan.bakeSeconds, plan.maxBakeSeconds),
    comparedSteps: Math.max(1, plan.steps.filter((p) => p < 100).length),
    settings: j.settings,
  });
}

/** True when `looks` bakes give each compared color the minimum and, with the judge, what it needs to pass. */
function enoughAt(rate: number, percent: number, looks: number, plan: EvidencePlan): boolean {
  const r = requestsIn(rate, percent, judgedMinutes(looks * plan.bakeSeconds, plan.metricDelaySeconds));
  if (r.new < plan.minRequestsPerColor || (percent < 100 && r.old < plan.minRequestsPerColor)) return false;
  return plan.judge ? judgeAt(rate, percent, looks, { ...plan, judge: plan.judge }).decision === 'PASS' : true;
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
    ...(plan.judge?.settings.ruleOutPercentPoints !== undefined ? { ruleOutPercentPoints: plan.judge.settings.ruleOutPercentPoints } : {}),
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
export function thinMessage(e: CanaryEvidence, plan?: EvidencePlan): string {
  const first = e.steps[0];
  const oldShort = first.comparable && first.atLongest.old < first.atLongest.new;
  const who = oldShort ? `the old color about ${n0(first.atLongest.old)}` : `the new color about ${n0(first.atLongest.new)}`;
  const shortOfMinimum = (oldShort ? first.atLongest.old : first.atLongest.new) < e.minRequestsPerColor;
  let short = `short of judge.minRequestsPerColor (${e.minRequestsPerColor})`;
  if (!shortOfMinimum && plan?.judge) {
    // Enough requests, yet the judge would not pass: say what it would still say.
    const j = plan.judge;
    const v = judgeAt(e.requestsPerMinute, first.percent, e.maxLooks, { ...plan, judge: j });
    short = `enough for judge.minRequestsPerColor (${e.minRequestsPerColor}), but at the last hour's ${(100 * j.failed).toFixed(2)}% failed and ${(100 * j.slow).toFixed(2)}% slow requests the judge would still find: ${v.reason}`;
  }
  const suggestion = e.smallestFirstStep !== undefined ? `the smallest first step that would do is ${e.smallestFirstStep}%` : 'no first step below 100% would';
  return (
    `at the last hour's ${n0(e.requestsPerMinute)} requests a minute, a ${first.percent}% first step gives ${who} requests ` +
    `by its longest bake (${e.longestSeconds} s, ${first.atLongest.minutes} complete minutes), ${short}; ` +
    `${suggestion}. Raise the first step or judge.maxBakeSeconds, or start with "acceptThinCanary": true to go anyway ` +
    '(the step still needs its evidence: unless traffic rises it fails with InsufficientTraffic and traffic returns to the old color)'
  );
}
