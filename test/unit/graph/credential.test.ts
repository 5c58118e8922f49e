import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors';
import { createCredential, loadCertificate } from '../../../src/graph/credential';
import type { GraphConnection } from '../../../src/graph/options';

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-cred-'));
  const openssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.crt', '-days', '2', '-subj', '/CN=gwb');
  writeFileSync(at('app.pem'), readFileSync(at('app.crt'), 'utf8') + readFileSync(at('app.key'), 'utf8'));
  openssl('pkey', '-in', 'app.key', '-aes256', '-passout', 'pass:kpw', '-out', 'enc.key');
  writeFileSync(at('enc.pem'), readFileSync(at('app.crt'), 'utf8') + readFileSync(at('enc.key'), 'utf8'));
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'app.pfx', '-passout', 'pass:pfxpw');
  // What -CertificateThumbprint hands over: the store certificate as PKCS#12 without a password (TripleDES, SHA-1 MAC).
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'store.p12', '-passout', 'pass:',
    '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=other');
  openssl('pkcs12', '-export', '-in', 'other.crt', '-inkey', 'other.key', '-out', 'other.p12', '-passout', 'pass:');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: GraphConnection = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  clientId: '00000000-0000-4000-8000-000000000002',
  authorityHost: 'https://127.0.0.1:9443',
  auth: { type: 'clientSecret', clientSecret: 's3cret' },
};

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('createCredential', () => {
  it('client secret → ClientSecretCredential', () => {
    expect(createCredential(base)).toBeInstanceOf(ClientSecretCredential);
  });

  it('PEM, encrypted PEM and PFX certificates → ClientCertificateCredential', () => {
    expect(createCredential({ ...base, auth: { type: 'certificate', certificatePath: at('app.pem') } })).toBeInstanceOf(ClientCertificateCredential);
    expect(createCredential({ ...base, auth: { type: 'certificate', certificatePath: at('enc.pem'), certificatePassword: 'kpw' } })).toBeInstanceOf(ClientCertificateCredential);
    expect(createCredential({ ...base, auth: { type: 'certificate', certificatePath: at('app.pfx'), certificatePassword: 'pfxpw' } })).toBeInstanceOf(ClientCertificateCredential);
  });

  it('a PFX becomes one PEM: the certificate first, then an unencrypted key', () => {
    const { pem, password } = loadCertificate({ type: 'certificate', certificatePath: at('app.pfx'), certificatePassword: 'pfxpw' });
    expect(password).toBeUndefined();
    expect(pem.indexOf('BEGIN CERTIFICATE')).toBeLessThan(pem.indexOf('BEGIN PRIVATE KEY'));
    expect(pem).toContain(readFileSync(at('app.crt'), 'utf8').split('\n')[1]);
  });

  it('managed identity → ManagedIdentityCredential (no client id needed)', () => {
    expect(createCredential({ tenantId: base.tenantId, auth: { type: 'managedIdentity' } })).toBeInstanceOf(ManagedIdentityCredential);
  });

  it.each([
    ['a PEM without key', () => ({ ...base, auth: { type: 'certificate', certificatePath: at('app.crt') } }), 'tenant.auth.certificatePath', /no private key/],
    ['an encrypted key without password', () => ({ ...base, auth: { type: 'certificate', certificatePath: at('enc.pem') } }), 'tenant.auth.certificatePassword', /no password/],
    ['a PFX with a wrong password', () => ({ ...base, auth: { type: 'certificate', certificatePath: at('app.pfx'), certificatePassword: 'x' } }), 'tenant.auth.certificatePassword', /password is wrong/],
    ['a missing file', () => ({ ...base, auth: { type: 'certificate', certificatePath: at('none.pem') } }), 'tenant.auth.certificatePath', /Cannot read/],
    ['an empty secret', () => ({ ...base, auth: { type: 'clientSecret', clientSecret: '' } }), 'tenant.auth.clientSecret', /empty/],
    ['a bad tenant id', () => ({ ...base, tenantId: 'a/b' }), 'tenant.tenantId', /not a tenant id/],
    ['no client id', () => ({ ...base, clientId: undefined }), 'tenant.clientId', /missing/],
    ['an http authority', () => ({ ...base, authorityHost: 'http://127.0.0.1:9443' }), 'tenant.authorityHost', /https/],
    ['an unreadable CA file', () => ({ ...base, caFile: at('none-ca.pem') }), 'tenant.caFile', /Cannot read the CA file/],
    ['a CA file without certificates', () => ({ ...base, caFile: at('app.key') }), 'tenant.caFile', /holds no PEM certificate/],
  ])('%s → ConfigError naming the key', (_name, make, key, message) => {
    const err = configErrorOf(() => createCredential(make() as GraphConnection));
    expect(err.target).toBe(key);
    expect(err.message).toMatch(message);
  });
});

