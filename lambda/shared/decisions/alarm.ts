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
    return { action: 'rollback', alarmColor, target: f.cutover.previousColor, reason: `${f.alarmName} in ALARM during cutover ${f.cutover.executionId}` };
  }
  return { action: 'rollback', alarmColor, target: otherColor(alarmColor), reason: `${f.alarmName} in ALARM with no cutover running` };
}
