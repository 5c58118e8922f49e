/**
 * A small OData `$filter` parser: and/or/not, parentheses, eq/ne/gt/ge/lt/le, `in (...)`, startsWith/endsWith/
 * contains, `eq null`, and any/all lambdas over collections (`groupTypes/any(c:c eq 'Unified')`).
 */
import { badRequest } from '../errors';

export type Literal = string | number | boolean | null;
export type Operand = { t: 'prop'; path: string[] } | { t: 'lit'; v: Literal };
export type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterNode =
  | { t: 'and' | 'or'; l: FilterNode; r: FilterNode }
  | { t: 'not'; e: FilterNode }
  | { t: 'cmp'; op: CmpOp; l: Operand; r: Operand }
  | { t: 'in'; l: Operand; list: Literal[] }
  | { t: 'fn'; name: 'startswith' | 'endswith' | 'contains'; prop: Operand; arg: Operand; negate?: boolean }
  | { t: 'lambda'; path: string[]; kind: 'any' | 'all'; v: string; body: FilterNode };

type Tok = { k: 'id'; v: string } | { k: 'str'; v: string } | { k: 'num'; v: number } | { k: 'sym'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if ('(),/:'.includes(c)) { out.push({ k: 'sym', v: c }); i++; continue; }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw syntax(src, 'unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") { s += "'"; i += 2; continue; }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ k: 'str', v: s });
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w-])/.exec(src.slice(i));
    if (num) { out.push({ k: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_$@][\w.$@-]*/.exec(src.slice(i));
    if (id) { out.push({ k: 'id', v: id[0] }); i += id[0].length; continue; }
    throw syntax(src, `unexpected character '${c}' at position ${i}`);
  }
  return out;
}

function syntax(src: string, why: string) {
  return badRequest(`Invalid filter clause: ${why}. ($filter=${src})`);
}

const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let p = 0;
  const peek = (o = 0): Tok | undefined => toks[p + o];
  const isSym = (v: string, o = 0) => peek(o)?.k === 'sym' && peek(o)!.v === v;
  const isWord = (v: string, o = 0) => {
    const t = peek(o);
    return t?.k === 'id' && t.v.toLowerCase() === v;
  };
  const expectSym = (v: string) => {
    if (!isSym(v)) throw syntax(src, `expected '${v}'`);
    p++;
  };

  function expr(): FilterNode {
    let l = andExpr();
    while (isWord('or')) { p++; l = { t: 'or', l, r: andExpr() }; }
    return l;
  }
  function andExpr(): FilterNode {
    let l = unary();
    while (isWord('and')) { p++; l = { t: 'and', l, r: unary() }; }
    return l;
  }
  function unary(): FilterNode {
    if (isWord('not')) { p++; return { t: 'not', e: unary() }; }
    return primary();
  }
  function literal(): Literal {
    const t = peek();
    if (!t) throw syntax(src, 'unexpected end');
    p++;
    if (t.k === 'str') return t.v;
    if (t.k === 'num') return t.v;
    if (t.k === 'id') {
      const w = t.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      if (/^[0-9a-f-]{36}$/i.test(t.v)) return t.v;
    }
    throw syntax(src, `expected a literal near '${String(t.v)}'`);
  }
  function path(): string[] {
    const t = peek();
    if (t?.k !== 'id') throw syntax(src, 'expected a property');
    p++;
    const segs = [t.v];
    while (isSym('/') && peek(1)?.k === 'id' && !['any', 'all'].includes((peek(1)!.v as string).toLowerCase())) {
      p++;
      segs.push((peek() as { v: string }).v);
      p++;
    }
    return segs;
  }
  function operand(): Operand {
    const t = peek();
    if (t?.k === 'id' && !['true', 'false', 'null'].includes(t.v.toLowerCase()) && !/^[0-9a-f-]{36}$/i.test(t.v)) {
      return { t: 'prop', path: path() };
    }
    return { t: 'lit', v: literal() };
  }
  function primary(): FilterNode {
    if (isSym('(')) {
      p++;
      const e = expr();
      expectSym(')');
      return e;
    }
    const t = peek();
    if (t?.k === 'id' && isSym('(', 1)) {
      const name = t.v.toLowerCase();
      if (name !== 'startswith' && name !== 'endswith' && name !== 'contains') throw syntax(src, `unknown function '${t.v}'`);
      p += 2;
      const prop = operand();
      expectSym(',');
      const arg = operand();
      expectSym(')');
      const node: FilterNode = { t: 'fn', name, prop, arg };
      if (isWord('eq') || isWord('ne')) {
        const neg = isWord('ne');
        p++;
        const v = literal();
        if (typeof v !== 'boolean') throw syntax(src, 'a function result compares with true or false');
        if ((v === false) !== neg) return { t: 'not', e: node };
      }
      return node;
    }
    const l = operand();
    if (l.t === 'prop' && isSym('/') && (isWord('any', 1) || isWord('all', 1))) {
      p++;
      const kind = (peek()!.v as string).toLowerCase() as 'any' | 'all';
      p++;
      expectSym('(');
      const v = peek();
      if (v?.k !== 'id') throw syntax(src, 'expected a lambda variable');
      p++;
      expectSym(':');
      const body = expr();
      expectSym(')');
      return { t: 'lambda', path: l.path, kind, v: v.v, body };
    }
    const opTok = peek();
    if (opTok?.k === 'id' && CMP.has(opTok.v.toLowerCase())) {
      p++;
      return { t: 'cmp', op: opTok.v.toLowerCase() as CmpOp, l, r: operand() };
    }
    if (isWord('in')) {
      p++;
      expectSym('(');
      const list: Literal[] = [];
      if (!isSym(')')) {
        list.push(literal());
        while (isSym(',')) { p++; list.push(literal()); }
      }
      expectSym(')');
      return { t: 'in', l, list };
    }
    throw syntax(src, 'expected a comparison operator');
  }

  if (toks.length === 0) throw syntax(src, 'empty filter');
  const node = expr();
  if (p !== toks.length) throw syntax(src, `unexpected '${String(toks[p].v)}'`);
  return node;
}
