/**
 * A cutover world against moto: the data plane built through the AWS API the
 * way the stacks describe it, the handlers' environment, and shims for what
 * moto cannot do, each named here:
 *
 * - ECS deployments never finish in moto. The ECS simulator watches
 *   UpdateService calls, registers (or removes) one healthy target per task in
 *   the color's target group, and reports the PRIMARY deployment COMPLETED,
 *   unless a scenario keeps a color from ever becoming healthy, or has the
 *   deployment circuit breaker fail a new task definition and roll it back
 *   (`faults.circuitBreakerRollback`).
 * - No traffic flows and moto never evaluates alarms: a simulation
 *   (simulation.ts) sends each simulated minute's requests by the weights read
 *   back from the listener, publishes the metrics AWS would, evaluates the
 *   templates' alarms (composite ones included) as CloudWatch does, and
 *   delivers their events to the targets of the synthesized EventBridge rules.
 * - moto has no composite alarms: the handlers' DescribeAlarms calls are
 *   answered from the evaluator's states (alarm-states.ts), composite alarms
 *   listed as CloudWatch lists them.
 * - moto cannot compute percentile statistics: GetMetricData calls that ask
 *   for one are answered from the simulation's metric store; the others go to
 *   moto, which holds every datapoint visible by then.
 * - moto accepts any weights; the handlers' own validation rejects bad ones
 *   before calling AWS (tested with the decisions).
 * - moto routes no HTTP: one stand-in application answers for the load
 *   balancer. A request whose test header matches the test rule's condition
 *   (as moto holds it) is answered by the color the rule forwards to, any
 *   other by the production default's color (the live one, always healthy);
 *   each answer names its color in X-Switchyard-Color, as the application is
 *   asked to (SWITCHYARD_COLOR).
 */
import { CloudWatchClient, GetMetricDataCommandInput, GetMetricDataCommandOutput, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Color, COLORS, stateParameterNames } from '../lambda/shared/colors';
import { ecrRepositoryOf, parseImageRef } from '../lambda/shared/images';
import { CutoverDefaults, handlerDefaultsSchema } from '../lambda/shared/cutover-config';
import { callCounter, sdkClient } from '../lambda/shared/adapters/clients';
import { history, LedgerEntry } from '../lambda/shared/adapters/ledger';
import { getLock } from '../lambda/shared/adapters/lock';
import { readWeights, weightsOf } from '../lambda/shared/adapters/elb';
import { readDnsWeights, recordSets } from '../lambda/shared/adapters/route53';
import { DnsWeights } from '../lambda/shared/decisions/dns';
import { DnsCutover } from '../lambda/shared/settings';
import { resetSettings } from '../lambda/shared/settings';
import { COLOR_HEADER, TEST_HEADER } from '../lambda/shared/routes';
import { Weights } from '../lambda/shared/decisions/weights';
import { synthesizedApp, SynthesizedApp } from './app';
import { resetEmulator, Snapshots } from './moto';
import { createResources, forwardTo, planKey, pushImage, REGION, resourcePlan, targetIps, WorldResources } from './world-resources';
import { clockStartMs, VirtualClock } from './clock';
import { AlarmState } from './alarms/alarm-rule';
import { AlarmEvent } from './alarms/deliver';
import { resolve, ResolveContext } from './alarms/intrinsics';
import { elbDimension, emulatedLookup, EmulatedResources } from './alarms/resources';
import { AlarmStates } from './alarm-states';
import { AlarmDef, readAlarms, readEventRules } from './alarms/template';
import { Datapoint, MetricId } from './metrics/store';
import { answerGetMetricData, needsStandIn, queriedMetrics } from './metrics/stand-in';
import { FAKE_ACCOUNT } from './definition';
import { RunOptions, taskHandler } from './run';
import { SimulatedWorld, Simulation } from './simulation';
import { dataSourceCheck, Publication } from './traffic/model';
import { Fault, Traffic, trafficSchema } from './traffic/schema';

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
  /**
   * Colors whose next deployment of a new task definition the ECS circuit
   * breaker fails (its tasks never start) and rolls back: after
   * {@link CIRCUIT_BREAKER_TRIPS_MS} the previous task definition is PRIMARY
   * again and its tasks healthy targets, the failed deployment listed FAILED
   * until the rollback completes {@link ROLLBACK_COMPLETES_MS} later. Used once.
   */
  circuitBreakerRollback: Set<Color>;
  /**
   * Reads of the production listener, through the handlers' client, that
   * return what the read before them saw: a listener whose weights lag one read.
   */
  lagListenerReads: number;
  /** Another writer: right after each ModifyListener of the handlers, it sets the production weights to these. */
  overwriteListener?: Weights;
}

