import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
