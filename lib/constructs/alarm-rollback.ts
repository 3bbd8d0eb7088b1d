import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_EVENT_AGE_SECONDS } from '../../lambda/shared/decisions/alarm';

/** Properties of {@link AlarmRollback}. */
export interface AlarmRollbackProps {
  /** The rollback alarms whose ALARM state rolls traffic back. */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
  /** The alarm handler. */
  readonly handler: lambda.IFunction;
  /**
   * Deliveries EventBridge retries before the dead-letter queue.
   * @default 4
   */
  readonly retryAttempts?: number;
}

/**
 * Routes rollback-alarm state changes to the alarm handler within seconds,
 * whether or not a cutover runs. Old events expire instead of being retried
 * for a day, and what cannot be delivered lands in a dead-letter queue.
 */
export class AlarmRollback extends Construct {
  /** The EventBridge rule. */
  public readonly rule: events.Rule;
  /** Events the handler could not take. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlarmRollbackProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the EventBridge target; a dead-letter queue of its own would only move the same messages again.',
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Rollback alarm went to ALARM: roll traffic back',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { alarmName: props.rollbackAlarms.map((a) => a.alarmName), state: { value: ['ALARM'] } },
      },
      targets: [
        new targets.LambdaFunction(props.handler, {
          deadLetterQueue: this.deadLetterQueue,
          maxEventAge: Duration.seconds(MAX_EVENT_AGE_SECONDS),
          retryAttempts: props.retryAttempts ?? 4,
        }),
      ],
    });
  }
}
