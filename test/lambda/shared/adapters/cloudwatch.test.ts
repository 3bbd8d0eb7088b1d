import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AlarmStates } from '../../../../rehearsal/alarm-states';
import { alarmStates } from '../../../../lambda/shared/adapters/cloudwatch';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

/** CloudWatch as the rehearsal answers it: 150 metric alarms and 10 composite ones, pages of MaxRecords. */
function account(): AlarmStates {
  const alarms = [...Array.from({ length: 150 }, (_, i) => ({ name: `m${i}`, kind: 'metric' as const })), ...Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, kind: 'composite' as const }))];
  const states = new AlarmStates(alarms, (n) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${n}`, 0);
  states.set('m120', 'ALARM', 'test', 1);
  states.set('c3', 'ALARM', 'test', 1);
  return states;
}

describe('alarmStates', () => {
  it('reads more names than one call takes, and every page of each call', async () => {
    const states = account();
    cw.on(DescribeAlarmsCommand).callsFake((input) => states.describe({ ...input, MaxRecords: 30 }));
    const names = [...Array.from({ length: 150 }, (_, i) => `m${i}`), ...Array.from({ length: 10 }, (_, i) => `c${i}`), 'gone'];
    const out = await alarmStates(names);
    expect(Object.keys(out)).toHaveLength(161);
    expect(out.m120).toBe('ALARM');
    expect(out.c3).toBe('ALARM');
    expect(out.m0).toBe('OK');
    expect(out.c9).toBe('OK');
    expect(out.gone).toBe('MISSING');
    // Two sets of at most 100 names: the first 100 alarms in pages of 30 take 4 calls, the other 60 (and 'gone') 2.
    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.AlarmNames!.length, c.NextToken])).toEqual([
      [100, undefined],
      [100, '30'],
      [100, '60'],
      [100, '90'],
      [61, undefined],
      [61, '30'],
    ]);
  });

  it('asks for both kinds of alarm and makes no call for no names', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }], CompositeAlarms: [{ AlarmName: 'b', StateValue: 'INSUFFICIENT_DATA' }] });
    expect(await alarmStates(['a', 'b'])).toEqual({ a: 'OK', b: 'INSUFFICIENT_DATA' });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['a', 'b'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    cw.reset();
    expect(await alarmStates([])).toEqual({});
    expect(cw).not.toHaveReceivedCommand(DescribeAlarmsCommand);
  });
});
