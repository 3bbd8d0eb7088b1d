import { comparisonAlarmName } from '../../lambda/shared/alarm-names';
import { resolveJudge } from '../../lambda/shared/cutover-config';
import { ArnFormat, CfnOutput, Duration, Stack, StackProps, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { snapshotIdPrefix } from '../../lambda/shared/snapshot-id';
import { COLORS } from '../../lambda/shared/colors';
import { allowedImages, cutoverStages, SwitchyardConfig } from '../config/schema';
import { acknowledgeEcrPrefixes, ecrRepositoryArns } from '../ecr';
import { executionTimeoutSeconds } from '../../lambda/shared/decisions/limits';
import { AlarmRollback } from '../constructs/alarm-rollback';
import { CutoverState } from '../constructs/cutover-state';
import { TaskFunction } from '../constructs/cutover-functions';
import { CutoverStateMachine } from '../constructs/cutover-state-machine';
import { RollbackStateMachine } from '../constructs/rollback-state-machine';
import { OperatorPolicies } from '../constructs/operator-policies';
import { PlatformStack } from './platform-stack';
import { PlatformNames, PlatformReferences } from '../constructs/platform-references';
import { DataSyncTasks } from '../constructs/data-sync-tasks';
import { LogEncryption } from '../constructs/log-encryption';
import { BUNDLED_SETTINGS, DataSyncSettings, DnsCutover, HANDLER_ENV, HandlerTask } from '../../lambda/shared/settings';

/** What the data-sync handler needs to know about each task: where it logs and how long it may run. */
function dataSyncSettings(t: DataSyncTasks, c: NonNullable<SwitchyardConfig['dataSync']>): DataSyncSettings {
  const one = (x: NonNullable<DataSyncTasks['validation']>, minutes: number) => ({ logGroup: x.logGroupName, streamPrefix: x.streamPrefix, container: x.container.containerName, timeoutSeconds: minutes * 60 });
  return { sync: one(t.sync, c.timeoutMinutes), validation: t.validation && c.validation ? one(t.validation, c.validation.timeoutMinutes) : undefined };
}

/** A name the platform fixed at synth (a token would be a cross-stack reference). */
function literal(value: string | undefined, what: string): string {
  if (!value || Token.isUnresolved(value)) throw new Error(`${what} has no name fixed at synth; give it a physical name so the control stack can refer to it without an export`);
  return value;
}

/** The names the platform stack gave the resources the control stack refers to, read from its L1 resources. */
function platformNames(p: PlatformStack): PlatformNames {
  const alarmName = (a: cloudwatch.IAlarm) => literal((a.node.defaultChild as cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm).alarmName, a.node.path);
  const byColor = <T>(f: (x: 'blue' | 'green') => T) => ({ blue: f('blue'), green: f('green') });
  return {
    cluster: literal((p.cluster.node.defaultChild as ecs.CfnCluster).clusterName, 'the cluster'),
    services: byColor((x) => literal((p.colors[x].service.node.defaultChild as ecs.CfnService).serviceName, `the ${x} service`)),
    taskFamilies: byColor((x) => literal(p.colors[x].taskDefinition.family, `the ${x} task family`)),
    topics: {
      critical: literal((p.alerting.critical.node.defaultChild as sns.CfnTopic).topicName, 'the critical topic'),
      warning: literal((p.alerting.warning.node.defaultChild as sns.CfnTopic).topicName, 'the warning topic'),
    },
    rollbackAlarms: byColor((x) => alarmName(p.monitoring.colors[x].rollbackAlarm)),
    criticalAlarms: byColor((x) => p.monitoring.colors[x].criticalAlarms.map(alarmName)),
  };
}

/** Properties of {@link ControlStack}. */
export interface ControlStackProps extends StackProps {
  /** Validated environment configuration. */
  readonly config: SwitchyardConfig;
  /** Recorded state, lock and ledger. */
  readonly state: CutoverState;
  /** The data plane the cutover drives. */
  readonly platform: PlatformStack;
}

/** The control plane: the cutover and rollback state machines, their handlers, and alarm-driven rollback. */
export class ControlStack extends Stack {
  /** The cutover state machine. */
  public readonly cutover: CutoverStateMachine;
  /** The manual rollback state machine. */
  public readonly manualRollback: RollbackStateMachine;
  /** Alarm-driven rollback. */
  public readonly alarmRollback: AlarmRollback;
  /** The final data sync and validation tasks, when `dataSync` is configured. */
  public readonly dataSync?: DataSyncTasks;
  /** The managed policies people attach, one per role (operator; approver with the approval gates). */
  public readonly operatorPolicies: OperatorPolicies;
  /** The platform as this stack refers to it: by name and SSM parameter, no export. */
  public readonly platform: PlatformReferences;
  /** Every handler, by task folder. */
  public readonly functions: Record<string, TaskFunction> = {};

  constructor(scope: Construct, id: string, props: ControlStackProps) {
    super(scope, id, props);
    const { config: c, state, platform: p } = props;
    const prefix = p.namePrefix;
    const retention = c.logRetentionDays as logs.RetentionDays;
    // The platform by name and by SSM parameter, never by export (see PlatformReferences).
    this.platform = new PlatformReferences(this, 'Platform', {
      service: c.service.name,
      environment: c.environment,
      names: platformNames(p),
      network: { privateSubnetCount: p.privateSubnetCount, availabilityZones: p.cluster.vpc.availabilityZones },
    });
    const pr = this.platform;
    const color = (x: 'blue' | 'green') => pr.colors[x];
    new LogEncryption(this, 'LogEncryption', { namePrefix: prefix });

    // The sync tasks live here, beside the state machine that runs them: their
    // ARNs change with every revision, which a cross-stack export cannot.
    if (c.dataSync) {
      const secrets = (list: NonNullable<SwitchyardConfig['dataSync']>['secrets'], id: string) =>
        list.map((x, i) => ({ name: x.name, secret: secretsmanager.Secret.fromSecretCompleteArn(this, `${id}Secret${i}`, x.secretArn), jsonField: x.jsonField }));
      const { validation, ...sync } = c.dataSync;
      this.dataSync = new DataSyncTasks(this, 'DataSync', {
        namePrefix: prefix,
        cluster: pr.cluster,
        sync: { ...sync, secrets: secrets(sync.secrets, 'Sync') },
        validation: validation ? { ...validation, secrets: secrets(validation.secrets, 'Validation') } : undefined,
        logRetention: retention,
      });
    }

    const environment: Record<string, string> = {
      SERVICE: c.service.name,
      ENVIRONMENT: c.environment,
      LISTENER_ARN: pr.listenerArn,
      TEST_RULE_ARN: pr.testRuleArn,
      CLUSTER: pr.clusterName,
      SERVICE_BLUE: color('blue').serviceName,
      SERVICE_GREEN: color('green').serviceName,
      TARGET_GROUP_BLUE: color('blue').targetGroupArn,
      TARGET_GROUP_GREEN: color('green').targetGroupArn,
      ROLLBACK_ALARM_BLUE: color('blue').rollbackAlarm.alarmName,
      ROLLBACK_ALARM_GREEN: color('green').rollbackAlarm.alarmName,
      GATING_ALARMS_BLUE: color('blue').gatingAlarms.map((a) => a.alarmName).join(','),
      GATING_ALARMS_GREEN: color('green').gatingAlarms.map((a) => a.alarmName).join(','),
      LOCK_TABLE: state.lockTable.tableName,
      LEDGER_TABLE: state.ledgerTable.tableName,
      CRITICAL_TOPIC_ARN: pr.criticalTopic.topicArn,
      WARNING_TOPIC_ARN: pr.warningTopic.topicArn,
      TEST_TOKEN_SECRET_ARN: pr.testTokenSecret.secretArn,
      // With a domain the router serves HTTPS on it; without one, plain HTTP on the load balancer's name.
      BASE_URL: c.domain ? `https://${c.domain.domainName}` : `http://${pr.loadBalancerDnsName}`,
      WAF_MODE: c.waf.mode,
      WAF_ACL_NAME: new ResourceNames(prefix).webAcl(),
      DEREGISTRATION_DELAY_SECONDS: String(c.service.deregistrationDelaySeconds),
      TARGET_ERROR_RATE_PERCENT: String(c.alarms.errorRate.warning),
      TARGET_P95_SECONDS: String(c.alarms.p95Latency.warning),
      // The judge's ceiling and latency threshold default to the alarm levels. The rest as validated:
      // a function does not validate what is bundled into it again (lib/bundled-settings.ts).
      CUTOVER_DEFAULTS: JSON.stringify({ ...c.cutover, judge: { ...c.judge, ...resolveJudge(c.judge, { errorRateCriticalPercent: c.alarms.errorRate.critical, p95WarningSeconds: c.alarms.p95Latency.warning }) } }),
      MAINTENANCE_TARGET_GROUP_ARN: pr.maintenanceTargetGroupArn,
      MAINTENANCE_MAX_SECONDS: String(c.maintenance.maxSeconds),
      MAINTENANCE_TAG: prefix,
      OPERATOR_CIDRS: c.operatorCidrs.join(','),
      ALLOWED_IMAGES: JSON.stringify(allowedImages(c)),
      CHANGE_CONTROL: JSON.stringify({ changeWindows: c.changeWindows, freezes: c.freezes, changeWindowOverrun: c.changeWindowOverrun }),
      ...(c.database
        ? { DATABASE_INSTANCE: c.database.instanceIdentifier, SNAPSHOT_MAX_AGE_MINUTES: String(c.database.snapshotMaxAgeMinutes), SNAPSHOT_DEADLINE_MINUTES: String(c.database.snapshotDeadlineMinutes) }
        : {}),
      ...(c.service.stickiness.enabled ? { STICKINESS_SECONDS: String(c.service.stickiness.durationSeconds) } : {}),
      ...(this.dataSync && c.dataSync ? { DATA_SYNC: JSON.stringify(dataSyncSettings(this.dataSync, c.dataSync)) } : {}),
      ...(c.dns
        ? {
            DNS_CUTOVER: this.toJsonString({
              ...c.dns,
              albDnsName: pr.loadBalancerDnsName,
              albHostedZoneId: pr.loadBalancerHostedZoneId,
            } satisfies DnsCutover),
          }
        : {}),
    };
    // Each function gets only the variables its handler reads (HANDLER_ENV): Lambda allows 4 KB in all.
    // The large plain settings (BUNDLED_SETTINGS) are compiled into its bundle instead; references stay.
    const fn = (task: HandlerTask, timeout = Duration.seconds(60)) => {
      const own = HANDLER_ENV[task].filter((k) => k in environment);
      const bundle = (k: string) => (BUNDLED_SETTINGS as readonly string[]).includes(k) && !Token.isUnresolved(environment[k]);
      const pick = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, environment[k]]));
      const t = new TaskFunction(this, task, {
        task,
        functionName: new ResourceNames(prefix).lambdaFunction(task),
        environment: pick(own.filter((k) => !bundle(k))),
        bundledSettings: pick(own.filter(bundle)),
        timeout,
        logRetention: retention,
      });
      this.functions[task] = t;
      return t;
    };

    // What each handler may touch, named resource by resource.
    const listener = pr.listenerArn;
    const testRule = pr.testRuleArn;
    const services = COLORS.map((x) => color(x).serviceArn);
    const taskRoles = COLORS.flatMap((x) => [color(x).taskRoleArn, color(x).executionRoleArn]);
    const rollbackAlarmArns = COLORS.map((x) => color(x).rollbackAlarm.alarmArn);
    const gatingAlarmArns = COLORS.flatMap((x) => color(x).gatingAlarms.map((a) => a.alarmArn));
    const elbRead = ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeRules'];
    const ledgerWrite = (t: TaskFunction) => t.allow(['dynamodb:PutItem'], [state.ledgerTable.tableArn]);
    const publish = (t: TaskFunction) => t.allowPublish([pr.criticalTopic, pr.warningTopic]);

    // Maintenance rules are made at run time, so their ARNs are unknown: they are
    // tagged when made, and only rules carrying this environment's tag may be changed.
    const maintenanceTag = { 'aws:ResourceTag/switchyard:maintenance': prefix };
    const maintenanceGrants = (t: TaskFunction) => {
      t.allowUnscoped(elbRead);
      t.allow(['elasticloadbalancing:CreateRule'], [listener]);
      t.allowTagged(['elasticloadbalancing:AddTags'], { 'aws:RequestTag/switchyard:maintenance': prefix });
      t.allowTagged(['elasticloadbalancing:DeleteRule'], maintenanceTag);
      t.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [state.lockTable.tableArn]);
      pr.testTokenSecret.grantRead(t.role);
      ledgerWrite(t);
      publish(t);
    };

    // A legacy DNS cutover reads the record sets of one name, and may only UPSERT
    // that name's records: IAM itself keeps the legacy record from being deleted.
    const dnsGrants = (t: TaskFunction, change: boolean) => {
      if (!c.dns) return;
      const zone = this.formatArn({ service: 'route53', region: '', account: '', resource: 'hostedzone', resourceName: c.dns.hostedZoneId });
      t.allow(['route53:ListResourceRecordSets'], [zone]);
      if (!change) return;
      t.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['route53:ChangeResourceRecordSets'],
          resources: [zone],
          conditions: {
            'ForAllValues:StringEquals': {
              'route53:ChangeResourceRecordSetsNormalizedRecordNames': [c.dns.recordName.toLowerCase()],
              'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
            },
          },
        }),
      );
      t.allow(['route53:GetChange'], [this.formatArn({ service: 'route53', region: '', account: '', resource: 'change', resourceName: '*' })]);
      Validations.of(t.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:route53:::change/*]',
        reason: 'Route 53 names a change only when it is made; GetChange reads its status and nothing else.',
      });
    };

    const validateInput = fn('validate-input', Duration.seconds(10));

    const lock = fn('lock', Duration.seconds(30));
    // Releasing the lock turns maintenance mode off, on every exit of a cutover.
    maintenanceGrants(lock);
    state.grantRead(lock.role);
    lock.allow(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'], [state.lockTable.tableArn]);
    ledgerWrite(lock);
    publish(lock);

    const preflight = fn('preflight', Duration.seconds(60));
    preflight.allowUnscoped([...elbRead, 'cloudwatch:GetMetricData']);
    preflight.allow(['ecs:DescribeServices'], services);
    preflight.allow(['cloudwatch:DescribeAlarms'], gatingAlarmArns);
    ledgerWrite(preflight);
    // A start let through a change window or freeze by an override is announced.
    publish(preflight);
    dnsGrants(preflight, false);

    const deployIdle = fn('deploy-idle', Duration.seconds(90));
    deployIdle.allowUnscoped([...elbRead, 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition']);
    deployIdle.allow(['ecs:DescribeServices', 'ecs:UpdateService'], services);
    deployIdle.allow(['iam:PassRole'], taskRoles);
    // A new revision keeps its family's tags, and registering with tags needs
    // TagResource: only as part of RegisterTaskDefinition, only on the two families.
    const families = COLORS.map((x) => this.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${color(x).taskFamily}:*` }));
    deployIdle.role.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:TagResource'], resources: families, conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } } }));
    const ecsWhere = `arn:<AWS::Partition>:ecs:${Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region}:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}`;
    for (const x of COLORS) {
      Validations.of(deployIdle.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${ecsWhere}:task-definition/${color(x).taskFamily}:*]`,
        reason: 'A revision number exists only once RegisterTaskDefinition makes it; tagging is limited to that call (ecs:CreateAction) on this one family.',
      });
    }
    // It pins the image to its digest: DescribeImages on the repositories images may come from.
    const repositories = ecrRepositoryArns(this.partition, allowedImages(c));
    if (repositories.length > 0) {
      deployIdle.allow(['ecr:DescribeImages'], repositories);
      acknowledgeEcrPrefixes(deployIdle.role, repositories, 'Digests are read in every repository under a service.allowedImages prefix, the boundary the configuration sets; DescribeImages reads image metadata only.');
    }
    state.grantRead(deployIdle.role);
    state.grantWrite(deployIdle.role);
    ledgerWrite(deployIdle);

    const smokeTest = fn('smoke-test', Duration.minutes(9));
    pr.testTokenSecret.grantRead(smokeTest.role);
    // It reads the test route's rule (its token and target) before sending anything.
    smokeTest.allowUnscoped(['elasticloadbalancing:DescribeRules']);
    if (c.cutover.smoke.credentialsSecretArn) smokeTest.allow(['secretsmanager:GetSecretValue'], [c.cutover.smoke.credentialsSecretArn]);
    ledgerWrite(smokeTest);

    const traffic = fn('traffic', Duration.seconds(50));
    traffic.allowUnscoped([...elbRead, 'cloudwatch:GetMetricData']);
    traffic.allow(['elasticloadbalancing:ModifyListener'], [listener]);
    traffic.allow(['cloudwatch:DescribeAlarms'], rollbackAlarmArns);
    // A step held because both colors fail (judge.onBothBad: hold) pages the critical topic.
    publish(traffic);
    traffic.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [state.lockTable.tableArn]);
    ledgerWrite(traffic);
    dnsGrants(traffic, true);

    const promote = fn('promote', Duration.seconds(30));
    promote.allow(['elasticloadbalancing:ModifyRule'], [testRule]);
    promote.allow(['dynamodb:UpdateItem'], [state.lockTable.tableArn]);
    state.grantWrite(promote.role);
    ledgerWrite(promote);
    publish(promote);

    const watch = fn('watch', Duration.seconds(90));
    watch.allowUnscoped([...elbRead, 'cloudwatch:GetMetricData']);
    watch.allow(['cloudwatch:DescribeAlarms'], rollbackAlarmArns);
    watch.allow(['dynamodb:GetItem'], [state.lockTable.tableArn]);
    ledgerWrite(watch);

    const scaleDown = fn('scale-down', Duration.seconds(30));
    scaleDown.allowUnscoped(elbRead);
    scaleDown.allow(['ecs:UpdateService'], services);
    state.grantWrite(scaleDown.role);
    ledgerWrite(scaleDown);

    const maintenance = fn('maintenance', Duration.seconds(30));
    maintenanceGrants(maintenance);

    let dataSync: TaskFunction | undefined;
    if (this.dataSync) {
      dataSync = fn('data-sync', Duration.seconds(30));
      maintenanceGrants(dataSync);
      dataSync.allow(['dynamodb:UpdateItem'], [state.lockTable.tableArn]);
    }
    // The bound on maintenance mode: checked every minute, off once past its maximum.
    new events.Rule(this, 'MaintenanceExpiry', {
      description: 'Turn maintenance mode off once it has lasted its maximum',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new eventTargets.LambdaFunction(maintenance.function, { event: events.RuleTargetInput.fromObject({ action: 'expire' }), retryAttempts: 2 })],
    });
    // A tick whose handler throws is retried by Lambda, then dropped; the next tick
    // tries again, but an expiry that keeps failing leaves maintenance mode on: page.
    new lambda.EventInvokeConfig(this, 'MaintenanceExpiryAsyncInvoke', {
      function: maintenance.function,
      retryAttempts: 2,
      onFailure: new destinations.SnsDestination(pr.criticalTopic),
    });

    let backup: TaskFunction | undefined;
    if (c.database) {
      backup = fn('backup', Duration.seconds(60));
      const rdsArn = (resource: string, name: string) => this.formatArn({ service: 'rds', resource, resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      const ours = rdsArn('snapshot', `${snapshotIdPrefix(c.service.name, c.environment)}*`);
      backup.allow(['rds:DescribeDBSnapshots'], [rdsArn('db', c.database.instanceIdentifier), rdsArn('snapshot', '*')]);
      backup.allow(['rds:CreateDBSnapshot'], [rdsArn('db', c.database.instanceIdentifier), ours]);
      ledgerWrite(backup);
      // cdk-nag names a finding by the ARN as synthesized: a concrete account, or the pseudo parameter.
      const where = `arn:<AWS::Partition>:rds:${Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region}:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}`;
      Validations.of(backup.role).acknowledge(
        {
          id: `AwsSolutions-IAM5[Resource::${where}:snapshot:*]`,
          reason: 'Finding a recent snapshot reads the instance\'s snapshots, automated ones included, whose names RDS chooses; read-only.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${where}:snapshot:${snapshotIdPrefix(c.service.name, c.environment)}*]`,
          reason: 'New snapshots are named switchyard-<service>-<environment>-<timestamp>; the timestamp is only known when one is taken.',
        },
      );
    }

    // Rollback and the alarm handler share the rollback action and its permissions.
    const rollbackGrants = (t: TaskFunction) => {
      t.allowUnscoped(elbRead);
      t.allow(['elasticloadbalancing:ModifyListener'], [listener]);
      t.allow(['elasticloadbalancing:ModifyRule'], [testRule]);
      t.allow(['ecs:UpdateService'], services);
      t.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [state.lockTable.tableArn]);
      state.grantRead(t.role);
      state.grantWrite(t.role);
      ledgerWrite(t);
      publish(t);
      dnsGrants(t, true);
    };
    const rollback = fn('rollback', Duration.minutes(13));
    rollbackGrants(rollback);
    const alarmHandler = fn('alarm-handler', Duration.minutes(13));
    rollbackGrants(alarmHandler);
    // In hold mode the handler reads the other color's rollback alarm and the comparison alarm beside each
    // (`<prefix>-<color>-worse-than-<other>`, named by convention; the ARN names the alarm, whether or not it exists).
    alarmHandler.allow(['cloudwatch:DescribeAlarms'], [
      ...rollbackAlarmArns,
      ...COLORS.map((x) => this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: comparisonAlarmName(color(x).rollbackAlarm.alarmName, x === 'blue' ? 'green' : 'blue'), arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    ]);
    // It gives an event claim back when handling fails, so EventBridge's retry acts.
    alarmHandler.allow(['dynamodb:DeleteItem'], [state.ledgerTable.tableArn]);

    // Approval gates. The Service Authorization Reference lists no resource type
    // for states:SendTaskSuccess or SendTaskFailure (a task token, not an ARN,
    // names the task), so they take only "*". Compensation: approvers get
    // neither, nor the tokens; they may only invoke this one function (its
    // resource policy names them), which resolves only the token stored for
    // this environment's running cutover, after checking the execution, the
    // gate and requireDistinctApprover.
    const gate = fn('gate', Duration.seconds(30));
    gate.allowUnscoped(['elasticloadbalancing:DescribeListeners', 'states:SendTaskSuccess', 'states:SendTaskFailure']);
    gate.allow(['cloudwatch:DescribeAlarms'], rollbackAlarmArns);
    gate.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [state.lockTable.tableArn]);
    ledgerWrite(gate);
    publish(gate);
    c.approverPrincipals.forEach((arn, i) => gate.function.addPermission(`Approver${i}`, { principal: new iam.ArnPrincipal(arn), action: 'lambda:InvokeFunction' }));
    // An alarm that rolls back while a gate waits ends that wait (SendTaskFailure, unscopable as above; only the stored token).
    alarmHandler.allowUnscoped(['states:SendTaskFailure']);

    // Pause and resume (operators, through the operator policy): the ramp holds at a stored token that only
    // resume releases (SendTaskSuccess, unscopable as above; only the token stored for this environment).
    const pause = fn('pause', Duration.seconds(30));
    pause.allowUnscoped(['elasticloadbalancing:DescribeListeners', 'states:SendTaskSuccess']);
    pause.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [state.lockTable.tableArn]);
    ledgerWrite(pause);
    publish(pause);

    this.cutover = new CutoverStateMachine(this, 'Cutover', {
      namePrefix: prefix,
      functions: {
        validateInput: validateInput.function,
        lock: lock.function,
        preflight: preflight.function,
        deployIdle: deployIdle.function,
        smokeTest: smokeTest.function,
        traffic: traffic.function,
        promote: promote.function,
        watch: watch.function,
        scaleDown: scaleDown.function,
        rollback: rollback.function,
        gate: gate.function,
        pause: pause.function,
        backup: backup?.function,
        maintenance: maintenance.function,
        dataSync: dataSync?.function,
      },
      dataSync:
        this.dataSync && c.dataSync
          ? { cluster: pr.cluster, tasks: this.dataSync, syncTimeout: Duration.minutes(c.dataSync.timeoutMinutes), validationTimeout: c.dataSync.validation ? Duration.minutes(c.dataSync.validation.timeoutMinutes) : undefined }
          : undefined,
      criticalTopic: pr.criticalTopic,
      deregistrationDelaySeconds: c.service.deregistrationDelaySeconds,
      timeout: Duration.seconds(executionTimeoutSeconds(cutoverStages(c))),
      logRetention: retention,
    });
    this.manualRollback = new RollbackStateMachine(this, 'ManualRollback', { namePrefix: prefix, rollback: rollback.function, criticalTopic: pr.criticalTopic, logRetention: retention });
    // A handler that keeps failing (its rollback too) pages instead of vanishing.
    this.alarmRollback = new AlarmRollback(this, 'AlarmRollback', { rollbackAlarms: COLORS.map((x) => color(x).rollbackAlarm), handler: alarmHandler.function, onFailure: pr.criticalTopic });

    // What people attach: one managed policy per role, each an output.
    const names = new ResourceNames(prefix);
    const parameters = state.parameterNames;
    this.operatorPolicies = new OperatorPolicies(this, 'OperatorPolicies', {
      namePrefix: prefix,
      cutover: { stateMachine: this.cutover.stateMachine, name: names.stateMachine('cutover') },
      rollback: { stateMachine: this.manualRollback.stateMachine, name: names.stateMachine('rollback') },
      outputStacks: [names.stack('control'), names.stack('state')],
      ledgerTableArn: state.ledgerTable.tableArn,
      maintenanceFunction: maintenance.function,
      pauseFunction: pause.function,
      preflightFunction: preflight.function,
      stateParameterArns: [parameters.liveColor, ...COLORS.flatMap((x) => [parameters.image[x], parameters.desiredCount[x]])].map((n) =>
        this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: n.replace(/^\//, '') }),
      ),
      approval: { gateFunction: gate.function, outputStack: names.stack('control') },
    });

    new CfnOutput(this, 'CutoverStateMachineArn', { value: this.cutover.stateMachine.stateMachineArn, description: 'Start a cutover here' });
    new CfnOutput(this, 'PauseFunctionName', { value: pause.function.functionName, description: 'Operators invoke this to pause or resume a ramp (npm run cutover -- pause|resume)' });
    new CfnOutput(this, 'GateFunctionName', { value: gate.function.functionName, description: 'Approvers invoke this to approve or reject a gate (npm run cutover -- approve|reject)' });
    new CfnOutput(this, 'RollbackStateMachineArn', { value: this.manualRollback.stateMachine.stateMachineArn, description: 'Start a manual rollback here' });
  }
}
