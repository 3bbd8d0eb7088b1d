import { z } from 'zod';
import { changeWindowSchema, cutoverDefaultsSchema, freezeSchema, judgeSchema, rampStepsSchema } from '../../lambda/shared/cutover-config';
import { parseEcrImage } from '../ecr';
import { MetricMathError, metricMathIds, parseMetricMath } from '../metric-math';
import { allowedEntryProblem, defaultAllowedImages, imageAllowed, parseImageRef } from '../../lambda/shared/images';
import { FULL_SECRET_ARN, fullSecretArnMessage } from '../../lambda/shared/secret-arn';
import { planLimitProblems, Stages } from '../../lambda/shared/decisions/limits';
import { syncStageSeconds } from '../../lambda/shared/decisions/sync';
import { stepsFor } from '../../lambda/shared/decisions/weights';
import { resolveApprovals } from '../../lambda/shared/decisions/gate';

export { rampStepsSchema };

/**
 * The configuration one environment of Switchyard is built from.
 *
 * Every rule carries a message that names what to change, because the person
 * reading it is running `cdk synth` and wants to fix the file, not read zod.
 */

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Fargate CPU units mapped to the memory sizes (MiB) Fargate accepts for them. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const NAME = /^[a-z][a-z0-9-]{0,28}[a-z0-9]$/;

const percent = (what: string) =>
  z.number({ error: `${what} must be a number between 0 and 100` }).gt(0, `${what} must be above 0`).max(100, `${what} must be at most 100`);

/** A warning and a critical level; {@link criticalAboveWarning} checks their order. */
const levels = (warning: number, critical: number, inner: z.ZodNumber = z.number().positive()) => ({
  warning: inner.default(warning),
  critical: inner.default(critical),
});
const criticalAboveWarning = (what: string) => (l: { warning: number; critical: number }, ctx: z.RefinementCtx) => {
  if (!(l.critical > l.warning)) ctx.addIssue({ code: 'custom', message: `${what}: critical must be above warning; raise critical or lower warning` });
};

/** CloudWatch evaluates at most one day of data per alarm (periodSeconds × evaluationPeriods). */
const MAX_EVALUATION_SECONDS = 86_400;

/** Load balancer, ECS and log-filter metrics arrive once a minute, so a built-in signal's period is whole minutes. */
const minutePeriod = (what: string) =>
  z
    .number({ error: `${what}.periodSeconds must be a number of seconds` })
    .int(`${what}.periodSeconds must be a whole number of seconds`)
    .refine((p) => p >= 60 && p % 60 === 0, `${what}.periodSeconds must be a multiple of 60 (such as 60 or 300): load balancer and ECS metrics arrive once a minute`);

/** A period CloudWatch accepts for any metric: 10 or 30 (high-resolution metrics) or whole minutes. */
const anyPeriod = (what: string) =>
  z
    .number({ error: `${what}periodSeconds must be a number of seconds` })
    .refine((p) => p === 10 || p === 30 || (Number.isInteger(p) && p >= 60 && p % 60 === 0), `${what}periodSeconds must be 10, 30 or a multiple of 60 (such as 60 or 300)`);

const evaluationPeriods = (what: string, d: number) =>
  z.number().int(`${what}.evaluationPeriods must be a whole number`).min(1, `${what}.evaluationPeriods must be at least 1`).max(100, `${what}.evaluationPeriods must be at most 100`).default(d);
const datapointsToAlarm = (what: string) =>
  z.number().int(`${what}.datapointsToAlarm must be a whole number`).min(1, `${what}.datapointsToAlarm must be at least 1`).optional();

/** When and over how long one alarm evaluates: `datapointsToAlarm` of the last `evaluationPeriods` periods must breach. */
interface Evaluation {
  periodSeconds?: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
}

/** Rules every alarm's evaluation settings share; `what` names the field in each message. */
function checkEvaluation(what: string, e: Evaluation, ctx: z.RefinementCtx): void {
  if (e.datapointsToAlarm !== undefined && e.datapointsToAlarm > e.evaluationPeriods) {
    ctx.addIssue({
      code: 'custom',
      path: ['datapointsToAlarm'],
      message: `${what}datapointsToAlarm (${e.datapointsToAlarm}) must not exceed evaluationPeriods (${e.evaluationPeriods}); lower datapointsToAlarm or raise evaluationPeriods`,
    });
  }
  const period = e.periodSeconds ?? 60;
  if (period * e.evaluationPeriods > MAX_EVALUATION_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['evaluationPeriods'],
      message: `${what}periodSeconds × evaluationPeriods is ${period * e.evaluationPeriods} s, above CloudWatch's one day (86400 s); lower one of them`,
    });
  }
}

