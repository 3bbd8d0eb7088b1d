import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsCall, sdkClient } from './clients';

const clients = { sns: sdkClient('sns', (c) => new SNSClient(c)) };

/** Publishes a notification; the subject is cut to SNS's 100-character limit. */
export async function notify(topicArn: string, subject: string, message: Record<string, unknown>): Promise<void> {
  await awsCall('sns:Publish', () =>
    clients.sns().send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 100), Message: JSON.stringify(message, null, 2) })),
  );
}
