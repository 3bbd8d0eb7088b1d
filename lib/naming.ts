import { createHash } from 'crypto';
import { Color, COLORS } from '../lambda/shared/colors';

/**
 * Every physical name Switchyard gives a resource, built in one place from the
 * environment's prefix (`<service>-<environment>`, at most 61 characters, as
 * the schema allows).
 *
 * A name is `<prefix>-<suffix>` whenever that fits the resource's limit, so
 * short prefixes keep the names operators (and the rehearsal) know. When it
 * does not fit, the prefix is shortened first and a short stable hash of the
 * whole prefix is added, then the suffix (a color, a task) is appended intact:
 * `inventory-mgmt-serv-1a2b3c-blue`. So two colors never share a name, two
 * long prefixes that start alike do not collide, and no name ends in a hyphen.
 */

/** Length limits (characters) of the named resources, from each service's quotas. */
export const NAME_LIMITS = {
  targetGroup: 32,
  loadBalancer: 32,
  lambdaFunction: 64,
  iamRole: 64,
  eventRule: 64,
  stateMachine: 80,
  sqsQueue: 80,
  stack: 128,
  managedPolicy: 128,
  wafWebAcl: 128,
  wafMetric: 128,
  chatbotConfiguration: 128,
  ecsCluster: 255,
  ecsService: 255,
  taskFamily: 255,
  alarm: 255,
  dashboard: 255,
  snsTopic: 256,
  logGroup: 512,
  metricFilter: 512,
} as const;
export type NamedKind = keyof typeof NAME_LIMITS;

/** Hex characters of the prefix hash added to a shortened name. */
export const HASH_LENGTH = 6;

/** Stable short hash of a prefix: the first {@link HASH_LENGTH} hex digits of its SHA-256. */
export function prefixHash(prefix: string): string {
  return createHash('sha256').update(prefix).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * `<prefix>-<suffix>` within `limit` characters. `room` is the longest suffix
 * of the family the name belongs to (both colors, every task), so every member
 * shortens its prefix the same way or not at all. An empty suffix names the
 * prefix alone. Pure.
 */
export function fitName(prefix: string, suffix: string, limit: number, room = suffix.length): string {
  if (/^-|-$/.test(prefix) || prefix.length === 0) throw new Error(`name prefix "${prefix}" must be non-empty and neither start nor end with a hyphen`);
  if (/^-|-$/.test(suffix)) throw new Error(`name suffix "${suffix}" must neither start nor end with a hyphen`);
  const tail = suffix ? 1 + Math.max(room, suffix.length) : 0;
  const join = (head: string) => (suffix ? `${head}-${suffix}` : head);
  if (prefix.length + tail <= limit) return join(prefix);
  const budget = limit - tail - 1 - HASH_LENGTH;
  const head = prefix.slice(0, budget).replace(/-+$/, '');
  if (head.length === 0) throw new Error(`cannot fit "${prefix}" with "${suffix}" into ${limit} characters`);
  return join(`${head}-${prefixHash(prefix)}`);
}

/** A name built from a template that cannot pass its limit for any valid prefix; checked anyway. */
function within(name: string, limit: number): string {
  if (name.length > limit) throw new Error(`resource name "${name}" is ${name.length} characters, above the limit of ${limit}`);
  return name;
}

const COLOR_ROOM = Math.max(...COLORS.map((c) => c.length));
/** Longest Lambda task folder name: every function of an environment shortens alike. */
const FUNCTION_ROOM = 'maintenance-page'.length;
const SEVERITY_ROOM = 'critical'.length;

/** The physical names of one environment's resources. */
export class ResourceNames {
  /** `<service>-<environment>`: tags, log-group paths and stack names start with it. */
  public readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** Names for `service` in `environment`. */
  public static of(service: string, environment: string): ResourceNames {
    return new ResourceNames(`${service}-${environment}`);
  }

  /** CloudFormation stack of one part (`state`, `platform`, `control`). */
  public stack(part: 'state' | 'platform' | 'control'): string {
    return fitName(this.prefix, part, NAME_LIMITS.stack, 'platform'.length);
  }

  public cluster(): string {
    return fitName(this.prefix, '', NAME_LIMITS.ecsCluster);
  }

  /** A color's ECS service; its task family has the same name. */
  public colorService(color: Color): string {
    return fitName(this.prefix, color, NAME_LIMITS.ecsService, COLOR_ROOM);
  }

  public taskFamily(color: Color): string {
    return fitName(this.prefix, color, NAME_LIMITS.taskFamily, COLOR_ROOM);
  }

  public targetGroup(color: Color): string {
    return fitName(this.prefix, color, NAME_LIMITS.targetGroup, COLOR_ROOM);
  }

  public colorLogGroup(color: Color): string {
    return within(`/switchyard/${this.prefix}/${color}`, NAME_LIMITS.logGroup);
  }

  /** Task family of a one-off data-sync stage (`sync`, `validation`). */
  public oneOffFamily(stage: string): string {
    return fitName(this.prefix, stage, NAME_LIMITS.taskFamily, 'validation'.length);
  }

  public oneOffLogGroup(stage: string): string {
    return within(`/switchyard/${this.prefix}/${stage}`, NAME_LIMITS.logGroup);
  }

  /** A Lambda function of a task folder under lambda/. */
  public lambdaFunction(task: string): string {
    return fitName(this.prefix, task, NAME_LIMITS.lambdaFunction, FUNCTION_ROOM);
  }

  /** The log group Lambda writes a function's logs to. */
  public lambdaLogGroup(task: string): string {
    return within(`/aws/lambda/${this.lambdaFunction(task)}`, NAME_LIMITS.logGroup);
  }

  public stateMachine(kind: 'cutover' | 'rollback'): string {
    return fitName(this.prefix, kind, NAME_LIMITS.stateMachine, 'rollback'.length);
  }

  /** Step Functions vended logs go under /aws/vendedlogs/ (its resource-policy size limit). */
  public stateMachineLogGroup(kind: 'cutover' | 'rollback'): string {
    return within(`/aws/vendedlogs/states/${this.stateMachine(kind)}`, NAME_LIMITS.logGroup);
  }

  public topic(severity: 'critical' | 'warning'): string {
    return fitName(this.prefix, severity, NAME_LIMITS.snsTopic, SEVERITY_ROOM);
  }

  public chatbotConfiguration(): string {
    return fitName(this.prefix, 'alerts', NAME_LIMITS.chatbotConfiguration);
  }

  public dashboard(): string {
    return fitName(this.prefix, 'cutover', NAME_LIMITS.dashboard);
  }

  public webAcl(): string {
    return fitName(this.prefix, 'acl', NAME_LIMITS.wafWebAcl);
  }

  /** WAF requires its log group's name to start with aws-waf-logs-. */
  public wafLogGroup(): string {
    return within(`aws-waf-logs-${this.prefix}`, NAME_LIMITS.logGroup);
  }

  /** CloudWatch metric name of a WAF rule (letters, digits and hyphens). */
  public wafMetric(rule: string): string {
    return fitName(this.prefix, rule.replace(/[^A-Za-z0-9-]/g, ''), NAME_LIMITS.wafMetric);
  }

  /** EventBridge's console lists only /aws/events/ groups as targets. */
  public taskExitLogGroup(): string {
    return within(`/aws/events/switchyard/${this.prefix}/task-exits`, NAME_LIMITS.logGroup);
  }

  public taskExitFilter(color: Color): string {
    return fitName(this.prefix, `${color}-task-exits`, NAME_LIMITS.metricFilter, `${'green'}-task-exits`.length);
  }
}
