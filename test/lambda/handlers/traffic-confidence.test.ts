import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { freezeNow, handlerEnv, healthyTargets, lockSlice, plan } from './env';

// The step check hands the judge the number of steps that compare the colors
// (those under 100%), over which it splits its confidence: with more, each
// bound would be wider and a regression would go unseen longer.
handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const cw = mockClient(CloudWatchClient);

const NOW = Date.UTC(2026, 11, 4, 12, 0, 30);
const SHIFTED = Date.UTC(2026, 11, 4, 11, 40, 10);
freezeNow(NOW);
beforeEach(() => {
  for (const m of [elb, ddb, cw]) m.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: 'OK' }] } as any);
  const t = new Date(Date.UTC(2026, 11, 4, 11, 41));
  const m = (id: string, v: number) => ({ Id: id, Timestamps: [t], Values: [v] });
  cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [m('green_requests', 1000), m('green_target5xx', 0), m('green_fast', 1000), m('blue_requests', 9000), m('blue_target5xx', 0), m('blue_fast', 9000)] });
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
});

describe('traffic: check', () => {
  const { handler } = require('../../../lambda/traffic');
  it.each([
    // 10/50/100: two comparing steps; 5/25/50/100: three. Six looks each (300 s bakes up to 1800 s), two proportions.
    [[10, 50, 100], 2],
    [[5, 25, 50, 100], 3],
  ])('steps %j: the confidence is split over %i comparing steps', async (steps, comparing) => {
    const ramp = { index: 0, percent: steps[0], weights: { blue: 100 - steps[0], green: steps[0] }, shiftedAtMs: SHIFTED, done: false };
    await handler({ executionId: 'exec-1', action: 'check', state: { plan: { ...plan, steps, bakeSeconds: 300 }, lock: lockSlice, ramp } });
    const bake = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).find((i) => i.type === 'bake');
    expect(bake.detail.maxLooks).toBe(6);
    expect(bake.detail.verdict.perLookConfidence).toBeCloseTo(1 - 0.01 / (6 * 2 * comparing), 12);
  });
});
