import { Moto } from '../../rehearsal/moto';
import { runStateMachine, RunOptions, RunResult } from '../../rehearsal/run';
import { Fault, faultSchema } from '../../rehearsal/traffic/schema';
import { World, WorldOptions } from '../../rehearsal/world';

/** The jest worker's moto server (Moto.forThisProcess), started before the file's tests; the accessor is valid inside tests. */
export function useMoto(): () => Moto {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await Moto.forThisProcess();
  }, 60_000);
  return () => moto!;
}

/**
 * The jest worker's moto server (useMoto) and a freshly built world (from an emptied moto) before every test.
 * Returns accessors, valid inside tests.
 */
export function useMotoWorld(opts: WorldOptions = {}): { moto: () => Moto; world: () => World } {
  const moto = useMoto();
  let world: World | undefined;
  afterAll(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    await world?.close();
    world = new World(moto().endpoint, opts);
    await world.build();
  });
  return { moto, world: () => world! };
}

/**
 * Runs the world's cutover in simulated time: users keep coming (1,000
 * healthy requests a minute unless the world says otherwise), the alarms as
 * synthesized are evaluated every minute and their events delivered.
 */
export function runIn(world: World, input: object, o: RunOptions = {}): Promise<RunResult> {
  return runStateMachine(input, world.runOptions(o));
}

/** A fault of the simulated traffic, with the schema's defaults. */
export function fault(f: Partial<Fault> & Pick<Fault, 'color'>): Fault {
  return faultSchema.parse(f);
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
