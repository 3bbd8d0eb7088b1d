import * as z from '../shared/zod';
import { AboveCeiling, AlarmBreached, BothColorsBad, IdleNeverHealthy, InsufficientTraffic, JudgedWorse, RolledBackByAlarm, WeightsNotApplied } from '../shared/errors';
import { lockSliceSchema } from '../shared/lock-slice';
import { preflightSliceSchema, rampSliceSchema, RampSlice } from '../shared/ramp-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { bakeOutcome } from '../shared/decisions/bake';
import { judgeStep } from '../shared/decisions/judge';
import { judgeWindow, looksFor } from '../shared/decisions/window';
import { notify } from '../shared/adapters/notify';
import { sameWeights, Weights, weightsAt } from '../shared/decisions/weights';
import { stickinessFor } from '../shared/decisions/stickiness';
import { dnsWeightsAt } from '../shared/decisions/dns';
import { setDnsWeights } from '../shared/adapters/route53';
import { alarmStates, colorWindowCounts } from '../shared/adapters/cloudwatch';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { getLock, LockItem, lockKey, setPhase } from '../shared/adapters/lock';
import { sleep } from '../shared/retry';
import { settings, Settings } from '../shared/settings';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('bakeSeconds', 'judge', 'steps');

const ERRORS = { AlarmBreached, InsufficientTraffic, IdleNeverHealthy, JudgedWorse, AboveCeiling, BothColorsBad } as const;

/** The previous check, if it was of this step: its look number. */
const checkSliceSchema = z.looseObject({ step: z.optional(z.int()), look: z.optional(z.int()) });

/** Throws when an alarm already rolled this cutover back: a ramp must never undo a rollback. Returns the lock it read. */
async function assertNotRolledBack(s: Settings, executionId: string): Promise<LockItem | undefined> {
  const lock = await getLock(s.lockTable, lockKey(s.service, s.environment));
  if (lock?.executionId === executionId && lock.rolledBackAtMs !== undefined) {
    throw new RolledBackByAlarm(`an alarm rolled traffic back at ${new Date(lock.rolledBackAtMs).toISOString()}: ${lock.rollbackReason ?? ''}`);
  }
  return lock;
}

const eventSchema = z.discriminatedUnion('action', [
  z.object({ executionId: z.string(), action: z.literal('shift'), state: z.object({ plan: planSchema, lock: lockSliceSchema, ramp: z.optional(rampSliceSchema), preflight: z.optional(preflightSliceSchema) }) }),
  z.object({ executionId: z.string(), action: z.literal('check'), state: z.object({ plan: planSchema, lock: lockSliceSchema, ramp: rampSliceSchema, check: z.optional(checkSliceSchema) }) }),
]);

