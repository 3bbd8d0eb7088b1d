import { withThrottleRetry } from '../retry';

// Throttles are retried by withThrottleRetry (one policy, tested); other
// transient failures by the state machine's Task retries. The SDK's own
// retries would multiply both, so they are off.
const config = { maxAttempts: 1 };

const made = new Map<string, unknown>();

/**
 * The one client of `service` in this process, made on first use. Each adapter
 * imports its client class itself, beside the commands it sends: a handler
 * loads (or, bundled, holds) only the clients of the services it calls.
 */
export function sdkClient<T>(service: string, make: (c: typeof config) => T): () => T {
  return () => {
    if (!made.has(service)) made.set(service, make(config));
    return made.get(service) as T;
  };
}

/** Counts AWS calls per operation, for the benchmark and the rehearsal summary. */
export const callCounter = new Map<string, number>();
/** Calls counted so far, all operations together. */
export function totalCalls(): number {
  let n = 0;
  for (const v of callCounter.values()) n += v;
  return n;
}
export function countCall(name: string): void {
  callCounter.set(name, (callCounter.get(name) ?? 0) + 1);
}

/** One AWS call: counted, and retried on throttling. */
export function awsCall<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return withThrottleRetry(() => {
    countCall(name);
    return fn();
  });
}

/** True when a conditional write was refused because its condition did not hold. */
export function conditionFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}

/**
 * A conditional write's outcome: what `write` returned, or undefined when
 * DynamoDB refused it because its condition failed. Any other error is thrown.
 */
export async function unlessConditionFailed<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (e) {
    if (conditionFailed(e)) return undefined;
    throw e;
  }
}
