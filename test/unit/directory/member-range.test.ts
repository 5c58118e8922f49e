import { describe, expect, it } from 'vitest';
import type { Entry } from 'ldapts';
import { pickRange, rangeAttribute } from '../../../src/directory/member-range';

const dns = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `CN=u${from + i},DC=x`);

describe('member ranges', () => {
  it('names windows', () => {
    expect(rangeAttribute(0)).toBe('member;range=0-1499');
    expect(rangeAttribute(1500, 1500)).toBe('member;range=1500-2999');
    expect(rangeAttribute(10, 5)).toBe('member;range=10-14');
  });

  it('continues after a full window', () => {
    const e: Entry = { dn: 'CN=g', 'member;range=0-1499': dns(0, 1500) };
    expect(pickRange(e, 0)).toEqual({ values: dns(0, 1500), next: 1500 });
  });

  it('chooses the server key by value when ldapts adds the requested key as []', () => {
    const e: Entry = { dn: 'CN=g', 'member;range=4500-*': dns(4500, 500), 'member;range=4500-5999': [] };
    expect(pickRange(e, 4500)).toEqual({ values: dns(4500, 500), next: null });
    const reversed: Entry = { dn: 'CN=g', 'member;range=4500-5999': [], 'member;range=4500-*': dns(4500, 500) };
    expect(pickRange(reversed, 4500)).toEqual({ values: dns(4500, 500), next: null });
  });

  it('normalizes a single value returned as a scalar', () => {
    const e: Entry = { dn: 'CN=g', 'member;range=0-*': 'CN=only,DC=x', 'member;range=0-1499': [] };
    expect(pickRange(e, 0)).toEqual({ values: ['CN=only,DC=x'], next: null });
  });

  it('ends on an empty window or a group without members', () => {
    expect(pickRange({ dn: 'CN=g', 'member;range=6000-*': [], 'member;range=6000-7499': [] }, 6000)).toEqual({ values: [], next: null });
    expect(pickRange({ dn: 'CN=g', 'member;range=0-1499': [] }, 0)).toEqual({ values: [], next: null });
  });

  it('ignores windows for another start and other attributes; takes a plain answer as everything', () => {
    const e: Entry = { dn: 'CN=g', 'member;range=0-1499': dns(0, 3), 'memberOf;range=1500-*': ['x'] };
    expect(pickRange(e, 1500)).toEqual({ values: [], next: null });
    expect(pickRange({ dn: 'CN=g', member: dns(0, 2), 'member;range=0-1499': [] }, 0)).toEqual({ values: dns(0, 2), next: null });
  });

  it('matches key case-insensitively', () => {
    expect(pickRange({ dn: 'CN=g', 'Member;Range=0-*': dns(0, 2) }, 0)).toEqual({ values: dns(0, 2), next: null });
  });
});
