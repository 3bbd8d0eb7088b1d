import { resolve, ResolveContext, Template, UnresolvableReference } from '../../../rehearsal/alarms/intrinsics';
import { CompositeAlarmDef, InvalidAlarmDefinition, MetricAlarmDef, readAlarms, readEventRules } from '../../../rehearsal/alarms/template';

// What template.test.ts leaves out: SSM-backed parameters, composite alarms,
// how a metric-math alarm finds its period, the plain alarm's required fields,
// and event rules with their targets' retry settings.
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ctxOf = (template: Template, physical: Record<string, string> = {}, exporters?: ResolveContext['exporters']): ResolveContext => ({
  template,
  lookup: (id, attr) => physical[attr ? `${id}.${attr}` : id],
  region: REGION,
  account: ACCOUNT,
  exporters,
});

describe('named errors', () => {
  it('carry their names, so callers can tell them apart', () => {
    expect(new UnresolvableReference('x').name).toBe('UnresolvableReference');
    expect(new InvalidAlarmDefinition('x').name).toBe('InvalidAlarmDefinition');
  });
});

describe('resolve: objects that are not intrinsic functions', () => {
  it('resolves each value of an object with more than one key, even when one key is Ref', () => {
    const ctx = ctxOf({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }, { Topic: 'arn:topic' });
    expect(resolve({ Ref: 'Topic', Extra: { Ref: 'Topic' } }, ctx)).toEqual({ Ref: 'Topic', Extra: 'arn:topic' });
    expect(resolve({ Plain: 'x' }, ctx)).toEqual({ Plain: 'x' });
  });
});

describe('resolve: a parameter CloudFormation reads from SSM', () => {
  const platform: Template = {
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { Name: '/shop/live-color' } },
      NoProperties: { Type: 'AWS::SSM::Parameter' },
      OtherParam: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/other', Value: 'not this' } },
      LiveColor: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/live-color', Value: { 'Fn::Join': ['-', [{ Ref: 'AWS::Region' }, { Ref: 'Svc' }]] } } },
      Imported: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/imported', Value: { 'Fn::ImportValue': 'elsewhere' } } },
    },
  };
  const control: Template = {
    Parameters: {
      Live: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/shop/live-color' },
      Unwritten: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/shop/nobody' },
      ViaImport: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/shop/imported' },
      Plain: { Type: 'String', Default: '/shop/live-color' },
    },
    Resources: {},
  };
  const exporter = { template: platform, lookup: (id: string) => (id === 'Svc' ? 'shop-blue' : undefined) };

  it('is the value the exporting template writes to that parameter, resolved in the exporter', () => {
    expect(resolve({ Ref: 'Live' }, ctxOf(control, {}, [exporter]))).toBe('eu-west-1-shop-blue');
  });

  it('a parameter no template writes is an error naming both', () => {
    expect(() => resolve({ Ref: 'Unwritten' }, ctxOf(control, {}, [exporter]))).toThrow(new UnresolvableReference('parameter Unwritten reads SSM parameter /shop/nobody, which no template writes'));
    expect(() => resolve({ Ref: 'Live' }, ctxOf(control))).toThrow(UnresolvableReference);
    expect(() => resolve({ Ref: 'Live' }, ctxOf(control))).toThrow('parameter Live reads SSM parameter /shop/live-color, which no template writes');
  });

  it('the written value resolves without the importer\'s exporters', () => {
    expect(() => resolve({ Ref: 'ViaImport' }, ctxOf(control, {}, [exporter]))).toThrow(new UnresolvableReference('Fn::ImportValue elsewhere: no template exports it'));
  });

  it('a parameter of another type is an ordinary Ref', () => {
    expect(() => resolve({ Ref: 'Plain' }, ctxOf(control, {}, [exporter]))).toThrow('Ref Plain (no such resource) has no value in the rehearsal');
    expect(resolve({ Ref: 'Plain' }, ctxOf(control, { Plain: 'from the lookup' }, [exporter]))).toBe('from the lookup');
  });
});

describe('resolve: Fn::ImportValue', () => {
  it('with no exporters, nothing exports it', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'x' }, ctxOf({ Resources: {} }))).toThrow(new UnresolvableReference('Fn::ImportValue x: no template exports it'));
    expect(() => resolve({ 'Fn::ImportValue': 'x' }, ctxOf({ Resources: {} }))).toThrow(UnresolvableReference);
  });

  it('resolves an export name in the exporter, with the pseudo parameters', () => {
    const exporter: Template = { Resources: {}, Outputs: { O: { Value: 'v', Export: { Name: { 'Fn::Sub': '${AWS::Region}-out' } } } } };
    expect(resolve({ 'Fn::ImportValue': 'eu-west-1-out' }, ctxOf({ Resources: {} }, {}, [{ template: exporter, lookup: () => undefined }]))).toBe('v');
  });

  it('the exported value resolves without the importer\'s exporters', () => {
    const exporter: Template = { Resources: {}, Outputs: { O: { Value: { 'Fn::ImportValue': 'deeper' }, Export: { Name: 'out' } } } };
    expect(() => resolve({ 'Fn::ImportValue': 'out' }, ctxOf({ Resources: {} }, {}, [{ template: exporter, lookup: () => undefined }]))).toThrow(new UnresolvableReference('Fn::ImportValue deeper: no template exports it'));
  });
});

