import { z } from 'zod';
import { FULL_SECRET_ARN, fullSecretArnMessage } from './secret-arn';

/**
 * Weight steps of a ramp, in percent of production traffic on the new color.
 * Shared by the environment file and the cutover input.
 */
export const rampStepsSchema = z
  .array(
    z
      .number()
      .min(0.1, 'each step must be at least 0.1 percent')
      .max(100, 'each step must be at most 100 percent')
      // ALB weights are whole numbers up to 999: 0.1% is 1 against 999, so one decimal is the finest step.
      .refine((p) => Math.abs(p * 10 - Math.round(p * 10)) < 1e-9, 'each step is a percent with at most one decimal, such as 0.5 or 10 (ALB weights allow 0.1% as 1 against 999)'),
    { error: 'steps must be a list of percents such as [0.5, 10, 50, 100]' },
  )
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

/** `judge.comparisonAlarm`: the judge's comparison as an alarm between step checks. */
export const comparisonAlarmSchema = z
  .strictObject({
    /** Off: no comparison alarm; only the step checks compare the colors. */
    enabled: z.boolean({ error: 'judge.comparisonAlarm.enabled must be true or false' }).default(true),
    /** The rolling window (one period, re-evaluated every minute) both colors' counts are summed over. */
    windowMinutes: z
      .number({ error: 'judge.comparisonAlarm.windowMinutes must be a whole number of minutes such as 5' })
      .int('judge.comparisonAlarm.windowMinutes must be whole minutes (CloudWatch periods are multiples of 60 seconds)')
      .min(1, 'judge.comparisonAlarm.windowMinutes must be at least 1; 5 is the default')
      .max(60, 'judge.comparisonAlarm.windowMinutes must be at most 60: a longer window reacts later than the step checks; 5 is the default')
      .default(5),
    /** The alarm fires above this z (standard errors beyond the margin). */
    zScore: z
      .number({ error: 'judge.comparisonAlarm.zScore must be a number such as 4' })
      .min(3, 'judge.comparisonAlarm.zScore must be at least 3: it is checked every minute, so lower values roll back healthy releases; 4 is the default')
      .max(20, 'judge.comparisonAlarm.zScore must be at most 20; to turn the alarm off set judge.comparisonAlarm.enabled to false')
      .default(4),
  })
  .prefault({});
export type ComparisonAlarmConfig = z.output<typeof comparisonAlarmSchema>;

/**
 * How each ramp step is judged: the new color against the old one on the same
 * complete minutes (lambda/shared/decisions/judge.ts). Set in the environment
 * file as `judge`; a cutover's input may tighten it, never loosen it.
 */
export const judgeSchema = z
  .strictObject({
    /** A worse new color fails only by at least this much (percentage points of requests). */
    errorMarginPercentPoints: z.number({ error: 'judge.errorMarginPercentPoints must be a number of percentage points' }).min(0.1, 'judge.errorMarginPercentPoints must be at least 0.1').max(50, 'judge.errorMarginPercentPoints must be at most 50').default(1),
    /** One-sided confidence of each step's verdict. */
    confidence: z.number({ error: 'judge.confidence must be a number such as 0.99' }).min(0.8, 'judge.confidence must be at least 0.8 (0.99 is the default); lower values roll back healthy releases').max(0.9999, 'judge.confidence must be at most 0.9999').default(0.99),
    /** Requests each color must serve in the window before a step can pass. */
    minRequestsPerColor: z.number().int('judge.minRequestsPerColor must be a whole number').min(1, 'judge.minRequestsPerColor must be at least 1').max(1_000_000).default(100),
    /** A step passes only once the evidence rules out a regression this large (percentage points of failed or slow requests). */
    ruleOutPercentPoints: z.number({ error: 'judge.ruleOutPercentPoints must be a number of percentage points' }).min(0.5, 'judge.ruleOutPercentPoints must be at least 0.5').max(100).default(5),
    /** An inconclusive step's bake extends, one bake at a time, up to this; then the cutover fails with InsufficientTraffic. */
    maxBakeSeconds: z.number().int('judge.maxBakeSeconds must be whole seconds').min(60, 'judge.maxBakeSeconds must be at least 60').max(14_400, 'judge.maxBakeSeconds must be at most 14400 (4 hours)').default(1800),
    /** Requests slower than this count as slow. Default: the p95 warning level (alarms.p95Latency.warning). */
    latencyThresholdSeconds: z.number().positive('judge.latencyThresholdSeconds must be above 0').max(60).optional(),
    /** Both colors failing above the ceiling (a shared dependency): roll back, or hold at the current weights and page. */
    onBothBad: z.enum(['rollback', 'hold'], { error: 'judge.onBothBad must be "rollback" or "hold"' }).default('rollback'),
    /** Minutes are judged only once they are this old: ALB datapoints arrive one to three minutes late. */
    metricDelaySeconds: z.number().int().min(0).max(900, 'judge.metricDelaySeconds must be at most 900').default(180),
    /** The failure rate (percent) above which the new color fails whatever the old does. Default: the critical error-rate level. */
    ceilingPercent: z.number().gt(0).max(100).optional(),
    /**
     * Between step checks, the same comparison as a CloudWatch alarm per color
     * (`<prefix>-<color>-worse-than-<other>`), in that color's rollback alarm:
     * a one-sided z statistic of the failed-request proportions over a rolling
     * window, 0 until both colors served `minRequestsPerColor` in it.
     */
    comparisonAlarm: comparisonAlarmSchema,
  })
  .prefault({})
  .refine((j) => j.ruleOutPercentPoints >= j.errorMarginPercentPoints, { message: 'judge.ruleOutPercentPoints must be at least judge.errorMarginPercentPoints; a pass cannot rule out less than the margin fails on', path: ['ruleOutPercentPoints'] });
