/**
 * One group's membership step: read the cloud members (streamed), resolve them in bulk, read the AD members
 * (ranged), diff, and write adds/removes in batches — never a blind replace. Every skipped member is logged
 * with its reason.
 *
 * A group created this cycle mostly had its members written inline with the create (inline-members.ts); its
 * work then only names the nested groups that were not provisioned yet at that moment (`deferred`).
 */
import { say } from '../core/surface';
import { GwbError } from '../core/errors';
import type { MemberRef } from '../model/cloud';
import type { ChangedGroup } from '../model/directory';
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import { chunk } from './concurrency';
import { diffMembers } from './plan';
import { memberRemovalOverThreshold, pendingMemberRemoval } from './safety';
import type { MemberSkip } from './types';

export interface MemberWork {
  groupId: string;
  displayName: string | null;
  dn: string;
  /** Created this cycle: AD has no members yet (no read needed), or only those written inline. */
  created: boolean;
  /** Approved member removals (normalized DNs) of a held batch: only these may be removed, unguarded. */
  approvedRemovals?: ReadonlySet<string>;
  /**
   * Set when the create carried the members inline: the nested group ids that were left for this step (not
   * provisioned yet when the group was created). Only these are resolved and added; the cloud members are not
   * read again.
   */
  deferred?: string[];
  /** Set when the group changed in AD outside this engine since the last cycle: differences are logged as drift. */
  drift?: ChangedGroup;
  /**
   * Set when the delta round's member changes of this group are applied as they are (member-delta.ts) instead of
   * a full reconcile; they are held in env.deltaMembers.
   */
  direct?: boolean;
}

/** A cloud group's direct members: from the cycle's member table when it holds the group, else from Graph. */
export async function* cloudMemberPages(env: CycleEnv, groupId: string): AsyncIterable<MemberRef[]> {
  if (env.members?.has(groupId)) yield* env.members.pages(groupId);
  else yield* env.source.listMembers(groupId, env.signal);
}

/** Skips that may resolve later (the nested group gets provisioned): remember the parent. */
function waitsForChild(reason: string): boolean {
  return reason.startsWith('nested group not provisioned') || reason.startsWith('out-of-scope group');
}

/**
 * Log (and, in dry runs, plan) every skipped member of a group with its reason; remember waiting parents.
 * `removed`: members the delta removed from the cloud group that do not resolve — nothing to remove in AD (AD drops
 * a deleted object's links itself; the others were never written); they make no parent wait.
 */
export function recordMemberSkips(env: CycleEnv, groupId: string, dn: string, skipped: readonly MemberSkip[], removed = false): void {
  const { rec, doc } = env;
  for (const s of skipped) {
    rec.members.skipped++;
    const sourceType = (['user', 'group', 'device', 'orgContact', 'servicePrincipal'].includes(s.kind) ? s.kind : 'other') as 'user';
    const reason = removed ? `removed from the cloud group, nothing to remove in AD: ${s.reason}` : s.reason;
    rec.record({ action: 'skip', result: 'skipped', sourceId: s.memberId, sourceType, groupId, ...(s.name ? { memberName: s.name } : {}), targetDn: dn, reason });
    if (env.dryRun) rec.planned({ kind: 'skip', sourceId: s.memberId, sourceType, groupId, reason });
    if (!removed && s.kind === 'group' && waitsForChild(s.reason)) {
      const waiting = (doc.nestedWaiting ??= {});
      const parents = (waiting[s.memberId] ??= []);
      if (!parents.includes(groupId)) parents.push(groupId);
    }
  }
}

/** One memberAdd log record (and count) for member values that were written in one LDAP request. */
export function recordMemberAdd(env: CycleEnv, groupId: string, dn: string, written: string[], idOf: ReadonlyMap<string, string>, reason?: string): void {
  env.rec.members.added += written.length;
  env.rec.record({
    action: 'memberAdd',
    result: 'success',
    sourceId: groupId,
    sourceType: 'group',
    groupId,
    targetDn: dn,
    count: written.length,
    memberIds: written.map((m) => idOf.get(m) ?? m),
    modified: [{ attribute: 'member', old: null, new: written }],
    ...(reason ? { reason } : {}),
  });
}

/** Add member DNs in batches of membership.batchSize, each batch logged and counted once written. */
export async function addMemberBatches(env: CycleEnv, groupId: string, dn: string, add: string[], idOf: ReadonlyMap<string, string>, onWritten?: (batch: string[]) => void): Promise<void> {
  for (const batch of chunk(add, env.config.membership.batchSize)) {
    await env.target.addMembers(dn, batch);
    recordMemberAdd(env, groupId, dn, batch, idOf);
    onWritten?.(batch);
  }
}

