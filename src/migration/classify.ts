/**
 * Migration from Entra Connect Sync group writeback v2 (spec §9): what to do with each Connect-written AD group.
 * PURE: the AD groups found under the search base, the cloud groups they name and the job's scope in, one
 * decision per AD group out (printable, filterable, the same every time).
 *
 * Connect marks what it wrote with `adminDescription = Group_<objectId>`. Microsoft's step 1 copies that value
 * into msDS-ExternalDirectoryObjectId (our anchor), after which the job matches the group and manages it in place,
 * same objectGUID and SID. Only eligible groups are stamped: security groups (never the Microsoft 365 groups,
 * which stay with writeback v1), whose cloud group still exists and is in this job's scope, one AD object per
 * cloud group, and no other anchor already on it.
 */
import type { ResolvedConfig } from '../config/types';
import type { CloudGroup } from '../model/cloud';
import type { AdGroup } from '../model/directory';
import { adAttribute } from '../engine/match';
import { scopeGroup } from '../engine/scope';
import { anchorOf, groupIdOfAnchor } from '../engine/types';

export type MigrationAction =
  /** Eligible: stamp msDS-ExternalDirectoryObjectId = adminDescription; the job then manages it in place. */
  | 'adopt'
  /** Eligible and already stamped with its own id (a previous run, or the admin did step 1 by hand). */
  | 'alreadyAnchored'
  /** A Microsoft 365 group written back by Connect: stays with group writeback v1, never touched. */
  | 'leaveM365'
  /** The cloud group no longer exists (deleted): nothing to manage it from. */
  | 'leaveCloudGroupGone'
  /** The cloud group exists but this job does not provision it (mail-enabled, not security, out of scope…). */
  | 'leaveNotEligible'
  /** Two or more AD objects carry the same adminDescription: the admin picks one first. */
  | 'conflictDuplicate'
  /** The object already carries a different msDS-ExternalDirectoryObjectId. */
  | 'conflictAnchoredElsewhere';

export const ELIGIBLE_ACTIONS: readonly MigrationAction[] = ['adopt', 'alreadyAnchored'];

/** How the group's CN was written by Connect. */
export type CnFormat = 'objectId' | 'displayName' | 'other';

/** One Connect-written AD group and the decision about it (GroupWriteback.MigrationGroup). */
export interface MigrationGroup {
  dn: string;
  objectGuid: string;
  objectSid: string;
  cn: string;
  cnFormat: CnFormat;
  /** adminDescription as found (Group_<objectId>). */
  adminDescription: string;
  /** msDS-ExternalDirectoryObjectId as found, or null. */
  anchor: string | null;
  groupType: string | null;
  cloudId: string;
  cloudDisplayName: string | null;
  eligible: boolean;
  action: MigrationAction;
  reason: string;
}

const GROUP_TYPE_SECURITY = 0x80000000;
const GROUP_TYPE_UNIVERSAL = 0x8;

