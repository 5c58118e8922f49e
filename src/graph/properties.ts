import { ConfigError } from '../core/errors';

/**
 * The Graph properties read for groups and users ($select lists).
 */

/** Every key of CloudGroup except `extra`/`members`: what listGroups, getGroup(s) and delta select. */
export const GROUP_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'securityEnabled',
  'mailEnabled',
  'mailNickname',
  'groupTypes',
  'onPremisesSyncEnabled',
  'onPremisesSecurityIdentifier',
  'onPremisesSamAccountName',
  'securityIdentifier',
  'isAssignableToRole',
  'membershipRule',
  'createdDateTime',
] as const;

/**
 * What getUsers and the users delta select. `onPremisesObjectIdentifier` is not in every Graph version: add it
 * through `extraUserProperties` where the tenant returns it.
 */
export const USER_PROPERTIES = [
  'id',
  'userPrincipalName',
  'displayName',
  'onPremisesSyncEnabled',
  'onPremisesSecurityIdentifier',
  'onPremisesImmutableId',
  'onPremisesDistinguishedName',
  'onPremisesSamAccountName',
  'onPremisesDomainName',
  'onPremisesUserPrincipalName',
] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validate extra property names (they go into a URL) and drop the ones already selected. */
export function extraProperties(extra: readonly string[] | undefined, base: readonly string[], key: string): string[] {
  const out: string[] = [];
  for (const name of extra ?? []) {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new ConfigError(`'${String(name)}' is not a Graph property name.`, {
        target: key,
        hint: 'Use property names such as extension_<appIdWithoutHyphens>_<Name>.',
      });
    }
    if (!base.includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}
