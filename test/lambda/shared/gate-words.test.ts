import { approvalDecision, gateCommands, gateName, longestGateWaitSeconds, OpenGate, resolveApprovals, samePrincipal, timeoutDecision } from '../../../lambda/shared/decisions/gate';

const asked = (over: object = {}) => ({ at: ['before-promotion'], timeoutMinutes: 60, onTimeout: 'rollback' as const, holdMaxHours: 2, requireDistinctApprover: false, ...over }) as any;
const gate: OpenGate = { id: 'g', name: 'after-step:1', executionId: 'exec-1', openedAtMs: 0, deadlineMs: 1, startedBy: 'arn:aws:iam::111111111111:user/ann', requireDistinctApprover: true };

describe('gates: names, plans and waits', () => {
  it('an after-step gate without a step index is after step 1', () => {
    expect(gateName('after-step')).toBe('after-step:1');
    expect(gateName('after-step', 2)).toBe('after-step:3');
  });

  it('no approvals asked: no gates and no problems', () => {
    expect(resolveApprovals(undefined, undefined, 3)).toEqual({ problems: [] });
  });

  it('a gate after a step the plan lacks is named, with a hint for the last step', () => {
    expect(resolveApprovals(undefined, asked({ at: ['after-step:1'] }), 1).problems).toEqual(['approvals.at: "after-step:1" asks for a gate after step 1, but this plan has 1 step (after the last step, use "before-promotion")']);
    expect(resolveApprovals(undefined, asked({ at: ['after-step:4'] }), 2).problems).toEqual(['approvals.at: "after-step:4" asks for a gate after step 4, but this plan has 2 steps']);
    expect(resolveApprovals(undefined, asked({ at: ['after-step:1'] }), 2).problems).toEqual([]);
  });

  it('requireDistinctApprover stays on once either side sets it, and is off when neither does', () => {
    expect(resolveApprovals(asked(), asked(), 3).approvals!.requireDistinctApprover).toBe(false);
    expect(resolveApprovals(asked(), undefined, 3).approvals!.requireDistinctApprover).toBe(false);
    expect(resolveApprovals(asked({ requireDistinctApprover: true }), asked(), 3).approvals!.requireDistinctApprover).toBe(true);
    expect(resolveApprovals(asked(), asked({ requireDistinctApprover: true }), 3).approvals!.requireDistinctApprover).toBe(true);
    expect(resolveApprovals(undefined, asked({ requireDistinctApprover: true }), 3).approvals!.requireDistinctApprover).toBe(true);
  });

  it('the longest wait: each gate its timeout, or with hold the longer of timeout and hold plus one more timeout', () => {
    const a = resolveApprovals(undefined, asked({ at: ['before-first-shift', 'before-promotion'], onTimeout: 'hold', holdMaxHours: 3 }), 3).approvals!;
    expect(longestGateWaitSeconds(a)).toBe(2 * (3 * 3600 + 3600));
    expect(longestGateWaitSeconds({ ...a, onTimeout: 'rollback' })).toBe(2 * 3600);
  });

  it('the approver\'s commands name the environment, execution and gate', () => {
    expect(gateCommands('dev', 'exec-1', 'before-promotion')).toEqual([
      'npm run cutover -- approve --env dev --execution exec-1 --gate before-promotion --reason "..."',
      'npm run cutover -- reject --env dev --execution exec-1 --gate before-promotion --reason "..."',
    ]);
  });
});

