import { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resetSettings } from '../../../lambda/shared/settings';
import { forward, handlerEnv, healthyTargets, lockSlice, plan } from './env';

// The handlers as deployed with group stickiness configured (one hour).
handlerEnv();
process.env.STICKINESS_SECONDS = '3600';
resetSettings();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
mockClient(SNSClient);
mockClient(ECSClient);

/** The group stickiness each ModifyListener call wrote. */
const written = () => elb.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input.DefaultActions![0].ForwardConfig!.TargetGroupStickinessConfig);

beforeEach(() => {
  for (const m of [elb, ddb, ssm]) m.reset();
  ssm.on(GetParametersCommand).resolves({ Parameters: [] });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

afterAll(() => {
  delete process.env.STICKINESS_SECONDS;
  resetSettings();
});

describe('group stickiness in the listener changes', () => {
  it('a shift onto the new color keeps the configured stickiness while traffic is split', async () => {
    const { handler } = require('../../../lambda/traffic');
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(50, 50) as any }] });
    await handler({ action: 'shift', executionId: 'exec-1', state: { plan, lock: lockSlice, ramp: { index: 0, percent: 10, weights: { blue: 90, green: 10 }, shiftedAtMs: 1, done: false } } });
    expect(written()).toEqual([{ Enabled: true, DurationSeconds: 3600 }]);
  });

  it('the last step (all traffic on the new color) turns it off, so no client stays behind on the old color', async () => {
    const { handler } = require('../../../lambda/traffic');
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(0, 100) as any }] });
    await handler({ action: 'shift', executionId: 'exec-1', state: { plan, lock: lockSlice, ramp: { index: 1, percent: 50, weights: { blue: 50, green: 50 }, shiftedAtMs: 1, done: false } } });
    expect(written()).toEqual([{ Enabled: false }]);
  });

  it('a rollback turns it off in the same change that moves the weights', async () => {
    const { handler } = require('../../../lambda/rollback');
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
    elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
    elb.on(ModifyRuleCommand).resolves({});
    await handler({ source: 'cutover', executionId: 'exec-1', state: { lock: lockSlice, error: { Error: 'AlarmBreached', Cause: 'green in ALARM' } } });
    const calls = elb.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input.DefaultActions![0].ForwardConfig!);
    expect(calls).toHaveLength(1);
    expect(calls[0].TargetGroups!.map((g) => g.Weight)).toEqual([100, 0]);
    expect(calls[0].TargetGroupStickinessConfig).toEqual({ Enabled: false });
  });
});
