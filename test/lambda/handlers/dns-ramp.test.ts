import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { albRecord as alb, dnsCutoverEnv, emulateListener, forward, handlerEnv, healthyTargets, legacyRecord as legacy, lockSlice, plan, TG } from './env';

// The DNS ramp of a legacy cutover at the handlers: the traffic shift gives the
// load balancer all its share at the first step and moves clients in DNS, and
// a rollback moves DNS back only when this cutover ramped it (the lock says so).
handlerEnv();
dnsCutoverEnv();

const elb = mockClient(ElasticLoadBalancingV2Client);
const r53 = mockClient(Route53Client);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

const lockItem = (o: object = {}) => ({ pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: Date.now() + 3_600_000, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'release', phase: 'ramping', ...o });
const dnsBatch = () => r53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch!.Changes!.map((x) => [x.ResourceRecordSet!.SetIdentifier, x.ResourceRecordSet!.Weight]));
const ledger = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);

beforeEach(() => {
  for (const m of [elb, r53, ddb, ssm, sns]) m.reset();
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2, 1));
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
});

describe('traffic: shift in a DNS ramp', () => {
  const { handler } = require('../../../lambda/traffic');
  const event = (o: { ramp?: object; dnsRamp?: boolean } = {}) => ({
    action: 'shift',
    executionId: 'exec-1',
    state: { plan, lock: lockSlice, ...(o.ramp ? { ramp: o.ramp } : {}), ...(o.dnsRamp === undefined ? {} : { preflight: { dns: { ramp: o.dnsRamp } } }) },
  });

  it('the first step marks the lock, puts all of the load balancer on the new color, then moves its share of clients in DNS', async () => {
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(0, 100) as any }] });
    r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [legacy(90), alb(10)] });
    const out = await handler(event({ dnsRamp: true }));
    expect(out).toMatchObject({ index: 0, percent: 10, weights: { blue: 0, green: 100 }, dns: { legacy: 90, alb: 10 }, done: false });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET phase = :p, dnsRamp = :d', ExpressionAttributeValues: { ':p': 'ramping', ':me': 'exec-1', ':d': true } });
    expect(elb).toHaveReceivedCommandWith(ModifyListenerCommand, {
      DefaultActions: [expect.objectContaining({ ForwardConfig: expect.objectContaining({ TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 0 }, { TargetGroupArn: TG.green, Weight: 100 }] }) })],
    });
    expect(dnsBatch()).toEqual([
      [
        ['legacy', 90],
        ['switchyard', 10],
      ],
    ]);
    expect(ledger().map((i) => [i.type, i.detail])).toEqual([
      ['weights', { step: 1, of: 3, percent: 10, set: { blue: 0, green: 100 }, readBack: { blue: 0, green: 100 }, note: 'load balancer share; clients move in DNS' }],
      ['dns-weights', { step: 1, of: 3, percent: 10, record: 'shop.example.com', set: { legacy: 90, alb: 10 }, readBack: { legacy: 90, alb: 10 }, changeId: '/change/C1', status: 'INSYNC' }],
    ]);
  });

  it('a later step moves only DNS, keeping the weights it read at the first', async () => {
    ddb.on(GetCommand).resolves({});
    r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [legacy(50), alb(50)] });
    const out = await handler(event({ dnsRamp: true, ramp: { index: 0, percent: 10, weights: { blue: 0, green: 100 }, dns: { legacy: 90, alb: 10 }, shiftedAtMs: 1, done: false } }));
    expect(out).toMatchObject({ index: 1, percent: 50, weights: { blue: 0, green: 100 }, dns: { legacy: 50, alb: 50 } });
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(dnsBatch()).toEqual([
      [
        ['legacy', 50],
        ['switchyard', 50],
      ],
    ]);
  });

  it('with DNS configured but already on the load balancer, the ramp is on the listener and DNS is left alone', async () => {
    ddb.on(GetCommand).resolves({});
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(90, 10) as any }] });
    for (const dnsRamp of [false, undefined]) {
      const out = await handler(event({ dnsRamp }));
      expect(out).toMatchObject({ index: 0, percent: 10, weights: { blue: 90, green: 10 } });
      expect(out.dns).toBeUndefined();
    }
    expect(r53).not.toHaveReceivedAnyCommand();
  });
});

