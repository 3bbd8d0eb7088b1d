import { z } from 'zod';
import { Color, StateParameterNames, stateParameterNames } from './colors';
import { ChangeControl, changeControlSchema, CutoverDefaults, handlerDefaultsSchema } from './cutover-config';
import { MisconfiguredFunction } from './errors';

const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const oneOffTaskSchema = z.object({ logGroup: z.string(), streamPrefix: z.string(), container: z.string(), timeoutSeconds: z.number().int().positive() });
export const dataSyncSchema = z.object({ sync: oneOffTaskSchema, validation: oneOffTaskSchema.optional() });
export type DataSyncSettings = z.output<typeof dataSyncSchema>;

export const dnsCutoverSchema = z.object({
  hostedZoneId: z.string(),
  recordName: z.string(),
  legacyEndpoint: z.string(),
  legacySetIdentifier: z.string(),
  albSetIdentifier: z.string(),
  /** The load balancer's DNS name and canonical zone: the value of the ALB's record. */
  albDnsName: z.string(),
  albHostedZoneId: z.string(),
});
export type DnsCutover = z.output<typeof dnsCutoverSchema>;

/** Environment of every Switchyard function, set by the control-plane construct. */
export const environmentSchema = z.object({
  SERVICE: z.string().min(1),
  ENVIRONMENT: z.string().min(1),
  LISTENER_ARN: z.string().min(1),
  TEST_RULE_ARN: z.string().min(1),
  CLUSTER: z.string().min(1),
  SERVICE_BLUE: z.string().min(1),
  SERVICE_GREEN: z.string().min(1),
  TARGET_GROUP_BLUE: z.string().min(1),
  TARGET_GROUP_GREEN: z.string().min(1),
  ROLLBACK_ALARM_BLUE: z.string().min(1),
  ROLLBACK_ALARM_GREEN: z.string().min(1),
  GATING_ALARMS_BLUE: list,
  GATING_ALARMS_GREEN: list,
  LOCK_TABLE: z.string().min(1),
  LEDGER_TABLE: z.string().min(1),
  CRITICAL_TOPIC_ARN: z.string().min(1),
  WARNING_TOPIC_ARN: z.string().min(1),
  TEST_TOKEN_SECRET_ARN: z.string().min(1),
  BASE_URL: z.string().url(),
  WAF_MODE: z.enum(['COUNT', 'BLOCK']).default('COUNT'),
  WAF_ACL_NAME: z.string().optional(),
  STICKINESS_SECONDS: z.coerce.number().int().positive().optional(),
  DEREGISTRATION_DELAY_SECONDS: z.coerce.number().int().min(0).default(30),
  TARGET_ERROR_RATE_PERCENT: z.coerce.number().positive().default(1),
  TARGET_P95_SECONDS: z.coerce.number().positive().default(0.5),
  /** Lambda target group serving the maintenance page. */
  MAINTENANCE_TARGET_GROUP_ARN: z.string().optional(),
  MAINTENANCE_MAX_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Value of the switchyard:maintenance tag on the rules maintenance makes; IAM lets only those be changed. */
  MAINTENANCE_TAG: z.string().optional(),
  OPERATOR_CIDRS: list.default([]),
  /** RDS instance to snapshot before the cutover changes anything; unset: no backup stage. */
  DATABASE_INSTANCE: z.string().optional(),
  SNAPSHOT_MAX_AGE_MINUTES: z.coerce.number().int().min(0).default(60),
  SNAPSHOT_DEADLINE_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Milliseconds between polls inside one invocation (rollback capacity, weight read-back). */
  POLL_MS: z.coerce.number().int().min(1).default(2000),
  CUTOVER_DEFAULTS: json(handlerDefaultsSchema),
  /** The final data sync and validation tasks: where they log, how long they may run; unset: no sync configured. */
  DATA_SYNC: json(dataSyncSchema).optional(),
  /** Route 53 weighted records the cutover ramps from a legacy endpoint; unset: no DNS cutover. */
  DNS_CUTOVER: json(dnsCutoverSchema).optional(),
  /** Change windows and freezes; unset: always open. */
  CHANGE_CONTROL: json(changeControlSchema).optional(),
});

export interface ColorSettings {
  readonly service: string;
  readonly targetGroupArn: string;
  readonly rollbackAlarm: string;
  /** Alarms that must be OK before a cutover starts (the rollback alarm and its parts). */
  readonly gatingAlarms: readonly string[];
}

