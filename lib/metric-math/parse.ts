/**
 * CloudWatch metric math: a recursive-descent parser from expression text to
 * an AST, used to validate expressions at synth and to evaluate them offline.
 * Pure: no I/O, nothing imported from outside lib/metric-math.
 *
 * Grammar (lowest precedence first; CloudWatch's guide lists the operators
 * but not their precedence, so this is the conventional order):
 *
 *   or      := and (("OR" | "||") and)*
 *   and     := not (("AND" | "&&") not)*
 *   not     := "NOT" not | compare
 *   compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)*
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | power
 *   power   := primary ("^" unary)?            (right-associative: 2^3^2 = 2^9)
 *   primary := number | string | id | call | "(" or ")" | "[" or ("," or)* "]"
 *   call    := NAME "(" (arg ("," arg)*)? ")"
 *
 * - Ids follow CloudWatch's rule: a lower-case letter, then letters, digits or
 *   underscores (`m1`, `requests_blue`).
 * - Function names are matched case-insensitively and stored upper-cased.
 *   (The guide asks for upper case; a lower-case word followed by "(" cannot
 *   be an id, so accepting it is unambiguous.) AND, OR, NOT and keywords are
 *   upper-case only, so an id such as `and` stays an id.
 * - Keywords are bare upper-case words allowed only as a direct argument where
 *   CloudWatch documents them: FILL(ts, REPEAT | LINEAR), SORT(ts[], AVG | MIN
 *   | MAX | SUM, ASC | DESC[, n]). They are represented as
 *   `{ kind: 'id', name: 'REPEAT' }`: an id node whose name starts with an
 *   upper-case letter, which no metric id can. `metricMathIds` skips them.
 * - Strings are single- or double-quoted (SEARCH uses single quotes); a
 *   backslash escapes the next character.
 * - `NOT` is accepted as a logical negation although the guide lists only
 *   AND/&& and OR/|| among the logical operators.
 *
 * Errors are `MetricMathError` with a message naming what went wrong and the
 * 0-based character offset, also available as `position`.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export type MathExpr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'array'; readonly items: readonly MathExpr[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly MathExpr[] }
  | { readonly kind: 'unary'; readonly op: '-' | 'NOT'; readonly operand: MathExpr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: MathExpr; readonly right: MathExpr };

export class MetricMathError extends Error {
  override name = 'MetricMathError';
  /** 0-based character offset in the expression text where the problem starts. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at ${position}`);
    this.position = position;
  }
}

const fn = (minArgs: number, maxArgs: number) => ({ minArgs, maxArgs }) as const;

/**
 * Functions of CloudWatch's metric math with their argument counts. Parsing
 * accepts all of them; the offline evaluator supports a subset and refuses the
 * rest by name.
 */
export const METRIC_MATH_FUNCTIONS: Readonly<Record<string, { readonly minArgs: number; readonly maxArgs: number }>> = Object.freeze({
  ABS: fn(1, 1),
  ANOMALY_DETECTION_BAND: fn(1, 2),
  AVG: fn(1, 1),
  CEIL: fn(1, 1),
  DATAPOINT_COUNT: fn(1, 1),
  DIFF: fn(1, 1),
  DIFF_TIME: fn(1, 1),
  FILL: fn(2, 2),
  FIRST: fn(1, 1),
  LAST: fn(1, 1),
  FLOOR: fn(1, 1),
  IF: fn(2, 3),
  INSIGHT_RULE_METRIC: fn(2, 2),
  LOG: fn(1, 1),
  LOG10: fn(1, 1),
  MAX: fn(1, 1),
  METRIC_COUNT: fn(1, 1),
  METRICS: fn(0, 1),
  MIN: fn(1, 1),
  MINUTE: fn(1, 1),
  HOUR: fn(1, 1),
  DAY: fn(1, 1),
  DATE: fn(1, 1),
  MONTH: fn(1, 1),
  YEAR: fn(1, 1),
  EPOCH: fn(1, 1),
  PERIOD: fn(1, 1),
  RATE: fn(1, 1),
  REMOVE_EMPTY: fn(1, 1),
  RUNNING_SUM: fn(1, 1),
  SEARCH: fn(2, 3),
  SERVICE_QUOTA: fn(1, 1),
  SLICE: fn(2, 3),
  SORT: fn(3, 4),
  SQRT: fn(1, 1),
  STDDEV: fn(1, 1),
  SUM: fn(1, 1),
  TIME_SERIES: fn(1, 1),
});

