/**
 * A changed group's member step in a delta cycle, applied directly: the adds and removes the delta round carried
 * (env.deltaMembers) are resolved — only those — and written in batches, without listing the cloud members, reading
 * AD's `member` values or diffing them. At 500,000 members this is what keeps a delta of 100,000 changes small.
 *
 * The cycle chooses this path only when the delta describes the whole change (cycle.ts `directMemberIds`): the group
 * is managed, was not created this cycle, did not fail before, did not drift in AD, has no held member removals.
 * Everything else is the full reconcile (member-step.ts).
 *
 * Writes rely on AD's permissive modify (LDAP control 1.2.840.113556.1.4.1413, sent by both directory drivers):
 * adding a member already there or removing one that is absent is a no-op, so a delta applied twice (a cycle cut
 * before its delta link was saved) is harmless.
 */
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import { addMemberBatches, guardRemovals, recordMemberSkips, removeMemberBatches, type MemberWork } from './member-step';

export async function applyMemberDelta(env: CycleEnv, work: MemberWork): Promise<boolean> {
  const { rec, doc, config } = env;
  const id = work.groupId;
  rec.attempted++;
  try {
    const changes = env.deltaMembers!.changesOf(id);
    const added = await env.resolver.resolve(changes.adds, env.signal);
    recordMemberSkips(env, id, work.dn, added.skipped);
    const removed = await env.resolver.resolve(changes.removes, env.signal);
    recordMemberSkips(env, id, work.dn, removed.skipped, true);

    const addDns = new Set(added.dns.map((dn) => normalizeDn(dn)));
    const keep = config.membership.keepUnmanagedMembers;
    const record = doc.groups[id];
    const written = keep ? new Set(record?.writtenMembers ?? []) : undefined;
    // Never remove what this delta adds (two cloud ids behind one AD account), nor, under keepUnmanagedMembers,
    // what GroupWriteback did not write.
    const candidates = removed.dns.filter((dn) => !addDns.has(normalizeDn(dn)) && (!written || written.has(normalizeDn(dn))));
    const present = candidates.length ? await membersBefore(env, id, changes.adds.length, changes.removes.length) : 0;
    const remove = guardRemovals(env, work, present, candidates);
    const add = added.dns;
    const idOf = new Map<string, string>();
    added.dns.forEach((dn, i) => idOf.set(dn, added.ids[i]));

    rec.members.groups++;
    if (env.dryRun) {
      if (add.length) rec.planned({ kind: 'memberAdd', groupId: id, displayName: work.displayName, dn: work.dn, memberDns: add });
      if (remove.length) rec.planned({ kind: 'memberRemove', groupId: id, displayName: work.displayName, dn: work.dn, memberDns: remove });
      rec.members.added += add.length;
      rec.members.removed += remove.length;
      rec.ok(id);
      rec.succeeded++;
      return true;
    }

    // The record of what GroupWriteback wrote follows each batch, so a failure part-way leaves it true.
    const onAdded = written ? (batch: string[]) => batch.forEach((dn) => written.add(normalizeDn(dn))) : undefined;
    const onRemoved = written ? (batch: string[]) => batch.forEach((dn) => written.delete(normalizeDn(dn))) : undefined;
    try {
      await addMemberBatches(env, id, work.dn, add, idOf, onAdded);
      await removeMemberBatches(env, id, work.dn, remove, 'removed from the cloud group', onRemoved);
    } finally {
      if (written && record) record.writtenMembers = [...written];
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
 * The group's member count before this delta, the member-removal guard's base: Graph's count now (after the
 * change) plus what the delta removed minus what it added — the cloud's view, as the full reconcile's AD count
 * would be had AD been in step. Never less than the removals themselves.
 */
async function membersBefore(env: CycleEnv, groupId: string, adds: number, removes: number): Promise<number> {
  const now = await env.source.countMembers!(groupId, env.signal);
  return Math.max(now + removes - adds, removes);
}
