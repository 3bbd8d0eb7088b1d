import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from './zod';
import { awsCall, conditionFailed } from './adapters/clients';
import { dynamo } from './adapters/dynamo';
import { createRule, deleteRule, productionActions } from './adapters/elb';
import * as ledger from './adapters/ledger';
import { lockKey } from './lock-key';
import { notify } from './adapters/notify';
import { secretString } from './adapters/secrets';
import { MaintenanceNotOn } from './errors';
import { Settings } from './settings';

const clients = { dynamo };

/** Operators send this header, with the test-route token, to pass through maintenance. */
export const BYPASS_HEADER = 'X-Switchyard-Bypass';
/** Rule priorities maintenance takes, ahead of the test route (10) and the preview rule (20). */
export const PRIORITIES = { bypassHeader: 2, bypassCidrs: 3, page: 5 } as const;

const itemSchema = z.object({
  pk: z.string(),
  onAtMs: z.number(),
  expiresAtMs: z.number(),
  ruleArns: z.array(z.string()),
  reason: z.string(),
  by: z.string(),
  /** Set while a cutover's sync stage runs: expiry waits for it, up to this bound. */
  syncUntilMs: z.optional(z.number()),
  syncBy: z.optional(z.string()),
});
export type MaintenanceItem = z.output<typeof itemSchema>;

const key = (s: Settings) => `${lockKey(s.service, s.environment)}#maintenance`;

export async function maintenanceState(s: Settings): Promise<MaintenanceItem | undefined> {
  const r = await awsCall('dynamodb:GetItem', () => clients.dynamo().send(new GetCommand({ TableName: s.lockTable, Key: { pk: key(s) }, ConsistentRead: true })));
  return r.Item ? itemSchema.parse(r.Item) : undefined;
}

/**
 * Turns maintenance on: operators (bypass header, or their CIDRs) still reach
 * production; everyone else gets the 503 page with Retry-After. Idempotent.
 */
export async function maintenanceOn(s: Settings, reason: string, by: string, now = Date.now()): Promise<MaintenanceItem & { already: boolean }> {
  if (!s.maintenance) throw new Error('maintenance mode is not deployed for this environment (no maintenance target group)');
  const current = await maintenanceState(s);
  if (current) return { ...current, already: true };
  const production = await productionActions(s.listenerArn);
  const tags = { 'switchyard:maintenance': s.maintenance.tag };
  const ruleArns: string[] = [];
  try {
    ruleArns.push(await createRule(s.listenerArn, PRIORITIES.bypassHeader, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: BYPASS_HEADER, Values: [await secretString(s.testTokenSecretArn)] } }], production, tags));
    if (s.operatorCidrs.length > 0) {
      ruleArns.push(await createRule(s.listenerArn, PRIORITIES.bypassCidrs, [{ Field: 'source-ip', SourceIpConfig: { Values: [...s.operatorCidrs] } }], production, tags));
    }
    ruleArns.push(await createRule(s.listenerArn, PRIORITIES.page, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }], [{ Type: 'forward', TargetGroupArn: s.maintenance.targetGroupArn }], tags));
    const item: MaintenanceItem = { pk: key(s), onAtMs: now, expiresAtMs: now + s.maintenance.maxSeconds * 1000, ruleArns, reason, by };
    await awsCall('dynamodb:PutItem', () => clients.dynamo().send(new PutCommand({ TableName: s.lockTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
    await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'maintenance-on', by, { reason, maxSeconds: s.maintenance.maxSeconds });
    await notify(s.topics.warning, `Switchyard ${lockKey(s.service, s.environment)}: maintenance mode ON`, { reason, by, maxSeconds: s.maintenance.maxSeconds });
    return { ...item, already: false };
  } catch (e) {
    // Half-made maintenance is worse than none: take back the rules made so far.
    for (const arn of ruleArns) await deleteRule(arn);
    if (conditionFailed(e)) return { ...(await maintenanceState(s))!, already: true };
    throw e;
  }
}

/** Turns maintenance off, recording how long it was on. Safe when it is off. */
export async function maintenanceOff(s: Settings, by: string, why: string, now = Date.now()): Promise<{ wasOn: boolean; durationSeconds?: number }> {
  const current = await maintenanceState(s);
  if (!current) return { wasOn: false };
  // The page rule goes first, so clients are served again before anything else.
  for (const arn of [...current.ruleArns].reverse()) await deleteRule(arn);
  await awsCall('dynamodb:DeleteItem', () => clients.dynamo().send(new DeleteCommand({ TableName: s.lockTable, Key: { pk: key(s) } })));
  const durationSeconds = Math.round((now - current.onAtMs) / 1000);
  await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'maintenance-off', by, { why, durationSeconds, reason: current.reason });
  await notify(s.topics.warning, `Switchyard ${lockKey(s.service, s.environment)}: maintenance mode OFF after ${durationSeconds} s`, { why, durationSeconds });
  return { wasOn: true, durationSeconds };
}

