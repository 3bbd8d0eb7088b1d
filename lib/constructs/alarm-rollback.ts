import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
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
   * Topic paged when the handler's asynchronous invocation fails for good:
   * every retry threw, or the event grew too old to retry. Without it Lambda
   * drops the event, and with it a failed rollback, unseen (the rule's
   * dead-letter queue sees only failures to deliver, never a handler that threw).
   */
  readonly onFailure: sns.ITopic;
  /**
   * Lambda's own retries of a handler that threw (after about 1, then 2 minutes).
   * @default 2
   */
  readonly handlerRetryAttempts?: number;
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
  /** The handler's asynchronous invocations: its retries, their age limit, and the page when they run out. */
  public readonly invokeConfig: lambda.EventInvokeConfig;

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
    // EventBridge invokes the handler asynchronously: once Lambda has queued the
    // event, a handler that throws is retried by Lambda, not EventBridge, and then
    // goes to this destination. Retries stop once the event is older than the
    // handler would still act on (it ignores events older than
    // MAX_EVENT_AGE_SECONDS, counted from the alarm's change; Lambda counts from
    // when it queued the event, so a minute is kept for the delivery): a later
    // retry would be ignored and succeed, dropping the failure unseen. An event
    // past that age goes to the destination instead of being retried.
    this.invokeConfig = new lambda.EventInvokeConfig(this, 'HandlerAsyncInvoke', {
      function: props.handler,
      retryAttempts: props.handlerRetryAttempts ?? 2,
      maxEventAge: Duration.seconds(MAX_EVENT_AGE_SECONDS - EVENT_DELIVERY_ALLOWANCE_SECONDS),
      onFailure: new destinations.SnsDestination(props.onFailure),
    });
  }
}

/** Time allowed between an alarm's change and Lambda queuing its event (EventBridge delivers within seconds). */
export const EVENT_DELIVERY_ALLOWANCE_SECONDS = 60;
