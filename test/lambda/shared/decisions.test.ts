import fc from 'fast-check';
import { COLORS, Color, otherColor } from '../../../lambda/shared/colors';
import { rampStepsSchema } from '../../../lambda/shared/cutover-config';
import { alarmDecision, AlarmFacts } from '../../../lambda/shared/decisions/alarm';
import { bakeOutcome } from '../../../lambda/shared/decisions/bake';
import { judgeStep } from '../../../lambda/shared/decisions/judge';
import { judgeWindow, looksFor } from '../../../lambda/shared/decisions/window';
import { dnsReadiness } from '../../../lambda/shared/decisions/dns';
import { idleReadiness, Rollout, rolloutOf } from '../../../lambda/shared/decisions/idle';
import { goNoGo, PreflightFacts } from '../../../lambda/shared/decisions/preflight';
import { checkpointReport, watchPlan } from '../../../lambda/shared/decisions/watch';
import { MAX_WEIGHT, percentOf, rollbackWeights, soleColor, stepsFor, validateWeights, weightsAt } from '../../../lambda/shared/decisions/weights';

const color = fc.constantFrom<Color>(...COLORS);
/** Valid ramps: rising percents with at most one decimal, ending at 100. */
const ramp = fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 10 }).map((xs) => [...xs.sort((a, b) => a - b).map((t) => t / 10), 100]);

describe('weights', () => {
  it('every step, to a tenth of a percent, gives whole weights within 0-999 that sum above 0 and hold the step exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), color, (tenths, c) => {
        const p = tenths / 10;
        const w = weightsAt(p, c);
        expect(() => validateWeights(w)).not.toThrow();
        for (const v of Object.values(w)) expect(Number.isInteger(v) && v >= 0 && v <= MAX_WEIGHT).toBe(true);
        expect(w.blue + w.green).toBeGreaterThan(0);
        expect(percentOf(w, c)).toBe(p);
        // Whole percents keep weights out of 100, as the listener has always shown them.
        if (tenths % 10 === 0) expect(w[c]).toBe(p);
      }),
    );
  });

  it('a tenth of a percent is 1 against 999', () => {
    expect(weightsAt(0.1, 'green')).toEqual({ green: 1, blue: 999 });
    expect(weightsAt(0.5, 'blue')).toEqual({ blue: 5, green: 995 });
    expect(weightsAt(99.9, 'green')).toEqual({ green: 999, blue: 1 });
    expect(() => weightsAt(0.25, 'green')).toThrow(/one decimal/);
  });

  it('a ramp moves traffic onto the new color monotonically and ends with all of it there', () => {
    fc.assert(
      fc.property(ramp, color, (steps, c) => {
        expect(rampStepsSchema.safeParse(steps).success).toBe(true);
        const shares = steps.map((p) => percentOf(weightsAt(p, c), c));
        for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1]);
        expect(weightsAt(steps[steps.length - 1], c)).toEqual({ [c]: 100, [otherColor(c)]: 0 });
      }),
    );
  });

  it('rollback always yields all traffic on the previous color', () => {
    fc.assert(
      fc.property(color, (prev) => {
        const w = rollbackWeights(prev);
        expect(soleColor(w)).toBe(prev);
        expect(w[otherColor(prev)]).toBe(0);
        validateWeights(w);
      }),
    );
  });

  it('rejects what the load balancer would reject', () => {
    expect(() => validateWeights({ blue: 0, green: 0 })).toThrow(/at least one color/);
    expect(() => validateWeights({ blue: -1, green: 100 })).toThrow(/0 to 999/);
    expect(() => validateWeights({ blue: 1000, green: 0 })).toThrow(/0 to 999/);
    expect(() => validateWeights({ blue: 0.5, green: 1 })).toThrow(/whole number/);
    expect(() => weightsAt(101, 'blue')).toThrow(RangeError);
  });

  it('every strategy is a valid ramp', () => {
    for (const s of ['canary', 'linear', 'all-at-once'] as const) expect(rampStepsSchema.parse(stepsFor(s, [5, 25, 100]))).toEqual(stepsFor(s, [5, 25, 100]));
    expect(stepsFor('canary', [5, 25, 100])).toEqual([5, 25, 100]);
    expect(stepsFor('all-at-once', [])).toEqual([100]);
  });
});