/** Remove member DNs in batches of membership.batchSize, each batch logged (memberRemove) and counted once written. */
export async function removeMemberBatches(env: CycleEnv, groupId: string, dn: string, remove: string[], reason: string, onWritten?: (batch: string[]) => void): Promise<void> {
  for (const batch of chunk(remove, env.config.membership.batchSize)) {
    await env.target.removeMembers(dn, batch);
    env.rec.members.removed += batch.length;
    const ids = env.resolver.idsOf(batch);
    env.rec.record({
      action: 'memberRemove',
      result: 'success',
      sourceId: groupId,
      sourceType: 'group',
      groupId,
      targetDn: dn,
      count: batch.length,
      ...(ids.length ? { memberIds: ids } : {}),
      modified: [{ attribute: 'member', old: batch, new: null }],
      reason,
    });
    onWritten?.(batch);
  }
}

/**
 * Before any member is removed, prove the member read complete: a listing cut short (a last page without its
 * next link) looks like removed members. Graph's own count must not exceed what was read; if it does, nothing
 * of this group is written this cycle and the next cycle reads it again.
 */
async function assertCompleteRead(env: CycleEnv, groupId: string, read: number): Promise<void> {
  if (!env.source.countMembers) return;
  const total = await env.source.countMembers(groupId, env.signal);
  if (total <= read) return;
  throw new GwbError(`The member list of group ${groupId} read ${read} members but Graph counts ${total}: the read was cut short, so no member is removed.`, {
    code: 'IncompleteMemberRead',
    category: 'ReadError',
    target: groupId,
    hint: 'Nothing of this group was changed; the next cycle reads it again. (Right after members were removed in Entra ID the count may lag for a moment.)',
  });
}

/**
 * The member-removal guard on one group's removals: approved ones pass (only those approved); otherwise a
 * share over safety.memberRemovalThreshold — or any removal while an earlier hold of this group waits — is
 * held for approval, and none is applied now.
 */
export function guardRemovals(env: CycleEnv, work: MemberWork, present: number, remove: string[]): string[] {
  if (!remove.length) return remove;
  if (work.approvedRemovals) return remove.filter((dn) => work.approvedRemovals!.has(normalizeDn(dn)));
  const { doc, rec, config } = env;
  const id = work.groupId;
  const pending = pendingMemberRemoval(doc, id);
  const guard = config.safety.memberRemovalThreshold;
  if (!pending && !memberRemovalOverThreshold(guard, present, remove.length)) return remove;
  const share = Math.round((remove.length * 100) / Math.max(1, present));
  const reason = pending
    ? `${remove.length} member removals wait for the approval of batch ${pending.id}`
    : `${remove.length} of ${present} members (${share} %) would be removed in one cycle, more than safety.memberRemovalThreshold.percent = ${guard.percent} %: held for approval`;
  rec.groups.held++;
  rec.record({ action: 'held', result: 'held', sourceId: id, sourceType: 'group', groupId: id, targetDn: work.dn, count: remove.length, reason: `${reason} (approve with ${say.approve()})` });
  if (env.dryRun) rec.planned({ kind: 'skip', sourceId: id, sourceType: 'group', displayName: work.displayName, dn: work.dn, code: 'MemberRemovalHeld', reason });
  if (!pending) {
    env.memberHolds.push({ groupId: id, dn: work.dn, objectGuid: doc.groups[id]?.objectGuid ?? '', action: 'removeMembers', cause: 'memberRemoval', reason, memberDns: remove });
  }
  return [];
}

