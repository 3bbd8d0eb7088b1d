import * as z from '../shared/zod';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { PAUSE_GATE } from '../shared/decisions/pause';
import { approvalDecision, gateCommands, gateName, OpenGate, timeoutDecision } from '../shared/decisions/gate';
import { alarmStates } from '../shared/adapters/cloudwatch';
import { readWeights } from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { getLock, lockKey, openGate, StoredGate, takeGate } from '../shared/adapters/lock';
import { notify } from '../shared/adapters/notify';
import { sendTaskFailure, sendTaskSuccess, staleToken } from '../shared/adapters/sfn';
import { ApprovalTimedOut, ApproverNotDistinct, NoCutoverRunning, NoGateWaiting, ReasonRequired, RolledBackByAlarm, StaleApproval } from '../shared/errors';
import { settings } from '../shared/settings';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('approvals', 'reason', 'startedBy', 'steps');

const kindSchema = z.enum(['before-first-shift', 'after-step', 'before-promotion', 'before-scale-down']);
/** The parts of the execution's state a gate reads. */
const gateStateSchema = z.object({
  plan: planSchema,
  lock: lockSliceSchema,
  ramp: z.optional(z.object({ index: z.int(), percent: z.number(), weights: z.object({ blue: z.number(), green: z.number() }) })),
  /** The latest step verdict (CheckStep's output). */
  check: z.optional(z.looseObject({ step: z.optional(z.number()), decision: z.optional(z.string()), reason: z.optional(z.string()), requests: z.optional(z.object({ new: z.number(), old: z.number() })) })),
  /** Set by a held timeout: when the gate first opened. */
  gateHold: z.optional(z.object({ name: z.string(), firstOpenedAtMs: z.number() })),
});

/** From the state machine (waitForTaskToken): store the token, tell the approvers. */
const openSchema = z.object({ action: z.literal('open'), executionId: z.string(), kind: kindSchema, taskToken: z.string().check(z.minLength(1)), state: gateStateSchema });
/** From the state machine, when the gate's wait timed out. */
const timeoutSchema = z.object({ action: z.literal('timeout'), executionId: z.string(), kind: kindSchema, state: gateStateSchema });
/**
 * From `npm run cutover -- approve|reject`. The approver's identity is what
 * the CLI read with sts:GetCallerIdentity under the approver's own
 * credentials: Lambda passes a direct invoke no verified caller identity, so
 * only principals the function's resource policy names (approverPrincipals)
 * can send one, and CloudTrail records which principal invoked.
 */
const answerSchema = z.object({
  action: z.enum(['approve', 'reject']),
  approver: z.string().check(z.minLength(1), z.maxLength(2048)),
  reason: z.optional(z.string().check(z.minLength(3, 'a reason says why, in a few words'), z.maxLength(1000))),
  executionId: z.optional(z.string()),
  gate: z.optional(z.string()),
});
const eventSchema = z.discriminatedUnion('action', [openSchema, timeoutSchema, answerSchema]);

const nameOf = (kind: z.output<typeof kindSchema>, state: z.output<typeof gateStateSchema>) => gateName(kind, state.ramp?.index);
const publicGate = (g: StoredGate): OpenGate => ({ id: g.id, name: g.name, executionId: g.executionId, openedAtMs: g.openedAtMs, deadlineMs: g.deadlineMs, startedBy: g.startedBy, requireDistinctApprover: g.requireDistinctApprover });

async function open(event: z.output<typeof openSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { plan, lock, ramp, check, gateHold } = event.state;
  const approvals = plan.approvals;
  if (!approvals) throw new Error('gate: the plan has no approvals; the state machine reached a gate it should not have');
  const name = nameOf(event.kind, event.state);
  const now = Date.now();
  const first = gateHold?.name === name ? gateHold.firstOpenedAtMs : now;
  const gate: StoredGate = {
    id: `${name}#${now}`,
    name,
    executionId: event.executionId,
    token: event.taskToken,
    openedAtMs: now,
    firstOpenedAtMs: first,
    deadlineMs: now + approvals.timeoutSeconds * 1000,
    startedBy: plan.startedBy,
    requireDistinctApprover: approvals.requireDistinctApprover,
  };
  // An alarm that rolled back before the gate opened: end now, not at the timeout.
  if (!(await openGate(s.lockTable, pk, gate))) throw new RolledBackByAlarm(`an alarm rolled traffic back before gate ${name} opened`);
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const alarmNames = [s.colors[lock.newColor].rollbackAlarm, s.colors[lock.previousColor].rollbackAlarm];
  const [weights, alarms] = await Promise.all([readWeights(s.listenerArn, tgs), alarmStates(alarmNames)]);
  const detail = {
    gate: name,
    executionId: event.executionId,
    reason: plan.reason,
    startedBy: plan.startedBy ?? 'unknown (not started by the CLI)',
    step: ramp ? { number: ramp.index + 1, of: plan.steps.length, percent: ramp.percent } : undefined,
    weightsReadBack: weights,
    newColor: lock.newColor,
    latestVerdict: check ? { step: check.step, decision: check.decision, reason: check.reason, requests: check.requests } : undefined,
    alarms,
    waitsUntil: new Date(gate.deadlineMs).toISOString(),
    minutesLeft: Math.round((gate.deadlineMs - now) / 60_000),
    onTimeout: approvals.onTimeout,
    requireDistinctApprover: approvals.requireDistinctApprover,
    commands: gateCommands(s.environment, event.executionId, name),
  };
  await ledger.record(s.ledgerTable, pk, 'gate-opened', event.executionId, detail);
  await notify(s.topics.warning, `Switchyard ${pk}: approval needed at ${name}`, detail);
  return { gate: name, waitsUntilMs: gate.deadlineMs };
}

