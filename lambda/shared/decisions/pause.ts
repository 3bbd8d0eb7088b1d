/**
 * Pause and resume: an operator holds a running ramp at its verified weights
 * (`npm run cutover -- pause`) and lets it go on (`resume`). Pure; the pause
 * handler acts on these. While paused the rollback alarms stay armed, and the
 * ramp moves no traffic: the step check that ends the current bake holds.
 */

/** The name a held pause's token is stored under, in the lock's gate slot: an alarm ends that wait as it ends a gate's, and approvers cannot answer it. */
export const PAUSE_GATE = 'pause';

/** What a plan allows its pauses (cutover.pause, resolved). */
export interface PlanPause {
  /** A pause held this long pages, and again at each such interval. */
  readonly pageAfterSeconds: number;
  /** Longest a cutover may stay paused, all its pauses together; past it the cutover rolls back (PausedTooLong). */
  readonly maxSeconds: number;
  /** Most pauses one cutover may take (each costs history events). */
  readonly maxPauses: number;
}

/** The pause a cutover is under, as stored with the lock. */
export interface PauseRecord {
  readonly atMs: number;
  readonly by: string;
  readonly reason: string;
}

/** The parts of the lock a pause or resume is decided on. */
export interface PauseLock {
  readonly executionId: string;
  readonly expiresAtMs: number;
  readonly phase: 'starting' | 'ramping' | 'watching';
  readonly rolledBackAtMs?: number;
  readonly pause?: PauseRecord;
  /** Pauses this cutover took so far. */
  readonly pauseCount?: number;
  /** Milliseconds it was paused so far, pauses already resumed. */
  readonly pausedTotalMs?: number;
}

export interface PauseRequest {
  readonly action: 'pause' | 'resume';
  /** Who asks (an IAM ARN from sts:GetCallerIdentity, or a user name). */
  readonly by: string;
  readonly reason?: string;
  /** The execution the operator means; another running one is refused as stale. */
  readonly executionId?: string;
}

export type PauseRefusal = 'NoCutoverRunning' | 'StalePause' | 'NotRamping' | 'AlreadyPaused' | 'NotPaused' | 'ReasonRequired' | 'TooManyPauses';

export type PauseDecision =
  | { readonly ok: true; readonly action: 'pause'; readonly executionId: string; readonly pause: PauseRecord }
  | { readonly ok: true; readonly action: 'resume'; readonly executionId: string; readonly pause: PauseRecord; readonly pausedMs: number; readonly pausedTotalMs: number }
  | { readonly ok: false; readonly error: PauseRefusal; readonly message: string };

/**
 * Whether a pause or resume may act on the running cutover. Refusals change
 * nothing. A pause holds only a ramp: before traffic moves, the before-first-shift
 * approval gate holds a cutover; after promotion there is no ramp left to hold.
 */
export function pauseDecision(i: { readonly request: PauseRequest; readonly lock?: PauseLock; readonly nowMs: number; readonly limits: Pick<PlanPause, 'maxPauses'> }): PauseDecision {
  const r = i.request;
  const lock = i.lock && i.lock.expiresAtMs > i.nowMs && i.lock.rolledBackAtMs === undefined ? i.lock : undefined;
  if (!lock) return { ok: false, error: 'NoCutoverRunning', message: `no cutover is running in this environment (none holds the lock, or an alarm rolled it back); nothing was changed` };
  if (r.executionId && r.executionId !== lock.executionId) {
    return { ok: false, error: 'StalePause', message: `execution ${r.executionId} is not the running cutover (${lock.executionId}); nothing was changed` };
  }
  if (r.action === 'pause') {
    if (!r.reason) return { ok: false, error: 'ReasonRequired', message: 'pause needs --reason "why": it goes into the ledger and the notification' };
    if (lock.pause) return { ok: false, error: 'AlreadyPaused', message: `cutover ${lock.executionId} is already paused, since ${new Date(lock.pause.atMs).toISOString()} by ${lock.pause.by}; nothing was changed` };
    if (lock.phase !== 'ramping') {
      const why =
        lock.phase === 'starting'
          ? 'traffic has not moved yet: pause holds a ramp between steps (to hold before the first shift, use the before-first-shift approval gate; to stop, roll back)'
          : 'it was promoted and its watch window runs: there is no ramp left to hold (roll back if it must not stay)';
      return { ok: false, error: 'NotRamping', message: `cutover ${lock.executionId} cannot be paused: ${why}; nothing was changed` };
    }
    const taken = lock.pauseCount ?? 0;
    if (taken >= i.limits.maxPauses) {
      return { ok: false, error: 'TooManyPauses', message: `cutover ${lock.executionId} was paused ${taken} times, the most cutover.pause.maxPauses allows; roll back if it must stop; nothing was changed` };
    }
    return { ok: true, action: 'pause', executionId: lock.executionId, pause: { atMs: i.nowMs, by: r.by, reason: r.reason } };
  }
  if (!lock.pause) return { ok: false, error: 'NotPaused', message: `cutover ${lock.executionId} is not paused; nothing was changed` };
  const pausedMs = Math.max(0, i.nowMs - lock.pause.atMs);
  return { ok: true, action: 'resume', executionId: lock.executionId, pause: lock.pause, pausedMs, pausedTotalMs: (lock.pausedTotalMs ?? 0) + pausedMs };
}

/**
 * What a held pause does each time its page interval runs out: page and keep
 * holding, or, once the cutover was paused longer than the plan allows (all
 * its pauses together), roll back.
 */
export function pauseOverdueDecision(i: { readonly pause: PauseRecord; readonly pausedTotalMs?: number; readonly nowMs: number; readonly limits: PlanPause }): { readonly action: 'hold' | 'rollback'; readonly pausedMinutes: number; readonly reason: string } {
  const thisPauseMs = Math.max(0, i.nowMs - i.pause.atMs);
  const totalMs = (i.pausedTotalMs ?? 0) + thisPauseMs;
  const pausedMinutes = Math.floor(thisPauseMs / 60_000);
  const maxMinutes = Math.round(i.limits.maxSeconds / 60);
  if (totalMs >= i.limits.maxSeconds * 1000) {
    return { action: 'rollback', pausedMinutes, reason: `paused ${Math.floor(totalMs / 60_000)} minutes in all, past cutover.pause.maxHours (${maxMinutes / 60} h); a cutover cannot stay split longer` };
  }
  return {
    action: 'hold',
    pausedMinutes,
    reason: `paused ${pausedMinutes} minutes by ${i.pause.by} (${i.pause.reason}); still holding, ${Math.ceil((i.limits.maxSeconds * 1000 - totalMs) / 60_000)} minutes left before it rolls back`,
  };
}

/** The commands an operator runs, for the notifications. */
export function pauseCommands(env: string, executionId: string): string[] {
  return [`npm run cutover -- resume --env ${env} --execution ${executionId}`, `npm run rollback -- --env ${env} --reason "..."`];
}
