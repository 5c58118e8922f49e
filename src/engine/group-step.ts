/**
 * One in-scope group's object step: map → match → plan → apply (create, rename/move, update), recorded.
 * A failure is that group's alone: recorded for retry, never thrown.
 */
import { GwbError } from '../core/errors';
import { flatString } from '../core/flat-string';
import type { CloudGroup } from '../model/cloud';
import type { AdGroup, AttributeChanges } from '../model/directory';
import type { GroupStatus } from '../state/types';
import type { CycleEnv } from './env';
import { finishCreateMembers, inlineValues, missingMembers, prepareCreateMembers, type CreateMembers } from './inline-members';
import { matchGroup, type MatchLookup, type MatchResult } from './match';
import { planGroupObject } from './plan';
import type { DesiredGroup, ErrorEntry, GroupObjectPlan, ModifiedProperty } from './types';
import { statusStamp } from '../state/stamp';

export interface ObjectOutcome {
  groupId: string;
  displayName: string | null;
  ok: boolean;
  /** DN of the AD group after the step (desired DN in dry runs). */
  dn?: string;
  created?: boolean;
  /** Status the state store had before this cycle. */
  previousStatus?: GroupStatus;
  /**
   * Set when the create carried the members (inline-members.ts): the nested group ids still to be resolved and
   * added by the member phase. Absent: the member phase reconciles the whole membership as usual.
   */
  deferredMembers?: string[];
  /** MemberNotFound from a create with inline members: the group exists, some of those members did not. */
  inlineError?: unknown;
}

export function errorFromEntry(e: ErrorEntry): GwbError {
  return new GwbError(e.message, { code: e.code, category: 'InvalidData', target: e.dn ?? e.groupId, ...(e.hint ? { hint: e.hint } : {}) });
}

function toChanges(mods: ModifiedProperty[]): AttributeChanges {
  const out: AttributeChanges = {};
  for (const m of mods) out[m.attribute] = m.new;
  return out;
}

export interface PlannedObject {
  desired: DesiredGroup;
  match: MatchResult;
  plan: GroupObjectPlan;
}

/** map → match → plan for one group (no writes). Throws on a mapping error or a planned error. */
export async function planObject(env: CycleEnv, group: CloudGroup, lookup: MatchLookup): Promise<PlannedObject> {
  const desired = env.mapper.map(group);
  const match = await matchGroup(group, lookup);
  const plan = planGroupObject(desired, match, { inPlaceContainers: env.config.target.managedContainers ?? [] });
  return { desired, match, plan };
}

