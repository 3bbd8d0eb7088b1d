import { allStates, renderDefinition } from '../../rehearsal/definition';
import { snapshotOf, synthEnv } from '../helpers/synth';
import { MAX_EVENT_AGE_SECONDS } from '../../lambda/shared/decisions/alarm';
import { executionTimeoutSeconds, lockLifetimeSeconds, stagesFromSettings } from '../../lambda/shared/decisions/limits';
import { parseSettings } from '../../lambda/shared/settings';
import { cutoverStages } from '../../lib/config/schema';

const dev = synthEnv('dev');
const template = () => (dev.control as any).__template ?? ((dev.control as any).__template = require('aws-cdk-lib/assertions').Template.fromStack(dev.control));
const json = () => template().toJSON();
const smId = (name: string) => Object.entries(json().Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === name)![0];
const cutover = () => renderDefinition(json(), smId('shop-dev-cutover'));
const manual = () => renderDefinition(json(), smId('shop-dev-rollback'));

describe('cutover state machine', () => {
  it('documents its input as its description', () => {
    expect(cutover().definition.Comment).toMatch(/"reason": "release 1.2.3" \(required\)/);
    expect(cutover().definition.Comment).toMatch(/strategy/);
  });

  it('uses JSONPath only: no JSONata, no Assign', () => {
    const text = JSON.stringify(cutover().definition);
    expect(cutover().definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('gives every Task an explicit Retry, Catch and timeout', () => {
    for (const [def, tasks] of [[cutover().definition, 20], [manual().definition, 2]] as const) {
      const taskStates = allStates(def).filter(([, s]) => s.Type === 'Task');
      expect(taskStates.length).toBeGreaterThanOrEqual(tasks);
      for (const [name, s] of taskStates) {
        // An approval gate waits as long as the plan's approvals.timeoutSeconds says, a held pause until it pages.
        const timeout = typeof s.TimeoutSeconds === 'number' || (String(s.Resource).endsWith('.waitForTaskToken') && ['$.plan.approvals.timeoutSeconds', '$.plan.pause.pageAfterSeconds'].includes(s.TimeoutSecondsPath));
        expect({ name, retry: (s.Retry ?? []).length > 0, catch: (s.Catch ?? []).length > 0, timeout }).toEqual({ name, retry: true, catch: true, timeout: true });
      }
    }
  });

  it('ends every path after traffic moved in Succeeded, RolledBack or RollbackFailed', () => {
    const d = cutover().definition;
    const terminal = allStates(d).filter(([, s]) => s.Type === 'Succeed' || s.Type === 'Fail').map(([n]) => n).sort();
    expect(terminal).toEqual(['AbortedBeforeTraffic', 'CutoverAlreadyRunning', 'DryRunPassed', 'InvalidInput', 'PreflightNoGo', 'RollbackFailed', 'RolledBack', 'ScaleDownFailed', 'Succeeded'].sort());
    // Every state that can move traffic sends failures to the rollback.
    for (const name of ['ShiftTraffic', 'CheckStep', 'Promote', 'WatchTick']) {
      expect(d.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rollback' }]);
    }
    expect(d.States.Rollback.Catch[0].Next).toBe('PageRollbackFailed');
  });

  it('bakes a step again while the step check says extend, holds while it says paused, then goes on to the next step', () => {
    const d = cutover().definition;
    expect(d.States.Bake).toMatchObject({ Type: 'Wait', SecondsPath: '$.plan.bakeSeconds', Next: 'CheckStep' });
    expect(d.States.CheckStep.Next).toBe('BakeAgain?');
    expect(d.States['BakeAgain?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.check.paused', BooleanEquals: true, Next: 'Paused' },
        { Variable: '$.check.extend', BooleanEquals: true, Next: 'Bake' },
      ],
      Default: 'MoreSteps?',
    });
    // Held at a stored token until resume (back to the step check); its page interval times it out to PauseOverdue, which holds again or rolls back.
    expect(d.States.Paused).toMatchObject({ Resource: expect.stringMatching(/waitForTaskToken$/), TimeoutSecondsPath: '$.plan.pause.pageAfterSeconds', Next: 'CheckStep' });
    expect(d.States.Paused.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.pauseTimeout', Next: 'PauseOverdue' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rollback' },
    ]);
    expect(d.States.PauseOverdue).toMatchObject({ Next: 'Paused', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rollback' }] });
  });

  it('releases the lock on every exit after it was taken', () => {
    const d = cutover().definition;
    const releases = allStates(d).filter(([, s]) => s.Type === 'Task' && s.Parameters?.action === 'release');
    const outcomes = releases.map(([, s]) => s.Parameters.outcome).sort();
    expect(outcomes).toEqual(['Aborted', 'DryRunPassed', 'PreflightNoGo', 'RollbackFailed', 'RolledBack', 'ScaleDownFailed', 'Succeeded'].sort());
    for (const [, s] of releases) expect(d.States[s.Next].Type).toMatch(/Succeed|Fail/);
  });

  it('logs ALL with execution data and traces with X-Ray', () => {
    template().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'shop-dev-cutover',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('handlers', () => {
  const fn = (name: string) => Object.values(json().Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === name)!.Properties;

  it('run on Node 24 with their references in the environment and the large plain settings in the bundle', () => {
    const p = fn('shop-dev-traffic');
    expect(p.Runtime).toBe('nodejs24.x');
    expect(Object.keys(p.Environment.Variables)).toEqual(expect.arrayContaining(['LISTENER_ARN', 'LOCK_TABLE', 'LEDGER_TABLE']));
    expect(fn('shop-dev-smoke-test').Environment.Variables.CUTOVER_DEFAULTS).toBeUndefined();
    expect(JSON.parse(dev.control.functions['smoke-test'].bundledSettings.CUTOVER_DEFAULTS).steps).toEqual([10, 50, 100]);
  });

  function statements(task: string): any[] {
    const role = fn(`shop-dev-${task}`).Role['Fn::GetAtt'][0];
    const policies = Object.values(json().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role));
    return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
  }
  it('scope listener writes to the production listener', () => {
    for (const task of ['traffic', 'rollback', 'alarm-handler']) {
      const st = statements(task).filter((s) => ([] as string[]).concat(s.Action).includes('elasticloadbalancing:ModifyListener'));
      expect(st).toHaveLength(1);
      // The listener's ARN as the platform wrote it to SSM (no export).
      expect(JSON.stringify(st[0].Resource)).toMatch(/^\{"Ref":"SsmParameterValueswitchyardshopdevplatformlistenerarn[0-9A-F]+Parameter"\}$/);
    }
    expect(statements('preflight').flatMap((s) => ([] as string[]).concat(s.Action))).not.toContain('elasticloadbalancing:ModifyListener');
  });

  it('use "*" only for actions without resource-level permissions', () => {
    const allowedUnscoped = new Set(['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeRules', 'cloudwatch:GetMetricData', 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition']);
    // A task token, not an ARN, names the task these resolve; only the gate and the alarm handler have them.
    const tokenActions = { gate: ['states:SendTaskSuccess', 'states:SendTaskFailure'], 'alarm-handler': ['states:SendTaskFailure'] } as Record<string, string[]>;
    for (const task of ['validate-input', 'lock', 'preflight', 'deploy-idle', 'smoke-test', 'traffic', 'promote', 'watch', 'scale-down', 'rollback', 'alarm-handler', 'gate']) {
      const unconditioned = statements(task).filter((st) => ([] as unknown[]).concat(st.Resource).includes('*') && !st.Condition);
      for (const a of unconditioned.flatMap((st) => ([] as string[]).concat(st.Action))) expect({ task, action: a, allowed: allowedUnscoped.has(a) || (tokenActions[task] ?? []).includes(a) }).toEqual({ task, action: a, allowed: true });
    }
  });

  it('change listener rules made at run time only when they carry this environment\'s maintenance tag', () => {
    for (const task of ['lock', 'maintenance']) {
      const tagged = statements(task).filter((st) => st.Condition);
      expect(tagged.map((st) => [st.Action, st.Condition])).toEqual([
        ['elasticloadbalancing:AddTags', { StringEquals: { 'aws:RequestTag/switchyard:maintenance': 'shop-dev' } }],
        ['elasticloadbalancing:DeleteRule', { StringEquals: { 'aws:ResourceTag/switchyard:maintenance': 'shop-dev' } }],
      ]);
    }
    for (const task of ['traffic', 'promote', 'rollback', 'alarm-handler']) {
      expect(statements(task).flatMap((st) => ([] as string[]).concat(st.Action))).not.toContain('elasticloadbalancing:DeleteRule');
    }
  });

  it('scope ECS updates to the two services, and PassRole to the task roles', () => {
    const st = statements('deploy-idle');
    const update = st.find((s) => ([] as string[]).concat(s.Action).includes('ecs:UpdateService'));
    expect(JSON.stringify(update.Resource)).not.toContain('"*"');
    const pass = st.find((s) => ([] as string[]).concat(s.Action).includes('iam:PassRole'));
    expect(pass.Resource).toHaveLength(4);
  });

  it('only the scale-down, deploy and rollback handlers may change a service\'s task count', () => {
    const updaters = ['validate-input', 'lock', 'preflight', 'deploy-idle', 'smoke-test', 'traffic', 'promote', 'watch', 'scale-down', 'rollback', 'alarm-handler'].filter((t) =>
      statements(t).some((s) => ([] as string[]).concat(s.Action).includes('ecs:UpdateService')),
    );
    expect(updaters).toEqual(['deploy-idle', 'scale-down', 'rollback', 'alarm-handler']);
  });

  it('write the ledger; only the alarm handler may delete from it (its own event claims)', () => {
    for (const task of ['lock', 'preflight', 'deploy-idle', 'smoke-test', 'traffic', 'promote', 'watch', 'scale-down', 'rollback', 'alarm-handler']) {
      const ledgerActions = statements(task).filter((s) => JSON.stringify(s.Resource).includes('CutoverStateLedger')).flatMap((s) => ([] as string[]).concat(s.Action));
      expect({ task, put: ledgerActions.includes('dynamodb:PutItem') }).toEqual({ task, put: true });
      expect({ task, delete: ledgerActions.includes('dynamodb:DeleteItem') }).toEqual({ task, delete: task === 'alarm-handler' });
    }
  });

  it('validate-input can do nothing in AWS but write its logs', () => {
    expect(statements('validate-input').flatMap((s) => ([] as string[]).concat(s.Action)).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });
});

describe('alarm-driven rollback', () => {
  it('routes both colors\' rollback alarms to the handler, with a dead-letter queue and a 5-minute event age', () => {
    const rule = Object.values(json().Resources as Record<string, any>).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern)!.Properties;
    expect(rule.EventPattern).toMatchObject({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } });
    expect(rule.EventPattern.detail.alarmName).toHaveLength(2);
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 4 });
    // Undeliverable events land in the construct's own dead-letter queue.
    const queues = Object.entries(json().Resources as Record<string, any>).filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.includes('DeadLetters'));
    expect(queues).toHaveLength(1);
    expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queues[0][0], 'Arn'] } });
  });

  it('a handler that keeps throwing pages the critical topic (an on-failure destination), its retries ending before the handler would ignore the event as old', () => {
    const resources = json().Resources as Record<string, any>;
    const handlerId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-dev-alarm-handler')![0];
    const configs = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === handlerId);
    // EventBridge invokes the unqualified function: the $LATEST configuration applies.
    expect(configs).toHaveLength(1);
    const c = configs[0].Properties;
    expect(c.Qualifier).toBe('$LATEST');
    expect(c.MaximumRetryAttempts).toBe(2);
    // Lambda counts the age from when it queued the event, the handler from the alarm's change: a minute is kept for delivery.
    expect(c.MaximumEventAgeInSeconds).toBe(MAX_EVENT_AGE_SECONDS - 60);
    const critical = dev.platform.alerting.critical;
    const criticalRef = JSON.stringify(c.DestinationConfig.OnFailure.Destination);
    expect(criticalRef).toMatch(/:sns:eu-west-1:.*:shop-dev-critical"\]\]\}$/);
    // Lambda publishes to the destination with the function's role: sns:Publish on the topic, and the topic's KMS key.
    const role = resources[handlerId].Properties.Role['Fn::GetAtt'][0];
    const st = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role)).flatMap((r) => r.Properties.PolicyDocument.Statement);
    const allows = (action: string, resource: string) => st.some((x: any) => x.Effect === 'Allow' && ([] as string[]).concat(x.Action).includes(action) && JSON.stringify(x.Resource).includes(resource));
    expect(allows('sns:Publish', criticalRef)).toBe(true);
    expect(critical.masterKey).toBeDefined();
    // The key's ARN as the platform wrote it to SSM.
    expect(allows('kms:GenerateDataKey*', 'platformalertingkeyarn')).toBe(true);
    expect(allows('kms:Decrypt', 'platformalertingkeyarn')).toBe(true);
    // The key's policy lets the account's IAM policies grant its use (so the role's grant above takes effect).
    const keyId = Object.entries(dev.platformTemplate.toJSON().Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::KMS::Key')!;
    expect(keyId[1].Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: 'kms:*', Principal: { AWS: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([':root'])] }) } }));
  });
});

