/**
 * One group's membership step: read the cloud members (streamed), resolve them in bulk, read the AD members
 * (ranged), diff, and write adds/removes in batches — never a blind replace. Every skipped member is logged
 * with its reason.
 */
import type { MemberRef } from '../model/cloud';
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import { chunk } from './concurrency';
import { diffMembers } from './plan';

export interface MemberWork {
  groupId: string;
  displayName: string | null;
  dn: string;
  /** Created this cycle: AD has no members yet (no read needed). */
  created: boolean;
}

/** Skips that may resolve later (the nested group gets provisioned): remember the parent. */
function waitsForChild(reason: string): boolean {
  return reason.startsWith('nested group not provisioned') || reason.startsWith('out-of-scope group');
}

export async function reconcileMembers(env: CycleEnv, work: MemberWork): Promise<boolean> {
  const { rec, target, source, config, doc } = env;
  const id = work.groupId;
  rec.attempted++;
  try {
    const refs: MemberRef[] = [];
    for await (const page of source.listMembers(id, env.signal)) refs.push(...page);
    const resolved = await env.resolver.resolve(refs, env.signal);

    for (const s of resolved.skipped) {
      rec.members.skipped++;
      const sourceType = (['user', 'group', 'device', 'orgContact', 'servicePrincipal'].includes(s.kind) ? s.kind : 'other') as 'user';
      rec.record({ action: 'skip', result: 'skipped', sourceId: s.memberId, sourceType, groupId: id, targetDn: work.dn, reason: s.reason });
      if (env.dryRun) rec.planned({ kind: 'skip', sourceId: s.memberId, sourceType, groupId: id, reason: s.reason });
      if (s.kind === 'group' && waitsForChild(s.reason)) {
        const waiting = (doc.nestedWaiting ??= {});
        const parents = (waiting[s.memberId] ??= []);
        if (!parents.includes(id)) parents.push(id);
      }
    }

    const actual = work.created ? [] : await target.readMembers(work.dn);
    const keep = config.membership.keepUnmanagedMembers;
    const record = doc.groups[id];
    const written = keep ? new Set(record?.writtenMembers ?? []) : undefined;
    const { add, remove } = diffMembers(resolved.dns, actual, { keepUnmanaged: keep, ...(written ? { written } : {}) });
    const idOf = new Map<string, string>();
    if (add.length) resolved.dns.forEach((dn, i) => idOf.set(dn, resolved.ids[i]));

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

    const size = config.membership.batchSize;
    for (const batch of chunk(add, size)) {
      await target.addMembers(work.dn, batch);
      rec.members.added += batch.length;
      rec.record({
        action: 'memberAdd',
        result: 'success',
        sourceId: id,
        sourceType: 'group',
        groupId: id,
        targetDn: work.dn,
        count: batch.length,
        memberIds: batch.map((dn) => idOf.get(dn) ?? dn),
        modified: [{ attribute: 'member', old: null, new: batch }],
      });
    }
    for (const batch of chunk(remove, size)) {
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
    if (keep && record) record.writtenMembers = resolved.dns.map((dn) => normalizeDn(dn));
    rec.ok(id);
    rec.succeeded++;
    return true;
  } catch (err) {
    rec.fail(id, err, { dn: work.dn, displayName: work.displayName });
    return false;
  }
}
