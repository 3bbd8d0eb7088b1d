/** The part of the cutover lock the deploy guard reads. */
export interface GuardLock {
  readonly executionId: string;
  readonly startedAtMs: number;
  readonly expiresAtMs: number;
  readonly reason: string;
}

/** What the deploy guard knows when CloudFormation calls it. */
export interface DeployGuardFacts {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** The cutover lock item, if any. */
  readonly lock: GuardLock | undefined;
  readonly nowMs: number;
  /**
   * The stack's status as CloudFormation describes it, read only while a lock
   * is held; undefined when it was not read or could not be.
   */
  readonly stackStatus?: string;
}

export type DeployGuardVerdict =
  | { readonly allow: true; readonly why: 'delete' | 'no-cutover' | 'rollback' }
  | { readonly allow: false; readonly message: string };

/**
 * The status of a stack while CloudFormation rolls a failed update back,
 * continue-update-rollback included. In it, CloudFormation only restores
 * resources to the properties they had before the update, sending custom
 * resources an Update whose ResourceProperties are the older ones.
 */
export const UPDATE_ROLLBACK_STATUS = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** True while `lock` holds the service (it exists and has not expired). */
export function lockHeld(lock: GuardLock | undefined, nowMs: number): lock is GuardLock {
  return lock !== undefined && lock.expiresAtMs > nowMs;
}

/** Names the running cutover, or undefined when a deploy may go ahead. Pure. */
export function guardMessage(lock: GuardLock | undefined, nowMs: number): string | undefined {
  if (!lockHeld(lock, nowMs)) return undefined;
  return `A cutover is running: execution ${lock.executionId}, started ${new Date(lock.startedAtMs).toISOString()} (${lock.reason}). Deploying the platform now could reset traffic weights mid-ramp; wait for the cutover to end (its lock expires ${new Date(lock.expiresAtMs).toISOString()}) and deploy again.`;
}

/**
 * Whether the guard lets CloudFormation go on. A delete always passes; so does
 * anything while no cutover holds the lock. While one does, a deploy is refused,
 * except CloudFormation's own rollback of a failed update: refusing that too
 * (the lock is still held) would leave the stack in UPDATE_ROLLBACK_FAILED,
 * where nothing can be deployed until someone skips the guard by hand. A
 * rollback only restores what was deployed before, so it cannot reset weights
 * a cutover set.
 *
 * The rollback is told by the stack's status, which only CloudFormation sets:
 * the deploy nonce (a synth timestamp) going backwards would also let through a
 * stale or clock-skewed synth deployed mid-cutover. Pure.
 */
export function deployGuardVerdict(f: DeployGuardFacts): DeployGuardVerdict {
  if (f.requestType === 'Delete') return { allow: true, why: 'delete' };
  if (!lockHeld(f.lock, f.nowMs)) return { allow: true, why: 'no-cutover' };
  if (f.requestType === 'Update' && f.stackStatus === UPDATE_ROLLBACK_STATUS) return { allow: true, why: 'rollback' };
  return { allow: false, message: guardMessage(f.lock, f.nowMs)! };
}
