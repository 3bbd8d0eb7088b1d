import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { awsCall, sdkClient } from './clients';

const clients = { cloudwatch: sdkClient('cloudwatch', (c) => new CloudWatchClient(c)) };

const call = <T>(name: string, fn: () => Promise<T>) => awsCall(`cloudwatch:${name}`, fn);

/** State of each named alarm (metric or composite); a missing alarm reads MISSING. */
export async function alarmStates(names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = Object.fromEntries(names.map((n) => [n, 'MISSING']));
  if (names.length === 0) return out;
  // At most 100 names a call, and the answer comes in pages (50 alarms unless MaxRecords says more).
  for (let i = 0; i < names.length; i += 100) {
    let next: string | undefined;
    do {
      const r = await call('DescribeAlarms', () =>
        clients.cloudwatch().send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: next })),
      );
      for (const a of [...(r.MetricAlarms ?? []), ...(r.CompositeAlarms ?? [])]) if (a.AlarmName) out[a.AlarmName] = a.StateValue ?? 'INSUFFICIENT_DATA';
      next = r.NextToken;
    } while (next);
  }
  return out;
}

/** `targetgroup/name/id` from a target-group ARN: the metric dimension value. */
export function targetGroupDimension(arn: string): string {
  const i = arn.indexOf('targetgroup/');
  return i >= 0 ? arn.slice(i) : arn;
}

/** `app/name/id` from a listener or load-balancer ARN: the metric dimension value. */
export function loadBalancerDimension(arn: string): string {
  const m = /(?:listener|loadbalancer)\/(app\/[^/]+\/[^/]+)/.exec(arn);
  return m ? m[1] : arn;
}

/** The whole minutes covering [startMs, endMs], at least one. */
export function minuteWindow(startMs: number, endMs: number): { start: number; end: number } {
  const start = Math.floor(startMs / 60_000) * 60_000;
  const end = Math.max(Math.ceil(endMs / 60_000) * 60_000, start + 60_000);
  return { start, end };
}

export interface TargetGroupSignals {
  /** Sum of requests; undefined when CloudWatch returned no data point. */
  readonly requests: number | undefined;
  readonly errors5xx: number | undefined;
  readonly p95Seconds: number | undefined;
}

/** Requests, 5xx and p95 of one target group between two instants. */
export async function targetGroupSignals(listenerArn: string, tgArn: string, startMs: number, endMs: number): Promise<TargetGroupSignals> {
  const dims = [
    { Name: 'TargetGroup', Value: targetGroupDimension(tgArn) },
    { Name: 'LoadBalancer', Value: loadBalancerDimension(listenerArn) },
  ];
  // ALB metrics come per minute: cover whole minutes, at least one, so a short bake still has a window.
  const { start, end } = minuteWindow(startMs, endMs);
  const period = (end - start) / 1000;
  const q = (id: string, metric: string, stat: string): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: dims }, Period: period, Stat: stat },
  });
  const r = await call('GetMetricData', () =>
    clients.cloudwatch().send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(end),
        MetricDataQueries: [q('requests', 'RequestCount', 'Sum'), q('errors', 'HTTPCode_Target_5XX_Count', 'Sum'), q('p95', 'TargetResponseTime', 'p95')],
      }),
    ),
  );
  const values = (id: string) => r.MetricDataResults?.find((m) => m.Id === id)?.Values ?? [];
  const sum = (id: string) => (values(id).length === 0 ? undefined : values(id).reduce((a, b) => a + b, 0));
  const max = (id: string) => (values(id).length === 0 ? undefined : Math.max(...values(id)));
  return { requests: sum('requests'), errors5xx: sum('errors'), p95Seconds: max('p95') };
}

/** Requests a WAF web ACL counted (would have blocked in BLOCK mode) between two instants; undefined when none were reported. */
export async function wafCountedRequests(webAcl: string, region: string, startMs: number, endMs: number): Promise<number | undefined> {
  const r = await call('GetMetricData', () =>
    clients.cloudwatch().send(
      new GetMetricDataCommand({
        StartTime: new Date(startMs),
        EndTime: new Date(endMs),
        MetricDataQueries: [
          {
            Id: 'counted',
            MetricStat: {
              Metric: { Namespace: 'AWS/WAFV2', MetricName: 'CountedRequests', Dimensions: [{ Name: 'WebACL', Value: webAcl }, { Name: 'Region', Value: region }, { Name: 'Rule', Value: 'ALL' }] },
              Period: Math.max(60, Math.ceil((endMs - startMs) / 60_000) * 60),
              Stat: 'Sum',
            },
          },
        ],
      }),
    ),
  );
  const v = r.MetricDataResults?.[0]?.Values ?? [];
  return v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0);
}

/** What one color did over the judged minutes. */
export interface WindowCounts {
  readonly requests: number;
  /** Target 5xx plus the load balancer's failed connections to the color's targets. */
  readonly failed: number;
  /** Requests slower than the latency threshold. */
  readonly slow: number;
  /** p95 over the window; undefined without requests. */
  readonly p95Seconds?: number;
  /** Minutes that reported requests. */
  readonly minutes: number;
}

/**
 * Both colors' per-minute sums over [startMs, endMs) in one GetMetricData call:
 * requests, target 5xx, failed connections, and the percentile rank
 * PR(:threshold) of the response time (the share of requests at most that
 * slow), turned into a count of slow requests minute by minute; plus p95 over
 * the window for the report. Whole minutes only: callers pass complete ones.
 */
