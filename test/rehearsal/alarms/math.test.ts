import fc from 'fast-check';
import { MathExpr, parseMetricMath } from '../../../lib/metric-math';
import { evaluateMetricMath, MathContext, MetricMathTypeError, Series, UnsupportedMetricMath } from '../../../rehearsal/alarms/math';

const _ = null;
const ctx = (data: Record<string, Series>, periodSeconds = 60): MathContext => ({ periodSeconds, series: (id) => data[id] });
const run = (text: string, data: Record<string, Series>, periodSeconds = 60): Series => evaluateMetricMath(parseMetricMath(text), ctx(data, periodSeconds));

describe('the expressions Switchyard synthesizes', () => {
  it('guarded error rate: below 20 requests reads 0, with no datapoint for requests reads missing, errors missing count as 0', () => {
    const requests = [_, 10, 25, 40, 100];
    const errors = [_, 5, _, 4, 10];
    expect(run('IF(requests_blue >= 20, 100 * FILL(errors_blue, 0) / requests_blue, 0)', { requests_blue: requests, errors_blue: errors })).toEqual([_, 0, 0, 10, 10]);
  });
  it('capacity shortfall', () => {
    expect(run('FILL(desired_green, 0) - FILL(healthy_green, 0)', { desired_green: [2, 2, _, 2], healthy_green: [2, _, _, 1] })).toEqual([0, 2, 0, 1]);
  });
  it('unhealthy share: a point missing in one series counts as 0 against the other; 0/0 is dropped', () => {
    expect(run('100 * unhealthy / (healthy + unhealthy)', { healthy: [2, _, 0, 1], unhealthy: [0, 1, 0, _] })).toEqual([0, 100, _, 0]);
  });
  it('database connections as a percentage of the maximum', () => {
    expect(run('100 * connections / 90', { connections: [9, _, 45] })).toEqual([10, _, 50]);
  });
  it('queue growing: RATE(depth) > 0', () => {
    expect(run('RATE(depth) > 0', { depth: [10, 70, _, 70, 10] })).toEqual([_, 1, _, 0, 0]);
  });
  it('MIN([RATE(q), DIFF(q)]) is per point across the two series', () => {
    expect(run('MIN([RATE(q), DIFF(q)])', { q: [0, 60, 120, 60] })).toEqual([_, 1, 1, -60]);
  });
});

describe('the guide\'s worked examples', () => {
  const m = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };
  it.each([
    ['(metric1 < metric2)', [0, 0, 1, 0]],
    ['(metric1 >= 30)', [1, 0, 0, 0]],
    ['(metric1 > 15 AND metric2 > 15)', [1, 0, 0, 0]],
  ])('comparison %s', (text, expected) => {
    expect(run(text, m)).toEqual(expected);
  });

  const ifData = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };
  it.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, _, _]],
    ['IF(metric1, 5, metric3)', [5, 5, 20, _, _]],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, _]],
    ['IF(metric1, metric2)', [30, 0, _, _, _]],
  ])('%s', (text, expected) => {
    expect(run(text, ifData)).toEqual(expected);
  });
  it('IF with a scalar condition picks a whole series; false with no third argument is an empty series', () => {
    expect(run('IF(1, metric2, metric3)', ifData)).toEqual(ifData.metric2);
    expect(run('IF(2 < 1, metric2, metric3)', ifData)).toEqual(ifData.metric3);
    expect(run('IF(0, metric2)', ifData)).toEqual([_, _, _, _, _]);
  });
  it('m1 - AVG(m1): a reduction of one series is a scalar broadcast over every period', () => {
    expect(run('m1 - AVG(m1)', { m1: [1, _, 3] })).toEqual([-1, _, 1]);
    expect(run('m1 / MAX(m1)', { m1: [1, _, 4] })).toEqual([0.25, _, 1]);
  });
  it('m1 / PERIOD(m1)', () => {
    expect(run('m1 / PERIOD(m1)', { m1: [600, _, 300] }, 300)).toEqual([2, _, 1]);
  });
});

