import { Color, otherColor } from '../colors';
import { Weights } from './weights';

/** Events older than this are ignored; the EventBridge target's maximum event age matches it. */
export const MAX_EVENT_AGE_SECONDS = 300;

/** The running cutover, as its lock records it. */
export interface RunningCutover {
  readonly executionId: string;
  readonly previousColor: Color;
  readonly newColor: Color;
  readonly startedAtMs: number;
  /** Set once any rollback has happened in this cutover. */
  readonly rolledBackAtMs?: number;
}

export interface AlarmFacts {
  readonly alarmName: string;
  readonly state: string;
  /** When CloudWatch changed the state. */
  readonly changedAtMs: number;
  readonly nowMs: number;
  readonly maxAgeMs: number;
  readonly rollbackAlarms: Readonly<Record<Color, string>>;
  readonly weights: Weights;
  readonly cutover?: RunningCutover;
  /**
   * judge.onBothBad is "hold": while both colors' rollback alarms are in ALARM
   * (a shared dependency), the new color is not rolled back unless it is also
   * worse than the old; the step check rolls back when the hold runs out.
   */
  readonly holdWhenBothBad?: boolean;
  /** State of the other color's rollback alarm (read only in hold mode). */
  readonly otherAlarmState?: string;
  /** State of the alarming color's comparison alarm (worse than the other color). */
  readonly comparisonAlarmState?: string;
}

export type AlarmDecision =
  | { readonly action: 'rollback'; readonly alarmColor: Color; readonly target: Color; readonly reason: string }
  | { readonly action: 'notify'; readonly alarmColor: Color; readonly reason: string }
  | { readonly action: 'ignore'; readonly reason: string };

/**
 * What to do with a rollback-alarm state change. Rolls back only a color that
 * takes traffic, onto the other color; stale and repeated events do nothing.
 */
export function alarmDecision(f: AlarmFacts): AlarmDecision {
  const alarmColor = (Object.keys(f.rollbackAlarms) as Color[]).find((c) => f.rollbackAlarms[c] === f.alarmName);
  if (!alarmColor) return { action: 'ignore', reason: `${f.alarmName} is not a rollback alarm of this service` };
  if (f.state !== 'ALARM') return { action: 'ignore', reason: `${f.alarmName} went to ${f.state}` };
  if (f.nowMs - f.changedAtMs > f.maxAgeMs) return { action: 'ignore', reason: `the event is ${Math.round((f.nowMs - f.changedAtMs) / 1000)} s old, past the ${f.maxAgeMs / 1000} s limit` };
  if (f.cutover && f.changedAtMs < f.cutover.startedAtMs) return { action: 'ignore', reason: 'the event predates the running cutover' };
  if (f.weights[alarmColor] === 0) return { action: 'notify', alarmColor, reason: `${alarmColor} takes no traffic; nothing to roll back` };
  if (f.cutover) {
    if (alarmColor !== f.cutover.newColor) {
      return { action: 'notify', alarmColor, reason: `${alarmColor} is the color the running cutover would fall back to; rolling back cannot help` };
    }
    if (f.holdWhenBothBad && f.otherAlarmState === 'ALARM' && f.comparisonAlarmState !== 'ALARM') {
      return { action: 'notify', alarmColor, reason: `both colors' rollback alarms are in ALARM and ${alarmColor} is not worse than ${f.cutover.previousColor}: holding (judge.onBothBad is hold); the step check rolls back when the hold runs out` };
    }
    return { action: 'rollback', alarmColor, target: f.cutover.previousColor, reason: `${f.alarmName} in ALARM during cutover ${f.cutover.executionId}` };
  }
  return { action: 'rollback', alarmColor, target: otherColor(alarmColor), reason: `${f.alarmName} in ALARM with no cutover running` };
}
