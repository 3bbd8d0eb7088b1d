import { elbDimension, emulatedLookup, EmulatedResources, targetGroupColor } from '../../../rehearsal/alarms/resources';
import { Template } from '../../../rehearsal/alarms/intrinsics';

// A hand-written template with one resource of each type the lookup knows, so
// each Ref and GetAtt is pinned here in milliseconds (template-synth.test.ts
// checks the synthesized app, but synthesizes it and stays out of the mutation run).
const ELB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012';
const resources: EmulatedResources = {
  region: 'eu-west-1',
  account: '123456789012',
  listenerArn: `${ELB}:listener/app/shop/abc/def`,
  loadBalancerArn: `${ELB}:loadbalancer/app/shop/abc`,
  targetGroups: { blue: `${ELB}:targetgroup/shop-blue/123`, green: `${ELB}:targetgroup/shop-green/456` },
  maintenanceTargetGroup: `${ELB}:targetgroup/shop-maintenance/789`,
  cluster: 'shop-cluster',
  services: { blue: 'shop-svc-blue', green: 'shop-svc-green' },
  topics: { critical: 'arn:aws:sns:eu-west-1:123456789012:crit', warning: 'arn:aws:sns:eu-west-1:123456789012:warn' },
};

const template: Template = {
  Resources: {
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'shop-5xx' } },
    Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'shop-rollback' } },
    UnnamedAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: { 'Fn::Join': ['', ['a']] } } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'shop-alarm-handler' } },
    FnUnnamed: { Type: 'AWS::Lambda::Function', Properties: {} },
    Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [] } }] } },
    Redirect: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { DefaultActions: [{ Type: 'redirect' }] } },
    NoActions: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {} },
    Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
    TgBlue: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
    TgGreen: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
    TgMaint: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { TargetType: 'lambda' } },
    TgOrphan: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { TargetType: 'ip' } },
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
    SvcBlue: { Type: 'AWS::ECS::Service', Properties: { ServiceName: 'shop-blue', LoadBalancers: [{ TargetGroupArn: { Ref: 'TgBlue' } }] } },
    SvcGreen: { Type: 'AWS::ECS::Service', Properties: { ServiceName: 'shop-green', LoadBalancers: [{ ContainerName: 'x' }, { TargetGroupArn: { Ref: 'TgGreen' } }] } },
    SvcOther: { Type: 'AWS::ECS::Service', Properties: { ServiceName: 'shop-worker', LoadBalancers: [{ TargetGroupArn: { Ref: 'TgOrphan' } }] } },
    SvcNoLb: { Type: 'AWS::ECS::Service', Properties: { ServiceName: 'shop-blue' } },
    SvcUnnamed: { Type: 'AWS::ECS::Service', Properties: {} },
    Critical: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'shop-critical' } },
    Warning: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'shop-warning' } },
    OtherTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'shop-audit' } },
    UnnamedTopic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/shop/app' } },
    LogsUnnamed: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    NoProps: { Type: 'AWS::ECS::Cluster' },
  },
};

describe('elbDimension', () => {
  it('is the part of an ELB ARN from targetgroup/ or app/ on', () => {
    expect(elbDimension(resources.targetGroups.blue)).toBe('targetgroup/shop-blue/123');
    expect(elbDimension(resources.loadBalancerArn)).toBe('app/shop/abc');
    // A target group whose name contains "app/" still gives its own dimension.
    expect(elbDimension(`${ELB}:targetgroup/app/9`)).toBe('targetgroup/app/9');
  });
});

describe('targetGroupColor', () => {
  it('is the color of the ECS service whose load balancers reference the target group', () => {
    expect(targetGroupColor(template, 'TgBlue')).toBe('blue');
    expect(targetGroupColor(template, 'TgGreen')).toBe('green');
  });

  it('is undefined for a target group no blue or green service references', () => {
    expect(targetGroupColor(template, 'TgOrphan')).toBeUndefined();
    expect(targetGroupColor(template, 'TgMaint')).toBeUndefined();
    expect(targetGroupColor({ Resources: { S: { Type: 'AWS::ECS::Service', Properties: { LoadBalancers: [{ TargetGroupArn: { Ref: 'T' } }] } } } }, 'T')).toBeUndefined();
  });

  it('reads only ECS services, not another resource that names the target group', () => {
    const t: Template = { Resources: { X: { Type: 'AWS::Other::Thing', Properties: { ServiceName: 'x-blue', LoadBalancers: [{ TargetGroupArn: { Ref: 'T' } }] } } } };
    expect(targetGroupColor(t, 'T')).toBeUndefined();
  });
});