export type JudgeConfig = z.output<typeof judgeSchema>;

/** Where an approval gate may stand: before the first shift, after step N passed, before promotion, before the old color is scaled down. */
export const GATE_PATTERN = /^(before-first-shift|after-step:[1-9][0-9]?|before-promotion|before-scale-down)$/;

/**
 * `cutover.approvals` (and the input's `approvals`): where a cutover waits
 * for a person's sign-off, how long, and what running out of time does.
 */
export const approvalsSchema = z.strictObject({
  /** Gates, such as ["before-first-shift", "after-step:1", "before-promotion", "before-scale-down"]. */
  at: z
    .array(z.string().regex(GATE_PATTERN, 'approvals.at lists gates: "before-first-shift", "after-step:N" (N a step number), "before-promotion" or "before-scale-down"'))
    .max(24, 'approvals.at: at most 24 gates'),
  /** How long each gate waits for an approve or reject. */
  timeoutMinutes: z.number({ error: 'approvals.timeoutMinutes must be whole minutes such as 60' }).int('approvals.timeoutMinutes must be whole minutes').min(1, 'approvals.timeoutMinutes must be at least 1').max(1440, 'approvals.timeoutMinutes must be at most 1440 (a day)').default(60),
  /** rollback: a gate nobody answered rolls back; hold: it pages and keeps waiting at the current weights, up to holdMaxHours, then rolls back. */
  onTimeout: z.enum(['rollback', 'hold'], { error: 'approvals.onTimeout must be "rollback" or "hold"' }).default('rollback'),
  /** Longest a held gate keeps waiting, counted from when it opened. */
  holdMaxHours: z.number().min(1, 'approvals.holdMaxHours must be at least 1').max(12, 'approvals.holdMaxHours must be at most 12 (every gate held that long must fit one execution)').default(12),
  /** The approver must be someone else than whoever started the cutover. */
  requireDistinctApprover: z.boolean({ error: 'approvals.requireDistinctApprover must be true or false' }).default(false),
});
export type ApprovalsConfig = z.output<typeof approvalsSchema>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** A weekly change window (`changeWindows[]`), in an IANA time zone. */
export const changeWindowSchema = z.strictObject({
  days: z.array(z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], { error: 'changeWindows[].days are Mon, Tue, Wed, Thu, Fri, Sat, Sun' })).min(1, 'changeWindows[].days needs at least one day'),
  start: z.string().regex(HHMM, 'changeWindows[].start is local time HH:MM such as "09:00"'),
  end: z.string().regex(HHMM, 'changeWindows[].end is local time HH:MM such as "16:00" (before start: the window runs past midnight)'),
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'changeWindows[].timeZone must be an IANA time zone such as "Europe/London"'),
}).refine((w) => w.start !== w.end, { message: 'changeWindows[]: start and end must differ', path: ['end'] });
/** A change freeze (`freezes[]`). */
export const freezeSchema = z
  .strictObject({ from: z.iso.datetime({ offset: true, error: 'freezes[].from is an ISO 8601 instant such as "2026-12-20T00:00:00Z"' }), to: z.iso.datetime({ offset: true, error: 'freezes[].to is an ISO 8601 instant' }), reason: z.string().min(3, 'freezes[].reason says why') })
  .refine((f) => Date.parse(f.from) < Date.parse(f.to), { message: 'freezes[]: from must be before to', path: ['to'] });
