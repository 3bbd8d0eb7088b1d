import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resetSettings } from '../../../lambda/shared/settings';
import { emulateListener, freezeNow, handlerEnv, healthyTargets } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const sfn = mockClient(SFNClient);

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const lock = (over: object = {}) => ({ pk: 'shop#dev', executionId: 'exec-1', startedAtMs: NOW - 600_000, expiresAtMs: NOW + 3_600_000, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 3, reason: 'r', phase: 'ramping', ...over });
const event = (alarmName: string, over: { timestamp?: string; time?: string; id?: string } = {}) => ({
  id: over.id ?? 'e-1',
  time: over.time ?? new Date(NOW - 5_000).toISOString(),
  'detail-type': 'CloudWatch Alarm State Change',
  detail: { alarmName, state: { value: 'ALARM', reason: 'threshold crossed', ...(over.timestamp === undefined ? {} : { timestamp: over.timestamp }) } },
});
const ledger = (type: string) => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).filter((i) => i?.type === type);
let listener: [number, number];

freezeNow(NOW);
beforeEach(() => {
  for (const m of [elb, ecs, ddb, ssm, sns, cw, sfn]) m.reset();
  listener = [10, 90];
  ddb.on(PutCommand).resolves({});
  ddb.on(GetCommand).resolves({ Item: lock() });
  ddb.on(UpdateCommand).resolves({});
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(3));
  emulateListener(elb, () => listener, (w) => (listener = w));
  elb.on(ModifyRuleCommand).resolves({});
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      ['/switchyard/shop/dev/live-color', 'blue'],
      ['/switchyard/shop/dev/blue/image', 'img:1'],
      ['/switchyard/shop/dev/green/image', 'img:1'],
      ['/switchyard/shop/dev/blue/desired-count', '4'],
      ['/switchyard/shop/dev/green/desired-count', '0'],
    ].map(([Name, Value]) => ({ Name, Value })),
  });
});
afterEach(() => {
  handlerEnv();
});

