import { Color } from './colors';

/** The comparison alarm beside a color's rollback alarm: `<prefix>-<color>-worse-than-<other>`. */
export function comparisonAlarmName(rollbackAlarm: string, other: Color): string {
  return rollbackAlarm.replace(/-rollback$/, `-worse-than-${other}`);
}