describe('maintenance expiry', () => {
  it('an expiry tick whose handler keeps throwing pages the critical topic instead of being dropped', () => {
    const resources = json().Resources as Record<string, any>;
    const fnId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-dev-maintenance')![0];
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression === 'rate(1 minute)')!.Properties;
    expect(JSON.stringify(schedule.Targets[0].Arn)).toContain(fnId);
    const configs = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === fnId);
    expect(configs).toHaveLength(1);
    expect(configs[0].Properties.MaximumRetryAttempts).toBe(2);
    expect(JSON.stringify(configs[0].Properties.DestinationConfig.OnFailure.Destination)).toMatch(/:sns:eu-west-1:",{"Ref":"AWS::AccountId"},":shop-dev-critical"/);
  });
});

describe('deploy guard', () => {
  it('runs before the listener, test rule and services change', () => {
    const p = dev.platformTemplate.toJSON();
    const guard = Object.entries(p.Resources as Record<string, any>).find(([, r]) => r.Type === 'Custom::SwitchyardDeployGuard')![0];
    for (const type of ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ECS::Service']) {
      for (const r of Object.values(p.Resources as Record<string, any>).filter((x) => x.Type === type)) {
        if (type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && r.Properties.Priority !== 10) continue;
        expect(r.DependsOn).toEqual(expect.arrayContaining([guard]));
      }
    }
  });
});

