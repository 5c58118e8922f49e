/**
 * How GraphSource authenticates and trusts, through the REAL @azure/identity credentials and Graph client
 * against the lab's Graph emulator: certificates (PEM, PFX), Azure Arc managed identity, and trust of a
 * private CA given only as tenant.caFile (an emulator whose CA is NOT in NODE_EXTRA_CA_CERTS).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ConnectionError } from '../../src/graph/errors';
import { createGraphSource } from '../../src/graph/index';
import type { GraphConnection } from '../../src/graph/options';
import { startGraphEmulator } from '../lab/graph/emulator';
import type { GraphEmulator } from '../lab/graph/emulator';
import { labPaths } from '../lab/lab-paths';
import { loadConfig } from '../../src/config/load';
import { buildPkcs12 } from '../unit/graph/pkcs12-builder';

let dir: string;
let em: GraphEmulator;
let groupId: string;
const at = (n: string) => join(dir, n);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-graph-auth-'));
  const openssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.crt', '-days', '2', '-subj', '/CN=gwb-app');
  writeFileSync(at('app.pem'), readFileSync(at('app.crt'), 'utf8') + readFileSync(at('app.key'), 'utf8'));
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'app.pfx', '-passout', 'pass:pfx-pw');
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'win.pfx', '-passout', 'pass:pfx-pw',
    '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  // The Windows store certificate as the module hands it over (-CertificateThumbprint): PKCS#12 without password.
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'store.p12', '-passout', 'pass:',
    '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=other');
  writeFileSync(at('other.pem'), readFileSync(at('other.crt'), 'utf8') + readFileSync(at('other.key'), 'utf8'));
  openssl('pkcs12', '-export', '-in', 'other.crt', '-inkey', 'other.key', '-out', 'other.p12', '-passout', 'pass:');

  em = await startGraphEmulator({ pkiDir: labPaths().pkiDir, managedIdentity: true });
  groupId = em.store.addGroup({ displayName: 'Auth probe', securityEnabled: true, mailEnabled: false }).id;
});

afterAll(async () => {
  await em?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const connFor = (e: GraphEmulator, extra: Partial<GraphConnection>): GraphConnection => ({
  tenantId: e.tenantId,
  clientId: e.clientId,
  authorityHost: e.authorityHost,
  graphBaseUrl: e.baseUrl,
  auth: { type: 'clientSecret', clientSecret: e.clientSecret },
  ...extra,
});

async function probe(conn: GraphConnection): Promise<string | null | undefined> {
  const source = createGraphSource(conn);
  try {
    return (await source.getGroup(groupId))?.displayName;
  } finally {
    await source.close();
  }
}

describe('certificate credentials', () => {
  let clientId: string;
  beforeAll(() => {
    clientId = em.registerApp({ displayName: 'cert app', certificatePem: readFileSync(at('app.crt'), 'utf8') }).clientId;
  });

  it.each([
    ['a PEM file (certificate + key)', () => ({ type: 'certificate', certificatePath: at('app.pem') })],
    ['an OpenSSL 3 PFX (AES-256)', () => ({ type: 'certificate', certificatePath: at('app.pfx'), certificatePassword: 'pfx-pw' })],
    ['a Windows-style PFX (TripleDES-SHA1)', () => ({ type: 'certificate', certificatePath: at('win.pfx'), certificatePassword: 'pfx-pw' })],
  ] as const)('signs in with %s', async (_name, auth) => {
    expect(await probe(connFor(em, { clientId, auth: auth() as GraphConnection['auth'] }))).toBe('Auth probe');
  });

  describe('handed over from the Windows store (tenant.certificate), with no file at all', () => {
    const thumbprint = () => new X509Certificate(readFileSync(at('app.crt'))).fingerprint.replace(/:/g, '');
    const configWithThumbprint = () => {
      const path = at('store.json');
      writeFileSync(path, JSON.stringify({
        tenant: { tenantId: em.tenantId, clientId, authorityHost: em.authorityHost, graphBaseUrl: em.baseUrl, auth: { type: 'certificate', certificateThumbprint: thumbprint() } },
        directory: { urls: ['ldaps://127.0.0.1:1'], baseDn: 'DC=x', bindDn: 'CN=svc' },
        target: { container: 'OU=G,DC=x' },
      }));
      return path;
    };

    it.each([
      ['as OpenSSL writes it (empty password)', () => readFileSync(at('store.p12'))],
      ['as .NET/Windows Export(Pkcs12) writes it (absent password)', () => buildPkcs12(
        new X509Certificate(readFileSync(at('app.crt'))).raw,
        createPrivateKey(readFileSync(at('app.key'))).export({ type: 'pkcs8', format: 'der' }),
        Buffer.alloc(0),
      )],
    ])('signs in from a configuration naming its thumbprint, the PKCS#12 %s', async (_name, pkcs12) => {
      const config = loadConfig(configWithThumbprint(), { secretsFor: ['tenant'], secrets: { 'tenant.certificate': pkcs12().toString('base64') } });
      expect(config.tenant.auth).not.toHaveProperty('certificatePath');
      const tokensBefore = em.stats.snapshot().token;
      expect(await probe(config.tenant)).toBe('Auth probe');
      expect(em.stats.snapshot().token).toBeGreaterThan(tokensBefore);
    });

    it('the certificate of another app → AuthError from the login endpoint', async () => {
      const conn = connFor(em, { clientId, auth: { type: 'certificate', certificate: readFileSync(at('other.p12')).toString('base64') } });
      const err = await probe(conn).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).message).toMatch(/^certificate rejected for app /);
    });
  });

  it('a certificate the app does not know → AuthError saying so', async () => {
    const err = await probe(connFor(em, { clientId, auth: { type: 'certificate', certificatePath: at('other.pem') } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toMatch(/^certificate rejected for app /);
  });
});

describe('login failures say what is wrong', () => {
  it('an unknown tenant → AuthError "tenant … was not found"', async () => {
    const err = await probe(connFor(em, { tenantId: 'unknown-tenant.example' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toBe(`tenant unknown-tenant.example was not found at ${em.authorityHost}.`);
  });

  it('an unknown app → AuthError naming app and tenant', async () => {
    const clientId = '11111111-1111-4111-8111-111111111111';
    const err = await probe(connFor(em, { clientId })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toBe(`application ${clientId} was not found in tenant ${em.tenantId}.`);
  });

  it('a login endpoint nobody listens on → ConnectionError (ECONNREFUSED)', async () => {
    const err = await probe(connFor(em, { authorityHost: 'https://127.0.0.1:1' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toBe('Cannot reach the login endpoint https://127.0.0.1:1 (ECONNREFUSED).');
  });
});

describe('managed identity (Azure Arc)', () => {
  it('signs in through the Arc challenge with the machine identity', async () => {
    const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IMDS_ENDPOINT: process.env.IMDS_ENDPOINT };
    Object.assign(process.env, em.managedIdentity!.env());
    try {
      const before = em.managedIdentity!.counts.token;
      expect(await probe(connFor(em, { clientId: undefined, auth: { type: 'managedIdentity' } }))).toBe('Auth probe');
      expect(em.managedIdentity!.counts.token).toBe(before + 1);
      expect(em.managedIdentity!.counts.challenge).toBeGreaterThan(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('trust from tenant.caFile alone', () => {
  let priv: GraphEmulator;
  beforeAll(async () => {
    // Its own CA, unknown to NODE_EXTRA_CA_CERTS: only tenant.caFile can make it trusted.
    priv = await startGraphEmulator({ pkiDir: at('private-pki') });
    priv.store.addGroup({ id: groupId, displayName: 'Private probe', securityEnabled: true, mailEnabled: false });
  });
  afterAll(async () => {
    await priv?.stop();
  });

  it('with caFile: login and Graph calls both succeed', async () => {
    expect(process.env.NODE_EXTRA_CA_CERTS ?? '').not.toContain('private-pki');
    expect(await probe(connFor(priv, { caFile: priv.caFile }))).toBe('Private probe');
  });

  it('without caFile: the login endpoint is untrusted → ConnectionError in SecurityError, pointing at tenant.caFile', async () => {
    const err = await probe(connFor(priv, {})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('SecurityError');
    expect((err as ConnectionError).message).toMatch(/TLS certificate of the login endpoint .* is not trusted/);
    expect((err as ConnectionError).hint).toMatch(/tenant\.caFile/);
  });
});
