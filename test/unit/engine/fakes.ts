/**
 * In-memory fakes of the two ports for engine unit tests.
 *  - FakeSource: a tenant (groups, users, memberships, soft-deleted groups) with a change log behind delta links.
 *  - FakeTarget: an AD whose `member` is a linked attribute (stored by object identity, read back as current DNs),
 *    with containers, anchors, write counters and failure injection.
 */
import { randomUUID } from 'node:crypto';
import { GwbError } from '../../../src/core/errors';
import type { CloudGroup, CloudUser, GroupChange, MemberRef } from '../../../src/model/cloud';
import type { AdGroup, AdUser, AttributeChanges } from '../../../src/model/directory';
import type { DeltaPage, Source, Target } from '../../../src/model/ports';
import { cnDn, normalizeDn, parseDn, formatDn } from '../../../src/directory/dn';
import { DeltaExpiredError, AuthError } from '../../../src/graph/errors';

// ------------------------------------------------------------------------------------------------ source

export interface FakeGroupInput extends Partial<CloudGroup> {
  id?: string;
  members?: MemberRef[];
}

type ChangeEvent =
  | { kind: 'upsert'; id: string; adds: MemberRef[]; removes: MemberRef[] }
  | { kind: 'softDeleted'; id: string }
  | { kind: 'deleted'; id: string };

export class FakeSource implements Source {
  readonly groups = new Map<string, CloudGroup & { members: MemberRef[] }>();
  readonly users = new Map<string, CloudUser>();
  readonly softDeleted = new Map<string, CloudGroup & { members: MemberRef[] }>();
  private readonly log: ChangeEvent[] = [];
  /** Delta links below this sequence number are expired. */
  expiredBefore = 0;
  /** Throw this from every call (e.g. an AuthError). */
  failAll: Error | undefined;
  /** Page size of listGroups / listMembers / delta. */
  pageSize = 50;
  readonly calls: Record<string, number> = {};

  private hit(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    if (this.failAll) throw this.failAll;
  }

  addUser(u: Partial<CloudUser> & { id?: string } = {}): CloudUser {
    const user: CloudUser = {
      id: u.id ?? randomUUID(),
      onPremisesSyncEnabled: null,
      onPremisesSecurityIdentifier: null,
      onPremisesImmutableId: null,
      ...u,
    };
    this.users.set(user.id, user);
    return user;
  }

  addGroup(g: FakeGroupInput = {}): CloudGroup & { members: MemberRef[] } {
    const group: CloudGroup & { members: MemberRef[] } = {
      id: g.id ?? randomUUID(),
      displayName: 'Group',
      description: null,
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      onPremisesSyncEnabled: null,
      onPremisesSecurityIdentifier: null,
      ...g,
      members: [...(g.members ?? [])],
    };
    this.groups.set(group.id, group);
    this.log.push({ kind: 'upsert', id: group.id, adds: [...group.members], removes: [] });
    return group;
  }

  update(id: string, patch: Partial<CloudGroup>): void {
    const g = this.groups.get(id)!;
    Object.assign(g, patch);
    this.log.push({ kind: 'upsert', id, adds: [], removes: [] });
  }

  addMember(groupId: string, ref: MemberRef): void {
    const g = this.groups.get(groupId)!;
    g.members.push(ref);
    this.log.push({ kind: 'upsert', id: groupId, adds: [ref], removes: [] });
  }

