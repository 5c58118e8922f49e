/**
 * A small HTTPS fault proxy between the engine and the Graph emulator: it forwards every request and, for
 * requests whose path+query match a rule, breaks the answer the way networks and middleboxes do:
 *
 *   truncateJson  200, application/json, the body cut in half
 *   html200       200, text/html (a captive portal or proxy error page)
 *   dropNextLink  the page without its `@odata.nextLink` (a listing ended mid-list)
 *   repeatPage    the next matching request is answered with the previous matching page again
 *   unknownType   the first item's `@odata.type` (in a delta page: its first member's) set to a type no client knows
 *   hugeBody      200, application/json, 50 MB of valid-looking JSON, streamed
 *   stall         200 and half the body, then nothing (the connection stays open)
 *
 * The emulator builds next links from the Host header, which is kept, so paging stays on the proxy.
 * Production code does not know this exists: only tenant.graphBaseUrl points here.
 */
import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { emulatorCert } from './graph/cert';

export type GraphFaultMode = 'truncateJson' | 'html200' | 'dropNextLink' | 'repeatPage' | 'unknownType' | 'hugeBody' | 'stall';

export interface GraphFaultRule {
  mode: GraphFaultMode;
  /** Matched against the request's path and query (after /v1.0). */
  path: RegExp;
  /** How many matching answers to break (default: every one until cleared). */
  times?: number;
}

export interface GraphFaultProxy {
  baseUrl: string;
  /** Replace the rules (counters restart). */
  set(rules: GraphFaultRule[]): void;
  clear(): void;
  /** Answers broken so far, per mode. */
  hits(): Partial<Record<GraphFaultMode, number>>;
  close(): Promise<void>;
}

interface ActiveRule extends GraphFaultRule {
  left: number;
  previous?: Buffer;
}

const HUGE_BYTES = 50 * 1024 * 1024;

export async function startGraphFaultProxy(opts: {
  host: string;
  pkiDir: string;
  target: string;
  caFile: string;
  /** Lower every `$top` to this (Graph may serve fewer items per page than asked): small lists span pages. */
  maxPageSize?: number;
}): Promise<GraphFaultProxy> {
  const cert = await emulatorCert(opts.pkiDir, opts.host);
  const target = new URL(opts.target);
  const ca = readFileSync(opts.caFile);
  let rules: ActiveRule[] = [];
  const hits: Partial<Record<GraphFaultMode, number>> = {};
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers } as Record<string, string>;
      delete headers['accept-encoding']; // plain bodies, so they can be rewritten
      let path = req.url ?? '/';
      if (opts.maxPageSize) path = path.replace(/([?&]\$top=)(\d+)/i, (_m, k: string, n: string) => `${k}${Math.min(Number(n), opts.maxPageSize!)}`);
      const up = httpsRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path, headers, ca },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const reply = (res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'content-length': String(b.length) });
    res.end(b);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '/').replace(/^\/(v1\.0|beta)/i, '');
    const rule = rules.find((r) => r.left > 0 && r.path.test(decodeURIComponent(path)));
    if (rule && (rule.mode === 'html200' || rule.mode === 'hugeBody')) {
      rule.left--;
      hits[rule.mode] = (hits[rule.mode] ?? 0) + 1;
      if (rule.mode === 'html200') {
        return reply(res, 200, { 'content-type': 'text/html; charset=utf-8' }, '<!DOCTYPE html><html><head><title>Proxy error</title></head><body><h1>Service temporarily unavailable</h1></body></html>');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const item = Buffer.from('{"@odata.type":"#microsoft.graph.user","id":"00000000-0000-0000-0000-000000000000"},'.padEnd(1024, ' '));
      const chunk = Buffer.concat(Array.from({ length: 1024 }, () => item)); // 1 MiB
      res.write('{"value":[');
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('{"id":"0"}]}');
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    const up = await forward(req, Buffer.concat(chunks));
    if (!rule || up.status !== 200) return reply(res, up.status, up.headers, up.body);
    const json = (): Record<string, unknown> => JSON.parse(up.body.toString('utf8'));
    const count = () => {
      rule.left--;
      hits[rule.mode] = (hits[rule.mode] ?? 0) + 1;
    };
    switch (rule.mode) {
      case 'truncateJson':
        count();
        return reply(res, 200, up.headers, up.body.subarray(0, Math.floor(up.body.length / 2)));
      case 'stall':
        count();
        res.writeHead(200, { ...up.headers, 'content-length': String(up.body.length) });
        res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
        return; // never ended: the client's read timeout must fire
      case 'dropNextLink': {
        const page = json();
        if (!page['@odata.nextLink']) break;
        count();
        delete page['@odata.nextLink'];
        return reply(res, 200, up.headers, JSON.stringify(page));
      }
      case 'repeatPage': {
        if (!rule.previous) {
          if (json()['@odata.nextLink']) rule.previous = up.body;
          break;
        }
        count();
        return reply(res, 200, up.headers, rule.previous);
      }
      case 'unknownType': {
        const page = json();
        const items = page.value as Record<string, unknown>[] | undefined;
        if (!items?.length) break;
        count();
        // A delta page carries members inside its groups (members@delta): break the first member there.
        const inner = items[0]['members@delta'] as Record<string, unknown>[] | undefined;
        (inner?.length ? inner[0] : items[0])['@odata.type'] = '#microsoft.graph.quantumEntity';
        return reply(res, 200, up.headers, JSON.stringify(page));
      }
    }
    return reply(res, up.status, up.headers, up.body);
  };

  const server: Server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) reply(res, 502, { 'content-type': 'text/plain' }, `fault proxy: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the Graph fault proxy has no TCP address');
  return {
    baseUrl: `https://${opts.host}:${address.port}`,
    set(next) {
      rules = next.map((r) => ({ ...r, left: r.times ?? Number.POSITIVE_INFINITY }));
      for (const k of Object.keys(hits)) delete hits[k as GraphFaultMode];
    },
    clear() {
      rules = [];
    },
    hits: () => ({ ...hits }),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
