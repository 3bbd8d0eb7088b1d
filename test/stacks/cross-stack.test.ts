import { Template } from 'aws-cdk-lib/assertions';
import { PLATFORM_PARAMETERS, platformParameterName } from '../../lib/constructs/platform-parameters';
import { devWith, synthConfig, synthEnv } from '../helpers/synth';

/**
 * An export cannot change while another stack imports it: with the control
 * stack importing the platform's alarms and target groups, removing an extra
 * alarm or replacing a target group failed the platform's deploy ("Export …
 * cannot be updated as it is in use"). The platform now passes what the
 * control stack needs by SSM parameter or by name.
 */
const json = (t: Template) => t.toJSON() as { Resources: Record<string, any>; Outputs?: Record<string, any>; Parameters?: Record<string, any> };

describe.each(['dev', 'staging', 'production'])('%s: platform and control', (env) => {
  const s = synthEnv(env);
  const platform = json(s.platformTemplate);
  const control = json(Template.fromStack(s.control));
  const prefix = `shop-${env}`;

  it('the platform exports nothing and the control stack imports nothing from it', () => {
    expect(Object.values(platform.Outputs ?? {}).filter((o) => o.Export)).toEqual([]);
    const imports = [...JSON.stringify(control).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]);
    expect(imports.filter((i) => i.startsWith(`${prefix}-platform`))).toEqual([]);
  });

  it('every SSM parameter the control stack resolves is one the platform writes, from the resource it names', () => {
    const written = new Map(Object.values(platform.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter').map((r) => [r.Properties.Name, r.Properties.Value]));
    const read = Object.values(control.Parameters ?? {}).filter((p) => String(p.Type).startsWith('AWS::SSM::Parameter::Value')).map((p) => p.Default as string).filter((n) => n.startsWith('/switchyard/'));
    expect(read.length).toBeGreaterThan(5);
    for (const name of read) expect({ name, written: written.has(name) }).toEqual({ name, written: true });
    const tg = Object.entries(platform.Resources).find(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.Properties.Name === `${prefix}-blue`)![0];
    expect(written.get(platformParameterName('shop', env, 'blue/target-group-arn'))).toEqual({ Ref: tg });
    expect([...written.keys()].filter((n) => n.includes('/platform/')).sort()).toEqual(PLATFORM_PARAMETERS.map((k) => platformParameterName('shop', env, k)).sort());
  });

  it('IAM still names each platform resource: alarms by their names, services by cluster and name, roles and the listener by parameter', () => {
    const statements = Object.values(control.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as any[]);
    const resourcesOf = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).flatMap((st) => [st.Resource].flat());
    const text = (x: unknown) => JSON.stringify(x);
    const param = (key: (typeof PLATFORM_PARAMETERS)[number]) =>
      Object.entries(control.Parameters ?? {}).find(([, p]) => p.Default === platformParameterName('shop', env, key))![0];

    // Every gating alarm the platform defines, by its exact name; no wildcard.
    const alarmNames = Object.values(platform.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm').map((r) => r.Properties.AlarmName as string);
    const describe = resourcesOf('cloudwatch:DescribeAlarms').map(text);
    expect(describe.some((r) => r.includes('*'))).toBe(false);
    for (const color of ['blue', 'green']) expect(describe.some((r) => r.includes(`:alarm:${prefix}-${color}-rollback"`))).toBe(true);
    for (const r of describe) expect(alarmNames.some((n) => r.includes(`:alarm:${n}"`))).toBe(true);

    expect(new Set(resourcesOf('ecs:UpdateService').map(text)).size).toBe(2);
    for (const c of ['blue', 'green']) expect(resourcesOf('ecs:UpdateService').map(text).some((r) => r.endsWith(`:service/${prefix}/${prefix}-${c}"]]}`))).toBe(true);
    // The colors' roles by parameter; the data-sync roles (staging) are the control stack's own.
    const roles = (['blue/task-role-arn', 'blue/execution-role-arn', 'green/task-role-arn', 'green/execution-role-arn'] as const).map((k) => text({ Ref: param(k) }));
    const passed = resourcesOf('iam:PassRole');
    expect(passed.map(text).filter((r) => roles.includes(r)).sort()).toEqual(roles.sort());
    for (const r of passed.filter((x) => !roles.includes(text(x)))) expect(control.Resources[r['Fn::GetAtt']?.[0]]?.Type).toBe('AWS::IAM::Role');
    expect(new Set(resourcesOf('elasticloadbalancing:ModifyListener').map(text))).toEqual(new Set([text({ Ref: param('listener-arn') })]));
  });
});

it('an extra alarm removed from the config leaves the platform with nothing another stack depends on', () => {
  const base = synthEnv('dev');
  const without = synthConfig(devWith((raw: any) => {
    raw.alarms.extra = [];
  }));
  for (const s of [base, without]) {
    expect(Object.values(json(s.platformTemplate).Outputs ?? {}).filter((o) => o.Export)).toEqual([]);
  }
  const alarmsOf = (s: typeof base) => Object.values(json(s.platformTemplate).Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length;
  expect(alarmsOf(without)).toBeLessThan(alarmsOf(base));
});
