import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantEcrPull, parseEcrImage } from '../../lib/ecr';
import { newApp } from '../helpers/synth';

describe('parseEcrImage', () => {
  it.each([
    ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:1.42.0', { account: '111111111111', region: 'eu-west-1', repository: 'shop', tag: '1.42.0' }],
    ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop', { account: '111111111111', region: 'eu-west-1', repository: 'shop' }],
    ['222222222222.dkr.ecr.us-east-1.amazonaws.com/team/shop-sync@sha256:' + 'a'.repeat(64), { account: '222222222222', region: 'us-east-1', repository: 'team/shop-sync', digest: 'sha256:' + 'a'.repeat(64) }],
    ['333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/shop:v1', { account: '333333333333', region: 'cn-north-1', repository: 'shop', tag: 'v1' }],
    ['444444444444.dkr.ecr-fips.us-gov-west-1.amazonaws.com/a.b_c-d:latest', { account: '444444444444', region: 'us-gov-west-1', repository: 'a.b_c-d', tag: 'latest' }],
  ])('reads %s', (image, expected) => {
    expect(parseEcrImage(image)).toEqual(expect.objectContaining(expected));
  });

  it.each(['public.ecr.aws/nginx/nginx:1.27', 'nginx:1.27', 'docker.io/library/nginx', 'ghcr.io/acme/shop:1', '11111111111.dkr.ecr.eu-west-1.amazonaws.com/shop', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/Shop'])(
    'needs no grant for %s',
    (image) => {
      expect(parseEcrImage(image)).toBeUndefined();
    },
  );
});

describe('grantEcrPull', () => {
  const policyOf = (images: string[]) => {
    const stack = new Stack(newApp(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const granted = grantEcrPull(role, images);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.values<any>(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    return { granted, statements: JSON.parse(JSON.stringify(statements).replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},"([^"]*)"\]\]\}/g, '"arn:aws$1"')) };
  };

  it('grants the pull actions on exactly the named repositories, in the account and region each image names', () => {
    const { statements } = policyOf([
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:1.0',
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:2.0',
      '222222222222.dkr.ecr.us-east-1.amazonaws.com/base/sync:3',
      'public.ecr.aws/nginx/nginx:1.27',
    ]);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: ['arn:aws:ecr:eu-west-1:111111111111:repository/shop', 'arn:aws:ecr:us-east-1:222222222222:repository/base/sync'],
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
  });

  it('grants nothing for public images', () => {
    expect(policyOf(['public.ecr.aws/nginx/nginx:1.27', 'nginx']).statements).toEqual([]);
  });
});
