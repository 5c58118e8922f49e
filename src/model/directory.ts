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
}

/** Attribute changes for one object: `null` removes the attribute. */
export type AttributeChanges = Record<string, string | string[] | null>;
