import { howToFollow, startTimeline } from '../../../lambda/shared/decisions/announcement';
import { approvalDecision, ApprovalsAsked, OpenGate, resolveApprovals } from '../../../lambda/shared/decisions/gate';

// Texts and flags announcement.test.ts and gate.test.ts leave out: the note
// for several gates and for none, a malformed execution ARN, the
// distinct-approver rule when only one side sets it, and a reject on a gate
// whose starter is unknown.
const START = Date.parse('2027-03-29T09:00:00Z');
const EARLIEST = 'earliest times, counted from the start: the deploy, the idle color\'s readiness and the smoke test come first, and each step is assumed to pass at its first bake';

describe('startTimeline note', () => {
  it('names several gates in the plural, and none when there are none', () => {
    expect(startTimeline({ steps: [10, 100], bakeSeconds: 60, watchWindowSeconds: 0, approvals: { at: ['after-step:1', 'before-promotion'] } }, START).note).toBe(
      `${EARLIEST}; 2 approval gates (after-step:1, before-promotion) come on top`,
    );
    expect(startTimeline({ steps: [10, 100], bakeSeconds: 60, watchWindowSeconds: 0 }, START).note).toBe(EARLIEST);
  });
});

describe('howToFollow', () => {
  it('an ARN without a region gives an empty region rather than a made-up one', () => {
    expect(howToFollow('not-an-arn', 'dev').console).toBe('https://.console.aws.amazon.com/states/home?region=#/v2/executions/details/not-an-arn');
  });
});

describe('resolveApprovals: requireDistinctApprover', () => {
  const asked = (o: Partial<ApprovalsAsked> = {}): ApprovalsAsked => ({ at: ['before-promotion'], timeoutMinutes: 60, onTimeout: 'rollback', holdMaxHours: 1, requireDistinctApprover: false, ...o });
  it('is off when the only side that sets it leaves it off, and on when either turns it on', () => {
    expect(resolveApprovals(undefined, asked(), 3).approvals?.requireDistinctApprover).toBe(false);
    expect(resolveApprovals(asked(), undefined, 3).approvals?.requireDistinctApprover).toBe(false);
    expect(resolveApprovals(asked({ requireDistinctApprover: true }), asked(), 3).approvals?.requireDistinctApprover).toBe(true);
    expect(resolveApprovals(asked(), asked({ requireDistinctApprover: true }), 3).approvals?.requireDistinctApprover).toBe(true);
  });
});

describe('approvalDecision: a reject where the starter is unknown', () => {
  const gate: OpenGate = { id: 'g1', name: 'after-step:1', executionId: 'exec-1', openedAtMs: 0, deadlineMs: 3_600_000, requireDistinctApprover: true };
  it('goes through as a reject, without the approve note', () => {
    expect(approvalDecision({ request: { action: 'reject', approver: 'arn:aws:iam::1:role/ops', reason: 'broken' }, runningExecutionId: 'exec-1', gate, nowMs: 0 })).toEqual({ ok: true, action: 'reject', gate });
  });
});
