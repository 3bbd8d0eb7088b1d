import { runStateMachine } from '../../rehearsal/run';
import { World } from '../../rehearsal/world';
import { settings } from '../../lambda/shared/settings';
import { useMotoWorld } from './moto-world';

const env = useMotoWorld();
let world: World;
beforeEach(() => {
  world = env.world();
});
const maintenance = (event: object) => require('../../lambda/maintenance').handler(event);

describe('maintenance mode', () => {
  it('on: operators pass through by header and by their ranges, everyone else gets the page', async () => {
    const out = await maintenance({ action: 'on', reason: 'final data sync', by: 'alice' });
    expect(out).toMatchObject({ already: false, reason: 'final data sync' });
    const rules = await world.rules();
    const byPriority = Object.fromEntries(rules.map((r) => [r.priority, r]));
    expect(Object.keys(byPriority)).toEqual(['2', '3', '5', '10']);
    expect(JSON.stringify(byPriority['2'].conditions)).toContain('X-Switchyard-Bypass');
    expect(JSON.stringify(byPriority['3'].conditions)).toContain(settings().operatorCidrs[0]);
    // Bypass rules forward exactly where production does.
    const production = byPriority['2'].actions[0].ForwardConfig!.TargetGroups!.map((g) => [g.TargetGroupArn, g.Weight]);
    expect(production).toEqual([[world.targetGroups.blue, 100], [world.targetGroups.green, 0]]);
    expect(JSON.stringify(byPriority['5'].conditions)).toContain('/*');
    expect(JSON.stringify(byPriority['5'].actions)).toContain(world.maintenanceTargetGroup);
    expect((await world.ledger()).map((e) => e.type)).toEqual(['maintenance-on']);
    // A second "on" changes nothing.
    expect(await maintenance({ action: 'on', reason: 'again', by: 'bob' })).toMatchObject({ already: true, reason: 'final data sync' });
    expect(await world.rules()).toHaveLength(4);
  });

  it('off: the rules go and the ledger records how long it was on', async () => {
    const t0 = performance.now();
    await maintenance({ action: 'on', reason: 'sync', by: 'alice' });
    world.clock.advance(42_000);
    const out = await maintenance({ action: 'off', by: 'alice' });
    // Virtual time is real time plus the skipped 42 s: the handlers' own real time may add a second on a loaded machine.
    const most = 42 + Math.ceil((performance.now() - t0) / 1000);
    expect(out).toEqual({ wasOn: true, durationSeconds: expect.any(Number) });
    expect(out.durationSeconds).toBeGreaterThanOrEqual(42);
    expect(out.durationSeconds).toBeLessThanOrEqual(most);
    expect((await world.rules()).map((r) => r.priority)).toEqual(['10']);
    const off = (await world.ledger()).find((e) => e.type === 'maintenance-off')!;
    expect(off.detail).toMatchObject({ durationSeconds: out.durationSeconds });
    expect(await maintenance({ action: 'off', by: 'alice' })).toEqual({ wasOn: false });
  });

  it('switches itself off after its maximum (60 s by default)', async () => {
    const t0 = performance.now();
    await maintenance({ action: 'on', reason: 'sync', by: 'alice' });
    world.clock.advance(30_000);
    const early = await maintenance({ action: 'expire' });
    expect(early).toEqual({ expired: false, remainingSeconds: expect.any(Number) });
    expect(early.remainingSeconds).toBeLessThanOrEqual(30);
    expect(early.remainingSeconds).toBeGreaterThanOrEqual(30 - Math.ceil((performance.now() - t0) / 1000));
    expect(await world.rules()).toHaveLength(4);
    world.clock.advance(31_000);
    expect(await maintenance({ action: 'expire' })).toEqual({ expired: true });
    expect((await world.rules()).map((r) => r.priority)).toEqual(['10']);
    const lasted = (await world.ledger()).find((e) => e.type === 'maintenance-off')!.detail.durationSeconds;
    expect(lasted).toBeGreaterThanOrEqual(61);
    expect(lasted).toBeLessThanOrEqual(61 + Math.ceil((performance.now() - t0) / 1000));
  });

  it('every exit of a cutover turns it off', async () => {
    await maintenance({ action: 'on', reason: 'sync', by: 'alice' });
    world.app.business = 500;
    // A bake of 0 could never be judged, and pre-flight would refuse it (CanaryTooThin) before the smoke test.
    const r = await runStateMachine({ reason: 'release', image: 'public.ecr.aws/nginx/nginx:1.28', bakeSeconds: 300, watchWindowHours: 0 }, { clock: world.clock });
    expect(r).toMatchObject({ status: 'FAILED', error: 'SmokeTestFailed' });
    expect((await world.rules()).map((r) => r.priority)).toEqual(['10']);
    const finished = (await world.ledger()).find((e) => e.type === 'finished')!;
    expect(finished.detail).toMatchObject({ maintenanceTurnedOff: true });
  });

  it('the page answers 503 with Retry-After', () => {
    const { maintenanceResponse } = require('../../lambda/maintenance-page');
    expect(maintenanceResponse({ RETRY_AFTER_SECONDS: '90', CONTENT_TYPE: 'text/plain', BODY: 'back soon' })).toEqual({
      statusCode: 503,
      statusDescription: '503 Service Unavailable',
      isBase64Encoded: false,
      headers: { 'Retry-After': '90', 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' },
      body: 'back soon',
    });
  });
});
