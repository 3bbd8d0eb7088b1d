/**
 * Composite alarm rules (PutCompositeAlarm's AlarmRule): a recursive-descent
 * parser and an evaluator.
 *
 * Documented syntax: ALARM(x), OK(x), INSUFFICIENT_DATA(x), TRUE, FALSE, the
 * operators AND, OR, NOT, and parentheses; x is an alarm name or ARN, with or
 * without double quotes. The guide gives no precedence between AND and OR;
 * this parser uses the usual NOT > AND > OR (CDK's AlarmRule always
 * parenthesises, so synthesized rules do not depend on it). Keywords are read
 * case-insensitively (the guide itself writes `False` once).
 *
 *   or      := and ("OR" and)*
 *   and     := not ("AND" not)*
 *   not     := "NOT" not | primary
 *   primary := "TRUE" | "FALSE" | STATE "(" alarm ")" | "(" or ")"
 *   alarm   := '"' chars '"' | chars up to the closing ")"
 */
import type { AlarmState } from './state';

export type { AlarmState } from './state';

export type RuleExpr =
  | { kind: 'state'; state: AlarmState; alarm: string }
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; operand: RuleExpr }
  | { kind: 'and' | 'or'; left: RuleExpr; right: RuleExpr };

export class AlarmRuleError extends Error {
  override name = 'AlarmRuleError';
  /** 0-based character offset in the rule text where the problem starts. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at ${position}`);
    this.position = position;
  }
}

const STATE_FUNCTIONS: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];
const ALARM_ARN = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/;

/** The alarm name an AlarmRule argument refers to: the name itself, or the name inside a CloudWatch alarm ARN. */
export function alarmNameOf(nameOrArn: string): string {
  return ALARM_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
}

class RuleParser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): RuleExpr {
    this.skipSpace();
    if (this.i >= this.text.length) throw new AlarmRuleError('empty rule', 0);
    const rule = this.parseOr();
    this.skipSpace();
    if (this.i < this.text.length) throw new AlarmRuleError(`unexpected ${this.describeHere()}`, this.i);
    return rule;
  }

  private skipSpace(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  /** The keyword at the cursor (letters and underscores), upper-cased, without consuming it. */
  private peekWord(): { word: string; start: number; end: number } | undefined {
    this.skipSpace();
    let end = this.i;
    while (end < this.text.length && /[A-Za-z_]/.test(this.text[end])) end++;
    if (end === this.i) return undefined;
    return { word: this.text.slice(this.i, end).toUpperCase(), start: this.i, end };
  }

  private acceptWord(word: string): boolean {
    const w = this.peekWord();
    if (w?.word !== word) return false;
    this.i = w.end;
    return true;
  }

  private describeHere(): string {
    if (this.i >= this.text.length) return 'end of rule';
    const w = this.peekWord();
    return w ? `"${this.text.slice(w.start, w.end)}"` : `"${this.text[this.i]}"`;
  }

  private expect(ch: string, context: string): void {
    this.skipSpace();
    if (this.text[this.i] !== ch) throw new AlarmRuleError(`expected "${ch}" ${context} but found ${this.describeHere()}`, this.i);
    this.i++;
  }

  private parseOr(): RuleExpr {
    let left = this.parseAnd();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): RuleExpr {
    let left = this.parseNot();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): RuleExpr {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.parseNot() };
    return this.parsePrimary();
  }

  private parsePrimary(): RuleExpr {
    this.skipSpace();
    const start = this.i;
    if (this.text[this.i] === '(') {
      this.i++;
      const inner = this.parseOr();
      this.expect(')', `to close "(" at ${start}`);
      return inner;
    }
    const w = this.peekWord();
    if (w?.word === 'TRUE' || w?.word === 'FALSE') {
      this.i = w.end;
      return { kind: 'const', value: w.word === 'TRUE' };
    }
    if (w && (STATE_FUNCTIONS as readonly string[]).includes(w.word)) {
      this.i = w.end;
      this.expect('(', `after ${w.word}`);
      const alarm = this.parseAlarm(w.word);
      this.expect(')', `to close ${w.word}(`);
      return { kind: 'state', state: w.word as AlarmState, alarm };
    }
    if (this.i >= this.text.length) throw new AlarmRuleError('unexpected end of rule', this.i);
    if (w) throw new AlarmRuleError(`unknown function or keyword "${this.text.slice(w.start, w.end)}" (expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or "(")`, w.start);
    throw new AlarmRuleError(`unexpected ${this.describeHere()}`, this.i);
  }

  private parseAlarm(fn: string): string {
    this.skipSpace();
    const start = this.i;
    let raw = '';
    if (this.text[this.i] === '"') {
      this.i++;
      for (;;) {
        if (this.i >= this.text.length) throw new AlarmRuleError('unterminated alarm name', start);
        const c = this.text[this.i++];
        if (c === '"') break;
        if (c === '\\' && this.i < this.text.length) raw += this.text[this.i++];
        else raw += c;
      }
    } else {
      while (this.i < this.text.length && this.text[this.i] !== ')' && this.text[this.i] !== '(') raw += this.text[this.i++];
      raw = raw.trim();
      if (this.text[this.i] === '(') throw new AlarmRuleError(`"(" in an unquoted alarm name; quote the name`, this.i);
    }
    if (raw === '') throw new AlarmRuleError(`${fn}() needs an alarm name or ARN`, start);
    return alarmNameOf(raw);
  }
}

