/**
 * Evaluates a parsed CloudWatch metric math expression over aligned series:
 * every series of one evaluation has one slot per period, oldest first, null
 * where the period has no datapoint. Results keep that length.
 *
 * Semantics, from the CloudWatch User Guide ("Metric math syntax and
 * functions") where it says, and marked as a choice where it does not:
 * - Series with scalar: per point; a missing point stays missing.
 * - Series with series (arithmetic, comparisons, AND/OR): per timestamp. The
 *   guide: "Missing values in a time series are treated as 0" (arithmetic) and
 *   "when only one of the time series has a value for a particular time stamp,
 *   the function treats the missing value in the other time series as 0"
 *   (comparisons). So a point missing in one series counts as 0; missing in
 *   both stays missing.
 * - Division by zero drops the datapoint (missing). Choice: any other
 *   non-finite result (LOG(0), SQRT(-1), overflow) is dropped the same way.
 * - Comparisons and AND/OR give 1 or 0; a value is true when non-zero.
 * - IF(cond, a, b): per point of cond; cond missing → missing; true → a, and
 *   0 where a is a series without that point (the guide's table); false → b,
 *   missing where b has no point or is omitted. A scalar cond picks a whole
 *   branch (an omitted b gives an empty series).
 * - FILL(x, v): v a number, a series (per point) or REPEAT (the last value
 *   before the gap) or LINEAR (interpolated between the values around the
 *   gap). Choice: a gap with no value before it (REPEAT) or not on both sides
 *   (LINEAR) stays missing.
 * - MIN, MAX, SUM, AVG, STDDEV of one series reduce to a scalar over its
 *   datapoints (missing if it has none), usable as `m1 - AVG(m1)`. Of an
 *   array `[a, b]` they give a series, per point across the series: SUM and
 *   AVG count a missing value as 0 (the guide says so for AVG; AVG divides by
 *   the number of series), MIN, MAX and STDDEV use the values present; a point
 *   missing in every series stays missing. Choice: STDDEV is the population
 *   standard deviation. The guide advises against these reductions in alarms
 *   because the evaluation range makes them see more data than N periods; so
 *   does this evaluator, which reduces over whatever range it is given.
 * - RATE: (value − previous datapoint's value) / seconds between them; DIFF:
 *   value − previous datapoint's value; DIFF_TIME: seconds since the previous
 *   datapoint. The first datapoint has none before it and is missing; missing
 *   points stay missing. RUNNING_SUM: the sum of the datapoints so far, at
 *   each datapoint. PERIOD(m): the period in seconds (a metric id only).
 * - ABS, CEIL, FLOOR, LOG, LOG10, SQRT: per point. REMOVE_EMPTY drops series
 *   without datapoints from an array.
 * - Arithmetic with an array applies to each of its series; comparisons and
 *   AND/OR take only series and scalars.
 * The final result must be one series (an array of exactly one is accepted).
 * Every other function (METRICS, SEARCH, INSIGHT_RULE_METRIC,
 * ANOMALY_DETECTION_BAND, SORT, ...) is refused with UnsupportedMetricMath.
 */
import type { BinaryOp, MathExpr } from '../../lib/metric-math';

/** One value per period, oldest first; null = no datapoint for that period. All series of one evaluation share the same periods. */
export type Series = ReadonlyArray<number | null>;

export interface MathContext {
  readonly periodSeconds: number;
  /** The series of a metric or expression id, or undefined when the id has no data source. */
  series(id: string): Series | undefined;
}

/** A function the offline evaluator does not implement, or an id with no data source. */
export class UnsupportedMetricMath extends Error {
  override name = 'UnsupportedMetricMath';
}

/** A well-formed expression whose operands have the wrong kinds for CloudWatch (an array where a series is needed, a scalar final result, ...). */
export class MetricMathTypeError extends Error {
  override name = 'MetricMathTypeError';
}

type Point = number | null;
type Value =
  | { readonly t: 'scalar'; readonly v: Point }
  | { readonly t: 'series'; readonly v: readonly Point[] }
  | { readonly t: 'array'; readonly v: ReadonlyArray<readonly Point[]> }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'keyword'; readonly v: string };

const scalar = (v: Point): Value => ({ t: 'scalar', v });
const series = (v: readonly Point[]): Value => ({ t: 'series', v });
const finite = (x: number): Point => (Number.isFinite(x) ? x : null);
const truthy = (x: number) => x !== 0;

const DESCRIBE: Readonly<Record<Value['t'], string>> = { scalar: 'a number', series: 'a time series', array: 'an array of time series', string: 'a string', keyword: 'a keyword' };

