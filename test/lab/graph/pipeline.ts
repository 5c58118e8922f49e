/**
 * One Graph request through the emulator: latency → auth (401) → injected faults → route (400/405) →
 * permissions (403) → resource-unit throttle (429) → handler → Graph error JSON. Used by the HTTPS server and,
 * per item, by `$batch`.
 */
import { randomUUID } from 'node:crypto';
import { demand } from './auth/permissions';
import type { TokenService } from './auth/token-service';
import type { EmulatorContext } from './context';
import { GraphHttpError, badRequest, graphErrorBody } from './errors';
import type { AuthContext, GraphRequest, GraphResponse } from './http-types';
import { ODataQuery } from './odata/query';
import type { Router } from './router';
import type { RequestStats } from './stats';
import { requestCost, type ResourceUnitLimiter } from './throttle';

export interface PipelineDeps {
  ctx: EmulatorContext;
  router: Router;
  tokens: TokenService;
  limiter: ResourceUnitLimiter;
  stats: RequestStats;
}

export interface RawGraphCall {
  method: string;
  /** Path after the version, e.g. `/groups` (undecoded). */
  path: string;
  version: string;
  search: string;
  headers: Record<string, string>;
  body: unknown;
  origin: string;
  requestId?: string;
  /** Set for $batch items (authenticated by the outer request). */
  auth?: AuthContext;
  inBatch: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function errorResponse(err: GraphHttpError, requestId: string, clientRequestId: string | undefined): GraphResponse {
  return { status: err.status, headers: { ...err.headers }, body: graphErrorBody(err.graphCode, err.message, requestId, clientRequestId) };
}

export async function runGraph(deps: PipelineDeps, call: RawGraphCall,
  batchRunner?: (req: GraphRequest) => Promise<GraphResponse>): Promise<GraphResponse> {
  const { ctx, router, tokens, limiter, stats } = deps;
  const requestId = call.requestId ?? randomUUID();
  const clientRequestId = call.headers['client-request-id'];
  let routeName = `${call.method} ?`;
  const finish = (res: GraphResponse): GraphResponse => {
    res.headers = { ...(res.headers ?? {}), 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId };
    if (res.status === 429 || res.status === 503 || res.status === 504) {
      ctx.faults.sentFault(clientRequestId, res.headers['Retry-After'] !== undefined ? Number(res.headers['Retry-After']) : undefined);
    }
    stats.record(call.inBatch ? 'batchItem' : 'graph', routeName, res.status);
    return res;
  };
  try {
    let segments: string[];
    try {
      segments = call.path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    } catch {
      throw badRequest('Invalid URI escape sequence in the request path.');
    }
    const path = `/${segments.join('/')}`;
    ctx.faults.observe(clientRequestId, call.headers['retry-attempt']);
    const delay = call.inBatch ? 0 : ctx.faults.latency();
    if (delay > 0) await sleep(delay);

    const auth = call.auth ?? tokens.authenticate(call.headers.authorization);

    const isBatch = !call.inBatch && segments.length === 1 && segments[0] === '$batch';
    const found = isBatch ? undefined : router.match(call.method, path);
    routeName = isBatch ? 'POST /$batch' : found?.match ? `${call.method} ${found.match.route.pattern}` : `${call.method} (unmatched)`;

    const fault = ctx.faults.roll(path, call.inBatch);
    if (fault) return finish(injected(fault, requestId, clientRequestId));

    const query = ODataQuery.parse(call.search);
    const req: GraphRequest = {
      method: call.method, path, version: call.version, query, headers: call.headers, body: call.body, auth,
      requestId, clientRequestId, origin: call.origin, inBatch: call.inBatch,
    };

    if (isBatch) {
      if (call.method !== 'POST') throw new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.');
      return finish(await batchRunner!(req));
    }
    if (!found?.match) {
      if (found?.pathKnown) throw new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.');
      const seg = segments.find((_s, i) => !router.match('GET', `/${segments.slice(0, i + 1).join('/')}`).pathKnown) ?? segments[0] ?? '';
      throw badRequest(`Resource not found for the segment '${seg}'.`);
    }
    const { route, params } = found.match;
    if (route.perms) demand(auth, ...route.perms);

    const throttle = limiter.take(`${auth.tenantId}/${auth.appId}`, requestCost(route.cost, req), !!route.write);
    stats.units(routeName, throttle.cost, throttle.ok);
    const ruHeaders: Record<string, string> = { 'x-ms-resource-unit': String(throttle.cost) };
    if (throttle.usage > 0.8) ruHeaders['x-ms-throttle-limit-percentage'] = throttle.usage.toFixed(1);
    if (!throttle.ok) {
      ctx.faults.noteResourceUnitThrottle();
      const err = new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', {
        ...ruHeaders,
        'Retry-After': String(throttle.retryAfter),
        'x-ms-throttle-scope': `Tenant_Application/${route.write ? 'ReadWrite' : 'Read'}/${auth.appId}/${auth.tenantId}`,
        'x-ms-throttle-information': throttle.info ?? 'ResourceUnitLimitExceeded',
      });
      return finish(errorResponse(err, requestId, clientRequestId));
    }
    const res = await route.handler(req, params, ctx);
    res.headers = { ...ruHeaders, ...(res.headers ?? {}) };
    return finish(res);
  } catch (err) {
    if (err instanceof GraphHttpError) return finish(errorResponse(err, requestId, clientRequestId));
    const message = err instanceof Error ? err.message : String(err);
    return finish(errorResponse(new GraphHttpError(500, 'UnknownError', `Internal emulator error: ${message}`), requestId, clientRequestId));
  }
}

function injected(f: { status: 429 | 503 | 504; retryAfter?: number }, requestId: string, clientRequestId: string | undefined): GraphResponse {
  const headers: Record<string, string> = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {};
  const err = f.status === 429
    ? new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', headers)
    : f.status === 503
      ? new GraphHttpError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', headers)
      : new GraphHttpError(504, 'GatewayTimeout', 'The gateway did not receive a timely response from the service.', headers);
  return errorResponse(err, requestId, clientRequestId);
}
