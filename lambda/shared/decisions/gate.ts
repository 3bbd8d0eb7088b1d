/**
 * Approval gates: where a cutover waits for a person, and what an approve,
 * a reject or a timeout does. Pure; the gate handler acts on these.
 */

export type GateKind = 'before-first-shift' | 'after-step' | 'before-promotion' | 'before-scale-down';

/** The settings a plan carries for its gates (resolved from the environment and the input). */
export interface PlanApprovals {
  /** Gate names, in the order a cutover reaches them. */
  readonly at: string[];
  readonly timeoutSeconds: number;
  readonly onTimeout: 'rollback' | 'hold';
  readonly holdMaxSeconds: number;
  readonly requireDistinctApprover: boolean;
  /** One key per gate (beforeFirstShift, afterStep1..., beforePromotion, beforeScaleDown), read by the state machine's Choice states with IsPresent. */
  readonly flags: Record<string, true>;
}

/** What the environment and the input ask for (both `approvals` objects, already validated). */
export interface ApprovalsAsked {
  readonly at: readonly string[];
  readonly timeoutMinutes: number;
  readonly onTimeout: 'rollback' | 'hold';
  readonly holdMaxHours: number;
  readonly requireDistinctApprover: boolean;
}

/** Longest all of a plan's gates may wait together: the execution's timeout leaves this much room for them. */
export const APPROVAL_BUDGET_SECONDS = 48 * 3600;

const ORDER = (name: string, steps: number) =>
  name === 'before-first-shift' ? 0 : name === 'before-promotion' ? steps + 1 : name === 'before-scale-down' ? steps + 2 : Number(name.split(':')[1]);

