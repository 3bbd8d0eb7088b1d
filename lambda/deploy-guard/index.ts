import { z } from 'zod';
import { handler as wrap } from '../shared/handler';
import { getLock } from '../shared/adapters/lock';

/** Names the running cutover, or undefined when a deploy may go ahead. Pure. */
export function guardMessage(lock: { executionId: string; startedAtMs: number; expiresAtMs: number; reason: string } | undefined, nowMs: number): string | undefined {
  if (!lock || lock.expiresAtMs <= nowMs) return undefined;
  return `A cutover is running: execution ${lock.executionId}, started ${new Date(lock.startedAtMs).toISOString()} (${lock.reason}). Deploying the platform now could reset traffic weights mid-ramp; wait for the cutover to end (its lock expires ${new Date(lock.expiresAtMs).toISOString()}) and deploy again.`;
}

const eventSchema = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  PhysicalResourceId: z.string().optional(),
  ResourceProperties: z.object({ LockTable: z.string(), LockKey: z.string() }),
});

/** Custom-resource handler: fails the deploy while a cutover holds the lock. */
export const handler = wrap('deploy-guard', eventSchema, async (event) => {
  const physical = event.PhysicalResourceId ?? `deploy-guard-${event.ResourceProperties.LockKey}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physical };
  const message = guardMessage(await getLock(event.ResourceProperties.LockTable, event.ResourceProperties.LockKey), Date.now());
  if (message) throw new Error(message);
  return { PhysicalResourceId: physical };
});
