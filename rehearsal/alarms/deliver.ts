import { AlarmChange } from './engine';
import { AsyncInvokeConfig, describeOrigin, EventRuleDef } from './template';

/**
 * Delivers alarm state changes as EventBridge would: a "CloudWatch Alarm State
 * Change" event from aws.cloudwatch, matched against every enabled rule's
 * pattern, sent to each target of a matching rule. Targets are Lambda
 * functions invoked asynchronously: a function error is retried by Lambda
 * (after 1, then 2 minutes, twice by default, or as the function's
 * EventInvokeConfig in the template says, with its maximum event age) and
 * then dropped, or sent to the function's on-failure destination (recorded as
 * paged) when it has one; the delivery log records which. EventBridge's own
 * retry policy and dead-letter queue apply only to failures to invoke, which
 * the rehearsal does not produce.
 */

export interface AlarmEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'CloudWatch Alarm State Change';
  readonly source: 'aws.cloudwatch';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly alarmName: string;
    readonly state: { readonly value: string; readonly reason: string; readonly timestamp: string };
    readonly previousState: { readonly value: string; readonly reason: string; readonly timestamp: string };
    readonly configuration: { readonly description?: string };
  };
}

export class UnsupportedEventPattern extends Error {
  override readonly name = 'UnsupportedEventPattern';
}

/** One attempt to hand an event to a target. */
export interface Delivery {
  readonly atMs: number;
  readonly rule: string;
  readonly target: string;
  readonly eventId: string;
  /** The event as delivered. */
  readonly event: AlarmEvent;
  readonly alarm: string;
  readonly attempt: number;
  readonly ok: boolean;
  /** What the target returned. */
  readonly result?: unknown;
  readonly error?: string;
  /** After this failure nothing retries the event: it is lost. */
  readonly dropped?: boolean;
  /** After this failure Lambda sent the event to the function's on-failure destination (this ARN, a topic that pages) instead of dropping it. */
  readonly paged?: string;
}

export type Invoke = (targetArn: string, event: AlarmEvent) => Promise<unknown>;

/** Lambda's asynchronous retries of a function error: after about 1 and then 2 minutes. */
const LAMBDA_RETRY_DELAYS_MS = [60_000, 120_000];

export class EventDelivery {
  readonly log: Delivery[] = [];
  private pending: Array<{ dueMs: number; queuedAtMs: number; rule: EventRuleDef; target: string; asyncInvoke?: AsyncInvokeConfig; event: AlarmEvent; attempt: number }> = [];
  private sequence = 0;

  constructor(
    private readonly rules: readonly EventRuleDef[],
    private readonly invoke: Invoke,
    private readonly env: { readonly account: string; readonly region: string; readonly lambdaRetries?: (functionArn: string) => number },
  ) {
    // Refuse patterns the matcher cannot judge now, not when the first event arrives.
    for (const r of rules) if (r.pattern) validatePattern(r.pattern, r);
  }

  /** The event a state change produces. */
  eventFor(change: AlarmChange, previousReason = '', description?: string): AlarmEvent {
    const time = new Date(change.atMs).toISOString();
    return {
      version: '0',
      id: `rehearsal-${change.atMs}-${++this.sequence}`,
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: this.env.account,
      time,
      region: this.env.region,
      resources: [`arn:aws:cloudwatch:${this.env.region}:${this.env.account}:alarm:${change.alarm}`],
      detail: {
        alarmName: change.alarm,
        state: { value: change.to, reason: change.reason, timestamp: time },
        previousState: { value: change.from, reason: previousReason, timestamp: time },
        configuration: { description },
      },
    };
  }

