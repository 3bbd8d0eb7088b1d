import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { callCounter } from '../../lambda/shared/adapters/clients';
import { World } from '../../rehearsal/world';
import { REGION } from '../../rehearsal/world-resources';
import { runIn, useMotoWorld } from './moto-world';

// The dev environment, its image in a private ECR repository (moto's ECR), every other repository not allowed.
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop';
const env = useMotoWorld({ config: { service: { image: `${REPO}:1.0.0` } } });
let world: World;
beforeEach(() => {
  world = env.world();
});

const input = { reason: 'release 1.1.0', bakeSeconds: 300, watchWindowHours: 0 };

async function runningImage(color: 'blue' | 'green'): Promise<string> {
  const ecs = new ECSClient({ endpoint: world.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: `${world.service}-${world.environment}`, services: [`${world.service}-${world.environment}-${color}`] }))).services![0];
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }))).taskDefinition!;
  return td.containerDefinitions!.find((c) => c.name === 'app')!.image!;
}

describe('who may ship what', () => {
  it('an image outside service.allowedImages is refused by name before any AWS call', async () => {
    callCounter.clear();
    const r = await runIn(world, { ...input, image: 'public.ecr.aws/someone/miner:1' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('ImageNotAllowed');
    expect(r.cause).toBe(`image "public.ecr.aws/someone/miner:1" is not in an allowed repository (service.allowedImages: ${REPO}); push it to one of them, or add its repository to service.allowedImages and deploy; nothing was changed`);
    expect(r.states).toEqual(['ValidateInput', 'InvalidInput']);
    // Zero AWS changes: the handlers made no AWS call at all.
    expect([...callCounter.keys()]).toEqual([]);
    expect(await world.ledger()).toEqual([]);
    expect(await world.lock()).toBeUndefined();
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await runningImage('green')).toBe(`${REPO}:1.0.0`);
  });

  it('a repository that only starts like an allowed one is refused too', async () => {
    const r = await runIn(world, { ...input, image: `${REPO}-tools:1.1.0` });
    expect(r).toMatchObject({ status: 'FAILED', error: 'ImageNotAllowed' });
    expect(await world.ledger()).toEqual([]);
  });
});

describe('digest pinning', () => {
  it('deploys the tag as its digest, records the digest, and a tag moved later changes neither what runs nor what is recorded', async () => {
    const digest = await world.pushImage(`${REPO}:1.1.0`);
    const r = await runIn(world, { ...input, image: `${REPO}:1.1.0` });
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const pinned = `${REPO}@${digest}`;
    expect(await runningImage('green')).toBe(pinned);
    // What a later `cdk deploy` renders, and what a rollback to green returns to.
    expect(await world.parameter(world.names.image.green)).toBe(pinned);
    const deployed = (await world.ledger()).find((e) => e.type === 'deployed')!;
    expect(deployed.detail).toMatchObject({ color: 'green', image: pinned, requestedImage: `${REPO}:1.1.0`, digest });
    expect(world.calls('ecr:DescribeImages')).toBe(1);

    // Someone pushes other content under the same tag.
    const moved = await world.pushImage(`${REPO}:1.1.0`, 'rebuilt from another commit');
    expect(moved).not.toBe(digest);
    expect(await runningImage('green')).toBe(pinned);
    expect(await world.parameter(world.names.image.green)).toBe(pinned);
  });

  it('a tag the repository does not hold aborts before traffic with ImageNotFound, and the idle color is left as it was', async () => {
    const r = await runIn(world, { ...input, image: `${REPO}:9.9.9` });
    expect(r).toMatchObject({ status: 'FAILED', error: 'ImageNotFound' });
    expect(r.cause).toMatch(/shop:9\.9\.9 is not in ECR \(ImageNotFoundException/);
    expect(r.states).toContain('AbortBeforeTraffic');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await runningImage('green')).toBe(`${REPO}:1.0.0`);
    expect(await world.parameter(world.names.image.green)).toBe(`${REPO}:1.0.0`);
    expect(await world.lock()).toBeUndefined();
  });
});
