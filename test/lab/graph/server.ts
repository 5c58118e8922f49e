/**
 * The HTTPS front: reads the request, routes it to the control API (`/_emulator`), the identity endpoints
 * (`/{tenant}/…`, managed identity) or the Graph pipeline (`/v1.0`, `/beta`), and writes JSON responses with
 * Graph's headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { handleIdentity, type TokenEndpointDeps } from './auth/token-endpoint';
import { runBatch } from './batch';
import { handleControl, type ControlDeps } from './control';
import { GraphHttpError } from './errors';
import type { GraphResponse } from './http-types';
import { errorResponse, runGraph, type PipelineDeps } from './pipeline';

export interface FrontDeps {
  pipeline: PipelineDeps;
  identity: TokenEndpointDeps;
  control: ControlDeps;
  /** Optional extra handler (managed identity endpoints); returns undefined when not its path. */
  extra?: (method: string, path: string, search: URLSearchParams, headers: Record<string, string>) => GraphResponse | undefined;
  /** `https://host:port` used when the request has no Host header. */
  origin: string;
}

const MAX_BODY = 16 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new GraphHttpError(413, 'Request_EntityTooLarge', 'The request body is too large.');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function send(res: ServerResponse, r: GraphResponse): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache', ...(r.headers ?? {}) };
  let payload: string | undefined;
  if (r.text !== undefined) {
    headers['Content-Type'] = 'text/plain';
    payload = r.text;
  } else if (r.body !== undefined && r.status !== 204) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(r.body);
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}

export function createRequestListener(deps: FrontDeps) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(deps, req, res).catch((err) => {
      if (!res.headersSent) {
        send(res, { status: 500, body: { error: { code: 'UnknownError', message: err instanceof Error ? err.message : String(err) } } });
      } else res.destroy();
    });
  };
}

async function handle(deps: FrontDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const rawPath = qi === -1 ? url : url.slice(0, qi);
  const search = qi === -1 ? '' : url.slice(qi + 1);
  const headers = headersOf(req);
  const origin = headers.host ? `https://${headers.host}` : deps.origin;
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof GraphHttpError) return send(res, errorResponse(err, randomUUID(), headers['client-request-id']));
    throw err;
  }

  if (/^\/_emulator(\/|$)/i.test(rawPath)) {
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, { status: 400, body: { error: { code: 'BadRequest', message: 'Invalid JSON body.' } } });
    }
    const r = handleControl(deps.control, method, rawPath, new URLSearchParams(search), body);
    deps.pipeline.stats.record('control', rawPath, r.status);
    return send(res, r);
  }

  const graph = /^\/(v1\.0|beta)(\/.*)?$/i.exec(rawPath);
  if (graph) {
    let body: unknown;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        const err = new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        return send(res, errorResponse(err, randomUUID(), headers['client-request-id']));
      }
    }
    const r = await runGraph(deps.pipeline, {
      method, path: graph[2] ?? '/', version: graph[1].toLowerCase(), search, headers, body, origin, inBatch: false,
    }, (outer) => runBatch(deps.pipeline, outer));
    return send(res, r);
  }

  const extra = deps.extra?.(method, rawPath, new URLSearchParams(search), headers);
  if (extra) {
    deps.pipeline.stats.record('token', `${method} ${rawPath}`, extra.status);
    return send(res, extra);
  }

  const id = handleIdentity(deps.identity, method, rawPath, raw, origin);
  if (id) {
    deps.pipeline.stats.record('token', `${method} ${rawPath.replace(/^\/[^/]+/, '/{tenant}')}`, id.status);
    return send(res, id);
  }
  deps.pipeline.stats.record('other', `${method} ${rawPath}`, 404);
  return send(res, { status: 404, body: { error: { code: 'NotFound', message: `Nothing is served at ${rawPath}.` } } });
}
