import { AlarmCriteria, AlarmState, evaluationRangePeriods, nextAlarmState, TreatMissingData } from '../../../rehearsal/alarms/state';

// Each branch of the missing-data rules with its exact state and reason, in
// singular and plural, where state.test.ts pins only the states and a few reasons.
const X = 10;
const O = 0;
const _ = null;
const c = (m: number, n: number, treatMissingData: TreatMissingData): AlarmCriteria => ({ threshold: 5, comparison: 'GreaterThanThreshold', evaluationPeriods: n, datapointsToAlarm: m, treatMissingData });
const next = (criteria: AlarmCriteria, points: Array<number | null>, current: AlarmState = 'OK') => nextAlarmState(criteria, points, current);

describe('nextAlarmState: every reason', () => {
  it('ALARM on one datapoint', () => {
    expect(next(c(1, 1, 'missing'), [X])).toEqual({ state: 'ALARM', reason: 'Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (5.0).' });
  });

  it('OK with M = 1 names "1 datapoint" for the transition', () => {
    expect(next(c(1, 2, 'missing'), [O, O], 'ALARM')).toEqual({
      state: 'OK',
      reason: 'Threshold Crossed: 2 out of the last 2 datapoints were not greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).',
    });
  });

  it('notBreaching fills, one and two of them', () => {
    expect(next(c(3, 3, 'notBreaching'), [X, X, _])).toEqual({
      state: 'OK',
      reason: 'Threshold Crossed: 1 out of the last 3 datapoints was not greater than the threshold (5.0) (minimum 3 datapoints for OK -> ALARM transition) (1 missing datapoint treated as not breaching).',
    });
    expect(next(c(2, 3, 'notBreaching'), [X, _, _]).reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints were not greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition) (2 missing datapoints treated as not breaching).',
    );
  });

  it('missing: M real breaches alarm on their own, whatever the gaps', () => {
    expect(next(c(2, 3, 'missing'), [X, X, _])).toEqual({ state: 'ALARM', reason: 'Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold (5.0).' });
  });

  it('missing: a real non-breaching datapoint among fewer than N is OK, saying how many were available and missing', () => {
    expect(next(c(2, 3, 'missing'), [O, _, _], 'ALARM')).toEqual({
      state: 'OK',
      reason: 'Threshold Crossed: 1 of the 1 available datapoint was not greater than the threshold (5.0), fewer than 2 breaching (2 of the last 3 datapoints were missing).',
    });
    expect(next(c(2, 3, 'missing'), [O, X, _, _], 'ALARM').reason).toBe(
      'Threshold Crossed: 1 of the 2 available datapoints was not greater than the threshold (5.0), fewer than 2 breaching (1 of the last 3 datapoint was missing).',
    );
    expect(next(c(3, 4, 'missing'), [O, O, _, _, _], 'ALARM').reason).toBe(
      'Threshold Crossed: 2 of the 2 available datapoints were not greater than the threshold (5.0), fewer than 3 breaching (2 of the last 4 datapoints were missing).',
    );
  });

  it('ignore: fewer than M breaching datapoints keep the current state, saying how many', () => {
    expect(next(c(3, 3, 'ignore'), [X, _, _, _, _], 'ALARM')).toEqual({ state: 'ALARM', reason: 'Missing data ignored: only 1 breaching datapoint, fewer than 3, in the last 5 periods; the alarm stays ALARM.' });
    expect(next(c(3, 3, 'ignore'), [X, X, _, _, _], 'OK').reason).toBe('Missing data ignored: only 2 breaching datapoints, fewer than 3, in the last 5 periods; the alarm stays OK.');
  });

  it('missing: nothing in a one-period range', () => {
    expect(next(c(1, 1, 'missing'), [_])).toEqual({ state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 1 datapoint was unknown.' });
  });

  it('missing: breaching data older than the newest gaps is ALARM', () => {
    expect(next(c(2, 3, 'missing'), [X, _, _, _, _])).toEqual({
      state: 'ALARM',
      reason: 'Threshold Crossed: the oldest evaluated datapoint was greater than the threshold (5.0) and no datapoint was not; 2 of the last 3 datapoints were missing.',
    });
    // Only the newest gap is judged: the two older ones do not count against the breach.
    expect(next(c(2, 2, 'missing'), [_, _, X, _])).toEqual({
      state: 'ALARM',
      reason: 'Threshold Crossed: the oldest evaluated datapoint was greater than the threshold (5.0) and no datapoint was not; 1 of the last 2 datapoint was missing.',
    });
  });

  it('missing: breaching data newer than a judged gap is INSUFFICIENT_DATA', () => {
    expect(next(c(3, 3, 'missing'), [_, X, X])).toEqual({
      state: 'INSUFFICIENT_DATA',
      reason: 'Insufficient Data: 1 of the last 3 datapoints was unknown and the 2 available ones breach, fewer than 3.',
    });
    expect(next(c(2, 3, 'missing'), [_, _, _, _, X]).reason).toBe('Insufficient Data: 2 of the last 3 datapoints were unknown and the 1 available one breaches, fewer than 2.');
  });
});

describe('criteria CloudWatch refuses', () => {
  it('a threshold that is not a finite number', () => {
    expect(() => next({ ...c(1, 1, 'missing'), threshold: Number.POSITIVE_INFINITY }, [1])).toThrow(new RangeError('threshold must be a finite number, got Infinity'));
  });

  it('evaluationRangePeriods: a period under a minute, and no evaluation periods', () => {
    expect(() => evaluationRangePeriods(0, 60)).toThrow(new RangeError('evaluationPeriods must be a positive integer, got 0'));
    expect(() => evaluationRangePeriods(1, 0)).toThrow(new RangeError('a standard-resolution alarm period is a positive multiple of 60 seconds, got 0'));
    expect(() => evaluationRangePeriods(1, -60)).toThrow(RangeError);
    expect(evaluationRangePeriods(1, 60)).toBe(3);
  });
});
