/**
 * The two ports every external call goes through. The lab, the real services and recorded fakes plug in here.
 */
import type { AccessPackageGrant, CloudGroup, CloudUser, GroupChange, MemberRef, UserChange } from './cloud';
import type { AdGroup, AdUser, AttributeChanges, ChangedGroup, DirectoryOpCounts, MemberValueMeta } from './directory';

export interface DeltaPage {
  changes: GroupChange[];
}

export interface UserDeltaPage {
  changes: UserChange[];
}

export interface Source {
  /** All groups (one property set), streamed page by page. Members not included. */
  listGroups(signal?: AbortSignal): AsyncIterable<CloudGroup[]>;
  /** One group by id, or null if it does not exist (or is soft-deleted). */
  getGroup(id: string, signal?: AbortSignal): Promise<CloudGroup | null>;
  /** Direct members of a group, streamed. */
  listMembers(groupId: string, signal?: AbortSignal): AsyncIterable<MemberRef[]>;
  /** How many direct members the group has, counted apart from the listing (proves a member read complete). */
  countMembers?(groupId: string, signal?: AbortSignal): Promise<number>;
  /** Users by id, in bulk (getByIds / $batch); unknown ids are omitted. */
  getUsers(ids: string[], signal?: AbortSignal): Promise<CloudUser[]>;
  /** Groups by id, in bulk; unknown ids are omitted. */
  getGroups(ids: string[], signal?: AbortSignal): Promise<CloudGroup[]>;
  /** Ids of soft-deleted groups (deleted items). */
  listDeletedGroupIds(signal?: AbortSignal): Promise<Set<string>>;
  /**
   * Run a delta round from `deltaLink` (or an initial round when undefined), yielding folded changes page by
   * page. Resolves to the new delta link. Throws DeltaExpiredError when the token is no longer valid.
   */
  delta(deltaLink: string | undefined, onPage: (page: DeltaPage) => Promise<void>, signal?: AbortSignal): Promise<string>;
  /** A delta link for "now" without reading history (`$deltatoken=latest`). */
  latestDeltaLink(signal?: AbortSignal): Promise<string>;
  /**
   * Optional: a users delta round (`/users/delta` with the on-premises properties), for a user cache. Same
   * contract as `delta`.
   */
  usersDelta?(deltaLink: string | undefined, onPage: (page: UserDeltaPage) => Promise<void>, signal?: AbortSignal): Promise<string>;
  /** Optional (access reports): one user by object id or userPrincipalName, null when there is none. */
  findUser?(idOrUpn: string, signal?: AbortSignal): Promise<CloudUser | null>;
  /** Optional: ids of the groups a user is a direct member of. */
  userGroupIds?(userId: string, signal?: AbortSignal): Promise<string[]>;
  /** Optional: the groups a user gets through access package assignments (needs EntitlementManagement.Read.All). */
  accessPackageGrants?(userId: string, signal?: AbortSignal): Promise<AccessPackageGrant[]>;
  /** Optional: release connections. */
  close?(): Promise<void>;
}

export interface Target {
  /** Groups carrying an anchor (msDS-ExternalDirectoryObjectId starting with `Group_`) under the base DN. */
  listAnchoredGroups(signal?: AbortSignal): AsyncIterable<AdGroup[]>;
  /** All objects with this anchor (more than one is a DuplicateTargetEntries error for the caller). */
  findByAnchor(anchor: string): Promise<AdGroup[]>;
  findBySid(sid: string): Promise<AdGroup | null>;
  /** Resolve users in bulk by objectGUID / objectSid. Returns maps keyed by the input value. */
  resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>>;
  resolveUsersBySid(sids: string[]): Promise<Map<string, AdUser>>;
  /** Member DNs, read with explicit `member;range=lo-hi` windows. */
  readMembers(dn: string): Promise<string[]>;
  createGroup(dn: string, attributes: AttributeChanges): Promise<AdGroup>;
  modifyGroup(dn: string, changes: AttributeChanges): Promise<void>;
  /** Rename and/or move. Returns the new DN. */
  moveGroup(dn: string, newDn: string): Promise<string>;
  deleteGroup(dn: string): Promise<void>;
  /** Add/remove member DNs in batches; tolerant of already-present / already-absent values. */
  addMembers(dn: string, memberDns: string[]): Promise<void>;
  removeMembers(dn: string, memberDns: string[]): Promise<void>;
  close(): Promise<void>;
  /** Optional: one group by DN with its attributes (no members), or null when there is no entry. */
  readGroup?(dn: string): Promise<AdGroup | null>;
  /**
   * Optional: groups marked by Entra Connect group writeback (adminDescription `Group_…`) that carry no anchor,
   * under the base DN (full cycles index them once; see engine/match.ts byConnectMarker).
   */
  listUnanchoredConnectGroups?(signal?: AbortSignal): AsyncIterable<AdGroup[]>;
  /** Optional: groups whose adminDescription is this value (Connect's marker `Group_<objectId>`). */
  findByAdminDescription?(value: string): Promise<AdGroup[]>;
  /**
   * Optional (drift detection): the directory's current highestCommittedUSN (rootDSE), a decimal string. With
   * `findChangedGroups`, each cycle finds the managed groups changed in AD since the last one in one search.
   */
  highestCommittedUsn?(): Promise<string>;
  /** Optional: anchored groups under `bases` (default: the search base) with `after` < uSNChanged ≤ `upTo`. */
  findChangedGroups?(after: string, upTo: string | undefined, bases?: string[]): Promise<ChangedGroup[]>;
  /** Optional: AD's replication metadata for each `member` value of a group ([] when the server has none). */
  memberValueMetadata?(dn: string): Promise<MemberValueMeta[]>;
  /**
   * Optional (access reports): the user's last logon at this DC (`lastLogon`, not replicated: per DC) and the
   * replicated `lastLogonTimestamp`, ISO 8601; absent values omitted.
   */
  readUserLogon?(dn: string): Promise<{ lastLogon?: string; lastLogonTimestamp?: string }>;
  /**
   * Optional: what every write of a cycle depends on, read before the first write: each container exists and the
   * account may create groups in it, and the schema has the anchor attribute. Returns the problems (empty: ready).
   */
  checkPrerequisites?(containers: string[]): Promise<TargetPrerequisites>;
  /** Optional: LDAP requests sent so far (benchmarks, "a second cycle writes nothing"). */
  countOperations?(): DirectoryOpCounts;
  /**
   * Optional (long-lived callers: watch mode): give the domain controllers that were given up during a failed
   * cycle another chance before the next one. Within a cycle a DC given up stays given up (fail fast).
   */
  reviveConnections?(): void;
}

/** What a Target found missing before a cycle's first write (see Target.checkPrerequisites). */
export interface TargetPrerequisites {
  /** The anchor attribute is not in the schema. */
  anchorAttributeMissing: boolean;
  /** Containers that do not exist (or that the account cannot see). */
  missingContainers: string[];
  /** Containers where the account may not create groups (known only when the directory says so). */
  noCreateRights: string[];
  /** Where the schema was looked up (for the message). */
  schemaDn?: string;
}
