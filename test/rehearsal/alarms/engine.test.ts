import { AlarmEngine, MAX_ALARM_METRICS, UnsupportedAlarm } from '../../../rehearsal/alarms/engine';
import { AlarmCriteria } from '../../../rehearsal/alarms/state';
import { CompositeAlarmDef, MetricAlarmDef, MetricQuery } from '../../../rehearsal/alarms/template';
import { MetricId, MetricStore } from '../../../rehearsal/metrics/store';
import { dataSourceCheck } from '../../../rehearsal/traffic/model';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

const LB = 'app/shop-dev/abc';
const TG = 'targetgroup/shop-dev-blue/123';
const requests: MetricId = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: TG, LoadBalancer: LB } };
const errors: MetricId = { ...requests, metricName: 'HTTPCode_Target_5XX_Count' };
const cpu: MetricId = { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'shop-dev', ServiceName: 'shop-dev-blue' } };

/** One value for the minute, visible at the end of the minute plus `delayMs`. */
function put(store: MetricStore, id: MetricId, minute: number, value: number, delayMs = 0): void {
  store.put(id, { timestamp: at(minute), visibleAtMs: at(minute + 1) + delayMs, sampleCount: 1, sum: value, minimum: value, maximum: value });
}

const criteria = (c: Partial<AlarmCriteria> = {}): AlarmCriteria => ({ threshold: 10, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'missing', ...c });

function metricAlarm(name: string, o: { metric?: MetricId; stat?: string; criteria?: Partial<AlarmCriteria>; queries?: MetricQuery[]; logicalId?: string } = {}): MetricAlarmDef {
  return {
    kind: 'metric',
    name,
    logicalId: o.logicalId ?? `${name.replace(/[^A-Za-z0-9]/g, '')}Alarm1234`,
    path: `Test/Monitoring/${name}/Resource`,
    periodSeconds: 60,
    queries: o.queries ?? [{ id: 'm1', returnData: true, metric: { metric: o.metric ?? cpu, periodSeconds: 60, stat: o.stat ?? 'Average' } }],
    criteria: criteria(o.criteria),
    alarmActions: [],
    okActions: [],
  };
}
const composite = (name: string, rule: string): CompositeAlarmDef => ({ kind: 'composite', name, logicalId: `${name}Composite99`, rule, alarmActions: [], okActions: [] });

