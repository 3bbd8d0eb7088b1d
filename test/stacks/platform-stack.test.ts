import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ColorAlarms } from '../../lib/constructs/color-alarms';
import { MathExpr, parseMetricMath } from '../../lib/metric-math';
import { Json, evaluate, ssmParameterId } from '../helpers/cfn-eval';
import { devWith, newApp, snapshotOf, synthConfig, synthEnv } from '../helpers/synth';

const dev = synthEnv('dev');
const prod = synthEnv('production');
const t = dev.platformTemplate;
const pt = prod.platformTemplate;

function only<T = any>(template: typeof t, type: string, props: object = {}): { id: string; res: T } {
  const found = template.findResources(type, props);
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], res: found[ids[0]] as T };
}

function productionListener(template: typeof t, port: number): any {
  return only(template, 'AWS::ElasticLoadBalancingV2::Listener', { Properties: { Port: port } }).res;
}

/** Target-group weights of a forward action once the live-color parameter holds `live`. */
function weightsWhenLive(template: typeof t, action: Json, live: string, names = dev.state.state.parameterNames): Record<string, number> {
  const json = template.toJSON();
  const resolved = evaluate(json, action, { [ssmParameterId(json, names.liveColor)]: live }) as any;
  const out: Record<string, number> = {};
  for (const tg of resolved.ForwardConfig.TargetGroups) out[tg.TargetGroupArn.Ref] = tg.Weight;
  return out;
}

const blueTg = () => dev.platform.getLogicalId(dev.platform.colors.blue.targetGroup.node.defaultChild as any);
const greenTg = () => dev.platform.getLogicalId(dev.platform.colors.green.targetGroup.node.defaultChild as any);

describe('production route', () => {
  it('forwards to both colors with weights', () => {
    const action = productionListener(t, 80).Properties.DefaultActions[0];
    expect(action.Type).toBe('forward');
    expect(action.ForwardConfig.TargetGroups.map((g: any) => g.TargetGroupArn.Ref).sort()).toEqual([blueTg(), greenTg()].sort());
  });

  it('sends everything to green when the recorded live color is green', () => {
    const action = productionListener(t, 80).Properties.DefaultActions[0];
    expect(weightsWhenLive(t, action, 'green')).toEqual({ [blueTg()]: 0, [greenTg()]: 100 });
  });

  it('sends everything to blue when the recorded live color is blue', () => {
    const action = productionListener(t, 80).Properties.DefaultActions[0];
    expect(weightsWhenLive(t, action, 'blue')).toEqual({ [blueTg()]: 100, [greenTg()]: 0 });
  });

  it('reads the live color from the state parameter at deploy time, not a constant', () => {
    const params = t.toJSON().Parameters;
    const id = ssmParameterId(t.toJSON(), '/switchyard/shop/dev/live-color');
    expect(params[id].Type).toBe('AWS::SSM::Parameter::Value<String>');
  });

  it('is plain HTTP without a certificate', () => {
    expect(productionListener(t, 80).Properties.Protocol).toBe('HTTP');
    t.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 }, 0);
  });

  it('is HTTPS with the configured certificate, and port 80 redirects', () => {
    const https = productionListener(pt, 443).Properties;
    expect(https.Protocol).toBe('HTTPS');
    expect(https.Certificates).toEqual([{ CertificateArn: prod.config.domain!.certificateArn }]);
    expect(https.SslPolicy).toMatch(/^ELBSecurityPolicy-TLS13/);
    const redirect = productionListener(pt, 80).Properties.DefaultActions[0];
    expect(redirect).toMatchObject({ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } });
  });
});

describe('test route', () => {
  const rule = () => only(t, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Properties: { Priority: 10 } }).res.Properties;

  it('matches a header whose token is resolved from Secrets Manager', () => {
    const cond = rule().Conditions[0];
    expect(cond.Field).toBe('http-header');
    expect(cond.HttpHeaderConfig.HttpHeaderName).toBe('X-Switchyard-Test');
    const secretId = dev.platform.getLogicalId(dev.platform.router.testTokenSecret.node.defaultChild as any);
    expect(cond.HttpHeaderConfig.Values).toEqual([{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] }]);
  });

  it('reaches only the idle color', () => {
    const action = rule().Actions[0];
    expect(weightsWhenLive(t, action, 'blue')).toEqual({ [blueTg()]: 0, [greenTg()]: 1 });
    expect(weightsWhenLive(t, action, 'green')).toEqual({ [blueTg()]: 1, [greenTg()]: 0 });
  });

  it('lets operators preview the idle color only from their ranges and with the preview header', () => {
    const preview = only(t, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Properties: { Priority: 20 } }).res.Properties;
    expect(preview.Conditions).toEqual([
      { Field: 'source-ip', SourceIpConfig: { Values: ['203.0.113.0/24'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Switchyard-Preview', Values: ['idle'] } },
    ]);
    expect(weightsWhenLive(t, preview.Actions[0], 'green')).toEqual({ [blueTg()]: 1, [greenTg()]: 0 });
  });

  it('has no preview rule without operator ranges', () => {
    const s = synthConfig(devWith((r) => (r.operatorCidrs = [])));
    s.platformTemplate.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: 20 }, 0);
  });
});

