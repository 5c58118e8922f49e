import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { flatString, formatGuid } from '../../../src/core/flat-string';
import { guidFromBytes, guidToBytes } from '../../../src/directory/guid';

describe('flat strings', () => {
  it('flatString keeps the text (also non-ASCII, quotes, backslashes)', () => {
    for (const s of ['', 'a', `CN=Grüppe "x"\\, ✓${'y'.repeat(40)},OU=Groups,DC=lab`, '\u{1F600}\n']) expect(flatString(s)).toBe(s);
  });

  it('formatGuid writes 16 bytes in the given order as a dashed lowercase GUID', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(formatGuid(bytes, Array.from({ length: 16 }, (_, i) => i))).toBe('00112233-4455-6677-8899-aabbccddeeff');
    const padded = Buffer.concat([Buffer.from([0xff]), bytes]);
    expect(formatGuid(padded, Array.from({ length: 16 }, (_, i) => 15 - i), 1)).toBe('ffeeddcc-bbaa-9988-7766-554433221100');
  });

  it('guidFromBytes is unchanged: AD byte order, round trip with guidToBytes', () => {
    expect(guidFromBytes(Buffer.from('33221100554477668899aabbccddeeff', 'hex'))).toBe('00112233-4455-6677-8899-aabbccddeeff');
    for (let i = 0; i < 200; i++) {
      const g = randomUUID();
      expect(guidFromBytes(guidToBytes(g))).toBe(g);
      const b = randomBytes(16);
      expect(guidToBytes(guidFromBytes(b)).equals(b)).toBe(true);
    }
  });
});
