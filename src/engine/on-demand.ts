/**
 * Provision one group now (and optionally up to 5 named members), reporting the steps as Microsoft's portal
 * does: Import → Scope → Match → Map → Action (→ Member…), each Success, Skipped or Failed, with details.
 * Members are not provisioned unless named, as in the portal.
 */
import { say } from '../core/surface';
import { randomUUID } from 'node:crypto';
import { GwbError, UsageError, serializeError } from '../core/errors';
import type { EventSink } from '../core/events';
import type { ResolvedConfig } from '../config/types';
import type { CloudGroup, MemberRef } from '../model/cloud';
import type { Source, Target } from '../model/ports';
import { normalizeDn } from '../directory/dn';
import { ProvisioningLog } from '../state/log';
import type { JobStore } from '../state/port';
import type { CycleEnv } from './env';
import { CycleGroupRefs } from './group-refs';
import { applyObject, planObject, type PlannedObject } from './group-step';
import { targetLookup } from './match';
import type { GroupMapper } from './map';
import { MemberResolver } from './members';
import { Recorder } from './recorder';
import { scopeGroup } from './scope';
import type { PlanAction } from './types';

export type OnDemandStatus = 'Success' | 'Skipped' | 'Failed';

export interface OnDemandStep {
  /** 1-based position. */
  index: number;
  step: 'Import' | 'Scope' | 'Match' | 'Map' | 'Action' | 'Member';
  status: OnDemandStatus;
  description: string;
  groupId: string;
  memberId?: string;
  details?: Record<string, unknown>;
  error?: { code: string; message: string; hint?: string };
}

export interface OnDemandOptions {
  config: ResolvedConfig;
  source: Source;
  target: Target;
  mapper: GroupMapper;
  store: JobStore;
  sink: EventSink;
  groupId: string;
  memberIds?: string[];
  signal?: AbortSignal;
  /** Report what would happen without writing. */
  dryRun?: boolean;
}

export const ON_DEMAND_MAX_MEMBERS = 5;