describe('colors', () => {
  it.each(['blue', 'green'] as const)('%s runs the image and task count recorded for it', (color) => {
    const json = t.toJSON();
    const td = dev.platform.getLogicalId(dev.platform.colors[color].taskDefinition.node.defaultChild as any);
    const svc = dev.platform.getLogicalId(dev.platform.colors[color].service.node.defaultChild as any);
    expect(json.Resources[td].Properties.ContainerDefinitions[0].Image).toEqual({ Ref: ssmParameterId(json, `/switchyard/shop/dev/${color}/image`) });
    expect(json.Resources[svc].Properties.DesiredCount).toEqual({ Ref: ssmParameterId(json, `/switchyard/shop/dev/${color}/desired-count`) });
  });

  it('injects secrets as ECS secrets, never as environment values', () => {
    const [blue] = Object.values(pt.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: 'shop-production-blue' } })) as any[];
    const c = blue.Properties.ContainerDefinitions[0];
    expect(c.Secrets).toEqual([
      { Name: 'DATABASE_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/production/db-AbCdEf:password::' },
      { Name: 'PAYMENT_API_KEY', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/production/payments-GhIjKl' },
    ]);
    const envNames = c.Environment.map((e: any) => e.Name);
    expect(envNames).toEqual(['LOG_LEVEL', 'SWITCHYARD_COLOR']);
    expect(JSON.stringify(c.Environment)).not.toMatch(/secretsmanager|PASSWORD|API_KEY/);
  });

  it('lets the execution role read exactly the configured secrets', () => {
    const policies = pt.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('BlueTaskExecutionRole') } });
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    const read = statements.filter((s: any) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue')).flatMap((s: any) => ([] as string[]).concat(s.Resource));
    expect(read.sort()).toEqual([
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/production/db-AbCdEf',
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/production/payments-GhIjKl',
    ]);
  });

  it('task security groups accept traffic only from the load balancer, on the container port', () => {
    const albSg = prod.platform.getLogicalId(prod.platform.router.loadBalancer.connections.securityGroups[0].node.defaultChild as any);
    const ingress = Object.values(pt.findResources('AWS::EC2::SecurityGroupIngress')) as any[];
    const toTasks = ingress.filter((i) => JSON.stringify(i.Properties.GroupId).match(/(Blue|Green)ServiceSecurityGroup/));
    expect(toTasks).toHaveLength(2);
    for (const i of toTasks) {
      expect(i.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] } });
    }
    for (const sg of Object.values(pt.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('(Blue|Green)/Service') } })) as any[]) {
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    }
  });

  it('target groups take health check, deregistration delay and stickiness from configuration', () => {
    const tg = only(pt, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { Name: 'shop-production-blue' } }).res.Properties;
    expect(tg).toMatchObject({ HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3, TargetType: 'ip' });
    expect(tg.TargetGroupAttributes).toEqual(expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }]));
    const sticky = synthConfig(devWith((r) => (r.service.stickiness = { enabled: true, durationSeconds: 600 })));
    const stg = only(sticky.platformTemplate, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Properties: { Name: 'shop-dev-blue' } }).res.Properties;
    expect(stg.TargetGroupAttributes).toEqual(expect.arrayContaining([{ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.lb_cookie.duration_seconds', Value: '600' }]));
  });

  it('the deployed production route has no group stickiness, even when configured: with one color live it could only hold cookie holders on the other', () => {
    const sticky = synthConfig(devWith((r) => (r.service.stickiness = { enabled: true, durationSeconds: 600 })));
    const action = productionListener(sticky.platformTemplate, 80).Properties.DefaultActions[0];
    expect(action.Type).toBe('forward');
    expect(action.ForwardConfig.TargetGroups).toHaveLength(2);
    expect(action.ForwardConfig.TargetGroupStickinessConfig?.Enabled ?? false).toBe(false);
  });

  it('runs on a cluster with Container Insights on', () => {
    t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('each color has its own log group', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/switchyard/shop-dev/blue', RetentionInDays: 30 });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/switchyard/shop-dev/green', RetentionInDays: 30 });
  });
});

