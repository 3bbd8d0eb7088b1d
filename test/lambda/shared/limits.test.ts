import fc from 'fast-check';
import { handlerDefaultsSchema } from '../../../lambda/shared/cutover-config';
import {
  executionTimeoutSeconds,
  HISTORY_EVENT_BUDGET,
  HISTORY_EVENT_LIMIT,
  lockLifetimeSeconds,
  planCost,
  planLimitProblems,
  RAMP_AND_WATCH_BUDGET_SECONDS,
  Stages,
  watchTicks,
} from '../../../lambda/shared/decisions/limits';
import { planFrom } from '../../../lambda/validate-input';

const DEV: Stages = { idleDeadlineSeconds: 900, backupDeadlineSeconds: 0, syncStageSeconds: 0, deregistrationDelaySeconds: 30 };
const defaults = (d: object = {}) => handlerDefaultsSchema.parse(d);
const plan = (over: object = {}) => ({
  steps: [10, 50, 100],
  bakeSeconds: 300,
  watchWindowSeconds: 24 * 3600,
  checkpointSeconds: [3600, 4 * 3600, 24 * 3600],
  watchTickSeconds: 7200,
  maintenance: false,
  dataSync: false,
  judge: { maxBakeSeconds: 1800 },
  ...over,
});

describe('execution limits of a plan', () => {
  it('the default plan fits with room to spare', () => {
    const c = planCost(plan(), DEV);
    expect(c.historyEvents).toBeLessThan(1_000);
    expect(c.durationSeconds).toBeLessThan(executionTimeoutSeconds(DEV));
    expect(planLimitProblems(plan(), DEV)).toEqual([]);
  });

  it('a 72-hour window ticked every 60 s passes 25,000 events: refused, naming the watch tick', () => {
    const p = plan({ watchWindowSeconds: 72 * 3600, checkpointSeconds: [], watchTickSeconds: 60 });
    expect(watchTicks(p)).toBe(4321);
    expect(planCost(p, DEV).historyEvents).toBeGreaterThan(HISTORY_EVENT_LIMIT);
    const [problem] = planLimitProblems(p, DEV);
    expect(problem).toMatch(/about \d+ Step Functions history events, above the 20000 a cutover may use/);
    expect(problem).toMatch(/38889 from 4321 watch ticks \(watchWindowHours 72 every cutover.watchTickSeconds 60/);
    expect(problem).toMatch(/; shorten watchWindowHours or raise cutover.watchTickSeconds$/);
  });

  it('20 steps baking up to 30 minutes each and a 72-hour watch pass the 84 hours: refused, saying how short the window must be', () => {
    const p = plan({ steps: Array.from({ length: 20 }, (_, i) => (i + 1) * 5), watchWindowSeconds: 72 * 3600, checkpointSeconds: [] });
    const c = planCost(p, DEV);
    expect(c.rampSeconds).toBe(20 * (60 + 6 * 360));
    expect(c.rampSeconds + c.watchSeconds).toBeGreaterThan(RAMP_AND_WATCH_BUDGET_SECONDS);
    expect(planLimitProblems(p, DEV)).toEqual([
      expect.stringMatching(/^its ramp can take 12.3 h \(20 steps, each up to 6 bakes of 300 s and their checks\) and its watch window 72 h: 84.4 h, above the 84 h .*; lower watchWindowHours to at most 71.6, or use fewer steps/),
    ]);
    // The same plan with the window the message names fits.
    expect(planLimitProblems({ ...p, watchWindowSeconds: 71.6 * 3600 }, DEV)).toEqual([]);
  });

  it('many looks per step: events from step checks, naming the judge\'s longest bake', () => {
    // 20 steps, a 60 s bake extended to 4 hours: 240 looks each.
    const p = plan({ steps: Array.from({ length: 20 }, (_, i) => (i + 1) * 5), bakeSeconds: 60, judge: { maxBakeSeconds: 14_400 }, watchWindowSeconds: 0, checkpointSeconds: [] });
    expect(planLimitProblems(p, DEV)[0]).toMatch(/43200 from 4800 step checks .*; use fewer steps, a longer bakeSeconds or a lower judge.maxBakeSeconds$/);
  });

  it('pauses: every page-and-wait round of the longest total pause, and that pause in the duration', () => {
    const base = planCost(plan(), DEV);
    const paused = planCost(plan({ pause: { pageAfterSeconds: 3600, maxSeconds: 12 * 3600, maxPauses: 5 } }), DEV);
    // 5 pauses of an extra check, Choice and wait (13 each); 12 + 5 rounds of the held wait and the overdue Task (11 each).
    expect(paused.historyEvents - base.historyEvents).toBe(5 * 13 + 17 * 11);
    expect(paused.durationSeconds - base.durationSeconds).toBe(12 * 3600);
    const often = plan({ steps: Array.from({ length: 20 }, (_, i) => (i + 1) * 5), bakeSeconds: 60, judge: { maxBakeSeconds: 6000 }, pause: { pageAfterSeconds: 300, maxSeconds: 24 * 3600, maxPauses: 20 } });
    expect(planLimitProblems(often, DEV).join(' ')).toMatch(/from up to 20 pauses \(cutover.pause.maxPauses, paging every pageAfterMinutes 5 for up to maxHours 24\)/);
  });

  it('the timeout covers the environment\'s stages, and the lock outlives it', () => {
    const staging: Stages = { idleDeadlineSeconds: 900, backupDeadlineSeconds: 3600, syncStageSeconds: 2700, deregistrationDelaySeconds: 60 };
    expect(executionTimeoutSeconds(staging) - executionTimeoutSeconds(DEV)).toBe(3600 + 60 + 60 + 2700 + 30);
    expect(lockLifetimeSeconds(staging)).toBeGreaterThan(executionTimeoutSeconds(staging));
  });
});

describe('property: every plan validate-input accepts fits one execution', () => {
  const ramp = fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 19 }).map((xs) => [...xs.sort((a, b) => a - b).map((t) => t / 10), 100]);
  const env = fc
    .record({
      steps: ramp,
      bakeSeconds: fc.integer({ min: 0, max: 3600 }),
      watchWindowHours: fc.integer({ min: 0, max: 72 }),
      checkpointHours: fc.array(fc.integer({ min: 1, max: 72 }), { maxLength: 30 }),
      watchTickSeconds: fc.integer({ min: 60, max: 21_600 }),
      idleDeadlineSeconds: fc.integer({ min: 1, max: 3600 }),
      maxBakeSeconds: fc.integer({ min: 60, max: 14_400 }),
      pause: fc.record({ pageAfterMinutes: fc.integer({ min: 5, max: 720 }), maxHours: fc.double({ min: 0.1, max: 24, noNaN: true }), maxPauses: fc.integer({ min: 1, max: 20 }) }),
    })
    .map(({ maxBakeSeconds, ...d }) => ({ ...d, checkpointHours: d.checkpointHours.filter((h) => h <= d.watchWindowHours), judge: { maxBakeSeconds } }));
  const stages = fc.record({
    backupDeadlineSeconds: fc.constantFrom(0, 60, 3600, 720 * 60),
    syncStageSeconds: fc.constantFrom(0, 2700, 1440 * 60 + 300),
    deregistrationDelaySeconds: fc.integer({ min: 0, max: 3600 }),
  });
  const input = fc.record(
    {
      steps: ramp,
      strategy: fc.constantFrom('canary' as const, 'linear' as const, 'all-at-once' as const),
      bakeSeconds: fc.integer({ min: 0, max: 3600 }),
      watchWindowHours: fc.double({ min: 0, max: 72, noNaN: true }),
      judge: fc.record({ maxBakeSeconds: fc.integer({ min: 60, max: 14_400 }) }),
    },
    { requiredKeys: [] },
  );

  it('under 25,000 history events (within the budget) and under the state machine\'s timeout, which the lock outlives', () => {
    let accepted = 0;
    fc.assert(
      fc.property(env, stages, input, (d, st, i) => {
        // The input gives either steps or a strategy (the schema refuses both).
        const raw = { reason: 'property', dryRun: false, ...i, strategy: i.steps ? undefined : i.strategy };
        const s: Stages = { idleDeadlineSeconds: d.idleDeadlineSeconds, ...st };
        let p;
        try {
          p = planFrom(raw, defaults(d), st.syncStageSeconds > 0, false, s);
        } catch (e) {
          // Refused: for a reason an operator can act on, never silently.
          expect((e as Error).name).toBe('InvalidInput');
          return;
        }
        accepted++;
        const c = planCost(p, s);
        expect(c.historyEvents).toBeLessThanOrEqual(HISTORY_EVENT_BUDGET);
        expect(c.historyEvents).toBeLessThan(HISTORY_EVENT_LIMIT);
        expect(c.durationSeconds).toBeLessThan(executionTimeoutSeconds(s));
        expect(lockLifetimeSeconds(s)).toBeGreaterThan(executionTimeoutSeconds(s));
      }),
      { numRuns: 500 },
    );
    // The property is not vacuous: most generated plans are accepted.
    expect(accepted).toBeGreaterThan(100);
  });
});
