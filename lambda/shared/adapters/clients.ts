import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
let rds: RDSClient | undefined;
let r53: Route53Client | undefined;
let cfn: CloudFormationClient | undefined;
let sfn: SFNClient | undefined;

// Each SDK package is loaded where a client is first made, so a handler loads
// only the packages of the services it calls (each costs 45-85 ms to load).
export const clients = {
  elb: () => (elb ??= new (require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client(config)),
  ecs: () => (ecs ??= new (require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs')).ECSClient(config)),
  cloudwatch: () => (cw ??= new (require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')).CloudWatchClient(config)),
  ssm: () => (ssm ??= new (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm')).SSMClient(config)),
  dynamo: () =>
    (ddb ??= (require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb')).DynamoDBDocumentClient.from(
      new (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient(config),
      { marshallOptions: { removeUndefinedValues: true } },
    )),
  sns: () => (sns ??= new (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient(config)),
  secrets: () => (sm ??= new (require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(config)),
  rds: () => (rds ??= new (require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds')).RDSClient(config)),
  route53: () => (r53 ??= new (require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53')).Route53Client(config)),
  cloudformation: () => (cfn ??= new (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation')).CloudFormationClient(config)),
  sfn: () => (sfn ??= new (require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn')).SFNClient(config)),
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

/** True when a conditional write was refused because its condition did not hold. */
export function conditionFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}
