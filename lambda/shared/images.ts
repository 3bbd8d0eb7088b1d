/**
 * Image references and who may ship what (service.allowedImages). Pure:
 * shared by the schema, the stacks and the handlers.
 */

/** An image reference split into its parts: `<repository>[:tag][@digest]`. */
export interface ImageRef {
  /** Registry host (if any) and path, without tag or digest, as written. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A repository in a private Amazon ECR registry. */
export interface EcrRepository {
  readonly account: string;
  readonly region: string;
  /** Repository name, namespaces included (`team/shop`). */
  readonly name: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\\d+)?';
const REPOSITORY = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<name>
const ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/** Splits an image reference; undefined when it is not one. */
export function parseImageRef(image: string): ImageRef | undefined {
  const at = image.lastIndexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  const tag = colon > named.lastIndexOf('/') ? named.slice(colon + 1) : undefined;
  const repository = tag !== undefined ? named.slice(0, colon) : named;
  if (!REPOSITORY.test(repository)) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  return { repository, tag, digest };
}

/** The private ECR repository a repository (or image) names, if it is one. */
export function ecrRepositoryOf(repository: string): EcrRepository | undefined {
  const m = ECR.exec(repository);
  return m ? { account: m[1], region: m[2], name: m[3] } : undefined;
}

/** The default of service.allowedImages: the configured image's repository alone. */
export function defaultAllowedImages(image: string): string[] {
  const ref = parseImageRef(image);
  return [ref ? ref.repository : image];
}

/**
 * What is wrong with one entry of service.allowedImages, or undefined. An
 * entry is a repository (`registry/path`, no tag or digest), or a prefix
 * ending in `/` that allows every repository under it.
 */
export function allowedEntryProblem(entry: string): string | undefined {
  if (entry.includes('*')) return `"${entry}": wildcards are not allowed; end a prefix with / instead (such as 111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/)`;
  if (entry.endsWith('/')) {
    const body = entry.slice(0, -1);
    const host = body.split('/')[0];
    if (!/[.:]/.test(host) && host !== 'localhost') return `"${entry}": a prefix must start with a registry host (such as public.ecr.aws/team/), so it cannot allow a whole public registry by accident`;
    return REPOSITORY.test(body) ? undefined : `"${entry}" is not a registry path followed by /`;
  }
  const ref = parseImageRef(entry);
  if (!ref) return `"${entry}" is not a repository such as 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop or public.ecr.aws/nginx/nginx`;
  if (ref.tag !== undefined || ref.digest !== undefined) return `"${entry}" names a tag or digest; list the repository alone (${ref.repository}): every tag of an allowed repository is allowed`;
  return undefined;
}

/** Whether `image` is in a repository `allowed` names (exactly, or under a prefix ending in `/`). */
export function imageAllowed(image: string, allowed: readonly string[]): boolean {
  const ref = parseImageRef(image);
  if (!ref) return false;
  return allowed.some((a) => (a.endsWith('/') ? ref.repository.startsWith(a) : ref.repository === a));
}

/** Why an image a cutover asks for may not run, or undefined when it may. */
export function imageProblem(image: string, allowed: readonly string[]): string | undefined {
  if (!parseImageRef(image)) return `image "${image}" is not an image reference such as 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:1.43.0 (repository, then :tag or @sha256:digest)`;
  if (imageAllowed(image, allowed)) return undefined;
  return `image "${image}" is not in an allowed repository (service.allowedImages: ${allowed.join(', ')}); push it to one of them, or add its repository to service.allowedImages and deploy`;
}

/** The image pinned to `digest`: `<repository>@<digest>`, so a tag moved later changes nothing. */
export function pinnedImage(image: string, digest: string): string {
  const ref = parseImageRef(image);
  if (!ref) throw new Error(`image "${image}" is not an image reference`);
  return `${ref.repository}@${digest}`;
}

/**
 * How a deployed image is pinned to what it is now: an ECR image by the digest
 * its repository holds for the tag (or its digest, checked to exist); another
 * registry's image by the digest it names, or not at all when it names only a
 * tag (Switchyard reads no other registry).
 */
export type Pinning =
  | { readonly how: 'ecr'; readonly repository: EcrRepository; readonly tag?: string; readonly digest?: string }
  | { readonly how: 'given'; readonly digest: string }
  | { readonly how: 'unpinned' };

export function pinningOf(image: string): Pinning {
  const ref = parseImageRef(image);
  if (!ref) throw new Error(`image "${image}" is not an image reference`);
  const repository = ecrRepositoryOf(ref.repository);
  if (repository) return { how: 'ecr', repository, tag: ref.tag, digest: ref.digest };
  return ref.digest ? { how: 'given', digest: ref.digest } : { how: 'unpinned' };
}