/** Parses a composite alarm's AlarmRule. Alarm ARNs are reduced to the alarm name. Throws AlarmRuleError. */
export function parseAlarmRule(text: string): RuleExpr {
  return new RuleParser(text).parse();
}

/** The alarm names the rule refers to, each once, in order of first appearance. */
export function ruleAlarms(r: RuleExpr): string[] {
  const seen = new Set<string>();
  const visit = (n: RuleExpr): void => {
    if (n.kind === 'state') seen.add(n.alarm);
    else if (n.kind === 'not') visit(n.operand);
    else if (n.kind === 'and' || n.kind === 'or') {
      visit(n.left);
      visit(n.right);
    }
  };
  visit(r);
  return [...seen];
}

/** Whether the composite alarm is in ALARM, given each child alarm's state. */
export function evaluateAlarmRule(r: RuleExpr, stateOf: (alarm: string) => AlarmState): boolean {
  switch (r.kind) {
    case 'state':
      return stateOf(r.alarm) === r.state;
    case 'const':
      return r.value;
    case 'not':
      return !evaluateAlarmRule(r.operand, stateOf);
    case 'and':
      return evaluateAlarmRule(r.left, stateOf) && evaluateAlarmRule(r.right, stateOf);
    case 'or':
      return evaluateAlarmRule(r.left, stateOf) || evaluateAlarmRule(r.right, stateOf);
  }
}

const RULE_PRECEDENCE = { or: 1, and: 2, not: 3, state: 4, const: 4 } as const;

/** Prints a rule as AlarmRule text (names double-quoted) that parses back to the same rule. */
export function formatAlarmRule(r: RuleExpr): string {
  const sub = (child: RuleExpr, min: number) => (RULE_PRECEDENCE[child.kind] < min ? `(${formatAlarmRule(child)})` : formatAlarmRule(child));
  switch (r.kind) {
    case 'state':
      return `${r.state}("${r.alarm.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}")`;
    case 'const':
      return r.value ? 'TRUE' : 'FALSE';
    case 'not':
      return `NOT ${sub(r.operand, RULE_PRECEDENCE.not)}`;
    case 'and':
    case 'or': {
      const p = RULE_PRECEDENCE[r.kind];
      return `${sub(r.left, p)} ${r.kind.toUpperCase()} ${sub(r.right, p + 1)}`;
    }
  }
}
