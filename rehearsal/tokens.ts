import { clients } from '../lambda/shared/adapters/sfn';

/**
 * Step Functions' side of the callback pattern, offline: the rehearsal issues
 * a token when a gate Task starts, and the gate and alarm handlers'
 * SendTaskSuccess and SendTaskFailure calls settle it, through the same SDK
 * client they use against AWS (swapped here for one that answers locally).
 */
export class TaskTokenDesk {
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private issued = 0;
  private restore?: () => void;

  /** Routes the handlers' Step Functions client to this desk until `uninstall`. */
  install(): this {
    if (this.restore) return this;
    const original = clients.sfn;
    const fake = { send: (cmd: { constructor: { name: string }; input: any }) => this.answer(cmd.constructor.name, cmd.input) };
    clients.sfn = () => fake as unknown as ReturnType<typeof original>;
    this.restore = () => {
      clients.sfn = original;
    };
    return this;
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
    for (const p of this.pending.values()) p.reject(Object.assign(new Error('the rehearsal ended'), { name: 'States.Runtime' }));
    this.pending.clear();
  }

  /** A fresh token and the outcome its Task waits for. */
  issue(): { token: string; settled: Promise<unknown>; isSettled: () => boolean } {
    const token = `rehearsal-token-${++this.issued}-${Math.random().toString(36).slice(2)}`;
    let done = false;
    const settled = new Promise<unknown>((resolve, reject) => {
      this.pending.set(token, { resolve: (v) => ((done = true), resolve(v)), reject: (e) => ((done = true), reject(e)) });
    });
    // Settled or not, an unobserved rejection must not crash the run.
    settled.catch(() => undefined);
    return { token, settled, isSettled: () => done };
  }

  /** The wait ended on its own (timed out): the token is dead, as in Step Functions. */
  expire(token: string): void {
    this.pending.delete(token);
  }

  private async answer(command: string, input: { taskToken: string; output?: string; error?: string; cause?: string }): Promise<object> {
    const p = this.pending.get(input.taskToken);
    if (!p) throw Object.assign(new Error('Task Timed Out: the task token has expired or its task was already closed'), { name: 'TaskTimedOut' });
    this.pending.delete(input.taskToken);
    if (command === 'SendTaskSuccessCommand') p.resolve(JSON.parse(input.output ?? '{}'));
    else if (command === 'SendTaskFailureCommand') p.reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'States.TaskFailed' }));
    else throw new Error(`the rehearsal's Step Functions client does not answer ${command}`);
    return {};
  }
}
