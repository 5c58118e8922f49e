/**
 * The configuration file (docs/configuration.md, docs/groupwriteback.schema.json) and its resolved form.
 * `ConfigFile` is what the JSON holds (no secret values, relative paths allowed); `ResolvedConfig` is what the
 * rest of the core receives from `loadConfig`: defaults filled in, paths absolute, secrets resolved.
 */

/** Where a secret comes from when the caller did not hand it over (RPC stdin): an environment variable or a file. */
export type SecretRef = { env: string } | { file: string };

/** Keys under which callers (the PowerShell module, over stdin) hand over secrets. */
export const SECRET_KEYS = {
  clientSecret: 'tenant.clientSecret',
  certificatePassword: 'tenant.certificatePassword',
  /**
   * The sign-in certificate with its private key, base64 PKCS#12 without password: the module reads it from the
   * Windows certificate store (-CertificateThumbprint). Only ever handed over, never referenced from the file.
   */
  certificate: 'tenant.certificate',
  directoryPassword: 'directory.password',
} as const;
export type SecretKey = (typeof SECRET_KEYS)[keyof typeof SECRET_KEYS];

/**
 * Handed over with 'directory.password' when the caller has a whole credential (PowerShell's -Credential): its user
 * name. The cycle binds as that user — a DN, a UPN (user@domain) or DOMAIN\user, as the ActiveDirectory module
 * does with -Credential — instead of directory.bindDn, so a credential always means the account it names.
 */
export const HANDED_OVER_DIRECTORY_USER = 'directory.user';

/** Secrets that may be referenced from the file ({env}/{file}); 'tenant.certificate' is only handed over. */
export type ReferencedSecretKey = Exclude<SecretKey, typeof SECRET_KEYS.certificate>;

/**
 * Which side's secrets an operation needs: 'tenant' (Graph sign-in) and/or 'directory' (the LDAP bind password).
 * `scope` reads only Graph; plan, run, verify and on-demand need both.
 */
export type SecretPart = 'tenant' | 'directory';
export const SECRET_PARTS: readonly SecretPart[] = ['tenant', 'directory'];

export type CloudName = 'Public' | 'USGov' | 'USGovDoD' | 'China';

export type ScopeOperator =
  | 'EQUALS'
  | 'NOT EQUALS'
  | 'REGEX MATCH'
  | 'NOT REGEX MATCH'
  | 'IS TRUE'
  | 'IS FALSE'
  | 'IS NULL'
  | 'IS NOT NULL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_OR_EQUALS';

export const SCOPE_OPERATORS: readonly ScopeOperator[] = [
  'EQUALS', 'NOT EQUALS', 'REGEX MATCH', 'NOT REGEX MATCH', 'IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL',
  'GREATER_THAN', 'GREATER_THAN_OR_EQUALS',
];

/** Operators that take no value. */
export const UNARY_OPERATORS: readonly ScopeOperator[] = ['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL'];

export interface ScopeClause {
  /** A group property (displayName, description, …, extension_<appId>_<name>). */
  attribute: string;
  operator: ScopeOperator;
  value?: string | number;
}

/** Clauses of one filter are ANDed; filters are ORed. */
export type ScopeFilter = ScopeClause[];

export type OnSoftDelete = 'empty' | 'leave' | 'delete';
export type OnPermanentDelete = 'delete' | 'leave';
export type OnScopeExit = 'leave' | 'empty' | 'convertToDistribution' | 'delete';

export type ConfigAuth =
  | { type: 'clientSecret'; clientSecret?: SecretRef }
  | {
      type: 'certificate';
      /** A PEM or PFX file. Exactly one of certificatePath and certificateThumbprint. */
      certificatePath?: string;
      /** SHA-1 thumbprint (40 hex digits) of a certificate in the Windows store, handed over as 'tenant.certificate'. */
      certificateThumbprint?: string;
      certificatePassword?: SecretRef;
      sendCertificateChain?: boolean;
    }
  | { type: 'managedIdentity'; clientId?: string };

/** The file as written (after schema validation). */
export interface ConfigFile {
  $schema?: string;
  name?: string;
  tenant: {
    tenantId: string;
    clientId?: string;
    cloud?: CloudName;
    authorityHost?: string;
    graphBaseUrl?: string;
    timeoutMs?: number;
    caFile?: string;
    resourceUnitBudget?: number;
    auth: ConfigAuth;
  };
  directory: {
    urls: string[];
    baseDn: string;
    auth?: DirectoryAuthFile;
    bindDn?: string;
    password?: SecretRef;
    caFile?: string;
    connections?: number;
    timeoutMs?: number;
    memberRangeSize?: number;
  };
  scope?: { mode?: 'all' | 'selected'; groupIds?: string[]; filters?: ScopeFilter[] };
  target: { container: string; managedContainers?: string[] };
  mappings?: unknown[];
  membership?: { provisionOnPremisesUsers?: boolean; keepUnmanagedMembers?: boolean; batchSize?: number };
  lifecycle?: { onSoftDelete?: OnSoftDelete; onPermanentDelete?: OnPermanentDelete; onScopeExit?: OnScopeExit };
  safety?: { deleteThreshold?: number; quarantineAfterFailures?: number; memberRemovalThreshold?: { percent?: number; minGroupSize?: number } };
  state?: { store?: 'file' | 'directory'; path?: string; dn?: string; url?: string; leaseSeconds?: number };
  log?: { retentionDays?: number };
}

