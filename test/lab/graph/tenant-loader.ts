/**
 * Tenant-file semantics: `{ "users": [...], "groups": [...] }` of Graph-shaped objects. `id` is optional
 * (generated); an entry whose id (or, for users, userPrincipalName) already exists updates it. A user with
 * `"synced": true` (user or group) gets `onPremisesSyncEnabled: true` unless set (the lab's AD half, test/lab/
 * tenant-file.ts, creates those in AD first and fills in their onPremises* properties). A group's `"members"` lists member ids,
 * userPrincipalNames or group displayNames (groups may reference groups defined later in the file). A dynamic group's
 * members come from its membershipRule; its "members" list, if given, is the evaluated membership (checked against
 * the rule) or, with membershipRuleProcessingState "Paused", the frozen one (see TenantStore.seedDynamicMembers).
 */
import { badRequest } from './errors';
import { isGuid } from './ids';
import type { TenantStore } from './store';
import type { GraphGroup, GraphUser, TenantFile } from './types';

export interface LoadResult {
  users: GraphUser[];
  groups: GraphGroup[];
  /** Membership links added. */
  memberships: number;
}

type Ref = string | { id?: string; userPrincipalName?: string; displayName?: string };

export function loadTenantInto(store: TenantStore, tenant: TenantFile): LoadResult {
  if (!tenant || typeof tenant !== 'object') throw badRequest('A tenant must be an object with "users" and/or "groups".');
  const users: GraphUser[] = [];
  const groups: GraphGroup[] = [];
  for (const raw of tenant.users ?? []) {
    const { synced, ...entry } = raw as Record<string, unknown> & { synced?: unknown };
    if (synced === true && entry.onPremisesSyncEnabled === undefined) entry.onPremisesSyncEnabled = true;
    const existing = (typeof entry.id === 'string' && store.getUser(entry.id))
      || (typeof entry.userPrincipalName === 'string' && store.getUser(entry.userPrincipalName)) || undefined;
    users.push(existing ? store.updateUser(existing.id, entry as Partial<GraphUser>) : store.addUser(entry as Partial<GraphUser>));
  }
  const pending: Array<{ group: GraphGroup; refs: Ref[] }> = [];
  for (const raw of tenant.groups ?? []) {
    const { members, owners: _owners, synced, ...entry } = raw as Record<string, unknown>;
    if (synced === true && entry.onPremisesSyncEnabled === undefined) entry.onPremisesSyncEnabled = true;
    const existing = typeof entry.id === 'string' ? store.getGroup(entry.id) : undefined;
    const group = existing ? store.updateGroup(existing.id, entry as Partial<GraphGroup>) : store.addGroup(entry as Partial<GraphGroup>);
    groups.push(group);
    if (members !== undefined) {
      if (!Array.isArray(members)) throw badRequest(`Tenant file: "members" of group '${group.displayName}' must be an array.`);
      pending.push({ group, refs: members as Ref[] });
    }
  }
  const byName = new Map<string, GraphGroup>();
  for (const g of [...groups].reverse()) if (g.displayName) byName.set(g.displayName.toLowerCase(), g);
  let memberships = 0;
  for (const { group, refs } of pending) {
    const ids = refs.map((ref) => {
      const id = resolve(store, byName, ref);
      if (!id) {
        throw badRequest(`Tenant file: member ${JSON.stringify(ref)} of group '${group.displayName}' matches no object id, ` +
          'userPrincipalName or group displayName.');
      }
      return id;
    });
    if (group.groupTypes.includes('DynamicMembership')) { memberships += store.seedDynamicMembers(group.id, ids); continue; }
    for (const id of ids) if (!store.isMember(group.id, id)) { store.addMember(group.id, id); memberships++; }
  }
  return { users, groups, memberships };
}

function resolve(store: TenantStore, byName: Map<string, GraphGroup>, ref: Ref): string | undefined {
  const candidates: string[] = [];
  if (typeof ref === 'string') candidates.push(ref);
  else if (ref && typeof ref === 'object') {
    for (const v of [ref.id, ref.userPrincipalName, ref.displayName]) if (typeof v === 'string') candidates.push(v);
  }
  for (const c of candidates) {
    if (isGuid(c) && store.getObject(c)) return c.toLowerCase();
    const user = store.getUser(c);
    if (user) return user.id;
    const local = byName.get(c.toLowerCase());
    if (local) return local.id;
    const other = store.listGroups().find((g) => g.displayName?.toLowerCase() === c.toLowerCase());
    if (other) return other.id;
  }
  return undefined;
}
