/**
 * Applying lifecycle actions (delete / empty / convert to distribution / leave) under the accidental-delete
 * threshold, and applying approved held batches.
 */
import { GwbError } from '../core/errors';
import { say } from '../core/surface';
import type { AdGroup } from '../model/directory';
import type { HeldBatch } from '../state/types';
import { chunk } from './concurrency';
import type { CycleEnv } from './env';
import { statusAfter } from './lifecycle';
import { createHeldBatch, partitionByThreshold, pendingHeldGroupIds } from './safety';
import { scopeGroup } from './scope';
import { anchorOf, GROUP_TYPE_UNIVERSAL_DISTRIBUTION, type LifecycleAction } from './types';
import { adAttribute } from './match';
import { reconcileMembers } from './member-step';
import { normalizeDn } from '../directory/dn';
import { statusStamp } from '../state/stamp';

/** Apply one lifecycle action now. Returns false when it failed (recorded). */
export async function applyLifecycleAction(env: CycleEnv, action: LifecycleAction, group?: AdGroup): Promise<boolean> {
  const { rec, target, doc } = env;
  const g = rec.groups;
  if (env.dryRun) {
    rec.planned(action);
    if (action.kind === 'delete') g.deleted++;
    else if (action.kind === 'empty') g.emptied++;
    else if (action.kind === 'convertToDistribution') g.converted++;
    else g.released++;
    return true;
  }
  rec.attempted++;
  const common = { sourceId: action.groupId, sourceType: 'group' as const, targetDn: action.dn, reason: action.reason, ...(action.displayName ? { displayName: action.displayName } : {}) };
  try {
    switch (action.kind) {
      case 'delete':
        await target.deleteGroup(action.dn);
        g.deleted++;
        rec.record({ action: 'delete', result: 'success', ...common });
        break;
      case 'empty': {
        const members = await target.readMembers(action.dn);
        for (const batch of chunk(members, env.config.membership.batchSize)) await target.removeMembers(action.dn, batch);
        g.emptied++;
        rec.record({ action: 'empty', result: 'success', ...common, count: members.length, ...(members.length ? { modified: [{ attribute: 'member', old: members, new: null }] } : {}) });
        break;
      }
      case 'convertToDistribution': {
        const old = group ? adAttribute(group, 'groupType') ?? null : null;
        await target.modifyGroup(action.dn, { groupType: GROUP_TYPE_UNIVERSAL_DISTRIBUTION });
        g.converted++;
        rec.record({ action: 'convert', result: 'success', ...common, modified: [{ attribute: 'groupType', old, new: GROUP_TYPE_UNIVERSAL_DISTRIBUTION }] });
        break;
      }
      case 'leave':
        g.released++;
        rec.record({ action: 'release', result: 'success', ...common });
        break;
    }
    const status = statusAfter(action);
    if (status === undefined) delete doc.groups[action.groupId];
    else doc.groups[action.groupId] = { dn: action.dn, objectGuid: action.objectGuid, status, since: statusStamp(env.now()) };
    if (action.kind !== 'leave' || action.cause !== 'softDelete') delete doc.failed[action.groupId];
    rec.ok(action.groupId);
    rec.succeeded++;
    return true;
  } catch (err) {
    rec.fail(action.groupId, err, { dn: action.dn, displayName: action.displayName, action: 'error' });
    return false;
  }
}

export interface LifecyclePhaseResult {
  held?: HeldBatch;
  pending: number;
}

/** Apply this cycle's lifecycle actions, holding them all when they exceed the threshold. */
export async function applyLifecyclePhase(env: CycleEnv, actions: LifecycleAction[], groupsById?: Map<string, AdGroup>): Promise<LifecyclePhaseResult> {
  const { rec, doc, config } = env;
  const outcome = partitionByThreshold(actions, config.safety.deleteThreshold, pendingHeldGroupIds(doc));
  for (const a of outcome.pending) {
    rec.groups.held++;
    rec.record({ action: 'held', result: 'held', sourceId: a.groupId, sourceType: 'group', ...(a.displayName ? { displayName: a.displayName } : {}), targetDn: a.dn, reason: `${a.reason}; waiting in a held batch (approve with ${say.approve()})` });
    if (env.dryRun) rec.planned({ ...a, reason: `${a.reason}; held, waiting for approval` });
  }
  let held: HeldBatch | undefined;
  if (outcome.hold.length) {
    held = createHeldBatch(doc, rec.cycleId, outcome.hold, config.safety.deleteThreshold, env.now());
    rec.groups.held += outcome.hold.length;
    env.rec.sink.warn(
      env.dryRun
        ? `${held.reason} The cycle would hold them as batch ${held.id} and apply none until approved (${say.approve(held.id)}).`
        : `${held.reason} None was applied; review them (${say.plan()}, ${say.log('held')}), then approve with ${say.approve(held.id)}.`,
      { batchId: held.id },
    );
    for (const a of outcome.hold) {
      rec.record({ action: 'held', result: 'held', sourceId: a.groupId, sourceType: 'group', ...(a.displayName ? { displayName: a.displayName } : {}), targetDn: a.dn, reason: `${a.reason}; held: ${held.reason} (batch ${held.id})` });
      if (env.dryRun) rec.planned(a);
    }
  }
  for (const a of outcome.apply) await applyLifecycleAction(env, a, groupsById?.get(a.groupId));
  return { ...(held ? { held } : {}), pending: outcome.pending.length };
}

