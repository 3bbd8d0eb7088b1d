import * as z from './zod';
import { approvalsSchema, MAX_WATCH_WINDOW_HOURS, rampStepsSchema } from './cutover-config';
import { PLAN_FIELDS, planSlice } from './plan';

/** A cutover's own judge settings: each may only be stricter than the environment's (checked when the plan is made). */
const judgeInputSchema = z.strictObject({
  errorMarginPercentPoints: z.optional(z.number().check(z.gte(0.1), z.lte(50))),
  confidence: z.optional(z.number().check(z.gte(0.8), z.lte(0.9999))),
  minRequestsPerColor: z.optional(z.int().check(z.gte(1))),
  ruleOutPercentPoints: z.optional(z.number().check(z.gte(0.5), z.lte(100))),
  maxBakeSeconds: z.optional(z.int().check(z.gte(60))),
  latencyThresholdSeconds: z.optional(z.number().check(z.positive())),
  onBothBad: z.optional(z.enum(['rollback', 'hold'])),
});

/** What an operator passes to start a cutover. Unknown fields are errors. */
export const cutoverInputSchema = z
  .strictObject({
    /** Image for the idle color; omit to cut over to what the idle color already runs. */
    image: z.optional(z.string().check(z.minLength(1, 'image must not be empty; omit it to keep the idle color\'s image'), z.maxLength(512))),
    /** canary: the environment's default steps; linear: 20% at a time; all-at-once: 100. */
    strategy: z.optional(z.enum(['canary', 'linear', 'all-at-once'], { error: 'strategy must be canary, linear or all-at-once (or give steps instead)' })),
    /** Explicit steps, such as [10, 50, 100]; instead of strategy. */
    steps: z.optional(rampStepsSchema),
    /** Seconds to bake at each step. */
    bakeSeconds: z.optional(z.number().check(z.int('bakeSeconds must be whole seconds'), z.gte(0), z.lte(3600, 'bakeSeconds must be at most 3600'))),
    /** Hours to watch after promotion, with the old color at full size. */
    watchWindowHours: z.optional(z.number().check(z.gte(0), z.lte(MAX_WATCH_WINDOW_HOURS, `watchWindowHours must be at most ${MAX_WATCH_WINDOW_HOURS}`))),
    /** Why: goes into the ledger and every notification. */
    reason: z.string({ error: 'reason is required: say why this cutover runs, such as "release 1.43.0"' }).check(z.minLength(3, 'reason must say why, in a few words'), z.maxLength(500)),
    /** Run every check and smoke test without moving traffic. */
    dryRun: z._default(z.boolean({ error: 'dryRun must be true or false' }), false),
    /** Run the configured final data sync (default: true when one is configured). */
    dataSync: z.optional(z.boolean({ error: 'dataSync must be true or false' })),
    /** Freeze writes with maintenance mode until traffic first moves (default: on when the data sync runs). */
    maintenance: z.optional(z.boolean({ error: 'maintenance must be true or false' })),
    /** Tighten the judge for this cutover (a smaller margin, more evidence...); never looser than the environment's. */
    judge: z.optional(judgeInputSchema),
    /** Start even though pre-flight finds too little traffic to judge the first step (CanaryTooThin). */
    acceptThinCanary: z.optional(z.boolean({ error: 'acceptThinCanary must be true or false' })),
    /** Approval gates for this cutover, added to the environment's (cutover.approvals); timeoutMinutes and onTimeout replace the environment's. */
    approvals: z.optional(approvalsSchema),
    /** Who started the cutover (an IAM ARN): set by `npm run cutover -- start` from sts:GetCallerIdentity, for requireDistinctApprover. */
    startedBy: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    /** An emergency: start outside the change windows or in a freeze; recorded in the ledger and announced. */
    override: z.optional(
      z.strictObject({
        reason: z.string().check(z.minLength(3, 'override.reason says why this cannot wait')),
        ticket: z.string().check(z.minLength(1, 'override.ticket names the change or incident ticket')),
      }),
    ),
  }).check(z.refine((i) => !(i.strategy && i.steps), { message: 'give either strategy or steps, not both', path: ['steps'] }));
export type CutoverInput = z.output<typeof cutoverInputSchema>;

/** The normalized plan every later state reads (each handler validates the fields it reads: planSlice). */
export const planSchema = planSlice(...PLAN_FIELDS);
export type Plan = z.output<typeof planSchema>;
