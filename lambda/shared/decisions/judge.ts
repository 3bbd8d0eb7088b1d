// The quantile function alone: the package's index also builds its factory, which loads stdlib's error formatting at every cold start.
const normalQuantile = require('@stdlib/stats-base-dists-normal-quantile/lib/main.js') as typeof import('@stdlib/stats-base-dists-normal-quantile');

/**
 * The verdict on a ramp step: the new color against the old one, on the same
 * complete minutes, for two proportions: failed requests (target 5xx and the
 * load balancer's failed connections to the color) and slow requests (slower
 * than the latency threshold).
 *
 * For each proportion, Newcombe's hybrid score interval of the difference
 * (new minus old) with continuity correction (his method 11), which holds at
 * small counts and at zero failures without being anti-conservative there, at a
 * one-sided confidence split (Bonferroni) over every look each comparing step
 * may take and both proportions, so baking again, looking again and judging
 * two metrics over several steps does not inflate false rollbacks:
 *
 * - worse: the difference is at least the margin and its lower bound is above 0;
 * - ruled out: the upper bound is below the margin, so the evidence rules out
 *   a regression of the margin's size;
 * - not shown: neither; the report gives the upper bound, the largest
 *   regression the evidence cannot yet exclude.
 *
 * Besides the comparison, the absolute ceiling: the new color's failure rate
 * is above it when the lower bound of its own (Wilson) interval is, which needs
 * few requests when every request fails. Above the ceiling fails at any
 * count, worse once each color served the minimum; otherwise a step is INCONCLUSIVE (the bake extends) until each
 * color served the minimum and the evidence rules out a regression of
 * `ruleOutPercentPoints`, and then passes. INCONCLUSIVE never passes.
 */

export interface ColorCounts {
  /** Requests the color served in the judged minutes. */
  readonly requests: number;
  /** Of them, failed (target 5xx and load-balancer 502s for the color). */
  readonly failed: number;
  /** Of them, slower than the latency threshold. */
  readonly slow: number;
  /** p95 of the window, for the report. */
  readonly p95Seconds?: number;
}

export interface JudgeSettings {
  /** A worse new color fails only by at least this much, in percentage points. */
  readonly errorMarginPercentPoints: number;
  /** One-sided confidence of each step's verdict, such as 0.99. */
  readonly confidence: number;
  /** Requests each color must serve before a comparison counts. */
  readonly minRequestsPerColor: number;
  /** Failure rate (percent) above which the new color fails whatever the old one does. */
  readonly ceilingPercent: number;
  /** Both colors above the ceiling: roll back (conservative) or hold and page. */
  readonly onBothBad: 'rollback' | 'hold';
  /**
   * A step passes only once the evidence rules out a regression this large
   * (percentage points; the upper bound of the difference is below it).
   * @default no such requirement
   */
  readonly ruleOutPercentPoints?: number;
}

export interface JudgeInput {
  readonly newColor: ColorCounts;
  readonly oldColor: ColorCounts;
  /** False when the old color takes no traffic in this step (the last, 100% step): no comparison is possible. */
  readonly comparable: boolean;
  /** This look (1 for the first check of the step). */
  readonly look: number;
  /** The most looks the step may take (its longest bake over one bake). */
  readonly maxLooks: number;
  /**
   * Steps of the cutover that compare the colors (all but a 100% step): the
   * confidence is split over them too, so it holds for the whole cutover.
   * @default 1
   */
  readonly comparedSteps?: number;
  readonly settings: JudgeSettings;
}

export type Decision = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'HOLD';

export interface ProportionVerdict {
  readonly metric: 'failed' | 'slow';
  readonly newRate: number;
  readonly oldRate: number;
  /** New minus old, as proportions. */
  readonly difference: number;
  /** One-sided bounds of the difference at the per-look confidence. */
  readonly lower: number;
  readonly upper: number;
  readonly margin: number;
  readonly outcome: 'worse' | 'ruled-out' | 'not-shown';
  readonly why: string;
}

export interface Verdict {
  readonly decision: Decision;
  /** For FAIL and HOLD: the named error the cutover fails or pages with. */
  readonly error?: 'JudgedWorse' | 'AboveCeiling' | 'BothColorsBad';
  readonly reason: string;
  readonly look: number;
  readonly maxLooks: number;
  /** One-sided confidence each bound was taken at (the step's confidence split over its looks). */
  readonly perLookConfidence: number;
  readonly counts: { readonly new: ColorCounts; readonly old: ColorCounts };
  readonly proportions: readonly ProportionVerdict[];
  readonly ceiling: { readonly percent: number; readonly newLowerPercent: number; readonly oldLowerPercent: number; readonly newAbove: boolean; readonly oldAbove: boolean };
}