describe('a plain metric alarm', () => {
  it('starts INSUFFICIENT_DATA, goes ALARM when M of the last N periods breach, and back to OK', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu')], store);
    expect(engine.names).toEqual(['cpu']);
    expect(engine.state('cpu')).toBe('INSUFFICIENT_DATA');

    [5, 5, 5].forEach((v, m) => put(store, cpu, m, v));
    const first = engine.evaluate(at(3));
    expect(first).toEqual([expect.objectContaining({ alarm: 'cpu', kind: 'metric', from: 'INSUFFICIENT_DATA', to: 'OK', atMs: at(3), datapoints: [5, 5, 5] })]);

    // One breaching period of three: still OK.
    put(store, cpu, 3, 50);
    expect(engine.evaluate(at(4))).toEqual([]);
    expect(engine.state('cpu')).toBe('OK');

    // Two of three: ALARM.
    put(store, cpu, 4, 50);
    const alarm = engine.evaluate(at(5));
    expect(alarm).toEqual([expect.objectContaining({ alarm: 'cpu', from: 'OK', to: 'ALARM', datapoints: [5, 50, 50] })]);
    expect(engine.reason('cpu')).toMatch(/^Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold \(10\.0\)/);

    // Stays while two of the last three breach; back to OK when only one does.
    put(store, cpu, 5, 1);
    expect(engine.evaluate(at(6))).toEqual([]);
    expect(engine.state('cpu')).toBe('ALARM');
    put(store, cpu, 6, 1);
    expect(engine.evaluate(at(7))).toEqual([expect.objectContaining({ from: 'ALARM', to: 'OK', datapoints: [50, 1, 1] })]);
  });

  it('reads whole periods ending at the last period boundary: a partial minute does not count', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu', { criteria: { evaluationPeriods: 1, datapointsToAlarm: 1 } })], store);
    put(store, cpu, 0, 50, -MIN); // visible at once
    expect(engine.evaluate(at(0) + 59_000)).toEqual([]);
    expect(engine.evaluate(at(1))).toEqual([expect.objectContaining({ to: 'ALARM' })]);
  });

  it('does not count a datapoint before it is visible (ingest delay)', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu', { criteria: { evaluationPeriods: 1, datapointsToAlarm: 1 } })], store);
    put(store, cpu, 0, 50, 90_000); // minute 0, visible at minute 2.5
    expect(engine.evaluate(at(1))).toEqual([]);
    expect(engine.evaluate(at(2))).toEqual([]);
    expect(engine.state('cpu')).toBe('INSUFFICIENT_DATA');
    expect(engine.evaluate(at(3))).toEqual([expect.objectContaining({ from: 'INSUFFICIENT_DATA', to: 'ALARM' })]);
  });

  it('applies treatMissingData: notBreaching turns no data into OK', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu', { criteria: { treatMissingData: 'notBreaching' } })], store);
    expect(engine.evaluate(at(10))).toEqual([expect.objectContaining({ to: 'OK' })]);
  });

  it('evaluates a percentile statistic', () => {
    const store = new MetricStore();
    const latency: MetricId = { ...requests, metricName: 'TargetResponseTime' };
    const engine = new AlarmEngine([metricAlarm('p95', { metric: latency, stat: 'p95', criteria: { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1 } })], store);
    for (const v of [0.1, 0.2, 0.3, 5]) put(store, latency, 0, v);
    expect(engine.evaluate(at(1))).toEqual([expect.objectContaining({ to: 'ALARM', datapoints: [5] })]);
  });
});

describe('a metric-math alarm', () => {
  const errorRate = (): MetricAlarmDef =>
    metricAlarm('error-rate', {
      criteria: { threshold: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
      queries: [
        { id: 'e1', returnData: true, expression: 'IF(r >= 20, 100 * FILL(e, 0) / r, 0)' },
        { id: 'r', returnData: false, metric: { metric: requests, periodSeconds: 60, stat: 'Sum' } },
        { id: 'e', returnData: false, metric: { metric: errors, periodSeconds: 60, stat: 'Sum' } },
      ],
    });

  it('reads 0 below the request guard, however many requests failed', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([errorRate()], store);
    put(store, requests, 0, 10);
    put(store, errors, 0, 10);
    expect(engine.evaluate(at(1))).toEqual([expect.objectContaining({ to: 'OK', datapoints: [0] })]);
  });

  it('is the error percentage above the guard; missing errors count as 0', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([errorRate()], store);
    put(store, requests, 0, 200);
    put(store, errors, 0, 20);
    expect(engine.evaluate(at(1))).toEqual([expect.objectContaining({ to: 'ALARM', datapoints: [10] })]);
    put(store, requests, 1, 200);
    expect(engine.evaluate(at(2))).toEqual([expect.objectContaining({ from: 'ALARM', to: 'OK', datapoints: [0] })]);
  });
});

