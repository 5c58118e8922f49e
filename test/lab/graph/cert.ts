/**
 * The emulator's HTTPS certificate, issued by the lab CA through test/lab/tls.ts. Issued under the lab's PKI
 * lock (lab-pki.ts) because several test processes share <repo>/.lab/pki; re-issued if it no longer fits
 * (other CA, expiring, SAN without this host).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLabServerCert } from '../lab-pki';
import type { CertPaths } from '../tls';

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

function sanFits(certFile: string, host: string): boolean {
  try {
    const san = new X509Certificate(readFileSync(certFile)).subjectAltName ?? '';
    return san.split(/,\s*/).includes(isIp(host) ? `IP Address:${host}` : `DNS:${host}`);
  } catch {
    return false;
  }
}

export async function emulatorCert(pkiDir: string, host: string): Promise<CertPaths> {
  const h = host === 'localhost' ? '127.0.0.1' : host;
  const name = h === '127.0.0.1' ? 'graph-emulator' : `graph-emulator-${h.replace(/[^\w.-]/g, '_')}`;
  const opts = isIp(h) ? { ips: [h] } : { dnsNames: [h] };
  const paths = await ensureLabServerCert(pkiDir, name, opts);
  if (sanFits(paths.certFile, h)) return paths;
  for (const ext of ['pem', 'key']) rmSync(join(pkiDir, `${name}.${ext}`), { force: true });
  return ensureLabServerCert(pkiDir, name, opts);
}
