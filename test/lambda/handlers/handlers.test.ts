import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { callCounter } from '../../../lambda/shared/adapters/clients';
import { forward, handlerEnv, healthyTargets, LISTENER, lockSlice, plan, TG } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);

const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

beforeEach(() => {
  for (const m of [elb, ecs, ddb, ssm, sns, cw]) m.reset();
  callCounter.clear();
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      ['/switchyard/shop/dev/live-color', 'blue'],
      ['/switchyard/shop/dev/blue/image', 'img:1'],
      ['/switchyard/shop/dev/green/image', 'img:1'],
      ['/switchyard/shop/dev/blue/desired-count', '2'],
      ['/switchyard/shop/dev/green/desired-count', '0'],
    ].map(([Name, Value]) => ({ Name, Value })),
  });
});

describe('traffic: shift', () => {
  const { handler } = require('../../../lambda/traffic');
  const event = (ramp?: object) => ({ action: 'shift', executionId: 'exec-1', state: { plan, lock: lockSlice, ...(ramp ? { ramp } : {}) } });

  it('sets absolute weights for the next step and reads them back', async () => {
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(50, 50) as any }] });
    const out = await handler(event({ index: 0, percent: 10, weights: { blue: 90, green: 10 }, shiftedAtMs: 1, done: false }));
    expect(out).toMatchObject({ index: 1, percent: 50, weights: { blue: 50, green: 50 }, done: false });
    expect(elb).toHaveReceivedCommandWith(ModifyListenerCommand, {
      ListenerArn: LISTENER,
      DefaultActions: [expect.objectContaining({ ForwardConfig: expect.objectContaining({ TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 50 }, { TargetGroupArn: TG.green, Weight: 50 }] }) })],
    });
  });

  it('a retried step writes the same absolute weights again, never a delta', async () => {
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(90, 10) as any }] });
    await handler(event());
    await handler(event());
    const calls = elb.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input.DefaultActions);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual(calls[1]);
  });

  it('keeps reading back until the listener reports the weights, then gives up with WeightsNotApplied', async () => {
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    await expect(handler(event())).rejects.toMatchObject({ name: 'WeightsNotApplied' });
    expect(elb).toHaveReceivedCommandTimes(DescribeListenersCommand, 10);
  });

  it('never undoes a rollback an alarm already made', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'ramping', rolledBackAtMs: 5, rollbackReason: 'alarm' } });
    await expect(handler(event())).rejects.toMatchObject({ name: 'RolledBackByAlarm' });
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });
});

describe('rollback', () => {
  const { handler } = require('../../../lambda/rollback');
  const event = { source: 'cutover', executionId: 'exec-1', state: { lock: lockSlice, error: { Error: 'AlarmBreached', Cause: 'green in ALARM' } } };

  beforeEach(() => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
  });

  it('with the previous color healthy, reaches verified weights in three AWS calls, then records', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    const order: string[] = [];
    for (const [m, C, n] of [[elb, DescribeTargetHealthCommand, 'health'], [elb, ModifyListenerCommand, 'modify'], [elb, DescribeListenersCommand, 'read'], [ssm, PutParameterCommand, 'record'], [sns, PublishCommand, 'notify']] as const) {
      (m as any).on(C).callsFake(() => {
        order.push(n);
        return C === DescribeTargetHealthCommand ? healthyTargets(2) : C === DescribeListenersCommand ? { Listeners: [{ DefaultActions: forward(100, 0) }] } : {};
      });
    }
    const out = await handler(event);
    expect(out).toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 }, scaledUp: false, reason: 'AlarmBreached: green in ALARM' });
    expect(order.slice(0, 3)).toEqual(['health', 'modify', 'read']);
    expect(order.indexOf('record')).toBeGreaterThan(2);
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:critical' });
  });

  it('scales a scaled-down previous color up and waits for health before moving traffic', async () => {
    elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(0)).resolvesOnce(healthyTargets(1)).resolves(healthyTargets(2));
    const out = await handler(event);
    expect(out.scaledUp).toBe(true);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'shop-dev', service: 'shop-dev-blue', desiredCount: 2 });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/switchyard/shop/dev/blue/desired-count', Value: '2' });
    expect(elb).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 3);
  });

  it('survives three throttles in a row on the listener', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    elb.on(ModifyListenerCommand).rejectsOnce(throttle).rejectsOnce(throttle).rejectsOnce(throttle).resolves({});
    const started = Date.now();
    await expect(handler(event)).resolves.toMatchObject({ weights: { blue: 100, green: 0 } });
    expect(elb).toHaveReceivedCommandTimes(ModifyListenerCommand, 4);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('running it twice leaves the same state', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    ddb.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    await handler(event);
    await handler(event);
    const writes = elb.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input);
    expect(writes).toHaveLength(2);
    expect(writes[0]).toEqual(writes[1]);
  });

  it('fails named, without touching traffic, when the previous color never gets healthy', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(0));
    const { rollbackTo } = require('../../../lambda/shared/rollback');
    const { settings } = require('../../../lambda/shared/settings');
    let t = 0;
    await expect(rollbackTo(settings(), { target: 'blue', requiredCount: 2, reason: 'r', executionId: 'e', trigger: 'cutover' }, { now: () => (t += 60_000), pause: async () => undefined })).rejects.toMatchObject({ name: 'RollbackFailed' });
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });
});