export async function provisionGroupObject(env: CycleEnv, group: CloudGroup, lookup: MatchLookup): Promise<ObjectOutcome> {
  const id = group.id.toLowerCase();
  const previous = env.doc.groups[id];
  const base: ObjectOutcome = { groupId: id, displayName: group.displayName, ok: false, ...(previous ? { previousStatus: previous.status } : {}) };
  env.rec.attempted++;
  let planned: PlannedObject | undefined;
  try {
    planned = await planObject(env, group, lookup);
  } catch (err) {
    env.rec.fail(id, err, { displayName: group.displayName });
    env.refs.failed.set(id, err instanceof GwbError ? err.code : 'error');
    return base;
  }
  if (!planned.plan.create || env.dryRun) return applyObject(env, group, planned, base);

  // A new group: its members go into the add (see inline-members.ts for what is safe inline and why here).
  let members: CreateMembers | undefined;
  try {
    members = await prepareCreateMembers(env, id);
  } catch (err) {
    if (env.signal.aborted) {
      env.rec.fail(id, err, { displayName: group.displayName });
      env.refs.failed.set(id, err instanceof GwbError ? err.code : 'error');
      return base;
    }
    // Not fatal: create without members; the member phase reads and writes them (and reports a failure) as usual.
    env.rec.sink.verbose(`Members of ${id} are written after the create (reading them first failed: ${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!members) return applyObject(env, group, planned, base);
  const inline = inlineValues(env, members);
  const outcome = await applyObject(env, group, planned, base, inline);
  if (!outcome.ok || !outcome.dn) return outcome;
  await finishCreateMembers(env, { groupId: id, displayName: group.displayName, dn: outcome.dn }, members, inline, outcome.inlineError);
  const { inlineError: _e, ...rest } = outcome;
  return { ...rest, deferredMembers: members.deferred };
}

/**
 * Apply a planned object step (or, in dry runs, report it). Failures are recorded, never thrown.
 * `inlineMembers`: member values the create carries in its add (at most membership.batchSize; inline-members.ts).
 * If some of them do not exist, the group is still created and the outcome carries `inlineError`.
 */
export async function applyObject(env: CycleEnv, group: CloudGroup, planned: PlannedObject, base: ObjectOutcome, inlineMembers: string[] = []): Promise<ObjectOutcome> {
  const { rec, target, doc } = env;
  const id = group.id.toLowerCase();
  const previous = doc.groups[id];
  const { desired, match, plan } = planned;
  let dn: string | undefined = match.actual?.dn ?? desired.dn;
  try {
    if (plan.error) throw errorFromEntry(plan.error);

    if (env.dryRun) {
      if (plan.create) rec.planned(plan.create);
      if (plan.move) rec.planned(plan.move);
      if (plan.update) rec.planned(plan.update);
      countObject(env, plan);
      dn = plan.create ? desired.dn : plan.move ? plan.move.toDn : match.actual!.dn;
      env.refs.provisioned.set(id, dn);
      rec.ok(id);
      rec.succeeded++;
      return { ...base, ok: true, dn, created: !!plan.create };
    }

    let objectGuid = match.actual?.objectGuid ?? '';
    let inlineError: unknown;
    // The DN is flattened BEFORE it is written: the state record below and the cycle's write tracker
    // (write-tracker.ts, which keeps the DN strings it is given) then hold one string, not two copies.
    if (!plan.create) dn = flatString(dn!);
    if (plan.create) {
      const createDn = flatString(plan.create.dn);
      let created: AdGroup;
      try {
        created = await target.createGroup(createDn, inlineMembers.length ? { ...plan.create.attributes, member: inlineMembers } : plan.create.attributes);
      } catch (err) {
        // MemberNotFound: the Target created the group without the missing members (and wrote the others).
        const found = inlineMembers.length && missingMembers(err) ? await target.findByAnchor(desired.anchor) : [];
        if (found.length !== 1) throw err;
        created = found[0];
        inlineError = err;
      }
      dn = created.dn === createDn ? createDn : flatString(created.dn);
      objectGuid = created.objectGuid;
      rec.record({
        action: 'create',
        result: 'success',
        sourceId: id,
        sourceType: 'group',
        displayName: group.displayName ?? undefined,
        targetDn: dn,
        modified: Object.entries(plan.create.attributes).map(([attribute, v]) => ({ attribute, old: null, new: v })),
      });
    }
    if (plan.move) {
      const toDn = flatString(plan.move.toDn);
      const moved = await target.moveGroup(plan.move.fromDn, toDn);
      dn = moved === toDn ? toDn : flatString(moved);
      rec.record({
        action: plan.move.rename ? 'rename' : 'move',
        result: 'success',
        sourceId: id,
        sourceType: 'group',
        displayName: group.displayName ?? undefined,
        targetDn: dn,
        modified: [{ attribute: 'distinguishedName', old: plan.move.fromDn, new: dn }],
        ...(plan.move.rename && plan.move.moved ? { reason: 'renamed and moved' } : {}),
      });
    }
    if (plan.update) {
      if (match.method === 'sid') {
        rec.record({
          action: 'match',
          result: 'success',
          sourceId: id,
          sourceType: 'group',
          displayName: group.displayName ?? undefined,
          targetDn: dn,
          reason: `matched by objectSid ${group.onPremisesSecurityIdentifier} (source of authority converted to the cloud); anchor stamped`,
        });
      }
      await target.modifyGroup(dn!, toChanges(plan.update.changes));
      rec.record({ action: 'update', result: 'success', sourceId: id, sourceType: 'group', displayName: group.displayName ?? undefined, targetDn: dn, modified: plan.update.changes });
    }
    countObject(env, plan);
    // Held until the cycle ends (and beyond, in the state): flat strings, not the concatenations they were built as.
    doc.groups[id] = {
      dn,
      objectGuid: flatString(objectGuid),
      status: 'managed',
      since: previous?.status === 'managed' ? previous.since : statusStamp(env.now()),
      ...(previous?.writtenMembers ? { writtenMembers: previous.writtenMembers } : {}),
    };
    env.refs.provisioned.set(id, dn!);
    rec.ok(id);
    rec.succeeded++;
    return { ...base, ok: true, dn: dn!, created: !!plan.create, ...(inlineError !== undefined ? { inlineError } : {}) };
  } catch (err) {
    rec.fail(id, err, { dn, displayName: group.displayName });
    env.refs.failed.set(id, err instanceof GwbError ? err.code : 'error');
    return base;
  }
}

function countObject(env: CycleEnv, plan: ReturnType<typeof planGroupObject>): void {
  const g = env.rec.groups;
  if (plan.create) g.created++;
  if (plan.move?.rename) g.renamed++;
  if (plan.move?.moved) g.moved++;
  if (plan.update) g.updated++;
  if (!plan.create && !plan.move && !plan.update) g.unchanged++;
}
