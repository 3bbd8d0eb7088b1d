import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { forward, freezeNow, handlerEnv, healthyTargets, lockSlice, plan } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const NOW = Date.UTC(2026, 11, 4, 12, 0, 30);
const MIN = 60_000;
// Shifted at 11:40:10: the window is the complete minutes from 11:41 to 11:57 (metrics 180 s behind).
const SHIFTED = Date.UTC(2026, 11, 4, 11, 40, 10);
const bakePlan = { ...plan, bakeSeconds: 300 };
const ramp = { index: 0, percent: 10, weights: { blue: 90, green: 10 }, shiftedAtMs: SHIFTED, done: false };
const event = (over: { check?: object; ramp?: object; plan?: object } = {}) => ({ executionId: 'exec-1', action: 'check', state: { plan: over.plan ?? bakePlan, lock: lockSlice, ramp: over.ramp ?? ramp, ...(over.check ? { check: over.check } : {}) } });
/** One minute of each color: requests and 5xx; every response fast. */
const traffic = (green: [number, number], blue: [number, number]) => {
  const t = new Date(Date.UTC(2026, 11, 4, 11, 41));
  const m = (id: string, v: number) => ({ Id: id, Timestamps: [t], Values: [v] });
  return { MetricDataResults: [m('green_requests', green[0]), m('green_target5xx', green[1]), m('green_fast', 100), m('blue_requests', blue[0]), m('blue_target5xx', blue[1]), m('blue_fast', 100)] };
};
const alarms = (green: string, blue = 'OK'): any => ({ CompositeAlarms: [{ AlarmName: 'shop-dev-green-rollback', StateValue: green }, { AlarmName: 'shop-dev-blue-rollback', StateValue: blue }] });
const bakes = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).filter((i) => i.type === 'bake');

freezeNow(NOW);
beforeEach(() => {
  for (const m of [elb, ddb, cw, sns]) m.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  cw.on(DescribeAlarmsCommand).resolves(alarms('OK'));
  cw.on(GetMetricDataCommand).resolves(traffic([1000, 0], [9000, 0]));
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
});

describe('traffic: shift', () => {
  const { handler } = require('../../../lambda/traffic');
  const shift = (r?: object) => ({ executionId: 'exec-1', action: 'shift', state: { plan: bakePlan, lock: lockSlice, ...(r ? { ramp: r } : {}) } });
  const weights = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).filter((i) => i.type === 'weights');

  beforeEach(() => {
    ddb.on(UpdateCommand).resolves({});
  });

  it('the first step marks the lock as ramping and records the step, its weights and what the listener read back', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(90, 10) as any }] });
    await expect(handler(shift())).resolves.toEqual({ index: 0, percent: 10, weights: { blue: 90, green: 10 }, shiftedAtMs: NOW, done: false });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET phase = :p', ExpressionAttributeValues: { ':p': 'ramping', ':me': 'exec-1' } });
    expect(weights().map((w) => w.detail)).toEqual([{ step: 1, of: 3, percent: 10, set: { blue: 90, green: 10 }, readBack: { blue: 90, green: 10 } }]);
  });

  it('a later step does not touch the lock\'s phase; the last one is done', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(0, 100) as any }] });
    await expect(handler(shift({ ...ramp, index: 1, percent: 50, weights: { blue: 50, green: 50 } }))).resolves.toMatchObject({ index: 2, percent: 100, done: true });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(weights()[0].detail).toMatchObject({ step: 3, of: 3, percent: 100 });
  });

  it('there is no step after the last', async () => {
    await expect(handler(shift({ ...ramp, index: 2, percent: 100, weights: { blue: 0, green: 100 } }))).rejects.toThrow(new RangeError('no ramp step 3; the plan has 3'));
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });

  it('a listener that never reports the weights: WeightsNotApplied, naming both', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    await expect(handler(shift())).rejects.toMatchObject({ name: 'WeightsNotApplied', message: 'set blue=90 green=10, the listener still reports blue=100 green=0' });
  });
});

