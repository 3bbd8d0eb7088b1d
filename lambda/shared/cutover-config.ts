import * as z from './zod';
import { giveConfigSchemas } from './settings';
import { cutoverFieldSchemas } from './cutover-fields';
import { pauseConfigSchema } from './pause-config';
import { smokeSchemas } from './smoke-config';
import { judgeSchemas, type JudgeConfig } from './judge-config';

// The parts handlers read alone (settings.ts, HANDLER_DEFAULTS) live in their own modules,
// built there on first use; the whole configuration needs them all, so they are built here.
export const { idleDeadlineSeconds: idleDeadlineSecondsSchema, scaleDownOldColor: scaleDownOldColorSchema } = cutoverFieldSchemas();
export const pauseSchema = pauseConfigSchema();
export const { check: smokeCheckSchema, load: loadBurstSchema, settings: smokeSettingsSchema } = smokeSchemas();
export const { judge: judgeSchema, comparisonAlarm: comparisonAlarmSchema } = judgeSchemas();
export { PAUSE_MAX_HOURS } from './pause-config';
export type { PauseConfig } from './pause-config';
export type { LoadBurst, SmokeCheck } from './smoke-config';
export type { ComparisonAlarmConfig, JudgeConfig } from './judge-config';

/**
 * Weight steps of a ramp, in percent of production traffic on the new color.
 * Shared by the environment file and the cutover input.
 */
export const rampStepsSchema = z
  .array(
    z.number().check(
      z.gte(0.1, 'each step must be at least 0.1 percent'),
      z.lte(100, 'each step must be at most 100 percent'),
      // ALB weights are whole numbers up to 999: 0.1% is 1 against 999, so one decimal is the finest step.
      z.refine((p) => Math.abs(p * 10 - Math.round(p * 10)) < 1e-9, 'each step is a percent with at most one decimal, such as 0.5 or 10 (ALB weights allow 0.1% as 1 against 999)'),
    ),
    { error: 'steps must be a list of percents such as [0.5, 10, 50, 100]' },
  )
  .check(
    z.minLength(1, 'give at least one step, the last being 100'),
    z.maxLength(20, 'at most 20 steps; merge some steps'),
    z.superRefine((steps, ctx) => {
      for (let i = 1; i < steps.length; i++) {
        if (steps[i] <= steps[i - 1]) {
          ctx.addIssue({ code: 'custom', message: `steps must rise: step ${i + 1} (${steps[i]}) is not above step ${i} (${steps[i - 1]}); sort them and drop repeats` });
          return;
        }
      }
      if (steps[steps.length - 1] !== 100) {
        ctx.addIssue({ code: 'custom', message: `steps must end at 100 (the last is ${steps[steps.length - 1]}); append 100` });
      }
    }),
  );

/** Longest watch window a cutover may ask for; keeps execution history far below its limit. */
export const MAX_WATCH_WINDOW_HOURS = 72;


/** Where an approval gate may stand: before the first shift, after step N passed, before promotion, before the old color is scaled down. */
export const GATE_PATTERN = /^(before-first-shift|after-step:[1-9][0-9]?|before-promotion|before-scale-down)$/;

/**
 * `cutover.approvals` (and the input's `approvals`): where a cutover waits
 * for a person's sign-off, how long, and what running out of time does.
 */
export const approvalsSchema = z.strictObject({
  /** Gates, such as ["before-first-shift", "after-step:1", "before-promotion", "before-scale-down"]. */
  at: z
    .array(z.string().check(z.regex(GATE_PATTERN, 'approvals.at lists gates: "before-first-shift", "after-step:N" (N a step number), "before-promotion" or "before-scale-down"')))
    .check(z.maxLength(24, 'approvals.at: at most 24 gates')),
  /** How long each gate waits for an approve or reject. */
  timeoutMinutes: z._default(
    z
      .number({ error: 'approvals.timeoutMinutes must be whole minutes such as 60' })
      .check(z.int('approvals.timeoutMinutes must be whole minutes'), z.gte(1, 'approvals.timeoutMinutes must be at least 1'), z.lte(1440, 'approvals.timeoutMinutes must be at most 1440 (a day)')),
    60,
  ),
  /** rollback: a gate nobody answered rolls back; hold: it pages and keeps waiting at the current weights, up to holdMaxHours, then rolls back. */
  onTimeout: z._default(z.enum(['rollback', 'hold'], { error: 'approvals.onTimeout must be "rollback" or "hold"' }), 'rollback'),
  /** Longest a held gate keeps waiting, counted from when it opened. */
  holdMaxHours: z._default(z.number().check(z.gte(1, 'approvals.holdMaxHours must be at least 1'), z.lte(12, 'approvals.holdMaxHours must be at most 12 (every gate held that long must fit one execution)')), 12),
  /** The approver must be someone else than whoever started the cutover. */
  requireDistinctApprover: z._default(z.boolean({ error: 'approvals.requireDistinctApprover must be true or false' }), false),
});
export type ApprovalsConfig = z.output<typeof approvalsSchema>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** A weekly change window (`changeWindows[]`), in an IANA time zone. */
export const changeWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], { error: 'changeWindows[].days are Mon, Tue, Wed, Thu, Fri, Sat, Sun' }))
      .check(z.minLength(1, 'changeWindows[].days needs at least one day')),
    start: z.string().check(z.regex(HHMM, 'changeWindows[].start is local time HH:MM such as "09:00"')),
    end: z.string().check(z.regex(HHMM, 'changeWindows[].end is local time HH:MM such as "16:00" (before start: the window runs past midnight)')),
    timeZone: z.string().check(
      z.refine((tz: string) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'changeWindows[].timeZone must be an IANA time zone such as "Europe/London"'),
    ),
  })
  .check(z.refine((w) => w.start !== w.end, { message: 'changeWindows[]: start and end must differ', path: ['end'] }));