export async function reconcileMembers(env: CycleEnv, work: MemberWork): Promise<boolean> {
  const { rec, target, source, config, doc } = env;
  const id = work.groupId;
  rec.attempted++;
  try {
    const refs: MemberRef[] = [];
    if (work.deferred) refs.push(...work.deferred.map((g) => ({ id: g, kind: 'group' as const })));
    else for await (const page of cloudMemberPages(env, id)) refs.push(...page);
    const resolved = await env.resolver.resolve(refs, env.signal);
    recordMemberSkips(env, id, work.dn, resolved.skipped);

    const actual = work.created ? [] : await target.readMembers(work.dn);
    const keep = config.membership.keepUnmanagedMembers;
    const record = doc.groups[id];
    const written = keep ? new Set(record?.writtenMembers ?? []) : undefined;
    const diff = diffMembers(resolved.dns, actual, { keepUnmanaged: keep, ...(written ? { written } : {}) });
    if (diff.remove.length && !work.deferred) await assertCompleteRead(env, id, refs.length);
    const add = diff.add;
    const remove = guardRemovals(env, work, actual.length, diff.remove);
    if (work.drift) await recordDrift(env, work, resolved.dns, actual, remove);
    const idOf = new Map<string, string>();
    if (add.length) resolved.dns.forEach((dn, i) => idOf.set(dn, resolved.ids[i]));

    // A deferred-only step finishes a group the object step already counted.
    if (!work.deferred) rec.members.groups++;
    if (env.dryRun) {
      if (add.length) rec.planned({ kind: 'memberAdd', groupId: id, displayName: work.displayName, dn: work.dn, memberDns: add });
      if (remove.length) rec.planned({ kind: 'memberRemove', groupId: id, displayName: work.displayName, dn: work.dn, memberDns: remove });
      rec.members.added += add.length;
      rec.members.removed += remove.length;
      rec.ok(id);
      rec.succeeded++;
      return true;
    }

    await addMemberBatches(env, id, work.dn, add, idOf);
    await removeMemberBatches(env, id, work.dn, remove, work.drift ? 'drift: not a member of the cloud group (added in AD outside GroupWriteback)' : 'not a member of the cloud group');
    if (keep && record) {
      const dns = resolved.dns.map((dn) => normalizeDn(dn));
      // Deferred members come on top of those the create wrote inline.
      record.writtenMembers = work.deferred ? [...new Set([...(record.writtenMembers ?? []), ...dns])] : dns;
    }
    rec.ok(id);
    rec.succeeded++;
    return true;
  } catch (err) {
    rec.fail(id, err, { dn: work.dn, displayName: work.displayName });
    return false;
  }
}

/**
 * One `drift` log record for a group changed in AD outside this engine: which members AD has that the cloud
 * group does not (removed, or kept under membership.keepUnmanagedMembers) and which it lacks, with what AD tells
 * about when (msDS-ReplValueMetaData where served, else the group's whenChanged) — AD never records who.
 */
async function recordDrift(env: CycleEnv, work: MemberWork, desired: string[], actual: string[], remove: string[]): Promise<void> {
  const want = new Set(desired.map((d) => normalizeDn(d)));
  const have = new Set(actual.map((d) => normalizeDn(d)));
  const extra = actual.filter((d) => !want.has(normalizeDn(d)));
  const missing = desired.filter((d) => !have.has(normalizeDn(d)));
  if (!extra.length && !missing.length) return;
  const removing = new Set(remove.map((d) => normalizeDn(d)));
  const kept = extra.filter((d) => !removing.has(normalizeDn(d)));
  if (extra.length > kept.length || missing.length) env.rec.driftRepaired++;
  const meta = extra.length && typeof env.target.memberValueMetadata === 'function'
    ? await env.target.memberValueMetadata(work.dn).catch(() => [])
    : [];
  const metaOf = new Map(meta.map((m) => [normalizeDn(m.memberDn), m]));
  const d = work.drift!;
  const when = d.whenChanged ? `the group last changed in AD at ${d.whenChanged} (uSNChanged ${d.usnChanged})` : 'changed while the previous cycle ran';
  const parts = extra.map((dn) => {
    const m = metaOf.get(normalizeDn(dn));
    const at = m?.created ? `added ${m.created}${m.originatingDsa ? ` on ${m.originatingDsa}` : ''}` : 'added (AD gives no per-value time)';
    return `${dn} ${at}: ${removing.has(normalizeDn(dn)) ? 'removed' : 'kept (membership.keepUnmanagedMembers)'}`;
  });
  for (const dn of missing) parts.push(`${dn} missing: re-added`);
  env.rec.record({
    action: 'drift',
    result: kept.length === extra.length && !missing.length ? 'skipped' : 'warning',
    sourceId: work.groupId,
    sourceType: 'group',
    groupId: work.groupId,
    targetDn: work.dn,
    modified: [{ attribute: 'member', old: missing.length ? missing : null, new: extra.length ? extra : null }],
    reason: `changed in AD outside GroupWriteback; ${when}. ${parts.join('; ')}. Who: AD does not record the account (audit Directory Service Changes, event 5136).`,
  });
  env.rec.sink.warn(`Drift in ${work.dn}: ${parts.join('; ')}`);
}
