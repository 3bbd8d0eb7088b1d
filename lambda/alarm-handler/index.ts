import * as z from '../shared/zod';
import { handler as wrap } from '../shared/handler';
import { alarmDecision, MAX_EVENT_AGE_SECONDS } from '../shared/decisions/alarm';
import { readWeights } from '../shared/adapters/elb';
import { alarmStates } from '../shared/adapters/cloudwatch';
import { comparisonAlarmName } from '../shared/alarm-names';
import * as ledger from '../shared/adapters/ledger';
import { getLock, lockKey, markRolledBack, takeGate } from '../shared/adapters/lock';
import { sendTaskFailure, staleToken } from '../shared/adapters/sfn';
import { notify } from '../shared/adapters/notify';
import { readState } from '../shared/adapters/state';
import { rollbackTo } from '../shared/rollback';
import { Settings, settings } from '../shared/settings';
// Gives settings() the schema of CUTOVER_DEFAULTS.judge, the one field of it this handler reads.
import '../shared/judge-config';

/** The parts of a "CloudWatch Alarm State Change" event that matter. */
const eventSchema = z.object({
  id: z.string(),
  time: z.string(),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string(),
    state: z.object({ value: z.string(), timestamp: z.optional(z.string()), reason: z.optional(z.string()) }),
    previousState: z.optional(z.object({ value: z.string() })),
  }),
});
type AlarmEvent = z.output<typeof eventSchema>;

/** Decides, then rolls back or notifies. */
async function act(s: Settings, event: AlarmEvent, now: number) {
  const pk = lockKey(s.service, s.environment);
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const [lock, weights] = await Promise.all([getLock(s.lockTable, pk), readWeights(s.listenerArn, tgs)]);
  const running = lock && lock.expiresAtMs > now ? lock : undefined;
  // In hold mode, a new color's alarm during a cutover needs the other color's state and the comparison.
  const hold = s.defaults.judge.onBothBad === 'hold' && running !== undefined && event.detail.alarmName === s.colors[running.newColor].rollbackAlarm;
  const other = running && s.colors[running.previousColor].rollbackAlarm;
  const comparison = running && comparisonAlarmName(s.colors[running.newColor].rollbackAlarm, running.previousColor);
  const states = hold ? await alarmStates([other!, comparison!]) : {};
  const decision = alarmDecision({
    alarmName: event.detail.alarmName,
    state: event.detail.state.value,
    changedAtMs: Date.parse(event.detail.state.timestamp ?? event.time),
    nowMs: now,
    maxAgeMs: MAX_EVENT_AGE_SECONDS * 1000,
    rollbackAlarms: { blue: s.colors.blue.rollbackAlarm, green: s.colors.green.rollbackAlarm },
    weights,
    cutover: running && { executionId: running.executionId, previousColor: running.previousColor, newColor: running.newColor, startedAtMs: running.startedAtMs, rolledBackAtMs: running.rolledBackAtMs },
    holdWhenBothBad: hold,
    otherAlarmState: other && states[other],
    comparisonAlarmState: comparison && states[comparison],
  });
  const executionId = running?.executionId ?? `alarm:${event.id}`;
  await ledger.record(s.ledgerTable, pk, 'alarm', executionId, { alarm: event.detail.alarmName, state: event.detail.state.value, reason: event.detail.state.reason, decision });
  if (decision.action === 'ignore') return decision;
  if (decision.action === 'notify') {
    await notify(s.topics.critical, `Switchyard ${pk}: ${event.detail.alarmName} in ALARM (no rollback)`, { ...decision, weights });
    return decision;
  }
  // The target needs as many healthy tasks as the color it relieves had.
  const required = running ? running.liveDesired : Math.max(1, (await readState(s.parameters)).desiredCount[decision.alarmColor]);
  const result = await rollbackTo(s, { target: decision.target, requiredCount: required, reason: decision.reason, executionId, trigger: 'alarm', dns: running?.dnsRamp === true });
  if (running) {
    await markRolledBack(s.lockTable, pk, result.verifiedAtMs, decision.reason);
    // A cutover waiting at an approval gate ends now as rolled back, not at the gate's timeout.
    const gate = await takeGate(s.lockTable, pk);
    if (gate) {
      try {
        await sendTaskFailure(gate.token, 'RolledBackByAlarm', `${event.detail.alarmName} rolled traffic back while gate ${gate.name} waited: ${decision.reason}`);
      } catch (e) {
        // The wait had already ended (timed out a moment ago): its own path finds the rollback.
        if (!staleToken(e)) throw e;
      }
      await ledger.record(s.ledgerTable, pk, 'gate-cancelled', gate.executionId, { gate: gate.name, by: event.detail.alarmName, reason: decision.reason });
    }
  }
  return { ...decision, result };
}

export const handler = wrap('alarm-handler', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();
  // Delivery is at least once: the first delivery of an event id acts, repeats do nothing.
  if (!(await ledger.claimEvent(s.ledgerTable, pk, event.id, now))) return { action: 'ignore' as const, reason: `event ${event.id} was handled before` };
  try {
    return await act(s, event, now);
  } catch (e) {
    // Handling failed: EventBridge delivers the event again, and that delivery must act.
    await ledger.releaseEvent(s.ledgerTable, pk, event.id);
    throw e;
  }
});