/** How long the circuit breaker takes to fail a deployment whose tasks never start (a few failed launches). */
export const CIRCUIT_BREAKER_TRIPS_MS = 3 * 60_000;
/** How long the breaker's rollback deployment runs before it is COMPLETED and the failed one no longer listed. */
export const ROLLBACK_COMPLETES_MS = 60_000;
const BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';

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
  /** Changes laid over `config/<env>.json` before synthesis (a drill's `config`). */
  readonly config?: object;
  /** The simulated users: requests a minute, error rates, latency... Default: 1,000 healthy requests a minute. */
  readonly traffic?: Traffic;
  /** Faults laid over the traffic for one color. */
  readonly faults?: readonly Fault[];
  /**
   * Simulated minutes before the world is handed over, so alarms settle from
   * INSUFFICIENT_DATA as they would in a running account.
   * @default 15
   */
  readonly warmUpMinutes?: number;
  readonly desiredCount?: number;
  /** When the cutover starts (epoch ms): the simulated clock starts `warmUpMinutes` before it. Default: `warmUpMinutes` after the next whole minute. */
  readonly startAtMs?: number;
  /** Overrides of the environment's cutover defaults. */
  readonly defaults?: Partial<CutoverDefaults>;
}

export class World implements SimulatedWorld {
  readonly faults: Faults = { neverHealthy: new Set(), throttleModifyListener: 0, failPublish: 0, circuitBreakerRollback: new Set(), lagListenerReads: 0 };
  /** The production listener's actions at the handlers' last read (for faults.lagListenerReads). */
  private lastListenerRead?: unknown;
  readonly app: AppBehaviour = { health: 200, business: 200 };
  /** Notifications the world saw published, newest last. */
  readonly published: Array<{ topic: string; subject: string; message?: string }> = [];
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
  /** Users, metrics, alarm evaluation and event delivery; set by build(). */
  simulation!: Simulation;
  /** Every alarm of the platform template, as deployed. */
  alarmDefinitions: AlarmDef[] = [];
  private server?: http.Server;
  /** The alarms' states as the evaluator sets them; the handlers' DescribeAlarms reads them (alarm-states.ts). */
  alarmStates!: AlarmStates;
  private readonly registered: Record<Color, number> = { blue: 0, green: 0 };
  private readonly desiredTasks: Record<Color, number> = { blue: 0, green: 0 };
  private topics = { critical: '', warning: '' };
  private testTokenSecretArn = '';
  private loadBalancerArn = '';
  private readonly serviceTaskDefinition = new Map<string, string>();
  /** A deployment the circuit breaker fails, by color: the failed and previous task definitions, when it trips and when it rolled back. */
  private readonly breaker: Partial<Record<Color, { failed: string; previous: string; tripsAtMs: number; rolledBackAtMs?: number }>> = {};
  private ipCounter = 10;
  /** Whether build() restored moto's snapshot of an earlier build of the same plan instead of making the resources. */
  restoredFromSnapshot = false;

