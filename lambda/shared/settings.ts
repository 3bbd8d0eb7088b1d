import { AsyncLocalStorage } from 'async_hooks';
import * as z from './zod';
import { Color, StateParameterNames, stateParameterNames } from './colors';
import type { ChangeControl, CutoverDefaults } from './cutover-config';
import { MisconfiguredFunction } from './errors';
import { once } from './once';

// A schema per variable, built only for the variables a function may read
// (prepareSettings, HANDLER_ENV): the cutover and change-control schemas are
// most of a handler's initialization, and most handlers never read them.
/** One schema shared by every plain variable. */
const text = once(() => z.string().check(z.minLength(1)));
/** A comma-separated list (FROM_TEXT splits the text). */
const list = () => z.array(z.string());
/**
 * The schemas of the settings that are cutover configuration, given by the
 * modules defining them: each as a function that builds it (once) when asked.
 */
export interface ConfigSchemas {
  /** CUTOVER_DEFAULTS, whole (cutover-config.ts). */
  readonly defaults?: () => z.ZodMiniType<CutoverDefaults, unknown>;
  /** CHANGE_CONTROL (cutover-config.ts). */
  readonly changeControl?: () => z.ZodMiniType<ChangeControl, unknown>;
  /** The fields of CUTOVER_DEFAULTS a handler may read alone (HANDLER_DEFAULTS), each with its own module. */
  readonly defaultsFields?: { readonly [F in keyof CutoverDefaults]?: () => z.ZodMiniType<CutoverDefaults[F], unknown> };
}
const given: ConfigSchemas & { defaultsFields: NonNullable<ConfigSchemas['defaultsFields']> } = { defaultsFields: {} };
/**
 * Called by the modules that define configuration schemas as they load.
 * settings.ts does not import them: a function whose handler never reads
 * them neither carries their code nor builds them.
 */
export function giveConfigSchemas(schemas: ConfigSchemas): void {
  Object.assign(given, { ...schemas, defaultsFields: { ...given.defaultsFields, ...schemas.defaultsFields } });
}
function givenSchema<T>(schema: (() => T) | undefined, what: string, module: string): T {
  if (!schema) throw new MisconfiguredFunction(`${what}: this function has no schema for it; its handler must import lambda/shared/${module}`);
  return schema();
}

const oneOffTaskSchema = () => z.object({ logGroup: z.string(), streamPrefix: z.string(), container: z.string(), timeoutSeconds: z.int().check(z.positive()) });
const dataSyncSchema = () => z.object({ sync: oneOffTaskSchema(), validation: z.optional(oneOffTaskSchema()) });
export type DataSyncSettings = z.output<ReturnType<typeof dataSyncSchema>>;

const dnsCutoverSchema = () =>
  z.object({
    hostedZoneId: z.string(),
    recordName: z.string(),
    legacyEndpoint: z.string(),
    legacySetIdentifier: z.string(),
    albSetIdentifier: z.string(),
    /** The load balancer's DNS name and canonical zone: the value of the ALB's record. */
    albDnsName: z.string(),
    albHostedZoneId: z.string(),
  });
export type DnsCutover = z.output<ReturnType<typeof dnsCutoverSchema>>;

