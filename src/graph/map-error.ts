/**
 * Whatever a Graph call throws (graph-client's GraphError, an identity error, a socket error) → one typed error
 * with the object it concerns and what to do about it.
 */
import { CancelledError, GwbError } from '../core/errors';
import { CapturedError } from './captured-error';
import { AuthError, ConnectionError, DeltaExpiredError, GraphRequestError, NotFoundError, PermissionError, ThrottledError } from './errors';

export interface ErrorContext {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  graphBaseUrl: string;
  /** What was being done, e.g. `GET /groups/delta`. */
  operation?: string;
  /** The object concerned (a group id…), else the operation. */
  target?: unknown;
  /** True when managed identity is used (changes the auth hints). */
  managedIdentity?: boolean;
}

export const DELTA_EXPIRED_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);
const TLS_CODES = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|unable to verify the first certificate|self[- ]signed certificate/i;
const NETWORK_TEXT = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)\b/;

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  requestId?: string | null;
  headers?: Headers | { get?(name: string): string | null } | undefined;
}

const TLS_HINT = 'Trust the server\'s CA: set tenant.caFile to its PEM file (or NODE_EXTRA_CA_CERTS at process start); check the system clock.';

/** All text an error chain carries (message, causes, identity's errorResponse), for pattern matching. */
function allText(err: unknown, depth = 0): string {
  if (!err || depth > 5) return '';
  if (typeof err !== 'object') return String(err);
  const e = err as { name?: string; message?: string; code?: unknown; cause?: unknown; errorResponse?: { error?: string; errorDescription?: string }; errors?: unknown[] };
  const parts = [e.name, e.message, typeof e.code === 'string' ? e.code : undefined, e.errorResponse?.error, e.errorResponse?.errorDescription];
  if (Array.isArray(e.errors)) parts.push(...e.errors.map((x) => allText(x, depth + 1)));
  parts.push(allText(e.cause, depth + 1));
  return parts.filter(Boolean).join(' | ');
}

function errnoCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || TLS_CODES.test(code))) return code;
  return errnoCode((err as { cause?: unknown }).cause, depth + 1);
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | undefined;
  return !!e && (e.name === 'AbortError' || e.code === 'ABORT_ERR');
}

const IDENTITY_ERROR_NAMES = new Set([
  'AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'AggregateAuthenticationError',
  'ClientAuthError', 'ServerError', 'ClientConfigurationError', 'AuthError',
]);

