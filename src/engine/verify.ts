/**
 * Verify: a drift report. A full dry-run cycle compares every in-scope group with AD; each difference becomes a
 * Drift record (group missing, attribute differs, name/location differs, member missing, member extra, an
 * AD object carrying our anchor that nothing manages, a pending lifecycle action, an error).
 */
import type { PlanAction } from './types';

export type DriftKind =
  | 'GroupMissing'
  | 'AttributeDiffers'
  | 'NameOrLocationDiffers'
  | 'MemberMissing'
  | 'MemberExtra'
  | 'UnmanagedObject'
  | 'PendingLifecycle'
  | 'Error';

export interface Drift {
  kind: DriftKind;
  groupId: string;
  displayName?: string | null;
  dn?: string;
  attribute?: string;
  expected?: string | string[] | null;
  actual?: string | string[] | null;
  member?: string;
  reason?: string;
}

/** The drift records one planned action stands for (none for skips of excluded objects). */
export function driftOf(a: PlanAction): Drift[] {
  switch (a.kind) {
    case 'create':
      return [{ kind: 'GroupMissing', groupId: a.groupId, displayName: a.displayName, dn: a.dn, reason: 'no AD group carries its anchor' }];
    case 'update':
      return a.changes.map((c) => ({ kind: 'AttributeDiffers', groupId: a.groupId, displayName: a.displayName, dn: a.dn, attribute: c.attribute, expected: c.new, actual: c.old }));
    case 'move':
      return [{ kind: 'NameOrLocationDiffers', groupId: a.groupId, displayName: a.displayName, dn: a.fromDn, expected: a.toDn, actual: a.fromDn, attribute: 'distinguishedName' }];
    case 'memberAdd':
      return a.memberDns.map((m) => ({ kind: 'MemberMissing', groupId: a.groupId, displayName: a.displayName, dn: a.dn, member: m }));
    case 'memberRemove':
      return a.memberDns.map((m) => ({ kind: 'MemberExtra', groupId: a.groupId, displayName: a.displayName, dn: a.dn, member: m }));
    case 'delete':
    case 'empty':
    case 'convertToDistribution':
    case 'leave':
      return [{ kind: 'PendingLifecycle', groupId: a.groupId, displayName: a.displayName, dn: a.dn, reason: a.reason }];
    case 'skip':
      return a.code === 'UnmanagedAnchoredObject' ? [{ kind: 'UnmanagedObject', groupId: a.sourceId, displayName: a.displayName ?? null, ...(a.dn ? { dn: a.dn } : {}), reason: a.reason }] : [];
    case 'error':
      return [{ kind: 'Error', groupId: a.groupId, displayName: a.displayName ?? null, ...(a.dn ? { dn: a.dn } : {}), reason: `${a.code}: ${a.message}` }];
  }
}