describe('arithmetic and missing data', () => {
  it('series with a scalar: per point, missing stays missing', () => {
    expect(run('m * 2 + 1', { m: [1, _, 3] })).toEqual([3, _, 7]);
    expect(run('10 - m', { m: [1, _, 3] })).toEqual([9, _, 7]);
  });
  it('series with series: missing in one counts as 0, missing in both stays missing', () => {
    expect(run('a + b', { a: [1, _, _, 4], b: [10, 20, _, _] })).toEqual([11, 20, _, 4]);
    expect(run('a - b', { a: [1, _, _, 4], b: [10, 20, _, _] })).toEqual([-9, -20, _, 4]);
  });
  it('division by zero drops the datapoint, for series and for scalars', () => {
    expect(run('a / b', { a: [1, 2, 3], b: [2, 0, _] })).toEqual([0.5, _, _]);
    expect(run('a / 0', { a: [1, 2] })).toEqual([_, _]);
    expect(run('a + 1 / 0', { a: [1, 2] })).toEqual([_, _]);
  });
  it('^ is power and right-associative; unary minus and NOT', () => {
    expect(run('m ^ 2', { m: [3, _, -2] })).toEqual([9, _, 4]);
    expect(run('m * 0 + 2 ^ 3 ^ 2', { m: [1, _] })).toEqual([512, _]);
    expect(run('-m', { m: [3, _, -2] })).toEqual([-3, _, 2]);
    expect(run('NOT m', { m: [0, _, -2] })).toEqual([1, _, 0]);
  });
  it('non-finite results are dropped like a division by zero', () => {
    expect(run('LOG(m)', { m: [Math.E, 0, -1] })).toEqual([1, _, _]);
    expect(run('SQRT(m)', { m: [9, -1, _] })).toEqual([3, _, _]);
    expect(run('m ^ 0.5', { m: [4, -8] })).toEqual([2, _]);
  });
  it('ABS, CEIL, FLOOR, LOG10 per point', () => {
    const m = { m: [-1.5, _, 2.25, 1000] };
    expect(run('ABS(m)', m)).toEqual([1.5, _, 2.25, 1000]);
    expect(run('CEIL(m)', m)).toEqual([-1, _, 3, 1000]);
    expect(run('FLOOR(m)', m)).toEqual([-2, _, 2, 1000]);
    expect(run('LOG10(m)', { m: [1000, 0.01] })).toEqual([3, -2]);
  });
  it('comparisons and logic give 1 or 0', () => {
    const d = { a: [1, 5, 5, _], b: [5, 5, 1, _] };
    expect(run('a == b', d)).toEqual([0, 1, 0, _]);
    expect(run('a != b', d)).toEqual([1, 0, 1, _]);
    expect(run('a <= b', d)).toEqual([1, 1, 0, _]);
    expect(run('a > 2 OR b > 2', d)).toEqual([1, 1, 1, _]);
    expect(run('a > 2 && b > 2', d)).toEqual([0, 1, 0, _]);
  });
  it('arithmetic applies to each series of an array', () => {
    expect(run('SUM(100 / [a, b])', { a: [10, 50], b: [20, 0] })).toEqual([15, 2]);
    expect(run('AVG(-[a, b] * 2)', { a: [1, 2], b: [3, 4] })).toEqual([-4, -6]);
  });
});

