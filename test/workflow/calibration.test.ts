import { settings } from '../../lambda/shared/settings';
import { calibrateLive, formatCalibration } from '../../scripts/switchyard';
import { useMotoWorld } from './moto-world';

/**
 * `npm run cutover -- judge --local`: the calibration reads what the
 * rehearsal's simulated users published (1,000 healthy requests a minute on
 * blue), through the handlers' own CloudWatch client, as it reads AWS.
 */
const env = useMotoWorld();

it('judges the live color against itself on two simulated hours', async () => {
  const world = env.world();
  await world.passTime(2 * 3600_000);
  const { calibration: c, live, latencyThresholdSeconds } = await calibrateLive(settings(), 2 * 3600_000, undefined, Date.now());
  expect(live).toBe('blue');
  expect(c.window).toMatchObject({ minutes: 120, reportedMinutes: 120 });
  expect(c.traffic.requestsPerMinute).toBeCloseTo(1000, -1);
  expect(c.traffic.failed).toBeGreaterThan(0);
  expect(c.plan.steps).toEqual([10, 50, 100]);
  expect(c.timeSplit.verdict.decision).toBe('PASS');
  // Healthy and steady: the replays roll back (falsely) well under the 1% a step the confidence allows.
  expect(c.falseRollbacks.rate).toBeLessThan(0.01);
  expect(c.falseRollbacks.insufficientTraffic).toBe(0);
  expect(c.detectable!.oneBake.requests.new).toBeCloseTo(100, -1);
  expect(formatCalibration(c, { service: world.service, environment: world.environment, live, latencyThresholdSeconds })).toMatch(/^judge calibration: shop-dev, blue live, /);
});
