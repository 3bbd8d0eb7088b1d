import { isThrottle } from './errors';

/** How {@link withThrottleRetry} backs off. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Upper bound of the first delay, in milliseconds. */
  readonly baseMs: number;
  /** Upper bound of any delay, in milliseconds. */
  readonly capMs: number;
}

/**
 * Six attempts with full jitter, 200 ms doubling to 3 s: three throttles in a
 * row cost at most 0.2 + 0.4 + 0.8 s, and the worst case of all six stays under 8 s.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, capMs: 3000 };

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Upper bound of the delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffCeiling(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
}

/**
 * Runs `call`, retrying only throttling errors, with full-jitter backoff.
 * Other errors, and the last throttle, are rethrown unchanged.
 */
export async function withThrottleRetry<T>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, pause: Sleep = sleep, random: () => number = Math.random): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottle(e) || attempt >= policy.attempts) throw e;
      await pause(Math.floor(random() * backoffCeiling(policy, attempt)));
    }
  }
}
