import binomial = require('@stdlib/random-base-binomial');
import { Color, COLORS } from '../../lambda/shared/colors';
import { Weights } from '../../lambda/shared/decisions/weights';
import { Datapoint, MetricId } from '../metrics/store';
import { latencyFromP95, mean, quantile } from './latency';
import { ColorBehaviour, PublishedMetric, RequestRate } from './schema';

/**
 * Simulated users and services, one minute at a time: total requests split by
 * the weights read back from the listener (sticky clients stay where their
 * cookie sends them while group stickiness is on), failures drawn from a seeded
 * binomial, response times from a log-normal with the color's p95, and every
 * metric published under the namespace, name and dimensions AWS uses:
 *
 * - AWS/ApplicationELB per target group (TargetGroup, LoadBalancer): RequestCount,
 *   HTTPCode_Target_5XX_Count, TargetConnectionErrorCount, TargetResponseTime,
 *   HealthyHostCount, UnHealthyHostCount. Load-balancer 5xx carry only the
 *   LoadBalancer dimension (HTTPCode_ELB_5XX_Count, HTTPCode_ELB_502_Count), so
 *   the per-color signal of a dropped connection is TargetConnectionErrorCount.
 * - AWS/ECS (ClusterName, ServiceName): CPUUtilization, MemoryUtilization, while tasks run.
 * - ECS/ContainerInsights (ClusterName, ServiceName): DesiredTaskCount, RunningTaskCount.
 * - Task exits: the metric the stack's log metric filter makes of stopped-task events.
 * - Business and shared metrics as a drill names them.
 *
 * Request-driven metrics are reported only in minutes with requests, and
 * counts only when nonzero, as the load balancer reports them.
 */

/** Where the simulated services publish: the resources the templates name, as the emulator holds them. */
export interface Publication {
  readonly loadBalancer: string;
  readonly targetGroup: Readonly<Record<Color, string>>;
  readonly cluster: string;
  readonly service: Readonly<Record<Color, string>>;
  /** The metric each color's task exits are counted in (the stack's metric filter); none: not published. */
  readonly taskExits?: Readonly<Record<Color, MetricId>>;
}

/** What the emulator shows at the start of a minute. */
export interface MinuteView {
  readonly startMs: number;
  /** Production weights, read back from the listener. */
  readonly weights: Weights;
  /** Share of all clients that reach the load balancer (below 1 while DNS still sends some to a legacy endpoint). */
  readonly albShare: number;
  /** Group stickiness on the production route. */
  readonly stickiness: { readonly enabled: boolean; readonly durationSeconds: number };
  /** Targets registered per color. */
  readonly registered: Readonly<Record<Color, number>>;
  /** ECS desired tasks per color. */
  readonly desired: Readonly<Record<Color, number>>;
  /** What each color does this minute (traffic with the active faults laid over it); its metrics name `{color}`. */
  readonly behaviour: Readonly<Record<Color, ColorBehaviour>>;
  /** Metrics of neither color (a queue both read from), published once a minute. */
  readonly sharedMetrics: readonly PublishedMetric[];
}

export interface ColorMinute {
  readonly requests: number;
  readonly target5xx: number;
  readonly connectionErrors: number;
  /** Requests the user saw fail: target 5xx plus load-balancer 502s. */
  readonly failed: number;
  readonly p95Seconds: number | null;
  readonly healthy: number;
  readonly unhealthy: number;
}

export interface MinuteResult {
  readonly perColor: Readonly<Record<Color, ColorMinute>>;
  readonly datapoints: ReadonlyArray<{ readonly id: MetricId; readonly point: Datapoint }>;
}

const MINUTE = 60_000;

export interface TrafficModelOptions {
  readonly requestsPerMinute: RequestRate;
  readonly stickyClientsPercent: number;
  readonly ingestDelaySeconds: number;
  readonly seed: number;
  readonly publication: Publication;
}

export class TrafficModel {
  private readonly draw: (n: number, p: number) => number;
  /** Where sticky clients are pinned, as shares per color; undefined until the first minute. */
  private pinned?: Record<Color, number>;
  /** Minutes each growing metric has grown, by metric and color. */
  private readonly growth = new Map<string, number>();
  private minutes = 0;
  /** Task exits owed per color: a rate of 0.3 a minute stops 3 tasks in 10 minutes. */
  private readonly exitsOwed: Record<Color, number> = { blue: 0, green: 0 };

  constructor(private readonly o: TrafficModelOptions) {
    this.draw = binomial.factory({ seed: o.seed });
  }