function mapIdentityError(err: unknown, ctx: ErrorContext): GwbError {
  const text = allText(err);
  const app = `app ${ctx.clientId} in tenant ${ctx.tenantId}`;
  const who = { tenantId: ctx.tenantId, clientId: ctx.clientId };
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  const oauth = /\b(invalid_client|unauthorized_client|invalid_request|invalid_grant|invalid_scope|invalid_resource)\b/.exec(text)?.[1];
  const base = { target: who, cause: err, ...(oauth ? { graphCode: oauth } : {}) };
  if (TLS_CODES.test(text)) {
    return new ConnectionError(`The TLS certificate of the login endpoint ${ctx.authorityHost} is not trusted.`, {
      ...base, category: 'SecurityError', hint: TLS_HINT, target: ctx.authorityHost,
    });
  }
  switch (code) {
    case '7000215':
      return new AuthError(`client secret rejected for ${app}: create a new secret (app registration → Certificates & secrets) and update the configuration with its value (not its id).`, {
        ...base, hint: 'Create a new client secret and configure its value.' });
    case '7000222':
      return new AuthError(`client secret expired for ${app}: create a new secret (app registration → Certificates & secrets) and update the configuration.`, {
        ...base, hint: 'Create a new client secret and configure its value.' });
    case '700016':
      return new AuthError(`application ${ctx.clientId} was not found in tenant ${ctx.tenantId}.`, {
        ...base, hint: 'Check tenant.clientId and tenant.tenantId (and tenant.cloud); the app must be registered or consented in that tenant.' });
    case '90002':
    case '900023':
    case '90072':
      return new AuthError(`tenant ${ctx.tenantId} was not found at ${ctx.authorityHost}.`, {
        ...base, hint: 'Check tenant.tenantId and tenant.cloud (a national-cloud tenant needs its own cloud).' });
    case '700027':
    case '700024':
    case '700023':
    case '7000274':
    case '700021':
      return new AuthError(`certificate rejected for ${app}: it is not (or no longer) registered for the app, or it expired.`, {
        ...base, hint: 'Upload the certificate\'s public part to the app registration (Certificates & secrets) and check its validity dates.' });
    case '7000112':
      return new AuthError(`${app} is disabled.`, { ...base, hint: 'Enable the application (enterprise app properties).' });
    case '500011':
      return new AuthError(`the Graph resource is not available in tenant ${ctx.tenantId} (wrong cloud?).`, {
        ...base, hint: 'Check tenant.cloud and tenant.graphBaseUrl.' });
  }
  const errno = errnoCode(err) ?? NETWORK_TEXT.exec(text)?.[1];
  if (errno || /endpoints_resolution_error|network_error|Network request failed/i.test(text)) {
    return new ConnectionError(`Cannot reach the login endpoint ${ctx.authorityHost}${errno ? ` (${errno})` : ''}: ${(err as Error)?.message ?? String(err)}`, {
      ...base,
      target: ctx.authorityHost,
      hint: 'Check the network path and proxy to the login endpoint, tenant.authorityHost/tenant.cloud, and that its TLS certificate is trusted (tenant.caFile).',
    });
  }
  if (ctx.managedIdentity || /ManagedIdentityCredential/.test(text)) {
    return new AuthError(`No managed identity token: ${(err as Error)?.message ?? String(err)}`, {
      ...base,
      hint: 'Run on an Azure VM or Azure Arc-enabled server with a managed identity granted the Graph permissions, or configure a client secret or certificate.',
    });
  }
  return new AuthError(`Sign-in failed for ${app}: ${(err as Error)?.message ?? String(err)}`, {
    ...base, hint: 'Check tenant.tenantId, tenant.clientId and the credential.' });
}

