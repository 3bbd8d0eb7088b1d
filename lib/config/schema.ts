import { z } from 'zod';
import { cutoverDefaultsSchema, rampStepsSchema } from '../../lambda/shared/cutover-config';

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
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const NAME = /^[a-z][a-z0-9-]{0,28}[a-z0-9]$/;

const percent = (what: string) =>
  z.number({ error: `${what} must be a number between 0 and 100` }).gt(0, `${what} must be above 0`).max(100, `${what} must be at most 100`);

/** A warning/critical pair where critical must be the worse of the two. */
const levels = (what: string, warning: number, critical: number, inner: z.ZodNumber = z.number().positive()) =>
  z
    .strictObject({ warning: inner.default(warning), critical: inner.default(critical) })
    .prefault({})
    .refine((l) => l.critical > l.warning, {
      message: `${what}: critical must be above warning; raise critical or lower warning`,
    });

const comparison = z.enum([
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
]);

const statistic = z
  .string()
  .regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/, 'statistic must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p95');

/**
 * An extra rollback alarm on any CloudWatch metric. A dimension value of
 * `{color}` makes one alarm per color; otherwise one alarm feeds both colors.
 */
export const extraAlarmSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/, 'name must be letters and digits, starting with a letter (it becomes part of a construct id)'),
    description: z.string().max(200).optional(),
    namespace: z.string().min(1, 'namespace is required, for example "Shop/Checkout"'),
    metricName: z.string().min(1, 'metricName is required'),
    dimensions: z.record(z.string(), z.string()).default({}),
    statistic: statistic.default('Average'),
    threshold: z.number({ error: 'threshold must be a number' }),
    comparison,
    periodSeconds: z.union([z.literal(10), z.literal(30), z.number().int().min(60).multipleOf(60, 'periodSeconds above 30 must be a multiple of 60')]).default(60),
    evaluationPeriods: z.number().int().min(1).max(100).default(3),
    datapointsToAlarm: z.number().int().min(1).optional(),
    treatMissingData: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).default('notBreaching'),
  })
  .refine((a) => a.datapointsToAlarm === undefined || a.datapointsToAlarm <= a.evaluationPeriods, {
    message: 'datapointsToAlarm must not exceed evaluationPeriods; lower it or raise evaluationPeriods',
    path: ['datapointsToAlarm'],
  });

const cidr = z
  .string()
  .refine((c) => z.cidrv4().safeParse(c).success || z.cidrv6().safeParse(c).success, 'must be a CIDR block such as 203.0.113.0/24')
  .refine((c) => !/\/0$/.test(c), 'a /0 range opens the route to everyone; list your operators\' ranges instead');

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable names are upper-case letters, digits and underscores');
const injectedSecrets = z
  .array(
    z.strictObject({
      name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'secret variable names are upper-case letters, digits and underscores'),
      secretArn: z.string().regex(SECRET_ARN, 'secretArn must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx)'),
      jsonField: z.string().optional(),
    }),
  )
  .default([]);

/** A one-off container the cutover runs to completion: the final data sync, or its validation. */
const oneOffTask = (what: string, timeoutDefault: number) =>
  z.strictObject({
    image: z.string().min(1, `${what}.image is required: the container that runs, such as 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-sync:1.0`),
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
      image: z.string().min(1, 'service.image is required: the image both colors start from, such as public.ecr.aws/nginx/nginx:1.27'),
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
        requestsPerMinute: levels('alarms.requestsPerMinute', 1000, 2000),
        errorRatePercent: levels('alarms.errorRatePercent', 1, 5, percent('alarms.errorRatePercent')),
        p95LatencySeconds: levels('alarms.p95LatencySeconds', 0.5, 2),
        databaseConnectionsPercent: levels('alarms.databaseConnectionsPercent', 80, 95, percent('alarms.databaseConnectionsPercent')),
        cacheMemoryPercent: levels('alarms.cacheMemoryPercent', 70, 90, percent('alarms.cacheMemoryPercent')),
        /** Below this many requests a minute the error rate reads 0, so a 1% canary cannot flap. */
        minRequestsForErrorRate: z.number().int().min(1).default(20),
        evaluationPeriods: z.number().int().min(1).max(10).default(2),
        extra: z.array(extraAlarmSchema).default([]),
      })
      .prefault({})
      .refine((a) => new Set(a.extra.map((e) => e.name)).size === a.extra.length, {
        message: 'alarms.extra names must be unique; rename the duplicates',
        path: ['extra'],
      }),

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
    cutover: cutoverDefaultsSchema.prefault({}),

    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
  })
  .superRefine((c, ctx) => {
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
    if ('vpcId' in c.network && !c.account) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'account is required with network.vpcId: looking up a VPC needs the account it lives in' });
    }
    if (c.domain && !c.domain.certificateArn.includes(`:${c.region}:`)) {
      ctx.addIssue({ code: 'custom', path: ['domain', 'certificateArn'], message: `domain.certificateArn must be in ${c.region}, the stack's region: an ALB uses certificates from its own region` });
    }
  });

/** Input form of the configuration (defaults not yet applied), as written in config/*.json. */
export type SwitchyardConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default applied. */
export type SwitchyardConfig = z.output<typeof configSchema>;
export type ExtraAlarmConfig = z.output<typeof extraAlarmSchema>;
