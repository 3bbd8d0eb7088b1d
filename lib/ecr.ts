import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ecrRepositoryOf } from '../lambda/shared/images';

/** An image reference in a private Amazon ECR registry. */
export interface EcrImage {
  /** Account of the registry. */
  readonly account: string;
  /** Region of the registry. */
  readonly region: string;
  /** Repository name, namespaces included (`team/shop`). */
  readonly repository: string;
  /** Tag, when the reference names one. */
  readonly tag?: string;
  /** Digest (`sha256:…`), when the reference names one. */
  readonly digest?: string;
}

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
const PRIVATE_ECR =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * The private ECR repository an image reference names, or undefined for any
 * other registry (public.ecr.aws, Docker Hub, …), which needs no grant. Pure.
 */
export function parseEcrImage(image: string): EcrImage | undefined {
  const m = PRIVATE_ECR.exec(image);
  if (!m) return undefined;
  return { account: m[1], region: m[2], repository: m[3], tag: m[4], digest: m[5] };
}

/**
 * ARNs of the private ECR repositories `entries` name: images or repositories
 * (exactly), and prefixes ending in `/` (`repository/<path>/*`, every
 * repository under it). Other registries have no ARN and are left out. Pure.
 */
export function ecrRepositoryArns(partition: string, entries: readonly string[]): string[] {
  const arns = new Set<string>();
  for (const entry of entries) {
    if (entry.endsWith('/')) {
      const repo = ecrRepositoryOf(entry);
      if (repo) arns.add(`arn:${partition}:ecr:${repo.region}:${repo.account}:repository/${repo.name}*`);
      continue;
    }
    const ecr = parseEcrImage(entry);
    if (ecr) arns.add(`arn:${partition}:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository}`);
  }
  return [...arns];
}

/**
 * Lets `role` (a task's execution role) pull the images in `images` that live
 * in private ECR: the three pull actions on exactly those repositories, in the
 * account and region each image names (a cross-account repository must also
 * allow this account in its own repository policy). Public images need nothing.
 * Returns the repositories granted.
 */
export function grantEcrPull(role: iam.IRole, images: readonly string[]): EcrImage[] {
  const stack = Stack.of(role);
  const arns = ecrRepositoryArns(stack.partition, images);
  if (arns.length === 0) return [];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resources: arns,
    }),
  );
  acknowledgeEcrPrefixes(role, arns, 'Pulls are allowed from every repository under a service.allowedImages prefix (the prefix is the boundary the configuration sets)');
  // GetAuthorizationToken has no resource-level permission: AWS accepts only "*".
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ecr:GetAuthorizationToken supports no resource-level permission (AWS accepts only "*"); the token it returns is a registry login that grants no image by itself. Image pulls are limited to the named repositories.',
  });
  return images.map((i) => parseEcrImage(i)).filter((x): x is EcrImage => x !== undefined);
}

/** One cdk-nag acknowledgment per repository-prefix ARN (`…/team/*`) in `arns`, with `reason`. */
export function acknowledgeEcrPrefixes(scope: iam.IRole, arns: readonly string[], reason: string): void {
  const stack = Stack.of(scope);
  for (const arn of arns.filter((a) => a.endsWith('*'))) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${arn.replace(stack.partition, '<AWS::Partition>')}]`, reason });
  }
}
