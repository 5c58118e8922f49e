/** Realistic defaults for new users and groups, as Entra fills them in. */
import { cloudSid, graphNow, newId } from './ids';
import type { GraphGroup, GraphUser } from './types';

export function nicknameFrom(name: string): string {
  const n = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64);
  return n || `group${Math.floor(Math.random() * 1e6)}`;
}

export function makeGroup(input: Partial<GraphGroup>, domain: string): GraphGroup {
  const id = input.id ?? newId();
  const created = input.createdDateTime ?? graphNow();
  const displayName = input.displayName ?? `Group ${id.slice(0, 8)}`;
  const groupTypes = Array.isArray(input.groupTypes) ? [...input.groupTypes] : [];
  const unified = groupTypes.includes('Unified');
  const mailNickname = input.mailNickname ?? nicknameFrom(displayName);
  const mailEnabled = input.mailEnabled ?? unified;
  const mail = input.mail ?? (mailEnabled ? `${mailNickname}@${domain}` : null);
  const group: GraphGroup = {
    id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    creationOptions: [],
    description: null,
    displayName,
    expirationDateTime: null,
    groupTypes,
    isAssignableToRole: null,
    isManagementRestricted: null,
    mail,
    mailEnabled,
    mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: mail ? [`SMTP:${mail}`] : [],
    renewedDateTime: created,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: input.securityEnabled ?? true,
    securityIdentifier: '',
    theme: null,
    visibility: unified ? 'Public' : null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
    assignedLicenses: [],
    licenseProcessingState: null,
    hasMembersWithLicenseErrors: false,
    assignedLabels: [],
    uniqueName: null,
  };
  for (const [k, v] of Object.entries(input)) {
    if (v !== undefined && k !== 'members' && k !== 'owners' && !k.includes('@')) group[k] = v;
  }
  group.id = id;
  group.groupTypes = groupTypes;
  if (groupTypes.includes('DynamicMembership') && !group.membershipRuleProcessingState) group.membershipRuleProcessingState = 'On';
  group.securityIdentifier = (input.securityIdentifier as string | undefined)
    ?? (group.onPremisesSecurityIdentifier as string | null) ?? cloudSid(id);
  return group;
}

export function makeUser(input: Partial<GraphUser>, domain: string): GraphUser {
  const id = input.id ?? newId();
  const mailNickname = input.mailNickname
    ?? (typeof input.userPrincipalName === 'string' ? input.userPrincipalName.split('@')[0] : `user${id.slice(0, 8)}`);
  const upn = input.userPrincipalName ?? `${mailNickname}@${domain}`;
  const user: GraphUser = {
    id,
    accountEnabled: true,
    businessPhones: [],
    city: null,
    companyName: null,
    country: null,
    createdDateTime: graphNow(),
    creationType: null,
    deletedDateTime: null,
    department: null,
    displayName: input.displayName ?? mailNickname,
    employeeId: null,
    employeeType: null,
    givenName: null,
    jobTitle: null,
    mail: null,
    mailNickname,
    mobilePhone: null,
    officeLocation: null,
    onPremisesDistinguishedName: null,
    onPremisesDomainName: null,
    onPremisesExtensionAttributes: Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null])),
    onPremisesImmutableId: null,
    onPremisesLastSyncDateTime: null,
    onPremisesProvisioningErrors: [],
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    onPremisesUserPrincipalName: null,
    otherMails: [],
    preferredLanguage: null,
    proxyAddresses: [],
    securityIdentifier: '',
    surname: null,
    usageLocation: null,
    userPrincipalName: upn,
    userType: 'Member',
  };
  for (const [k, v] of Object.entries(input)) {
    if (v !== undefined && k !== 'passwordProfile' && k !== 'synced' && !k.includes('@')) user[k] = v;
  }
  user.id = id;
  if (user.onPremisesSyncEnabled === true && !user.onPremisesLastSyncDateTime) user.onPremisesLastSyncDateTime = graphNow();
  user.securityIdentifier = (input.securityIdentifier as string | undefined)
    ?? (user.onPremisesSecurityIdentifier as string | null) ?? cloudSid(id);
  return user;
}
