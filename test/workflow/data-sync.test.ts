import { RunOptions } from '../../rehearsal/run';
import { World } from '../../rehearsal/world';
import { runIn, useMotoWorld } from './moto-world';

// staging configures a final data sync with a validation task.
const env = useMotoWorld({ env: 'staging' });
let world: World;
beforeEach(() => {
  world = env.world();
});

const input = { reason: 'release 1.28 with final sync', image: 'public.ecr.aws/nginx/nginx:1.28', bakeSeconds: 300, watchWindowHours: 0 };
const expire = () => require('../../lambda/maintenance').handler({ action: 'expire' });
const run = (i: object = input, o: RunOptions = {}) => runIn(world, i, o);
const priorities = async () => (await world.rules()).map((r) => r.priority);
const entries = async (type: string) => (await world.ledger()).filter((e) => e.type === type);
/**
 * Virtual time is real time plus the skipped waits, so a duration measured by the handlers is the simulated
 * one plus the real seconds the states took between its ends (up to the whole run's, on a loaded machine).
 */
const lasted = (got: unknown, simulatedSeconds: number, realMs: number) => {
  if (typeof got !== 'number') throw new Error(`durationSeconds should be a number, got ${JSON.stringify(got)}`);
  expect(got).toBeGreaterThanOrEqual(simulatedSeconds);
  expect(got).toBeLessThanOrEqual(simulatedSeconds + Math.ceil(realMs / 1000));
};
const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
};

describe('final data sync', () => {
  it('turns maintenance on, syncs and validates with writes frozen, and off once traffic first moves', async () => {
    const during: Record<string, string[]> = {};
    world.duringTask = async (state) => {
      during[state] = await priorities();
    };
    const [r, realMs] = await timed(() => run());
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });

    // staging also ramps DNS from its legacy endpoint: maintenance ends after the first DNS step.
    // Maintenance rules (2 bypass header, 3 operator ranges, 5 page) were in place while each task ran.
    expect(during).toEqual({ SyncData: ['2', '3', '5', '10'], ValidateSync: ['2', '3', '5', '10'] });
    expect(await priorities()).toEqual(['10']);
    expect(await world.weights()).toEqual({ blue: 0, green: 100 });

    const order = ['SmokeTest', 'MaintenanceOn', 'BeginSync', 'SyncData', 'CheckSync', 'ValidateSync', 'CheckValidation', 'EndSync', 'ShiftTraffic', 'MaintenanceOff', 'Bake'];
    expect(r.states.filter((s) => order.includes(s)).slice(0, order.length)).toEqual(order);
    expect(r.states.filter((s) => s === 'MaintenanceOff')).toHaveLength(1);

    // The configured task definitions ran in the cluster, each told which execution runs it.
    expect(world.ranTasks.map((t) => t.state)).toEqual(['SyncData', 'ValidateSync']);
    const sync = world.ranTasks[0].params;
    expect(sync.LaunchType).toBe('FARGATE');
    expect(sync.Overrides.ContainerOverrides[0]).toMatchObject({ Name: 'sync', Environment: [{ Name: 'SWITCHYARD_EXECUTION', Value: expect.stringContaining(':execution:') }] });
    expect(world.ranTasks[1].params.Overrides.ContainerOverrides[0].Name).toBe('validation');

    const types = (await world.ledger()).map((e) => e.type);
    expect(types.slice(0, types.indexOf('bake'))).toEqual([
      'started', 'preflight', 'deployed', 'idle-ready', 'smoke', 'maintenance-on', 'sync-started', 'sync-passed', 'validation-passed', 'weights', 'dns-weights', 'maintenance-off',
    ]);
    const [passed] = await entries('sync-passed');
    expect(passed.detail).toMatchObject({ exitCode: 0, logGroup: '/switchyard/shop-staging/sync', logStream: expect.stringMatching(/^sync\/sync\/[0-9a-f]{32}$/) });
    // Two tasks of 60 s each, then the first shift: maintenance lasted as long as that.
    const [off] = await entries('maintenance-off');
    expect(off.detail).toMatchObject({ why: 'traffic moved to the new color' });
    lasted(off.detail.durationSeconds, 120, realMs);
  });

  it('a failed sync turns maintenance off, keeps traffic on the live color and fails with DataSyncFailed, exit code and logs', async () => {
    world.taskRuns.SyncData = { exitCode: 3 };
    const [r, realMs] = await timed(() => run());
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('DataSyncFailed');
    expect(r.cause).toMatch(/^the final data sync exited 3 \(Essential container in task exited\); logs: \/switchyard\/shop-staging\/sync sync\/sync\/[0-9a-f]{32}$/);
    expect(r.states).not.toContain('ValidateSync');
    expect(r.states).not.toContain('ShiftTraffic');
    expect(r.states).toContain('AbortBeforeTraffic');

    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await priorities()).toEqual(['10']);
    const [failed] = await entries('sync-failed');
    expect(failed.detail).toMatchObject({ ok: false, exitCode: 3, error: 'DataSyncFailed', logGroup: '/switchyard/shop-staging/sync' });
    const [off] = await entries('maintenance-off');
    expect(off.detail).toMatchObject({ why: 'sync failed' });
    lasted(off.detail.durationSeconds, 60, realMs);
    const finished = (await entries('finished'))[0];
    expect(finished.detail).toMatchObject({ outcome: 'Aborted', error: { Error: 'DataSyncFailed' } });
    expect(await world.lock()).toBeUndefined();
    expect(world.published.map((p) => p.subject)).toContain('Switchyard shop#staging: final data sync FAILED, cutover stopped');
  });

  it('a sync that never ran its container (timeout) is a DataSyncFailed too, with the reason', async () => {
    world.taskRuns.SyncData = { fail: { error: 'States.Timeout', cause: 'Task timed out after 1800 seconds' } };
    const r = await run();
    expect(r.error).toBe('DataSyncFailed');
    expect(r.cause).toBe('the final data sync did not run to completion: States.Timeout (Task timed out after 1800 seconds); logs: /switchyard/shop-staging/sync');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await priorities()).toEqual(['10']);
  });

  it.each([true, false])('a failed validation ends in SyncValidationFailed (Step Functions fails the state on a non-zero exit: %s)', async (failOnNonZero) => {
    world.taskRuns.ValidateSync = { exitCode: 1, failOnNonZero };
    const r = await run();
    expect(r.error).toBe('SyncValidationFailed');
    expect(r.cause).toMatch(/^the sync validation exited 1 .*logs: \/switchyard\/shop-staging\/validation validation\/validation\/[0-9a-f]{32}$/);
    expect(r.states).not.toContain('ShiftTraffic');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await priorities()).toEqual(['10']);
    expect((await entries('validation-failed'))[0].detail).toMatchObject({ exitCode: 1, stage: 'validation' });
    expect((await entries('sync-passed'))).toHaveLength(1);
  });

  it('"dataSync": false skips the sync and maintenance; the ramp starts after the smoke test', async () => {
    const r = await run({ ...input, dataSync: false });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.states).not.toContain('MaintenanceOn');
    expect(r.states).not.toContain('SyncData');
    expect(world.ranTasks).toEqual([]);
  });

  it('refuses "maintenance": false with the sync, before anything changes', async () => {
    const r = await run({ ...input, maintenance: false });
    expect(r.error).toBe('InvalidInput');
    expect(r.cause).toMatch(/maintenance: the final data sync runs with writes frozen/);
    expect(await world.ledger()).toEqual([]);
  });
});