/** z for a one-sided confidence. */
export const zFor = (confidence: number): number => normalQuantile(confidence, 0, 1);

/** Wilson score interval of x successes in n, two bounds at one-sided confidence via z; [0, 1] when n is 0. */
export function wilson(x: number, n: number, z: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Wilson's score interval with continuity correction (Newcombe 1998, method 4):
 * wider than the plain score interval, and not anti-conservative at a handful
 * of events, where the plain one is.
 */
export function wilsonCorrected(x: number, n: number, z: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = x / n;
  const z2 = z * z;
  const denominator = 2 * (n + z2);
  const lower = x === 0 ? 0 : (2 * n * p + z2 - 1 - z * Math.sqrt(Math.max(0, z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1)))) / denominator;
  const upper = x === n ? 1 : (2 * n * p + z2 + 1 + z * Math.sqrt(Math.max(0, z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1)))) / denominator;
  return { lower: Math.max(0, Math.min(p, lower)), upper: Math.min(1, Math.max(p, upper)) };
}

/** Newcombe's hybrid score interval of p1 - p2 (method 10), from Wilson intervals at the same z. */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z: number, corrected = false): { difference: number; lower: number; upper: number } {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const bounds = corrected ? wilsonCorrected : wilson;
  const a = bounds(x1, n1, z);
  const b = bounds(x2, n2, z);
  const d = p1 - p2;
  return {
    difference: d,
    lower: d - Math.sqrt((p1 - a.lower) ** 2 + (b.upper - p2) ** 2),
    upper: d + Math.sqrt((a.upper - p1) ** 2 + (p2 - b.lower) ** 2),
  };
}

const pct = (p: number) => `${(100 * p).toFixed(2)}%`;

function compare(metric: ProportionVerdict['metric'], x1: number, n1: number, x2: number, n2: number, margin: number, z: number): ProportionVerdict {
  // Method 11 (continuity corrected): method 10 rolled back healthy colors on one or two failures.
  const { difference, lower, upper } = newcombe(x1, n1, x2, n2, z, true);
  const base = { metric, newRate: n1 > 0 ? x1 / n1 : 0, oldRate: n2 > 0 ? x2 / n2 : 0, difference, lower, upper, margin };
  const interval = `difference ${pct(difference)}, bounds ${pct(lower)} to ${pct(upper)}`;
  if (difference >= margin && lower > 0) return { ...base, outcome: 'worse', why: `${metric}: new ${pct(base.newRate)} vs old ${pct(base.oldRate)}, ${interval}: worse by at least the ${pct(margin)} margin` };
  if (upper < margin) return { ...base, outcome: 'ruled-out', why: `${metric}: new ${pct(base.newRate)} vs old ${pct(base.oldRate)}, ${interval}: a regression of the ${pct(margin)} margin is ruled out` };
  return { ...base, outcome: 'not-shown', why: `${metric}: new ${pct(base.newRate)} vs old ${pct(base.oldRate)}, ${interval}: no significant regression; one up to ${pct(upper)} is not yet ruled out` };
}

const readable = (c: ColorCounts): boolean =>
  [c.requests, c.failed, c.slow].every((v) => Number.isFinite(v) && v >= 0) && c.failed <= c.requests && c.slow <= c.requests;

