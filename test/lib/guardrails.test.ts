import { App, IPolicyValidationContextBeta1 } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listEnvironments, loadConfig } from '../../lib/config/load';
import { SwitchyardConfig } from '../../lib/config/schema';
import { ControlTowerGuardrails, controlResourceTypes, GUARDRAIL_EXEMPTIONS, GUARDRAILS_PLUGIN, rulesWithNothingToEvaluate } from '../../lib/guardrails';
import { buildSwitchyard, SwitchyardStacks } from '../../lib/switchyard';
import { newApp } from '../helpers/synth';

interface Reported {
  ruleName: string;
  reason?: string;
  acknowledgedId?: string;
  violatingConstructs: Array<{ constructPath: string; cloudFormationResource?: { templatePath: string; logicalId: string } }>;
}
interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: Reported[];
  suppressedViolations?: Reported[];
}

/** The guardrails plugin's part of the validation report synth wrote. */
function guardReport(assemblyDir: string): PluginReport {
  const report = JSON.parse(fs.readFileSync(path.join(assemblyDir, cxapi.VALIDATION_REPORT_FILE), 'utf8')) as { pluginReports: PluginReport[] };
  const mine = report.pluginReports.filter((r) => r.pluginName === GUARDRAILS_PLUGIN);
  expect(mine).toHaveLength(1);
  return mine[0];
}

describe.each(listEnvironments())('environment %s with the guardrails on', (env) => {
  // One synthesis per environment: cfn-guard is the slow part.
  let app: App;
  let stacks: SwitchyardStacks;
  let config: SwitchyardConfig;
  let report: PluginReport;
  let templates: Record<string, any>;
  beforeAll(() => {
    app = newApp();
    config = loadConfig(env);
    stacks = buildSwitchyard(app, config, { nag: false, guardrails: true });
    const assembly = app.synth();
    report = guardReport(assembly.directory);
    templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName.replace(/^shop-[a-z]+-/, ''), s.template]));
  });

  it('synthesizes with no unexempted violation', () => {
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it('reports every exempted violation with its control and reason', () => {
    const suppressed = report.suppressedViolations ?? [];
    expect(suppressed.length).toBeGreaterThan(0);
    for (const v of suppressed) {
      const exemption = GUARDRAIL_EXEMPTIONS.find((e) => `${GUARDRAILS_PLUGIN}::${e.rule}` === v.acknowledgedId);
      expect({ rule: v.ruleName, exemption: exemption?.rule }).toEqual({ rule: v.ruleName, exemption: v.ruleName });
      expect(v.reason).toBe(`${exemption!.control}: ${exemption!.reason(config)}`);
    }
  });

  it('exempts nothing that does not fail: each covered construct has a violation of its rule', () => {
    const suppressed = report.suppressedViolations ?? [];
    for (const e of GUARDRAIL_EXEMPTIONS) {
      for (const target of e.covers(stacks, config)) {
        const where = target.node.path;
        const hits = suppressed.filter((v) => v.ruleName === e.rule).flatMap((v) => v.violatingConstructs).filter((c) => c.constructPath === where || c.constructPath.startsWith(`${where}/`));
        expect({ rule: e.rule, where, covered: hits.length > 0 }).toEqual({ rule: e.rule, where, covered: true });
      }
    }
  });

  it('encrypts every log group with a customer-managed key', () => {
    for (const [stack, t] of Object.entries(templates)) {
      const keys = Object.keys(t.Resources).filter((id) => t.Resources[id].Type === 'AWS::KMS::Key');
      for (const [id, r] of Object.entries<any>(t.Resources)) {
        if (r.Type !== 'AWS::Logs::LogGroup') continue;
        expect({ stack, id, key: keys.includes(r.Properties.KmsKeyId?.['Fn::GetAtt']?.[0]) }).toEqual({ stack, id, key: true });
        expect(r.Properties.RetentionInDays).toBe(config.logRetentionDays);
      }
    }
  });

  it('runs each container read-only with its scratch volumes and a memory hard limit', () => {
    const defs = Object.values<any>(templates.platform.Resources).concat(Object.values<any>(templates.control.Resources)).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
    expect(defs.length).toBeGreaterThanOrEqual(2);
    for (const d of defs) {
      const [container] = d.Properties.ContainerDefinitions;
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.Memory).toBe(Number(d.Properties.Memory));
      const scratch = container.MountPoints.map((m: any) => m.ContainerPath);
      const wanted = container.Name === 'app' ? config.service.scratchPaths : ['/tmp'];
      expect(scratch).toEqual(wanted);
      expect(container.MountPoints.every((m: any) => m.ReadOnly === false && d.Properties.Volumes.some((v: any) => v.Name === m.SourceVolume))).toBe(true);
    }
  });
});

