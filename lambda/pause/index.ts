import * as z from '../shared/zod';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { PAUSE_GATE, pauseCommands, pauseDecision, pauseOverdueDecision } from '../shared/decisions/pause';
import { readWeights } from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { endPause, getLock, holdAtPause, lockKey, requestPause, StoredGate, takeGate } from '../shared/adapters/lock';
import { notify } from '../shared/adapters/notify';
import { sendTaskSuccess, staleToken } from '../shared/adapters/sfn';
import { AlreadyPaused, NoCutoverRunning, NotPaused, NotRamping, PausedTooLong, ReasonRequired, RolledBackByAlarm, StalePause, TooManyPauses } from '../shared/errors';
import { settings } from '../shared/settings';
// Gives settings() the schema of CUTOVER_DEFAULTS.pause, which this handler reads.
import '../shared/pause-config';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('pause', 'steps');

/** The parts of the execution's state a held pause reads. */
const holdStateSchema = z.object({
  plan: planSchema,
  lock: lockSliceSchema,
  ramp: z.optional(z.object({ index: z.int(), percent: z.number() })),
});

/**
 * From `npm run cutover -- pause|resume`. Who asks is what the CLI read
 * with sts:GetCallerIdentity: Lambda passes a direct invoke no verified
 * caller identity; the function's callers are limited by IAM (the operator
 * policy), and CloudTrail records which principal invoked.
 */
const requestSchema = z.object({
  action: z.enum(['pause', 'resume']),
  by: z.string().check(z.minLength(1), z.maxLength(2048)),
  reason: z.optional(z.string().check(z.minLength(3, 'a reason says why, in a few words'), z.maxLength(1000))),
  executionId: z.optional(z.string()),
});
/** From the state machine (waitForTaskToken), when a step check found the ramp paused: store the token, hold. */
const holdSchema = z.object({ action: z.literal('hold'), executionId: z.string(), taskToken: z.string().check(z.minLength(1)), state: holdStateSchema });
/** From the state machine, when a held pause reached its page interval. */
const overdueSchema = z.object({ action: z.literal('overdue'), executionId: z.string(), state: holdStateSchema });
const eventSchema = z.discriminatedUnion('action', [requestSchema, holdSchema, overdueSchema]);

const REFUSALS = { NoCutoverRunning, StalePause, NotRamping, AlreadyPaused, NotPaused, ReasonRequired, TooManyPauses } as const;
const minutes = (ms: number) => Math.round(ms / 60_000);

async function request(event: z.output<typeof requestSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();
  const lock = await getLock(s.lockTable, pk);
  const decision = pauseDecision({ request: event, lock, nowMs: now, limits: s.defaults.pause });
  if (!decision.ok) {
    // A refusal changes nothing; the attempt is still on record.
    await ledger.record(s.ledgerTable, pk, 'pause-refused', lock?.executionId ?? event.executionId ?? 'none', { action: event.action, by: event.by, reason: event.reason, error: decision.error, message: decision.message });
    throw new REFUSALS[decision.error](decision.message);
  }
  if (decision.action === 'pause') {
    if (!(await requestPause(s.lockTable, pk, decision.executionId, decision.pause))) {
      throw new NotRamping(`cutover ${decision.executionId} changed a moment ago (paused, finished, promoted or rolled back); nothing was changed`);
    }
    const detail = { by: event.by, reason: event.reason, pause: decision.pause, holds: 'at the end of the current bake, at the weights read back then; alarms stay armed', commands: pauseCommands(s.environment, decision.executionId) };
    await ledger.record(s.ledgerTable, pk, 'paused', decision.executionId, detail);
    await notify(s.topics.warning, `Switchyard ${pk}: cutover paused by ${event.by}`.slice(0, 100), { executionId: decision.executionId, ...detail });
    return { executionId: decision.executionId, action: 'pause', pausedAtMs: decision.pause.atMs };
  }
  const ended = await endPause(s.lockTable, pk, decision.pause.atMs, decision.pausedTotalMs);
  if (!ended) throw new NotPaused(`cutover ${decision.executionId} was resumed a moment ago; nothing was changed`);
  // The ramp may already hold at the pause (its token stored): let it go on. If not, its next step check finds no pause.
  let released = false;
  const gate = ended.gate?.name === PAUSE_GATE ? await takeGate(s.lockTable, pk, ended.gate.id) : undefined;
  if (gate) {
    try {
      await sendTaskSuccess(gate.token, { resumedBy: event.by, atMs: now });
      released = true;
    } catch (e) {
      // The hold timed out at this moment: its overdue check finds no pause and the ramp goes on.
      if (!staleToken(e)) throw e;
    }
  }
  const detail = { by: event.by, reason: event.reason, pausedBy: decision.pause.by, pausedMinutes: minutes(decision.pausedMs), pausedTotalMinutes: minutes(decision.pausedTotalMs), wasHolding: released };
  await ledger.record(s.ledgerTable, pk, 'resumed', decision.executionId, detail);
  await notify(s.topics.warning, `Switchyard ${pk}: cutover resumed by ${event.by}`.slice(0, 100), { executionId: decision.executionId, ...detail });
  return { executionId: decision.executionId, action: 'resume', pausedSeconds: Math.round(decision.pausedMs / 1000) };
}

