/**
 * startGraphEmulator: wires store, delta engine, faults, throttle, apps/tokens and routes behind one HTTPS
 * server on loopback. See docs/graph-emulator.md.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { AppRegistry, DEFAULT_ROLES, newClientSecret, type AppRegistration, type AppRegistrationInput } from './auth/apps';
import { TokenService } from './auth/token-service';
import { emulatorCert } from './cert';
import type { EmulatorContext } from './context';
import { DeltaEngine } from './delta/engine';
import { FaultController } from './faults';
import { EntitlementStore, type EntitlementOptions } from './governance/entitlement-store';
import { newId } from './ids';
import { ManagedIdentityEndpoint, type ManagedIdentityOptions } from './managed-identity';
import { deltaRoutes } from './routes/delta';
import { directoryRoutes } from './routes/directory';
import { entitlementRoutes } from './routes/entitlement';
import { groupRoutes } from './routes/groups';
import { memberRoutes } from './routes/members';
import { userRoutes } from './routes/users';
import { Router } from './router';
import { createRequestListener } from './server';
import { RequestStats } from './stats';
import { TenantStore } from './store';
import { ResourceUnitLimiter } from './throttle';
import type { TenantFile } from './types';

export interface GraphEmulatorOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 = pick a free port (default). */
  port?: number;
  /** Lab PKI directory: the CA (ca.pem) is created there if missing, and the server certificate issued by it. */
  pkiDir: string;
  tenantId?: string;
  /** Default app registration (roles: Group.ReadWrite.All, User.ReadWrite.All, Directory.Read.All unless `roles`). */
  clientId?: string;
  clientSecret?: string;
  /** PEM certificate for ClientCertificateCredential on the default app. */
  clientCertificatePem?: string;
  roles?: string[];
  /** Initial domain for generated userPrincipalNames/mail (default contoso.onmicrosoft.com). */
  domain?: string;
  /** Objects per delta page (default 25). */
  deltaPageSize?: number;
  /** members@delta entries per delta page (default 50): large memberships span pages. */
  deltaMemberChunk?: number;
  /** Delta token lifetime (default 7 days). */
  deltaTokenMaxAgeSeconds?: number;
  /** A tenant to load at start. */
  tenant?: TenantFile;
  /** Also serve the Azure Arc managed-identity endpoint (plain HTTP on loopback, its own port). */
  managedIdentity?: ManagedIdentityOptions | boolean;
  /** Entitlement management: delivery delay of assignment requests, expiry sweep interval. */
  governance?: EntitlementOptions;
}

export interface GraphEmulator {
  /** `https://127.0.0.1:PORT` — graph-client `baseUrl` (customHosts: the host without port). */
  baseUrl: string;
  /** `https://127.0.0.1:PORT` — credential `authorityHost` (with `disableInstanceDiscovery: true`). */
  authorityHost: string;
  host: string;
  port: number;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** CA certificate clients must trust (NODE_EXTRA_CA_CERTS at process start). */
  caFile: string;
  /** `https://127.0.0.1:PORT/_emulator` */
  controlUrl: string;
  store: TenantStore;
  faults: FaultController;
  apps: AppRegistry;
  stats: RequestStats;
  delta: DeltaEngine;
  /** identityGovernance/entitlementManagement (catalogs, access packages, assignments). */
  governance: EntitlementStore;
  tokens: TokenService;
  /** Arc managed identity endpoint, when enabled. */
  managedIdentity?: ManagedIdentityEndpoint;
  /** Register another app (e.g. one with fewer roles); returns it with its secret. */
  registerApp(input: AppRegistrationInput): AppRegistration & { clientSecret?: string };
  /** Connection details as the lab prints them. */
  info(): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startGraphEmulator(opts: GraphEmulatorOptions): Promise<GraphEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const pkiDir = resolve(opts.pkiDir);
  const cert = await emulatorCert(pkiDir, host);
  const tenantId = (opts.tenantId ?? newId()).toLowerCase();
  if (!/^[0-9a-zA-Z.-]+$/.test(tenantId)) throw new RangeError(`tenantId '${tenantId}' must match /^[0-9a-zA-Z-.]+$/`);
  const domain = opts.domain ?? 'contoso.onmicrosoft.com';

  const store = new TenantStore(domain);
  const apps = new AppRegistry();
  const clientSecret = opts.clientSecret ?? newClientSecret();
  const app = apps.register({
    clientId: opts.clientId, clientSecret, roles: opts.roles ?? DEFAULT_ROLES, displayName: 'GroupWriteback lab',
    ...(opts.clientCertificatePem ? { certificatePem: opts.clientCertificatePem } : {}),
  });
  const tokens = new TokenService(tenantId);
  const faults = new FaultController();
  const delta = new DeltaEngine(store, {
    pageSize: opts.deltaPageSize ?? 25,
    memberChunk: opts.deltaMemberChunk ?? 50,
    tokenMaxAgeSeconds: opts.deltaTokenMaxAgeSeconds ?? 7 * 24 * 3600,
  });
  faults.attachDelta(delta);
  if (opts.deltaTokenMaxAgeSeconds !== undefined) faults.set({ deltaTokenMaxAgeSeconds: opts.deltaTokenMaxAgeSeconds });
  const stats = new RequestStats();
  const limiter = new ResourceUnitLimiter(() => faults.resourceUnits, () => store.userCount);
  faults.attachLimiter(limiter);
  const governance = new EntitlementStore(store, opts.governance);
  const ctx: EmulatorContext = { store, delta, faults, apps, tenantId, governance };
  const router = new Router().addAll([...deltaRoutes(), ...groupRoutes(), ...memberRoutes(), ...userRoutes(), ...directoryRoutes(), ...entitlementRoutes()]);
  if (opts.tenant) store.loadTenant(opts.tenant);

  let origin = '';
  let mi: ManagedIdentityEndpoint | undefined;
  const info = () => ({
    baseUrl: origin, authorityHost: origin, tenantId, clientId: app.clientId, caFile: cert.caFile,
    controlUrl: `${origin}/_emulator`, ...(mi ? { managedIdentityEndpoint: mi.identityEndpoint, imdsEndpoint: mi.imdsEndpoint } : {}),
  });
  const server: Server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, createRequestListener({
    pipeline: { ctx, router, tokens, limiter, stats },
    identity: { tenantId, tenantAliases: [domain], apps, tokens },
    control: { store, faults, apps, stats, governance, info },
    get origin() { return origin; },
  }));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => { server.off('error', fail); ok(); });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  origin = `https://${hostPart}:${port}`;

  if (opts.managedIdentity) {
    mi = new ManagedIdentityEndpoint(tokens, apps, typeof opts.managedIdentity === 'object' ? opts.managedIdentity : {});
    await mi.start(host);
  }

  return {
    baseUrl: origin,
    authorityHost: origin,
    host,
    port,
    tenantId,
    clientId: app.clientId,
    clientSecret,
    caFile: cert.caFile,
    controlUrl: `${origin}/_emulator`,
    store,
    faults,
    apps,
    stats,
    delta,
    governance,
    tokens,
    managedIdentity: mi,
    registerApp: (input) => apps.register(input),
    info,
    async stop() {
      governance.stop();
      await mi?.stop();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
