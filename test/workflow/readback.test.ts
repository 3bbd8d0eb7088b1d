import { setWeights } from '../../lambda/shared/adapters/elb';
import { World } from '../../rehearsal/world';
import { alarmEvent, runIn, useMotoWorld } from './moto-world';

// Faults that make the listener disagree with what was just written, and an
// alarm on the color a cutover falls back to. Every weight below is read from
// the emulator with the world's own client, never from the handlers' records.
const env = useMotoWorld();
let world: World;
beforeEach(() => {
  world = env.world();
});

const input = { reason: 'release 1.28', image: 'public.ecr.aws/nginx/nginx:1.28', bakeSeconds: 300, watchWindowHours: 0 };
const manualRollback = (reason: string) => require('../../lambda/rollback').handler({ source: 'manual', executionId: 'manual-1', request: { reason, target: 'blue' } });

describe('rollback read-back against a listener that disagrees', () => {
  beforeEach(async () => {
    // Traffic split as a ramp leaves it.
    await setWeights(world.listenerArn, world.targetGroups, { blue: 50, green: 50 });
  });

  it('weights that lag one read: the rollback reads again until the listener agrees, then records', async () => {
    world.faults.lagListenerReads = 1;
    const reads = world.calls('elb:DescribeListeners');
    const out = await manualRollback('lagging listener');
    expect(out).toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 } });
    expect(world.faults.lagListenerReads).toBe(0);
    // One read before acting, one stale read-back, one that agrees.
    expect(world.calls('elb:DescribeListeners') - reads).toBe(3);
    expect(await world.observeWeights()).toEqual({ blue: 100, green: 0 });
    expect((await world.ledger()).filter((e) => e.type === 'rollback').map((e) => e.detail.weights)).toEqual([{ blue: 100, green: 0 }]);
  });

  it('another writer overwrites the weights: the rollback reads back until it gives up, fails RollbackFailed, and records and announces no success', async () => {
    world.faults.overwriteListener = { blue: 50, green: 50 };
    const reads = world.calls('elb:DescribeListeners');
    await expect(manualRollback('overwritten listener')).rejects.toMatchObject({ name: 'RollbackFailed', message: 'the listener reports blue=50 green=50 after setting blue=100 green=0' });
    // One read before acting, then ten read-backs.
    expect(world.calls('elb:DescribeListeners') - reads).toBe(11);
    expect(await world.observeWeights()).toEqual({ blue: 50, green: 50 });
    expect((await world.ledger()).filter((e) => e.type === 'rollback')).toEqual([]);
    expect(world.published.filter((p) => /rolled back/.test(p.subject))).toEqual([]);
  });
});

describe('a cutover whose rollback meets another writer', () => {
  it('the cutover whose rollback meets the other writer ends RollbackFailed and pages, never Succeeded', async () => {
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'CheckStep') await world.setAlarm('green', 'ALARM');
        if (state === 'Rollback') world.faults.overwriteListener = { blue: 90, green: 10 };
      },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RollbackFailed' });
    expect(r.states).toContain('PageRollbackFailed');
    expect(r.states).not.toContain('Succeeded');
    expect(world.published.some((p) => /ROLLBACK FAILED/.test(p.subject))).toBe(true);
    expect(await world.observeWeights()).toEqual({ blue: 90, green: 10 });
  });
});

describe('an alarm on the previous color while a cutover runs', () => {
  it('notifies, moves no traffic onto the alarming color, and the cutover goes on to green', async () => {
    const seen: Array<{ out: unknown; before: unknown; after: unknown; modifies: number }> = [];
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state !== 'CheckStep' || seen.length > 0) return;
        const before = await world.observeWeights();
        const modifies = world.calls('elb:ModifyListener');
        const out = await require('../../lambda/alarm-handler').handler(alarmEvent(world.alarmNames.blue, 'evt-previous'));
        seen.push({ out, before, after: await world.observeWeights(), modifies: world.calls('elb:ModifyListener') - modifies });
      },
    });
    expect(seen).toEqual([
      {
        out: { action: 'notify', alarmColor: 'blue', reason: 'blue is the color the running cutover would fall back to; rolling back cannot help' },
        before: { blue: 90, green: 10 },
        after: { blue: 90, green: 10 },
        modifies: 0,
      },
    ]);
    expect(world.published.some((p) => p.subject === `Switchyard shop#dev: ${world.alarmNames.blue} in ALARM (no rollback)`)).toBe(true);
    expect(r.status).toBe('SUCCEEDED');
    expect(await world.observeWeights()).toEqual({ blue: 0, green: 100 });
  });
});
