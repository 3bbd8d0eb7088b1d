import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { COLORS, Color } from '../../lambda/shared/colors';
import { loadConfig } from '../../lib/config/load';
import { parseAlarmRule, RuleExpr } from '../../rehearsal/alarms/alarm-rule';
import { newApp, synthEnv } from '../helpers/synth';

// Behaviour the snapshots also hold, asserted one by one: `jest -u` rewrites a
// snapshot, these fail.
const dev = synthEnv('dev');
const resources = (t: Template) => t.toJSON().Resources as Record<string, any>;
const logicalId = (c: { node: { defaultChild?: unknown } }) => Stack.of(c as any).getLogicalId(c.node.defaultChild as any);

describe('maintenance expiry', () => {
  const control = () => Template.fromStack(dev.control);
  it('runs every minute, enabled, invoking the maintenance function with {"action":"expire"} and two retries', () => {
    const rules = Object.entries(resources(control())).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression);
    expect(rules.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['MaintenanceExpiry']);
    const p = rules[0][1].Properties;
    expect(p.ScheduleExpression).toBe('rate(1 minute)');
    expect(p.State).toBe('ENABLED');
    expect(p.Targets).toHaveLength(1);
    expect(JSON.parse(p.Targets[0].Input)).toEqual({ action: 'expire' });
    expect(p.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
    const [fnId] = p.Targets[0].Arn['Fn::GetAtt'];
    expect(resources(control())[fnId].Properties.FunctionName).toBe('shop-dev-maintenance');
  });
});

describe('alarm rule', () => {
  it('matches exactly the two rollback alarms by name, in ALARM, from CloudWatch', () => {
    const control = resources(Template.fromStack(dev.control));
    const platform = dev.platformTemplate.toJSON();
    const rules = Object.values(control).filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern);
    expect(rules).toHaveLength(1);
    const pattern = rules[0].Properties.EventPattern;
    // Named, not imported (no export between the stacks): each name must be a rollback alarm the platform creates.
    const names = pattern.detail.alarmName as unknown[];
    const rollbackAlarms = Object.values<any>(platform.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map((r) => r.Properties.AlarmName)
      .filter((n) => typeof n === 'string' && n.endsWith('-rollback'));
    expect(rollbackAlarms.sort()).toEqual(['shop-dev-blue-rollback', 'shop-dev-green-rollback']);
    expect(names).toEqual(['shop-dev-blue-rollback', 'shop-dev-green-rollback']);
    expect(pattern).toEqual({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { alarmName: pattern.detail.alarmName, state: { value: ['ALARM'] } } });
  });
});

/** A composite's rule text, each alarm ARN replaced by the alarm's name. */
function ruleText(rule: any, all: Record<string, any>): string {
  const parts: any[] = rule['Fn::Join'][1];
  return parts.map((p) => (typeof p === 'string' ? p : all[p['Fn::GetAtt'][0]].Properties.AlarmName)).join('');
}

/** The leaves of an expression that is nothing but ORs of ALARM(...) states; fails on anything else. */
function orOfAlarms(e: RuleExpr): string[] {
  if (e.kind === 'or') return [...orOfAlarms(e.left), ...orOfAlarms(e.right)];
  if (e.kind === 'state' && e.state === 'ALARM') return [e.alarm];
  throw new Error(`not an OR of ALARM states: ${JSON.stringify(e)}`);
}

describe('composite rollback alarms', () => {
  it.each(COLORS)('%s: an OR of exactly its critical alarms and the shared ones, nothing else', (color: Color) => {
    const all = resources(dev.platformTemplate);
    const composite = Object.values(all).find((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm' && r.Properties.AlarmName === `shop-dev-${color}-rollback`)!;
    const leaves = orOfAlarms(parseAlarmRule(ruleText(composite.Properties.AlarmRule, all)));
    const shared = new Set(dev.platform.monitoring.sharedAlarms.map((a) => logicalId(a as cloudwatch.Alarm)));
    const critical = Object.entries(all)
      .filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && ((r.Properties.AlarmName.startsWith(`shop-dev-${color}-`) && !r.Properties.AlarmName.endsWith('-warning')) || shared.has(id)))
      .map(([, r]) => r.Properties.AlarmName);
    expect(critical.length).toBeGreaterThanOrEqual(5);
    expect([...leaves].sort()).toEqual(critical.sort());
    expect(new Set(leaves).size).toBe(leaves.length);
    // Actions not disabled (CloudFormation's default is enabled), paging the critical topic.
    expect(composite.Properties.ActionsEnabled ?? true).toBe(true);
    expect(composite.Properties.AlarmActions.map((a: any) => all[a.Ref].Properties.TopicName)).toEqual(['shop-dev-critical']);
  });
});

describe('deploy guard nonce', () => {
  const guardNonce = (t: Template) => Object.values(resources(t)).filter((r) => r.Type === 'Custom::SwitchyardDeployGuard').map((r) => r.Properties.Nonce);

  it('the app gives every synth a new nonce, and the guard resource carries it', () => {
    const calls: Array<{ deployNonce?: string }> = [];
    // bin/ run twice in fresh module registries; a stand-in App (loading aws-cdk-lib twice more costs seconds), and no stderr filter.
    const runBin = () =>
      jest.isolateModules(() => {
        jest.doMock('aws-cdk-lib', () => ({ App: class { node = { tryGetContext: () => undefined }; } }));
        jest.doMock('../../lib/bundling-output', () => ({ quietBundlingBanners: () => undefined }));
        jest.doMock('../../lib/switchyard', () => ({ buildSwitchyard: (_app: unknown, _config: unknown, options: { deployNonce?: string }) => calls.push(options) }));
        require('../../bin/switchyard');
      });
    runBin();
    const later = Date.now() + 5;
    while (Date.now() < later);
    runBin();
    expect(calls).toHaveLength(2);
    expect(calls[0].deployNonce).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(calls[1].deployNonce).not.toBe(calls[0].deployNonce);

    const app = newApp();
    const { buildSwitchyard } = jest.requireActual('../../lib/switchyard');
    // Only the template is read: no cdk-nag or cfn-guard run (their own tests have them).
    const stacks = buildSwitchyard(app, loadConfig('dev'), { nag: false, deployNonce: calls[1].deployNonce });
    expect(guardNonce(Template.fromStack(stacks.platform))).toEqual([calls[1].deployNonce]);
  });
});
