import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as path from 'path';
import { bundlingLogLevel } from '../bundling-output';
import { bundledSettingsProblems } from '../bundled-settings';
import { BUNDLED_SETTINGS_DEFINE } from '../../lambda/shared/settings';

/** Repository folder holding one folder per Lambda task. */
export const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

/** The Lambda runtime of every handler (`npm run bench` loads the bundles with Node of its major). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * esbuild options of every handler. The AWS SDK clients are bundled, tree-shaken
 * from their ES modules (`module` before `main`): a cold start then takes about
 * half as long as loading the runtime's copy (`npm run bench`, BENCH_ONLY=bundles).
 */
export const FUNCTION_BUNDLING: BundlingOptions = { minify: true, sourceMap: false, target: 'node24', externalModules: [], mainFields: ['module', 'main'] };

/** Properties of {@link TaskFunction}. */
export interface TaskFunctionProps {
  /** Folder under lambda/ holding the handler (`index.ts`, export `handler`). */
  readonly task: string;
  /** Physical function name. */
  readonly functionName: string;
  /** Environment variables. */
  readonly environment: Record<string, string>;
  /**
   * Settings compiled into the bundle instead of the environment (plain text
   * only: a deploy-time reference cannot be bundled); the handler's settings()
   * reads them where the environment has no such variable.
   * @default {} (none)
   */
  readonly bundledSettings?: Record<string, string>;
  /**
   * Invocation timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** esbuild `define` that compiles `settings` into a bundle, where lambda/shared/settings.ts reads them. */
export function bundledSettingsDefine(settings: Readonly<Record<string, string>>): Record<string, string> {
  return { [BUNDLED_SETTINGS_DEFINE]: JSON.stringify(JSON.stringify(settings)) };
}

/**
 * One Switchyard handler as a Lambda function: bundled with esbuild (the AWS
 * SDK clients included), its own log group and a role with no managed
 * policy, so every permission is granted by name.
 */
export class TaskFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** The settings compiled into its bundle. */
  public readonly bundledSettings: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TaskFunctionProps) {
    super(scope, id);
    this.bundledSettings = { ...props.bundledSettings };
    const references = Object.keys(this.bundledSettings).filter((k) => Token.isUnresolved(this.bundledSettings[k]));
    if (references.length > 0) throw new Error(`TaskFunction ${props.functionName}: bundled settings ${references.join(', ')} hold deploy-time references, which a bundle cannot; put them in its environment`);
    const duplicated = Object.keys(this.bundledSettings).filter((k) => k in props.environment);
    if (duplicated.length > 0) throw new Error(`TaskFunction ${props.functionName}: ${duplicated.join(', ')} are both bundled and in the environment; give each setting one place`);
    // The handler trusts its bundled settings (it does not validate them again at each cold start): check them now.
    const problems = bundledSettingsProblems(props.task, this.bundledSettings);
    if (problems.length > 0) throw new Error(`TaskFunction ${props.functionName}: bundled settings must be what the handler's own validation gives: ${problems.join('; ')}`);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: path.join(LAMBDA_DIR, props.task, 'index.ts'),
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { POWERTOOLS_SERVICE_NAME: 'switchyard', ...props.environment },
      // The settings as a JSON string literal: esbuild's define takes a JSON value.
      bundling: { ...FUNCTION_BUNDLING, logLevel: bundlingLogLevel(this), define: bundledSettingsDefine(this.bundledSettings) },
      depsLockFilePath: path.join(LAMBDA_DIR, '..', 'package-lock.json'),
    });
  }

  /** Adds a statement to the role. */
  public allow(actions: string[], resources: string[]): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources }));
  }

  /**
   * Grants actions that have no resource-level permissions (AWS accepts only "*"
   * for them), acknowledging the one wildcard finding with the actions named.
   */
  public allowUnscoped(actions: string[]): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
    this.acknowledgeWildcard();
  }

  /**
   * Grants actions on resources made at run time (unknown ARNs), limited by a
   * tag condition instead of an ARN.
   */
  public allowTagged(actions: string[], tagCondition: Record<string, string>): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources: ['*'], conditions: { StringEquals: tagCondition } }));
    this.acknowledgeWildcard();
  }

  private acknowledgeWildcard(): void {
    if (this.unscopedAcknowledged) return;
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions AWS offers no resource-level permission for use "*" (ELB Describe*, CloudWatch GetMetricData, ECS DescribeTaskDefinition and RegisterTaskDefinition, the latter bounded by iam:PassRole on the two task roles; Step Functions SendTaskSuccess and SendTaskFailure, whose task is named by a token the function itself stored), and changes to listener rules made at run time, limited by a tag condition; every other write names its ARNs.',
    });
    this.unscopedAcknowledged = true;
  }
  private unscopedAcknowledged = false;

  /** Lets the function publish to `topics`, KMS-encrypted topics included. */
  public allowPublish(topics: sns.ITopic[]): void {
    for (const t of topics) t.grantPublish(this.role);
    if (topics.some((t) => t.masterKey)) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'Publishing to a KMS-encrypted topic needs the GenerateDataKey family on that topic key; the statement names the key ARN.',
      });
    }
  }
}

/**
 * A state machine's role invokes its functions by ARN and by version (ARN:*),
 * and X-Ray and log delivery accept only "*": one acknowledgment per finding.
 */
export function acknowledgeStateMachineRole(role: iam.IRole, functions: lambda.IFunction[], runsEcsTasks = false): void {
  const stack = Stack.of(role);
  const seen = new Set<string>();
  for (const f of functions) {
    const id = stack.getLogicalId(f.node.defaultChild as lambda.CfnFunction);
    if (seen.has(id)) continue;
    seen.add(id);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`,
      reason: 'Step Functions may invoke any version of this one function, which its ARN followed by :* expresses.',
    });
  }
  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray trace segments and CloudWatch Logs delivery for Step Functions support no resource-level permissions' +
        (runsEcsTasks ? '; nor do ecs:StopTask and ecs:DescribeTasks, which RunTask (.sync) needs for tasks whose ARNs exist only once they start.' : '.'),
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Paging publishes to the KMS-encrypted critical topic, which needs the GenerateDataKey family on that topic key; the statement names the key ARN.',
    },
  );
}
