/**
 * Dynamic membership rules (Microsoft Entra "rules for dynamic membership groups"): parse and evaluate the common
 * user forms against the emulator's users.
 *
 *   user.department -eq "Sales" -and (user.city -in ["Oslo", "Bergen"] -or -not (user.jobTitle -startsWith "Intern"))
 *
 * Supported: `user.<property>` with -eq -ne -startsWith -notStartsWith -endsWith -notEndsWith -contains -notContains
 * -match -notMatch -in -notIn; values "string" (a backtick escapes a double quote: `"), 'string', true, false, null,
 * and ["a", "b"] lists for -in/-notIn; -and, -or, -not and parentheses. Operators and property names are
 * case-insensitive, and so are string comparisons (as in Entra). Precedence: comparison, then -not, -and, -or.
 *
 * Refused with Graph's 400 error shape: rules on device properties, `user.memberOf -any (...)`, -any/-all over
 * multi-valued properties, "Direct Reports for", and anything that does not parse. The emulator never pretends to
 * evaluate a rule it does not understand.
 */
import { GraphHttpError } from '../errors';
import { canonicalProperty } from '../properties';
import type { GraphUser } from '../types';

export type RuleNode =
  | { type: 'and' | 'or'; left: RuleNode; right: RuleNode }
  | { type: 'not'; operand: RuleNode }
  | { type: 'compare'; property: string; path: string[]; op: CompareOp; value: RuleValue };

export type RuleValue = string | boolean | null | string[];

export type CompareOp = 'eq' | 'ne' | 'startswith' | 'notstartswith' | 'endswith' | 'notendswith' | 'contains'
  | 'notcontains' | 'match' | 'notmatch' | 'in' | 'notin';

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'startswith', 'notstartswith', 'endswith', 'notendswith', 'contains',
  'notcontains', 'match', 'notmatch', 'in', 'notin']);

/** Rule property names that differ from the Graph v1.0 user property they read. */
const RULE_ALIASES: Record<string, string> = {
  objectid: 'id',
  mobile: 'mobilePhone',
  physicaldeliveryofficename: 'officeLocation',
};

const MULTI_VALUED = new Set(['otherMails', 'proxyAddresses', 'businessPhones', 'assignedPlans']);

/** The 400 Graph answers for a membershipRule it cannot accept. */
export function invalidRule(reason: string): GraphHttpError {
  return new GraphHttpError(400, 'Request_BadRequest', `Dynamic membership rule validation error: ${reason}`);
}

type Token =
  | { t: 'op'; v: string; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'word'; v: string; at: number }
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | ','; at: number };

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i];
    if (/\s/.test(c)) { i++; continue; }
    if ('()[],'.includes(c)) { out.push({ t: 'punct', v: c as '(' | ')' | '[' | ']' | ',', at: i }); i++; continue; }
    if (c === '"' || c === "'") {
      const start = i;
      let s = '';
      i++;
      for (;;) {
        if (i >= rule.length) throw invalidRule(`unterminated string starting at position ${start}.`);
        const ch = rule[i];
        if (ch === '`' && i + 1 < rule.length) { s += rule[i + 1]; i += 2; continue; }
        if (ch === c) { i++; break; }
        s += ch;
        i++;
      }
      out.push({ t: 'str', v: s, at: start });
      continue;
    }
    if (c === '-' && /[A-Za-z]/.test(rule[i + 1] ?? '')) {
      const m = /^-[A-Za-z]+/.exec(rule.slice(i))!;
      out.push({ t: 'op', v: m[0].slice(1).toLowerCase(), at: i });
      i += m[0].length;
      continue;
    }
    const m = /^[A-Za-z0-9_.$]+/.exec(rule.slice(i));
    if (!m) throw invalidRule(`unexpected character '${c}' at position ${i}.`);
    out.push({ t: 'word', v: m[0], at: i });
    i += m[0].length;
  }
  return out;
}