/** A change freeze (`freezes[]`). */
export const freezeSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true, error: 'freezes[].from is an ISO 8601 instant such as "2026-12-20T00:00:00Z"' }),
    to: z.iso.datetime({ offset: true, error: 'freezes[].to is an ISO 8601 instant' }),
    reason: z.string().check(z.minLength(3, 'freezes[].reason says why')),
  })
  .check(z.refine((f) => Date.parse(f.from) < Date.parse(f.to), { message: 'freezes[]: from must be before to', path: ['to'] }));
/** What the handlers get as CHANGE_CONTROL: the windows, freezes and what an expected overrun does. */
export const changeControlSchema = z.strictObject({
  changeWindows: z._default(z.array(changeWindowSchema), []),
  freezes: z._default(z.array(freezeSchema), []),
  /** A cutover expected to finish after its window closes: a warning, or refused (WindowTooShort). */
  changeWindowOverrun: z._default(z.enum(['warn', 'refuse']), 'warn'),
});
export type ChangeControl = z.output<typeof changeControlSchema>;

/** Cutover defaults from the environment file (`cutover`). */
const cutoverFields = {
    steps: z._default(rampStepsSchema, [10, 50, 100]),
    bakeSeconds: z._default(z.int().check(z.gte(0), z.lte(3600)), 300),
    watchWindowHours: z._default(z.number().check(z.gte(0), z.lte(MAX_WATCH_WINDOW_HOURS, `watchWindowHours must be at most ${MAX_WATCH_WINDOW_HOURS}`)), 24),
    checkpointHours: z._default(z.array(z.number().check(z.positive())), [1, 4, 24]),
    // Traffic moves within seconds of an alarm via EventBridge; the tick is how soon the
    // execution itself notices, and each tick costs three state transitions.
    watchTickSeconds: z._default(z.int().check(z.gte(60), z.lte(21600)), 7200),
    minRequestsPerStep: z.optional(z.never({ error: 'cutover.minRequestsPerStep is now judge.minRequestsPerColor (requests each color must serve before a step can pass); move the value there' })),
    idleDeadlineSeconds: idleDeadlineSecondsSchema,
    scaleDownOldColor: scaleDownOldColorSchema,
    smoke: smokeSettingsSchema,
    /** Approval gates every cutover of this environment waits at (an input may add gates, never remove one). */
    approvals: z.optional(approvalsSchema),
    /** What an operator's pause (`npm run cutover -- pause`) may do: when a long pause pages, and when it rolls back. */
    pause: pauseSchema,
};
const checkpointsInWindow = (d: { checkpointHours: number[]; watchWindowHours: number }) => d.checkpointHours.every((h) => h <= d.watchWindowHours) || d.watchWindowHours === 0;
const checkpointMessage = { message: 'every checkpoint must fall inside the watch window; drop later checkpoints or lengthen watchWindowHours', path: ['checkpointHours'] };

export const cutoverDefaultsSchema = z.strictObject(cutoverFields).check(z.refine(checkpointsInWindow, checkpointMessage));

/** What the Lambda functions get as CUTOVER_DEFAULTS: the cutover defaults and the environment's judge. */
export const handlerDefaultsSchema = z.strictObject({ ...cutoverFields, judge: judgeSchema }).check(z.refine(checkpointsInWindow, checkpointMessage));
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

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaults: () => handlerDefaultsSchema, changeControl: () => changeControlSchema });
