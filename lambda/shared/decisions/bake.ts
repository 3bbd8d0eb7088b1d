import { Verdict } from './judge';

/** What a bake check observed about the new color, besides the judge's verdict. */
export interface BakeFacts {
  readonly alarmState: string;
  readonly healthyTargets: number;
  readonly desired: number;
  /** The judge's verdict on the step's complete minutes. */
  readonly verdict: Verdict;
  /** This look and the most the step may take (its longest bake over one bake). */
  readonly look: number;
  readonly maxLooks: number;
  /** judge.onBothBad is hold, and the old color's rollback alarm state (read in that mode only). */
  readonly holdWhenBothBad?: boolean;
  readonly otherAlarmState?: string;
}

export type StepFailure = 'AlarmBreached' | 'IdleNeverHealthy' | 'InsufficientTraffic' | 'JudgedWorse' | 'AboveCeiling' | 'BothColorsBad';

export type BakeOutcome =
  | { readonly action: 'pass' }
  /** Not yet known: bake again and look once more. */
  | { readonly action: 'extend'; readonly reason: string; readonly hold: boolean }
  | { readonly action: 'fail'; readonly error: StepFailure; readonly reason: string };

/**
 * A step passes only with the rollback alarm OK, full healthy capacity and a
 * PASS from the judge. An inconclusive (or held) verdict bakes again until the
 * step's looks run out; then the cutover fails: too little traffic to judge is
 * never a pass, and a hold has a deadline.
 */
export function bakeOutcome(f: BakeFacts): BakeOutcome {
  const last = f.look >= f.maxLooks;
  if (f.alarmState === 'ALARM') {
    // Both colors alarming is a shared failure: in hold mode it holds like the judge's HOLD, unless the new color is worse.
    const shared = f.holdWhenBothBad === true && f.otherAlarmState === 'ALARM' && f.verdict.decision !== 'FAIL';
    if (!shared) return { action: 'fail', error: 'AlarmBreached', reason: "the new color's rollback alarm is in ALARM" };
    const reason = "both colors' rollback alarms are in ALARM and the new color is not worse than the old";
    return last ? { action: 'fail', error: 'BothColorsBad', reason: `the hold ran out after ${f.look} looks: ${reason}` } : { action: 'extend', reason, hold: true };
  }
  if (f.healthyTargets < f.desired) return { action: 'fail', error: 'IdleNeverHealthy', reason: `only ${f.healthyTargets} of ${f.desired} targets of the new color are healthy` };
  const v = f.verdict;
  if (v.decision === 'PASS') return { action: 'pass' };
  if (v.decision === 'FAIL') return { action: 'fail', error: v.error ?? 'JudgedWorse', reason: v.reason };
  if (v.decision === 'HOLD') {
    return last ? { action: 'fail', error: 'BothColorsBad', reason: `the hold ran out after ${f.look} looks: ${v.reason}` } : { action: 'extend', reason: v.reason, hold: true };
  }
  return last ? { action: 'fail', error: 'InsufficientTraffic', reason: `still inconclusive after ${f.look} looks (the longest bake): ${v.reason}` } : { action: 'extend', reason: v.reason, hold: false };
}
