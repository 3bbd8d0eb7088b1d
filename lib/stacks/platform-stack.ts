import { CfnOutput, Fn, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { Color, COLORS, StateParameterNames } from '../../lambda/shared/colors';
import { allowedImages, deletionProtection, SwitchyardConfig } from '../config/schema';
import { Alerting } from '../constructs/alerting';
import { ColorService } from '../constructs/color-service';
import { DeployGuard } from '../constructs/deploy-guard';
import { LogEncryption } from '../constructs/log-encryption';
import { MaintenancePage } from '../constructs/maintenance-page';
import { Monitoring } from '../constructs/monitoring';
import { Network } from '../constructs/network';
import { PlatformParameters } from '../constructs/platform-parameters';
import { TrafficRouter } from '../constructs/traffic-router';
import { WebFirewall } from '../constructs/web-firewall';
import { ResourceNames } from '../naming';

/** Properties of {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** Validated environment configuration. */
  readonly config: SwitchyardConfig;
  /** Names of the recorded cutover state, resolved at deploy time. */
  readonly stateParameters: StateParameterNames;
  /** The cutover lock table, which the deploy guard reads. */
  readonly lockTable: dynamodb.ITableV2;
  /**
   * A value that changes on every deploy so the deploy guard runs each time.
   * @default - fixed: the guard runs only when its settings change
   */
  readonly deployNonce?: string;
}

/**
 * The data plane: network, cluster, both colors, the load balancer with its
 * weighted production route and idle-only test route, WAF, alarms, dashboard
 * and alert topics.
 */
export class PlatformStack extends Stack {
  /** `service-environment`. */
  public readonly namePrefix: string;
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** Each color's service, task definition and target group. */
  public readonly colors: Readonly<Record<Color, ColorService>>;
  /** Load balancer, production listener and test route. */
  public readonly router: TrafficRouter;
  /** WAF web ACL on the load balancer. */
  public readonly firewall: WebFirewall;
  /** Alarms and dashboard. */
  public readonly monitoring: Monitoring;
  /** Alert topics. */
  public readonly alerting: Alerting;
  /** The state parameters this stack follows. */
  public readonly stateParameters: StateParameterNames;
  /** The maintenance page's target group. */
  public readonly maintenancePage: MaintenancePage;
  /** The key encrypting this stack's log groups. */
  public readonly logEncryption: LogEncryption;
  /** The generated names the control stack resolves from SSM at its deploy. */
  public readonly parameters: PlatformParameters;
  /** How many private subnets `network/private-subnet-ids` lists. */
  public readonly privateSubnetCount: number;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const c = props.config;
    this.namePrefix = `${c.service.name}-${c.environment}`;
    const names = new ResourceNames(this.namePrefix);
    this.stateParameters = props.stateParameters;
    const retention = c.logRetentionDays as logs.RetentionDays;
    // Resolved by CloudFormation at deploy time: a deploy follows the last cutover.
    const recorded = (name: string) => ssm.StringParameter.valueForStringParameter(this, name);
    this.logEncryption = new LogEncryption(this, 'LogEncryption', { namePrefix: this.namePrefix });

