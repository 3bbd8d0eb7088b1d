import { RunResult } from '../../rehearsal/run';
import { CIRCUIT_BREAKER_TRIPS_MS, World } from '../../rehearsal/world';
import { planCost, stagesFromSettings } from '../../lambda/shared/decisions/limits';
import { Plan } from '../../lambda/shared/input';
import { settings } from '../../lambda/shared/settings';
import { formatLedger } from '../../scripts/switchyard';
import { trafficSchema } from '../../rehearsal/traffic/schema';
import { alarmEvent, fault, runIn, useMotoWorld } from './moto-world';

const env = useMotoWorld();
let world: World;
beforeEach(() => {
  world = env.world();
});

const types = async () => (await world.ledger()).map((e) => e.type);
// A 5-minute bake passes in simulated time, with 1,000 healthy requests a minute unless a test faults them.
const input = { reason: 'release 1.28', image: 'public.ecr.aws/nginx/nginx:1.28', bakeSeconds: 300, watchWindowHours: 0 };

describe('happy path', () => {
  it('ramps to green, promotes, watches, scales blue down and releases the lock', async () => {
    const r = await runIn(world, input);
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(await world.weights()).toEqual({ blue: 0, green: 100 });
    expect(await world.testRouteWeights()).toEqual({ blue: 1, green: 0 });
    expect(await world.parameter(world.names.liveColor)).toBe('green');
    expect(await world.parameter(world.names.image.green)).toBe('public.ecr.aws/nginx/nginx:1.28');
    expect(await world.parameter(world.names.desiredCount.blue)).toBe('0');
    expect(await world.lock()).toBeUndefined();
    const ledger = await world.ledger();
    // Step 1 gives green 100 requests a minute: its first look (one complete minute) cannot yet rule out a
    // 5-point regression, so it bakes once more; the busier steps pass at their first look.
    expect(ledger.map((e) => e.type)).toEqual(['started', 'preflight', 'deployed', 'idle-ready', 'smoke', 'weights', 'bake', 'bake', 'weights', 'bake', 'weights', 'bake', 'promoted', 'scaled-down', 'finished']);
    expect(ledger.filter((e) => e.type === 'bake').map((e) => [e.detail.step, e.detail.look, (e.detail.verdict as any).decision])).toEqual([[1, 1, 'INCONCLUSIVE'], [1, 2, 'PASS'], [2, 1, 'PASS'], [3, 1, 'PASS']]);
    const weightEntries = ledger.filter((e) => e.type === 'weights').map((e) => e.detail.readBack);
    expect(weightEntries).toEqual([{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }]);
    expect(ledger.at(-1)!.detail.outcome).toBe('Succeeded');
    // What `npm run ledger` prints for this history.
    const printed = formatLedger(ledger).split('\n');
    expect(printed).toHaveLength(ledger.length + 1);
    expect(printed.find((l) => / weights /.test(l))).toMatch(/step 1\/3: set blue=90 green=10, read back blue=90 green=10/);
    expect(printed.at(-1)).toMatch(/finished .* Succeeded$/);
  });
});

describe('bad input', () => {
  it('ends in InvalidInput naming the problem, and changes nothing', async () => {
    const r = await runIn(world, { reason: 'x', steps: [50, 10], colour: 'green' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('InvalidInput');
    expect(r.cause).toMatch(/unknown field\(s\) "colour"/);
    expect(r.cause).toMatch(/steps: steps must rise/);
    expect(r.cause).toMatch(/reason: reason must say why/);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.ledger()).toEqual([]);
    expect(await world.lock()).toBeUndefined();
  });
});

describe('concurrent start', () => {
  it('fails fast naming the execution that holds the lock', async () => {
    let second: RunResult | undefined;
    const first = await runIn(world, { ...input, dryRun: true }, {
      executionName: 'first',
      before: async (state) => {
        if (state === 'SmokeTest' && !second) second = await runIn(world, input, { executionName: 'second' });
      },
    });
    expect(second).toMatchObject({ status: 'FAILED', error: 'LockHeld' });
    expect(second!.cause).toMatch(/already running: execution arn:aws:states:.*:first/);
    expect(first.status).toBe('SUCCEEDED');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });
});

describe('taking the lock', () => {
  it('a failure after the lock was written releases it on the way out', async () => {
    world.faults.failPublish = 1;
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'InternalErrorException' });
    expect(r.states).toContain('ReleaseAfterAbort');
    expect(await world.lock()).toBeUndefined();
    expect(await types()).toEqual(['started', 'aborted', 'finished']);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });
});

