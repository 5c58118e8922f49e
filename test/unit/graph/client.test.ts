/**
 * The real graph-client wired by createGraphClient, against a tiny local HTTPS server signed by a CA that only
 * this test knows (so trust can only come from tenant.caFile, never from NODE_EXTRA_CA_CERTS).
 */
import { createServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueServerCert } from '../../lab/tls';
import { createGraphClient } from '../../../src/graph/client';
import { CancelledError } from '../../../src/core/errors';
import { ConnectionError, ThrottledError } from '../../../src/graph/errors';
import { GraphSource } from '../../../src/graph/graph-source';
import type { GraphConnection } from '../../../src/graph/options';

let dir: string;
let server: Server;
let base: string;
let caFile: string;
const seen: { url: string; auth?: string; retryAttempt?: string }[] = [];
let throttleNext = 0;
let unavailableNext = 0;

const credential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gwb-graph-client-'));
  const pki = issueServerCert(join(dir, 'pki'), 'graph');
  caFile = pki.caFile;
  server = createServer({ cert: readFileSync(pki.certFile), key: readFileSync(pki.keyFile) }, (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, retryAttempt: req.headers['retry-attempt'] as string | undefined });
    if (req.headers.authorization !== 'Bearer test-token') return json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    if (unavailableNext > 0) {
      unavailableNext--;
      return json(res, 503, { error: { code: 'serviceNotAvailable', message: 'Service unavailable' } }, { 'Retry-After': '0' });
    }
    if (throttleNext > 0) {
      throttleNext--;
      return json(res, 429, { error: { code: 'TooManyRequests', message: 'Please retry again later.' } }, { 'Retry-After': '0' });
    }
    if (req.url?.startsWith('/v1.0/groups/slow')) {
      setTimeout(() => json(res, 200, { id: 'slow' }), 2_000).unref();
      return;
    }
    if (req.url?.startsWith('/v1.0/groups?')) {
      if (req.url.includes('$skiptoken=p2')) {
        // A gzip-compressed page, as Graph sends when asked.
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(gzipSync(JSON.stringify({ value: [{ id: 'g2', displayName: 'Zwei' }] })));
      }
      return json(res, 200, { value: [{ id: 'g1', displayName: 'Eins' }], '@odata.nextLink': `${base}/v1.0/groups?$top=999&$skiptoken=p2` });
    }
    json(res, 404, { error: { code: 'Request_ResourceNotFound', message: 'nope' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const conn = (extra: Partial<GraphConnection> = {}): GraphConnection => ({
  tenantId: 't', clientId: 'c', authorityHost: base, graphBaseUrl: base, auth: { type: 'clientSecret', clientSecret: 'unused' }, ...extra,
});

describe('createGraphClient', () => {
  it('trusts tenant.caFile, sends the bearer token to the custom host and follows nextLinks (gzip included)', async () => {
    seen.length = 0;
    const http = createGraphClient(conn({ caFile }), { credential });
    const source = new GraphSource(http);
    const names: string[] = [];
    for await (const page of source.listGroups()) names.push(...page.map((g) => g.displayName ?? ''));
    http.close();
    expect(names).toEqual(['Eins', 'Zwei']);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer test-token', 'Bearer test-token']);
    expect(http.counts()).toMatchObject({ requests: 2, retries: 0, throttled: 0 });
  });

  it('retries 429s honouring Retry-After and counts them; gives up with ThrottledError after maxRetries', async () => {
    seen.length = 0;
    throttleNext = 2;
    const http = createGraphClient(conn({ caFile }), { credential, maxRetries: 3, retryDelaySeconds: 0 });
    const source = new GraphSource(http);
    await expect(source.getGroup('x')).resolves.toBeNull(); // 429, 429, then 404
    expect(http.counts()).toMatchObject({ requests: 3, retries: 2, throttled: 2 });
    expect(seen.map((s) => s.retryAttempt)).toEqual([undefined, '1', '2']);

    throttleNext = 10;
    http.resetCounts();
    await expect(source.getGroup('x')).rejects.toBeInstanceOf(ThrottledError);
    expect(http.counts()).toMatchObject({ requests: 4, retries: 3, throttled: 4 });
    throttleNext = 0;
    http.close();
  });

  it('retries a 503 too and counts it apart from throttling', async () => {
    unavailableNext = 1;
    const http = createGraphClient(conn({ caFile }), { credential, retryDelaySeconds: 0 });
    await expect(new GraphSource(http).getGroup('x')).resolves.toBeNull();
    expect(http.counts()).toMatchObject({ requests: 2, retries: 1, throttled: 0, unavailable: 1 });
    http.close();
  });

  it('without the CA the certificate is refused: ConnectionError in SecurityError', async () => {
    const http = createGraphClient(conn(), { credential });
    const err = await new GraphSource(http).getGroup('x').catch((e: unknown) => e);
    http.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('SecurityError');
  });

  it('a caFile of another CA is refused too: the trust is the file (+ system roots), not whatever the server shows', async () => {
    const other = issueServerCert(join(dir, 'pki-other'), 'other');
    const http = createGraphClient(conn({ caFile: other.caFile }), { credential });
    const err = await new GraphSource(http).getGroup('x').catch((e: unknown) => e);
    http.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('SecurityError');
  });

  it('an abort signal cancels a request in flight → CancelledError', async () => {
    const http = createGraphClient(conn({ caFile }), { credential });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await new GraphSource(http).getGroup('slow', ac.signal).catch((e: unknown) => e);
    http.close();
    expect(err).toBeInstanceOf(CancelledError);
  });

  it('a closed port → ConnectionError naming the host', async () => {
    const http = createGraphClient(conn({ graphBaseUrl: 'https://127.0.0.1:1', caFile }), { credential });
    const err = await new GraphSource(http).getGroup('x').catch((e: unknown) => e);
    http.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toMatch(/ECONNREFUSED/);
    expect((err as ConnectionError).target).toBe('https://127.0.0.1:1');
  });
});
