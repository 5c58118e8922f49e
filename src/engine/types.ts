/**
 * Values that flow through one cycle: scope decisions, desired groups, match results and the plan.
 * All plain data: printable, serialisable, comparable in tests.
 */
import type { ModifiedProperty } from '../state/log';

export type { ModifiedProperty };

/** The anchor value for a cloud group id (msDS-ExternalDirectoryObjectId). */
export const ANCHOR_PREFIX = 'Group_';
export function anchorOf(groupId: string): string {
  return `${ANCHOR_PREFIX}${groupId}`;
}
/** The cloud group id of an anchor, or null when it is not a group anchor. */
export function groupIdOfAnchor(anchor: string | null | undefined): string | null {
  if (!anchor || anchor.slice(0, ANCHOR_PREFIX.length).toLowerCase() !== ANCHOR_PREFIX.toLowerCase()) return null;
  return anchor.slice(ANCHOR_PREFIX.length).toLowerCase();
}

/** groupType of a universal security group (0x80000008). */
export const GROUP_TYPE_UNIVERSAL_SECURITY = '-2147483640';
/** groupType of a universal distribution group (0x00000008). */
export const GROUP_TYPE_UNIVERSAL_DISTRIBUTION = '8';

/** Outcome of scoping one cloud group. */
export type ScopeReasonCode =
  | 'Selected'
  | 'AllSecurity'
  | 'FilterMatched'
  | 'NotSelected'
  | 'NoFilterMatch'
  | 'Microsoft365'
  | 'MailEnabled'
  | 'NotSecurity'
  | 'SyncedFromAD';

export interface ScopeDecision {
  groupId: string;
  displayName: string | null;
  inScope: boolean;
  /** The reason as a short code, readable in an 80-column table (the reason says it in full). */
  reasonCode: ScopeReasonCode;
  /** Why it is in ("selected", "all security groups", "matched filter 2") or out ("mail-enabled"…). */
  reason: string;
  /** 1-based index of the first matching filter, when filters decided. */
  matchedFilter?: number;
}

/** The AD object a cloud group should be, computed by the mappings. */
export interface DesiredGroup {
  groupId: string;
  displayName: string | null;
  anchor: string;
  cn: string;
  parentDn: string;
  /** CN=<escaped cn>,<parentDn>. */
  dn: string;
  /** Attribute values to write (null = absent). Excludes cn, member and parentDistinguishedName. */
  attributes: Record<string, string | string[] | null>;
  /** Attributes written only on create (mapping apply mode "only during creation"). */
  onCreateOnly: string[];
  /** Attributes whose value flow was dropped (IgnoreFlowIfNullOrEmpty): leave AD as it is. */
  dropped: string[];
}

export type MatchMethod = 'anchor' | 'sid' | 'none';

/** Why a member reference is not written. */
export interface MemberSkip {
  memberId: string;
  kind: string;
  reason: string;
  /** The member's UPN (users) or display name, when the Source gave it. */
  name?: string;
}

// ---------------------------------------------------------------- plan

export interface CreateAction {
  kind: 'create';
  groupId: string;
  displayName: string | null;
  dn: string;
  attributes: Record<string, string | string[]>;
}

export interface UpdateAction {
  kind: 'update';
  groupId: string;
  displayName: string | null;
  dn: string;
  changes: ModifiedProperty[];
  /** Set when this update stamps the anchor on a group matched by SID (source of authority converted). */
  matchedBy?: MatchMethod;
}

export interface MoveAction {
  kind: 'move';
  groupId: string;
  displayName: string | null;
  fromDn: string;
  toDn: string;
  /** The cn changed. */
  rename: boolean;
  /** The parent container changed. */
  moved: boolean;
}

export interface MemberAction {
  kind: 'memberAdd' | 'memberRemove';
  groupId: string;
  displayName: string | null;
  dn: string;
  memberDns: string[];
}

/** What happens to the AD group: deleted, emptied, converted to a distribution group, or left as it is. */
export type LifecycleKind = 'delete' | 'empty' | 'convertToDistribution' | 'leave';
export type LifecycleCause = 'softDelete' | 'permanentDelete' | 'scopeExit';

export interface LifecycleAction {
  kind: LifecycleKind;
  cause: LifecycleCause;
  groupId: string;
  displayName: string | null;
  dn: string;
  objectGuid: string;
  reason: string;
  /** Set when the safety threshold holds it (the batch id). */
  heldIn?: string;
}

export interface SkipEntry {
  kind: 'skip';
  /** The skipped cloud object (group, or member). */
  sourceId: string;
  sourceType: 'group' | 'user' | 'device' | 'orgContact' | 'servicePrincipal' | 'other';
  displayName?: string | null;
  /** For member skips: the parent group. */
  groupId?: string;
  reason: string;
  /** A machine-readable marker for special skips (e.g. UnmanagedAnchoredObject). */
  code?: string;
  dn?: string;
}

export interface ErrorEntry {
  kind: 'error';
  groupId: string;
  displayName?: string | null;
  dn?: string;
  code: string;
  message: string;
  hint?: string;
}

export type PlanAction = CreateAction | UpdateAction | MoveAction | MemberAction | LifecycleAction | SkipEntry | ErrorEntry;

/** The object part of one group's plan (pure result of desired vs actual). */
export interface GroupObjectPlan {
  create?: CreateAction;
  move?: MoveAction;
  update?: UpdateAction;
  error?: ErrorEntry;
}

/** The member part of one group's plan. */
export interface GroupMemberPlan {
  add?: MemberAction;
  remove?: MemberAction;
}
