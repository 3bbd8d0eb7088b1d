import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { acknowledgeStateMachineRole } from './cutover-functions';

/** Properties of {@link RollbackStateMachine}. */
export interface RollbackStateMachineProps {
  /** `service-environment`, the start of the state machine's name. */
  readonly namePrefix: string;
  /** The rollback handler (the same one every path uses). */
  readonly rollback: lambda.IFunction;
  /** Topic a failed rollback pages. */
  readonly criticalTopic: sns.ITopic;
  /**
   * Retention of the execution log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

export const ROLLBACK_INPUT_DOC =
  'Roll back now. Input: {"reason": "why" (required), "target": "blue" | "green" (optional: default the running cutover\'s previous color, else the color not serving)}.';

/** A one-step state machine an operator starts from the console to roll back by hand. */
export class RollbackStateMachine extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RollbackStateMachineProps) {
    super(scope, id);
    const rollback = new tasks.LambdaInvoke(this, 'ManualRollback', {
      lambdaFunction: props.rollback,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ source: 'manual', executionId: sfn.JsonPath.executionId, request: sfn.JsonPath.entirePayload }),
      resultPath: '$.rollback',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(14)),
    });
    rollback.addRetry({ errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const page = new tasks.SnsPublish(this, 'PageManualRollbackFailed', {
      topic: props.criticalTopic,
      subject: `Switchyard ${props.namePrefix}: MANUAL ROLLBACK FAILED`,
      message: sfn.TaskInput.fromObject({ execution: sfn.JsonPath.executionId, error: sfn.JsonPath.objectAt('$.rollbackError') }),
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(30)),
    });
    page.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
    const failed = new sfn.Fail(this, 'RollbackFailed', { error: 'RollbackFailed', causePath: '$.rollbackError.Cause' });
    page.addCatch(failed, { resultPath: '$.pageError' });
    page.next(failed);
    rollback.addCatch(page, { resultPath: '$.rollbackError' });
    rollback.next(new sfn.Succeed(this, 'RolledBack'));

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: new ResourceNames(props.namePrefix).stateMachine('rollback'),
      comment: ROLLBACK_INPUT_DOC,
      definitionBody: sfn.DefinitionBody.fromChainable(rollback),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          logGroupName: new ResourceNames(props.namePrefix).stateMachineLogGroup('rollback'),
          retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
      timeout: Duration.minutes(30),
    });
    // SnsPublish grants sns:Publish only; the topic is KMS-encrypted, so the key is needed too.
    props.criticalTopic.grantPublish(this.stateMachine.role);
    acknowledgeStateMachineRole(this.stateMachine.role, [props.rollback]);
  }
}
