import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { bundledSettingsOf, calibrateLive, checkInput, formatCalibration, main, parseSince, seededRandomness, UsageError } from '../../scripts/switchyard';
import { calibrate } from '../../lambda/shared/decisions/calibration';
import { settings } from '../../lambda/shared/settings';
import { handlerEnv, LISTENER, TG } from '../lambda/handlers/env';

describe('operator command', () => {
  it('validates a cutover input locally before starting anything', () => {
    expect(checkInput('{"image":"repo/app:2","reason":"release 2"}')).toEqual({ image: 'repo/app:2', reason: 'release 2' });
    expect(() => checkInput('{"reason":"release 2","colour":"green"}')).toThrow(/unknown field\(s\) "colour"/);
    expect(() => checkInput('{nope')).toThrow(UsageError);
  });

  it('explains its usage', async () => {
    await expect(main(['frobnicate'])).rejects.toThrow(/start\|status\|pause\|resume\|rollback\|ledger/);
    await expect(main(['start'])).rejects.toThrow(/start needs --input/);
    await expect(main(['rollback'])).rejects.toThrow(/rollback needs --reason/);
    await expect(main(['rollback', '--reason', 'bad', '--target', 'red'])).rejects.toThrow(/--target is blue or green/);
    await expect(main(['ledger', '--local'])).rejects.toThrow(/--local works with start, rollback and judge/);
    await expect(main(['judge', '--since', 'yesterday'])).rejects.toThrow(/--since is a duration such as 90m, 2h or 1d/);
    await expect(main(['judge', '--local', '--rate', '0'])).rejects.toThrow(/--rate is simulated requests a minute/);
    await expect(main(['maintenance', 'sideways'])).rejects.toThrow(/maintenance:on -- --reason/);
    await expect(main(['maintenance', 'on'])).rejects.toThrow(/maintenance on needs --reason/);
    await expect(main(['start', '--local', '--input', '{"reason":"r"}'])).rejects.toThrow(/reason must say why/);
  });
});