function single(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

export function cnFormatOf(cn: string, cloudId: string): CnFormat {
  if (cn.toLowerCase() === anchorOf(cloudId).toLowerCase()) return 'objectId';
  if (cn.toLowerCase().endsWith(`_${cloudId.slice(-12).toLowerCase()}`)) return 'displayName';
  return 'other';
}

export interface ClassifyInput {
  /** Every AD group under the search base with adminDescription Group_… */
  adGroups: AdGroup[];
  /** The cloud groups those name (absent = deleted or never existed). */
  cloud: ReadonlyMap<string, CloudGroup>;
  /** Ids of soft-deleted cloud groups (restorable: still "gone" for the migration, said so in the reason). */
  softDeleted: ReadonlySet<string>;
  scope: ResolvedConfig['scope'];
}

export function classify(input: ClassifyInput): MigrationGroup[] {
  const byMarker = new Map<string, AdGroup[]>();
  for (const g of input.adGroups) {
    const marker = String(single(adAttribute(g, 'adminDescription')) ?? '').toLowerCase();
    const list = byMarker.get(marker);
    if (list) list.push(g);
    else byMarker.set(marker, [g]);
  }
  const out = input.adGroups.map((g) => classifyOne(g, input, byMarker));
  return out.sort((a, b) => a.dn.localeCompare(b.dn));
}

function classifyOne(g: AdGroup, input: ClassifyInput, byMarker: Map<string, AdGroup[]>): MigrationGroup {
  const adminDescription = String(single(adAttribute(g, 'adminDescription')) ?? '');
  const cloudId = groupIdOfAnchor(adminDescription) ?? '';
  const cloud = input.cloud.get(cloudId);
  const cn = String(single(adAttribute(g, 'cn')) ?? '');
  const gtText = single(adAttribute(g, 'groupType'));
  const gt = gtText === null ? null : Number.parseInt(gtText, 10);
  const base = {
    dn: g.dn,
    objectGuid: g.objectGuid,
    objectSid: g.objectSid,
    cn,
    cnFormat: cnFormatOf(cn, cloudId),
    adminDescription,
    anchor: g.anchor,
    groupType: gtText,
    cloudId,
    cloudDisplayName: cloud?.displayName ?? (single(adAttribute(g, 'displayName')) as string | null),
  };
  const decide = (action: MigrationAction, reason: string): MigrationGroup => ({ ...base, eligible: ELIGIBLE_ACTIONS.includes(action), action, reason });

  const isSecurity = gt !== null && Number.isFinite(gt) && (gt & GROUP_TYPE_SECURITY) !== 0;
  const unified = (cloud?.groupTypes ?? []).some((t) => t.toLowerCase() === 'unified');
  if (unified || (gt !== null && !isSecurity)) {
    return decide('leaveM365', unified
      ? 'Microsoft 365 group: stays with group writeback v1 (Connect keeps writing it); never stamped'
      : 'distribution group (Microsoft 365 group written back by Connect): stays with group writeback v1; never stamped');
  }
  if (!cloudId) return decide('leaveCloudGroupGone', `adminDescription ${adminDescription} does not name a cloud group id`);
  if (!cloud) {
    return decide('leaveCloudGroupGone', input.softDeleted.has(cloudId)
      ? `the cloud group ${cloudId} is soft-deleted (restorable for 30 days): restore it and run discovery again, or delete this AD group when you are sure`
      : `the cloud group ${cloudId} no longer exists in Entra ID: left as is (delete it in AD when it is no longer used)`);
  }
  const twins = byMarker.get(adminDescription.toLowerCase()) ?? [];
  if (twins.length > 1) {
    return decide('conflictDuplicate', `${twins.length} AD objects carry adminDescription ${adminDescription} (${twins.map((t) => t.dn).join('; ')}): keep one (clear adminDescription on the others), then run the migration again`);
  }
  const own = anchorOf(cloudId).toLowerCase();
  if (g.anchor && g.anchor.toLowerCase() !== own) {
    return decide('conflictAnchoredElsewhere', `it already carries msDS-ExternalDirectoryObjectId ${g.anchor}, not ${anchorOf(cloudId)}: check which cloud group owns it and clear the wrong value first`);
  }
  const scope = scopeGroup(cloud, input.scope);
  if (!scope.inScope) {
    return decide('leaveNotEligible', `the cloud group is not provisioned by this job: ${scope.reason}`);
  }
  if (gt !== null && (gt & GROUP_TYPE_UNIVERSAL) === 0) {
    return decide('leaveNotEligible', 'the AD group is not Universal (Global or Domain local scope): change it to Universal first (Set-ADGroup -GroupScope Universal)');
  }
  if (g.anchor) return decide('alreadyAnchored', `already carries msDS-ExternalDirectoryObjectId ${g.anchor}: managed in place by the job`);
  return decide('adopt', `eligible (${scope.reason}): msDS-ExternalDirectoryObjectId ${anchorOf(cloudId)} will be stamped; the job then manages it in place (same objectGUID and SID)`);
}

/** Counts per action, for summaries. */
export function countActions(groups: readonly MigrationGroup[]): Record<MigrationAction, number> {
  const out: Record<MigrationAction, number> = { adopt: 0, alreadyAnchored: 0, leaveM365: 0, leaveCloudGroupGone: 0, leaveNotEligible: 0, conflictDuplicate: 0, conflictAnchoredElsewhere: 0 };
  for (const g of groups) out[g.action]++;
  return out;
}
