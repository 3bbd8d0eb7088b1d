import type { CompositeAlarm, DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmState } from './alarms/state';

interface Held {
  readonly kind: 'metric' | 'composite';
  state: AlarmState;
  reason: string;
  updatedAtMs: number;
}

/** The parameters of DescribeAlarms this stand-in answers; any other is refused, naming it. */
const ANSWERED = new Set(['AlarmNames', 'AlarmTypes', 'MaxRecords', 'NextToken']);

/**
 * The states of the template's alarms as the rehearsal's evaluator sets them, and DescribeAlarms answered
 * from them the way CloudWatch answers it: metric alarms under MetricAlarms, composite ones under
 * CompositeAlarms, only metric alarms unless AlarmTypes says otherwise, at most 100 names, and pages of
 * MaxRecords (50 by default) with a NextToken. moto has no composite alarms and evaluates none, and the
 * evaluator is the only thing that changes a state, so the handlers' reads come from here rather than
 * from copies in moto (which cost a call per alarm per world and one per change).
 */
export class AlarmStates {
  private readonly held = new Map<string, Held>();

  constructor(
    alarms: ReadonlyArray<{ readonly name: string; readonly kind: 'metric' | 'composite' }>,
    private readonly arnOf: (name: string) => string,
    atMs: number,
  ) {
    // CloudWatch creates an alarm INSUFFICIENT_DATA and evaluates it at once; the rehearsal starts each world healthy.
    for (const a of alarms) this.held.set(a.name, { kind: a.kind, state: 'OK', reason: 'Created by the rehearsal', updatedAtMs: atMs });
  }

  /** Sets alarm `name`'s state, as SetAlarmState or an evaluation would; an unknown name throws ResourceNotFound, as CloudWatch does. */
  set(name: string, state: AlarmState, reason: string, atMs: number): void {
    const a = this.held.get(name);
    if (!a) throw Object.assign(new Error(`Alarm ${name} not found`), { name: 'ResourceNotFound' });
    if (a.state === state) return;
    Object.assign(a, { state, reason: reason.slice(0, 1023), updatedAtMs: atMs });
  }

  describe(input: DescribeAlarmsCommandInput): DescribeAlarmsCommandOutput {
    const asked = Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k);
    const unanswered = asked.filter((k) => !ANSWERED.has(k));
    if (unanswered.length > 0) throw new Error(`The rehearsal's DescribeAlarms stand-in (rehearsal/alarm-states.ts) does not answer ${unanswered.join(', ')}; add them there`);
    const names = input.AlarmNames;
    if (names && names.length > 100) throw Object.assign(new Error('AlarmNames: at most 100 names'), { name: 'InvalidParameterValue' });
    const max = input.MaxRecords ?? 50;
    if (max < 1 || max > 100) throw Object.assign(new Error('MaxRecords: 1 to 100'), { name: 'InvalidParameterValue' });
    const types = new Set(input.AlarmTypes ?? ['MetricAlarm']);
    const matching = [...this.held].filter(([name, a]) => (!names || names.includes(name)) && types.has(a.kind === 'metric' ? 'MetricAlarm' : 'CompositeAlarm'));
    const from = input.NextToken ? Number(input.NextToken) : 0;
    if (!Number.isInteger(from) || from < 0 || from > matching.length) throw Object.assign(new Error('NextToken: not one this call returned'), { name: 'InvalidNextToken' });
    const page = matching.slice(from, from + max);
    const described = (name: string, a: Held) => ({ AlarmName: name, AlarmArn: this.arnOf(name), StateValue: a.state, StateReason: a.reason, StateUpdatedTimestamp: new Date(a.updatedAtMs) });
    return {
      MetricAlarms: page.filter(([, a]) => a.kind === 'metric').map(([n, a]) => described(n, a) as MetricAlarm),
      CompositeAlarms: page.filter(([, a]) => a.kind === 'composite').map(([n, a]) => described(n, a) as CompositeAlarm),
      NextToken: from + max < matching.length ? String(from + max) : undefined,
      $metadata: {},
    };
  }
}
