import fc from 'fast-check';
import { approvalDecision, ApprovalsAsked, flagOf, gateName, longestGateWaitSeconds, OpenGate, resolveApprovals, samePrincipal, timeoutDecision } from '../../../lambda/shared/decisions/gate';
import { approvalsSchema } from '../../../lambda/shared/cutover-config';

const asked = (o: Partial<ApprovalsAsked> & Pick<ApprovalsAsked, 'at'>): ApprovalsAsked => approvalsSchema.parse(o);
const gateNames = (steps: number) => fc.constantFrom('before-first-shift', 'before-promotion', 'before-scale-down', ...Array.from({ length: Math.max(0, steps - 1) }, (_, i) => `after-step:${i + 1}`));

describe('resolveApprovals', () => {
  it('keeps every gate the environment asks for; an input only adds gates, in the order a cutover reaches them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }).chain((steps) => fc.tuple(fc.constant(steps), fc.uniqueArray(gateNames(steps), { maxLength: 6 }), fc.uniqueArray(gateNames(steps), { maxLength: 6 }))), ([steps, env, input]) => {
        const r = resolveApprovals(env.length ? asked({ at: env }) : undefined, input.length ? asked({ at: input }) : undefined, steps);
        expect(r.problems).toEqual([]);
        const at = r.approvals?.at ?? [];
        for (const g of [...env, ...input]) expect(at).toContain(g);
        expect(new Set(at).size).toBe(at.length);
        // Reached in order: first shift, after steps ascending, promotion, scale-down.
        const rank = (g: string) => (g === 'before-first-shift' ? 0 : g === 'before-promotion' ? 100 : g === 'before-scale-down' ? 101 : Number(g.split(':')[1]));
        expect(at.map(rank)).toEqual([...at.map(rank)].sort((a, b) => a - b));
        for (const g of at) expect(r.approvals!.flags[flagOf(g)]).toBe(true);
      }),
    );
  });

  it('refuses an input gate after a step the plan does not have, and drops such an environment gate from that plan', () => {
    const r = resolveApprovals(undefined, asked({ at: ['after-step:3'] }), 3);
    expect(r.problems[0]).toMatch(/after step 3, but this plan has 3 steps \(after the last step, use "before-promotion"\)/);
    const env = resolveApprovals(asked({ at: ['after-step:1', 'before-promotion'] }), undefined, 1);
    expect(env.problems).toEqual([]);
    expect(env.approvals?.at).toEqual(['before-promotion']);
  });

  it('keeps requireDistinctApprover on once the environment sets it, whatever the input says', () => {
    const r = resolveApprovals(asked({ at: ['before-promotion'], requireDistinctApprover: true }), asked({ at: ['after-step:1'], requireDistinctApprover: false }), 3);
    expect(r.approvals).toMatchObject({ requireDistinctApprover: true, at: ['after-step:1', 'before-promotion'], timeoutSeconds: 3600, onTimeout: 'rollback' });
  });

  it('has nothing to wait for without gates', () => {
    expect(resolveApprovals(undefined, undefined, 3)).toEqual({ problems: [] });
    expect(resolveApprovals(asked({ at: [] }), undefined, 3).approvals).toBeUndefined();
  });

  it('counts a held gate at its hold limit plus one more wait', () => {
    const a = resolveApprovals(undefined, asked({ at: ['after-step:1', 'before-promotion'], timeoutMinutes: 30, onTimeout: 'hold', holdMaxHours: 2 }), 3).approvals;
    expect(longestGateWaitSeconds(a)).toBe(2 * (7200 + 1800));
  });
});

describe('gateName and flagOf', () => {
  it('names an after-step gate by the step just passed (1-based), and every gate by a Choice key', () => {
    expect(gateName('after-step', 0)).toBe('after-step:1');
    expect(gateName('before-promotion')).toBe('before-promotion');
    expect(['before-first-shift', 'after-step:12', 'before-promotion', 'before-scale-down'].map(flagOf)).toEqual(['beforeFirstShift', 'afterStep12', 'beforePromotion', 'beforeScaleDown']);
  });
});

const gate = (o: Partial<OpenGate> = {}): OpenGate => ({ id: 'g1', name: 'after-step:1', executionId: 'exec-1', openedAtMs: 0, deadlineMs: 3_600_000, requireDistinctApprover: false, ...o });
const starter = 'arn:aws:iam::123456789012:role/release-engineer';

