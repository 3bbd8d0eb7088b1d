import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ImageNotFound } from '../errors';
import { EcrRepository } from '../images';
import { awsCall, sdkClient } from './clients';

// ECR answers in the region of the registry an image names: one client per region.
const inRegion = new Map<string, () => ECRClient>();
const clients = {
  ecr: (region: string): ECRClient => {
    let c = inRegion.get(region);
    if (!c) inRegion.set(region, (c = sdkClient(`ecr:${region}`, (config) => new ECRClient({ ...config, region }))));
    return c();
  },
};

/**
 * The digest of `tag` (or the existence of `digest`) in a private ECR
 * repository, with ecr:DescribeImages in the repository's own region and
 * registry. A tag or digest the repository does not hold is ImageNotFound.
 */
export async function imageDigest(repo: EcrRepository, id: { readonly tag?: string; readonly digest?: string }): Promise<string> {
  const imageIds = [id.digest ? { imageDigest: id.digest } : { imageTag: id.tag ?? 'latest' }];
  const where = `${repo.account}.dkr.ecr.${repo.region}.amazonaws.com/${repo.name}${id.digest ? `@${id.digest}` : `:${id.tag ?? 'latest'}`}`;
  try {
    const r = await awsCall('ecr:DescribeImages', () => clients.ecr(repo.region).send(new DescribeImagesCommand({ registryId: repo.account, repositoryName: repo.name, imageIds })));
    const digest = r.imageDetails?.[0]?.imageDigest;
    if (!digest) throw new ImageNotFound(`${where}: ECR returned no image`);
    return digest;
  } catch (e) {
    if (e instanceof Error && (e.name === 'ImageNotFoundException' || e.name === 'RepositoryNotFoundException')) {
      throw new ImageNotFound(`${where} is not in ECR (${e.name}: ${e.message}); push it, or check the tag`);
    }
    throw e;
  }
}
