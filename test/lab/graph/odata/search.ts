/** `$search="displayName:foo" OR "description:bar"`: tokenized prefix matching, as directory search behaves. */
import { badRequest } from '../errors';
import { getPath } from './filter-eval';

interface Clause { prop: string; term: string }

export function parseSearch(raw: string): { clauses: Clause[]; op: 'AND' | 'OR' } {
  const parts = raw.trim().split(/\s+(AND|OR)\s+/);
  const clauses: Clause[] = [];
  let op: 'AND' | 'OR' = 'AND';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) { op = parts[i] as 'AND' | 'OR'; continue; }
    const m = /^"([^":]+):([^"]*)"$/.exec(parts[i].trim());
    if (!m) throw badRequest(`Syntax error: invalid $search clause '${parts[i]}'. Use "property:value" in double quotes.`);
    clauses.push({ prop: m[1], term: m[2].toLowerCase() });
  }
  return { clauses, op };
}

export function matchesSearch(obj: Record<string, unknown>, search: { clauses: Clause[]; op: 'AND' | 'OR' }): boolean {
  const test = (c: Clause) => {
    const v = getPath(obj, [c.prop]);
    const values = Array.isArray(v) ? v : [v];
    return values.some((x) => {
      if (typeof x !== 'string') return false;
      const s = x.toLowerCase();
      return s.startsWith(c.term) || s.split(/[^a-z0-9]+/).some((w) => w.startsWith(c.term));
    });
  };
  return search.op === 'AND' ? search.clauses.every(test) : search.clauses.some(test);
}