/** Unless given, an alarm fires only when every evaluated period breaches. */
function allPeriodsByDefault<T extends Evaluation>(e: T): T & { datapointsToAlarm: number } {
  return { ...e, datapointsToAlarm: e.datapointsToAlarm ?? e.evaluationPeriods };
}

/**
 * A built-in signal's alarm settings: `shape` (levels, switches) plus its period,
 * evaluation periods and datapoints to alarm.
 */
function signal<S extends z.core.$ZodLooseShape>(what: string, shape: S, periods: number) {
  return z
    .strictObject({
      ...shape,
      periodSeconds: minutePeriod(what).default(60),
      evaluationPeriods: evaluationPeriods(what, periods),
      datapointsToAlarm: datapointsToAlarm(what),
    })
    // Every field callers pass has a default, which zod cannot see through the generic shape.
    .prefault({} as never)
    .superRefine((e, ctx) => checkEvaluation(`${what}.`, e as Evaluation, ctx))
    .transform((e) => allPeriodsByDefault(e as typeof e & Evaluation));
}

/** A field that moved: reading the old name says where it went, instead of "unrecognized key". */
const moved = (from: string, to: string) => z.never({ error: `${from} is now ${to}; move the value there` }).optional();

const comparison = z.enum([
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
]);

const statistic = z
  .string()
  .regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/, 'statistic must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p95');

/** One CloudWatch metric an extra alarm reads. */
const extraMetricSchema = z.strictObject({
  namespace: z.string().min(1, 'namespace is required, for example "Shop/Checkout"'),
  metricName: z.string().min(1, 'metricName is required'),
  dimensions: z.record(z.string(), z.string()).default({}),
  statistic: statistic.default('Average'),
  /** Must equal the alarm's period when given: an expression alarm reads every metric at one period. */
  periodSeconds: anyPeriod('metric ').optional(),
});

/** CloudWatch metric-math ids: a lower-case letter first, then letters, digits and underscores. */
const METRIC_ID = /^[a-z][A-Za-z0-9_]{0,254}$/;
const MAX_EXPRESSION_METRICS = 10;

/**
 * An extra rollback alarm: either one CloudWatch metric (`namespace`,
 * `metricName`, `dimensions`, `statistic`) or a metric-math `expression` over
 * named `metrics`. A dimension value of `{color}` makes one alarm per color;
 * otherwise one alarm feeds both colors.
 */
export const extraAlarmSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/, 'name must be letters and digits, starting with a letter (it becomes part of a construct id)'),
    description: z.string().max(200).optional(),
    namespace: z.string().min(1, 'namespace is required, for example "Shop/Checkout"').optional(),
    metricName: z.string().min(1, 'metricName is required').optional(),
    dimensions: z.record(z.string(), z.string()).optional(),
    statistic: statistic.optional(),
    /** Metric math over `metrics`, such as `DIFF(depth)`; the alarm compares its result. */
    expression: z.string().min(1, 'expression must not be empty; leave it out for a single-metric alarm').max(1024, 'expression must be at most 1024 characters').optional(),
    metrics: z
      .record(
        z
          .string()
          .regex(METRIC_ID, 'metric ids start with a lower-case letter, then letters, digits or _ (CloudWatch ids), such as depth or failedOrders')
          // CDK names the alarm's own expression expr_1; a metric of that name would collide.
          .refine((id) => !/^expr_\d+$/.test(id), 'metric ids expr_1, expr_2, … are taken by the alarm\'s own expression; rename the metric'),
        extraMetricSchema,
      )
      .optional(),
    threshold: z.number({ error: 'threshold must be a number' }),
    comparison,
    periodSeconds: anyPeriod('').default(60),
    evaluationPeriods: z.number().int().min(1).max(100).default(3),
    datapointsToAlarm: z.number().int().min(1).optional(),
    treatMissingData: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).default('notBreaching'),
  })
  .superRefine((a, ctx) => {
    checkEvaluation('', a, ctx);
    const single = ['namespace', 'metricName', 'dimensions', 'statistic'].filter((k) => a[k as keyof typeof a] !== undefined);
    if (a.expression === undefined) {
      if (a.metrics !== undefined) ctx.addIssue({ code: 'custom', path: ['expression'], message: `${a.name}: metrics needs an expression over them, such as "DIFF(depth)"; add expression or use namespace and metricName for one metric` });
      else if (a.namespace === undefined || a.metricName === undefined) ctx.addIssue({ code: 'custom', path: [a.namespace === undefined ? 'namespace' : 'metricName'], message: `${a.name}: give namespace and metricName (one metric), or expression and metrics (metric math)` });
      return;
    }
    if (single.length > 0) {
      ctx.addIssue({ code: 'custom', path: [single[0]], message: `${a.name}: an expression alarm reads its metrics from metrics; move ${single.join(', ')} into metrics.<id>` });
    }
    const ids = Object.keys(a.metrics ?? {});
    if (ids.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: `${a.name}: the expression needs metrics, such as { "depth": { "namespace": "AWS/SQS", "metricName": "ApproximateNumberOfMessagesVisible", … } }` });
    } else if (ids.length > MAX_EXPRESSION_METRICS) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: `${a.name}: an alarm reads at most ${MAX_EXPRESSION_METRICS} metrics (it has ${ids.length}); split it into two alarms` });
    }
    for (const [id, m] of Object.entries(a.metrics ?? {})) {
      if (m.periodSeconds !== undefined && m.periodSeconds !== a.periodSeconds) {
        ctx.addIssue({ code: 'custom', path: ['metrics', id, 'periodSeconds'], message: `${a.name}: metrics.${id}.periodSeconds (${m.periodSeconds}) differs from the alarm's periodSeconds (${a.periodSeconds}); an expression alarm reads every metric at one period, so remove it or make them equal` });
      }
    }
    checkExpression(a.name, a.expression, ids, ctx);
  })
  .transform((a) => {
    const common = {
      name: a.name,
      description: a.description,
      threshold: a.threshold,
      comparison: a.comparison,
      periodSeconds: a.periodSeconds,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      treatMissingData: a.treatMissingData,
    };
    const metric = (m: { namespace: string; metricName: string; dimensions?: Record<string, string>; statistic?: string }): ExtraMetricConfig => ({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: m.dimensions ?? {},
      statistic: m.statistic ?? 'Average',
    });
    return a.expression === undefined
      ? { ...common, kind: 'metric' as const, metric: metric({ namespace: a.namespace!, metricName: a.metricName!, dimensions: a.dimensions, statistic: a.statistic }) }
      : { ...common, kind: 'expression' as const, expression: a.expression, metrics: Object.fromEntries(Object.entries(a.metrics ?? {}).map(([id, m]) => [id, metric(m)])) };
  });