const UNSUPPORTED_REASON: Readonly<Record<string, string>> = {
  METRICS: 'it selects metrics from the whole request, which an offline evaluation does not have',
  SEARCH: 'it searches live metrics, and CloudWatch does not allow it in alarms',
  INSIGHT_RULE_METRIC: 'Contributor Insights rules are not simulated',
  ANOMALY_DETECTION_BAND: 'anomaly detection models are not simulated',
  SERVICE_QUOTA: 'service quotas are not simulated',
};

function arithmetic(op: BinaryOp, a: number, b: number): Point {
  switch (op) {
    case '+':
      return finite(a + b);
    case '-':
      return finite(a - b);
    case '*':
      return finite(a * b);
    case '/':
      return b === 0 ? null : finite(a / b);
    case '^':
      return finite(a ** b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case 'AND':
      return truthy(a) && truthy(b) ? 1 : 0;
    case 'OR':
      return truthy(a) || truthy(b) ? 1 : 0;
  }
}

const ARITHMETIC: readonly BinaryOp[] = ['+', '-', '*', '/', '^'];

class Evaluator {
  private length: number | undefined;
  constructor(private readonly ctx: MathContext) {}

  private fetch(id: string): Point[] {
    const s = this.ctx.series(id);
    if (s === undefined) throw new UnsupportedMetricMath(`id "${id}" has no data source`);
    if (this.length === undefined) this.length = s.length;
    else if (s.length !== this.length) throw new RangeError(`series "${id}" has ${s.length} periods, but the evaluation has ${this.length}`);
    return [...s];
  }

  private empty(context: string): Point[] {
    if (this.length === undefined) throw new MetricMathTypeError(`${context} gives an empty time series, but no series fixes its length`);
    return Array<Point>(this.length).fill(null);
  }

  eval(e: MathExpr): Value {
    switch (e.kind) {
      case 'number':
        return scalar(e.value);
      case 'string':
        return { t: 'string', v: e.value };
      case 'id':
        return /^[a-z]/.test(e.name) ? series(this.fetch(e.name)) : { t: 'keyword', v: e.name };
      case 'array': {
        const items: Point[][] = [];
        for (const item of e.items) {
          const v = this.eval(item);
          if (v.t === 'series') items.push([...v.v]);
          else if (v.t === 'array') items.push(...v.v.map((s) => [...s]));
          else throw new MetricMathTypeError(`an array holds time series, not ${DESCRIBE[v.t]}`);
        }
        return { t: 'array', v: items };
      }
      case 'unary': {
        const v = this.eval(e.operand);
        if (e.op === '-') return this.map(v, (x) => -x, 'unary -');
        if (v.t === 'array') throw new MetricMathTypeError('NOT takes a time series or a number, not an array');
        return this.map(v, (x) => (truthy(x) ? 0 : 1), 'NOT');
      }
      case 'binary':
        return this.binary(e.op, this.eval(e.left), this.eval(e.right));
      case 'call':
        return this.call(e);
    }
  }

  /** Applies f to every datapoint of a number, series or array; non-finite results are dropped. */
  private map(v: Value, f: (x: number) => number, what: string): Value {
    const g = (x: Point): Point => (x === null ? null : finite(f(x)));
    switch (v.t) {
      case 'scalar':
        return scalar(g(v.v));
      case 'series':
        return series(v.v.map(g));
      case 'array':
        return { t: 'array', v: v.v.map((s) => s.map(g)) };
      default:
        throw new MetricMathTypeError(`${what} takes a time series or a number, not ${DESCRIBE[v.t]}`);
    }
  }

  private binary(op: BinaryOp, a: Value, b: Value): Value {
    for (const v of [a, b]) {
      if (v.t === 'string' || v.t === 'keyword') throw new MetricMathTypeError(`"${op}" cannot take ${DESCRIBE[v.t]}`);
      if (v.t === 'array' && !ARITHMETIC.includes(op)) throw new MetricMathTypeError(`"${op}" takes time series or numbers, not an array`);
    }
    if (a.t === 'array' && b.t === 'array') throw new MetricMathTypeError(`"${op}" cannot combine two arrays of time series`);
    if (a.t === 'array') return { t: 'array', v: a.v.map((s) => this.pointwise(op, series(s), b)) };
    if (b.t === 'array') return { t: 'array', v: b.v.map((s) => this.pointwise(op, a, series(s))) };
    if (a.t === 'scalar' && b.t === 'scalar') return scalar(a.v === null || b.v === null ? null : arithmetic(op, a.v, b.v));
    return series(this.pointwise(op, a, b));
  }

  /** op between two operands at least one of which is a series. */
  private pointwise(op: BinaryOp, a: Value, b: Value): Point[] {
    if (a.t === 'series' && b.t === 'series') {
      return a.v.map((x, i) => {
        const y = b.v[i];
        if (x === null && y === null) return null;
        return arithmetic(op, x ?? 0, y ?? 0);
      });
    }
    if (a.t === 'series' && b.t === 'scalar') return a.v.map((x) => (x === null || b.v === null ? null : arithmetic(op, x, b.v)));
    if (a.t === 'scalar' && b.t === 'series') return b.v.map((y) => (y === null || a.v === null ? null : arithmetic(op, a.v, y)));
    throw new MetricMathTypeError(`"${op}" needs a time series here`);
  }

  private call(e: Extract<MathExpr, { kind: 'call' }>): Value {
    const name = e.name;
    if (name === 'PERIOD') {
      const arg = e.args[0];
      if (arg?.kind !== 'id' || !/^[a-z]/.test(arg.name)) throw new MetricMathTypeError('PERIOD takes a metric id, not an expression');
      return scalar(this.ctx.periodSeconds);
    }
    const args = (): Value[] => e.args.map((a) => this.eval(a));
    switch (name) {
      case 'IF':
        return this.fnIf(args());
      case 'FILL':
        return this.fnFill(args());
      case 'ABS':
        return this.map(args()[0], Math.abs, name);
      case 'CEIL':
        return this.map(args()[0], Math.ceil, name);
      case 'FLOOR':
        return this.map(args()[0], Math.floor, name);
      case 'LOG':
        return this.map(args()[0], Math.log, name);
      case 'LOG10':
        return this.map(args()[0], Math.log10, name);
      case 'SQRT':
        return this.map(args()[0], Math.sqrt, name);
      case 'MIN':
        return this.reduce(name, args()[0], orNull((xs) => Math.min(...xs)), (p) => Math.min(...p));
      case 'MAX':
        return this.reduce(name, args()[0], orNull((xs) => Math.max(...xs)), (p) => Math.max(...p));
      case 'SUM':
        return this.reduce(name, args()[0], orNull(sum), (p) => finite(sum(p)));
      case 'AVG':
        return this.reduce(name, args()[0], orNull(mean), (p, count) => finite(sum(p) / count));
      case 'STDDEV':
        return this.reduce(name, args()[0], orNull(populationStddev), (p) => finite(populationStddev(p)));
      case 'RATE':
        return this.withPrevious(name, args()[0], (x, prev, seconds) => (x - prev) / seconds);
      case 'DIFF':
        return this.withPrevious(name, args()[0], (x, prev) => x - prev);
      case 'DIFF_TIME':
        return this.withPrevious(name, args()[0], (_x, _prev, seconds) => seconds);
      case 'RUNNING_SUM':
        return this.fnRunningSum(args());
      case 'REMOVE_EMPTY':
        return this.fnRemoveEmpty(args());
      default: {
        const why = UNSUPPORTED_REASON[name];
        throw new UnsupportedMetricMath(`${name} is not supported by the offline evaluator${why ? `: ${why}` : ''}`);
      }
    }
  }

  // ---- functions -------------------------------------------------------------

  private fnIf([cond, whenTrue, whenFalse]: Value[]): Value {
    for (const v of [cond, whenTrue, whenFalse]) {
      if (v && v.t !== 'scalar' && v.t !== 'series') throw new MetricMathTypeError(`IF takes time series and numbers, not ${DESCRIBE[v.t]}`);
    }
    if (cond.t === 'scalar') {
      if (cond.v !== null && truthy(cond.v)) return whenTrue;
      return whenFalse ?? series(this.empty('IF with a false condition and no third argument'));
    }
    const c = cond.v as readonly Point[];
    return series(
      c.map((x, i) => {
        if (x === null) return null;
        if (truthy(x)) return whenTrue.t === 'scalar' ? whenTrue.v : ((whenTrue.v as readonly Point[])[i] ?? 0);
        if (whenFalse === undefined) return null;
        return whenFalse.t === 'scalar' ? whenFalse.v : (whenFalse.v as readonly Point[])[i];
      }),
    );
  }

  private fnFill([target, filler]: Value[]): Value {
    const fill = (s: readonly Point[]): Point[] => {
      if (filler.t === 'scalar') return s.map((x) => x ?? filler.v);
      if (filler.t === 'series') return s.map((x, i) => x ?? filler.v[i]);
      if (filler.t === 'keyword' && filler.v === 'REPEAT') {
        let last: Point = null;
        return s.map((x) => (x === null ? last : (last = x)));
      }
      if (filler.t === 'keyword' && filler.v === 'LINEAR') return interpolate(s);
      throw new MetricMathTypeError(`FILL fills with a number, a time series, REPEAT or LINEAR, not ${DESCRIBE[filler.t]}`);
    };
    if (target.t === 'series') return series(fill(target.v));
    if (target.t === 'array') return { t: 'array', v: target.v.map(fill) };
    throw new MetricMathTypeError(`FILL fills a time series or an array of them, not ${DESCRIBE[target.t]}`);
  }

  private reduce(name: string, v: Value, overSeries: (xs: number[]) => Point, acrossArray: (present: number[], count: number) => Point): Value {
    if (v.t === 'series') return scalar(overSeries(v.v.filter((x): x is number => x !== null)));
    if (v.t === 'array') {
      if (v.v.length === 0) throw new MetricMathTypeError(`${name} of an empty array`);
      const len = v.v[0].length;
      return series(
        Array.from({ length: len }, (_, i) => {
          const present = v.v.map((s) => s[i]).filter((x): x is number => x !== null);
          return present.length === 0 ? null : acrossArray(present, v.v.length);
        }),
      );
    }
    throw new MetricMathTypeError(`${name} takes a time series or an array of them, not ${DESCRIBE[v.t]}`);
  }

  /** A per-datapoint function of the previous datapoint: (value, previous value, seconds between). */
  private withPrevious(name: string, v: Value, f: (x: number, prev: number, seconds: number) => number): Value {
    const period = this.ctx.periodSeconds;
    const apply = (s: readonly Point[]): Point[] => {
      let prev: { x: number; i: number } | undefined;
      return s.map((x, i) => {
        if (x === null) return null;
        const out = prev === undefined ? null : finite(f(x, prev.x, (i - prev.i) * period));
        prev = { x, i };
        return out;
      });
    };
    if (v.t === 'series') return series(apply(v.v));
    if (v.t === 'array') return { t: 'array', v: v.v.map(apply) };
    throw new MetricMathTypeError(`${name} takes a time series or an array of them, not ${DESCRIBE[v.t]}`);
  }

  private fnRunningSum([v]: Value[]): Value {
    const apply = (s: readonly Point[]): Point[] => {
      let sum = 0;
      return s.map((x) => (x === null ? null : (sum += x)));
    };
    if (v.t === 'series') return series(apply(v.v));
    if (v.t === 'array') return { t: 'array', v: v.v.map(apply) };
    throw new MetricMathTypeError(`RUNNING_SUM takes a time series or an array of them, not ${DESCRIBE[v.t]}`);
  }

  private fnRemoveEmpty([v]: Value[]): Value {
    if (v.t !== 'array') throw new MetricMathTypeError(`REMOVE_EMPTY takes an array of time series, not ${DESCRIBE[v.t]}`);
    return { t: 'array', v: v.v.filter((s) => s.some((x) => x !== null)) };
  }

  result(v: Value): Series {
    if (v.t === 'series') return v.v;
    if (v.t === 'array' && v.v.length === 1) return v.v[0];
    if (v.t === 'array') throw new MetricMathTypeError(`the expression gives ${v.v.length} time series; an alarm needs exactly one`);
    throw new MetricMathTypeError(`the expression gives ${DESCRIBE[v.t]}; CloudWatch needs a time series as the final result`);
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;
const populationStddev = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};
const orNull = (f: (xs: number[]) => number) => (xs: number[]): Point => (xs.length === 0 ? null : finite(f(xs)));

/** Linear interpolation across interior gaps; gaps at either end stay missing. */
function interpolate(s: readonly Point[]): Point[] {
  const out = [...s];
  let before = -1;
  s.forEach((x, i) => {
    if (x === null) return;
    if (before >= 0 && i - before > 1) {
      const a = s[before] as number;
      for (let k = before + 1; k < i; k++) out[k] = a + ((x - a) * (k - before)) / (i - before);
    }
    before = i;
  });
  return out;
}

/**
 * Evaluates to a series as long as the context's series. Throws
 * UnsupportedMetricMath naming the function (or the id with no data source),
 * MetricMathTypeError for operands of the wrong kind.
 */
export function evaluateMetricMath(e: MathExpr, ctx: MathContext): Series {
  const ev = new Evaluator(ctx);
  return ev.result(ev.eval(e));
}
