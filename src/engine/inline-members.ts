/**
 * Inline members: a group this cycle creates gets its members in the LDAP add itself, so a new group costs one
 * add instead of an add followed by member modifies (what `ldapadd` of the same end state does).
 *
 * Where the decision lives: in APPLY, not in the plan. The plan says what changes — "create G", "add these
 * members to G" — and stays the same pure value (`gwb plan`/-WhatIf still show a create and a memberAdd with
 * every member); how many LDAP requests carry those changes is the applier's business, like batching. A dry run
 * therefore keeps the plain path (members planned by the member phase); a real run fuses them here.
 *
 * What is safe inline (anything else is left to the member phase, which resolves it exactly as before):
 *  - resolved users (synced, found in AD by objectGUID/objectSid);
 *  - nested cloud groups whose object step already finished in this cycle (refs.provisioned: created, matched,
 *    renamed or moved before this group, so their DN is final). Nested groups not provisioned yet — created later
 *    in this cycle, failed, out of scope, unknown — are `deferred`: the member phase runs after every group
 *    exists and resolves them with complete knowledge (skip reasons, nestedWaiting, lookups), as it always did.
 * At most membership.batchSize values go into the add; the rest follow right away in batched modifies.
 *
 * Truthfulness: the create log record lists the attributes as before and one memberAdd record (count, member
 * ids, values) is written for the inline values, so the log, members.added and the LDAP counters
 * (memberValuesAdded counts inline values) say the same as with separate modifies.
 *
 * MemberNotFound (a member deleted in AD between resolution and the add): the Target re-creates the group
 * without members, writes the others and throws; the group is then done (recorded, provisioned) and the failure
 * is recorded for that group, which is retried next cycle — the same outcome as a failed member modify.
 */
import type { MemberRef } from '../model/cloud';
import { normalizeDn } from '../directory/dn';
import type { CycleEnv } from './env';
import type { ResolvedMembers } from './members';
import { addMemberBatches, cloudMemberPages, recordMemberAdd, recordMemberSkips } from './member-step';

export interface CreateMembers extends ResolvedMembers {
  /** Nested group ids (lowercase) left to the member phase: not provisioned yet when the group is created. */
  deferred: string[];
}

/** Read and resolve the members of a group about to be created (users, and nested groups already in place). */
export async function prepareCreateMembers(env: CycleEnv, groupId: string): Promise<CreateMembers> {
  const now: MemberRef[] = [];
  const deferred = new Set<string>();
  for await (const page of cloudMemberPages(env, groupId)) {
    for (const r of page) {
      const id = r.id.toLowerCase();
      if (r.kind === 'group' && !env.refs.provisioned.has(id)) deferred.add(id);
      else now.push(r);
    }
  }
  const resolved = await env.resolver.resolve(now, env.signal);
  return { ...resolved, deferred: [...deferred] };
}

/** The member values that go into the add itself (the first membership.batchSize). */
export function inlineValues(env: CycleEnv, members: CreateMembers): string[] {
  return members.dns.slice(0, env.config.membership.batchSize);
}

/** The member DNs a MemberNotFound error names (normalized), or null when `err` is not one. */
export function missingMembers(err: unknown): Set<string> | null {
  const e = err as { code?: unknown; target?: { members?: unknown } } | null;
  if (!e || e.code !== 'MemberNotFound') return null;
  const list = Array.isArray(e.target?.members) ? (e.target.members as unknown[]).filter((m): m is string => typeof m === 'string') : [];
  return new Set(list.map((m) => key(m)));
}

function key(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch {
    return dn.toLowerCase();
  }
}

/**
 * After the create: log the member skips and the inline values, write the values beyond the inline batch,
 * and record a member failure (MemberNotFound from the create, or a failed modify) for retry. Never throws.
 */
export async function finishCreateMembers(
  env: CycleEnv,
  g: { groupId: string; displayName: string | null; dn: string },
  members: CreateMembers,
  inline: string[],
  createError?: unknown,
): Promise<void> {
  const { rec, doc, config } = env;
  const id = g.groupId;
  rec.attempted++;
  rec.members.groups++;
  recordMemberSkips(env, id, g.dn, members.skipped);
  const idOf = new Map<string, string>();
  members.dns.forEach((dn, i) => idOf.set(dn, members.ids[i]));
  const missing = createError === undefined ? null : missingMembers(createError);
  const written = missing ? inline.filter((dn) => !missing.has(key(dn))) : inline;
  if (written.length) recordMemberAdd(env, id, g.dn, written, idOf, 'written with the create (in the LDAP add)');
  const done = [...written];
  try {
    await addMemberBatches(env, id, g.dn, members.dns.slice(inline.length), idOf, (batch) => done.push(...batch));
    if (createError !== undefined) throw createError;
    rec.ok(id);
    rec.succeeded++;
  } catch (err) {
    rec.fail(id, err, { dn: g.dn, displayName: g.displayName });
  } finally {
    const record = doc.groups[id];
    if (config.membership.keepUnmanagedMembers && record) record.writtenMembers = done.map((dn) => key(dn));
  }
}
