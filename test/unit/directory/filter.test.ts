import { describe, expect, it } from 'vitest';
import { BerWriter, EqualityFilter } from 'ldapts';
import { and, anyOf, eq, escapeFilterValue, filterText, not, or, present, startsWith } from '../../../src/directory/filter';

function wire(f: { write(w: BerWriter): void }): Buffer {
  const w = new BerWriter();
  f.write(w);
  return w.buffer;
}

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['plain', 'plain'],
    ['star*', 'star\\2a'],
    ['(paren)', '\\28paren\\29'],
    ['C:\\dir', 'C:\\5cdir'],
    ['nul\0', 'nul\\00'],
    ['*)(objectClass=*', '\\2a\\29\\28objectClass=\\2a'],
    ['Grüppe', 'Gr\\c3\\bcppe'],
    ['営', '\\e5\\96\\b6'],
    ['tab\t', 'tab\\09'],
    [', + " # < > ; =', ', + " # < > ; ='],
  ])('%j → %j', (input, out) => {
    expect(escapeFilterValue(input)).toBe(out);
  });

  it('escapes every byte of a Buffer', () => {
    expect(escapeFilterValue(Buffer.from('00ff2a10', 'hex'))).toBe('\\00\\ff\\2a\\10');
  });
});

describe('filter builders', () => {
  it('sends binary values as raw octets', () => {
    const guid = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
    const f = eq('objectGUID', guid);
    expect(f).toBeInstanceOf(EqualityFilter);
    expect(wire(f).includes(guid)).toBe(true);
  });

  it('sends text values as UTF-8 without interpreting syntax', () => {
    const f = eq('cn', '*)(cn=*');
    expect(wire(f).includes(Buffer.from('*)(cn=*', 'utf8'))).toBe(true);
    expect(filterText(f)).toBe('(cn=\\2a\\29\\28cn=\\2a)');
  });

  it('renders composite filters as RFC 4515 text', () => {
    const f = and(eq('objectClass', 'group'), startsWith('msDS-ExternalDirectoryObjectId', 'Group_'), not(present('member')));
    expect(filterText(f)).toBe('(&(objectClass=group)(msDS-ExternalDirectoryObjectId=Group_*)(!(member=*)))');
    expect(filterText(or(eq('a', 'x'), eq('b', 'y')))).toBe('(|(a=x)(b=y))');
    expect(filterText(anyOf('objectSid', [Buffer.from([1, 2])]))).toBe('(objectSid=\\01\\02)');
    expect(filterText(anyOf('cn', ['a', 'b(']))).toBe('(|(cn=a)(cn=b\\28))');
  });

  it('rejects bad attribute names and empty OR lists', () => {
    expect(() => eq('cn)(x', 'a')).toThrow(/attribute name/);
    expect(() => present('')).toThrow(/attribute name/);
    expect(() => anyOf('cn', [])).toThrow(/at least one/);
    expect(() => eq('member;range=0-1499', 'x')).not.toThrow();
  });
});
