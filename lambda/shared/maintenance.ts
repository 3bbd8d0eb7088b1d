import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { awsCall, clients, conditionFailed } from './adapters/clients';
import { createRule, deleteRule, productionActions } from './adapters/elb';
import * as ledger from './adapters/ledger';
import { lockKey } from './adapters/lock';
import { notify } from './adapters/notify';
import { secretString } from './adapters/secrets';
import { Settings } from './settings';

/** Operators send this header, with the test-route token, to pass through maintenance. */
export const BYPASS_HEADER = 'X-Switchyard-Bypass';
/** Rule priorities maintenance takes, ahead of the test route (10) and the preview rule (20). */
export const PRIORITIES = { bypassHeader: 2, bypassCidrs: 3, page: 5 } as const;

const itemSchema = z.object({ pk: z.string(), onAtMs: z.number(), expiresAtMs: z.number(), ruleArns: z.array(z.string()), reason: z.string(), by: z.string() });
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

/** Turns maintenance off once it has lasted its maximum. */
export async function maintenanceExpire(s: Settings, now = Date.now()): Promise<{ expired: boolean; remainingSeconds?: number }> {
  const current = await maintenanceState(s);
  if (!current) return { expired: false };
  if (now < current.expiresAtMs) return { expired: false, remainingSeconds: Math.ceil((current.expiresAtMs - now) / 1000) };
  await maintenanceOff(s, 'expiry', `on for longer than the maximum of ${Math.round((current.expiresAtMs - current.onAtMs) / 1000)} s`, now);
  return { expired: true };
}