describe('load balancer', () => {
  it('writes access logs to an encrypted, TLS-only bucket', () => {
    const lb = only(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer').res.Properties;
    expect(lb.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]));
    t.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('WAF', () => {
  const acl = (template: typeof t) => only(template, 'AWS::WAFv2::WebACL').res.Properties;

  it('runs the AWS managed groups and a per-IP rate rule', () => {
    const rules = acl(t).Rules;
    expect(rules.map((r: any) => r.Name)).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList', 'RatePerIp']);
    expect(rules[3].Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    for (const r of rules) expect(r.VisibilityConfig.CloudWatchMetricsEnabled).toBe(true);
  });

  it('counts in COUNT mode', () => {
    const rules = acl(t).Rules;
    for (const r of rules.slice(0, 3)) expect(r.OverrideAction).toEqual({ Count: {} });
    expect(rules[3].Action).toEqual({ Count: {} });
  });

  it('blocks in BLOCK mode with the configured rate', () => {
    const rules = acl(pt).Rules;
    for (const r of rules.slice(0, 3)) expect(r.OverrideAction).toEqual({ None: {} });
    expect(rules[3].Action).toEqual({ Block: {} });
    expect(rules[3].Statement.RateBasedStatement.Limit).toBe(3000);
  });

  it('is associated with the load balancer and logs', () => {
    const lb = dev.platform.getLogicalId(dev.platform.router.loadBalancer.node.defaultChild as any);
    const aclId = only(t, 'AWS::WAFv2::WebACL').id;
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: lb }, WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-shop-dev' });
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', { ResourceArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
  });
});

describe('alarms', () => {
  const alarm = (template: typeof t, name: string) => only(template, 'AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }).res.Properties;
  const topicRef = (template: typeof t, name: string) => ({ Ref: only(template, 'AWS::SNS::Topic', { Properties: { TopicName: name } }).id });
  const stat = (a: any, id: string) => a.Metrics.find((m: any) => m.Id === id).MetricStat;
  const expression = (a: any) => a.Metrics.find((m: any) => m.Expression).Expression;
  const dimensionNames = (metric: any) => metric.Dimensions.map((d: any) => d.Name).sort();
  const serviceName = (s: typeof dev, color: 'blue' | 'green') => ({ 'Fn::GetAtt': [s.platform.getLogicalId(s.platform.colors[color].service.node.defaultChild as any), 'Name'] });
  const clusterRef = (s: typeof dev) => ({ Ref: s.platform.getLogicalId(s.platform.cluster.node.defaultChild as any) });
  /** Logical ids of the alarms an AlarmRule names, in order. */
  const ruleAlarmIds = (rule: unknown) => [...JSON.stringify(rule).matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g)].map((m) => m[1]);

  it('no alarm expression FILLs every metric it reads: a filled newest minute, not yet reported, would read as a real value', () => {
    const withExpressions = Object.values(t.toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Metrics);
    expect(withExpressions.length).toBeGreaterThanOrEqual(10);
    for (const a of withExpressions) {
      // An id naming another expression of the alarm reads what that expression reads.
      const expressions = new Map<string, MathExpr>(a.Properties.Metrics.filter((m: any) => m.Expression).map((m: any) => [m.Id, parseMetricMath(m.Expression)]));
      /** Metrics read somewhere outside a FILL. */
      const unfilled = (e: MathExpr): string[] => {
        if (e.kind === 'id') return expressions.has(e.name) ? unfilled(expressions.get(e.name)!) : [e.name];
        if (e.kind === 'call') return e.name === 'FILL' ? [] : e.args.flatMap(unfilled);
        if (e.kind === 'binary') return [...unfilled(e.left), ...unfilled(e.right)];
        if (e.kind === 'unary') return unfilled(e.operand);
        if (e.kind === 'array') return e.items.flatMap(unfilled);
        return [];
      };
      const returned = a.Properties.Metrics.find((m: any) => m.ReturnData !== false);
      expect({ alarm: a.Properties.AlarmName, unfilled: unfilled(expressions.get(returned.Id)!).length > 0 }).toEqual({ alarm: a.Properties.AlarmName, unfilled: true });
    }
  });

  it.each([
    ['error-rate', 1, 5],
    ['p95-latency', 0.5, 2],
  ])('%s has warning %s and critical %s per color', (what, warning, critical) => {
    for (const color of ['blue', 'green']) {
      expect(alarm(t, `shop-dev-${color}-${what}-warning`).Threshold).toBe(warning);
      expect(alarm(t, `shop-dev-${color}-${what}-critical`).Threshold).toBe(critical);
    }
  });

  it('error rate counts the targets\' 5xx and failed connections to them, reads 0 below the minimum request count, per target group', () => {
    const a = alarm(t, 'shop-dev-green-error-rate-critical');
    expect(expression(a)).toBe('IF(requests_green >= 20, 100 * (FILL(target5xx_green, 0) + FILL(connErrors_green, 0)) / requests_green, 0)');
    for (const [id, metricName] of [['requests_green', 'RequestCount'], ['target5xx_green', 'HTTPCode_Target_5XX_Count'], ['connErrors_green', 'TargetConnectionErrorCount']]) {
      const s = stat(a, id);
      expect({ id, metricName: s.Metric.MetricName, dimensions: dimensionNames(s.Metric), period: s.Period, stat: s.Stat }).toEqual({ id, metricName, dimensions: ['LoadBalancer', 'TargetGroup'], period: 60, stat: 'Sum' });
    }
    expect(a).toMatchObject({ EvaluationPeriods: 2, DatapointsToAlarm: 2, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  it('error rate and p95 take their own period, evaluation periods and datapoints', () => {
    const s = synthConfig(devWith((r) => (r.alarms = { ...r.alarms, errorRate: { periodSeconds: 120, evaluationPeriods: 5, datapointsToAlarm: 3, minRequests: 50 }, p95Latency: { periodSeconds: 300, evaluationPeriods: 1 } })));
    const e = alarm(s.platformTemplate, 'shop-dev-blue-error-rate-critical');
    expect(expression(e)).toMatch(/^IF\(requests_blue >= 50,/);
    expect(e.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period)).toEqual([120, 120, 120]);
    expect(e).toMatchObject({ EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    expect(alarm(s.platformTemplate, 'shop-dev-blue-p95-latency-warning')).toMatchObject({ MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    // Other signals keep their defaults.
    expect(alarm(s.platformTemplate, 'shop-dev-blue-unhealthy-hosts')).toMatchObject({ Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  it('p95 latency uses the p95 statistic', () => {
    expect(alarm(t, 'shop-dev-blue-p95-latency-critical')).toMatchObject({ MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  it('watches unhealthy hosts and healthy hosts below desired', () => {
    const unhealthy = alarm(t, 'shop-dev-blue-unhealthy-hosts');
    expect(unhealthy).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'UnHealthyHostCount', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(dimensionNames(unhealthy)).toEqual(['LoadBalancer', 'TargetGroup']);
    const below = alarm(t, 'shop-dev-blue-healthy-below-desired');
    expect(expression(below)).toBe('desired_blue - healthy_blue');
    expect(stat(below, 'desired_blue')).toEqual({ Metric: { Namespace: 'ECS/ContainerInsights', MetricName: 'DesiredTaskCount', Dimensions: [{ Name: 'ClusterName', Value: clusterRef(dev) }, { Name: 'ServiceName', Value: serviceName(dev, 'blue') }] }, Period: 60, Stat: 'Maximum' });
    expect(below).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  it('health-check failures: unhealthy targets in percent of registered targets', () => {
    const a = alarm(t, 'shop-dev-green-health-check-failures');
    expect(expression(a)).toBe('100 * unhealthy_green / (healthy_green + unhealthy_green)');
    expect(stat(a, 'healthy_green')).toMatchObject({ Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount' }, Period: 60, Stat: 'Minimum' });
    expect(stat(a, 'unhealthy_green')).toMatchObject({ Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'UnHealthyHostCount' }, Period: 60, Stat: 'Maximum' });
    expect(dimensionNames(stat(a, 'unhealthy_green').Metric)).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(a).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
  });

  it('CPU and memory: the service\'s average utilization from AWS/ECS, at or above the level for 5 of 5 minutes', () => {
    for (const color of ['blue', 'green'] as const) {
      for (const [what, metricName, threshold] of [['cpu', 'CPUUtilization', 99], ['memory', 'MemoryUtilization', 90]] as const) {
        expect(alarm(t, `shop-dev-${color}-${what}`)).toEqual(expect.objectContaining({
          Namespace: 'AWS/ECS',
          MetricName: metricName,
          Dimensions: [{ Name: 'ClusterName', Value: clusterRef(dev) }, { Name: 'ServiceName', Value: serviceName(dev, color) }],
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 5,
          DatapointsToAlarm: 5,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        }));
      }
    }
  });

  describe('crash loop', () => {
    it('sums the color\'s crashed tasks over the window and fires above the maximum', () => {
      for (const color of ['blue', 'green'] as const) {
        expect(alarm(t, `shop-dev-${color}-crash-loop`)).toEqual(expect.objectContaining({
          Namespace: 'Switchyard/TaskExits',
          MetricName: 'TaskExits',
          Dimensions: [{ Name: 'Group', Value: { 'Fn::Join': ['', ['service:', serviceName(dev, color)]] } }],
          Statistic: 'Sum',
          Period: 600,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 3,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        }));
      }
      const s = synthConfig(devWith((r) => (r.alarms = { ...r.alarms, crashLoop: { maxExits: 0, windowMinutes: 5 } })));
      expect(alarm(s.platformTemplate, 'shop-dev-blue-crash-loop')).toMatchObject({ Period: 300, Threshold: 0 });
    });

    it('sends every STOPPED task of the two services to a log group', () => {
      const rule = only(t, 'AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.ecs'] } } }).res.Properties;
      const cluster = dev.platform.getLogicalId(dev.platform.cluster.node.defaultChild as any);
      expect(rule.EventPattern).toEqual({
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [{ 'Fn::GetAtt': [cluster, 'Arn'] }],
          lastStatus: ['STOPPED'],
          group: [{ 'Fn::Join': ['', ['service:', serviceName(dev, 'blue')]] }, { 'Fn::Join': ['', ['service:', serviceName(dev, 'green')]] }],
        },
      });
      const logs = only(t, 'AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/events/switchyard/shop-dev/task-exits' } });
      expect(logs.res.Properties.RetentionInDays).toBe(30);
      expect(rule.Targets).toHaveLength(1);
      const arn = rule.Targets[0].Arn['Fn::Join'][1];
      expect(arn.slice(-2)).toEqual([expect.stringMatching(/:log-group:$/), { Ref: logs.id }]);
      expect(rule.Targets[0].RoleArn).toBeUndefined();
    });

    it('lets EventBridge write to that one log group, with a native resource policy (no custom resource)', () => {
      const logs = only(t, 'AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/events/switchyard/shop-dev/task-exits' } }).id;
      const policy = only(t, 'AWS::Logs::ResourcePolicy').res.Properties;
      const doc = JSON.parse(policy.PolicyDocument['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<LOG_GROUP_ARN>')).join(''));
      expect(doc.Statement).toEqual([{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Resource: '<LOG_GROUP_ARN>' }]);
      expect(policy.PolicyDocument['Fn::Join'][1]).toContainEqual({ 'Fn::GetAtt': [logs, 'Arn'] });
      t.resourceCountIs('Custom::CloudwatchLogResourcePolicy', 0);
    });

    it('counts, per color, stops whose code is a crash, as 1 with the ECS group as the dimension', () => {
      for (const color of ['blue', 'green'] as const) {
        const f = only(t, 'AWS::Logs::MetricFilter', { Properties: { FilterName: `shop-dev-${color}-task-exits` } }).res.Properties;
        expect(f.FilterPattern).toEqual({
          'Fn::Join': ['', ['{ ($.detail.group = "service:', serviceName(dev, color), '") && (($.detail.stopCode = "EssentialContainerExited") || ($.detail.stopCode = "TaskFailedToStart")) }']],
        });
        expect(f.MetricTransformations).toEqual([{ MetricNamespace: 'Switchyard/TaskExits', MetricName: 'TaskExits', MetricValue: '1', Unit: 'Count', Dimensions: [{ Key: 'Group', Value: '$.detail.group' }] }]);
      }
      // The construct exposes the filters it synthesized, one per color.
      const filters = dev.platform.monitoring.taskExits!.filters;
      expect([filters.blue, filters.green].map((x) => (x.node.defaultChild as any).filterName)).toEqual(['shop-dev-blue-task-exits', 'shop-dev-green-task-exits']);
    });
  });

  it('signals can be turned off: no alarm, no task-exit machinery, and the composite leaves them out', () => {
    const s = synthConfig(devWith((r) => (r.alarms = { ...r.alarms, cpu: { enabled: false }, memory: { enabled: false }, crashLoop: { enabled: false }, healthCheckFailures: { enabled: false } })));
    const tpl = s.platformTemplate;
    tpl.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('-(cpu|memory|crash-loop|health-check-failures)$') }, 0);
    tpl.resourceCountIs('AWS::Logs::MetricFilter', 0);
    tpl.resourceCountIs('AWS::Logs::ResourcePolicy', 0);
    tpl.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { source: ['aws.ecs'] } }, 0);
    expect(s.platform.monitoring.colors.blue.cpuAlarm).toBeUndefined();
    // error rate, p95, unhealthy hosts, healthy below desired, worse than green, and the shared extra alarm
    expect(s.platform.monitoring.colors.blue.criticalAlarms).toHaveLength(6);
    expect(JSON.stringify(only(tpl, 'AWS::CloudWatch::Dashboard').res.Properties.DashboardBody)).toContain('the crash-loop alarm is off');
  });

  it('request rate and capacity levels use the defaults', () => {
    expect(alarm(pt, 'shop-production-requests-per-minute-warning').Threshold).toBe(1000);
    expect(alarm(pt, 'shop-production-requests-per-minute-critical')).toMatchObject({ Threshold: 2000, Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(alarm(pt, 'shop-production-database-connections-warning').Threshold).toBe(80);
    expect(alarm(pt, 'shop-production-database-connections-critical').Threshold).toBe(95);
    expect(expression(alarm(pt, 'shop-production-database-connections-critical'))).toBe('100 * connections / 400');
    expect(alarm(pt, 'shop-production-cache-memory-warning').Threshold).toBe(70);
    expect(alarm(pt, 'shop-production-cache-memory-critical').Threshold).toBe(90);
  });

  it('capacity alarms take their own period and datapoints', () => {
    const s = synthConfig(devWith((r) => {
      r.database = { instanceIdentifier: 'shop-dev', maxConnections: 100 };
      r.alarms = { ...r.alarms, databaseConnectionsPercent: { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 }, requestsPerMinute: { evaluationPeriods: 4 } };
    }));
    const db = alarm(s.platformTemplate, 'shop-dev-database-connections-critical');
    expect(stat(db, 'connections').Period).toBe(300);
    expect(db).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(alarm(s.platformTemplate, 'shop-dev-requests-per-minute-critical')).toMatchObject({ Period: 60, EvaluationPeriods: 4, DatapointsToAlarm: 4 });
  });

  it('has no database or cache alarms when none is configured', () => {
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('database|cache') }, 0);
  });

  it('warnings notify the warning topic; critical capacity levels page', () => {
    expect(alarm(t, 'shop-dev-blue-error-rate-warning').AlarmActions).toEqual([topicRef(t, 'shop-dev-warning')]);
    expect(alarm(t, 'shop-dev-requests-per-minute-critical').AlarmActions).toEqual([topicRef(t, 'shop-dev-critical')]);
    // Critical color signals act through the composite, not one by one.
    for (const what of ['error-rate-critical', 'health-check-failures', 'crash-loop', 'cpu', 'memory']) expect(alarm(t, `shop-dev-blue-${what}`).AlarmActions).toBeUndefined();
  });

  it('one composite rollback alarm per color: an OR of exactly its critical alarms, paging the critical topic', () => {
    for (const color of ['blue', 'green'] as const) {
      const parts = ['error-rate-critical', 'p95-latency-critical', 'unhealthy-hosts', 'healthy-below-desired', 'health-check-failures', 'crash-loop', 'cpu', 'memory', `worse-than-${color === 'blue' ? 'green' : 'blue'}`, 'checkout-failure-rate'];
      const c = only(t, 'AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: `shop-dev-${color}-rollback` } }).res.Properties;
      expect(c.AlarmActions).toEqual([topicRef(t, 'shop-dev-critical')]);
      const expected = parts.map((part) => only(t, 'AWS::CloudWatch::Alarm', { Properties: { AlarmName: `shop-dev-${color}-${part}` } }).id);
      expect(ruleAlarmIds(c.AlarmRule)).toEqual(expected);
      // Only ORs: no AND, NOT or other states.
      const text = JSON.stringify(c.AlarmRule['Fn::Join'][1].filter((p: unknown) => typeof p === 'string'));
      expect(text.replace(/\\"/g, '"')).toMatch(/^\["\(ALARM\(\"","\"\) OR ALARM\(\""(,"\"\) OR ALARM\(\"")*,"\"\)\)"\]$/);
      // The construct exposes the same alarms, in rule order.
      expect(dev.platform.monitoring.colors[color].criticalAlarms.map((a) => dev.platform.getLogicalId((a as any).node.defaultChild))).toEqual(expected);
    }
  });

  it('extra alarms with {color} become one alarm per color', () => {
    for (const color of ['blue', 'green']) {
      const a = alarm(pt, `shop-production-${color}-checkout-failure-rate`);
      expect(a).toMatchObject({ Namespace: 'Shop/Checkout', MetricName: 'FailureRate', Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
      expect(a.Dimensions).toEqual([{ Name: 'Color', Value: color }]);
      expect(alarm(pt, `shop-production-${color}-payment-errors`)).toMatchObject({ Namespace: 'Shop/Payments', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    }
  });

  it('an expression extra alarm reads its named metrics and watches the expression', () => {
    const a = alarm(pt, 'shop-production-order-queue-rising');
    expect(a.Metrics).toEqual([
      { Id: 'expr_1', Expression: 'DIFF(depth)', Label: 'OrderQueueRising', ReturnData: true },
      {
        Id: 'depth',
        MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'shop-production-orders' }] }, Period: 60, Stat: 'Maximum' },
        ReturnData: false,
      },
    ]);
    expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 10, DatapointsToAlarm: 10, TreatMissingData: 'notBreaching' });
    expect(a.MetricName).toBeUndefined();
  });

  it('an expression extra alarm naming {color} in a metric\'s dimensions becomes one alarm per color', () => {
    const s = synthConfig(devWith((r) => r.alarms!.extra!.push({
      name: 'FailedShare',
      expression: '100 * failed / total',
      metrics: {
        failed: { namespace: 'Shop/Checkout', metricName: 'Failed', dimensions: { Color: '{color}' }, statistic: 'Sum' },
        total: { namespace: 'Shop/Checkout', metricName: 'Attempts', dimensions: { Color: '{color}' }, statistic: 'Sum' },
      },
      threshold: 1,
      comparison: 'GreaterThanThreshold',
    })));
    for (const color of ['blue', 'green'] as const) {
      const a = alarm(s.platformTemplate, `shop-dev-${color}-failed-share`);
      expect(expression(a)).toBe('100 * failed / total');
      expect(stat(a, 'failed').Metric.Dimensions).toEqual([{ Name: 'Color', Value: color }]);
      expect(stat(a, 'total').Metric.Dimensions).toEqual([{ Name: 'Color', Value: color }]);
      const c = only(s.platformTemplate, 'AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: `shop-dev-${color}-rollback` } }).res.Properties;
      expect(ruleAlarmIds(c.AlarmRule)).toContain(only(s.platformTemplate, 'AWS::CloudWatch::Alarm', { Properties: { AlarmName: `shop-dev-${color}-failed-share` } }).id);
    }
  });

  it('extra alarms without {color} are shared and feed both composites', () => {
    const shared = only(pt, 'AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'shop-production-order-queue-rising' } });
    for (const color of ['blue', 'green']) {
      const c = only(pt, 'AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: `shop-production-${color}-rollback` } }).res.Properties;
      expect(ruleAlarmIds(c.AlarmRule)).toContain(shared.id);
    }
  });

  describe('each color worse than the other (the judge\'s comparison between step checks)', () => {
    const metricStats = (a: any) => a.Metrics.filter((m: any) => m.MetricStat);
    const byId = (a: any, id: string) => a.Metrics.find((m: any) => m.Id === id);
    const tgFullName = (s: typeof dev, color: 'blue' | 'green') => ({ 'Fn::GetAtt': [s.platform.getLogicalId(s.platform.colors[color].targetGroup.node.defaultChild as any), 'TargetGroupFullName'] });

    it('a one-sided two-proportion z of the failed shares minus the margin, over the pooled standard error, 0 below the minimum requests', () => {
      const a = alarm(t, 'shop-dev-green-worse-than-blue');
      const returned = a.Metrics.filter((m: any) => m.ReturnData !== false);
      expect(returned).toHaveLength(1);
      expect(returned[0].Expression).toBe(
        'IF((requests_green >= 100) AND (requests_blue >= 100) AND (pooled > 0) AND (pooled < 1), ' +
          '(failed_green / requests_green - failed_blue / requests_blue - 0.01) / ((pooled * (1 - pooled) * (1 / requests_green + 1 / requests_blue)) ^ 0.5), 0)',
      );
      expect(byId(a, 'pooled').Expression).toBe('(failed_blue + failed_green) / (requests_blue + requests_green)');
      for (const color of ['blue', 'green']) expect(byId(a, `failed_${color}`).Expression).toBe(`FILL(target5xx_${color}, 0) + FILL(connErrors_${color}, 0)`);
      // Blue's alarm is the mirror image, with the same helper expressions (so one graph can hold both).
      const b = alarm(t, 'shop-dev-blue-worse-than-green');
      expect(b.Metrics.find((m: any) => m.ReturnData !== false).Expression).toMatch(/^IF\(\(requests_blue >= 100\) AND \(requests_green >= 100\) AND .*\(failed_blue \/ requests_blue - failed_green \/ requests_green - 0\.01\)/);
      expect(byId(b, 'pooled').Expression).toBe(byId(a, 'pooled').Expression);
    });

    it('reads both colors\' requests, target 5xx and failed connections, summed over the window, each from its own target group', () => {
      for (const [color, other] of [['green', 'blue'], ['blue', 'green']] as const) {
        const a = alarm(t, `shop-dev-${color}-worse-than-${other}`);
        expect(metricStats(a)).toHaveLength(6);
        for (const c of [color, other]) {
          for (const [id, metricName] of [[`requests_${c}`, 'RequestCount'], [`target5xx_${c}`, 'HTTPCode_Target_5XX_Count'], [`connErrors_${c}`, 'TargetConnectionErrorCount']]) {
            const s = stat(a, id);
            expect({ id, namespace: s.Metric.Namespace, metricName: s.Metric.MetricName, dimensions: dimensionNames(s.Metric), period: s.Period, stat: s.Stat }).toEqual({ id, namespace: 'AWS/ApplicationELB', metricName, dimensions: ['LoadBalancer', 'TargetGroup'], period: 300, stat: 'Sum' });
            expect(s.Metric.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value).toEqual(tgFullName(dev, c));
          }
        }
      }
    });

    it('fires above z = 4 on one rolling window, treats no data as not breaching, and explains that it acts only during a ramp', () => {
      const a = alarm(t, 'shop-dev-green-worse-than-blue');
      expect(a).toMatchObject({ Threshold: 4, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
      expect(a.AlarmDescription).toMatch(/fires only while both take traffic: during a ramp/);
      expect(a.AlarmDescription).toContain('at least 100 requests in the window');
      // It acts through the composite only.
      expect(a.AlarmActions).toBeUndefined();
    });

    it('takes its window, z and the judge\'s margin and minimum from the configuration', () => {
      const s = synthConfig(devWith((r) => (r.judge = { errorMarginPercentPoints: 0.5, minRequestsPerColor: 500, comparisonAlarm: { windowMinutes: 10, zScore: 5 } })));
      const a = alarm(s.platformTemplate, 'shop-dev-blue-worse-than-green');
      expect(a.Metrics.find((m: any) => m.ReturnData !== false).Expression).toMatch(/^IF\(\(requests_blue >= 500\) AND \(requests_green >= 500\) .* - 0\.005\) \//);
      expect(metricStats(a).map((m: any) => m.MetricStat.Period)).toEqual([600, 600, 600, 600, 600, 600]);
      expect(a).toMatchObject({ Threshold: 5, EvaluationPeriods: 1 });
    });

    it('is off with judge.comparisonAlarm.enabled false: no alarm, the composites leave it out, the dashboard says so', () => {
      const s = synthConfig(devWith((r) => (r.judge = { comparisonAlarm: { enabled: false } })));
      const tpl = s.platformTemplate;
      tpl.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('worse-than') }, 0);
      for (const color of ['blue', 'green'] as const) {
        expect(s.platform.monitoring.colors[color].comparison).toBeUndefined();
        const rule = only(tpl, 'AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: `shop-dev-${color}-rollback` } }).res.Properties.AlarmRule;
        expect(ruleAlarmIds(rule)).toHaveLength(9);
      }
      expect(JSON.stringify(only(tpl, 'AWS::CloudWatch::Dashboard').res.Properties.DashboardBody)).toContain('the comparison alarm is off');
    });
  });

  it('a crash-loop alarm without its metric is refused', () => {
    const stack = new Stack(newApp(), 'Alone', { env: { account: '111111111111', region: 'eu-west-1' } });
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/tg/0123456789abcdef',
      loadBalancerArns: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/lb/0123456789abcdef',
    });
    const topic = new sns.Topic(stack, 'Topic');
    expect(() => new ColorAlarms(stack, 'Blue', {
      color: 'blue', namePrefix: 'shop-dev', targetGroup, clusterName: 'shop-dev', serviceName: 'shop-dev-blue',
      signals: dev.config.alarms, criticalTopic: topic, warningTopic: topic,
    })).toThrow(/alarms\.crashLoop is enabled but no taskExits metric was given; pass TaskExitMetrics\.metrics\.blue/);
  });
});

describe('dashboard', () => {
  const body = (template: typeof t) => JSON.stringify(only(template, 'AWS::CloudWatch::Dashboard').res.Properties.DashboardBody);

  it('charts request rate, error rate, p95, traffic, healthy hosts, health-check failures, crashed tasks, CPU, memory and alarm status', () => {
    const b = body(t);
    for (const title of ['Request rate (per minute)', 'Error rate (5xx %)', 'p95 latency (s)', 'Traffic per color', 'Healthy hosts per color', 'Health-check failures (% of targets)', 'Crashed tasks (per minute)', 'CPU utilization (%)', 'Memory utilization (%)', 'Alarm status', 'WAF requests']) {
      expect(b).toContain(title);
    }
    for (const metric of ['TaskExits', 'CPUUtilization', 'MemoryUtilization', 'unhealthy_blue', 'unhealthy_green']) expect(b).toContain(metric);
  });

  it('graphs both colors\' comparison statistic with the threshold as a horizontal line', () => {
    const dash = only(t, 'AWS::CloudWatch::Dashboard').res.Properties.DashboardBody;
    const b = body(t);
    expect(b).toContain('Each color against the other');
    for (const color of ['blue', 'green']) expect(b).toContain(`${color} worse than ${color === 'blue' ? 'green' : 'blue'} (z)`);
    // The annotation sits in the literal parts of the joined body.
    const literal = (dash['Fn::Join'][1] as unknown[]).filter((p): p is string => typeof p === 'string').join('');
    expect(literal).toContain('"annotations":{"horizontal":[{"value":4,"label":"rolls that color back above 4","color":"#d62728","yAxis":"left"}]}');
    // Its metrics carry no period of their own: 300 s, the window, is the dashboard's default, which CDK leaves out.
    expect(literal).toMatch(/"id":"requests_green","visible":false,"stat":"Sum"/);
  });

  it('charts database connections and cache memory when configured', () => {
    const b = body(pt);
    expect(b).toContain('Database connections (%)');
    expect(b).toContain('Cache memory (%)');
    expect(b).toContain('DatabaseMemoryUsagePercentage');
  });
});

describe('notifications', () => {
  it('topics are KMS-encrypted and TLS-only', () => {
    for (const name of ['shop-dev-critical', 'shop-dev-warning']) {
      t.hasResourceProperties('AWS::SNS::Topic', { TopicName: name, KmsMasterKeyId: Match.anyValue() });
    }
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('subscribes e-mail to both topics, PagerDuty to critical only, and Slack through Chatbot', () => {
    pt.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform-oncall@example.com' }, 2);
    const pd = only(pt, 'AWS::SNS::Subscription', { Properties: { Protocol: 'https' } }).res.Properties;
    expect(pd.TopicArn).toEqual(topicRefOf(pt, 'shop-production-critical'));
    pt.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', { SlackWorkspaceId: 'T01234567', SlackChannelId: 'C01234567', SnsTopicArns: Match.arrayWith([topicRefOf(pt, 'shop-production-critical'), topicRefOf(pt, 'shop-production-warning')]) });
    t.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  function topicRefOf(template: typeof t, name: string) {
    return { Ref: only(template, 'AWS::SNS::Topic', { Properties: { TopicName: name } }).id };
  }
});

describe('snapshot', () => {
  it('platform (dev)', () => {
    expect(snapshotOf(t)).toMatchSnapshot();
  });
});
