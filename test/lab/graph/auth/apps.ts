/**
 * App registrations the token endpoint knows: client id, secrets, certificates (for client assertions) and the
 * application permissions (`roles`) granted to it.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { newId } from '../ids';

export const DEFAULT_ROLES = ['Group.ReadWrite.All', 'User.ReadWrite.All', 'Directory.Read.All'];

export interface AppRegistrationInput {
  clientId?: string;
  displayName?: string;
  /** A client secret to accept (generated when neither secret nor certificate is given). */
  clientSecret?: string;
  /** PEM of a certificate whose private key signs client assertions. */
  certificatePem?: string;
  roles?: string[];
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  /** Object id of the app's service principal (the token's `oid`). */
  servicePrincipalId: string;
  roles: string[];
  secrets: string[];
  certificates: X509Certificate[];
}

export interface PublicApp {
  clientId: string;
  displayName: string;
  roles: string[];
  secretCount: number;
  certificateThumbprints: string[];
}

export function newClientSecret(): string {
  return `${randomBytes(3).toString('base64url').slice(0, 3)}8Q~${randomBytes(27).toString('base64url')}`;
}

export class AppRegistry {
  private apps = new Map<string, AppRegistration>();

  /** Register (or extend) an app; returns it with the secret to use (generated if none given). */
  register(input: AppRegistrationInput): AppRegistration & { clientSecret?: string } {
    const clientId = (input.clientId ?? newId()).toLowerCase();
    const existing = this.apps.get(clientId);
    const app: AppRegistration = existing ?? {
      clientId,
      displayName: input.displayName ?? `Lab app ${clientId.slice(0, 8)}`,
      servicePrincipalId: newId(),
      roles: [],
      secrets: [],
      certificates: [],
    };
    if (input.roles) app.roles = [...input.roles];
    else if (!existing) app.roles = [...DEFAULT_ROLES];
    if (input.displayName) app.displayName = input.displayName;
    let clientSecret = input.clientSecret;
    if (input.certificatePem) app.certificates.push(new X509Certificate(input.certificatePem));
    if (clientSecret === undefined && !input.certificatePem && !existing) clientSecret = newClientSecret();
    if (clientSecret !== undefined && !app.secrets.includes(clientSecret)) app.secrets.push(clientSecret);
    this.apps.set(clientId, app);
    return clientSecret === undefined ? app : { ...app, clientSecret };
  }

  get(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  remove(clientId: string): boolean {
    return this.apps.delete(clientId.toLowerCase());
  }

  list(): PublicApp[] {
    return [...this.apps.values()].map((a) => ({
      clientId: a.clientId,
      displayName: a.displayName,
      roles: a.roles,
      secretCount: a.secrets.length,
      certificateThumbprints: a.certificates.map((c) => c.fingerprint.replace(/:/g, '')),
    }));
  }
}

/** x5t (SHA-1) and x5t#S256 (SHA-256) thumbprints of a certificate, base64url as in JWT headers. */
export function thumbprints(cert: X509Certificate): { x5t: string; x5tS256: string } {
  const hex = (f: string) => Buffer.from(f.replace(/:/g, ''), 'hex').toString('base64url');
  return { x5t: hex(cert.fingerprint), x5tS256: hex(cert.fingerprint256) };
}
