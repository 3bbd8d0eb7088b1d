import { executionTimeoutSeconds, fixedSeconds, lockLifetimeSeconds, PlanShape, planCost, planLimitProblems, Stages, stagesFromSettings, watchTicks } from '../../../lambda/shared/decisions/limits';

// Counted by hand from the state machine's shape (lambda/shared/decisions/limits.ts): a Lambda Task records 5
// history events, a Wait or Choice 2; each repeating loop (Wait, Task, Choice) 9.
const stages: Stages = { idleDeadlineSeconds: 900, backupDeadlineSeconds: 1800, syncStageSeconds: 1000, deregistrationDelaySeconds: 30 };
const full: PlanShape = {
  steps: [10, 50, 100],
  bakeSeconds: 300,
  watchWindowSeconds: 7200,
  checkpointSeconds: [0, 3600, 7200, 3600],
  watchTickSeconds: 1800,
  maintenance: true,
  dataSync: true,
  judge: { maxBakeSeconds: 900 },
  approvals: { at: ['before-first-shift', 'before-promotion'], timeoutSeconds: 3600, onTimeout: 'hold', holdMaxSeconds: 7200, requireDistinctApprover: false, flags: {} },
};
const bare: PlanShape = { steps: [100], bakeSeconds: 600, watchWindowSeconds: 0, checkpointSeconds: [], watchTickSeconds: 900, maintenance: false, dataSync: false, judge: { maxBakeSeconds: 600 } };
const noStages: Stages = { idleDeadlineSeconds: 600, backupDeadlineSeconds: 0, syncStageSeconds: 500, deregistrationDelaySeconds: 0 };

