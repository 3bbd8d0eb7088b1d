/**
 * A complete Secrets Manager secret ARN: the secret's name followed by the
 * hyphen and 6 characters Secrets Manager adds. IAM matches the complete ARN,
 * so a grant on a partial one (without the suffix) matches no secret, and
 * ECS and GetSecretValue calls under it are refused.
 */
export const FULL_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** What to do about a secret ARN that is not complete; `field` names it. */
export function fullSecretArnMessage(field: string): string {
  return `${field} must be the full ARN of a Secrets Manager secret, ending in the 6 characters Secrets Manager adds to the name (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf): a permission on a partial ARN matches no secret. Copy the full ARN from the console or \`aws secretsmanager describe-secret --secret-id NAME\``;
}