/** What the handlers get as CHANGE_CONTROL: the windows, freezes and what an expected overrun does. */
export const changeControlSchema = z.strictObject({
  changeWindows: z.array(changeWindowSchema).default([]),
  freezes: z.array(freezeSchema).default([]),
  /** A cutover expected to finish after its window closes: a warning, or refused (WindowTooShort). */
  changeWindowOverrun: z.enum(['warn', 'refuse']).default('warn'),
});
export type ChangeControl = z.output<typeof changeControlSchema>;

/** Cutover defaults from the environment file (`cutover`). */
const cutoverFields = {
    steps: rampStepsSchema.default([10, 50, 100]),
    bakeSeconds: z.number().int().min(0).max(3600).default(300),
    watchWindowHours: z.number().min(0).max(MAX_WATCH_WINDOW_HOURS, `watchWindowHours must be at most ${MAX_WATCH_WINDOW_HOURS}`).default(24),
    checkpointHours: z.array(z.number().positive()).default([1, 4, 24]),
    // Traffic moves within seconds of an alarm via EventBridge; the tick is how soon the
    // execution itself notices, and each tick costs three state transitions.
    watchTickSeconds: z.number().int().min(60).max(21600).default(7200),
    minRequestsPerStep: z.never({ error: 'cutover.minRequestsPerStep is now judge.minRequestsPerColor (requests each color must serve before a step can pass); move the value there' }).optional(),
    idleDeadlineSeconds: z.number().int().min(1).max(3600).default(900),
    scaleDownOldColor: z.boolean().default(true),
    smoke: z
      .strictObject({
        checks: z.array(smokeCheckSchema).default([]),
        load: loadBurstSchema.optional(),
        credentialsSecretArn: z.string().regex(FULL_SECRET_ARN, fullSecretArnMessage('smoke.credentialsSecretArn')).optional(),
      })
      .prefault({}),
    /** Approval gates every cutover of this environment waits at (an input may add gates, never remove one). */
    approvals: approvalsSchema.optional(),
};
const checkpointsInWindow = (d: { checkpointHours: number[]; watchWindowHours: number }) => d.checkpointHours.every((h) => h <= d.watchWindowHours) || d.watchWindowHours === 0;
const checkpointMessage = { message: 'every checkpoint must fall inside the watch window; drop later checkpoints or lengthen watchWindowHours', path: ['checkpointHours'] };

export const cutoverDefaultsSchema = z.strictObject(cutoverFields).refine(checkpointsInWindow, checkpointMessage);

/** What the Lambda functions get as CUTOVER_DEFAULTS: the cutover defaults and the environment's judge. */
export const handlerDefaultsSchema = z.strictObject({ ...cutoverFields, judge: judgeSchema }).refine(checkpointsInWindow, checkpointMessage);
export type CutoverDefaults = z.output<typeof handlerDefaultsSchema>;

/** The judge a cutover runs with: every setting resolved. */
export interface ResolvedJudge {
  readonly errorMarginPercentPoints: number;
  readonly confidence: number;
  readonly minRequestsPerColor: number;
  readonly ruleOutPercentPoints: number;
  readonly maxBakeSeconds: number;
  readonly latencyThresholdSeconds: number;
  readonly onBothBad: 'rollback' | 'hold';
  readonly metricDelaySeconds: number;
  readonly ceilingPercent: number;
}

/** Fills what the environment left to the alarm levels. */
export function resolveJudge(j: JudgeConfig, levels: { readonly errorRateCriticalPercent: number; readonly p95WarningSeconds: number } = { errorRateCriticalPercent: 5, p95WarningSeconds: 0.5 }): ResolvedJudge {
  // The comparison alarm is deployed with the stack; the step checks do not read it.
  const { comparisonAlarm: _alarm, ...rest } = j;
  return { ...rest, latencyThresholdSeconds: j.latencyThresholdSeconds ?? levels.p95WarningSeconds, ceilingPercent: j.ceilingPercent ?? levels.errorRateCriticalPercent };
}