describe('plan cost: known values', () => {
  it('watch ticks: one at promotion, one per tick, one per checkpoint strictly inside the window (each once)', () => {
    expect(watchTicks(full)).toBe(1 + 4 + 1);
    expect(watchTicks({ ...full, checkpointSeconds: [1, 7199] })).toBe(1 + 4 + 2);
    expect(watchTicks({ ...full, watchWindowSeconds: 7201 })).toBe(1 + 5 + 2);
    expect(watchTicks(bare)).toBe(1);
    // A negative window (the schema refuses one) still counts its one tick.
    expect(watchTicks({ ...full, watchWindowSeconds: -3600 })).toBe(1);
  });

  it('every part of a plan with all stages, maintenance, a data sync and held approval gates', () => {
    const c = planCost(full, stages);
    expect(c.parts).toEqual([
      { events: 31 * 9, what: '31 idle checks (cutover.idleDeadlineSeconds 900)', lower: 'lower cutover.idleDeadlineSeconds' },
      { events: 31 * 9, what: '31 backup checks (database.snapshotDeadlineMinutes 30)', lower: 'lower database.snapshotDeadlineMinutes' },
      { events: 9 * 9, what: '9 step checks (3 steps, up to 3 looks each: judge.maxBakeSeconds 900 over bakeSeconds 300)', lower: 'use fewer steps, a longer bakeSeconds or a lower judge.maxBakeSeconds' },
      // Two gates, each waiting (7200 / 3600) + 1 = 3 rounds of gate Task (6), timeout Task (5) and Choice (2).
      { events: 2 * 3 * 13, what: '2 approval gates (approvals.timeoutMinutes 60, onTimeout hold)', lower: 'use fewer approval gates or a longer approvals.timeoutMinutes' },
      { events: 6 * 9, what: '6 watch ticks (watchWindowHours 2 every cutover.watchTickSeconds 1800, and checkpoints)', lower: 'shorten watchWindowHours or raise cutover.watchTickSeconds' },
      { events: 0, what: '0 pauses', lower: 'allow fewer pauses or raise cutover.pause.pageAfterMinutes' },
    ]);
    // Start 19, backup 7, deploy 12, maintenance with its sync 54, steps 3 x 9, promotion 5, tail 60, and the parts (771).
    expect(c.historyEvents).toBe(19 + 7 + 12 + 54 + 27 + 5 + 60 + 771);
    // Each step: its shift (60 s) and 3 looks of a 300 s bake and a 60 s check.
    expect(c.rampSeconds).toBe(3 * (60 + 3 * 360));
    expect(c.watchSeconds).toBe(7200 + 120 + 1);
    // Gates held: (max(3600, 7200) + 3600) each; stages: one-off 3600, backup 1800 + 60 + 60, idle 900 + 30 + 60, sync 1000, drain 30, 10.
    expect(c.durationSeconds).toBe(3420 + 7321 + 2 * 10_800 + (3600 + 1920 + 990 + 1000 + 30 + 10));
  });

  it('a bare plan: no backup, maintenance, sync, gates or watch window', () => {
    const c = planCost(bare, noStages);
    expect(c.parts.map((p) => p.events)).toEqual([21 * 9, 9, 9, 0, 0, 0]);
    expect(c.parts.map((p) => p.what)).toEqual([
      '21 idle checks (cutover.idleDeadlineSeconds 600)',
      '1 watch ticks (watchWindowHours 0 every cutover.watchTickSeconds 900, and checkpoints)',
      '1 step checks (1 steps, up to 1 looks each: judge.maxBakeSeconds 600 over bakeSeconds 600)',
      '0 backup checks (database.snapshotDeadlineMinutes 0)',
      '0 pauses',
      '0 approval gates (approvals.timeoutMinutes 0, onTimeout -)',
    ]);
    // Start 19, deploy 12, the maintenance Choice 2, one step 9, promotion 5, tail 60, parts 207.
    expect(c.historyEvents).toBe(19 + 12 + 2 + 9 + 5 + 60 + 207);
    expect(c.rampSeconds).toBe(60 + 660);
    // Without a data sync in the plan its stage takes no time; no backup stage.
    expect(c.durationSeconds).toBe(720 + 121 + (3600 + 600 + 30 + 60 + 0 + 0 + 10));
  });

  it('maintenance without a data sync; approvals that time out into a rollback wait once', () => {
    const c = planCost({ ...bare, maintenance: true, approvals: { ...full.approvals!, onTimeout: 'rollback' } }, noStages);
    expect(c.historyEvents).toBe(19 + 12 + (2 + 12) + 9 + 5 + 60 + 207 + 2 * 13);
    expect(c.durationSeconds).toBe(720 + 121 + 2 * 3600 + 4300);
  });

  it('the stages: fixed seconds, the execution timeout (84 h of ramp and watch, 48 h of gates, 24 h of pauses) and the lock 15 minutes past it', () => {
    expect(fixedSeconds(stages)).toBe(3600 + 1920 + 990 + 1000 + 30 + 10);
    expect(fixedSeconds(noStages)).toBe(3600 + 690 + 500 + 10);
    expect(executionTimeoutSeconds(stages)).toBe(84 * 3600 + 48 * 3600 + 24 * 3600 + 7550);
    expect(lockLifetimeSeconds(stages)).toBe(84 * 3600 + 48 * 3600 + 24 * 3600 + 7550 + 900);
  });

  it('stages from settings: the snapshot deadline in seconds, the sync stage with its validation and 5 minutes', () => {
    expect(stagesFromSettings({ defaults: { idleDeadlineSeconds: 900 }, database: { snapshotDeadlineMinutes: 30 }, dataSync: { sync: { timeoutSeconds: 600 }, validation: { timeoutSeconds: 120 } }, deregistrationDelaySeconds: 45 })).toEqual({
      idleDeadlineSeconds: 900,
      backupDeadlineSeconds: 1800,
      syncStageSeconds: 1020,
      deregistrationDelaySeconds: 45,
    });
    expect(stagesFromSettings({ defaults: { idleDeadlineSeconds: 900 }, deregistrationDelaySeconds: 0 })).toEqual({ idleDeadlineSeconds: 900, backupDeadlineSeconds: 0, syncStageSeconds: 0, deregistrationDelaySeconds: 0 });
  });
});

