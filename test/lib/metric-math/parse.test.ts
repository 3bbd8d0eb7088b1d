import fc from 'fast-check';
import {
  formatMetricMath,
  MathExpr,
  METRIC_MATH_FUNCTIONS,
  MetricMathError,
  metricMathIds,
  parseMetricMath,
} from '../../../lib/metric-math';

const id = (name: string): MathExpr => ({ kind: 'id', name });
const num = (value: number): MathExpr => ({ kind: 'number', value });
const call = (name: string, ...args: MathExpr[]): MathExpr => ({ kind: 'call', name, args });
const bin = (op: Extract<MathExpr, { kind: 'binary' }>['op'], left: MathExpr, right: MathExpr): MathExpr => ({ kind: 'binary', op, left, right });
const neg = (operand: MathExpr): MathExpr => ({ kind: 'unary', op: '-', operand });

/** The error parseMetricMath throws for `text`, failing the test if it does not throw one. */
function parseError(text: string): MetricMathError {
  try {
    parseMetricMath(text);
  } catch (e) {
    expect(e).toBeInstanceOf(MetricMathError);
    return e as MetricMathError;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

/** Tiny interpreter over scalar ASTs, independent of the rehearsal evaluator, to check precedence by value. */
function scalar(e: MathExpr): number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'unary':
      return e.op === '-' ? -scalar(e.operand) : scalar(e.operand) === 0 ? 1 : 0;
    case 'binary': {
      const [a, b] = [scalar(e.left), scalar(e.right)];
      const ops: Record<string, number> = { '+': a + b, '-': a - b, '*': a * b, '/': a / b, '^': a ** b, '==': +(a === b), '!=': +(a !== b), '<': +(a < b), '<=': +(a <= b), '>': +(a > b), '>=': +(a >= b), AND: +(a !== 0 && b !== 0), OR: +(a !== 0 || b !== 0) };
      return ops[e.op];
    }
    default:
      throw new Error(`not a scalar expression: ${e.kind}`);
  }
}

describe('parseMetricMath: the expressions Switchyard synthesizes', () => {
  it('the guarded error rate', () => {
    expect(parseMetricMath('IF(requests_blue >= 20, 100 * FILL(errors_blue, 0) / requests_blue, 0)')).toEqual(
      call('IF', bin('>=', id('requests_blue'), num(20)), bin('/', bin('*', num(100), call('FILL', id('errors_blue'), num(0))), id('requests_blue')), num(0)),
    );
  });
  it('the capacity shortfall', () => {
    expect(parseMetricMath('FILL(desired_green, 0) - FILL(healthy_green, 0)')).toEqual(bin('-', call('FILL', id('desired_green'), num(0)), call('FILL', id('healthy_green'), num(0))));
  });
  it('a parenthesised denominator', () => {
    expect(parseMetricMath('100 * unhealthy / (healthy + unhealthy)')).toEqual(bin('/', bin('*', num(100), id('unhealthy')), bin('+', id('healthy'), id('unhealthy'))));
  });
  it('database connections as a percentage', () => {
    expect(parseMetricMath('100 * connections / 90')).toEqual(bin('/', bin('*', num(100), id('connections')), num(90)));
  });
  it('a comparison of a function result', () => {
    expect(parseMetricMath('RATE(depth) > 0')).toEqual(bin('>', call('RATE', id('depth')), num(0)));
  });
  it('an array argument', () => {
    expect(parseMetricMath('MIN([RATE(q), DIFF(q)])')).toEqual(call('MIN', { kind: 'array', items: [call('RATE', id('q')), call('DIFF', id('q'))] }));
  });
});

