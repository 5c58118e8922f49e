/**
 * A changed group's member step in a delta cycle, applied directly: the adds and removes the delta round carried
 * (env.deltaMembers) are resolved — only those — and written in batches, without listing the cloud members, reading
 * AD's `member` values or diffing them. At 500,000 members this is what keeps a delta of 100,000 changes small.
 *
 * The cycle chooses this path only when the delta describes the whole change (cycle.ts `directMemberIds`): the group
 * is managed, was not created this cycle, did not fail before, did not drift in AD, has no held member removals.
 * Everything else is the full reconcile (member-step.ts) — and so is a group one of whose removed members does not
 * resolve but may still be in AD (`mayLinger`: e.g. a user deleted in Entra ID whose AD account stays).
 *
 * Writes rely on AD's permissive modify (LDAP control 1.2.840.113556.1.4.1413, sent by both directory drivers):
 * adding a member already there or removing one that is absent is a no-op, so a delta applied twice (a cycle cut
 * before its delta link was saved) is harmless.
 */
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import { addMemberBatches, guardRemovals, reconcileMembers, recordMemberSkips, removeMemberBatches, type MemberWork } from './member-step';
import type { MemberSkip } from './types';

/**
 * A removed member that does not resolve now but whose AD object may still be in the group: a user deleted in Entra
 * ID (a user moved out of the sync scope is deleted there while its AD account stays), a nested group gone or no
 * longer provisioned. Only a full reconcile (AD's member values against the cloud's) finds such a value. Members
 * never written to AD are not: no AD account ('not found in AD', cloud-only users), devices, contacts, apps.
 */
function mayLinger(s: MemberSkip): boolean {
  if (s.kind !== 'user' && s.kind !== 'group') return false;
  return !/^(not found in AD|cloud-only user)/.test(s.reason);
}

export async function applyMemberDelta(env: CycleEnv, work: MemberWork): Promise<boolean> {
  const { rec, doc, config } = env;
  const id = work.groupId;
  let removed;
  try {
    removed = await env.resolver.resolve(env.deltaMembers!.changesOf(id).removes, env.signal);
  } catch (err) {
    rec.attempted++;
    rec.fail(id, err, { dn: work.dn, displayName: work.displayName });
    return false;
  }
  if (removed.skipped.some(mayLinger)) return reconcileMembers(env, { ...work, direct: false });
  rec.attempted++;
  try {
    const changes = env.deltaMembers!.changesOf(id);
    const added = await env.resolver.resolve(changes.adds, env.signal);
    recordMemberSkips(env, id, work.dn, added.skipped);
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
