import { describe, expect, it } from 'vitest';
import { GwbError } from '../../../src/core/errors';
import { ParseError, parse } from '../../../src/mapping';
import { lex } from '../../../src/mapping/lexer';
import { ev } from './helpers';

function parseErrorOf(text: string): ParseError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
  throw new Error(`expected a parse error for ${text}`);
}

describe('lexer', () => {
  it('tokenizes every kind with offsets', () => {
    const tokens = lex('Fn([a b], "x", 12, -3, 1.5, &HF7, vbTextCompare, %DomainFQDN%) & "y" <> "z"');
    expect(tokens.map((t) => [t.kind, t.text, t.start, t.end])).toEqual([
      ['ident', 'Fn', 0, 2],
      ['lparen', '(', 2, 3],
      ['attribute', 'a b', 3, 8],
      ['comma', ',', 8, 9],
      ['string', 'x', 10, 13],
      ['comma', ',', 13, 14],
      ['number', '12', 15, 17],
      ['comma', ',', 17, 18],
      ['number', '-3', 19, 21],
      ['comma', ',', 21, 22],
      ['number', '1.5', 23, 26],
      ['comma', ',', 26, 27],
      ['number', '&HF7', 28, 32],
      ['comma', ',', 32, 33],
      ['ident', 'vbTextCompare', 34, 47],
      ['comma', ',', 47, 48],
      ['macro', 'DomainFQDN', 49, 61],
      ['rparen', ')', 61, 62],
      ['amp', '&', 63, 64],
      ['string', 'y', 65, 68],
      ['op', '<>', 69, 71],
      ['string', 'z', 72, 75],
      ['eof', '', 75, 75],
    ]);
    expect(tokens[6].number).toBe(12n);
    expect(tokens[8].number).toBe(-3n);
    expect(tokens[10].number).toBe(1.5);
    expect(tokens[12].number).toBe(0xf7n);
  });

  it.each([
    [String.raw`"Company name: \"Contoso\""`, 'Company name: "Contoso"'],
    [String.raw`"C:\\temp"`, 'C:\\temp'],
    [String.raw`"\,"`, '\\,'],
    [String.raw`"\\,"`, '\\,'],
    [String.raw`"\2C"`, '\\2C'],
    [String.raw`"\\2C"`, '\\2C'],
    [String.raw`"\\d{10}"`, '\\d{10}'],
    [String.raw`"\d"`, '\\d'],
    [String.raw`""`, ''],
    [String.raw`"it's"`, "it's"],
    ['"line\nbreak"', 'line\nbreak'],
  ])('string literal %s → %j', (literal, value) => {
    const [t] = lex(literal);
    expect(t.kind).toBe('string');
    expect(t.text).toBe(value);
  });

  it('comparison operators', () => {
    expect(lex('= <> < <= > >=').filter((t) => t.kind === 'op').map((t) => t.text)).toEqual(['=', '<>', '<', '<=', '>', '>=']);
  });

  it('skips white space including newlines and NBSP', () => {
    expect(lex('\u00a0Left(\n\t"a" ,\r\n 1 )').map((t) => t.kind)).toEqual(['ident', 'lparen', 'string', 'comma', 'number', 'rparen', 'eof']);
  });
});

describe('parser → AST', () => {
  it('a nested call with positions', () => {
    expect(parse('Append("Group_",[objectId])')).toEqual({
      kind: 'call',
      name: 'Append',
      start: 0,
      end: 27,
      argStarts: [7, 16],
      args: [
        { kind: 'string', value: 'Group_', start: 7, end: 15 },
        { kind: 'attribute', name: 'objectId', start: 16, end: 26 },
      ],
    });
  });

  it('empty optional arguments become null slots', () => {
    const ast = parse('Replace([x], , "re", , "", , )');
    expect(ast.kind).toBe('call');
    if (ast.kind !== 'call') return;
    expect(ast.args.map((a) => (a === null ? null : a.kind))).toEqual(['attribute', null, 'string', null, 'string', null, null]);
    expect(ast.argStarts).toEqual([8, 13, 15, 21, 23, 27, 29]);
  });

  it('no arguments, and only empty arguments', () => {
    const none = parse('Guid()');
    const empties = parse('F(,)');
    expect(none.kind === 'call' && none.args).toEqual([]);
    expect(empties.kind === 'call' && empties.args).toEqual([null, null]);
  });

  it('& binds tighter than comparisons; parentheses group', () => {
    const ast = parse('[a] & [b] = "xy"');
    expect(ast.kind === 'binary' && ast.op).toBe('=');
    if (ast.kind !== 'binary') return;
    expect(ast.left.kind === 'binary' && ast.left.op).toBe('&');
    const grouped = parse('("a" & "b")');
    expect(grouped).toMatchObject({ kind: 'binary', op: '&', start: 0, end: 11 });
  });

  it('& is left-associative', () => {
    const ast = parse('"a" & "b" & "c"');
    expect(ast).toMatchObject({ kind: 'binary', op: '&', left: { kind: 'binary', op: '&' }, right: { kind: 'string', value: 'c' } });
  });

  it('bare words are enums; a word followed by ( is a call', () => {
    expect(parse('vbBinaryCompare')).toMatchObject({ kind: 'enum', name: 'vbBinaryCompare' });
    expect(parse('Now ()')).toMatchObject({ kind: 'call', name: 'Now' });
  });

  it('multi-line expressions (as Microsoft formats the GroupDN sample)', () => {
    const ast = parse('IIF(\n    IsPresent([x]),\n    "a",\n    "b"\n)');
    expect(ast).toMatchObject({ kind: 'call', name: 'IIF', args: [{ kind: 'call', name: 'IsPresent' }, { kind: 'string', value: 'a' }, { kind: 'string', value: 'b' }] });
  });
});

