import { z } from 'zod';
import { AlarmBreached, IdleNeverHealthy, InsufficientTraffic, RolledBackByAlarm, WeightsNotApplied } from '../shared/errors';
import { lockSliceSchema, rampSliceSchema, RampSlice } from '../shared/execution';
import { handler as wrap } from '../shared/handler';
import { planSchema } from '../shared/input';
import { bakeVerdict } from '../shared/decisions/bake';
import { sameWeights, weightsAt } from '../shared/decisions/weights';
import { alarmStates, targetGroupSignals } from '../shared/adapters/cloudwatch';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { getLock, lockKey, setPhase } from '../shared/adapters/lock';
import { sleep } from '../shared/retry';
import { settings, Settings } from '../shared/settings';

const ERRORS = { AlarmBreached, InsufficientTraffic, IdleNeverHealthy } as const;

/** Throws when an alarm already rolled this cutover back: a ramp must never undo a rollback. */
async function assertNotRolledBack(s: Settings, executionId: string): Promise<void> {
  const lock = await getLock(s.lockTable, lockKey(s.service, s.environment));
  if (lock?.executionId === executionId && lock.rolledBackAtMs !== undefined) {
    throw new RolledBackByAlarm(`an alarm rolled traffic back at ${new Date(lock.rolledBackAtMs).toISOString()}: ${lock.rollbackReason ?? ''}`);
  }
}

const eventSchema = z.discriminatedUnion('action', [
  z.object({ executionId: z.string(), action: z.literal('shift'), state: z.object({ plan: planSchema, lock: lockSliceSchema, ramp: rampSliceSchema.optional() }) }),
  z.object({ executionId: z.string(), action: z.literal('check'), state: z.object({ plan: planSchema, lock: lockSliceSchema, ramp: rampSliceSchema }) }),
]);

export const handler = wrap('traffic', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { plan, lock } = event.state;
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };

  if (event.action === 'shift') {
    const index = event.state.ramp ? event.state.ramp.index + 1 : 0;
    const percent = plan.steps[index];
    if (percent === undefined) throw new RangeError(`no ramp step ${index}; the plan has ${plan.steps.length}`);
    const wanted = weightsAt(percent, lock.newColor);
    await assertNotRolledBack(s, event.executionId);
    if (index === 0) await setPhase(s.lockTable, pk, event.executionId, 'ramping');
    await elb.setWeights(s.listenerArn, tgs, wanted, s.stickinessSeconds);
    let seen = await elb.readWeights(s.listenerArn, tgs);
    for (let i = 1; !sameWeights(seen, wanted); i++) {
      if (i >= 10) throw new WeightsNotApplied(`set blue=${wanted.blue} green=${wanted.green}, the listener still reports blue=${seen.blue} green=${seen.green}`);
      await sleep(s.pollMs);
      seen = await elb.readWeights(s.listenerArn, tgs);
    }
    // An alarm may have rolled back between the check above and the write: hand over to the rollback.
    await assertNotRolledBack(s, event.executionId);
    const slice: RampSlice = { index, percent, weights: seen, shiftedAtMs: Date.now(), done: index === plan.steps.length - 1 };
    await ledger.record(s.ledgerTable, pk, 'weights', event.executionId, { step: index + 1, of: plan.steps.length, percent, set: wanted, readBack: seen });
    return slice;
  }

  const ramp = event.state.ramp;
  await assertNotRolledBack(s, event.executionId);
  const color = s.colors[lock.newColor];
  const [alarms, health, signals] = await Promise.all([
    alarmStates([color.rollbackAlarm]),
    elb.targetHealth(color.targetGroupArn),
    targetGroupSignals(s.listenerArn, color.targetGroupArn, ramp.shiftedAtMs, Date.now()),
  ]);
  const verdict = bakeVerdict({
    alarmState: alarms[color.rollbackAlarm],
    requests: signals.requests,
    minRequests: s.defaults.minRequestsPerStep,
    percent: ramp.percent,
    healthyTargets: health.healthy,
    desired: lock.liveDesired,
  });
  await ledger.record(s.ledgerTable, pk, 'bake', event.executionId, { step: ramp.index + 1, percent: ramp.percent, alarm: alarms[color.rollbackAlarm], requests: signals.requests ?? null, healthy: health.healthy, verdict });
  if (!verdict.ok) throw new ERRORS[verdict.error](`step ${ramp.index + 1} (${ramp.percent}%): ${verdict.reason}`);
  return { ok: true, requests: signals.requests };
});