/** Keywords allowed as a bare argument, by function and argument index. */
const KEYWORD_ARGS: Readonly<Record<string, Readonly<Record<number, readonly string[]>>>> = {
  FILL: { 1: ['REPEAT', 'LINEAR'] },
  SORT: { 1: ['AVG', 'MIN', 'MAX', 'SUM'], 2: ['ASC', 'DESC'] },
};

type TokenKind = 'number' | 'string' | 'word' | 'op' | 'punct' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  readonly value?: number | string;
}

const TWO_CHAR_OPS = ['==', '!=', '<=', '>=', '&&', '||'];
const ONE_CHAR_OPS = ['+', '-', '*', '/', '^', '<', '>'];
const PUNCT = ['(', ')', '[', ']', ','];

const isDigit = (c: string) => c >= '0' && c <= '9';
const isWordStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isWordChar = (c: string) => isWordStart(c) || isDigit(c);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      while (isDigit(text[i] ?? '')) i++;
      if (text[i] === '.') {
        i++;
        while (isDigit(text[i] ?? '')) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (!isDigit(text[j] ?? '')) throw new MetricMathError(`malformed number "${text.slice(start, j)}"`, start);
        i = j;
        while (isDigit(text[i] ?? '')) i++;
      }
      if (isWordChar(text[i] ?? '') || text[i] === '.') throw new MetricMathError(`malformed number "${text.slice(start, i + 1)}"`, start);
      const raw = text.slice(start, i);
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new MetricMathError(`number "${raw}" is out of range`, start);
      tokens.push({ kind: 'number', text: raw, pos: start, value });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new MetricMathError('unterminated string', start);
        const d = text[i];
        if (d === '\\') {
          if (i + 1 >= text.length) throw new MetricMathError('unterminated string', start);
          value += text[i + 1];
          i += 2;
          continue;
        }
        i++;
        if (d === c) break;
        value += d;
      }
      tokens.push({ kind: 'string', text: text.slice(start, i), pos: start, value });
      continue;
    }
    if (isWordStart(c)) {
      while (isWordChar(text[i] ?? '')) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.includes(two)) {
      tokens.push({ kind: 'op', text: two, pos: start });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.includes(c)) {
      tokens.push({ kind: 'op', text: c, pos: start });
      i++;
      continue;
    }
    if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: start });
      i++;
      continue;
    }
    const hint = c === '=' ? ' (use "==" to compare)' : c === '&' ? ' (use "&&" or AND)' : c === '|' ? ' (use "||" or OR)' : c === '!' ? ' (use "!=" or NOT)' : '';
    throw new MetricMathError(`unexpected character "${c}"${hint}`, start);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