  constructor(readonly endpoint: string, private readonly opts: WorldOptions = {}) {
    this.synthesized = synthesizedApp(opts.env ?? 'dev', opts.config);
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

  /** The world's client of each service, made on first use (a client resolves its whole configuration as it is made). */
  private readonly clients = new Map<Function, unknown>();
  private sdk<T>(C: new (c: object) => T): T {
    if (!this.clients.has(C)) this.clients.set(C, new C({ endpoint: this.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    return this.clients.get(C) as T;
  }

  /**
   * Creates the data plane, control-plane state and the handlers' environment
   * in an emptied moto: whatever it held before is gone.
   */
  async build(): Promise<void> {
    process.env.AWS_ENDPOINT_URL = this.endpoint;
    process.env.AWS_REGION = REGION;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    this.published.length = 0;
    this.ranTasks.length = 0;
    callCounter.clear();

    // The same plan makes the same resources: restored from moto's snapshot of the last build of it, if any.
    const plan = resourcePlan(this.synthesized, this.desired);
    const key = planKey(plan);
    const snapshots = Snapshots.of(this.endpoint);
    let made = await snapshots.restore<WorldResources>(key);
    this.restoredFromSnapshot = made !== undefined;
    if (!made) {
      await resetEmulator(this.endpoint);
      made = await createResources(plan, (C) => this.sdk(C));
      await snapshots.save(key, made);
    }
    this.adopt(made);
    this.createAlarms();

    const baseUrl = await this.startApp();
    // The environment's own cutover defaults; with no smoke checks configured the
    // stand-in application is checked on its health path and a business endpoint.
    const configured = handlerDefaultsSchema.parse(JSON.parse(this.synthesized.handlerEnv.CUTOVER_DEFAULTS));
    const defaults = handlerDefaultsSchema.parse({
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
    // The handlers' environment is this world's alone: a variable an earlier world set (a DNS cutover, a database) must not outlive it.
    for (const k of handlerEnvSet) delete process.env[k];
    const handlerEnv: Record<string, string> = {
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
      CRITICAL_TOPIC_ARN: this.topics.critical,
      WARNING_TOPIC_ARN: this.topics.warning,
      TEST_TOKEN_SECRET_ARN: this.testTokenSecretArn,
      BASE_URL: baseUrl,
      POLL_MS: '20',
      MAINTENANCE_TARGET_GROUP_ARN: this.maintenanceTargetGroup,
      CUTOVER_DEFAULTS: JSON.stringify(defaults),
      ...(this.dns ? { DNS_CUTOVER: JSON.stringify(this.dns) } : {}),
    };
    handlerEnvSet = Object.keys(handlerEnv);
    Object.assign(process.env, handlerEnv);
    resetSettings();
    installShims(this);
    this.clock.install();
    const warmUpMs = (this.opts.warmUpMinutes ?? 15) * 60_000;
    this.clock.startAt(clockStartMs(this.clock.now(), warmUpMs, this.opts.startAtMs));
    this.simulation = this.newSimulation(this.opts.traffic ?? trafficSchema.parse({}), this.opts.faults ?? []);
    await this.simulation.passTime(warmUpMs);
  }

  /** Takes the names and ARNs of the resources moto holds, made or restored. */
  private adopt(r: WorldResources): void {
    this.loadBalancerArn = r.loadBalancerArn;
    this.loadBalancerDimension = elbDimension(r.loadBalancerArn);
    Object.assign(this.targetGroups, r.targetGroups);
    this.maintenanceTargetGroup = r.maintenanceTargetGroup;
    this.listenerArn = r.listenerArn;
    this.testRuleArn = r.testRuleArn;
    this.serviceTaskDefinition.clear();
    for (const c of COLORS) {
      this.serviceTaskDefinition.set(r.services[c].name, r.services[c].taskDefinition);
      this.desiredTasks[c] = r.services[c].desired;
      this.registered[c] = r.services[c].desired;
    }
    this.ipCounter = r.ipCounter;
    this.topics = { ...r.topics };
    this.testTokenSecretArn = r.testTokenSecretArn;
    this.dns = r.dns;
  }

  /** The emulator's resources, for resolving the templates' references. */
  private resources(): EmulatedResources {
    return {
      region: REGION,
      account: FAKE_ACCOUNT,
      listenerArn: this.listenerArn,
      loadBalancerArn: this.loadBalancerArn,
      targetGroups: this.targetGroups,
      maintenanceTargetGroup: this.maintenanceTargetGroup,
      cluster: this.prefix,
      services: { blue: `${this.prefix}-blue`, green: `${this.prefix}-green` },
      topics: this.topics,
    };
  }

  private resolveContext(which: 'platform' | 'control'): ResolveContext {
    const r = this.resources();
    const platform = { template: this.synthesized.templates.platform, lookup: emulatedLookup(this.synthesized.templates.platform, r) };
    const t = this.synthesized.templates[which];
    return { template: t, lookup: emulatedLookup(t, r), exporters: which === 'control' ? [platform] : [], region: REGION, account: FAKE_ACCOUNT };
  }

  /** Every alarm of the template, each OK, its state set by the evaluator from then on (moto has no composites and evaluates none). */
  private createAlarms(): void {
    this.alarmDefinitions = readAlarms(this.resolveContext('platform'), this.synthesized.paths.platform);
    this.alarmStates = new AlarmStates(this.alarmDefinitions, (name) => `arn:aws:cloudwatch:${REGION}:${FAKE_ACCOUNT}:alarm:${name}`, this.clock.now());
  }

  /** Where the simulated services publish their metrics. */
  publication(): Publication {
    const service = { blue: `${this.prefix}-blue`, green: `${this.prefix}-green` };
    return {
      loadBalancer: this.loadBalancerDimension,
      targetGroup: { blue: elbDimension(this.targetGroups.blue), green: elbDimension(this.targetGroups.green) },
      cluster: this.prefix,
      service,
      taskExits: this.taskExitMetrics(service),
    };
  }

  /**
   * The metric the stack's log metric filters make of each color's stopped
   * tasks (an ECS task state-change event, as EventBridge logs it): read from
   * the template, so the simulation publishes what the filter would.
   */
  private taskExitMetrics(service: Record<Color, string>): Record<Color, MetricId> | undefined {
    const ctx = this.resolveContext('platform');
    const found: Partial<Record<Color, MetricId>> = {};
    for (const r of Object.values(ctx.template.Resources) as any[]) {
      if (r.Type !== 'AWS::Logs::MetricFilter') continue;
      const p = resolve(r.Properties, ctx);
      const color = COLORS.find((c) => String(p.FilterPattern).includes(`"service:${service[c]}"`));
      if (!color) continue;
      const t = p.MetricTransformations[0];
      // The dimension values are selectors into the event; the group of a service's task is "service:<name>".
      const event: Record<string, string> = { '$.detail.group': `service:${service[color]}` };
      const dimensions = Object.fromEntries((t.Dimensions ?? []).map((d: { Key: string; Value: string }) => {
        if (!(d.Value in event)) throw new Error(`metric filter ${t.MetricName}: dimension ${d.Key} selects ${d.Value}, which the rehearsal's task events do not model`);
        return [d.Key, event[d.Value]];
      }));
      found[color] = { namespace: t.MetricNamespace, metricName: t.MetricName, dimensions };
    }
    return found.blue && found.green ? (found as Record<Color, MetricId>) : undefined;
  }

  /** A simulation of this world's users and alarms (build() makes the first one). */
  newSimulation(traffic: Traffic, faults: readonly Fault[], colors: { old: Color; new: Color } = { old: 'blue', new: 'green' }): Simulation {
    const publication = this.publication();
    return new Simulation(this, {
      traffic,
      faults,
      colors,
      publication,
      alarms: this.alarmDefinitions,
      rules: readEventRules(this.resolveContext('control'), this.synthesized.paths.control),
      dataSource: dataSourceCheck(publication),
      account: FAKE_ACCOUNT,
      region: REGION,
    });
  }

  /**
   * Options that run a state machine in this world: its templates, clock, ECS
   * task simulator and simulated time, with the cutover's moments (colors,
   * steps, promotion) told to the simulation; the caller's hooks run too.
   */
  runOptions(o: RunOptions = {}): RunOptions {
    return {
      clock: this.clock,
      app: this.synthesized,
      ecsTask: this.runEcsTask,
      passTime: (ms) => this.passTime(ms),
      ...o,
      after: async (state, ok, output: any) => {
        if (ok && state === 'AcquireLock' && output?.newColor) this.simulation.setColors({ old: output.previousColor, new: output.newColor });
        if (ok && state === 'ShiftTraffic' && typeof output?.index === 'number') this.simulation.mark({ step: output.index + 1 });
        if (ok && state === 'Promote') this.simulation.mark('promotion');
        await o.after?.(state, ok, output);
      },
    };
  }

  /** Lets simulated time pass: users keep coming, alarms are evaluated, events delivered. */
  async passTime(ms: number): Promise<void> {
    await this.simulation.passTime(ms);
    await this.tripCircuitBreakers();
  }

  /** A deployment whose tasks never started is failed by the circuit breaker, and the previous task definition comes back. */
  private async tripCircuitBreakers(): Promise<void> {
    for (const c of COLORS) {
      const b = this.breaker[c];
      if (!b || b.rolledBackAtMs !== undefined || this.clock.now() < b.tripsAtMs) continue;
      b.rolledBackAtMs = this.clock.now();
      this.serviceTaskDefinition.set(`${this.prefix}-${c}`, b.previous);
      await this.setTargets(c, this.desiredTasks[c]);
    }
  }

  /**
   * The production listener as the simulated users meet it, read from the emulator. The read is kept until
   * routingChanged(), which every write to the load balancer calls (the handlers' one ELB client and the
   * world's own writes): the minutes between two changes do not each ask moto again.
   */
  async readListener(): Promise<{ weights: Weights; stickiness: { enabled: boolean; durationSeconds: number }; albShare: number }> {
    return { ...(await this.listener()), albShare: this.dns ? await this.albShareOfClients() : 1 };
  }

  private listenerRead?: Promise<{ weights: Weights; stickiness: { enabled: boolean; durationSeconds: number } }>;

  private async listener(): Promise<{ weights: Weights; stickiness: { enabled: boolean; durationSeconds: number } }> {
    const read = (this.listenerRead ??= this.describeListener());
    return read.catch((e) => {
      if (this.listenerRead === read) this.listenerRead = undefined;
      throw e;
    });
  }

  private async describeListener(): Promise<{ weights: Weights; stickiness: { enabled: boolean; durationSeconds: number } }> {
    const r = await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.DescribeListenersCommand({ ListenerArns: [this.listenerArn] }));
    const actions = r.Listeners![0].DefaultActions;
    const sticky = actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroupStickinessConfig;
    return { weights: weightsOf(actions, this.targetGroups), stickiness: { enabled: sticky?.Enabled === true, durationSeconds: sticky?.DurationSeconds ?? 0 } };
  }

  /** With a legacy DNS cutover, the share of clients whose DNS answer is the load balancer (the rest go to the legacy endpoint). */
  private async albShareOfClients(): Promise<number> {
    const d = this.dns!;
    const r = await this.sdk(Route53Client).send(new ListResourceRecordSetsCommand({ HostedZoneId: d.hostedZoneId, StartRecordName: d.recordName, MaxItems: 100 }));
    const weight = (id: string) => Number((r.ResourceRecordSets ?? []).find((x) => x.SetIdentifier === id)?.Weight ?? 0);
    const [legacy, alb] = [weight(d.legacySetIdentifier), weight(d.albSetIdentifier)];
    return legacy + alb === 0 ? 0 : alb / (legacy + alb);
  }

  capacity(): { registered: Record<Color, number>; desired: Record<Color, number> } {
    return { registered: { ...this.registered }, desired: { ...this.desiredTasks } };
  }

  async recordAlarmState(name: string, state: AlarmState, reason: string): Promise<void> {
    this.alarmStates.set(name, state, reason, this.clock.now());
  }

  async putMetricData(points: ReadonlyArray<{ id: MetricId; point: Datapoint }>): Promise<void> {
    const cw = this.sdk(CloudWatchClient);
    const byNamespace = new Map<string, Array<{ id: MetricId; point: Datapoint }>>();
    for (const p of points) byNamespace.set(p.id.namespace, [...(byNamespace.get(p.id.namespace) ?? []), p]);
    for (const [Namespace, list] of byNamespace) {
      // moto takes at most 20 datapoints a call (the old PutMetricData limit).
      for (let i = 0; i < list.length; i += 20) {
        const MetricData = list.slice(i, i + 20).map(({ id, point }) => ({
          MetricName: id.metricName,
          Dimensions: Object.entries(id.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Timestamp: new Date(point.timestamp),
          StatisticValues: { SampleCount: point.sampleCount, Sum: point.sum, Minimum: point.minimum, Maximum: point.maximum },
        }));
        await cw.send(new PutMetricDataCommand({ Namespace, MetricData }));
      }
    }
  }

  async invokeTarget(functionArn: string, event: AlarmEvent): Promise<unknown> {
    const fn = functionArn.split(':function:')[1] ?? '';
    if (!fn.startsWith(`${this.prefix}-`)) throw new Error(`event target ${functionArn} is not a function of this environment`);
    return taskHandler(fn.slice(this.prefix.length + 1))(event);
  }

  /**
   * GetMetricData for the handlers: percentiles from the metric store, the rest from moto once it holds what is
   * visible of the metrics the call asks for (the others wait for a call that asks: a call answers from its own
   * metrics only, and most of what the simulation publishes is read only by the alarm evaluator).
   */
  async getMetricData(input: GetMetricDataCommandInput, next: () => Promise<GetMetricDataCommandOutput>): Promise<GetMetricDataCommandOutput> {
    if (needsStandIn(input)) return answerGetMetricData(this.simulation.store, input, this.clock.now());
    await this.simulation.flushMetrics(queriedMetrics(input));
    return next();
  }

  /** Runs one RunTask (.sync) state as Step Functions would report it: pass as `ecsTask` to runStateMachine. */
  readonly runEcsTask = async (state: string, params: any): Promise<unknown> => {
    this.ranTasks.push({ state, params });
    const r = this.taskRuns[state] ?? {};
    await this.passTime((r.seconds ?? 60) * 1000);
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
    const b = this.breaker[c];
    const wanted = this.faults.neverHealthy.has(c) || (b !== undefined && b.rolledBackAtMs === undefined) ? 0 : count;
    this.registered[c] = wanted;
    if (wanted > 0) {
      await elb.send(new elbv2.RegisterTargetsCommand({ TargetGroupArn: tg, Targets: targetIps(c, this.ipCounter, wanted) }));
      this.ipCounter += wanted;
    }
  }

  /**
   * Sets an alarm's state from outside the system (an operator's
   * SetAlarmState, an alarm that was already firing): it holds until the alarm
   * is next evaluated, and its event is delivered like any other.
   */
  async setAlarm(c: Color, state: AlarmState, name = this.alarmNames[c]): Promise<void> {
    await this.simulation.setAlarmState(name, state, `rehearsal set ${state}`);
  }

  /** Production weights as the emulator reports them. */
  weights(): Promise<Weights> {
    return readWeights(this.listenerArn, this.targetGroups);
  }

  /** faults.lagListenerReads: hands back the production listener's previous read instead of this one. */
  lagListenerRead(arns: readonly string[] | undefined, listeners: Array<{ DefaultActions?: unknown }>): void {
    if (!arns?.includes(this.listenerArn) || listeners.length !== 1) return;
    const seen = listeners[0].DefaultActions;
    if (this.faults.lagListenerReads > 0 && this.lastListenerRead !== undefined) {
      this.faults.lagListenerReads--;
      listeners[0].DefaultActions = this.lastListenerRead as never;
    }
    this.lastListenerRead = seen;
  }

  /** faults.overwriteListener: another writer sets the production weights right after a handler did. */
  async overwriteListener(arn: string): Promise<void> {
    const w = this.faults.overwriteListener;
    if (w === undefined || arn !== this.listenerArn) return;
    await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.ModifyListenerCommand({ ListenerArn: arn, DefaultActions: forwardTo(this.targetGroups, w) }));
    await this.routingChanged();
  }

  /** Production weights as the emulator holds them, read with the world's own client (not counted among the handlers' calls; kept as readListener keeps them). */
  async observeWeights(): Promise<Weights> {
    return (await this.listener()).weights;
  }

  /** A color's ECS service as the emulator holds it, read with the world's own client: desired count and image. */
  async observeService(c: Color): Promise<{ desiredCount: number; image: string | undefined }> {
    const ecs = this.sdk(ECSClient);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: this.prefix, services: [`${this.prefix}-${c}`] }))).services![0];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }))).taskDefinition!;
    return { desiredCount: svc.desiredCount!, image: td.containerDefinitions?.[0]?.image };
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

  /** Pushes `image` (a private ECR image by tag) into the emulator's ECR; `content` stands for what was built. Returns the image's digest. */
  pushImage(image: string, content = image): Promise<string> {
    return pushImage(this.sdk(ECRClient), image, content);
  }

  /**
   * A rehearsed cutover's release, pushed as it would be before a real one: its
   * image, when it is a private ECR image by tag, is put in the emulator's ECR
   * (deploy-idle resolves its digest there). Anything else is left alone.
   */
  async pushRelease(input: unknown): Promise<void> {
    const image = (input as { image?: unknown } | null)?.image;
    if (typeof image !== 'string') return;
    const ref = parseImageRef(image);
    if (ref?.tag && !ref.digest && ecrRepositoryOf(ref.repository)) await this.pushImage(image);
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
    const c: Color = service.endsWith('-blue') ? 'blue' : 'green';
    const previous = this.serviceTaskDefinition.get(service);
    if (taskDefinition && taskDefinition !== previous) {
      // A new deployment replaces whatever the circuit breaker did before.
      delete this.breaker[c];
      if (previous && this.faults.circuitBreakerRollback.delete(c)) this.breaker[c] = { failed: taskDefinition, previous, tripsAtMs: this.clock.now() + CIRCUIT_BREAKER_TRIPS_MS };
    }
    if (taskDefinition) this.serviceTaskDefinition.set(service, taskDefinition);
    if (desired !== undefined) {
      this.desiredTasks[c] = desired;
      await this.setTargets(c, desired);
    }
  }

  /** Targets a fault makes fail their health check, as the load balancer reports them. */
  markUnhealthy(targetGroupArn: string, descriptions: elbv2.TargetHealthDescription[]): void {
    const c = COLORS.find((x) => this.targetGroups[x] === targetGroupArn);
    const n = c ? (this.simulation?.behaviour(c)?.unhealthyTargets ?? 0) : 0;
    for (const d of descriptions.slice(0, n)) d.TargetHealth = { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed (rehearsal fault)' };
  }

  rolloutCompleted(service: string, desired: number): { taskDefinition: string | undefined; completed: boolean; failed?: { taskDefinition: string; reason: string } } {
    const c: Color = service.endsWith('-blue') ? 'blue' : 'green';
    const taskDefinition = this.serviceTaskDefinition.get(service);
    const b = this.breaker[c];
    if (b && desired > 0) {
      // Tasks of the new task definition never start; then the rollback deployment runs, with the failed one listed until it completes.
      if (b.rolledBackAtMs === undefined) return { taskDefinition, completed: false };
      const rolledBack = this.clock.now() >= b.rolledBackAtMs + ROLLBACK_COMPLETES_MS;
      return { taskDefinition, completed: rolledBack, ...(rolledBack ? {} : { failed: { taskDefinition: b.failed, reason: BREAKER_REASON } }) };
    }
    // A service at zero tasks has nothing to roll out.
    return { taskDefinition, completed: desired === 0 || !this.faults.neverHealthy.has(c) };
  }

  /**
   * Rotates the test-route token as an operator would, putting a new value in
   * the secret: the listener rule keeps the value it was deployed with, as
   * CloudFormation leaves a dynamic reference unresolved until its resource changes.
   */
  async rotateTestToken(value: string): Promise<void> {
    await this.sdk(SecretsManagerClient).send(new PutSecretValueCommand({ SecretId: this.testTokenSecretArn, SecretString: value }));
  }

  /** The color a request with this test header reaches: the test rule's, when the header matches its condition, else the production default's. */
  private async answeringColor(token: string | undefined): Promise<Color> {
    const r = await (this.routing ??= this.readRouting()).catch((e: unknown) => {
      // A failed read is not kept: the next request reads again.
      this.routing = undefined;
      throw e;
    });
    const weights = token !== undefined && r.testValues.includes(token) ? r.test : r.production;
    return weights.green > weights.blue ? 'green' : 'blue';
  }

  /**
   * The load balancer's routing as the stand-in app answers by it, read once
   * after each change rather than per request: a smoke test measures the
   * app's latency in real time, which must not include emulator round trips
   * (on a loaded machine they alone exceed a check's maxLatencyMs).
   */
  private routing?: Promise<{ testValues: string[]; test: Weights; production: Weights }>;

  private async readRouting(): Promise<{ testValues: string[]; test: Weights; production: Weights }> {
    const r = await this.sdk(elbv2.ElasticLoadBalancingV2Client).send(new elbv2.DescribeRulesCommand({ RuleArns: [this.testRuleArn] }));
    const testValues = (r.Rules![0].Conditions ?? []).flatMap((c) => (c.Field === 'http-header' ? c.HttpHeaderConfig?.Values ?? [] : []));
    return { testValues, test: weightsOf(r.Rules![0].Actions, this.targetGroups), production: await this.observeWeights() };
  }

  /** The listener or a rule changed: the users' next minute and the stand-in app read the routing again (the app now, so no request waits for it). */
  async routingChanged(): Promise<void> {
    this.listenerRead = undefined;
    if (!this.server) return void (this.routing = undefined);
    const read = this.readRouting();
    this.routing = read;
    // A failed read is dropped here and retried by the next request, which then reports it.
    await read.catch(() => {
      if (this.routing === read) this.routing = undefined;
    });
  }

  private async startApp(): Promise<string> {
    if (!this.server) {
      this.server = http.createServer(async (req, res) => {
        // Only a token the test rule matches reaches the idle color; anything else lands on the live color, which is healthy.
        const header = req.headers[TEST_HEADER.toLowerCase()];
        const color = await this.answeringColor(Array.isArray(header) ? header[0] : header);
        const app = color === this.simulation?.colors.old ? { health: 200, business: 200 } : this.app;
        const named = { [COLOR_HEADER]: color };
        if (req.url === this.synthesized.targetGroup.healthCheckPath) {
          res.writeHead(app.health, { 'content-type': 'text/plain', ...named }).end('ok');
          return;
        }
        if (req.url === '/api/checkout') {
          res.writeHead(app.business, { 'content-type': 'application/json', ...named }).end(JSON.stringify({ ok: app.business < 400 }));
          return;
        }
        res.writeHead(404, named).end();
      });
      await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    }
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.clock.uninstall();
    this.routing = undefined;
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
    for (const c of this.clients.values()) (c as { destroy(): void }).destroy();
    this.clients.clear();
  }
}