describe('a certificate handed over from the Windows store (tenant.certificate)', () => {
  const b64 = (name: string) => readFileSync(at(name)).toString('base64');
  const thumbprint = () => new X509Certificate(readFileSync(at('app.crt'))).fingerprint.replace(/:/g, '');
  const handed = (extra: Record<string, unknown> = {}) => ({ ...base, auth: { type: 'certificate', certificate: b64('store.p12'), ...extra } }) as GraphConnection;

  it('builds a ClientCertificateCredential from the PKCS#12 bytes alone (no file, no password)', () => {
    expect(createCredential(handed())).toBeInstanceOf(ClientCertificateCredential);
    const { pem, password } = loadCertificate(handed().auth as never);
    expect(password).toBeUndefined();
    expect(pem.indexOf('BEGIN CERTIFICATE')).toBeLessThan(pem.indexOf('BEGIN PRIVATE KEY'));
    expect(new X509Certificate(pem).fingerprint).toBe(new X509Certificate(readFileSync(at('app.crt'))).fingerprint);
  });

  it('is used instead of a configured file, and accepts base64 wrapped over lines', () => {
    const wrapped = b64('store.p12').replace(/.{76}/g, '$&\r\n');
    const { pem } = loadCertificate({ type: 'certificate', certificate: wrapped, certificatePath: at('none.pem') });
    expect(new X509Certificate(pem).subject).toBe('CN=gwb');
  });

  it('must have the configured thumbprint (any case)', () => {
    expect(createCredential(handed({ certificateThumbprint: thumbprint().toLowerCase() }))).toBeInstanceOf(ClientCertificateCredential);
    const err = configErrorOf(() => createCredential({ ...base, auth: { type: 'certificate', certificate: b64('other.p12'), certificateThumbprint: thumbprint() } }));
    expect(err.target).toBe('tenant.auth.certificateThumbprint');
    expect(err.message).toBe(`The handed-over certificate has thumbprint ${new X509Certificate(readFileSync(at('other.crt'))).fingerprint.replace(/:/g, '')}, but tenant.auth.certificateThumbprint is ${thumbprint()}.`);
    expect(err.hint).toMatch(/-CertificateThumbprint/);
  });

  it.each([
    ['text that is not base64', () => 'not base64!', /not base64 text/],
    ['bytes that are not a PKCS#12', () => readFileSync(at('app.crt')).toString('base64'), /Cannot read the certificate handed over from the certificate store.*not a valid PFX/],
  ])('%s → ConfigError naming tenant.certificate', (_name, certificate, message) => {
    const err = configErrorOf(() => createCredential({ ...base, auth: { type: 'certificate', certificate: certificate() } }));
    expect(err.target).toBe('tenant.certificate');
    expect(err.message).toMatch(message);
  });

  it('neither a file nor a handed-over certificate → ConfigError naming certificatePath', () => {
    const err = configErrorOf(() => createCredential({ ...base, auth: { type: 'certificate' } }));
    expect(err.target).toBe('tenant.auth.certificatePath');
    expect(err.hint).toMatch(/certificateThumbprint/);
  });
});
