import { Moto } from '../moto';
import { Rehearsal, rehearse, RehearsalReport } from '../rehearse';
import { World } from '../world';
import { Drill } from './schema';

/**
 * Runs one drill in a fresh world on `moto`: its environment and config,
 * traffic, faults and expectation. `variant` changes how it runs (the bench's
 * alarm-only baseline binds the step check to a pass).
 */
export async function runDrill(moto: Moto, drill: Drill, progress?: (line: string) => void, variant: Pick<Rehearsal, 'replaceTasks'> = {}): Promise<RehearsalReport> {
  const world = new World(moto.endpoint, { env: drill.environment, config: drill.config, traffic: drill.traffic, faults: drill.faults, warmUpMinutes: drill.warmUpMinutes, startAtMs: drill.startAt === undefined ? undefined : Date.parse(drill.startAt) });
  try {
    await world.build();
    return await rehearse(world, { name: drill.name, description: drill.description ?? drill.name, input: drill.input, machine: drill.machine, tailMinutes: drill.tailMinutes, expect: drill.expect, operator: drill.operator, ...variant }, progress);
  } finally {
    await world.close();
  }
}
