/**
 * Issues the access tokens the token endpoint hands out (RS256 JWTs shaped like Entra's app-only tokens, with
 * `roles`) and validates bearer tokens on Graph requests (→ 401 InvalidAuthenticationToken).
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { unauthenticated } from '../errors';
import type { AuthContext } from '../http-types';
import type { AppRegistration } from './apps';
import { decodeJwt, publicJwk, signJwt, verifyJwtSignature } from './jwt';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export class TokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly kid = randomUUID().replace(/-/g, '').slice(0, 27);
  /** Access-token lifetime in seconds (Entra: ~3599). */
  lifetimeSeconds = 3599;

  constructor(readonly tenantId: string) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  issue(app: AppRegistration): { accessToken: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      aio: randomUUID(),
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '1',
      idp: `https://sts.windows.net/${this.tenantId}/`,
      idtyp: 'app',
      oid: app.servicePrincipalId,
      roles: app.roles,
      sub: app.servicePrincipalId,
      tenant_region_scope: 'EU',
      tid: this.tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    };
    return { accessToken: signJwt(payload, this.privateKey, this.kid), expiresIn: this.lifetimeSeconds };
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    return { keys: [publicJwk(this.publicKey, this.kid)] };
  }

  /** Validate `Authorization: Bearer …` as Graph would; throws 401 InvalidAuthenticationToken. */
  authenticate(authorization: string | undefined): AuthContext {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw unauthenticated('Access token is empty.');
    const jwt = decodeJwt(m[1]);
    if (!jwt) throw unauthenticated('IDX14100: JWT is not well formed, there are no dots (.).');
    if (jwt.header.alg !== 'RS256' || !verifyJwtSignature(jwt, this.publicKey)) {
      throw unauthenticated('Access token validation failure. Invalid signature.');
    }
    const p = jwt.payload;
    if (p.aud !== GRAPH_AUDIENCE && p.aud !== GRAPH_APP_ID) throw unauthenticated('Access token validation failure. Invalid audience.');
    if (typeof p.tid !== 'string' || p.tid.toLowerCase() !== this.tenantId.toLowerCase()) {
      throw unauthenticated('Access token validation failure. Invalid issuer or tenant.');
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof p.exp !== 'number' || p.exp < now - 300) throw unauthenticated('Lifetime validation failed, the token is expired.');
    if (typeof p.nbf === 'number' && p.nbf > now + 300) throw unauthenticated('Lifetime validation failed, the token is not yet valid.');
    const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
    return { appId: String(p.appid ?? ''), tenantId: p.tid, roles: new Set(roles) };
  }
}
