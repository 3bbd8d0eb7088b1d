import { z } from 'zod';
import { approvalsSchema, MAX_WATCH_WINDOW_HOURS, rampStepsSchema } from './cutover-config';

/** A cutover's own judge settings: each may only be stricter than the environment's (checked when the plan is made). */
const judgeInputSchema = z.strictObject({
  errorMarginPercentPoints: z.number().min(0.1).max(50).optional(),
  confidence: z.number().min(0.8).max(0.9999).optional(),
  minRequestsPerColor: z.number().int().min(1).optional(),
  ruleOutPercentPoints: z.number().min(0.5).max(100).optional(),
  maxBakeSeconds: z.number().int().min(60).optional(),
  latencyThresholdSeconds: z.number().positive().optional(),
  onBothBad: z.enum(['rollback', 'hold']).optional(),
});

/** What an operator passes to start a cutover. Unknown fields are errors. */
export const cutoverInputSchema = z
  .strictObject({
    /** Image for the idle color; omit to cut over to what the idle color already runs. */
    image: z.string().min(1, 'image must not be empty; omit it to keep the idle color\'s image').max(512).optional(),
    /** canary: the environment's default steps; linear: 20% at a time; all-at-once: 100. */
    strategy: z.enum(['canary', 'linear', 'all-at-once'], { error: 'strategy must be canary, linear or all-at-once (or give steps instead)' }).optional(),
    /** Explicit steps, such as [10, 50, 100]; instead of strategy. */
    steps: rampStepsSchema.optional(),
    /** Seconds to bake at each step. */
    bakeSeconds: z.number().int('bakeSeconds must be whole seconds').min(0).max(3600, 'bakeSeconds must be at most 3600').optional(),
    /** Hours to watch after promotion, with the old color at full size. */
    watchWindowHours: z.number().min(0).max(MAX_WATCH_WINDOW_HOURS, `watchWindowHours must be at most ${MAX_WATCH_WINDOW_HOURS}`).optional(),
    /** Why: goes into the ledger and every notification. */
    reason: z.string({ error: 'reason is required: say why this cutover runs, such as "release 1.43.0"' }).min(3, 'reason must say why, in a few words').max(500),
    /** Run every check and smoke test without moving traffic. */
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).default(false),
    /** Run the configured final data sync (default: true when one is configured). */
    dataSync: z.boolean({ error: 'dataSync must be true or false' }).optional(),
    /** Freeze writes with maintenance mode until traffic first moves (default: on when the data sync runs). */
    maintenance: z.boolean({ error: 'maintenance must be true or false' }).optional(),
    /** Tighten the judge for this cutover (a smaller margin, more evidence...); never looser than the environment's. */
    judge: judgeInputSchema.optional(),
    /** Start even though pre-flight finds too little traffic to judge the first step (CanaryTooThin). */
    acceptThinCanary: z.boolean({ error: 'acceptThinCanary must be true or false' }).optional(),
    /** Approval gates for this cutover, added to the environment's (cutover.approvals); timeoutMinutes and onTimeout replace the environment's. */
    approvals: approvalsSchema.optional(),
    /** Who started the cutover (an IAM ARN): set by `npm run cutover -- start` from sts:GetCallerIdentity, for requireDistinctApprover. */
    startedBy: z.string().min(1).max(2048).optional(),
    /** An emergency: start outside the change windows or in a freeze; recorded in the ledger and announced. */
    override: z.strictObject({ reason: z.string().min(3, 'override.reason says why this cannot wait'), ticket: z.string().min(1, 'override.ticket names the change or incident ticket') }).optional(),
  })
  .refine((i) => !(i.strategy && i.steps), { message: 'give either strategy or steps, not both', path: ['steps'] });
export type CutoverInput = z.output<typeof cutoverInputSchema>;

/** The normalized plan every later state reads. */
export const planSchema = z.object({
  image: z.string().optional(),
  steps: z.array(z.number().min(0.1).max(100)),
  bakeSeconds: z.number().int().min(0),
  watchWindowSeconds: z.number().int().min(0),
  checkpointSeconds: z.array(z.number().int().positive()),
  watchTickSeconds: z.number().int().positive(),
  reason: z.string(),
  dryRun: z.boolean(),
  /** Maintenance mode goes on after the smoke test and off once traffic first moves. */
  maintenance: z.boolean().default(false),
  /** The final data sync (and its validation) runs inside maintenance mode. */
  dataSync: z.boolean().default(false),
  /** How each step is judged, every setting resolved. */
  judge: z.object({
    errorMarginPercentPoints: z.number(),
    confidence: z.number(),
    minRequestsPerColor: z.number().int(),
    ruleOutPercentPoints: z.number(),
    maxBakeSeconds: z.number().int(),
    latencyThresholdSeconds: z.number(),
    onBothBad: z.enum(['rollback', 'hold']),
    metricDelaySeconds: z.number().int(),
    ceilingPercent: z.number(),
  }),
  acceptThinCanary: z.boolean().default(false),
  /** Approval gates (lambda/shared/decisions/gate.ts); absent: none. */
  approvals: z
    .object({
      at: z.array(z.string()),
      timeoutSeconds: z.number().int().positive(),
      onTimeout: z.enum(['rollback', 'hold']),
      holdMaxSeconds: z.number().int().positive(),
      requireDistinctApprover: z.boolean(),
      flags: z.record(z.string(), z.literal(true)),
    })
    .optional(),
  /** Who started the cutover, when the CLI started it. */
  startedBy: z.string().optional(),
  /** What the change windows and freezes said at the start: an override let through, warnings. */
  changeControl: z
    .object({
      override: z.object({ reason: z.string(), ticket: z.string(), error: z.string(), message: z.string() }).optional(),
      warnings: z.array(z.string()),
      windowClosesMs: z.number().optional(),
    })
    .optional(),
});
export type Plan = z.output<typeof planSchema>;
