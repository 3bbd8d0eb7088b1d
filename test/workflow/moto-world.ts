import { Moto } from '../../rehearsal/moto';
import { runStateMachine, RunOptions, RunResult } from '../../rehearsal/run';
import { World, WorldOptions } from '../../rehearsal/world';

/**
 * One moto server per test file and a freshly built world before every test.
 * Returns accessors, valid inside tests.
 */
export function useMotoWorld(opts: WorldOptions = {}): { moto: () => Moto; world: () => World } {
  let moto: Moto | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    moto = await Moto.start();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await moto?.stop();
  });
  beforeEach(async () => {
    await world?.close();
    await moto!.reset();
    world = new World(moto!.endpoint, opts);
    await world.build();
  });
  return { moto: () => moto!, world: () => world! };
}

/**
 * Runs the world's cutover with its clock, its synthesized environment and its
 * ECS task simulator, publishing a minute of traffic before every bake check
 * and watch tick (as users would) ahead of the test's own hook.
 */
export function runIn(world: World, input: object, o: RunOptions = {}): Promise<RunResult> {
  return runStateMachine(input, {
    clock: world.clock,
    app: world.synthesized,
    ecsTask: world.runEcsTask,
    ...o,
    before: async (state, payload) => {
      if (state === 'CheckStep' || state === 'WatchTick') await world.emitTraffic();
      await o.before?.(state, payload);
    },
  });
}

/** An EventBridge CloudWatch alarm state change to ALARM, as the alarm rule delivers it. */
export function alarmEvent(alarmName: string, id = 'evt-1', at = new Date(Date.now())) {
  return {
    id,
    time: at.toISOString(),
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    detail: { alarmName, state: { value: 'ALARM', timestamp: at.toISOString(), reason: 'rehearsal' }, previousState: { value: 'OK' } },
  };
}
