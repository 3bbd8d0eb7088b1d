import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { COLORS } from '../lambda/shared/colors';
import { deletionProtection, SwitchyardConfig } from './config/schema';
import type { SwitchyardStacks } from './stacks/switchyard-stacks';

/**
 * Organisation guardrails at synth: AWS Control Tower's proactive controls,
 * which organisations enforce with CloudFormation hooks at deploy time, run
 * by cfn-guard over every template when the app synthesizes. A violation
 * fails `cdk synth` unless an exemption below covers it; the validation
 * report lists the exempted ones with their reasons.
 */

/** The plugin's name; a violation's id is `<name>::<rule>`, as acknowledgments name it. */
export const GUARDRAILS_PLUGIN = 'cdk-validator-cfnguard';

const RULES_METADATA = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'metadata');

let ruleTypesCache: ReadonlyMap<string, readonly string[]> | undefined;
/** Each bundled control's rule file (such as ct-s3-pr-1) with the resource types it evaluates. */
export function controlResourceTypes(): ReadonlyMap<string, readonly string[]> {
  if (!ruleTypesCache) {
    const out = new Map<string, readonly string[]>();
    for (const service of fs.readdirSync(RULES_METADATA)) {
      for (const file of fs.readdirSync(path.join(RULES_METADATA, service))) {
        const m = JSON.parse(fs.readFileSync(path.join(RULES_METADATA, service, file), 'utf8')) as { EvaluatedResourceTypes?: string[] };
        out.set(file.replace(/\.metadata\.json$/, ''), m.EvaluatedResourceTypes ?? []);
      }
    }
    ruleTypesCache = out;
  }
  return ruleTypesCache;
}

/**
 * The rule files that evaluate none of `present`: each would only skip. A rule
 * whose types are not listed is kept.
 */
export function rulesWithNothingToEvaluate(present: ReadonlySet<string>): string[] {
  return [...controlResourceTypes()].filter(([, types]) => types.length > 0 && !types.some((t) => present.has(t))).map(([rule]) => rule);
}

/** The resource types a template holds. */
function resourceTypes(templatePath: string): Set<string> {
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Resources?: Record<string, { Type: string }> };
  return new Set(Object.values(template.Resources ?? {}).map((r) => r.Type));
}

/**
 * Every bundled Control Tower control, through `@cdklabs/cdk-validator-cfnguard`.
 * cfn-guard's time grows with rules times templates, so each template is checked
 * on its own against only the controls for the resource types it holds (the
 * others would skip): about half the CPU time of one run of every kept control
 * over every template, with the same findings, as cfn-guard checks each template alone.
 */
export class ControlTowerGuardrails implements IPolicyValidationPluginBeta1 {
  public readonly name = GUARDRAILS_PLUGIN;
  public readonly version = new CfnGuardValidator({ controlTowerRulesEnabled: false }).version;

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const reports = context.templatePaths.flatMap((file) => {
      const disabledRules = rulesWithNothingToEvaluate(resourceTypes(file));
      // No control evaluates anything this template holds (cfn-guard refuses a run without rules).
      if (disabledRules.length === controlResourceTypes().size) return [];
      return [new CfnGuardValidator({ disabledRules }).validate({ ...context, templatePaths: [file] })];
    });
    return {
      success: reports.every((r) => r.success),
      // The plugin sets no severity. Once any violation is acknowledged, aws-cdk-lib
      // recomputes success from the rest and counts only those marked error or fatal,
      // so unmarked violations would pass synth unseen.
      violations: reports.flatMap((r) => r.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' }))),
    };
  }
}

/** One exemption from a control, with why it does not apply here. */
export interface GuardrailExemption {
  /** cfn-guard rule name, as the validation report prints it. */
  readonly rule: string;
  /** The Control Tower control, such as CT.LAMBDA.PR.3. */
  readonly control: string;
  /** Why the control does not apply to what it covers. */
  readonly reason: (c: SwitchyardConfig) => string;
  /**
   * What the exemption covers in an app built from `c`: single resources, or
   * whole stacks for a control that holds nowhere in them. Empty when it does
   * not apply to this configuration.
   */
  readonly covers: (s: SwitchyardStacks, c: SwitchyardConfig) => IConstruct[];
}

const everyStack = (s: SwitchyardStacks) => [s.state, s.platform, s.control];
const taskDefinitions = (s: SwitchyardStacks, c: SwitchyardConfig, holds: (t: { readonly user?: string; readonly readonlyRootFilesystem: boolean }) => boolean) => [
  ...(holds(c.service) ? [] : COLORS.map((x) => s.platform.colors[x].taskDefinition)),
  ...(c.dataSync && s.control.dataSync && !holds(c.dataSync) ? [s.control.dataSync.sync.taskDefinition] : []),
  ...(c.dataSync?.validation && s.control.dataSync?.validation && !holds(c.dataSync.validation) ? [s.control.dataSync.validation.taskDefinition] : []),
];

