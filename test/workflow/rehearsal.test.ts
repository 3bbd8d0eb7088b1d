import { formatReport, rehearse } from '../../rehearsal/rehearse';
import { SCENARIOS } from '../../rehearsal/scenarios';
import { World } from '../../rehearsal/world';
import { useMotoWorld } from './moto-world';

const env = useMotoWorld();

/** What each scenario must leave in the ledger, besides its outcome and weights. */
const LEDGER: Record<string, { has: string[]; lacks: string[] }> = {
  happy: { has: ['promoted', 'checkpoint', 'scaled-down'], lacks: ['rollback'] },
  'smoke-fails': { has: ['smoke', 'aborted'], lacks: ['weights', 'rollback'] },
  'alarm-at-step-2': { has: ['weights', 'rollback'], lacks: ['promoted'] },
  'idle-never-healthy': { has: ['deployed', 'aborted'], lacks: ['smoke', 'weights'] },
  'throttled-rollback': { has: ['rollback'], lacks: ['promoted'] },
  'alarm-in-watch-window': { has: ['promoted', 'rollback'], lacks: ['scaled-down'] },
  'sync-validation-fails': { has: ['maintenance-on', 'sync-passed', 'validation-failed', 'maintenance-off', 'aborted'], lacks: ['weights', 'rollback'] },
  'dns-alarm-rollback': { has: ['dns-weights', 'rollback'], lacks: ['promoted', 'maintenance-on'] },
};

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('rehearsal %s', (name, s) => {
  it('matches its expectation, read back from the emulator and the ledger', async () => {
    let world = env.world();
    const rebuilt = Boolean(s.env || s.faults);
    if (rebuilt) {
      // This scenario needs another example environment or its own traffic: rebuild the world for it.
      await world.close();
      world = new World(env.moto().endpoint, { env: s.env, faults: s.faults });
      await world.build();
    }
    try {
      await check(world);
    } finally {
      // A world built here is this test's to close (its stand-in app server would keep jest from exiting).
      if (rebuilt) await world.close();
    }
  });

  async function check(world: World): Promise<void> {
    const rep = await rehearse(world, s);
    expect({ matched: rep.matched, status: rep.status, error: rep.error }).toEqual({ matched: true, status: s.expect.status, error: s.expect.error });
    expect(await world.observeWeights()).toEqual(s.expect.weights);
    const types = (await world.ledger()).map((e) => e.type);
    for (const t of LEDGER[name].has) expect(types).toContain(t);
    for (const t of LEDGER[name].lacks) expect(types).not.toContain(t);
    expect(types.at(-1)).toBe('finished');
    expect(formatReport(rep)).toMatch(/outcome .*: MATCH/);
    if (s.faults) {
      // The fault was caught by the alarms as synthesized, and traffic went back within minutes of it.
      expect(rep.alarmChanges.some((c) => c.alarm === world.alarmNames.green && c.to === 'ALARM')).toBe(true);
      expect(rep.detectionSeconds).toBeGreaterThan(0);
      expect(rep.restoredSeconds).toBeLessThanOrEqual(rep.detectionSeconds! + 60);
      expect(rep.detectionSeconds).toBeLessThan(6 * 60);
    }
    if (name === 'happy') {
      // 24 hours of watch window pass in virtual time, with each checkpoint reported once.
      const checkpoints = (await world.ledger()).filter((e) => e.type === 'checkpoint').map((e) => e.detail.afterHours);
      expect(checkpoints).toEqual([1, 4, 24]);
    }
    if (name === 'dns-alarm-rollback') expect(await world.dnsWeights()).toEqual({ legacy: 100, alb: 0 });
  }
});