/** Environment of every Switchyard function, set by the control-plane construct: each variable's schema, built when needed. */
const environment = {
  SERVICE: text,
  ENVIRONMENT: text,
  LISTENER_ARN: text,
  TEST_RULE_ARN: text,
  CLUSTER: text,
  SERVICE_BLUE: text,
  SERVICE_GREEN: text,
  TARGET_GROUP_BLUE: text,
  TARGET_GROUP_GREEN: text,
  ROLLBACK_ALARM_BLUE: text,
  ROLLBACK_ALARM_GREEN: text,
  GATING_ALARMS_BLUE: list,
  GATING_ALARMS_GREEN: list,
  LOCK_TABLE: text,
  LEDGER_TABLE: text,
  CRITICAL_TOPIC_ARN: text,
  WARNING_TOPIC_ARN: text,
  TEST_TOKEN_SECRET_ARN: text,
  BASE_URL: () => z.url(),
  WAF_MODE: () => z._default(z.enum(['COUNT', 'BLOCK']), 'COUNT'),
  WAF_ACL_NAME: () => z.optional(z.string()),
  STICKINESS_SECONDS: () => z.optional(z.int().check(z.positive())),
  DEREGISTRATION_DELAY_SECONDS: () => z._default(z.int().check(z.gte(0)), 30),
  TARGET_ERROR_RATE_PERCENT: () => z._default(z.number().check(z.positive()), 1),
  TARGET_P95_SECONDS: () => z._default(z.number().check(z.positive()), 0.5),
  /** Lambda target group serving the maintenance page. */
  MAINTENANCE_TARGET_GROUP_ARN: () => z.optional(z.string()),
  MAINTENANCE_MAX_SECONDS: () => z._default(z.int().check(z.gte(1)), 60),
  /** Value of the switchyard:maintenance tag on the rules maintenance makes; IAM lets only those be changed. */
  MAINTENANCE_TAG: () => z.optional(z.string()),
  OPERATOR_CIDRS: () => z._default(list(), []),
  /** RDS instance to snapshot before the cutover changes anything; unset: no backup stage. */
  DATABASE_INSTANCE: () => z.optional(z.string()),
  SNAPSHOT_MAX_AGE_MINUTES: () => z._default(z.int().check(z.gte(0)), 60),
  SNAPSHOT_DEADLINE_MINUTES: () => z._default(z.int().check(z.gte(1)), 60),
  /** Repositories (exact) and prefixes (ending in /) a cutover may deploy from: service.allowedImages as JSON. */
  ALLOWED_IMAGES: () => z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  /** Milliseconds between polls inside one invocation (rollback capacity, weight read-back). */
  POLL_MS: () => z._default(z.int().check(z.gte(1)), 2000),
  CUTOVER_DEFAULTS: () => givenSchema(given.defaults, 'CUTOVER_DEFAULTS', 'cutover-config'),
  /** The final data sync and validation tasks: where they log, how long they may run; unset: no sync configured. */
  DATA_SYNC: () => z.optional(dataSyncSchema()),
  /** Route 53 weighted records the cutover ramps from a legacy endpoint; unset: no DNS cutover. */
  DNS_CUTOVER: () => z.optional(dnsCutoverSchema()),
  /** Change windows and freezes; unset: always open. */
  CHANGE_CONTROL: () => z.optional(givenSchema(given.changeControl, 'CHANGE_CONTROL', 'cutover-config')),
} satisfies Record<string, () => z.ZodMiniType>;

/**
 * How the text of a variable becomes the value its schema checks: parsed as
 * JSON, split at commas, or read as a number (as Number() reads it). Done
 * here rather than with zod pipes and coercion, which each cold start would
 * otherwise pay for as two more kinds of schema.
 */
const FROM_TEXT = {
  GATING_ALARMS_BLUE: 'list',
  GATING_ALARMS_GREEN: 'list',
  OPERATOR_CIDRS: 'list',
  STICKINESS_SECONDS: 'number',
  DEREGISTRATION_DELAY_SECONDS: 'number',
  TARGET_ERROR_RATE_PERCENT: 'number',
  TARGET_P95_SECONDS: 'number',
  MAINTENANCE_MAX_SECONDS: 'number',
  SNAPSHOT_MAX_AGE_MINUTES: 'number',
  SNAPSHOT_DEADLINE_MINUTES: 'number',
  POLL_MS: 'number',
  ALLOWED_IMAGES: 'json',
  CUTOVER_DEFAULTS: 'json',
  DATA_SYNC: 'json',
  DNS_CUTOVER: 'json',
  CHANGE_CONTROL: 'json',
} as const satisfies Partial<Record<keyof typeof environment, 'json' | 'list' | 'number'>>;

/** The value of variable `key` given its text; a message when the text is not JSON. */
export function fromText(key: string, text: string | undefined): { value: unknown } | { error: string } {
  const how = (FROM_TEXT as Partial<Record<string, 'json' | 'list' | 'number'>>)[key];
  if (text === undefined || !how) return { value: text };
  if (how === 'number') return { value: Number(text) };
  if (how === 'list') return { value: text.split(',').map((x) => x.trim()).filter(Boolean) };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'not JSON' };
  }
}

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
  /** Where a cutover may take its image from; unset only in a misconfigured function. */
  readonly allowedImages?: readonly string[];
  /** Change windows and freezes (unset: always open). */
  readonly changeControl: ChangeControl;
}

/** A variable of the function environment. */
export type EnvKey = keyof typeof environment;
type Env = { [K in EnvKey]: z.output<ReturnType<(typeof environment)[K]>> };

const schemas = new Map<string, z.ZodMiniType>();
/**
 * The schema of variable `key` as `task` reads it, built once. For
 * CUTOVER_DEFAULTS read by a HANDLER_DEFAULTS task: an object of those fields
 * alone, the others dropped.
 */
