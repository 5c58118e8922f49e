/**
 * msal reports every failure to read the authority's OpenID configuration as `endpoints_resolution_error`, which
 * hides whether the host was unreachable, its certificate untrusted, or the tenant unknown. When that happens,
 * fetch the same document once ourselves (same CA) and say which.
 */
import { request } from 'node:https';
import { AuthError, ConnectionError } from './errors';
import type { GwbError } from '../core/errors';

const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

interface Probe {
  status?: number;
  body?: string;
  code?: string;
  message?: string;
}

function probe(url: string, ca: string[] | undefined, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', ...(ca ? { ca } : {}), agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 4000) }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code, message: e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code, message: e.message }));
    req.end();
  });
}

/** A more precise error than `fallback`, or `fallback` itself when the document reads fine. */
export async function diagnoseAuthority(
  authorityHost: string,
  tenantId: string,
  ca: string[] | undefined,
  fallback: GwbError,
  timeoutMs = 10_000,
): Promise<GwbError> {
  const url = `${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  const p = await probe(url, ca, timeoutMs);
  const base = { cause: fallback, target: authorityHost };
  if (p.code && TLS.test(p.code)) {
    return new ConnectionError(`The TLS certificate of the login endpoint ${authorityHost} is not trusted (${p.code}).`, {
      ...base,
      category: 'SecurityError',
      hint: "Trust the server's CA: set tenant.caFile to its PEM file (or NODE_EXTRA_CA_CERTS at process start); check the system clock.",
    });
  }
  if (p.code) {
    return new ConnectionError(`Cannot reach the login endpoint ${authorityHost} (${p.code}).`, {
      ...base,
      hint: 'Check the network path and proxy to the login endpoint, and tenant.authorityHost / tenant.cloud.',
    });
  }
  if (p.status && p.status >= 400) {
    if (/AADSTS(90002|900023|90072)|invalid_tenant/.test(p.body ?? '') || p.status === 404) {
      return new AuthError(`tenant ${tenantId} was not found at ${authorityHost}.`, {
        ...base,
        target: { tenantId },
        hint: 'Check tenant.tenantId and tenant.cloud (a national-cloud tenant needs its own cloud).',
      });
    }
    return new ConnectionError(`The login endpoint ${authorityHost} answered ${p.status} for the tenant's OpenID configuration.`, {
      ...base,
      hint: 'Check tenant.authorityHost / tenant.cloud and tenant.tenantId.',
    });
  }
  return fallback;
}