  /** Queues the event for every target of every enabled rule whose pattern matches; returns the rules matched. */
  publish(event: AlarmEvent, atMs: number): string[] {
    const matched: string[] = [];
    for (const rule of this.rules) {
      if (!rule.enabled || !rule.pattern || !matches(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      matched.push(rule.logicalId);
      for (const t of rule.targets) {
        if (t.hasInputTransformer) throw new UnsupportedEventPattern(`rule ${describeOrigin(rule)}: an input transformer or input path on target ${t.arn} is not modelled`);
        this.pending.push({ dueMs: atMs, queuedAtMs: atMs, rule, target: t.arn, asyncInvoke: t.asyncInvoke, event, attempt: 1 });
      }
    }
    return matched;
  }

  /** Delivers every queued event due by `nowMs`, in order; failures are retried later or dropped. */
  async flush(nowMs: number): Promise<void> {
    for (;;) {
      const i = this.pending.findIndex((p) => p.dueMs <= nowMs);
      if (i < 0) return;
      const [p] = this.pending.splice(i, 1);
      const base = { atMs: nowMs, rule: p.rule.logicalId, target: p.target, eventId: p.event.id, event: p.event, alarm: p.event.detail.alarmName, attempt: p.attempt };
      try {
        const result = await this.invoke(p.target, p.event);
        this.log.push({ ...base, ok: true, result });
      } catch (e) {
        const cfg = p.asyncInvoke;
        const retries = cfg?.maximumRetryAttempts ?? this.env.lambdaRetries?.(p.target) ?? LAMBDA_RETRY_DELAYS_MS.length;
        const dueMs = nowMs + LAMBDA_RETRY_DELAYS_MS[Math.min(p.attempt - 1, LAMBDA_RETRY_DELAYS_MS.length - 1)];
        // Retries ran out, or the retry would come after the event's maximum age.
        const last = p.attempt > retries || (cfg !== undefined && dueMs - p.queuedAtMs > cfg.maximumEventAgeSeconds * 1000);
        const paged = last ? cfg?.onFailure : undefined;
        this.log.push({ ...base, ok: false, error: `${(e as Error).name}: ${(e as Error).message}`, dropped: last && !paged, ...(paged ? { paged } : {}) });
        if (!last) this.pending.push({ ...p, attempt: p.attempt + 1, dueMs });
      }
    }
  }

  /** Events still waiting for a delivery or a retry. */
  get waiting(): number {
    return this.pending.length;
  }
}

const OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'exists', 'equals-ignore-case', 'numeric']);

function validatePattern(pattern: Record<string, unknown>, rule: EventRuleDef): void {
  for (const [key, v] of Object.entries(pattern)) {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item !== null && typeof item === 'object') {
          const ops = Object.keys(item);
          const unknown = ops.filter((o) => !OPERATORS.has(o));
          if (unknown.length > 0) throw new UnsupportedEventPattern(`rule ${describeOrigin(rule)}: pattern operator ${unknown.join(', ')} on "${key}" is not modelled`);
          // Operators nested in an operator ({"anything-but": {"prefix": ...}}) take only literals here.
          const arg = (item as Record<string, unknown>)[ops[0]];
          const nested = ops[0] === 'numeric' ? [] : Array.isArray(arg) ? arg : [arg];
          if (nested.some((x) => x !== null && typeof x === 'object')) throw new UnsupportedEventPattern(`rule ${describeOrigin(rule)}: a nested operator in ${ops[0]} on "${key}" is not modelled`);
        }
      }
    } else if (v !== null && typeof v === 'object') {
      validatePattern(v as Record<string, unknown>, rule);
    } else {
      throw new UnsupportedEventPattern(`rule ${describeOrigin(rule)}: pattern value of "${key}" must be a list or an object, EventBridge refuses ${JSON.stringify(v)}`);
    }
  }
}

/** EventBridge's matching: every key of the pattern must match; a list matches when any of its items does. */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const has = Object.prototype.hasOwnProperty.call(event, key);
    const got = event[key];
    if (Array.isArray(want)) {
      const values = Array.isArray(got) ? got : [got];
      return want.some((w) => (w !== null && typeof w === 'object' ? operator(w as Record<string, unknown>, has, values) : has && values.some((x) => x === w)));
    }
    return has && got !== null && typeof got === 'object' && !Array.isArray(got) && matches(want as Record<string, unknown>, got as Record<string, unknown>);
  });
}

function operator(op: Record<string, unknown>, has: boolean, values: unknown[]): boolean {
  const [name, arg] = Object.entries(op)[0];
  switch (name) {
    case 'exists':
      return arg === has;
    case 'prefix':
      return has && values.some((x) => typeof x === 'string' && x.startsWith(String(arg)));
    case 'suffix':
      return has && values.some((x) => typeof x === 'string' && x.endsWith(String(arg)));
    case 'equals-ignore-case':
      return has && values.some((x) => typeof x === 'string' && x.toLowerCase() === String(arg).toLowerCase());
    case 'anything-but': {
      const excluded = Array.isArray(arg) ? arg : [arg];
      // As for any list-valued field, one element outside the excluded values is enough.
      return has && values.some((x) => !excluded.includes(x));
    }
    case 'numeric': {
      const conds = arg as unknown[];
      return (
        has &&
        values.some((x) => {
          if (typeof x !== 'number') return false;
          for (let i = 0; i < conds.length; i += 2) {
            const [cmp, n] = [conds[i] as string, conds[i + 1] as number];
            const ok = cmp === '<' ? x < n : cmp === '<=' ? x <= n : cmp === '>' ? x > n : cmp === '>=' ? x >= n : cmp === '=' ? x === n : false;
            if (!ok) return false;
          }
          return true;
        })
      );
    }
    default:
      throw new UnsupportedEventPattern(`pattern operator ${name} is not modelled`);
  }
}
