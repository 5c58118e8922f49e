/**
 * The TokenCredential for the configured auth: client secret, certificate (PEM or PFX file, or PKCS#12 handed
 * over from the Windows store) or managed identity.
 * Always pointed at the configured cloud's login host; instance discovery off for hosts msal does not know.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { ConfigError } from '../core/errors';
import { resolveEndpoints } from './endpoints';
import type { ResolvedEndpoints } from './endpoints';
import type { CertificateAuth, GraphConnection } from './options';
import { pfxToPem, PfxError } from './pfx';
import { trustedCas } from './trust';

const TENANT_ID = /^[0-9a-zA-Z-.]+$/;

export interface CredentialContext {
  endpoints?: ResolvedEndpoints;
  /** CA list (see trust.ts); undefined = process defaults. */
  ca?: string[];
}

/** A PEM string with the certificate(s) and an unencrypted-or-password-protected private key, read eagerly. */
export function loadCertificate(auth: CertificateAuth): { pem: string; password: string | undefined } {
  if (auth.certificate !== undefined) return loadHandedOverCertificate(auth.certificate, auth);
  const key = 'tenant.auth.certificatePath';
  if (!auth.certificatePath) {
    throw new ConfigError('No certificate is configured.', {
      target: key,
      hint: 'Set tenant.auth.certificatePath to a PEM or PFX file, or (Windows) configure certificateThumbprint and run with -CertificateThumbprint.',
    });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(auth.certificatePath);
  } catch (err) {
    throw new ConfigError(`Cannot read the certificate file '${auth.certificatePath}': ${(err as Error).message}`, {
      target: key,
      hint: 'Point it at a PEM (certificate + private key) or PFX file readable by this account.',
      cause: err,
    });
  }
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) {
    if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
      throw new ConfigError(`The PEM file '${auth.certificatePath}' holds no certificate.`, { target: key, hint: 'Concatenate the certificate and its private key in one PEM file.' });
    }
    const keyBlock = text.match(/-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/);
    if (!keyBlock) {
      throw new ConfigError(`The PEM file '${auth.certificatePath}' holds no private key.`, { target: key, hint: 'Concatenate the certificate and its private key in one PEM file.' });
    }
    try {
      createPrivateKey({ key: keyBlock[0], passphrase: auth.certificatePassword ?? '' });
    } catch (err) {
      throw new ConfigError(`Cannot read the private key in '${auth.certificatePath}': ${auth.certificatePassword === undefined ? 'it is encrypted and no password is configured' : 'wrong password or unsupported key'}.`, {
        target: 'tenant.auth.certificatePassword',
        hint: 'Configure the key password, or store the key unencrypted in a file only this account can read.',
        cause: err,
      });
    }
    // Only an encrypted key takes a password; @azure/identity re-parses with it.
    const encrypted = /ENCRYPTED/.test(keyBlock[0]) || /Proc-Type: 4,ENCRYPTED/.test(keyBlock[0]);
    return { pem: bytes.toString('utf8'), password: encrypted ? auth.certificatePassword : undefined };
  }
  try {
    const pfx = pfxToPem(bytes, auth.certificatePassword ?? '');
    // The identity SDK takes the first CERTIFICATE block as the one whose thumbprint it sends.
    return { pem: [...pfx.certificatePems, pfx.privateKeyPem].join(''), password: undefined };
  } catch (err) {
    if (!(err instanceof PfxError)) throw err;
    throw new ConfigError(`Cannot read the PFX file '${auth.certificatePath}': ${err.message}.`, {
      target: /password/.test(err.message) ? 'tenant.auth.certificatePassword' : key,
      hint: 'Check the file and its password, or convert it: openssl pkcs12 -in cert.pfx -nodes -out cert.pem.',
      cause: err,
    });
  }
}

const HANDED_OVER = 'tenant.certificate';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The certificate handed over as base64 PKCS#12 (the module exports it from the Windows store without a password)
 * → one PEM, leaf certificate first. When a thumbprint is configured, the leaf must have it.
 */
