import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { colorSchema } from '../colors';
import { awsCall, unlessConditionFailed } from './clients';
import { dynamo } from './dynamo';

const clients = { dynamo };

/** The lock item: who holds the service, and what the cutover is doing. */
const storedGateSchema = z.object({
  id: z.string(),
  name: z.string(),
  executionId: z.string(),
  token: z.string(),
  openedAtMs: z.number(),
  firstOpenedAtMs: z.number(),
  deadlineMs: z.number(),
  startedBy: z.optional(z.string()),
  requireDistinctApprover: z.boolean(),
});

export const lockItemSchema = z.object({
  pk: z.string(),
  executionId: z.string(),
  startedAtMs: z.number(),
  expiresAtMs: z.number(),
  /** DynamoDB TTL attribute (seconds) so expired locks disappear on their own. */
  ttl: z.number(),
  previousColor: colorSchema,
  newColor: colorSchema,
  /** Task count the previous color had at the start: what a rollback onto it needs. */
  liveDesired: z.int().check(z.gte(1)),
  reason: z.string(),
  phase: z._default(z.enum(['starting', 'ramping', 'watching']), 'starting'),
  rolledBackAtMs: z.optional(z.number()),
  rollbackReason: z.optional(z.string()),
  /** This cutover moved DNS off the legacy endpoint: a rollback moves it back. */
  dnsRamp: z.optional(z.boolean()),
  /** The approval gate the cutover waits at, with its task token (never sent anywhere but SendTaskSuccess/SendTaskFailure). */
  gate: z.optional(storedGateSchema),
  /** An operator paused the ramp: when, who and why (lambda/shared/decisions/pause.ts). */
  pause: z.optional(z.object({ atMs: z.number(), by: z.string(), reason: z.string() })),
  /** Pauses this cutover took so far. */
  pauseCount: z.optional(z.number()),
  /** Milliseconds this cutover was paused so far, resumed pauses only. */
  pausedTotalMs: z.optional(z.number()),
});
export type StoredGate = NonNullable<LockItem['gate']>;
export type LockItem = z.output<typeof lockItemSchema>;

// In its own module: handlers that only name the lock do not build the lock item's schema.
export { lockKey } from '../lock-key';

export type AcquireResult = { readonly acquired: true } | { readonly acquired: false; readonly holder: LockItem | undefined };

/** Takes the lock unless someone holds an unexpired one. */
export async function acquireLock(table: string, item: LockItem, nowMs: number): Promise<AcquireResult> {
  const done = await unlessConditionFailed(() =>
    awsCall('dynamodb:PutItem', () =>
      clients.dynamo().send(
        new PutCommand({
          TableName: table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR executionId = :me',
          ExpressionAttributeValues: { ':now': nowMs, ':me': item.executionId },
        }),
      ),
    ),
  );
  return done ? { acquired: true } : { acquired: false, holder: await getLock(table, item.pk) };
}

/** Releases the lock if `executionId` still holds it; true when this call released it. */
export async function releaseLock(table: string, pk: string, executionId: string): Promise<boolean> {
  const done = await unlessConditionFailed(() =>
    awsCall('dynamodb:DeleteItem', () =>
      clients.dynamo().send(new DeleteCommand({ TableName: table, Key: { pk }, ConditionExpression: 'executionId = :me', ExpressionAttributeValues: { ':me': executionId } })),
    ),
  );
  return done !== undefined;
}

export async function getLock(table: string, pk: string): Promise<LockItem | undefined> {
  const r = await awsCall('dynamodb:GetItem', () => clients.dynamo().send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true })));
  return r.Item ? lockItemSchema.parse(r.Item) : undefined;
}

/** Moves the running cutover to another phase. */
export async function setPhase(table: string, pk: string, executionId: string, phase: LockItem['phase'], o: { dnsRamp?: boolean } = {}): Promise<void> {
  await awsCall('dynamodb:UpdateItem', () =>
    clients.dynamo().send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: o.dnsRamp ? 'SET phase = :p, dnsRamp = :d' : 'SET phase = :p',
        ConditionExpression: 'executionId = :me',
        ExpressionAttributeValues: { ':p': phase, ':me': executionId, ...(o.dnsRamp ? { ':d': true } : {}) },
      }),
    ),
  );
}

/**
 * Marks the running cutover as rolled back, once. Returns false when it was
 * already marked (or no cutover holds the lock), so a duplicate does nothing.
 */
