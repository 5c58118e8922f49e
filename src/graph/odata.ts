/**
 * Graph JSON → the model's plain snapshots. Nothing outside graph/ sees Graph JSON.
 */
import type { CloudGroup, CloudUser, MemberRef } from '../model/cloud';

type Json = Record<string, unknown>;

const KINDS: Record<string, MemberRef['kind']> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.device': 'device',
  '#microsoft.graph.orgcontact': 'orgContact',
  '#microsoft.graph.serviceprincipal': 'servicePrincipal',
};

export function memberKind(odataType: unknown): MemberRef['kind'] {
  return (typeof odataType === 'string' && KINDS[odataType.toLowerCase()]) || 'other';
}

export function toMemberRef(json: Json): MemberRef {
  const ref: MemberRef = { id: String(json.id), kind: memberKind(json['@odata.type']) };
  if (typeof json.displayName === 'string') ref.displayName = json.displayName;
  if (typeof json.userPrincipalName === 'string') ref.userPrincipalName = json.userPrincipalName;
  return ref;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
/** One shared empty list (most groups have no groupTypes); frozen, so a caller that tried to add to it would fail loudly. */
const NONE: string[] = Object.freeze([]) as unknown as string[];
const strings = (v: unknown): string[] => (Array.isArray(v) && v.length > 0 ? v.filter((x): x is string => typeof x === 'string') : NONE);

type GroupKey = Exclude<keyof CloudGroup, 'id' | 'extra' | 'members'>;
const GROUP_FIELDS: Record<GroupKey, (v: unknown) => unknown> = {
  displayName: str,
  description: str,
  securityEnabled: bool,
  mailEnabled: bool,
  mailNickname: str,
  groupTypes: strings,
  onPremisesSyncEnabled: bool,
  onPremisesSecurityIdentifier: str,
  onPremisesSamAccountName: str,
  securityIdentifier: str,
  isAssignableToRole: bool,
  membershipRule: str,
  createdDateTime: str,
};

/** The field tables as [key, converter] lists made once (Object.entries of them per object was a hot allocation). */
const GROUP_FIELD_LIST = Object.entries(GROUP_FIELDS);

/**
 * A complete group (listing, get, getByIds). Selected extra properties Graph left out (unset extension
 * attributes are omitted) become null.
 */
export function toCloudGroup(json: Json, extras: readonly string[]): CloudGroup {
  const group = { id: String(json.id) } as CloudGroup;
  for (const [key, conv] of GROUP_FIELD_LIST) (group as unknown as Json)[key] = conv(json[key]);
  if (extras.length > 0) {
    group.extra = {};
    for (const name of extras) group.extra[name] = json[name] ?? null;
  }
  return group;
}

/**
 * A group from a delta entry: only the properties the entry carries (a continuation chunk of a large group may
 * carry none). A full (non-minimal) entry — one with `displayName` — also reports omitted extras as null.
 */
export function toGroupPatch(json: Json, extras: readonly string[]): Partial<CloudGroup> & { id: string } {
  const whole = fullPatch(json);
  const group: Partial<CloudGroup> & { id: string } = whole ?? { id: String(json.id) };
  if (!whole) {
    for (const [key, conv] of GROUP_FIELD_LIST) {
      if (key in json) (group as Json)[key] = conv(json[key]);
    }
  }
  const full = 'displayName' in json;
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const name of extras) {
    if (name in json) {
      extra[name] = json[name] ?? null;
      any = true;
    } else if (full) {
      extra[name] = null;
      any = true;
    }
  }
  if (any) group.extra = extra;
  return group;
}

type UserKey = Exclude<keyof CloudUser, 'id'>;
const USER_FIELDS: Record<UserKey, (v: unknown) => unknown> = {
  userPrincipalName: str,
  displayName: str,
  onPremisesSyncEnabled: bool,
  onPremisesSecurityIdentifier: str,
  onPremisesImmutableId: str,
  onPremisesObjectIdentifier: str,
  onPremisesDistinguishedName: str,
  onPremisesSamAccountName: str,
  onPremisesDomainName: str,
  onPremisesUserPrincipalName: str,
};

const USER_FIELD_LIST = Object.entries(USER_FIELDS);

/** A complete user (getByIds). Properties not returned are null, except onPremisesObjectIdentifier (left out). */
export function toCloudUser(json: Json): CloudUser {
  const user = { id: String(json.id) } as CloudUser;
  for (const [key, conv] of USER_FIELD_LIST) {
    if (key === 'onPremisesObjectIdentifier' && !(key in json)) continue;
    (user as unknown as Json)[key] = conv(json[key]);
  }
  return user;
}

/**
 * An entry that carries every group field (the initial round's entries do) as one object literal: its properties
 * then live inside the object — the patch is held from the read to its group's object step, and one built
 * property by property keeps them in a separate out-of-object array (≈ 100 bytes more a group).
 */
function fullPatch(json: Json): (Partial<CloudGroup> & { id: string }) | undefined {
  for (const [key] of GROUP_FIELD_LIST) if (!(key in json)) return undefined;
  return {
    id: String(json.id),
    displayName: str(json.displayName),
    description: str(json.description),
    securityEnabled: bool(json.securityEnabled),
    mailEnabled: bool(json.mailEnabled),
    mailNickname: str(json.mailNickname),
    groupTypes: strings(json.groupTypes),
    onPremisesSyncEnabled: bool(json.onPremisesSyncEnabled),
    onPremisesSecurityIdentifier: str(json.onPremisesSecurityIdentifier),
    onPremisesSamAccountName: str(json.onPremisesSamAccountName),
    securityIdentifier: str(json.securityIdentifier),
    isAssignableToRole: bool(json.isAssignableToRole),
    membershipRule: str(json.membershipRule),
    createdDateTime: str(json.createdDateTime),
  } satisfies Required<Pick<CloudGroup, 'id' | GroupKey>>;
}

/** A user from a delta entry: only the properties it carries. */
export function toUserPatch(json: Json): Partial<CloudUser> & { id: string } {
  const user: Partial<CloudUser> & { id: string } = { id: String(json.id) };
  for (const [key, conv] of USER_FIELD_LIST) {
    if (key in json) (user as Json)[key] = conv(json[key]);
  }
  return user;
}