export async function provisionOnDemand(o: OnDemandOptions): Promise<OnDemandStep[]> {
  const groupId = o.groupId.trim().toLowerCase();
  const memberIds = [...new Set((o.memberIds ?? []).map((m) => m.trim().toLowerCase()).filter(Boolean))];
  if (memberIds.length > ON_DEMAND_MAX_MEMBERS) {
    throw new UsageError(`On-demand provisioning takes at most ${ON_DEMAND_MAX_MEMBERS} members (got ${memberIds.length}).`, { target: 'memberIds', hint: `Name fewer members, or run a cycle (${say.run()}).` });
  }
  const steps: OnDemandStep[] = [];
  const add = (s: Omit<OnDemandStep, 'index' | 'groupId'>): OnDemandStep => {
    const step = { index: steps.length + 1, groupId, ...s };
    steps.push(step);
    o.sink.progress({ activityId: 1, activity: 'On-demand provisioning', status: `${s.step}: ${s.status}`, percent: Math.min(95, steps.length * 16) });
    return step;
  };
  const failed = (step: OnDemandStep['step'], description: string, err: unknown, memberId?: string) => {
    const e = serializeError(err);
    return add({ step, status: 'Failed', description, ...(memberId ? { memberId } : {}), error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
  };

  const dryRun = !!o.dryRun;
  const signal = o.signal ?? new AbortController().signal;
  const log = dryRun ? undefined : new ProvisioningLog(o.store.logDir);
  const planned: PlanAction[] = [];
  const rec = new Recorder(`ondemand-${randomUUID()}`, o.sink, log, dryRun, (a) => planned.push(a));
  const refs = new CycleGroupRefs(o.source, o.target, o.config.scope);
  const resolver = new MemberResolver(o.source, o.target, { provisionOnPremisesUsers: o.config.membership.provisionOnPremisesUsers }, refs);
  const doc = dryRun ? structuredClone(o.store.doc) : o.store.doc;
  const env: CycleEnv = { config: o.config, source: o.source, target: o.target, mapper: o.mapper, doc, rec, refs, resolver, signal, dryRun, now: () => new Date(), memberHolds: [] };

  try {
    // Import
    let group: CloudGroup | null;
    try {
      group = await o.source.getGroup(groupId, signal);
    } catch (err) {
      failed('Import', 'Could not read the group from Entra ID.', err);
      return steps;
    }
    if (!group) {
      const deleted = await o.source.listDeletedGroupIds(signal).catch(() => new Set<string>());
      const soft = [...deleted].some((d) => d.toLowerCase() === groupId);
      add({ step: 'Import', status: 'Failed', description: soft ? 'The group is soft-deleted in Entra ID: deleted groups cannot be provisioned on demand (a cycle applies lifecycle.onSoftDelete).' : 'No group with this id exists in Entra ID.' });
      return steps;
    }
    add({ step: 'Import', status: 'Success', description: `Read group '${group.displayName ?? groupId}' from Entra ID.`, details: { displayName: group.displayName, description: group.description, securityEnabled: group.securityEnabled, mailEnabled: group.mailEnabled, groupTypes: group.groupTypes, onPremisesSyncEnabled: group.onPremisesSyncEnabled } });

    // Scope
    const decision = scopeGroup(group, o.config.scope);
    if (!decision.inScope) {
      add({ step: 'Scope', status: 'Skipped', description: `The group is out of scope: ${decision.reason}.`, details: { reason: decision.reason } });
      rec.record({ action: 'skip', result: 'skipped', sourceId: groupId, sourceType: 'group', ...(group.displayName ? { displayName: group.displayName } : {}), reason: `on demand: ${decision.reason}` });
      return steps;
    }
    add({ step: 'Scope', status: 'Success', description: `The group is in scope (${decision.reason}).`, details: { reason: decision.reason, ...(decision.matchedFilter ? { matchedFilter: decision.matchedFilter } : {}) } });

    // Match + Map
    let p: PlannedObject;
    try {
      p = await planObject(env, group, targetLookup(o.target));
    } catch (err) {
      failed('Map', 'The attribute mappings failed for this group.', err);
      rec.fail(groupId, err, { displayName: group.displayName });
      return steps;
    }
    if (p.match.error) {
      add({ step: 'Match', status: 'Failed', description: p.match.error.message, error: { code: p.match.error.code, message: p.match.error.message, ...(p.match.error.hint ? { hint: p.match.error.hint } : {}) } });
      rec.fail(groupId, new GwbError(p.match.error.message, { code: p.match.error.code, ...(p.match.error.hint ? { hint: p.match.error.hint } : {}) }), { displayName: group.displayName });
      return steps;
    }
    add({
      step: 'Match',
      status: 'Success',
      description:
        p.match.method === 'anchor'
          ? `Matched ${p.match.actual!.dn} by msDS-ExternalDirectoryObjectId = ${p.desired.anchor}.`
          : p.match.method === 'sid'
            ? `Matched ${p.match.actual!.dn} by objectSid = ${group.onPremisesSecurityIdentifier} (source of authority converted); the anchor will be stamped.`
            : `No AD group carries the anchor ${p.desired.anchor}: it will be created.`,
      details: { method: p.match.method, ...(p.match.actual ? { dn: p.match.actual.dn, objectGuid: p.match.actual.objectGuid } : {}) },
    });
    add({ step: 'Map', status: 'Success', description: `Mapped to ${p.desired.dn}.`, details: { dn: p.desired.dn, cn: p.desired.cn, parentDistinguishedName: p.desired.parentDn, attributes: p.desired.attributes } });

    // Action
    const outcome = await applyObject(env, group, p, { groupId, displayName: group.displayName, ok: false });
    const verb = p.plan.create ? 'Create' : p.plan.move || p.plan.update ? 'Update' : 'No change';
    if (!outcome.ok) {
      const err = rec.errorSamples[rec.errorSamples.length - 1];
      add({ step: 'Action', status: 'Failed', description: `${verb} failed: ${err?.message ?? 'see the provisioning log'}`, ...(err ? { error: { code: err.code, message: err.message } } : {}) });
      return steps;
    }
    add({
      step: 'Action',
      status: verb === 'No change' ? 'Skipped' : 'Success',
      description: verb === 'No change' ? `The AD group ${outcome.dn} already matches: nothing to write.` : `${verb}${dryRun ? ' (planned)' : 'd'} ${outcome.dn}.`,
      details: {
        action: verb,
        dn: outcome.dn,
        ...(p.plan.create ? { attributes: p.plan.create.attributes } : {}),
        ...(p.plan.move ? { fromDn: p.plan.move.fromDn, toDn: p.plan.move.toDn } : {}),
        ...(p.plan.update ? { modified: p.plan.update.changes } : {}),
      },
    });

    // Members
    if (memberIds.length) await memberSteps(env, groupId, outcome.dn!, !!outcome.created, memberIds, add, failed);
    return steps;
  } finally {
    if (!dryRun) {
      rec.updateFailed(doc, new Date());
      log?.close();
      await o.store.save();
    }
    o.sink.progress({ activityId: 1, activity: 'On-demand provisioning', status: 'Done', percent: 100, completed: true });
  }
}

async function memberSteps(
  env: CycleEnv,
  groupId: string,
  dn: string,
  created: boolean,
  memberIds: string[],
  add: (s: Omit<OnDemandStep, 'index' | 'groupId'>) => OnDemandStep,
  failed: (step: OnDemandStep['step'], description: string, err: unknown, memberId?: string) => OnDemandStep,
): Promise<void> {
  const { source, target, rec } = env;
  let cloudMembers: Map<string, MemberRef>;
  let actual: Map<string, string>;
  try {
    cloudMembers = new Map();
    for await (const page of source.listMembers(groupId, env.signal)) for (const m of page) cloudMembers.set(m.id.toLowerCase(), m);
    actual = new Map((created ? [] : await target.readMembers(dn)).map((d) => [normalizeDn(d), d]));
  } catch (err) {
    for (const m of memberIds) failed('Member', 'Could not read the memberships.', err, m);
    return;
  }
  const users = new Set((await source.getUsers(memberIds.filter((m) => !cloudMembers.has(m)), env.signal)).map((u) => u.id.toLowerCase()));
  for (const memberId of memberIds) {
    const ref: MemberRef = cloudMembers.get(memberId) ?? { id: memberId, kind: users.has(memberId) ? 'user' : 'group' };
    const isMember = cloudMembers.has(memberId);
    try {
      const r = await env.resolver.resolve([ref], env.signal);
      const skip = r.skipped[0];
      if (skip && isMember) {
        add({ step: 'Member', status: 'Skipped', memberId, description: `Member ${memberId} is not written: ${skip.reason}.`, details: { kind: ref.kind, reason: skip.reason } });
        rec.record({ action: 'skip', result: 'skipped', sourceId: memberId, sourceType: ref.kind as 'user', groupId, targetDn: dn, reason: skip.reason });
        continue;
      }
      const memberDn = r.dns[0];
      const present = memberDn ? actual.has(normalizeDn(memberDn)) : false;
      if (isMember && !present) {
        if (!env.dryRun) {
          await target.addMembers(dn, [memberDn]);
          rec.record({ action: 'memberAdd', result: 'success', sourceId: groupId, sourceType: 'group', groupId, targetDn: dn, count: 1, memberIds: [memberId], modified: [{ attribute: 'member', old: null, new: [memberDn] }], reason: 'on demand' });
        }
        add({ step: 'Member', status: 'Success', memberId, description: `Added ${memberDn}.`, details: { kind: ref.kind, memberDn, action: 'Add' } });
      } else if (!isMember && present) {
        if (!env.dryRun) {
          await target.removeMembers(dn, [memberDn]);
          rec.record({ action: 'memberRemove', result: 'success', sourceId: groupId, sourceType: 'group', groupId, targetDn: dn, count: 1, memberIds: [memberId], modified: [{ attribute: 'member', old: [memberDn], new: null }], reason: 'on demand: not a member of the cloud group' });
        }
        add({ step: 'Member', status: 'Success', memberId, description: `Removed ${memberDn} (not a member of the cloud group).`, details: { kind: ref.kind, memberDn, action: 'Remove' } });
      } else {
        add({
          step: 'Member',
          status: 'Skipped',
          memberId,
          description: isMember ? `${memberDn} is already a member.` : `${memberId} is not a member of the cloud group${memberDn ? ' nor of the AD group' : ''}: nothing to do.`,
          details: { kind: ref.kind, ...(memberDn ? { memberDn } : {}), action: 'None' },
        });
      }
    } catch (err) {
      failed('Member', `Member ${memberId} could not be written.`, err, memberId);
      rec.fail(groupId, err, { dn });
    }
  }
}
