/**
 * The tenant: users, groups, direct memberships and deleted items, with every change recorded in the ChangeLog
 * so delta rounds report exactly what happened. Used by the Graph routes and directly by tests (in-process).
 *
 * Dynamic groups (`groupTypes` has DynamicMembership) get their members from `membershipRule`, evaluated against
 * the users whenever a user is created, changed or restored and whenever the rule or its processing state changes;
 * `membershipRuleProcessingState: "Paused"` freezes the membership. Evaluated changes are ordinary member links,
 * so groups delta reports them in `members@delta`. Manual member writes to a dynamic group are refused.
 */
import { ChangeLog } from './changelog';
import { makeGroup, makeUser } from './defaults';
import { evaluateRule, parseMembershipRule, type RuleNode } from './dynamic/membership-rule';
import { GraphHttpError, badRequest, notFound } from './errors';
import { graphNow, isGuid, newId } from './ids';
import { loadTenantInto, type LoadResult } from './tenant-loader';
import type { DirectoryObject, GraphGroup, GraphUser, ObjectKind, TenantFile } from './types';

export interface MemberEntry {
  id: string;
  kind: ObjectKind;
}

interface DeletedItem {
  kind: ObjectKind;
  obj: DirectoryObject;
  /** Groups the object belonged to when deleted (restored with it). */
  memberOf: string[];
  /** For a group: its own direct members when deleted. */
  members?: Map<string, ObjectKind>;
}

export interface StoreCounts {
  users: number;
  groups: number;
  memberships: number;
  deletedUsers: number;
  deletedGroups: number;
  changes: number;
}

export class TenantStore {
  readonly log = new ChangeLog();
  /** Bumped by clear(): delta tokens of an older epoch are answered with 410 syncStateNotFound. */
  epoch = 1;
  private users = new Map<string, GraphUser>();
  private upnIndex = new Map<string, string>();
  private groups = new Map<string, GraphGroup>();
  private members = new Map<string, Map<string, ObjectKind>>();
  private memberOfIndex = new Map<string, Set<string>>();
  private deleted = new Map<string, DeletedItem>();
  private purged = new Map<string, ObjectKind>();
  private parsedRules = new Map<string, RuleNode>();
  /** Groups whose source of authority was switched to the cloud (onPremisesSyncBehavior.isCloudManaged). */
  private cloudManaged = new Set<string>();
  /** Ids of the active dynamic groups (a user change re-evaluates only these). */
  private dynamicGroups = new Set<string>();

  constructor(readonly domain = 'contoso.onmicrosoft.com') {}

  // ---- reads ----