describe('go/no-go', () => {
  const healthy: PreflightFacts = {
    liveColor: 'blue',
    weights: { blue: 100, green: 0 },
    live: { desired: 2, running: 2, healthyTargets: 2, deploymentsInProgress: 0 },
    idle: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: 0, targetGroupExists: true },
    alarms: [{ name: 'a', state: 'OK' }, { name: 'b', state: 'OK' }],
    waf: { mode: 'COUNT', countedLastHour: 3 },
  };

  it('goes when everything holds, and reports each check and the WAF', () => {
    const r = goNoGo(healthy);
    expect(r.go).toBe(true);
    expect(r.reasons).toEqual([]);
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(r.notes.join(' ')).toMatch(/WAF mode COUNT.*counted 3 requests/);
  });

  it.each<[string, (f: any) => void, RegExp]>([
    ['an alarm in ALARM', (f) => (f.alarms[1].state = 'ALARM'), /alarm b OK: ALARM/],
    ['an alarm without data', (f) => (f.alarms[0].state = 'INSUFFICIENT_DATA'), /alarm a OK: INSUFFICIENT_DATA/],
    ['a missing alarm', (f) => (f.alarms = []), /no gating alarm exists/],
    ['live color short of tasks', (f) => (f.live.running = 1), /full capacity: 1 of 2/],
    ['live color unhealthy', (f) => (f.live.healthyTargets = 1), /live color healthy: 1 healthy targets for 2/],
    ['a live deployment in progress', (f) => (f.live.deploymentsInProgress = 2), /no live deployment in progress/],
    ['an idle deployment in progress', (f) => (f.idle.deploymentsInProgress = 1), /no idle deployment in progress/],
    ['no idle target group', (f) => (f.idle.targetGroupExists = false), /idle target group exists: missing/],
    ['traffic already split', (f) => (f.weights = { blue: 90, green: 10 }), /live color holds all traffic/],
  ])('no-go on %s', (_n, patch, reason) => {
    const f = structuredClone(healthy);
    patch(f);
    const r = goNoGo(f);
    expect(r.go).toBe(false);
    expect(r.reasons.join('; ')).toMatch(reason);
  });

  it('turns DNS readiness into a check', () => {
    const names = { recordName: 'shop.example.com', legacyEndpoint: 'legacy.example.net', legacySetIdentifier: 'legacy', albSetIdentifier: 'switchyard' };
    const legacy = (ttl: number) => [{ setIdentifier: 'legacy', type: 'CNAME', weight: 100, ttl, values: ['legacy.example.net'], alias: false }];
    expect(goNoGo({ ...healthy, dns: dnsReadiness(legacy(60), names) }).go).toBe(true);
    const r = goNoGo({ ...healthy, dns: dnsReadiness(legacy(3600), names) });
    expect(r.go).toBe(false);
    expect(r.reasons).toEqual([expect.stringMatching(/^DNS records ready for a ramp \(TTL at most 300 s\): the legacy record .* TTL of 3600 s/)]);
  });

  it('any alarm not OK is a no-go', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA', 'MISSING'), { minLength: 1, maxLength: 8 }), (states) => {
        const r = goNoGo({ ...healthy, alarms: states.map((s, i) => ({ name: `a${i}`, state: s })) });
        expect(r.go).toBe(states.every((s) => s === 'OK'));
      }),
    );
  });
});

