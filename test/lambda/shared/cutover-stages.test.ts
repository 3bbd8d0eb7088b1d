import fc from 'fast-check';
import { dnsReadiness, dnsWeightsAt, RecordFacts } from '../../../lambda/shared/decisions/dns';
import { syncStageSeconds, syncVerdict, taskFacts } from '../../../lambda/shared/decisions/sync';
import { planFrom } from '../../../lambda/validate-input';
import { handlerDefaultsSchema } from '../../../lambda/shared/cutover-config';
import { cutoverInputSchema } from '../../../lambda/shared/input';

const logs = { logGroup: '/switchyard/shop-staging/sync', streamPrefix: 'sync', container: 'sync' };
const arn = 'arn:aws:ecs:eu-west-1:123456789012:task/shop-staging/0123456789abcdef0123456789abcdef';
const description = (exitCode?: number, extra: object = {}) => ({
  TaskArn: arn,
  StopCode: 'EssentialContainerExited',
  StoppedReason: 'Essential container in task exited',
  Containers: [{ Name: 'sidecar', ExitCode: 0 }, { Name: 'sync', ...(exitCode === undefined ? {} : { ExitCode: exitCode }) }],
  ...extra,
});

describe('data sync outcome', () => {
  it('passes on exit 0 and names the task\'s log stream', () => {
    expect(syncVerdict('sync', taskFacts(description(0), 'sync'), logs)).toEqual({
      ok: true,
      stage: 'sync',
      error: undefined,
      reason: 'the final data sync exited 0',
      exitCode: 0,
      taskArn: arn,
      logGroup: '/switchyard/shop-staging/sync',
      logStream: 'sync/sync/0123456789abcdef0123456789abcdef',
    });
  });

  it('reads the configured container, not the first one, in PascalCase or camelCase', () => {
    expect(taskFacts(description(4), 'sync').exitCode).toBe(4);
    expect(taskFacts({ taskArn: arn, containers: [{ name: 'sync', exitCode: 2 }] }, 'sync')).toMatchObject({ exitCode: 2, taskArn: arn });
  });

  it('a failed state carries the task description as its Cause', () => {
    const v = syncVerdict('validation', taskFacts({ Error: 'States.TaskFailed', Cause: JSON.stringify(description(1)) }, 'sync'), { ...logs, streamPrefix: 'validation', container: 'validation' });
    expect(v).toMatchObject({ ok: false, error: 'SyncValidationFailed', exitCode: 1 });
    expect(v.reason).toBe('the sync validation exited 1 (Essential container in task exited); logs: /switchyard/shop-staging/sync validation/validation/0123456789abcdef0123456789abcdef');
  });

  it('a task that never started, or a timeout, fails with what is known', () => {
    const never = syncVerdict('sync', taskFacts(description(undefined, { StopCode: 'TaskFailedToStart', StoppedReason: 'CannotPullContainerError' }), 'sync'), logs);
    expect(never).toMatchObject({ ok: false, error: 'DataSyncFailed', exitCode: null });
    expect(never.reason).toMatch(/^the final data sync stopped before its container exited: TaskFailedToStart, CannotPullContainerError; logs: /);
    const timeout = syncVerdict('sync', taskFacts({ Error: 'States.Timeout', Cause: '' }, 'sync'), logs);
    expect(timeout).toMatchObject({ ok: false, logStream: undefined });
    expect(timeout.reason).toBe('the final data sync did not run to completion: States.Timeout; logs: /switchyard/shop-staging/sync');
  });

  it('passes exactly when the state succeeded and the container exited 0', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), fc.boolean(), (code, failed) => {
        const result = failed ? { Error: 'States.TaskFailed', Cause: JSON.stringify(description(code)) } : description(code);
        const v = syncVerdict('sync', taskFacts(result, 'sync'), logs);
        expect(v.ok).toBe(!failed && code === 0);
        expect(v.error).toBe(v.ok ? undefined : 'DataSyncFailed');
      }),
    );
  });

  it('holds maintenance for both tasks\' timeouts and five minutes to start them', () => {
    expect(syncStageSeconds({ sync: { timeoutSeconds: 1800 }, validation: { timeoutSeconds: 600 } })).toBe(2700);
    expect(syncStageSeconds({ sync: { timeoutSeconds: 60 } })).toBe(360);
  });
});

