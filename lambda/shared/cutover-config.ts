import { z } from 'zod';

/**
 * Weight steps of a ramp, in percent of production traffic on the new color.
 * Shared by the environment file and the cutover input.
 */
export const rampStepsSchema = z
  .array(z.number().int('each step must be a whole percent (1 to 100)').min(1, 'each step must be at least 1 percent').max(100, 'each step must be at most 100 percent'), {
    error: 'steps must be a list of whole percents such as [10, 50, 100]',
  })
  .min(1, 'give at least one step, the last being 100')
  .max(20, 'at most 20 steps; merge some steps')
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        ctx.addIssue({ code: 'custom', message: `steps must rise: step ${i + 1} (${steps[i]}) is not above step ${i} (${steps[i - 1]}); sort them and drop repeats` });
        return;
      }
    }
    if (steps[steps.length - 1] !== 100) {
      ctx.addIssue({ code: 'custom', message: `steps must end at 100 (the last is ${steps[steps.length - 1]}); append 100` });
    }
  });

/** Longest watch window a cutover may ask for; keeps execution history far below its limit. */
export const MAX_WATCH_WINDOW_HOURS = 72;

const jsonExpectation = z.strictObject({
  /** Dot path into the JSON body, such as `status` or `items.0.id`. */
  path: z.string().min(1),
  /** Value the field must equal. */
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});

/** One HTTP check run against the idle color through the test route. */
export const smokeCheckSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9 _.-]{1,60}$/, 'smoke check names are letters, digits, spaces, dots, dashes and underscores'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/', 'smoke check paths start with /'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.number().int().min(100).max(599).default(200),
  bodyContains: z.string().optional(),
  json: z.array(jsonExpectation).default([]),
  maxLatencyMs: z.number().int().min(1).max(60000).default(2000),
});
export type SmokeCheck = z.output<typeof smokeCheckSchema>;

/** A short burst of requests through the test route, gated on error rate and p95. */
export const loadBurstSchema = z.strictObject({
  path: z.string().startsWith('/').default('/'),
  requests: z.number().int().min(1).max(5000).default(200),
  concurrency: z.number().int().min(1).max(50).default(10),
  maxErrorRatePercent: z.number().min(0).max(100).default(1),
  maxP95Ms: z.number().int().min(1).default(3000),
});
export type LoadBurst = z.output<typeof loadBurstSchema>;

/** Cutover defaults from the environment file, handed to the Lambda functions as JSON. */
export const cutoverDefaultsSchema = z
  .strictObject({
    steps: rampStepsSchema.default([10, 50, 100]),
    bakeSeconds: z.number().int().min(0).max(3600).default(300),
    watchWindowHours: z.number().min(0).max(MAX_WATCH_WINDOW_HOURS, `watchWindowHours must be at most ${MAX_WATCH_WINDOW_HOURS}`).default(24),
    checkpointHours: z.array(z.number().positive()).default([1, 4, 24]),
    // Traffic moves within seconds of an alarm via EventBridge; the tick is how soon the
    // execution itself notices, and each tick costs three state transitions.
    watchTickSeconds: z.number().int().min(60).max(21600).default(7200),
    minRequestsPerStep: z.number().int().min(0).default(50),
    idleDeadlineSeconds: z.number().int().min(1).max(3600).default(900),
    scaleDownOldColor: z.boolean().default(true),
    smoke: z
      .strictObject({
        checks: z.array(smokeCheckSchema).default([]),
        load: loadBurstSchema.optional(),
        credentialsSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'smoke.credentialsSecretArn must be a Secrets Manager ARN').optional(),
      })
      .prefault({}),
  })
  .refine((d) => d.checkpointHours.every((h) => h <= d.watchWindowHours) || d.watchWindowHours === 0, {
    message: 'every checkpoint must fall inside the watch window; drop later checkpoints or lengthen watchWindowHours',
    path: ['checkpointHours'],
  });
export type CutoverDefaults = z.output<typeof cutoverDefaultsSchema>;