describe('backup stage', () => {
  it('exists only when a database is configured', () => {
    expect(Object.keys(cutover().definition.States)).not.toContain('TakeBackup');
    const prod = synthEnv('production');
    const pj = require('aws-cdk-lib/assertions').Template.fromStack(prod.control).toJSON();
    const id = Object.entries(pj.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === 'shop-production-cutover')![0];
    const d = renderDefinition(pj, id).definition;
    expect(d.States['Go?'].Choices[0].Next).toBe('TakeBackup');
    expect(d.States['BackupReady?'].Choices[0].Next).toBe('DeployIdle');
    expect(d.States.TakeBackup.Catch[0].Next).toBe('AbortBeforeTraffic');
  });
});

describe('data and legacy cutovers (staging)', () => {
  const staging = synthEnv('staging');
  const sj = () => require('aws-cdk-lib/assertions').Template.fromStack(staging.control).toJSON();
  const definition = () => {
    const j = sj();
    const id = Object.entries(j.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === 'shop-staging-cutover')![0];
    return renderDefinition(j, id).definition;
  };
  const policyOf = (fn: string) => {
    const j = sj();
    const roleId = Object.entries(j.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `shop-staging-${fn}`)![1].Properties.Role['Fn::GetAtt'][0];
    return (Object.values(j.Resources) as any[]).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId)).flatMap((r) => r.Properties.PolicyDocument.Statement);
  };

  it('runs the sync and validation tasks to completion, each outcome judged by the data-sync handler', () => {
    const d = definition();
    expect(d.States['DryRun?'].Default).toBe('Maintenance?');
    expect(d.States.MaintenanceOn.Next).toBe('DataSync?');
    expect(d.States.SyncData).toMatchObject({ Resource: 'arn:aws:states:::ecs:runTask.sync', TimeoutSeconds: 1800, Next: 'CheckSync' });
    // The family: its latest active revision, the one this stack registered (IAM names exactly that one).
    expect(d.States.SyncData.Parameters).toMatchObject({ LaunchType: 'FARGATE', TaskDefinition: 'shop-staging-sync' });
    // Private subnets, the sync tasks' own security group, no public address (left out: DISABLED).
    const net = d.States.SyncData.Parameters.NetworkConfiguration.AwsvpcConfiguration;
    expect(net).toEqual({ Subnets: [expect.any(String), expect.any(String)], SecurityGroups: ['groupid-DataSyncSecurityGroup0E7146EA'] });
    // Success and failure both go to the check, which records exit code and logs.
    expect(d.States.SyncData.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.syncTask', Next: 'CheckSync' }]);
    expect(d.States.SyncData.Retry).toBeUndefined();
    expect(d.States.ValidateSync).toMatchObject({ TimeoutSeconds: 600, Next: 'CheckValidation' });
    expect(d.States.CheckValidation.Next).toBe('EndSync');
    expect(d.States.EndSync.Next).toBe('ShiftTraffic');
    for (const s of ['MaintenanceOn', 'BeginSync', 'CheckSync', 'CheckValidation', 'EndSync']) expect(d.States[s].Catch[0].Next).toBe('AbortBeforeTraffic');
    expect(d.States.MaintenanceOff.Catch[0].Next).toBe('Rollback');
    expect(d.States['MaintenanceStillOn?'].Choices[0]).toEqual({ Variable: '$.maintenance.onAtMs', IsPresent: true, Next: 'MaintenanceOff' });
  });

  it('lets the state machine run only the exact task revisions it names', () => {
    const j = sj();
    const sm = (Object.values(j.Resources) as any[]).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('CutoverRole'));
    const statements = sm.flatMap((r) => r.Properties.PolicyDocument.Statement);
    const run = statements.find((x: any) => x.Action === 'ecs:RunTask');
    // Refs of the two task definitions: their ARNs with the revision, no family:* wildcard.
    expect(run.Resource).toEqual([{ Ref: expect.stringMatching(/^DataSync[0-9A-F]{8}$/) }, { Ref: expect.stringMatching(/^DataSyncValidation[0-9A-F]{8}$/) }]);
    for (const r of run.Resource) expect(j.Resources[r.Ref].Type).toBe('AWS::ECS::TaskDefinition');
  });

  it('may only UPSERT the one record name, never delete it', () => {
    for (const fn of ['traffic', 'rollback', 'alarm-handler']) {
      const change = policyOf(fn).find((x: any) => x.Action === 'route53:ChangeResourceRecordSets');
      expect(change.Condition).toEqual({
        'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['shop-staging.example.com'], 'route53:ChangeResourceRecordSetsActions': ['UPSERT'] },
      });
      expect(JSON.stringify(change.Resource)).toContain(':route53:::hostedzone/Z0123456789ABCDEFGHIJ');
    }
    const preflight = policyOf('preflight').filter((x: any) => String(x.Action).startsWith('route53:'));
    expect(preflight.map((x: any) => x.Action)).toEqual(['route53:ListResourceRecordSets']);
  });

  it('tells the handlers the records and the load balancer they point at', () => {
    const j = sj();
    const fn = (Object.values(j.Resources) as any[]).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-staging-traffic');
    const dns = JSON.stringify(fn.Properties.Environment.Variables.DNS_CUTOVER);
    expect(dns).toContain('legacy-shop.example.net');
    expect(dns).toMatch(/"albDnsName.*SsmParameterValueswitchyardshopstagingplatformloadbalancerdnsname/);
    expect(dns).toMatch(/"albHostedZoneId.*SsmParameterValueswitchyardshopstagingplatformloadbalancerhostedzoneid/);
    const sync = (Object.values(j.Resources) as any[]).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-staging-data-sync');
    expect(sync.Properties.Environment.Variables.DATA_SYNC).toBeUndefined();
    expect(JSON.parse(staging.control.functions['data-sync'].bundledSettings.DATA_SYNC)).toEqual({
      sync: { logGroup: '/switchyard/shop-staging/sync', streamPrefix: 'sync', container: 'sync', timeoutSeconds: 1800 },
      validation: { logGroup: '/switchyard/shop-staging/validation', streamPrefix: 'validation', container: 'validation', timeoutSeconds: 600 },
    });
  });

  it('dev has maintenance stages but no sync stage', () => {
    const d = cutover().definition;
    expect(d.States.MaintenanceOn.Next).toBe('ShiftTraffic');
    expect(Object.keys(d.States)).not.toContain('SyncData');
  });
});