describe('pre-flight', () => {
  it('a gating alarm already in ALARM is a no-go: nothing changes, the report is in the ledger, the lock is released', async () => {
    // Already firing when the operator starts (hazard 9): its event was delivered long before (the idle
    // color takes no traffic, so the handler only notified), and no state change will come to tell the cutover.
    await world.setAlarm('green', 'ALARM', world.gatingAlarms('green')[1]);
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'PreflightNoGo' });
    expect(r.cause).toMatch(/alarm shop-dev-green-error-rate-critical OK: ALARM/);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
    const ledger = await world.ledger();
    expect(ledger.map((e) => e.type)).toEqual(['alarm', 'started', 'preflight', 'finished']);
    expect(ledger[0].detail).toMatchObject({ alarm: 'shop-dev-green-rollback', decision: { action: 'notify' } });
    expect(ledger[2].detail.go).toBe(false);
    expect(await world.lock()).toBeUndefined();
    expect(world.calls('elb:ModifyListener')).toBe(0);
  });
});

describe('before traffic moves', () => {
  it('an idle color that never gets healthy aborts by its deadline and is scaled back', async () => {
    world.faults.neverHealthy.add('green');
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'IdleNeverHealthy' });
    expect(r.cause).toMatch(/not healthy by the deadline/);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
    expect(await world.parameter(world.names.image.green)).toBe('public.ecr.aws/nginx/nginx:1.27');
    // While green waits, its healthy-below-desired alarm fires; green takes no traffic, so the rule's handler only notifies.
    expect(await types()).toEqual(['started', 'preflight', 'deployed', 'alarm', 'aborted', 'finished']);
    expect((await world.ledger()).find((e) => e.type === 'alarm')!.detail).toMatchObject({ alarm: 'shop-dev-green-rollback', decision: { action: 'notify' } });
    expect(world.simulation.alarmChanges.some((c) => c.alarm === 'shop-dev-green-healthy-below-desired' && c.to === 'ALARM')).toBe(true);
    expect(world.calls('elb:ModifyListener')).toBe(0);
    expect(await world.lock()).toBeUndefined();
  });

  it('an ECS circuit-breaker rollback of the idle color fails at once with IdleDeploymentFailed, not at the idle deadline, and restores it', async () => {
    world.faults.circuitBreakerRollback.add('green');
    const startedMs = Date.now();
    const r = await runIn(world, input);
    const elapsedMs = Date.now() - startedMs;
    expect(r).toMatchObject({ status: 'FAILED', error: 'IdleDeploymentFailed' });
    expect(r.cause).toMatch(/^green: the deployment of .*-green:\d+ failed: ECS deployment circuit breaker: tasks failed to start\.; the service went back to/);
    // Seen at the first check after the breaker tripped (3 minutes), far before the 900 s idle deadline.
    expect(elapsedMs).toBeLessThan(CIRCUIT_BREAKER_TRIPS_MS + 2 * 60_000);
    expect(r.states.filter((x) => x === 'CheckIdle').length).toBeLessThanOrEqual(CIRCUIT_BREAKER_TRIPS_MS / 30_000 + 1);
    expect(r.states).toContain('AbortBeforeTraffic');
    // The idle color is back as it was: no tasks, its old image recorded, no traffic ever moved.
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
    expect(await world.parameter(world.names.image.green)).toBe('public.ecr.aws/nginx/nginx:1.27');
    expect(world.capacity().desired.green).toBe(0);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(world.calls('elb:ModifyListener')).toBe(0);
    const aborted = (await world.ledger()).find((e) => e.type === 'aborted')!;
    expect(aborted.detail).toMatchObject({ error: { Error: 'IdleDeploymentFailed' }, restored: { count: 0, image: 'public.ecr.aws/nginx/nginx:1.27' } });
    expect(await world.lock()).toBeUndefined();
  });

  it('a business endpoint failing behind a healthy health check fails the smoke stage; no traffic moves', async () => {
    world.app.business = 500;
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'SmokeTestFailed' });
    expect(r.cause).toMatch(/checkout: status 500, expected 200/);
    expect(r.cause).not.toMatch(/health:/);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    const smoke = (await world.ledger()).find((e) => e.type === 'smoke')!;
    expect((smoke.detail.checks as any[]).map((c) => [c.name, c.ok])).toEqual([['health', true], ['checkout', false]]);
    expect(world.calls('elb:ModifyListener')).toBe(0);
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
  });

  it('a rotated test token the listener rule does not match ends SmokeRoutedToLiveColor: the smoke test never judges the live color', async () => {
    // The idle color is broken; the live one is healthy. Requests with a token no rule matches land on the live color and would pass.
    world.app.business = 500;
    await world.rotateTestToken('rotated-token-9876543210');
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'SmokeRoutedToLiveColor' });
    expect(r.cause).toMatch(/^smoke tests of green were not run, no traffic was moved: the test route's listener rule does not match the current test token/);
    expect(r.states).toContain('AbortBeforeTraffic');
    expect(world.calls('elb:ModifyListener')).toBe(0);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
    expect((await world.ledger()).find((e) => e.type === 'smoke')!.detail).toMatchObject({ ok: false, routedToLiveColor: expect.stringMatching(/does not match/) });
    expect(await world.lock()).toBeUndefined();
  });

  it('the smoke test proves it reached the idle color: every answer names green', async () => {
    const r = await runIn(world, { ...input, dryRun: true });
    expect(r.status).toBe('SUCCEEDED');
    const smoke = (await world.ledger()).find((e) => e.type === 'smoke')!.detail;
    expect(smoke.routedTo).toEqual({ idle: 42, live: 0, other: 0, unnamed: 0 });
  });

  it('a dry run runs every check and smoke test and never touches the weights', async () => {
    const r = await runIn(world, { ...input, dryRun: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.states).toContain('DryRunPassed');
    expect(world.calls('elb:ModifyListener')).toBe(0);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await types()).toEqual(['started', 'preflight', 'deployed', 'idle-ready', 'smoke', 'idle-restored', 'finished']);
    expect(await world.parameter(world.names.desiredCount.green)).toBe('0');
  });
});

