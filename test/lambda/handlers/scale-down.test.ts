import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { forward, handlerEnv, lockSlice, plan } from './env';

handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);

beforeEach(() => {
  for (const m of [elb, ecs, ddb, ssm]) m.reset();
  ddb.on(PutCommand).resolves({});
});

describe('scale-down', () => {
  const { handler } = require('../../../lambda/scale-down');
  const event = { executionId: 'exec-1', state: { plan, lock: lockSlice } };

  it.each([[1, 99], [50, 50], [100, 0]])('refuses while the old color has weight %i, and scales nothing', async (blue, green) => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(blue, green) as any }] });
    await expect(handler(event)).rejects.toThrow(`refusing to scale blue down: it still has weight ${blue}`);
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('scales the old color to 0 once its weight reads 0, then records the count', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(0, 100) as any }] });
    await expect(handler(event)).resolves.toEqual({ scaledDown: true });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'shop-dev', service: 'shop-dev-blue', desiredCount: 0 });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/switchyard/shop/dev/blue/desired-count', Value: '0' });
  });
});