describe('functions', () => {
  it('FILL with a number, a series, REPEAT and LINEAR', () => {
    const m = [_, 1, _, _, 4, _];
    expect(run('FILL(m, 0)', { m })).toEqual([0, 1, 0, 0, 4, 0]);
    expect(run('FILL(m, other)', { m, other: [9, 9, 9, _, 9, 9] })).toEqual([9, 1, 9, _, 4, 9]);
    expect(run('FILL(m, REPEAT)', { m })).toEqual([_, 1, 1, 1, 4, 4]);
    expect(run('FILL(m, LINEAR)', { m })).toEqual([_, 1, 2, 3, 4, _]);
    expect(run('FILL(m, MIN(m))', { m })).toEqual([1, 1, 1, 1, 4, 1]);
    expect(run('MAX(FILL([m, n], 0))', { m, n: [7, _, _, _, _, _] })).toEqual([7, 1, 0, 0, 4, 0]);
  });
  it('RATE, DIFF and DIFF_TIME use the previous datapoint, however far back', () => {
    const m = { m: [1, _, 4, 10] };
    expect(run('DIFF(m)', m)).toEqual([_, _, 3, 6]);
    expect(run('DIFF_TIME(m)', m)).toEqual([_, _, 120, 60]);
    expect(run('RATE(m)', m)).toEqual([_, _, 0.025, 0.1]);
    expect(run('RATE(m)', m, 300)).toEqual([_, _, 0.005, 0.02]);
  });
  it('RUNNING_SUM keeps gaps and carries the sum across them', () => {
    expect(run('RUNNING_SUM(m)', { m: [1, _, 2, 3] })).toEqual([1, _, 3, 6]);
  });
  it('SUM, AVG, MIN, MAX, STDDEV across an array are per point; SUM and AVG count missing as 0', () => {
    const d = { a: [1, _, _, 6], b: [3, 3, _, 2] };
    expect(run('SUM([a, b])', d)).toEqual([4, 3, _, 8]);
    expect(run('AVG([a, b])', d)).toEqual([2, 1.5, _, 4]);
    expect(run('MIN([a, b])', d)).toEqual([1, 3, _, 2]);
    expect(run('MAX([a, b])', d)).toEqual([3, 3, _, 6]);
    expect(run('STDDEV([a, b])', d)).toEqual([1, 0, _, 2]);
  });
  it('of one series they reduce over its datapoints (population STDDEV), missing when it has none', () => {
    const m = { m: [2, 4, 4, 4, _, 5, 5, 7, 9], e: [_, _, _, _, _, _, _, _, _] };
    expect(run('m * 0 + STDDEV(m)', m)).toEqual([2, 2, 2, 2, _, 2, 2, 2, 2]);
    expect(run('m * 0 + SUM(m)', m)[0]).toBe(40);
    expect(run('m * 0 + MIN(m)', m)[0]).toBe(2);
    expect(run('m + SUM(e)', m)).toEqual(m.e);
  });
  it('REMOVE_EMPTY drops series without datapoints', () => {
    expect(run('REMOVE_EMPTY([a, b])', { a: [1, _], b: [_, _] })).toEqual([1, _]);
    expect(run('SUM(REMOVE_EMPTY([a, b, c]))', { a: [1, _], b: [_, _], c: [2, 2] })).toEqual([3, 2]);
  });
  it('function names in any case evaluate the same', () => {
    expect(run('fill(m, 0)', { m: [_, 1] })).toEqual(run('FILL(m, 0)', { m: [_, 1] }));
  });
});

