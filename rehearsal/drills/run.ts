import { Moto } from '../moto';
import { rehearse, RehearsalReport } from '../rehearse';
import { World } from '../world';
import { Drill } from './schema';

/** Runs one drill in a fresh world on `moto`: its environment and config, traffic, faults and expectation. */
export async function runDrill(moto: Moto, drill: Drill, progress?: (line: string) => void): Promise<RehearsalReport> {
  await moto.reset();
  const world = new World(moto.endpoint, { env: drill.environment, config: drill.config, traffic: drill.traffic, faults: drill.faults, warmUpMinutes: drill.warmUpMinutes });
  try {
    await world.build();
    return await rehearse(world, { name: drill.name, description: drill.description ?? drill.name, input: drill.input, machine: drill.machine, tailMinutes: drill.tailMinutes, expect: drill.expect }, progress);
  } finally {
    await world.close();
  }
}
