import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { emulateListener, handlerEnv, healthyTargets, lockSlice } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

const lock = (over: object = {}) => ({ pk: 'shop#dev', executionId: 'exec-1', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'green', newColor: 'blue', liveDesired: 2, reason: 'r', phase: 'ramping', ...over });
let listener: [number, number];
const state = (live: string, blue: number, green: number) =>
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      ['/switchyard/shop/dev/live-color', live],
      ['/switchyard/shop/dev/blue/image', 'img:1'],
      ['/switchyard/shop/dev/green/image', 'img:1'],
      ['/switchyard/shop/dev/blue/desired-count', String(blue)],
      ['/switchyard/shop/dev/green/desired-count', String(green)],
    ].map(([Name, Value]) => ({ Name, Value })),
  });
const marked = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input).filter((i) => i.UpdateExpression === 'SET rolledBackAtMs = :at, rollbackReason = :r').map((i) => i.ExpressionAttributeValues![':r']);

beforeEach(() => {
  for (const m of [elb, ecs, ddb, ssm, sns]) m.reset();
  listener = [100, 0];
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(5));
  emulateListener(elb, () => listener, (w) => (listener = w));
  elb.on(ModifyRuleCommand).resolves({});
  state('blue', 2, 0);
});

describe('rollback handler', () => {
  const { handler } = require('../../../lambda/rollback');

  describe('from the cutover', () => {
    const event = (error?: object) => ({ source: 'cutover', executionId: 'exec-1', state: { lock: lockSlice, ...(error ? { error } : {}) } });

    it('rolls back to the previous color at the cutover\'s live size, the caught error as the reason, and marks the lock', async () => {
      listener = [20, 80];
      elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(0)).resolves(healthyTargets(2));
      await expect(handler(event({ Error: 'JudgedWorse', Cause: 'step 2 worse' }))).resolves.toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 }, scaledUp: true, reason: 'JudgedWorse: step 2 worse' });
      expect(listener).toEqual([100, 0]);
      expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-blue', desiredCount: lockSlice.liveDesired });
      expect(marked()).toEqual(['JudgedWorse: step 2 worse']);
      const rollback = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).find((i) => i.type === 'rollback');
      expect(rollback).toMatchObject({ executionId: 'exec-1', detail: { trigger: 'cutover' } });
    });

    it('without a caught error the reason says it was the cutover; a cause-less error keeps its name; a long cause is cut at 1,000 characters', async () => {
      await expect(handler(event())).resolves.toMatchObject({ reason: 'cutover rollback' });
      await expect(handler(event({ Error: 'States.Timeout' }))).resolves.toMatchObject({ reason: 'States.Timeout: ' });
      const out = await handler(event({ Error: 'E', Cause: 'x'.repeat(2000) }));
      expect(out.reason).toBe(`E: ${'x'.repeat(997)}`);
    });

    it('without a DNS cutover configured it reads no lock', async () => {
      await handler(event());
      expect(ddb).not.toHaveReceivedCommand(GetCommand);
    });
  });

  describe('by an operator', () => {
    const event = (request: object) => ({ source: 'manual', executionId: 'manual-1', request });

    it('to the color asked for, at the larger recorded size of the serving and the target color', async () => {
      state('blue', 3, 1);
      elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(1)).resolves(healthyTargets(3));
      await expect(handler(event({ reason: 'bad release', target: 'green' }))).resolves.toMatchObject({ target: 'green', weights: { blue: 0, green: 100 }, reason: 'bad release' });
      expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-green', desiredCount: 3 });
      // No cutover holds the lock: nothing to mark.
      expect(marked()).toEqual([]);
    });

    it('the color asked for wins over the running cutover\'s previous color; the ledger says it was manual', async () => {
      ddb.on(GetCommand).resolves({ Item: lock() });
      listener = [0, 100];
      await expect(handler(event({ reason: 'back to blue', target: 'blue' }))).resolves.toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 } });
      const rollback = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as any).find((i) => i.type === 'rollback');
      expect(rollback).toMatchObject({ executionId: 'manual-1', detail: { trigger: 'manual', reason: 'back to blue' } });
    });

    it('while a cutover runs: to its previous color, and the lock is marked as a manual rollback', async () => {
      ddb.on(GetCommand).resolves({ Item: lock() });
      listener = [50, 50];
      await expect(handler(event({ reason: 'stop it' }))).resolves.toMatchObject({ target: 'green', weights: { blue: 0, green: 100 } });
      expect(marked()).toEqual(['manual: stop it']);
    });

    it('with no cutover: to the color not serving now, read from the listener, else from the recorded live color', async () => {
      listener = [0, 100];
      await expect(handler(event({ reason: 'go back' }))).resolves.toMatchObject({ target: 'blue' });
      // Split traffic: the recorded live color (blue) is serving, so green.
      listener = [40, 60];
      await expect(handler(event({ reason: 'go back' }))).resolves.toMatchObject({ target: 'green' });
    });

    it('asks for a target of at least one task, even when both colors are recorded at 0', async () => {
      state('blue', 0, 0);
      elb.on(DescribeTargetHealthCommand).resolvesOnce(healthyTargets(0)).resolves(healthyTargets(1));
      await handler(event({ reason: 'go back', target: 'green' }));
      expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'shop-dev-green', desiredCount: 1 });
    });

    it('refuses a rollback without a reason', async () => {
      await expect(handler(event({ reason: 'x' }))).rejects.toThrow(/say why you roll back/);
      expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });
  });
});
