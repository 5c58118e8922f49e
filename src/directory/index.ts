/** The directory layer: the Target port over LDAP, and the DN/filter/GUID/SID helpers it is built from. */
export { LdapTarget, PERMISSIVE_MODIFY_OID, type LdapTargetOptions, type MemberFailure } from './ldap-target';
export { LdapPool, DEFAULT_POOL_SIZE, MAX_POOL_SIZE, type PoolOptions, type PoolStats, type Lease } from './pool';
export {
  DirectoryError,
  DuplicateAnchorError,
  DirectoryUnavailableError,
  toDirectoryError,
  isConnectionFailure,
  resultCodeOf,
  type DirectoryOperation,
  type DirectoryErrorOptions,
  type ErrorContext,
} from './errors';
export {
  escapeRdnValue,
  unescapeRdnValue,
  parseDn,
  formatDn,
  formatRdn,
  normalizeDn,
  dnEquals,
  parentDn,
  firstRdn,
  rdnValue,
  childDn,
  cnDn,
  isDescendantOf,
  DnSyntaxError,
  type Ava,
  type Rdn,
} from './dn';
export { escapeFilterValue, filterText, eq, present, startsWith, and, or, not, anyOf, assertAttributeName, type Filter } from './filter';
export { guidFromBytes, guidToBytes, normalizeGuid, isGuid, immutableIdToGuid, guidToImmutableId, guidBytesFromAnchor } from './guid';
export { sidFromBytes, sidToBytes, normalizeSid, isSid, sidDomain } from './sid';
export { ANCHOR_ATTRIBUTE, GROUP_ATTRIBUTES, USER_ATTRIBUTES } from './entry';
export { rangeAttribute, pickRange, DEFAULT_RANGE_SIZE } from './member-range';