  removeMember(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId)!;
    const ref = g.members.find((m) => m.id === memberId)!;
    g.members = g.members.filter((m) => m.id !== memberId);
    this.log.push({ kind: 'upsert', id: groupId, adds: [], removes: [ref] });
  }

  softDelete(id: string): void {
    const g = this.groups.get(id)!;
    this.groups.delete(id);
    this.softDeleted.set(id, g);
    this.log.push({ kind: 'softDeleted', id });
  }

  restore(id: string): void {
    const g = this.softDeleted.get(id)!;
    this.softDeleted.delete(id);
    this.groups.set(id, g);
    this.log.push({ kind: 'upsert', id, adds: [...g.members], removes: [] });
  }

  hardDelete(id: string): void {
    this.groups.delete(id);
    this.softDeleted.delete(id);
    this.log.push({ kind: 'deleted', id });
  }

  /** Expire every delta link issued so far. */
  expireDeltaLinks(): void {
    this.expiredBefore = this.log.length + 1;
  }

  private snapshot(g: CloudGroup): CloudGroup {
    const { members: _m, ...rest } = g;
    return structuredClone(rest);
  }

  async *listGroups(): AsyncIterable<CloudGroup[]> {
    this.hit('listGroups');
    const all = [...this.groups.values()].map((g) => this.snapshot(g));
    for (let i = 0; i < all.length; i += this.pageSize) yield all.slice(i, i + this.pageSize);
  }

  async getGroup(id: string): Promise<CloudGroup | null> {
    this.hit('getGroup');
    const g = this.groups.get(id);
    return g ? this.snapshot(g) : null;
  }

  async *listMembers(groupId: string): AsyncIterable<MemberRef[]> {
    this.hit('listMembers');
    const g = this.groups.get(groupId);
    if (!g) throw new GwbError(`Group ${groupId} not found`, { code: 'GraphObjectNotFound', category: 'ObjectNotFound' });
    for (let i = 0; i < g.members.length; i += this.pageSize) yield g.members.slice(i, i + this.pageSize).map((m) => ({ ...m }));
  }

  async countMembers(groupId: string): Promise<number> {
    this.hit('countMembers');
    const g = this.groups.get(groupId);
    if (!g) throw new GwbError(`Group ${groupId} not found`, { code: 'GraphObjectNotFound', category: 'ObjectNotFound' });
    return g.members.length;
  }

  async getUsers(ids: string[]): Promise<CloudUser[]> {
    this.hit('getUsers');
    if (ids.length > 1000) throw new Error('getUsers: more than 1000 ids');
    return ids.map((id) => this.users.get(id)).filter((u): u is CloudUser => !!u).map((u) => ({ ...u }));
  }

  async getGroups(ids: string[]): Promise<CloudGroup[]> {
    this.hit('getGroups');
    if (ids.length > 1000) throw new Error('getGroups: more than 1000 ids');
    return ids.map((id) => this.groups.get(id)).filter((g): g is CloudGroup & { members: MemberRef[] } => !!g).map((g) => this.snapshot(g));
  }

  async listDeletedGroupIds(): Promise<Set<string>> {
    this.hit('listDeletedGroupIds');
    return new Set(this.softDeleted.keys());
  }

  async delta(deltaLink: string | undefined, onPage: (page: DeltaPage) => Promise<void>): Promise<string> {
    this.hit('delta');
    const from = deltaLink ? Number(new URL(deltaLink).searchParams.get('seq')) : 0;
    if (deltaLink && from < this.expiredBefore) throw new DeltaExpiredError('The delta token has expired (syncStateNotFound).', { statusCode: 410, graphCode: 'syncStateNotFound' });
    const events = deltaLink ? this.log.slice(from) : [...this.groups.keys()].map((id) => ({ kind: 'upsert' as const, id, adds: this.groups.get(id)!.members, removes: [] }));
    const changes: GroupChange[] = events.map((e) => {
      if (e.kind !== 'upsert') return { kind: e.kind, id: e.id };
      const g = this.groups.get(e.id) ?? this.softDeleted.get(e.id);
      return { kind: 'upsert', group: g ? this.snapshot(g) : { id: e.id }, memberAdds: e.adds, memberRemoves: e.removes };
    });
    for (let i = 0; i < changes.length; i += this.pageSize) await onPage({ changes: changes.slice(i, i + this.pageSize) });
    return this.link();
  }

  async latestDeltaLink(): Promise<string> {
    this.hit('latestDeltaLink');
    return this.link();
  }

  private link(): string {
    return `https://graph.fake/v1.0/groups/delta?seq=${this.log.length}`;
  }
}

// ------------------------------------------------------------------------------------------------ target

