import { AlarmStates } from '../../rehearsal/alarm-states';

const arn = (n: string) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${n}`;
const states = () =>
  new AlarmStates(
    [
      { name: 'blue-errors', kind: 'metric' },
      { name: 'blue-latency', kind: 'metric' },
      { name: 'blue-rollback', kind: 'composite' },
    ],
    arn,
    1_000,
  );

describe('AlarmStates, answering DescribeAlarms as CloudWatch does', () => {
  it('lists only metric alarms unless AlarmTypes asks for composite ones, each under its own key', () => {
    const s = states();
    expect(s.describe({}).MetricAlarms!.map((a) => a.AlarmName)).toEqual(['blue-errors', 'blue-latency']);
    expect(s.describe({}).CompositeAlarms).toEqual([]);
    const both = s.describe({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(both.CompositeAlarms!.map((a) => [a.AlarmName, a.AlarmArn, a.StateValue])).toEqual([['blue-rollback', arn('blue-rollback'), 'OK']]);
    expect(s.describe({ AlarmTypes: ['CompositeAlarm'] }).MetricAlarms).toEqual([]);
  });

  it('answers the names asked for that exist, leaving the others out', () => {
    const out = states().describe({ AlarmNames: ['blue-latency', 'nope'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(out.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['blue-latency']);
    expect(out.CompositeAlarms).toEqual([]);
  });

  it('keeps the state, reason and time of the last change; setting the same state changes nothing', () => {
    const s = states();
    s.set('blue-rollback', 'ALARM', 'blue-errors in ALARM', 5_000);
    s.set('blue-rollback', 'ALARM', 'again', 9_000);
    const [a] = s.describe({ AlarmNames: ['blue-rollback'], AlarmTypes: ['CompositeAlarm'] }).CompositeAlarms!;
    expect([a.StateValue, a.StateReason, a.StateUpdatedTimestamp]).toEqual(['ALARM', 'blue-errors in ALARM', new Date(5_000)]);
    expect(s.describe({ AlarmNames: ['blue-errors'] }).MetricAlarms!.map((m) => m.StateValue)).toEqual(['OK']);
    expect(() => s.set('nope', 'ALARM', 'x', 1)).toThrow(expect.objectContaining({ name: 'ResourceNotFound' }));
  });

  it('pages by MaxRecords (50 by default) with a NextToken, and refuses a token it did not give', () => {
    const many = new AlarmStates(Array.from({ length: 120 }, (_, i) => ({ name: `a${String(i).padStart(3, '0')}`, kind: 'metric' as const })), arn, 0);
    const first = many.describe({});
    expect(first.MetricAlarms).toHaveLength(50);
    const second = many.describe({ NextToken: first.NextToken });
    const third = many.describe({ NextToken: second.NextToken });
    expect(third.MetricAlarms).toHaveLength(20);
    expect(third.NextToken).toBeUndefined();
    expect(new Set([...first.MetricAlarms!, ...second.MetricAlarms!, ...third.MetricAlarms!].map((a) => a.AlarmName)).size).toBe(120);
    expect(many.describe({ MaxRecords: 100 }).MetricAlarms).toHaveLength(100);
    expect(() => many.describe({ NextToken: 'x' })).toThrow(expect.objectContaining({ name: 'InvalidNextToken' }));
    expect(() => many.describe({ MaxRecords: 101 })).toThrow(expect.objectContaining({ name: 'InvalidParameterValue' }));
  });

  it('refuses more than 100 names, and any parameter it does not answer, naming it', () => {
    const s = states();
    expect(() => s.describe({ AlarmNames: Array.from({ length: 101 }, (_, i) => `x${i}`) })).toThrow(expect.objectContaining({ name: 'InvalidParameterValue' }));
    expect(() => s.describe({ StateValue: 'ALARM' })).toThrow(/does not answer StateValue/);
    expect(() => s.describe({ AlarmNamePrefix: 'blue', ChildrenOfAlarmName: 'x' })).toThrow(/does not answer AlarmNamePrefix, ChildrenOfAlarmName/);
  });
});