export async function colorWindowCounts(listenerArn: string, tgArns: Readonly<Record<'blue' | 'green', string>>, startMs: number, endMs: number, latencyThresholdSeconds: number): Promise<Record<'blue' | 'green', WindowCounts>> {
  const colors = ['blue', 'green'] as const;
  const empty = { requests: 0, failed: 0, slow: 0, minutes: 0 };
  if (endMs <= startMs) return { blue: empty, green: empty };
  const q = (id: string, tg: string, metric: string, stat: string, period: number): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: [{ Name: 'TargetGroup', Value: targetGroupDimension(tg) }, { Name: 'LoadBalancer', Value: loadBalancerDimension(listenerArn) }] },
      Period: period,
      Stat: stat,
    },
  });
  const windowSeconds = Math.round((endMs - startMs) / 1000);
  const queries = colors.flatMap((c) => [
    q(`${c}_requests`, tgArns[c], 'RequestCount', 'Sum', 60),
    q(`${c}_target5xx`, tgArns[c], 'HTTPCode_Target_5XX_Count', 'Sum', 60),
    q(`${c}_connections`, tgArns[c], 'TargetConnectionErrorCount', 'Sum', 60),
    q(`${c}_fast`, tgArns[c], 'TargetResponseTime', `PR(:${latencyThresholdSeconds})`, 60),
    q(`${c}_p95`, tgArns[c], 'TargetResponseTime', 'p95', windowSeconds),
  ]);
  const r = await call('GetMetricData', () => clients.cloudwatch().send(new GetMetricDataCommand({ StartTime: new Date(startMs), EndTime: new Date(endMs), MetricDataQueries: queries })));
  const series = (id: string) => {
    const m = r.MetricDataResults?.find((x) => x.Id === id);
    const out = new Map<number, number>();
    (m?.Timestamps ?? []).forEach((t, i) => out.set(new Date(t).getTime(), m!.Values![i]));
    return out;
  };
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const result = {} as Record<'blue' | 'green', WindowCounts>;
  for (const c of colors) {
    const requests = series(`${c}_requests`);
    const fast = series(`${c}_fast`);
    let slow = 0;
    // A minute with requests but no response-time rank (every request failed to connect) has no slow ones to count.
    for (const [t, n] of requests) if (fast.has(t)) slow += Math.round((n * (100 - fast.get(t)!)) / 100);
    const p95 = series(`${c}_p95`);
    result[c] = { requests: sum(requests), failed: sum(series(`${c}_target5xx`)) + sum(series(`${c}_connections`)), slow, p95Seconds: p95.size > 0 ? Math.max(...p95.values()) : undefined, minutes: requests.size };
  }
  return result;
}

/** One minute of one color, as `colorMinutes` reads it. */
export interface ColorMinute {
  readonly atMs: number;
  readonly requests: number;
  /** Target 5xx plus failed connections to the color's targets. */
  readonly failed: number;
  /** Requests slower than the latency threshold. */
  readonly slow: number;
}

/**
 * One color's per-minute sums over [startMs, endMs) in one GetMetricData
 * call (pages followed): requests, failed (target 5xx and failed
 * connections) and slow (from `PR(:threshold)`), as `colorWindowCounts`
 * counts them. Only minutes that reported requests are returned: the load
 * balancer publishes nothing for a minute without any.
 */
export async function colorMinutes(listenerArn: string, tgArn: string, startMs: number, endMs: number, latencyThresholdSeconds: number): Promise<ColorMinute[]> {
  if (endMs <= startMs) return [];
  const dims = [{ Name: 'TargetGroup', Value: targetGroupDimension(tgArn) }, { Name: 'LoadBalancer', Value: loadBalancerDimension(listenerArn) }];
  const q = (id: string, metric: string, stat: string): MetricDataQuery => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: dims }, Period: 60, Stat: stat } });
  const queries = [q('requests', 'RequestCount', 'Sum'), q('target5xx', 'HTTPCode_Target_5XX_Count', 'Sum'), q('connections', 'TargetConnectionErrorCount', 'Sum'), q('fast', 'TargetResponseTime', `PR(:${latencyThresholdSeconds})`)];
  const series: Record<string, Map<number, number>> = Object.fromEntries(queries.map((x) => [x.Id!, new Map<number, number>()]));
  let token: string | undefined;
  do {
    const r = await call('GetMetricData', () =>
      clients.cloudwatch().send(new GetMetricDataCommand({ StartTime: new Date(startMs), EndTime: new Date(endMs), MetricDataQueries: queries, NextToken: token })),
    );
    for (const m of r.MetricDataResults ?? []) {
      const s = series[m.Id ?? ''];
      if (s) (m.Timestamps ?? []).forEach((t, i) => s.set(new Date(t).getTime(), m.Values![i]));
    }
    token = r.NextToken;
  } while (token);
  const out: ColorMinute[] = [];
  for (const [t, requests] of [...series.requests].sort((a, b) => a[0] - b[0])) {
    const fast = series.fast.get(t);
    out.push({
      atMs: t,
      requests,
      failed: (series.target5xx.get(t) ?? 0) + (series.connections.get(t) ?? 0),
      // A minute with requests but no response-time rank (every request failed to connect) has no slow ones to count.
      slow: fast === undefined ? 0 : Math.round((requests * (100 - fast)) / 100),
    });
  }
  return out;
}
