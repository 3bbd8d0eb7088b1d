import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { freezeNow, handlerEnv, healthyTargets, lockSlice, plan, TG } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const cw = mockClient(CloudWatchClient);

const HOUR = 3600;
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const watchPlan = { ...plan, watchWindowSeconds: 24 * HOUR, checkpointSeconds: [HOUR, 4 * HOUR], watchTickSeconds: 900 };
const event = (elapsedSeconds: number, reported: number[] = []) => ({
  executionId: 'exec-1',
  action: 'tick',
  state: { plan: watchPlan, lock: lockSlice, promotion: { promotedAtMs: NOW - elapsedSeconds * 1000 }, watch: { elapsedSeconds: 0, reported, nextWaitSeconds: 1, done: false } },
});
const metrics = (requests: number[], errors: number[], p95: number[]) => ({
  MetricDataResults: [
    { Id: 'requests', Values: requests },
    { Id: 'errors', Values: errors },
    { Id: 'p95', Values: p95 },
  ],
});
const checkpoints = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).filter((i) => i.type === 'checkpoint');

freezeNow(NOW);
beforeEach(() => {
  for (const m of [elb, ddb, cw]) m.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: 'OK' }] });
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
});

describe('watch tick', () => {
  const { handler } = require('../../../lambda/watch');

  it('before a checkpoint: reports nothing, waits until it (or the tick), not done', async () => {
    await expect(handler(event(HOUR - 300))).resolves.toEqual({ elapsedSeconds: HOUR - 300, reported: [], nextWaitSeconds: 300, done: false });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['shop-dev-green-rollback'] });
    expect(cw).not.toHaveReceivedCommand(GetMetricDataCommand);
    expect(checkpoints()).toEqual([]);
  });

  it('at a checkpoint: records the new color\'s signals against the targets, read over the hour before it', async () => {
    cw.on(GetMetricDataCommand).resolves(metrics([600, 400], [6, 4], [0.2, 0.4]));
    await expect(handler(event(HOUR))).resolves.toEqual({ elapsedSeconds: HOUR, reported: [HOUR], nextWaitSeconds: 900, done: false });
    expect(checkpoints()).toHaveLength(1);
    expect(checkpoints()[0]).toMatchObject({ pk: 'shop#dev', executionId: 'exec-1' });
    expect(checkpoints()[0].detail).toEqual({
      afterHours: 1,
      color: 'green',
      allOk: true,
      report: [
        { signal: 'error rate %', value: 1, target: '<= 1', ok: true },
        { signal: 'p95 latency s', value: 0.4, target: '<= 0.5', ok: true },
        { signal: 'healthy hosts', value: 2, target: '>= 2', ok: true },
      ],
    });
    const q = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect([q.StartTime, q.EndTime]).toEqual([new Date(NOW - HOUR * 1000), new Date(NOW)]);
    expect(q.MetricDataQueries![0].MetricStat!.Metric!.Dimensions).toContainEqual({ Name: 'TargetGroup', Value: 'targetgroup/shop-dev-green/2' });
    expect(elb).toHaveReceivedCommandWith(DescribeTargetHealthCommand, { TargetGroupArn: TG.green });
  });

  it('a later checkpoint reads only the last hour; a bad signal makes it not OK', async () => {
    cw.on(GetMetricDataCommand).resolves(metrics([100], [2], [0.6]));
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(1));
    await expect(handler(event(4 * HOUR, [HOUR]))).resolves.toEqual({ elapsedSeconds: 4 * HOUR, reported: [HOUR, 4 * HOUR], nextWaitSeconds: 900, done: false });
    const q = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(q.StartTime).toEqual(new Date(NOW - HOUR * 1000));
    expect(checkpoints().map((c) => [c.detail.afterHours, c.detail.allOk, c.detail.report.map((r: any) => [r.value, r.ok])])).toEqual([[4, false, [[2, false], [0.6, false], [1, false]]]]);
  });

  it('checkpoints missed by a late tick are each recorded once; a checkpoint shortly after promotion reads only since promotion', async () => {
    cw.on(GetMetricDataCommand).resolves(metrics([], [], []));
    await expect(handler(event(5 * HOUR))).resolves.toMatchObject({ reported: [HOUR, 4 * HOUR] });
    expect(checkpoints().map((c) => c.detail.afterHours)).toEqual([1, 4]);
    // Healthy hosts alone are not all OK.
    expect(checkpoints().map((c) => c.detail.allOk)).toEqual([false, false]);
    // No requests: no error rate and no p95, neither OK.
    expect(checkpoints()[0].detail.report.map((r: any) => [r.value, r.ok])).toEqual([[null, false], [null, false], [2, true]]);
    cw.reset();
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: 'OK' }] });
    cw.on(GetMetricDataCommand).resolves(metrics([50], [], [0.1]));
    const early = { ...event(600), state: { ...event(600).state, plan: { ...watchPlan, checkpointSeconds: [600] } } };
    await handler(early);
    expect(cw.commandCalls(GetMetricDataCommand)[0].args[0].input.StartTime).toEqual(new Date(NOW - 600_000));
    // Requests without a 5xx count: 0%.
    expect(checkpoints()[0].detail.report[0]).toEqual({ signal: 'error rate %', value: 0, target: '<= 1', ok: true });
  });

  it('ends at the close of the window, and starts from nothing reported without a watch slice', async () => {
    await expect(handler(event(24 * HOUR, [HOUR, 4 * HOUR]))).resolves.toEqual({ elapsedSeconds: 24 * HOUR, reported: [HOUR, 4 * HOUR], nextWaitSeconds: 0, done: true });
    const { watch: _, ...state } = event(10).state;
    await expect(handler({ ...event(10), state })).resolves.toEqual({ elapsedSeconds: 10, reported: [], nextWaitSeconds: 900, done: false });
    // Whole seconds since promotion, rounded down.
    const partial = event(10);
    partial.state.promotion.promotedAtMs -= 999;
    await expect(handler(partial)).resolves.toMatchObject({ elapsedSeconds: 10 });
  });

  it('stops with RolledBackByAlarm when an alarm rolled this cutover back, naming why', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'watching', rolledBackAtMs: 5, rollbackReason: 'green-rollback in ALARM' } });
    await expect(handler(event(HOUR))).rejects.toMatchObject({ name: 'RolledBackByAlarm', message: 'an alarm rolled traffic back during the watch window: green-rollback in ALARM' });
    expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
    expect(checkpoints()).toEqual([]);
  });

  it('a lock without a rollback, or another execution\'s, does not stop it', async () => {
    const lock = { pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'watching' };
    ddb.on(GetCommand).resolves({ Item: lock });
    await expect(handler(event(10))).resolves.toMatchObject({ done: false });
    ddb.on(GetCommand).resolves({ Item: { ...lock, executionId: 'exec-0', rolledBackAtMs: 5 } });
    await expect(handler(event(10))).resolves.toMatchObject({ done: false });
  });

  it('stops with AlarmBreached while the new color\'s rollback alarm is in ALARM (polled: no new event comes for it)', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: 'ALARM' }] });
    await expect(handler(event(HOUR))).rejects.toMatchObject({ name: 'AlarmBreached', message: 'shop-dev-green-rollback is in ALARM during the watch window' });
    expect(checkpoints()).toEqual([]);
  });
});
