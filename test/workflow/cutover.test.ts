import { Moto } from '../harness/moto';
import { runStateMachine } from '../harness/run';
import { World } from '../harness/world';

let moto: Moto;
let world: World;

beforeAll(async () => {
  moto = await Moto.start();
}, 60_000);
afterAll(async () => {
  await world?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await world?.close();
  await moto.reset();
  world = new World(moto.endpoint);
  await world.build();
});

const types = async () => (await world.ledger()).map((e) => e.type);

describe('happy path', () => {
  it('ramps to green, promotes, watches, scales blue down and releases the lock', async () => {
    const r = await runStateMachine({ image: 'public.ecr.aws/nginx/nginx:1.28', reason: 'release 1.28', bakeSeconds: 0, watchWindowHours: 0 }, {
      before: async (state) => {
        if (state === 'CheckStep') await world.emitTraffic();
      },
    });
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(await world.weights()).toEqual({ blue: 0, green: 100 });
    expect(await world.testRouteWeights()).toEqual({ blue: 1, green: 0 });
    expect(await world.parameter(world.names.liveColor)).toBe('green');
    expect(await world.parameter(world.names.image.green)).toBe('public.ecr.aws/nginx/nginx:1.28');
    expect(await world.parameter(world.names.desiredCount.blue)).toBe('0');
    expect(await world.lock()).toBeUndefined();
    const ledger = await world.ledger();
    expect(ledger.map((e) => e.type)).toEqual(['started', 'preflight', 'deployed', 'idle-ready', 'smoke', 'weights', 'bake', 'weights', 'bake', 'weights', 'bake', 'promoted', 'scaled-down', 'finished']);
    const weightEntries = ledger.filter((e) => e.type === 'weights').map((e) => e.detail.readBack);
    expect(weightEntries).toEqual([{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }]);
    expect(ledger.at(-1)!.detail.outcome).toBe('Succeeded');
  });
});