describe('readAlarms: composite alarms and periods', () => {
  const read = (resources: Record<string, unknown>) => readAlarms(ctxOf({ Resources: resources }, { Crit: 'arn:crit', Ok: 'arn:ok' }), { C: 'Stack/C' });
  const metric = { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization' };
  const criteria = { EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' };

  it('reads a composite alarm: its name, rule and actions', () => {
    const alarms = read({
      C: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'rollback', AlarmRule: 'ALARM("a") OR ALARM("b")', AlarmActions: [{ Ref: 'Crit' }], OKActions: [{ Ref: 'Ok' }] } },
      D: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'bare', AlarmRule: 'ALARM("a")' } },
    });
    expect(alarms).toEqual<CompositeAlarmDef[]>([
      { kind: 'composite', logicalId: 'C', path: 'Stack/C', name: 'rollback', rule: 'ALARM("a") OR ALARM("b")', alarmActions: ['arn:crit'], okActions: ['arn:ok'] },
      { kind: 'composite', logicalId: 'D', path: undefined, name: 'bare', rule: 'ALARM("a")', alarmActions: [], okActions: [] },
    ]);
  });

  it('a plain metric alarm without dimensions has none', () => {
    const [a] = read({ A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'a', ...metric, Statistic: 'Sum', Period: 60, ...criteria } } }) as MetricAlarmDef[];
    expect(a.queries[0].metric!.metric).toEqual({ namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: {} });
  });

  it('a metric-math query keeps its metric, dimensions included', () => {
    const [a] = read({
      A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'a', ...criteria, Metrics: [{ Id: 'e', Expression: 'm' }, { Id: 'm', ReturnData: false, MetricStat: { Metric: { ...metric, Dimensions: [{ Name: 'ClusterName', Value: 'c' }] }, Period: 60, Stat: 'Sum' } }] } },
    }) as MetricAlarmDef[];
    expect(a.queries[1].metric).toEqual({ metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'c' } }, periodSeconds: 60, stat: 'Sum' });
  });

  it('the returning expression\'s own Period wins over its metrics\' periods', () => {
    const [a] = read({
      A: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmName: 'a', ...criteria, Metrics: [{ Id: 'm', ReturnData: false, MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }, { Id: 'e', Expression: 'm * 2', Period: 300 }] },
      },
    }) as MetricAlarmDef[];
    expect(a.periodSeconds).toBe(300);
  });

  it('without one, the longest period of its metrics', () => {
    const [a] = read({
      A: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'a',
          ...criteria,
          Metrics: [
            { Id: 'm1', ReturnData: false, MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
            { Id: 'e', Expression: 'm1 + m2' },
            { Id: 'm2', ReturnData: false, MetricStat: { Metric: metric, Period: 300, Stat: 'Sum' } },
          ],
        },
      },
    }) as MetricAlarmDef[];
    expect(a.periodSeconds).toBe(300);
  });

  it('refuses metric math with no period anywhere, naming the alarm', () => {
    expect(() => read({ A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'a', ...criteria, Metrics: [{ Id: 'e', Expression: '1' }] } } })).toThrow(
      new InvalidAlarmDefinition('alarm a at A: no period: give the expression or its metrics a Period'),
    );
  });

  it('refuses a plain metric alarm missing its namespace, metric name or statistic', () => {
    const msg = 'alarm a at A: a plain metric alarm needs Namespace, MetricName and Statistic or ExtendedStatistic';
    const props = { AlarmName: 'a', ...metric, Statistic: 'Sum', Period: 60, ...criteria };
    for (const missing of ['Namespace', 'MetricName', 'Statistic'] as const) {
      const { [missing]: _, ...without } = props;
      expect(() => read({ A: { Type: 'AWS::CloudWatch::Alarm', Properties: without } })).toThrow(new InvalidAlarmDefinition(msg));
    }
  });
});

