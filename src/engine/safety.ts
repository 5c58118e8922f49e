/**
 * Safety: the accidental-delete threshold (group deletes + empties + conversions per cycle; over it none is
 * applied, they are held as one batch that `approve-deletes` releases), the member-removal guard (a large share
 * of a large group's members removed in one cycle is held the same way) and quarantine after repeated total
 * failure (bad credentials, DC down), cleared by `reset`.
 */
import { createHash } from 'node:crypto';
import { serializeError } from '../core/errors';
import { normalizeDn } from '../directory/dn';
import { say } from '../core/surface';
import type { StateDoc, HeldAction, HeldBatch, Quarantine } from '../state/types';
import { HeldBatchError, QuarantinedError } from './errors';
import { countsTowardThreshold } from './lifecycle';
import type { LifecycleAction } from './types';

export interface ThresholdOutcome {
  /** Apply now. */
  apply: LifecycleAction[];
  /** Over the threshold: hold as a new batch. */
  hold: LifecycleAction[];
  /** Already waiting in a pending batch: neither counted nor applied again. */
  pending: LifecycleAction[];
}

/** Group ids whose lifecycle action (delete, empty, conversion) waits in a held or approved batch. */
export function pendingHeldGroupIds(doc: StateDoc): Set<string> {
  const ids = new Set<string>();
  for (const b of doc.held) if (b.status !== 'applied') for (const a of b.actions) if (a.action !== 'removeMembers') ids.add(a.groupId);
  return ids;
}

/**
 * The member-removal guard: true when removing `removing` of a group's `present` AD members in one cycle is
 * more than safety.memberRemovalThreshold allows (a large share of a large group — what a broken read looks like).
 */
export function memberRemovalOverThreshold(guard: { percent: number; minGroupSize: number }, present: number, removing: number): boolean {
  return guard.percent > 0 && present >= guard.minGroupSize && removing * 100 > guard.percent * present;
}

/** The held (not yet approved) batch in which this group's member removals wait, if any. */
export function pendingMemberRemoval(doc: StateDoc, groupId: string): HeldBatch | undefined {
  return doc.held.find((b) => b.status === 'held' && b.actions.some((a) => a.action === 'removeMembers' && a.groupId === groupId));
}

/** One batch for the member removals the guard held this cycle. */
export function createMemberRemovalBatch(doc: StateDoc, cycleId: string, actions: HeldAction[], percent: number, now = new Date()): HeldBatch {
  const members = actions.reduce((n, a) => n + (a.memberDns?.length ?? 0), 0);
  const batch: HeldBatch = {
    id: memberRemovalBatchId(doc, actions, percent),
    createdAt: now.toISOString(),
    cycleId,
    status: 'held',
    threshold: percent,
    reason: `Member-removal guard: ${members} member removals in ${actions.length} group(s), each more than safety.memberRemovalThreshold.percent = ${percent} % of the group's AD members, in one cycle.`,
    actions,
  };
  doc.held.push(batch);
  return batch;
}

export function partitionByThreshold(actions: LifecycleAction[], threshold: number, pendingIds: ReadonlySet<string>): ThresholdOutcome {
  const pending = actions.filter((a) => pendingIds.has(a.groupId) && countsTowardThreshold(a));
  const rest = actions.filter((a) => !(pendingIds.has(a.groupId) && countsTowardThreshold(a)));
  const counted = rest.filter(countsTowardThreshold);
  if (threshold > 0 && counted.length > threshold) {
    return { apply: rest.filter((a) => !countsTowardThreshold(a)), hold: counted, pending };
  }
  return { apply: rest, hold: [], pending };
}

/**
 * The id of a held batch, from its content: the same actions give the same id, so the batch id a plan (-WhatIf)
 * shows is the id of the batch the run then holds. An id already used in the state (an earlier batch with the same
 * content, since applied) is derived again with a counter.
 */
export function heldBatchId(doc: StateDoc, actions: readonly LifecycleAction[], threshold: number): string {
  return contentBatchId(doc, actions.map((a) => `${a.groupId}|${a.kind}|${a.objectGuid.toLowerCase()}|${a.cause}`), threshold);
}

/** The id of a member-removal batch, from its content (group, object, the member DNs held), like heldBatchId. */
export function memberRemovalBatchId(doc: StateDoc, actions: readonly HeldAction[], percent: number): string {
  const line = (a: HeldAction) => `${a.groupId}|${a.action}|${a.objectGuid.toLowerCase()}|${a.cause}|${(a.memberDns ?? []).map(normalizeDn).sort().join(';')}`;
  return contentBatchId(doc, actions.map(line), percent);
}

