import { describe, expect, it } from 'vitest';
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
