import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { awsCall, clients } from './clients';

export async function secretString(secretId: string): Promise<string> {
  const r = await awsCall('secretsmanager:GetSecretValue', () => clients.secrets().send(new GetSecretValueCommand({ SecretId: secretId })));
  if (r.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
  return r.SecretString;
}
