import { RunOptions } from '../../rehearsal/run';
import { World } from '../../rehearsal/world';
import { fault, runIn, useMotoWorld } from './moto-world';

// staging configures a DNS cutover from legacy-shop.example.net for shop-staging.example.com.
const env = useMotoWorld({ env: 'staging' });
let world: World;
beforeEach(() => {
  world = env.world();
});

// The data sync has its own tests; these runs skip it to look at DNS alone.
const input = { reason: 'move off the legacy shop', image: 'public.ecr.aws/nginx/nginx:1.28', bakeSeconds: 300, watchWindowHours: 0, dataSync: false };
const run = (i: object = input, o: RunOptions = {}) => runIn(world, i, o);
const entries = async (type: string) => (await world.ledger()).filter((e) => e.type === type);
const legacyRecord = async () => (await world.dnsRecords()).find((r) => r.SetIdentifier === 'legacy');

describe('DNS cutover from a legacy endpoint', () => {
  it('ramps the weighted records in the plan\'s steps, with the listener on the new color, and keeps the legacy record', async () => {
    const r = await run();
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });

    const steps = await entries('dns-weights');
    expect(steps.map((e) => e.detail.set)).toEqual([{ legacy: 90, alb: 10 }, { legacy: 50, alb: 50 }, { legacy: 0, alb: 100 }]);
    expect(steps.map((e) => e.detail.readBack)).toEqual(steps.map((e) => e.detail.set));
    expect(steps.every((e) => e.detail.status === 'INSYNC')).toBe(true);
    // The load balancer took its clients on the new color from the first step.
    expect((await entries('weights')).map((e) => e.detail.readBack)).toEqual([{ blue: 0, green: 100 }]);
    const preflight = (await entries('preflight'))[0].detail as { checks: Array<{ check: string; ok: boolean; detail: string }> };
    expect(preflight.checks.find((c) => c.check.startsWith('DNS'))).toEqual({ check: 'DNS records ready for a ramp (TTL at most 300 s)', ok: true, detail: 'TTL 60 s, legacy 100 / load balancer 0' });

    expect(await world.dnsWeights()).toEqual({ legacy: 0, alb: 100 });
    expect(await world.weights()).toEqual({ blue: 0, green: 100 });
    // Never deleted: the legacy record keeps its value and TTL, at weight 0.
    expect(await legacyRecord()).toMatchObject({ Type: 'CNAME', Weight: 0, TTL: 60, ResourceRecords: [{ Value: 'legacy-shop.example.net' }] });
    const alb = (await world.dnsRecords()).find((x) => x.SetIdentifier === 'switchyard');
    expect(alb).toMatchObject({ Type: 'CNAME', Weight: 100, TTL: 60, ResourceRecords: [{ Value: world.dns!.albDnsName }] });
  });

  it('an alarm during the ramp sends every client back to the legacy endpoint and the listener back to blue', async () => {
    world.simulation.inject(fault({ color: 'new', from: 'step:2', errorRatePercent: 40 }));
    const r = await run();
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(r.cause).toMatch(/^RolledBackByAlarm: /);
    expect(await world.dnsWeights()).toEqual({ legacy: 100, alb: 0 });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await legacyRecord()).toMatchObject({ Weight: 100, TTL: 60, ResourceRecords: [{ Value: 'legacy-shop.example.net' }] });
    const rollbacks = await entries('rollback');
    expect(rollbacks.map((e) => e.detail.trigger)).toEqual(['alarm', 'cutover']);
    for (const e of rollbacks) expect(e.detail).toMatchObject({ target: 'blue', dns: { legacy: 100, alb: 0 } });
    expect((await entries('dns-weights')).map((e) => e.detail.percent)).toEqual([10, 50]);
  });

  it('an alarm in the watch window, handled by the alarm rule, flips DNS back too', async () => {
    // p95 of 4 s from minute 20: after promotion (three 5-minute bakes), inside the 1-hour window.
    world.simulation.inject(fault({ color: 'new', from: 'minute:20', p95Seconds: 4 }));
    const r = await run({ ...input, watchWindowHours: 1 });
    const handled = world.simulation.deliveries.filter((d) => d.ok).map((d) => d.result);
    expect(handled).toEqual([expect.objectContaining({ action: 'rollback', target: 'blue', result: expect.objectContaining({ dns: { legacy: 100, alb: 0 } }) })]);
    expect(world.simulation.moments.promotionMs).toBeLessThan(world.simulation.deliveries[0].atMs);
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(await world.dnsWeights()).toEqual({ legacy: 100, alb: 0 });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });

  it('refuses to start when the record\'s TTL is above 300 s, and says so', async () => {
    await world.putRecord({ Name: 'shop-staging.example.com', Type: 'CNAME', SetIdentifier: 'legacy', Weight: 100, TTL: 3600, ResourceRecords: [{ Value: 'legacy-shop.example.net' }] });
    const r = await run();
    expect(r).toMatchObject({ status: 'FAILED', error: 'PreflightNoGo' });
    expect(r.cause).toMatch(/DNS records ready for a ramp \(TTL at most 300 s\): the legacy record of shop-staging.example.com has a TTL of 3600 s; lower it to 300 s or less/);
    expect(r.states).not.toContain('DeployIdle');
    expect(await world.dnsWeights()).toEqual({ legacy: 100, alb: 0 });
    expect((await world.dnsRecords()).map((x) => x.SetIdentifier)).toEqual(['legacy']);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });

  it('once DNS has moved, the next cutover is blue/green on the listener alone', async () => {
    expect((await run()).status).toBe('SUCCEEDED');
    const before = (await entries('dns-weights')).length;
    const r = await run({ ...input, image: 'public.ecr.aws/nginx/nginx:1.29', reason: 'next release' });
    expect(r.status).toBe('SUCCEEDED');
    expect((await entries('dns-weights')).length).toBe(before);
    expect((await entries('weights')).slice(1).map((e) => e.detail.readBack)).toEqual([{ blue: 10, green: 90 }, { blue: 50, green: 50 }, { blue: 100, green: 0 }]);
    expect(await world.dnsWeights()).toEqual({ legacy: 0, alb: 100 });
  });
});