describe('approvals: every refusal, in its words', () => {
  const req = (over: object = {}) => ({ action: 'approve' as const, approver: 'arn:aws:iam::111111111111:user/bob', ...over });

  it('refusals name what is wrong and change nothing', () => {
    expect(approvalDecision({ request: req(), nowMs: 0 })).toEqual({ ok: false, error: 'NoCutoverRunning', message: 'no cutover is running in this environment; nothing was changed' });
    expect(approvalDecision({ request: req({ executionId: 'exec-0' }), runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: false, error: 'StaleApproval', message: 'execution exec-0 is not the running cutover (exec-1); it finished or never existed; nothing was changed' });
    expect(approvalDecision({ request: req(), runningExecutionId: 'exec-2', gate, nowMs: 0 })).toEqual({ ok: false, error: 'NoGateWaiting', message: 'cutover exec-2 is not waiting at a gate (it was answered already, timed out, was rolled back, or has not reached one); nothing was changed' });
    expect(approvalDecision({ request: req({ gate: 'before-promotion' }), runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: false, error: 'StaleApproval', message: 'the cutover waits at after-step:1, not before-promotion; nothing was changed' });
    expect(approvalDecision({ request: req({ action: 'reject' }), runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: false, error: 'ReasonRequired', message: 'a reject needs --reason: it goes into the ledger and the rollback' });
    expect(approvalDecision({ request: req({ approver: 'arn:aws:iam::111111111111:user/ann' }), runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: false, error: 'ApproverNotDistinct', message: 'arn:aws:iam::111111111111:user/ann started this cutover; requireDistinctApprover needs someone else to approve it; nothing was changed' });
  });

  it('the starter may reject their own cutover', () => {
    expect(approvalDecision({ request: req({ action: 'reject', reason: 'no', approver: 'arn:aws:iam::111111111111:user/ann' }), runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: true, action: 'reject', gate });
  });

  it('an unknown starter: an approval needs a reason, and is noted; a reject is not', () => {
    const unknown = { ...gate, startedBy: undefined };
    expect(approvalDecision({ request: req(), runningExecutionId: 'exec-1', gate: unknown, nowMs: 0 })).toEqual({
      ok: false,
      error: 'ReasonRequired',
      message: 'this cutover was not started by the CLI, so who started it is unknown and requireDistinctApprover cannot be enforced: approve with --reason saying why you may approve it',
    });
    expect(approvalDecision({ request: req({ reason: 'on call' }), runningExecutionId: 'exec-1', gate: unknown, nowMs: 0 })).toEqual({ ok: true, action: 'approve', gate: unknown, note: 'requireDistinctApprover could not be enforced: the starter is unknown (not started by the CLI)' });
    expect(approvalDecision({ request: req({ action: 'reject', reason: 'no' }), runningExecutionId: 'exec-1', gate: unknown, nowMs: 0 })).toEqual({ ok: true, action: 'reject', gate: unknown });
  });

  it('an assumed-role session is its role; only a whole session ARN is', () => {
    expect(samePrincipal('arn:aws:sts::111111111111:assumed-role/ops/ann', 'arn:aws:iam::111111111111:role/ops')).toBe(true);
    expect(samePrincipal('x-arn:aws:sts::111111111111:assumed-role/ops/ann', 'arn:aws:iam::111111111111:role/ops')).toBe(false);
    expect(samePrincipal('arn:aws:sts::111111111111:assumed-role/ops/ann\nmore', 'arn:aws:iam::111111111111:role/ops')).toBe(false);
  });
});

describe('gate timeout', () => {
  it('rollback mode rolls back at once, saying why', () => {
    expect(timeoutDecision({ onTimeout: 'rollback', firstOpenedAtMs: 0, holdMaxSeconds: 7200, nowMs: 0 })).toEqual({ action: 'rollback', reason: 'nobody approved or rejected before the gate timed out (approvals.onTimeout: rollback)' });
  });
  it('hold mode holds, counting down from the first opening, until the hold runs out exactly', () => {
    const first = 1_000_000;
    expect(timeoutDecision({ onTimeout: 'hold', firstOpenedAtMs: first, holdMaxSeconds: 7200, nowMs: first + 3600_000 })).toEqual({ action: 'hold', reason: 'nobody answered in time; holding at the current weights (approvals.onTimeout: hold, 60 minutes left before it rolls back)' });
    expect(timeoutDecision({ onTimeout: 'hold', firstOpenedAtMs: first, holdMaxSeconds: 7200, nowMs: first + 7200_000 })).toEqual({ action: 'rollback', reason: 'the gate held 120 minutes, past approvals.holdMaxHours (2 h)' });
    expect(timeoutDecision({ onTimeout: 'hold', firstOpenedAtMs: first, holdMaxSeconds: 7200, nowMs: first + 7199_000 }).action).toBe('hold');
  });
});
