/** One deployment of an ECS service, as DescribeServices reports it. */
export interface DeploymentFact {
  /** PRIMARY (the one ECS is rolling out), ACTIVE (being replaced) or INACTIVE. */
  readonly status: string | undefined;
  readonly taskDefinition: string | undefined;
  /** COMPLETED, IN_PROGRESS or FAILED. */
  readonly rolloutState: string | undefined;
  readonly rolloutStateReason?: string;
}

/** Where the idle color's rollout of this cutover's task definition stands. */
export type Rollout = { readonly state: 'completed' } | { readonly state: 'in-progress' } | { readonly state: 'failed'; readonly reason: string };

const short = (td: string | undefined) => td?.split('/').pop() ?? '(none)';

/**
 * The rollout of `taskDefinition` (the one this cutover deployed) among the
 * service's deployments. It failed when its deployment is FAILED (the
 * deployment circuit breaker gave up on it) or when the PRIMARY deployment
 * runs another task definition: with rollback on, the circuit breaker makes
 * the last completed deployment PRIMARY again, and once that finishes the
 * failed deployment is no longer listed at all. Waiting on PRIMARY alone
 * would wait out the whole idle deadline on the old task definition.
 */
export function rolloutOf(taskDefinition: string, deployments: readonly DeploymentFact[]): Rollout {
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const failed = deployments.find((d) => d.taskDefinition === taskDefinition && d.rolloutState === 'FAILED');
  const rolledBack = primary && primary.taskDefinition !== taskDefinition;
  if (failed) {
    const why = failed.rolloutStateReason ? `: ${failed.rolloutStateReason}` : '';
    return { state: 'failed', reason: `the deployment of ${short(taskDefinition)} failed${why}${rolledBack ? `; the service went back to ${short(primary.taskDefinition)}` : ''}` };
  }
  if (rolledBack) {
    const why = primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : '';
    return {
      state: 'failed',
      reason: `the service's PRIMARY deployment runs ${short(primary.taskDefinition)}, not ${short(taskDefinition)} that this cutover deployed${why}: the deployment circuit breaker rolled it back, or something else updated the service`,
    };
  }
  return primary?.rolloutState === 'COMPLETED' ? { state: 'completed' } : { state: 'in-progress' };
}

/** Where the idle color stands while it starts. */
export interface IdleFacts {
  readonly desired: number;
  readonly running: number;
  readonly healthyTargets: number;
  readonly unhealthyTargets: number;
  /** The rollout of the task definition this cutover deployed ({@link rolloutOf}). */
  readonly rollout: Rollout;
  readonly nowMs: number;
  readonly deadlineMs: number;
}

/** Why the idle color failed: its deployment failed (at once), or it was not healthy by the deadline. */
export type IdleFailure = 'IdleDeploymentFailed' | 'IdleNeverHealthy';

export type IdleVerdict =
  | { readonly state: 'ready' }
  | { readonly state: 'waiting'; readonly detail: string }
  | { readonly state: 'failed'; readonly error: IdleFailure; readonly detail: string };

/**
 * Ready only when the rollout finished and every desired task is a healthy
 * target: the ALB fails open when all targets are unhealthy, so "some" is not
 * enough. A failed deployment fails at once, whatever the targets say (after a
 * circuit-breaker rollback they may be healthy tasks of the old task definition).
 */
export function idleReadiness(f: IdleFacts): IdleVerdict {
  const r = f.rollout;
  const detail = `${f.healthyTargets}/${f.desired} healthy, ${f.running} running, ${f.unhealthyTargets} unhealthy, rollout ${r.state === 'completed' ? 'completed' : r.state === 'failed' ? 'failed' : 'in progress'}`;
  if (r.state === 'failed') return { state: 'failed', error: 'IdleDeploymentFailed', detail: `${r.reason} (${detail})` };
  if (f.desired >= 1 && r.state === 'completed' && f.running >= f.desired && f.healthyTargets >= f.desired) return { state: 'ready' };
  if (f.nowMs >= f.deadlineMs) return { state: 'failed', error: 'IdleNeverHealthy', detail: `not healthy by the deadline (${detail})` };
  return { state: 'waiting', detail };
}