describe('traffic: check', () => {
  const { handler } = require('../../../lambda/traffic');

  it('judges the step\'s complete minutes, records the bake and passes', async () => {
    const out = await handler(event());
    const [bake] = bakes();
    expect(out).toEqual({ step: 1, look: 1, paused: false, extend: false, hold: false, decision: 'PASS', reason: bake.detail.verdict.reason, requests: { new: 1000, old: 9000 } });
    expect(bake.detail).toMatchObject({ step: 1, percent: 10, look: 1, maxLooks: 6, window: { startMs: SHIFTED - 10_000 + MIN, endMs: Date.UTC(2026, 11, 4, 11, 57), minutes: 16 }, alarm: 'OK', healthy: 2, outcome: { action: 'pass' } });
    const q = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect([q.StartTime, q.EndTime]).toEqual([new Date(Date.UTC(2026, 11, 4, 11, 41)), new Date(Date.UTC(2026, 11, 4, 11, 57))]);
    // Rollback mode reads only the new color's alarm.
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['shop-dev-green-rollback'] });
  });

  it('counts looks within a step, and starts again at a new step', async () => {
    cw.on(GetMetricDataCommand).resolves(traffic([10, 0], [90, 0]));
    await expect(handler(event({ check: { step: 1, look: 2 } }))).resolves.toMatchObject({ step: 1, look: 3, extend: true, hold: false, decision: 'INCONCLUSIVE', requests: { new: 10, old: 90 } });
    await expect(handler(event({ check: { step: 2, look: 4 } }))).resolves.toMatchObject({ look: 1 });
    // Undecided is not a hold: nobody is paged.
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    await expect(handler(event({ check: { step: 1 } }))).resolves.toMatchObject({ look: 1 });
    const out = await handler(event());
    expect(out.reason).toBe(bakes().at(-1).detail.outcome.reason);
  });

  it('at its last look an undecided step fails InsufficientTraffic, named by step and percent', async () => {
    cw.on(GetMetricDataCommand).resolves(traffic([10, 0], [90, 0]));
    await expect(handler(event({ check: { step: 1, look: 5 } }))).rejects.toMatchObject({ name: 'InsufficientTraffic', message: expect.stringMatching(/^step 1 \(10%\): still inconclusive after 6 looks \(the longest bake\): /) });
  });

  it('the new color\'s alarm in ALARM fails the step as AlarmBreached', async () => {
    cw.on(DescribeAlarmsCommand).resolves(alarms('ALARM'));
    await expect(handler(event())).rejects.toMatchObject({ name: 'AlarmBreached', message: "step 1 (10%): the new color's rollback alarm is in ALARM" });
    expect(bakes()[0].detail).toMatchObject({ alarm: 'ALARM', outcome: { action: 'fail', error: 'AlarmBreached' } });
  });

  it('too few healthy targets fails IdleNeverHealthy; a worse new color fails JudgedWorse', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(1));
    await expect(handler(event())).rejects.toMatchObject({ name: 'IdleNeverHealthy', message: 'step 1 (10%): only 1 of 2 targets of the new color are healthy' });
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    cw.on(GetMetricDataCommand).resolves(traffic([1000, 40], [9000, 0]));
    await expect(handler(event())).rejects.toMatchObject({ name: 'JudgedWorse' });
  });

  it('the last step (no traffic left on the old color) is judged on the new color alone', async () => {
    cw.on(GetMetricDataCommand).resolves(traffic([1000, 0], [0, 0]));
    const last = { ...ramp, index: 2, percent: 100, weights: { blue: 0, green: 100 } };
    await expect(handler(event({ ramp: last }))).resolves.toMatchObject({ step: 3, decision: 'PASS', requests: { new: 1000, old: 0 } });
    // The same counts at a step where the old color still has weight: too little of it to compare.
    await expect(handler(event())).resolves.toMatchObject({ decision: 'INCONCLUSIVE' });
  });

  it('never judges after an alarm rolled this cutover back', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'ramping', rolledBackAtMs: Date.UTC(2026, 11, 4, 11, 59), rollbackReason: 'green in ALARM' } });
    await expect(handler(event())).rejects.toMatchObject({ name: 'RolledBackByAlarm', message: 'an alarm rolled traffic back at 2026-12-04T11:59:00.000Z: green in ALARM' });
    expect(cw).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('a paused ramp holds without judging or spending a look; another execution\'s pause does not hold this one', async () => {
    const lock = { pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'ramping' };
    const pause = { atMs: Date.UTC(2026, 11, 4, 11, 50), by: 'arn:aws:iam::1:role/ops', reason: 'review' };
    ddb.on(GetCommand).resolves({ Item: { ...lock, pause } });
    await expect(handler(event({ check: { step: 1, look: 2 } }))).resolves.toEqual({
      step: 1,
      look: 2,
      extend: false,
      hold: false,
      paused: true,
      pausedBy: pause.by,
      pausedAtMs: pause.atMs,
      pauseReason: 'review',
      reason: `paused by ${pause.by}: review`,
    });
    // The first look of a step not yet taken stays untaken.
    await expect(handler(event())).resolves.toMatchObject({ step: 1, look: 0, paused: true });
    expect(cw).not.toHaveReceivedCommand(GetMetricDataCommand);
    expect(bakes()).toEqual([]);
    ddb.on(GetCommand).resolves({ Item: { ...lock, executionId: 'exec-0', pause } });
    await expect(handler(event({ check: { step: 1, look: 2 } }))).resolves.toMatchObject({ look: 3, paused: false });
  });

  describe('hold mode', () => {
    const holdPlan = { ...bakePlan, judge: { ...bakePlan.judge, onBothBad: 'hold' } };

    it('both colors\' alarms in ALARM, the new color not worse: holds, and pages once when the hold starts', async () => {
      cw.on(DescribeAlarmsCommand).resolves(alarms('ALARM', 'ALARM'));
      await expect(handler(event({ plan: holdPlan }))).resolves.toMatchObject({ look: 1, extend: true, hold: true, reason: "both colors' rollback alarms are in ALARM and the new color is not worse than the old" });
      expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['shop-dev-green-rollback', 'shop-dev-blue-rollback'] });
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:critical', Subject: 'Switchyard shop#dev: holding at step 1 (10%): both colors failing' });
      expect(JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!)).toMatchObject({ executionId: 'exec-1', weights: { blue: 90, green: 10 }, looksLeft: 5 });
      // Still holding at the next look of the same step: no second page.
      await handler(event({ plan: holdPlan, check: { step: 1, look: 1, hold: true } }));
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      // A hold that starts after a look that did not hold pages.
      await handler(event({ plan: holdPlan, check: { step: 1, look: 2, hold: false } }));
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    });

    it('the hold runs out at the last look: BothColorsBad', async () => {
      cw.on(DescribeAlarmsCommand).resolves(alarms('ALARM', 'ALARM'));
      await expect(handler(event({ plan: holdPlan, check: { step: 1, look: 5, hold: true } }))).rejects.toMatchObject({ name: 'BothColorsBad' });
    });

    it('the old color alone in ALARM changes nothing', async () => {
      cw.on(DescribeAlarmsCommand).resolves(alarms('OK', 'ALARM'));
      await expect(handler(event({ plan: holdPlan }))).resolves.toMatchObject({ extend: false, hold: false, decision: 'PASS' });
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });
  });
});
