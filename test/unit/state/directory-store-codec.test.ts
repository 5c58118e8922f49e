import { describe, expect, it } from 'vitest';
import { decodeBlob, encodeBlob } from '../../../src/state/blob';
import { decodeLease, encodeLease, leaseAvailable, parseGeneralizedTime } from '../../../src/state/lease';
import { isPassingFailure, nextWatchDelay, retryAfterMs } from '../../../src/engine/watch-policy';
import { ThrottledError, AuthError, ConnectionError } from '../../../src/graph/errors';
import { DirectoryError } from '../../../src/directory/errors';

describe('state blob (msDS-ByteArray values)', () => {
  it('round-trips a large document through several unordered chunks', () => {
    const groups: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) groups[`${i}-${Math.random()}`] = { dn: `CN=g${i}_${Math.random().toString(36)},OU=x`, objectGuid: `${Math.random()}`, status: 'managed' };
    const doc = { doc: { version: 1, groups }, runs: [{ a: 1 }] };
    const chunks = encodeBlob(doc, 16 * 1024);
    expect(chunks.length).toBeGreaterThan(2);
    expect(decodeBlob([...chunks].reverse())).toEqual(doc);
  });

  it('refuses a mixed or incomplete set', () => {
    const a = encodeBlob({ x: 'a'.repeat(100) }, 16);
    const b = encodeBlob({ x: 'b'.repeat(100) }, 16);
    expect(() => decodeBlob(a.slice(1))).toThrow(/incomplete/);
    expect(() => decodeBlob([a[0], ...b.slice(1)])).toThrow(/incomplete/);
    expect(() => decodeBlob([Buffer.from('nope')])).toThrow(/not GroupWriteback/);
    expect(decodeBlob([])).toBeUndefined();
  });
});

describe('lease values', () => {
  it('encodes, decodes and expires by the DC clock', () => {
    const v = encodeLease({ holder: 'h/1/x', epoch: 3, expiresAt: '2026-12-03T08:00:10.000Z' });
    expect(v.startsWith('lease:')).toBe(true);
    const l = decodeLease(v);
    expect(l.epoch).toBe(3);
    expect(leaseAvailable(l, Date.parse('2026-12-03T08:00:09.000Z'))).toBe(false);
    expect(leaseAvailable(l, Date.parse('2026-12-03T08:00:10.000Z'))).toBe(true);
    expect(leaseAvailable({ holder: null, epoch: 4 }, 0)).toBe(true);
  });

  it('parses AD GeneralizedTime', () => {
    expect(parseGeneralizedTime('20261203081500.0Z')).toBe(Date.parse('2026-12-03T08:15:00.000Z'));
    expect(parseGeneralizedTime('20261203081500Z')).toBe(Date.parse('2026-12-03T08:15:00.000Z'));
    expect(() => parseGeneralizedTime('yesterday')).toThrow();
  });
});

describe('watch policy', () => {
  it('backs off exponentially with a cap and honours Retry-After', () => {
    const mid = () => 0.5;
    expect(nextWatchDelay(5000, 0)).toBe(5000);
    expect(nextWatchDelay(5000, 1, undefined, 300_000, mid)).toBe(10_000);
    expect(nextWatchDelay(5000, 3, undefined, 300_000, mid)).toBe(40_000);
    expect(nextWatchDelay(5000, 12, undefined, 300_000, mid)).toBe(300_000);
    const throttled = new ThrottledError('slow down', { retryAfterSeconds: 120 });
    expect(retryAfterMs(throttled)).toBe(120_000);
    expect(nextWatchDelay(5000, 1, throttled, 300_000, mid)).toBe(120_000);
  });

  it('rides out outages and throttling but not bad credentials', () => {
    expect(isPassingFailure(new ConnectionError('down'))).toBe(true);
    expect(isPassingFailure(new ThrottledError('429'))).toBe(true);
    expect(isPassingFailure(new DirectoryError('refused', { operation: 'connect', code: 'ServerDown', category: 'ConnectionError' }))).toBe(true);
    expect(isPassingFailure(new AuthError('bad secret'))).toBe(false);
    expect(isPassingFailure(new DirectoryError('bad password', { operation: 'bind', resultCode: 49, code: 'InvalidCredentials', category: 'AuthenticationError' }))).toBe(false);
  });
});
