import { describe, expect, it } from 'vitest';
import { UrlBreaker } from '../../../src/directory/breaker';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('UrlBreaker', () => {
  it('gives a URL up after `threshold` fast failures in a row (a dead DC: refused/reset)', () => {
    const c = clock();
    const b = new UrlBreaker({ threshold: 3, timeoutMs: 5_000, now: c.now });
    expect(b.failure('a')).toBe(false);
    expect(b.failure('a')).toBe(false);
    expect(b.failure('a')).toBe(true);
    expect(b.isTripped('a')).toBe(true);
    expect(b.tripped()).toEqual(['a']);
    expect(b.failure('a')).toBe(false); // tripped once only
  });

  it('gives a hung URL up on the second failure once it has been silent for a whole timeout', () => {
    const c = clock();
    const b = new UrlBreaker({ threshold: 3, timeoutMs: 5_000, now: c.now });
    b.success('a');
    c.advance(5_000);
    expect(b.failure('a')).toBe(false); // the in-flight request timed out
    c.advance(100);
    expect(b.failure('a')).toBe(true); // its retry failed too, nothing answered for > timeout
  });

  it('an answer in between resets the count: one slow request on a busy DC never trips it', () => {
    const c = clock();
    const b = new UrlBreaker({ threshold: 3, timeoutMs: 5_000, now: c.now });
    for (let i = 0; i < 10; i++) {
      c.advance(6_000);
      expect(b.failure('a')).toBe(false);
      b.success('a');
    }
    expect(b.failure('b')).toBe(false);
    expect(b.isTripped('a')).toBe(false);
    expect(b.failures('a')).toBe(0);
  });

  it('threshold 0 never trips; URLs are independent', () => {
    const c = clock();
    const off = new UrlBreaker({ threshold: 0, timeoutMs: 1, now: c.now });
    for (let i = 0; i < 5; i++) expect(off.failure('a')).toBe(false);
    const b = new UrlBreaker({ threshold: 2, timeoutMs: 1_000, now: c.now });
    b.failure('a');
    expect(b.failure('b')).toBe(false);
    expect(b.failure('a')).toBe(true);
    expect(b.isTripped('b')).toBe(false);
  });
});
