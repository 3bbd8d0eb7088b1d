import { needsStandIn, queriedMetrics } from '../../../rehearsal/metrics/stand-in';
import { metricKey } from '../../../rehearsal/metrics/store';

const metric = (name: string) => ({ Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/shop-dev-blue/1' }, { Name: 'LoadBalancer', Value: 'app/shop-dev/2' }] });
const input = {
  StartTime: new Date(0),
  EndTime: new Date(60_000),
  MetricDataQueries: [
    { Id: 'requests', MetricStat: { Metric: metric('RequestCount'), Period: 60, Stat: 'Sum' } },
    { Id: 'errors', MetricStat: { Metric: metric('HTTPCode_Target_5XX_Count'), Period: 60, Stat: 'Sum' } },
    { Id: 'rate', Expression: 'errors / requests' },
  ],
};

describe('queriedMetrics', () => {
  it('names the metric of each MetricStat query, keyed as the store keys what the simulation published', () => {
    const published = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/shop-dev/2', TargetGroup: 'targetgroup/shop-dev-blue/1' } };
    const ids = queriedMetrics(input);
    expect(ids.map((m) => m.metricName)).toEqual(['RequestCount', 'HTTPCode_Target_5XX_Count']);
    expect(metricKey(ids[0])).toBe(metricKey(published));
  });

  it('names nothing for a call of expressions only', () => {
    expect(queriedMetrics({ ...input, MetricDataQueries: [{ Id: 'e', Expression: 'SEARCH(x)' }] })).toEqual([]);
  });
});

describe('needsStandIn', () => {
  it('sends Sum-only calls to moto, and calls with a percentile or an expression to the stand-in', () => {
    expect(needsStandIn({ ...input, MetricDataQueries: input.MetricDataQueries.slice(0, 2) })).toBe(false);
    expect(needsStandIn(input)).toBe(true);
    expect(needsStandIn({ ...input, MetricDataQueries: [{ Id: 'p', MetricStat: { Metric: metric('TargetResponseTime'), Period: 60, Stat: 'p95' } }] })).toBe(true);
  });
});
