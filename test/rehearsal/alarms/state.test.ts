import fc from 'fast-check';
import { AlarmCriteria, AlarmState, breaches, ComparisonOperator, evaluationRangePeriods, nextAlarmState, TreatMissingData } from '../../../rehearsal/alarms/state';

const THRESHOLD = 5;
/** The guide's notation: 0 = not breaching, X = breaching, - = missing (oldest first). */
function points(notation: string): Array<number | null> {
  return notation.split(' ').map((p) => (p === 'X' ? THRESHOLD + 5 : p === '0' ? THRESHOLD - 5 : null));
}
const criteria = (m: number, n: number, treatMissingData: TreatMissingData, comparison: ComparisonOperator = 'GreaterThanThreshold'): AlarmCriteria => ({
  threshold: THRESHOLD,
  comparison,
  evaluationPeriods: n,
  datapointsToAlarm: m,
  treatMissingData,
});

type Expected = AlarmState | 'retain';
const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const TREATMENTS: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

/**
 * CloudWatch User Guide, "How alarm state is evaluated when data is missing":
 * every row of both tables. Columns: MISSING, IGNORE, BREACHING, NOT BREACHING.
 * The evaluation range is the 5 most recent datapoints.
 */
const THREE_OF_THREE: ReadonlyArray<[string, number, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 2, 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 4, 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 5, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['0 X X - X', 1, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - - - X', 4, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['X - - - -', 4, 'ALARM', 'retain', 'ALARM', 'OK'],
];
const TWO_OF_THREE: ReadonlyArray<[string, number, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 2, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 0, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 3, 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 4, 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - X', 4, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
];

describe.each([
  ['3 out of 3', 3, THREE_OF_THREE],
  ['2 out of 3', 2, TWO_OF_THREE],
])('the guide\'s worked examples, %s alarm', (_title, m, rows) => {
  describe.each(rows)('%s (%i missing)', (notation, missingCount, ...expected) => {
    it('the notation has the stated number of missing datapoints', () => {
      expect(points(notation).filter((p) => p === null)).toHaveLength(missingCount);
    });
    it.each(TREATMENTS.map((t, i) => [t, expected[i]] as const))('treatMissingData=%s → %s', (treatment, want) => {
      for (const current of STATES) {
        const { state } = nextAlarmState(criteria(m, 3, treatment), points(notation), current);
        expect(state).toBe(want === 'retain' ? current : want);
      }
    });
  });
});

describe('nextAlarmState: rules beyond the table', () => {
  it('with at least N real datapoints the newest N are judged, however old the gap', () => {
    // 2 out of 3: the newest three real datapoints are X, 0, 0 → 1 breach → OK, although X X came earlier.
    const range = [10, 10, null, 10, null, 0, 0];
    for (const t of TREATMENTS) expect(nextAlarmState(criteria(2, 3, t), range, 'ALARM').state).toBe('OK');
  });
  it('breaching fills only as many gaps as needed: one real OK datapoint and two fills stay below 3 of 3', () => {
    expect(nextAlarmState(criteria(3, 3, 'breaching'), points('0 - - - -'), 'OK').reason).toBe(
      'Threshold Crossed: 1 out of the last 3 datapoints was not greater than the threshold (5.0) (minimum 3 datapoints for OK -> ALARM transition) (2 missing datapoints treated as breaching).',
    );
  });
  it('each comparison operator, at and around the threshold', () => {
    const at = (comparison: ComparisonOperator, v: number) => breaches({ threshold: 5, comparison }, v);
    expect([at('GreaterThanThreshold', 5), at('GreaterThanThreshold', 5.01)]).toEqual([false, true]);
    expect([at('GreaterThanOrEqualToThreshold', 4.99), at('GreaterThanOrEqualToThreshold', 5)]).toEqual([false, true]);
    expect([at('LessThanThreshold', 5), at('LessThanThreshold', 4.99)]).toEqual([false, true]);
    expect([at('LessThanOrEqualToThreshold', 5.01), at('LessThanOrEqualToThreshold', 5)]).toEqual([false, true]);
    expect(nextAlarmState(criteria(1, 1, 'missing', 'LessThanThreshold'), [1], 'OK').state).toBe('ALARM');
  });
  it('refuses ranges and criteria CloudWatch would never evaluate', () => {
    expect(() => nextAlarmState(criteria(2, 3, 'missing'), [1, 2], 'OK')).toThrow('the evaluation range has 2 periods, fewer than evaluationPeriods (3)');
    expect(() => nextAlarmState(criteria(4, 3, 'missing'), [1, 2, 3], 'OK')).toThrow('datapointsToAlarm must be an integer from 1 to evaluationPeriods (3), got 4');
    expect(() => nextAlarmState(criteria(0, 3, 'missing'), [1, 2, 3], 'OK')).toThrow(RangeError);
    expect(() => nextAlarmState(criteria(1, 0, 'missing'), [1], 'OK')).toThrow('evaluationPeriods must be a positive integer, got 0');
    expect(() => nextAlarmState(criteria(1, 1, 'missing'), [Number.NaN], 'OK')).toThrow('datapoint 0 is NaN; use null for a missing datapoint');
  });
});

describe('nextAlarmState: reasons read like CloudWatch\'s', () => {
  it('ALARM', () => {
    expect(nextAlarmState(criteria(3, 3, 'missing'), [7, 8, 9], 'OK')).toEqual({
      state: 'ALARM',
      reason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (5.0).',
    });
  });
  it('OK, with a fractional threshold and another operator', () => {
    const c: AlarmCriteria = { threshold: 0.25, comparison: 'LessThanOrEqualToThreshold', evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: 'missing' };
    expect(nextAlarmState(c, [1, 0.1], 'ALARM').reason).toBe(
      'Threshold Crossed: 1 out of the last 2 datapoints was not less than or equal to the threshold (0.25) (minimum 2 datapoints for OK -> ALARM transition).',
    );
  });
  it('INSUFFICIENT_DATA with nothing at all', () => {
    expect(nextAlarmState(criteria(1, 3, 'missing'), points('- - - - -'), 'OK').reason).toBe('Insufficient Data: 5 datapoints were unknown.');
  });
  it('ignore says it kept the state', () => {
    expect(nextAlarmState(criteria(1, 3, 'ignore'), points('- - - - -'), 'ALARM').reason).toBe('Missing data ignored: no datapoints in the last 5 periods; the alarm stays ALARM.');
  });
});

describe('evaluationRangePeriods', () => {
  it('the guide\'s example: 3 evaluation periods of 5 minutes retrieve 5 datapoints', () => {
    expect(evaluationRangePeriods(3, 300)).toBe(5);
  });
  it('is never shorter than N', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1440 }), (n) => expect(evaluationRangePeriods(n, 60)).toBeGreaterThan(n)));
  });
  it('refuses high-resolution periods and evaluation windows over CloudWatch\'s limits', () => {
    expect(() => evaluationRangePeriods(3, 10)).toThrow('a standard-resolution alarm period is a positive multiple of 60 seconds, got 10');
    expect(() => evaluationRangePeriods(3, 90)).toThrow(RangeError);
    expect(() => evaluationRangePeriods(0, 60)).toThrow(RangeError);
    expect(() => evaluationRangePeriods(1441, 60)).toThrow('period × evaluationPeriods is 86460 s, over CloudWatch\'s limit of 86400 s for a 60 s period');
    expect(evaluationRangePeriods(168, 3600)).toBe(170);
    expect(() => evaluationRangePeriods(169, 3600)).toThrow(RangeError);
  });
});

