/**
 * The Entra ID side: OpenID discovery, signing keys and the v2.0 token endpoint for the client-credentials
 * grant with a client secret or a certificate-signed client assertion (contract §9).
 */
import { randomUUID } from 'node:crypto';
import type { GraphResponse } from '../http-types';
import { thumbprints, type AppRegistration, type AppRegistry } from './apps';
import { decodeJwt, verifyJwtSignature } from './jwt';
import { GRAPH_APP_ID, GRAPH_AUDIENCE, type TokenService } from './token-service';

export interface TokenEndpointDeps {
  tenantId: string;
  /** Other names that address the tenant (e.g. its initial domain). */
  tenantAliases: string[];
  apps: AppRegistry;
  tokens: TokenService;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export function aadError(status: number, error: string, code: number, text: string): GraphResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers: { 'Cache-Control': 'no-store, no-cache' },
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** Handles `/{tenant}/…` identity paths; returns undefined when the path is not one of them. */
export function handleIdentity(deps: TokenEndpointDeps, method: string, path: string, rawBody: string, origin: string): GraphResponse | undefined {
  const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token|oauth2\/token)\/?$/i.exec(path);
  if (!m) return undefined;
  const [, tenantSeg, what] = m;
  const isKeys = /keys$/i.test(what);
  const known = [deps.tenantId, ...deps.tenantAliases].some((t) => t.toLowerCase() === tenantSeg.toLowerCase());
  if (!known && !(isKeys && tenantSeg.toLowerCase() === 'common')) {
    return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  if (/openid-configuration$/i.test(what)) {
    if (method !== 'GET') return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts GET requests.');
    return { status: 200, body: openIdConfiguration(origin, deps.tenantId, /^v2\.0/i.test(what)) };
  }
  if (isKeys) return { status: 200, body: deps.tokens.jwks() };
  if (method !== 'POST') return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST, OPTIONS requests.');
  return tokenRequest(deps, new URLSearchParams(rawBody), `${origin}/${tenantSeg}/${what}`, origin);
}

export function openIdConfiguration(origin: string, tenantId: string, v2: boolean): Record<string, unknown> {
  const base = `${origin}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2${v2 ? '/v2.0' : ''}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery${v2 ? '/v2.0' : ''}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: v2 ? `${base}/v2.0` : `https://sts.windows.net/${tenantId}/`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2${v2 ? '/v2.0' : ''}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v2 ? '/v2.0' : ''}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2${v2 ? '/v2.0' : ''}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'roles'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function tokenRequest(deps: TokenEndpointDeps, form: URLSearchParams, endpoint: string, origin: string): GraphResponse {
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
  }
  const clientId = form.get('client_id') ?? '';
  const app = deps.apps.get(clientId);
  if (!app) {
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${deps.tenantId}'. ` +
      'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
      'You may have sent your authentication request to the wrong tenant.');
  }
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const graphScope = scopes.find((s) => s === `${GRAPH_AUDIENCE}/.default` || s === `${GRAPH_APP_ID}/.default` || s === `${GRAPH_AUDIENCE}//.default`);
  if (!graphScope) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a ` +
      'scope value with /.default suffixed to the resource identifier (application ID URI).');
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    if (!app.secrets.includes(secret)) {
      return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the ' +
        `client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
  } else if (assertion !== null) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return aadError(400, 'invalid_request', 50027, 'Invalid client_assertion_type.');
    }
    const failure = checkAssertion(app, assertion, endpoint, origin);
    if (failure) return failure;
  } else {
    return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const { accessToken, expiresIn } = deps.tokens.issue(app);
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken },
  };
}

function checkAssertion(app: AppRegistration, assertion: string, endpoint: string, origin: string): GraphResponse | undefined {
  const jwt = decodeJwt(assertion);
  if (!jwt) return aadError(401, 'invalid_client', 50012, 'Client assertion is not a valid JWT.');
  const { header, payload } = jwt;
  const candidates = app.certificates.filter((c) => {
    const t = thumbprints(c);
    if (typeof header['x5t#S256'] === 'string') return header['x5t#S256'] === t.x5tS256;
    if (typeof header.x5t === 'string') return header.x5t === t.x5t;
    return true;
  });
  if (candidates.length === 0) {
    return aadError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application '${app.clientId}'.`);
  }
  if (!candidates.some((c) => verifyJwtSignature(jwt, c.publicKey))) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  const now = Math.floor(Date.now() / 1000);
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
    return aadError(401, 'invalid_client', 700023, 'Client assertion audience claim does not match Realm issuer or subject.');
  }
  const aud = String(payload.aud ?? '');
  if (aud !== endpoint && !aud.startsWith(origin)) {
    return aadError(401, 'invalid_client', 700021, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`);
  }
  const exp = numericDate(payload.exp);
  const nbf = numericDate(payload.nbf);
  if (exp === undefined || exp < now - 300) {
    return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  if (nbf !== undefined && nbf > now + 300) {
    return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  return undefined;
}

/**
 * A JWT NumericDate (RFC 7519 §2). Entra also takes the decimal-string form that MSAL.NET writes
 * (`"nbf":"1733212345"`), so both are read; anything else is no date.
 */
function numericDate(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
