import { DescribeListenersCommand, DescribeTargetHealthCommandOutput, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyListenerCommandInput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { resetSettings } from '../../../lambda/shared/settings';

export const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/shop/abc/def';
export const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener-rule/app/shop/abc/def/ghi';
export const TG = {
  blue: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/shop-dev-blue/1',
  green: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/shop-dev-green/2',
};

/** The environment the control stack gives every handler, with fixed values. */
export function handlerEnv(): void {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    SERVICE: 'shop',
    ENVIRONMENT: 'dev',
    LISTENER_ARN: LISTENER,
    TEST_RULE_ARN: RULE,
    CLUSTER: 'shop-dev',
    SERVICE_BLUE: 'shop-dev-blue',
    SERVICE_GREEN: 'shop-dev-green',
    TARGET_GROUP_BLUE: TG.blue,
    TARGET_GROUP_GREEN: TG.green,
    ROLLBACK_ALARM_BLUE: 'shop-dev-blue-rollback',
    ROLLBACK_ALARM_GREEN: 'shop-dev-green-rollback',
    GATING_ALARMS_BLUE: 'shop-dev-blue-rollback',
    GATING_ALARMS_GREEN: 'shop-dev-green-rollback',
    LOCK_TABLE: 'locks',
    LEDGER_TABLE: 'ledger',
    CRITICAL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:critical',
    WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:warning',
    TEST_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:token-abc',
    BASE_URL: 'http://127.0.0.1:9',
    POLL_MS: '1',
    CUTOVER_DEFAULTS: JSON.stringify({ steps: [10, 50, 100] }),
  });
  resetSettings();
}

/** A forward action with these weights. */
export function forward(blue: number, green: number) {
  return [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG.blue, Weight: blue }, { TargetGroupArn: TG.green, Weight: green }] } }];
}

export const plan = {
  steps: [10, 50, 100],
  bakeSeconds: 0,
  watchWindowSeconds: 0,
  checkpointSeconds: [],
  watchTickSeconds: 3600,
  reason: 'release',
  dryRun: false,
  judge: { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, maxBakeSeconds: 1800, latencyThresholdSeconds: 0.5, onBothBad: 'rollback', metricDelaySeconds: 180, ceilingPercent: 5 },
};
export const lockSlice = { previousColor: 'blue', newColor: 'green', liveDesired: 2, startedAtMs: 1, expiresAtMs: Date.now() + 3600_000 };

/**
 * A mocked listener that keeps what ModifyListener sets: DescribeListeners answers `read()`'s weights and
 * ModifyListener hands the new blue and green weights to `write`.
 */
export function emulateListener(elb: AwsClientStub<ElasticLoadBalancingV2Client>, read: () => [number, number], write: (weights: [number, number]) => void): void {
  elb.on(DescribeListenersCommand).callsFake(() => ({ Listeners: [{ DefaultActions: forward(...read()) }] }));
  elb.on(ModifyListenerCommand).callsFake((input: ModifyListenerCommandInput) => {
    const w = input.DefaultActions![0].ForwardConfig!.TargetGroups!;
    write([w.find((t) => t.TargetGroupArn === TG.blue)!.Weight!, w.find((t) => t.TargetGroupArn === TG.green)!.Weight!]);
    return {};
  });
}

/** A legacy DNS cutover's settings, as DNS_CUTOVER holds them. */
export const DNS = { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', legacyEndpoint: 'legacy.example.net', legacySetIdentifier: 'legacy', albSetIdentifier: 'switchyard', albDnsName: 'alb-1.eu-west-1.elb.amazonaws.com', albHostedZoneId: 'Z32O12XQLNTSW2' };
/** Sets DNS_CUTOVER to {@link DNS} (after handlerEnv). */
export function dnsCutoverEnv(): void {
  process.env.DNS_CUTOVER = JSON.stringify(DNS);
  resetSettings();
}
/** The weighted records of {@link DNS} as Route 53 lists them: the legacy endpoint's and the load balancer's. */
export const legacyRecord = (weight: number) => ({ Name: 'shop.example.com.', Type: 'CNAME' as const, SetIdentifier: 'legacy', Weight: weight, TTL: 60, ResourceRecords: [{ Value: 'legacy.example.net' }] });
export const albRecord = (weight: number) => ({ Name: 'shop.example.com.', Type: 'CNAME' as const, SetIdentifier: 'switchyard', Weight: weight, TTL: 60, ResourceRecords: [{ Value: DNS.albDnsName }] });

/** DescribeTargetHealth's answer: `n` healthy targets, 10.0.0.<first> onwards. */
export function healthyTargets(n: number, first = 0): DescribeTargetHealthCommandOutput {
  return { $metadata: {}, TargetHealthDescriptions: Array.from({ length: n }, (_, i) => ({ Target: { Id: `10.0.0.${first + i}` }, TargetHealth: { State: 'healthy' } })) };
}

/** Date.now reads `ms` in every test of the file that calls this (set before its own beforeEach hooks, restored after each test). */
export function freezeNow(ms: number): void {
  let real: () => number;
  beforeEach(() => {
    real = Date.now;
    Date.now = () => ms;
  });
  afterEach(() => {
    Date.now = real;
  });
}