describe('bake outcome', () => {
  const settings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ceilingPercent: 5, onBothBad: 'rollback' as const };
  const judged = (newFailed: number, newRequests = 500, oldRequests = 4500, oldFailed = 13) =>
    judgeStep({ newColor: { requests: newRequests, failed: newFailed, slow: 0 }, oldColor: { requests: oldRequests, failed: oldFailed, slow: 0 }, comparable: true, look: 1, maxLooks: 6, settings });
  const base = { alarmState: 'OK', healthyTargets: 2, desired: 2, verdict: judged(2), look: 1, maxLooks: 6 };
  it('passes with the alarm OK, full health and a PASS from the judge', () => expect(bakeOutcome(base)).toEqual({ action: 'pass' }));
  it('fails on ALARM whatever the judge says', () => expect(bakeOutcome({ ...base, alarmState: 'ALARM' })).toMatchObject({ action: 'fail', error: 'AlarmBreached' }));
  it('fails when the new color is short of healthy targets (ALB fail-open)', () => expect(bakeOutcome({ ...base, healthyTargets: 1 })).toMatchObject({ action: 'fail', error: 'IdleNeverHealthy' }));
  it('fails with the judge\'s error when the new color is worse', () => expect(bakeOutcome({ ...base, verdict: judged(60) })).toMatchObject({ action: 'fail', error: 'JudgedWorse', reason: expect.stringMatching(/^failed: new 12.00% vs old 0.29%/) }));
  it('bakes again while inconclusive, and fails InsufficientTraffic at the last look: no data is not a pass', () => {
    const thin = judged(0, 20);
    expect(thin.decision).toBe('INCONCLUSIVE');
    expect(bakeOutcome({ ...base, verdict: thin })).toMatchObject({ action: 'extend', hold: false });
    expect(bakeOutcome({ ...base, verdict: thin, look: 6 })).toMatchObject({ action: 'fail', error: 'InsufficientTraffic', reason: expect.stringMatching(/after 6 looks/) });
  });
  it('holds while both colors fail (onBothBad: hold), and fails BothColorsBad when the hold runs out', () => {
    const both = judgeStep({ newColor: { requests: 500, failed: 100, slow: 0 }, oldColor: { requests: 4500, failed: 900, slow: 0 }, comparable: true, look: 1, maxLooks: 6, settings: { ...settings, onBothBad: 'hold' } });
    expect(bakeOutcome({ ...base, verdict: both })).toMatchObject({ action: 'extend', hold: true });
    expect(bakeOutcome({ ...base, verdict: both, look: 6 })).toMatchObject({ action: 'fail', error: 'BothColorsBad' });
  });
  it('in hold mode, both rollback alarms in ALARM hold the step instead of failing it, until the looks run out', () => {
    expect(bakeOutcome({ ...base, alarmState: 'ALARM', holdWhenBothBad: true, otherAlarmState: 'ALARM' })).toMatchObject({ action: 'extend', hold: true });
    expect(bakeOutcome({ ...base, alarmState: 'ALARM', holdWhenBothBad: true, otherAlarmState: 'ALARM', look: 6 })).toMatchObject({ action: 'fail', error: 'BothColorsBad' });
    expect(bakeOutcome({ ...base, alarmState: 'ALARM', holdWhenBothBad: true, otherAlarmState: 'OK' })).toMatchObject({ action: 'fail', error: 'AlarmBreached' });
    expect(bakeOutcome({ ...base, alarmState: 'ALARM', holdWhenBothBad: false, otherAlarmState: 'ALARM' })).toMatchObject({ action: 'fail', error: 'AlarmBreached' });
    // Worse than the old as well: no hold.
    expect(bakeOutcome({ ...base, alarmState: 'ALARM', holdWhenBothBad: true, otherAlarmState: 'ALARM', verdict: judged(60) })).toMatchObject({ action: 'fail', error: 'AlarmBreached' });
  });
  it('never passes unless the judge passed (property)', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(600), fc.integer({ min: 1, max: 6 }), fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA'), fc.nat(3), (failed, requests, look, alarmState, healthyTargets) => {
        const verdict = judged(Math.min(failed, requests), requests);
        const o = bakeOutcome({ alarmState, healthyTargets, desired: 2, verdict, look, maxLooks: 6 });
        if (o.action === 'pass') expect({ decision: verdict.decision, alarmState, healthy: healthyTargets >= 2 }).toEqual({ decision: 'PASS', alarmState: alarmState === 'ALARM' ? 'never' : alarmState, healthy: true });
        if (look === 6) expect(o.action).not.toBe('extend');
      }),
    );
  });
});

describe('judge window', () => {
  it('judges whole minutes after the shift that are old enough to be complete', () => {
    const shift = Date.UTC(2026, 0, 1, 12, 0, 31);
    expect(judgeWindow(shift, shift + 300_000, 180)).toEqual({ startMs: Date.UTC(2026, 0, 1, 12, 1), endMs: Date.UTC(2026, 0, 1, 12, 2), minutes: 1 });
    expect(judgeWindow(shift, shift + 60_000, 180).minutes).toBe(0);
  });
  it('never ends before it starts, and never includes a minute younger than the delay (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.nat(7200_000), fc.nat(900), (shift, elapsed, delay) => {
        const w = judgeWindow(shift, shift + elapsed, delay);
        expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
        expect(w.startMs).toBeGreaterThanOrEqual(shift);
        if (w.minutes > 0) expect(w.endMs).toBeLessThanOrEqual(shift + elapsed - delay * 1000);
      }),
    );
  });
  it('looks at a step its longest bake over one bake, at least once', () => {
    expect(looksFor(300, 1800)).toBe(6);
    expect(looksFor(0, 1800)).toBe(1);
    expect(looksFor(600, 300)).toBe(1);
  });
});

