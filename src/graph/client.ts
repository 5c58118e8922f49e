/**
 * The Microsoft Graph client: the real SDK, wired for any cloud or the lab.
 *
 * Middleware chain: ErrorCapture → Authentication (TokenCredential) → Retry (429/503/504, Retry-After) →
 * RequestCounters → ResourceUnitPacer (the tenant's throttle budget) → Telemetry → HttpsTransport (node:https,
 * keep-alive, the configured CA).
 */
import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';
import {
  AuthenticationHandler,
  Client,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import type { GwbError } from '../core/errors';
import type { EventSink } from '../core/events';
import { ErrorCaptureHandler } from './captured-error';
import { diagnoseAuthority } from './diagnose-authority';
import { createCredential } from './credential';
import { resolveEndpoints } from './endpoints';
import type { ResolvedEndpoints } from './endpoints';
import { HttpsTransport } from './https-transport';
import { mapGraphError } from './map-error';
import type { ErrorContext } from './map-error';
import type { GraphClientTuning, GraphConnection } from './options';
import { RequestCounters } from './request-counters';
import { DEFAULT_RESOURCE_UNIT_BUDGET, ResourceUnitBucket, ResourceUnitPacer } from './resource-units';
import type { RequestCounts } from './request-counters';
import { trustedCas } from './trust';

export interface GraphClientHandle {
  /** The SDK client; paths are relative to `/v1.0`, absolute next/delta links are accepted. */
  readonly client: Client;
  readonly endpoints: ResolvedEndpoints;
  /** Base of every mapped error (tenant, app, hosts). */
  readonly errorContext: ErrorContext;
  /**
   * Map anything a call threw to a typed error (see map-error.ts); when the login endpoint could not be read,
   * probe it once to tell an untrusted certificate, an unreachable host and an unknown tenant apart.
   */
  mapError(err: unknown, context?: Partial<ErrorContext>): Promise<GwbError>;
  /** Requests sent so far (retries included). */
  counts(): RequestCounts;
  resetCounts(): void;
  /** Close pooled connections. */
  close(): void;
}

export interface CreateGraphClientOptions extends GraphClientTuning {
  /** Use this credential instead of building one from `conn.auth` (tests, a shared credential). */
  credential?: TokenCredential;
  /** Throttling notices go here (verbose). */
  events?: EventSink;
}

export function createGraphClient(conn: GraphConnection, options: CreateGraphClientOptions = {}): GraphClientHandle {
  const endpoints = resolveEndpoints(conn);
  const ca = trustedCas(conn.caFile);
  const credential = options.credential ?? createCredential(conn, { endpoints, ca });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [endpoints.graphScope] });

  const maxRetries = Math.min(Math.max(options.maxRetries ?? 6, 0), 10) // the SDK's cap;
  const delay = Math.min(Math.max(options.retryDelaySeconds ?? 3, 0), 180) // the SDK's cap;
  // Stop retrying once the caller gave up.
  const shouldRetry = (_d: number, _a: number, _r: unknown, opts: { signal?: AbortSignal | null } | undefined): boolean =>
    !opts?.signal?.aborted;
  const retry = new RetryHandler(new RetryHandlerOptions(delay, maxRetries, shouldRetry as never));

  // The CA list as one TLS context built once, not a `ca` option: Node would re-parse every certificate for each
  // new connection and join all of them (≈ 200 KB with the system roots) into the pool key of every request.
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 8, ...(ca ? { secureContext: createSecureContext({ ca }) } : {}) });
  const events = options.events;
  const counters = new RequestCounters(
    events
      ? (status, retryAfter, url) =>
          events.verbose(`Graph answered ${status}${retryAfter !== null ? `, Retry-After ${retryAfter} s` : ''}; retrying.`, {
            path: safePath(url),
          })
      : undefined,
  );
  const budget = options.resourceUnitBudget ?? DEFAULT_RESOURCE_UNIT_BUDGET;
  const bucket = budget > 0 ? new ResourceUnitBucket(budget) : undefined;
  const client = Client.initWithMiddleware({
    baseUrl: endpoints.graphBaseUrl,
    defaultVersion: 'v1.0',
    ...(endpoints.customHosts ? { customHosts: endpoints.customHosts } : {}),
    middleware: [
      new ErrorCaptureHandler(),
      new AuthenticationHandler(authProvider),
      retry,
      counters,
      ...(bucket ? [new ResourceUnitPacer(bucket)] : []),
      new TelemetryHandler(),
      new HttpsTransport(agent, options.requestTimeoutMs ?? 120_000),
    ],
  });

  const errorContext: ErrorContext = {
    tenantId: conn.tenantId,
    clientId: (conn.auth?.type === 'managedIdentity' ? (conn.auth.clientId ?? conn.clientId) : conn.clientId) ?? '(system-assigned identity)',
    authorityHost: endpoints.authorityHost,
    graphBaseUrl: endpoints.graphBaseUrl,
    managedIdentity: conn.auth?.type === 'managedIdentity',
  };
  let diagnosed: Promise<GwbError> | undefined;
  const mapError = async (err: unknown, context: Partial<ErrorContext> = {}): Promise<GwbError> => {
    const mapped = mapGraphError(err, { ...errorContext, ...context });
    const fromLogin = mapped.category === 'ConnectionError' && mapped.target === endpoints.authorityHost;
    if (!fromLogin || errorContext.managedIdentity || !/endpoints_resolution_error/.test(mapped.message)) return mapped;
    // One probe per client is enough: concurrent failures share it.
    diagnosed ??= diagnoseAuthority(endpoints.authorityHost, conn.tenantId, ca, mapped).finally(() => {
      setTimeout(() => (diagnosed = undefined), 30_000).unref();
    });
    return diagnosed;
  };

  return {
    client,
    endpoints,
    errorContext,
    mapError,
    counts: () => ({
      ...counters.snapshot(),
      ...(bucket ? { resourceUnits: bucket.stats.units, pacedWaits: bucket.stats.waits, pacedWaitMs: bucket.stats.waitedMs } : {}),
    }),
    resetCounts: () => counters.reset(),
    close: () => agent.destroy(),
  };
}

/** The path of a URL without its query (skip/delta tokens are long and of no use in a log). */
export function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

