import fc from 'fast-check';
import { AlarmEvent, EventDelivery, matches, UnsupportedEventPattern } from '../../../rehearsal/alarms/deliver';
import { AlarmChange } from '../../../rehearsal/alarms/engine';
import { EventRuleDef, EventRuleTarget } from '../../../rehearsal/alarms/template';

const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const HANDLER = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-alarm-handler';
const OTHER = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-other';
const env = { account: '123456789012', region: 'eu-west-1' };

const target = (arn: string, t: Partial<EventRuleTarget> = {}): EventRuleTarget => ({ arn, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400, hasInputTransformer: false, ...t });
const rule = (logicalId: string, pattern: Record<string, unknown>, targets: EventRuleTarget[], enabled = true): EventRuleDef => ({ logicalId, path: `Control/${logicalId}/Resource`, pattern, enabled, targets });
const rollbackPattern = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: ['shop-dev-blue-rollback', 'shop-dev-green-rollback'], state: { value: ['ALARM'] } },
};
const change = (alarm: string, to: AlarmChange['to'] = 'ALARM', atMs = T0): AlarmChange => ({ atMs, alarm, kind: 'composite', from: 'OK', to, reason: `rule is ${to === 'ALARM'}` });

describe('matches: EventBridge patterns', () => {
  const event = {
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-dev-blue-rollback', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other'],
    detail: { alarmName: 'shop-dev-blue-rollback', state: { value: 'ALARM' }, count: 7, empty: null },
  };

  it.each([
    ['a literal list (any item)', { source: ['aws.ec2', 'aws.cloudwatch'] }, true],
    ['a literal list no item of which matches', { source: ['aws.ec2'] }, false],
    ['nested objects', { detail: { state: { value: ['ALARM'] } } }, true],
    ['nested objects, wrong leaf', { detail: { state: { value: ['OK'] } } }, false],
    ['a key the event lacks', { detail: { severity: ['high'] } }, false],
    ['an object the event lacks', { requestParameters: { name: ['x'] } }, false],
    ['an object pattern over a scalar field', { source: { value: ['x'] } }, false],
    ['every key must match (and)', { source: ['aws.cloudwatch'], detail: { alarmName: ['other'] } }, false],
    ['prefix', { detail: { alarmName: [{ prefix: 'shop-dev-' }] } }, true],
    ['prefix, no match', { detail: { alarmName: [{ prefix: 'shop-prod-' }] } }, false],
    ['suffix', { detail: { alarmName: [{ suffix: '-rollback' }] } }, true],
    ['suffix, no match', { detail: { alarmName: [{ suffix: '-warning' }] } }, false],
    ['anything-but a value', { detail: { state: { value: [{ 'anything-but': 'OK' }] } } }, true],
    ['anything-but the value', { detail: { state: { value: [{ 'anything-but': ['OK', 'ALARM'] }] } } }, false],
    ['anything-but on a missing key', { detail: { severity: [{ 'anything-but': 'low' }] } }, false],
    ['exists: true on a present key', { detail: { alarmName: [{ exists: true }] } }, true],
    ['exists: true on a missing key', { detail: { severity: [{ exists: true }] } }, false],
    ['exists: false on a missing key', { detail: { severity: [{ exists: false }] } }, true],
    ['exists: false on a present key', { detail: { alarmName: [{ exists: false }] } }, false],
    ['equals-ignore-case', { detail: { state: { value: [{ 'equals-ignore-case': 'alarm' }] } } }, true],
    ['equals-ignore-case, no match', { detail: { state: { value: [{ 'equals-ignore-case': 'ok' }] } } }, false],
    ['numeric range', { detail: { count: [{ numeric: ['>', 0, '<=', 7] }] } }, true],
    ['numeric range, out of it', { detail: { count: [{ numeric: ['>', 7] }] } }, false],
    ['numeric equality', { detail: { count: [{ numeric: ['=', 7] }] } }, true],
    ['numeric on a string', { source: [{ numeric: ['>', 0] }] }, false],
    ['null literal', { detail: { empty: [null] } }, true],
    ['a list-valued field: any element', { resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other'] }, true],
    ['a list-valued field: no element', { resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:nope'] }, false],
    ['a list-valued field: prefix of an element', { resources: [{ prefix: 'arn:aws:cloudwatch:' }] }, true],
    ['one of several list items is an operator', { source: ['aws.ec2', { prefix: 'aws.cloud' }] }, true],
    ['anything-but on a list-valued field: one element outside is enough', { resources: [{ 'anything-but': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other' }] }, true],
  ])('%s', (_title, pattern, want) => {
    expect(matches(pattern as Record<string, unknown>, event)).toBe(want);
  });

  it('anything-but on a list-valued field fails only when every element is excluded', () => {
    expect(matches({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: [{ 'anything-but': ['a', 'b'] }] }, { tags: ['a', 'b'] })).toBe(false);
  });

  it('the empty pattern matches every event', () => {
    expect(matches({}, event)).toBe(true);
  });

  it('a literal list matches exactly when it holds the field\'s value (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 5 }), (value, list) => {
        expect(matches({ detail: { alarmName: list } }, { detail: { alarmName: value } })).toBe(list.includes(value));
      }),
    );
  });

  it('prefix matches exactly the strings starting with it (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, prefix) => {
        expect(matches({ k: [{ prefix }] }, { k: value })).toBe(value.startsWith(prefix));
      }),
    );
  });
});