async function hold(event: z.output<typeof holdSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();
  const { plan, lock, ramp } = event.state;
  const gate: StoredGate = {
    id: `${PAUSE_GATE}#${now}`,
    name: PAUSE_GATE,
    executionId: event.executionId,
    token: event.taskToken,
    openedAtMs: now,
    firstOpenedAtMs: now,
    deadlineMs: now + plan.pause.pageAfterSeconds * 1000,
    requireDistinctApprover: false,
  };
  if (!(await holdAtPause(s.lockTable, pk, gate))) {
    const held = await getLock(s.lockTable, pk);
    if (held?.executionId === event.executionId && held.rolledBackAtMs !== undefined) throw new RolledBackByAlarm(`an alarm rolled traffic back while the ramp was paused: ${held.rollbackReason ?? ''}`);
    // Resumed between the step check and this hold: nothing to wait for.
    await sendTaskSuccess(event.taskToken, { resumedBy: 'resumed before the ramp held', atMs: now });
    return { held: false };
  }
  const weights = await readWeights(s.listenerArn, { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn });
  const step = ramp ? { number: ramp.index + 1, of: plan.steps.length, percent: ramp.percent } : undefined;
  await ledger.record(s.ledgerTable, pk, 'pause-holding', event.executionId, { step, weightsReadBack: weights, newColor: lock.newColor, pagesAfterMinutes: plan.pause.pageAfterSeconds / 60 });
  return { held: true };
}

async function overdue(event: z.output<typeof overdueSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();
  const [held, taken] = await Promise.all([getLock(s.lockTable, pk), takeGate(s.lockTable, pk)]);
  if (held?.executionId === event.executionId && held.rolledBackAtMs !== undefined) throw new RolledBackByAlarm(`an alarm rolled traffic back while the ramp was paused: ${held.rollbackReason ?? ''}`);
  // Resumed as the hold timed out: the next hold finds no pause and lets the ramp go on.
  if (!held?.pause) return { resumed: true, tokenWasStored: taken !== undefined };
  const decision = pauseOverdueDecision({ pause: held.pause, pausedTotalMs: held.pausedTotalMs, nowMs: now, limits: event.state.plan.pause });
  const detail = { executionId: event.executionId, pausedBy: held.pause.by, pauseReason: held.pause.reason, ...decision };
  await ledger.record(s.ledgerTable, pk, 'pause-overdue', event.executionId, detail);
  if (decision.action === 'rollback') throw new PausedTooLong(decision.reason);
  await notify(s.topics.critical, `Switchyard ${pk}: cutover paused ${decision.pausedMinutes} minutes`.slice(0, 100), { ...detail, commands: pauseCommands(s.environment, event.executionId) });
  return { resumed: false, pausedMinutes: decision.pausedMinutes };
}

export const handler = wrap('pause', eventSchema, async (event) => {
  if (event.action === 'hold') return hold(event);
  if (event.action === 'overdue') return overdue(event);
  return request(event);
});