interface FakeObject {
  kind: 'group' | 'user' | 'container';
  dn: string;
  objectGuid: string;
  objectSid: string;
  attributes: Record<string, string | string[]>;
  /** Members by objectGuid (groups only). */
  members: Set<string>;
}

let ridCounter = 1000;

export class LdapLikeError extends GwbError {
  constructor(
    message: string,
    readonly resultCode: number,
    code: string,
  ) {
    super(message, { code, category: resultCode === 49 ? 'AuthenticationError' : 'InvalidOperation' });
  }
}

export class FakeTarget implements Target {
  private readonly byGuid = new Map<string, FakeObject>();
  private readonly byDn = new Map<string, string>();
  readonly writes = { adds: 0, modifies: 0, modDNs: 0, deletes: 0, memberValuesAdded: 0, memberValuesRemoved: 0 };
  reads = 0;
  /** Throw from every call (e.g. bad credentials). */
  failAll: Error | undefined;
  /** Throw from a write touching a DN matching this predicate. */
  failWrite: ((op: string, dn: string) => Error | undefined) | undefined;
  /** After this many writes, throw (simulates a crash mid-cycle). */
  crashAfterWrites: number | undefined;

  constructor(readonly baseDn = 'DC=lab,DC=example,DC=com') {
    this.addContainer(baseDn);
  }

  get totalWrites(): number {
    const w = this.writes;
    return w.adds + w.modifies + w.modDNs + w.deletes;
  }

  countOperations() {
    return { searches: this.reads, ...this.writes, writes: this.totalWrites, memberRecoveries: 0, binds: 0 };
  }

  private key(dn: string): string {
    return normalizeDn(dn);
  }

  private put(o: FakeObject): FakeObject {
    this.byGuid.set(o.objectGuid, o);
    this.byDn.set(this.key(o.dn), o.objectGuid);
    return o;
  }

  addContainer(dn: string): void {
    this.put({ kind: 'container', dn, objectGuid: randomUUID(), objectSid: '', attributes: {}, members: new Set() });
  }

  addUser(cn: string, parent = `CN=Users,${this.baseDn}`): AdUser {
    if (!this.byDn.has(this.key(parent))) this.addContainer(parent);
    const o = this.put({ kind: 'user', dn: cnDn(cn, parent), objectGuid: randomUUID(), objectSid: `S-1-5-21-1-2-3-${ridCounter++}`, attributes: { cn }, members: new Set() });
    return { dn: o.dn, objectGuid: o.objectGuid, objectSid: o.objectSid };
  }

  /** An AD group that exists before the engine runs (e.g. a SOA-converted one, or a stray duplicate). */
  addExistingGroup(cn: string, parent: string, attributes: Record<string, string | string[]> = {}, members: string[] = []): AdGroup {
    if (!this.byDn.has(this.key(parent))) this.addContainer(parent);
    const o = this.put({ kind: 'group', dn: cnDn(cn, parent), objectGuid: randomUUID(), objectSid: `S-1-5-21-1-2-3-${ridCounter++}`, attributes: { cn, groupType: '-2147483640', ...attributes }, members: new Set() });
    for (const m of members) o.members.add(this.resolveDn(m)!.objectGuid);
    return this.toAdGroup(o);
  }

  private resolveDn(dn: string): FakeObject | undefined {
    const g = this.byDn.get(this.key(dn));
    return g ? this.byGuid.get(g) : undefined;
  }

  private toAdGroup(o: FakeObject): AdGroup {
    const anchor = o.attributes['msDS-ExternalDirectoryObjectId'];
    return { dn: o.dn, objectGuid: o.objectGuid, objectSid: o.objectSid, anchor: typeof anchor === 'string' ? anchor : null, attributes: structuredClone(o.attributes) };
  }

  private check(): void {
    if (this.failAll) throw this.failAll;
  }

  private write(op: string, dn: string): void {
    this.check();
    if (this.crashAfterWrites !== undefined && this.totalWrites >= this.crashAfterWrites) throw new Error('simulated crash');
    const e = this.failWrite?.(op, dn);
    if (e) throw e;
  }

  // ---- inspection helpers for tests

