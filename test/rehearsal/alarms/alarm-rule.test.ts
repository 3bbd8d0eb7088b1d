import fc from 'fast-check';
import { AlarmRuleError, AlarmState, alarmNameOf, evaluateAlarmRule, formatAlarmRule, parseAlarmRule, RuleExpr, ruleAlarms } from '../../../rehearsal/alarms/alarm-rule';

const alarm = (name: string, state: AlarmState = 'ALARM'): RuleExpr => ({ kind: 'state', state, alarm: name });
const and = (left: RuleExpr, right: RuleExpr): RuleExpr => ({ kind: 'and', left, right });
const or = (left: RuleExpr, right: RuleExpr): RuleExpr => ({ kind: 'or', left, right });
const not = (operand: RuleExpr): RuleExpr => ({ kind: 'not', operand });

function ruleError(text: string): AlarmRuleError {
  try {
    parseAlarmRule(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AlarmRuleError);
    return e as AlarmRuleError;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseAlarmRule: the guide\'s examples', () => {
  it('ALARM(a) AND ALARM(b), names unquoted', () => {
    expect(parseAlarmRule('ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)')).toEqual(and(alarm('CPUUtilizationTooHigh'), alarm('DiskReadOpsTooHigh')));
  });
  it('AND NOT', () => {
    expect(parseAlarmRule('ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)')).toEqual(and(alarm('CPUUtilizationTooHigh'), not(alarm('DeploymentInProgress'))));
  });
  it('parentheses, quoted names, OK(), across lines', () => {
    expect(parseAlarmRule('(ALARM("CPUUtilizationTooHigh") OR \n ALARM("DiskReadOpsTooHigh")) AND \n OK("NetworkOutTooHigh")')).toEqual(
      and(or(alarm('CPUUtilizationTooHigh'), alarm('DiskReadOpsTooHigh')), alarm('NetworkOutTooHigh', 'OK')),
    );
  });
  it('TRUE, FALSE and INSUFFICIENT_DATA, keywords in any case', () => {
    expect(parseAlarmRule('INSUFFICIENT_DATA(x) OR TRUE')).toEqual(or(alarm('x', 'INSUFFICIENT_DATA'), { kind: 'const', value: true }));
    expect(parseAlarmRule('False')).toEqual({ kind: 'const', value: false });
    expect(parseAlarmRule('alarm(a) and not ok(b)')).toEqual(and(alarm('a'), not(alarm('b', 'OK'))));
  });
});

describe('parseAlarmRule: names and ARNs', () => {
  it('an ARN is reduced to the alarm name, quoted or not, in any partition', () => {
    expect(parseAlarmRule('ALARM("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:switchyard-blue-5xx")')).toEqual(alarm('switchyard-blue-5xx'));
    expect(parseAlarmRule('OK(arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a:b)')).toEqual(alarm('a:b', 'OK'));
    expect(alarmNameOf('arn:aws:sns:eu-west-1:123456789012:alarm:x')).toBe('arn:aws:sns:eu-west-1:123456789012:alarm:x');
  });
  it('the rule CDK synthesizes for anyOf(...) of two alarms', () => {
    const rule = parseAlarmRule('(ALARM("arn:aws:cloudwatch:us-east-1:111111111111:alarm:svc-5xx") OR ALARM("arn:aws:cloudwatch:us-east-1:111111111111:alarm:svc-latency"))');
    expect(ruleAlarms(rule)).toEqual(['svc-5xx', 'svc-latency']);
  });
  it('unquoted names keep inner spaces and lose the outer ones; quoted names keep everything, with backslash escapes', () => {
    expect(parseAlarmRule('ALARM(  my alarm  )')).toEqual(alarm('my alarm'));
    expect(parseAlarmRule('ALARM(" padded (x) ")')).toEqual(alarm(' padded (x) '));
    expect(parseAlarmRule('ALARM("say \\"hi\\"")')).toEqual(alarm('say "hi"'));
  });
});

describe('parseAlarmRule: precedence', () => {
  it('NOT binds tighter than AND, AND tighter than OR', () => {
    expect(parseAlarmRule('ALARM(a) OR ALARM(b) AND NOT ALARM(c)')).toEqual(or(alarm('a'), and(alarm('b'), not(alarm('c')))));
    expect(parseAlarmRule('NOT ALARM(a) AND ALARM(b)')).toEqual(and(not(alarm('a')), alarm('b')));
    expect(parseAlarmRule('NOT (ALARM(a) AND ALARM(b))')).toEqual(not(and(alarm('a'), alarm('b'))));
    expect(parseAlarmRule('NOT NOT TRUE')).toEqual(not(not({ kind: 'const', value: true })));
  });
});

describe('parseAlarmRule: errors say what and where', () => {
  it.each([
    ['', 'empty rule at 0'],
    ['ALARM(a) AND', 'unexpected end of rule at 12'],
    ['ALARM()', 'ALARM() needs an alarm name or ARN at 6'],
    ['ALARM("a', 'unterminated alarm name at 6'],
    ['ALARM(a', 'expected ")" to close ALARM( but found end of rule at 7'],
    ['ALARM a', 'expected "(" after ALARM but found "a" at 6'],
    ['(ALARM(a)', 'expected ")" to close "(" at 0 but found end of rule at 9'],
    ['ALARM(a) ALARM(b)', 'unexpected "ALARM" at 9'],
    ['ALARM(a) XOR ALARM(b)', 'unexpected "XOR" at 9'],
    ['WARN(a)', 'unknown function or keyword "WARN" (expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or "(") at 0'],
    ['ALARM(f(x))', '"(" in an unquoted alarm name; quote the name at 7'],
    ['ALARM(a) && ALARM(b)', 'unexpected "&" at 9'],
  ])('%j → %s', (text, message) => {
    const e = ruleError(text);
    expect(e.message).toBe(message);
    expect(e.name).toBe('AlarmRuleError');
  });
});

describe('ruleAlarms and evaluateAlarmRule', () => {
  it('lists each alarm once, in order', () => {
    expect(ruleAlarms(parseAlarmRule('ALARM(b) OR (OK(a) AND NOT INSUFFICIENT_DATA(b)) OR TRUE'))).toEqual(['b', 'a']);
    expect(ruleAlarms(parseAlarmRule('FALSE'))).toEqual([]);
  });
  it('each state function matches only its own state', () => {
    const states: AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
    for (const fn of states) {
      for (const actual of states) expect(evaluateAlarmRule(alarm('x', fn), () => actual)).toBe(fn === actual);
    }
  });
  it('the guide\'s noise-reduction rule: ALARM only when CPU is high and no deployment runs', () => {
    const rule = parseAlarmRule('ALARM(cpu) AND NOT ALARM(deploying)');
    const states = (cpu: AlarmState, deploying: AlarmState) => (name: string) => (name === 'cpu' ? cpu : deploying);
    expect(evaluateAlarmRule(rule, states('ALARM', 'OK'))).toBe(true);
    expect(evaluateAlarmRule(rule, states('ALARM', 'ALARM'))).toBe(false);
    expect(evaluateAlarmRule(rule, states('ALARM', 'INSUFFICIENT_DATA'))).toBe(true);
    expect(evaluateAlarmRule(rule, states('OK', 'OK'))).toBe(false);
  });
});

// ---- properties -------------------------------------------------------------

const nameArb = fc.constantFrom('a', 'b', 'c', 'svc-5xx', 'with space', 'q"uote', 'back\\slash', '(paren)');
const stateArb = fc.constantFrom<AlarmState>('OK', 'ALARM', 'INSUFFICIENT_DATA');
const ruleArb: fc.Arbitrary<RuleExpr> = fc.letrec<{ rule: RuleExpr }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('state' as const), state: stateArb, alarm: nameArb }),
    fc.boolean().map((value): RuleExpr => ({ kind: 'const', value })),
    tie('rule').map(not),
    fc.tuple(tie('rule'), tie('rule')).map(([l, r]) => and(l, r)),
    fc.tuple(tie('rule'), tie('rule')).map(([l, r]) => or(l, r)),
  ),
})).rule;
const worldArb = fc.record({ a: stateArb, b: stateArb, c: stateArb, other: stateArb });
const lookup = (w: { a: AlarmState; b: AlarmState; c: AlarmState; other: AlarmState }) => (name: string): AlarmState =>
  name === 'a' ? w.a : name === 'b' ? w.b : name === 'c' ? w.c : w.other;