describe('judge calibration', () => {
  it('reads --since as minutes, hours or days, from 10 minutes to 7 days', () => {
    expect(parseSince('2h')).toBe(7_200_000);
    expect(parseSince('90m')).toBe(5_400_000);
    expect(parseSince('1d')).toBe(86_400_000);
    for (const bad of ['2', '5m', '8d', '1.5h', '']) expect(() => parseSince(bad)).toThrow(UsageError);
  });

  it('reads the live color\'s complete minutes in one GetMetricData call and judges them with the plan a cutover would run', async () => {
    handlerEnv();
    const ssm = mockClient(SSMClient);
    const cw = mockClient(CloudWatchClient);
    try {
      ssm.on(GetParametersCommand).resolves({
        Parameters: [['live-color', 'green'], ['blue/image', 'i'], ['green/image', 'i'], ['blue/desired-count', '0'], ['green/desired-count', '2']].map(([k, v]) => ({ Name: `/switchyard/shop/dev/${k}`, Value: v })),
      });
      cw.on(GetMetricDataCommand).callsFake((input) => {
        const minutes: Date[] = [];
        for (let t = new Date(input.StartTime).getTime(); t < new Date(input.EndTime).getTime(); t += 60_000) minutes.push(new Date(t));
        const value: Record<string, number> = { requests: 500, target5xx: 1, connections: 0, fast: 98 };
        return { MetricDataResults: input.MetricDataQueries.map((q: { Id: string }) => ({ Id: q.Id, Timestamps: minutes, Values: minutes.map(() => value[q.Id]) })) };
      });
      const now = Date.UTC(2026, 10, 1, 12, 0, 30);
      const { calibration, live, latencyThresholdSeconds } = await calibrateLive(settings(), 2 * 3600_000, { reason: 'calibrate', steps: [5, 100] }, now);
      expect(live).toBe('green');
      expect(latencyThresholdSeconds).toBe(0.5);
      const q = cw.commandCalls(GetMetricDataCommand);
      expect(q).toHaveLength(1);
      // The last two hours of complete minutes: the newest 180 s (judge.metricDelaySeconds) are not yet complete.
      expect([new Date(q[0].args[0].input.StartTime!).toISOString(), new Date(q[0].args[0].input.EndTime!).toISOString()]).toEqual(['2026-11-01T09:57:00.000Z', '2026-11-01T11:57:00.000Z']);
      expect(q[0].args[0].input.MetricDataQueries![0].MetricStat!.Metric!.Dimensions).toContainEqual({ Name: 'TargetGroup', Value: TG.green.slice(TG.green.indexOf('targetgroup/')) });
      expect(calibration.window).toMatchObject({ minutes: 120, reportedMinutes: 120 });
      expect(calibration.traffic).toMatchObject({ requests: 60_000, failed: 120, slow: 1200, requestsPerMinute: 500 });
      expect(calibration.plan.steps).toEqual([5, 100]);
      expect(calibration.timeSplit.verdict.decision).toBe('PASS');
    } finally {
      ssm.restore();
      cw.restore();
    }
  });

  it('against AWS reads the pre-flight function\'s environment and, for what its bundle holds, the settings this config compiles into it', async () => {
    const lambda = mockClient(LambdaClient);
    const ssm = mockClient(SSMClient);
    const cw = mockClient(CloudWatchClient);
    try {
      // What GetFunctionConfiguration shows: the references; the cutover defaults are in the bundle, not here.
      lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: { SERVICE: 'shop', ENVIRONMENT: 'dev', LISTENER_ARN: LISTENER, TARGET_GROUP_BLUE: TG.blue, TARGET_GROUP_GREEN: TG.green } } });
      ssm.on(GetParametersCommand).resolves({
        Parameters: [['live-color', 'blue'], ['blue/image', 'i'], ['green/image', 'i'], ['blue/desired-count', '2'], ['green/desired-count', '0']].map(([k, v]) => ({ Name: `/switchyard/shop/dev/${k}`, Value: v })),
      });
      cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
      const out: string[] = [];
      expect(await main(['judge', '--since', '2h', '--env', 'dev'], (x) => out.push(x))).toBe(0);
      expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0].args[0].input).toEqual({ FunctionName: 'shop-dev-preflight' });
      expect(JSON.parse(bundledSettingsOf('dev').CUTOVER_DEFAULTS).steps).toEqual([10, 50, 100]);
      expect(out.join('\n')).toContain('plan: steps 10/50/100, bake 300 s');
    } finally {
      lambda.restore();
      ssm.restore();
      cw.restore();
    }
  });

  it('prints the verdict with its counts and bounds, the false-rollback rate and how it was found, and the smallest degradation it can detect', () => {
    const T0 = Date.UTC(2026, 10, 1, 10);
    const points = Array.from({ length: 120 }, (_, i) => ({ atMs: T0 + i * 60_000, requests: 1000, failed: 1 + (i % 3), slow: 10 }));
    const settings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' as const };
    const c = calibrate(points, T0, T0 + 120 * 60_000, { steps: [10, 50, 100], bakeSeconds: 300, maxBakeSeconds: 1800, metricDelaySeconds: 180, settings }, 200, seededRandomness(1));
    const text = formatCalibration(c, { service: 'shop', environment: 'dev', live: 'blue', latencyThresholdSeconds: 0.5 });
    expect(text).toContain('judge calibration: shop-dev, blue live, 2026-11-01T10:00:00Z to 2026-11-01T12:00:00Z');
    expect(text).toContain('traffic: 120,000 requests (1000.0 a minute), 0.20% failed, 1.00% slow (slower than 0.5 s)');
    expect(text).toMatch(/A\/A in time: the first 60 minutes as the old color, the last 60 as the new, one look: PASS\n  old 60,000 requests, 120 failed \(0.20%\), 600 slow \(1.00%\)/);
    expect(text).toMatch(/  failed difference \+0.00 pp, bounds -\d.\d\d pp to \+\d.\d\d pp: ruled-out/);
    expect(text).toMatch(/false rollbacks: \d+ of 200 replays of the ramp, \d+.\d\d% \(95% interval/);
    expect(text).toContain('split at\n  random between the colors at the step\'s share');
    expect(text).toMatch(/smallest degradation the first step \(10%\) can tell from noise, at this traffic:\n  after one bake \(300 s\): 1 complete minute, ~100 new \/ ~900 old requests: failed \+\d+.\d\d pp, slow \+\d+.\d\d pp/);
    // 100 new requests a bake reach the minimum, but ruling out 5 pp takes a second bake.
    expect(text).toContain('1: 10%: new 100, old 900 requests per bake (1 complete minute); evidence to pass (100 requests per color, a 5 pp regression ruled out) after 2 bakes (600 s)');
  });
});

