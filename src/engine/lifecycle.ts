/**
 * Lifecycle rules: what a soft delete, a permanent delete or a scope exit does to the AD group (issue 4):
 *  - soft-deleted in Entra (restorable 30 days) → empty its membership, keep the object (default; or leave/delete);
 *  - permanently deleted → delete the AD group (default; or leave);
 *  - leaves scope → leave it as it is and stop managing it (default; or empty/convertToDistribution/delete).
 * Only objects carrying our anchor ever get here.
 */
import type { ResolvedConfig } from '../config/types';
import type { AdGroup } from '../model/directory';
import type { GroupStatus } from '../state/types';
import { SYNCED_FROM_AD } from './scope';
import type { LifecycleAction, LifecycleCause, LifecycleKind } from './types';

type Lifecycle = ResolvedConfig['lifecycle'];

export function lifecycleKind(cause: LifecycleCause, cfg: Lifecycle): LifecycleKind {
  switch (cause) {
    case 'softDelete':
      return cfg.onSoftDelete === 'empty' ? 'empty' : cfg.onSoftDelete === 'delete' ? 'delete' : 'leave';
    case 'permanentDelete':
      return cfg.onPermanentDelete === 'delete' ? 'delete' : 'leave';
    case 'scopeExit':
      return cfg.onScopeExit === 'leave' ? 'leave' : cfg.onScopeExit;
  }
}

const CAUSE_TEXT: Record<LifecycleCause, string> = {
  softDelete: 'soft-deleted in Entra ID (restorable for 30 days)',
  permanentDelete: 'permanently deleted in Entra ID',
  scopeExit: 'left the provisioning scope',
};

const SETTING: Record<LifecycleCause, string> = {
  softDelete: 'lifecycle.onSoftDelete',
  permanentDelete: 'lifecycle.onPermanentDelete',
  scopeExit: 'lifecycle.onScopeExit',
};

const KIND_TEXT: Record<LifecycleKind, string> = {
  delete: 'delete the AD group',
  empty: 'empty its AD membership and keep the object',
  convertToDistribution: 'convert it to a distribution group',
  leave: 'leave the AD group as it is',
};

export function lifecycleAction(cause: LifecycleCause, cfg: Lifecycle, group: AdGroup, groupId: string, displayName: string | null, extra?: string): LifecycleAction {
  if (cause === 'scopeExit' && extra === SYNCED_FROM_AD) {
    // Source of authority rolled back to AD: the object is AD's (and Connect's) again. Stop managing, touch nothing.
    const reason = 'source of authority returned to on-premises AD (isCloudManaged = false): the AD group is left as it is, whatever lifecycle.onScopeExit says; no longer managed';
    return { kind: 'leave', cause, groupId, displayName, dn: group.dn, objectGuid: group.objectGuid, reason };
  }
  const kind = lifecycleKind(cause, cfg);
  let reason = `${CAUSE_TEXT[cause]}${extra ? ` (${extra})` : ''}: ${KIND_TEXT[kind]} (${SETTING[cause]} = ${cfg[SETTING[cause].split('.')[1] as keyof Lifecycle]})`;
  if (cause !== 'softDelete' && kind !== 'delete') reason += '; no longer managed';
  return { kind, cause, groupId, displayName, dn: group.dn, objectGuid: group.objectGuid, reason };
}

/** Whether a lifecycle transition is due, given what the state store remembers of the group. */
export function transitionDue(cause: LifecycleCause, recorded: GroupStatus | undefined): boolean {
  if (recorded === 'released') return false; // no longer ours to manage
  if (cause === 'softDelete') return recorded !== 'softDeleted';
  return true;
}

/** Status the state store keeps after a lifecycle action (undefined = forget the group). */
export function statusAfter(action: Pick<LifecycleAction, 'kind' | 'cause'>): GroupStatus | undefined {
  if (action.kind === 'delete') return undefined;
  if (action.cause === 'softDelete') return 'softDeleted';
  return 'released';
}

/** Whether the action counts toward the accidental-delete threshold (it removes access). */
export function countsTowardThreshold(action: Pick<LifecycleAction, 'kind'>): boolean {
  return action.kind === 'delete' || action.kind === 'empty' || action.kind === 'convertToDistribution';
}