describe('refusals name what is refused', () => {
  const d = { m1: [1, 2], m2: [3, 4] };
  it.each([
    ['SUM(METRICS())', 'METRICS is not supported by the offline evaluator: it selects metrics from the whole request, which an offline evaluation does not have'],
    [`SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', 300)`, 'SEARCH is not supported by the offline evaluator: it searches live metrics, and CloudWatch does not allow it in alarms'],
    ['INSIGHT_RULE_METRIC("rule", "UniqueContributors")', 'INSIGHT_RULE_METRIC is not supported by the offline evaluator: Contributor Insights rules are not simulated'],
    ['FIRST(ANOMALY_DETECTION_BAND(m1, 2))', 'FIRST is not supported by the offline evaluator'],
    ['m1 - LAST(ANOMALY_DETECTION_BAND(m1))', 'LAST is not supported by the offline evaluator'],
    ['ANOMALY_DETECTION_BAND(m1)', 'ANOMALY_DETECTION_BAND is not supported by the offline evaluator: anomaly detection models are not simulated'],
    ['m1 + nowhere', 'id "nowhere" has no data source'],
  ])('%s', (text, message) => {
    expect(() => run(text, d)).toThrow(new UnsupportedMetricMath(message));
    expect(() => run(text, d)).toThrow(UnsupportedMetricMath);
  });
  it.each([
    ['5', 'the expression gives a number; CloudWatch needs a time series as the final result'],
    ['AVG(m1)', 'the expression gives a number; CloudWatch needs a time series as the final result'],
    ['[m1, m2]', 'the expression gives 2 time series; an alarm needs exactly one'],
    ['[m1, m2] > 1', '">" takes time series or numbers, not an array'],
    ['[m1, 5]', 'an array holds time series, not a number'],
    ['[m1] + [m2]', '"+" cannot combine two arrays of time series'],
    ['PERIOD(m1 + 1) * m1', 'PERIOD takes a metric id, not an expression'],
    ['FILL(5, 0)', 'FILL fills a time series or an array of them, not a number'],
    ['MAX(5) + m1', 'MAX takes a time series or an array of them, not a number'],
    ['REMOVE_EMPTY(m1)', 'REMOVE_EMPTY takes an array of time series, not a time series'],
    ['IF([m1], 1, 0)', 'IF takes time series and numbers, not an array of time series'],
    ['IF(0, 5)', 'IF with a false condition and no third argument gives an empty time series, but no series fixes its length'],
  ])('%s is refused as a type error', (text, message) => {
    expect(() => run(text, d)).toThrow(new MetricMathTypeError(message));
  });
  it('series of different lengths are a caller bug', () => {
    expect(() => run('a + b', { a: [1, 2], b: [1] })).toThrow(new RangeError('series "b" has 1 periods, but the evaluation has 2'));
  });
  it('does not modify the caller\'s series', () => {
    const m = [_, 1, _];
    run('FILL(m, REPEAT) + 1', { m });
    expect(m).toEqual([_, 1, _]);
  });
});

// ---- properties -------------------------------------------------------------

const LEN = 6;
const point = fc.oneof(fc.constant(null), fc.double({ min: -1e6, max: 1e6, noNaN: true }));
const seriesArb = fc.array(point, { minLength: LEN, maxLength: LEN });
const fullSeriesArb = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: LEN, maxLength: LEN });

/** JavaScript's operators, with division by zero and non-finite results dropped (null) as the evaluator documents. */
const dropped = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
const js: Record<string, (x: number, y: number) => number | null> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => (y === 0 ? null : x / y),
  '>': (x, y) => +(x > y),
  '<=': (x, y) => +(x <= y),
  '==': (x, y) => +(x === y),
};

/** Random expressions over ids a and b that the evaluator supports. */
const exprArb: fc.Arbitrary<MathExpr> = fc.letrec<{ e: MathExpr; s: MathExpr }>((tie) => ({
  // any operand: may be a scalar
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 5 }).map((value): MathExpr => ({ kind: 'number', value: Math.abs(value) })),
    tie('s'),
    tie('e').map((operand): MathExpr => ({ kind: 'unary', op: '-', operand })),
    fc.record({ op: fc.constantFrom('+', '-', '*', '/', '^', '==', '<', '>=', 'AND', 'OR') as fc.Arbitrary<Extract<MathExpr, { kind: 'binary' }>['op']>, left: tie('e'), right: tie('e') }).map((b): MathExpr => ({ kind: 'binary', ...b })),
  ),
  // a series-valued operand
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<MathExpr>({ kind: 'id', name: 'a' }, { kind: 'id', name: 'b' }),
    fc.tuple(tie('s'), fc.oneof(fc.constantFrom<MathExpr>({ kind: 'id', name: 'REPEAT' }, { kind: 'id', name: 'LINEAR' }, { kind: 'number', value: 0 }), tie('s'))).map(([x, v]): MathExpr => ({ kind: 'call', name: 'FILL', args: [x, v] })),
    fc.tuple(fc.constantFrom('RATE', 'DIFF', 'DIFF_TIME', 'RUNNING_SUM', 'ABS', 'LOG', 'SQRT'), tie('s')).map(([name, x]): MathExpr => ({ kind: 'call', name, args: [x] })),
    fc.tuple(fc.constantFrom('MIN', 'MAX', 'SUM', 'AVG', 'STDDEV'), tie('s'), tie('s')).map(([name, x, y]): MathExpr => ({ kind: 'call', name, args: [{ kind: 'array', items: [x, y] }] })),
    fc.tuple(tie('s'), tie('e'), tie('e')).map(([c, x, y]): MathExpr => ({ kind: 'call', name: 'IF', args: [c, x, y] })),
  ),
})).s;