/** Parse a membershipRule; throws the Graph 400 for rules that are malformed or outside the supported forms. */
export function parseMembershipRule(rule: string): RuleNode {
  if (typeof rule !== 'string' || !rule.trim()) throw invalidRule('the rule is empty.');
  if (/^\s*direct\s+reports\s+for\b/i.test(rule)) {
    throw invalidRule('"Direct Reports for" rules are not evaluated by the lab\'s Graph emulator (user property rules only).');
  }
  const toks = tokenize(rule);
  let pos = 0;
  const peek = () => toks[pos];
  const describe = (t: Token | undefined) => (t ? `'${t.t === 'op' ? `-${t.v}` : t.v}' at position ${t.at}` : 'end of rule');

  const parseOr = (): RuleNode => {
    let left = parseAnd();
    while (peek()?.t === 'op' && peek()!.v === 'or') { pos++; left = { type: 'or', left, right: parseAnd() }; }
    return left;
  };
  const parseAnd = (): RuleNode => {
    let left = parseUnary();
    while (peek()?.t === 'op' && peek()!.v === 'and') { pos++; left = { type: 'and', left, right: parseUnary() }; }
    return left;
  };
  const parseUnary = (): RuleNode => {
    const t = peek();
    if (t?.t === 'op' && t.v === 'not') { pos++; return { type: 'not', operand: parseUnary() }; }
    if (t?.t === 'punct' && t.v === '(') {
      pos++;
      const inner = parseOr();
      const close = peek();
      if (close?.t !== 'punct' || close.v !== ')') throw invalidRule(`expected ')' but found ${describe(close)}.`);
      pos++;
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): RuleNode => {
    const t = peek();
    if (t?.t !== 'word') throw invalidRule(`expected a property such as user.department but found ${describe(t)}.`);
    pos++;
    const { property, path } = resolveProperty(t.v);
    const opTok = peek();
    if (opTok?.t !== 'op') throw invalidRule(`expected an operator after '${t.v}' but found ${describe(opTok)}.`);
    pos++;
    if (opTok.v === 'any' || opTok.v === 'all') {
      throw invalidRule(`'-${opTok.v}' over multi-valued properties is not evaluated by the lab's Graph emulator.`);
    }
    if (!COMPARE_OPS.has(opTok.v)) throw invalidRule(`unknown operator '-${opTok.v}' at position ${opTok.at}.`);
    const op = opTok.v as CompareOp;
    const value = parseValue();
    if ((op === 'in' || op === 'notin') !== Array.isArray(value)) {
      throw invalidRule(Array.isArray(value)
        ? `a list of values needs -in or -notIn, not '-${op}' (property '${t.v}').`
        : `'-${op}' needs a list of values such as ["a", "b"] (property '${t.v}').`);
    }
    if ((op === 'match' || op === 'notmatch') && typeof value === 'string') {
      try { new RegExp(value, 'i'); } catch { throw invalidRule(`'${value}' is not a valid regular expression.`); }
    }
    if (typeof value !== 'string' && !Array.isArray(value) && op !== 'eq' && op !== 'ne') {
      throw invalidRule(`'-${op}' needs a string value (property '${t.v}').`);
    }
    return { type: 'compare', property, path, op, value };
  };
  const parseValue = (): RuleValue => {
    const t = peek();
    if (!t) throw invalidRule('expected a value but found end of rule.');
    pos++;
    if (t.t === 'str') return t.v;
    if (t.t === 'word') {
      const w = t.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      throw invalidRule(`values must be quoted: ${describe(t)}.`);
    }
    if (t.t === 'punct' && t.v === '[') {
      const list: string[] = [];
      for (;;) {
        const v = peek();
        if (v?.t !== 'str') throw invalidRule(`expected a quoted value in the list but found ${describe(v)}.`);
        list.push(v.v);
        pos++;
        const sep = peek();
        pos++;
        if (sep?.t === 'punct' && sep.v === ']') return list;
        if (sep?.t !== 'punct' || sep.v !== ',') throw invalidRule(`expected ',' or ']' but found ${describe(sep)}.`);
      }
    }
    throw invalidRule(`expected a value but found ${describe(t)}.`);
  };

  const root = parseOr();
  if (pos < toks.length) throw invalidRule(`unexpected ${describe(toks[pos])}.`);
  return root;
}

function resolveProperty(raw: string): { property: string; path: string[] } {
  const dot = raw.indexOf('.');
  const object = dot < 0 ? raw : raw.slice(0, dot);
  const name = dot < 0 ? '' : raw.slice(dot + 1);
  if (object.toLowerCase() === 'device') {
    throw invalidRule(`'${raw}': rules on device properties are not evaluated by the lab's Graph emulator (user rules only).`);
  }
  if (object.toLowerCase() !== 'user' || !name || name.includes('.')) {
    throw invalidRule(`Wrong property applied: '${raw}'. Use user.<property>, e.g. user.department.`);
  }
  const lower = name.toLowerCase();
  if (lower === 'memberof') {
    throw invalidRule(`'${raw}': memberOf rules are not evaluated by the lab's Graph emulator (user property rules only).`);
  }
  const ext = /^extensionattribute(1[0-5]|[1-9])$/.exec(lower);
  if (ext) return { property: `extensionAttribute${ext[1]}`, path: ['onPremisesExtensionAttributes', `extensionAttribute${ext[1]}`] };
  const canonical = RULE_ALIASES[lower] ?? canonicalProperty('user', name);
  if (!canonical) throw invalidRule(`Wrong property applied: 'user.${name}' is not a user property.`);
  if (MULTI_VALUED.has(canonical)) {
    throw invalidRule(`'user.${canonical}' is multi-valued; its -any/-all forms are not evaluated by the lab's Graph emulator.`);
  }
  return { property: canonical, path: [canonical] };
}

function read(user: GraphUser, path: string[]): unknown {
  let v: unknown = user;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  return v ?? null;
}

const fold = (v: unknown) => (v === null || v === undefined ? '' : String(v)).toLowerCase();

/** Does the user satisfy the rule? */
export function evaluateRule(node: RuleNode, user: GraphUser): boolean {
  switch (node.type) {
    case 'and': return evaluateRule(node.left, user) && evaluateRule(node.right, user);
    case 'or': return evaluateRule(node.left, user) || evaluateRule(node.right, user);
    case 'not': return !evaluateRule(node.operand, user);
    case 'compare': return compare(read(user, node.path), node.op, node.value);
  }
}

function compare(actual: unknown, op: CompareOp, value: RuleValue): boolean {
  const a = fold(actual);
  switch (op) {
    case 'eq': return equals(actual, value);
    case 'ne': return !equals(actual, value);
    case 'startswith': return actual !== null && a.startsWith(fold(value));
    case 'notstartswith': return !(actual !== null && a.startsWith(fold(value)));
    case 'endswith': return actual !== null && a.endsWith(fold(value));
    case 'notendswith': return !(actual !== null && a.endsWith(fold(value)));
    case 'contains': return actual !== null && a.includes(fold(value));
    case 'notcontains': return !(actual !== null && a.includes(fold(value)));
    case 'match': return actual !== null && new RegExp(String(value), 'i').test(String(actual));
    case 'notmatch': return !(actual !== null && new RegExp(String(value), 'i').test(String(actual)));
    case 'in': return actual !== null && (value as string[]).some((v) => fold(v) === a);
    case 'notin': return !(actual !== null && (value as string[]).some((v) => fold(v) === a));
  }
}

function equals(actual: unknown, value: RuleValue): boolean {
  if (value === null) return actual === null || actual === '';
  if (typeof value === 'boolean') return actual === value || fold(actual) === String(value);
  return actual !== null && fold(actual) === fold(value);
}
