import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'crypto';
import { logger } from '../logger';
import { awsCall, conditionFailed } from './clients';
import { dynamo } from './dynamo';

const clients = { dynamo };

/** Kinds of ledger entries. */
export type LedgerType =
  | 'started'
  | 'preflight'
  | 'maintenance-on'
  | 'maintenance-off'
  | 'backup'
  | 'sync-started'
  | 'sync-passed'
  | 'sync-failed'
  | 'validation-passed'
  | 'validation-failed'
  | 'dns-weights'
  | 'deployed'
  | 'idle-ready'
  | 'smoke'
  | 'weights'
  | 'bake'
  | 'alarm'
  | 'rollback'
  | 'promoted'
  | 'checkpoint'
  | 'scaled-down'
  | 'aborted'
  | 'idle-restored'
  | 'released'
  | 'gate-opened'
  | 'approved'
  | 'rejected'
  | 'approval-refused'
  | 'gate-held'
  | 'gate-timed-out'
  | 'gate-cancelled'
  | 'change-override'
  | 'paused'
  | 'pause-holding'
  | 'pause-overdue'
  | 'resumed'
  | 'pause-refused'
  | 'finished';

export interface LedgerEntry {
  readonly pk: string;
  readonly sk: string;
  readonly atMs: number;
  readonly type: LedgerType;
  readonly executionId: string;
  readonly detail: Record<string, unknown>;
}

/** Appends one entry to the ledger and logs the same as a structured line. */
export async function record(table: string, pk: string, type: LedgerType, executionId: string, detail: Record<string, unknown>, atMs = Date.now()): Promise<LedgerEntry> {
  const entry: LedgerEntry = { pk, sk: `${new Date(atMs).toISOString()}#${type}#${randomUUID().slice(0, 8)}`, atMs, type, executionId, detail };
  logger.info(`ledger ${type}`, { ledger: entry });
  await awsCall('dynamodb:PutItem', () => clients.dynamo().send(new PutCommand({ TableName: table, Item: entry })));
  return entry;
}

/**
 * Claims an event id once; false when it was claimed before. Alarm events are
 * delivered at least once, and each must act at most once.
 */
export async function claimEvent(table: string, pk: string, eventId: string, atMs = Date.now()): Promise<boolean> {
  try {
    await awsCall('dynamodb:PutItem', () =>
      clients.dynamo().send(
        new PutCommand({
          TableName: table,
          Item: { pk, sk: `event#${eventId}`, atMs, type: 'event-claim' },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      ),
    );
    return true;
  } catch (e) {
    if (conditionFailed(e)) return false;
    throw e;
  }
}

/** Gives an event id back, so a retried delivery of an event whose handling failed acts again. */
export async function releaseEvent(table: string, pk: string, eventId: string): Promise<void> {
  await awsCall('dynamodb:DeleteItem', () => clients.dynamo().send(new DeleteCommand({ TableName: table, Key: { pk, sk: `event#${eventId}` } })));
}

/** A service's history, oldest first. */
export async function history(table: string, pk: string, limit = 500): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await awsCall('dynamodb:Query', () =>
      clients.dynamo().send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND sk < :events', ExpressionAttributeValues: { ':pk': pk, ':events': 'event#' }, ExclusiveStartKey: start }),
      ),
    );
    out.push(...((r.Items ?? []) as LedgerEntry[]));
    start = r.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out.slice(0, limit);
}