const ID_PATTERN = /^[a-z][A-Za-z0-9_]*$/;
const COMPARISONS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isOp(t: Token, ...ops: string[]): boolean {
    return (t.kind === 'op' && ops.includes(t.text)) || (t.kind === 'word' && ops.includes(t.text) && ['AND', 'OR', 'NOT'].includes(t.text));
  }
  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }
  private expectPunct(p: string, context: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, p)) throw new MetricMathError(`expected "${p}" ${context} but found ${describe(t)}`, t.pos);
    return this.next();
  }

  parseAll(): MathExpr {
    if (this.peek().kind === 'end') throw new MetricMathError('empty expression', 0);
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') throw new MetricMathError(`unexpected ${describe(t)}`, t.pos);
    return e;
  }

  private parseOr(): MathExpr {
    let left = this.parseAnd();
    while (this.isOp(this.peek(), 'OR', '||')) {
      this.next();
      left = { kind: 'binary', op: 'OR', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): MathExpr {
    let left = this.parseNot();
    while (this.isOp(this.peek(), 'AND', '&&')) {
      this.next();
      left = { kind: 'binary', op: 'AND', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): MathExpr {
    if (this.isOp(this.peek(), 'NOT')) {
      this.next();
      return { kind: 'unary', op: 'NOT', operand: this.parseNot() };
    }
    return this.parseCompare();
  }

  private parseCompare(): MathExpr {
    let left = this.parseSum();
    while (this.peek().kind === 'op' && COMPARISONS.includes(this.peek().text)) {
      const op = this.next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: this.parseSum() };
    }
    return left;
  }

  private parseSum(): MathExpr {
    let left = this.parseProduct();
    while (this.isOp(this.peek(), '+', '-')) {
      const op = this.next().text as '+' | '-';
      left = { kind: 'binary', op, left, right: this.parseProduct() };
    }
    return left;
  }

  private parseProduct(): MathExpr {
    let left = this.parseUnary();
    while (this.isOp(this.peek(), '*', '/')) {
      const op = this.next().text as '*' | '/';
      left = { kind: 'binary', op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): MathExpr {
    if (this.isOp(this.peek(), '-')) {
      this.next();
      return { kind: 'unary', op: '-', operand: this.parseUnary() };
    }
    return this.parsePower();
  }

  private parsePower(): MathExpr {
    const base = this.parsePrimary();
    if (this.isOp(this.peek(), '^')) {
      this.next();
      return { kind: 'binary', op: '^', left: base, right: this.parseUnary() };
    }
    return base;
  }

  private parsePrimary(): MathExpr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: t.value as number };
      case 'string':
        this.next();
        return { kind: 'string', value: t.value as string };
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.parseOr();
          this.expectPunct(')', `to close "(" at ${t.pos}`);
          return inner;
        }
        if (t.text === '[') return this.parseArray();
        break;
      case 'word':
        if (this.isPunct(this.peek(1), '(')) return this.parseCall();
        if (['AND', 'OR', 'NOT'].includes(t.text)) break;
        if (ID_PATTERN.test(t.text)) {
          this.next();
          return { kind: 'id', name: t.text };
        }
        if (isKeyword(t.text)) throw new MetricMathError(`keyword ${t.text} is only allowed as an argument of ${keywordOwners(t.text)}`, t.pos);
        throw new MetricMathError(`invalid id "${t.text}" (ids start with a lower-case letter, then letters, digits or underscores)`, t.pos);
      default:
        break;
    }
    if (t.kind === 'end') throw new MetricMathError('unexpected end of expression', t.pos);
    throw new MetricMathError(`unexpected ${describe(t)}`, t.pos);
  }

  private parseArray(): MathExpr {
    const open = this.next();
    if (this.isPunct(this.peek(), ']')) throw new MetricMathError('empty array', open.pos);
    const items: MathExpr[] = [this.parseOr()];
    while (this.isPunct(this.peek(), ',')) {
      this.next();
      items.push(this.parseOr());
    }
    this.expectPunct(']', `to close "[" at ${open.pos}`);
    return { kind: 'array', items };
  }

  private parseCall(): MathExpr {
    const nameToken = this.next();
    const name = nameToken.text.toUpperCase();
    const spec = METRIC_MATH_FUNCTIONS[name];
    if (!spec) throw new MetricMathError(`unknown function "${nameToken.text}"`, nameToken.pos);
    const open = this.next(); // "("
    const args: MathExpr[] = [];
    if (!this.isPunct(this.peek(), ')')) {
      args.push(this.parseArgument(name, 0));
      while (this.isPunct(this.peek(), ',')) {
        this.next();
        args.push(this.parseArgument(name, args.length));
      }
    }
    this.expectPunct(')', `to close ${name}( at ${open.pos}`);
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new MetricMathError(`${name} takes ${expected} argument${spec.maxArgs === 1 ? '' : 's'}, got ${args.length}`, nameToken.pos);
    }
    return { kind: 'call', name, args };
  }

  /** A call argument: a keyword where the function allows one there, else an expression. */
  private parseArgument(fnName: string, index: number): MathExpr {
    const t = this.peek();
    const after = this.peek(1);
    const bareWord = t.kind === 'word' && !ID_PATTERN.test(t.text) && !['AND', 'OR', 'NOT'].includes(t.text) && (this.isPunct(after, ',') || this.isPunct(after, ')'));
    if (bareWord) {
      const allowed = KEYWORD_ARGS[fnName]?.[index];
      if (allowed?.includes(t.text)) {
        this.next();
        return { kind: 'id', name: t.text };
      }
      if (allowed) throw new MetricMathError(`argument ${index + 1} of ${fnName} must be an expression or one of ${allowed.join(', ')}, not "${t.text}"`, t.pos);
    }
    return this.parseOr();
  }
}

