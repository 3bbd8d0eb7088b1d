import { World } from '../../rehearsal/world';
import { runIn, useMotoWorld } from './moto-world';

// config/production.json names a database, so its cutover takes a backup first.
const env = useMotoWorld({ env: 'production' });
let world: World;
// production deploys only its own ECR repository, which holds the release.
const input = { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:1.43.0', reason: 'release 1.43.0', bakeSeconds: 300, watchWindowHours: 0 };
beforeEach(async () => {
  world = env.world();
  await world.pushImage(input.image);
});

describe('backup first (production, with a database)', () => {
  it('reuses a snapshot younger than the limit, records it, then cuts over', async () => {
    const r = await runIn(world, input);
    expect(r.status).toBe('SUCCEEDED');
    const ledger = await world.ledger();
    const types = ledger.map((e) => e.type);
    expect(types.indexOf('backup')).toBeGreaterThan(types.indexOf('preflight'));
    expect(types.indexOf('backup')).toBeLessThan(types.indexOf('deployed'));
    expect(ledger.find((e) => e.type === 'backup')!.detail).toMatchObject({ instance: 'shop-production', reused: true });
    expect(await world.observeWeights()).toEqual({ blue: 0, green: 100 });
  });

  it('takes a new snapshot when the newest is older than the limit', async () => {
    // Three hours with users coming (pre-flight reads the last hour's traffic), so the snapshot ages past the limit.
    await world.passTime(3 * 3600_000);
    const r = await runIn(world, input);
    expect(r.status).toBe('SUCCEEDED');
    const backup = (await world.ledger()).find((e) => e.type === 'backup')!;
    expect(backup.detail).toMatchObject({ instance: 'shop-production', reused: false, snapshotId: expect.stringMatching(/^switchyard-shop-production-\d{14}$/) });
  });

  it('a failed backup stops the cutover before anything changes', async () => {
    await world.passTime(3 * 3600_000);
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'TakeBackup') throw Object.assign(new Error('the snapshot quota is reached'), { name: 'SnapshotQuotaExceededFault' });
      },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'SnapshotQuotaExceededFault' });
    expect(r.states).toContain('AbortedBeforeTraffic');
    expect(await world.observeWeights()).toEqual({ blue: 100, green: 0 });
    expect((await world.ledger()).map((e) => e.type)).toEqual(['started', 'preflight', 'aborted', 'finished']);
  });
});
