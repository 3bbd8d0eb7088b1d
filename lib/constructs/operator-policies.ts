import { ArnFormat, CfnOutput, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../naming';

/** Properties of {@link OperatorPolicies}. */
export interface OperatorPoliciesProps {
  /** `<service>-<environment>`: names the policies. */
  readonly namePrefix: string;
  /** The cutover state machine and its name (executions are named under it). */
  readonly cutover: { readonly stateMachine: sfn.IStateMachine; readonly name: string };
  /** The manual rollback state machine and its name. */
  readonly rollback: { readonly stateMachine: sfn.IStateMachine; readonly name: string };
  /** Names of the stacks whose outputs the operator CLI reads (the control and state stacks). */
  readonly outputStacks: readonly string[];
  /** ARN of the release ledger table (`npm run ledger` queries it). */
  readonly ledgerTableArn: string;
  /** The maintenance function (`npm run maintenance:on` / `:off` invoke it). */
  readonly maintenanceFunction: lambda.IFunction;
  /** The pause function (`npm run cutover -- pause|resume|status` invoke it). */
  readonly pauseFunction: lambda.IFunction;
  /** The pre-flight function, whose settings `npm run cutover -- judge` reads. */
  readonly preflightFunction: lambda.IFunction;
  /** ARNs of the recorded-state parameters (`judge` reads the live color). */
  readonly stateParameterArns: readonly string[];
  /** What approvers use: the gate function they invoke, and the stack whose outputs name it and the cutover state machine. */
  readonly approval: { readonly gateFunction: lambda.IFunction; readonly outputStack: string };
}

/**
 * One customer-managed policy per human role, holding exactly the actions the
 * operator CLI (scripts/switchyard.ts) calls for that role, on this
 * environment's resources, so teams attach it instead of hand-writing one.
 * Each policy's ARN is a stack output `<Role>PolicyArn`.
 *
 * - operator: start a cutover and follow it (`cutover -- start`, `status`),
 *   pause and resume its ramp (`pause`, `resume`),
 *   start the manual rollback (`rollback`), read the ledger (`ledger`), turn
 *   maintenance mode on and off, and calibrate the judge (`judge`).
 * - approver: answer a gate (`cutover -- approve`, `reject`) and follow the
 *   cutover it holds (`status`). The gate function's resource policy also
 *   names `approverPrincipals`; this policy serves principals in the same
 *   account that are not listed there one by one.
 *
 * Other roles are added by {@link addRole}, each with its own policy and output.
 */
export class OperatorPolicies extends Construct {
  /** Start, follow and roll back cutovers of this environment. */
  public readonly operator: iam.ManagedPolicy;
  /** Approve or reject the gate a cutover waits at, and follow that cutover. */
  public readonly approver: iam.ManagedPolicy;
  /** Every role's policy, by role name. */
  public readonly policies: Record<string, iam.ManagedPolicy> = {};
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: OperatorPoliciesProps) {
    super(scope, id);
    this.namePrefix = props.namePrefix;
    const stack = Stack.of(this);
    const executions = (name: string) => stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const stackArn = (name: string) => stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` });
    const cutoverExecutions = executions(props.cutover.name);
    const rollbackExecutions = executions(props.rollback.name);

    this.operator = this.addRole('operator', 'Switchyard operator: start, follow, pause, resume and roll back cutovers, maintenance mode, ledger and judge calibration', [
      // The CLI finds the state machines and the ledger table in the stacks' outputs.
      new iam.PolicyStatement({ sid: 'ReadStackOutputs', actions: ['cloudformation:DescribeStacks'], resources: props.outputStacks.map(stackArn) }),
      new iam.PolicyStatement({ sid: 'StartCutoverAndRollback', actions: ['states:StartExecution'], resources: [props.cutover.stateMachine.stateMachineArn, props.rollback.stateMachine.stateMachineArn] }),
      new iam.PolicyStatement({ sid: 'FindLatestCutover', actions: ['states:ListExecutions'], resources: [props.cutover.stateMachine.stateMachineArn] }),
      new iam.PolicyStatement({ sid: 'FollowExecutions', actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [cutoverExecutions, rollbackExecutions] }),
      new iam.PolicyStatement({ sid: 'ReadLedger', actions: ['dynamodb:Query'], resources: [props.ledgerTableArn] }),
      // Maintenance mode on and off; pause and resume.
      new iam.PolicyStatement({ sid: 'MaintenanceModeAndPause', actions: ['lambda:InvokeFunction'], resources: [props.maintenanceFunction.functionArn, props.pauseFunction.functionArn] }),
      new iam.PolicyStatement({ sid: 'JudgeSettings', actions: ['lambda:GetFunctionConfiguration'], resources: [props.preflightFunction.functionArn] }),
      new iam.PolicyStatement({ sid: 'JudgeLiveColor', actions: ['ssm:GetParameters'], resources: [...props.stateParameterArns] }),
      // GetMetricData has no resource-level permission: AWS accepts only "*".
      new iam.PolicyStatement({ sid: 'JudgeMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    ]);
    this.approver = this.addRole('approver', 'Switchyard approver: approve or reject the gate a cutover of this environment waits at, and follow the cutover', [
      // approve/reject find the gate function, status the cutover state machine, in the control stack's outputs.
      new iam.PolicyStatement({ sid: 'ReadControlOutputs', actions: ['cloudformation:DescribeStacks'], resources: [stackArn(props.approval.outputStack)] }),
      // The gate function checks the execution, the gate and requireDistinctApprover before it resolves anything.
      new iam.PolicyStatement({ sid: 'AnswerGate', actions: ['lambda:InvokeFunction'], resources: [props.approval.gateFunction.functionArn] }),
      new iam.PolicyStatement({ sid: 'FindLatestCutover', actions: ['states:ListExecutions'], resources: [props.cutover.stateMachine.stateMachineArn] }),
      new iam.PolicyStatement({ sid: 'FollowCutover', actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [cutoverExecutions] }),
    ]);
    // cdk-nag names a finding by the ARN as synthesized: a concrete region and account, or the pseudo parameters.
    const where = `arn:<AWS::Partition>:%s:${Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region}:${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}`;
    Validations.of(this.operator).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:GetMetricData supports no resource-level permission (AWS accepts only "*"); it reads metrics, for judge calibration.',
      },
      ...[...new Set([props.cutover.name, props.rollback.name])].map((name) => ({
        id: `AwsSolutions-IAM5[Resource::${where.replace('%s', 'states')}:execution:${name}:*]`,
        reason: 'Execution ARNs exist only once started; following is limited to the executions of this one state machine.',
      })),
      ...props.outputStacks.map((name) => ({
        id: `AwsSolutions-IAM5[Resource::${where.replace('%s', 'cloudformation')}:stack/${name}/*]`,
        reason: 'A stack ARN ends in an id CloudFormation assigns; DescribeStacks is limited to this one stack name.',
      })),
    );
    Validations.of(this.approver).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${where.replace('%s', 'states')}:execution:${props.cutover.name}:*]`,
        reason: 'Execution ARNs exist only once started; following is limited to the executions of the cutover state machine.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${where.replace('%s', 'cloudformation')}:stack/${props.approval.outputStack}/*]`,
        reason: 'A stack ARN ends in an id CloudFormation assigns; DescribeStacks is limited to this one stack name.',
      },
    );
  }

  /**
   * Adds the policy of one human role (`approver`, …): named
   * `<prefix>-<role>`, its ARN output as `<Role>PolicyArn`.
   */
  public addRole(role: string, description: string, statements: iam.PolicyStatement[]): iam.ManagedPolicy {
    if (this.policies[role]) throw new Error(`a policy for the ${role} role already exists`);
    const title = role.charAt(0).toUpperCase() + role.slice(1);
    const policy = new iam.ManagedPolicy(this, title, {
      managedPolicyName: fitName(this.namePrefix, role, NAME_LIMITS.managedPolicy, 'approver'.length),
      description,
      statements,
    });
    this.policies[role] = policy;
    new CfnOutput(Stack.of(this), `${title}PolicyArn`, { value: policy.managedPolicyArn, description: `Attach to the ${role}s of this environment` });
    return policy;
  }
}
