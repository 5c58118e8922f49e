/**
 * Test PKI for the lab: one CA per lab directory and server certificates signed by it, made with the
 * openssl CLI (Debian's openssl package). Clients trust the CA through NODE_EXTRA_CA_CERTS / tlsOptions.ca.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export interface CertPaths {
  caFile: string;
  certFile: string;
  keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Create (once) the CA in `dir`; returns the paths of its cert and key. */
export function ensureCa(dir: string): { caFile: string; caKey: string } {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  if (!existsSync(caFile) || !existsSync(caKey)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '3650',
      '-subj', '/CN=GroupWriteback Lab Test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    chmodSync(caKey, 0o600);
  }
  return { caFile, caKey };
}

/**
 * Issue a server certificate named `name` in `dir`, valid for `localhost`, the given DNS names and IPs
 * (127.0.0.1 and ::1 always included). Reuses an existing one with the same name.
 */
export function issueServerCert(dir: string, name: string, opts: { dnsNames?: string[]; ips?: string[] } = {}): CertPaths {
  const { caFile, caKey } = ensureCa(dir);
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) return { caFile, certFile, keyFile };
  const dns = ['localhost', ...(opts.dnsNames ?? [])];
  const ips = [...new Set(['127.0.0.1', '::1', ...(opts.ips ?? [])])];
  const san = [...dns.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)].join(',');
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  const csr = join(dir, `${name}.csr`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${dns[dns.length - 1]}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '825', '-extfile', ext], dir);
  chmodSync(keyFile, 0o600);
  return { caFile, certFile, keyFile };
}
