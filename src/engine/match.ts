/**
 * Match: find the AD object of a cloud group. First by anchor (msDS-ExternalDirectoryObjectId = Group_<id>);
 * then, for groups whose source of authority moved from AD to the cloud, by objectSid =
 * onPremisesSecurityIdentifier (the plan then stamps the anchor). Never by name. Two objects with one anchor
 * are an error for that group, never a guess.
 */
import type { CloudGroup } from '../model/cloud';
import type { AdGroup } from '../model/directory';
import type { Target } from '../model/ports';
import { anchorOf, type ErrorEntry, type MatchMethod } from './types';

export interface MatchLookup {
  byAnchor(anchor: string): Promise<AdGroup[]> | AdGroup[];
  bySid(sid: string): Promise<AdGroup | null> | AdGroup | null;
  /**
   * Optional: AD groups whose adminDescription is this anchor (Entra Connect group writeback's marker) and that
   * do not carry it as their anchor: Connect-written copies not migrated yet. Creating a group beside them would
   * give the cloud group a second AD object with a new SID, so the group is refused until they are adopted.
   */
  byConnectMarker?(anchor: string): Promise<AdGroup[]> | AdGroup[];
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
  const bySid = sid ? await lookup.bySid(sid) : null;
  if (!sid || !bySid) return (await unmatchedConnectCopy(group, anchor, lookup)) ?? { method: 'none', actual: null };
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

/** Lookups straight against the Target (delta cycles, on-demand). */
export function targetLookup(target: Target): MatchLookup {
  return {
    byAnchor: (a) => target.findByAnchor(a),
    bySid: (s) => target.findBySid(s),
    ...(target.findByAdminDescription ? { byConnectMarker: (a: string) => target.findByAdminDescription!(a) } : {}),
  };
}

/** Connect-written copies of this group that are not migrated (see MatchLookup.byConnectMarker), as an error. */
async function unmatchedConnectCopy(group: CloudGroup, anchor: string, lookup: MatchLookup): Promise<MatchResult | null> {
  if (!lookup.byConnectMarker) return null;
  const copies = (await lookup.byConnectMarker(anchor)).filter((g) => g.anchor?.toLowerCase() !== anchor.toLowerCase());
  if (copies.length === 0) return null;
  return unmatched(
    group,
    'UnmigratedConnectGroup',
    `${copies.length === 1 ? 'The AD group' : `${copies.length} AD groups`} ${copies.map((g) => g.dn).join('; ')} written by Entra Connect group writeback (adminDescription ${anchor}) ${copies.length === 1 ? 'exists' : 'exist'} for this cloud group without its anchor: creating another would give it a new SID.`,
    'Adopt the Connect-written group in place with Start-GroupWritebackMigration (gwb migrate apply); if two AD objects carry the marker, keep one and clear adminDescription on the other. The group is retried next cycle.',
    copies[0].dn,
  );
}

/** Connect-written groups (adminDescription Group_<id>) by that marker, for full cycles. */
export class ConnectMarkerIndex {
  private readonly map = new Map<string, AdGroup[]>();

  add(group: AdGroup): void {
    const marker = adAttribute(group, 'adminDescription');
    if (typeof marker !== 'string' || !/^group_/i.test(marker)) return;
    if (group.anchor?.toLowerCase() === marker.toLowerCase()) return;
    const k = marker.toLowerCase();
    const list = this.map.get(k);
    if (list) list.push(group);
    else this.map.set(k, [group]);
  }

  get(anchor: string): AdGroup[] {
    return this.map.get(anchor.toLowerCase()) ?? [];
  }
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