describe('rollback during the ramp', () => {
  it.each([1, 2, 3])('green failing from step %i: its alarm rolls back in the bake, all traffic back on blue, RolledBack', async (step) => {
    world.simulation.inject(fault({ color: 'new', from: `step:${step}`, errorRatePercent: 40 }));
    const r = await runIn(world, input);
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    // The alarm rule's handler rolled back during the bake; the execution saw it at its step check.
    expect(r.cause).toMatch(/RolledBackByAlarm/);
    expect(world.simulation.alarmChanges.some((c) => c.alarm === world.alarmNames.green && c.to === 'ALARM')).toBe(true);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.liveColor)).toBe('blue');
    const ledger = await world.ledger();
    expect(ledger.filter((e) => e.type === 'weights')).toHaveLength(step);
    const rollback = ledger.filter((e) => e.type === 'rollback');
    expect(rollback.map((e) => e.detail.trigger)).toEqual(['alarm', 'cutover']);
    for (const e of rollback) expect(e.detail).toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 } });
    expect(ledger.at(-1)!.detail.outcome).toBe('RolledBack');
    expect(world.published.some((p) => /rolled back to blue/.test(p.subject))).toBe(true);
    expect(await world.lock()).toBeUndefined();
  });

  it('a thin step bakes again, one bake at a time, until each color has served the minimum; then it passes', async () => {
    // A 1% step of 1,000 requests a minute: 10 a minute for the new color, judged only on complete minutes.
    // At 1,000 a minute the 1% step passes only at its last look, and only when the shift falls early in a minute
    // (27 complete minutes rather than the 26 pre-flight counts on): pre-flight refuses it as CanaryTooThin, so accept it.
    const r = await runIn(world, { ...input, bakeSeconds: 60, steps: [1, 100], acceptThinCanary: true });
    expect(r.status).toBe('SUCCEEDED');
    const bakes = (await world.ledger()).filter((e) => e.type === 'bake' && e.detail.step === 1).map((e) => e.detail as any);
    // Every look of the step: judge.maxBakeSeconds (1800 s by default) over 60 s bakes is 30, the last one passing.
    expect(bakes.length).toBe(30);
    expect(bakes.slice(0, -1).every((b) => b.verdict.decision === 'INCONCLUSIVE' && b.outcome.action === 'extend')).toBe(true);
    expect(bakes.at(-1)).toMatchObject({ verdict: { decision: 'PASS' }, outcome: { action: 'pass' } });
    expect(bakes.at(-1).verdict.counts.new.requests).toBeGreaterThanOrEqual(100);
    expect(bakes.map((b) => b.look)).toEqual(bakes.map((_, i) => i + 1));
    expect(r.states.filter((x) => x === 'BakeAgain?').length).toBeGreaterThanOrEqual(bakes.length);
  });

  it('too little traffic even at the longest bake is not a pass: InsufficientTraffic, all traffic back on the old color', async () => {
    world.simulation = world.newSimulation(trafficSchema.parse({ requestsPerMinute: 50 }), []);
    // Pre-flight would refuse this plan (CanaryTooThin: test/workflow/preflight.test.ts); accepted, the step itself must still fail.
    const r = await runIn(world, { ...input, bakeSeconds: 60, steps: [1, 100], judge: { maxBakeSeconds: 300 }, acceptThinCanary: true });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(r.cause).toMatch(/^InsufficientTraffic: step 1 \(1%\): still inconclusive after 5 looks/);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });

  it('three throttles in a row on the listener still roll back, within the retry budget', async () => {
    // Green fails from step 1; the rollback its alarm sets off meets three throttles in a row.
    world.simulation.inject(fault({ color: 'new', from: 'step:1', errorRatePercent: 40 }));
    let armed = false;
    const r = await runIn(world, input, {
      after: async (state, ok) => {
        if (state === 'ShiftTraffic' && ok && !armed) {
          world.faults.throttleModifyListener = 3;
          armed = true;
        }
      },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(world.faults.throttleModifyListener).toBe(0);
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    const rollback = (await world.ledger()).find((e) => e.type === 'rollback')!;
    expect(rollback.detail.trigger).toBe('alarm');
    // Three jittered backoffs cost at most 1.4 s (lambda/shared/retry.ts), plus the calls themselves.
    expect(rollback.detail.elapsedMs as number).toBeLessThan(5_000);
  });

  it('an alarm event while the ramp runs rolls back at once; the execution then ends RolledBack, and a duplicate event does nothing', async () => {
    world.simulation.inject(fault({ color: 'new', from: 'step:2', errorRatePercent: 40 }));
    let weightsWhenDelivered: unknown;
    const r = await runIn(world, input, {
      before: async (state) => {
        // The first step check after the rule delivered the event: traffic is already back on blue.
        if (state === 'CheckStep' && weightsWhenDelivered === undefined && world.simulation.deliveries.length > 0) weightsWhenDelivered = await world.weights();
      },
    });
    const deliveries = world.simulation.deliveries.filter((d) => d.alarm === world.alarmNames.green);
    expect(deliveries.map((d) => [d.ok, (d.result as any)?.action])).toEqual([[true, 'rollback']]);
    expect(weightsWhenDelivered).toEqual({ blue: 100, green: 0 });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(r.cause).toMatch(/RolledBackByAlarm/);
    // EventBridge delivers at least once: the same event again does nothing.
    const duplicate = await require('../../lambda/alarm-handler').handler(deliveries[0].event);
    expect(duplicate).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/handled before/) });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    const rollbacks = (await world.ledger()).filter((e) => e.type === 'rollback');
    // The alarm handler rolled back; the execution's own rollback re-verified the same end state.
    expect(rollbacks.map((e) => e.detail.trigger)).toEqual(['alarm', 'cutover']);
    expect(rollbacks.every((e) => (e.detail.weights as any).blue === 100)).toBe(true);
  });
});