describe('alarm handler', () => {
  const { handler } = require('../../../lambda/alarm-handler');

  it('during a cutover, the new color\'s alarm rolls back onto the previous color at the cutover\'s live size, marks the lock and records the decision', async () => {
    const out = await handler(event('shop-dev-green-rollback'));
    expect(out).toMatchObject({ action: 'rollback', alarmColor: 'green', target: 'blue', reason: 'shop-dev-green-rollback in ALARM during cutover exec-1', result: { target: 'blue', weights: { blue: 100, green: 0 } } });
    expect(listener).toEqual([100, 0]);
    // Blue already has the cutover's 3 healthy tasks: nothing to scale.
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'locks', Key: { pk: 'shop#dev' }, UpdateExpression: 'SET rolledBackAtMs = :at, rollbackReason = :r', ExpressionAttributeValues: { ':at': NOW, ':r': 'shop-dev-green-rollback in ALARM during cutover exec-1' } });
    const [alarm] = ledger('alarm');
    expect(alarm).toMatchObject({ executionId: 'exec-1', detail: { alarm: 'shop-dev-green-rollback', state: 'ALARM', reason: 'threshold crossed', decision: { action: 'rollback', target: 'blue' } } });
    expect(ledger('rollback')).toEqual([expect.objectContaining({ executionId: 'exec-1', detail: expect.objectContaining({ trigger: 'alarm', target: 'blue', reason: 'shop-dev-green-rollback in ALARM during cutover exec-1' }) })]);
    expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
  });

  it('a repeated delivery of an event is ignored, naming it', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    await expect(handler(event('shop-dev-green-rollback', { id: 'e-7' }))).resolves.toEqual({ action: 'ignore', reason: 'event e-7 was handled before' });
  });

  it('scales the previous color to the cutover\'s live size before moving traffic onto it', async () => {
    elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(1)).resolves(healthyTargets(3));
    await handler(event('shop-dev-green-rollback'));
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-blue', desiredCount: 3 });
  });

  it.each([
    ['no lock', undefined],
    ['an expired lock', lock({ expiresAtMs: NOW })],
  ])('with no cutover running (%s), rolls the alarming color back onto the other at the alarming color\'s recorded size', async (_, item) => {
    ddb.on(GetCommand).resolves({ Item: item });
    elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(0)).resolves(healthyTargets(4));
    listener = [100, 0];
    const out = await handler(event('shop-dev-blue-rollback'));
    expect(out).toMatchObject({ action: 'rollback', alarmColor: 'blue', target: 'green', reason: 'shop-dev-blue-rollback in ALARM with no cutover running' });
    expect(listener).toEqual([0, 100]);
    // Green relieves blue: as many tasks as blue's recorded desired count (4).
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-green', desiredCount: 4 });
    expect(ledger('alarm')[0].executionId).toBe('alarm:e-1');
    // No lock to mark.
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET rolledBackAtMs = :at, rollbackReason = :r' });
  });

  it('with no cutover, a color recorded at 0 tasks still gets one for the other color', async () => {
    ddb.on(GetCommand).resolves({});
    listener = [0, 100];
    elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(0)).resolves(healthyTargets(1));
    await handler(event('shop-dev-green-rollback'));
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-blue', desiredCount: 1 });
  });

  it('the previous color\'s alarm during a cutover only notifies, naming it, and moves nothing', async () => {
    const out = await handler(event('shop-dev-blue-rollback'));
    expect(out).toEqual({ action: 'notify', alarmColor: 'blue', reason: 'blue is the color the running cutover would fall back to; rolling back cannot help' });
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:critical', Subject: 'Switchyard shop#dev: shop-dev-blue-rollback in ALARM (no rollback)' });
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!)).toMatchObject({ action: 'notify', weights: { blue: 10, green: 90 } });
  });

  it('an event older than the limit is ignored: its age from the state\'s timestamp, else the event\'s time', async () => {
    const old = new Date(NOW - 301_000).toISOString();
    await expect(handler(event('shop-dev-green-rollback', { timestamp: old, time: new Date(NOW).toISOString() }))).resolves.toMatchObject({ action: 'ignore', reason: 'the event is 301 s old, past the 300 s limit' });
    await expect(handler(event('shop-dev-green-rollback', { time: old, id: 'e-2' }))).resolves.toMatchObject({ action: 'ignore' });
    await expect(handler(event('shop-dev-green-rollback', { timestamp: new Date(NOW - 300_000).toISOString(), time: old, id: 'e-3' }))).resolves.toMatchObject({ action: 'rollback' });
    expect(ledger('alarm').map((e) => e.detail.decision.action)).toEqual(['ignore', 'ignore', 'rollback']);
  });

  describe('hold mode (judge.onBothBad hold)', () => {
    beforeEach(() => {
      process.env.CUTOVER_DEFAULTS = JSON.stringify({ steps: [10, 50, 100], judge: { onBothBad: 'hold' } });
      resetSettings();
    });

    it('reads the previous color\'s alarm and the comparison; both colors bad and green not worse: holds', async () => {
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-green-worse-than-blue', StateValue: 'OK' }], CompositeAlarms: [{ AlarmName: 'shop-dev-blue-rollback', StateValue: 'ALARM' }] });
      await expect(handler(event('shop-dev-green-rollback'))).resolves.toMatchObject({ action: 'notify', alarmColor: 'green' });
      expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['shop-dev-blue-rollback', 'shop-dev-green-worse-than-blue'] });
      expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
    });

    it('green also worse than blue: rolls back', async () => {
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-green-worse-than-blue', StateValue: 'ALARM' }], CompositeAlarms: [{ AlarmName: 'shop-dev-blue-rollback', StateValue: 'ALARM' }] });
      await expect(handler(event('shop-dev-green-rollback'))).resolves.toMatchObject({ action: 'rollback', target: 'blue' });
    });

    it('with no cutover running it rolls back as in rollback mode, reading nothing more', async () => {
      ddb.on(GetCommand).resolves({});
      listener = [100, 0];
      // Green already has blue's recorded 4 tasks.
      elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(4));
      await expect(handler(event('shop-dev-blue-rollback'))).resolves.toMatchObject({ action: 'rollback', target: 'green' });
      expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
    });

    it('the previous color\'s own alarm reads nothing more', async () => {
      await expect(handler(event('shop-dev-blue-rollback'))).resolves.toMatchObject({ action: 'notify', alarmColor: 'blue' });
      expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
    });
  });

  describe('a cutover waiting at an approval gate', () => {
    const gate = { id: 'g-1', name: 'after-step-1', executionId: 'exec-1', token: 'tok', openedAtMs: NOW - 1000, firstOpenedAtMs: NOW - 1000, deadlineMs: NOW + 3_600_000, requireDistinctApprover: false };

    it('ends the wait as RolledBackByAlarm and records the cancelled gate', async () => {
      ddb.on(UpdateCommand, { UpdateExpression: 'REMOVE gate' }).resolves({ Attributes: { gate } });
      sfn.on(SendTaskFailureCommand).resolves({});
      await handler(event('shop-dev-green-rollback'));
      expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok', error: 'RolledBackByAlarm', cause: 'shop-dev-green-rollback rolled traffic back while gate after-step-1 waited: shop-dev-green-rollback in ALARM during cutover exec-1' });
      expect(ledger('gate-cancelled')).toEqual([expect.objectContaining({ executionId: 'exec-1', detail: { gate: 'after-step-1', by: 'shop-dev-green-rollback', reason: 'shop-dev-green-rollback in ALARM during cutover exec-1' } })]);
    });

    it('a wait that already ended (stale token) is fine; any other failure is not, and gives the event back', async () => {
      ddb.on(UpdateCommand, { UpdateExpression: 'REMOVE gate' }).resolves({ Attributes: { gate } });
      sfn.on(SendTaskFailureCommand).rejects(Object.assign(new Error('gone'), { name: 'TaskTimedOut' }));
      await expect(handler(event('shop-dev-green-rollback'))).resolves.toMatchObject({ action: 'rollback' });
      expect(ledger('gate-cancelled')).toHaveLength(1);
      ddb.on(DeleteCommand).resolves({});
      listener = [10, 90];
      sfn.on(SendTaskFailureCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      await expect(handler(event('shop-dev-green-rollback', { id: 'e-9' }))).rejects.toThrow('denied');
      expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'shop#dev', sk: 'event#e-9' } });
    });

    it('no gate stored: nothing is sent', async () => {
      await handler(event('shop-dev-green-rollback'));
      expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
      expect(ledger('gate-cancelled')).toEqual([]);
    });
  });
});
