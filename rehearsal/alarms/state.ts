/**
 * CloudWatch's metric alarm state evaluation ("M out of N" with missing data),
 * as the CloudWatch User Guide describes it under "How alarm state is
 * evaluated when data is missing". Pure: no clock, no I/O.
 *
 * The documented rules:
 * 1. CloudWatch retrieves more periods than EvaluationPeriods (N): the
 *    evaluation range.
 * 2. If at least N real datapoints are in the range, the newest N of them are
 *    judged, whatever the missing-data setting.
 * 3. Otherwise the missing ones are filled per TreatMissingData, using every
 *    real datapoint in the range and as few fills as possible, so N points are
 *    judged. Fewer than M (DatapointsToAlarm) breaching → OK, else ALARM.
 *
 * `breaching` and `notBreaching` follow rule 3 literally. For `missing` and
 * `ignore` the guide gives no fill value, only the worked-example table, which
 * this module reproduces row by row:
 * - at least M real breaches → ALARM;
 * - otherwise any real non-breaching datapoint → OK (the table's `0 - - - -`
 *   and `- - - - 0` rows);
 * - otherwise (no data at all, or only breaching data but fewer than M):
 *   `ignore` keeps the current state; `missing` goes to INSUFFICIENT_DATA,
 *   except when the breaching data is older than the gap (`X - - - -` →
 *   ALARM, which the guide explains as "the oldest evaluated data point is
 *   breaching and there aren't any non-breaching data points").
 *   Precisely: the N judged slots are the real datapoints plus the newest
 *   missing periods; if the oldest slot is a real datapoint the state is
 *   ALARM, otherwise INSUFFICIENT_DATA (`- - - - X`). The guide states the
 *   outcome for its examples only; this ordering rule is the reading that
 *   reproduces all of them.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type ComparisonOperator = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface AlarmCriteria {
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  /** N: how many datapoints are judged. */
  readonly evaluationPeriods: number;
  /** M: how many of the N must breach for ALARM. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

export interface StateResult {
  readonly state: AlarmState;
  readonly reason: string;
}

const PHRASE: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** Whether one datapoint breaches the alarm's threshold. */
export function breaches(c: Pick<AlarmCriteria, 'threshold' | 'comparison'>, value: number): boolean {
  switch (c.comparison) {
    case 'GreaterThanThreshold':
      return value > c.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= c.threshold;
    case 'LessThanThreshold':
      return value < c.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= c.threshold;
  }
}

/** A number as CloudWatch writes it in state reasons: 5 → "5.0", 0.25 → "0.25". */
function cw(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function validate(c: AlarmCriteria, datapoints: ReadonlyArray<number | null>): void {
  const n = c.evaluationPeriods;
  const m = c.datapointsToAlarm;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`evaluationPeriods must be a positive integer, got ${n}`);
  if (!Number.isInteger(m) || m < 1 || m > n) throw new RangeError(`datapointsToAlarm must be an integer from 1 to evaluationPeriods (${n}), got ${m}`);
  if (!Number.isFinite(c.threshold)) throw new RangeError(`threshold must be a finite number, got ${c.threshold}`);
  if (datapoints.length < n) throw new RangeError(`the evaluation range has ${datapoints.length} periods, fewer than evaluationPeriods (${n}); pad older periods with null`);
  datapoints.forEach((v, i) => {
    if (v !== null && !Number.isFinite(v)) throw new RangeError(`datapoint ${i} is ${v}; use null for a missing datapoint`);
  });
}

function judged(c: AlarmCriteria, breachCount: number, filled: number, fillBreaches: boolean): StateResult {
  const n = c.evaluationPeriods;
  const m = c.datapointsToAlarm;
  const how = PHRASE[c.comparison];
  const fills = filled > 0 ? ` (${filled} missing ${plural(filled, 'datapoint', 'datapoints')} treated as ${fillBreaches ? 'breaching' : 'not breaching'})` : '';
  if (breachCount >= m) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breachCount} out of the last ${n} datapoints ${plural(breachCount, 'was', 'were')} ${how} the threshold (${cw(c.threshold)})${fills}.`,
    };
  }
  const fine = n - breachCount;
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${fine} out of the last ${n} datapoints ${plural(fine, 'was', 'were')} not ${how} the threshold (${cw(c.threshold)}) (minimum ${m} ${plural(m, 'datapoint', 'datapoints')} for OK -> ALARM transition)${fills}.`,
  };
}