  /** Total requests in the minute starting at `startMs`. */
  totalRequests(startMs: number): number {
    const r = this.o.requestsPerMinute;
    if (typeof r === 'number') return Math.round(r);
    if ('daily' in r) {
      const hour = (startMs / 3_600_000) % 24;
      const phase = Math.cos((2 * Math.PI * (hour - r.daily.peakHourUtc)) / 24);
      return Math.round(r.daily.min + ((r.daily.max - r.daily.min) * (1 + phase)) / 2);
    }
    if ('series' in r) return Math.round(r.series[this.minutes % r.series.length]);
    throw new Error(`requestsPerMinute.file "${r.file}" must be loaded into a series before the model runs`);
  }

  /** Simulates one minute and returns what the services published for it. */
  minute(v: MinuteView): MinuteResult {
    const total = this.totalRequests(v.startMs) * v.albShare;
    this.minutes++;
    const share = this.shares(v);
    const visibleAtMs = v.startMs + MINUTE + this.o.ingestDelaySeconds * 1000;
    const out: Array<{ id: MetricId; point: Datapoint }> = [];
    const p = this.o.publication;
    const put = (namespace: string, metricName: string, dimensions: Record<string, string>, point: Omit<Datapoint, 'timestamp' | 'visibleAtMs'>) =>
      out.push({ id: { namespace, metricName, dimensions }, point: { timestamp: v.startMs, visibleAtMs, ...point } });
    const count = (n: number) => ({ sampleCount: n, sum: n, minimum: n > 0 ? 1 : 0, maximum: n > 0 ? 1 : 0 });
    const gauge = (x: number) => ({ sampleCount: 1, sum: x, minimum: x, maximum: x });

    const perColor = {} as Record<Color, ColorMinute>;
    let elb5xx = 0;
    let lbRequests = 0;
    for (const c of COLORS) {
      const b = v.behaviour[c];
      const tg = { TargetGroup: p.targetGroup[c], LoadBalancer: p.loadBalancer };
      const requests = Math.round(total * share[c]);
      const target5xx = requests > 0 ? this.draw(requests, Math.min(1, b.errorRatePercent / 100)) : 0;
      const connectionErrors = requests - target5xx > 0 ? this.draw(requests - target5xx, Math.min(1, b.loadBalancer5xxPercent / 100)) : 0;
      const answered = requests - connectionErrors;
      const latency = latencyFromP95(b.p95Seconds);
      if (requests > 0) {
        put('AWS/ApplicationELB', 'RequestCount', tg, count(requests));
        if (target5xx > 0) put('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', tg, count(target5xx));
        if (connectionErrors > 0) put('AWS/ApplicationELB', 'TargetConnectionErrorCount', tg, count(connectionErrors));
        if (answered > 0) {
          put('AWS/ApplicationELB', 'TargetResponseTime', tg, { sampleCount: answered, sum: answered * mean(latency), minimum: quantile(latency, 0.001), maximum: quantile(latency, 0.999), distribution: latency });
        }
      }
      const registered = v.registered[c];
      const unhealthy = Math.min(registered, b.unhealthyTargets);
      if (registered > 0) {
        // Reported while targets are registered, with or without requests.
        put('AWS/ApplicationELB', 'HealthyHostCount', tg, gauge(registered - unhealthy));
        put('AWS/ApplicationELB', 'UnHealthyHostCount', tg, gauge(unhealthy));
      }
      const svc = { ClusterName: p.cluster, ServiceName: p.service[c] };
      put('ECS/ContainerInsights', 'DesiredTaskCount', svc, gauge(v.desired[c]));
      put('ECS/ContainerInsights', 'RunningTaskCount', svc, gauge(registered));
      if (registered > 0) {
        put('AWS/ECS', 'CPUUtilization', svc, gauge(b.cpuPercent));
        put('AWS/ECS', 'MemoryUtilization', svc, gauge(b.memoryPercent));
      }
      this.exitsOwed[c] += b.taskExitsPerMinute;
      const exits = Math.floor(this.exitsOwed[c] + 1e-9);
      this.exitsOwed[c] -= exits;
      if (exits > 0 && p.taskExits) put(p.taskExits[c].namespace, p.taskExits[c].metricName, { ...p.taskExits[c].dimensions }, count(exits));
      // Business metrics come from requests: a color that serves none publishes none of them.
      if (requests > 0) {
        for (const m of b.metrics) {
          const dims = Object.fromEntries(Object.entries(m.dimensions).map(([k, d]) => [k, d.split('{color}').join(c)]));
          put(m.namespace, m.metricName, dims, gauge(this.metricValue(m, c)));
        }
      }
      elb5xx += connectionErrors;
      lbRequests += requests;
      perColor[c] = { requests, target5xx, connectionErrors, failed: target5xx + connectionErrors, p95Seconds: answered > 0 ? b.p95Seconds : null, healthy: registered - unhealthy, unhealthy };
    }
    if (lbRequests > 0) put('AWS/ApplicationELB', 'RequestCount', { LoadBalancer: p.loadBalancer }, count(lbRequests));
    if (elb5xx > 0) {
      put('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', { LoadBalancer: p.loadBalancer }, count(elb5xx));
      put('AWS/ApplicationELB', 'HTTPCode_ELB_502_Count', { LoadBalancer: p.loadBalancer }, count(elb5xx));
    }
    for (const m of v.sharedMetrics) put(m.namespace, m.metricName, { ...m.dimensions }, gauge(this.metricValue(m, 'shared')));
    return { perColor, datapoints: out };
  }

