import * as z from './zod';
import { giveConfigSchemas } from './settings';
import { once } from './once';

// Built on first use, not as the module loads: the alarm handler reads the judge
// from its bundle, where synth already checked it with these schemas (settings.ts).
function build() {
  /** `judge.comparisonAlarm`: the judge's comparison as an alarm between step checks. */
  const comparisonAlarmSchema = z.prefault(
    z.strictObject({
      /** Off: no comparison alarm; only the step checks compare the colors. */
      enabled: z._default(z.boolean({ error: 'judge.comparisonAlarm.enabled must be true or false' }), true),
      /** The rolling window (one period, re-evaluated every minute) both colors' counts are summed over. */
      windowMinutes: z._default(
        z.number({ error: 'judge.comparisonAlarm.windowMinutes must be a whole number of minutes such as 5' }).check(
          z.int('judge.comparisonAlarm.windowMinutes must be whole minutes (CloudWatch periods are multiples of 60 seconds)'),
          z.gte(1, 'judge.comparisonAlarm.windowMinutes must be at least 1; 5 is the default'),
          z.lte(60, 'judge.comparisonAlarm.windowMinutes must be at most 60: a longer window reacts later than the step checks; 5 is the default'),
        ),
        5,
      ),
      /** The alarm fires above this z (standard errors beyond the margin). */
      zScore: z._default(
        z.number({ error: 'judge.comparisonAlarm.zScore must be a number such as 4' }).check(
          z.gte(3, 'judge.comparisonAlarm.zScore must be at least 3: it is checked every minute, so lower values roll back healthy releases; 4 is the default'),
          z.lte(20, 'judge.comparisonAlarm.zScore must be at most 20; to turn the alarm off set judge.comparisonAlarm.enabled to false'),
        ),
        4,
      ),
    }),
    {},
  );

  /**
   * How each ramp step is judged: the new color against the old one on the same
   * complete minutes (lambda/shared/decisions/judge.ts). Set in the environment
   * file as `judge`; a cutover's input may tighten it, never loosen it.
   */
  const judgeSchema = z.prefault(
    z.strictObject({
      /** A worse new color fails only by at least this much (percentage points of requests). */
      errorMarginPercentPoints: z._default(z.number({ error: 'judge.errorMarginPercentPoints must be a number of percentage points' }).check(z.gte(0.1, 'judge.errorMarginPercentPoints must be at least 0.1'), z.lte(50, 'judge.errorMarginPercentPoints must be at most 50')), 1),
      /** One-sided confidence of each step's verdict. */
      confidence: z._default(z.number({ error: 'judge.confidence must be a number such as 0.99' }).check(z.gte(0.8, 'judge.confidence must be at least 0.8 (0.99 is the default); lower values roll back healthy releases'), z.lte(0.9999, 'judge.confidence must be at most 0.9999')), 0.99),
      /** Requests each color must serve in the window before a step can pass. */
      minRequestsPerColor: z._default(z.number().check(z.int('judge.minRequestsPerColor must be a whole number'), z.gte(1, 'judge.minRequestsPerColor must be at least 1'), z.lte(1_000_000)), 100),
      /** A step passes only once the evidence rules out a regression this large (percentage points of failed or slow requests). */
      ruleOutPercentPoints: z._default(z.number({ error: 'judge.ruleOutPercentPoints must be a number of percentage points' }).check(z.gte(0.5, 'judge.ruleOutPercentPoints must be at least 0.5'), z.lte(100)), 5),
      /** An inconclusive step's bake extends, one bake at a time, up to this; then the cutover fails with InsufficientTraffic. */
      maxBakeSeconds: z._default(z.number().check(z.int('judge.maxBakeSeconds must be whole seconds'), z.gte(60, 'judge.maxBakeSeconds must be at least 60'), z.lte(14_400, 'judge.maxBakeSeconds must be at most 14400 (4 hours)')), 1800),
      /** Requests slower than this count as slow. Default: the p95 warning level (alarms.p95Latency.warning). */
      latencyThresholdSeconds: z.optional(z.number().check(z.positive('judge.latencyThresholdSeconds must be above 0'), z.lte(60))),
      /** Both colors failing above the ceiling (a shared dependency): roll back, or hold at the current weights and page. */
      onBothBad: z._default(z.enum(['rollback', 'hold'], { error: 'judge.onBothBad must be "rollback" or "hold"' }), 'rollback'),
      /** Minutes are judged only once they are this old: ALB datapoints arrive one to three minutes late. */
      metricDelaySeconds: z._default(z.int().check(z.gte(0), z.lte(900, 'judge.metricDelaySeconds must be at most 900')), 180),
      /** The failure rate (percent) above which the new color fails whatever the old does. Default: the critical error-rate level. */
      ceilingPercent: z.optional(z.number().check(z.gt(0), z.lte(100))),
      /**
       * Between step checks, the same comparison as a CloudWatch alarm per color
       * (`<prefix>-<color>-worse-than-<other>`), in that color's rollback alarm:
       * a one-sided z statistic of the failed-request proportions over a rolling
       * window, 0 until both colors served `minRequestsPerColor` in it.
       */
      comparisonAlarm: comparisonAlarmSchema,
    }),
    {},
  ).check(z.refine((j) => j.ruleOutPercentPoints >= j.errorMarginPercentPoints, { message: 'judge.ruleOutPercentPoints must be at least judge.errorMarginPercentPoints; a pass cannot rule out less than the margin fails on', path: ['ruleOutPercentPoints'] }));

  return { judge: judgeSchema, comparisonAlarm: comparisonAlarmSchema };
}
/** The schemas of `judge` and of `judge.comparisonAlarm`, built once. */
export const judgeSchemas = once(build);
export type JudgeConfig = z.output<ReturnType<typeof judgeSchemas>['judge']>;
export type ComparisonAlarmConfig = z.output<ReturnType<typeof judgeSchemas>['comparisonAlarm']>;

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { judge: () => judgeSchemas().judge } });