// ---- properties -------------------------------------------------------------

const mOfN = fc.integer({ min: 1, max: 6 }).chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 1, max: n }), extra: fc.integer({ min: 0, max: 4 }) }));
const treatmentArb = fc.constantFrom(...TREATMENTS);
const stateArb = fc.constantFrom(...STATES);
const valueArb = fc.oneof(fc.constant(null), fc.double({ min: -20, max: 30, noNaN: true }));

describe('properties', () => {
  it('with no missing data, the state is ALARM iff at least M of the last N breach, for any treatment', () => {
    fc.assert(
      fc.property(mOfN, treatmentArb, stateArb, fc.array(fc.double({ min: -20, max: 30, noNaN: true }), { minLength: 10, maxLength: 10 }), ({ m, n, extra }, t, current, values) => {
        const range = values.slice(0, n + extra);
        const breachingInLastN = range.slice(-n).filter((v) => v > THRESHOLD).length;
        expect(nextAlarmState(criteria(m, n, t), range, current).state).toBe(breachingInLastN >= m ? 'ALARM' : 'OK');
      }),
      { numRuns: 500 },
    );
  });

  it('making one datapoint breach (filling a gap or raising a value) never takes an alarm out of ALARM', () => {
    fc.assert(
      fc.property(mOfN, treatmentArb, stateArb, fc.array(valueArb, { minLength: 10, maxLength: 10 }), fc.nat(), ({ m, n, extra }, t, current, values, at) => {
        const range = values.slice(0, n + extra);
        const c = criteria(m, n, t);
        const before = nextAlarmState(c, range, current).state;
        fc.pre(before === 'ALARM');
        const worse = [...range];
        worse[at % worse.length] = THRESHOLD + 1;
        expect(nextAlarmState(c, worse, current).state).toBe('ALARM');
      }),
      { numRuns: 1000 },
    );
  });

  it('notBreaching with every datapoint missing is OK, never ALARM; breaching is ALARM', () => {
    fc.assert(
      fc.property(mOfN, stateArb, ({ m, n, extra }, current) => {
        const range = Array<number | null>(n + extra).fill(null);
        expect(nextAlarmState(criteria(m, n, 'notBreaching'), range, current).state).toBe('OK');
        expect(nextAlarmState(criteria(m, n, 'breaching'), range, current).state).toBe('ALARM');
      }),
    );
  });

  it('only ignore ever depends on the current state, and then only by keeping it', () => {
    fc.assert(
      fc.property(mOfN, treatmentArb, fc.array(valueArb, { minLength: 10, maxLength: 10 }), ({ m, n, extra }, t, values) => {
        const range = values.slice(0, n + extra);
        const results = STATES.map((s) => nextAlarmState(criteria(m, n, t), range, s).state);
        const decided = new Set(results).size === 1;
        if (t === 'ignore') expect(decided || results.every((r, i) => r === STATES[i])).toBe(true);
        else expect(decided).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('INSUFFICIENT_DATA comes only from treatMissingData=missing with fewer than N real datapoints', () => {
    fc.assert(
      fc.property(mOfN, treatmentArb, stateArb, fc.array(valueArb, { minLength: 10, maxLength: 10 }), ({ m, n, extra }, t, current, values) => {
        const range = values.slice(0, n + extra);
        const { state } = nextAlarmState(criteria(m, n, t), range, current);
        if (state === 'INSUFFICIENT_DATA' && !(t === 'ignore' && current === 'INSUFFICIENT_DATA')) {
          expect(t).toBe('missing');
          expect(range.filter((v) => v !== null).length).toBeLessThan(n);
        }
      }),
      { numRuns: 500 },
    );
  });
});
