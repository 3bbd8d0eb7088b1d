import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantEcrPull } from '../ecr';
import { ResourceNames } from '../naming';
import { addScratchVolumes, ContainerRuntime, InjectedSecret } from './color-service';

/** A container the cutover runs to completion. */
export interface OneOffTaskSpec extends ContainerRuntime {
  /** Image of the container. */
  readonly image: string;
  /**
   * Command and arguments.
   * @default - the image's own entry point and command
   */
  readonly command?: string[];
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Fargate memory (MiB). */
  readonly memoryMiB: number;
  /**
   * Plain environment values.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets injected by ECS as environment values.
   * @default - none
   */
  readonly secrets?: InjectedSecret[];
}

/** One task definition with where its logs go. */
export interface OneOffTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
  /** The log group's name as a plain string (the construct's attribute is a token). */
  readonly logGroupName: string;
  /** awslogs stream prefix: a task's stream is `<prefix>/<container>/<task id>`. */
  readonly streamPrefix: string;
}

/** Properties of {@link DataSyncTasks}. */
export interface DataSyncTasksProps {
  /** `service-environment`, the start of every name. */
  readonly namePrefix: string;
  /** Cluster the tasks run in; its VPC's private subnets hold them. */
  readonly cluster: ecs.ICluster;
  /** The final data sync. */
  readonly sync: OneOffTaskSpec;
  /**
   * Runs after the sync; a non-zero exit fails the cutover.
   * @default - no validation stage
   */
  readonly validation?: OneOffTaskSpec;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The final data sync and its validation as Fargate task definitions the
 * cutover state machine runs with RunTask (.sync). Their security group has
 * no ingress; let it reach the source and target databases.
 */
export class DataSyncTasks extends Construct {
  /** The sync task. */
  public readonly sync: OneOffTask;
  /** The validation task, when configured. */
  public readonly validation?: OneOffTask;
  /** Security group both tasks run with. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DataSyncTasksProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: `${props.namePrefix} final data sync tasks (no ingress)`,
      allowAllOutbound: true,
    });
    this.sync = this.oneOff('Sync', 'sync', props.sync, props);
    if (props.validation) this.validation = this.oneOff('Validation', 'validation', props.validation, props);
  }

  private oneOff(id: string, name: string, spec: OneOffTaskSpec, props: DataSyncTasksProps): OneOffTask {
    const names = new ResourceNames(props.namePrefix);
    const logGroupName = names.oneOffLogGroup(name);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      logGroupName,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, id, {
      family: names.oneOffFamily(name),
      cpu: spec.cpu,
      memoryLimitMiB: spec.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const secrets: Record<string, ecs.Secret> = {};
    for (const s of spec.secrets ?? []) secrets[s.name] = ecs.Secret.fromSecretsManager(s.secret, s.jsonField);
    const container = taskDefinition.addContainer(name, {
      containerName: name,
      image: ecs.ContainerImage.fromRegistry(spec.image),
      command: spec.command,
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logGroup }),
      environment: { ...(spec.environment ?? {}), SWITCHYARD_STAGE: name },
      secrets,
      memoryLimitMiB: spec.memoryMiB,
      user: spec.user,
      readonlyRootFilesystem: spec.readonlyRootFilesystem ?? true,
    });
    addScratchVolumes(taskDefinition, container, spec.scratchPaths ?? ['/tmp']);
    // fromRegistry grants nothing: a private ECR image needs pull permission on its repository.
    grantEcrPull(taskDefinition.obtainExecutionRole(), [spec.image]);
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings (the stage name and configured plain values) are environment values; every secret is injected as an ECS secret from Secrets Manager.',
    });
    return { taskDefinition, container, logGroup, logGroupName, streamPrefix: name };
  }
}