describe('when the rollback itself fails', () => {
  it.each([
    ['Runtime.OutOfMemory', 1],
    ['Lambda.TooManyRequestsException', 4], // MaxAttempts 3 retries after the first call
    ['States.Timeout', 2],
    ['RollbackFailed', 1],
  ])('%s in the rollback task ends RollbackFailed and pages, never Succeeded', async (errorName, attempts) => {
    let rollbackCalls = 0;
    // The rollback comes from the step check (an operator's SetAlarmState just before it), so the task's own errors show.
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'CheckStep') await world.setAlarm('green', 'ALARM');
        if (state === 'Rollback') {
          rollbackCalls++;
          throw Object.assign(new Error(`injected ${errorName}`), { name: errorName });
        }
      },
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RollbackFailed' });
    expect(r.states).not.toContain('Succeeded');
    expect(r.states).toContain('PageRollbackFailed');
    expect(rollbackCalls).toBe(attempts);
    expect(world.published.some((p) => /ROLLBACK FAILED/.test(p.subject))).toBe(true);
    expect((await world.ledger()).at(-1)!.detail.outcome).toBe('RollbackFailed');
    expect(await world.lock()).toBeUndefined();
  });
});

describe('watch window', () => {
  it('an alarm during the watch window flips back to blue, still at full size', async () => {
    // p95 of 4 s from 20 minutes after the first shift: after promotion (three 5-minute bakes), inside the 1-hour window.
    world.simulation.inject(fault({ color: 'new', from: 'minute:20', p95Seconds: 4 }));
    const r = await runIn(world, { ...input, watchWindowHours: 1 });
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.liveColor)).toBe('blue');
    expect(await world.parameter(world.names.desiredCount.blue)).toBe('2');
    const ledger = await world.ledger();
    expect(ledger.map((e) => e.type)).toContain('promoted');
    expect(ledger.find((e) => e.type === 'rollback')!.detail).toMatchObject({ target: 'blue', scaledUp: false });
  });
});

