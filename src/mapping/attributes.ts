/**
 * Source attributes a group mapping may reference. An expression naming anything else is rejected when the
 * configuration is loaded (a typo would otherwise silently evaluate to null for every group).
 * Names match case-insensitively (Microsoft's own samples write [DisplayName] and [ObjectId]).
 */

/** Microsoft Graph group properties (v1.0 and beta) plus the provisioning service's aliases. */
export const GROUP_SOURCE_ATTRIBUTES: readonly string[] = [
  'objectId',
  'id',
  'displayName',
  'description',
  'mailNickname',
  'mail',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
  'onPremisesSecurityIdentifier',
  'onPremisesSamAccountName',
  'onPremisesDomainName',
  'onPremisesNetBiosName',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'dirSyncEnabled',
  'isCloudManaged',
  'createdDateTime',
  'renewedDateTime',
  'expirationDateTime',
  'deletedDateTime',
  'securityIdentifier',
  'visibility',
  'classification',
  'members',
  'membershipRule',
  'membershipRuleProcessingState',
  'isAssignableToRole',
  'preferredLanguage',
  'preferredDataLocation',
  'proxyAddresses',
  'theme',
  'uniqueName',
  'serviceProvisioningErrors',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
];

/** Directory extension attributes: extension_<appId without hyphens>_<name>. */
export const EXTENSION_ATTRIBUTE = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

export class AttributeCatalog {
  private readonly byLower = new Map<string, string>();

  constructor(names: Iterable<string> = GROUP_SOURCE_ATTRIBUTES, private readonly allowAny = false) {
    for (const n of names) this.add(n);
  }

  add(name: string): void {
    if (!this.byLower.has(name.toLowerCase())) this.byLower.set(name.toLowerCase(), name);
  }

  /** The canonical spelling of a known attribute, or undefined. */
  resolve(name: string): string | undefined {
    const known = this.byLower.get(name.toLowerCase());
    if (known) return known;
    if (EXTENSION_ATTRIBUTE.test(name)) return name;
    if (this.allowAny) return name;
    return undefined;
  }

  /** Up to three known names that look like `name` (for "did you mean" hints). */
  suggest(name: string): string[] {
    const lower = name.toLowerCase();
    return [...this.byLower.values()]
      .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((x) => x.n);
  }
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Look an attribute up in a source object: exact key, then case-insensitive; `objectId` falls back to `id`;
 * extensionAttribute1-15 are also found inside `onPremisesExtensionAttributes`.
 */
export function lookupAttribute(source: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(source, name)) return source[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(source)) if (key.toLowerCase() === lower) return source[key];
  if (lower === 'objectid') return lookupAttribute(source, 'id');
  if (/^extensionattribute([1-9]|1[0-5])$/.test(lower)) {
    const nested = lookupAttribute(source, 'onPremisesExtensionAttributes');
    if (nested && typeof nested === 'object') return lookupAttribute(nested as Record<string, unknown>, name);
  }
  return undefined;
}