function contentBatchId(doc: StateDoc, lines: string[], threshold: number): string {
  const content = [...lines].sort().join('\n');
  for (let n = 0; ; n++) {
    const h = createHash('sha256').update(`${threshold}\n${n}\n${content}`).digest('hex');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    if (!doc.held.some((b) => b.id === id)) return id;
  }
}

export function createHeldBatch(doc: StateDoc, cycleId: string, actions: LifecycleAction[], threshold: number, now = new Date()): HeldBatch {
  const id = heldBatchId(doc, actions, threshold);
  const counts = actions.reduce<Record<string, number>>((m, a) => ((m[a.kind] = (m[a.kind] ?? 0) + 1), m), {});
  const what = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
  const batch: HeldBatch = {
    id,
    createdAt: now.toISOString(),
    cycleId,
    status: 'held',
    threshold,
    reason: `Delete threshold exceeded: ${actions.length} group deletes/empties/conversions (${what}) in one cycle, more than safety.deleteThreshold = ${threshold}.`,
    actions: actions.map((a) => ({ groupId: a.groupId, dn: a.dn, objectGuid: a.objectGuid, action: a.kind as 'delete' | 'empty' | 'convertToDistribution', cause: a.cause, reason: a.reason })),
  };
  doc.held.push(batch);
  for (const a of actions) a.heldIn = id;
  return batch;
}

/** Mark a held batch approved: the next run applies exactly its actions. */
export function approveBatch(doc: StateDoc, batchId?: string, now = new Date()): HeldBatch {
  const held = doc.held.filter((b) => b.status === 'held');
  let batch: HeldBatch | undefined;
  if (batchId) {
    batch = doc.held.find((b) => b.id === batchId);
    if (!batch) {
      throw new HeldBatchError(`There is no held batch ${batchId}.`, { target: batchId, hint: `Held batches: ${held.map((b) => b.id).join(', ') || 'none'} (${say.status()}).` });
    }
    if (batch.status !== 'held') {
      throw new HeldBatchError(`The batch ${batchId} is already ${batch.status}.`, { code: 'HeldBatchNotHeld', category: 'InvalidOperation', target: batchId, hint: batch.status === 'approved' ? `It is applied by the next run (${say.run()}).` : 'Nothing to approve.' });
    }
  } else {
    if (held.length === 0) throw new HeldBatchError('No deletes are held.', { hint: `${say.status()} shows held batches.` });
    if (held.length > 1) {
      throw new HeldBatchError(`${held.length} batches are held; name the one to approve.`, { code: 'HeldBatchAmbiguous', category: 'InvalidArgument', target: held.map((b) => b.id), hint: `Pass ${say.batchParam()} with one of: ${held.map((b) => b.id).join(', ')}.` });
    }
    batch = held[0];
  }
  batch.status = 'approved';
  batch.approvedAt = now.toISOString();
  return batch;
}

export function assertNotQuarantined(doc: StateDoc): void {
  const q = doc.quarantine;
  if (!q) return;
  throw new QuarantinedError(`The job is quarantined since ${q.since} after ${q.failures} failed cycles: ${q.reason}`, {
    target: q.code,
    hint: `${q.hint ? `${q.hint} ` : ''}Fix the cause, then clear the quarantine with ${say.reset()}.`,
  });
}

/**
 * Record a totally failed cycle. Returns the quarantine when this failure puts the job into it.
 */
export function recordTotalFailure(doc: StateDoc, err: unknown, quarantineAfter: number, now = new Date()): Quarantine | undefined {
  const s = serializeError(err);
  doc.consecutiveFailures = (doc.consecutiveFailures ?? 0) + 1;
  doc.lastFailure = { at: now.toISOString(), code: s.code, message: s.message };
  if (!doc.quarantine && doc.consecutiveFailures >= quarantineAfter) {
    doc.quarantine = { since: now.toISOString(), reason: s.message, code: s.code, failures: doc.consecutiveFailures, ...(s.hint ? { hint: s.hint } : {}) };
    return doc.quarantine;
  }
  return undefined;
}

/** A failure that does not count toward quarantine (watch mode riding out an outage): remembered, not counted. */
export function recordPassingFailure(doc: StateDoc, err: unknown, now = new Date()): undefined {
  const s = serializeError(err);
  doc.lastFailure = { at: now.toISOString(), code: s.code, message: s.message };
  return undefined;
}

export function recordSuccess(doc: StateDoc): void {
  doc.consecutiveFailures = 0;
}

export function clearQuarantine(doc: StateDoc): Quarantine | undefined {
  const q = doc.quarantine;
  delete doc.quarantine;
  doc.consecutiveFailures = 0;
  return q;
}