/**
 * Parses an extra alarm's expression and holds its ids to `metrics`: each id it
 * reads must be a metric, and each metric must be read (an unread metric is
 * almost always a misspelt id in the expression).
 */
function checkExpression(alarm: string, expression: string, metricIds: string[], ctx: z.RefinementCtx): void {
  let used: string[];
  try {
    used = metricMathIds(parseMetricMath(expression));
  } catch (e) {
    if (!(e instanceof MetricMathError)) throw e;
    ctx.addIssue({ code: 'custom', path: ['expression'], message: `${alarm}: the expression does not parse (${e.message}); fix it, for example DIFF(depth) or 100 * failed / total` });
    return;
  }
  const unknown = used.filter((id) => !metricIds.includes(id));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['expression'],
      message: `${alarm}: the expression reads ${unknown.join(', ')}, not in metrics (${metricIds.join(', ') || 'none'}); add metrics.${unknown[0]} or fix the name`,
    });
  }
  for (const id of metricIds.filter((m) => !used.includes(m))) {
    ctx.addIssue({ code: 'custom', path: ['metrics', id], message: `${alarm}: metrics.${id} is not used by the expression "${expression}"; use it there or remove it` });
  }
}

/** One metric an extra alarm reads, with defaults applied. */
export interface ExtraMetricConfig {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
}

const cidr = z
  .string()
  .refine((c) => z.cidrv4().safeParse(c).success || z.cidrv6().safeParse(c).success, 'must be a CIDR block such as 203.0.113.0/24')
  .refine((c) => !/\/0$/.test(c), 'a /0 range opens the route to everyone; list your operators\' ranges instead');

/**
 * An image reference. One on a private ECR host must parse, since the execution
 * role is granted pull on the repository it names; anything else would be granted
 * nothing and fail with CannotPullContainerError at deploy.
 */
const image = (what: string, example: string) =>
  z
    .string()
    .min(1, `${what} is required: ${example}`)
    .refine((i) => parseImageRef(i) !== undefined, `${what} is not an image reference: <registry>/<repository>[:tag|@sha256:digest] in lower case, such as ${example.replace(/^.*such as /, '')}`)
    .refine(
      (i) => !/\.dkr\.ecr[.-]/.test(i.split('/')[0]) || parseEcrImage(i) !== undefined,
      `${what} looks like a private ECR image but is not <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@sha256:digest] (12-digit account, lower-case repository); copy the image URI from the ECR console`,
    );

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable names are upper-case letters, digits and underscores');
const injectedSecrets = z
  .array(
    z.strictObject({
      name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'secret variable names are upper-case letters, digits and underscores'),
      secretArn: z.string().regex(FULL_SECRET_ARN, fullSecretArnMessage('secretArn')),
      jsonField: z.string().optional(),
    }),
  )
  .default([]);

