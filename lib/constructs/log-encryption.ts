import { ArnFormat, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';

/**
 * Lets only AWS services create grants on `key` (Control Tower CT.KMS.PR.3): a
 * principal that is not a service may not hand the key's use to anyone else.
 */
export function limitGrantsToAwsServices(key: kms.IKey): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}

/** Properties of {@link LogEncryption}. */
export interface LogEncryptionProps {
  /** `service-environment`, named in the key's description. */
  readonly namePrefix: string;
}

/**
 * A customer-managed KMS key encrypting every CloudWatch log group of its
 * stack, those added later included: at synth, each AWS::Logs::LogGroup of the
 * stack that names no key gets this one. CloudWatch Logs encrypts and decrypts
 * with it on the writers' and readers' behalf, so they need no KMS permission.
 */
export class LogEncryption extends Construct {
  /** The key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogEncryptionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.namePrefix} CloudWatch log groups of ${stack.stackName}`,
      enableKeyRotation: true,
    });
    // As the CloudWatch Logs guide gives it: the regional service, only for this account's log groups.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    limitGrantsToAwsServices(this.key);
    Aspects.of(stack).add(new EncryptLogGroups(stack, this.key));
  }
}

/** Sets `key` on every log group of `stack` that names none. */
class EncryptLogGroups implements IAspect {
  constructor(
    private readonly stack: Stack,
    private readonly key: kms.IKey,
  ) {}

  public visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined && Stack.of(node) === this.stack) {
      node.kmsKeyId = this.key.keyArn;
    }
  }
}
