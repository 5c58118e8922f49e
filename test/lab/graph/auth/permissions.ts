/** Application permissions (token `roles`) each kind of Graph call needs (least-privileged sets from the docs). */
import { forbidden } from '../errors';
import type { AuthContext } from '../http-types';
import type { ObjectKind } from '../types';

export type Permission = 'groups.read' | 'groups.write' | 'members.read' | 'members.write' | 'users.read' | 'users.write'
  | 'directory.read' | 'entitlement.read' | 'entitlement.write' | 'groupSyncBehavior.read' | 'groupSyncBehavior.write';

const GRANTS: Record<Permission, string[]> = {
  'groups.read': ['Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All',
    'Directory.Read.All', 'Directory.ReadWrite.All'],
  'groups.write': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'members.read': ['GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All',
    'Directory.Read.All', 'Directory.ReadWrite.All'],
  'members.write': ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'users.read': ['User.Read.All', 'User.ReadWrite.All', 'User.ReadBasic.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'users.write': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'directory.read': ['Directory.Read.All', 'Directory.ReadWrite.All'],
  'entitlement.read': ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
  'entitlement.write': ['EntitlementManagement.ReadWrite.All'],
  // onPremisesSyncBehavior-get/-update (Graph v1.0): least privileged Group-OnPremisesSyncBehavior.ReadWrite.All.
  'groupSyncBehavior.read': ['Group-OnPremisesSyncBehavior.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'groupSyncBehavior.write': ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
};

export function allows(auth: AuthContext, perm: Permission): boolean {
  return GRANTS[perm].some((r) => auth.roles.has(r));
}

export function demand(auth: AuthContext, ...anyOf: Permission[]): void {
  if (!anyOf.some((p) => allows(auth, p))) throw forbidden();
}

/** Whether full properties of an object of `kind` may be returned (else "limited information": type + id). */
export function canRead(auth: AuthContext, kind: ObjectKind): boolean {
  return allows(auth, kind === 'user' ? 'users.read' : 'groups.read');
}