function retryAfterOf(e: GraphErrorLike): number | undefined {
  const v = e.headers && typeof e.headers.get === 'function' ? e.headers.get('retry-after') : null;
  const n = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function mapResponseError(e: GraphErrorLike, ctx: ErrorContext, err: unknown): GwbError {
  const status = e.statusCode ?? -1;
  const graphCode = e.code ?? undefined;
  const details = {
    statusCode: status,
    ...(graphCode ? { graphCode } : {}),
    ...(e.requestId ? { requestId: e.requestId } : {}),
    target: ctx.target ?? ctx.operation,
    cause: err,
  };
  const what = ctx.operation ? `${ctx.operation}: ` : '';
  const msg = e.message || graphCode || `HTTP ${status}`;
  if (status === 410 || (graphCode && DELTA_EXPIRED_CODES.has(graphCode.toLowerCase()))) {
    return new DeltaExpiredError(`${what}the delta token is no longer valid (${graphCode ?? status}); a full synchronization is needed.`, {
      ...details, hint: 'Nothing to do: the next cycle reads everything again and starts a new delta round.' });
  }
  switch (status) {
    case 401:
      return new AuthError(`${what}Graph refused the access token of app ${ctx.clientId} (${graphCode ?? 401}): ${msg}`, {
        ...details, hint: 'Check that tenant.cloud / tenant.graphBaseUrl and the login authority belong to the same cloud and tenant.' });
    case 403:
      return new PermissionError(`${what}app ${ctx.clientId} is not allowed to read this in tenant ${ctx.tenantId} (${graphCode ?? 403}): ${msg}`, {
        ...details,
        hint: 'grant Group.Read.All and User.Read.All (or Directory.Read.All) application permissions and admin consent',
      });
    case 404:
      return new NotFoundError(`${what}${msg}`, { ...details, hint: 'The object does not exist or was deleted.' });
    case 429: {
      const retryAfterSeconds = retryAfterOf(e);
      return new ThrottledError(`${what}Graph is still throttling after the retries (429 ${graphCode ?? ''}).`.replace(' )', ')'), {
        ...details,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        hint: 'Wait and run again; lower the cycle frequency or share of Graph use by other apps of this tenant.',
      });
    }
    case 503:
    case 504:
      return new GraphRequestError(`${what}Graph is unavailable (${status} ${graphCode ?? ''}) after the retries.`.replace(' )', ')'), {
        ...details, category: 'ResourceUnavailable', hint: 'A transient Graph outage: the next cycle retries.' });
  }
  if (status === -1 || status === undefined) {
    // A GraphError built from a thrown error that was not captured (should not happen): read its text.
    const errno = NETWORK_TEXT.exec(msg)?.[1];
    if (TLS_CODES.test(msg)) return new ConnectionError(`${what}the TLS certificate of ${ctx.graphBaseUrl} is not trusted: ${msg}`, { ...details, category: 'SecurityError', target: ctx.graphBaseUrl, hint: TLS_HINT });
    if (errno) return new ConnectionError(`${what}cannot reach ${ctx.graphBaseUrl} (${errno}): ${msg}`, { ...details, target: ctx.graphBaseUrl, hint: 'Check the network path to Graph and tenant.graphBaseUrl.' });
  }
  return new GraphRequestError(`${what}Graph answered ${status} ${graphCode ?? ''}: ${msg}`.replace('  ', ' '), {
    ...details,
    category: status >= 400 && status < 500 ? 'InvalidOperation' : 'InvalidResult',
    hint: status === 400 ? 'A request Graph does not support here (check extra property names in the configuration).' : 'See the message; the next cycle retries.',
  });
}

function mapThrown(original: unknown, ctx: ErrorContext, host: string): GwbError {
  if (original instanceof GwbError) return original;
  if (isAbort(original)) return new CancelledError(undefined, { cause: original });
  const name = (original as { name?: string } | undefined)?.name ?? '';
  if (IDENTITY_ERROR_NAMES.has(name)) return mapIdentityError(original, ctx);
  const text = allText(original);
  const errno = errnoCode(original);
  if (TLS_CODES.test(text)) {
    return new ConnectionError(`${ctx.operation ? `${ctx.operation}: ` : ''}the TLS certificate of ${host} is not trusted (${errno ?? text}).`, {
      category: 'SecurityError', target: host, hint: TLS_HINT, cause: original,
    });
  }
  if (errno || NETWORK_TEXT.test(text)) {
    return new ConnectionError(`${ctx.operation ? `${ctx.operation}: ` : ''}cannot reach ${host}: ${(original as Error)?.message ?? text}`, {
      target: host, hint: 'Check the network path and proxy to Graph, and tenant.graphBaseUrl / tenant.cloud.', cause: original,
    });
  }
  return new GraphRequestError(`${ctx.operation ? `${ctx.operation}: ` : ''}${(original as Error)?.message ?? text}`, {
    target: ctx.target ?? ctx.operation, cause: original,
  });
}

export function mapGraphError(err: unknown, ctx: ErrorContext): GwbError {
  if (err instanceof GwbError) return err;
  if (err instanceof CapturedError) {
    let host = ctx.graphBaseUrl;
    try {
      host = new URL(err.url).origin;
    } catch {
      /* keep the base URL */
    }
    return mapThrown(err.original, ctx, host);
  }
  if (isAbort(err)) return new CancelledError(undefined, { cause: err });
  const name = (err as { name?: string } | undefined)?.name ?? '';
  if (IDENTITY_ERROR_NAMES.has(name)) return mapIdentityError(err, ctx);
  if (err && typeof err === 'object' && 'statusCode' in err) return mapResponseError(err as GraphErrorLike, ctx, err);
  return mapThrown(err, ctx, ctx.graphBaseUrl);
}
