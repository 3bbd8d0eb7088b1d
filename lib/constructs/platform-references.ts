import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { Color, COLORS } from '../../lambda/shared/colors';
import { PlatformParameter, platformParameterName } from './platform-parameters';

/** The names Switchyard gives the platform's resources, literal at synth. */
export interface PlatformNames {
  /** ECS cluster. */
  readonly cluster: string;
  /** Each color's ECS service. */
  readonly services: Readonly<Record<Color, string>>;
  /** Each color's task definition family. */
  readonly taskFamilies: Readonly<Record<Color, string>>;
  /** The alert topics. */
  readonly topics: { readonly critical: string; readonly warning: string };
  /** Each color's composite rollback alarm. */
  readonly rollbackAlarms: Readonly<Record<Color, string>>;
  /** Each color's critical alarms under its rollback alarm (built-in and extra). */
  readonly criticalAlarms: Readonly<Record<Color, readonly string[]>>;
}

/** Properties of {@link PlatformReferences}. */
export interface PlatformReferencesProps {
  /** Service name (config service.name). */
  readonly service: string;
  /** Environment name. */
  readonly environment: string;
  /** The names the platform stack gave its resources. */
  readonly names: PlatformNames;
  /**
   * The network the data-sync tasks run in: how many private subnets the
   * platform's parameter lists, and the VPC's availability zones.
   * @default - no network: {@link PlatformReferences.cluster} is unavailable
   */
  readonly network?: { readonly privateSubnetCount: number; readonly availabilityZones: readonly string[] };
}

/** One color of the platform, as the control stack refers to it. */
export interface ColorReferences {
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly taskFamily: string;
  readonly targetGroupArn: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly rollbackAlarm: cloudwatch.IAlarm;
  /** The rollback alarm and the critical alarms under it: all must be OK before a cutover starts. */
  readonly gatingAlarms: readonly cloudwatch.IAlarm[];
}

/**
 * The platform as the control stack sees it, with no cross-stack export:
 * names Switchyard chooses are built from the same names (ARNs formatted
 * from them), and names AWS generates are resolved from the platform's SSM
 * parameters when the control stack deploys. So any platform change deploys
 * (a replaced target group, a removed or renamed alarm), and the next control
 * deploy picks up the new values; IAM still names each resource exactly.
 */
export class PlatformReferences extends Construct {
  public readonly listenerArn: string;
  public readonly testRuleArn: string;
  public readonly clusterName: string;
  public readonly colors: Readonly<Record<Color, ColorReferences>>;
  public readonly criticalTopic: sns.ITopic;
  public readonly warningTopic: sns.ITopic;
  public readonly testTokenSecret: secretsmanager.ISecret;
  public readonly maintenanceTargetGroupArn: string;
  private readonly props: PlatformReferencesProps;
  private clusterRef?: ecs.ICluster;

  constructor(scope: Construct, id: string, props: PlatformReferencesProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    const n = props.names;
    const value = (key: PlatformParameter) => this.parameter(key);
    // An alarm on both colors (an extra alarm on a shared metric) is one construct.
    const alarms = new Map<string, cloudwatch.IAlarm>();
    const alarm = (name: string) => alarms.get(name) ?? alarms.set(name, cloudwatch.Alarm.fromAlarmName(this, `Alarm${name}`, name)).get(name)!;
    const topic = (name: string, keyArn: string) => sns.Topic.fromTopicAttributes(this, `Topic${name}`, { topicArn: stack.formatArn({ service: 'sns', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME }), keyArn });

    this.listenerArn = value('listener-arn');
    this.testRuleArn = value('test-rule-arn');
    this.clusterName = n.cluster;
    const colors = {} as Record<Color, ColorReferences>;
    for (const c of COLORS) {
      const rollbackAlarm = alarm(n.rollbackAlarms[c]);
      colors[c] = {
        serviceName: n.services[c],
        serviceArn: stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${n.cluster}/${n.services[c]}` }),
        taskFamily: n.taskFamilies[c],
        targetGroupArn: value(`${c}/target-group-arn`),
        taskRoleArn: value(`${c}/task-role-arn`),
        executionRoleArn: value(`${c}/execution-role-arn`),
        rollbackAlarm,
        gatingAlarms: [rollbackAlarm, ...n.criticalAlarms[c].map(alarm)],
      };
    }
    this.colors = colors;
    const keyArn = value('alerting/key-arn');
    this.criticalTopic = topic(n.topics.critical, keyArn);
    this.warningTopic = topic(n.topics.warning, keyArn);
    this.testTokenSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'TestToken', value('test-token-secret-arn'));
    this.maintenanceTargetGroupArn = value('maintenance/target-group-arn');
  }

  /** The load balancer's DNS name; its parameter is read only when asked for (without a domain, or for a DNS cutover). */
  public get loadBalancerDnsName(): string {
    return this.parameter('load-balancer/dns-name');
  }

  /** The load balancer's canonical hosted zone (for a DNS cutover's alias value); its parameter is read only when asked for. */
  public get loadBalancerHostedZoneId(): string {
    return this.parameter('load-balancer/hosted-zone-id');
  }

  /** The cluster with its VPC's private subnets, for running the data-sync tasks. */
  public get cluster(): ecs.ICluster {
    if (this.clusterRef) return this.clusterRef;
    const net = this.props.network;
    if (!net || net.privateSubnetCount === 0) throw new Error('the data sync needs the platform network\'s private subnets; give PlatformReferences its network');
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: this.parameter('network/vpc-id'),
      availabilityZones: [...net.availabilityZones],
      privateSubnetIds: Fn.split(',', this.parameter('network/private-subnet-ids'), net.privateSubnetCount),
    });
    this.clusterRef = ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: this.clusterName, vpc });
    return this.clusterRef;
  }

  /** One platform parameter, resolved by CloudFormation when this stack deploys. */
  private parameter(key: PlatformParameter): string {
    return ssm.StringParameter.valueForStringParameter(this, platformParameterName(this.props.service, this.props.environment, key));
  }
}