describe('parseMetricMath: precedence and associativity', () => {
  it('^ is right-associative: 2 ^ 3 ^ 2 is 512', () => {
    const e = parseMetricMath('2 ^ 3 ^ 2');
    expect(e).toEqual(bin('^', num(2), bin('^', num(3), num(2))));
    expect(scalar(e)).toBe(512);
  });
  it('^ binds tighter than unary minus, which binds tighter than *', () => {
    expect(scalar(parseMetricMath('-2 ^ 2'))).toBe(-4);
    expect(scalar(parseMetricMath('(-2) ^ 2'))).toBe(4);
    expect(scalar(parseMetricMath('2 ^ -1'))).toBe(0.5);
    expect(parseMetricMath('-a * b')).toEqual(bin('*', neg(id('a')), id('b')));
  });
  it('* and / bind tighter than + and -, all left-associative', () => {
    expect(scalar(parseMetricMath('1 + 2 * 3'))).toBe(7);
    expect(scalar(parseMetricMath('8 - 4 - 2'))).toBe(2);
    expect(scalar(parseMetricMath('8 / 4 / 2'))).toBe(1);
    expect(scalar(parseMetricMath('2 * 3 ^ 2'))).toBe(18);
  });
  it('comparisons bind looser than arithmetic, AND looser than comparisons, OR loosest', () => {
    expect(parseMetricMath('a + 1 > b * 2')).toEqual(bin('>', bin('+', id('a'), num(1)), bin('*', id('b'), num(2))));
    expect(parseMetricMath('a > 1 AND b < 2 OR c == 3')).toEqual(bin('OR', bin('AND', bin('>', id('a'), num(1)), bin('<', id('b'), num(2))), bin('==', id('c'), num(3))));
    expect(parseMetricMath('a OR b AND c')).toEqual(bin('OR', id('a'), bin('AND', id('b'), id('c'))));
  });
  it('&& and || are the same operators as AND and OR', () => {
    expect(parseMetricMath('a > 1 && b != 2 || c <= 3')).toEqual(parseMetricMath('a > 1 AND b != 2 OR c <= 3'));
  });
  it('NOT sits between AND and the comparisons', () => {
    expect(parseMetricMath('NOT a > 1 AND b')).toEqual(bin('AND', { kind: 'unary', op: 'NOT', operand: bin('>', id('a'), num(1)) }, id('b')));
  });
});

describe('parseMetricMath: lexical rules', () => {
  it('function names are case-insensitive and stored upper-cased', () => {
    expect(parseMetricMath('fill(m1, 0)')).toEqual(call('FILL', id('m1'), num(0)));
    expect(parseMetricMath('Rate(m1)')).toEqual(call('RATE', id('m1')));
  });
  it('ids start with a lower-case letter and may hold letters, digits and underscores', () => {
    expect(parseMetricMath('errorsBlue_5xx2')).toEqual(id('errorsBlue_5xx2'));
    expect(parseError('M1 + 1').message).toBe('invalid id "M1" (ids start with a lower-case letter, then letters, digits or underscores) at 0');
    expect(parseError('m1 + _x').position).toBe(5);
  });
  it('lower-case and/or are ids, so "a and b" does not parse', () => {
    expect(parseError('a and b').message).toBe('unexpected "and" at 2');
  });
  it('numbers: integers, decimals, leading dot and exponents', () => {
    expect(parseMetricMath('50.25')).toEqual(num(50.25));
    expect(parseMetricMath('.5')).toEqual(num(0.5));
    expect(parseMetricMath('1e3 + 2.5E-2')).toEqual(bin('+', num(1000), num(0.025)));
    expect(parseError('1.2.3').message).toBe('malformed number "1.2." at 0');
    expect(parseError('2e').message).toBe('malformed number "2e" at 0');
    expect(parseError('5m1').message).toBe('malformed number "5m" at 0');
  });
  it('strings: double or single quotes, backslash escapes', () => {
    expect(parseMetricMath('SUM(METRICS("errors"))')).toEqual(call('SUM', call('METRICS', { kind: 'string', value: 'errors' })));
    expect(parseMetricMath(`SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', 300)`)).toEqual(
      call('SEARCH', { kind: 'string', value: '{AWS/EC2,InstanceId} MetricName="CPUUtilization"' }, { kind: 'string', value: 'Average' }, num(300)),
    );
    expect(parseMetricMath('METRICS("a\\"b\\\\c")')).toEqual(call('METRICS', { kind: 'string', value: 'a"b\\c' }));
    expect(parseError('METRICS("abc)').message).toBe('unterminated string at 8');
  });
  it('whitespace is free, including newlines', () => {
    expect(parseMetricMath('\n  m1\t*\r\n2 ')).toEqual(bin('*', id('m1'), num(2)));
  });
});

describe('parseMetricMath: FILL and SORT keywords', () => {
  it('FILL takes REPEAT or LINEAR as a keyword id', () => {
    expect(parseMetricMath('FILL(m1, REPEAT)')).toEqual(call('FILL', id('m1'), id('REPEAT')));
    expect(parseMetricMath('FILL(m1, LINEAR)')).toEqual(call('FILL', id('m1'), id('LINEAR')));
    expect(parseMetricMath('FILL(m1, MIN(m1))')).toEqual(call('FILL', id('m1'), call('MIN', id('m1'))));
  });
  it('SORT takes a statistic and an order', () => {
    expect(parseMetricMath('SORT(METRICS(), AVG, DESC, 10)')).toEqual(call('SORT', call('METRICS'), id('AVG'), id('DESC'), num(10)));
  });
  it('keywords are refused elsewhere, naming where they belong', () => {
    expect(parseError('FILL(m1, NEAREST)').message).toBe('argument 2 of FILL must be an expression or one of REPEAT, LINEAR, not "NEAREST" at 9');
    expect(parseError('FILL(REPEAT, 0)').message).toBe('keyword REPEAT is only allowed as an argument of FILL at 5');
    expect(parseError('m1 + LINEAR').message).toBe('keyword LINEAR is only allowed as an argument of FILL at 5');
    expect(parseError('SORT(METRICS(), DESC, AVG)').message).toBe('argument 2 of SORT must be an expression or one of AVG, MIN, MAX, SUM, not "DESC" at 16');
  });
});