describe('lock', () => {
  const { handler } = require('../../../lambda/lock');

  it('refuses a second cutover, naming the running execution', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'shop#dev', executionId: 'arn:exec:first', startedAtMs: 1_700_000_000_000, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'release 1', phase: 'ramping' } });
    await expect(handler({ action: 'acquire', executionId: 'arn:exec:second', state: { plan } })).rejects.toMatchObject({ name: 'LockHeld', message: expect.stringMatching(/execution arn:exec:first/) });
  });

  it('takes the lock with a condition that lets only an expired or absent holder be replaced, and an expiry', async () => {
    ddb.on(PutCommand).resolves({});
    const out = await handler({ action: 'acquire', executionId: 'arn:exec:1', state: { plan } });
    expect(out).toMatchObject({ previousColor: 'blue', newColor: 'green', liveDesired: 2 });
    const put = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'locks')!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk) OR expiresAtMs < :now OR executionId = :me');
    expect(put.Item!.expiresAtMs).toBeGreaterThan(Date.now());
    expect(put.Item!.ttl).toBe(Math.ceil(put.Item!.expiresAtMs / 1000));
  });

  it('releases only its own lock', async () => {
    ddb.on(DeleteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    await handler({ action: 'release', executionId: 'arn:exec:1', outcome: 'Succeeded', state: { plan } });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'shop#dev' }, ConditionExpression: 'executionId = :me', ExpressionAttributeValues: { ':me': 'arn:exec:1' } });
  });
});

describe('alarm handler', () => {
  const { handler } = require('../../../lambda/alarm-handler');
  const event = { id: 'e-1', time: new Date().toISOString(), 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'shop-dev-green-rollback', state: { value: 'ALARM', timestamp: new Date().toISOString() } } };

  it('a repeated event id does nothing', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(handler(event)).resolves.toMatchObject({ action: 'ignore' });
    expect(elb).not.toHaveReceivedCommand(DescribeListenersCommand);
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });

  it('a delivery whose handling failed gives its event id back, so the retry acts', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    elb.on(DescribeListenersCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalFailure' }));
    await expect(handler(event)).rejects.toThrow('boom');
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'ledger', Key: { pk: 'shop#dev', sk: 'event#e-1' } });
  });

  it('an alarm on a color with no traffic notifies and moves nothing', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    await expect(handler(event)).resolves.toMatchObject({ action: 'notify', alarmColor: 'green' });
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:critical' });
  });
});

describe('preflight', () => {
  it('reports an alarm without data as a no-go', async () => {
    const { handler } = require('../../../lambda/preflight');
    const ecsMod = require('@aws-sdk/client-ecs');
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    elb.on(require('@aws-sdk/client-elastic-load-balancing-v2').DescribeTargetGroupsCommand).resolves({ TargetGroups: [{}] });
    ecs.on(ecsMod.DescribeServicesCommand).resolves({ services: [{ desiredCount: 2, runningCount: 2, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }] }] });
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-blue-rollback', StateValue: 'OK' }], CompositeAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: 'INSUFFICIENT_DATA' }] });
    // The live color's last hour (test/lambda/handlers/preflight.test.ts covers the estimate).
    cw.on(require('@aws-sdk/client-cloudwatch').GetMetricDataCommand).resolves({ MetricDataResults: [] });
    ddb.on(PutCommand).resolves({});
    const out = await handler({ executionId: 'e', state: { plan, lock: lockSlice } });
    expect(out.go).toBe(false);
    expect(out.summary).toMatch(/alarm shop-dev-green-rollback OK: INSUFFICIENT_DATA/);
  });
});

