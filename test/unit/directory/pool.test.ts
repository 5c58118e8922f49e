import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DirectoryConnection } from '../../../src/directory/connection';
import { DirectoryError } from '../../../src/directory/errors';
import { LdapPool } from '../../../src/directory/pool';

/** A connector to one fake DC that is down (connection refused) until `up` is set. */
function dc() {
  const state = { up: false, connects: 0 };
  const conn = (): DirectoryConnection =>
    ({
      isConnected: true,
      isBound: true,
      search: async () => ({ searchEntries: [] }),
      unbind: async () => undefined,
    }) as unknown as DirectoryConnection;
  const connector = async (url: string) => {
    state.connects++;
    if (!state.up) throw new DirectoryError(`Cannot reach the directory (${url}): connect ECONNREFUSED`, { operation: 'connect', url, code: 'ConnectionRefused', category: 'ConnectionError' });
    return conn();
  };
  return { state, connector };
}

describe('LdapPool.revive (watch mode after an outage)', () => {
  it('a DC given up stays given up (fail fast) until revive; then the pool uses it again', async () => {
    const d = dc();
    const pool = new LdapPool({ urls: ['ldaps://dc1.example.com'], bindDn: 'x', password: 'y', connector: d.connector, size: 1, breakerThreshold: 3 });
    for (let i = 0; i < 3; i++) await expect(pool.use(async () => 'ok', 0)).rejects.toThrow();
    expect(pool.stats().trippedUrls).toEqual(['ldaps://dc1.example.com']);
    const tried = d.state.connects;
    d.state.up = true;
    const given = await pool.use(async () => 'ok', 0).catch((e: Error) => e);
    expect(given).toBeInstanceOf(Error);
    expect((given as DirectoryError).code).toBe('DomainControllerUnavailable');
    expect(d.state.connects).toBe(tried); // not even tried: the breaker gave it up
    pool.revive();
    expect(pool.stats().trippedUrls).toEqual([]);
    await expect(pool.use(async () => 'ok', 0)).resolves.toBe('ok');
    expect(d.state.connects).toBe(tried + 1);
    await pool.close();
  });
});

/**
 * A fake DC that answers until `hang()`: then each search waits `timeoutMs` and fails as ldapts' does ("Operation
 * timed out") unless its connection is cut first ("Connection closed before message response…", as a destroyed
 * socket gives), and each new connection times out.
 */
function hangingDc(timeoutMs: number) {
  let hung = false;
  const conn = (): DirectoryConnection => {
    let cut: ((e: Error) => void) | undefined;
    const c = {
      isConnected: true,
      isBound: true,
      search: () =>
        hung
          ? new Promise((_, reject) => {
              const t = setTimeout(() => reject(new Error('Operation timed out')), timeoutMs);
              cut = (e) => {
                clearTimeout(t);
                reject(e);
              };
            })
          : Promise.resolve({ searchEntries: [] }),
      unbind: async () => {
        c.isConnected = false;
        cut?.(new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'));
      },
    };
    return c as unknown as DirectoryConnection;
  };
  const connect = async (): Promise<DirectoryConnection> => {
    if (!hung) return conn();
    await new Promise((r) => setTimeout(r, timeoutMs));
    throw new Error('Connection timeout');
  };
  return { connect, hang: () => (hung = true) };
}

const healthy = async (): Promise<DirectoryConnection> =>
  ({ isConnected: true, isBound: true, search: async () => ({ searchEntries: [] }), unbind: async () => undefined }) as unknown as DirectoryConnection;

describe('LdapPool failover while calls are in flight', () => {
  const timeoutMs = 60;
  const urls = ['ldaps://dc1.example.com', 'ldaps://dc2.example.com'];

  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Three connections to dc1 opened and idle, then dc1 hangs; A starts, B 20 ms later. On the test's clock (fake
   * timers): with real ones a loaded machine's stall (tens of ms in a 60 ms timeout) reordered the timeouts or made
   * the idle connections stale, so the scenario was another one.
   */
  async function scenario(u: string[]) {
    vi.useFakeTimers();
    const dc1 = hangingDc(timeoutMs);
    const pool = new LdapPool({ urls: u, bindDn: 'x', password: 'y', connector: (url) => (url.includes('dc1') ? dc1.connect() : healthy()), size: 3, timeoutMs, breakerThreshold: 3 });
    const answered: string[] = [];
    const call = (name: string) =>
      pool.use(async (c, info) => {
        await c.search('', {});
        answered.push(`${name}@${info.url}`);
        return name;
      });
    await Promise.all([call('w1'), call('w2'), call('w3')]);
    answered.length = 0;
    dc1.hang();
    const a = call('A').catch((e: DirectoryError) => e);
    await vi.advanceTimersByTimeAsync(20);
    const b = call('B').catch((e: DirectoryError) => e);
    const results = Promise.all([a, b]);
    await vi.advanceTimersByTimeAsync(10 * timeoutMs);
    return { pool, answered, results: await results };
  }

  it('a call retrying on a connection the breaker then cuts (its URL given up) goes on to the next URL', async () => {
    // A times out first (1 failure: dc1 not given up yet) and retries on the third idle dc1 connection; B's
    // timeout 20 ms later gives dc1 up and cuts A's retry. Before the fix A failed there with "Connection closed".
    const { pool, answered, results } = await scenario(urls);
    expect(results).toEqual(['A', 'B']);
    expect(answered.sort()).toEqual(['A@ldaps://dc2.example.com', 'B@ldaps://dc2.example.com']);
    expect(pool.stats().trippedUrls).toEqual(['ldaps://dc1.example.com']);
    await pool.close();
  });

  it('with one URL, both calls fail with the one DomainControllerUnavailable error', async () => {
    const { pool, results } = await scenario(urls.slice(0, 1));
    expect(results.map((e) => (e as DirectoryError).code)).toEqual(['DomainControllerUnavailable', 'DomainControllerUnavailable']);
    await pool.close();
  });
});
