/** The flat, printable shape of a planned action (GroupWriteback.PlanAction). */
import type { PlanAction } from '../engine/types';

export const PLAN_ACTION_TYPE = 'GroupWriteback.PlanAction';

export interface PlanActionView {
  /** create | update | move | memberAdd | memberRemove | delete | empty | convertToDistribution | leave | skip | error */
  action: string;
  groupId: string;
  displayName?: string | null;
  dn?: string;
  newDn?: string;
  /** update: attribute old → new. create: the attributes written. */
  changes?: { attribute: string; old: string | string[] | null; new: string | string[] | null }[];
  memberDns?: string[];
  count?: number;
  /** skip: the skipped object (group or member) and its type. */
  sourceId?: string;
  sourceType?: string;
  reason?: string;
  code?: string;
  hint?: string;
  /** lifecycle actions held by the delete threshold: the held batch. */
  heldIn?: string;
  cause?: string;
}

export function planActionView(a: PlanAction): PlanActionView {
  switch (a.kind) {
    case 'create':
      return { action: 'create', groupId: a.groupId, displayName: a.displayName, dn: a.dn, changes: Object.entries(a.attributes).map(([attribute, v]) => ({ attribute, old: null, new: v })) };
    case 'update':
      return { action: 'update', groupId: a.groupId, displayName: a.displayName, dn: a.dn, changes: a.changes, ...(a.matchedBy === 'sid' ? { reason: 'matched by objectSid (source of authority converted): anchor stamped' } : {}) };
    case 'move':
      return { action: a.rename && a.moved ? 'renameAndMove' : a.rename ? 'rename' : 'move', groupId: a.groupId, displayName: a.displayName, dn: a.fromDn, newDn: a.toDn };
    case 'memberAdd':
    case 'memberRemove':
      return { action: a.kind, groupId: a.groupId, displayName: a.displayName, dn: a.dn, memberDns: a.memberDns, count: a.memberDns.length };
    case 'delete':
    case 'empty':
    case 'convertToDistribution':
    case 'leave':
      return { action: a.kind, groupId: a.groupId, displayName: a.displayName, dn: a.dn, reason: a.reason, cause: a.cause, ...(a.heldIn ? { heldIn: a.heldIn } : {}) };
    case 'skip':
      return { action: 'skip', groupId: a.groupId ?? a.sourceId, sourceId: a.sourceId, sourceType: a.sourceType, ...(a.displayName ? { displayName: a.displayName } : {}), ...(a.dn ? { dn: a.dn } : {}), reason: a.reason, ...(a.code ? { code: a.code } : {}) };
    case 'error':
      return { action: 'error', groupId: a.groupId, displayName: a.displayName ?? null, ...(a.dn ? { dn: a.dn } : {}), code: a.code, reason: a.message, ...(a.hint ? { hint: a.hint } : {}) };
  }
}