describe('rollback handler: DNS only when this cutover ramped it', () => {
  const { handler } = require('../../../lambda/rollback');
  const fromCutover = { source: 'cutover', executionId: 'exec-1', state: { lock: lockSlice } };

  beforeEach(() => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    r53.on(ListResourceRecordSetsCommand).resolvesOnce({ ResourceRecordSets: [legacy(50), alb(50)] }).resolves({ ResourceRecordSets: [legacy(100), alb(0)] });
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        ['/switchyard/shop/dev/live-color', 'blue'],
        ['/switchyard/shop/dev/blue/image', 'img:1'],
        ['/switchyard/shop/dev/green/image', 'img:2'],
        ['/switchyard/shop/dev/blue/desired-count', '2'],
        ['/switchyard/shop/dev/green/desired-count', '2'],
      ].map(([Name, Value]) => ({ Name, Value })),
    });
  });

  it('from the cutover, with the lock marked dnsRamp by this execution: DNS goes back to legacy', async () => {
    ddb.on(GetCommand).resolves({ Item: lockItem({ dnsRamp: true }) });
    const out = await handler(fromCutover);
    expect(out).toMatchObject({ target: 'blue', dns: { legacy: 100, alb: 0 } });
    expect(dnsBatch()).toEqual([
      [
        ['legacy', 100],
        ['switchyard', 0],
      ],
    ]);
  });

  it('from the cutover, without the mark or with another execution\'s: DNS is left alone', async () => {
    for (const item of [lockItem(), lockItem({ dnsRamp: true, executionId: 'exec-0' })]) {
      ddb.on(GetCommand).resolves({ Item: item });
      await handler(fromCutover);
    }
    expect(r53).not.toHaveReceivedAnyCommand();
  });

  it('by hand: DNS goes back when the held lock is marked dnsRamp, and not otherwise', async () => {
    ddb.on(GetCommand).resolves({ Item: lockItem({ dnsRamp: true }) });
    await handler({ source: 'manual', executionId: 'op-1', request: { reason: 'bad release' } });
    expect(r53).toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
    r53.resetHistory();
    ddb.on(GetCommand).resolves({ Item: lockItem() });
    await handler({ source: 'manual', executionId: 'op-2', request: { reason: 'bad release' } });
    expect(r53).not.toHaveReceivedAnyCommand();
  });
});

describe('alarm handler: DNS only when this cutover ramped it', () => {
  const { handler } = require('../../../lambda/alarm-handler');
  const alarm = (id: string) => ({ id, time: new Date().toISOString(), 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'shop-dev-green-rollback', state: { value: 'ALARM', reason: 'threshold crossed' } } });

  beforeEach(() => {
    // The load balancer serves the new color (all of its share, in a DNS ramp) until the rollback moves it.
    let listener: [number, number] = [0, 100];
    emulateListener(elb, () => listener, (w) => (listener = w));
    r53.on(ListResourceRecordSetsCommand).resolvesOnce({ ResourceRecordSets: [legacy(50), alb(50)] }).resolves({ ResourceRecordSets: [legacy(100), alb(0)] });
  });

  it('the new color\'s alarm during a DNS ramp sends clients back to the legacy endpoint', async () => {
    ddb.on(GetCommand).resolves({ Item: lockItem({ dnsRamp: true }) });
    const out = await handler(alarm('e-dns'));
    expect(out).toMatchObject({ action: 'rollback', target: 'blue', result: { dns: { legacy: 100, alb: 0 } } });
    expect(dnsBatch()).toEqual([
      [
        ['legacy', 100],
        ['switchyard', 0],
      ],
    ]);
  });

  it('during a cutover that did not ramp DNS, DNS is left alone', async () => {
    ddb.on(GetCommand).resolves({ Item: lockItem() });
    const out = await handler(alarm('e-listener'));
    expect(out).toMatchObject({ action: 'rollback', target: 'blue' });
    expect(r53).not.toHaveReceivedAnyCommand();
  });
});
