import { COLORS, Color } from '../../../lambda/shared/colors';
import { parseAlarmRule, ruleAlarms } from '../../../rehearsal/alarms/alarm-rule';
import { AlarmEngine } from '../../../rehearsal/alarms/engine';
import { ResolveContext } from '../../../rehearsal/alarms/intrinsics';
import { elbDimension, emulatedLookup, EmulatedResources } from '../../../rehearsal/alarms/resources';
import { AlarmDef, CompositeAlarmDef, EventRuleDef, MetricAlarmDef, readAlarms, readEventRules } from '../../../rehearsal/alarms/template';
import { synthesizedApp, SynthesizedApp } from '../../../rehearsal/app';
import { MetricStore } from '../../../rehearsal/metrics/store';
import { dataSourceCheck, Publication } from '../../../rehearsal/traffic/model';

// Apart from template.test.ts because it synthesizes the app: the mutation run
// (jest.mutate.config.js) keeps to tests that take milliseconds.
describe('the synthesized dev environment, resolved over emulated resources', () => {
  const ELB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012';
  const resources: EmulatedResources = {
    region: 'eu-west-1',
    account: '123456789012',
    listenerArn: `${ELB}:listener/app/shop-dev/abc/def`,
    loadBalancerArn: `${ELB}:loadbalancer/app/shop-dev/abc`,
    targetGroups: { blue: `${ELB}:targetgroup/shop-dev-blue/123`, green: `${ELB}:targetgroup/shop-dev-green/456` },
    maintenanceTargetGroup: `${ELB}:targetgroup/shop-dev-maintenance/789`,
    cluster: 'shop-dev',
    services: { blue: 'shop-dev-blue', green: 'shop-dev-green' },
    topics: { critical: 'arn:aws:sns:eu-west-1:123456789012:shop-dev-critical', warning: 'arn:aws:sns:eu-west-1:123456789012:shop-dev-warning' },
  };
  const publication: Publication = {
    loadBalancer: elbDimension(resources.loadBalancerArn),
    targetGroup: { blue: elbDimension(resources.targetGroups.blue), green: elbDimension(resources.targetGroups.green) },
    cluster: resources.cluster,
    service: resources.services,
  };

  let app: SynthesizedApp;
  let platform: ResolveContext;
  let alarms: AlarmDef[];
  let rules: EventRuleDef[];
  const metricAlarms = () => alarms.filter((a): a is MetricAlarmDef => a.kind === 'metric');
  const composites = () => alarms.filter((a): a is CompositeAlarmDef => a.kind === 'composite');

  beforeAll(() => {
    app = synthesizedApp('dev');
    const p = app.templates.platform;
    platform = { template: p, lookup: emulatedLookup(p, resources), region: resources.region, account: resources.account };
    alarms = readAlarms(platform, app.paths.platform);
    const c = app.templates.control;
    rules = readEventRules({ template: c, lookup: emulatedLookup(c, resources), exporters: [{ template: p, lookup: platform.lookup }], region: resources.region, account: resources.account }, app.paths.control);
  });

  it('reads every metric and composite alarm of the platform template, by name, with its logical id and path', () => {
    const inTemplate = Object.entries<any>(app.templates.platform.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm');
    expect(inTemplate.length).toBeGreaterThan(10);
    expect(alarms.map((a) => [a.logicalId, a.kind, a.name]).sort()).toEqual(
      inTemplate.map(([id, r]) => [id, r.Type === 'AWS::CloudWatch::Alarm' ? 'metric' : 'composite', r.Properties.AlarmName]).sort(),
    );
    for (const a of alarms) expect(app.paths.platform[a.logicalId]).toBe(a.path);
    expect(new Set(alarms.map((a) => a.name)).size).toBe(alarms.length);
  });

  it('resolves every alarm to plain values: no intrinsic function is left', () => {
    expect(JSON.stringify(alarms)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  });

  it.each(COLORS)('the %s rollback composite names exactly that color\'s critical alarms and the shared extras', (color: Color) => {
    const prefix = app.prefix;
    const rollback = composites().find((c) => c.name === `${prefix}-${color}-rollback`)!;
    expect(rollback).toBeDefined();
    const named = ruleAlarms(parseAlarmRule(rollback.rule));
    // The color's metric alarms except its warnings; shared extras live under Monitoring/Shared.
    const own = metricAlarms().filter((a) => a.name.startsWith(`${prefix}-${color}-`) && !a.name.endsWith('-warning')).map((a) => a.name);
    const shared = metricAlarms().filter((a) => a.path?.includes('/Shared/')).map((a) => a.name);
    expect([...named].sort()).toEqual([...own, ...shared].sort());
    expect(own.length).toBeGreaterThanOrEqual(5);
    // The same list rehearsal/app.ts reads from the template.
    expect([...named].sort()).toEqual(app.alarms[color].critical.map((a) => a.name).sort());
    // Nothing of the other color, no warning.
    expect(named.filter((n) => n.includes(`-${color === 'blue' ? 'green' : 'blue'}-`) || n.endsWith('-warning'))).toEqual([]);
    // The rule references alarm ARNs in the emulated account.
    expect(rollback.rule).toContain(`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${prefix}-${color}-`);
    expect(rollback.alarmActions).toEqual([resources.topics.critical]);
  });

  it.each(COLORS)('the %s error-rate alarms read their own color\'s target group on the production load balancer', (color: Color) => {
    const errorRate = metricAlarms().filter((a) => a.name.startsWith(`${app.prefix}-${color}-error-rate`));
    expect(errorRate.map((a) => a.name).sort()).toEqual([`${app.prefix}-${color}-error-rate-critical`, `${app.prefix}-${color}-error-rate-warning`]);
    for (const a of errorRate) {
      const metrics = a.queries.filter((q) => q.metric).map((q) => q.metric!.metric);
      expect(metrics.length).toBeGreaterThanOrEqual(2);
      for (const m of metrics) {
        expect(m.namespace).toBe('AWS/ApplicationELB');
        expect(m.dimensions).toEqual({ TargetGroup: `targetgroup/shop-dev-${color}/${color === 'blue' ? 123 : 456}`, LoadBalancer: 'app/shop-dev/abc' });
      }
      expect(a.queries.filter((q) => q.returnData).map((q) => q.expression)).toEqual([expect.stringMatching(/^IF\(/)]);
    }
  });

  it('every per-target-group ALB metric names a target group of its own color (the color its id ends with, else the alarm\'s)', () => {
    for (const a of metricAlarms()) {
      const alarmColor = COLORS.find((c) => a.name.startsWith(`${app.prefix}-${c}-`));
      for (const q of a.queries) {
        const tg = q.metric?.metric.dimensions.TargetGroup;
        if (tg === undefined) continue;
        // The comparison alarm reads both colors, each metric id naming its color (requests_blue, ...).
        const color = COLORS.find((c) => q.id.endsWith(`_${c}`)) ?? alarmColor;
        expect([a.name, q.id, tg]).toEqual([a.name, q.id, publication.targetGroup[color!]]);
      }
    }
  });

  it.each(COLORS)('the %s comparison alarm reads both colors\' requests, target 5xx and failed connections', (color: Color) => {
    const other = COLORS.find((c) => c !== color)!;
    const a = metricAlarms().find((x) => x.name === `${app.prefix}-${color}-worse-than-${other}`)!;
    expect(a).toBeDefined();
    const read = a.queries.filter((q) => q.metric).map((q) => [q.id, q.metric!.metric.metricName, q.metric!.metric.dimensions.TargetGroup]);
    expect(read.sort()).toEqual(
      COLORS.flatMap((c) => [[`connErrors_${c}`, 'TargetConnectionErrorCount', publication.targetGroup[c]], [`requests_${c}`, 'RequestCount', publication.targetGroup[c]], [`target5xx_${c}`, 'HTTPCode_Target_5XX_Count', publication.targetGroup[c]]]).sort(),
    );
  });

  it('finds the alarm rule: its pattern lists exactly the two rollback alarms, in ALARM, and targets the alarm-handler function', () => {
    const names = COLORS.map((c) => `${app.prefix}-${c}-rollback`).sort();
    const matching = rules.filter((r) => {
      const alarmNames = (r.pattern?.detail as { alarmName?: unknown } | undefined)?.alarmName;
      return Array.isArray(alarmNames) && JSON.stringify([...alarmNames].sort()) === JSON.stringify(names);
    });
    expect(matching).toHaveLength(1);
    const [rule] = matching;
    expect(rule.enabled).toBe(true);
    expect(rule.pattern).toMatchObject({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } });
    const handler = Object.entries<any>(app.templates.control.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && /alarm-handler$/.test(String(r.Properties.FunctionName)));
    expect(handler).toBeDefined();
    expect(rule.targets.map((t) => t.arn)).toEqual([`arn:aws:lambda:eu-west-1:123456789012:function:${handler![1].Properties.FunctionName}`]);
    expect(rule.targets[0].hasInputTransformer).toBe(false);
  });

  it('reads the alarm handler\'s asynchronous-invocation settings onto its target: 2 retries, 240 s, failures to the critical topic', () => {
    const [target] = rules.find((r) => r.targets.some((t) => /alarm-handler$/.test(t.arn)))!.targets;
    expect(target.asyncInvoke).toEqual({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 240, onFailure: resources.topics.critical });
    // The maintenance expiry pages too when its retries run out; other rules' targets keep Lambda's defaults.
    const [expiry] = rules.find((r) => r.targets.some((t) => /maintenance$/.test(t.arn)))!.targets;
    expect(expiry.asyncInvoke).toMatchObject({ maximumRetryAttempts: 2, onFailure: resources.topics.critical });
    const others = rules.filter((r) => !r.targets.some((t) => /(alarm-handler|maintenance)$/.test(t.arn))).flatMap((r) => r.targets);
    expect(others.every((t) => t.asyncInvoke === undefined)).toBe(true);
  });

  it('every synthesized alarm can be evaluated: the engine accepts them all with the data-source check', () => {
    expect(() => new AlarmEngine(alarms, new MetricStore(), dataSourceCheck(publication))).not.toThrow();
    const engine = new AlarmEngine(alarms, new MetricStore(), dataSourceCheck(publication));
    expect(engine.names.sort()).toEqual(alarms.map((a) => a.name).sort());
  });

  it('the data-source check would catch alarms resolved against other resources', () => {
    const elsewhere: Publication = { ...publication, targetGroup: { blue: 'targetgroup/other-blue/1', green: 'targetgroup/other-green/2' } };
    expect(() => new AlarmEngine(alarms, new MetricStore(), dataSourceCheck(elsewhere))).toThrow(/names TargetGroup=targetgroup\/shop-dev-(blue|green)\//);
  });
});