export function settingSchema(key: EnvKey, task?: HandlerTask): z.ZodMiniType {
  const fields = key === 'CUTOVER_DEFAULTS' ? defaultsFieldsOf(task) : undefined;
  const id = fields ? `${key} of ${task}` : key;
  let schema = schemas.get(id);
  if (!schema) schemas.set(id, (schema = fields ? z.object(Object.fromEntries(fields.map((f) => [f, givenSchema<z.ZodMiniType>(given.defaultsFields[f], `CUTOVER_DEFAULTS.${f}`, DEFAULTS_FIELD_MODULES[f])]))) : environment[key]()));
  return schema;
}

/**
 * Settings bundled into each function's code at synth (esbuild `define` of
 * BUNDLED_SETTINGS_DEFINE, lib/constructs/cutover-functions.ts) instead of its
 * environment, which Lambda limits to 4 KB: the plain-text JSON and lists that
 * grow with the configuration (smoke checks, judge, change windows, extra
 * alarms). A value holding a deploy-time reference stays in the environment.
 */
export const BUNDLED_SETTINGS = ['CUTOVER_DEFAULTS', 'CHANGE_CONTROL', 'ALLOWED_IMAGES', 'DATA_SYNC', 'GATING_ALARMS_BLUE', 'GATING_ALARMS_GREEN'] as const satisfies readonly EnvKey[];
/** The identifier esbuild replaces, in a function's bundle, with its bundled settings as JSON text. */
export const BUNDLED_SETTINGS_DEFINE = 'SWITCHYARD_BUNDLED_SETTINGS';
declare const SWITCHYARD_BUNDLED_SETTINGS: string | undefined;
/**
 * This bundle's settings; outside a bundle (tests, the rehearsal, the CLI) none, and the environment holds them.
 * They are not validated again at run time: synth checked each with the schema this function would use
 * (bundledSettingsProblems, lib/bundled-settings.ts), and they are part of the code, which
 * only a new synth changes. A variable the environment also sets is read from there, and validated.
 */
// Parsed once: prepareSettings reads it as the module loads, parseSettings at the first settings().
const bundledSettings = once((): Record<string, string> => (typeof SWITCHYARD_BUNDLED_SETTINGS === 'string' ? (JSON.parse(SWITCHYARD_BUNDLED_SETTINGS) as Record<string, string>) : {}));
/** Whether `key` is read from the bundle as it is (the environment does not set it), rather than validated. */
const takenFromBundle = (key: EnvKey, env: Record<string, string | undefined>, bundled: Record<string, string>): boolean => env[key] === undefined && bundled[key] !== undefined;

// What the shared modules read on a handler's behalf.
const IDENTITY = ['SERVICE', 'ENVIRONMENT'] as const satisfies readonly EnvKey[];
/** stagesFromSettings: the plan's limits. */
const STAGES = ['CUTOVER_DEFAULTS', 'DATABASE_INSTANCE', 'SNAPSHOT_MAX_AGE_MINUTES', 'SNAPSHOT_DEADLINE_MINUTES', 'DATA_SYNC', 'DEREGISTRATION_DELAY_SECONDS'] as const satisfies readonly EnvKey[];
/** lambda/shared/maintenance.ts. */
const MAINTENANCE = [...IDENTITY, 'LISTENER_ARN', 'LOCK_TABLE', 'LEDGER_TABLE', 'WARNING_TOPIC_ARN', 'TEST_TOKEN_SECRET_ARN', 'OPERATOR_CIDRS', 'MAINTENANCE_TARGET_GROUP_ARN', 'MAINTENANCE_MAX_SECONDS', 'MAINTENANCE_TAG'] as const satisfies readonly EnvKey[];
const COLOR_SERVICES = ['SERVICE_BLUE', 'SERVICE_GREEN'] as const satisfies readonly EnvKey[];
const TARGET_GROUPS = ['TARGET_GROUP_BLUE', 'TARGET_GROUP_GREEN'] as const satisfies readonly EnvKey[];
const ROLLBACK_ALARMS = ['ROLLBACK_ALARM_BLUE', 'ROLLBACK_ALARM_GREEN'] as const satisfies readonly EnvKey[];
/** lambda/shared/rollback.ts. */
const ROLLBACK = [...IDENTITY, 'LISTENER_ARN', 'TEST_RULE_ARN', 'CLUSTER', ...COLOR_SERVICES, ...TARGET_GROUPS, 'LOCK_TABLE', 'LEDGER_TABLE', 'CRITICAL_TOPIC_ARN', 'STICKINESS_SECONDS', 'POLL_MS', 'DNS_CUTOVER'] as const satisfies readonly EnvKey[];