export const handler = wrap('traffic', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { plan, lock } = event.state;
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };

  /** Sets the listener's weights and reads them back until they match. */
  const applyListener = async (wanted: Weights, from: Weights | undefined): Promise<Weights> => {
    await elb.setWeights(s.listenerArn, tgs, wanted, stickinessFor({ from, to: wanted, newColor: lock.newColor }, s.stickinessSeconds));
    let seen = await elb.readWeights(s.listenerArn, tgs);
    for (let i = 1; !sameWeights(seen, wanted); i++) {
      if (i >= 10) throw new WeightsNotApplied(`set blue=${wanted.blue} green=${wanted.green}, the listener still reports blue=${seen.blue} green=${seen.green}`);
      await sleep(s.pollMs);
      seen = await elb.readWeights(s.listenerArn, tgs);
    }
    return seen;
  };

  if (event.action === 'shift') {
    const index = event.state.ramp ? event.state.ramp.index + 1 : 0;
    const percent = plan.steps[index];
    if (percent === undefined) throw new RangeError(`no ramp step ${index}; the plan has ${plan.steps.length}`);
    const step = { step: index + 1, of: plan.steps.length, percent };
    const done = index === plan.steps.length - 1;
    await assertNotRolledBack(s, event.executionId);

    if (s.dns && event.state.preflight?.dns?.ramp) {
      // A legacy cutover: the load balancer has no clients yet, so all of its share goes
      // to the new color at once, and the ramp moves clients over in DNS.
      let seen = event.state.ramp?.weights;
      if (index === 0) {
        await setPhase(s.lockTable, pk, event.executionId, 'ramping', { dnsRamp: true });
        const wanted = weightsAt(100, lock.newColor);
        seen = await applyListener(wanted, event.state.ramp?.weights);
        await ledger.record(s.ledgerTable, pk, 'weights', event.executionId, { ...step, set: wanted, readBack: seen, note: 'load balancer share; clients move in DNS' });
      }
      const wanted = dnsWeightsAt(percent);
      const change = await setDnsWeights(s.dns, wanted, { pollMs: s.pollMs, waitMs: 30_000 });
      await assertNotRolledBack(s, event.executionId);
      await ledger.record(s.ledgerTable, pk, 'dns-weights', event.executionId, { ...step, record: s.dns.recordName, set: wanted, ...change });
      return { index, percent, weights: seen!, dns: change.readBack, shiftedAtMs: Date.now(), done } satisfies RampSlice;
    }

    const wanted = weightsAt(percent, lock.newColor);
    if (index === 0) await setPhase(s.lockTable, pk, event.executionId, 'ramping');
    const seen = await applyListener(wanted, event.state.ramp?.weights);
    // An alarm may have rolled back between the check above and the write: hand over to the rollback.
    await assertNotRolledBack(s, event.executionId);
    const slice: RampSlice = { index, percent, weights: seen, shiftedAtMs: Date.now(), done };
    await ledger.record(s.ledgerTable, pk, 'weights', event.executionId, { ...step, set: wanted, readBack: seen });
    return slice;
  }

  const ramp = event.state.ramp;
  const judge = plan.judge;
  const held = await assertNotRolledBack(s, event.executionId);
  const step = ramp.index + 1;
  const previous = event.state.check;
  const looked = previous?.step === step && typeof previous.look === 'number' ? previous.look : 0;
  // An operator paused the ramp: hold at these weights (the rollback alarms stay armed); no look is spent, the judge looks again on resume.
  if (held?.executionId === event.executionId && held.pause) {
    return { step, look: looked, extend: false, hold: false, paused: true, pausedBy: held.pause.by, pausedAtMs: held.pause.atMs, pauseReason: held.pause.reason, reason: `paused by ${held.pause.by}: ${held.pause.reason}` };
  }
  const look = looked + 1;
  const maxLooks = looksFor(plan.bakeSeconds, judge.maxBakeSeconds);
  const now = Date.now();
  const window = judgeWindow(ramp.shiftedAtMs, now, judge.metricDelaySeconds);
  const color = s.colors[lock.newColor];
  const hold = judge.onBothBad === 'hold';
  const otherAlarm = s.colors[lock.previousColor].rollbackAlarm;
  const [alarms, health, counts] = await Promise.all([
    alarmStates(hold ? [color.rollbackAlarm, otherAlarm] : [color.rollbackAlarm]),
    elb.targetHealth(color.targetGroupArn),
    colorWindowCounts(s.listenerArn, tgs, window.startMs, window.endMs, judge.latencyThresholdSeconds),
  ]);
  const verdict = judgeStep({
    newColor: counts[lock.newColor],
    oldColor: counts[lock.previousColor],
    // At a step that gives the old color nothing (the last), there is nothing to compare with.
    comparable: ramp.weights[lock.previousColor] > 0,
    look,
    maxLooks,
    comparedSteps: plan.steps.filter((p) => p < 100).length,
    settings: judge,
  });
  const outcome = bakeOutcome({ alarmState: alarms[color.rollbackAlarm], healthyTargets: health.healthy, desired: lock.liveDesired, verdict, look, maxLooks, holdWhenBothBad: hold, otherAlarmState: hold ? alarms[otherAlarm] : undefined });
  const judged = { startMs: window.startMs, endMs: window.endMs, minutes: window.minutes };
  await ledger.record(s.ledgerTable, pk, 'bake', event.executionId, { step, percent: ramp.percent, look, maxLooks, window: judged, alarm: alarms[color.rollbackAlarm], healthy: health.healthy, verdict, outcome });
  if (outcome.action === 'fail') throw new ERRORS[outcome.error](`step ${step} (${ramp.percent}%): ${outcome.reason}`);
  if (outcome.action === 'extend' && outcome.hold && (previous?.step !== step || !(previous as { hold?: boolean }).hold)) {
    await notify(s.topics.critical, `Switchyard ${pk}: holding at step ${step} (${ramp.percent}%): both colors failing`, { executionId: event.executionId, weights: ramp.weights, verdict: verdict.reason, looksLeft: maxLooks - look });
  }
  return {
    step,
    look,
    paused: false,
    extend: outcome.action === 'extend',
    hold: outcome.action === 'extend' && outcome.hold,
    decision: verdict.decision,
    reason: outcome.action === 'extend' ? outcome.reason : verdict.reason,
    requests: { new: counts[lock.newColor].requests, old: counts[lock.previousColor].requests },
  };
});
