/**
 * Azure Arc (and IMDS-shaped) managed identity endpoint, contract §9. Plain HTTP on loopback like the real
 * agent (himds on 127.0.0.1:40342). Arc: the first GET is answered 401 + `WWW-Authenticate: Basic realm=<key file>`;
 * the client reads the file and retries with `Authorization: Basic <contents>` → token. IMDS (api-version
 * 2018-02-01): `Metadata: true` → token directly.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_ROLES, type AppRegistry, type AppRegistration } from './auth/apps';
import type { TokenService } from './auth/token-service';

export interface ManagedIdentityOptions {
  /** Port for the endpoint (0 = auto, default). */
  port?: number;
  /** Where the Arc challenge key file goes; msal only accepts /var/opt/azcmagent/tokens on Linux (default). */
  keyDir?: string;
  /** Roles of the machine's identity (default: the lab defaults). */
  roles?: string[];
}

const GRAPH_RESOURCES = new Set(['https://graph.microsoft.com', 'https://graph.microsoft.com/', 'https://graph.microsoft.com/.default']);

export class ManagedIdentityEndpoint {
  private server: Server | undefined;
  private secret = randomBytes(32).toString('hex');
  private keyFile = '';
  readonly app: AppRegistration;
  identityEndpoint = '';
  imdsEndpoint = '';
  /** Requests answered, by outcome (challenge, token, rejected). */
  readonly counts = { challenge: 0, token: 0, rejected: 0 };

  constructor(private readonly tokens: TokenService, apps: AppRegistry, private readonly opts: ManagedIdentityOptions) {
    this.app = apps.register({ displayName: 'Lab machine (Arc managed identity)', roles: opts.roles ?? DEFAULT_ROLES, clientSecret: randomBytes(24).toString('hex') });
  }

  async start(host: string): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const payload = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)), ...headers });
        res.end(payload);
      };
      if (!/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname) || req.method !== 'GET') {
        this.counts.rejected++;
        return reply(404, { error: 'not_found', error_description: `No endpoint ${req.method} ${url.pathname}` });
      }
      if (req.headers.metadata?.toString().toLowerCase() !== 'true') {
        this.counts.rejected++;
        return reply(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
      }
      const resource = url.searchParams.get('resource') ?? '';
      if (!GRAPH_RESOURCES.has(resource)) {
        this.counts.rejected++;
        return reply(400, { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.` });
      }
      const apiVersion = url.searchParams.get('api-version');
      const arc = apiVersion === '2020-06-01' || apiVersion === '2019-11-01';
      if (arc) {
        const auth = req.headers.authorization ?? '';
        if (!auth) {
          this.counts.challenge++;
          return reply(401, { error: 'unauthorized', error_description: 'Authorization header required' }, { 'WWW-Authenticate': `Basic realm=${this.keyFile}` });
        }
        if (auth !== `Basic ${this.secret}`) {
          this.counts.rejected++;
          return reply(401, { error: 'unauthorized', error_description: 'Invalid secret' }, { 'WWW-Authenticate': `Basic realm=${this.keyFile}` });
        }
      } else if (apiVersion !== '2018-02-01' && apiVersion !== '2019-08-01') {
        this.counts.rejected++;
        return reply(400, { error: 'invalid_request', error_description: `Unsupported api-version '${apiVersion ?? ''}'` });
      }
      const { accessToken, expiresIn } = this.tokens.issue(this.app);
      const now = Math.floor(Date.now() / 1000);
      this.counts.token++;
      return reply(200, {
        access_token: accessToken, expires_in: String(expiresIn), expires_on: String(now + expiresIn), ext_expires_in: String(expiresIn),
        not_before: String(now), resource: 'https://graph.microsoft.com', token_type: 'Bearer',
      });
    });
    await new Promise<void>((ok, fail) => {
      this.server!.once('error', fail);
      this.server!.listen(this.opts.port ?? 0, host, () => ok());
    });
    const port = (this.server.address() as AddressInfo).port;
    const keyDir = this.opts.keyDir ?? '/var/opt/azcmagent/tokens';
    mkdirSync(keyDir, { recursive: true });
    this.keyFile = join(keyDir, `gwb-emulator-${port}.key`);
    writeFileSync(this.keyFile, this.secret, { mode: 0o600 });
    const h = host.includes(':') ? `[${host}]` : host;
    this.identityEndpoint = `http://${h}:${port}/metadata/identity/oauth2/token`;
    this.imdsEndpoint = `http://${h}:${port}`;
  }

  /** Environment for a client process using ManagedIdentityCredential via Azure Arc. */
  env(): Record<string, string> {
    return { IDENTITY_ENDPOINT: this.identityEndpoint, IMDS_ENDPOINT: this.imdsEndpoint };
  }

  async stop(): Promise<void> {
    if (this.keyFile) rmSync(this.keyFile, { force: true });
    if (!this.server) return;
    await new Promise<void>((ok) => {
      this.server!.close(() => ok());
      this.server!.closeAllConnections();
    });
  }
}
