import { AlarmEvent, EventDelivery, matches, UnsupportedEventPattern } from '../../../rehearsal/alarms/deliver';
import { AlarmChange } from '../../../rehearsal/alarms/engine';
import { EventRuleDef, EventRuleTarget } from '../../../rehearsal/alarms/template';

// Edges of EventBridge matching and Lambda's retries that deliver.test.ts leaves
// out: each numeric comparison, operators over lists with a non-string element,
// null in patterns and events, a third retry, an event exactly at its maximum age.
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const HANDLER = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-handler';
const env = { account: '123456789012', region: 'eu-west-1' };
const target = (t: Partial<EventRuleTarget> = {}): EventRuleTarget => ({ arn: HANDLER, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400, hasInputTransformer: false, ...t });
const rule = (pattern: Record<string, unknown>, targets: EventRuleTarget[] = [target()]): EventRuleDef => ({ logicalId: 'R', path: 'Control/R', pattern, enabled: true, targets });
const change: AlarmChange = { atMs: T0, alarm: 'shop-rollback', kind: 'composite', from: 'OK', to: 'ALARM', reason: 'rule is true' };
const failing = () =>
  jest.fn(async (_arn: string, _e: AlarmEvent): Promise<unknown> => {
    throw new Error('boom');
  });

describe('matches', () => {
  it.each([
    ['<', 8, true],
    ['<', 7, false],
    ['<=', 7, true],
    ['<=', 6, false],
    ['>', 6, true],
    ['>', 7, false],
    ['>=', 7, true],
    ['>=', 8, false],
    ['=', 7, true],
    ['=', 8, false],
    ['!', 7, false],
  ])('numeric %s %d on 7 is %s', (cmp, n, want) => {
    expect(matches({ count: [{ numeric: [cmp, n] }] }, { count: 7 })).toBe(want);
  });

  it('numeric compares numbers only, not numeric strings', () => {
    expect(matches({ count: [{ numeric: ['>', 50] }] }, { count: '100' })).toBe(false);
  });

  it('over a list-valued field, one element satisfying the operator is enough', () => {
    const event = { items: ['arn:x', 5, 100] };
    expect(matches({ items: [{ numeric: ['>', 50] }] }, event)).toBe(true);
    expect(matches({ items: [{ prefix: 'arn:' }] }, event)).toBe(true);
    expect(matches({ items: [{ suffix: ':x' }] }, event)).toBe(true);
    expect(matches({ items: [{ 'equals-ignore-case': 'ARN:X' }] }, event)).toBe(true);
  });

  it('string operators do not match a number', () => {
    expect(matches({ count: [{ prefix: '7' }] }, { count: 7 })).toBe(false);
    expect(matches({ count: [{ suffix: '7' }] }, { count: 7 })).toBe(false);
    expect(matches({ count: [{ 'equals-ignore-case': '7' }] }, { count: 7 })).toBe(false);
  });

  it('anything-but a single value excludes that value', () => {
    expect(matches({ state: [{ 'anything-but': 'ALARM' }] }, { state: 'ALARM' })).toBe(false);
    expect(matches({ state: [{ 'anything-but': 'ALARM' }] }, { state: 'OK' })).toBe(true);
  });

  it('an object pattern does not match null, a string, or a missing field, even an empty one', () => {
    expect(matches({ detail: { state: ['ALARM'] } }, { detail: null })).toBe(false);
    expect(matches({ detail: {} }, { detail: 'x' })).toBe(false);
    expect(matches({ detail: {} }, {})).toBe(false);
    expect(matches({ detail: {} }, { detail: {} })).toBe(true);
  });

  it('an operator it does not model is refused when met', () => {
    expect(() => matches({ k: [{ wildcard: 'x*' }] }, { k: 'xy' })).toThrow(new UnsupportedEventPattern('pattern operator wildcard is not modelled'));
    expect(new UnsupportedEventPattern('x').name).toBe('UnsupportedEventPattern');
  });
});

describe('patterns checked when the delivery is built', () => {
  const build = (pattern: Record<string, unknown>) => () => new EventDelivery([rule(pattern)], async () => undefined, env);

  it('accepts null as a literal, also inside anything-but', () => {
    expect(build({ detail: { empty: [null] } })).not.toThrow();
    expect(build({ detail: { empty: [{ 'anything-but': [null, 'x'] }] } })).not.toThrow();
  });

  it('refuses a nested operator anywhere in an operator\'s list', () => {
    expect(build({ k: [{ 'anything-but': ['a', { prefix: 'b' }] }] })).toThrow('rule R (Control/R): a nested operator in anything-but on "k" is not modelled');
  });

  it('names every unmodelled operator of an item', () => {
    expect(build({ k: [{ wildcard: 'x', cidr: 'y' }] })).toThrow('rule R (Control/R): pattern operator wildcard, cidr on "k" is not modelled');
  });

  it('refuses null where a list or an object belongs', () => {
    expect(build({ k: null })).toThrow(new UnsupportedEventPattern('rule R (Control/R): pattern value of "k" must be a list or an object, EventBridge refuses null'));
  });
});

describe('EventDelivery', () => {
  it('numbers its events and gives an empty previous reason by default', () => {
    const d = new EventDelivery([], async () => undefined, env);
    const e = d.eventFor(change);
    expect(e.id).toBe(`rehearsal-${T0}-1`);
    expect(e.detail.previousState.reason).toBe('');
    expect(d.eventFor(change).id).toBe(`rehearsal-${T0}-2`);
  });

  it('a third retry waits 120 s again', async () => {
    const invoke = failing();
    const d = new EventDelivery([rule({ source: ['aws.cloudwatch'] })], invoke, { ...env, lambdaRetries: () => 3 });
    d.publish(d.eventFor(change), T0);
    for (const t of [0, 60_000, 180_000, 299_999, 300_000]) await d.flush(T0 + t);
    expect(d.log.map((l) => [l.atMs - T0, l.attempt, l.dropped])).toEqual([
      [0, 1, false],
      [60_000, 2, false],
      [180_000, 3, false],
      [300_000, 4, true],
    ]);
  });

  it('a retry due exactly at the maximum event age is still made', async () => {
    const invoke = failing();
    const d = new EventDelivery([rule({ source: ['aws.cloudwatch'] }, [target({ asyncInvoke: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60 } })])], invoke, env);
    d.publish(d.eventFor(change), T0);
    for (const t of [0, 60_000, 180_000]) await d.flush(T0 + t);
    expect(d.log.map((l) => [l.atMs - T0, l.attempt, l.dropped])).toEqual([
      [0, 1, false],
      [60_000, 2, true],
    ]);
  });
});
