import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Color } from '../../lambda/shared/colors';
import { grantEcrPull } from '../ecr';
import { ResourceNames } from '../naming';

/** A secret injected into the container as an environment variable by ECS. */
export interface InjectedSecret {
  /** Environment variable name inside the container. */
  readonly name: string;
  /** The Secrets Manager secret. */
  readonly secret: secretsmanager.ISecret;
  /**
   * JSON key inside the secret to inject.
   * @default - the whole secret string
   */
  readonly jsonField?: string;
}

/** Target-group health check settings. */
export interface ColorHealthCheck {
  /** Path the ALB probes. */
  readonly path: string;
  /** Seconds between probes. */
  readonly intervalSeconds: number;
  /** Seconds a probe may take. */
  readonly timeoutSeconds: number;
  /** Passing probes before a target counts as healthy. */
  readonly healthyThresholdCount: number;
  /** Failing probes before a target counts as unhealthy. */
  readonly unhealthyThresholdCount: number;
  /** HTTP codes that count as healthy, such as "200" or "200-299". */
  readonly healthyHttpCodes: string;
}

/** How a container runs: as which user, and what it may write. */
export interface ContainerRuntime {
  /**
   * User (name or uid, optionally :group) the container runs as.
   * @default - the image's own user
   */
  readonly user?: string;
  /**
   * Mount the root filesystem read-only.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Writable empty directories, each a volume that lives as long as the task.
   * @default ['/tmp']
   */
  readonly scratchPaths?: string[];
}

/** Gives `container` a writable task-scoped volume at each scratch path. */
export function addScratchVolumes(taskDefinition: ecs.TaskDefinition, container: ecs.ContainerDefinition, paths: readonly string[]): void {
  const seen = new Set<string>();
  for (const containerPath of paths) {
    const name = `scratch${containerPath.replace(/[^A-Za-z0-9]+/g, '-')}`;
    if (seen.has(name)) throw new Error(`scratch paths ${paths.join(', ')} give two volumes the name ${name}; rename one directory`);
    seen.add(name);
    taskDefinition.addVolume({ name });
    container.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
  }
}

/** Properties of {@link ColorService}. */
export interface ColorServiceProps extends ContainerRuntime {
  /** Which color this is. */
  readonly color: Color;
  /** Cluster to run in. */
  readonly cluster: ecs.ICluster;
  /** `service-environment`, the start of every physical name. */
  readonly namePrefix: string;
  /** Image to run; a deploy-time token that follows the recorded image of this color. */
  readonly image: string;
  /** Task count; a deploy-time token that follows the recorded count of this color. */
  readonly desiredCount: number;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Fargate memory in MiB. */
  readonly memoryMiB: number;
  /** ALB health check. */
  readonly healthCheck: ColorHealthCheck;
  /** Seconds the ALB drains a deregistering target. */
  readonly deregistrationDelaySeconds: number;
  /**
   * Cookie stickiness duration; undefined turns stickiness off.
   * @default - no stickiness
   */
  readonly stickinessSeconds?: number;
  /**
   * Plain (non-secret) environment variables.
   * @default - only SWITCHYARD_COLOR
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets injected by ECS.
   * @default - none
   */
  readonly secrets?: InjectedSecret[];
  /**
   * Images the execution role may pull. `image` is a deploy-time token whose
   * registry is unknown at synth, so the images it may hold are named here; those
   * in private ECR get pull permission on exactly their repositories.
   * @default - none: only public images can be pulled
   */
  readonly pullableImages?: string[];
  /**
   * Log retention of the color's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** One color: its task definition, log group, Fargate service and target group. */
export class ColorService extends Construct {
  /** Which color this is. */
  public readonly color: Color;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** Task definition the template deploys; cutovers register later revisions of the same family. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The application container. */
  public readonly container: ecs.ContainerDefinition;
  /** Target group the ALB forwards this color's share to. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Log group of the application container. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ColorServiceProps) {
    super(scope, id);
    this.color = props.color;
    const names = new ResourceNames(props.namePrefix);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: names.colorLogGroup(props.color),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: names.taskFamily(props.color),
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const secrets: Record<string, ecs.Secret> = {};
    for (const s of props.secrets ?? []) {
      secrets[s.name] = ecs.Secret.fromSecretsManager(s.secret, s.jsonField);
    }
    this.container = this.taskDefinition.addContainer('app', {
      containerName: 'app',
      image: ecs.ContainerImage.fromRegistry(props.image),
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: props.color, logGroup: this.logGroup }),
      environment: { ...(props.environment ?? {}), SWITCHYARD_COLOR: props.color },
      secrets,
      // The task's memory is the container's hard limit too: it is the only container.
      memoryLimitMiB: props.memoryMiB,
      user: props.user,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
    });
    addScratchVolumes(this.taskDefinition, this.container, props.scratchPaths ?? ['/tmp']);
    grantEcrPull(this.taskDefinition.obtainExecutionRole(), props.pullableImages ?? []);
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings (the color and configured plain values) are environment values; every secret is injected as an ECS secret from Secrets Manager.',
    });

    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: names.colorService(props.color),
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount,
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // ECS's own rolling deploy inside one color stops and reverts on a crash loop.
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });

    if (!Token.isUnresolved(props.healthCheck.timeoutSeconds) && props.healthCheck.timeoutSeconds >= props.healthCheck.intervalSeconds) {
      throw new Error(`ColorService ${props.color}: healthCheck.timeoutSeconds (${props.healthCheck.timeoutSeconds}) must be below intervalSeconds (${props.healthCheck.intervalSeconds})`);
    }
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      targetGroupName: names.targetGroup(props.color),
      vpc: props.cluster.vpc,
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [this.service.loadBalancerTarget({ containerName: 'app', containerPort: props.containerPort })],
      deregistrationDelay: Duration.seconds(props.deregistrationDelaySeconds),
      stickinessCookieDuration: props.stickinessSeconds === undefined ? undefined : Duration.seconds(props.stickinessSeconds),
      healthCheck: {
        path: props.healthCheck.path,
        interval: Duration.seconds(props.healthCheck.intervalSeconds),
        timeout: Duration.seconds(props.healthCheck.timeoutSeconds),
        healthyThresholdCount: props.healthCheck.healthyThresholdCount,
        unhealthyThresholdCount: props.healthCheck.unhealthyThresholdCount,
        healthyHttpCodes: props.healthCheck.healthyHttpCodes,
      },
    });
  }
}
