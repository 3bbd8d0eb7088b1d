import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsCall, sdkClient } from './clients';

const clients = { cloudformation: sdkClient('cloudformation', (c) => new CloudFormationClient(c)) };

/** The status of a stack (by name or id), such as UPDATE_IN_PROGRESS. */
export async function stackStatus(stackId: string): Promise<string | undefined> {
  const r = await awsCall('cloudformation:DescribeStacks', () => clients.cloudformation().send(new DescribeStacksCommand({ StackName: stackId })));
  return r.Stacks?.[0]?.StackStatus;
}
