/** Graph-shaped objects kept by the emulator's store (v1.0 property names). */

export interface GraphGroup {
  id: string;
  displayName: string | null;
  description: string | null;
  groupTypes: string[];
  mailEnabled: boolean;
  securityEnabled: boolean;
  mailNickname: string | null;
  mail: string | null;
  createdDateTime: string;
  deletedDateTime: string | null;
  securityIdentifier: string;
  onPremisesSyncEnabled: boolean | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesSamAccountName: string | null;
  isAssignableToRole: boolean | null;
  membershipRule: string | null;
  membershipRuleProcessingState: string | null;
  visibility: string | null;
  [property: string]: unknown;
}

export interface GraphUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mailNickname: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
  deletedDateTime: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesImmutableId: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesDomainName: string | null;
  onPremisesUserPrincipalName: string | null;
  onPremisesLastSyncDateTime: string | null;
  [property: string]: unknown;
}

export type ObjectKind = 'user' | 'group';
export type DirectoryObject = GraphUser | GraphGroup;

/** A Graph-shaped tenant as loaded from a lab tenant file. */
export interface TenantFile {
  users?: Array<Record<string, unknown>>;
  groups?: Array<Record<string, unknown>>;
}