describe('emulatedLookup', () => {
  // Built inside each test, so the mutation run's per-test coverage sees the lookup's own code.
  const look = (id: string, attr: string | undefined) => emulatedLookup(template, resources)(id, attr);
  const arn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:123456789012:${rest}`;

  it.each([
    ['Alarm', undefined, 'shop-5xx'],
    ['Alarm', 'Arn', arn('cloudwatch', 'alarm:shop-5xx')],
    ['Composite', undefined, 'shop-rollback'],
    ['Composite', 'Arn', arn('cloudwatch', 'alarm:shop-rollback')],
    ['Fn', undefined, 'shop-alarm-handler'],
    ['Fn', 'Arn', arn('lambda', 'function:shop-alarm-handler')],
    ['FnUnnamed', undefined, 'FnUnnamed'],
    ['FnUnnamed', 'Arn', arn('lambda', 'function:FnUnnamed')],
    ['Listener', undefined, resources.listenerArn],
    ['Redirect', undefined, `${ELB}:listener/app/shop/abc/redirect`],
    ['NoActions', undefined, `${ELB}:listener/app/shop/abc/redirect`],
    ['Lb', undefined, resources.loadBalancerArn],
    ['Lb', 'LoadBalancerArn', resources.loadBalancerArn],
    ['Lb', 'LoadBalancerFullName', 'app/shop/abc'],
    ['Lb', 'DNSName', undefined],
    ['TgBlue', undefined, resources.targetGroups.blue],
    ['TgBlue', 'TargetGroupArn', resources.targetGroups.blue],
    ['TgGreen', 'TargetGroupFullName', 'targetgroup/shop-green/456'],
    ['TgGreen', 'TargetGroupName', 'shop-green'],
    ['TgGreen', 'LoadBalancerArns', undefined],
    ['TgMaint', undefined, resources.maintenanceTargetGroup],
    ['TgMaint', 'TargetGroupName', 'shop-maintenance'],
    ['TgOrphan', undefined, undefined],
    ['TgOrphan', 'TargetGroupName', undefined],
    ['Cluster', undefined, 'shop-cluster'],
    ['Cluster', 'Arn', arn('ecs', 'cluster/shop-cluster')],
    ['NoProps', 'Arn', arn('ecs', 'cluster/shop-cluster')],
    ['SvcBlue', 'Name', 'shop-svc-blue'],
    ['SvcBlue', undefined, arn('ecs', 'service/shop-cluster/shop-svc-blue')],
    ['SvcGreen', 'Name', 'shop-svc-green'],
    ['SvcGreen', undefined, arn('ecs', 'service/shop-cluster/shop-svc-green')],
    ['SvcOther', 'Name', undefined],
    ['SvcOther', undefined, undefined],
    ['SvcUnnamed', 'Name', undefined],
    ['SvcUnnamed', undefined, undefined],
    ['Critical', undefined, resources.topics.critical],
    ['Critical', 'TopicArn', resources.topics.critical],
    ['Critical', 'TopicName', 'shop-critical'],
    ['Warning', undefined, resources.topics.warning],
    ['Warning', 'TopicName', 'shop-warning'],
    ['Warning', 'Other', undefined],
    ['OtherTopic', undefined, undefined],
    ['OtherTopic', 'TopicName', 'shop-audit'],
    ['UnnamedTopic', undefined, undefined],
    ['UnnamedTopic', 'TopicName', ''],
    ['Queue', 'Arn', arn('sqs', 'Queue')],
    ['Queue', 'QueueName', 'Queue'],
    ['Queue', undefined, 'https://sqs.eu-west-1.amazonaws.com/123456789012/Queue'],
    ['Logs', undefined, '/shop/app'],
    ['Logs', 'Arn', arn('logs', 'log-group:/shop/app:*')],
    ['LogsUnnamed', undefined, 'LogsUnnamed'],
    ['LogsUnnamed', 'Arn', arn('logs', 'log-group:LogsUnnamed:*')],
  ])('%s %s resolves to %s', (id, attr, expected) => {
    expect(look(id, attr)).toBe(expected);
  });

  it('is undefined for an alarm without a literal name, an unknown type and a missing resource', () => {
    expect(look('UnnamedAlarm', undefined)).toBeUndefined();
    expect(look('UnnamedAlarm', 'Arn')).toBeUndefined();
    expect(look('Bucket', undefined)).toBeUndefined();
    expect(look('Bucket', 'Arn')).toBeUndefined();
    expect(look('Missing', undefined)).toBeUndefined();
  });

  it('without a maintenance target group, the lambda target group is unresolvable', () => {
    const { maintenanceTargetGroup: _, ...withoutMaintenance } = resources;
    expect(emulatedLookup(template, withoutMaintenance)('TgMaint', undefined)).toBeUndefined();
  });
});
