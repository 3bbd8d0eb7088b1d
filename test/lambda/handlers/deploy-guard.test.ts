import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handlerEnv } from './env';

handlerEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const cfn = mockClient(CloudFormationClient);
const { handler } = require('../../../lambda/deploy-guard');

const STACK = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/shop-dev-platform/0b3f9a50-0000-11ef-8000-0a1b2c3d4e5f';
const held = { pk: 'shop#dev', executionId: 'arn:exec:7', startedAtMs: 1, expiresAtMs: 4e12, ttl: 1, previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'r', phase: 'ramping' };
/** A custom-resource Update as CloudFormation sends it; a rollback's properties are the older ones. */
const update = (nonce: string, oldNonce: string) => ({
  RequestType: 'Update',
  StackId: STACK,
  PhysicalResourceId: 'deploy-guard-shop#dev',
  ResourceProperties: { ServiceToken: 'arn:fn', LockTable: 'locks', LockKey: 'shop#dev', Nonce: nonce },
  OldResourceProperties: { ServiceToken: 'arn:fn', LockTable: 'locks', LockKey: 'shop#dev', Nonce: oldNonce },
});

beforeEach(() => {
  ddb.reset();
  cfn.reset();
});

describe('deploy guard', () => {
  it('fails a deploy while a cutover holds the lock', async () => {
    ddb.on(GetCommand).resolves({ Item: held });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev-platform', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
    await expect(handler(update('2026-12-01T10:00:00.000Z', '2026-11-30T10:00:00.000Z'))).rejects.toThrow(/A cutover is running: execution arn:exec:7/);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it('lets CloudFormation\'s rollback of the refused update through, so the stack does not end in UPDATE_ROLLBACK_FAILED', async () => {
    ddb.on(GetCommand).resolves({ Item: held });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev-platform', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date() }] });
    await expect(handler(update('2026-11-30T10:00:00.000Z', '2026-12-01T10:00:00.000Z'))).resolves.toEqual({ PhysicalResourceId: 'deploy-guard-shop#dev' });
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it('a stale synth (older nonce) deployed mid-cutover is still refused: only the stack status marks a rollback', async () => {
    ddb.on(GetCommand).resolves({ Item: held });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev-platform', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
    await expect(handler(update('2026-11-29T10:00:00.000Z', '2026-12-01T10:00:00.000Z'))).rejects.toThrow(/arn:exec:7/);
  });

  it('reads nothing from CloudFormation when no cutover runs, and nothing at all on delete', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(handler(update('b', 'a'))).resolves.toEqual({ PhysicalResourceId: 'deploy-guard-shop#dev' });
    expect(cfn).not.toHaveReceivedCommand(DescribeStacksCommand);
    ddb.reset();
    await expect(handler({ ...update('b', 'a'), RequestType: 'Delete' })).resolves.toEqual({ PhysicalResourceId: 'deploy-guard-shop#dev' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});