/** The step's verdict. Pure: the same counts always give the same verdict. */
export function judgeStep(i: JudgeInput): Verdict {
  const s = i.settings;
  const maxLooks = Math.max(1, Math.floor(i.maxLooks));
  const look = Math.min(Math.max(1, Math.floor(i.look)), maxLooks);
  // Bonferroni over every bound that can fail the cutover: each look of each comparing step, for both proportions.
  const perLookConfidence = 1 - (1 - s.confidence) / (maxLooks * 2 * Math.max(1, Math.floor(i.comparedSteps ?? 1)));
  const z = zFor(perLookConfidence);
  const margin = s.errorMarginPercentPoints / 100;
  const ceiling = s.ceilingPercent / 100;
  const n = i.newColor;
  const o = i.oldColor;

  const newLower = wilson(n.failed, n.requests, z).lower;
  const oldLower = wilson(o.failed, o.requests, z).lower;
  const ceilingFacts = { percent: s.ceilingPercent, newLowerPercent: 100 * newLower, oldLowerPercent: 100 * oldLower, newAbove: newLower > ceiling, oldAbove: i.comparable && oldLower > ceiling };
  const proportions = i.comparable ? [compare('failed', n.failed, n.requests, o.failed, o.requests, margin, z), compare('slow', n.slow, n.requests, o.slow, o.requests, margin, z)] : [];
  const base = { look, maxLooks, perLookConfidence, counts: { new: n, old: o }, proportions, ceiling: ceilingFacts };
  // A comparison fails a step only on the minimum evidence: with a few dozen requests one failure
  // already puts the lower bound above 0 (score intervals are not conservative there; A/A drills at
  // 1,000 requests a minute and a 5% step rolled back 2 of 20 healthy runs). Thin but failing colors
  // are still caught by the ceiling, which needs few requests.
  const evidence = n.requests >= s.minRequestsPerColor && o.requests >= s.minRequestsPerColor;
  const worse = evidence ? proportions.filter((p) => p.outcome === 'worse') : [];

  // Unreadable counts (a missing metric read as NaN or undefined, negative, or more failed or slow than requests)
  // make every bound NaN, and NaN compares false everywhere, which would fall through to PASS: not known is not a pass.
  const unreadable = [readable(n) ? '' : 'new', i.comparable && !readable(o) ? 'old' : ''].filter(Boolean);
  if (unreadable.length > 0) {
    return { ...base, decision: 'INCONCLUSIVE', reason: `unreadable counts for the ${unreadable.join(' and ')} color (requests, failed and slow must be finite, at least 0, and failed and slow at most requests)` };
  }
  if (ceilingFacts.newAbove && ceilingFacts.oldAbove) {
    // A shared dependency fails both: not the new color's fault, unless it is also worse than the old.
    if (s.onBothBad === 'hold' && worse.length === 0) {
      return { ...base, decision: 'HOLD', error: 'BothColorsBad', reason: `both colors fail above the ${s.ceilingPercent}% ceiling (new at least ${ceilingFacts.newLowerPercent.toFixed(2)}%, old at least ${ceilingFacts.oldLowerPercent.toFixed(2)}%) and the new one is no worse: holding` };
    }
    return { ...base, decision: 'FAIL', error: 'BothColorsBad', reason: `both colors fail above the ${s.ceilingPercent}% ceiling (new at least ${ceilingFacts.newLowerPercent.toFixed(2)}%, old at least ${ceilingFacts.oldLowerPercent.toFixed(2)}%)${worse.length > 0 ? ' and the new one is worse' : ''}: rolling back` };
  }
  if (worse.length > 0) return { ...base, decision: 'FAIL', error: 'JudgedWorse', reason: worse.map((p) => p.why).join('; ') };
  if (ceilingFacts.newAbove) {
    return { ...base, decision: 'FAIL', error: 'AboveCeiling', reason: `the new color fails at least ${ceilingFacts.newLowerPercent.toFixed(2)}% of ${n.requests} requests, above the ${s.ceilingPercent}% ceiling` };
  }
  const thin = [n.requests < s.minRequestsPerColor ? `new ${n.requests}` : '', i.comparable && o.requests < s.minRequestsPerColor ? `old ${o.requests}` : ''].filter(Boolean);
  if (thin.length > 0) {
    return { ...base, decision: 'INCONCLUSIVE', reason: `too few requests to judge (${thin.join(', ')}; at least ${s.minRequestsPerColor} per color)` };
  }
  // A pass must rule out a large regression: until the evidence excludes one of ruleOut's size, bake on.
  const ruleOut = (s.ruleOutPercentPoints ?? Infinity) / 100;
  const open = proportions.filter((p) => p.upper >= ruleOut);
  if (open.length > 0) {
    return { ...base, decision: 'INCONCLUSIVE', reason: `${open.map((p) => `${p.metric}: a regression up to ${pct(p.upper)} is not yet ruled out`).join('; ')}; a pass needs it below ${s.ruleOutPercentPoints} percentage points` };
  }
  return {
    ...base,
    decision: 'PASS',
    reason: i.comparable ? proportions.map((p) => p.why).join('; ') : `the old color takes no traffic at this step, so no comparison; the new color's failures stay below the ${s.ceilingPercent}% ceiling over ${n.requests} requests`,
  };
}
