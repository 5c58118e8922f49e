/** The result of one cycle (GroupWriteback.RunSummary), also kept in the state store's run history. */
import type { DirectoryOpCounts } from '../model/directory';

export interface GroupCounts {
  /** Cloud groups read (full cycle) or changed groups received (delta). */
  read: number;
  inScope: number;
  outOfScope: number;
  created: number;
  updated: number;
  renamed: number;
  moved: number;
  unchanged: number;
  deleted: number;
  emptied: number;
  converted: number;
  released: number;
  held: number;
  failed: number;
}

export interface MemberCounts {
  /** Groups whose membership was reconciled. */
  groups: number;
  added: number;
  removed: number;
  skipped: number;
}

export interface RunSummary {
  cycleId: string;
  configName: string;
  mode: 'full' | 'delta';
  /** Why the cycle was full (first run, --full, delta token expired, configuration changed…). */
  fullReason?: string;
  dryRun: boolean;
  status: 'success' | 'partial' | 'held' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  groups: GroupCounts;
  members: MemberCounts;
  /** Deletes held by the threshold: the batch created in this cycle (new) or the latest one still waiting. */
  held?: { batchId: string; count: number; reason: string; new: boolean };
  /** Lifecycle actions still waiting in held batches (not approved yet). */
  pendingHeld: number;
  /** Approved batches applied at the start of this cycle. */
  approved?: { batchId: string; applied: number; skipped: number }[];
  /** Managed groups changed in AD outside this engine since the last cycle (uSNChanged), and how many needed a fix. */
  drift?: { changedGroups: number; repairedGroups: number };
  errors: number;
  /** First errors (up to 20) for a quick look; the provisioning log has all. */
  errorSamples: { groupId?: string; code: string; message: string }[];
  /** Set when the cycle failed as a whole. */
  failure?: { code: string; message: string; hint?: string };
  quarantined?: { reason: string; since: string };
  phases: { name: string; ms: number }[];
  /** Peak resident memory of this process so far (MiB). */
  peakRssMb: number;
  /** CPU time of this process so far (ms, user and system): the core's own cost beside the DC's. */
  cpuMs?: { user: number; system: number };
  ldap?: DirectoryOpCounts;
  graph?: Record<string, unknown>;
}

export function emptyGroupCounts(): GroupCounts {
  return { read: 0, inScope: 0, outOfScope: 0, created: 0, updated: 0, renamed: 0, moved: 0, unchanged: 0, deleted: 0, emptied: 0, converted: 0, released: 0, held: 0, failed: 0 };
}
