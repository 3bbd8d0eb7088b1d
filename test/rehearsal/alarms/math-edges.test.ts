import { MathExpr, parseMetricMath } from '../../../lib/metric-math';
import { evaluateMetricMath, MathContext, MetricMathTypeError, Series, UnsupportedMetricMath } from '../../../rehearsal/alarms/math';

// Edges of the metric-math evaluator that math.test.ts leaves out: operands of
// the wrong kind (strings, keywords, arrays) named in the error, a missing
// (null) number, nested arrays, and functions over arrays.
const _ = null;
const ctx = (data: Record<string, Series>, periodSeconds = 60): MathContext => ({ periodSeconds, series: (id) => data[id] });
const evalAst = (e: MathExpr, data: Record<string, Series>): Series => evaluateMetricMath(e, ctx(data));
const run = (text: string, data: Record<string, Series>): Series => evalAst(parseMetricMath(text), data);
const id = (name: string): MathExpr => ({ kind: 'id', name });
const typeError = (message: string) => new MetricMathTypeError(message);

describe('named errors', () => {
  it('carry their names', () => {
    expect(new UnsupportedMetricMath('x').name).toBe('UnsupportedMetricMath');
    expect(new MetricMathTypeError('x').name).toBe('MetricMathTypeError');
  });
});

describe('operands of the wrong kind', () => {
  const d = { m: [1, _, 3] };
  it.each([
    ['m + "text"', '"+" cannot take a string'],
    ['FILL(m, "REPEAT")', 'FILL fills with a number, a time series, REPEAT or LINEAR, not a string'],
    ['FILL(m, "LINEAR")', 'FILL fills with a number, a time series, REPEAT or LINEAR, not a string'],
    ['RATE(5) + m', 'RATE takes a time series or an array of them, not a number'],
    ['RUNNING_SUM(5) + m', 'RUNNING_SUM takes a time series or an array of them, not a number'],
    ['"a"', 'the expression gives a string; CloudWatch needs a time series as the final result'],
  ])('%s is refused: %s', (text, message) => {
    expect(() => run(text, d)).toThrow(typeError(message));
    expect(() => run(text, d)).toThrow(MetricMathTypeError);
  });

  it.each<[string, MathExpr, string]>([
    ['minus a string', { kind: 'unary', op: '-', operand: { kind: 'string', value: 'x' } }, 'unary - takes a time series or a number, not a string'],
    ['NOT a string', { kind: 'unary', op: 'NOT', operand: { kind: 'string', value: 'x' } }, 'NOT takes a time series or a number, not a string'],
    ['NOT an array', { kind: 'unary', op: 'NOT', operand: { kind: 'array', items: [id('m')] } }, 'NOT takes a time series or a number, not an array'],
    ['PERIOD()', { kind: 'call', name: 'PERIOD', args: [] }, 'PERIOD takes a metric id, not an expression'],
    ['SUM([])', { kind: 'call', name: 'SUM', args: [{ kind: 'array', items: [] }] }, 'SUM of an empty array'],
    // The parser refuses these; the evaluator, given such a tree, must refuse them too.
    ['REPEAT * m', { kind: 'binary', op: '*', left: id('REPEAT'), right: id('m') }, '"*" cannot take a keyword'],
    ['FILL(m, OTHER)', { kind: 'call', name: 'FILL', args: [id('m'), id('OTHER')] }, 'FILL fills with a number, a time series, REPEAT or LINEAR, not a keyword'],
    // Only a lower-case first letter makes an id a metric: "Repeat" is a keyword, and not one FILL knows.
    ['FILL(m, Repeat)', { kind: 'call', name: 'FILL', args: [id('m'), id('Repeat')] }, 'FILL fills with a number, a time series, REPEAT or LINEAR, not a keyword'],
    ['PERIOD(Abc) * m', { kind: 'binary', op: '*', left: { kind: 'call', name: 'PERIOD', args: [id('Abc')] }, right: id('m') }, 'PERIOD takes a metric id, not an expression'],
    ['X', id('X'), 'the expression gives a keyword; CloudWatch needs a time series as the final result'],
  ])('%s is refused', (_name, e, message) => {
    expect(() => evalAst(e, d)).toThrow(typeError(message));
    expect(() => evalAst(e, d)).toThrow(MetricMathTypeError);
  });
});

describe('a missing number', () => {
  // AVG of a series without datapoints is a number with no value.
  const d = { m: [1, 2], e: [_, _] };
  it('makes a sum of numbers missing, on either side, and every point it meets', () => {
    expect(run('m * 0 + (AVG(e) + 1)', d)).toEqual([_, _]);
    expect(run('m * 0 + (1 + AVG(e))', d)).toEqual([_, _]);
    expect(run('m + AVG(e)', d)).toEqual([_, _]);
    expect(run('AVG(e) + m', d)).toEqual([_, _]);
  });

  it('is a false IF condition', () => {
    expect(run('IF(AVG(e), m, m * 10)', d)).toEqual([10, 20]);
  });
});

describe('logic and arrays', () => {
  it('OR is 1 when either side is non-zero, else 0', () => {
    expect(run('m OR n', { m: [0, 1, 0, 2], n: [0, 0, 3, 1] })).toEqual([0, 1, 1, 1]);
  });

  it('an array inside an array contributes each of its series', () => {
    const nested: MathExpr = { kind: 'call', name: 'SUM', args: [{ kind: 'array', items: [{ kind: 'array', items: [id('a'), id('b')] }, id('c')] }] };
    expect(evalAst(nested, { a: [1, 2], b: [10, 20], c: [100, 200] })).toEqual([111, 222]);
  });

  it('DIFF and RUNNING_SUM apply to each series of an array', () => {
    const d = { a: [1, 4, 9], b: [2, 2, _] };
    expect(run('SUM(DIFF([a, b]))', d)).toEqual([_, 3, 5]);
    expect(run('SUM(RUNNING_SUM([a, b]))', d)).toEqual([3, 9, 14]);
  });
});

describe('FILL(m, LINEAR)', () => {
  it('leaves the gap before the first datapoint, even a long one', () => {
    expect(run('FILL(m, LINEAR)', { m: [_, _, _, 4, _, 6] })).toEqual([_, _, _, 4, 5, 6]);
  });
});