describe('idle readiness', () => {
  const TD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:8';
  const OLD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-dev-green:7';
  const f = { desired: 2, running: 2, healthyTargets: 2, unhealthyTargets: 0, rollout: { state: 'completed' } as Rollout, nowMs: 0, deadlineMs: 1000 };
  it('is ready only with the rollout complete and every desired task healthy', () => {
    expect(idleReadiness(f)).toEqual({ state: 'ready' });
    expect(idleReadiness({ ...f, healthyTargets: 1 }).state).toBe('waiting');
    expect(idleReadiness({ ...f, rollout: { state: 'in-progress' } }).state).toBe('waiting');
  });
  it('fails past the deadline as IdleNeverHealthy, and at once as IdleDeploymentFailed when the deployment failed', () => {
    expect(idleReadiness({ ...f, healthyTargets: 0, nowMs: 1000 })).toMatchObject({ state: 'failed', error: 'IdleNeverHealthy', detail: expect.stringMatching(/deadline/) });
    expect(idleReadiness({ ...f, rollout: { state: 'failed', reason: 'tasks failed to start' } })).toMatchObject({ state: 'failed', error: 'IdleDeploymentFailed', detail: expect.stringMatching(/^tasks failed to start/) });
  });

  it('a circuit-breaker rollback is a failed rollout: while the failed deployment is listed, and after it is gone', () => {
    const reason = 'ECS deployment circuit breaker: tasks failed to start.';
    // Rolling back: the failed deployment ACTIVE and FAILED, the previous task definition PRIMARY again.
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE', taskDefinition: TD, rolloutState: 'FAILED', rolloutStateReason: reason }])).toEqual({
      state: 'failed',
      reason: `the deployment of shop-dev-green:8 failed: ${reason}; the service went back to shop-dev-green:7`,
    });
    // Rolled back: only the old task definition's deployment is listed, COMPLETED (and its tasks may well be healthy).
    const after = rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/1 completed.' }]);
    expect(after).toMatchObject({ state: 'failed', reason: expect.stringMatching(/PRIMARY deployment runs shop-dev-green:7, not shop-dev-green:8 .*circuit breaker rolled it back/) });
    expect(idleReadiness({ ...f, rollout: after })).toMatchObject({ state: 'failed', error: 'IdleDeploymentFailed' });
    // Without rollback the breaker leaves the failed deployment PRIMARY.
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: TD, rolloutState: 'FAILED', rolloutStateReason: reason }])).toMatchObject({ state: 'failed', reason: expect.stringContaining(reason) });
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: TD, rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE', taskDefinition: OLD, rolloutState: 'COMPLETED' }])).toEqual({ state: 'in-progress' });
    expect(rolloutOf(TD, [{ status: 'PRIMARY', taskDefinition: TD, rolloutState: 'COMPLETED' }])).toEqual({ state: 'completed' });
  });

  const tds = fc.constantFrom(TD, OLD, 'arn:aws:ecs:eu-west-1:111111111111:task-definition/other:1');
  const deployment = fc.record({
    status: fc.constantFrom('PRIMARY', 'ACTIVE', 'INACTIVE', undefined),
    taskDefinition: fc.option(tds, { nil: undefined }),
    rolloutState: fc.constantFrom('COMPLETED', 'IN_PROGRESS', 'FAILED', undefined),
    rolloutStateReason: fc.option(fc.string(), { nil: undefined }),
  });
  const facts = fc.record({
    desired: fc.integer({ min: 0, max: 5 }),
    running: fc.integer({ min: 0, max: 5 }),
    healthyTargets: fc.integer({ min: 0, max: 5 }),
    unhealthyTargets: fc.integer({ min: 0, max: 5 }),
    nowMs: fc.integer({ min: 0, max: 2000 }),
    deadlineMs: fc.constant(1000),
  });

  it('property: a FAILED deployment of this cutover\'s task definition, or a PRIMARY on another one, fails at once as IdleDeploymentFailed, whatever the targets and the time', () => {
    fc.assert(
      fc.property(fc.array(deployment, { maxLength: 4 }), facts, (deployments, x) => {
        const primary = deployments.find((d) => d.status === 'PRIMARY');
        const broken = deployments.some((d) => d.taskDefinition === TD && d.rolloutState === 'FAILED') || (primary !== undefined && primary.taskDefinition !== TD);
        const v = idleReadiness({ ...x, rollout: rolloutOf(TD, deployments) });
        if (broken) expect(v).toMatchObject({ state: 'failed', error: 'IdleDeploymentFailed' });
        else expect(v).not.toMatchObject({ error: 'IdleDeploymentFailed' });
      }),
    );
  });

  it('property: ready only when PRIMARY runs this cutover\'s task definition, COMPLETED, with every desired task running and healthy', () => {
    fc.assert(
      fc.property(fc.array(deployment, { maxLength: 4 }), facts, (deployments, x) => {
        if (idleReadiness({ ...x, rollout: rolloutOf(TD, deployments) }).state !== 'ready') return;
        const primary = deployments.find((d) => d.status === 'PRIMARY')!;
        expect(primary).toMatchObject({ taskDefinition: TD, rolloutState: 'COMPLETED' });
        expect(x.desired).toBeGreaterThanOrEqual(1);
        expect(Math.min(x.running, x.healthyTargets)).toBeGreaterThanOrEqual(x.desired);
      }),
    );
  });
});

