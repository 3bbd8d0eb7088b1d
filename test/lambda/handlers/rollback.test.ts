import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { callCounter } from '../../../lambda/shared/adapters/clients';
import { rollbackTo } from '../../../lambda/shared/rollback';
import { settings } from '../../../lambda/shared/settings';
import { forward, handlerEnv, healthyTargets, LISTENER, RULE, TG } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

const listener = (blue: number, green: number) => ({ Listeners: [{ DefaultActions: forward(blue, green) as any }] });
const req = { target: 'blue' as const, requiredCount: 2, reason: 'green in ALARM', executionId: 'exec-1', trigger: 'cutover' as const };

beforeEach(() => {
  for (const m of [elb, ecs, ddb, ssm, sns]) m.reset();
  callCounter.clear();
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
  ddb.on(PutCommand).resolves({});
});

describe('rollbackTo: the read-back', () => {
  it('a listener that lags one read: it pauses, reads again, and reports the weights it finally read', async () => {
    elb.on(DescribeListenersCommand).resolvesOnce(listener(50, 50)).resolvesOnce(listener(50, 50)).resolves(listener(100, 0));
    const pauses: number[] = [];
    const out = await rollbackTo(settings(), req, { pause: async (ms) => void pauses.push(ms) });
    expect(out.weights).toEqual({ blue: 100, green: 0 });
    expect(elb).toHaveReceivedCommandTimes(DescribeListenersCommand, 3);
    expect(elb).toHaveReceivedCommandTimes(ModifyListenerCommand, 1);
    // POLL_MS of the handler environment, between reads.
    expect(pauses).toEqual([1, 1]);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/switchyard/shop/dev/live-color', Value: 'blue' });
  });

  it('a listener another writer keeps on other weights: ten reads, then RollbackFailed naming both, and no record or announcement of success', async () => {
    elb.on(DescribeListenersCommand).resolves(listener(50, 50));
    const pauses: number[] = [];
    await expect(rollbackTo(settings(), req, { pause: async (ms) => void pauses.push(ms) })).rejects.toMatchObject({ name: 'RollbackFailed', message: 'the listener reports blue=50 green=50 after setting blue=100 green=0' });
    expect(elb).toHaveReceivedCommandTimes(DescribeListenersCommand, 10);
    expect(pauses).toHaveLength(9);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(elb).not.toHaveReceivedCommand(ModifyRuleCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('readbackAttempts bounds the reads; the last allowed read that agrees still succeeds', async () => {
    elb.on(DescribeListenersCommand).resolves(listener(0, 100));
    await expect(rollbackTo(settings(), req, { readbackAttempts: 3, pause: async () => undefined })).rejects.toMatchObject({ name: 'RollbackFailed' });
    expect(elb).toHaveReceivedCommandTimes(DescribeListenersCommand, 3);
    elb.reset();
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    elb.on(DescribeListenersCommand).resolvesOnce(listener(0, 100)).resolvesOnce(listener(0, 100)).resolves(listener(100, 0));
    await expect(rollbackTo(settings(), req, { readbackAttempts: 3, pause: async () => undefined })).resolves.toMatchObject({ weights: { blue: 100, green: 0 } });
  });
});

describe('rollbackTo: capacity, records and result', () => {
  it('writes the rollback weights to the listener, points the test route at the other color, records, then announces', async () => {
    elb.on(DescribeListenersCommand).resolves(listener(100, 0));
    let t = 1_000;
    const out = await rollbackTo(settings(), req, { now: () => (t += 250), pause: async () => undefined });
    expect(out).toEqual({ target: 'blue', weights: { blue: 100, green: 0 }, scaledUp: false, verifiedAtMs: 1_500, elapsedMs: 250, callsToVerify: 3, callCounterAtVerify: 3 });
    expect(elb).toHaveReceivedCommandWith(ModifyListenerCommand, { ListenerArn: LISTENER, DefaultActions: [expect.objectContaining({ ForwardConfig: expect.objectContaining({ TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 100 }, { TargetGroupArn: TG.green, Weight: 0 }] }) })] });
    expect(elb).toHaveReceivedCommandWith(ModifyRuleCommand, { RuleArn: RULE, Actions: [expect.objectContaining({ ForwardConfig: expect.objectContaining({ TargetGroups: [{ TargetGroupArn: TG.blue, Weight: 0 }, { TargetGroupArn: TG.green, Weight: 1 }] }) })] });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
    const ledger = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    expect(ledger).toEqual([expect.objectContaining({ pk: 'shop#dev', type: 'rollback', executionId: 'exec-1', detail: expect.objectContaining({ target: 'blue', reason: 'green in ALARM', trigger: 'cutover' }) })]);
    expect(ledger[0].detail).not.toHaveProperty('dnsError');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:critical', Subject: 'Switchyard shop-dev: rolled back to blue' });
  });

  it('scales a short color up to the required count, waits for health, records the new desired count', async () => {
    elb.on(DescribeListenersCommand).resolves(listener(100, 0));
    elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(1)).resolvesOnce(healthyTargets(1)).resolves(healthyTargets(2));
    const pauses: number[] = [];
    const out = await rollbackTo(settings(), req, { pause: async (ms) => void pauses.push(ms) });
    expect(out.scaledUp).toBe(true);
    expect(pauses).toEqual([1, 1]);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'shop-dev', service: 'shop-dev-blue', desiredCount: 2 });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/switchyard/shop/dev/blue/desired-count', Value: '2' });
  });

  it('gives up at the capacity deadline exactly, naming how far it got, with traffic untouched', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(1));
    let t = 0;
    const looks: number[] = [];
    const now = () => t;
    await expect(rollbackTo(settings(), req, { capacityTimeoutMs: 3_000, now, pause: async () => void looks.push((t += 1_000)) })).rejects.toMatchObject({ name: 'RollbackFailed', message: 'blue reached 1 of 2 healthy targets before the deadline; traffic was not moved onto it' });
    // Polls at 1, 2 and 3 s; at 3 s the deadline has come.
    expect(looks).toEqual([1_000, 2_000, 3_000]);
    expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
  });
});