function loadHandedOverCertificate(base64: string, auth: CertificateAuth): { pem: string; password: undefined } {
  const text = base64.replace(/\s+/g, '');
  if (!text || !BASE64.test(text)) {
    throw new ConfigError(`The handed-over certificate ('${HANDED_OVER}') is not base64 text.`, {
      target: HANDED_OVER,
      hint: 'Hand over the certificate as base64 PKCS#12 (what -CertificateThumbprint does), or configure tenant.auth.certificatePath.',
    });
  }
  let pfx: ReturnType<typeof pfxToPem>;
  try {
    pfx = pfxToPem(Buffer.from(text, 'base64'), auth.certificatePassword ?? '');
  } catch (err) {
    if (!(err instanceof PfxError)) throw err;
    throw new ConfigError(`Cannot read the certificate handed over from the certificate store ('${HANDED_OVER}'): ${err.message}.`, {
      target: HANDED_OVER,
      hint: 'Check that the certificate has its private key and that it is exportable for this account, or export it once to a PFX/PEM file and configure tenant.auth.certificatePath.',
      cause: err,
    });
  }
  if (auth.certificateThumbprint) {
    const actual = new X509Certificate(pfx.certificatePems[0]).fingerprint.replace(/:/g, '').toUpperCase();
    const expected = auth.certificateThumbprint.replace(/[\s:]/g, '').toUpperCase();
    if (actual !== expected) {
      throw new ConfigError(`The handed-over certificate has thumbprint ${actual}, but tenant.auth.certificateThumbprint is ${expected}.`, {
        target: 'tenant.auth.certificateThumbprint',
        hint: `Pass -CertificateThumbprint ${expected}, or change the configured thumbprint (Set-GroupWritebackConfiguration -CertificateThumbprint ${actual}).`,
      });
    }
  }
  return { pem: [...pfx.certificatePems, pfx.privateKeyPem].join(''), password: undefined };
}

export function createCredential(conn: GraphConnection, context: CredentialContext = {}): TokenCredential {
  const endpoints = context.endpoints ?? resolveEndpoints(conn);
  const ca = 'ca' in context ? context.ca : trustedCas(conn.caFile);
  const tlsOptions = ca ? { tlsOptions: { ca } } : {};
  const auth = conn.auth;
  if (auth?.type === 'managedIdentity') {
    return new ManagedIdentityCredential({ ...(auth.clientId ? { clientId: auth.clientId } : {}), ...tlsOptions });
  }
  if (!conn.tenantId || !TENANT_ID.test(conn.tenantId)) {
    throw new ConfigError(`tenant.tenantId '${conn.tenantId ?? ''}' is not a tenant id or domain name.`, {
      target: 'tenant.tenantId',
      hint: 'Use the Directory (tenant) ID GUID from the app registration overview.',
    });
  }
  if (!conn.clientId) {
    throw new ConfigError('tenant.clientId is missing.', { target: 'tenant.clientId', hint: 'Use the Application (client) ID of the app registration.' });
  }
  const common = {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: endpoints.disableInstanceDiscovery,
    ...tlsOptions,
  };
  switch (auth?.type) {
    case 'clientSecret':
      if (!auth.clientSecret) {
        throw new ConfigError('The client secret is empty.', {
          target: 'tenant.auth.clientSecret',
          hint: 'Provide the secret value (not its id) through the environment, a file or the PowerShell bridge.',
        });
      }
      return new ClientSecretCredential(conn.tenantId, conn.clientId, auth.clientSecret, common);
    case 'certificate': {
      const { pem, password } = loadCertificate(auth);
      return new ClientCertificateCredential(
        conn.tenantId,
        conn.clientId,
        password === undefined ? { certificate: pem } : { certificate: pem, certificatePassword: password },
        { ...common, sendCertificateChain: auth.sendCertificateChain ?? false },
      );
    }
    default:
      throw new ConfigError(`Unknown auth type '${String((auth as { type?: unknown } | undefined)?.type)}'.`, {
        target: 'tenant.auth.type',
        hint: "Use 'clientSecret', 'certificate' or 'managedIdentity'.",
      });
  }
}
