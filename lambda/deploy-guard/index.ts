import * as z from '../shared/zod';
import { handler as wrap } from '../shared/handler';
import { logger } from '../shared/logger';
import { getLock } from '../shared/adapters/lock';
import { stackStatus } from '../shared/adapters/cloudformation';
import { deployGuardVerdict, lockHeld } from '../shared/decisions/deploy-guard';

export { guardMessage } from '../shared/decisions/deploy-guard';

const eventSchema = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  PhysicalResourceId: z.optional(z.string()),
  /** The stack the guard belongs to; CloudFormation always sends it. */
  StackId: z.optional(z.string()),
  ResourceProperties: z.object({ LockTable: z.string(), LockKey: z.string() }),
});

/**
 * Custom-resource handler: fails the deploy while a cutover holds the lock,
 * but lets CloudFormation roll a failed update back (see deployGuardVerdict).
 */
export const handler = wrap('deploy-guard', eventSchema, async (event) => {
  const physical = event.PhysicalResourceId ?? `deploy-guard-${event.ResourceProperties.LockKey}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physical };
  const lock = await getLock(event.ResourceProperties.LockTable, event.ResourceProperties.LockKey);
  const nowMs = Date.now();
  // Only a held lock makes the stack's status matter; read it then, and only then.
  const status = lockHeld(lock, nowMs) && event.RequestType === 'Update' && event.StackId ? await stackStatus(event.StackId) : undefined;
  const verdict = deployGuardVerdict({ requestType: event.RequestType, lock, nowMs, stackStatus: status });
  if (!verdict.allow) throw new Error(verdict.message);
  if (verdict.why === 'rollback') logger.warn('letting CloudFormation roll back while a cutover holds the lock', { executionId: lock?.executionId, stackStatus: status });
  return { PhysicalResourceId: physical };
});
