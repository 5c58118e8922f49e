/** What the Target (directory/) speaks: AD objects as plain values. Nothing outside directory/ imports ldapts. */

export interface AdGroup {
  dn: string;
  /** objectGUID as a lowercase dashed GUID string (AD byte order decoded). */
  objectGuid: string;
  /** objectSid as S-1-5-21-… */
  objectSid: string;
  /** Value of msDS-ExternalDirectoryObjectId, e.g. `Group_<objectId>`, or null. */
  anchor: string | null;
  /** Attribute values as read (single string, or array for multi-valued). Member is not in here. */
  attributes: Record<string, string | string[]>;
  /** Member DNs; undefined when not read. */
  members?: string[];
}

export interface AdUser {
  dn: string;
  objectGuid: string;
  objectSid: string;
  /** For logs and the provisioning record; may be absent. */
  userPrincipalName?: string;
  sAMAccountName?: string;
}

/** Attribute changes for one object: `null` removes the attribute. */
export type AttributeChanges = Record<string, string | string[] | null>;

/** LDAP requests sent by a Target since it was created (or last reset): for benchmarks and "0 writes" checks. */
export interface DirectoryOpCounts {
  /** Search requests (each page of a paged search and each `member;range` window counts once). */
  searches: number;
  adds: number;
  modifies: number;
  modDNs: number;
  deletes: number;
  /** adds + modifies + modDNs + deletes. */
  writes: number;
  /** member values sent in add/delete modifications (incl. retries). */
  memberValuesAdded: number;
  memberValuesRemoved: number;
  /** Membership re-reads after a 68/53 (already present / absent) member batch. */
  memberRecoveries: number;
  /** Connections opened (connect + bind). */
  binds: number;
}

/** A managed (anchored) group whose AD object changed after a given USN (drift detection). */
export interface ChangedGroup {
  dn: string;
  objectGuid: string;
  anchor: string | null;
  /** uSNChanged, as a decimal string (USNs are 64-bit). */
  usnChanged: string;
  /** whenChanged, ISO 8601. */
  whenChanged?: string;
}

/**
 * What AD says about one `member` value (msDS-ReplValueMetaData): when it was added / last changed, and on which
 * DC the change originated. AD does not record WHICH ACCOUNT made a change (that needs auditing, event 5136).
 */
export interface MemberValueMeta {
  memberDn: string;
  /** ftimeCreated: when the value was (first) added. */
  created?: string;
  /** ftimeDeleted: set for a value removed (kept as absent value until garbage collection). */
  deleted?: string;
  /** ftimeLastOriginatingChange. */
  lastChange?: string;
  /** The originating DC's NTDS Settings DN. */
  originatingDsa?: string;
}
