import * as z from '../shared/zod';
import { CutoverError } from '../shared/errors';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { recentSnapshot, snapshotProgress } from '../shared/decisions/backup';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/lock-key';
import { createSnapshot, snapshot, snapshotsOf } from '../shared/adapters/rds';
import { snapshotId } from '../shared/snapshot-id';
import { settings } from '../shared/settings';

/** The fields of the plan this handler reads (none: it only requires a plan). */
const planSchema = planSlice();

/** The database backup could not be made before its deadline. */
export class BackupFailed extends CutoverError {
  constructor(message: string) {
    super('BackupFailed', message);
  }
}

const backupSlice = z.object({ snapshotId: z.string(), ready: z.boolean(), reused: z.boolean(), deadlineMs: z.number() });
const eventSchema = z.discriminatedUnion('action', [
  z.object({ executionId: z.string(), action: z.literal('ensure'), state: z.object({ plan: planSchema }) }),
  z.object({ executionId: z.string(), action: z.literal('status'), state: z.object({ plan: planSchema, backup: backupSlice }) }),
]);

export { snapshotId };

/**
 * Backup first: reuses a snapshot younger than the configured age, or takes
 * one; the cutover goes on only once it is available, and the ledger records it.
 */
export const handler = wrap('backup', eventSchema, async (event): Promise<z.output<typeof backupSlice>> => {
  const s = settings();
  const db = s.database;
  if (!db) throw new BackupFailed('no database is configured, so there is nothing to back up; this stage should not run');
  const pk = lockKey(s.service, s.environment);
  const now = Date.now();

  if (event.action === 'ensure') {
    const recent = recentSnapshot(await snapshotsOf(db.instance), now, db.snapshotMaxAgeMinutes * 60_000);
    if (recent) {
      await ledger.record(s.ledgerTable, pk, 'backup', event.executionId, { instance: db.instance, snapshotId: recent.id, reused: true, ageMinutes: Math.round((now - recent.createdAtMs!) / 60_000) });
      return { snapshotId: recent.id, ready: true, reused: true, deadlineMs: now };
    }
    const created = await createSnapshot(db.instance, snapshotId(s.service, s.environment, now));
    const ready = created.status === 'available';
    if (ready) await ledger.record(s.ledgerTable, pk, 'backup', event.executionId, { instance: db.instance, snapshotId: created.id, reused: false });
    return { snapshotId: created.id, ready, reused: false, deadlineMs: now + db.snapshotDeadlineMinutes * 60_000 };
  }

  const b = event.state.backup;
  const verdict = snapshotProgress((await snapshot(b.snapshotId))?.status, now, b.deadlineMs);
  if (verdict.state === 'failed') throw new BackupFailed(`${b.snapshotId}: ${verdict.reason}; nothing was changed`);
  if (verdict.state === 'ready') await ledger.record(s.ledgerTable, pk, 'backup', event.executionId, { instance: db.instance, snapshotId: b.snapshotId, reused: false });
  return { ...b, ready: verdict.state === 'ready' };
});
