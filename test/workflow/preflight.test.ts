import { trafficSchema } from '../../rehearsal/traffic/schema';
import { World } from '../../rehearsal/world';
import { runIn, useMotoWorld } from './moto-world';

/**
 * Low traffic, told in advance: production's canary (5, 25, 50, 100, 5-minute
 * bakes) against a live color serving 40 requests a minute. Pre-flight reads
 * the last hour and refuses before anything changes (CanaryTooThin, through
 * the abort path: the lock is released, the execution fails with its name),
 * unless the input accepts it.
 */
const QUIET = 40;
// 15 quiet minutes of warm-up (what pre-flight reads), then a morning's traffic from the first shift on.
const RISING = { series: [...Array(15).fill(QUIET), ...Array(150).fill(400)] };
const env = useMotoWorld({ env: 'production', traffic: trafficSchema.parse({ requestsPerMinute: RISING, errorRatePercent: 0.2, seed: 4 }) });
let world: World;
const input = { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:1.43.0', reason: 'release 1.43.0', watchWindowHours: 0 };
beforeEach(async () => {
  world = env.world();
  // The release is in production's repository, where deploy-idle resolves its digest.
  await world.pushImage(input.image);
});

it('refuses a canary too thin to judge with CanaryTooThin, naming a first step that would work, and changes nothing', async () => {
  const before = { image: await world.parameter(world.names.image.green), count: await world.parameter(world.names.desiredCount.green) };
  const r = await runIn(world, input);
  expect({ status: r.status, error: r.error }).toEqual({ status: 'FAILED', error: 'CanaryTooThin' });
  expect(r.cause).toMatch(/^at the last hour's \d+(\.\d)? requests a minute, a 5% first step gives the new color about \d+(\.\d)? requests by its longest bake \(1800 s, 26 complete minutes\), short of judge.minRequestsPerColor \(100\); the smallest first step that would do is \d+%/);
  // Nothing deployed, no traffic moved, the lock released.
  expect(r.states).not.toContain('DeployIdle');
  expect(r.states).toEqual(expect.arrayContaining(['Preflight', 'AbortBeforeTraffic', 'ReleaseAfterAbort', 'AbortedBeforeTraffic']));
  expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  expect({ image: await world.parameter(world.names.image.green), count: await world.parameter(world.names.desiredCount.green) }).toEqual(before);
  expect(world.capacity().desired.green).toBe(0);
  expect(await world.lock()).toBeUndefined();
  const ledger = await world.ledger();
  expect(ledger.map((e) => e.type)).not.toContain('deployed');
  const preflight = ledger.find((e) => e.type === 'preflight')!.detail as any;
  expect(preflight).toMatchObject({ go: false, error: 'CanaryTooThin', canary: { thin: true, accepted: false } });
  expect(preflight.canary.lastHour.requestsPerMinute).toBeCloseTo(QUIET, -1);
  expect(preflight.canary.steps).toHaveLength(4);
  const smallest = preflight.canary.evidence.smallestFirstStep;
  expect(r.cause).toContain(`the smallest first step that would do is ${smallest}%`);
  expect(smallest).toBeGreaterThan(5);
});

it('with acceptThinCanary goes on, the warning in the ledger; the step still needs its evidence, which the rising traffic brings', async () => {
  const r = await runIn(world, { ...input, acceptThinCanary: true });
  expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
  expect(await world.weights()).toEqual({ blue: 0, green: 100 });
  const ledger = await world.ledger();
  const preflight = ledger.find((e) => e.type === 'preflight')!.detail as any;
  expect(preflight).toMatchObject({ go: true, canary: { thin: true, accepted: true } });
  expect(preflight.warnings[0]).toMatch(/^thin canary accepted \(acceptThinCanary\): at the last hour's/);
  // Step 1 passed on the evidence the busier minutes brought, never on less than the minimum.
  const step1 = ledger.filter((e) => e.type === 'bake' && e.detail.step === 1).map((e) => e.detail as any);
  expect(step1.at(-1).verdict.decision).toBe('PASS');
  expect(step1.at(-1).verdict.counts.new.requests).toBeGreaterThanOrEqual(100);
});