describe('alarm decision', () => {
  const base: AlarmFacts = {
    alarmName: 'svc-green-rollback',
    state: 'ALARM',
    changedAtMs: 1_000_000,
    nowMs: 1_010_000,
    maxAgeMs: 300_000,
    rollbackAlarms: { blue: 'svc-blue-rollback', green: 'svc-green-rollback' },
    weights: { blue: 90, green: 10 },
    cutover: { executionId: 'exec-1', previousColor: 'blue', newColor: 'green', startedAtMs: 900_000 },
  };

  it('rolls the new color back onto the previous one during a cutover', () => {
    expect(alarmDecision(base)).toMatchObject({ action: 'rollback', alarmColor: 'green', target: 'blue' });
  });
  it('only notifies for a color that takes no traffic', () => {
    expect(alarmDecision({ ...base, weights: { blue: 100, green: 0 } })).toMatchObject({ action: 'notify', alarmColor: 'green' });
  });
  it('holds (notifies) while both colors alarm in hold mode, unless the new color is also worse', () => {
    const both = { ...base, holdWhenBothBad: true, otherAlarmState: 'ALARM' };
    expect(alarmDecision(both)).toMatchObject({ action: 'notify', alarmColor: 'green', reason: expect.stringMatching(/holding/) });
    expect(alarmDecision({ ...both, comparisonAlarmState: 'ALARM' })).toMatchObject({ action: 'rollback', target: 'blue' });
    // Not in hold mode, or the old color fine: the default, conservative rollback.
    expect(alarmDecision({ ...both, holdWhenBothBad: false })).toMatchObject({ action: 'rollback', target: 'blue' });
    expect(alarmDecision({ ...both, otherAlarmState: 'OK' })).toMatchObject({ action: 'rollback', target: 'blue' });
  });
  it('ignores stale events and events from before the cutover', () => {
    expect(alarmDecision({ ...base, nowMs: base.changedAtMs + 301_000 })).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/old/) });
    expect(alarmDecision({ ...base, changedAtMs: 800_000, nowMs: 810_000 })).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/predates/) });
  });
  it('ignores OK transitions and unknown alarms', () => {
    expect(alarmDecision({ ...base, state: 'OK' }).action).toBe('ignore');
    expect(alarmDecision({ ...base, alarmName: 'other' }).action).toBe('ignore');
  });
  it('rolls back onto the other color when no cutover runs', () => {
    expect(alarmDecision({ ...base, cutover: undefined, weights: { blue: 0, green: 100 } })).toMatchObject({ action: 'rollback', target: 'blue' });
  });
  it('never rolls back onto the alarming color, and a rollback always ends with all traffic on a color that is not alarming', () => {
    fc.assert(
      fc.property(color, fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.integer({ min: 0, max: 600_000 }), (alarming, share, running, age) => {
        const weights = weightsAt(share, alarming);
        const d = alarmDecision({
          ...base,
          alarmName: base.rollbackAlarms[alarming],
          weights,
          nowMs: base.changedAtMs + age,
          cutover: running ? { executionId: 'e', previousColor: otherColor(alarming), newColor: alarming, startedAtMs: 0 } : undefined,
        });
        if (d.action === 'rollback') {
          expect(d.target).not.toBe(alarming);
          expect(soleColor(rollbackWeights(d.target))).toBe(d.target);
          expect(share).toBeGreaterThan(0);
          expect(age).toBeLessThanOrEqual(base.maxAgeMs);
        }
        if (share === 0) expect(d.action).not.toBe('rollback');
      }),
    );
  });
});