describe('EventDelivery', () => {
  const rules = () => [
    rule('AlarmRollbackRule', rollbackPattern, [target(HANDLER)]),
    rule('DisabledRule', { source: ['aws.cloudwatch'] }, [target(OTHER)], false),
    rule('WarningRule', { detail: { alarmName: [{ suffix: '-warning' }] } }, [target(OTHER)]),
    { logicalId: 'Schedule', schedule: 'rate(1 minute)', enabled: true, targets: [target(OTHER)] } as EventRuleDef,
  ];

  it('makes the CloudWatch Alarm State Change event of a state change', () => {
    const d = new EventDelivery([], async () => undefined, env);
    const e = d.eventFor(change('shop-dev-blue-rollback'), 'was fine', 'Roll blue back');
    expect(e).toMatchObject({
      version: '0',
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      account: '123456789012',
      region: 'eu-west-1',
      time: new Date(T0).toISOString(),
      resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-dev-blue-rollback'],
      detail: { alarmName: 'shop-dev-blue-rollback', state: { value: 'ALARM', reason: 'rule is true' }, previousState: { value: 'OK', reason: 'was fine' }, configuration: { description: 'Roll blue back' } },
    });
    expect(d.eventFor(change('x')).id).not.toBe(e.id);
  });

  it('publish → flush invokes the targets of matching enabled rules only, once each', async () => {
    const invoke = jest.fn(async (_arn: string, _e: AlarmEvent) => ({ rolledBack: true }));
    const d = new EventDelivery(rules(), invoke, env);
    const e = d.eventFor(change('shop-dev-blue-rollback'));
    expect(d.publish(e, T0)).toEqual(['AlarmRollbackRule']);
    expect(invoke).not.toHaveBeenCalled();
    expect(d.waiting).toBe(1);
    await d.flush(T0);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith(HANDLER, e);
    expect(d.log).toEqual([expect.objectContaining({ atMs: T0, rule: 'AlarmRollbackRule', target: HANDLER, eventId: e.id, alarm: 'shop-dev-blue-rollback', attempt: 1, ok: true, result: { rolledBack: true } })]);
    expect(d.waiting).toBe(0);
    await d.flush(T0 + 600_000);
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('does not deliver an event no enabled rule matches', async () => {
    const invoke = jest.fn(async () => undefined);
    const d = new EventDelivery(rules(), invoke, env);
    // The rollback alarm back to OK, and a third alarm in ALARM.
    expect(d.publish(d.eventFor(change('shop-dev-blue-rollback', 'OK')), T0)).toEqual([]);
    expect(d.publish(d.eventFor(change('shop-dev-blue-cpu')), T0)).toEqual([]);
    await d.flush(T0);
    expect(invoke).not.toHaveBeenCalled();
    expect(d.log).toEqual([]);
  });

  it('delivers to every target of every matching rule', async () => {
    const invoke = jest.fn(async (_arn: string, _e: AlarmEvent) => undefined);
    const d = new EventDelivery([rule('Both', { source: ['aws.cloudwatch'] }, [target(HANDLER), target(OTHER)]), rule('Warn', { detail: { alarmName: [{ suffix: '-warning' }] } }, [target(OTHER)])], invoke, env);
    expect(d.publish(d.eventFor(change('shop-dev-blue-error-rate-warning')), T0)).toEqual(['Both', 'Warn']);
    await d.flush(T0);
    expect(invoke.mock.calls.map((c) => c[0])).toEqual([HANDLER, OTHER, OTHER]);
  });

  it('does not deliver before the event is due', async () => {
    const invoke = jest.fn(async () => undefined);
    const d = new EventDelivery(rules(), invoke, env);
    d.publish(d.eventFor(change('shop-dev-green-rollback')), T0 + 1000);
    await d.flush(T0);
    expect(invoke).not.toHaveBeenCalled();
    await d.flush(T0 + 1000);
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('retries a function error after 60 s, then 120 s, and drops the event after two retries', async () => {
    const invoke = jest.fn(async () => {
      throw new TypeError('handler blew up');
    });
    const d = new EventDelivery(rules(), invoke, env);
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    await d.flush(T0);
    expect(invoke).toHaveBeenCalledTimes(1);
    await d.flush(T0 + 59_999);
    expect(invoke).toHaveBeenCalledTimes(1);
    await d.flush(T0 + 60_000);
    expect(invoke).toHaveBeenCalledTimes(2);
    await d.flush(T0 + 60_000 + 119_999);
    expect(invoke).toHaveBeenCalledTimes(2);
    await d.flush(T0 + 180_000);
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(d.waiting).toBe(0);
    await d.flush(T0 + 3_600_000);
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(d.log.map((l) => [l.atMs - T0, l.attempt, l.ok, l.dropped])).toEqual([
      [0, 1, false, false],
      [60_000, 2, false, false],
      [180_000, 3, false, true],
    ]);
    expect(d.log[2].error).toBe('TypeError: handler blew up');
  });

  it('a retry that succeeds ends the retries', async () => {
    let calls = 0;
    const d = new EventDelivery(rules(), async () => {
      if (++calls === 1) throw new Error('cold start');
      return 'ok';
    }, env);
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    await d.flush(T0);
    await d.flush(T0 + 60_000);
    await d.flush(T0 + 600_000);
    expect(calls).toBe(2);
    expect(d.log.map((l) => [l.attempt, l.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('follows a function\'s own retry setting (0: dropped at the first failure)', async () => {
    const invoke = jest.fn(async () => {
      throw new Error('no');
    });
    const d = new EventDelivery(rules(), invoke, { ...env, lambdaRetries: () => 0 });
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    await d.flush(T0);
    await d.flush(T0 + 600_000);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(d.log.map((l) => l.dropped)).toEqual([true]);
  });

  const CRITICAL = 'arn:aws:sns:eu-west-1:123456789012:shop-dev-critical';
  const failing = () => jest.fn(async () => {
    throw new Error('rollback failed');
  });

  it('with an on-failure destination, an event whose retries ran out is paged, not dropped', async () => {
    const invoke = failing();
    const d = new EventDelivery([rule('AlarmRule', rollbackPattern, [target(HANDLER, { asyncInvoke: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, onFailure: CRITICAL } })])], invoke, env);
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    for (const t of [0, 60_000, 180_000, 3_600_000]) await d.flush(T0 + t);
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(d.log.map((l) => [l.atMs - T0, l.attempt, l.dropped, l.paged])).toEqual([
      [0, 1, false, undefined],
      [60_000, 2, false, undefined],
      [180_000, 3, false, CRITICAL],
    ]);
  });

  it('a retry that would come after the maximum event age is not made: the event goes to the destination then', async () => {
    const invoke = failing();
    // 90 s: the first retry (at 60 s) is made, the second (at 180 s) would be too old.
    const d = new EventDelivery([rule('AlarmRule', rollbackPattern, [target(HANDLER, { asyncInvoke: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 90, onFailure: CRITICAL } })])], invoke, env);
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    for (const t of [0, 60_000, 180_000, 3_600_000]) await d.flush(T0 + t);
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(d.log.map((l) => [l.attempt, l.dropped, l.paged])).toEqual([[1, false, undefined], [2, false, CRITICAL]]);
  });

  it('the template\'s retry setting wins over the lambdaRetries option; without a destination the event is still dropped', async () => {
    const invoke = failing();
    const d = new EventDelivery([rule('AlarmRule', rollbackPattern, [target(HANDLER, { asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 21_600 } })])], invoke, { ...env, lambdaRetries: () => 2 });
    d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0);
    await d.flush(T0 + 600_000);
    expect(d.log.map((l) => [l.attempt, l.dropped, l.paged])).toEqual([[1, true, undefined]]);
  });

  it.each([
    ['wildcard', { detail: { alarmName: [{ wildcard: 'shop-*' }] } }],
    ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }],
  ])('refuses the unmodelled operator %s when built, naming the rule', (op, pattern) => {
    const f = () => new EventDelivery([rule('OddRule', pattern, [target(HANDLER)])], async () => undefined, env);
    expect(f).toThrow(UnsupportedEventPattern);
    expect(f).toThrow(`rule OddRule (Control/OddRule/Resource): pattern operator ${op}`);
  });

  it.each([
    ['anything-but', { detail: { alarmName: [{ 'anything-but': { prefix: 'shop-' } }] } }],
    ['prefix', { detail: { alarmName: [{ prefix: { 'equals-ignore-case': 'shop-' } }] } }],
  ])('refuses an operator nested in %s when built, naming the rule', (op, pattern) => {
    expect(() => new EventDelivery([rule('NestedRule', pattern, [target(HANDLER)])], async () => undefined, env)).toThrow(`rule NestedRule (Control/NestedRule/Resource): a nested operator in ${op}`);
  });

  it('refuses a scalar where a pattern needs a list, naming the rule', () => {
    expect(() => new EventDelivery([rule('ScalarRule', { source: 'aws.cloudwatch' }, [target(HANDLER)])], async () => undefined, env)).toThrow(/rule ScalarRule .*pattern value of "source" must be a list or an object/);
  });

  it('refuses to deliver through an input transformer, naming the rule and the target', () => {
    const d = new EventDelivery([rule('TransformRule', rollbackPattern, [target(HANDLER, { hasInputTransformer: true })])], async () => undefined, env);
    expect(() => d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0)).toThrow(UnsupportedEventPattern);
    expect(() => d.publish(d.eventFor(change('shop-dev-blue-rollback')), T0)).toThrow(`rule TransformRule (Control/TransformRule/Resource): an input transformer or input path on target ${HANDLER} is not modelled`);
  });
});