/** directory.auth in the file: simple (bindDn + password) or kerberos (no password). */
export type DirectoryAuthFile = { type: 'simple' } | { type: 'kerberos'; keytab?: string; principal?: string; krb5Config?: string };

/**
 * directory.auth resolved: simple, or kerberos with absolute paths. Kerberos needs no secret: Linux logs on from the
 * keytab or uses the caller's ticket cache, Windows uses the process identity.
 */
export type ResolvedDirectoryAuth = { type: 'simple' } | { type: 'kerberos'; keytab?: string; principal?: string; krb5Config?: string };

export type ResolvedAuth =
  | { type: 'clientSecret'; clientSecret: string }
  | {
      type: 'certificate';
      /** Absolute path of the PEM/PFX file, when configured. */
      certificatePath?: string;
      /** Configured thumbprint (upper-case hex), checked against the handed-over certificate. */
      certificateThumbprint?: string;
      /** The handed-over certificate ('tenant.certificate', base64 PKCS#12); used instead of certificatePath. */
      certificate?: string;
      certificatePassword?: string;
      sendCertificateChain: boolean;
    }
  | { type: 'managedIdentity'; clientId?: string };

/** The configuration as the core uses it: defaults applied, paths absolute, secrets resolved. */
export interface ResolvedConfig {
  /** Absolute path of the file it was loaded from (or '<memory>'). */
  configPath: string;
  name: string;
  tenant: {
    tenantId: string;
    /** Required for clientSecret/certificate; optional (user-assigned identity) for managedIdentity. */
    clientId?: string;
    cloud: CloudName;
    /** Override of the cloud's login host (the lab's emulator), https://host[:port]. */
    authorityHost?: string;
    /** Override of the cloud's Graph endpoint, https://host[:port]. */
    graphBaseUrl?: string;
    /** Per-request timeout of Graph calls in ms (unset: 120000). */
    timeoutMs?: number;
    /** Absolute path of an extra CA bundle (PEM) to trust for Graph and login. */
    caFile?: string;
    /** Graph resource units per 10 s the core paces itself to (default 3,500: the smallest tenant's budget; 0 = off). */
    resourceUnitBudget: number;
    auth: ResolvedAuth;
  };
  directory: {
    urls: string[];
    baseDn: string;
    auth: ResolvedDirectoryAuth;
    /** The simple-bind identity ('' with kerberos). */
    bindDn: string;
    /** The simple-bind password ('' with kerberos: never read, never asked for). */
    password: string;
    /** Absolute path of the CA bundle (PEM) that signed the DCs' certificates. */
    caFile?: string;
    /** Size of the LDAP connection pool (default 4; Samba's listen backlog is 10). */
    connections: number;
    /** Per-operation timeout in ms (default 30000). */
    timeoutMs: number;
    /** Values per `member;range` window (default 1500, AD's MaxValRange). */
    memberRangeSize: number;
  };
  scope: { mode: 'all' | 'selected'; groupIds: string[]; filters: ScopeFilter[] };
  /** managedContainers: OUs (besides container) where anchored groups are managed in place, never moved out. */
  target: { container: string; managedContainers?: string[] };
  /** Custom mapping rules (src/mapping MappingRule[]), merged over the defaults. */
  mappings: unknown[];
  membership: { provisionOnPremisesUsers: boolean; keepUnmanagedMembers: boolean; batchSize: number };
  lifecycle: { onSoftDelete: OnSoftDelete; onPermanentDelete: OnPermanentDelete; onScopeExit: OnScopeExit };
  safety: { deleteThreshold: number; quarantineAfterFailures: number; memberRemovalThreshold: { percent: number; minGroupSize: number } };
  state: {
    store: 'file' | 'directory';
    /** The file store's folder; with the directory store, the local provisioning log's. */
    path: string;
    /** Directory store: the job object's DN. */
    dn?: string;
    /** Directory store: the lease DC (default directory.urls[0]). */
    url?: string;
    leaseSeconds: number;
  };
  log: { retentionDays: number };
}