async function timeout(event: z.output<typeof timeoutSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { plan, gateHold } = event.state;
  const approvals = plan.approvals!;
  const name = nameOf(event.kind, event.state);
  const [held, taken] = await Promise.all([getLock(s.lockTable, pk), takeGate(s.lockTable, pk)]);
  if (held?.executionId === event.executionId && held.rolledBackAtMs !== undefined) throw new RolledBackByAlarm(`an alarm rolled traffic back while gate ${name} waited: ${held.rollbackReason ?? ''}`);
  const now = Date.now();
  const first = taken?.firstOpenedAtMs ?? (gateHold?.name === name ? gateHold.firstOpenedAtMs : now - approvals.timeoutSeconds * 1000);
  const decision = timeoutDecision({ onTimeout: approvals.onTimeout, firstOpenedAtMs: first, holdMaxSeconds: approvals.holdMaxSeconds, nowMs: now });
  const detail = { gate: name, executionId: event.executionId, waitedMinutes: Math.round((now - first) / 60_000), ...decision };
  if (decision.action === 'hold') {
    await ledger.record(s.ledgerTable, pk, 'gate-held', event.executionId, detail);
    await notify(s.topics.critical, `Switchyard ${pk}: nobody answered gate ${name}; holding`, { ...detail, commands: gateCommands(s.environment, event.executionId, name) });
    return { hold: true, name, firstOpenedAtMs: first };
  }
  await ledger.record(s.ledgerTable, pk, 'gate-timed-out', event.executionId, detail);
  throw new ApprovalTimedOut(`gate ${name}: ${decision.reason}`);
}

const REFUSALS = { NoCutoverRunning, NoGateWaiting, StaleApproval, ApproverNotDistinct, ReasonRequired } as const;

async function answer(event: z.output<typeof answerSchema>) {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();
  const held = await getLock(s.lockTable, pk);
  const running = held && held.expiresAtMs > now && held.rolledBackAtMs === undefined ? held : undefined;
  // A paused ramp's token sits in the same slot; only resume releases it, so approvers see no gate there.
  const waiting = running?.gate && running.gate.name !== PAUSE_GATE ? publicGate(running.gate) : undefined;
  const decision = approvalDecision({ request: event, runningExecutionId: running?.executionId, gate: waiting, nowMs: now });
  const executionId = running?.executionId ?? event.executionId ?? 'none';
  if (!decision.ok) {
    // A refused answer changes nothing; the attempt is still on record.
    await ledger.record(s.ledgerTable, pk, 'approval-refused', executionId, { action: event.action, approver: event.approver, reason: event.reason, error: decision.error, message: decision.message });
    throw new REFUSALS[decision.error](decision.message);
  }
  // Only the caller that takes the gate resolves it: a second approve, or one racing an alarm or the timeout, gets nothing.
  const gate = await takeGate(s.lockTable, pk, decision.gate.id);
  if (!gate) throw new NoGateWaiting(`gate ${decision.gate.name} was answered, timed out or rolled back a moment ago; nothing was changed`);
  const record = { gate: gate.name, approver: event.approver, reason: event.reason, note: decision.note, waitedSeconds: Math.round((now - gate.firstOpenedAtMs) / 1000) };
  try {
    if (decision.action === 'approve') await sendTaskSuccess(gate.token, { gate: gate.name, approvedBy: event.approver, reason: event.reason ?? null, atMs: now });
    else await sendTaskFailure(gate.token, 'ApprovalRejected', `rejected at ${gate.name} by ${event.approver}: ${event.reason}`);
  } catch (e) {
    if (staleToken(e)) throw new StaleApproval(`gate ${gate.name} is no longer waiting (its wait ended: ${(e as Error).name}); nothing was changed`);
    throw e;
  }
  await ledger.record(s.ledgerTable, pk, decision.action === 'approve' ? 'approved' : 'rejected', gate.executionId, record);
  await notify(s.topics.warning, `Switchyard ${pk}: ${gate.name} ${decision.action === 'approve' ? 'approved' : 'rejected'} by ${event.approver}`.slice(0, 100), { executionId: gate.executionId, ...record });
  return { executionId: gate.executionId, action: decision.action, ...record };
}

export const handler = wrap('gate', eventSchema, async (event) => {
  if (event.action === 'open') return open(event);
  if (event.action === 'timeout') return timeout(event);
  return answer(event);
});