describe('properties', () => {
  it('series ⊕ series matches JavaScript per point, a point missing on one side counting as 0', () => {
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.constantFrom(...Object.keys(js)), (a, b, op) => {
        const out = run(`a ${op} b`, { a, b });
        out.forEach((v, i) => {
          if (a[i] === null && b[i] === null) expect(v).toBeNull();
          else expect(v).toBe(dropped(js[op](a[i] ?? 0, b[i] ?? 0)));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('series ⊕ scalar and scalar ⊕ series match JavaScript per point and keep gaps', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 0, max: 1000 }), fc.constantFrom(...Object.keys(js)), (a, k, op) => {
        const right = run(`a ${op} ${k}`, { a });
        const left = run(`${k} ${op} a`, { a });
        a.forEach((x, i) => {
          expect(right[i]).toBe(x === null ? null : dropped(js[op](x, k)));
          expect(left[i]).toBe(x === null ? null : dropped(js[op](k, x)));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('any supported expression keeps the input length and yields only finite numbers or null', () => {
    fc.assert(
      fc.property(exprArb, seriesArb, seriesArb, (e, a, b) => {
        const out = evaluateMetricMath(e, ctx({ a, b }));
        expect(out).toHaveLength(LEN);
        for (const v of out) expect(v === null || Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('FILL(a, k) leaves no gap; FILL(a, REPEAT) leaves only the gaps before the first datapoint', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: -100, max: 100 }), (a, k) => {
        expect(run(`FILL(a, ${Math.abs(k)})`, { a }).every((v) => v !== null)).toBe(true);
        const first = a.findIndex((v) => v !== null);
        const repeated = run('FILL(a, REPEAT)', { a });
        repeated.forEach((v, i) => expect(v === null).toBe(first === -1 || i < first));
      }),
    );
  });

  it('FILL(a, LINEAR) keeps every datapoint and fills each interior gap within its neighbours', () => {
    fc.assert(
      fc.property(seriesArb, (a) => {
        const out = run('FILL(a, LINEAR)', { a });
        a.forEach((x, i) => {
          if (x !== null) expect(out[i]).toBe(x);
          const before = a.slice(0, i).filter((v): v is number => v !== null).pop();
          const after = a.slice(i + 1).find((v): v is number => v !== null);
          if (x === null && before !== undefined && after !== undefined) {
            expect(out[i]).toBeGreaterThanOrEqual(Math.min(before, after) - 1e-6);
            expect(out[i]).toBeLessThanOrEqual(Math.max(before, after) + 1e-6);
          }
          if (x === null && (before === undefined || after === undefined)) expect(out[i]).toBeNull();
        });
      }),
    );
  });

  it('RUNNING_SUM(DIFF(a)) + first datapoint gives back a full series', () => {
    fc.assert(
      fc.property(fullSeriesArb, (a) => {
        const out = run(`RUNNING_SUM(FILL(DIFF(a), 0)) + ${Math.abs(a[0])}`, { a });
        out.forEach((v, i) => expect(v).toBeCloseTo(a[i] - a[0] + Math.abs(a[0]), 3));
      }),
    );
  });
});