/**
 * The state CloudWatch would give the alarm for this evaluation range.
 * `datapoints` is the evaluation range, oldest first, newest last (null =
 * missing), at least `evaluationPeriods` long; `current` is the alarm's
 * present state (kept by `ignore` when the data cannot decide).
 */
export function nextAlarmState(c: AlarmCriteria, datapoints: ReadonlyArray<number | null>, current: AlarmState): StateResult {
  validate(c, datapoints);
  const n = c.evaluationPeriods;
  const m = c.datapointsToAlarm;
  const real = datapoints.flatMap((v, i) => (v === null ? [] : [{ i, breach: breaches(c, v) }]));

  // Rule 2: enough real datapoints, judge the newest N of them.
  if (real.length >= n) {
    return judged(c, real.slice(-n).filter((p) => p.breach).length, 0, false);
  }

  const breachCount = real.filter((p) => p.breach).length;
  const gaps = n - real.length;

  // Rule 3 with a fill value.
  if (c.treatMissingData === 'breaching') return judged(c, breachCount + gaps, gaps, true);
  if (c.treatMissingData === 'notBreaching') return judged(c, breachCount, gaps, false);

  // `missing` and `ignore`: the gaps have no value.
  if (breachCount >= m) return judged(c, breachCount, 0, false);
  if (real.length > breachCount) {
    const fine = real.length - breachCount;
    return {
      state: 'OK',
      reason: `Threshold Crossed: ${fine} of the ${real.length} available ${plural(real.length, 'datapoint', 'datapoints')} ${plural(fine, 'was', 'were')} not ${PHRASE[c.comparison]} the threshold (${cw(c.threshold)}), fewer than ${m} breaching (${gaps} of the last ${n} ${plural(gaps, 'datapoint was', 'datapoints were')} missing).`,
    };
  }

  if (c.treatMissingData === 'ignore') {
    return {
      state: current,
      reason: `Missing data ignored: ${real.length === 0 ? 'no datapoints' : `only ${real.length} breaching ${plural(real.length, 'datapoint', 'datapoints')}, fewer than ${m},`} in the last ${datapoints.length} periods; the alarm stays ${current}.`,
    };
  }

  if (real.length === 0) {
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${datapoints.length} ${plural(datapoints.length, 'datapoint was', 'datapoints were')} unknown.` };
  }

  // Only breaching data, fewer than M. Judged slots: the real datapoints plus the newest missing periods.
  const missingIndexes = datapoints.flatMap((v, i) => (v === null ? [i] : []));
  const newestGaps = missingIndexes.slice(-gaps);
  const oldestReal = real[0].i;
  if (oldestReal < Math.min(...newestGaps)) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: the oldest evaluated datapoint was ${PHRASE[c.comparison]} the threshold (${cw(c.threshold)}) and no datapoint was not; ${gaps} of the last ${n} ${plural(gaps, 'datapoint was', 'datapoints were')} missing.`,
    };
  }
  return {
    state: 'INSUFFICIENT_DATA',
    reason: `Insufficient Data: ${gaps} of the last ${n} datapoints ${plural(gaps, 'was', 'were')} unknown and the ${breachCount} available ${plural(breachCount, 'one breaches', 'ones breach')}, fewer than ${m}.`,
  };
}

/**
 * How many periods CloudWatch retrieves for a standard-resolution alarm (its
 * evaluation range). The guide's only figure is 5 periods for an alarm with 3
 * evaluation periods of 5 minutes, and it says the exact number depends on
 * the period and the resolution without giving the rule; this returns N + 2
 * for every standard-resolution period, an extrapolation from that example.
 * Validates what PutMetricAlarm documents: a standard-resolution period is a
 * multiple of 60 s, and period × N may not exceed one day for periods under
 * an hour, seven days otherwise.
 */
export function evaluationRangePeriods(evaluationPeriods: number, periodSeconds: number): number {
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) throw new RangeError(`evaluationPeriods must be a positive integer, got ${evaluationPeriods}`);
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new RangeError(`a standard-resolution alarm period is a positive multiple of 60 seconds, got ${periodSeconds}`);
  }
  const limit = periodSeconds < 3600 ? 86_400 : 604_800;
  if (evaluationPeriods * periodSeconds > limit) {
    throw new RangeError(`period × evaluationPeriods is ${evaluationPeriods * periodSeconds} s, over CloudWatch's limit of ${limit} s for a ${periodSeconds} s period`);
  }
  return evaluationPeriods + 2;
}