const ROOT_USER = /^(0|root)(:.*)?$/;

/**
 * How a container runs: as which user, on a read-only root filesystem with
 * writable scratch volumes. Organisations' guardrails (Control Tower CT.ECS.PR.3
 * and PR.6) refuse root users and writable root filesystems.
 */
const containerSettings = (what: string) => ({
  /** User (name or uid, optionally :group) the container runs as; the image's own user when left out. */
  user: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, `${what}.user is a user name or uid, optionally with :group, such as "1000" or "app:app"`)
    .refine((u) => !ROOT_USER.test(u), `${what}.user must not be root (0 or root); leave it out to run as the image's own user`)
    .optional(),
  /** The root filesystem is read-only; the container writes only to `scratchPaths`. */
  readonlyRootFilesystem: z.boolean().default(true),
  /** Writable, empty directories (task-scoped volumes) the container may write to, such as /tmp. */
  scratchPaths: z
    .array(
      z
        .string()
        .regex(/^(\/[A-Za-z0-9._-]+)+$/, `${what}.scratchPaths are absolute directories such as /tmp or /var/cache/nginx`)
        .refine((p) => !p.split('/').includes('..'), `${what}.scratchPaths must not contain ..`),
    )
    .max(10, `${what}.scratchPaths: at most 10 scratch directories`)
    .refine((l) => new Set(l).size === l.length, `${what}.scratchPaths must not repeat a directory`)
    .default(['/tmp']),
});

/** A one-off container the cutover runs to completion: the final data sync, or its validation. */
const oneOffTask = (what: string, timeoutDefault: number) =>
  z.strictObject({
    ...containerSettings(what),
    image: image(`${what}.image`, 'the container that runs, such as 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-sync:1.0'),
    /** Command and arguments; the image's own when left out. */
    command: z.array(z.string()).min(1, `${what}.command must name a program; leave it out to run the image's default`).optional(),
    cpu: z.number().int().default(512),
    memoryMiB: z.number().int().default(1024),
    environment: z.record(envName, z.string()).default({}),
    secrets: injectedSecrets,
    /** Longer than this and the stage fails (the task is stopped). */
    timeoutMinutes: z.number().int().min(1).max(720, `${what}.timeoutMinutes must be at most 720`).default(timeoutDefault),
  });