/** Every exemption, in one place. */
export const GUARDRAIL_EXEMPTIONS: readonly GuardrailExemption[] = [
  {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    reason: () =>
      'The functions (the cutover handlers, the deploy guard, the maintenance page and CDK\'s custom-resource providers) call only AWS APIs and reach nothing inside the VPC; putting them in one would add NAT or VPC endpoints, and with them a failure mode, to the rollback path.',
    covers: everyStack,
  },
  {
    rule: 'cloudwatch_log_group_retention_period_check',
    control: 'CT.CLOUDWATCH.PR.2',
    reason: (c) =>
      `Every log group keeps its events for logRetentionDays, ${c.logRetentionDays} days in this environment, below the control's year; set logRetentionDays to 365 or more where your organisation enforces CT.CLOUDWATCH.PR.2.`,
    covers: (s, c) => (c.logRetentionDays < 365 ? everyStack(s).flatMap((x) => x.node.findAll().filter((n) => n instanceof logs.CfnLogGroup)) : []),
  },
  {
    rule: 'cloudwatch_alarm_action_check',
    control: 'CT.CLOUDWATCH.PR.1',
    reason: () =>
      'A critical signal of one color: it feeds that color\'s composite rollback alarm, which pages the critical topic and rolls traffic back; an action here as well would page twice for one problem.',
    covers: (s) => [...new Set(COLORS.flatMap((x) => s.platform.monitoring.colors[x].criticalAlarms))],
  },
  {
    rule: 'alb_http_to_https_redirection_check',
    control: 'CT.ELASTICLOADBALANCING.PR.1',
    reason: () =>
      'No certificate is configured, so the production listener serves plain HTTP on port 80 and has no HTTPS listener to redirect to; set domain.certificateArn to serve HTTPS on 443 with port 80 redirecting.',
    covers: (s, c) => (c.domain ? [] : [s.platform.router.productionListener]),
  },
  {
    rule: 'elbv2_deletion_protection_enabled_check',
    control: 'CT.ELASTICLOADBALANCING.PR.5',
    reason: (c) =>
      `Deletion protection is off in ${c.environment} (loadBalancer.deletionProtection; on by default only in production), so the environment can be torn down with cdk destroy.`,
    covers: (s, c) => (deletionProtection(c) ? [] : [s.platform.router.loadBalancer]),
  },
  {
    rule: 'ecs_task_definition_nonroot_user_check',
    control: 'CT.ECS.PR.3',
    reason: () =>
      'No user is configured, so the container runs as its image\'s own user (the nginx image starts as root to bind port 80, then serves as nginx); set service.user (or dataSync.user) to a non-root user where the image allows it.',
    covers: (s, c) => taskDefinitions(s, c, (t) => t.user !== undefined),
  },
  {
    rule: 'ecs_containers_readonly_access_check',
    control: 'CT.ECS.PR.6',
    reason: () =>
      'readonlyRootFilesystem is turned off in the configuration because the image writes outside its scratch paths; list the directories it writes in scratchPaths and turn readonlyRootFilesystem back on.',
    covers: (s, c) => taskDefinitions(s, c, (t) => t.readonlyRootFilesystem),
  },
  {
    rule: 'lambda_function_public_access_prohibited_check',
    control: 'CT.LAMBDA.PR.2',
    reason: () =>
      'Elastic Load Balancing checks this invoke permission when the Lambda target is registered, so the permission must exist before the target group and cannot name it (the two would depend on each other); the function only returns the static maintenance page.',
    covers: (s) => [s.platform.maintenancePage],
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    control: 'CT.S3.PR.10',
    reason: () => 'Load balancer access-log delivery supports only S3-managed keys (SSE-S3); it cannot write to a bucket encrypted with a KMS key.',
    covers: (s) => [s.platform.router.accessLogBucket],
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    control: 'CT.S3.PR.2',
    reason: () => 'This bucket is itself the access-log destination of the load balancer; logging it into another bucket would add a chain of log buckets with no reader.',
    covers: (s) => [s.platform.router.accessLogBucket],
  },
  {
    rule: 's3_bucket_object_lock_enabled_check',
    control: 'CT.S3.PR.9',
    reason: () =>
      'Access logs are diagnostic and expire by a lifecycle rule; the bucket is versioned so a deleted log stays recoverable, and object lock would add retention holds that block tearing an environment down.',
    covers: (s) => [s.platform.router.accessLogBucket],
  },
  {
    rule: 's3_event_notifications_enabled_check',
    control: 'CT.S3.PR.4',
    reason: () => 'Nothing acts on a new access-log object: the logs are read on demand when investigating. Notifications would need a destination with no consumer.',
    covers: (s) => [s.platform.router.accessLogBucket],
  },
  {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    reason: () => 'This queue is the dead-letter queue of the alarm-rollback rule\'s target; a dead-letter queue of its own would only move the same messages again.',
    covers: (s) => [s.control.alarmRollback.deadLetterQueue],
  },
];

/** Acknowledges each exemption on what it covers in this app, with its reason. */
export function acknowledgeGuardrailExemptions(stacks: SwitchyardStacks, config: SwitchyardConfig): void {
  for (const e of GUARDRAIL_EXEMPTIONS) {
    for (const target of e.covers(stacks, config)) {
      Validations.of(target).acknowledge({ id: `${GUARDRAILS_PLUGIN}::${e.rule}`, reason: `${e.control}: ${e.reason(config)}` });
    }
  }
}
