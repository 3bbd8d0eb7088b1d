import { taskHandler } from './run';

/** An operator's action in a drill: at the Nth gate reached, or at a minute after the start. */
export interface OperatorAction {
  /** `gate:N` (the Nth distinct gate reached, right after it opens) or `minute:M` (M simulated minutes after the execution starts). */
  readonly at: string;
  readonly do: 'approve' | 'reject' | 'pause' | 'resume';
  readonly reason?: string;
  /** Who acts (an IAM ARN). Default: a release-approver role for approve and reject, a release-operator role for pause and resume. */
  readonly as?: string;
  /** The execution the operator names (a stale or unknown one); default: none, the running one. */
  readonly execution?: string;
  /** The gate the operator names; default: whichever waits. */
  readonly gate?: string;
}

export interface OperatorResult {
  readonly at: string;
  readonly do: string;
  /** `ok`, or the named error the action met (NoGateWaiting, StaleApproval, ApproverNotDistinct...). */
  readonly result: string;
  readonly message?: string;
}

/** The approver a drill acts as unless it says otherwise. */
export const DEFAULT_APPROVER = 'arn:aws:iam::123456789012:role/release-approver';
/** The operator who pauses and resumes unless the drill says otherwise. */
export const DEFAULT_OPERATOR = 'arn:aws:iam::123456789012:role/release-operator';

/**
 * Plays a drill's operator: each action once, when its moment comes, through
 * the gate function as `npm run cutover -- approve|reject` invokes it, or the
 * pause function as `npm run cutover -- pause|resume` does.
 */
export class Operator {
  readonly results: OperatorResult[] = [];
  private readonly done = new Set<number>();

  constructor(
    private readonly actions: readonly OperatorAction[],
    private readonly startMs: () => number | undefined,
  ) {}

  /** True when some action waits for a minute rather than a gate (time must pass a minute at a time). */
  get timed(): boolean {
    return this.actions.some((a) => a.at.startsWith('minute:'));
  }

  /** Acts on every action due at the Nth gate. */
  async gateOpened(n: number): Promise<void> {
    await this.run((a) => a.at === `gate:${n}`);
  }

  /** Acts on every minute action whose minute has come. */
  async tick(nowMs: number): Promise<void> {
    const start = this.startMs();
    if (start === undefined) return;
    await this.run((a) => a.at.startsWith('minute:') && start + Number(a.at.split(':')[1]) * 60_000 <= nowMs);
  }

  private async run(due: (a: OperatorAction) => boolean): Promise<void> {
    for (const [i, a] of this.actions.entries()) {
      if (this.done.has(i) || !due(a)) continue;
      this.done.add(i);
      try {
        if (a.do === 'pause' || a.do === 'resume') await taskHandler('pause')({ action: a.do, by: a.as ?? DEFAULT_OPERATOR, reason: a.reason, executionId: a.execution });
        else await taskHandler('gate')({ action: a.do, approver: a.as ?? DEFAULT_APPROVER, reason: a.reason, executionId: a.execution, gate: a.gate });
        this.results.push({ at: a.at, do: a.do, result: 'ok' });
      } catch (e) {
        this.results.push({ at: a.at, do: a.do, result: (e as Error).name, message: (e as Error).message });
      }
    }
  }
}
