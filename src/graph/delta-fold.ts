/**
 * Fold one page of a Graph delta response into model changes. Pure: tested with recorded pages.
 *
 * Within a page, entries for the same object are merged, later entries winning (a removal after an upsert
 * leaves the removal; a member removed then added again ends up added). Across pages nothing is merged: a
 * large group's further `members@delta` chunks on later pages become further upserts for the consumer to merge.
 */
import type { GroupChange, MemberRef, UserChange } from '../model/cloud';
import { BrokenReadError } from './errors';
import { memberKind, toGroupPatch, toMemberRef, toUserPatch } from './odata';

type Json = Record<string, unknown>;

function removal(entry: Json): 'softDeleted' | 'deleted' | undefined {
  const removed = entry['@removed'] as { reason?: unknown } | undefined;
  if (!removed || typeof removed !== 'object') return undefined;
  // `changed` = soft-deleted (restorable); `deleted` = gone for good. Anything else: the safe reading.
  return removed.reason === 'deleted' ? 'deleted' : 'softDeleted';
}

interface PendingUpsert {
  kind: 'upsert';
  group: Extract<GroupChange, { kind: 'upsert' }>['group'];
  members: Map<string, { ref: MemberRef; add: boolean }>;
}

export function foldGroupDeltaPage(values: readonly unknown[], extras: readonly string[] = []): GroupChange[] {
  const byId = new Map<string, PendingUpsert | GroupChange>();
  for (const raw of values) {
    if (!raw || typeof raw !== 'object' || !('id' in raw)) continue;
    const entry = raw as Json;
    const id = String(entry.id);
    const gone = removal(entry);
    if (gone) {
      byId.delete(id);
      byId.set(id, { kind: gone, id });
      continue;
    }
    const patch = toGroupPatch(entry, extras);
    let pending = byId.get(id);
    if (pending?.kind === 'upsert' && 'members' in pending) {
      const { extra, ...rest } = patch;
      Object.assign(pending.group, rest);
      if (extra) pending.group.extra = { ...(pending.group.extra ?? {}), ...extra };
    } else {
      byId.delete(id);
      pending = { kind: 'upsert', group: patch, members: new Map() };
      byId.set(id, pending);
    }
    const chunk = entry['members@delta'];
    if (Array.isArray(chunk)) {
      for (const m of chunk) {
        if (!m || typeof m !== 'object' || !('id' in m)) continue;
        // As for a member list (GraphSource.listMembers): a member of a kind this version does not know makes the
        // page untrustworthy — read as "not a member", it would remove a real member from AD.
        const type = (m as Json)['@odata.type'];
        if (type !== undefined && memberKind(type) === 'other') {
          throw new BrokenReadError(`GET /groups/delta: member ${String((m as Json).id)} of group ${id} is of an unknown type ${JSON.stringify(type)}: the page is not used.`, {
            target: id,
            hint: 'Nothing computed from this read was applied. If Graph added a new kind of member, update GroupWriteback; otherwise the next cycle reads it again.',
          });
        }
        const ref = toMemberRef(m as Json);
        pending.members.delete(ref.id);
        pending.members.set(ref.id, { ref, add: !removal(m as Json) });
      }
    }
  }
  const out: GroupChange[] = [];
  for (const change of byId.values()) {
    if (change.kind === 'upsert' && 'members' in change) {
      const memberAdds: MemberRef[] = [];
      const memberRemoves: MemberRef[] = [];
      for (const { ref, add } of change.members.values()) (add ? memberAdds : memberRemoves).push(ref);
      out.push({ kind: 'upsert', group: change.group, memberAdds, memberRemoves });
    } else {
      out.push(change as GroupChange);
    }
  }
  return out;
}

export function foldUserDeltaPage(values: readonly unknown[]): UserChange[] {
  const byId = new Map<string, UserChange>();
  for (const raw of values) {
    if (!raw || typeof raw !== 'object' || !('id' in raw)) continue;
    const entry = raw as Json;
    const id = String(entry.id);
    const gone = removal(entry);
    const prev = byId.get(id);
    byId.delete(id);
    if (gone) byId.set(id, { kind: gone, id });
    else if (prev?.kind === 'upsert') byId.set(id, { kind: 'upsert', user: { ...prev.user, ...toUserPatch(entry) } });
    else byId.set(id, { kind: 'upsert', user: toUserPatch(entry) });
  }
  return [...byId.values()];
}
