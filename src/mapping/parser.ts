/**
 * Recursive-descent parser:
 *
 *   expression := concat ( compareOp concat )?
 *   concat     := primary ( '&' primary )*
 *   primary    := ident '(' args? ')' | ident | attribute | string | number | macro | '(' expression ')'
 *   args       := slot ( ',' slot )*          slot := expression | (empty)
 *   compareOp  := '=' | '<>' | '<' | '<=' | '>' | '>='
 *
 * `&` binds tighter than comparisons (as in VBA), so `IIF([a] & [b] = "xy", …)` compares the concatenation.
 * Comparisons do not chain: `a = b = c` is a syntax error rather than a silent surprise.
 */
import type { BinaryOperator, ExprNode } from './ast';
import { ParseError, describePosition, positionOf } from './errors';
import { lex, type Token } from './lexer';

export function parse(text: string): ExprNode {
  return new Parser(text).parseAll();
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the expression';
    case 'string':
      return `the string "${t.text.length > 20 ? t.text.slice(0, 20) + '…' : t.text}"`;
    case 'attribute':
      return `the attribute [${t.text}]`;
    case 'number':
      return `the number ${t.text}`;
    case 'ident':
      return `'${t.text}'`;
    case 'macro':
      return `%${t.text}%`;
    default:
      return `'${t.text}'`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly text: string) {
    this.tokens = lex(text);
  }

  parseAll(): ExprNode {
    if (this.peek().kind === 'eof') this.fail('The expression is empty', this.peek(), 'an expression', 'Write a function call, an [attribute] or a "string".');
    const node = this.expression();
    const t = this.peek();
    if (t.kind !== 'eof') {
      const hint = t.kind === 'rparen' ? 'There is a ) too many, or a ( missing.' : t.kind === 'comma' ? 'A comma separates arguments only inside a function call.' : 'Join values with & or a function such as Append or Join.';
      this.fail(`Unexpected ${describe(t)} after the end of the expression`, t, 'the end of the expression', hint);
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private fail(message: string, at: Token, expected: string, hint?: string): never {
    throw new ParseError(message, { expression: this.text, offset: at.start, expected, ...(hint ? { hint } : {}) });
  }

  private expected(what: string, hint?: string): never {
    const t = this.peek();
    return this.fail(`Expected ${what} but found ${describe(t)}`, t, what, hint);
  }

  private expression(): ExprNode {
    const left = this.concat();
    const t = this.peek();
    if (t.kind !== 'op') return left;
    this.next();
    const right = this.concat();
    const after = this.peek();
    if (after.kind === 'op') this.fail(`Comparisons cannot be chained ('${t.text}' … '${after.text}')`, after, "',' or ')'", 'Nest IIF calls to combine conditions.');
    return { kind: 'binary', op: t.text as BinaryOperator, left, right, opStart: t.start, start: left.start, end: right.end };
  }

  private concat(): ExprNode {
    let left = this.primary();
    while (this.peek().kind === 'amp') {
      const amp = this.next();
      const right = this.primary();
      left = { kind: 'binary', op: '&', left, right, opStart: amp.start, start: left.start, end: right.end };
    }
    return left;
  }

  private primary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.text, start: t.start, end: t.end };
      case 'number':
        this.next();
        return { kind: 'number', value: t.number!, start: t.start, end: t.end };
      case 'attribute':
        this.next();
        return { kind: 'attribute', name: t.text, start: t.start, end: t.end };
      case 'macro':
        this.next();
        return { kind: 'macro', name: t.text, start: t.start, end: t.end };
      case 'ident': {
        this.next();
        if (this.peek().kind !== 'lparen') return { kind: 'enum', name: t.text, start: t.start, end: t.end };
        return this.call(t);
      }
      case 'lparen': {
        this.next();
        const inner = this.expression();
        if (this.peek().kind !== 'rparen') this.expected("')'", 'Every ( needs a matching ).');
        const close = this.next();
        return { ...inner, start: t.start, end: close.end };
      }
      default:
        return this.expected('a function call, an [attribute], a "string" or a number');
    }
  }

  private call(name: Token): ExprNode {
    this.next(); // (
    const args: Array<ExprNode | null> = [];
    const argStarts: number[] = [];
    if (this.peek().kind === 'rparen') {
      const close = this.next();
      return { kind: 'call', name: name.text, args, argStarts, start: name.start, end: close.end };
    }
    for (;;) {
      const t = this.peek();
      argStarts.push(t.start);
      if (t.kind === 'comma' || t.kind === 'rparen') args.push(null);
      else args.push(this.expression());
      const sep = this.peek();
      if (sep.kind === 'comma') {
        this.next();
        continue;
      }
      if (sep.kind === 'rparen') {
        const close = this.next();
        return { kind: 'call', name: name.text, args, argStarts, start: name.start, end: close.end };
      }
      if (sep.kind === 'eof') this.fail(`Missing ')' to close ${name.text}(`, sep, "',' or ')'", `The call to ${name.text} at ${describePosition(this.text, positionOf(this.text, name.start))} is not closed.`);
      this.expected("',' or ')'", sep.kind === 'string' || sep.kind === 'attribute' || sep.kind === 'number' ? 'Separate arguments with commas, or join values with &.' : undefined);
    }
  }
}