/**
 * The variables each handler reads (through settings() and the shared
 * modules it calls), by task folder under lambda/. The control stack gives
 * each function only these, of those it sets; inside a handler, reading a
 * setting whose variable is not listed fails as MisconfiguredFunction naming
 * it, so a list that is too short fails every test that takes that path.
 */
export const HANDLER_ENV = {
  'validate-input': ['ALLOWED_IMAGES', 'DNS_CUTOVER', 'CHANGE_CONTROL', ...STAGES],
  lock: [...MAINTENANCE, 'CRITICAL_TOPIC_ARN', ...STAGES],
  preflight: [...IDENTITY, 'LISTENER_ARN', 'CLUSTER', ...COLOR_SERVICES, ...TARGET_GROUPS, 'GATING_ALARMS_BLUE', 'GATING_ALARMS_GREEN', 'LEDGER_TABLE', 'WARNING_TOPIC_ARN', 'WAF_MODE', 'WAF_ACL_NAME', 'DNS_CUTOVER'],
  'deploy-idle': [...IDENTITY, 'CLUSTER', ...COLOR_SERVICES, ...TARGET_GROUPS, 'LEDGER_TABLE', 'CUTOVER_DEFAULTS'],
  'smoke-test': [...IDENTITY, 'TEST_RULE_ARN', ...TARGET_GROUPS, 'LEDGER_TABLE', 'TEST_TOKEN_SECRET_ARN', 'BASE_URL', 'CUTOVER_DEFAULTS'],
  traffic: [...IDENTITY, 'LISTENER_ARN', ...TARGET_GROUPS, ...ROLLBACK_ALARMS, 'LOCK_TABLE', 'LEDGER_TABLE', 'CRITICAL_TOPIC_ARN', 'STICKINESS_SECONDS', 'POLL_MS', 'DNS_CUTOVER'],
  promote: [...IDENTITY, 'TEST_RULE_ARN', ...TARGET_GROUPS, 'LOCK_TABLE', 'LEDGER_TABLE', 'WARNING_TOPIC_ARN'],
  watch: [...IDENTITY, 'LISTENER_ARN', ...TARGET_GROUPS, ...ROLLBACK_ALARMS, 'LOCK_TABLE', 'LEDGER_TABLE', 'TARGET_ERROR_RATE_PERCENT', 'TARGET_P95_SECONDS'],
  'scale-down': [...IDENTITY, 'LISTENER_ARN', 'CLUSTER', ...COLOR_SERVICES, ...TARGET_GROUPS, 'LEDGER_TABLE', 'CUTOVER_DEFAULTS'],
  maintenance: MAINTENANCE,
  'data-sync': [...MAINTENANCE, 'CRITICAL_TOPIC_ARN', 'DATA_SYNC'],
  backup: [...IDENTITY, 'LEDGER_TABLE', 'DATABASE_INSTANCE', 'SNAPSHOT_MAX_AGE_MINUTES', 'SNAPSHOT_DEADLINE_MINUTES'],
  rollback: ROLLBACK,
  'alarm-handler': [...ROLLBACK, ...ROLLBACK_ALARMS, 'CUTOVER_DEFAULTS'],
  gate: [...IDENTITY, 'LISTENER_ARN', ...TARGET_GROUPS, ...ROLLBACK_ALARMS, 'LOCK_TABLE', 'LEDGER_TABLE', 'CRITICAL_TOPIC_ARN', 'WARNING_TOPIC_ARN'],
  pause: [...IDENTITY, 'LISTENER_ARN', ...TARGET_GROUPS, 'LOCK_TABLE', 'LEDGER_TABLE', 'CRITICAL_TOPIC_ARN', 'WARNING_TOPIC_ARN', 'CUTOVER_DEFAULTS'],
} as const satisfies Record<string, readonly EnvKey[]>;
export type HandlerTask = keyof typeof HANDLER_ENV;

/** The fields of CUTOVER_DEFAULTS, every one (the type checks none is missing). */
const DEFAULTS_FIELDS = ['steps', 'bakeSeconds', 'watchWindowHours', 'checkpointHours', 'watchTickSeconds', 'minRequestsPerStep', 'idleDeadlineSeconds', 'scaleDownOldColor', 'smoke', 'approvals', 'pause', 'judge'] as const satisfies readonly (keyof CutoverDefaults)[];
const _allDefaultsFields: Exclude<keyof CutoverDefaults, (typeof DEFAULTS_FIELDS)[number]> extends never ? true : never = true;
void _allDefaultsFields;

