import { Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ResourceNames } from '../naming';
import { limitGrantsToAwsServices } from './log-encryption';

/** Properties of {@link Alerting}. */
export interface AlertingProps {
  /** Prefix of the topic names, such as `shop-production`. */
  readonly namePrefix: string;
  /**
   * E-mail addresses subscribed to both topics.
   * @default - no e-mail subscriptions
   */
  readonly emails?: string[];
  /**
   * PagerDuty CloudWatch integration URL, subscribed to the critical topic only.
   * @default - no PagerDuty subscription
   */
  readonly pagerDutyUrl?: string;
  /**
   * Slack workspace and channel for AWS Chatbot, fed by both topics.
   * The workspace must first be authorized in the AWS Chatbot console.
   * @default - no Slack channel
   */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
}

/** SNS topics for critical and warning alerts, encrypted and TLS-only, with their subscriptions. */
export class Alerting extends Construct {
  /** Pages: rollback alarms, failed rollbacks. */
  public readonly critical: sns.ITopic;
  /** Heads-up: warning levels, cutover progress. */
  public readonly warning: sns.ITopic;
  /** Key encrypting both topics. */
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', {
      description: `${props.namePrefix} alert topics`,
      enableKeyRotation: true,
    });
    // CloudWatch alarm actions are the only AWS service that publishes to these
    // topics (functions and state machines publish with their own roles; AWS
    // Chatbot subscribes). SNS encrypts what CloudWatch publishes with this key,
    // so CloudWatch must be able to use it: the AWS-managed SNS key would refuse
    // it. (Amazon SNS guide: "compatibility between event sources from AWS
    // services and encrypted topics".)
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsEncryptToAlertTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    limitGrantsToAwsServices(key);
    this.key = key;

    const names = new ResourceNames(props.namePrefix);
    const critical = new sns.Topic(this, 'Critical', { topicName: names.topic('critical'), enforceSSL: true, masterKey: key });
    const warning = new sns.Topic(this, 'Warning', { topicName: names.topic('warning'), enforceSSL: true, masterKey: key });
    // enforceSSL writes a topic policy, and a topic policy replaces SNS's default
    // one, which is what let CloudWatch publish. With only the TLS Deny left, every
    // alarm action would be refused: allow this account's alarms to publish.
    for (const topic of [critical, warning]) {
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
    for (const email of props.emails ?? []) {
      critical.addSubscription(new subs.EmailSubscription(email));
      warning.addSubscription(new subs.EmailSubscription(email));
    }
    if (props.pagerDutyUrl) {
      critical.addSubscription(new subs.UrlSubscription(props.pagerDutyUrl, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
    if (props.slack) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: names.chatbotConfiguration(),
        slackWorkspaceId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        notificationTopics: [critical, warning],
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }
    this.critical = critical;
    this.warning = warning;
  }
}