describe('alarm with no cutover running', () => {
  it('rolls back onto the other color, scaling it up first when it was scaled down', async () => {
    const r = await runIn(world, input);
    expect(r.status).toBe('SUCCEEDED');
    expect(await world.parameter(world.names.desiredCount.blue)).toBe('0');
    // Later, with no cutover running, green starts failing; its alarm's event reaches the handler through the rule.
    world.simulation.inject(fault({ color: 'new', from: 'start', errorRatePercent: 40 }));
    await world.passTime(6 * 60_000);
    const delivered = world.simulation.deliveries.filter((d) => d.alarm === world.alarmNames.green && d.ok);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].result).toMatchObject({ action: 'rollback', target: 'blue', result: { scaledUp: true } });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect(await world.parameter(world.names.desiredCount.blue)).toBe('2');
    expect(await world.parameter(world.names.liveColor)).toBe('blue');
  });

  it('an alarm on a color that takes no traffic only notifies', async () => {
    const alarmHandler = require('../../lambda/alarm-handler').handler;
    await world.setAlarm('green', 'ALARM');
    const out = await alarmHandler(alarmEvent(world.alarmNames.green, 'evt-idle'));
    expect(out).toMatchObject({ action: 'notify', alarmColor: 'green' });
    expect(world.calls('elb:ModifyListener')).toBe(0);
    expect(world.published.some((p) => /no rollback/.test(p.subject))).toBe(true);
  });

  it('an old event does nothing', async () => {
    const alarmHandler = require('../../lambda/alarm-handler').handler;
    const out = await alarmHandler(alarmEvent(world.alarmNames.blue, 'evt-old', new Date(Date.now() - 3600_000)));
    expect(out).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/old/) });
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
  });
});

describe('execution limits', () => {
  it('the limits model validate-input bounds plans by is an upper bound of a real run: its history events and its duration', async () => {
    const startedMs = Date.now();
    const r = await runIn(world, { ...input, watchWindowHours: 1 });
    expect(r.status).toBe('SUCCEEDED');
    const plan = (await world.ledger()).find((e) => e.type === 'started')!.detail.plan as Plan;
    const cost = planCost(plan, stagesFromSettings(settings()));
    // Step Functions' events per state: a Lambda Task 5, a Wait or Choice 2 (scripts/bench.ts counts the same way).
    const d = world.synthesized.definitions.cutover.definition;
    const perType: Record<string, number> = { Task: 5, Wait: 2, Choice: 2, Succeed: 2, Fail: 1 };
    const events = 2 + r.states.reduce((n, x) => n + (perType[d.States[x]?.Type] ?? 2), 0);
    expect(events).toBeLessThanOrEqual(cost.historyEvents);
    expect(Date.now() - startedMs).toBeLessThanOrEqual(cost.durationSeconds * 1000);
  });
});

describe('manual rollback', () => {
  it('the console state machine puts all traffic back and records it', async () => {
    expect((await runIn(world, input)).status).toBe('SUCCEEDED');
    const r = await runIn(world, { reason: 'customer reports' }, { machine: 'rollback' });
    expect(r.status).toBe('SUCCEEDED');
    expect(await world.weights()).toEqual({ blue: 100, green: 0 });
    expect((await world.ledger()).filter((e) => e.type === 'rollback').map((e) => e.detail.trigger)).toEqual(['manual']);
  });
});
