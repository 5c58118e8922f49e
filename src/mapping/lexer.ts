/**
 * Lexer for the Entra provisioning expression language (VBA-like: `Fn(arg, ...)`, `[attribute]`, `"string"`,
 * numbers, `&H` hex, bare enum words, `%Macro%`, `&` and the comparison operators).
 *
 * String escapes: `\"` → `"`, `\\` → `\`; any other `\x` is kept as both characters, so the GroupDN samples
 * work whether they were written `"\,"` (2026 docs) or `"\\,"` (2025 docs).
 */
import { ParseError } from './errors';

export type TokenKind =
  | 'ident'
  | 'attribute'
  | 'string'
  | 'number'
  | 'macro'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'amp'
  | 'op'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded value: identifier/attribute/macro name, string contents, operator text. */
  text: string;
  /** Numeric value for `number` tokens (integers as bigint, decimals as number). */
  number?: bigint | number;
  /** Offset of the first character, and one past the last. */
  start: number;
  end: number;
}

/** Whitespace between tokens; NBSP included because expressions are often pasted from web pages. */
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\u200b' || c === '\ufeff';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isHexDigit = (c: string) => /^[0-9a-fA-F]$/.test(c);
const isIdentStart = (c: string) => /^[A-Za-z_]$/.test(c);
const isIdentPart = (c: string) => /^[A-Za-z0-9_]$/.test(c);

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string, offset: number, hint?: string, expected?: string): never => {
    throw new ParseError(message, { expression: text, offset, ...(hint ? { hint } : {}), ...(expected ? { expected } : {}) });
  };

  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      let value = '';
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '\\' && i + 1 < text.length) {
          const n = text[i + 1];
          if (n === '"' || n === '\\') value += n;
          else value += d + n; // lenient: unknown escapes are kept literally ("\," and "\2C" stay as written)
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) fail('Unterminated string literal: the closing " is missing', start, 'Close the string with ", and write a quote inside a string as \\".', '\'"\'');
      tokens.push({ kind: 'string', text: value, start, end: i });
      continue;
    }
    if (c === '\u201c' || c === '\u201d' || c === '\u201e') {
      fail(`Typographic quote '${c}' is not a string delimiter`, i, 'Replace the curly quotes (from a word processor or web page) with straight double quotes ".');
    }
    if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) fail('Unterminated attribute reference: the closing ] is missing', start, 'Write attributes as [attributeName].', "']'");
      const name = text.slice(i + 1, close).trim();
      if (!name) fail('Empty attribute reference []', start, 'Write attributes as [attributeName], e.g. [displayName].', 'an attribute name');
      i = close + 1;
      tokens.push({ kind: 'attribute', text: name, start, end: i });
      continue;
    }
    if (c === '%') {
      const m = /^%([A-Za-z_][A-Za-z0-9_]*)%/.exec(text.slice(i));
      if (!m) fail("Unexpected '%': macros are written %Name%", start, undefined, 'a macro such as %DomainFQDN%');
      i += m![0].length;
      tokens.push({ kind: 'macro', text: m![1], start, end: i });
      continue;
    }
    if (c === '&') {
      if ((text[i + 1] === 'H' || text[i + 1] === 'h') && i + 2 < text.length && isHexDigit(text[i + 2])) {
        let j = i + 2;
        while (j < text.length && isHexDigit(text[j])) j++;
        if (j < text.length && isIdentPart(text[j])) fail(`Invalid hexadecimal number '${text.slice(i, j + 1)}'`, start, 'Hexadecimal numbers are written &H followed by 0-9 and A-F, e.g. &HF7.');
        tokens.push({ kind: 'number', text: text.slice(i, j), number: BigInt('0x' + text.slice(i + 2, j)), start, end: j });
        i = j;
        continue;
      }
      i++;
      tokens.push({ kind: 'amp', text: '&', start, end: i });
      continue;
    }
    const negativeNumber = c === '-' && i + 1 < text.length && isDigit(text[i + 1]);
    if (isDigit(c) || negativeNumber) {
      let j = negativeNumber ? i + 1 : i;
      while (j < text.length && isDigit(text[j])) j++;
      let isDecimal = false;
      if (text[j] === '.' && j + 1 < text.length && isDigit(text[j + 1])) {
        isDecimal = true;
        j++;
        while (j < text.length && isDigit(text[j])) j++;
      }
      if (j < text.length && isIdentPart(text[j])) fail(`Invalid number '${text.slice(i, j + 1)}'`, start, 'Numbers are written as digits (e.g. 51, -10, 1.5) or &H hexadecimal (e.g. &HF7).');
      const raw = text.slice(i, j);
      tokens.push({ kind: 'number', text: raw, number: isDecimal ? Number(raw) : BigInt(raw), start, end: j });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      i++;
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, start, end: i });
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      let op: string = c;
      if (c === '<' && (text[i + 1] === '>' || text[i + 1] === '=')) op = c + text[i + 1];
      else if (c === '>' && text[i + 1] === '=') op = '>=';
      i += op.length;
      tokens.push({ kind: 'op', text: op, start, end: i });
      continue;
    }
    if (c === '!' && text[i + 1] === '=') {
      fail("'!=' is not an operator here", start, "Use '<>' for 'not equal'.");
    }
    fail(`Unexpected character '${c}'`, start, 'Expressions consist of functions, [attributes], "strings", numbers, & and the comparison operators = <> < <= > >=.');
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
