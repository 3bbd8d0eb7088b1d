import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withThrottleRetry } from '../retry';

// Throttles are retried by withThrottleRetry (one policy, tested); other
// transient failures by the state machine's Task retries. The SDK's own
// retries would multiply both, so they are off.
const config = { maxAttempts: 1 };

let elb: ElasticLoadBalancingV2Client | undefined;
let ecs: ECSClient | undefined;
let cw: CloudWatchClient | undefined;
let ssm: SSMClient | undefined;
let ddb: DynamoDBDocumentClient | undefined;
let sns: SNSClient | undefined;
let sm: SecretsManagerClient | undefined;

export const clients = {
  elb: () => (elb ??= new ElasticLoadBalancingV2Client(config)),
  ecs: () => (ecs ??= new ECSClient(config)),
  cloudwatch: () => (cw ??= new CloudWatchClient(config)),
  ssm: () => (ssm ??= new SSMClient(config)),
  dynamo: () => (ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } })),
  sns: () => (sns ??= new SNSClient(config)),
  secrets: () => (sm ??= new SecretsManagerClient(config)),
};

/** Counts AWS calls per operation, for the benchmark and the rehearsal summary. */
export const callCounter = new Map<string, number>();
/** Calls counted so far, all operations together. */
export function totalCalls(): number {
  let n = 0;
  for (const v of callCounter.values()) n += v;
  return n;
}
export function countCall(name: string): void {
  callCounter.set(name, (callCounter.get(name) ?? 0) + 1);
}

/** One AWS call: counted, and retried on throttling. */
export function awsCall<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return withThrottleRetry(() => {
    countCall(name);
    return fn();
  });
}