describe('readEventRules', () => {
  const template: Template = {
    Resources: {
      // A resource the rehearsal cannot resolve is read only when a rule or an invoke config needs it.
      Handler: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Nowhere', 'Arn'] } } },
      Other: { Type: 'AWS::Lambda::Function', Properties: {} },
      Third: { Type: 'AWS::Lambda::Function', Properties: {} },
      HandlerAsync: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Handler' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300, DestinationConfig: { OnFailure: { Destination: { Ref: 'Dlq' } } } } },
      OtherAsync: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Other' }, Qualifier: '$LATEST', DestinationConfig: {} } },
      NamelessAsync: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { Qualifier: '$LATEST' } },
      ThirdAliasAsync: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Third' }, Qualifier: 'live', MaximumRetryAttempts: 1 } },
      NotAConfig: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Third' }, Qualifier: '$LATEST' } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: {} },
      OnAlarm: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { source: ['aws.cloudwatch'] },
          Targets: [
            { Arn: { 'Fn::GetAtt': ['Handler', 'Arn'] }, Id: 'a', RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 600 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
            { Arn: { 'Fn::GetAtt': ['Other', 'Arn'] }, Id: 'b', Input: '{"x":1}' },
            { Arn: { 'Fn::GetAtt': ['Third', 'Arn'] }, Id: 'c', InputTransformer: { InputTemplate: '{}' } },
            { Arn: { Ref: 'Handler' }, Id: 'd', InputPath: '$.detail' },
            { Arn: { 'Fn::GetAtt': ['Handler', 'Alias'] }, Id: 'e' },
            { Id: 'f' },
          ],
        },
      },
      Nightly: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 day)', State: 'DISABLED' } },
      Explicit: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED', Targets: [] } },
    },
  };
  const physical = {
    'Handler.Arn': 'arn:handler',
    'Handler.Alias': 'arn:handler:live',
    Handler: 'handler',
    'Other.Arn': 'arn:other',
    Other: 'other',
    Third: 'third',
    'Third.Arn': 'arn:third',
    Dlq: 'https://queue/dlq',
    'Dlq.Arn': 'arn:dlq',
  };
  const rules = () => readEventRules(ctxOf(template, physical), { OnAlarm: 'Control/OnAlarm' });

  it('reads only the event rules, with their pattern or schedule and whether they are enabled', () => {
    expect(rules().map((r) => [r.logicalId, r.path, r.pattern, r.schedule, r.enabled])).toEqual([
      ['OnAlarm', 'Control/OnAlarm', { source: ['aws.cloudwatch'] }, undefined, true],
      ['Nightly', undefined, undefined, 'rate(1 day)', false],
      ['Explicit', undefined, undefined, 'rate(1 hour)', true],
    ]);
    expect(rules()[1].targets).toEqual([]);
  });

  it('reads each target with EventBridge\'s retry defaults, its input and its dead-letter queue', () => {
    const [a, b, c, d, e, f] = rules()[0].targets;
    expect(a).toEqual({
      arn: 'arn:handler',
      maximumRetryAttempts: 4,
      maximumEventAgeSeconds: 600,
      input: undefined,
      hasInputTransformer: false,
      deadLetterArn: 'arn:dlq',
      asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 300, onFailure: 'https://queue/dlq' },
    });
    expect(b).toEqual({
      arn: 'arn:other',
      maximumRetryAttempts: 185,
      maximumEventAgeSeconds: 86_400,
      input: '{"x":1}',
      hasInputTransformer: false,
      deadLetterArn: undefined,
      // Lambda's own defaults when the config leaves them out.
      asyncInvoke: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, onFailure: undefined },
    });
    // Only the $LATEST config applies to an unqualified ARN; an alias's does not.
    expect(c).toMatchObject({ arn: 'arn:third', hasInputTransformer: true, asyncInvoke: undefined });
    // A target naming the function by Ref, not GetAtt Arn, gets no config either.
    expect(d).toMatchObject({ arn: 'handler', hasInputTransformer: true, asyncInvoke: undefined });
    expect(e).toMatchObject({ arn: 'arn:handler:live', asyncInvoke: undefined });
    expect(f).toMatchObject({ arn: undefined, asyncInvoke: undefined });
  });

  it('names the invoke config it cannot resolve', () => {
    const bad: Template = { Resources: { C: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Nowhere' }, Qualifier: '$LATEST' } } } };
    expect(() => readEventRules(ctxOf(bad), { C: 'Control/C' })).toThrow(new InvalidAlarmDefinition('C (Control/C): Ref Nowhere (no such resource) has no value in the rehearsal'));
  });

  it('names the rule it cannot resolve', () => {
    const bad: Template = { Resources: { R: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Arn: { Ref: 'Nowhere' } }] } } } };
    expect(() => readEventRules(ctxOf(bad), { R: 'Control/R' })).toThrow(new InvalidAlarmDefinition('R (Control/R): Ref Nowhere (no such resource) has no value in the rehearsal'));
  });
});