describe('parse errors name the column and what was expected', () => {
  const rows: Array<[text: string, column: number, message: RegExp, expected?: string]> = [
    ['Left("abc" 3)', 12, /Expected ',' or '\)' but found the number 3/, "',' or ')'"],
    ['Left("abc", 3', 14, /Missing '\)' to close Left\(/, "',' or ')'"],
    ['Left("abc, 3)', 6, /Unterminated string literal/, '\'"\''],
    ['[displayName', 1, /Unterminated attribute reference/, "']'"],
    ['Append("a" "b")', 12, /Expected ',' or '\)' but found the string "b"/, "',' or ')'"],
    [')', 1, /Expected a function call, an \[attribute\], a "string" or a number but found '\)'/],
    ['', 1, /The expression is empty/],
    ['   ', 4, /The expression is empty/],
    ['Left("a", 1))', 13, /Unexpected '\)' after the end of the expression/, 'the end of the expression'],
    ['IIF([a] = "x" = "y", 1, 2)', 15, /Comparisons cannot be chained/],
    ['"x" &', 6, /Expected a function call.*but found the end of the expression/],
    ['Left(\u201cabc\u201d, 1)', 6, /Typographic quote/],
    ['Left("a", 1) ! 2', 14, /Unexpected character '!'/],
    ['Left("a", 12abc)', 11, /Invalid number '12a'/],
    ['[]', 1, /Empty attribute reference/],
    ['Append("a", %Domain)', 13, /Unexpected '%'/],
    ['IIF([a] != "x", 1, 2)', 9, /'!=' is not an operator/],
    ['Left(("a", 1)', 10, /Expected '\)' but found ','/],
    ['"a" "b"', 5, /Unexpected the string "b" after the end/],
  ];
  it.each(rows)('%j → column %i', (text, column, message, expected) => {
    const err = parseErrorOf(text);
    expect(err).toBeInstanceOf(GwbError);
    expect(err.category).toBe('ParserError');
    expect(err.column).toBe(column);
    expect(err.line).toBe(1);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`(at column ${column})`);
    if (expected) expect(err.expected).toBe(expected);
    expect(err.target).toMatchObject({ expression: text, column });
    expect(err.hint).toBeTruthy();
  });

  it('multi-line: line and column within the line', () => {
    const err = parseErrorOf('IIF(\n  IsPresent([x]),\n  "a"\n  "b")');
    expect([err.line, err.column]).toEqual([4, 3]);
    expect(err.message).toContain('(at line 4, column 3)');
  });
});

describe('names', () => {
  it('function names are case-insensitive (Microsoft writes Instr and InStr, switch and Switch)', () => {
    expect(ev('left("abc", 1)')).toBe('a');
    expect(ev('LEFT("abc", 1)')).toBe('a');
    expect(ev('Instr("abc", "c")')).toBe('3');
    expect(ev('switch("a", "d", "a", "x")')).toBe('x');
  });
  it('enum words are case-insensitive', () => {
    expect(ev('InStr("aXa", "x", 1, VBTEXTCOMPARE)')).toBe('2');
    expect(ev('ConvertFromBase64("SGk=", utf8)')).toBe('Hi');
  });
  it('attribute names are case-insensitive and keep working when the input spells them differently', () => {
    expect(ev('[DisplayName]', { displayName: 'Sales' })).toBe('Sales');
    expect(ev('[OBJECTID]', { id: 'abc' })).toBe('abc'); // objectId falls back to id
  });
});