export const configSchema = z
  .strictObject({
    /** Environment name, part of every resource name. */
    environment: z.string().regex(NAME, 'environment must be 2-30 lower-case letters, digits or dashes, starting with a letter'),
    /** Account to deploy into; leave out to synthesize without one. */
    account: z.string().regex(/^\d{12}$/, 'account must be a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must be an AWS region such as eu-west-1'),

    service: z.strictObject({
      name: z.string().regex(NAME, 'service.name must be 2-30 lower-case letters, digits or dashes, starting with a letter'),
      image: image('service.image', 'the image both colors start from, such as public.ecr.aws/nginx/nginx:1.27'),
      /**
       * Repositories a cutover may deploy from (exactly), or prefixes ending in `/`
       * (every repository under them). Default: the repository of service.image alone.
       */
      allowedImages: z
        .array(z.string().superRefine((e, ctx) => {
          const problem = allowedEntryProblem(e);
          if (problem) ctx.addIssue({ code: 'custom', message: `service.allowedImages: ${problem}` });
        }))
        .min(1, 'service.allowedImages must list at least one repository; leave it out to allow only the repository of service.image')
        .max(20, 'service.allowedImages: at most 20 entries; use a prefix ending in / for a group of repositories')
        .optional(),
      containerPort: z.number().int().min(1).max(65535).default(8080),
      cpu: z.number().int().default(512),
      memoryMiB: z.number().int().default(1024),
      desiredCount: z.number({ error: 'service.desiredCount must be a whole number' }).int().min(1, 'service.desiredCount must be at least 1: a color with no tasks cannot take traffic').max(1000).default(2),
      environment: z.record(envName, z.string()).default({}),
      secrets: injectedSecrets,
      healthCheck: z
        .strictObject({
          path: z.string().startsWith('/', 'service.healthCheck.path must start with /').default('/health'),
          intervalSeconds: z.number().int().min(5).max(300).default(15),
          timeoutSeconds: z.number().int().min(2).max(120).default(5),
          healthyThresholdCount: z.number().int().min(2).max(10).default(2),
          unhealthyThresholdCount: z.number().int().min(2).max(10).default(3),
          healthyHttpCodes: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'healthyHttpCodes is a list such as "200" or "200-299"').default('200'),
        })
        .prefault({})
        .refine((h) => h.timeoutSeconds < h.intervalSeconds, {
          message: 'service.healthCheck.timeoutSeconds must be below intervalSeconds',
          path: ['timeoutSeconds'],
        }),
      ...containerSettings('service'),
      deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
      stickiness: z
        .strictObject({
          enabled: z.boolean().default(false),
          durationSeconds: z.number().int().min(1).max(604800).default(3600),
        })
        .prefault({}),
    }),

    network: z
      .strictObject({
        /** Use this existing VPC (looked up at synth, cached in cdk.context.json). */
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'network.vpcId must look like vpc-0123456789abcdef0').optional(),
        /** Create a VPC with these settings. */
        create: z
          .strictObject({
            cidr: cidr.default('10.40.0.0/16'),
            maxAzs: z.number().int().min(2, 'network.create.maxAzs must be at least 2: an ALB needs two zones').max(3).default(2),
            natGateways: z.number().int().min(1, 'network.create.natGateways must be at least 1: tasks in private subnets pull images through it').max(3).default(1),
          })
          .optional(),
      })
      .prefault({})
      .refine((n) => !(n.vpcId && n.create), { message: 'network takes either vpcId (use an existing VPC) or create (make one), not both; remove one' })
      .transform((n) => (n.vpcId ? { vpcId: n.vpcId } : { create: n.create ?? { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1 } })),

    domain: z
      .strictObject({
        certificateArn: z.string().regex(ACM_ARN, 'domain.certificateArn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)'),
        domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'domain.domainName must be a DNS name such as shop.example.com'),
        hostedZone: z.strictObject({ id: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'domain.hostedZone.id must be a Route 53 zone id such as Z0123456789ABC'), name: z.string() }).optional(),
      })
      .optional(),

    loadBalancer: z
      .strictObject({
        /**
         * Refuse deleting the load balancer (CloudFormation and the console alike) until turned off.
         * @default true in the environment named production, false elsewhere (see {@link deletionProtection})
         */
        deletionProtection: z.boolean().optional(),
      })
      .prefault({}),

    /** Operators' source ranges: they may preview the idle color from here. */
    operatorCidrs: z.array(cidr).max(4, 'at most 4 operatorCidrs fit one ALB rule; merge ranges into larger blocks').default([]),

    waf: z
      .strictObject({
        mode: z.enum(['COUNT', 'BLOCK'], { error: 'waf.mode must be COUNT or BLOCK (start new rules in COUNT)' }).default('COUNT'),
        rateLimitPer5Minutes: z.number().int().min(10, 'waf.rateLimitPer5Minutes must be at least 10 (the WAF minimum)').max(2_000_000_000).default(2000),
      })
      .prefault({}),

    alarms: z
      .strictObject({
        /** 5xx responses (the targets' own and the load balancer's failed connections to them) in percent of requests. */
        errorRate: signal('alarms.errorRate', {
          ...levels(1, 5, percent('alarms.errorRate')),
          /** Below this many requests in a period the error rate reads 0, so a 1% canary cannot flap. */
          minRequests: z.number().int('alarms.errorRate.minRequests must be a whole number').min(1, 'alarms.errorRate.minRequests must be at least 1').default(20),
        }, 2).superRefine(criticalAboveWarning('alarms.errorRate')),
        /** p95 target response time, in seconds. */
        p95Latency: signal('alarms.p95Latency', levels(0.5, 2), 2).superRefine(criticalAboveWarning('alarms.p95Latency')),
        /** Any registered target failing its health check. */
        unhealthyTargets: signal('alarms.unhealthyTargets', {}, 2),
        /** Unhealthy targets in percent of registered targets. */
        healthCheckFailures: signal('alarms.healthCheckFailures', {
          enabled: z.boolean().default(true),
          criticalPercent: percent('alarms.healthCheckFailures.criticalPercent').default(50),
        }, 1),
        /** Fewer healthy targets than desired tasks (Container Insights). */
        healthyBelowDesired: signal('alarms.healthyBelowDesired', {}, 3),
        /** Tasks whose essential container exited (or that failed to start), summed over a rolling window. */
        crashLoop: z
          .strictObject({
            enabled: z.boolean().default(true),
            maxExits: z.number().int('alarms.crashLoop.maxExits must be a whole number').min(0, 'alarms.crashLoop.maxExits must be at least 0 (0: any crash rolls back)').default(3),
            windowMinutes: z.number().int('alarms.crashLoop.windowMinutes must be a whole number of minutes').min(1, 'alarms.crashLoop.windowMinutes must be at least 1').max(1440, 'alarms.crashLoop.windowMinutes must be at most 1440: CloudWatch evaluates at most one day').default(10),
          })
          .prefault({}),
        /** Average CPU of the color's tasks, in percent of the task's CPU. */
        cpu: signal('alarms.cpu', {
          enabled: z.boolean().default(true),
          criticalPercent: percent('alarms.cpu.criticalPercent').default(99),
        }, 5),
        /** Average memory of the color's tasks, in percent of the task's memory. */
        memory: signal('alarms.memory', {
          enabled: z.boolean().default(true),
          criticalPercent: percent('alarms.memory.criticalPercent').default(90),
        }, 5),
        /** Requests a minute across both colors; the level is per minute, so the period is one minute. */
        requestsPerMinute: z
          .strictObject({
            ...levels(1000, 2000),
            evaluationPeriods: evaluationPeriods('alarms.requestsPerMinute', 2),
            datapointsToAlarm: datapointsToAlarm('alarms.requestsPerMinute'),
          })
          .prefault({})
          .superRefine(criticalAboveWarning('alarms.requestsPerMinute'))
          .superRefine((e, ctx) => checkEvaluation('alarms.requestsPerMinute.', e, ctx))
          .transform(allPeriodsByDefault),
        databaseConnectionsPercent: signal('alarms.databaseConnectionsPercent', levels(80, 95, percent('alarms.databaseConnectionsPercent')), 2).superRefine(criticalAboveWarning('alarms.databaseConnectionsPercent')),
        cacheMemoryPercent: signal('alarms.cacheMemoryPercent', levels(70, 90, percent('alarms.cacheMemoryPercent')), 2).superRefine(criticalAboveWarning('alarms.cacheMemoryPercent')),
        extra: z.array(extraAlarmSchema).default([]),
        errorRatePercent: moved('alarms.errorRatePercent', 'alarms.errorRate { warning, critical }'),
        p95LatencySeconds: moved('alarms.p95LatencySeconds', 'alarms.p95Latency { warning, critical }'),
        minRequestsForErrorRate: moved('alarms.minRequestsForErrorRate', 'alarms.errorRate.minRequests'),
        evaluationPeriods: moved('alarms.evaluationPeriods', 'set per signal (alarms.errorRate.evaluationPeriods, alarms.p95Latency.evaluationPeriods, …)'),
      })
      .prefault({})
      .refine((a) => new Set(a.extra.map((e) => e.name)).size === a.extra.length, {
        message: 'alarms.extra names must be unique; rename the duplicates',
        path: ['extra'],
      })
      // The moved fields are always absent here; drop them from the type.
      .transform(({ errorRatePercent, p95LatencySeconds, minRequestsForErrorRate, evaluationPeriods, ...a }) => a),

    notifications: z
      .strictObject({
        emails: z.array(z.email('notifications.emails must be e-mail addresses')).default([]),
        pagerDutyUrl: z.url({ protocol: /^https$/, error: 'notifications.pagerDutyUrl must be an https:// URL (the PagerDuty CloudWatch integration URL)' }).optional(),
        slack: z.strictObject({ workspaceId: z.string().regex(/^[A-Z0-9]{9,11}$/, 'notifications.slack.workspaceId is the Slack team id such as T01234567'), channelId: z.string().regex(/^[A-Z0-9]{9,11}$/, 'notifications.slack.channelId is the Slack channel id such as C01234567') }).optional(),
      })
      .prefault({}),

    database: z.strictObject({
      instanceIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'database.instanceIdentifier is an RDS instance identifier such as shop-production'),
      maxConnections: z.number().int().min(1, 'database.maxConnections must be at least 1 (the max_connections of the instance)'),
      /** A snapshot younger than this is reused instead of taking a new one before a cutover. */
      snapshotMaxAgeMinutes: z.number().int().min(0).max(1440, 'database.snapshotMaxAgeMinutes must be at most 1440 (a day)').default(60),
      /** How long taking the snapshot may take before the cutover stops. */
      snapshotDeadlineMinutes: z.number().int().min(1).max(720).default(60),
    }).optional(),
    cache: z.strictObject({ clusterId: z.string().min(1) }).optional(),

    /** Maintenance mode: what clients get while writes are frozen, and how long it may last. */
    maintenance: z
      .strictObject({
        retryAfterSeconds: z.number().int().min(1).max(86400).default(120),
        contentType: z.enum(['application/json', 'text/html', 'text/plain']).default('application/json'),
        body: z.string().max(1024, 'maintenance.body must fit an ALB Lambda response comfortably (at most 1024 characters)').default('{"message":"Down for maintenance, back shortly."}'),
        maxSeconds: z.number().int().min(10).max(3600, 'maintenance.maxSeconds must be at most 3600; a longer freeze is an outage, not maintenance').default(60),
      })
      .prefault({}),

    /**
     * Final data sync: a container run to completion while maintenance mode
     * freezes writes, then an optional validation container whose exit status
     * decides. Exit 0 is success.
     */
    dataSync: oneOffTask('dataSync', 30)
      .extend({ validation: oneOffTask('dataSync.validation', 10).optional() })
      .optional(),

    /**
     * DNS cutover from a legacy endpoint: the cutover ramps a Route 53 weighted
     * record set from the legacy endpoint to the load balancer.
     */
    dns: z
      .strictObject({
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'dns.hostedZoneId must be a Route 53 zone id such as Z0123456789ABC'),
        /** The name clients resolve, such as shop.example.com. */
        recordName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'dns.recordName must be a DNS name such as shop.example.com'),
        /** What the legacy weighted record points at (its CNAME value); never deleted by a cutover. */
        legacyEndpoint: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}\.?$/, 'dns.legacyEndpoint must be the legacy host name, such as legacy-lb.example.net'),
        legacySetIdentifier: z.string().min(1).max(128).default('legacy'),
        albSetIdentifier: z.string().min(1).max(128).default('switchyard'),
      })
      .refine((d) => d.legacySetIdentifier !== d.albSetIdentifier, { message: 'dns.legacySetIdentifier and dns.albSetIdentifier must differ', path: ['albSetIdentifier'] })
      .optional(),

    /** Cutover defaults: ramp, bake, watch window, smoke checks. */
    cutover: z.prefault(cutoverDefaultsSchema, {}),

    /**
     * How each ramp step judges the new color against the old one (see the
     * README's "Judging a step"). A cutover's input may tighten it.
     */
    judge: judgeSchema,

    /**
     * IAM role ARNs that may approve or reject a cutover waiting at a gate
     * (cutover.approvals or an input's approvals): the gate function's
     * resource policy lets only them invoke it.
     */
    approverPrincipals: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'approverPrincipals are IAM role ARNs such as arn:aws:iam::123456789012:role/release-approvers'))
      .default([]),

    /** Weekly windows a cutover may start in (none: always open); pre-flight refuses a start outside them (OutsideChangeWindow). */
    changeWindows: z.array(changeWindowSchema).default([]),
    /** Freezes no cutover may start in (ChangeFreeze), such as a year-end freeze. */
    freezes: z.array(freezeSchema).default([]),
    /** A cutover expected to finish (steps times bake, plus the watch window) after its window closes: "warn", or "refuse" (WindowTooShort). */
    changeWindowOverrun: z.enum(['warn', 'refuse'], { error: 'changeWindowOverrun must be "warn" or "refuse"' }).default('warn'),

    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
  })
  .superRefine((c, ctx) => {
    if (c.judge.maxBakeSeconds < c.cutover.bakeSeconds) {
      ctx.addIssue({ code: 'custom', path: ['judge', 'maxBakeSeconds'], message: `judge.maxBakeSeconds (${c.judge.maxBakeSeconds}) is below cutover.bakeSeconds (${c.cutover.bakeSeconds}); raise it to at least one bake` });
    }
    // A cutover started with only a reason must fit one execution, whichever strategy it names.
    for (const strategy of ['canary', 'linear', 'all-at-once'] as const) {
      const window = Math.round(c.cutover.watchWindowHours * 3600);
      const plan = {
        steps: stepsFor(strategy, c.cutover.steps),
        bakeSeconds: c.cutover.bakeSeconds,
        watchWindowSeconds: window,
        checkpointSeconds: c.cutover.checkpointHours.map((h) => Math.round(h * 3600)).filter((x) => x <= window),
        watchTickSeconds: c.cutover.watchTickSeconds,
        maintenance: c.dataSync !== undefined,
        dataSync: c.dataSync !== undefined,
        judge: c.judge,
        approvals: resolveApprovals(c.cutover.approvals, undefined, stepsFor(strategy, c.cutover.steps).length).approvals,
      };
      const problems = planLimitProblems(plan, cutoverStages(c));
      if (problems.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['cutover'], message: `a ${strategy} cutover with this environment's defaults does not fit one Step Functions execution: ${problems.join('; ')}` });
        break;
      }
    }
    if (c.cutover.approvals && c.cutover.approvals.at.length > 0 && c.approverPrincipals.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['approverPrincipals'], message: 'cutover.approvals sets gates, but approverPrincipals names nobody who may approve: add the role ARNs of your approvers' });
    }
    const allowed = FARGATE_MEMORY_BY_CPU[c.service.cpu];
    if (!allowed) {
      ctx.addIssue({ code: 'custom', path: ['service', 'cpu'], message: `service.cpu must be one of ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')}` });
    } else if (!allowed.includes(c.service.memoryMiB)) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'memoryMiB'],
        message: `service.memoryMiB ${c.service.memoryMiB} does not fit cpu ${c.service.cpu}; use one of ${allowed[0]}..${allowed[allowed.length - 1]} (steps as Fargate allows)`,
      });
    }
    for (const [path, t] of [['dataSync', c.dataSync], ['dataSync.validation', c.dataSync?.validation]] as const) {
      if (t && !FARGATE_MEMORY_BY_CPU[t.cpu]?.includes(t.memoryMiB)) {
        ctx.addIssue({ code: 'custom', path: path.split('.').concat('memoryMiB'), message: `${path}: cpu ${t.cpu} with memoryMiB ${t.memoryMiB} is not a Fargate size; see service.cpu for the pairs Fargate accepts` });
      }
    }
    if (c.dns && c.domain?.hostedZone && c.domain.domainName === c.dns.recordName) {
      ctx.addIssue({
        code: 'custom',
        path: ['domain', 'hostedZone'],
        message: `${c.dns.recordName} is both domain.domainName with a hostedZone (a plain alias record) and dns.recordName (weighted records the cutover moves); remove domain.hostedZone while the legacy cutover is configured`,
      });
    }
    if (!imageAllowed(c.service.image, allowedImages(c))) {
      ctx.addIssue({ code: 'custom', path: ['service', 'allowedImages'], message: `service.image ${c.service.image} is not in service.allowedImages; add its repository (${defaultAllowedImages(c.service.image)[0]})` });
    }
    if ('vpcId' in c.network && !c.account) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'account is required with network.vpcId: looking up a VPC needs the account it lives in' });
    }
    if (c.domain && !c.domain.certificateArn.includes(`:${c.region}:`)) {
      ctx.addIssue({ code: 'custom', path: ['domain', 'certificateArn'], message: `domain.certificateArn must be in ${c.region}, the stack's region: an ALB uses certificates from its own region` });
    }
  });

