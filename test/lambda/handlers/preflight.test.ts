import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { callCounter } from '../../../lambda/shared/adapters/clients';
import { forward, handlerEnv, healthyTargets, lockSlice, plan, TG } from './env';

/**
 * Pre-flight weighs the plan against the live color's last hour: one
 * GetMetricData call, a per-step estimate in the report and the ledger, and
 * CanaryTooThin (thrown, so the state machine's abort path releases the lock
 * and names it) when even the longest bake cannot judge the first step.
 */
handlerEnv();
const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const cw = mockClient(CloudWatchClient);
const { handler } = require('../../../lambda/preflight');

/** CloudWatch answering every minute of the window (or its last `served` minutes) with `perMinute` requests, 0.3% failed, 95% within the latency threshold. */
function lastHour(perMinute: number, served = 60) {
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const start = new Date(input.EndTime as Date).getTime() - served * 60_000;
    const end = new Date(input.EndTime as Date).getTime();
    const minutes: Date[] = [];
    for (let t = start; t < end && perMinute > 0; t += 60_000) minutes.push(new Date(t));
    const value: Record<string, number> = { requests: perMinute, target5xx: perMinute * 0.003, connections: 0, fast: 95 };
    return { MetricDataResults: input.MetricDataQueries!.map((q) => ({ Id: q.Id, Timestamps: minutes, Values: minutes.map(() => value[q.Id!]) })) };
  });
}

const event = (over: object = {}) => ({ executionId: 'exec-1', state: { plan: { ...plan, steps: [5, 25, 50, 100], bakeSeconds: 300, ...over }, lock: lockSlice } });
const ledgerEntry = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!).find((i) => i.type === 'preflight')!;

beforeEach(() => {
  for (const m of [elb, ecs, ddb, cw]) m.reset();
  callCounter.clear();
  elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) as any }] });
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2));
  elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{}] });
  ecs.on(DescribeServicesCommand).resolves({ services: [{ desiredCount: 2, runningCount: 2, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }] }] });
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-blue-rollback', StateValue: 'OK' }, { AlarmName: 'shop-dev-green-rollback', StateValue: 'OK' }] });
  ddb.on(PutCommand).resolves({});
});

it('reads the live color\'s last hour of complete minutes in one GetMetricData call', async () => {
  lastHour(1000);
  const before = Date.now();
  await handler(event());
  expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
  const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
  const end = new Date(input.EndTime!).getTime();
  expect(end % 60_000).toBe(0);
  expect(end).toBeLessThanOrEqual(before - 180_000);
  expect(end).toBeGreaterThan(before - 240_000 - 5_000);
  expect(end - new Date(input.StartTime!).getTime()).toBe(3600_000);
  expect(input.MetricDataQueries!.map((q) => [q.MetricStat!.Metric!.MetricName, q.MetricStat!.Stat, q.MetricStat!.Period])).toEqual([
    ['RequestCount', 'Sum', 60],
    ['HTTPCode_Target_5XX_Count', 'Sum', 60],
    ['TargetConnectionErrorCount', 'Sum', 60],
    ['TargetResponseTime', 'PR(:0.5)', 60],
  ]);
  // The live color's target group.
  expect(input.MetricDataQueries![0].MetricStat!.Metric!.Dimensions).toContainEqual({ Name: 'TargetGroup', Value: 'targetgroup/shop-dev-blue/1' });
  expect(TG.blue).toContain('targetgroup/shop-dev-blue/1');
});

it('at a busy hour goes, with the per-step estimate in its report and the ledger', async () => {
  lastHour(1000);
  const out = await handler(event());
  expect(out).toMatchObject({ go: true, summary: 'go', warnings: [], canary: { thin: false, lastHour: { minutes: 60, reportedMinutes: 60, requests: 60_000, requestsPerMinute: 1000 } } });
  expect(out.notes).toContain('step 1: 5%: new 50, old 950 requests per bake (1 complete minute); evidence to pass (100 requests per color, a 5 pp regression ruled out) after 3 bakes (900 s)');
  expect(ledgerEntry().detail).toMatchObject({ go: true, canary: { thin: false, steps: out.canary.steps } });
});

it('a live color that started serving within the hour is not diluted by the minutes before', async () => {
  lastHour(1000, 15);
  const out = await handler(event());
  expect(out.canary.lastHour).toMatchObject({ minutes: 15, reportedMinutes: 15, requests: 15_000, requestsPerMinute: 1000 });
  expect(out.notes).toContain('last hour (15 complete minutes from the live color\'s first request, 15 with requests): 15000 requests, 1000.0 a minute, 0.30% failed, 5.00% slow');
});

it('refuses a thin first step with CanaryTooThin, naming the smallest first step that would work; the ledger says why', async () => {
  lastHour(40);
  await expect(handler(event())).rejects.toMatchObject({
    name: 'CanaryTooThin',
    message: expect.stringMatching(/^at the last hour's 40 requests a minute, a 5% first step gives the new color about 52 requests .* the smallest first step that would do is (\d+)%/),
  });
  expect(ledgerEntry().detail).toMatchObject({ go: false, error: 'CanaryTooThin', summary: expect.stringMatching(/^CanaryTooThin: first step can be judged/), canary: { thin: true, accepted: false, evidence: { smallestFirstStep: expect.any(Number) } } });
  // Pre-flight reads; it never changes anything.
  expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  expect(elb).not.toHaveReceivedCommand(ModifyListenerCommand);
});

it('with acceptThinCanary goes, the thin canary a warning in the report and the ledger', async () => {
  lastHour(40);
  const out = await handler(event({ acceptThinCanary: true }));
  expect(out.go).toBe(true);
  expect(out.warnings[0]).toMatch(/^thin canary accepted \(acceptThinCanary\): at the last hour's 40 requests a minute/);
  expect(out.summary).toMatch(/^go \(warnings: thin canary accepted/);
  expect(ledgerEntry().detail).toMatchObject({ go: true, warnings: out.warnings, canary: { thin: true, accepted: true } });
});

it('a thin canary beside another failed check is a plain no-go listing both', async () => {
  lastHour(0);
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-dev-blue-rollback', StateValue: 'ALARM' }, { AlarmName: 'shop-dev-green-rollback', StateValue: 'OK' }] });
  const out = await handler(event());
  expect(out.go).toBe(false);
  expect(out.summary).toMatch(/^no-go: /);
  expect(out.reasons).toEqual([expect.stringMatching(/^alarm shop-dev-blue-rollback OK: ALARM/), expect.stringMatching(/^first step can be judged .*at the last hour's 0 requests a minute.*no first step below 100% would/)]);
});
