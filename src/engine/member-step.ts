/**
 * One group's membership step: read the cloud members (streamed), resolve them in bulk, read the AD members
 * (ranged), diff, and write adds/removes in batches — never a blind replace. Every skipped member is logged
 * with its reason.
 *
 * A group created this cycle mostly had its members written inline with the create (inline-members.ts); its
 * work then only names the nested groups that were not provisioned yet at that moment (`deferred`).
 */
import type { MemberRef } from '../model/cloud';
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import { chunk } from './concurrency';
import { diffMembers } from './plan';
import type { MemberSkip } from './types';

export interface MemberWork {
  groupId: string;
  displayName: string | null;
  dn: string;
  /** Created this cycle: AD has no members yet (no read needed), or only those written inline. */
  created: boolean;
  /**
   * Set when the create carried the members inline: the nested group ids that were left for this step (not
   * provisioned yet when the group was created). Only these are resolved and added; the cloud members are not
   * read again.
   */
  deferred?: string[];
}

/** Skips that may resolve later (the nested group gets provisioned): remember the parent. */
function waitsForChild(reason: string): boolean {
  return reason.startsWith('nested group not provisioned') || reason.startsWith('out-of-scope group');
}

/** Log (and, in dry runs, plan) every skipped member of a group with its reason; remember waiting parents. */
export function recordMemberSkips(env: CycleEnv, groupId: string, dn: string, skipped: readonly MemberSkip[]): void {
  const { rec, doc } = env;
  for (const s of skipped) {
    rec.members.skipped++;
    const sourceType = (['user', 'group', 'device', 'orgContact', 'servicePrincipal'].includes(s.kind) ? s.kind : 'other') as 'user';
    rec.record({ action: 'skip', result: 'skipped', sourceId: s.memberId, sourceType, groupId, targetDn: dn, reason: s.reason });
    if (env.dryRun) rec.planned({ kind: 'skip', sourceId: s.memberId, sourceType, groupId, reason: s.reason });
    if (s.kind === 'group' && waitsForChild(s.reason)) {
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

export async function reconcileMembers(env: CycleEnv, work: MemberWork): Promise<boolean> {
  const { rec, target, source, config, doc } = env;
  const id = work.groupId;
  rec.attempted++;
  try {
    const refs: MemberRef[] = [];
    if (work.deferred) refs.push(...work.deferred.map((g) => ({ id: g, kind: 'group' as const })));
    else for await (const page of source.listMembers(id, env.signal)) refs.push(...page);
    const resolved = await env.resolver.resolve(refs, env.signal);
    recordMemberSkips(env, id, work.dn, resolved.skipped);

    const actual = work.created ? [] : await target.readMembers(work.dn);
    const keep = config.membership.keepUnmanagedMembers;
    const record = doc.groups[id];
    const written = keep ? new Set(record?.writtenMembers ?? []) : undefined;
    const { add, remove } = diffMembers(resolved.dns, actual, { keepUnmanaged: keep, ...(written ? { written } : {}) });
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
    for (const batch of chunk(remove, config.membership.batchSize)) {
      await target.removeMembers(work.dn, batch);
      rec.members.removed += batch.length;
      rec.record({
        action: 'memberRemove',
        result: 'success',
        sourceId: id,
        sourceType: 'group',
        groupId: id,
        targetDn: work.dn,
        count: batch.length,
        modified: [{ attribute: 'member', old: batch, new: null }],
        reason: 'not a member of the cloud group',
      });
    }
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
