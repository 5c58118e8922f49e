/**
 * `msDS-ReplValueMetaData`: AD's per-value replication metadata of linked attributes such as `member`, served as
 * one XML fragment per value (`<DS_REPL_VALUE_META_DATA>…</DS_REPL_VALUE_META_DATA>`). It tells when a value was
 * added (ftimeCreated), removed (ftimeDeleted), last changed, and on which DC the change originated; it does not
 * tell which account made it. Samba 4.17 does not serve the attribute (the search returns nothing), so callers
 * fall back to the group's whenChanged.
 */
import type { MemberValueMeta } from '../model/directory';

const NEVER = '1601-01-01T00:00:00Z';

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!m) return undefined;
  return m[1].trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function time(xml: string, name: string): string | undefined {
  const t = tag(xml, name);
  if (!t || t === NEVER || Number.isNaN(Date.parse(t))) return undefined;
  return new Date(t).toISOString();
}

/** Parse the values of `msDS-ReplValueMetaData`, keeping those of `attribute` (default `member`). */
export function parseReplValueMetaData(values: readonly string[], attribute = 'member'): MemberValueMeta[] {
  const out: MemberValueMeta[] = [];
  for (const v of values) {
    if (!v.includes('<DS_REPL_VALUE_META_DATA>')) continue;
    if ((tag(v, 'pszAttributeName') ?? '').toLowerCase() !== attribute.toLowerCase()) continue;
    const memberDn = tag(v, 'pszObjectDn');
    if (!memberDn) continue;
    const created = time(v, 'ftimeCreated');
    const deleted = time(v, 'ftimeDeleted');
    const lastChange = time(v, 'ftimeLastOriginatingChange');
    const originatingDsa = tag(v, 'pszLastOriginatingDsaDN');
    out.push({ memberDn, ...(created ? { created } : {}), ...(deleted ? { deleted } : {}), ...(lastChange ? { lastChange } : {}), ...(originatingDsa ? { originatingDsa } : {}) });
  }
  return out;
}
