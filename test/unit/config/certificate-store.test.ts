/**
 * Certificate sign-in with a certificate from the Windows store: the file records its thumbprint
 * (tenant.auth.certificateThumbprint), the module hands the certificate over as 'tenant.certificate' (base64 PKCS#12
 * without password), and the core signs in from those bytes alone.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientCertificateCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../../src/config/load';
import { SECRET_KEYS } from '../../../src/config/types';
import { ConfigError } from '../../../src/core/errors';
import { createCredential } from '../../../src/graph/credential';
import { applySecretRefs } from '../../../src/ops/config-file';
import { buildNewDocument } from '../../../src/ops/config-new';
import { applySettings } from '../../../src/ops/config-set';
import { configurationView } from '../../../src/ops/config-view';

let dir: string;
let pkcs12: string;
let thumbprint: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-store-cert-'));
  const openssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.crt', '-days', '2', '-subj', '/CN=gwb-store');
  // As the module exports it from Cert:\CurrentUser\My: PKCS#12, no password, TripleDES bags, SHA-1 MAC.
  openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'store.p12', '-passout', 'pass:',
    '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  pkcs12 = readFileSync(join(dir, 'store.p12')).toString('base64');
  thumbprint = new X509Certificate(readFileSync(join(dir, 'app.crt'))).fingerprint.replace(/:/g, '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = (auth: Record<string, unknown>) => ({
  tenant: { tenantId: '00000000-0000-4000-8000-000000000001', clientId: '00000000-0000-4000-8000-000000000002', authorityHost: 'https://127.0.0.1:9443', auth },
  directory: { urls: ['ldaps://127.0.0.1'], baseDn: 'DC=x', bindDn: 'CN=svc' },
  target: { container: 'OU=G,DC=x' },
});
const storeAuth = () => ({ type: 'certificate', certificateThumbprint: thumbprint });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the schema: certificatePath or certificateThumbprint', () => {
  it('accepts either one', () => {
    expect(resolveConfig(doc(storeAuth()), { withoutSecrets: true }).tenant.auth).toEqual({ type: 'certificate', certificateThumbprint: thumbprint, sendCertificateChain: false });
    expect(resolveConfig(doc({ type: 'certificate', certificatePath: '/etc/gwb/app.pem' }), { withoutSecrets: true }).tenant.auth).toMatchObject({ certificatePath: '/etc/gwb/app.pem' });
  });

  it.each([
    ['neither', { type: 'certificate' }, 'config.tenant.auth.certificatePath: or certificateThumbprint is required for certificate authentication'],
    ['both', { type: 'certificate', certificatePath: 'a.pfx', certificateThumbprint: 'AB'.repeat(20) }, 'config.tenant.auth.certificateThumbprint: cannot be combined with certificatePath'],
    ['a thumbprint that is not 40 hex digits', { type: 'certificate', certificateThumbprint: 'AB12' }, 'config.tenant.auth.certificateThumbprint: must be the 40 hexadecimal digits of a SHA-1 thumbprint'],
    ['a password with a store certificate', { type: 'certificate', certificateThumbprint: 'AB'.repeat(20), certificatePassword: { env: 'X' } }, 'config.tenant.auth.certificatePassword: only applies to a certificate file'],
  ])('refuses %s, naming the key', (_name, auth, message) => {
    const err = configError(() => resolveConfig(doc(auth), { withoutSecrets: true }));
    expect(err.code).toBe('ConfigInvalid');
    expect(err.message).toContain(message);
  });
});

describe('loadConfig with a thumbprint', () => {
  function write(auth: Record<string, unknown>): string {
    const p = join(dir, 'gwb.json');
    writeFileSync(p, JSON.stringify(doc(auth)));
    return p;
  }

  it("takes the certificate handed over as 'tenant.certificate' and signs in from those bytes alone", () => {
    const c = loadConfig(write({ ...storeAuth(), certificateThumbprint: thumbprint.toLowerCase() }), { secrets: { [SECRET_KEYS.certificate]: pkcs12, 'directory.password': 'pw' } });
    expect(c.tenant.auth).toEqual({ type: 'certificate', certificateThumbprint: thumbprint, certificate: pkcs12, sendCertificateChain: false });
    expect(createCredential(c.tenant)).toBeInstanceOf(ClientCertificateCredential);
  });

  it('without the handed-over certificate → ConfigError naming the key, saying to use -CertificateThumbprint on Windows or certificatePath', () => {
    const err = configError(() => loadConfig(write(storeAuth()), { secrets: { 'directory.password': 'pw' }, env: {} }));
    expect(err.code).toBe('SecretMissing');
    expect(err.target).toBe('config.tenant.auth.certificateThumbprint');
    expect(err.message).toContain(`'tenant.certificate'`);
    expect(err.hint).toContain(`on Windows with -CertificateThumbprint ${thumbprint}`);
    expect(err.hint).toMatch(/certificatePath/);
  });

  it('is not demanded by verbs that need no Graph sign-in', () => {
    expect(loadConfig(write(storeAuth()), { withoutSecrets: true }).tenant.auth).not.toHaveProperty('certificate');
    expect(loadConfig(write(storeAuth()), { secretsFor: ['directory'], secrets: { 'directory.password': 'pw' } }).directory.password).toBe('pw');
  });

  it('a handed-over certificate comes before a configured file (and its password is then not needed)', () => {
    const c = loadConfig(write({ type: 'certificate', certificatePath: 'missing.pfx', certificatePassword: { env: 'NOT_SET' } }), {
      secrets: { [SECRET_KEYS.certificate]: pkcs12, 'directory.password': 'pw' },
      env: {},
    });
    expect(c.tenant.auth).toMatchObject({ certificate: pkcs12, certificatePath: join(dir, 'missing.pfx') });
    expect(c.tenant.auth).not.toHaveProperty('certificatePassword');
    expect(createCredential(c.tenant)).toBeInstanceOf(ClientCertificateCredential);
  });

  it('is never read from a file reference: it is only handed over', () => {
    expect(() => applySecretRefs({}, { 'tenant.certificate': 'file:/tmp/cert.b64' })).toThrow(/not a secret this configuration references/);
  });
});

describe('New-/Set-GroupWritebackConfiguration with a thumbprint', () => {
  const base = {
    'tenant.tenantId': 'contoso.onmicrosoft.com',
    'tenant.clientId': '00000000-0000-4000-8000-000000000002',
    'directory.urls': ['ldaps://dc1'],
    'directory.bindDn': 'CN=svc',
    'target.container': 'OU=G,DC=contoso,DC=com',
  };

  it('writes the thumbprint as 40 upper-case hex digits, even as copied from certmgr (spaces, left-to-right mark)', () => {
    const spaced = '\u200e' + thumbprint.toLowerCase().replace(/(..)/g, '$1 ').trim();
    const d = buildNewDocument({ path: '/x.json', settings: { ...base, 'tenant.auth.type': 'certificate', 'tenant.auth.certificateThumbprint': spaced } });
    expect(d.tenant).toMatchObject({ auth: { type: 'certificate', certificateThumbprint: thumbprint } });
    const view = configurationView('/x.json', d);
    expect(view).toMatchObject({ authentication: 'certificate', certificateThumbprint: thumbprint, certificatePath: null });
    expect(view.secrets).toEqual({ 'tenant.certificate': 'parameter', 'directory.password': 'parameter' });
  });

  it('switching between file and store drops the other source (and the file password reference)', () => {
    const withFile = buildNewDocument({
      path: '/x.json',
      settings: { ...base, 'tenant.auth.type': 'certificate', 'tenant.auth.certificatePath': '/etc/gwb/app.pfx' },
      secretRefs: { 'tenant.certificatePassword': 'env:PFX_PW' },
    });
    const toStore = applySettings(withFile, { settings: { 'tenant.auth.type': 'certificate', 'tenant.auth.certificateThumbprint': thumbprint } });
    expect((toStore.tenant as any).auth).toEqual({ type: 'certificate', certificateThumbprint: thumbprint });
    const back = applySettings(toStore, { settings: { 'tenant.auth.certificatePath': '/etc/gwb/app.pem' } });
    expect((back.tenant as any).auth).toEqual({ type: 'certificate', certificatePath: '/etc/gwb/app.pem' });
  });
});
