import { resolve, ResolveContext, Template, UnresolvableReference } from '../../../rehearsal/alarms/intrinsics';
import { InvalidAlarmDefinition, MetricAlarmDef, readAlarms } from '../../../rehearsal/alarms/template';

describe('resolve: intrinsic functions', () => {
  const template: Template = {
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic' },
      Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener' },
      Fn: { Type: 'AWS::Lambda::Function' },
      Missing: { Type: 'AWS::S3::Bucket' },
    },
  };
  const physical: Record<string, string> = {
    Topic: 'arn:aws:sns:eu-west-1:123456789012:shop-dev-critical',
    Listener: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop-dev/abc/def',
    'Fn.Arn': 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-alarm-handler',
    'Topic.TopicName': 'shop-dev-critical',
  };
  const lookup = (id: string, attr: string | undefined) => physical[attr ? `${id}.${attr}` : id];
  const exporter: Template = {
    Resources: { Alarm: { Type: 'AWS::CloudWatch::CompositeAlarm' } },
    Outputs: {
      Unexported: { Value: 'not this' },
      Other: { Value: 'nor this', Export: { Name: 'shop-dev-platform:Other' } },
      RollbackAlarm: { Value: { Ref: 'Alarm' }, Export: { Name: { 'Fn::Join': [':', ['shop-dev-platform', 'Rollback']] } } },
    },
  };
  const ctx: ResolveContext = {
    template,
    lookup,
    region: 'eu-west-1',
    account: '123456789012',
    // The exporter's own lookup resolves its outputs, not the importer's.
    exporters: [{ template: exporter, lookup: (id) => (id === 'Alarm' ? 'shop-dev-blue-rollback' : undefined) }],
  };
  const r = (v: unknown) => resolve(v, ctx);

  it('leaves literals, and resolves inside arrays and objects', () => {
    expect(r('x')).toBe('x');
    expect(r(3)).toBe(3);
    expect(r(null)).toBeNull();
    expect(r({ A: [{ Ref: 'Topic' }, 'y'], B: { C: true } })).toEqual({ A: [physical.Topic, 'y'], B: { C: true } });
  });

  it('Ref of a resource, and of the pseudo parameters', () => {
    expect(r({ Ref: 'Topic' })).toBe(physical.Topic);
    expect(r({ Ref: 'AWS::Region' })).toBe('eu-west-1');
    expect(r({ Ref: 'AWS::AccountId' })).toBe('123456789012');
    expect(r({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(r({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
  });

  it('Fn::GetAtt in list and dotted forms', () => {
    expect(r({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe(physical['Fn.Arn']);
    expect(r({ 'Fn::GetAtt': 'Topic.TopicName' })).toBe('shop-dev-critical');
  });

  it('Fn::Join, Fn::Select and Fn::Split: the load balancer dimension CDK derives from a listener ARN', () => {
    const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: 'Listener' }] }] });
    expect(r({ 'Fn::Join': ['', [part(1), '/', part(2), '/', part(3)]] })).toBe('app/shop-dev/abc');
    expect(r({ 'Fn::Split': [':', 'a:b'] })).toEqual(['a', 'b']);
    expect(r({ 'Fn::Join': [',', []] })).toBe('');
  });

  it('Fn::Select out of range names the index', () => {
    expect(() => r({ 'Fn::Select': [5, ['a', 'b']] })).toThrow(/Fn::Select 5 out of range/);
  });

  it('Fn::Sub with resource references, attributes, pseudo parameters and its own variables', () => {
    expect(r({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Topic}' })).toBe(`arn:aws:x:eu-west-1:123456789012:${physical.Topic}`);
    expect(r({ 'Fn::Sub': 'fn=${Fn.Arn}' })).toBe(`fn=${physical['Fn.Arn']}`);
    expect(r({ 'Fn::Sub': ['${Name}-${AWS::Region}', { Name: { 'Fn::GetAtt': ['Topic', 'TopicName'] } }] })).toBe('shop-dev-critical-eu-west-1');
  });

  it('Fn::ImportValue through an exporter\'s Outputs', () => {
    expect(r({ 'Fn::ImportValue': 'shop-dev-platform:Rollback' })).toBe('shop-dev-blue-rollback');
    expect(r({ 'Fn::ImportValue': 'shop-dev-platform:Other' })).toBe('nor this');
    expect(() => r({ 'Fn::ImportValue': 'shop-dev-platform:Nothing' })).toThrow(new UnresolvableReference('Fn::ImportValue shop-dev-platform:Nothing: no template exports it'));
  });

  it('an unresolvable reference is an error naming it and its type', () => {
    expect(() => r({ Ref: 'Missing' })).toThrow(new UnresolvableReference('Ref Missing (AWS::S3::Bucket) has no value in the rehearsal'));
    expect(() => r({ 'Fn::GetAtt': ['Topic', 'Nonsense'] })).toThrow('Fn::GetAtt Topic.Nonsense (AWS::SNS::Topic) has no value in the rehearsal');
    expect(() => r({ Ref: 'Ghost' })).toThrow('Ref Ghost (no such resource)');
    expect(() => r({ 'Fn::Sub': '${Missing.Arn}' })).toThrow('Fn::GetAtt Missing.Arn (AWS::S3::Bucket)');
  });

  it('readAlarms names the alarm and logical id of a definition it cannot resolve', () => {
    const t: Template = { Resources: { Bad: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'x', AlarmActions: [{ Ref: 'Nowhere' }] } } } };
    expect(() => readAlarms({ template: t, lookup: () => undefined, region: 'eu-west-1', account: '1' }, { Bad: 'Stack/Bad/Resource' })).toThrow(InvalidAlarmDefinition);
    expect(() => readAlarms({ template: t, lookup: () => undefined, region: 'eu-west-1', account: '1' }, { Bad: 'Stack/Bad/Resource' })).toThrow('Bad (Stack/Bad/Resource): Ref Nowhere (no such resource)');
  });
});

describe('readAlarms over a hand-written template', () => {
  const read = (resources: Record<string, unknown>) => readAlarms({ template: { Resources: resources }, lookup: () => undefined, region: 'eu-west-1', account: '123456789012' });
  const metric = { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: 'shop-dev' }] };

  it('reads a plain metric alarm with CloudWatch\'s defaults: DatapointsToAlarm = EvaluationPeriods, TreatMissingData missing', () => {
    const [a] = read({ Cpu: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'cpu', ...metric, Statistic: 'Average', Period: 60, EvaluationPeriods: 3, Threshold: 90, ComparisonOperator: 'GreaterThanThreshold' } } });
    expect(a).toEqual({
      kind: 'metric',
      logicalId: 'Cpu',
      path: undefined,
      name: 'cpu',
      periodSeconds: 60,
      queries: [{ id: 'm1', returnData: true, metric: { metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'shop-dev' } }, periodSeconds: 60, stat: 'Average' } }],
      criteria: { threshold: 90, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' },
      alarmActions: [],
      okActions: [],
    });
  });

  it('reads an ExtendedStatistic as the statistic', () => {
    const [a] = read({ P: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'p99', ...metric, ExtendedStatistic: 'p99', Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' } } });
    expect(a).toMatchObject({ periodSeconds: 300, queries: [{ metric: { stat: 'p99' } }], criteria: { treatMissingData: 'notBreaching' } });
  });

  it('a metric-math query returns data unless ReturnData is false (the API\'s default), and the alarm takes its period from the metrics', () => {
    const [a] = read({
      M: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'math',
          EvaluationPeriods: 2,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          Metrics: [
            { Id: 'e1', Expression: 'm1 * 2' },
            { Id: 'm1', ReturnData: false, MetricStat: { Metric: metric, Period: 120, Stat: 'Maximum' } },
          ],
        },
      },
    }) as MetricAlarmDef[];
    expect(a.queries.map((q) => [q.id, q.returnData, q.expression ?? q.metric!.stat])).toEqual([
      ['e1', true, 'm1 * 2'],
      ['m1', false, 'Maximum'],
    ]);
    expect(a.periodSeconds).toBe(120);
  });

  it('refuses an alarm without a name, and metric math with more than one query returning data, naming the alarm', () => {
    expect(() => read({ Anon: { Type: 'AWS::CloudWatch::Alarm', Properties: { ...metric, Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' } } })).toThrow(/alarm Anon at Anon: it has no AlarmName/);
    expect(() =>
      read({
        Two: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { AlarmName: 'two', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', Metrics: [{ Id: 'a', Expression: '1', Period: 60 }, { Id: 'b', Expression: '2', Period: 60 }] },
        },
      }),
    ).toThrow(/alarm two at Two: exactly one of its Metrics must return data, 2 do/);
  });

  it('skips resources that are not alarms', () => {
    expect(read({ T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'Nowhere' } } } })).toEqual([]);
  });
});
