import { MathExpr, MetricMathError, metricMathIds, parseMetricMath } from '../../lib/metric-math';
import { MetricId, MetricStore, parseStatistic, Statistic } from '../metrics/store';
import { AlarmState, evaluateAlarmRule, parseAlarmRule, ruleAlarms, RuleExpr } from './alarm-rule';
import { evaluateMetricMath, Series } from './math';
import { evaluationRangePeriods, nextAlarmState } from './state';
import { AlarmDef, CompositeAlarmDef, describeOrigin, MetricAlarmDef } from './template';

/**
 * Evaluates the templates' alarms over the metric store every simulated
 * minute, the way CloudWatch does: each metric alarm over its evaluation
 * range of whole periods, from what is visible at that instant; then the
 * composite alarms over their children's states. It reports state changes;
 * the caller mirrors them into the emulator and delivers their events.
 */

export interface AlarmChange {
  readonly atMs: number;
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly reason: string;
  /** Newest datapoints the decision was taken on, for metric alarms (oldest first). */
  readonly datapoints?: ReadonlyArray<number | null>;
}

export class UnsupportedAlarm extends Error {
  override readonly name = 'UnsupportedAlarm';
}

/** At most this many metrics in one metric-math alarm (CloudWatch's limit). */
export const MAX_ALARM_METRICS = 10;

/** Tells whether a metric can ever have data in the simulation, and why not. */
export type DataSourceCheck = (metric: MetricId) => string | undefined;

interface PreparedMetric {
  readonly def: MetricAlarmDef;
  readonly stats: ReadonlyMap<string, { metric: MetricId; stat: Statistic }>;
  readonly expressions: ReadonlyMap<string, MathExpr>;
  readonly returning: string;
  readonly rangePeriods: number;
}

export class AlarmEngine {
  private readonly metricAlarms: PreparedMetric[];
  private readonly composites: Array<{ def: CompositeAlarmDef; rule: RuleExpr }>;
  private readonly states = new Map<string, AlarmState>();
  private readonly reasons = new Map<string, string>();

  /**
   * Prepares every alarm, refusing what it cannot evaluate with an error that
   * names the alarm and its construct. Alarms start as CloudWatch starts them,
   * INSUFFICIENT_DATA.
   */
  constructor(
    defs: readonly AlarmDef[],
    private readonly store: MetricStore,
    dataSource: DataSourceCheck = () => undefined,
  ) {
    const names = new Set(defs.map((d) => d.name));
    this.metricAlarms = defs.filter((d): d is MetricAlarmDef => d.kind === 'metric').map((d) => prepare(d, dataSource));
    this.composites = defs
      .filter((d): d is CompositeAlarmDef => d.kind === 'composite')
      .map((def) => {
        let rule: RuleExpr;
        try {
          rule = parseAlarmRule(def.rule);
        } catch (e) {
          throw new UnsupportedAlarm(`composite alarm ${def.name} at ${describeOrigin(def)}: ${(e as Error).message}`);
        }
        const unknown = ruleAlarms(rule).filter((a) => !names.has(a));
        if (unknown.length > 0) throw new UnsupportedAlarm(`composite alarm ${def.name} at ${describeOrigin(def)} names alarms no template defines: ${unknown.join(', ')}`);
        return { def, rule };
      });
    for (const d of defs) this.states.set(d.name, 'INSUFFICIENT_DATA');
    // A function the evaluator does not know must fail now, naming the alarm, not at the first datapoint.
    for (const a of this.metricAlarms) {
      try {
        this.datapoints(a, 0);
      } catch (e) {
        throw e instanceof UnsupportedAlarm ? e : new UnsupportedAlarm(`alarm ${a.def.name} at ${describeOrigin(a.def)}: ${(e as Error).message}`);
      }
    }
  }

  /** Every alarm's name. */
  get names(): string[] {
    return [...this.states.keys()];
  }

  state(name: string): AlarmState {
    const s = this.states.get(name);
    if (s === undefined) throw new UnsupportedAlarm(`no alarm named ${name}`);
    return s;
  }

  reason(name: string): string | undefined {
    return this.reasons.get(name);
  }

  /**
   * An outside actor's SetAlarmState: holds until the alarm is next evaluated,
   * as in CloudWatch; composites over it follow at once, as they do on any
   * child's change. Returns every change, the set alarm's first.
   */
  setState(name: string, to: AlarmState, reason: string, atMs: number): AlarmChange[] {
    const from = this.state(name);
    this.reasons.set(name, reason);
    if (from === to) return [];
    this.states.set(name, to);
    const own: AlarmChange = { atMs, alarm: name, kind: this.composites.some((c) => c.def.name === name) ? 'composite' : 'metric', from, to, reason };
    return [own, ...this.settleComposites(atMs)];
  }

