/**
 * What the Source (graph/) yields: plain snapshots of Entra objects. Nothing outside graph/ sees Graph JSON.
 */

/** A reference to a direct member of a cloud group. */
export interface MemberRef {
  id: string;
  /** From `@odata.type`: '#microsoft.graph.user' → 'user', etc. */
  kind: 'user' | 'group' | 'device' | 'orgContact' | 'servicePrincipal' | 'other';
  /** When the Source read them with the member (for the log: which member was skipped). */
  displayName?: string | null;
  userPrincipalName?: string | null;
}

export interface CloudGroup {
  id: string;
  displayName: string | null;
  description: string | null;
  securityEnabled: boolean | null;
  mailEnabled: boolean | null;
  mailNickname?: string | null;
  groupTypes: string[];
  /** Graph `onPremisesSyncEnabled`: true = synced from AD (skip), false = formerly synced (SOA moved), null = cloud. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesSamAccountName?: string | null;
  securityIdentifier?: string | null;
  isAssignableToRole?: boolean | null;
  membershipRule?: string | null;
  createdDateTime?: string | null;
  /** Any further Graph properties (incl. extension_<appId>_<name>) for scope filters and mappings. */
  extra?: Record<string, unknown>;
  /** Direct members. Undefined when not loaded (e.g. a delta that did not touch membership). */
  members?: MemberRef[];
}

/** A cloud user as needed to resolve it in AD. */
export interface CloudUser {
  id: string;
  userPrincipalName?: string | null;
  displayName?: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesSecurityIdentifier: string | null;
  /** Entra Connect sourceAnchor: base64 of the objectGUID bytes by default. */
  onPremisesImmutableId: string | null;
  /** objectGUID as a GUID string when Connect ≥ 2.2.8 / Cloud Sync set it (beta/newer property). */
  onPremisesObjectIdentifier?: string | null;
  onPremisesDistinguishedName?: string | null;
  onPremisesSamAccountName?: string | null;
  onPremisesDomainName?: string | null;
  onPremisesUserPrincipalName?: string | null;
}

/**
 * One change from a Graph delta round, folded per group and page.
 *
 * - `upsert.group` holds only the properties the entry carried (all selected ones on a normal round; none on a
 *   continuation chunk of a large group), so merge it into what is known.
 * - A group with many members comes back on several pages (Graph splits `members@delta`): each chunk is its own
 *   upsert; the consumer merges them. Within one page a group appears once.
 * - On an initial round (no delta link) `memberAdds` is the full current membership and `memberRemoves` is empty.
 */
export type GroupChange =
  | { kind: 'upsert'; group: Partial<CloudGroup> & { id: string }; memberAdds: MemberRef[]; memberRemoves: MemberRef[] }
  /** `@removed.reason = changed`: soft-deleted (restorable for 30 days). */
  | { kind: 'softDeleted'; id: string }
  /** `@removed.reason = deleted`: permanently deleted. */
  | { kind: 'deleted'; id: string };

/** One change from a users delta round (for a user cache keyed by cloud id). */
export type UserChange =
  /** Only the properties the entry carried; merge into what is known. */
  | { kind: 'upsert'; user: Partial<CloudUser> & { id: string } }
  /** `@removed.reason = changed`: soft-deleted (restorable for 30 days). */
  | { kind: 'softDeleted'; id: string }
  /** `@removed.reason = deleted`: permanently deleted. */
  | { kind: 'deleted'; id: string };

/**
 * A group membership granted by an Entra ID Governance access package assignment (the package holds the group's
 * Member role): which package, which assignment, its state and when it ends.
 */
export interface AccessPackageGrant {
  groupId: string;
  accessPackageId: string;
  accessPackageName: string | null;
  assignmentId: string;
  /** delivering | delivered | expired | … */
  state: string;
  /** schedule.expiration.endDateTime, when the assignment ends (null: no end). */
  expiresAt: string | null;
}
