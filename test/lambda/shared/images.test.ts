import * as fc from 'fast-check';
import { allowedEntryProblem, defaultAllowedImages, ecrRepositoryOf, imageAllowed, imageProblem, parseImageRef, pinnedImage, pinningOf } from '../../../lambda/shared/images';
import { devWith } from '../../helpers/synth';

const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['public.ecr.aws/nginx/nginx:1.27', { repository: 'public.ecr.aws/nginx/nginx', tag: '1.27', digest: undefined }],
    [`${ECR}/team/shop@${DIGEST}`, { repository: `${ECR}/team/shop`, tag: undefined, digest: DIGEST }],
    [`${ECR}/shop:1.0@${DIGEST}`, { repository: `${ECR}/shop`, tag: '1.0', digest: DIGEST }],
    ['localhost:5000/app', { repository: 'localhost:5000/app', tag: undefined, digest: undefined }],
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
  ])('%s', (image, parts) => {
    expect(parseImageRef(image)).toEqual(parts);
  });

  it.each(['', 'Shop:1', `${ECR}/shop:`, `${ECR}/shop@sha256:short`, `${ECR}//shop`, 'a:b:c'])('refuses %j', (image) => {
    expect(parseImageRef(image)).toBeUndefined();
  });

  it('finds the ECR repository, account and region', () => {
    expect(ecrRepositoryOf(`${ECR}/team/shop`)).toEqual({ account: '111111111111', region: 'eu-west-1', name: 'team/shop' });
    expect(ecrRepositoryOf('public.ecr.aws/nginx/nginx')).toBeUndefined();
  });
});

describe('allowed images', () => {
  const allowed = [`${ECR}/shop`, `${ECR}/team/`];

  it('allows every tag and digest of an allowed repository and every repository under a prefix', () => {
    expect(imageAllowed(`${ECR}/shop:1.43.0`, allowed)).toBe(true);
    expect(imageAllowed(`${ECR}/shop@${DIGEST}`, allowed)).toBe(true);
    expect(imageAllowed(`${ECR}/team/billing:2`, allowed)).toBe(true);
    expect(imageAllowed(`${ECR}/team/a/b:2`, allowed)).toBe(true);
  });

  it('refuses a repository that only starts like an allowed one, another registry, or an unparsable image', () => {
    expect(imageAllowed(`${ECR}/shop-tools:1`, allowed)).toBe(false);
    expect(imageAllowed(`${ECR}/teams/x:1`, allowed)).toBe(false);
    expect(imageAllowed('222222222222.dkr.ecr.eu-west-1.amazonaws.com/shop:1', allowed)).toBe(false);
    expect(imageAllowed('public.ecr.aws/nginx/nginx:1', allowed)).toBe(false);
    expect(imageProblem('not an image', allowed)).toMatch(/is not an image reference/);
    expect(imageProblem('public.ecr.aws/x/y:1', allowed)).toBe(`image "public.ecr.aws/x/y:1" is not in an allowed repository (service.allowedImages: ${ECR}/shop, ${ECR}/team/); push it to one of them, or add its repository to service.allowedImages and deploy`);
  });

  it('property: an image is allowed exactly when its repository is listed, whatever its tag', () => {
    const name = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(name, name, fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/), (a, b, tag) => {
        expect(imageAllowed(`${ECR}/${a}:${tag}`, [`${ECR}/${b}`])).toBe(a === b);
      }),
    );
  });

  it('refuses entries that would allow too much or name a tag', () => {
    expect(allowedEntryProblem(`${ECR}/shop`)).toBeUndefined();
    expect(allowedEntryProblem(`${ECR}/team/`)).toBeUndefined();
    expect(allowedEntryProblem(`${ECR}/shop:1.0`)).toMatch(/names a tag or digest; list the repository alone/);
    expect(allowedEntryProblem(`${ECR}/*`)).toMatch(/wildcards are not allowed/);
    expect(allowedEntryProblem('library/')).toMatch(/must start with a registry host/);
  });

  it('defaults to the repository of service.image', () => {
    expect(defaultAllowedImages(`${ECR}/shop:1.42.0`)).toEqual([`${ECR}/shop`]);
  });

  it('the schema refuses a service.image outside service.allowedImages, and a bad entry, naming the field', () => {
    expect(() => devWith((raw: any) => {
      raw.service.allowedImages = [`${ECR}/shop`];
    })).toThrow(/service\.image public\.ecr\.aws\/nginx\/nginx:1\.27 is not in service\.allowedImages; add its repository \(public\.ecr\.aws\/nginx\/nginx\)/);
    expect(() => devWith((raw: any) => {
      raw.service.allowedImages = ['public.ecr.aws/nginx/nginx:1.27'];
    })).toThrow(/service\.allowedImages: .*names a tag or digest/);
  });
});

describe('pinning', () => {
  it('resolves ECR images in their repository, keeps a given digest elsewhere, and leaves another registry\'s tag unpinned', () => {
    expect(pinningOf(`${ECR}/shop:1.43.0`)).toEqual({ how: 'ecr', repository: { account: '111111111111', region: 'eu-west-1', name: 'shop' }, tag: '1.43.0', digest: undefined });
    expect(pinningOf(`public.ecr.aws/nginx/nginx@${DIGEST}`)).toEqual({ how: 'given', digest: DIGEST });
    expect(pinningOf('public.ecr.aws/nginx/nginx:1.27')).toEqual({ how: 'unpinned' });
  });

  it('a pinned image is the repository at the digest, with the tag dropped', () => {
    expect(pinnedImage(`${ECR}/shop:1.43.0`, DIGEST)).toBe(`${ECR}/shop@${DIGEST}`);
  });
});