export async function markRolledBack(table: string, pk: string, atMs: number, reason: string): Promise<boolean> {
  const done = await update(table, pk, {
    UpdateExpression: 'SET rolledBackAtMs = :at, rollbackReason = :r',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rolledBackAtMs)',
    ExpressionAttributeValues: { ':at': atMs, ':r': reason },
  });
  return done !== undefined;
}

/** One conditional UpdateItem on the lock item: its result, or undefined when the condition failed. */
function update(table: string, pk: string, u: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) {
  return unlessConditionFailed(() => awsCall('dynamodb:UpdateItem', () => clients.dynamo().send(new UpdateCommand({ TableName: table, Key: { pk }, ...u }))));
}

/**
 * Stores the gate a cutover waits at, unless an alarm already rolled it back
 * (then false: the gate must not wait). Conditional on the execution holding
 * the lock, so a stale execution cannot open a gate.
 */
export async function openGate(table: string, pk: string, gate: StoredGate): Promise<boolean> {
  return storeGate(table, pk, gate);
}

/** Puts a waiting task's token in the lock's gate slot, while `gate.executionId` holds the lock unrolled-back and `also` holds; false when not. */
async function storeGate(table: string, pk: string, gate: StoredGate, also?: string): Promise<boolean> {
  const done = await update(table, pk, {
    UpdateExpression: 'SET gate = :g',
    ConditionExpression: `executionId = :me AND ${also ? `${also} AND ` : ''}attribute_not_exists(rolledBackAtMs)`,
    ExpressionAttributeValues: { ':g': gate, ':me': gate.executionId },
  });
  return done !== undefined;
}

/**
 * Takes the waiting gate off the lock, once: the one caller that gets it
 * back resolves its token; every other (a second approve, an approve racing
 * an alarm) gets undefined. `id` takes only that gate.
 */
export async function takeGate(table: string, pk: string, id?: string): Promise<StoredGate | undefined> {
  const r = await update(table, pk, {
    UpdateExpression: 'REMOVE gate',
    ConditionExpression: id ? 'gate.id = :id' : 'attribute_exists(gate)',
    ...(id ? { ExpressionAttributeValues: { ':id': id } } : {}),
    ReturnValues: 'UPDATED_OLD',
  });
  const g = (r?.Attributes as { gate?: unknown } | undefined)?.gate;
  return g ? storedGateSchema.parse(g) : undefined;
}

export type StoredPause = NonNullable<LockItem['pause']>;

/**
 * Records an operator's pause on the running cutover, once: only while
 * `executionId` holds the lock, ramps, is not paused and was not rolled back.
 * False when any of that no longer holds (the caller decided on a read that
 * a moment later was stale).
 */
export async function requestPause(table: string, pk: string, executionId: string, pause: StoredPause): Promise<boolean> {
  const done = await update(table, pk, {
    UpdateExpression: 'SET pause = :p, pauseCount = if_not_exists(pauseCount, :zero) + :one',
    ConditionExpression: 'executionId = :me AND phase = :ramping AND attribute_not_exists(pause) AND attribute_not_exists(rolledBackAtMs)',
    ExpressionAttributeValues: { ':p': pause, ':me': executionId, ':ramping': 'ramping', ':zero': 0, ':one': 1 },
  });
  return done !== undefined;
}

/**
 * Ends the pause that began at `atMs`, once, adding its length to the
 * cutover's paused total; returns the gate that waited for it (if the ramp
 * already held at it), for the caller to resolve. Undefined when that pause
 * had ended already.
 */
export async function endPause(table: string, pk: string, atMs: number, pausedTotalMs: number): Promise<{ gate?: StoredGate } | undefined> {
  const r = await update(table, pk, {
    UpdateExpression: 'REMOVE pause SET pausedTotalMs = :total',
    ConditionExpression: 'pause.atMs = :at',
    ExpressionAttributeValues: { ':at': atMs, ':total': pausedTotalMs },
    ReturnValues: 'ALL_OLD',
  });
  if (!r) return undefined;
  const g = (r.Attributes as { gate?: unknown } | undefined)?.gate;
  return { gate: g ? storedGateSchema.parse(g) : undefined };
}

/**
 * Stores the token of the ramp holding at a pause, unless the pause ended
 * (resumed) or an alarm rolled the cutover back in the meantime: then false,
 * and the caller must not wait.
 */
export async function holdAtPause(table: string, pk: string, gate: StoredGate): Promise<boolean> {
  return storeGate(table, pk, gate, 'attribute_exists(pause)');
}