/** The Choice-state key of a gate name. */
export function flagOf(name: string): string {
  if (name.startsWith('after-step:')) return `afterStep${name.split(':')[1]}`;
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The gate's name as a person reads it: its kind and, after a step, the step's number (1-based). */
export function gateName(kind: GateKind, stepIndex?: number): string {
  return kind === 'after-step' ? `after-step:${(stepIndex ?? 0) + 1}` : kind;
}

/**
 * The plan's gates: the environment's and the input's together (an input may
 * add gates, never drop one), in the order a cutover reaches them. An input
 * gate after a step the plan does not have is a problem (returned, not
 * thrown); such an environment gate does not apply to that plan. The input may only
 * make the rule stricter: requireDistinctApprover stays on once either sets it.
 */
export function resolveApprovals(env: ApprovalsAsked | undefined, input: ApprovalsAsked | undefined, steps: number): { approvals?: PlanApprovals; problems: string[] } {
  if (!env && !input) return { problems: [] };
  const fits = (n: string) => !n.startsWith('after-step:') || Number(n.split(':')[1]) < steps;
  const problems: string[] = [];
  for (const n of input?.at ?? []) {
    if (fits(n)) continue;
    const k = Number(n.split(':')[1]);
    problems.push(`approvals.at: "${n}" asks for a gate after step ${k}, but this plan has ${steps} step${steps === 1 ? '' : 's'}${k === steps ? ' (after the last step, use "before-promotion")' : ''}`);
  }
  // The environment's after-step gates apply to plans that have such a step (an all-at-once cutover has none).
  const names = [...new Set([...(env?.at ?? []), ...(input?.at ?? [])])].filter(fits);
  const chosen = input ?? env!;
  const at = names.sort((a, b) => ORDER(a, steps) - ORDER(b, steps));
  if (at.length === 0) return { problems };
  return {
    problems,
    approvals: {
      at,
      timeoutSeconds: chosen.timeoutMinutes * 60,
      onTimeout: chosen.onTimeout,
      holdMaxSeconds: Math.round(chosen.holdMaxHours * 3600),
      requireDistinctApprover: (env?.requireDistinctApprover ?? false) || (input?.requireDistinctApprover ?? false),
      flags: Object.fromEntries(at.map((n) => [flagOf(n), true as const])),
    },
  };
}

/** Longest the plan's gates may keep a cutover waiting, all of them at their limit. */
export function longestGateWaitSeconds(a: PlanApprovals | undefined): number {
  if (!a) return 0;
  const perGate = a.onTimeout === 'hold' ? Math.max(a.timeoutSeconds, a.holdMaxSeconds) + a.timeoutSeconds : a.timeoutSeconds;
  return a.at.length * perGate;
}

/** A gate as stored with the lock while it waits (the token never leaves the table and the gate handler). */
export interface OpenGate {
  readonly id: string;
  readonly name: string;
  readonly executionId: string;
  readonly openedAtMs: number;
  readonly deadlineMs: number;
  readonly startedBy?: string;
  readonly requireDistinctApprover: boolean;
}

export interface ApprovalRequest {
  readonly action: 'approve' | 'reject';
  /** Who asks (an IAM ARN, from sts:GetCallerIdentity). */
  readonly approver: string;
  readonly reason?: string;
  /** The execution the approver means; a different running one is refused as stale. */
  readonly executionId?: string;
  /** The gate the approver means (its name); a different waiting one is refused as stale. */
  readonly gate?: string;
}

export type ApprovalDecision =
  | { readonly ok: true; readonly action: 'approve' | 'reject'; readonly gate: OpenGate; readonly note?: string }
  | { readonly ok: false; readonly error: 'NoCutoverRunning' | 'NoGateWaiting' | 'StaleApproval' | 'ApproverNotDistinct' | 'ReasonRequired'; readonly message: string };

/** Compares IAM identities, an assumed-role session and its role counting as the same principal. */
export function samePrincipal(a: string, b: string): boolean {
  const norm = (arn: string) => {
    const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(arn);
    return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
  };
  return norm(a) === norm(b);
}

/**
 * Whether an approve or reject may resolve the waiting gate. Refusals change
 * nothing: no cutover, no gate (already answered, timed out, or rolled back
 * by an alarm), a stale execution or gate, the starter approving their own
 * cutover when the rule forbids it, or a reason missing where one is required.
 */
export function approvalDecision(i: { readonly request: ApprovalRequest; readonly runningExecutionId?: string; readonly gate?: OpenGate; readonly nowMs: number }): ApprovalDecision {
  const r = i.request;
  if (!i.runningExecutionId) return { ok: false, error: 'NoCutoverRunning', message: 'no cutover is running in this environment; nothing was changed' };
  if (r.executionId && r.executionId !== i.runningExecutionId) {
    return { ok: false, error: 'StaleApproval', message: `execution ${r.executionId} is not the running cutover (${i.runningExecutionId}); it finished or never existed; nothing was changed` };
  }
  if (!i.gate || i.gate.executionId !== i.runningExecutionId) {
    return { ok: false, error: 'NoGateWaiting', message: `cutover ${i.runningExecutionId} is not waiting at a gate (it was answered already, timed out, was rolled back, or has not reached one); nothing was changed` };
  }
  if (r.gate && r.gate !== i.gate.name) {
    return { ok: false, error: 'StaleApproval', message: `the cutover waits at ${i.gate.name}, not ${r.gate}; nothing was changed` };
  }
  if (r.action === 'reject' && !r.reason) return { ok: false, error: 'ReasonRequired', message: 'a reject needs --reason: it goes into the ledger and the rollback' };
  if (i.gate.requireDistinctApprover) {
    if (i.gate.startedBy && samePrincipal(i.gate.startedBy, r.approver) && r.action === 'approve') {
      return { ok: false, error: 'ApproverNotDistinct', message: `${r.approver} started this cutover; requireDistinctApprover needs someone else to approve it; nothing was changed` };
    }
    if (!i.gate.startedBy && r.action === 'approve' && !r.reason) {
      return { ok: false, error: 'ReasonRequired', message: 'this cutover was not started by the CLI, so who started it is unknown and requireDistinctApprover cannot be enforced: approve with --reason saying why you may approve it' };
    }
    if (!i.gate.startedBy && r.action === 'approve') return { ok: true, action: r.action, gate: i.gate, note: 'requireDistinctApprover could not be enforced: the starter is unknown (not started by the CLI)' };
  }
  return { ok: true, action: r.action, gate: i.gate };
}

/** What a gate's timeout does: keep holding (page, wait again) or roll back. */
export function timeoutDecision(i: { readonly onTimeout: 'rollback' | 'hold'; readonly firstOpenedAtMs: number; readonly holdMaxSeconds: number; readonly nowMs: number }): { readonly action: 'hold' | 'rollback'; readonly reason: string } {
  if (i.onTimeout === 'rollback') return { action: 'rollback', reason: 'nobody approved or rejected before the gate timed out (approvals.onTimeout: rollback)' };
  const heldSeconds = Math.round((i.nowMs - i.firstOpenedAtMs) / 1000);
  if (heldSeconds >= i.holdMaxSeconds) return { action: 'rollback', reason: `the gate held ${Math.round(heldSeconds / 60)} minutes, past approvals.holdMaxHours (${i.holdMaxSeconds / 3600} h)` };
  return { action: 'hold', reason: `nobody answered in time; holding at the current weights (approvals.onTimeout: hold, ${Math.round((i.holdMaxSeconds - heldSeconds) / 60)} minutes left before it rolls back)` };
}

/** The commands an approver runs, for the notification. */
export function gateCommands(env: string, executionId: string, gate: string): string[] {
  return [
    `npm run cutover -- approve --env ${env} --execution ${executionId} --gate ${gate} --reason "..."`,
    `npm run cutover -- reject --env ${env} --execution ${executionId} --gate ${gate} --reason "..."`,
  ];
}
