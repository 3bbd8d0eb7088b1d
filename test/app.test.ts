import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { listEnvironments, loadConfig } from '../lib/config/load';
import { buildSwitchyard } from '../lib/switchyard';
import { newApp } from './helpers/synth';

const ENVS = listEnvironments();

interface Finding {
  rule: string;
  path: string;
}

/** Every AwsSolutions finding in `app`, acknowledged or not. */
function rawFindings(app: App): Finding[] {
  const pack = new AwsSolutionsChecks(app);
  // Report acknowledged findings too, to check each acknowledgment against them.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
}

/** Every acknowledgment in the tree: the rule id and the construct it sits on. */
function acknowledgments(root: IConstruct): Array<{ rule: string; path: string; reason: string }> {
  const out: Array<{ rule: string; path: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) out.push({ rule: id.replace(/^annotation::/i, ''), path: c.node.path, reason });
    }
  }
  return out;
}

describe.each(ENVS)('environment %s', (env) => {
  let app: App;
  beforeAll(() => {
    app = newApp();
    buildSwitchyard(app, loadConfig(env), { nag: false });
  });

  it('synthesizes every stack', () => {
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([`shop-${env}-control`, `shop-${env}-platform`, `shop-${env}-state`]);
    for (const s of assembly.stacks) expect(Object.keys(s.template.Resources).length).toBeGreaterThan(0);
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const r = new AwsSolutionsChecks(app).validateScope(app);
    expect(r.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((x) => x.constructPath).join(', ')}`)).toEqual([]);
    expect(r.success).toBe(true);
  });

  it('acknowledges each finding on its own, with a reason', () => {
    const findings = rawFindings(app);
    // aws-cdk-lib acknowledges some of its own template-validator rules; ours are the AwsSolutions ones.
    const acks = acknowledgments(app).filter((a) => a.rule.startsWith('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(40);
      // An acknowledgment must cover exactly one real finding: none means it is stale, more means it is too broad.
      const covered = findings.filter((f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
      expect({ ack: `${ack.rule} @ ${ack.path}`, covered: covered.length }).toEqual({ ack: `${ack.rule} @ ${ack.path}`, covered: 1 });
    }
  });
});

describe('cdk-nag wiring', () => {
  it('fails synthesis when a finding is not acknowledged', () => {
    const app = newApp();
    const { platform } = buildSwitchyard(app, loadConfig('dev'), { guardrails: false });
    new s3.Bucket(platform, 'Unencrypted');
    expect(() => app.synth()).toThrow(/shop-dev-platform\/Unencrypted\/Resource[\s\S]*AwsSolutions-S10/);
  });

  it('passes synthesis of the real app with the pack on', () => {
    const app = newApp();
    buildSwitchyard(app, loadConfig('dev'), { guardrails: false });
    expect(() => app.synth()).not.toThrow();
  });

  it('runs the pack on every stack, including stacks added later', () => {
    const app = newApp();
    buildSwitchyard(app, loadConfig('dev'), { guardrails: false });
    const extra = new Stack(app, 'Extra', { env: { region: 'eu-west-1' } });
    new s3.Bucket(extra, 'Plain');
    expect(() => app.synth()).toThrow(/Extra\/Plain\/Resource[\s\S]*AwsSolutions-S1/);
  });
});

describe('service.allowedImages with an ECR prefix', () => {
  it('grants pull and digest reads under the prefix, each wildcard acknowledged once, nothing left unacknowledged', () => {
    const raw = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '..', 'config', 'production.json'), 'utf8'));
    raw.service.allowedImages = ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/'];
    const app = newApp();
    const { control, platform } = buildSwitchyard(app, require('../lib/config/load').parseConfig(raw, 'test'), { nag: false });
    const r = new AwsSolutionsChecks(app).validateScope(app);
    expect(r.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((x) => x.constructPath).join(', ')}`)).toEqual([]);
    const text = (s: Stack) => JSON.stringify(require('aws-cdk-lib/assertions').Template.fromStack(s).toJSON());
    expect(text(control)).toContain(':ecr:eu-west-1:111111111111:repository/team/*');
    expect(text(platform)).toContain(':ecr:eu-west-1:111111111111:repository/team/*');
    expect(text(platform)).toContain(':ecr:eu-west-1:111111111111:repository/shop"');
  });
});
