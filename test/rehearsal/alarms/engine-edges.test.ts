import { AlarmRuleError, evaluateAlarmRule, formatAlarmRule, parseAlarmRule } from '../../../rehearsal/alarms/alarm-rule';
import { AlarmEngine, UnsupportedAlarm } from '../../../rehearsal/alarms/engine';
import { CompositeAlarmDef, MetricAlarmDef, MetricQuery } from '../../../rehearsal/alarms/template';
import { MetricId, MetricStore } from '../../../rehearsal/metrics/store';

// What engine.test.ts and alarm-rule.test.ts leave out: a period longer than
// the minute the engine evaluates on, the composites' reasons and their
// settling bound, and exact texts of rules and refusals.
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const at = (minute: number) => T0 + minute * MIN;
const cpu: MetricId = { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: 'shop', ServiceName: 'shop-blue' } };

const put = (store: MetricStore, minute: number, value: number) =>
  store.put(cpu, { timestamp: at(minute), visibleAtMs: at(minute + 1), sampleCount: 1, sum: value, minimum: value, maximum: value });

function metricAlarm(name: string, periodSeconds = 60, queries?: MetricQuery[]): MetricAlarmDef {
  return {
    kind: 'metric',
    name,
    logicalId: `${name}Alarm`,
    periodSeconds,
    queries: queries ?? [{ id: 'm1', returnData: true, metric: { metric: cpu, periodSeconds, stat: 'Average' } }],
    criteria: { threshold: 10, comparison: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'missing' },
    alarmActions: [],
    okActions: [],
  };
}
const composite = (name: string, rule: string): CompositeAlarmDef => ({ kind: 'composite', name, logicalId: `${name}Composite`, rule, alarmActions: [], okActions: [] });

describe('AlarmEngine', () => {
  it('a 5-minute period slides with the minute: its newest period ends at the last whole minute', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu5', 300)], store);
    // Minute 6 is in the period [2, 7) judged at minute 7, not in [0, 5).
    put(store, 6, 50);
    expect(engine.evaluate(at(7))).toEqual([expect.objectContaining({ alarm: 'cpu5', to: 'ALARM', datapoints: [50] })]);
  });

  it('a composite in OK gives its rule as false', () => {
    const store = new MetricStore();
    const engine = new AlarmEngine([metricAlarm('cpu'), composite('roll', 'ALARM(cpu)')], store);
    put(store, 0, 1);
    engine.evaluate(at(1));
    expect(engine.state('roll')).toBe('OK');
    expect(engine.reason('roll')).toBe('rule ALARM(cpu) is false');
  });

  it('setState on a metric alarm reports a metric change when no composite exists', () => {
    const engine = new AlarmEngine([metricAlarm('cpu')], new MetricStore());
    expect(engine.setState('cpu', 'ALARM', 'drill', at(0))).toEqual([{ atMs: at(0), alarm: 'cpu', kind: 'metric', from: 'INSUFFICIENT_DATA', to: 'ALARM', reason: 'drill' }]);
  });

  it('composites that name each other in a cycle settle for at most one round more than there are composites', () => {
    // a follows b, b is the opposite of a: each round flips both. Two composites: three rounds, six changes.
    const engine = new AlarmEngine([composite('a', 'ALARM(b)'), composite('b', 'NOT ALARM(a)')], new MetricStore());
    expect(engine.evaluate(at(0)).map((c) => `${c.alarm}:${c.to}`)).toEqual(['a:OK', 'b:ALARM', 'a:ALARM', 'b:OK', 'a:OK', 'b:ALARM']);
  });

  it('refusals list every unknown name', () => {
    expect(() => new AlarmEngine([composite('roll', 'ALARM(ghost) OR ALARM(spook)')], new MetricStore())).toThrow(
      new UnsupportedAlarm('composite alarm roll at rollComposite names alarms no template defines: ghost, spook'),
    );
    const math = metricAlarm('m', 60, [
      { id: 'e1', returnData: true, expression: 'm1 + m2 + m3' },
      { id: 'm1', returnData: false, metric: { metric: cpu, periodSeconds: 60, stat: 'Average' } },
    ]);
    expect(() => new AlarmEngine([math], new MetricStore())).toThrow(new UnsupportedAlarm('alarm m at mAlarm: expression e1 uses m2, m3, which no query of the alarm defines (a metric with no data source)'));
    expect(new UnsupportedAlarm('x').name).toBe('UnsupportedAlarm');
  });
});

describe('alarm rules', () => {
  it('TRUE is true and FALSE false', () => {
    expect(evaluateAlarmRule(parseAlarmRule('TRUE'), () => 'OK')).toBe(true);
    expect(evaluateAlarmRule(parseAlarmRule('FALSE'), () => 'OK')).toBe(false);
  });

  it('prints AND and OR in upper case, with parentheses only where precedence needs them', () => {
    expect(formatAlarmRule(parseAlarmRule('ALARM(a) and ALARM(b) and ALARM(c)'))).toBe('ALARM("a") AND ALARM("b") AND ALARM("c")');
    expect(formatAlarmRule(parseAlarmRule('ALARM(a) or ALARM(b) and not OK(c)'))).toBe('ALARM("a") OR ALARM("b") AND NOT OK("c")');
    expect(formatAlarmRule(parseAlarmRule('(ALARM(a) or ALARM(b)) and ALARM(c)'))).toBe('(ALARM("a") OR ALARM("b")) AND ALARM("c")');
  });

  it('a stray character where an operand belongs is named', () => {
    expect(() => parseAlarmRule('ALARM(a) AND )')).toThrow(new AlarmRuleError('unexpected ")"', 13));
    expect(() => parseAlarmRule('ALARM(a) AND )')).toThrow(AlarmRuleError);
  });
});
