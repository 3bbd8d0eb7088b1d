import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { COLORS, StateParameterNames, stateParameterNames } from '../../lambda/shared/colors';

/** Properties of {@link CutoverState}. */
export interface CutoverStateProps {
  /** Service name, the first part of every parameter path. */
  readonly serviceName: string;
  /** Environment name, the second part of every parameter path. */
  readonly environment: string;
  /** Image both colors start from; only written when the parameters do not exist yet. */
  readonly initialImage: string;
  /** Task count the first live color (blue) starts with. */
  readonly initialDesiredCount: number;
  /**
   * Task count the first idle color (green) starts with.
   * @default 0 - the idle color costs nothing until a cutover deploys it
   */
  readonly initialIdleCount?: number;
}

/**
 * What a cutover records between runs: the live color and each color's image
 * and task count, as SSM parameters.
 *
 * The parameters are seeded once with put-if-absent calls. CloudFormation never
 * owns their values, so no later deploy can overwrite what a cutover wrote.
 */
export class CutoverState extends Construct {
  /** Names of the state parameters. */
  public readonly parameterNames: StateParameterNames;
  /** ARNs of the state parameters, for scoping IAM. */
  public readonly parameterArns: string[];
  /** The seeding resources; depend on these before reading the parameters. */
  public readonly seeds: cr.AwsCustomResource[] = [];
  /** One item per service environment while a cutover runs (conditional writes, expiry, TTL). */
  public readonly lockTable: dynamodb.ITableV2;
  /** Release ledger: every step of every cutover, and alarm-event claims. */
  public readonly ledgerTable: dynamodb.ITableV2;

  constructor(scope: Construct, id: string, props: CutoverStateProps) {
    super(scope, id);
    this.parameterNames = stateParameterNames(props.serviceName, props.environment);
    const idleCount = props.initialIdleCount ?? 0;
    if (props.initialDesiredCount < 1) {
      throw new Error(`CutoverState: initialDesiredCount must be at least 1 (got ${props.initialDesiredCount}); the live color needs tasks to serve traffic`);
    }

    const initial: Array<[string, string, string]> = [['LiveColor', this.parameterNames.liveColor, 'blue']];
    for (const color of COLORS) {
      const cap = capitalize(color);
      initial.push([`${cap}Image`, this.parameterNames.image[color], props.initialImage]);
      initial.push([`${cap}DesiredCount`, this.parameterNames.desiredCount[color], String(color === 'blue' ? props.initialDesiredCount : idleCount)]);
    }
    this.parameterArns = initial.map(([, name]) => this.parameterArn(name));

    for (const [id, name, value] of initial) {
      const seed = new cr.AwsCustomResource(this, `Seed${id}`, {
        onCreate: {
          service: 'SSM',
          action: 'putParameter',
          parameters: { Name: name, Value: value, Type: 'String', Overwrite: false },
          physicalResourceId: cr.PhysicalResourceId.of(name),
          // Re-creating the stack must not reset what earlier cutovers recorded.
          ignoreErrorCodesMatching: 'ParameterAlreadyExists',
        },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [this.parameterArn(name)] }),
        ]),
        installLatestAwsSdk: false,
      });
      this.seeds.push(seed);
    }
    acknowledgeCustomResourceProvider(this);

    // Both tables outlive the stack: the ledger is history, and a lock must not vanish mid-cutover.
    this.lockTable = new dynamodb.TableV2(this, 'Locks', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.ledgerTable = new dynamodb.TableV2(this, 'Ledger', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** ARN of one state parameter. */
  public parameterArn(name: string): string {
    return Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: name.replace(/^\//, ''),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** Lets `grantee` read every state parameter. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter', 'ssm:GetParameters'], resourceArns: this.parameterArns });
  }

  /** Lets `grantee` record state (live color, images, counts). */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:PutParameter'], resourceArns: this.parameterArns });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The AwsCustomResource provider is a singleton function CDK creates per stack;
 * its role and runtime are CDK's, so the findings are acknowledged on it once.
 */
function acknowledgeCustomResourceProvider(scope: Construct): void {
  const stack = Stack.of(scope);
  const provider = stack.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
  if (!provider) return;
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK\'s AwsCustomResource provider only writes its own logs with the basic execution role; its SSM calls are scoped to named parameters.',
    },
  );
}
