import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pfxToPem, PfxError } from '../../../src/graph/pfx';
import { buildPkcs12 } from './pkcs12-builder';

let dir: string;
const openssl = (...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-pfx-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.csr', '-subj', '/CN=gwb-app');
  openssl('x509', '-req', '-in', 'app.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'app.pem', '-days', '2');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exportPfx(name: string, password: string, extra: string[]): Buffer {
  // The CA first in -certfile so the leaf is not simply the first bag: the reader must pick it by its key.
  openssl('pkcs12', '-export', '-in', 'app.pem', '-inkey', 'app.key', '-certfile', 'ca.pem', '-out', name, '-passout', `pass:${password}`, ...extra);
  return readFileSync(join(dir, name));
}

function expectSameAsSource(out: ReturnType<typeof pfxToPem>): void {
  const leaf = new X509Certificate(out.certificatePems[0]);
  expect(leaf.subject).toBe('CN=gwb-app');
  expect(out.certificatePems).toHaveLength(2);
  expect(new X509Certificate(out.certificatePems[1]).subject).toBe('CN=Test CA');
  const expectedPub = createPublicKey(readFileSync(join(dir, 'app.key'))).export({ type: 'spki', format: 'der' });
  const gotPub = createPublicKey(createPrivateKey(out.privateKeyPem)).export({ type: 'spki', format: 'der' });
  expect(gotPub.equals(expectedPub)).toBe(true);
  expect(out.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
}

describe('pfxToPem', () => {
  it('reads an OpenSSL 3 default export (PBES2 AES-256, PBKDF2-SHA256, SHA-256 MAC)', () => {
    expectSameAsSource(pfxToPem(exportPfx('aes.pfx', 'S3cret!ü', []), 'S3cret!ü'));
  });

  it('reads a Windows-style TripleDES-SHA1 export', () => {
    const pfx = exportPfx('3des.pfx', 'pa55', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    expectSameAsSource(pfxToPem(pfx, 'pa55'));
  });

  it('reads unencrypted certificate bags and an empty password', () => {
    expectSameAsSource(pfxToPem(exportPfx('plain.pfx', '', ['-certpbe', 'NONE']), ''));
  });

  it('reads a PFX exported without a password by .NET/Windows (the absent password encoded as no bytes)', () => {
    // What the module's -CertificateThumbprint hands over: X509Certificate2.Export(Pkcs12) from the Windows store.
    const certDer = new X509Certificate(readFileSync(join(dir, 'app.pem'))).raw;
    const keyDer = createPrivateKey(readFileSync(join(dir, 'app.key'))).export({ type: 'pkcs8', format: 'der' });
    const pfx = buildPkcs12(certDer, keyDer, Buffer.alloc(0));
    writeFileSync(join(dir, 'dotnet.pfx'), pfx);
    openssl('pkcs12', '-in', 'dotnet.pfx', '-noout', '-passin', 'pass:'); // a valid PKCS#12, by OpenSSL's reading
    const out = pfxToPem(pfx, '');
    expect(new X509Certificate(out.certificatePems[0]).raw.equals(certDer)).toBe(true);
    const expectedPub = createPublicKey(readFileSync(join(dir, 'app.key'))).export({ type: 'spki', format: 'der' });
    expect(createPublicKey(createPrivateKey(out.privateKeyPem)).export({ type: 'spki', format: 'der' }).equals(expectedPub)).toBe(true);
    expect(() => pfxToPem(pfx, 'not-empty')).toThrow(/password is wrong/);
  });

  it('reports a wrong password as such', () => {
    const pfx = exportPfx('wrong.pfx', 'right', []);
    expect(() => pfxToPem(pfx, 'wrong')).toThrow(/password is wrong/);
  });

  it('explains how to re-export an RC2 (openssl -legacy) file', () => {
    const pfx = exportPfx('legacy.pfx', 'a', ['-legacy']);
    expect(() => pfxToPem(pfx, 'a')).toThrow(/re-export it with AES-256/);
  });

  it('reports a file that is not a PFX', () => {
    expect(() => pfxToPem(readFileSync(join(dir, 'app.pem')), 'x')).toThrow(PfxError);
  });
});