/** Apply every approved batch (status approved → applied), re-checking each action first. */
export async function applyApprovedBatches(env: CycleEnv): Promise<{ batchId: string; applied: number; skipped: number }[]> {
  const { doc, rec, source, target } = env;
  const results: { batchId: string; applied: number; skipped: number }[] = [];
  for (const batch of doc.held.filter((b) => b.status === 'approved')) {
    const ids = batch.actions.map((a) => a.groupId);
    const cloud = new Map<string, Awaited<ReturnType<typeof source.getGroups>>[number]>();
    for (const part of chunk(ids, 1000)) for (const g of await source.getGroups(part, env.signal)) cloud.set(g.id.toLowerCase(), g);
    let applied = 0;
    const skipped: { groupId: string; reason: string }[] = [];
    for (const a of batch.actions) {
      const skip = (reason: string) => {
        skipped.push({ groupId: a.groupId, reason });
        rec.record({ action: 'skip', result: 'skipped', sourceId: a.groupId, sourceType: 'group', targetDn: a.dn, reason: `approved ${a.action} not applied: ${reason} (batch ${batch.id})` });
      };
      const found = await target.findByAnchor(anchorOf(a.groupId));
      if (found.length !== 1 || (a.objectGuid && found[0].objectGuid.toLowerCase() !== a.objectGuid.toLowerCase())) {
        skip(found.length === 0 ? 'the AD group no longer exists' : 'the AD object with this anchor is not the one held');
        if (found.length === 0) delete doc.groups[a.groupId];
        continue;
      }
      const g = cloud.get(a.groupId);
      if (a.action === 'removeMembers') {
        // Re-read the cloud members: only held removals of members still absent from the cloud group happen.
        if (!g) {
          skip('the group is gone from Entra ID (its lifecycle applies instead)');
          continue;
        }
        const approvedRemovals = new Set((a.memberDns ?? []).map((dn) => normalizeDn(dn)));
        const ok = await reconcileMembers(env, { groupId: a.groupId, displayName: g.displayName, dn: found[0].dn, created: false, approvedRemovals });
        if (ok) applied++;
        else skipped.push({ groupId: a.groupId, reason: 'failed (see the error; retried by the next full cycle)' });
        continue;
      }
      if (a.cause === 'permanentDelete' && g) {
        skip('the group exists in Entra again');
        continue;
      }
      if (a.cause === 'softDelete' && g) {
        skip('the group was restored in Entra');
        continue;
      }
      if (a.cause === 'scopeExit' && g && scopeGroup(g, env.config.scope).inScope) {
        skip('the group is back in scope');
        continue;
      }
      const ok = await applyLifecycleAction(
        env,
        { kind: a.action, cause: a.cause as LifecycleAction['cause'], groupId: a.groupId, displayName: (found[0].attributes.displayName as string | undefined) ?? null, dn: found[0].dn, objectGuid: a.objectGuid, reason: `${a.reason}; approved (batch ${batch.id})` },
        found[0],
      );
      if (ok) applied++;
      else skipped.push({ groupId: a.groupId, reason: 'failed (see the error; retried by the next full cycle)' });
    }
    if (!env.dryRun) {
      batch.status = 'applied';
      batch.appliedAt = env.now().toISOString();
      batch.appliedCycleId = rec.cycleId;
      batch.skipped = skipped;
    }
    results.push({ batchId: batch.id, applied, skipped: skipped.length });
  }
  return results;
}

export function lifecycleError(message: string, groupId: string): GwbError {
  return new GwbError(message, { code: 'DuplicateTargetEntries', category: 'InvalidData', target: groupId });
}
