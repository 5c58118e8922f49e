/** The lab domain: fixed names shared by the golden build, the DC handle, seeding and the lab config. */
export const REALM = 'LAB.EXAMPLE.COM';
export const DNS_DOMAIN = 'lab.example.com';
export const NETBIOS_DOMAIN = 'LAB';
export const HOST_NAME = 'dc1';
export const BASE_DN = 'DC=lab,DC=example,DC=com';

export const TARGET_OU = `OU=Cloud Groups,${BASE_DN}`;
export const TARGET_OU_2 = `OU=Cloud Groups 2,${BASE_DN}`;
export const USERS_OU = `OU=Synced Users,${BASE_DN}`;
/** Groups synced from AD to Entra (tenant files: a group with "synced": true). */
export const SYNCED_GROUPS_OU = `OU=Synced Groups,${BASE_DN}`;
export const SERVICE_OU = `OU=Service Accounts,${BASE_DN}`;

/** Parent of the jobs' state objects (state.store "directory"): one msDS-App-Configuration object per job. */
export const STATE_CONTAINER = `CN=GroupWriteback,CN=Program Data,${BASE_DN}`;

export const SERVICE_ACCOUNT = 'gwb-svc';
export const SERVICE_DN = `CN=${SERVICE_ACCOUNT},${SERVICE_OU}`;
export const ADMIN_DN = `CN=Administrator,CN=Users,${BASE_DN}`;

/** schemaIDGUIDs of the classes the delegation ACEs name. */
export const CLASS_GUID = {
  group: 'bf967a9c-0de6-11d0-a285-00aa003049e2',
  user: 'bf967aba-0de6-11d0-a285-00aa003049e2',
  appConfiguration: '90df3c3e-1854-4455-a5d7-cad40d56657a',
} as const;

/** LDAP (and KDC/kpasswd) ports are hard-coded in Samba 4.17: one DC per loopback address. */
export const DC_PORTS = [389, 636, 3268, 3269, 88, 464] as const;