describe('approvalDecision', () => {
  it('refuses, changing nothing, when no cutover runs, no gate waits, or the execution or gate named is another', () => {
    const request = { action: 'approve' as const, approver: 'arn:aws:iam::123456789012:role/approver' };
    expect(approvalDecision({ request, nowMs: 0 })).toMatchObject({ ok: false, error: 'NoCutoverRunning' });
    expect(approvalDecision({ request, runningExecutionId: 'exec-1', nowMs: 0 })).toMatchObject({ ok: false, error: 'NoGateWaiting' });
    expect(approvalDecision({ request, runningExecutionId: 'exec-2', gate: gate(), nowMs: 0 })).toMatchObject({ ok: false, error: 'NoGateWaiting' });
    expect(approvalDecision({ request: { ...request, executionId: 'exec-0' }, runningExecutionId: 'exec-1', gate: gate(), nowMs: 0 })).toMatchObject({ ok: false, error: 'StaleApproval' });
    expect(approvalDecision({ request: { ...request, gate: 'before-promotion' }, runningExecutionId: 'exec-1', gate: gate(), nowMs: 0 })).toMatchObject({ ok: false, error: 'StaleApproval' });
    expect(approvalDecision({ request: { ...request, executionId: 'exec-1', gate: 'after-step:1' }, runningExecutionId: 'exec-1', gate: gate(), nowMs: 0 })).toMatchObject({ ok: true, action: 'approve' });
  });

  it('a reject needs a reason', () => {
    expect(approvalDecision({ request: { action: 'reject', approver: 'x' }, runningExecutionId: 'exec-1', gate: gate(), nowMs: 0 })).toMatchObject({ ok: false, error: 'ReasonRequired' });
    expect(approvalDecision({ request: { action: 'reject', approver: 'x', reason: 'no' }, runningExecutionId: 'exec-1', gate: gate(), nowMs: 0 })).toMatchObject({ ok: true, action: 'reject' });
  });

  it('requireDistinctApprover: the starter, as the role or any session of it, may reject but never approve', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), fc.boolean(), (session, asSession) => {
        const approver = asSession ? `arn:aws:sts::123456789012:assumed-role/release-engineer/${session}` : starter;
        const g = gate({ startedBy: starter, requireDistinctApprover: true });
        expect(approvalDecision({ request: { action: 'approve', approver, reason: 'mine' }, runningExecutionId: 'exec-1', gate: g, nowMs: 0 })).toMatchObject({ ok: false, error: 'ApproverNotDistinct' });
        expect(approvalDecision({ request: { action: 'reject', approver, reason: 'mine, withdrawn' }, runningExecutionId: 'exec-1', gate: g, nowMs: 0 })).toMatchObject({ ok: true });
        expect(approvalDecision({ request: { action: 'approve', approver: `arn:aws:sts::123456789012:assumed-role/approver/${session}` }, runningExecutionId: 'exec-1', gate: g, nowMs: 0 })).toMatchObject({ ok: true });
      }),
    );
  });

  it('requireDistinctApprover with an unknown starter (started from the console): an approve needs a reason and says the rule was not enforced', () => {
    const g = gate({ requireDistinctApprover: true });
    expect(approvalDecision({ request: { action: 'approve', approver: 'a' }, runningExecutionId: 'exec-1', gate: g, nowMs: 0 })).toMatchObject({ ok: false, error: 'ReasonRequired' });
    expect(approvalDecision({ request: { action: 'approve', approver: 'a', reason: 'on call, checked' }, runningExecutionId: 'exec-1', gate: g, nowMs: 0 })).toMatchObject({ ok: true, note: expect.stringMatching(/could not be enforced/) });
  });

  it('never approves for a request whose execution differs from the running one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.constantFrom('approve' as const, 'reject' as const), (running, named, action) => {
        fc.pre(running !== named);
        const d = approvalDecision({ request: { action, approver: 'a', reason: 'why', executionId: named }, runningExecutionId: running, gate: gate({ executionId: running }), nowMs: 0 });
        expect(d.ok).toBe(false);
      }),
    );
  });
});

describe('samePrincipal', () => {
  it('treats an assumed-role session as its role, and different roles or accounts as different', () => {
    expect(samePrincipal('arn:aws:sts::123456789012:assumed-role/r/s', 'arn:aws:iam::123456789012:role/r')).toBe(true);
    expect(samePrincipal('arn:aws:sts::123456789012:assumed-role/r/s', 'arn:aws:iam::123456789012:role/q')).toBe(false);
    expect(samePrincipal('arn:aws:sts::111111111111:assumed-role/r/s', 'arn:aws:iam::123456789012:role/r')).toBe(false);
  });
});

describe('timeoutDecision', () => {
  it('rolls back at once under rollback; under hold, holds until holdMaxSeconds have passed since the gate first opened', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 * 3600 }), fc.integer({ min: 3600, max: 12 * 3600 }), (heldSeconds, max) => {
        expect(timeoutDecision({ onTimeout: 'rollback', firstOpenedAtMs: 0, holdMaxSeconds: max, nowMs: heldSeconds * 1000 }).action).toBe('rollback');
        expect(timeoutDecision({ onTimeout: 'hold', firstOpenedAtMs: 0, holdMaxSeconds: max, nowMs: heldSeconds * 1000 }).action).toBe(heldSeconds >= max ? 'rollback' : 'hold');
      }),
    );
  });
});
