/**
 * A cutover world against moto: the data plane built through the AWS API the
 * way the stacks describe it, the handlers' environment, and shims for what
 * moto cannot do, each named here:
 *
 * - ECS deployments never finish in moto. The ECS simulator watches
 *   UpdateService calls, registers (or removes) one healthy target per task in
 *   the color's target group, and reports the PRIMARY deployment COMPLETED,
 *   unless a scenario keeps a color from ever becoming healthy.
 * - moto cannot compute percentile statistics; p95 queries are sent as
 *   Maximum, an upper bound of p95.
 * - moto never evaluates alarms and has no composite alarms: plain alarms carry
 *   the rollback-alarm names, and scenarios drive them with SetAlarmState.
 * - moto accepts any weights; the handlers' own validation rejects bad ones
 *   before calling AWS (tested with the decisions).
 * - No traffic flows, so the world publishes RequestCount for each color, in
 *   proportion to its weight, before each bake check.
 */
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Color, COLORS, stateParameterNames } from '../lambda/shared/colors';
import { CutoverDefaults, cutoverDefaultsSchema } from '../lambda/shared/cutover-config';
import { clients, callCounter } from '../lambda/shared/adapters/clients';
import { history, LedgerEntry } from '../lambda/shared/adapters/ledger';
import { getLock } from '../lambda/shared/adapters/lock';
import { readWeights, weightsOf } from '../lambda/shared/adapters/elb';
import { readDnsWeights, recordSets } from '../lambda/shared/adapters/route53';
import { DnsWeights } from '../lambda/shared/decisions/dns';
import { DnsCutover } from '../lambda/shared/settings';
import { resetSettings } from '../lambda/shared/settings';
import { TEST_HEADER } from '../lambda/shared/routes';
import { Weights } from '../lambda/shared/decisions/weights';
import { synthesizedApp, SynthesizedApp } from './app';
import { VirtualClock } from './clock';

export const REGION = 'eu-west-1';
const TOKEN = 'test-route-token-0123456789';

/** How the stand-in application answers. */
export interface AppBehaviour {
  /** Status of the health endpoint. */
  health: number;
  /** Status of the business endpoint (/api/checkout). */
  business: number;
}

/** Scenario knobs the world reads while the state machine runs. */
export interface Faults {
  /** Colors whose tasks never become healthy targets. */
  neverHealthy: Set<Color>;
  /** ModifyListener calls to fail with ThrottlingException before letting one through. */
  throttleModifyListener: number;
  /** SNS Publish calls to fail with an internal error. */
  failPublish: number;
}

/** How one ECS task of the data sync stage ends, by state name (SyncData, ValidateSync). */
export interface TaskRun {
  /** Exit code of the essential container; null: it never exited. Default 0. */
  readonly exitCode?: number | null;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  /** Seconds the task runs (the virtual clock moves by them). Default 60. */
  readonly seconds?: number;
  /** Fails the state with this error instead (a timeout, an ECS API error). */
  readonly fail?: { readonly error: string; readonly cause: string };
  /**
   * Step Functions fails a .sync state whose essential container exits non-zero;
   * false returns the description anyway, so the check alone must catch it.
   * Default true.
   */
  readonly failOnNonZero?: boolean;
}

export interface WorldOptions {
  /** Example environment whose synthesized templates the world follows. */
  readonly env?: string;
  readonly desiredCount?: number;
  /** Overrides of the environment's cutover defaults. */
  readonly defaults?: Partial<CutoverDefaults>;
}

