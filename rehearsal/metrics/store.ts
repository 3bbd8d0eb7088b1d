import { Component, LogNormal, mixtureCdf, mixtureQuantile } from '../traffic/latency';

/**
 * What CloudWatch holds for the rehearsal: every datapoint the simulated
 * services published, with the instant it becomes visible (ALB and ECS
 * metrics arrive a minute or more after the minute they describe). The alarm
 * evaluator reads it the way CloudWatch evaluates alarms, and the handlers'
 * percentile queries, which moto cannot answer, are answered from it.
 */

export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One published datapoint: a statistic set, and for response times the distribution behind it. */
export interface Datapoint {
  /** Start of the period it describes, epoch ms. */
  readonly timestamp: number;
  /** When a reader can see it, epoch ms. */
  readonly visibleAtMs: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  /** The samples' distribution, so percentiles are exact; without it each datapoint is one sample of `sum / sampleCount`. */
  readonly distribution?: LogNormal;
}

const MINUTE = 60_000;

export class UnsupportedStatistic extends Error {
  override readonly name = 'UnsupportedStatistic';
}

/** A statistic as CloudWatch spells it: Sum, Average, Minimum, Maximum, SampleCount, p95, p99.9, PR(:0.5), PR(0.1:2). */
export type Statistic =
  | { readonly kind: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' }
  | { readonly kind: 'percentile'; readonly q: number }
  | { readonly kind: 'rank'; readonly lower?: number; readonly upper?: number };

export function parseStatistic(stat: string): Statistic {
  if (['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat)) return { kind: stat as 'Sum' };
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (p) return { kind: 'percentile', q: Number(p[1]) / 100 };
  const pr = /^PR\(([^:()]*):([^:()]*)\)$/.exec(stat);
  if (pr && (pr[1] !== '' || pr[2] !== '')) {
    const bound = (s: string) => (s === '' ? undefined : Number(s));
    const lower = bound(pr[1]);
    const upper = bound(pr[2]);
    if ((lower === undefined || Number.isFinite(lower)) && (upper === undefined || Number.isFinite(upper))) return { kind: 'rank', lower, upper };
  }
  throw new UnsupportedStatistic(`statistic "${stat}" is not modelled by the rehearsal (Sum, Average, Minimum, Maximum, SampleCount, pNN and PR(a:b) are)`);
}

const keys = new WeakMap<MetricId, string>();
/** One string per metric; kept per id object, since the alarm evaluator asks about the same ids every simulated minute. */
export const metricKey = (m: MetricId): string => {
  let key = keys.get(m);
  if (key === undefined) {
    key = `${m.namespace}|${m.metricName}|${Object.keys(m.dimensions)
      .sort()
      .map((k) => `${k}=${m.dimensions[k]}`)
      .join(',')}`;
    keys.set(m, key);
  }
  return key;
};

/** Every datapoint of every metric, by metric. */
export class MetricStore {
  /** Datapoints by metric, then by minute (every simulated datapoint starts on a minute). */
  private readonly series = new Map<string, { id: MetricId; byMinute: Map<number, Datapoint[]> }>();
  /** Datapoints not yet copied into the emulator, by metric, each metric's in the order they were put. */
  private readonly unsent = new Map<string, Array<{ id: MetricId; point: Datapoint }>>();

  put(id: MetricId, point: Datapoint): void {
    const key = metricKey(id);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { id, byMinute: new Map() }));
    const minute = Math.floor(point.timestamp / MINUTE) * MINUTE;
    const at = s.byMinute.get(minute);
    if (at) at.push(point);
    else s.byMinute.set(minute, [point]);
    const unsent = this.unsent.get(key);
    if (unsent) unsent.push({ id, point });
    else this.unsent.set(key, [{ id, point }]);
  }

  /**
   * Datapoints visible at `nowMs` that the emulator has not been given yet, of the metrics in `only`
   * (of every metric without it); they count as given. Metric by metric, each metric's in the order
   * they were put.
   */
  takeUnsent(nowMs: number, only?: readonly MetricId[]): Array<{ id: MetricId; point: Datapoint }> {
    const out: Array<{ id: MetricId; point: Datapoint }> = [];
    for (const key of only ? new Set(only.map(metricKey)) : [...this.unsent.keys()]) {
      const kept: Array<{ id: MetricId; point: Datapoint }> = [];
      for (const d of this.unsent.get(key) ?? []) (d.point.visibleAtMs <= nowMs ? out : kept).push(d);
      if (kept.length > 0) this.unsent.set(key, kept);
      else this.unsent.delete(key);
    }
    return out;
  }

  metrics(): MetricId[] {
    return [...this.series.values()].map((s) => s.id);
  }

  /**
   * One statistic over the period [start, start + periodMs), from what is visible at `nowMs`;
   * undefined when no datapoint falls in it (CloudWatch returns no value for that period).
   */
  value(id: MetricId, stat: Statistic, start: number, periodMs: number, nowMs: number): number | undefined {
    const byMinute = this.series.get(metricKey(id))?.byMinute;
    return byMinute && periodValue(byMinute, stat, start, periodMs, nowMs);
  }

  /** Values for consecutive periods starting at `start` (oldest first); null where a period has no datapoint. */
  values(id: MetricId, stat: Statistic, start: number, periodMs: number, periods: number, nowMs: number): Array<number | null> {
    const byMinute = this.series.get(metricKey(id))?.byMinute;
    return Array.from({ length: periods }, (_, i) => (byMinute && periodValue(byMinute, stat, start + i * periodMs, periodMs, nowMs)) ?? null);
  }
}

/** One statistic over [start, start + periodMs) from the datapoints visible at `nowMs`; undefined when none falls in it. */
function periodValue(byMinute: ReadonlyMap<number, Datapoint[]>, stat: Statistic, start: number, periodMs: number, nowMs: number): number | undefined {
  const points: Datapoint[] = [];
  for (let m = Math.floor(start / MINUTE) * MINUTE; m < start + periodMs; m += MINUTE) {
    for (const p of byMinute.get(m) ?? []) if (p.timestamp >= start && p.timestamp < start + periodMs && p.visibleAtMs <= nowMs) points.push(p);
  }
  if (points.length === 0) return undefined;
  return aggregate(points, stat);
}

function aggregate(points: readonly Datapoint[], stat: Statistic): number | undefined {
  const count = points.reduce((a, p) => a + p.sampleCount, 0);
  switch (stat.kind) {
    case 'Sum':
      return points.reduce((a, p) => a + p.sum, 0);
    case 'SampleCount':
      return count;
    case 'Average':
      return count === 0 ? undefined : points.reduce((a, p) => a + p.sum, 0) / count;
    case 'Minimum':
      return Math.min(...points.map((p) => p.minimum));
    case 'Maximum':
      return Math.max(...points.map((p) => p.maximum));
    case 'percentile':
    case 'rank': {
      if (count === 0) return undefined;
      const modelled = points.filter((p) => p.distribution);
      if (modelled.length === points.length) {
        const parts: Component[] = modelled.map((p) => ({ dist: p.distribution!, count: p.sampleCount }));
        if (stat.kind === 'percentile') return mixtureQuantile(parts, stat.q);
        const upper = stat.upper === undefined ? 1 : mixtureCdf(parts, stat.upper);
        const lower = stat.lower === undefined ? 0 : mixtureCdf(parts, stat.lower);
        return 100 * (upper - lower);
      }
      // Plain samples (one value each): the empirical statistic.
      const samples = points.map((p) => p.sum / p.sampleCount).sort((a, b) => a - b);
      if (stat.kind === 'percentile') return samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(stat.q * samples.length) - 1))];
      const inRange = samples.filter((v) => (stat.lower === undefined || v > stat.lower) && (stat.upper === undefined || v <= stat.upper));
      return (100 * inRange.length) / samples.length;
    }
  }
}
