/**
 * Match: find the AD object of a cloud group. First by anchor (msDS-ExternalDirectoryObjectId = Group_<id>);
 * then, for groups whose source of authority moved from AD to the cloud, by objectSid =
 * onPremisesSecurityIdentifier (the plan then stamps the anchor). Never by name. Two objects with one anchor
 * are an error for that group, never a guess.
 */
import type { CloudGroup } from '../model/cloud';
import type { AdGroup } from '../model/directory';
import { anchorOf, type ErrorEntry, type MatchMethod } from './types';

export interface MatchLookup {
  byAnchor(anchor: string): Promise<AdGroup[]> | AdGroup[];
  bySid(sid: string): Promise<AdGroup | null> | AdGroup | null;
}

export interface MatchResult {
  method: MatchMethod;
  actual: AdGroup | null;
  error?: ErrorEntry;
}

/** Attribute lookup on an AdGroup, case-insensitive on the name. */
export function adAttribute(group: AdGroup, name: string): string | string[] | undefined {
  if (name in group.attributes) return group.attributes[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(group.attributes)) if (k.toLowerCase() === lower) return group.attributes[k];
  return undefined;
}

export function isUniversal(group: AdGroup): boolean | undefined {
  const gt = adAttribute(group, 'groupType');
  if (gt === undefined || Array.isArray(gt)) return undefined;
  const n = Number.parseInt(gt, 10);
  return Number.isFinite(n) ? (n & 0x8) !== 0 : undefined;
}

/** No match, because of an error that concerns this group only (the cycle goes on with the others). */
function unmatched(group: CloudGroup, code: string, message: string, hint: string, dn?: string): MatchResult {
  const error: ErrorEntry = { kind: 'error', groupId: group.id, displayName: group.displayName, code, message, hint };
  if (dn !== undefined) error.dn = dn;
  return { method: 'none', actual: null, error };
}

export async function matchGroup(group: CloudGroup, lookup: MatchLookup): Promise<MatchResult> {
  const anchor = anchorOf(group.id);
  const found = await lookup.byAnchor(anchor);
  if (found.length > 1) {
    return unmatched(
      group,
      'DuplicateTargetEntries',
      `${found.length} AD objects carry the anchor ${anchor}: ${found.map((g) => g.dn).join('; ')}`,
      'Only one AD object may carry a given msDS-ExternalDirectoryObjectId. Delete the stray copy or clear the attribute on it; the group is retried next cycle.',
    );
  }
  if (found.length === 1) return { method: 'anchor', actual: found[0] };
  const sid = group.onPremisesSecurityIdentifier;
  if (!sid) return { method: 'none', actual: null };
  const bySid = await lookup.bySid(sid);
  if (!bySid) return { method: 'none', actual: null };
  if (bySid.anchor && bySid.anchor.toLowerCase() !== anchor.toLowerCase()) {
    return unmatched(
      group,
      'SidMatchAnchoredElsewhere',
      `The AD group ${bySid.dn} has the SID ${sid} of this group but carries the anchor ${bySid.anchor}.`,
      'Check which cloud group owns this AD group; clear msDS-ExternalDirectoryObjectId on it if the anchor is wrong.',
      bySid.dn,
    );
  }
  if (isUniversal(bySid) === false) {
    return unmatched(
      group,
      'GroupScopeNotUniversal',
      `The AD group ${bySid.dn} (matched by SID ${sid}) is not a Universal group.`,
      'Change the group scope to Universal in AD (Set-ADGroup -GroupScope Universal), then run the cycle again.',
      bySid.dn,
    );
  }
  return { method: 'sid', actual: bySid };
}

/** An in-memory anchor index over listAnchoredGroups() for full cycles. */
export class AnchorIndex {
  private readonly byAnchorMap = new Map<string, AdGroup[]>();

  add(group: AdGroup): void {
    if (!group.anchor) return;
    const k = group.anchor.toLowerCase();
    const list = this.byAnchorMap.get(k);
    if (list) list.push(group);
    else this.byAnchorMap.set(k, [group]);
  }

  get(anchor: string): AdGroup[] {
    return this.byAnchorMap.get(anchor.toLowerCase()) ?? [];
  }

  get size(): number {
    return this.byAnchorMap.size;
  }

  entries(): IterableIterator<[string, AdGroup[]]> {
    return this.byAnchorMap.entries();
  }
}