describe('deploy guard', () => {
  const { guardMessage, handler } = require('../../../lambda/deploy-guard');
  it('names the running execution and passes an expired or absent lock', async () => {
    const lock = { executionId: 'arn:exec:7', startedAtMs: 0, expiresAtMs: 10_000, reason: 'release 7' };
    expect(guardMessage(lock, 5_000)).toMatch(/A cutover is running: execution arn:exec:7/);
    expect(guardMessage(lock, 10_000)).toBeUndefined();
    expect(guardMessage(undefined, 0)).toBeUndefined();
    ddb.on(GetCommand).resolves({ Item: { pk: 'shop#dev', executionId: 'arn:exec:7', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'ramping' } });
    await expect(handler({ RequestType: 'Update', ResourceProperties: { LockTable: 'locks', LockKey: 'shop#dev' } })).rejects.toThrow(/arn:exec:7/);
    await expect(handler({ RequestType: 'Delete', PhysicalResourceId: 'g', ResourceProperties: { LockTable: 'locks', LockKey: 'shop#dev' } })).resolves.toEqual({ PhysicalResourceId: 'g' });
  });
});

describe('validate-input', () => {
  const { handler, planFrom } = require('../../../lambda/validate-input');
  it('turns a strategy into steps and applies defaults', async () => {
    await expect(handler({ executionId: 'e', input: { reason: 'release 2', strategy: 'linear' } })).resolves.toMatchObject({ steps: [20, 40, 60, 80, 100], bakeSeconds: 300, watchWindowSeconds: 86400, dryRun: false });
    expect(planFrom({ reason: 'r r', steps: [5, 100], dryRun: true }, require('../../../lambda/shared/cutover-config').handlerDefaultsSchema.parse({})).checkpointSeconds).toEqual([3600, 14400, 86400]);
  });
  it.each([
    [{ reason: 'release', strategy: 'canary', steps: [10, 100] }, /give either strategy or steps, not both/],
    [{ reason: 'release', watchWindowHours: 100 }, /watchWindowHours must be at most 72/],
    [{ strategy: 'canary' }, /reason is required/],
    [{ reason: 'release', dryrun: true }, /unknown field\(s\) "dryrun"/],
    ['go', /input: /],
  ])('rejects %j', async (input, message) => {
    await expect(handler({ executionId: 'e', input })).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(message) });
  });
  const defaults = () => require('../../../lambda/shared/cutover-config').handlerDefaultsSchema.parse({});
  it('resolves the judge from the environment and lets the input tighten it, never loosen it', () => {
    const plan = planFrom({ reason: 'r r', steps: [0.5, 100], dryRun: false, judge: { errorMarginPercentPoints: 0.5, minRequestsPerColor: 300 } }, defaults());
    expect(plan.judge).toEqual({ errorMarginPercentPoints: 0.5, confidence: 0.99, minRequestsPerColor: 300, ruleOutPercentPoints: 5, maxBakeSeconds: 1800, latencyThresholdSeconds: 0.5, onBothBad: 'rollback', metricDelaySeconds: 180, ceilingPercent: 5 });
    expect(() => planFrom({ reason: 'r r', dryRun: false, judge: { errorMarginPercentPoints: 2, confidence: 0.9 } }, defaults())).toThrow(/never loosen it: errorMarginPercentPoints 2 is above the environment's 1; confidence 0.9 is below the environment's 0.99/);
    expect(() => planFrom({ reason: 'r r', dryRun: false, judge: { onBothBad: 'hold' } }, defaults())).toThrow(/onBothBad "hold" is looser/);
    expect(() => planFrom({ reason: 'r r', dryRun: false, bakeSeconds: 3600 }, defaults())).toThrow(/maxBakeSeconds \(1800\) is below bakeSeconds \(3600\)/);
  });
  it('refuses a step with a decimal when the environment ramps DNS', () => {
    expect(planFrom({ reason: 'r r', steps: [0.5, 100], dryRun: false }, defaults()).steps).toEqual([0.5, 100]);
    expect(() => planFrom({ reason: 'r r', steps: [0.5, 100], dryRun: false }, defaults(), false, true)).toThrow(/DNS, whose weights cannot hold a tenth of a percent/);
  });
});