describe('parseMetricMath: errors say what and where', () => {
  it('unknown function', () => {
    expect(parseError('m1 + FOO(m1)').message).toBe('unknown function "FOO" at 5');
    expect(parseError('m1 + FOO(m1)').name).toBe('MetricMathError');
  });
  it('wrong number of arguments', () => {
    expect(parseError('FILL(m1)').message).toBe('FILL takes 2 arguments, got 1 at 0');
    expect(parseError('x + ABS(m1, m2)').message).toBe('ABS takes 1 argument, got 2 at 4');
    expect(parseError('IF(a, b, c, d)').message).toBe('IF takes 2 to 3 arguments, got 4 at 0');
    expect(parseError('RATE()').message).toBe('RATE takes 1 argument, got 0 at 0');
  });
  it('unbalanced brackets', () => {
    expect(parseError('(m1 + 2').message).toBe('expected ")" to close "(" at 0 but found end of expression at 7');
    expect(parseError('m1 + 2)').message).toBe('unexpected ")" at 6');
    expect(parseError('MIN([m1, m2)').message).toBe('expected "]" to close "[" at 4 but found ")" at 11');
    expect(parseError('ABS(m1').message).toBe('expected ")" to close ABS( at 3 but found end of expression at 6');
  });
  it('dangling and doubled operators', () => {
    expect(parseError('m1 +').message).toBe('unexpected end of expression at 4');
    expect(parseError('m1 * * 2').message).toBe('unexpected "*" at 5');
    expect(parseError('+m1').message).toBe('unexpected "+" at 0');
  });
  it('empty input, empty array, empty argument', () => {
    expect(parseError('   ').message).toBe('empty expression at 0');
    expect(parseError('MIN([])').message).toBe('empty array at 4');
    expect(parseError('FILL(m1, )').message).toBe('unexpected ")" at 9');
  });
  it('single-character operators that CloudWatch spells with two', () => {
    expect(parseError('m1 = 2').message).toBe('unexpected character "=" (use "==" to compare) at 3');
    expect(parseError('a & b').message).toBe('unexpected character "&" (use "&&" or AND) at 2');
    expect(parseError('a % b').message).toBe('unexpected character "%" at 2');
  });
  it('eval-looking input is just a syntax error', () => {
    expect(parseError('process.exit(1)').message).toBe('unexpected character "." at 7');
  });
});

describe('metricMathIds', () => {
  it('lists each id once, in order of first appearance, without keywords or function names', () => {
    expect(metricMathIds(parseMetricMath('IF(requests_blue >= 20, 100 * FILL(errors_blue, 0) / requests_blue, 0)'))).toEqual(['requests_blue', 'errors_blue']);
    expect(metricMathIds(parseMetricMath('FILL(b, REPEAT) + MIN([a, b, RATE(c)]) - -a'))).toEqual(['b', 'a', 'c']);
    expect(metricMathIds(parseMetricMath('SUM(METRICS("errors")) / 60'))).toEqual([]);
  });
});

describe('METRIC_MATH_FUNCTIONS', () => {
  it('covers the functions the evaluator and the app rely on, with sane arities', () => {
    for (const name of ['IF', 'FILL', 'ABS', 'CEIL', 'FLOOR', 'MIN', 'MAX', 'SUM', 'AVG', 'STDDEV', 'RATE', 'DIFF', 'DIFF_TIME', 'PERIOD', 'RUNNING_SUM', 'REMOVE_EMPTY', 'LOG', 'LOG10', 'SQRT', 'METRICS', 'SEARCH', 'INSIGHT_RULE_METRIC', 'ANOMALY_DETECTION_BAND']) {
      expect(METRIC_MATH_FUNCTIONS[name]).toBeDefined();
    }
    for (const [name, spec] of Object.entries(METRIC_MATH_FUNCTIONS)) {
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(spec.minArgs).toBeLessThanOrEqual(spec.maxArgs);
    }
    expect(Object.isFrozen(METRIC_MATH_FUNCTIONS)).toBe(true);
  });
});

// ---- properties -------------------------------------------------------------

const idArb = fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,6}$/).filter((s) => !['and', 'or', 'not'].includes(s));
const numberArb = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1e25, noNaN: true, noDefaultInfinity: true })).map((n) => Math.abs(n));
const stringArb = fc.string({ maxLength: 8 });
const binaryOps = ['+', '-', '*', '/', '^', '==', '!=', '<', '<=', '>', '>=', 'AND', 'OR'] as const;