export class World {
  readonly faults: Faults = { neverHealthy: new Set(), throttleModifyListener: 0, failPublish: 0 };
  readonly app: AppBehaviour = { health: 200, business: 200 };
  /** Notifications the world saw published, newest last. */
  readonly published: Array<{ topic: string; subject: string }> = [];
  /** How each ECS task of the data sync stage ends, by state name. */
  readonly taskRuns: Record<string, TaskRun> = {};
  /** ECS tasks the state machine ran: state name and RunTask parameters. */
  readonly ranTasks: Array<{ state: string; params: any }> = [];
  /** The legacy DNS cutover as the handlers see it (the zone moto made), when configured. */
  dns?: DnsCutover;
  /** Runs while an ECS task runs, after its time has passed (a schedule firing mid-sync). */
  duringTask?: (state: string) => Promise<void>;
  /** Time as the handlers see it; Wait states advance it. */
  readonly clock = new VirtualClock();
  readonly synthesized: SynthesizedApp;
  readonly service: string;
  readonly environment: string;
  listenerArn = '';
  testRuleArn = '';
  loadBalancerDimension = '';
  readonly targetGroups = {} as Record<Color, string>;
  /** The maintenance page's (Lambda) target group. */
  maintenanceTargetGroup = '';
  readonly names: ReturnType<typeof stateParameterNames>;
  readonly alarmNames: Record<Color, string>;
  private server?: http.Server;
  private serviceTaskDefinition = new Map<string, string>();
  private subnets: string[] = [];
  private ipCounter = 10;

  constructor(readonly endpoint: string, private readonly opts: WorldOptions = {}) {
    this.synthesized = synthesizedApp(opts.env ?? 'dev');
    this.service = this.synthesized.service;
    this.environment = this.synthesized.environment;
    this.names = stateParameterNames(this.service, this.environment);
    this.alarmNames = { blue: this.synthesized.alarms.blue.rollback, green: this.synthesized.alarms.green.rollback };
  }

  /** Tasks per color: the configured count, at least 2 so health is more than one target. */
  get desired(): number {
    return this.opts.desiredCount ?? Math.max(2, this.synthesized.desiredCount);
  }

  private get prefix(): string {
    return this.synthesized.prefix;
  }