describe('properties', () => {
  it('formatting any rule and parsing it back gives the same rule', () => {
    fc.assert(fc.property(ruleArb, (r) => expect(parseAlarmRule(formatAlarmRule(r))).toEqual(r)), { numRuns: 500 });
  });
  it('De Morgan: NOT (x AND y) == NOT x OR NOT y, and NOT (x OR y) == NOT x AND NOT y, as parsed text', () => {
    fc.assert(
      fc.property(ruleArb, ruleArb, worldArb, (x, y, world) => {
        const [fx, fy] = [formatAlarmRule(x), formatAlarmRule(y)];
        const ev = (text: string) => evaluateAlarmRule(parseAlarmRule(text), lookup(world));
        expect(ev(`NOT ((${fx}) AND (${fy}))`)).toBe(ev(`NOT (${fx}) OR NOT (${fy})`));
        expect(ev(`NOT ((${fx}) OR (${fy}))`)).toBe(ev(`NOT (${fx}) AND NOT (${fy})`));
      }),
    );
  });
  it('an unparenthesised chain means what NOT > AND > OR says: a OR b AND c == a OR (b AND c)', () => {
    fc.assert(
      fc.property(ruleArb, ruleArb, ruleArb, worldArb, (x, y, z, world) => {
        const [fx, fy, fz] = [x, y, z].map((r) => `(${formatAlarmRule(r)})`);
        const ev = (text: string) => evaluateAlarmRule(parseAlarmRule(text), lookup(world));
        expect(ev(`${fx} OR ${fy} AND ${fz}`)).toBe(ev(`${fx} OR (${fy} AND ${fz})`));
      }),
    );
  });
  it('a rule depends only on the alarms ruleAlarms lists', () => {
    fc.assert(
      fc.property(ruleArb, worldArb, stateArb, (r, world, flipped) => {
        const listed = new Set(ruleAlarms(r));
        const base = lookup(world);
        const changed = (name: string) => (listed.has(name) ? base(name) : flipped);
        expect(evaluateAlarmRule(r, changed)).toBe(evaluateAlarmRule(r, base));
      }),
    );
  });
});