describe('the plan with a data sync', () => {
  const d = handlerDefaultsSchema.parse({});
  const plan = (input: object, configured: boolean) => planFrom(cutoverInputSchema.parse({ reason: 'release', ...input }), d, configured);

  it('runs the sync, inside maintenance, when one is configured', () => {
    expect(plan({}, true)).toMatchObject({ dataSync: true, maintenance: true });
    expect(plan({ dataSync: false }, true)).toMatchObject({ dataSync: false, maintenance: false });
    expect(plan({}, false)).toMatchObject({ dataSync: false, maintenance: false });
    // Maintenance on its own, for a release that needs writes frozen without a sync.
    expect(plan({ maintenance: true }, false)).toMatchObject({ dataSync: false, maintenance: true });
  });

  it('refuses a sync without maintenance, and a sync the environment does not have', () => {
    expect(() => plan({ maintenance: false }, true)).toThrow(/runs with writes frozen/);
    expect(() => plan({ dataSync: true }, false)).toThrow(/no final data sync configured/);
  });
});

describe('DNS readiness', () => {
  const names = { recordName: 'shop.example.com', legacyEndpoint: 'legacy.example.net', legacySetIdentifier: 'legacy', albSetIdentifier: 'switchyard' };
  const legacy = (o: Partial<RecordFacts> = {}): RecordFacts => ({ setIdentifier: 'legacy', type: 'CNAME', weight: 100, ttl: 60, values: ['legacy.example.net.'], alias: false, ...o });
  const alb = (o: Partial<RecordFacts> = {}): RecordFacts => ({ setIdentifier: 'switchyard', type: 'CNAME', weight: 0, ttl: 60, values: ['alb.example.com'], alias: false, ...o });

  it('ramps from a weighted legacy record with a short TTL', () => {
    expect(dnsReadiness([legacy()], names)).toEqual({ ok: true, ramp: true, reasons: [], weights: { legacy: 100, alb: 0 }, ttl: 60 });
    expect(dnsReadiness([legacy(), alb()], names)).toMatchObject({ ok: true, ramp: true });
  });

  it('refuses a TTL above 300 s on either record, and says what to do', () => {
    const r = dnsReadiness([legacy({ ttl: 301 })], names);
    expect(r.ok).toBe(false);
    expect(r.reasons).toEqual([expect.stringMatching(/^the legacy record of shop.example.com has a TTL of 301 s; lower it to 300 s or less and wait out the old TTL/)]);
    expect(dnsReadiness([legacy({ ttl: 300 })], names).ok).toBe(true);
    expect(dnsReadiness([legacy(), alb({ ttl: 900 })], names).reasons.join()).toMatch(/load balancer record .* TTL of 900 s/);
  });

  it('the TTL bound is exactly 300 s', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 172800 }), (ttl) => expect(dnsReadiness([legacy({ ttl })], names).ok).toBe(ttl <= 300)));
  });

  it.each<[string, RecordFacts[], RegExp]>([
    ['no record', [], /no weighted record shop.example.com with set identifier "legacy"/],
    ['a plain record', [{ type: 'CNAME', ttl: 60, values: ['legacy.example.net'], alias: false }], /is a plain CNAME record; replace it with a weighted record/],
    ['an alias', [legacy({ alias: true, ttl: undefined, type: 'A' })], /is an alias, which has no TTL of its own/],
    ['another endpoint', [legacy({ values: ['other.example.net'] })], /points at other.example.net, not legacy.example.net/],
    ['a split', [legacy({ weight: 70 }), alb({ weight: 30 })], /DNS is split \(legacy 70, load balancer 30\)/],
    ['nothing resolving', [legacy({ weight: 0 })], /no client would resolve the name/],
  ])('refuses %s', (_n, records, reason) => {
    const r = dnsReadiness(records, names);
    expect(r.ok).toBe(false);
    expect(r.reasons.join('; ')).toMatch(reason);
  });

  it('once the load balancer holds every client, there is nothing to ramp, whatever the TTLs', () => {
    expect(dnsReadiness([legacy({ weight: 0, ttl: 3600 }), alb({ weight: 100 })], names)).toMatchObject({ ok: true, ramp: false });
    expect(dnsReadiness([alb({ weight: 100 })], names)).toMatchObject({ ok: true, ramp: false });
  });

  it('weights at a step always sum to 100', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), (p) => {
      const w = dnsWeightsAt(p);
      expect(w.legacy + w.alb).toBe(100);
      expect(w.alb).toBe(p);
    }));
    expect(() => dnsWeightsAt(101)).toThrow(RangeError);
  });
});
