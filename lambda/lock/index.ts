import * as z from '../shared/zod';
import { otherColor } from '../shared/colors';
import { LockHeld } from '../shared/errors';
import { lockSliceSchema, LockSlice } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { PLAN_FIELDS, planSlice } from '../shared/plan';
import { acquireLock, lockKey, releaseLock } from '../shared/adapters/lock';
import * as ledger from '../shared/adapters/ledger';
import { notify } from '../shared/adapters/notify';
import { howToFollow, startTimeline } from '../shared/decisions/announcement';
import { readState } from '../shared/adapters/state';
import { maintenanceOff } from '../shared/maintenance';
import { settings } from '../shared/settings';
import { lockLifetimeSeconds, Stages, stagesFromSettings } from '../shared/decisions/limits';
// Gives settings() the schema of CUTOVER_DEFAULTS.idleDeadlineSeconds, which this handler reads.
import '../shared/cutover-fields';

/** The whole plan: the ledger and the cutover's announcement record it. */
const planSchema = planSlice(...PLAN_FIELDS);

/**
 * Longest a cutover can hold the lock: past the state machine's timeout
 * (derived from the same stages), so the lock never expires while the
 * execution may still run, and an execution that times out (skipping every
 * Catch, the release too) frees it by expiry soon after.
 */
export function lockLifetimeMs(stages: Stages): number {
  return lockLifetimeSeconds(stages) * 1000;
}

const acquireEvent = z.object({ action: z.literal('acquire'), executionId: z.string(), state: z.object({ plan: planSchema }) });
const releaseEvent = z.object({
  action: z.literal('release'),
  executionId: z.string(),
  outcome: z.string(),
  state: z.object({ plan: planSchema, lock: z.optional(lockSliceSchema), error: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })) }),
});
const eventSchema = z.discriminatedUnion('action', [acquireEvent, releaseEvent]);

export const handler = wrap('lock', eventSchema, async (event): Promise<LockSlice | { released: boolean; outcome: string }> => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  if (event.action === 'acquire') {
    const now = Date.now();
    const recorded = await readState(s.parameters);
    const slice: LockSlice = {
      previousColor: recorded.liveColor,
      newColor: otherColor(recorded.liveColor),
      liveDesired: Math.max(1, recorded.desiredCount[recorded.liveColor]),
      startedAtMs: now,
      expiresAtMs: now + lockLifetimeMs(stagesFromSettings(s)),
    };
    const r = await acquireLock(
      s.lockTable,
      { pk, executionId: event.executionId, startedAtMs: now, expiresAtMs: slice.expiresAtMs, ttl: Math.ceil(slice.expiresAtMs / 1000), previousColor: slice.previousColor, newColor: slice.newColor, liveDesired: slice.liveDesired, reason: event.state.plan.reason, phase: 'starting' },
      now,
    );
    if (!r.acquired) {
      const h = r.holder;
      throw new LockHeld(
        h
          ? `a cutover of ${pk} is already running: execution ${h.executionId}, started ${new Date(h.startedAtMs).toISOString()} (${h.reason}); its lock expires ${new Date(h.expiresAtMs).toISOString()}. Wait for it to end, or stop it and let it release the lock.`
          : `the lock of ${pk} is held; try again in a moment`,
      );
    }
    await ledger.record(s.ledgerTable, pk, 'started', event.executionId, { plan: event.state.plan, from: slice.previousColor, to: slice.newColor });
    const plan = event.state.plan;
    await notify(s.topics.warning, `Switchyard ${pk}: cutover started (${slice.previousColor} -> ${slice.newColor})`, {
      executionId: event.executionId,
      startedBy: plan.startedBy ?? 'unknown (not started by the CLI)',
      reason: plan.reason,
      plan,
      timeline: startTimeline(plan, now),
      follow: howToFollow(event.executionId, s.environment),
    });
    return slice;
  }
  // Every exit of a cutover turns maintenance mode off: clients are served again first.
  const maintenance = s.maintenance ? await maintenanceOff(s, event.executionId, `cutover ended ${event.outcome}`) : { wasOn: false };
  const released = await releaseLock(s.lockTable, pk, event.executionId);
  const detail = { outcome: event.outcome, error: event.state.error, released, maintenanceTurnedOff: maintenance.wasOn };
  await ledger.record(s.ledgerTable, pk, 'finished', event.executionId, detail);
  const topic = event.outcome === 'Succeeded' || event.outcome === 'DryRunPassed' ? s.topics.warning : s.topics.critical;
  await notify(topic, `Switchyard ${pk}: cutover ended ${event.outcome}`, { executionId: event.executionId, ...detail });
  return { released, outcome: event.outcome };
});