  /** Evaluates every alarm at `nowMs`; metric alarms first, then composites until none changes. */
  evaluate(nowMs: number): AlarmChange[] {
    const changes: AlarmChange[] = [];
    for (const a of this.metricAlarms) {
      const datapoints = this.datapoints(a, nowMs);
      const next = nextAlarmState(a.def.criteria, datapoints, this.state(a.def.name));
      const change = this.apply(a.def.name, 'metric', next.state, next.reason, nowMs, datapoints.slice(-a.def.criteria.evaluationPeriods));
      if (change) changes.push(change);
    }
    return [...changes, ...this.settleComposites(nowMs)];
  }

  /** Composites over their children's states; composites may name composites, so as many rounds as there are of them. */
  private settleComposites(nowMs: number): AlarmChange[] {
    const changes: AlarmChange[] = [];
    for (let round = 0; round <= this.composites.length; round++) {
      let changed = false;
      for (const c of this.composites) {
        const alarm = evaluateAlarmRule(c.rule, (n) => this.state(n));
        const to: AlarmState = alarm ? 'ALARM' : 'OK';
        const change = this.apply(c.def.name, 'composite', to, alarm ? `rule ${c.def.rule} is true` : `rule ${c.def.rule} is false`, nowMs);
        if (change) {
          changes.push(change);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return changes;
  }

  /**
   * The alarm's evaluation range at `nowMs`, oldest first: whole periods ending
   * at the last minute boundary (CloudWatch evaluates every minute, and a
   * longer period slides with it).
   */
  datapoints(a: PreparedMetric, nowMs: number): Series {
    const periodMs = a.def.periodSeconds * 1000;
    const end = Math.floor(nowMs / Math.min(periodMs, 60_000)) * Math.min(periodMs, 60_000);
    const start = end - a.rangePeriods * periodMs;
    const cache = new Map<string, Series>();
    const series = (id: string): Series | undefined => {
      const hit = cache.get(id);
      if (hit) return hit;
      const m = a.stats.get(id);
      const e = a.expressions.get(id);
      let s: Series | undefined;
      if (m) s = this.store.values(m.metric, m.stat, start, periodMs, a.rangePeriods, nowMs);
      else if (e) s = evaluateMetricMath(e, { periodSeconds: a.def.periodSeconds, series });
      if (s) cache.set(id, s);
      return s;
    };
    const out = series(a.returning);
    if (!out) throw new UnsupportedAlarm(`alarm ${a.def.name} at ${describeOrigin(a.def)}: query ${a.returning} has no data source`);
    return out;
  }

  private apply(name: string, kind: AlarmChange['kind'], to: AlarmState, reason: string, atMs: number, datapoints?: Series): AlarmChange | undefined {
    const from = this.state(name);
    this.reasons.set(name, reason);
    if (from === to) return undefined;
    this.states.set(name, to);
    return { atMs, alarm: name, kind, from, to, reason, datapoints };
  }
}

function prepare(def: MetricAlarmDef, dataSource: DataSourceCheck): PreparedMetric {
  const where = `alarm ${def.name} at ${describeOrigin(def)}`;
  const metrics = def.queries.filter((q) => q.metric);
  if (metrics.length > MAX_ALARM_METRICS) throw new UnsupportedAlarm(`${where} uses ${metrics.length} metrics; CloudWatch allows at most ${MAX_ALARM_METRICS}`);
  const stats = new Map<string, { metric: MetricId; stat: Statistic }>();
  const expressions = new Map<string, MathExpr>();
  for (const q of def.queries) {
    if (q.metric) {
      if (q.metric.periodSeconds !== def.periodSeconds) throw new UnsupportedAlarm(`${where}: metric ${q.id} has period ${q.metric.periodSeconds} s and the alarm ${def.periodSeconds} s; the rehearsal evaluates one period per alarm`);
      const missing = dataSource(q.metric.metric);
      if (missing) throw new UnsupportedAlarm(`${where}: metric ${q.id} (${q.metric.metric.namespace} ${q.metric.metric.metricName} ${JSON.stringify(q.metric.metric.dimensions)}) ${missing}`);
      try {
        stats.set(q.id, { metric: q.metric.metric, stat: parseStatistic(q.metric.stat) });
      } catch (e) {
        throw new UnsupportedAlarm(`${where}: ${(e as Error).message}`);
      }
    } else if (q.expression !== undefined) {
      let expr: MathExpr;
      try {
        expr = parseMetricMath(q.expression);
      } catch (e) {
        throw new UnsupportedAlarm(`${where}: expression ${q.id} "${q.expression}": ${e instanceof MetricMathError ? e.message : String(e)}`);
      }
      expressions.set(q.id, expr);
    } else {
      throw new UnsupportedAlarm(`${where}: query ${q.id} has neither a metric nor an expression`);
    }
  }
  for (const [id, expr] of expressions) {
    const unknown = metricMathIds(expr).filter((x) => !stats.has(x) && !expressions.has(x));
    if (unknown.length > 0) throw new UnsupportedAlarm(`${where}: expression ${id} uses ${unknown.join(', ')}, which no query of the alarm defines (a metric with no data source)`);
  }
  const returning = def.queries.find((q) => q.returnData)!.id;
  return { def, stats, expressions, returning, rangePeriods: evaluationRangePeriods(def.criteria.evaluationPeriods, def.periodSeconds) };
}
