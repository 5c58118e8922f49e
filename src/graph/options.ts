/**
 * How graph/ is told to connect: plain values, secrets already resolved by the config layer (never read from argv).
 * Structurally compatible with `ResolvedConfig['tenant']` (src/config/types.ts): pass `config.tenant` as is.
 */

/** Microsoft's national clouds (sovereign instances) with their own login and Graph hosts. */
export type NationalCloud = 'Public' | 'USGov' | 'USGovDoD' | 'China';

export interface ClientSecretAuth {
  type: 'clientSecret';
  /** The secret's value (not its id). */
  clientSecret: string;
}

export interface CertificateAuth {
  type: 'certificate';
  /** A PEM file holding the certificate and its private key, or a PFX/PKCS#12 file (.pfx/.p12). */
  certificatePath?: string;
  /**
   * The certificate and its private key as base64 PKCS#12, handed over by the caller (the PowerShell module reads
   * it from the Windows certificate store: -CertificateThumbprint). Used instead of certificatePath when given.
   */
  certificate?: string;
  /** SHA-1 thumbprint (hex) the handed-over certificate must have. */
  certificateThumbprint?: string;
  /** Password of the PFX (or of the handed-over PKCS#12), or of the encrypted PEM private key. */
  certificatePassword?: string;
  /** Send the x5c chain (subject-name/issuer authentication). */
  sendCertificateChain?: boolean;
}

export interface ManagedIdentityAuth {
  type: 'managedIdentity';
  /** Client id of a user-assigned identity; omit for the system-assigned one (Azure Arc supports only that). */
  clientId?: string;
}

export type GraphAuth = ClientSecretAuth | CertificateAuth | ManagedIdentityAuth;

export interface GraphConnection {
  /** Directory (tenant) id, a GUID or a verified domain name. */
  tenantId: string;
  /** Application (client) id of the app registration. Required for secret/certificate auth. */
  clientId?: string;
  /** National cloud; default Public. Chooses the login host, the Graph host and the token scope. */
  cloud?: NationalCloud;
  /** Overrides the cloud's login host (`https://host[:port]`), e.g. the lab's emulator. */
  authorityHost?: string;
  /** Overrides the cloud's Graph endpoint (`https://host[:port]`), e.g. the lab's emulator. */
  graphBaseUrl?: string;
  /**
   * PEM file of CA certificates to trust, in addition to the system roots, for the login and Graph calls
   * (a TLS-inspecting proxy, the lab's test CA). No NODE_EXTRA_CA_CERTS needed.
   */
  caFile?: string;
  auth: GraphAuth;
}

/** Tuning of the HTTP client. Defaults suit production; tests shorten the delays. */
export interface GraphClientTuning {
  /** Retries of 429/503/504 responses (honouring Retry-After). Default 6, at most 10. */
  maxRetries?: number;
  /** Base delay in seconds when no Retry-After is given. Default 3. */
  retryDelaySeconds?: number;
  /** Per-request timeout (connect + response). Default 120 s. */
  requestTimeoutMs?: number;
  /** Parallel HTTP connections to Graph. Default 8. */
  maxSockets?: number;
  /**
   * Graph resource units (contract §8) the client may spend per 10 s: requests are paced to stay inside it.
   * Default 3,500 (the smallest tenant's identity & access budget); 0 = no pacing.
   */
  resourceUnitBudget?: number;
}