describe('maintenance bound', () => {
  it('stays on while the sync runs past the maximum, then counts again from the end of the sync', async () => {
    // A 10-minute sync: the per-minute expiry check fires during it and leaves maintenance on.
    world.taskRuns.SyncData = { seconds: 600 };
    const checks: unknown[] = [];
    world.duringTask = async (state) => {
      if (state === 'SyncData') checks.push(await expire());
    };
    const [r, realMs] = await timed(() => run());
    expect(r.status).toBe('SUCCEEDED');
    expect(checks).toEqual([{ expired: false, syncing: true, remainingSeconds: expect.any(Number) }]);
    const [off] = await entries('maintenance-off');
    expect(off.executionId).toContain(':execution:');
    expect(off.detail).toMatchObject({ why: 'traffic moved to the new color' });
    lasted(off.detail.durationSeconds, 660, realMs);
  });

  it('switches itself off after the maximum once the sync has ended, even if the execution stalls', async () => {
    let stalled = false;
    const r = await run(input, {
      before: async (state) => {
        if (state !== 'ShiftTraffic' || stalled) return;
        stalled = true;
        // The execution stalls between the sync and the first shift for longer than the 60 s maximum.
        world.clock.advance(61_000);
        expect(await expire()).toEqual({ expired: true });
        expect(await priorities()).toEqual(['10']);
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    const offs = await entries('maintenance-off');
    expect(offs).toHaveLength(1);
    expect(offs[0]).toMatchObject({ executionId: 'expiry', detail: { why: 'on for longer than the maximum of 60 s outside a data sync' } });
    // The execution's own stage then finds it off and changes nothing.
    expect(r.states).toContain('MaintenanceOff');
    expect(r.output.maintenance).toEqual({ wasOn: false });
  });

  it('a sync past its own deadline loses maintenance, and the cutover stops: clients may have written meanwhile', async () => {
    // 30 + 10 minutes of task timeouts and 5 to start them: 45 minutes of cover.
    world.taskRuns.SyncData = { seconds: 46 * 60 };
    world.duringTask = async (state) => {
      if (state === 'SyncData') expect(await expire()).toEqual({ expired: true });
    };
    const r = await run();
    expect(r.error).toBe('MaintenanceNotOn');
    expect(r.cause).toMatch(/maintenance mode went off while the data sync ran/);
    expect(r.states).not.toContain('ShiftTraffic');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect((await entries('maintenance-off'))[0].detail).toMatchObject({ why: expect.stringMatching(/data sync of .* ran past its deadline/) });
  });
});