    const network = new Network(this, 'Network', {
      vpcId: 'vpcId' in c.network ? c.network.vpcId : undefined,
      create: 'create' in c.network ? c.network.create : undefined,
      flowLogRetention: retention,
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      clusterName: names.cluster(),
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const secrets = c.service.secrets.map((s, i) => ({
      name: s.name,
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, `Secret${i}`, s.secretArn),
      jsonField: s.jsonField,
    }));
    const colors = {} as Record<Color, ColorService>;
    for (const color of COLORS) {
      colors[color] = new ColorService(this, color === 'blue' ? 'Blue' : 'Green', {
        color,
        cluster: this.cluster,
        namePrefix: this.namePrefix,
        image: recorded(props.stateParameters.image[color]),
        // Any image a cutover may deploy (service.allowedImages) must be pullable.
        pullableImages: allowedImages(c),
        desiredCount: Token.asNumber(recorded(props.stateParameters.desiredCount[color])),
        containerPort: c.service.containerPort,
        cpu: c.service.cpu,
        memoryMiB: c.service.memoryMiB,
        healthCheck: c.service.healthCheck,
        deregistrationDelaySeconds: c.service.deregistrationDelaySeconds,
        stickinessSeconds: c.service.stickiness.enabled ? c.service.stickiness.durationSeconds : undefined,
        environment: c.service.environment,
        user: c.service.user,
        readonlyRootFilesystem: c.service.readonlyRootFilesystem,
        scratchPaths: c.service.scratchPaths,
        secrets,
        logRetention: retention,
      });
    }
    this.colors = colors;

    this.router = new TrafficRouter(this, 'Router', {
      vpc: network.vpc,
      namePrefix: this.namePrefix,
      targetGroups: { blue: colors.blue.targetGroup, green: colors.green.targetGroup },
      liveColor: recorded(props.stateParameters.liveColor),
      certificateArn: c.domain?.certificateArn,
      deletionProtection: deletionProtection(c),
      operatorCidrs: c.operatorCidrs,
    });

    this.firewall = new WebFirewall(this, 'Firewall', {
      namePrefix: this.namePrefix,
      loadBalancerArn: this.router.loadBalancer.loadBalancerArn,
      mode: c.waf.mode,
      rateLimitPer5Minutes: c.waf.rateLimitPer5Minutes,
      logRetention: retention,
    });

    this.alerting = new Alerting(this, 'Alerting', {
      namePrefix: this.namePrefix,
      emails: c.notifications.emails,
      pagerDutyUrl: c.notifications.pagerDutyUrl,
      slack: c.notifications.slack,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      namePrefix: this.namePrefix,
      alarms: c.alarms,
      judge: c.judge,
      database: c.database,
      cache: c.cache,
      loadBalancer: this.router.loadBalancer,
      colors,
      clusterName: this.cluster.clusterName,
      logRetention: retention,
      criticalTopic: this.alerting.critical,
      warningTopic: this.alerting.warning,
      waf: { webAclName: names.webAcl(), region: this.region },
    });

    this.maintenancePage = new MaintenancePage(this, 'Maintenance', {
      namePrefix: this.namePrefix,
      retryAfterSeconds: c.maintenance.retryAfterSeconds,
      contentType: c.maintenance.contentType,
      body: c.maintenance.body,
      logRetention: retention,
    });

    new DeployGuard(this, 'DeployGuard', {
      namePrefix: this.namePrefix,
      lockTable: props.lockTable,
      lockKey: `${c.service.name}#${c.environment}`,
      nonce: props.deployNonce,
      logRetention: retention,
      protects: [this.router.productionListener, this.router.testRule, ...COLORS.map((x) => colors[x].service)],
    });

    if (c.domain?.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: c.domain.hostedZone.id, zoneName: c.domain.hostedZone.name });
      new route53.ARecord(this, 'Alias', {
        zone,
        recordName: c.domain.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.router.loadBalancer)),
      });
    }

    // What the control stack needs of the names AWS generates, by SSM parameter, never by export.
    const privateSubnets = network.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    this.parameters = new PlatformParameters(this, 'Parameters', {
      service: c.service.name,
      environment: c.environment,
      values: {
        'listener-arn': this.router.productionListener.listenerArn,
        'test-rule-arn': this.router.testRule.listenerRuleArn,
        'blue/target-group-arn': colors.blue.targetGroup.targetGroupArn,
        'green/target-group-arn': colors.green.targetGroup.targetGroupArn,
        'maintenance/target-group-arn': this.maintenancePage.targetGroup.targetGroupArn,
        'test-token-secret-arn': this.router.testTokenSecret.secretArn,
        'load-balancer/dns-name': this.router.loadBalancer.loadBalancerDnsName,
        'load-balancer/hosted-zone-id': this.router.loadBalancer.loadBalancerCanonicalHostedZoneId,
        'alerting/key-arn': this.alerting.critical.masterKey!.keyArn,
        'blue/task-role-arn': colors.blue.taskDefinition.taskRole.roleArn,
        'blue/execution-role-arn': colors.blue.taskDefinition.obtainExecutionRole().roleArn,
        'green/task-role-arn': colors.green.taskDefinition.taskRole.roleArn,
        'green/execution-role-arn': colors.green.taskDefinition.obtainExecutionRole().roleArn,
        'network/vpc-id': network.vpc.vpcId,
        // SSM refuses an empty value; a VPC without private subnets cannot run the data sync anyway.
        'network/private-subnet-ids': privateSubnets.length > 0 ? Fn.join(',', privateSubnets) : 'none',
      },
    });
    this.privateSubnetCount = privateSubnets.length;

    new CfnOutput(this, 'Url', { value: c.domain ? `https://${c.domain.domainName}` : this.router.url, description: 'Production URL' });
    new CfnOutput(this, 'LoadBalancerDns', { value: this.router.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, 'ProductionListenerArn', { value: this.router.productionListener.listenerArn });
    new CfnOutput(this, 'TestTokenSecretArn', { value: this.router.testTokenSecret.secretArn, description: 'Send its value in the X-Switchyard-Test header to reach the idle color' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    for (const color of COLORS) {
      new CfnOutput(this, `${color}RollbackAlarm`, { value: this.monitoring.colors[color].rollbackAlarm.alarmName });
    }
  }
}