describe('composite alarms', () => {
  const defs = () => [
    metricAlarm('a', { metric: cpu, criteria: { evaluationPeriods: 1, datapointsToAlarm: 1 } }),
    metricAlarm('b', { metric: requests, stat: 'Sum', criteria: { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching' } }),
    composite('either', 'ALARM("a") OR ALARM("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b")'),
  ];

  it('follows its children in the same evaluate() call, after them', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine(defs(), store);
    expect(engine.state('either')).toBe('INSUFFICIENT_DATA');
    put(store, cpu, 0, 1);
    expect(engine.evaluate(at(1)).map((c) => [c.alarm, c.kind, c.to])).toEqual([
      ['a', 'metric', 'OK'],
      ['b', 'metric', 'OK'],
      ['either', 'composite', 'OK'],
    ]);
    put(store, cpu, 1, 50);
    expect(engine.evaluate(at(2)).map((c) => [c.alarm, c.to])).toEqual([
      ['a', 'ALARM'],
      ['either', 'ALARM'],
    ]);
    // b (named by ARN) joins; the composite stays in ALARM when a recovers.
    put(store, cpu, 2, 1);
    put(store, requests, 2, 50);
    expect(engine.evaluate(at(3)).map((c) => [c.alarm, c.to])).toEqual([
      ['a', 'OK'],
      ['b', 'ALARM'],
    ]);
    expect(engine.state('either')).toBe('ALARM');
    expect(engine.reason('either')).toContain('is true');
    // With data, b's newest datapoint decides (its missing-data treatment does not reach back over real data).
    put(store, cpu, 3, 1);
    put(store, requests, 3, 1);
    expect(engine.evaluate(at(4)).map((c) => [c.alarm, c.to])).toEqual([
      ['b', 'OK'],
      ['either', 'OK'],
    ]);
  });

  it('a composite over a composite settles in the same call', () => {
    const store = new MetricStore();
    // The outer one is listed first, so it needs a second round.
    const engine = new AlarmEngine([composite('outer', 'ALARM("either")'), ...defs()], store);
    put(store, cpu, 0, 50);
    expect(engine.evaluate(at(1)).filter((c) => c.kind === 'composite').map((c) => [c.alarm, c.to])).toEqual([
      ['outer', 'OK'],
      ['either', 'ALARM'],
      ['outer', 'ALARM'],
    ]);
    expect(engine.state('outer')).toBe('ALARM');
  });
});

describe('setState', () => {
  it('holds until the alarm is next evaluated; composites over it follow at once', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu', { criteria: { evaluationPeriods: 1, datapointsToAlarm: 1 } }), composite('roll', 'ALARM(cpu)')], store);
    put(store, cpu, 0, 1);
    engine.evaluate(at(1));
    expect(engine.state('cpu')).toBe('OK');

    const changes = engine.setState('cpu', 'ALARM', 'testing the pager', at(1) + 5_000);
    expect(changes[0]).toEqual({ atMs: at(1) + 5_000, alarm: 'cpu', kind: 'metric', from: 'OK', to: 'ALARM', reason: 'testing the pager' });
    // The composite does not wait for the next minute: CloudWatch re-evaluates it on any child's change.
    expect(changes.slice(1).map((c) => [c.alarm, c.from, c.to])).toEqual([['roll', 'OK', 'ALARM']]);
    expect(engine.state('cpu')).toBe('ALARM');
    expect(engine.reason('cpu')).toBe('testing the pager');
    expect(engine.setState('cpu', 'ALARM', 'again', at(1) + 6_000)).toEqual([]);

    put(store, cpu, 1, 1);
    expect(engine.evaluate(at(2)).map((c) => [c.alarm, c.from, c.to])).toEqual([['cpu', 'ALARM', 'OK'], ['roll', 'ALARM', 'OK']]);
  });

  it('sets a composite\'s state too, and refuses an unknown alarm', () => {
    const engine = new AlarmEngine([metricAlarm('cpu'), composite('roll', 'ALARM(cpu)')], new MetricStore());
    expect(engine.setState('roll', 'ALARM', 'drill', at(0))[0]).toMatchObject({ kind: 'composite', to: 'ALARM' });
    expect(() => engine.setState('ghost', 'OK', 'x', at(0))).toThrow(/no alarm named ghost/);
    expect(() => engine.state('ghost')).toThrow(UnsupportedAlarm);
  });
});

describe('what the engine refuses when it is built', () => {
  const build = (defs: Array<MetricAlarmDef | CompositeAlarmDef>, check?: Parameters<typeof dataSourceCheck>[0]) => () =>
    new AlarmEngine(defs, new MetricStore(), check ? dataSourceCheck(check) : undefined);
  const math = (expression: string, extra: MetricQuery[] = [{ id: 'm1', returnData: false, metric: { metric: cpu, periodSeconds: 60, stat: 'Average' } }]) =>
    metricAlarm('shop-dev-blue-math', { logicalId: 'MonitoringBlueMathABCD1234', queries: [{ id: 'e1', returnData: true, expression }, ...extra] });
  const names = /alarm shop-dev-blue-math at MonitoringBlueMathABCD1234 \(Test\/Monitoring\/shop-dev-blue-math\/Resource\)/;

  it('an unknown function, naming the alarm and its logical id', () => {
    const f = build([math('FROBNICATE(m1)')]);
    expect(f).toThrow(UnsupportedAlarm);
    expect(f).toThrow(names);
    expect(f).toThrow(/FROBNICATE/);
  });

  it('a function the evaluator does not model, naming the alarm and the function', () => {
    const f = build([math('ANOMALY_DETECTION_BAND(m1)')]);
    expect(f).toThrow(names);
    expect(f).toThrow(/ANOMALY_DETECTION_BAND is not supported/);
  });

  it(`more than ${MAX_ALARM_METRICS} metrics`, () => {
    const metrics: MetricQuery[] = Array.from({ length: MAX_ALARM_METRICS + 1 }, (_, i) => ({ id: `m${i}`, returnData: false, metric: { metric: cpu, periodSeconds: 60, stat: 'Average' } }));
    const f = build([math(metrics.map((m) => m.id).join(' + '), metrics)]);
    expect(f).toThrow(names);
    expect(f).toThrow(/uses 11 metrics; CloudWatch allows at most 10/);
    // Exactly ten is fine.
    expect(build([math(metrics.slice(0, 10).map((m) => m.id).join(' + '), metrics.slice(0, 10))])).not.toThrow();
  });

  it('an expression naming an id no query defines', () => {
    const f = build([math('m1 + m2')]);
    expect(f).toThrow(names);
    expect(f).toThrow(/expression e1 uses m2, which no query of the alarm defines/);
  });

  it('a composite naming an alarm no template defines', () => {
    const f = build([metricAlarm('cpu'), composite('roll', 'ALARM(cpu) OR ALARM("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ghost")')]);
    expect(f).toThrow(/composite alarm roll at rollComposite99 names alarms no template defines: ghost/);
  });

  it('a composite whose rule does not parse', () => {
    expect(build([metricAlarm('cpu'), composite('roll', 'ALARM(cpu) OR')])).toThrow(/composite alarm roll at rollComposite99: /);
  });

  it.each(['TM(10%:90%)', 'IQM', 'wm99'])('an unsupported statistic %s', (stat) => {
    const f = build([metricAlarm('shop-dev-blue-math', { logicalId: 'MonitoringBlueMathABCD1234', stat })]);
    expect(f).toThrow(names);
    expect(f).toThrow(`statistic "${stat}" is not modelled`);
  });

  it('a metric the data-source check refuses', () => {
    const publication = { loadBalancer: LB, targetGroup: { blue: TG, green: 'targetgroup/shop-dev-green/456' }, cluster: 'shop-dev', service: { blue: 'shop-dev-blue', green: 'shop-dev-green' } };
    const wrong: MetricId = { ...requests, dimensions: { TargetGroup: 'targetgroup/elsewhere/1', LoadBalancer: LB } };
    const f = build([metricAlarm('shop-dev-blue-math', { logicalId: 'MonitoringBlueMathABCD1234', metric: wrong, stat: 'Sum' })], publication);
    expect(f).toThrow(names);
    expect(f).toThrow(/metric m1 \(AWS\/ApplicationELB RequestCount .*\) names TargetGroup=targetgroup\/elsewhere\/1/);
    // The same alarm over the environment's own target group is accepted.
    expect(build([metricAlarm('ok', { metric: requests, stat: 'Sum' })], publication)).not.toThrow();
  });

  it('a metric whose period differs from the alarm\'s', () => {
    const f = build([math('m1', [{ id: 'm1', returnData: false, metric: { metric: cpu, periodSeconds: 300, stat: 'Average' } }])]);
    expect(f).toThrow(names);
    expect(f).toThrow(/metric m1 has period 300 s and the alarm 60 s/);
  });

  it('a query with neither metric nor expression', () => {
    expect(build([math('m1', [{ id: 'm1', returnData: false }])])).toThrow(/query m1 has neither a metric nor an expression/);
  });
});