  groups(): AdGroup[] {
    return [...this.byGuid.values()].filter((o) => o.kind === 'group').map((o) => this.toAdGroup(o));
  }

  group(dn: string): AdGroup | undefined {
    const o = this.resolveDn(dn);
    return o?.kind === 'group' ? this.toAdGroup(o) : undefined;
  }

  groupByAnchor(anchor: string): AdGroup | undefined {
    return this.groups().find((g) => g.anchor?.toLowerCase() === anchor.toLowerCase());
  }

  membersOf(dn: string): string[] {
    const o = this.resolveDn(dn)!;
    return [...o.members].map((g) => this.byGuid.get(g)!.dn).sort();
  }

  /** Edit AD behind the engine's back (drift). */
  tamper(dn: string, attributes: Record<string, string | null>): void {
    const o = this.resolveDn(dn)!;
    for (const [k, v] of Object.entries(attributes)) {
      if (v === null) delete o.attributes[k];
      else o.attributes[k] = v;
    }
  }

  tamperMembers(dn: string, add: string[], remove: string[] = []): void {
    const o = this.resolveDn(dn)!;
    for (const m of add) o.members.add(this.resolveDn(m)!.objectGuid);
    for (const m of remove) o.members.delete(this.resolveDn(m)!.objectGuid);
  }

  // ---- Target

  async *listAnchoredGroups(): AsyncIterable<AdGroup[]> {
    this.check();
    this.reads++;
    const all = this.groups().filter((g) => g.anchor?.startsWith('Group_'));
    for (let i = 0; i < all.length; i += 100) yield all.slice(i, i + 100);
  }

  async findByAnchor(anchor: string): Promise<AdGroup[]> {
    this.check();
    this.reads++;
    return this.groups().filter((g) => g.anchor?.toLowerCase() === anchor.toLowerCase());
  }

  async findBySid(sid: string): Promise<AdGroup | null> {
    this.check();
    this.reads++;
    return this.groups().find((g) => g.objectSid === sid) ?? null;
  }

  async resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>> {
    this.check();
    this.reads++;
    const out = new Map<string, AdUser>();
    for (const g of guids) {
      const o = this.byGuid.get(g.toLowerCase());
      if (o?.kind === 'user') out.set(g, { dn: o.dn, objectGuid: o.objectGuid, objectSid: o.objectSid });
    }
    return out;
  }

  async resolveUsersBySid(sids: string[]): Promise<Map<string, AdUser>> {
    this.check();
    this.reads++;
    const out = new Map<string, AdUser>();
    for (const s of sids) {
      const o = [...this.byGuid.values()].find((x) => x.kind === 'user' && x.objectSid.toUpperCase() === s.toUpperCase());
      if (o) out.set(s, { dn: o.dn, objectGuid: o.objectGuid, objectSid: o.objectSid });
    }
    return out;
  }

  async readMembers(dn: string): Promise<string[]> {
    this.check();
    this.reads++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    return [...o.members].map((g) => this.byGuid.get(g)!.dn);
  }

  /**
   * Like LdapTarget.createGroup: `member` values go into the add (counted as member values added). If one of
   * them does not exist, the add fails as a whole, the group is re-created without members, the others are added
   * in one modify and a MemberNotFound error names the missing ones.
   */
  async createGroup(dn: string, attributes: AttributeChanges): Promise<AdGroup> {
    this.write('add', dn);
    this.writes.adds++;
    if (this.resolveDn(dn)) throw new LdapLikeError(`Entry ${dn} already exists`, 68, 'ObjectNameAlreadyExists');
    const parent = formatDn(parseDn(dn).slice(1));
    if (!this.resolveDn(parent)) throw new LdapLikeError(`Cannot add ${dn}, parent does not exist!`, 32, 'NoSuchObject');
    const attrs: Record<string, string | string[]> = { cn: parseDn(dn)[0][0].value };
    let member: string[] = [];
    for (const [k, v] of Object.entries(attributes)) {
      if (v === null) continue;
      if (k.toLowerCase() === 'member') member = ([] as string[]).concat(v);
      else attrs[k] = v;
    }
    const found = member.map((m) => this.resolveDn(m));
    const missing = member.filter((_, i) => !found[i]);
    if (missing.length) this.writes.adds++; // the retry without members
    else this.writes.memberValuesAdded += member.length;
    const o = this.put({ kind: 'group', dn: formatDn(parseDn(dn)), objectGuid: randomUUID(), objectSid: `S-1-5-21-1-2-3-${ridCounter++}`, attributes: attrs, members: new Set() });
    if (!missing.length) {
      for (const t of found) o.members.add(t!.objectGuid);
      return this.toAdGroup(o);
    }
    const present = found.filter((t): t is FakeObject => !!t);
    if (present.length) {
      this.writes.modifies++;
      for (const t of present) o.members.add(t.objectGuid);
      this.writes.memberValuesAdded += present.length;
    }
    throw new GwbError(`${missing.length} member(s) of ${o.dn} could not be added because the objects do not exist`, { code: 'MemberNotFound', category: 'ObjectNotFound', target: { group: o.dn, members: missing } });
  }