/** Where the schema of each field of CUTOVER_DEFAULTS a handler may read alone is defined (it gives it to giveConfigSchemas). */
const DEFAULTS_FIELD_MODULES = { idleDeadlineSeconds: 'cutover-fields', scaleDownOldColor: 'cutover-fields', smoke: 'smoke-config', pause: 'pause-config', judge: 'judge-config' } as const satisfies Partial<Record<keyof CutoverDefaults, string>>;

/**
 * The handlers that read only some fields of CUTOVER_DEFAULTS: they validate
 * those (each with the schema the whole uses) and reading any other fails as
 * MisconfiguredFunction naming it. The others validate the whole (validate-input
 * also checks how its fields fit together when it makes the plan).
 */
export const HANDLER_DEFAULTS = {
  lock: ['idleDeadlineSeconds'],
  'deploy-idle': ['idleDeadlineSeconds'],
  'smoke-test': ['smoke'],
  'scale-down': ['scaleDownOldColor'],
  pause: ['pause'],
  'alarm-handler': ['judge'],
} as const satisfies Partial<Record<HandlerTask, readonly (keyof typeof DEFAULTS_FIELD_MODULES)[]>>;
/** The fields of CUTOVER_DEFAULTS that `task` validates alone (HANDLER_DEFAULTS); undefined when it validates the whole. */
export const defaultsFieldsOf = (task: HandlerTask | undefined): readonly (keyof typeof DEFAULTS_FIELD_MODULES)[] | undefined => (task && task in HANDLER_DEFAULTS ? HANDLER_DEFAULTS[task as keyof typeof HANDLER_DEFAULTS] : undefined);

/** A plain object whose fields are computed on first read. */
function lazy<T extends object>(fields: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const [k, f] of Object.entries(fields) as Array<[string, () => unknown]>) {
    let done = false;
    let value: unknown;
    Object.defineProperty(out, k, { enumerable: true, get: () => (done ? value : ((value = f()), (done = true), value)) });
  }
  return out;
}

/**
 * The settings of a function environment, each read and checked when first
 * used: a missing or bad variable fails loudly, naming it. With `task`, only
 * the variables HANDLER_ENV lists for it may be read, whatever else `env` holds.
 * A variable `env` lacks is read from `bundled` (by default this bundle's own).
 */
