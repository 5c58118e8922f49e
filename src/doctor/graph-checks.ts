/**
 * Graph prerequisites: the endpoint answers over HTTPS, the credential gets a token, the token carries the
 * application permissions a cycle needs, and a real read (one group) succeeds.
 */
import { request } from 'node:https';
import type { ResolvedConfig } from '../config';
import { GwbError } from '../core/errors';
import { createGraphClient } from '../graph/client';
import { createCredential } from '../graph/credential';
import { resolveEndpoints, type ResolvedEndpoints } from '../graph/endpoints';
import { mapGraphError, type ErrorContext } from '../graph/map-error';
import { trustedCas } from '../graph/trust';
import { graphConnectionOf } from './connections';
import { decodeJwtClaims, missingPermissions } from './jwt';
import { row, type CheckRow } from './types';

export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
}

const AREA = 'Graph';

function skipped(id: string, check: string, why: string): CheckRow {
  return row(AREA, id, check, 'Skipped', null, `Not checked: ${why}.`, null);
}

/** Any HTTP answer means the endpoint is reachable and its certificate trusted. */
function httpsHead(url: string, ca: string[] | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function describe(err: unknown, ctx: ErrorContext): { message: string; fix: string | null } {
  const e = err instanceof GwbError ? err : mapGraphError(err, ctx);
  return { message: e.message, fix: e.hint ?? null };
}

export async function graphChecks(config: ResolvedConfig, ctx: CheckContext): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const conn = graphConnectionOf(config);
  let endpoints: ResolvedEndpoints;
  let ca: string[] | undefined;
  try {
    endpoints = resolveEndpoints(conn);
    ca = trustedCas(conn.caFile);
  } catch (err) {
    const e = err as GwbError;
    rows.push(row(AREA, 'graph.reachable', 'Graph reachable', 'Failed', String(e.target ?? 'tenant'), e.message, e.hint ?? null));
    rows.push(skipped('graph.token', 'Graph sign-in', 'the Graph endpoint is not usable'));
    rows.push(skipped('graph.permissions', 'Graph permissions', 'no token'));
    rows.push(skipped('graph.read', 'Graph read', 'no token'));
    return rows;
  }
  const errorContext: ErrorContext = {
    tenantId: conn.tenantId,
    clientId: conn.clientId ?? '',
    authorityHost: endpoints.authorityHost,
    graphBaseUrl: endpoints.graphBaseUrl,
    managedIdentity: conn.auth.type === 'managedIdentity',
  };

  // 1. The endpoint answers over trusted HTTPS.
  const graphUrl = `${endpoints.graphBaseUrl}/v1.0/`;
  try {
    const status = await httpsHead(graphUrl, ca, ctx.timeoutMs);
    rows.push(row(AREA, 'graph.reachable', 'Graph reachable', 'Passed', endpoints.graphBaseUrl, `HTTPS answer (${status}) from ${endpoints.graphBaseUrl}.`));
  } catch (err) {
    const d = describe(err, { ...errorContext, operation: `GET ${graphUrl}` });
    rows.push(row(AREA, 'graph.reachable', 'Graph reachable', 'Failed', endpoints.graphBaseUrl, d.message,
      d.fix ?? `Allow outbound HTTPS (443) from this host to ${new URL(endpoints.graphBaseUrl).host} (and the login host ${new URL(endpoints.authorityHost).host}), through the proxy if there is one.`));
    rows.push(skipped('graph.token', 'Graph sign-in', 'Graph is not reachable'));
    rows.push(skipped('graph.permissions', 'Graph permissions', 'no token'));
    rows.push(skipped('graph.read', 'Graph read', 'no token'));
    return rows;
  }

  // 2. The credential gets a token.
  const who = conn.auth.type === 'managedIdentity' ? 'the managed identity' : `app ${conn.clientId}`;
  let token: string;
  let credential;
  try {
    credential = createCredential(conn, { endpoints, ca });
    const t = await credential.getToken(endpoints.graphScope, { abortSignal: ctx.signal });
    if (!t?.token) throw new Error('the credential returned no token');
    token = t.token;
    rows.push(row(AREA, 'graph.token', 'Graph sign-in', 'Passed', who,
      `Signed in as ${who} (${conn.auth.type}) at ${endpoints.authorityHost}; the token is valid until ${new Date(t.expiresOnTimestamp).toISOString()}.`));
  } catch (err) {
    const d = describe(err, { ...errorContext, operation: 'sign-in' });
    rows.push(row(AREA, 'graph.token', 'Graph sign-in', 'Failed', who, d.message, d.fix));
    rows.push(skipped('graph.permissions', 'Graph permissions', 'no token'));
    rows.push(skipped('graph.read', 'Graph read', 'no token'));
    return rows;
  }

  // 3. The token carries the application permissions.
  const claims = decodeJwtClaims(token);
  const grantHow = conn.auth.type === 'managedIdentity'
    ? 'Assign the Microsoft Graph app roles to the managed identity\'s service principal (New-MgServicePrincipalAppRoleAssignment), then wait for a new token (up to 24 h, or restart the agent).'
    : `In the Entra admin center, App registrations → ${conn.clientId} → API permissions: add the Microsoft Graph *application* permissions and grant admin consent.`;
  if (!claims) {
    rows.push(row(AREA, 'graph.permissions', 'Graph permissions', 'Warning', who, 'The token is not a readable JWT, so its permissions cannot be listed; the read check below tells whether they suffice.', 'None needed if "Graph read" passes.'));
  } else {
    const missing = missingPermissions(claims.roles);
    const have = claims.roles.length ? claims.roles.join(', ') : 'none';
    if (missing.length === 0) {
      rows.push(row(AREA, 'graph.permissions', 'Graph permissions', 'Passed', who, `The token carries ${have}.`));
    } else {
      rows.push(row(AREA, 'graph.permissions', 'Graph permissions', 'Failed', who,
        `The token carries ${have}; missing ${missing.join(' and ')} (or Directory.Read.All).`,
        `Grant ${missing.join(' + ')} (or Directory.Read.All). ${grantHow}`));
    }
  }

  // 4. A real read.
  const handle = createGraphClient(conn, { credential, maxRetries: 1, retryDelaySeconds: 1, requestTimeoutMs: ctx.timeoutMs });
  try {
    await handle.client.api('/groups').select('id').top(1).get();
    rows.push(row(AREA, 'graph.read', 'Graph read', 'Passed', `${endpoints.graphBaseUrl}/v1.0/groups`, 'Listing groups works.'));
  } catch (err) {
    const d = describe(err, { ...handle.errorContext, operation: 'GET /groups' });
    rows.push(row(AREA, 'graph.read', 'Graph read', 'Failed', `${endpoints.graphBaseUrl}/v1.0/groups`, d.message, d.fix ?? grantHow));
  } finally {
    handle.close();
  }
  return rows;
}
