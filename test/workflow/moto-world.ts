import { Moto } from '../../rehearsal/moto';
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