describe('plan limit problems: the words', () => {
  it('a plan that fits has none', () => {
    expect(planLimitProblems(full, stages)).toEqual([]);
  });

  it('too many history events: every part that records any, largest first, and what to lower for the largest', () => {
    const p = { ...bare, steps: [1, 2, 3, 4, 5, 10, 20, 30, 50, 100], bakeSeconds: 60, judge: { maxBakeSeconds: 14_400 } };
    expect(planCost(p, noStages).historyEvents).toBe(19 + 12 + 2 + 10 * 9 + 5 + 60 + 2400 * 9 + 21 * 9 + 9);
    expect(planLimitProblems(p, noStages)).toEqual([
      'its longest run records about 21986 Step Functions history events, above the 20000 a cutover may use (an execution stops at 25000, skipping rollback): ' +
        '21600 from 2400 step checks (10 steps, up to 240 looks each: judge.maxBakeSeconds 14400 over bakeSeconds 60), 189 from 21 idle checks (cutover.idleDeadlineSeconds 600), 9 from 1 watch ticks (watchWindowHours 0 every cutover.watchTickSeconds 900, and checkpoints); ' +
        'use fewer steps, a longer bakeSeconds or a lower judge.maxBakeSeconds',
    ]);
  });

  it('a ramp and watch window past 84 h: says how far to lower the window, while the ramp leaves room', () => {
    const p = { ...bare, watchWindowSeconds: 84 * 3600, watchTickSeconds: 3600 };
    expect(planLimitProblems(p, noStages)).toEqual([
      "its ramp can take 0.2 h (1 steps, each up to 1 bakes of 600 s and their checks) and its watch window 84 h: 84.2 h, above the 84 h a cutover may take before the state machine's timeout (which skips rollback); " +
        'lower watchWindowHours to at most 83.7, or use fewer steps, a shorter bakeSeconds or a lower judge.maxBakeSeconds',
    ]);
  });

  it('a ramp alone past 84 h has no window to lower', () => {
    // 22 steps of one 14,400 s bake, its 60 s check and the 60 s shift: 88.7 h.
    const long = { ...bare, bakeSeconds: 14_400, judge: { maxBakeSeconds: 14_400 }, steps: Array.from({ length: 22 }, (_, i) => (i + 1 === 22 ? 100 : i + 1)) };
    const [problem] = planLimitProblems(long, noStages);
    expect(problem).toMatch(/^its ramp can take 88\.7 h \(22 steps, each up to 1 bakes of 14400 s and their checks\) and its watch window 0 h: 88\.8 h, above the 84 h .*\(which skips rollback\); use fewer steps/);
  });

  it('approval gates past 48 h: their count, wait and hold, and what to do', () => {
    const approvals = { at: ['a', 'b', 'c'], timeoutSeconds: 6 * 3600, onTimeout: 'hold' as const, holdMaxSeconds: 12 * 3600, requireDistinctApprover: false, flags: {} };
    expect(planLimitProblems({ ...bare, approvals }, noStages)).toEqual([
      "its 3 approval gates can wait 54 h together (approvals.timeoutMinutes 360, held up to approvals.holdMaxHours 12), above the 48 h the state machine's timeout leaves for them (a timeout skips rollback); use fewer gates or a shorter approvals.timeoutMinutes",
    ]);
    expect(planLimitProblems({ ...bare, approvals: { ...approvals, at: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], onTimeout: 'rollback' } }, noStages)).toEqual([
      "its 9 approval gates can wait 54 h together (approvals.timeoutMinutes 360), above the 48 h the state machine's timeout leaves for them (a timeout skips rollback); use fewer gates or a shorter approvals.timeoutMinutes",
    ]);
    // Exactly 48 h is within it.
    expect(planLimitProblems({ ...bare, approvals: { ...approvals, at: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], onTimeout: 'rollback' } }, noStages)).toEqual([]);
  });
});
