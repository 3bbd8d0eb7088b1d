import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsCall, sdkClient } from './clients';

const clients = { secrets: sdkClient('secrets', (c) => new SecretsManagerClient(c)) };

export async function secretString(secretId: string): Promise<string> {
  const r = await awsCall('secretsmanager:GetSecretValue', () => clients.secrets().send(new GetSecretValueCommand({ SecretId: secretId })));
  if (r.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
  return r.SecretString;
}
