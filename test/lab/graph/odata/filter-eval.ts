/** Evaluate a parsed `$filter` against a directory object (property names and string compares case-insensitive). */
import type { FilterNode, Literal, Operand } from './filter-parser';

type Vars = Record<string, unknown>;

export function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    if (seg in rec) { cur = rec[seg]; continue; }
    const key = Object.keys(rec).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = key === undefined ? undefined : rec[key];
  }
  return cur;
}

function value(op: Operand, obj: Record<string, unknown>, vars: Vars): unknown {
  if (op.t === 'lit') return op.v;
  const [head, ...rest] = op.path;
  if (head in vars) return rest.length ? getPath(vars[head] as Record<string, unknown>, rest) : vars[head];
  return getPath(obj, op.path);
}

function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(a: unknown, b: unknown): number {
  const x = norm(a);
  const y = norm(b);
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

export function evaluate(node: FilterNode, obj: Record<string, unknown>, vars: Vars = {}): boolean {
  switch (node.t) {
    case 'and': return evaluate(node.l, obj, vars) && evaluate(node.r, obj, vars);
    case 'or': return evaluate(node.l, obj, vars) || evaluate(node.r, obj, vars);
    case 'not': return !evaluate(node.e, obj, vars);
    case 'cmp': {
      const l = value(node.l, obj, vars);
      const r = value(node.r, obj, vars);
      if (node.op === 'eq' || node.op === 'ne') {
        const eq = (l ?? null) === null || (r ?? null) === null ? (l ?? null) === (r ?? null) : norm(l) === norm(r);
        return node.op === 'eq' ? eq : !eq;
      }
      if (l === null || l === undefined) return false;
      const c = compare(l, r);
      return node.op === 'gt' ? c > 0 : node.op === 'ge' ? c >= 0 : node.op === 'lt' ? c < 0 : c <= 0;
    }
    case 'in': {
      const l = norm(value(node.l, obj, vars));
      return node.list.some((v: Literal) => norm(v) === l);
    }
    case 'fn': {
      const s = value(node.prop, obj, vars);
      const a = value(node.arg, obj, vars);
      if (typeof s !== 'string' || typeof a !== 'string') return false;
      const x = s.toLowerCase();
      const y = a.toLowerCase();
      return node.name === 'startswith' ? x.startsWith(y) : node.name === 'endswith' ? x.endsWith(y) : x.includes(y);
    }
    case 'lambda': {
      const coll = getPath(obj, node.path);
      const items = Array.isArray(coll) ? coll : [];
      const test = (item: unknown) => evaluate(node.body, obj, { ...vars, [node.v]: item });
      return node.kind === 'any' ? items.some(test) : items.every(test);
    }
  }
}
