import * as z from './zod';

/**
 * The fields of the normalized plan every later state reads, each schema
 * built when asked for: a handler validates the fields it reads (planSlice),
 * validate-input the whole plan it makes (planSchema, input.ts).
 */
export const planFields = {
  image: () => z.optional(z.string()),
  steps: () => z.array(z.number().check(z.gte(0.1), z.lte(100))),
  bakeSeconds: () => z.int().check(z.gte(0)),
  watchWindowSeconds: () => z.int().check(z.gte(0)),
  checkpointSeconds: () => z.array(z.int().check(z.positive())),
  watchTickSeconds: () => z.int().check(z.positive()),
  reason: () => z.string(),
  dryRun: () => z.boolean(),
  /** Maintenance mode goes on after the smoke test and off once traffic first moves. */
  maintenance: () => z._default(z.boolean(), false),
  /** The final data sync (and its validation) runs inside maintenance mode. */
  dataSync: () => z._default(z.boolean(), false),
  /** How each step is judged, every setting resolved. */
  judge: () => z.object({
    errorMarginPercentPoints: z.number(),
    confidence: z.number(),
    minRequestsPerColor: z.int(),
    ruleOutPercentPoints: z.number(),
    maxBakeSeconds: z.int(),
    latencyThresholdSeconds: z.number(),
    onBothBad: z.enum(['rollback', 'hold']),
    metricDelaySeconds: z.int(),
    ceilingPercent: z.number(),
  }),
  acceptThinCanary: () => z._default(z.boolean(), false),
  /** Approval gates (lambda/shared/decisions/gate.ts); absent: none. */
  approvals: () => z.optional(
    z.object({
      at: z.array(z.string()),
      timeoutSeconds: z.int().check(z.positive()),
      onTimeout: z.enum(['rollback', 'hold']),
      holdMaxSeconds: z.int().check(z.positive()),
      requireDistinctApprover: z.boolean(),
      flags: z.record(z.string(), z.literal(true)),
    }),
  ),
  /** What pauses may do (cutover.pause): when a held pause pages, when it rolls back, how many are allowed. */
  pause: () => z._default(z.object({ pageAfterSeconds: z.int().check(z.positive()), maxSeconds: z.int().check(z.positive()), maxPauses: z.int().check(z.positive()) }), { pageAfterSeconds: 3600, maxSeconds: 43_200, maxPauses: 5 }),
  /** Who started the cutover, when the CLI started it. */
  startedBy: () => z.optional(z.string()),
  /** What the change windows and freezes said at the start: an override let through, warnings. */
  changeControl: () => z.optional(
    z.object({
      override: z.optional(z.object({ reason: z.string(), ticket: z.string(), error: z.string(), message: z.string() })),
      warnings: z.array(z.string()),
      windowClosesMs: z.optional(z.number()),
    }),
  ),
};
type PlanFields = typeof planFields;
/** Every field of the plan. */
export const PLAN_FIELDS = Object.keys(planFields) as (keyof PlanFields)[];

/** The plan's fields `keys`, validated as the whole plan validates them; the others are dropped. */
export function planSlice<K extends keyof PlanFields>(...keys: K[]) {
  return z.object(Object.fromEntries(keys.map((k) => [k, planFields[k]()])) as { [P in K]: ReturnType<PlanFields[P]> });
}
