import * as z from '../shared/zod';
import { DataSyncFailed, MisconfiguredFunction, SyncValidationFailed } from '../shared/errors';
import { handler as wrap } from '../shared/handler';
import { syncStageSeconds, syncVerdict, SyncVerdict, taskFacts } from '../shared/decisions/sync';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/lock-key';
import { notify } from '../shared/adapters/notify';
import { beginSync, endSync, maintenanceOff } from '../shared/maintenance';
import { settings } from '../shared/settings';

const eventSchema = z.discriminatedUnion('action', [
  // Before the sync task: maintenance stays on while the stage runs, up to its deadline.
  z.object({ action: z.literal('begin'), executionId: z.string() }),
  // After each task, whether it succeeded or failed: `result` is its description or the caught error.
  z.object({ action: z.literal('outcome'), executionId: z.string(), stage: z.enum(['sync', 'validation']), result: z.unknown() }),
  // After the last task: the maintenance maximum counts again from now.
  z.object({ action: z.literal('end'), executionId: z.string() }),
]);

const ERRORS = { DataSyncFailed, SyncValidationFailed } as const;

export const handler = wrap('data-sync', eventSchema, async (event): Promise<SyncVerdict | { untilMs: number } | { expiresAtMs: number }> => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  if (event.action === 'begin') {
    if (!s.dataSync) throw new MisconfiguredFunction('DATA_SYNC is not set; redeploy the control stack');
    const untilMs = Date.now() + syncStageSeconds(s.dataSync) * 1000;
    await beginSync(s, event.executionId, untilMs);
    await ledger.record(s.ledgerTable, pk, 'sync-started', event.executionId, { maintenanceHeldUntil: new Date(untilMs).toISOString() });
    return { untilMs };
  }
  if (event.action === 'end') return endSync(s, event.executionId);

  const logs = event.stage === 'sync' ? s.dataSync?.sync : s.dataSync?.validation;
  if (!logs) throw new MisconfiguredFunction(`DATA_SYNC has no ${event.stage} task; redeploy the control stack`);
  const verdict = syncVerdict(event.stage, taskFacts(event.result, logs.container), logs);
  await ledger.record(s.ledgerTable, pk, verdict.ok ? `${event.stage}-passed` : `${event.stage}-failed`, event.executionId, { ...verdict });
  if (verdict.ok) return verdict;
  // Clients are served again at once; traffic never left the live color.
  await maintenanceOff(s, event.executionId, `${event.stage} failed`);
  await notify(s.topics.critical, `Switchyard ${pk}: ${event.stage === 'sync' ? 'final data sync' : 'sync validation'} FAILED, cutover stopped`, { ...verdict, executionId: event.executionId });
  throw new ERRORS[verdict.error!](verdict.reason);
});