function isKeyword(word: string): boolean {
  return Object.values(KEYWORD_ARGS).some((byIndex) => Object.values(byIndex).some((words) => words.includes(word)));
}

function keywordOwners(word: string): string {
  return Object.entries(KEYWORD_ARGS)
    .filter(([, byIndex]) => Object.values(byIndex).some((words) => words.includes(word)))
    .map(([name]) => name)
    .join(' or ');
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of expression';
    case 'number':
      return `number ${t.text}`;
    case 'string':
      return `string ${t.text}`;
    default:
      return `"${t.text}"`;
  }
}

/** Parses a CloudWatch metric math expression. Throws MetricMathError on bad syntax, an unknown function or a wrong argument count. */
export function parseMetricMath(text: string): MathExpr {
  return new Parser(tokenize(text)).parseAll();
}

/** Whether an id node is a keyword (REPEAT, LINEAR, ASC, ...) rather than a metric or expression id. */
export function isMetricMathKeyword(e: MathExpr): boolean {
  return e.kind === 'id' && !ID_PATTERN.test(e.name);
}

/** Metric and expression ids the expression refers to, each once, in order of first appearance. Keywords are not ids. */
export function metricMathIds(e: MathExpr): string[] {
  const seen = new Set<string>();
  const visit = (n: MathExpr): void => {
    switch (n.kind) {
      case 'id':
        if (!isMetricMathKeyword(n)) seen.add(n.name);
        return;
      case 'array':
        n.items.forEach(visit);
        return;
      case 'call':
        n.args.forEach(visit);
        return;
      case 'unary':
        visit(n.operand);
        return;
      case 'binary':
        visit(n.left);
        visit(n.right);
        return;
      default:
        return;
    }
  };
  visit(e);
  return [...seen];
}

const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  OR: 1,
  AND: 2,
  '==': 4,
  '!=': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '^': 8,
};
const NOT_PRECEDENCE = 3;
const NEGATE_PRECEDENCE = 7;
const ATOM_PRECEDENCE = 9;

function precedenceOf(e: MathExpr): number {
  if (e.kind === 'binary') return PRECEDENCE[e.op];
  if (e.kind === 'unary') return e.op === 'NOT' ? NOT_PRECEDENCE : NEGATE_PRECEDENCE;
  return ATOM_PRECEDENCE;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Prints an AST as metric math text that parses back to the same AST, with
 * only the parentheses precedence requires. Negative number literals (which
 * the parser never produces: it reads "-5" as negation of 5) print as "-5".
 */
export function formatMetricMath(e: MathExpr): string {
  const wrap = (child: MathExpr, needsParens: boolean) => (needsParens ? `(${formatMetricMath(child)})` : formatMetricMath(child));
  switch (e.kind) {
    case 'number':
      if (!Number.isFinite(e.value)) throw new RangeError(`cannot print ${e.value} as metric math`);
      return String(e.value);
    case 'string':
      return quote(e.value);
    case 'id':
      return e.name;
    case 'array':
      return `[${e.items.map(formatMetricMath).join(', ')}]`;
    case 'call':
      return `${e.name}(${e.args.map(formatMetricMath).join(', ')})`;
    case 'unary':
      return e.op === 'NOT' ? `NOT ${wrap(e.operand, precedenceOf(e.operand) < NOT_PRECEDENCE)}` : `-${wrap(e.operand, precedenceOf(e.operand) < NEGATE_PRECEDENCE)}`;
    case 'binary': {
      const p = PRECEDENCE[e.op];
      if (e.op === '^') {
        // The base is a primary; the exponent may be a negation or another power.
        return `${wrap(e.left, precedenceOf(e.left) < ATOM_PRECEDENCE)} ^ ${wrap(e.right, precedenceOf(e.right) < NEGATE_PRECEDENCE)}`;
      }
      return `${wrap(e.left, precedenceOf(e.left) < p)} ${e.op} ${wrap(e.right, precedenceOf(e.right) <= p)}`;
    }
  }
}