  getGroup(id: string): GraphGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** By id or userPrincipalName (case-insensitive), like /users/{id | userPrincipalName}. */
  getUser(idOrUpn: string): GraphUser | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = this.users.get(key);
    if (byId) return byId;
    const id = this.upnIndex.get(key);
    return id ? this.users.get(id) : undefined;
  }

  getObject(id: string): { kind: ObjectKind; obj: DirectoryObject } | undefined {
    const key = id.toLowerCase();
    const u = this.users.get(key);
    if (u) return { kind: 'user', obj: u };
    const g = this.groups.get(key);
    if (g) return { kind: 'group', obj: g };
    return undefined;
  }

  listGroups(): GraphGroup[] {
    return [...this.groups.values()];
  }

  listUsers(): GraphUser[] {
    return [...this.users.values()];
  }

  /** Direct members of a group, in the order they were added. */
  membersOf(groupId: string): MemberEntry[] {
    const m = this.members.get(groupId.toLowerCase());
    return m ? [...m].map(([id, kind]) => ({ id, kind })) : [];
  }

  /** Direct members of a group (id → kind), in the order they were added: the store's own map, read-only. */
  memberEntries(groupId: string): ReadonlyMap<string, ObjectKind> {
    return this.members.get(groupId.toLowerCase()) ?? new Map();
  }

  isMember(groupId: string, memberId: string): boolean {
    return this.members.get(groupId.toLowerCase())?.has(memberId.toLowerCase()) ?? false;
  }

  /** Flattened membership: users and nested groups, each once. */
  transitiveMembersOf(groupId: string): MemberEntry[] {
    const out = new Map<string, ObjectKind>();
    const queue = [groupId.toLowerCase()];
    const seenGroups = new Set(queue);
    while (queue.length) {
      const g = queue.shift()!;
      for (const [id, kind] of this.members.get(g) ?? []) {
        if (!out.has(id) && id !== groupId.toLowerCase()) out.set(id, kind);
        if (kind === 'group' && !seenGroups.has(id)) { seenGroups.add(id); queue.push(id); }
      }
    }
    return [...out].map(([id, kind]) => ({ id, kind }));
  }

  /** Groups an object is a direct member of. */
  memberOf(objectId: string): string[] {
    return [...(this.memberOfIndex.get(objectId.toLowerCase()) ?? [])];
  }

  getDeleted(id: string): { kind: ObjectKind; obj: DirectoryObject } | undefined {
    const d = this.deleted.get(id.toLowerCase());
    return d ? { kind: d.kind, obj: d.obj } : undefined;
  }

  listDeleted(kind: ObjectKind): DirectoryObject[] {
    return [...this.deleted.values()].filter((d) => d.kind === kind).map((d) => d.obj);
  }

  /** Kind of an id whatever its state (active, deleted, purged), for delta bookkeeping. */
  kindOf(id: string): ObjectKind | undefined {
    const key = id.toLowerCase();
    return this.getObject(key)?.kind ?? this.deleted.get(key)?.kind ?? this.purged.get(key);
  }

  isSoftDeleted(id: string): boolean {
    return this.deleted.has(id.toLowerCase());
  }

  /** Number of active users (sizes the resource-unit bucket). */
  get userCount(): number {
    return this.users.size;
  }

  counts(): StoreCounts {
    let memberships = 0;
    for (const m of this.members.values()) memberships += m.size;
    const deleted = [...this.deleted.values()];
    return {
      users: this.users.size,
      groups: this.groups.size,
      memberships,
      deletedUsers: deleted.filter((d) => d.kind === 'user').length,
      deletedGroups: deleted.filter((d) => d.kind === 'group').length,
      changes: this.log.length,
    };
  }

  // ---- writes ----

  addUser(input: Partial<GraphUser>): GraphUser {
    const id = this.freshId(input.id);
    const user = makeUser({ ...input, id }, this.domain);
    const upn = user.userPrincipalName.toLowerCase();
    if (this.upnIndex.has(upn)) {
      throw badRequest('Another object with the same value for property userPrincipalName already exists.');
    }
    this.users.set(id, user);
    this.upnIndex.set(upn, id);
    this.log.record({ kind: 'user', id, op: 'create' });
    this.evaluateUserRules(user);
    return user;
  }

  addGroup(input: Partial<GraphGroup>): GraphGroup {
    const id = this.freshId(input.id);
    const group = makeGroup({ ...input, id }, this.domain);
    if (isDynamic(group)) this.ruleOf(group);
    this.groups.set(id, group);
    this.members.set(id, new Map());
    this.log.record({ kind: 'group', id, op: 'create' });
    this.trackDynamic(group);
    this.evaluateGroupRule(group);
    return group;
  }

  updateGroup(id: string, patch: Partial<GraphGroup>): GraphGroup {
    const group = this.getGroup(id);
    if (!group) throw notFound(id);
    const types = Array.isArray(patch.groupTypes) ? patch.groupTypes : group.groupTypes;
    if (types.includes('DynamicMembership')) {
      // Becoming (or staying) dynamic: the rule it will have must parse; a new dynamic group starts processing.
      const rule = patch.membershipRule !== undefined ? patch.membershipRule : group.membershipRule;
      if (typeof rule !== 'string') throw badRequest("Invalid value specified for property 'membershipRule' of resource 'Group'.");
      this.parseRule(rule);
      if (!isDynamic(group) && patch.membershipRuleProcessingState === undefined && !group.membershipRuleProcessingState) {
        patch = { ...patch, membershipRuleProcessingState: 'On' };
      }
    }
    const changed = this.applyPatch('group', group, patch);
    this.trackDynamic(group);
    // Static → dynamic: the rule replaces every assigned member. Dynamic → static: the members stay, now assigned.
    if (['membershipRule', 'membershipRuleProcessingState', 'groupTypes'].some((p) => changed.includes(p))) this.evaluateGroupRule(group);
    return group;
  }

  /**
   * onPremisesSyncBehavior.isCloudManaged of a group (Graph: "Convert group source of authority to the cloud").
   * Only groups synced from AD (or converted before) have a source of authority to switch.
   */
  groupSyncBehavior(id: string): { id: string; isCloudManaged: boolean } {
    const group = this.getGroup(id);
    if (!group) throw notFound(id);
    return { id: group.id, isCloudManaged: this.cloudManaged.has(group.id) };
  }

  /**
   * Switch the source of authority: true = cloud (the group shows onPremisesSyncEnabled false, "formerly synced",
   * and is changed in the cloud from now on; Connect's updates are blocked), false = back to AD (rollback: Connect
   * takes it over again, onPremisesSyncEnabled true). Recorded as an update, so delta reports it.
   */
  setGroupCloudManaged(id: string, isCloudManaged: boolean): GraphGroup {
    const group = this.getGroup(id);
    if (!group) throw notFound(id);
    const converted = this.cloudManaged.has(group.id);
    if (!converted && group.onPremisesSyncEnabled !== true && !group.onPremisesSecurityIdentifier) {
      throw badRequest('The source of authority can only be changed for objects synchronized from on-premises Active Directory.');
    }
    if (isCloudManaged) this.cloudManaged.add(group.id);
    else this.cloudManaged.delete(group.id);
    this.applyPatch('group', group, { onPremisesSyncEnabled: isCloudManaged ? false : true });
    return group;
  }

  updateUser(idOrUpn: string, patch: Partial<GraphUser>): GraphUser {
    const user = this.getUser(idOrUpn);
    if (!user) throw notFound(idOrUpn);
    if (typeof patch.userPrincipalName === 'string' && patch.userPrincipalName.toLowerCase() !== user.userPrincipalName.toLowerCase()) {
      const upn = patch.userPrincipalName.toLowerCase();
      if (this.upnIndex.has(upn)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      this.upnIndex.delete(user.userPrincipalName.toLowerCase());
      this.upnIndex.set(upn, user.id);
    }
    if (this.applyPatch('user', user, patch).length) this.evaluateUserRules(user);
    return user;
  }

  addMember(groupId: string, memberId: string): void {
    const group = this.getGroup(groupId);
    if (!group) throw notFound(groupId);
    const member = this.getObject(memberId);
    if (!member) throw notFound(memberId);
    if (isDynamic(group)) {
      throw badRequest('Insufficient privileges to complete the operation. Members of a dynamic group cannot be managed manually.');
    }
    const map = this.members.get(group.id)!;
    if (map.has(member.obj.id)) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    }
    if (member.kind === 'group') {
      if (member.obj.id === group.id || this.transitiveMembersOf(member.obj.id).some((m) => m.id === group.id)) {
        throw badRequest('A group cannot be a member of itself, directly or through nesting.');
      }
      if (group.groupTypes.includes('Unified')) {
        throw badRequest('Groups cannot be added as members of a Microsoft 365 group.');
      }
    }
    this.link(group.id, member.obj.id, member.kind);
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.getGroup(groupId);
    if (!group) throw notFound(groupId);
    if (isDynamic(group)) {
      throw badRequest('Insufficient privileges to complete the operation. Members of a dynamic group cannot be managed manually.');
    }
    const map = this.members.get(group.id)!;
    const key = memberId.toLowerCase();
    if (!map.has(key)) throw notFound(memberId);
    this.unlink(group.id, key, map.get(key)!);
  }

  /** Soft delete (Graph `DELETE /users|groups/{id}`): moves the object into deleted items. */
  deleteObject(id: string): void {
    const found = this.getObject(id);
    if (!found) throw notFound(id);
    const { kind, obj } = found;
    const memberOf = this.memberOf(obj.id);
    for (const g of memberOf) this.unlink(g, obj.id, kind);
    const item: DeletedItem = { kind, obj, memberOf };
    if (kind === 'group') {
      item.members = this.members.get(obj.id);
      for (const m of item.members?.keys() ?? []) this.memberOfIndex.get(m)?.delete(obj.id);
      this.members.delete(obj.id);
      this.groups.delete(obj.id);
      this.dynamicGroups.delete(obj.id);
    } else {
      this.users.delete(obj.id);
      this.upnIndex.delete((obj as GraphUser).userPrincipalName.toLowerCase());
    }
    obj.deletedDateTime = graphNow();
    this.deleted.set(obj.id, item);
    this.log.record({ kind, id: obj.id, op: 'softDelete' });
  }

  /** `POST /directory/deletedItems/{id}/restore`: back with its properties and memberships. */
  restoreObject(id: string): DirectoryObject {
    const key = id.toLowerCase();
    const item = this.deleted.get(key);
    if (!item) throw notFound(id);
    const { kind, obj } = item;
    if (kind === 'user') {
      const upn = (obj as GraphUser).userPrincipalName.toLowerCase();
      if (this.upnIndex.has(upn)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      this.upnIndex.set(upn, obj.id);
      this.users.set(obj.id, obj as GraphUser);
    } else {
      this.groups.set(obj.id, obj as GraphGroup);
      this.members.set(obj.id, new Map());
    }
    obj.deletedDateTime = null;
    this.deleted.delete(key);
    this.log.record({ kind, id: obj.id, op: 'restore' });
    if (kind === 'group') {
      for (const [m, mk] of item.members ?? []) {
        if (this.getObject(m)) this.link(obj.id, m, mk);
      }
    }
    for (const g of item.memberOf) if (this.groups.has(g)) this.link(g, obj.id, kind);
    if (kind === 'user') this.evaluateUserRules(obj as GraphUser);
    else { this.trackDynamic(obj as GraphGroup); this.evaluateGroupRule(obj as GraphGroup); }
    return obj;
  }

  /** Permanent delete (`DELETE /directory/deletedItems/{id}`). An active object is soft-deleted first. */
  purgeObject(id: string): void {
    const key = id.toLowerCase();
    if (this.getObject(key)) this.deleteObject(key);
    const item = this.deleted.get(key);
    if (!item) throw notFound(id);
    this.deleted.delete(key);
    for (const d of this.deleted.values()) d.members?.delete(key);
    this.purged.set(key, item.kind);
    this.log.record({ kind: item.kind, id: key, op: 'hardDelete' });
  }

  /**
   * Seeding only (tenant files): give a dynamic group the members the service had evaluated. With its rule being
   * processed (`On`) they must be exactly what the rule selects; with processing `Paused` they are the frozen
   * membership. The Graph write API keeps refusing manual member writes to dynamic groups.
   */
  seedDynamicMembers(groupId: string, memberIds: string[]): number {
    const group = this.getGroup(groupId);
    if (!group) throw notFound(groupId);
    if (!isDynamic(group)) throw badRequest(`Group '${group.displayName}' is not a dynamic group.`);
    const listed = new Set<string>();
    for (const raw of memberIds) {
      const m = this.getObject(raw);
      if (!m) throw notFound(raw);
      if (m.kind !== 'user') throw badRequest(`Dynamic group '${group.displayName}' can only have users as members (rule: ${group.membershipRule}).`);
      listed.add(m.obj.id);
    }
    if (group.membershipRuleProcessingState === 'On') {
      const current = new Set(this.members.get(group.id)!.keys());
      const extra = [...listed].filter((id) => !current.has(id)).map((id) => this.users.get(id)!.userPrincipalName);
      const missing = [...current].filter((id) => !listed.has(id)).map((id) => this.users.get(id)?.userPrincipalName ?? id);
      if (extra.length || missing.length) {
        throw badRequest(`Tenant file: the members listed for dynamic group '${group.displayName}' differ from what its rule ` +
          `${JSON.stringify(group.membershipRule)} selects (listed but not selected: ${extra.join(', ') || 'none'}; selected but ` +
          `not listed: ${missing.join(', ') || 'none'}). List the evaluated members, or set membershipRuleProcessingState "Paused" ` +
          'to seed a frozen membership.');
      }
      return 0;
    }
    let added = 0;
    for (const id of listed) if (!this.isMember(group.id, id)) { this.link(group.id, id, 'user'); added++; }
    return added;
  }

  /** Load a tenant file (additive; `replace` clears first). Returns the created/updated objects. */
  loadTenant(tenant: TenantFile, opts: { replace?: boolean } = {}): LoadResult {
    if (opts.replace) this.clear();
    return loadTenantInto(this, tenant);
  }

  /** Empty the tenant; older delta tokens become invalid (410 syncStateNotFound). */
  clear(): void {
    this.users.clear();
    this.upnIndex.clear();
    this.groups.clear();
    this.members.clear();
    this.memberOfIndex.clear();
    this.deleted.clear();
    this.purged.clear();
    this.parsedRules.clear();
    this.cloudManaged.clear();
    this.dynamicGroups.clear();
    this.epoch++;
  }

  // ---- internals ----

  private freshId(id: string | undefined): string {
    if (id === undefined) {
      let n: string;
      do n = newId(); while (this.kindOf(n));
      return n;
    }
    if (!isGuid(id)) throw badRequest(`Invalid object identifier '${id}'.`);
    const key = id.toLowerCase();
    if (this.kindOf(key)) {
      throw new GraphHttpError(400, 'Request_BadRequest', `Another object with the same value for property id already exists: '${id}'.`);
    }
    return key;
  }

  private applyPatch(kind: ObjectKind, obj: DirectoryObject, patch: Record<string, unknown>): string[] {
    const changed: string[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || k === 'id' || k.includes('@') || k === 'members' || k === 'passwordProfile') continue;
      if (JSON.stringify(obj[k]) === JSON.stringify(v)) continue;
      obj[k] = v;
      changed.push(k);
    }
    if (changed.length) this.log.record({ kind, id: obj.id, op: 'update', props: changed });
    return changed;
  }

  private parseRule(rule: string): RuleNode {
    let node = this.parsedRules.get(rule);
    if (!node) this.parsedRules.set(rule, (node = parseMembershipRule(rule)));
    return node;
  }

  private trackDynamic(group: GraphGroup): void {
    if (isDynamic(group)) this.dynamicGroups.add(group.id);
    else this.dynamicGroups.delete(group.id);
  }

  private ruleOf(group: GraphGroup): RuleNode {
    if (typeof group.membershipRule !== 'string') {
      throw badRequest("Invalid value specified for property 'membershipRule' of resource 'Group'.");
    }
    return this.parseRule(group.membershipRule);
  }

  /** Re-evaluate one dynamic group against every user (rule or processing state changed, group created/restored). */
  private evaluateGroupRule(group: GraphGroup): void {
    if (!isDynamic(group) || group.membershipRuleProcessingState !== 'On') return;
    const rule = this.ruleOf(group);
    const map = this.members.get(group.id)!;
    for (const [id, kind] of [...map]) {
      const user = kind === 'user' ? this.users.get(id) : undefined;
      if (!user || !evaluateRule(rule, user)) this.unlink(group.id, id, kind);
    }
    for (const user of this.users.values()) {
      if (!map.has(user.id) && evaluateRule(rule, user)) this.link(group.id, user.id, 'user');
    }
  }

  /** Re-evaluate every processed dynamic group for one user (user created, changed or restored). */
  private evaluateUserRules(user: GraphUser): void {
    for (const id of this.dynamicGroups) {
      const group = this.groups.get(id)!;
      if (group.membershipRuleProcessingState !== 'On') continue;
      const wanted = evaluateRule(this.ruleOf(group), user);
      const has = this.members.get(group.id)!.has(user.id);
      if (wanted && !has) this.link(group.id, user.id, 'user');
      else if (!wanted && has) this.unlink(group.id, user.id, 'user');
    }
  }

  private link(groupId: string, memberId: string, kind: ObjectKind): void {
    this.members.get(groupId)!.set(memberId, kind);
    let set = this.memberOfIndex.get(memberId);
    if (!set) this.memberOfIndex.set(memberId, (set = new Set()));
    set.add(groupId);
    this.log.record({ kind: 'group', id: groupId, op: 'memberAdd', memberId, memberKind: kind });
  }

  private unlink(groupId: string, memberId: string, kind: ObjectKind): void {
    this.members.get(groupId)?.delete(memberId);
    this.memberOfIndex.get(memberId)?.delete(groupId);
    this.log.record({ kind: 'group', id: groupId, op: 'memberRemove', memberId, memberKind: kind });
  }
}

function isDynamic(group: GraphGroup): boolean {
  return group.groupTypes.includes('DynamicMembership');
}
