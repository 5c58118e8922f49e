/**
 * Drift: managed groups changed in AD by someone other than this engine. Each cycle asks the directory for its
 * highestCommittedUSN first; the next cycle finds every anchored group with a higher uSNChanged in ONE indexed
 * search per target container, and reconciles those groups like changed cloud groups (members added by hand are
 * removed — unless membership.keepUnmanagedMembers — and logged as drift). The engine's own writes bump
 * uSNChanged too, so after applying, a closing search over (start, end] keeps only the groups the cycle did NOT
 * write (changed by someone else meanwhile) for the next cycle, and the watermark moves to `end`.
 * A group both written by the engine and changed by someone else within that window is repaired by the next
 * full cycle (or the next change to it).
 */
import { formatDn, isDescendantOf, normalizeDn, parentDn, parentDnText, parseDn } from '../directory/dn';
import type { ChangedGroup } from '../model/directory';
import type { Target } from '../model/ports';
import type { StateDoc } from '../state/types';
import { groupIdOfAnchor } from './types';
import type { TrackedTarget } from './write-tracker';

/** More containers than this: search the whole search base once instead. */
const MAX_BASES = 10;

export type DriftTarget = Target & Required<Pick<Target, 'highestCommittedUsn' | 'findChangedGroups'>>;

export function supportsDrift(target: Target): target is DriftTarget {
  return typeof target.highestCommittedUsn === 'function' && typeof target.findChangedGroups === 'function';
}

/**
 * The containers holding managed groups (none nested in another), or undefined for the whole search base. Runs every
 * cycle over every managed group: each DISTINCT parent (as written in the records) is parsed once, not every group's
 * DN — a large job's groups share a few containers (50,000 full DN parses cost ≈ 1 s of CPU; this, ≈ 20 ms).
 */
export function driftBases(doc: StateDoc): string[] | undefined {
  const parents = new Map<string, string>();
  const seen = new Set<string>();
  for (const r of Object.values(doc.groups)) {
    if (r.status !== 'managed') continue;
    const text = parentDnText(r.dn);
    if (text !== undefined && seen.has(text)) continue;
    try {
      const p = text === undefined ? parentDn(r.dn) : formatDn(parseDn(text));
      parents.set(normalizeDn(p), p);
    } catch {
      return undefined;
    }
    if (text !== undefined) seen.add(text);
  }
  const all = [...parents.values()];
  const top = all.filter((p) => !all.some((q) => q !== p && isDescendantOf(p, q)));
  return top.length === 0 || top.length > MAX_BASES ? undefined : top;
}

/** Managed group id → the changed AD object, for the groups changed since the watermark (plus pending ones). */
export async function findDrift(target: DriftTarget, doc: StateDoc): Promise<Map<string, ChangedGroup>> {
  const out = new Map<string, ChangedGroup>();
  for (const [id, dn] of Object.entries(doc.driftPending ?? {})) {
    if (doc.groups[id]?.status === 'managed') out.set(id, { dn, objectGuid: doc.groups[id].objectGuid, anchor: null, usnChanged: '0' });
  }
  if (!doc.adUsn) return out;
  for (const g of await target.findChangedGroups(doc.adUsn, undefined, driftBases(doc))) {
    const id = groupIdOfAnchor(g.anchor);
    if (id && doc.groups[id]?.status === 'managed') out.set(id, g);
  }
  return out;
}

/**
 * After applying: groups changed in (start, end] that this cycle did not write were changed by someone else
 * while it ran — remember them for the next cycle. Returns the new watermark.
 */
export async function closeDriftWindow(target: DriftTarget, doc: StateDoc, start: string, written: Pick<TrackedTarget, 'unwritten'>): Promise<string> {
  const end = await target.highestCommittedUsn();
  const pending: Record<string, string> = {};
  if (BigInt(end) > BigInt(start)) {
    const changed = new Map<string, string>();
    for (const g of await target.findChangedGroups(start, end, driftBases(doc))) {
      const id = groupIdOfAnchor(g.anchor);
      if (id && doc.groups[id]?.status === 'managed') changed.set(g.dn, id);
    }
    for (const dn of written.unwritten([...changed.keys()])) pending[changed.get(dn)!] = dn;
  }
  if (Object.keys(pending).length) doc.driftPending = pending;
  else delete doc.driftPending;
  doc.adUsn = end;
  return end;
}
