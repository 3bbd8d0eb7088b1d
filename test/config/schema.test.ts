import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, listEnvironments, loadConfig, parseConfig } from '../../lib/config/load';
import { deletionProtection, rampStepsSchema, SwitchyardConfigInput } from '../../lib/config/schema';
import { resolveJudge } from '../../lambda/shared/cutover-config';

const DEV = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'dev.json'), 'utf8'));

function withPatch(patch: (raw: any) => void): unknown {
  const raw = structuredClone(DEV);
  patch(raw);
  return raw;
}

/** Parses and returns the ConfigError message, failing if parsing succeeds. */
function errorOf(raw: unknown): string {
  try {
    parseConfig(raw, 'config/test.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('example environments', () => {
  it('lists dev, staging and production', () => {
    expect(listEnvironments()).toEqual(['dev', 'production', 'staging']);
  });

  it.each(['dev', 'staging', 'production'])('%s validates and gets defaults', (env) => {
    const c = loadConfig(env);
    expect(c.environment).toBe(env);
    const { extra: _extra, ...builtIn } = c.alarms;
    expect(builtIn).toEqual(ALARM_DEFAULTS);
    expect(c.cutover.steps[c.cutover.steps.length - 1]).toBe(100);
  });

  it('dev synthesizes without an account', () => {
    expect(loadConfig('dev').account).toBeUndefined();
  });

  it('fills defaults for everything optional', () => {
    const c = parseConfig({ environment: 'qa', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' } }, 'inline');
    expect(c.network).toEqual({ create: { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1 } });
    expect(c.waf).toEqual({ mode: 'COUNT', rateLimitPer5Minutes: 2000 });
    expect(c.service.healthCheck.path).toBe('/health');
    expect(c.service.desiredCount).toBe(2);
    expect(c.cutover.steps).toEqual([10, 50, 100]);
    expect(c.operatorCidrs).toEqual([]);
  });
});

/** The built-in alarm settings every example environment keeps at their defaults. */
const ALARM_DEFAULTS = {
  errorRate: { warning: 1, critical: 5, minRequests: 20, periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
  p95Latency: { warning: 0.5, critical: 2, periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
  unhealthyTargets: { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
  healthCheckFailures: { enabled: true, criticalPercent: 50, periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
  healthyBelowDesired: { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3 },
  crashLoop: { enabled: true, maxExits: 3, windowMinutes: 10 },
  cpu: { enabled: true, criticalPercent: 99, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 },
  memory: { enabled: true, criticalPercent: 90, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 },
  requestsPerMinute: { warning: 1000, critical: 2000, evaluationPeriods: 2, datapointsToAlarm: 2 },
  databaseConnectionsPercent: { warning: 80, critical: 95, periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
  cacheMemoryPercent: { warning: 70, critical: 90, periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
};

describe('alarms', () => {
  const parse = (alarms: unknown) => parseConfig({ environment: 'qa', region: 'eu-west-1', service: { name: 'api', image: 'nginx:1' }, alarms }, 'inline').alarms;
  const depthRising = { name: 'QueueRising', expression: 'DIFF(depth)', metrics: { depth: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, statistic: 'Maximum' } }, threshold: 0, comparison: 'GreaterThanThreshold', evaluationPeriods: 10 };

  it('defaults every built-in signal to today\'s levels and periods', () => {
    expect(parse(undefined)).toEqual({ ...ALARM_DEFAULTS, extra: [] });
  });

  it('fires on every evaluated period unless datapointsToAlarm says otherwise', () => {
    const a = parse({ cpu: { evaluationPeriods: 10 }, errorRate: { evaluationPeriods: 5, datapointsToAlarm: 3 }, requestsPerMinute: { evaluationPeriods: 3 } });
    expect(a.cpu).toMatchObject({ evaluationPeriods: 10, datapointsToAlarm: 10 });
    expect(a.errorRate).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 3, warning: 1, critical: 5 });
    expect(a.requestsPerMinute).toMatchObject({ evaluationPeriods: 3, datapointsToAlarm: 3 });
  });

  it('accepts each runbook trigger as configuration', () => {
    const a = parse({
      errorRate: { critical: 5, periodSeconds: 60, evaluationPeriods: 5 }, // 5xx above 5% for 5 minutes
      p95Latency: { warning: 1, critical: 2, evaluationPeriods: 5 }, // p95 above 2 s for 5 minutes
      unhealthyTargets: { evaluationPeriods: 4 }, // health check failing for more than 3 minutes
      healthCheckFailures: { criticalPercent: 50 },
      crashLoop: { maxExits: 3, windowMinutes: 10 },
      cpu: { criticalPercent: 100 },
      memory: { criticalPercent: 95, periodSeconds: 300, evaluationPeriods: 3 },
      extra: [depthRising],
    });
    expect(a.errorRate.datapointsToAlarm).toBe(5);
    expect(a.memory).toMatchObject({ criticalPercent: 95, periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 3 });
  });

  it('turns signals off with enabled: false', () => {
    const a = parse({ cpu: { enabled: false }, memory: { enabled: false }, crashLoop: { enabled: false }, healthCheckFailures: { enabled: false } });
    expect([a.cpu.enabled, a.memory.enabled, a.crashLoop.enabled, a.healthCheckFailures.enabled]).toEqual([false, false, false, false]);
  });

  it('reads a single-metric extra alarm with its defaults', () => {
    const [x] = parse({ extra: [{ name: 'Errors', namespace: 'Shop/Payments', metricName: 'Errors', threshold: 1, comparison: 'GreaterThanOrEqualToThreshold' }] }).extra;
    expect(x).toEqual({
      kind: 'metric',
      name: 'Errors',
      description: undefined,
      metric: { namespace: 'Shop/Payments', metricName: 'Errors', dimensions: {}, statistic: 'Average' },
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: undefined,
      treatMissingData: 'notBreaching',
    });
  });

  it('reads an expression extra alarm over named metrics', () => {
    const [x] = parse({ extra: [{ ...depthRising, metrics: { depth: { ...depthRising.metrics.depth, periodSeconds: 60 } } }] }).extra;
    expect(x).toMatchObject({ kind: 'expression', expression: 'DIFF(depth)', metrics: { depth: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, statistic: 'Maximum' } } });
  });

  it('accepts up to 10 metrics, and expressions using ids in any case after the first letter', () => {
    const metrics = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}_Total`, { namespace: 'N', metricName: `M${i}` }]));
    const expression = Object.keys(metrics).join(' + ');
    expect(parse({ extra: [{ name: 'Sum', expression, metrics, threshold: 1, comparison: 'GreaterThanThreshold' }] }).extra[0]).toMatchObject({ kind: 'expression', expression });
  });
});

describe('loading', () => {
  it('names the known environments when the file is missing', () => {
    expect(() => loadConfig('nope')).toThrow(/No configuration for environment "nope".*Known environments: dev, production, staging.*-c env=NAME/s);
  });

  it('rejects a path-like environment name', () => {
    expect(() => loadConfig('../package')).toThrow(ConfigError);
  });

  it('reports invalid JSON with the file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-config-'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "environment": ');
    expect(() => loadConfig('broken', dir)).toThrow(/broken\.json is not valid JSON/);
  });

  it('lists every problem at once, one line per field', () => {
    const msg = errorOf(withPatch((r) => {
      r.service.desiredCount = 0;
      r.region = 'Ireland';
    }));
    expect(msg).toMatch(/^Invalid configuration in config\/test.json:/);
    expect(msg).toMatch(/- region: region must be an AWS region such as eu-west-1/);
    expect(msg).toMatch(/- service\.desiredCount: service\.desiredCount must be at least 1/);
  });
});

/** A valid expression alarm, for the rules below to break. */
const QUEUE_RISING = {
  name: 'QueueRising',
  expression: 'DIFF(depth)',
  metrics: { depth: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, statistic: 'Maximum' } },
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  evaluationPeriods: 10,
};

// One case per rule: the patch that breaks it, and what the message must say.
const RULES: Array<[string, (raw: any) => void, RegExp]> = [
  ['steps must rise', (r) => (r.cutover = { steps: [10, 50, 30, 100] }), /cutover\.steps: steps must rise: step 3 \(30\) is not above step 2 \(50\)/],
  ['steps must not repeat', (r) => (r.cutover = { steps: [50, 50, 100] }), /steps must rise/],
  ['steps must end at 100', (r) => (r.cutover = { steps: [10, 50] }), /cutover\.steps: steps must end at 100 \(the last is 50\); append 100/],
  ['steps have at most one decimal', (r) => (r.cutover = { steps: [2.25, 100] }), /cutover\.steps\.0: each step is a percent with at most one decimal/],
  ['steps are at least 0.1', (r) => (r.cutover = { steps: [0, 100] }), /each step must be at least 0.1 percent/],
  ['steps are at most 100', (r) => (r.cutover = { steps: [10, 150] }), /each step must be at most 100 percent/],
  ['steps are not empty', (r) => (r.cutover = { steps: [] }), /give at least one step/],
  ['certificate must be an ACM ARN', (r) => (r.domain = { certificateArn: 'arn:aws:iam::111111111111:server-certificate/x', domainName: 'shop.example.com' }), /domain\.certificateArn: domain\.certificateArn must be an ACM certificate ARN/],
  ['certificate must be in the stack region', (r) => (r.domain = { certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc-123', domainName: 'shop.example.com' }), /domain\.certificateArn must be in eu-west-1/],
  ['domain name must be a DNS name', (r) => (r.domain = { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc', domainName: 'not a domain' }), /domain\.domainName must be a DNS name/],
  ['desired count at least 1', (r) => (r.service.desiredCount = 0), /service\.desiredCount must be at least 1/],
  ['desired count whole', (r) => (r.service.desiredCount = 1.5), /service\.desiredCount/],
  ['cpu must be a Fargate size', (r) => (r.service.cpu = 300), /service\.cpu: service\.cpu must be one of 256, 512/],
  ['memory must fit the cpu', (r) => { r.service.cpu = 256; r.service.memoryMiB = 4096; }, /service\.memoryMiB: service\.memoryMiB 4096 does not fit cpu 256; use one of 512\.\.2048/],
  ['health check timeout below interval', (r) => (r.service.healthCheck = { intervalSeconds: 5, timeoutSeconds: 5 }), /service\.healthCheck\.timeoutSeconds: .*must be below intervalSeconds/],
  ['health check path starts with /', (r) => (r.service.healthCheck = { path: 'health' }), /service\.healthCheck\.path must start with \//],
  ['healthy codes are a code list', (r) => (r.service.healthCheck = { healthyHttpCodes: 'ok' }), /healthyHttpCodes is a list/],
  ['container port in range', (r) => (r.service.containerPort = 70000), /service\.containerPort/],
  ['secret must be a Secrets Manager ARN', (r) => (r.service.secrets = [{ name: 'DB', secretArn: 'my-secret' }]), /service\.secrets\.0\.secretArn: secretArn must be the full ARN of a Secrets Manager secret/],
  ['secret variable name', (r) => (r.service.secrets = [{ name: 'db-pass', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf' }]), /secret variable names are upper-case/],
  ['environment variable name', (r) => (r.service.environment = { 'log-level': 'x' }), /environment variable names are upper-case/],
  ['image required', (r) => (r.service.image = ''), /service\.image is required/],
  ['service name format', (r) => (r.service.name = 'Shop_Service'), /service\.name must be 2-30 lower-case/],
  ['environment name format', (r) => (r.environment = 'Prod!'), /environment must be 2-30 lower-case/],
  ['region format', (r) => (r.region = 'europe'), /region must be an AWS region/],
  ['account is 12 digits', (r) => (r.account = '1234'), /account must be a 12-digit AWS account id/],
  ['vpc id format', (r) => { r.account = '111111111111'; r.network = { vpcId: 'my-vpc' }; }, /network\.vpcId must look like vpc-/],
  ['vpc lookup needs an account', (r) => (r.network = { vpcId: 'vpc-0123456789abcdef0' }), /account: account is required with network\.vpcId/],
  ['network is one of two shapes', (r) => { r.account = '111111111111'; r.network = { vpcId: 'vpc-0123456789abcdef0', create: {} }; }, /network: network takes either vpcId .* or create .*, not both/],
  ['two zones at least', (r) => (r.network = { create: { maxAzs: 1 } }), /network\.create\.maxAzs must be at least 2/],
  ['one NAT gateway at least', (r) => (r.network = { create: { natGateways: 0 } }), /network\.create\.natGateways must be at least 1/],
  ['operator CIDR must be a CIDR', (r) => (r.operatorCidrs = ['office']), /operatorCidrs\.0: must be a CIDR block/],
  ['operator CIDR must not be /0', (r) => (r.operatorCidrs = ['0.0.0.0/0']), /a \/0 range opens the route to everyone/],
  ['at most 4 operator CIDRs', (r) => (r.operatorCidrs = ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16']), /at most 4 operatorCidrs/],
  ['WAF mode', (r) => (r.waf = { mode: 'ALLOW' }), /waf\.mode must be COUNT or BLOCK/],
  ['WAF rate limit minimum', (r) => (r.waf = { rateLimitPer5Minutes: 5 }), /waf\.rateLimitPer5Minutes must be at least 10/],
  ['error-rate critical above warning', (r) => (r.alarms = { errorRate: { warning: 5, critical: 1 } }), /alarms\.errorRate: alarms\.errorRate: critical must be above warning; raise critical or lower warning/],
  ['latency critical above warning', (r) => (r.alarms = { p95Latency: { warning: 2, critical: 2 } }), /alarms\.p95Latency: critical must be above warning/],
  ['request-rate critical above warning', (r) => (r.alarms = { requestsPerMinute: { warning: 3000 } }), /alarms\.requestsPerMinute: critical must be above warning/],
  ['database critical above warning', (r) => (r.alarms = { databaseConnectionsPercent: { warning: 96 } }), /alarms\.databaseConnectionsPercent: critical must be above warning/],
  ['cache critical above warning', (r) => (r.alarms = { cacheMemoryPercent: { critical: 60 } }), /alarms\.cacheMemoryPercent: critical must be above warning/],
  ['percent at most 100', (r) => (r.alarms = { errorRate: { critical: 150 } }), /alarms\.errorRate\.critical: alarms\.errorRate must be at most 100/],
  ['error rate minimum requests at least 1', (r) => (r.alarms = { errorRate: { minRequests: 0 } }), /alarms\.errorRate\.minRequests must be at least 1/],
  ['datapoints within evaluation periods', (r) => (r.alarms = { cpu: { evaluationPeriods: 2, datapointsToAlarm: 3 } }), /alarms\.cpu\.datapointsToAlarm: alarms\.cpu\.datapointsToAlarm \(3\) must not exceed evaluationPeriods \(2\); lower datapointsToAlarm or raise evaluationPeriods/],
  ['datapoints within the default evaluation periods', (r) => (r.alarms = { errorRate: { datapointsToAlarm: 3 } }), /alarms\.errorRate\.datapointsToAlarm \(3\) must not exceed evaluationPeriods \(2\)/],
  ['request-rate datapoints within evaluation periods', (r) => (r.alarms = { requestsPerMinute: { datapointsToAlarm: 5 } }), /alarms\.requestsPerMinute\.datapointsToAlarm \(5\) must not exceed evaluationPeriods \(2\)/],
  ['built-in periods are whole minutes', (r) => (r.alarms = { p95Latency: { periodSeconds: 30 } }), /alarms\.p95Latency\.periodSeconds: alarms\.p95Latency\.periodSeconds must be a multiple of 60 \(such as 60 or 300\): load balancer and ECS metrics arrive once a minute/],
  ['built-in periods are multiples of 60', (r) => (r.alarms = { memory: { periodSeconds: 90 } }), /alarms\.memory\.periodSeconds must be a multiple of 60/],
  ['evaluation periods at least 1', (r) => (r.alarms = { unhealthyTargets: { evaluationPeriods: 0 } }), /alarms\.unhealthyTargets\.evaluationPeriods must be at least 1/],
  ['evaluation at most one day', (r) => (r.alarms = { healthyBelowDesired: { periodSeconds: 3600, evaluationPeriods: 25 } }), /alarms\.healthyBelowDesired\.evaluationPeriods: alarms\.healthyBelowDesired\.periodSeconds × evaluationPeriods is 90000 s, above CloudWatch's one day \(86400 s\); lower one of them/],
  ['health-check failure percent above 0', (r) => (r.alarms = { healthCheckFailures: { criticalPercent: 0 } }), /alarms\.healthCheckFailures\.criticalPercent must be above 0/],
  ['CPU percent at most 100', (r) => (r.alarms = { cpu: { criticalPercent: 101 } }), /alarms\.cpu\.criticalPercent must be at most 100/],
  ['switches are booleans', (r) => (r.alarms = { memory: { enabled: 'no' } }), /alarms\.memory\.enabled/],
  ['crash-loop exits not negative', (r) => (r.alarms = { crashLoop: { maxExits: -1 } }), /alarms\.crashLoop\.maxExits must be at least 0 \(0: any crash rolls back\)/],
  ['crash-loop window at most a day', (r) => (r.alarms = { crashLoop: { windowMinutes: 1500 } }), /alarms\.crashLoop\.windowMinutes must be at most 1440/],
  ['crash-loop window whole minutes', (r) => (r.alarms = { crashLoop: { windowMinutes: 2.5 } }), /alarms\.crashLoop\.windowMinutes must be a whole number of minutes/],
  ['crash-loop takes no period', (r) => (r.alarms = { crashLoop: { periodSeconds: 60 } }), /alarms\.crashLoop: Unrecognized key: "periodSeconds"/],
  ['moved: errorRatePercent', (r) => (r.alarms = { errorRatePercent: { warning: 1, critical: 5 } }), /alarms\.errorRatePercent: alarms\.errorRatePercent is now alarms\.errorRate \{ warning, critical \}; move the value there/],
  ['moved: p95LatencySeconds', (r) => (r.alarms = { p95LatencySeconds: { warning: 1, critical: 2 } }), /alarms\.p95LatencySeconds is now alarms\.p95Latency/],
  ['moved: minRequestsForErrorRate', (r) => (r.alarms = { minRequestsForErrorRate: 20 }), /alarms\.minRequestsForErrorRate is now alarms\.errorRate\.minRequests/],
  ['moved: evaluationPeriods', (r) => (r.alarms = { evaluationPeriods: 3 }), /alarms\.evaluationPeriods is now set per signal/],
  ['extra alarm needs a comparison', (r) => (r.alarms.extra[0].comparison = 'Above'), /alarms\.extra\.0\.comparison/],
  ['extra alarm statistic', (r) => (r.alarms.extra[0].statistic = 'Median'), /statistic must be Average, Sum, Minimum, Maximum, SampleCount or a percentile/],
  ['extra alarm datapoints within periods', (r) => { r.alarms.extra[0].evaluationPeriods = 2; r.alarms.extra[0].datapointsToAlarm = 3; }, /alarms\.extra\.0\.datapointsToAlarm: datapointsToAlarm \(3\) must not exceed evaluationPeriods \(2\); lower datapointsToAlarm or raise evaluationPeriods/],
  ['extra alarm period', (r) => (r.alarms.extra[0].periodSeconds = 90), /alarms\.extra\.0\.periodSeconds: periodSeconds must be 10, 30 or a multiple of 60 \(such as 60 or 300\)/],
  ['extra alarm evaluation at most one day', (r) => { r.alarms.extra[0].periodSeconds = 3600; r.alarms.extra[0].evaluationPeriods = 30; }, /alarms\.extra\.0\.evaluationPeriods: periodSeconds × evaluationPeriods is 108000 s/],
  ['extra alarm names unique', (r) => r.alarms.extra.push({ ...r.alarms.extra[0] }), /alarms\.extra: alarms\.extra names must be unique/],
  ['extra alarm name is an identifier', (r) => (r.alarms.extra[0].name = 'checkout failures'), /name must be letters and digits/],
  ['extra alarm needs a metric or an expression', (r) => { delete r.alarms.extra[0].namespace; }, /alarms\.extra\.0\.namespace: CheckoutFailureRate: give namespace and metricName \(one metric\), or expression and metrics \(metric math\)/],
  ['expression alarm takes its metrics from metrics', (r) => (r.alarms.extra[0].expression = 'DIFF(m)'), /alarms\.extra\.0\.namespace: CheckoutFailureRate: an expression alarm reads its metrics from metrics; move namespace, metricName, dimensions, statistic into metrics\.<id>/],
  ['metrics need an expression', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: undefined }]), /alarms\.extra\.0\.expression: QueueRising: metrics needs an expression over them, such as "DIFF\(depth\)"/],
  ['expression needs metrics', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, metrics: {} }]), /alarms\.extra\.0\.metrics: QueueRising: the expression needs metrics/],
  ['expression reads at most 10 metrics', (r) => {
    const metrics = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`m${i}`, { namespace: 'N', metricName: 'M' }]));
    r.alarms.extra = [{ ...QUEUE_RISING, expression: Object.keys(metrics).join(' + '), metrics }];
  }, /alarms\.extra\.0\.metrics: QueueRising: an alarm reads at most 10 metrics \(it has 11\); split it into two alarms/],
  ['expression must parse', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: 'DIFF(depth' }]), /alarms\.extra\.0\.expression: QueueRising: the expression does not parse \(.+ at \d+\); fix it/],
  ['expression functions must exist', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: 'DIFFERENCE(depth)' }]), /alarms\.extra\.0\.expression: QueueRising: the expression does not parse/],
  ['expression reads only its metrics', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: 'DIFF(depth) + dpth' }]), /alarms\.extra\.0\.expression: QueueRising: the expression reads dpth, not in metrics \(depth\); add metrics\.dpth or fix the name/],
  ['expression uses every metric', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, metrics: { ...QUEUE_RISING.metrics, spare: { namespace: 'AWS/SQS', metricName: 'NumberOfMessagesSent' } } }]), /alarms\.extra\.0\.metrics\.spare: QueueRising: metrics\.spare is not used by the expression "DIFF\(depth\)"; use it there or remove it/],
  ['metric ids start lower-case', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: 'DIFF(Depth)', metrics: { Depth: QUEUE_RISING.metrics.depth } }]), /alarms\.extra\.0\.metrics\.Depth: metric ids start with a lower-case letter/],
  ['metric ids are not the expression\'s own', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, expression: 'DIFF(expr_1)', metrics: { expr_1: QUEUE_RISING.metrics.depth } }]), /metric ids expr_1, expr_2, … are taken by the alarm's own expression; rename the metric/],
  ['metric period equals the alarm\'s', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, metrics: { depth: { ...QUEUE_RISING.metrics.depth, periodSeconds: 300 } } }]), /alarms\.extra\.0\.metrics\.depth\.periodSeconds: QueueRising: metrics\.depth\.periodSeconds \(300\) differs from the alarm's periodSeconds \(60\)/],
  ['metric needs a namespace', (r) => (r.alarms.extra = [{ ...QUEUE_RISING, metrics: { depth: { metricName: 'M' } } }]), /alarms\.extra\.0\.metrics\.depth\.namespace/],
  ['pager duty URL is https', (r) => (r.notifications = { pagerDutyUrl: 'http://events.pagerduty.com/x' }), /notifications\.pagerDutyUrl must be an https:\/\/ URL/],
  ['emails are e-mail addresses', (r) => (r.notifications = { emails: ['oncall'] }), /notifications\.emails must be e-mail addresses/],
  ['slack ids', (r) => (r.notifications = { slack: { workspaceId: 'acme', channelId: 'C01234567' } }), /notifications\.slack\.workspaceId is the Slack team id/],
  ['database max connections', (r) => (r.database = { instanceIdentifier: 'db', maxConnections: 0 }), /database\.maxConnections must be at least 1/],
  ['data sync needs an image', (r) => (r.dataSync = { image: '' }), /dataSync\.image: dataSync\.image is required/],
  ['data sync size is a Fargate size', (r) => (r.dataSync = { image: 'sync:1', cpu: 256, memoryMiB: 8192 }), /dataSync\.memoryMiB: dataSync: cpu 256 with memoryMiB 8192 is not a Fargate size/],
  ['validation size is a Fargate size', (r) => (r.dataSync = { image: 'sync:1', validation: { image: 'sync:1', cpu: 1024, memoryMiB: 512 } }), /dataSync\.validation\.memoryMiB: dataSync\.validation: cpu 1024 with memoryMiB 512/],
  ['data sync timeout bounded', (r) => (r.dataSync = { image: 'sync:1', timeoutMinutes: 1000 }), /dataSync\.timeoutMinutes must be at most 720/],
  ['data sync command names a program', (r) => (r.dataSync = { image: 'sync:1', command: [] }), /dataSync\.command must name a program/],
  ['DNS zone id', (r) => (r.dns = { hostedZoneId: 'example.com', recordName: 'shop.example.com', legacyEndpoint: 'old.example.net' }), /dns\.hostedZoneId must be a Route 53 zone id/],
  ['DNS legacy endpoint is a host name', (r) => (r.dns = { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', legacyEndpoint: 'http://old' }), /dns\.legacyEndpoint must be the legacy host name/],
  ['DNS set identifiers differ', (r) => (r.dns = { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', legacyEndpoint: 'old.example.net', albSetIdentifier: 'legacy' }), /dns\.albSetIdentifier: dns\.legacySetIdentifier and dns\.albSetIdentifier must differ/],
  ['DNS record is not also the plain alias', (r) => {
    r.domain = { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc', domainName: 'shop.example.com', hostedZone: { id: 'Z0123456789ABC', name: 'example.com' } };
    r.dns = { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', legacyEndpoint: 'old.example.net' };
  }, /domain\.hostedZone: shop\.example\.com is both domain\.domainName .* remove domain\.hostedZone while the legacy cutover is configured/],
  ['comparison alarm z is at least 3', (r) => (r.judge = { comparisonAlarm: { zScore: 2 } }), /judge\.comparisonAlarm\.zScore must be at least 3: it is checked every minute, so lower values roll back healthy releases; 4 is the default/],
  ['comparison alarm z is bounded, and off is a switch', (r) => (r.judge = { comparisonAlarm: { zScore: 50 } }), /judge\.comparisonAlarm\.zScore must be at most 20; to turn the alarm off set judge\.comparisonAlarm\.enabled to false/],
  ['comparison alarm z is a number', (r) => (r.judge = { comparisonAlarm: { zScore: 'high' } }), /judge\.comparisonAlarm\.zScore must be a number such as 4/],
  ['comparison alarm window is whole minutes', (r) => (r.judge = { comparisonAlarm: { windowMinutes: 2.5 } }), /judge\.comparisonAlarm\.windowMinutes must be whole minutes \(CloudWatch periods are multiples of 60 seconds\)/],
  ['comparison alarm window is at least a minute', (r) => (r.judge = { comparisonAlarm: { windowMinutes: 0 } }), /judge\.comparisonAlarm\.windowMinutes must be at least 1; 5 is the default/],
  ['comparison alarm window is at most an hour', (r) => (r.judge = { comparisonAlarm: { windowMinutes: 120 } }), /judge\.comparisonAlarm\.windowMinutes must be at most 60/],
  ['comparison alarm switch is a boolean', (r) => (r.judge = { comparisonAlarm: { enabled: 'no' } }), /judge\.comparisonAlarm\.enabled must be true or false/],
  ['comparison alarm has no other settings', (r) => (r.judge = { comparisonAlarm: { threshold: 4 } }), /judge\.comparisonAlarm: Unrecognized key: "threshold"/],
  ['the service does not run as root', (r) => (r.service.user = '0:0'), /service\.user: service\.user must not be root \(0 or root\); leave it out to run as the image's own user/],
  ['a data sync does not run as root', (r) => (r.dataSync = { image: 'sync:1', user: 'root' }), /dataSync\.user: dataSync\.user must not be root/],
  ['scratch paths are absolute directories', (r) => (r.service.scratchPaths = ['tmp']), /service\.scratchPaths\.0: service\.scratchPaths are absolute directories such as \/tmp/],
  ['scratch paths stay inside the filesystem', (r) => (r.service.scratchPaths = ['/var/../etc']), /service\.scratchPaths\.0: service\.scratchPaths must not contain \.\./],
  ['deletion protection is a switch', (r) => (r.loadBalancer = { deletionProtection: 'yes' }), /loadBalancer\.deletionProtection/],
  ['log retention is a CloudWatch value', (r) => (r.logRetentionDays = 10), /logRetentionDays must be one of 1, 3, 5/],
  ['unknown fields are errors', (r) => (r.service.replicas = 3), /service: Unrecognized key: "replicas"/],
  ['unknown top-level fields are errors', (r) => (r.colour = 'blue'), /\(top level\): Unrecognized key: "colour"/],
];

describe.each(RULES)('rule: %s', (_name, patch, message) => {
  it('is rejected with a message that names the field and the fix', () => {
    expect(errorOf(withPatch(patch))).toMatch(message);
  });
});

describe('guardrail settings', () => {
  it('default to a read-only root filesystem with /tmp writable, the image\'s own user, and deletion protection only in production', () => {
    const c = parseConfig({ environment: 'qa', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' } }, 'inline');
    expect({ user: c.service.user, readonly: c.service.readonlyRootFilesystem, scratch: c.service.scratchPaths }).toEqual({ user: undefined, readonly: true, scratch: ['/tmp'] });
    expect(deletionProtection(c)).toBe(false);
    expect(deletionProtection(parseConfig({ environment: 'production', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' } }, 'inline'))).toBe(true);
    expect(deletionProtection(parseConfig({ environment: 'production', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' }, loadBalancer: { deletionProtection: false } }, 'inline'))).toBe(false);
    expect(deletionProtection(parseConfig({ environment: 'qa', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' }, loadBalancer: { deletionProtection: true } }, 'inline'))).toBe(true);
  });
});

describe('judge.comparisonAlarm', () => {
  it('is on by default: a 5-minute window, z above 4', () => {
    const c = parseConfig({ environment: 'qa', region: 'us-east-1', service: { name: 'api', image: 'nginx:1' } }, 'inline');
    expect(c.judge.comparisonAlarm).toEqual({ enabled: true, windowMinutes: 5, zScore: 4 });
  });

  it('takes each setting alone, the others keeping their defaults', () => {
    expect(parseConfig(withPatch((r) => (r.judge = { comparisonAlarm: { enabled: false } })), 'inline').judge.comparisonAlarm).toEqual({ enabled: false, windowMinutes: 5, zScore: 4 });
    expect(parseConfig(withPatch((r) => (r.judge = { comparisonAlarm: { windowMinutes: 10, zScore: 5 } })), 'inline').judge.comparisonAlarm).toEqual({ enabled: true, windowMinutes: 10, zScore: 5 });
  });

  it('stays out of the step checks\' settings', () => {
    const c = parseConfig(withPatch((r) => (r.judge = { comparisonAlarm: { zScore: 6 } })), 'inline');
    expect(resolveJudge(c.judge)).not.toHaveProperty('comparisonAlarm');
  });
});

describe('ramp steps', () => {
  it('accepts a rising ramp that ends at 100', () => {
    expect(rampStepsSchema.parse([1, 5, 25, 100])).toEqual([1, 5, 25, 100]);
    expect(rampStepsSchema.parse([100])).toEqual([100]);
  });
});

// Type-level check that the example files are valid inputs.
const _typed: SwitchyardConfigInput = DEV;
void _typed;
