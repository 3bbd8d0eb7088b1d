import { Template } from 'aws-cdk-lib/assertions';
import { synthEnv } from '../helpers/synth';

const dev = synthEnv('dev');
const template = Template.fromStack(dev.control);
const json = template.toJSON() as { Resources: Record<string, any>; Outputs: Record<string, any> };
const policies = () => Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');
const operator = () => policies().find(([, r]) => r.Properties.ManagedPolicyName === 'shop-dev-operator')!;
const statements = () => operator()[1].Properties.PolicyDocument.Statement as Array<{ Sid: string; Action: string | string[]; Resource: unknown; Effect: string }>;
const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('operator policy', () => {
  it('is one managed policy per role, today the operator only, its ARN a stack output', () => {
    expect(policies().map(([, r]) => r.Properties.ManagedPolicyName)).toEqual(['shop-dev-operator']);
    expect(json.Outputs.OperatorPolicyArn.Value).toEqual({ Ref: operator()[0] });
  });

  it('holds exactly the actions the operator CLI calls: start, follow, pause, resume, roll back, ledger, maintenance, judge', () => {
    expect(statements().every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements().flatMap(actions).sort()).toEqual(
      [
        'cloudformation:DescribeStacks',
        'states:StartExecution',
        'states:ListExecutions',
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'dynamodb:Query',
        'lambda:InvokeFunction',
        'lambda:GetFunctionConfiguration',
        'ssm:GetParameters',
        'cloudwatch:GetMetricData',
      ].sort(),
    );
    // Nothing that stops an execution midway (its Catch would not run) or changes traffic directly.
    expect(statements().flatMap(actions).filter((a) => /Stop|Modify|Update|Delete|Put|\*/.test(a))).toEqual([]);
  });

  it('names this environment\'s resources; only GetMetricData, which has no resource-level permission, is on "*"', () => {
    const byId = Object.fromEntries(statements().map((s) => [s.Sid, JSON.stringify(s.Resource)]));
    const sm = (name: string) => Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === name)![0];
    expect(byId.StartCutoverAndRollback).toContain(sm('shop-dev-cutover'));
    expect(byId.StartCutoverAndRollback).toContain(sm('shop-dev-rollback'));
    expect(byId.FindLatestCutover).toContain(sm('shop-dev-cutover'));
    expect(byId.FindLatestCutover).not.toContain(sm('shop-dev-rollback'));
    expect(byId.FollowExecutions).toContain(':execution:shop-dev-cutover:*');
    expect(byId.FollowExecutions).toContain(':execution:shop-dev-rollback:*');
    expect(byId.ReadStackOutputs).toContain(':stack/shop-dev-control/*');
    expect(byId.ReadStackOutputs).toContain(':stack/shop-dev-state/*');
    expect(byId.ReadLedger).toMatch(/CutoverStateLedger.*Arn/);
    expect(byId.MaintenanceModeAndPause).toMatch(/^\[\{"Fn::GetAtt":\["maintenanceFunction[0-9A-F]+","Arn"\]\},\{"Fn::GetAtt":\["pauseFunction[0-9A-F]+","Arn"\]\}\]$/);
    expect(byId.JudgeSettings).toMatch(/^\{"Fn::GetAtt":\["preflightFunction[0-9A-F]+","Arn"\]\}$/);
    expect(byId.JudgeLiveColor).toContain(':parameter/switchyard/shop/dev/live-color');
    expect(Object.entries(byId).filter(([, r]) => r === '"*"').map(([sid]) => sid)).toEqual(['JudgeMetrics']);
  });
});