/**
 * The stages every cutover of this environment passes through, at their
 * deadlines: what the state machine's timeout and the lock's lifetime add to
 * the longest ramp and watch (lambda/shared/decisions/limits.ts). The handlers
 * derive the same from their settings (stagesFromSettings).
 */
export function cutoverStages(c: {
  readonly cutover: { readonly idleDeadlineSeconds: number };
  readonly database?: { readonly snapshotDeadlineMinutes: number };
  readonly dataSync?: { readonly timeoutMinutes: number; readonly validation?: { readonly timeoutMinutes: number } };
  readonly service: { readonly deregistrationDelaySeconds: number };
}): Stages {
  return {
    idleDeadlineSeconds: c.cutover.idleDeadlineSeconds,
    backupDeadlineSeconds: (c.database?.snapshotDeadlineMinutes ?? 0) * 60,
    syncStageSeconds: c.dataSync ? syncStageSeconds({ sync: { timeoutSeconds: c.dataSync.timeoutMinutes * 60 }, validation: c.dataSync.validation && { timeoutSeconds: c.dataSync.validation.timeoutMinutes * 60 } }) : 0,
    deregistrationDelaySeconds: c.service.deregistrationDelaySeconds,
  };
}

/** Whether the load balancer refuses deletion: as configured, else only in production. */
export function deletionProtection(c: { readonly environment: string; readonly loadBalancer: { readonly deletionProtection?: boolean } }): boolean {
  return c.loadBalancer.deletionProtection ?? c.environment === 'production';
}

/** Repositories (and prefixes ending in /) a cutover may deploy from: service.allowedImages, or the repository of service.image. */
export function allowedImages(c: { readonly service: { readonly image: string; readonly allowedImages?: readonly string[] } }): string[] {
  return c.service.allowedImages ? [...c.service.allowedImages] : defaultAllowedImages(c.service.image);
}

/** Input form of the configuration (defaults not yet applied), as written in config/*.json. */
export type SwitchyardConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default applied. */
export type SwitchyardConfig = z.output<typeof configSchema>;
export type ExtraAlarmConfig = z.output<typeof extraAlarmSchema>;
/** Settings of the built-in alarms, with defaults applied. */
export type AlarmsConfig = SwitchyardConfig['alarms'];