/** A conditional update of the maintenance item; a failed condition means maintenance is off (or no longer this sync's). */
async function updateItem(s: Settings, update: string, condition: string, values: Record<string, unknown>, whenOff: string): Promise<void> {
  try {
    await awsCall('dynamodb:UpdateItem', () =>
      clients.dynamo().send(new UpdateCommand({ TableName: s.lockTable, Key: { pk: key(s) }, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values })),
    );
  } catch (e) {
    if (conditionFailed(e)) throw new MaintenanceNotOn(whenOff);
    throw e;
  }
}

/**
 * Marks the sync stage as running: expiry leaves maintenance on until `untilMs`
 * (the stage's own deadline), so a long sync never runs with writes open.
 * Throws MaintenanceNotOn when maintenance is off: the sync must not start.
 */
export async function beginSync(s: Settings, executionId: string, untilMs: number): Promise<void> {
  await updateItem(s, 'SET syncUntilMs = :u, syncBy = :e', 'attribute_exists(pk)', { ':u': untilMs, ':e': executionId }, 'maintenance mode is off (it expired or an operator turned it off); the data sync does not run while clients can write');
}

const OFF_DURING_SYNC = 'maintenance mode went off while the data sync ran, so clients may have written during it; run the cutover again';

/**
 * Ends the sync stage. The maximum then counts again from now, so traffic can
 * move before maintenance ends. Throws MaintenanceNotOn when maintenance went
 * off during the sync: clients may have written while it ran.
 */
export async function endSync(s: Settings, executionId: string, now = Date.now()): Promise<{ expiresAtMs: number }> {
  const current = await maintenanceState(s);
  if (!current || current.syncBy !== executionId) throw new MaintenanceNotOn(OFF_DURING_SYNC);
  const expiresAtMs = Math.max(current.expiresAtMs, now + (s.maintenance?.maxSeconds ?? 60) * 1000);
  // Maintenance can go off between the read and this write: the condition says so, with the same error.
  await updateItem(s, 'SET expiresAtMs = :x REMOVE syncUntilMs, syncBy', 'attribute_exists(pk) AND syncBy = :e', { ':x': expiresAtMs, ':e': executionId }, OFF_DURING_SYNC);
  return { expiresAtMs };
}

/** Turns maintenance off once it has lasted its maximum, unless a sync stage is still inside its deadline. */
export async function maintenanceExpire(s: Settings, now = Date.now()): Promise<{ expired: boolean; remainingSeconds?: number; syncing?: boolean }> {
  const current = await maintenanceState(s);
  if (!current) return { expired: false };
  if (current.syncUntilMs !== undefined && now < current.syncUntilMs) {
    return { expired: false, syncing: true, remainingSeconds: Math.ceil((Math.max(current.syncUntilMs, current.expiresAtMs) - now) / 1000) };
  }
  if (now < current.expiresAtMs) return { expired: false, remainingSeconds: Math.ceil((current.expiresAtMs - now) / 1000) };
  const why = current.syncUntilMs !== undefined
    ? `the data sync of ${current.syncBy} ran past its deadline`
    : `on for longer than the maximum of ${s.maintenance?.maxSeconds ?? Math.round((current.expiresAtMs - current.onAtMs) / 1000)} s outside a data sync`;
  await maintenanceOff(s, 'expiry', why, now);
  return { expired: true };
}
