/**
 * Entitlement management reads: the groups a user gets through access package assignments. One list of the
 * user's assignments (`$filter=target/objectId eq '…'`, `$expand=accessPackage`), then each package's resource
 * role scopes (`$expand=resourceRoleScopes($expand=role,scope)`): a role of origin system AadGroup named Member
 * (originId `Member_<groupId>`) grants membership of that group. Needs EntitlementManagement.Read.All.
 */
import type { AccessPackageGrant } from '../model/cloud';

type Json = Record<string, any>;
const EM = '/identityGovernance/entitlementManagement';

/** The group ids whose Member role an access package holds. */
export function memberRoleGroups(pkg: Json): string[] {
  const out: string[] = [];
  for (const rs of Array.isArray(pkg.resourceRoleScopes) ? pkg.resourceRoleScopes : []) {
    const role = rs?.role ?? {};
    if (String(role.originSystem ?? '').toLowerCase() !== 'aadgroup') continue;
    const m = /^Member_([0-9a-f-]{36})$/i.exec(String(role.originId ?? ''));
    const groupId = m?.[1] ?? (String(role.displayName ?? '') === 'Member' ? String(rs?.scope?.originId ?? role.resource?.originId ?? '') : '');
    if (/^[0-9a-f-]{36}$/i.test(groupId)) out.push(groupId.toLowerCase());
  }
  return out;
}

/** Every active (not expired) assignment of the user, expanded to the groups it grants. */
export async function readAccessPackageGrants(userId: string, list: (path: string) => Promise<Json[]>, get: (path: string) => Promise<Json>): Promise<AccessPackageGrant[]> {
  const id = userId.replace(/'/g, "''");
  const assignments = await list(`${EM}/assignments?$filter=target/objectId eq '${id}'&$expand=accessPackage`);
  const packages = new Map<string, Json>();
  const out: AccessPackageGrant[] = [];
  for (const a of assignments) {
    const state = String(a.state ?? '');
    if (state === 'expired') continue;
    const pkgId = String(a.accessPackage?.id ?? '');
    if (!pkgId) continue;
    if (!packages.has(pkgId)) packages.set(pkgId, await get(`${EM}/accessPackages/${encodeURIComponent(pkgId)}?$expand=resourceRoleScopes($expand=role,scope)`));
    const pkg = packages.get(pkgId)!;
    for (const groupId of memberRoleGroups(pkg)) {
      out.push({
        groupId, accessPackageId: pkgId, accessPackageName: (pkg.displayName as string) ?? a.accessPackage?.displayName ?? null,
        assignmentId: String(a.id), state, expiresAt: (a.schedule?.expiration?.endDateTime as string | null) ?? null,
      });
    }
  }
  return out;
}
