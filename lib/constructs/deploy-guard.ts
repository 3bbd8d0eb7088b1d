import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { ResourceNames } from '../naming';
import { TaskFunction } from './cutover-functions';

/** Properties of {@link DeployGuard}. */
export interface DeployGuardProps {
  /** `service-environment`, the start of the function name. */
  readonly namePrefix: string;
  /** The cutover lock table. */
  readonly lockTable: dynamodb.ITableV2;
  /** Key of this service's lock item. */
  readonly lockKey: string;
  /**
   * A value that changes on every deploy, so the guard runs every time.
   * @default - a fixed value: the guard then runs only when its other properties change
   */
  readonly nonce?: string;
  /** Resources that must not change while a cutover runs; each waits for the guard. */
  readonly protects: IConstruct[];
  /**
   * Retention of the guard's and its provider's log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Fails a platform deploy fast while a cutover holds the lock, naming the
 * running execution, instead of letting CloudFormation reset weights mid-ramp.
 */
export class DeployGuard extends Construct {
  /** The guard resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DeployGuardProps) {
    super(scope, id);
    const fn = new TaskFunction(this, 'Check', {
      task: 'deploy-guard',
      functionName: new ResourceNames(props.namePrefix).lambdaFunction('deploy-guard'),
      environment: {},
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
    });
    fn.allow(['dynamodb:GetItem'], [props.lockTable.tableArn]);
    // While the lock is held, the guard reads its own stack's status to tell
    // CloudFormation's rollback of a failed update (which it lets through) from a deploy.
    fn.allow(['cloudformation:DescribeStacks'], [Stack.of(this).stackId]);
    // Without a group of its own the framework's function would log to one that never expires.
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: fn.function, logGroup: providerLogs });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SwitchyardDeployGuard',
      properties: { LockTable: props.lockTable.tableName, LockKey: props.lockKey, Nonce: props.nonce ?? 'static' },
    });
    for (const c of props.protects) c.node.addDependency(this.resource);

    // The provider framework's own function and role are CDK's.
    const framework = provider.node.findChild('framework-onEvent');
    Validations.of(framework).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK\'s custom-resource provider framework writes its own logs with the basic execution role and only invokes the guard function.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.function.node.defaultChild as any)}.Arn>:*]`,
        reason: 'The provider framework may invoke any version of the guard function, which the ARN followed by :* expresses; it is this guard\'s own function.',
      },
    );
  }
}