  private sdk<T>(C: new (c: object) => T): T {
    return new C({ endpoint: this.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  }

  /** Creates the data plane, control-plane state and the handlers' environment. */
  async build(): Promise<void> {
    process.env.AWS_ENDPOINT_URL = this.endpoint;
    process.env.AWS_REGION = REGION;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    this.published.length = 0;
    this.ranTasks.length = 0;
    callCounter.clear();

    const ec2 = this.sdk(EC2Client);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
    this.subnets = [];
    for (const [i, az] of ['a', 'b'].entries()) {
      this.subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.40.${i}.0/24`, AvailabilityZone: `${REGION}${az}` }))).Subnet!.SubnetId!);
    }
    const elb = this.sdk(elbv2.ElasticLoadBalancingV2Client);
    const lb = (await elb.send(new elbv2.CreateLoadBalancerCommand({ Name: `${this.prefix}`, Subnets: this.subnets, Scheme: 'internet-facing' }))).LoadBalancers![0];
    this.loadBalancerDimension = lb.LoadBalancerArn!.split(':loadbalancer/')[1];
    for (const c of COLORS) {
      // The target-group settings the platform template synthesizes.
      const t = this.synthesized.targetGroup;
      this.targetGroups[c] = (
        await elb.send(
          new elbv2.CreateTargetGroupCommand({ Name: `${this.prefix}-${c}`, Protocol: 'HTTP', Port: t.port, VpcId: vpc, TargetType: 'ip', HealthCheckPath: t.healthCheckPath, HealthCheckIntervalSeconds: t.interval, HealthCheckTimeoutSeconds: t.timeout, HealthyThresholdCount: t.healthy, UnhealthyThresholdCount: t.unhealthy }),
        )
      ).TargetGroups![0].TargetGroupArn!;
    }
    this.maintenanceTargetGroup = (await elb.send(new elbv2.CreateTargetGroupCommand({ Name: `${this.prefix}-maintenance`, TargetType: 'lambda' }))).TargetGroups![0].TargetGroupArn!;
    const fwd = (w: Weights) => [{ Type: 'forward' as const, ForwardConfig: { TargetGroups: COLORS.map((c) => ({ TargetGroupArn: this.targetGroups[c], Weight: w[c] })) } }];
    this.listenerArn = (await elb.send(new elbv2.CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Port: 80, Protocol: 'HTTP', DefaultActions: fwd({ blue: 100, green: 0 }) }))).Listeners![0].ListenerArn!;
    this.testRuleArn = (
      await elb.send(
        new elbv2.CreateRuleCommand({
          ListenerArn: this.listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: TEST_HEADER, Values: [TOKEN] } }],
          Actions: fwd({ blue: 0, green: 1 }),
        }),
      )
    ).Rules![0].RuleArn!;

    const ecs = this.sdk(ECSClient);
    await ecs.send(new CreateClusterCommand({ clusterName: `${this.prefix}` }));
    for (const c of COLORS) {
      const td = (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `${this.prefix}-${c}`,
            containerDefinitions: [{ name: 'app', image: this.synthesized.image, portMappings: [{ containerPort: this.synthesized.targetGroup.port }] }],
            requiresCompatibilities: ['FARGATE'],
            networkMode: 'awsvpc',
            cpu: '512',
            memory: '1024',
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
      const count = c === 'blue' ? this.desired : 0;
      await ecs.send(new CreateServiceCommand({ cluster: `${this.prefix}`, serviceName: `${this.prefix}-${c}`, taskDefinition: td, desiredCount: count, launchType: 'FARGATE' }));
      this.serviceTaskDefinition.set(`${this.prefix}-${c}`, td);
      await this.setTargets(c, count);
    }

    const ssm = this.sdk(SSMClient);
    const put = (Name: string, Value: string) => ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
    await put(this.names.liveColor, 'blue');
    for (const c of COLORS) {
      await put(this.names.image[c], this.synthesized.image);
      await put(this.names.desiredCount[c], String(c === 'blue' ? this.desired : 0));
    }

    // The template's alarms, by name and threshold. moto has no composite alarms, so the
    // rollback alarm is a plain alarm of the same name; metric-math alarms get a plain metric.
    const cw = this.sdk(CloudWatchClient);
    for (const c of COLORS) {
      const a = this.synthesized.alarms[c];
      for (const alarm of [{ name: a.rollback, threshold: 0, comparison: 'GreaterThanThreshold' }, ...a.critical]) {
        const m = alarm as { namespace?: string; metricName?: string; statistic?: string };
        await cw.send(
          new PutMetricAlarmCommand({
            AlarmName: alarm.name,
            Namespace: m.namespace ?? 'Switchyard/Rehearsal',
            MetricName: m.metricName ?? alarm.name,
            Statistic: (m.statistic as 'Sum') ?? 'Maximum',
            Period: 60,
            EvaluationPeriods: 2,
            Threshold: alarm.threshold,
            ComparisonOperator: alarm.comparison as 'GreaterThanThreshold',
          }),
        );
      }
    }

    const ddb = this.sdk(DynamoDBClient);
    await ddb.send(new CreateTableCommand({ TableName: 'locks', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    await ddb.send(
      new CreateTableCommand({
        TableName: 'ledger',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    );
    // The database the environment names, so the backup stage has something to snapshot.
    const db = this.synthesized.handlerEnv.DATABASE_INSTANCE;
    if (db) {
      await this.sdk(RDSClient).send(new CreateDBInstanceCommand({ DBInstanceIdentifier: db, Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'switchyard', MasterUserPassword: 'rehearsal-only-1' }));
    }

    const sns = this.sdk(SNSClient);
    const critical = (await sns.send(new CreateTopicCommand({ Name: `${this.prefix}-critical` }))).TopicArn!;
    const warning = (await sns.send(new CreateTopicCommand({ Name: `${this.prefix}-warning` }))).TopicArn!;
    const secret = (await this.sdk(SecretsManagerClient).send(new CreateSecretCommand({ Name: 'test-token', SecretString: TOKEN }))).ARN!;

    // A legacy DNS cutover: the zone, and the weighted legacy record holding every client.
    this.dns = undefined;
    if (this.synthesized.dns) {
      const d = this.synthesized.dns;
      const r53 = this.sdk(Route53Client);
      const zoneName = d.recordName.split('.').slice(1).join('.');
      const zone = (await r53.send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `rehearsal-${Date.now()}` }))).HostedZone!.Id!.replace('/hostedzone/', '');
      this.dns = { ...d, hostedZoneId: zone, albDnsName: lb.DNSName!, albHostedZoneId: lb.CanonicalHostedZoneId ?? 'Z32O12XQLNTSW2' };
      await this.putRecord({ Name: d.recordName, Type: 'CNAME', SetIdentifier: d.legacySetIdentifier, Weight: 100, TTL: 60, ResourceRecords: [{ Value: d.legacyEndpoint }] });
    }

    const baseUrl = await this.startApp();
    // The environment's own cutover defaults; with no smoke checks configured the
    // stand-in application is checked on its health path and a business endpoint.
    const configured = cutoverDefaultsSchema.parse(JSON.parse(this.synthesized.handlerEnv.CUTOVER_DEFAULTS));
    const defaults = cutoverDefaultsSchema.parse({
      ...configured,
      smoke: configured.smoke.checks.length > 0 ? configured.smoke : {
        checks: [
          { name: 'health', path: this.synthesized.targetGroup.healthCheckPath },
          { name: 'checkout', path: '/api/checkout', json: [{ path: 'ok', equals: true }] },
        ],
        load: { path: '/api/checkout', requests: 40, concurrency: 4 },
      },
      ...this.opts.defaults,
    });
    Object.assign(process.env, {
      ...this.synthesized.handlerEnv,
      SERVICE: this.service,
      ENVIRONMENT: this.environment,
      LISTENER_ARN: this.listenerArn,
      TEST_RULE_ARN: this.testRuleArn,
      CLUSTER: `${this.prefix}`,
      SERVICE_BLUE: `${this.prefix}-blue`,
      SERVICE_GREEN: `${this.prefix}-green`,
      TARGET_GROUP_BLUE: this.targetGroups.blue,
      TARGET_GROUP_GREEN: this.targetGroups.green,
      ROLLBACK_ALARM_BLUE: this.alarmNames.blue,
      ROLLBACK_ALARM_GREEN: this.alarmNames.green,
      GATING_ALARMS_BLUE: this.gatingAlarms('blue').join(','),
      GATING_ALARMS_GREEN: this.gatingAlarms('green').join(','),
      LOCK_TABLE: 'locks',
      LEDGER_TABLE: 'ledger',
      CRITICAL_TOPIC_ARN: critical,
      WARNING_TOPIC_ARN: warning,
      TEST_TOKEN_SECRET_ARN: secret,
      BASE_URL: baseUrl,
      POLL_MS: '20',
      MAINTENANCE_TARGET_GROUP_ARN: this.maintenanceTargetGroup,
      CUTOVER_DEFAULTS: JSON.stringify(defaults),
      ...(this.dns ? { DNS_CUTOVER: JSON.stringify(this.dns) } : {}),
    });
    resetSettings();
    installShims(this);
    this.clock.install();
  }

  /** Runs one RunTask (.sync) state as Step Functions would report it: pass as `ecsTask` to runStateMachine. */
  readonly runEcsTask = async (state: string, params: any): Promise<unknown> => {
    this.ranTasks.push({ state, params });
    const r = this.taskRuns[state] ?? {};
    this.clock.advance((r.seconds ?? 60) * 1000);
    await this.duringTask?.(state);
    if (r.fail) throw Object.assign(new Error(r.fail.cause), { name: r.fail.error });
    const taskArn = `arn:aws:ecs:${REGION}:123456789012:task/${this.prefix}/${(this.ranTasks.length * 7919).toString(16).padStart(32, '0')}`;
    const container = params?.Overrides?.ContainerOverrides?.[0]?.Name ?? 'sync';
    const exitCode = r.exitCode === undefined ? 0 : r.exitCode;
    // Step Functions hands the stopped task over in PascalCase.
    const description = {
      TaskArn: taskArn,
      LastStatus: 'STOPPED',
      StopCode: r.stopCode ?? 'EssentialContainerExited',
      StoppedReason: r.stoppedReason ?? 'Essential container in task exited',
      Containers: [{ Name: container, TaskArn: taskArn, LastStatus: 'STOPPED', ...(exitCode === null ? {} : { ExitCode: exitCode }) }],
    };
    if (exitCode !== 0 && (r.failOnNonZero ?? true)) throw Object.assign(new Error(JSON.stringify(description)), { name: 'States.TaskFailed' });
    return description;
  };

  /** Creates or replaces one record set in the cutover's zone (as an operator would). */
  async putRecord(r: ResourceRecordSet): Promise<void> {
    await this.sdk(Route53Client).send(new ChangeResourceRecordSetsCommand({ HostedZoneId: this.dns!.hostedZoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: r }] } }));
  }
  /** Weights of the legacy and load-balancer records, as Route 53 reports them. */
  async dnsWeights(): Promise<DnsWeights> {
    return (await readDnsWeights(this.dns!)).weights;
  }
  /** Every record set of the cutover's name. */
  dnsRecords(): Promise<ResourceRecordSet[]> {
    return recordSets(this.dns!.hostedZoneId, this.dns!.recordName);
  }

  /** The rollback alarm and the critical alarms under it, as pre-flight gates on them. */
  gatingAlarms(c: Color): string[] {
    return [this.alarmNames[c], ...this.synthesized.alarms[c].critical.map((a) => a.name)];
  }

  /** Makes the color's target group hold `count` healthy targets (what ECS and the ALB would do). */
  async setTargets(c: Color, count: number): Promise<void> {
    const elb = this.sdk(elbv2.ElasticLoadBalancingV2Client);
    const tg = this.targetGroups[c];
    const current = (await elb.send(new elbv2.DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? [];
    if (current.length > 0) await elb.send(new elbv2.DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: current.map((d) => ({ Id: d.Target!.Id!, Port: d.Target!.Port })) }));
    const wanted = this.faults.neverHealthy.has(c) ? 0 : count;
    if (wanted > 0) {
      const targets = Array.from({ length: wanted }, () => ({ Id: `10.40.${c === 'blue' ? 0 : 1}.${this.ipCounter++ % 250}`, Port: 80 }));
      await elb.send(new elbv2.RegisterTargetsCommand({ TargetGroupArn: tg, Targets: targets }));
    }
  }

  /** Drives a rollback alarm the way CloudWatch would. */
  async setAlarm(c: Color, state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', name = this.alarmNames[c]): Promise<void> {
    await this.sdk(CloudWatchClient).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `rehearsal set ${state}` }));
  }

  /** Publishes a minute of RequestCount for each color, in proportion to its current weight. */
  async emitTraffic(requestsPerMinute = 1000): Promise<void> {
    const w = await this.weights();
    const cw = this.sdk(CloudWatchClient);
    for (const c of COLORS) {
      const value = Math.round((requestsPerMinute * w[c]) / Math.max(1, w.blue + w.green));
      const Dimensions = [
        { Name: 'TargetGroup', Value: `targetgroup/${this.targetGroups[c].split(':targetgroup/')[1]}` },
        { Name: 'LoadBalancer', Value: this.loadBalancerDimension },
      ];
      const Timestamp = new Date(Date.now());
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: [{ MetricName: 'RequestCount', Dimensions, Value: value, Timestamp }, { MetricName: 'TargetResponseTime', Dimensions, Value: 0.12, Timestamp }] }));
    }
  }

  /** Production weights as the emulator reports them. */
  weights(): Promise<Weights> {
    return readWeights(this.listenerArn, this.targetGroups);
  }

  /** Production weights read with the world's own client: not counted among the handlers' calls. */
  async observeWeights(): Promise<Weights> {
    const r = await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.DescribeListenersCommand({ ListenerArns: [this.listenerArn] }));
    return weightsOf(r.Listeners![0].DefaultActions, this.targetGroups);
  }

  async testRouteWeights(): Promise<Weights> {
    const r = await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.DescribeRulesCommand({ RuleArns: [this.testRuleArn] }));
    return weightsOf(r.Rules![0].Actions, this.targetGroups);
  }

  /** Listener rules by priority, read with the world's own client. */
  async rules(): Promise<Array<{ priority: string; conditions: unknown; actions: elbv2.Action[] }>> {
    const r = await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.DescribeRulesCommand({ ListenerArn: this.listenerArn }));
    return (r.Rules ?? []).filter((x) => !x.IsDefault).map((x) => ({ priority: x.Priority!, conditions: x.Conditions, actions: x.Actions ?? [] })).sort((a, b) => Number(a.priority) - Number(b.priority));
  }

  async parameter(name: string): Promise<string> {
    return (await this.sdk(SSMClient).send(new GetParameterCommand({ Name: name }))).Parameter!.Value!;
  }

  ledger(): Promise<LedgerEntry[]> {
    return history('ledger', `${this.service}#${this.environment}`);
  }

  lock() {
    return getLock('locks', `${this.service}#${this.environment}`);
  }

  /** AWS calls the handlers made, by operation. */
  calls(name: string): number {
    return callCounter.get(name) ?? 0;
  }

  /** Simulated ECS: what UpdateService asked for becomes targets, and the rollout completes. */
  async onUpdateService(service: string, desired: number | undefined, taskDefinition: string | undefined): Promise<void> {
    if (taskDefinition) this.serviceTaskDefinition.set(service, taskDefinition);
    const c: Color = service.endsWith('-blue') ? 'blue' : 'green';
    if (desired !== undefined) await this.setTargets(c, desired);
  }

  rolloutCompleted(service: string, desired: number): { taskDefinition: string | undefined; completed: boolean } {
    const c: Color = service.endsWith('-blue') ? 'blue' : 'green';
    // A service at zero tasks has nothing to roll out.
    return { taskDefinition: this.serviceTaskDefinition.get(service), completed: desired === 0 || !this.faults.neverHealthy.has(c) };
  }

  private async startApp(): Promise<string> {
    if (!this.server) {
      this.server = http.createServer((req, res) => {
        // Only the test route (header with the token) reaches the idle color in AWS; the stand-in enforces the same.
        if (req.headers[TEST_HEADER.toLowerCase()] !== TOKEN) {
          res.writeHead(403).end('missing test-route token');
          return;
        }
        if (req.url === this.synthesized.targetGroup.healthCheckPath) {
          res.writeHead(this.app.health, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        if (req.url === '/api/checkout') {
          res.writeHead(this.app.business, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: this.app.business < 400 }));
          return;
        }
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    }
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.clock.uninstall();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }
}

let installedFor: { world: World } | undefined;

/**
 * Shims on the handlers' SDK clients for moto's gaps (see the file comment).
 * Installed once per process; they act on whichever world is current.
 */
function installShims(world: World): void {
  if (installedFor) {
    installedFor.world = world;
    return;
  }
  installedFor = { world };
  const current = installedFor;

  clients.ecs().middlewareStack.add(
    (next, context) => async (args: any) => {
      const out: any = await next(args);
      if (context.commandName === 'UpdateServiceCommand') {
        await current.world.onUpdateService(args.input.service, args.input.desiredCount, args.input.taskDefinition);
      }
      if (context.commandName === 'DescribeServicesCommand') {
        for (const s of out.output.services ?? []) {
          const sim = current.world.rolloutCompleted(s.serviceName, s.desiredCount ?? 0);
          for (const d of s.deployments ?? []) {
            if (d.status !== 'PRIMARY') continue;
            if (sim.taskDefinition) d.taskDefinition = sim.taskDefinition;
            d.rolloutState = sim.completed ? 'COMPLETED' : 'IN_PROGRESS';
          }
          if (sim.taskDefinition) s.taskDefinition = sim.taskDefinition;
          s.runningCount = sim.completed ? s.desiredCount : 0;
        }
      }
      return out;
    },
    { step: 'initialize', name: 'switchyardEcsSimulator' },
  );

  clients.cloudwatch().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'GetMetricDataCommand') {
        for (const q of args.input.MetricDataQueries ?? []) if (q.MetricStat && /^p\d/.test(q.MetricStat.Stat)) q.MetricStat.Stat = 'Maximum';
      }
      return next(args);
    },
    { step: 'initialize', name: 'switchyardPercentileAsMaximum' },
  );

  clients.elb().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'ModifyListenerCommand' && current.world.faults.throttleModifyListener > 0) {
        current.world.faults.throttleModifyListener--;
        throw Object.assign(new Error('Rate exceeded (injected)'), { name: 'ThrottlingException', $fault: 'client' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'switchyardThrottleInjection' },
  );

  clients.sns().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'PublishCommand') {
        if (current.world.faults.failPublish > 0) {
          current.world.faults.failPublish--;
          throw Object.assign(new Error('SNS is unavailable (injected)'), { name: 'InternalErrorException', $fault: 'server' });
        }
        current.world.published.push({ topic: args.input.TopicArn, subject: args.input.Subject });
      }
      return next(args);
    },
    { step: 'initialize', name: 'switchyardPublishRecorder' },
  );
}
