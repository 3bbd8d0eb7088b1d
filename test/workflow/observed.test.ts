import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { sdkClient } from '../../lambda/shared/adapters/clients';
import { dynamo } from '../../lambda/shared/adapters/dynamo';
import { World } from '../../rehearsal/world';
import { runIn, useMotoWorld } from './moto-world';

// What a cutover leaves in the emulator, read with the world's own clients:
// never from the ledger or the parameters the handlers wrote.
const env = useMotoWorld();
let world: World;
beforeEach(() => {
  world = env.world();
});

const IMAGE = 'public.ecr.aws/nginx/nginx:1.28';
const input = { reason: 'release 1.28', image: IMAGE, bakeSeconds: 300, watchWindowHours: 0 };

describe('a cutover, as the emulator sees it', () => {
  it('weights after every step, desired counts and task-definition images', async () => {
    const start = { blue: await world.observeService('blue'), green: await world.observeService('green') };
    expect(start.blue.desiredCount).toBe(2);
    expect(start.green.desiredCount).toBe(0);
    const afterShift: unknown[] = [];
    const r = await runIn(world, input, {
      after: async (state, ok) => {
        if (state === 'ShiftTraffic' && ok) afterShift.push(await world.observeWeights());
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(afterShift).toEqual([{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }]);
    expect(await world.observeWeights()).toEqual({ blue: 0, green: 100 });
    const green = await world.observeService('green');
    const blue = await world.observeService('blue');
    expect(green).toEqual({ desiredCount: 2, image: IMAGE });
    // Blue is scaled down but keeps the image it ran, ready for a rollback.
    expect(blue).toEqual({ desiredCount: 0, image: start.blue.image });
    expect(blue.image).not.toBe(IMAGE);
    // A whole ramp with a lookup after every shift: more than the default minute on a busy machine.
  }, 180_000);
});

describe('scale-down', () => {
  it('refuses while the old color still has weight: ScaleDownFailed, the old color left at full size, the lock released', async () => {
    const r = await runIn(world, input, {
      before: async (state) => {
        // Another writer gives blue a share back after promotion.
        if (state === 'ScaleDownOldColor') await require('../../lambda/shared/adapters/elb').setWeights(world.listenerArn, world.targetGroups, { blue: 1, green: 99 });
      },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'ScaleDownFailed' });
    expect(r.cause).toMatch(/refusing to scale blue down: it still has weight 1/);
    expect(r.states).not.toContain('Succeeded');
    expect((await world.observeService('blue')).desiredCount).toBe(2);
    expect(await world.observeWeights()).toEqual({ blue: 1, green: 99 });
    expect(await world.lock()).toBeUndefined();
    expect((await world.ledger()).at(-1)!.detail.outcome).toBe('ScaleDownFailed');
  });
});

describe('the cutover lock', () => {
  const holder = (expiresAtMs: number) => ({
    pk: 'shop#dev', executionId: 'arn:aws:states:eu-west-1:123456789012:execution:shop-dev-cutover:crashed', startedAtMs: expiresAtMs - 3_600_000, expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000),
    previousColor: 'blue', newColor: 'green', liveDesired: 2, reason: 'an execution that died', phase: 'ramping',
  });

  it('an expired lock is taken over: the new cutover runs to the end', async () => {
    await dynamo().send(new PutCommand({ TableName: 'locks', Item: holder(Date.now() - 1_000) }));
    const r = await runIn(world, input);
    expect(r.status).toBe('SUCCEEDED');
    expect(await world.observeWeights()).toEqual({ blue: 0, green: 100 });
  });

  it('an unexpired lock is not: LockHeld naming its holder, nothing moved', async () => {
    await dynamo().send(new PutCommand({ TableName: 'locks', Item: holder(Date.now() + 3_600_000) }));
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'LockHeld' });
    expect(r.cause).toMatch(/execution:shop-dev-cutover:crashed/);
    expect(await world.observeWeights()).toEqual({ blue: 100, green: 0 });
    expect((await world.lock())!.executionId).toMatch(/crashed$/);
  });
});

describe('simulated metrics in the emulator', () => {
  // No handler sends moto a Sum-only query on a simulated metric today (theirs ask for percentiles too, which the
  // stand-in answers); this one goes through the handlers' CloudWatch client, as such a query would.
  it('a Sum query through the handlers\' CloudWatch client sees every visible datapoint of its metric, given once', async () => {
    const store = world.simulation.store;
    const requests = store.metrics().find((m) => m.metricName === 'RequestCount' && m.dimensions.TargetGroup?.includes('-blue/'))!;
    expect(requests).toBeDefined();
    const now = world.clock.now();
    const start = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
    const query = () =>
      sdkClient('cloudwatch', (c) => new CloudWatchClient(c))().send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(start + 2 * 3_600_000),
          MetricDataQueries: [{ Id: 'r', MetricStat: { Metric: { Namespace: requests.namespace, MetricName: requests.metricName, Dimensions: Object.entries(requests.dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: 7_200, Stat: 'Sum' } }],
        }),
      );
    const expected = store.value(requests, { kind: 'Sum' }, start, 2 * 3_600_000, now);
    expect(expected).toBeGreaterThan(0);
    expect((await query()).MetricDataResults![0].Values).toEqual([expected]);
    // Asked again, moto holds the same: nothing was handed over twice.
    expect((await query()).MetricDataResults![0].Values).toEqual([expected]);
  });
});