describe('watch window', () => {
  it('reports each checkpoint exactly once and ends at the close of the window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 7200 }), fc.integer({ min: 0, max: 72 * 3600 }), (tick, window) => {
        const checkpoints = [3600, 4 * 3600, 24 * 3600].filter((c) => c <= window);
        let elapsed = 0;
        let reported: number[] = [];
        // Plain checks in the loop (thousands of ticks per run): a wait outside [1, tick] is recorded, then asserted once.
        const badWaits: number[] = [];
        for (let i = 0; i < 10_000; i++) {
          const p = watchPlan(elapsed, window, checkpoints, reported, tick);
          reported = [...reported, ...p.due];
          if (p.done) break;
          if (!(p.nextWaitSeconds >= 1 && p.nextWaitSeconds <= tick)) badWaits.push(p.nextWaitSeconds);
          elapsed += p.nextWaitSeconds;
        }
        expect(badWaits).toEqual([]);
        expect(elapsed).toBeGreaterThanOrEqual(window);
        expect([...reported].sort((a, b) => a - b)).toEqual(checkpoints);
      }),
    );
  });

  it('a checkpoint without data is not OK', () => {
    const r = checkpointReport({ errorRatePercent: undefined, p95Seconds: 0.2, healthyTargets: 2, desired: 2 }, { errorRatePercent: 1, p95Seconds: 0.5 });
    expect(r.map((x) => x.ok)).toEqual([false, true, true]);
  });
});

describe('backup', () => {
  const { recentSnapshot, snapshotProgress } = require('../../../lambda/shared/decisions/backup');
  const hour = 3600_000;

  it('reuses the newest available snapshot younger than the limit, never a failed or future one', () => {
    const now = 10 * hour;
    const snaps = [
      { id: 'old', status: 'available', createdAtMs: now - 3 * hour },
      { id: 'fresh', status: 'available', createdAtMs: now - 20 * 60_000 },
      { id: 'fresher-but-creating', status: 'creating', createdAtMs: now - 60_000 },
      { id: 'broken', status: 'failed', createdAtMs: now - 30_000 },
    ];
    expect(recentSnapshot(snaps, now, hour)?.id).toBe('fresh');
    expect(recentSnapshot(snaps, now, 10 * 60_000)).toBeUndefined();
  });

  it('whatever it picks is available and within the age limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string(), status: fc.constantFrom('available', 'creating', 'failed'), createdAtMs: fc.option(fc.integer({ min: 0, max: 20 * hour }), { nil: undefined }) })),
        fc.integer({ min: 0, max: 5 * hour }),
        (snaps, maxAge) => {
          const now = 10 * hour;
          const s = recentSnapshot(snaps, now, maxAge);
          if (s) {
            expect(s.status).toBe('available');
            expect(now - s.createdAtMs).toBeLessThanOrEqual(maxAge);
            expect(now - s.createdAtMs).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });

  it('waits for a snapshot being taken, until its deadline', () => {
    expect(snapshotProgress('available', 0, 1)).toEqual({ state: 'ready' });
    expect(snapshotProgress('creating', 0, 1)).toEqual({ state: 'waiting' });
    expect(snapshotProgress('creating', 1, 1)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/deadline/) });
    expect(snapshotProgress('failed', 0, 1)).toMatchObject({ state: 'failed' });
    expect(snapshotProgress(undefined, 0, 1)).toMatchObject({ state: 'failed', reason: 'the snapshot disappeared' });
  });
});