const exprArb: fc.Arbitrary<MathExpr> = fc.letrec<{ expr: MathExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberArb.map(num),
    idArb.map(id),
    fc.record({ op: fc.constantFrom(...binaryOps), left: tie('expr'), right: tie('expr') }).map(({ op, left, right }) => bin(op, left, right)),
    fc.record({ op: fc.constantFrom('-' as const, 'NOT' as const), operand: tie('expr') }).map(({ op, operand }): MathExpr => ({ kind: 'unary', op, operand })),
    fc.array(tie('expr'), { minLength: 1, maxLength: 3 }).map((items): MathExpr => ({ kind: 'array', items })),
    fc.constantFrom('ABS', 'RATE', 'DIFF', 'SQRT', 'MIN').chain((name) => tie('expr').map((a) => call(name, a))),
    fc.tuple(tie('expr'), fc.oneof(tie('expr'), fc.constantFrom(id('REPEAT'), id('LINEAR')))).map(([a, b]) => call('FILL', a, b)),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((args) => call('IF', ...args)),
    fc.option(stringArb, { nil: undefined }).map((s) => (s === undefined ? call('METRICS') : call('METRICS', { kind: 'string', value: s }))),
  ),
})).expr;

describe('properties', () => {
  it('printing any AST and parsing it back gives the same AST', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(parseMetricMath(formatMetricMath(e))).toEqual(e);
      }),
      { numRuns: 500 },
    );
  });

  it('formatting is stable: format(parse(format(e))) == format(e)', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const text = formatMetricMath(e);
        expect(formatMetricMath(parseMetricMath(text))).toBe(text);
      }),
    );
  });

  it('arithmetic on random numbers evaluates like the same expression written in JavaScript', () => {
    // Each metric math text ($A..$D stand for the numbers) beside the JavaScript that means the same, written with JavaScript's own precedence.
    const cases: ReadonlyArray<[string, (a: number, b: number, c: number, d: number) => number]> = [
      ['$A + $B * $C - $D', (a, b, c, d) => a + b * c - d],
      ['$A - $B - $C - $D', (a, b, c, d) => a - b - c - d],
      ['$A / $B * $C / $D', (a, b, c, d) => a / b * c / d],
      ['$A * $B - $C / $D', (a, b, c, d) => a * b - c / d],
      ['-$A ^ 2 + $B', (a, b) => -(a ** 2) + b],
      ['$A ^ $B ^ 0.5 * $C', (a, b, c) => a ** b ** 0.5 * c],
      ['$A - -$B * -$C', (a, b, c) => a - -b * -c],
      ['($A + $B) * ($C - $D) / $A', (a, b, c, d) => ((a + b) * (c - d)) / a],
      ['$A + $B > $C * $D AND $A != $D OR $B <= $C', (a, b, c, d) => +((a + b > c * d && a !== d) || b <= c)],
      ['$A < $B == $C >= $D', (a, b, c, d) => +(+(+(a < b) === c) >= d)],
      ['NOT $A > $B AND $C', (a, b, c) => +(!(a > b) && c !== 0)],
    ];
    const positive = fc.integer({ min: 1, max: 9 });
    fc.assert(
      fc.property(fc.constantFrom(...cases), positive, positive, positive, positive, ([template, js], a, b, c, d) => {
        const values: Record<string, number> = { A: a, B: b, C: c, D: d };
        const text = template.replace(/\$([ABCD])/g, (_, letter: string) => String(values[letter]));
        expect(scalar(parseMetricMath(text))).toBeCloseTo(js(a, b, c, d), 9);
      }),
      { numRuns: 500 },
    );
  });

  it('metricMathIds returns exactly the ids of the AST, each once', () => {
    const collect = (e: MathExpr, out: string[]): string[] => {
      if (e.kind === 'id' && /^[a-z]/.test(e.name)) out.push(e.name);
      if (e.kind === 'array') e.items.forEach((x) => collect(x, out));
      if (e.kind === 'call') e.args.forEach((x) => collect(x, out));
      if (e.kind === 'unary') collect(e.operand, out);
      if (e.kind === 'binary') (collect(e.left, out), collect(e.right, out));
      return out;
    };
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(metricMathIds(e)).toEqual([...new Set(collect(e, []))]);
      }),
    );
  });

  it('never throws anything but MetricMathError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30, unit: fc.constantFrom(...'m1 2+-*/^()[],<>=!&|"\'ANDORNOTFILLREPEATabc_.e'.split('')) }), (text) => {
        try {
          parseMetricMath(text);
        } catch (e) {
          expect(e).toBeInstanceOf(MetricMathError);
          expect((e as MetricMathError).position).toBeGreaterThanOrEqual(0);
          expect((e as MetricMathError).position).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
