import { GetMetricDataCommandInput, GetMetricDataCommandOutput, Metric, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { MetricId, MetricStore, parseStatistic } from './store';

/**
 * Answers the GetMetricData calls moto cannot (it fails on percentile and
 * percentile-rank statistics) from the simulation's metric store, in
 * GetMetricData's own shape, so the handlers' calls stay exactly as they are
 * in AWS. Calls with only Sum, Average, Minimum, Maximum and SampleCount go to
 * moto.
 */

const MOTO_STATS = new Set(['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount']);

const metricIdOf = (m: Metric): MetricId => ({ namespace: m.Namespace!, metricName: m.MetricName!, dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name!, d.Value!])) });

/** The metrics a call's MetricStat queries read. */
export function queriedMetrics(input: GetMetricDataCommandInput): MetricId[] {
  return (input.MetricDataQueries ?? []).flatMap((q) => (q.MetricStat?.Metric ? [metricIdOf(q.MetricStat.Metric)] : []));
}

/** True when moto cannot answer the call. */
export function needsStandIn(input: GetMetricDataCommandInput): boolean {
  return (input.MetricDataQueries ?? []).some((q) => q.Expression !== undefined || (q.MetricStat && !MOTO_STATS.has(q.MetricStat.Stat!)));
}

/** The call's answer from the store: periods from StartTime, newest first, only periods with data (as CloudWatch returns them). */
export function answerGetMetricData(store: MetricStore, input: GetMetricDataCommandInput, nowMs: number): GetMetricDataCommandOutput {
  const start = new Date(input.StartTime!).getTime();
  const end = new Date(input.EndTime!).getTime();
  const results: MetricDataResult[] = (input.MetricDataQueries ?? []).map((q) => {
    if (!q.MetricStat) throw new Error(`GetMetricData query ${q.Id}: expressions are not modelled by the rehearsal's stand-in`);
    const m = q.MetricStat.Metric!;
    const id = metricIdOf(m);
    const stat = parseStatistic(q.MetricStat.Stat!);
    const periodMs = q.MetricStat.Period! * 1000;
    const timestamps: Date[] = [];
    const values: number[] = [];
    for (let t = start; t < end; t += periodMs) {
      const v = store.value(id, stat, t, periodMs, nowMs);
      if (v !== undefined && Number.isFinite(v)) {
        timestamps.push(new Date(t));
        values.push(v);
      }
    }
    if (input.ScanBy !== 'TimestampAscending') {
      timestamps.reverse();
      values.reverse();
    }
    return { Id: q.Id, Label: q.Label ?? m.MetricName, Timestamps: timestamps, Values: values, StatusCode: 'Complete' };
  });
  return { MetricDataResults: results, Messages: [], $metadata: {} };
}