  /** Shares of the minute's requests per color: weights for free clients, the cookie's color for sticky ones. */
  private shares(v: MinuteView): Record<Color, number> {
    const sum = v.weights.blue + v.weights.green;
    const byWeight: Record<Color, number> = sum > 0 ? { blue: v.weights.blue / sum, green: v.weights.green / sum } : { blue: 0, green: 0 };
    if (!v.stickiness.enabled || this.pinned === undefined) {
      this.pinned = { ...byWeight };
    } else {
      // Cookies expire evenly over their lifetime; an expired client is placed by the weights again.
      const renewed = Math.min(1, 60 / Math.max(1, v.stickiness.durationSeconds));
      for (const c of COLORS) this.pinned[c] = this.pinned[c] * (1 - renewed) + byWeight[c] * renewed;
    }
    const sticky = this.o.stickyClientsPercent / 100;
    return { blue: (1 - sticky) * byWeight.blue + sticky * this.pinned.blue, green: (1 - sticky) * byWeight.green + sticky * this.pinned.green };
  }

  private metricValue(m: PublishedMetric, c: Color | 'shared'): number {
    if (m.perMinuteIncrease === undefined) return m.value ?? 0;
    const key = `${m.namespace}|${m.metricName}|${JSON.stringify(m.dimensions)}|${c}`;
    const grown = this.growth.get(key) ?? 0;
    this.growth.set(key, grown + 1);
    return (m.value ?? 0) + m.perMinuteIncrease * grown;
  }
}

/** Metrics the model publishes under AWS's own namespaces, by namespace, with their dimension names. */
export const SIMULATED_METRICS: Readonly<Record<string, ReadonlyArray<{ readonly dimensions: readonly string[]; readonly metrics: readonly string[] }>>> = {
  'AWS/ApplicationELB': [
    { dimensions: ['LoadBalancer', 'TargetGroup'], metrics: ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount', 'TargetResponseTime', 'HealthyHostCount', 'UnHealthyHostCount'] },
    { dimensions: ['LoadBalancer'], metrics: ['RequestCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_ELB_502_Count'] },
  ],
  'AWS/ECS': [{ dimensions: ['ClusterName', 'ServiceName'], metrics: ['CPUUtilization', 'MemoryUtilization'] }],
  'ECS/ContainerInsights': [{ dimensions: ['ClusterName', 'ServiceName'], metrics: ['DesiredTaskCount', 'RunningTaskCount'] }],
};

/**
 * Why an alarm's metric can never have data in the simulation, or undefined
 * when it can: a metric of a namespace the model publishes must be one it
 * publishes, with those dimensions, naming the emulator's resources. Other
 * namespaces (business metrics, SQS, RDS) carry what a drill publishes.
 */
export function dataSourceCheck(p: Publication): (m: MetricId) => string | undefined {
  const values: Record<string, Set<string>> = {
    LoadBalancer: new Set([p.loadBalancer]),
    TargetGroup: new Set(Object.values(p.targetGroup)),
    ClusterName: new Set([p.cluster]),
    ServiceName: new Set(Object.values(p.service)),
  };
  return (m) => {
    const families = SIMULATED_METRICS[m.namespace];
    if (!families) return undefined;
    const names = Object.keys(m.dimensions).sort();
    const family = families.find((f) => f.dimensions.length === names.length && [...f.dimensions].sort().every((d, i) => d === names[i]));
    if (!family) return `has dimensions ${names.join(', ') || '(none)'}; ${m.namespace} publishes its metrics with ${families.map((f) => f.dimensions.join('+')).join(' or ')}`;
    if (!family.metrics.includes(m.metricName)) return `is not published by ${m.namespace} with ${family.dimensions.join('+')} in the rehearsal (it publishes ${family.metrics.join(', ')})`;
    for (const [k, v] of Object.entries(m.dimensions)) {
      if (!values[k]?.has(v)) return `names ${k}=${v}, which is none of this environment's resources (${[...(values[k] ?? [])].join(', ')})`;
    }
    return undefined;
  };
}