describe('execution limits', () => {
  /** The settings a function of this template reads (references stand in as placeholders; the stages are plain values). */
  const handlerSettings = (j: any, functionName: string, bundled: Record<string, string>) => {
    const vars = Object.values(j.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === functionName)!.Properties.Environment.Variables;
    // DNS_CUTOVER joins the load balancer's name into JSON: left out, it is no stage.
    const plain = Object.entries(vars).filter(([k, v]) => typeof v === 'string' || k !== 'DNS_CUTOVER');
    return parseSettings(Object.fromEntries(plain.map(([k, v]) => [k, typeof v === 'string' ? v : k === 'BASE_URL' ? 'https://placeholder.example' : 'placeholder'])), undefined, bundled);
  };
  it.each(['dev', 'staging', 'production'])('%s: the state machine\'s timeout is the one the handlers derive from their settings, and the lock outlives it', (env) => {
    const s = synthEnv(env);
    const j = require('aws-cdk-lib/assertions').Template.fromStack(s.control).toJSON();
    const id = Object.entries(j.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === `shop-${env}-cutover`)![0];
    const timeout = renderDefinition(j, id).definition.TimeoutSeconds;
    const stages = stagesFromSettings(handlerSettings(j, `shop-${env}-lock`, { ...s.control.functions.lock.bundledSettings }));
    expect(stages).toEqual(cutoverStages(s.config));
    expect(timeout).toBe(executionTimeoutSeconds(stages));
    // Longer than any accepted plan's ramp and watch (72 hours of watch at most), with every stage at its deadline.
    expect(timeout).toBeGreaterThan(84 * 3600 + stages.idleDeadlineSeconds + stages.backupDeadlineSeconds + stages.syncStageSeconds);
    expect(lockLifetimeSeconds(stages)).toBeGreaterThan(timeout);
  });
});

describe('snapshot', () => {
  it('control (dev)', () => {
    expect(snapshotOf(template())).toMatchSnapshot();
  });
});