describe('approve and reject', () => {
  const { answerRequest, formatAnswer, parseOperator } = require('../../scripts/switchyard') as typeof import('../../scripts/switchyard');
  const me = 'arn:aws:sts::123456789012:assumed-role/release-approver/bob';

  it('send the gate function who asks, the reason and what it names; a reject needs a reason', () => {
    expect(answerRequest('approve', me, {})).toEqual({ action: 'approve', approver: me });
    expect(answerRequest('approve', me, { reason: 'dashboards green', execution: 'arn:exec', gate: 'after-step:1' })).toEqual({ action: 'approve', approver: me, reason: 'dashboards green', executionId: 'arn:exec', gate: 'after-step:1' });
    expect(() => answerRequest('reject', me, {})).toThrow(/reject needs --reason/);
    expect(() => answerRequest('approve', me, { reason: 'k' })).toThrow(/--reason says why/);
  });

  it('print a refusal by its name, and what an answer resolved', () => {
    expect(formatAnswer('approve', JSON.stringify({ errorType: 'NoGateWaiting', errorMessage: 'cutover x is not waiting at a gate; nothing was changed' }), 'Unhandled')).toBe('approve refused (NoGateWaiting): cutover x is not waiting at a gate; nothing was changed');
    expect(formatAnswer('approve', JSON.stringify({ action: 'approve', gate: 'after-step:1', executionId: 'arn:exec', approver: me }))).toBe(`approved after-step:1 of arn:exec as ${me}`);
  });

  it('approve --local has nothing to answer, and start --local takes gate actions only', async () => {
    await expect(main(['approve', '--local'])).rejects.toThrow(/give start --local the approvals/);
    expect(parseOperator('[{"at": "gate:1", "do": "approve", "reason": "looks good"}]')).toEqual([{ at: 'gate:1', do: 'approve', reason: 'looks good' }]);
    expect(() => parseOperator('[{"at": "minute:5", "do": "approve"}]')).toThrow(/minute actions need a drill/);
    expect(() => parseOperator('[{"at": "gate:1", "do": "pause"}]')).toThrow(/pause and resume act at minutes: rehearse them in a drill/);
    await expect(main(['pause', '--local', '--reason', 'hold it'])).rejects.toThrow(/rehearse pauses in a drill/);
  });
});

describe('pause and resume', () => {
  const { pauseRequest, formatPauseAnswer, formatPauseStatus } = require('../../scripts/switchyard') as typeof import('../../scripts/switchyard');
  const me = 'arn:aws:sts::123456789012:assumed-role/release-operator/ann';

  it('send the pause function who asks, why, and the execution named; a pause needs a reason', () => {
    expect(pauseRequest('pause', me, { reason: 'support asks to hold' })).toEqual({ action: 'pause', by: me, reason: 'support asks to hold' });
    expect(pauseRequest('resume', me, { execution: 'arn:exec' })).toEqual({ action: 'resume', by: me, executionId: 'arn:exec' });
    expect(() => pauseRequest('pause', me, {})).toThrow(/pause needs --reason/);
    expect(() => pauseRequest('resume', me, { reason: 'k' })).toThrow(/--reason says why/);
  });

  it('print a refusal by its name, and what a pause or resume did', () => {
    expect(formatPauseAnswer('pause', JSON.stringify({ errorType: 'NotRamping', errorMessage: 'cutover x cannot be paused' }), 'Unhandled')).toBe('pause refused (NotRamping): cutover x cannot be paused');
    expect(formatPauseAnswer('pause', JSON.stringify({ action: 'pause', executionId: 'arn:exec', pausedAtMs: 0 }))).toMatch(/^paused arn:exec: the ramp holds at the end of the current bake/);
    expect(formatPauseAnswer('resume', JSON.stringify({ action: 'resume', executionId: 'arn:exec', pausedSeconds: 600 }))).toBe('resumed arn:exec after 10 minutes paused');
  });

  it('status says paused, since when, by whom and at what weights, read from the state the execution holds in', () => {
    const now = Date.parse('2026-12-04T10:17:00Z');
    const state = { ramp: { index: 0, percent: 10, weights: { blue: 90, green: 10 } }, check: { step: 1, look: 0, paused: true, pausedBy: me, pausedAtMs: Date.parse('2026-12-04T10:05:00Z'), pauseReason: 'review' } };
    expect(formatPauseStatus({ name: 'Paused', input: JSON.stringify(state) }, now)).toBe(`PAUSED since 2026-12-04T10:05:00.000Z (12 min) by ${me}: review; holding at blue=90 green=10, step 1 (npm run cutover -- resume)`);
    expect(formatPauseStatus({ name: 'Bake', input: JSON.stringify(state) }, now)).toBeUndefined();
    expect(formatPauseStatus({ name: 'Paused', input: JSON.stringify({ ...state, check: { paused: false } }) }, now)).toBeUndefined();
    expect(formatPauseStatus({ name: 'Paused', input: '{not json' }, now)).toBeUndefined();
    expect(formatPauseStatus(undefined, now)).toBeUndefined();
  });
});
