/**
 * The last link of the Graph middleware chain: sends the request with node:https instead of the global fetch, so
 * that a configured CA is trusted (fetch offers no per-call CA in Node 20), connections are kept alive and pooled,
 * socket errors keep their `code` (ECONNREFUSED…), and a request has a timeout.
 */
import { request as httpsRequest } from 'node:https';
import type { Agent, RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { BrokenReadError } from './errors';

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
/** A kept-alive socket the server closed meanwhile: the request never reached it, so sending again is safe. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

interface Sent {
  res: IncomingMessage;
  body: Buffer;
}

function toBuffer(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('unsupported request body type for the Graph transport');
}

function decode(res: IncomingMessage, body: Buffer): Buffer {
  switch ((res.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Larger Graph answers are refused as broken: a page of 999 objects is a few MB at most. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export class HttpsTransport implements Middleware {
  constructor(
    private readonly agent: Agent,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {}

  async execute(context: Context): Promise<void> {
    let url: string;
    let method: string;
    const headers = new Headers();
    let body: Buffer | undefined;
    const options = context.options ?? {};
    if (typeof context.request === 'string') {
      url = context.request;
      method = options.method ?? 'GET';
      new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => headers.set(k, v));
      body = toBuffer(options.body);
    } else {
      const req = context.request as Request;
      url = req.url;
      method = req.method;
      req.headers.forEach((v, k) => headers.set(k, v));
      new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => headers.set(k, v));
      body = req.body ? Buffer.from(await req.arrayBuffer()) : toBuffer(options.body);
    }
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate');
    if (body) headers.set('content-length', String(body.length));
    const signal = (options.signal ?? undefined) as AbortSignal | undefined;

    let sent: Sent;
    try {
      sent = await this.send(url, method, headers, body, signal);
    } catch (err) {
      if (!STALE_SOCKET.has((err as NodeJS.ErrnoException).code ?? '') || !(err as { reused?: boolean }).reused) throw err;
      sent = await this.send(url, method, headers, body, signal);
    }
    const { res, body: raw } = sent;
    const decoded = decode(res, raw);
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
      if (Array.isArray(value)) value.forEach((v) => out.append(name, v));
      else out.set(name, value);
    }
    const status = res.statusCode ?? 500;
    context.response = new Response(NULL_BODY_STATUS.has(status) ? null : decoded, {
      status,
      statusText: res.statusMessage ?? '',
      headers: out,
    });
  }

  private send(url: string, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<Sent> {
    return new Promise<Sent>((resolve, reject) => {
      const target = new URL(url);
      const flat: Record<string, string> = {};
      headers.forEach((v, k) => (flat[k] = v));
      const opts: RequestOptions = {
        method,
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 443,
        path: target.pathname + target.search,
        headers: flat,
        agent: this.agent,
        ...(signal ? { signal } : {}),
      };
      const req = httpsRequest(opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxResponseBytes) {
            const mb = Math.round(this.maxResponseBytes / 1048576);
            req.destroy(new BrokenReadError(`Graph's answer to ${method} ${target.pathname} is larger than ${mb} MiB: refused as broken.`, { target: target.pathname, statusCode: res.statusCode }));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(this.timeoutMs, () => {
        const err = new Error(`no answer from ${target.host} within ${Math.round(this.timeoutMs / 1000)} s`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT';
        req.destroy(err);
      });
      req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(body);
    });
  }
}
