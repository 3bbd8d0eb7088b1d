import { allStates, renderDefinition } from '../../rehearsal/definition';
import { snapshotOf, synthEnv } from '../helpers/synth';

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
        expect({ name, retry: (s.Retry ?? []).length > 0, catch: (s.Catch ?? []).length > 0, timeout: typeof s.TimeoutSeconds === 'number' }).toEqual({ name, retry: true, catch: true, timeout: true });
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

  it('run on Node 24 with their settings in the environment', () => {
    const p = fn('shop-dev-traffic');
    expect(p.Runtime).toBe('nodejs24.x');
    expect(Object.keys(p.Environment.Variables)).toEqual(expect.arrayContaining(['LISTENER_ARN', 'TEST_RULE_ARN', 'LOCK_TABLE', 'LEDGER_TABLE', 'CUTOVER_DEFAULTS']));
    expect(JSON.parse(p.Environment.Variables.CUTOVER_DEFAULTS).steps).toEqual([10, 50, 100]);
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
      expect(JSON.stringify(st[0].Resource)).toMatch(/ProductionListener|RouterAlbProduction/);
    }
    expect(statements('preflight').flatMap((s) => ([] as string[]).concat(s.Action))).not.toContain('elasticloadbalancing:ModifyListener');
  });

  it('use "*" only for actions without resource-level permissions', () => {
    const allowedUnscoped = new Set(['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeRules', 'cloudwatch:GetMetricData', 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition']);
    for (const task of ['validate-input', 'lock', 'preflight', 'deploy-idle', 'smoke-test', 'traffic', 'promote', 'watch', 'scale-down', 'rollback', 'alarm-handler']) {
      const unconditioned = statements(task).filter((st) => ([] as unknown[]).concat(st.Resource).includes('*') && !st.Condition);
      for (const a of unconditioned.flatMap((st) => ([] as string[]).concat(st.Action))) expect({ task, action: a, allowed: allowedUnscoped.has(a) }).toEqual({ task, action: a, allowed: true });
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
    expect(rule.Targets[0].DeadLetterConfig.Arn).toBeDefined();
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

describe('snapshot', () => {
  it('control (dev)', () => {
    expect(snapshotOf(template())).toMatchSnapshot();
  });
});
