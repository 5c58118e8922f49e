/**
 * The small OData subset the entitlement management collections support: `$filter` as `path eq 'value'`
 * clauses joined by `and` (Graph documents `eq` on these properties only), and `$expand` lists with nested
 * options (`resourceRoleScopes($expand=role,scope)`).
 */
import { badRequest } from '../errors';

export interface EqClause {
  /** Lower-cased property path, e.g. `target/objectid`. */
  path: string;
  value: string;
}

export function parseEqFilter(raw: string | undefined, allowed: string[]): EqClause[] {
  if (raw === undefined || raw.trim() === '') return [];
  const clauses: EqClause[] = [];
  for (const part of raw.split(/\s+and\s+/i)) {
    const m = /^\s*\(?\s*([A-Za-z][\w/]*)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/i.exec(part);
    if (!m) throw badRequest(`Invalid filter clause: '${part.trim()}'. Only 'property eq 'value'' clauses joined by 'and' are supported.`);
    const path = m[1].toLowerCase();
    if (!allowed.includes(path)) throw badRequest(`Invalid filter clause: the property '${m[1]}' is not supported in $filter.`);
    clauses.push({ path, value: m[2].replace(/''/g, "'") });
  }
  return clauses;
}

export function matchesAll(clauses: EqClause[], valueOf: (path: string) => string | null | undefined): boolean {
  return clauses.every((c) => (valueOf(c.path) ?? '').toLowerCase() === c.value.toLowerCase());
}

/** `$expand=a,b($expand=c,d)` → Map { a → [], b → ['c','d'] } (names lower-cased). */
export function parseExpand(raw: string | undefined, allowed: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let depth = 0;
  let cur = '';
  const items: string[] = [];
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) items.push(cur);
  for (const item of items) {
    const m = /^\s*(\w+)\s*(?:\(\s*\$expand=([^)]*)\))?\s*$/i.exec(item);
    if (!m) throw badRequest(`Invalid $expand option: '${item}'.`);
    const name = m[1].toLowerCase();
    if (!allowed.includes(name)) throw badRequest(`Could not find a property named '${m[1]}' on this type to expand.`);
    out.set(name, m[2] ? m[2].split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : []);
  }
  return out;
}