export interface Settings {
  readonly service: string;
  readonly environment: string;
  readonly listenerArn: string;
  readonly testRuleArn: string;
  readonly cluster: string;
  readonly colors: Readonly<Record<Color, ColorSettings>>;
  readonly lockTable: string;
  readonly ledgerTable: string;
  readonly parameters: StateParameterNames;
  readonly topics: { readonly critical: string; readonly warning: string };
  readonly testTokenSecretArn: string;
  readonly baseUrl: string;
  readonly wafMode: 'COUNT' | 'BLOCK';
  readonly wafAclName?: string;
  readonly stickinessSeconds?: number;
  readonly deregistrationDelaySeconds: number;
  readonly checkpointTargets: { readonly errorRatePercent: number; readonly p95Seconds: number };
  readonly pollMs: number;
  readonly database?: { readonly instance: string; readonly snapshotMaxAgeMinutes: number; readonly snapshotDeadlineMinutes: number };
  readonly maintenance?: { readonly targetGroupArn: string; readonly maxSeconds: number; readonly tag: string };
  readonly operatorCidrs: readonly string[];
  readonly defaults: CutoverDefaults;
  readonly dataSync?: DataSyncSettings;
  readonly dns?: DnsCutover;
  readonly changeControl: ChangeControl;
}

/** Parses the function environment; a missing or bad variable fails loudly, naming it. */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const r = environmentSchema.safeParse(env);
  if (!r.success) {
    throw new MisconfiguredFunction(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = r.data;
  return {
    service: e.SERVICE,
    environment: e.ENVIRONMENT,
    listenerArn: e.LISTENER_ARN,
    testRuleArn: e.TEST_RULE_ARN,
    cluster: e.CLUSTER,
    colors: {
      blue: { service: e.SERVICE_BLUE, targetGroupArn: e.TARGET_GROUP_BLUE, rollbackAlarm: e.ROLLBACK_ALARM_BLUE, gatingAlarms: e.GATING_ALARMS_BLUE },
      green: { service: e.SERVICE_GREEN, targetGroupArn: e.TARGET_GROUP_GREEN, rollbackAlarm: e.ROLLBACK_ALARM_GREEN, gatingAlarms: e.GATING_ALARMS_GREEN },
    },
    lockTable: e.LOCK_TABLE,
    ledgerTable: e.LEDGER_TABLE,
    parameters: stateParameterNames(e.SERVICE, e.ENVIRONMENT),
    topics: { critical: e.CRITICAL_TOPIC_ARN, warning: e.WARNING_TOPIC_ARN },
    testTokenSecretArn: e.TEST_TOKEN_SECRET_ARN,
    baseUrl: e.BASE_URL.replace(/\/$/, ''),
    wafMode: e.WAF_MODE,
    wafAclName: e.WAF_ACL_NAME,
    stickinessSeconds: e.STICKINESS_SECONDS,
    deregistrationDelaySeconds: e.DEREGISTRATION_DELAY_SECONDS,
    checkpointTargets: { errorRatePercent: e.TARGET_ERROR_RATE_PERCENT, p95Seconds: e.TARGET_P95_SECONDS },
    pollMs: e.POLL_MS,
    maintenance: e.MAINTENANCE_TARGET_GROUP_ARN
      ? { targetGroupArn: e.MAINTENANCE_TARGET_GROUP_ARN, maxSeconds: e.MAINTENANCE_MAX_SECONDS, tag: e.MAINTENANCE_TAG ?? `${e.SERVICE}-${e.ENVIRONMENT}` }
      : undefined,
    operatorCidrs: e.OPERATOR_CIDRS,
    database: e.DATABASE_INSTANCE ? { instance: e.DATABASE_INSTANCE, snapshotMaxAgeMinutes: e.SNAPSHOT_MAX_AGE_MINUTES, snapshotDeadlineMinutes: e.SNAPSHOT_DEADLINE_MINUTES } : undefined,
    defaults: e.CUTOVER_DEFAULTS,
    dataSync: e.DATA_SYNC,
    dns: e.DNS_CUTOVER,
    changeControl: e.CHANGE_CONTROL ?? { changeWindows: [], freezes: [], changeWindowOverrun: 'warn' },
  };
}

let cached: Settings | undefined;
/** Settings of this process, read once at cold start. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
/** Forgets the cached settings (tests change the environment between cases). */
export function resetSettings(): void {
  cached = undefined;
}
