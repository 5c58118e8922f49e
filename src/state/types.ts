/** What the state store keeps between cycles. AD stays the truth for what exists; this is memory, not truth. */
import { internStamps } from './stamp';


export type GroupStatus =
  /** In scope and provisioned: the engine keeps it in line with the cloud. */
  | 'managed'
  /** Soft-deleted in Entra: emptied (or left, per config) and kept, waiting for a restore or a permanent delete. */
  | 'softDeleted'
  /** Left scope (or was permanently deleted with onPermanentDelete=leave): no longer managed. */
  | 'released';

export interface GroupRecord {
  dn: string;
  objectGuid: string;
  status: GroupStatus;
  /** When the status last changed. */
  since: string;
  /** Normalized DNs of members this engine wrote (only kept when membership.keepUnmanagedMembers is on). */
  writtenMembers?: string[];
}

export interface FailedObject {
  groupId: string;
  attempts: number;
  firstAt: string;
  lastAt: string;
  error: { code: string; message: string };
}

export type HeldActionKind = 'delete' | 'empty' | 'convertToDistribution' | 'removeMembers';

export interface HeldAction {
  groupId: string;
  dn: string;
  objectGuid: string;
  action: HeldActionKind;
  /** softDelete | permanentDelete | scopeExit (delete threshold) | memberRemoval (member-removal guard) */
  cause: 'softDelete' | 'permanentDelete' | 'scopeExit' | 'memberRemoval';
  reason: string;
  /** removeMembers: the member DNs held (approval removes those still absent from the cloud group). */
  memberDns?: string[];
}

export type HeldBatchStatus = 'held' | 'approved' | 'applied';

export interface HeldBatch {
  id: string;
  createdAt: string;
  cycleId: string;
  status: HeldBatchStatus;
  reason: string;
  threshold: number;
  actions: HeldAction[];
  approvedAt?: string;
  appliedAt?: string;
  appliedCycleId?: string;
  /** Actions skipped when applied (object gone, group restored…), with reasons. */
  skipped?: { groupId: string; reason: string }[];
}

export interface Quarantine {
  since: string;
  reason: string;
  code: string;
  failures: number;
  hint?: string;
}

export interface StateDoc {
  version: 1;
  /** Tenant + domain this store belongs to: a store is never reused for another job. */
  tenantId?: string;
  baseDn?: string;
  deltaLink?: string;
  deltaLinkAt?: string;
  lastFullCycleAt?: string;
  lastCycleAt?: string;
  /** Force the next cycle to be full (set by reset --full or a mapping change). */
  fullCycleRequested?: string;
  /** Hash of the mappings/scope/target config: a change forces a full cycle. */
  configHash?: string;
  groups: Record<string, GroupRecord>;
  failed: Record<string, FailedObject>;
  held: HeldBatch[];
  quarantine?: Quarantine;
  /**
   * Nested references that could not be written yet: child cloud group id → parent group ids. When the child
   * becomes provisioned, a delta cycle reconciles those parents' membership.
   */
  nestedWaiting?: Record<string, string[]>;
  /**
   * Drift watermark: the DC's highestCommittedUSN after the last successful cycle (including its own writes).
   * The next cycle reconciles the managed groups whose uSNChanged is higher.
   */
  adUsn?: string;
  /** Managed groups (id → DN) changed by someone else while the last cycle ran: reconciled by the next one. */
  driftPending?: Record<string, string>;
  consecutiveFailures: number;
  lastFailure?: { at: string; code: string; message: string };
}

export function emptyState(): StateDoc {
  return { version: 1, groups: {}, failed: {}, held: [], consecutiveFailures: 0 };
}

/**
 * A state just read back (file or directory store): the fields older states lack get their defaults, and records
 * stamped in the same second share one `since` string (internStamps).
 */
export function settleLoadedState(doc: StateDoc): StateDoc {
  doc.failed ??= {};
  doc.held ??= [];
  doc.consecutiveFailures ??= 0;
  internStamps(Object.values(doc.groups ?? {}));
  return doc;
}