describe('what production meets outright', () => {
  it('has an HTTPS listener, deletion protection, a non-root user and a year of logs, so those exemptions cover nothing', () => {
    const app = newApp();
    const config = loadConfig('production');
    const stacks = buildSwitchyard(app, config, { nag: false, guardrails: false });
    for (const rule of ['alb_http_to_https_redirection_check', 'elbv2_deletion_protection_enabled_check', 'ecs_task_definition_nonroot_user_check', 'cloudwatch_log_group_retention_period_check']) {
      expect({ rule, covers: GUARDRAIL_EXEMPTIONS.find((e) => e.rule === rule)!.covers(stacks, config).length }).toEqual({ rule, covers: 0 });
    }
  });
});

describe('guardrails wiring', () => {
  it('fails synthesis on a violation no exemption covers, naming the rule and the construct', () => {
    const app = newApp();
    const { platform, control } = buildSwitchyard(app, loadConfig('dev'), { nag: false, guardrails: true });
    // A queue with no dead-letter queue, and a second bucket: the bucket rules are exempted only for the access-log bucket.
    new sqs.Queue(control, 'Planted', { enforceSSL: true });
    new s3.Bucket(platform, 'PlantedBucket', { enforceSSL: true, versioned: true });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/sqs_dlq_check[\s\S]*shop-dev-control\/Planted\/Resource/);
    expect(message).toMatch(/s3_bucket_logging_enabled_check[\s\S]*shop-dev-platform\/PlantedBucket\/Resource/);
    // The exempted access-log bucket is not among the failures.
    expect(message).not.toMatch(/Router\/AccessLogs\/Resource/);
  });

  it('runs only the controls for resource types the templates hold, and keeps all of those', () => {
    const all = controlResourceTypes();
    expect(all.size).toBe(237);
    const off = new Set(rulesWithNothingToEvaluate(new Set(['AWS::SQS::Queue', 'AWS::Lambda::Function'])));
    for (const [rule, types] of all) {
      const evaluates = types.includes('AWS::SQS::Queue') || types.includes('AWS::Lambda::Function');
      expect({ rule, off: off.has(rule) }).toEqual({ rule, off: !evaluates && types.length > 0 });
    }
    expect(off.has('ct-sqs-pr-1')).toBe(false);
    expect(off.has('ct-s3-pr-1')).toBe(true);
  });

  it('checks each template alone: a finding names its own template, and a template no control evaluates passes without a run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
    const write = (name: string, resources: object) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify({ Resources: resources }));
      return file;
    };
    const queue = write('queue.template.json', { Q: { Type: 'AWS::SQS::Queue', Properties: {} } });
    const quiet = write('quiet.template.json', { W: { Type: 'AWS::CloudFormation::WaitConditionHandle' } });
    const plugin = new ControlTowerGuardrails();
    const both = plugin.validate({ templatePaths: [queue, quiet] } as unknown as IPolicyValidationContextBeta1);
    expect(both.success).toBe(false);
    const dlq = both.violations.filter((v) => v.ruleName === 'sqs_dlq_check');
    expect(dlq.flatMap((v) => v.violatingResources.map((r) => [r.templatePath, r.resourceLogicalId]))).toEqual([[queue, 'Q']]);
    expect(both.violations.every((v) => v.severity)).toBe(true);
    expect(plugin.validate({ templatePaths: [quiet] } as unknown as IPolicyValidationContextBeta1)).toEqual({ success: true, violations: [] });
  });
});
