/** Where the idle color stands while it starts. */
export interface IdleFacts {
  readonly desired: number;
  readonly running: number;
  readonly healthyTargets: number;
  readonly unhealthyTargets: number;
  /** The service's deployment of the new task definition has finished. */
  readonly rolloutCompleted: boolean;
  /** The deployment circuit breaker failed the rollout. */
  readonly rolloutFailed: boolean;
  readonly nowMs: number;
  readonly deadlineMs: number;
}

export type IdleVerdict = { readonly state: 'ready' } | { readonly state: 'waiting'; readonly detail: string } | { readonly state: 'failed'; readonly detail: string };

/**
 * Ready only when the rollout finished and every desired task is a healthy
 * target: the ALB fails open when all targets are unhealthy, so "some" is not enough.
 */
export function idleReadiness(f: IdleFacts): IdleVerdict {
  const detail = `${f.healthyTargets}/${f.desired} healthy, ${f.running} running, ${f.unhealthyTargets} unhealthy, rollout ${f.rolloutCompleted ? 'completed' : 'in progress'}`;
  if (f.rolloutFailed) return { state: 'failed', detail: `the deployment circuit breaker failed the rollout (${detail})` };
  if (f.desired >= 1 && f.rolloutCompleted && f.running >= f.desired && f.healthyTargets >= f.desired) return { state: 'ready' };
  if (f.nowMs >= f.deadlineMs) return { state: 'failed', detail: `not healthy by the deadline (${detail})` };
  return { state: 'waiting', detail };
}