export function parseSettings(env: Record<string, string | undefined>, task?: HandlerTask, bundled: Record<string, string> = bundledSettings()): Settings {
  const allowed: ReadonlySet<string> | undefined = task ? new Set(HANDLER_ENV[task]) : undefined;
  const read = <K extends EnvKey>(key: K): Env[K] => {
    if (allowed && !allowed.has(key)) throw new MisconfiguredFunction(`${task} reads ${key}, which is not in its environment; add it to HANDLER_ENV['${task}'] (lambda/shared/settings.ts)`);
    const value = fromText(key, env[key] ?? bundled[key]);
    if ('error' in value) throw new MisconfiguredFunction(`${key}: ${value.error}`);
    if (takenFromBundle(key, env, bundled)) return value.value as Env[K];
    const r = settingSchema(key, task).safeParse(value.value);
    if (!r.success) throw new MisconfiguredFunction(`${key}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    return r.data as Env[K];
  };
  const color = (c: Color) =>
    lazy<ColorSettings>({
      service: () => read(c === 'blue' ? 'SERVICE_BLUE' : 'SERVICE_GREEN'),
      targetGroupArn: () => read(c === 'blue' ? 'TARGET_GROUP_BLUE' : 'TARGET_GROUP_GREEN'),
      rollbackAlarm: () => read(c === 'blue' ? 'ROLLBACK_ALARM_BLUE' : 'ROLLBACK_ALARM_GREEN'),
      gatingAlarms: () => read(c === 'blue' ? 'GATING_ALARMS_BLUE' : 'GATING_ALARMS_GREEN'),
    });
  const colors = { blue: color('blue'), green: color('green') };
  return lazy<Settings>({
    service: () => read('SERVICE'),
    environment: () => read('ENVIRONMENT'),
    listenerArn: () => read('LISTENER_ARN'),
    testRuleArn: () => read('TEST_RULE_ARN'),
    cluster: () => read('CLUSTER'),
    colors: () => colors,
    lockTable: () => read('LOCK_TABLE'),
    ledgerTable: () => read('LEDGER_TABLE'),
    parameters: () => stateParameterNames(read('SERVICE'), read('ENVIRONMENT')),
    topics: () => lazy<Settings['topics']>({ critical: () => read('CRITICAL_TOPIC_ARN'), warning: () => read('WARNING_TOPIC_ARN') }),
    testTokenSecretArn: () => read('TEST_TOKEN_SECRET_ARN'),
    baseUrl: () => read('BASE_URL').replace(/\/$/, ''),
    wafMode: () => read('WAF_MODE'),
    wafAclName: () => read('WAF_ACL_NAME'),
    stickinessSeconds: () => read('STICKINESS_SECONDS'),
    deregistrationDelaySeconds: () => read('DEREGISTRATION_DELAY_SECONDS'),
    checkpointTargets: () => ({ errorRatePercent: read('TARGET_ERROR_RATE_PERCENT'), p95Seconds: read('TARGET_P95_SECONDS') }),
    pollMs: () => read('POLL_MS'),
    maintenance: () => {
      const targetGroupArn = read('MAINTENANCE_TARGET_GROUP_ARN');
      return targetGroupArn ? { targetGroupArn, maxSeconds: read('MAINTENANCE_MAX_SECONDS'), tag: read('MAINTENANCE_TAG') ?? `${read('SERVICE')}-${read('ENVIRONMENT')}` } : undefined;
    },
    operatorCidrs: () => read('OPERATOR_CIDRS'),
    database: () => {
      const instance = read('DATABASE_INSTANCE');
      return instance ? { instance, snapshotMaxAgeMinutes: read('SNAPSHOT_MAX_AGE_MINUTES'), snapshotDeadlineMinutes: read('SNAPSHOT_DEADLINE_MINUTES') } : undefined;
    },
    defaults: () => {
      const fields = defaultsFieldsOf(task);
      if (!fields) return read('CUTOVER_DEFAULTS');
      const some = read('CUTOVER_DEFAULTS') as Record<string, unknown>;
      const field = (f: string) => () => {
        if (!(fields as readonly string[]).includes(f)) throw new MisconfiguredFunction(`${task} reads CUTOVER_DEFAULTS.${f}, which it does not validate; add it to HANDLER_DEFAULTS['${task}'] (lambda/shared/settings.ts)`);
        return some[f];
      };
      return lazy<CutoverDefaults>(Object.fromEntries(DEFAULTS_FIELDS.map((f) => [f, field(f)])) as { [K in keyof CutoverDefaults]: () => CutoverDefaults[K] });
    },
    dataSync: () => read('DATA_SYNC'),
    dns: () => read('DNS_CUTOVER'),
    allowedImages: () => read('ALLOWED_IMAGES'),
    changeControl: () => read('CHANGE_CONTROL') ?? { changeWindows: [], freezes: [], changeWindowOverrun: 'warn' },
  });
}

// The handler running now (handler.ts sets it around each invocation), so
// settings() reads only what that handler's function is given.
const running = new AsyncLocalStorage<HandlerTask>();

/**
 * Builds, as the function's module initializes, the schemas of the variables
 * `task` may read (HANDLER_ENV) and will validate, and no others: not those of
 * other functions, nor of those its bundle holds (checked at synth) unless
 * the environment overrides them. Its cold start pays for what it validates.
 */
export function prepareSettings(task: string, env: Record<string, string | undefined> = process.env, bundled: Record<string, string> = bundledSettings()): void {
  if (!(task in HANDLER_ENV)) return;
  for (const key of HANDLER_ENV[task as HandlerTask]) if (!takenFromBundle(key, env, bundled)) settingSchema(key, task as HandlerTask);
}
/** Runs `body` as handler `task`: settings() inside it reads only HANDLER_ENV[task]. */
export function asTask<T>(task: string, body: () => Promise<T>): Promise<T> {
  return task in HANDLER_ENV ? running.run(task as HandlerTask, body) : body();
}

const cached = new Map<string, Settings>();
/** Settings of this process (of the running handler), read once at cold start. */
export function settings(): Settings {
  const task = running.getStore();
  const key = task ?? '';
  let s = cached.get(key);
  if (!s) cached.set(key, (s = parseSettings(process.env, task)));
  return s;
}
/** Forgets the cached settings (tests change the environment between cases). */
export function resetSettings(): void {
  cached.clear();
}
