/**
 * Property catalogue per resource type: the full v1.0 set (in Graph's output order), the default set returned
 * without `$select`, and the `$select` projection (unknown names → 400 like Graph).
 */
import { GraphHttpError } from './errors';
import type { ObjectKind } from './types';

export const GROUP_PROPERTIES = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'creationOptions', 'description', 'displayName',
  'expirationDateTime', 'groupTypes', 'isAssignableToRole', 'isManagementRestricted', 'mail', 'mailEnabled',
  'mailNickname', 'membershipRule', 'membershipRuleProcessingState', 'onPremisesDomainName',
  'onPremisesLastSyncDateTime', 'onPremisesNetBiosName', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'preferredDataLocation', 'preferredLanguage',
  'proxyAddresses', 'renewedDateTime', 'resourceBehaviorOptions', 'resourceProvisioningOptions',
  'securityEnabled', 'securityIdentifier', 'theme', 'visibility', 'onPremisesProvisioningErrors',
  'serviceProvisioningErrors', 'assignedLicenses', 'licenseProcessingState', 'hasMembersWithLicenseErrors',
  'assignedLabels', 'uniqueName',
] as const;

const GROUP_SELECT_ONLY = new Set(['isManagementRestricted', 'assignedLicenses', 'licenseProcessingState',
  'hasMembersWithLicenseErrors', 'assignedLabels', 'serviceProvisioningErrors', 'uniqueName']);

export const GROUP_DEFAULT = GROUP_PROPERTIES.filter((p) => !GROUP_SELECT_ONLY.has(p));

export const USER_PROPERTIES = [
  'id', 'accountEnabled', 'businessPhones', 'city', 'companyName', 'country', 'createdDateTime',
  'creationType', 'deletedDateTime', 'department', 'displayName', 'employeeId', 'employeeType', 'givenName',
  'jobTitle', 'mail', 'mailNickname', 'mobilePhone', 'officeLocation', 'onPremisesDistinguishedName',
  'onPremisesDomainName', 'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'otherMails', 'preferredLanguage', 'proxyAddresses',
  'securityIdentifier', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
] as const;

export const USER_DEFAULT = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone',
  'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

/** Write-only / internal keys never returned. */
const HIDDEN = new Set(['passwordProfile', 'members', 'owners']);

const CATALOGUE: Record<ObjectKind, { all: readonly string[]; defaults: readonly string[]; resource: string }> = {
  group: { all: GROUP_PROPERTIES, defaults: GROUP_DEFAULT, resource: 'group' },
  user: { all: USER_PROPERTIES, defaults: USER_DEFAULT, resource: 'user' },
};

const lowerMaps: Record<ObjectKind, Map<string, string>> = {
  group: new Map(GROUP_PROPERTIES.map((p) => [p.toLowerCase(), p])),
  user: new Map(USER_PROPERTIES.map((p) => [p.toLowerCase(), p])),
};

/** Canonical name of a property of `kind`, or undefined (extension_* names are kept as given). */
export function canonicalProperty(kind: ObjectKind, name: string): string | undefined {
  const known = lowerMaps[kind].get(name.toLowerCase());
  if (known) return known;
  if (/^extension_[0-9a-f]{32}_\w+$/i.test(name)) return name;
  return undefined;
}

export function knownIn(kinds: ObjectKind[], name: string): string | undefined {
  for (const k of kinds) {
    const c = canonicalProperty(k, name);
    if (c) return c;
  }
  return undefined;
}

/**
 * Parse `$select` for the given kinds (members/getByIds list several). Unknown → 400 like Graph.
 * Returns undefined when absent (= default set). Extra allowed names (e.g. 'members' on delta) pass through.
 * Graph returns only what was selected; delta always adds `id` (`alwaysId`).
 */
export function parseSelect(raw: string | undefined, kinds: ObjectKind[], extra: string[] = [], alwaysId = false): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return undefined;
  const out: string[] = [];
  for (const n of names) {
    if (n === '*') { out.push(...new Set(kinds.flatMap((k) => CATALOGUE[k].all))); continue; }
    const ex = extra.find((e) => e.toLowerCase() === n.toLowerCase());
    const c = ex ?? knownIn(kinds, n);
    if (!c) {
      const type = kinds.length === 1 ? `microsoft.graph.${kinds[0]}` : 'microsoft.graph.directoryObject';
      throw new GraphHttpError(400, 'Request_BadRequest', `Could not find a property named '${n}' on type '${type}'.`);
    }
    if (!out.includes(c)) out.push(c);
  }
  if (alwaysId && !out.includes('id')) out.unshift('id');
  return out;
}

/** Project an object onto `select` (or the default set). Inapplicable properties are omitted. */
export function project(kind: ObjectKind, obj: Record<string, unknown>, select?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (select) {
    for (const p of select) {
      if (HIDDEN.has(p)) continue;
      if (canonicalProperty(kind, p) === undefined) continue;
      out[p] = p in obj ? obj[p] : null;
    }
    return out;
  }
  for (const p of CATALOGUE[kind].defaults) out[p] = p in obj ? obj[p] : null;
  return out;
}

export function odataType(kind: ObjectKind): string {
  return `#microsoft.graph.${kind}`;
}

export function isReadOnlyProperty(kind: ObjectKind, name: string): boolean {
  const ro = kind === 'group'
    ? ['id', 'createdDateTime', 'deletedDateTime', 'securityIdentifier', 'onPremisesSecurityIdentifier',
      'onPremisesSyncEnabled', 'onPremisesSamAccountName', 'onPremisesDomainName', 'onPremisesNetBiosName',
      'onPremisesLastSyncDateTime', 'onPremisesProvisioningErrors', 'renewedDateTime', 'mail', 'proxyAddresses',
      'expirationDateTime', 'isManagementRestricted']
    : ['id', 'createdDateTime', 'deletedDateTime', 'securityIdentifier', 'onPremisesSecurityIdentifier',
      'onPremisesSyncEnabled', 'onPremisesSamAccountName', 'onPremisesDomainName', 'onPremisesDistinguishedName',
      'onPremisesUserPrincipalName', 'onPremisesLastSyncDateTime', 'onPremisesProvisioningErrors', 'proxyAddresses',
      'creationType'];
  return ro.includes(name);
}
