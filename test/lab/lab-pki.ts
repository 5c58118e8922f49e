/**
 * The lab's test CA (<repo>/.lab/pki/ca.pem) and server certificates, made through tls.ts under a
 * machine-wide lock so parallel test processes never race to create (and overwrite) the CA.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from './samba/socket-lock';
import { ensureCa, issueServerCert, type CertPaths } from './tls';

function pkiLockName(pkiDir: string): string {
  return `pki-${createHash('sha256').update(pkiDir).digest('hex').slice(0, 16)}`;
}

/** Create the CA once (locked); returns its path. */
export async function ensureLabCa(pkiDir: string): Promise<string> {
  const caFile = join(pkiDir, 'ca.pem');
  if (existsSync(caFile) && existsSync(join(pkiDir, 'ca.key'))) return caFile;
  const held = await lock(pkiLockName(pkiDir), { timeoutMs: 60_000 });
  try {
    return ensureCa(pkiDir).caFile;
  } finally {
    await held.release();
  }
}

/** True when `certFile` was signed by the CA in `caFile` (a CA re-created since then invalidates it). */
export function issuedBy(certFile: string, caFile: string): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const ca = new X509Certificate(readFileSync(caFile));
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && new Date(cert.validTo) > new Date(Date.now() + 86_400_000);
  } catch {
    return false;
  }
}

/** Issue (or reuse, if still signed by the current CA) the server cert `name` in the lab PKI dir. */
export async function ensureLabServerCert(
  pkiDir: string,
  name: string,
  opts: { dnsNames?: string[]; ips?: string[] } = {},
): Promise<CertPaths> {
  const held = await lock(pkiLockName(pkiDir), { timeoutMs: 60_000 });
  try {
    const { caFile } = ensureCa(pkiDir);
    const certFile = join(pkiDir, `${name}.pem`);
    if (existsSync(certFile) && !issuedBy(certFile, caFile)) {
      rmSync(certFile, { force: true });
      rmSync(join(pkiDir, `${name}.key`), { force: true });
    }
    return issueServerCert(pkiDir, name, opts);
  } finally {
    await held.release();
  }
}

/** SHA-256 of the CA certificate (part of the golden cache key: a new CA means a new DC cert). */
export function caFingerprint(caFile: string): string {
  return createHash('sha256').update(readFileSync(caFile)).digest('hex');
}
