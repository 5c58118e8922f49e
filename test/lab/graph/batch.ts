/**
 * POST /$batch (contract §7): ≤20 items with unique ids, `dependsOn` ordering (failed dependency → 424),
 * sub-header names case-insensitive, item urls with or without a leading `/v1.0`, each item costed/throttled
 * on its own, JSON sub-responses with the `Content-Type` header key graph-client needs.
 */
import { badRequest, graphErrorBody } from './errors';
import type { GraphRequest, GraphResponse } from './http-types';
import { runGraph, type PipelineDeps } from './pipeline';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

const MAX_ITEMS = 20;

function parseItems(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format: a "requests" array is required.');
  if (requests.length > MAX_ITEMS) throw badRequest(`Number of batch requests exceeds the limit of ${MAX_ITEMS}.`);
  const seen = new Set<string>();
  const items = requests.map((r: Record<string, unknown>) => {
    if (!r || typeof r !== 'object') throw badRequest('Invalid batch payload format: each request must be an object.');
    const id = r.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw badRequest("Invalid batch payload format: request 'id' is required.");
    if (seen.has(String(id))) throw badRequest(`Invalid batch payload format: request id '${String(id)}' is duplicated.`);
    seen.add(String(id));
    if (typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw badRequest(`Invalid batch payload format: request '${String(id)}' needs 'method' and 'url'.`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((r.headers as Record<string, unknown>) ?? {})) headers[k.toLowerCase()] = String(v);
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { id: String(id), method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
  });
  for (const it of items) {
    for (const d of it.dependsOn) if (!seen.has(d)) throw badRequest(`Invalid batch payload format: dependsOn '${d}' of request '${it.id}' does not exist.`);
  }
  return order(items);
}

/** Topological order honouring dependsOn (cycles → 400). */
function order(items: BatchItem[]): BatchItem[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const out: BatchItem[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (i: BatchItem) => {
    const s = state.get(i.id);
    if (s === 2) return;
    if (s === 1) throw badRequest(`Invalid batch payload format: circular dependsOn at request '${i.id}'.`);
    state.set(i.id, 1);
    for (const d of i.dependsOn) visit(byId.get(d)!);
    state.set(i.id, 2);
    out.push(i);
  };
  items.forEach(visit);
  return out;
}

function splitUrl(url: string): { version: string; path: string; search: string } {
  let u = url.trim();
  const abs = /^https?:\/\/[^/]+(\/.*)$/i.exec(u);
  if (abs) u = abs[1];
  if (!u.startsWith('/')) u = `/${u}`;
  let version = 'v1.0';
  const v = /^\/(v1\.0|beta)(\/.*)$/i.exec(u);
  if (v) { version = v[1].toLowerCase(); u = v[2]; }
  const q = u.indexOf('?');
  return { version, path: q === -1 ? u : u.slice(0, q), search: q === -1 ? '' : u.slice(q + 1) };
}

export async function runBatch(deps: PipelineDeps, outer: GraphRequest): Promise<GraphResponse> {
  const items = parseItems(outer.body);
  const statusById = new Map<string, number>();
  const responses: Array<Record<string, unknown>> = [];
  for (const item of items) {
    const failedDep = item.dependsOn.find((d) => (statusById.get(d) ?? 0) >= 400);
    let res: GraphResponse;
    if (failedDep !== undefined) {
      res = { status: 424, body: graphErrorBody('FailedDependency', `The request depends on request '${failedDep}', which failed.`, outer.requestId, outer.clientRequestId) };
    } else if (item.body !== undefined && !item.headers['content-type']) {
      res = { status: 400, body: graphErrorBody('BadRequest', 'A Content-Type header is required for a request with a body.', outer.requestId, outer.clientRequestId) };
    } else {
      const { version, path, search } = splitUrl(item.url);
      res = await runGraph(deps, {
        method: item.method, path, version, search, origin: outer.origin, auth: outer.auth, inBatch: true, body: item.body,
        headers: item.headers,
      });
    }
    statusById.set(item.id, res.status);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) {
      if (k === 'request-id' || k === 'client-request-id' || k.startsWith('x-ms-')) continue;
      headers[k] = v;
    }
    const entry: Record<string, unknown> = { id: item.id, status: res.status, headers };
    if (res.text !== undefined) { headers['Content-Type'] = 'text/plain'; entry.body = res.text; }
    else if (res.body !== undefined) { headers['Content-Type'] = 'application/json'; entry.body = res.body; }
    responses.push(entry);
  }
  return { status: 200, body: { responses } };
}