  /** Delete any object behind the engine's back (e.g. a user deleted in AD). */
  removeObject(dn: string): void {
    const o = this.resolveDn(dn)!;
    this.byDn.delete(this.key(o.dn));
    this.byGuid.delete(o.objectGuid);
    for (const other of this.byGuid.values()) other.members.delete(o.objectGuid);
  }

  async modifyGroup(dn: string, changes: AttributeChanges): Promise<void> {
    this.write('modify', dn);
    this.writes.modifies++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    for (const [k, v] of Object.entries(changes)) {
      const existing = Object.keys(o.attributes).find((a) => a.toLowerCase() === k.toLowerCase()) ?? k;
      if (v === null) delete o.attributes[existing];
      else o.attributes[existing] = v;
    }
  }

  async moveGroup(dn: string, newDn: string): Promise<string> {
    this.write('modifyDN', dn);
    this.writes.modDNs++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    const parent = formatDn(parseDn(newDn).slice(1));
    if (!this.resolveDn(parent)) throw new LdapLikeError(`Cannot rename ${dn}, parent does not exist!`, 80, 'NoSuchObject');
    const existing = this.resolveDn(newDn);
    if (existing && existing !== o) throw new LdapLikeError(`Entry ${newDn} already exists`, 68, 'ObjectNameAlreadyExists');
    this.byDn.delete(this.key(o.dn));
    o.dn = formatDn(parseDn(newDn));
    o.attributes.cn = parseDn(newDn)[0][0].value;
    this.byDn.set(this.key(o.dn), o.objectGuid);
    return o.dn;
  }

  async deleteGroup(dn: string): Promise<void> {
    this.write('delete', dn);
    this.writes.deletes++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    this.byDn.delete(this.key(o.dn));
    this.byGuid.delete(o.objectGuid);
    for (const other of this.byGuid.values()) other.members.delete(o.objectGuid);
  }

  async addMembers(dn: string, memberDns: string[]): Promise<void> {
    this.write('modify', dn);
    this.writes.modifies++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    for (const m of memberDns) {
      const t = this.resolveDn(m);
      if (!t) throw new LdapLikeError(`member ${m} does not exist`, 32, 'MemberNotFound');
      o.members.add(t.objectGuid);
      this.writes.memberValuesAdded++;
    }
  }

  async removeMembers(dn: string, memberDns: string[]): Promise<void> {
    this.write('modify', dn);
    this.writes.modifies++;
    const o = this.resolveDn(dn);
    if (!o) throw new LdapLikeError(`No such object ${dn}`, 32, 'NoSuchObject');
    for (const m of memberDns) {
      const t = this.resolveDn(m);
      if (t) o.members.delete(t.objectGuid);
      this.writes.memberValuesRemoved++;
    }
  }

  async close(): Promise<void> {}
}

export const badCredentials = () => new LdapLikeError('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1', 49, 'LdapBindOperationFailed');
export const graphAuthFailure = () => new AuthError('AADSTS7000215: Invalid client secret provided.', { statusCode: 401, graphCode: 'invalid_client' });
