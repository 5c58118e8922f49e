/**
 * The CA certificates to trust for login and Graph calls when the config names a CA file.
 *
 * Node reads NODE_EXTRA_CA_CERTS only at process start; a `ca` option on the TLS connection works at any time but
 * replaces the default roots, so the list is the system roots + NODE_EXTRA_CA_CERTS (if set) + the config's file.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../core/errors';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function pemCertificates(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

/** Returns undefined when no CA file is configured (the process defaults then apply). */
export function trustedCas(caFile: string | undefined, key = 'tenant.caFile'): string[] | undefined {
  if (!caFile) return undefined;
  let text: string;
  try {
    text = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the CA file '${caFile}': ${(err as Error).message}`, {
      target: key,
      hint: 'Point it at a readable PEM file of CA certificates.',
      cause: err,
    });
  }
  const certs = pemCertificates(text);
  if (certs.length === 0) {
    throw new ConfigError(`The CA file '${caFile}' holds no PEM certificate.`, {
      target: key,
      hint: 'Use a PEM file with -----BEGIN CERTIFICATE----- blocks (convert DER with `openssl x509 -inform der`).',
    });
  }
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extraCerts: string[] = [];
  if (extra) {
    try {
      extraCerts = pemCertificates(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same (ignore it).
    }
  }
  return [...rootCertificates, ...extraCerts, ...certs];
}