/** The variables the last world built in this process set for its handlers. */
let handlerEnvSet: string[] = [];

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

  // The handlers' own clients: sdkClient gives the one instance per service.
  sdkClient('ecs', (c) => new ECSClient(c))().middlewareStack.add(
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
          if (sim.failed) s.deployments = [...(s.deployments ?? []), { id: 'ecs-svc/failed', status: 'ACTIVE', taskDefinition: sim.failed.taskDefinition, rolloutState: 'FAILED', rolloutStateReason: sim.failed.reason }];
          if (sim.taskDefinition) s.taskDefinition = sim.taskDefinition;
          s.runningCount = sim.completed ? s.desiredCount : 0;
        }
      }
      return out;
    },
    { step: 'initialize', name: 'switchyardEcsSimulator' },
  );

  sdkClient('cloudwatch', (c) => new CloudWatchClient(c))().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'DescribeAlarmsCommand') return { output: current.world.alarmStates.describe(args.input), response: {} } as any;
      if (context.commandName !== 'GetMetricDataCommand') return next(args);
      return { output: await current.world.getMetricData(args.input, async () => (await next(args)).output as GetMetricDataCommandOutput), response: {} } as any;
    },
    { step: 'initialize', name: 'switchyardMetricStandIn' },
  );

  sdkClient('elb', (c) => new elbv2.ElasticLoadBalancingV2Client(c))().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'ModifyListenerCommand' && current.world.faults.throttleModifyListener > 0) {
        current.world.faults.throttleModifyListener--;
        throw Object.assign(new Error('Rate exceeded (injected)'), { name: 'ThrottlingException', $fault: 'client' });
      }
      const out: any = await next(args);
      if (context.commandName === 'DescribeTargetHealthCommand') current.world.markUnhealthy(args.input.TargetGroupArn, out.output.TargetHealthDescriptions ?? []);
      if (context.commandName === 'DescribeListenersCommand') current.world.lagListenerRead(args.input.ListenerArns, out.output.Listeners ?? []);
      if (context.commandName === 'ModifyListenerCommand') await current.world.overwriteListener(args.input.ListenerArn);
      if (/^(Modify|Create|Delete|Set)/.test(context.commandName ?? '')) await current.world.routingChanged();
      return out;
    },
    { step: 'initialize', name: 'switchyardThrottleInjection' },
  );

  sdkClient('sns', (c) => new SNSClient(c))().middlewareStack.add(
    (next, context) => async (args: any) => {
      if (context.commandName === 'PublishCommand') {
        if (current.world.faults.failPublish > 0) {
          current.world.faults.failPublish--;
          throw Object.assign(new Error('SNS is unavailable (injected)'), { name: 'InternalErrorException', $fault: 'server' });
        }
        current.world.published.push({ topic: args.input.TopicArn, subject: args.input.Subject, message: args.input.Message });
      }
      return next(args);
    },
    { step: 'initialize', name: 'switchyardPublishRecorder' },
  );
}
