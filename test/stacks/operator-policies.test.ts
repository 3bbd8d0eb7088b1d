import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../scripts/switchyard';
import { synthEnv } from '../helpers/synth';

const dev = synthEnv('dev');
const template = Template.fromStack(dev.control);
const json = template.toJSON() as { Resources: Record<string, any>; Outputs: Record<string, any> };
const policies = () => Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');
const policy = (name: string) => policies().find(([, r]) => r.Properties.ManagedPolicyName === name)!;
const operator = () => policy('shop-dev-operator');
type Statement = { Sid: string; Action: string | string[]; Resource: unknown; Effect: string };
const statementsOf = (name: string) => policy(name)[1].Properties.PolicyDocument.Statement as Statement[];
const statements = () => statementsOf('shop-dev-operator');
const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('operator policy', () => {
  it('is one managed policy per role, the operator and the approver, each ARN a stack output', () => {
    expect(policies().map(([, r]) => r.Properties.ManagedPolicyName).sort()).toEqual(['shop-dev-approver', 'shop-dev-operator']);
    expect(json.Outputs.OperatorPolicyArn.Value).toEqual({ Ref: operator()[0] });
    expect(json.Outputs.ApproverPolicyArn.Value).toEqual({ Ref: policy('shop-dev-approver')[0] });
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

/**
 * The approver policy against what the CLI really sends: approve, reject and
 * status run against mocked clients, and each command is turned into the IAM
 * action that authorizes it.
 */
describe('approver policy', () => {
  const gateFunctionName = 'shop-dev-gate';
  const cutoverArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:shop-dev-cutover';
  const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:shop-dev-cutover:release-2';
  const clients = [
    { prefix: 'cloudformation', mock: mockClient(CloudFormationClient) },
    { prefix: 'lambda', mock: mockClient(LambdaClient) },
    { prefix: 'states', mock: mockClient(SFNClient) },
    { prefix: 'sts', mock: mockClient(STSClient) },
  ] as const;
  // Where an API's IAM action is not named like its SDK command.
  const ACTION_OF: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
  // AWS documents that GetCallerIdentity needs no permission: a policy cannot deny it.
  const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

  beforeEach(() => {
    for (const c of clients) c.mock.reset();
    clients[0].mock.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'shop-dev-control', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'GateFunctionName', OutputValue: gateFunctionName }, { OutputKey: 'CutoverStateMachineArn', OutputValue: cutoverArn }] }],
    });
    clients[1].mock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ action: 'approve', gate: 'after-step:1', executionId: executionArn, approver: 'arn:aws:sts::123456789012:assumed-role/release-approver/bob' })) as any });
    clients[2].mock.on(ListExecutionsCommand).resolves({ executions: [{ executionArn, stateMachineArn: cutoverArn, name: 'release-2', status: 'RUNNING', startDate: new Date() }] });
    clients[2].mock.on(DescribeExecutionCommand).resolves({ executionArn, stateMachineArn: cutoverArn, status: 'SUCCEEDED', startDate: new Date() });
    clients[2].mock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    clients[3].mock.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/release-approver/bob' });
  });
  afterAll(() => clients.forEach((c) => c.mock.restore()));

  /** Runs CLI commands and returns every call they made, as `service:Action` with its input. */
  async function callsOf(...commands: string[][]): Promise<Array<{ action: string; input: Record<string, unknown> }>> {
    for (const argv of commands) expect(await main([...argv, '--env', 'dev'], () => undefined)).toBe(0);
    return clients.flatMap((c) =>
      c.mock.calls().map((call) => {
        const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
        const action = `${c.prefix}:${command.constructor.name.replace(/Command$/, '')}`;
        return { action: ACTION_OF[action] ?? action, input: command.input };
      }),
    );
  }

  const approver = () => statementsOf('shop-dev-approver');

  it('holds exactly the actions approve, reject and status call, and nothing else', async () => {
    const calls = await callsOf(['approve'], ['reject', '--reason', 'error budget burning'], ['status'], ['status', executionArn]);
    const called = [...new Set(calls.map((c) => c.action).filter((a) => !NEEDS_NO_PERMISSION.has(a)))].sort();
    expect(called).toEqual(['cloudformation:DescribeStacks', 'lambda:InvokeFunction', 'states:DescribeExecution', 'states:GetExecutionHistory', 'states:ListExecutions']);
    expect(approver().every((s) => s.Effect === 'Allow')).toBe(true);
    expect([...new Set(approver().flatMap(actions))].sort()).toEqual(called);
  });

  it('allows each call only on the resource the CLI names: the control stack, the gate function, the cutover state machine and its executions', async () => {
    const calls = await callsOf(['approve'], ['status']);
    const resourceOf = (action: string) => approver().filter((s) => actions(s).includes(action)).map((s) => JSON.stringify(s.Resource));
    const fnId = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === gateFunctionName)![0];
    const smId = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === 'shop-dev-cutover')![0];

    expect(calls.filter((c) => c.action === 'cloudformation:DescribeStacks').map((c) => c.input.StackName)).toEqual(['shop-dev-control', 'shop-dev-control']);
    expect(resourceOf('cloudformation:DescribeStacks')).toEqual([expect.stringContaining(':stack/shop-dev-control/*')]);
    expect(calls.find((c) => c.action === 'lambda:InvokeFunction')!.input.FunctionName).toBe(gateFunctionName);
    expect(resourceOf('lambda:InvokeFunction')).toEqual([JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] })]);
    expect(resourceOf('states:ListExecutions')).toEqual([JSON.stringify({ Ref: smId })]);
    for (const a of ['states:DescribeExecution', 'states:GetExecutionHistory']) expect(resourceOf(a)).toEqual([expect.stringMatching(/:execution:shop-dev-cutover:\*"\]\]\}$/)]);
    // Nothing that starts, stops or resolves an execution directly: the gate function decides.
    expect(approver().flatMap(actions).filter((a) => /Start|Stop|SendTask|Put|Update|Delete|\*/.test(a))).toEqual([]);
  });
});
