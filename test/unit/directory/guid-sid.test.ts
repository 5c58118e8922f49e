import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  guidBytesFromAnchor,
  guidFromBytes,
  guidToBytes,
  guidToImmutableId,
  immutableIdToGuid,
  isGuid,
  normalizeGuid,
} from '../../../src/directory/guid';
import { isSid, normalizeSid, sidDomain, sidFromBytes, sidToBytes } from '../../../src/directory/sid';

describe('objectGUID', () => {
  // .NET: new Guid("00112233-4455-6677-8899-aabbccddeeff").ToByteArray()
  const GUID = '00112233-4455-6677-8899-aabbccddeeff';
  const BYTES = '33221100554477668899aabbccddeeff';
  const IMMUTABLE_ID = 'MyIRAFVEd2aImaq7zN3u/w==';

  it('decodes AD (mixed-endian) bytes', () => {
    expect(guidFromBytes(Buffer.from(BYTES, 'hex'))).toBe(GUID);
  });

  it('encodes to AD bytes, accepting braces and upper case', () => {
    expect(guidToBytes(GUID).toString('hex')).toBe(BYTES);
    expect(guidToBytes(`{${GUID.toUpperCase()}}`).toString('hex')).toBe(BYTES);
    expect(normalizeGuid(`{${GUID.toUpperCase()}}`)).toBe(GUID);
  });

  it('converts to and from the base64 immutableId', () => {
    expect(guidToImmutableId(GUID)).toBe(IMMUTABLE_ID);
    expect(immutableIdToGuid(IMMUTABLE_ID)).toBe(GUID);
  });

  it('round-trips random GUIDs', () => {
    for (let i = 0; i < 200; i++) {
      const g = randomUUID();
      expect(guidFromBytes(guidToBytes(g))).toBe(g);
      expect(immutableIdToGuid(guidToImmutableId(g))).toBe(g);
      const b = randomBytes(16);
      expect(guidToBytes(guidFromBytes(b)).equals(b)).toBe(true);
    }
  });

  it('reads anchors given as GUID or immutableId, and refuses anything else', () => {
    expect(guidBytesFromAnchor(GUID)?.toString('hex')).toBe(BYTES);
    expect(guidBytesFromAnchor(IMMUTABLE_ID)?.toString('hex')).toBe(BYTES);
    expect(guidBytesFromAnchor('EMP-004711')).toBeNull();
    expect(guidBytesFromAnchor('c2hvcnQ=')).toBeNull(); // base64 but not 16 bytes
  });

  it('rejects malformed input', () => {
    expect(isGuid(GUID)).toBe(true);
    expect(isGuid('0011223-4455-6677-8899-aabbccddeeff')).toBe(false);
    expect(() => guidToBytes('not-a-guid')).toThrow(/Not a valid GUID/);
    expect(() => guidFromBytes(Buffer.alloc(15))).toThrow(/16 bytes/);
    expect(() => immutableIdToGuid('abc')).toThrow(/immutableId/);
  });
});

describe('objectSid', () => {
  it.each([
    ['S-1-5-21-1004336348-1177238915-682003330-512', '010500000000000515000000dcf4dc3b833d2b46828ba62800020000'],
    ['S-1-5-32-544', '01020000000000052000000020020000'],
    ['S-1-1-0', '010100000000000100000000'],
    ['S-1-5-21-4294967295-1-2-1103', '010500000000000515000000ffffffff01000000020000004f040000'],
  ])('%s ↔ %s', (sid, hex) => {
    expect(sidToBytes(sid).toString('hex')).toBe(hex);
    expect(sidFromBytes(Buffer.from(hex, 'hex'))).toBe(sid);
  });

  it('normalizes and validates', () => {
    expect(normalizeSid('s-1-5-21-01-2-3-1103')).toBe('S-1-5-21-1-2-3-1103');
    expect(isSid('S-1-5-21-1-2-3-1103')).toBe(true);
    expect(isSid('S-1-5-21-4294967296')).toBe(false);
    expect(isSid('S-1-5')).toBe(false);
    expect(isSid('S-2-5-21')).toBe(false);
    expect(isSid('Group_123')).toBe(false);
    expect(() => sidToBytes('S-1-x')).toThrow(/security identifier/);
    expect(() => sidFromBytes(Buffer.from('0105000000000005150000', 'hex'))).toThrow(/security identifier/);
    expect(sidDomain('S-1-5-21-1-2-3-1103')).toBe('S-1-5-21-1-2-3');
  });

  it('decodes a subarray view correctly', () => {
    const big = Buffer.concat([Buffer.from('ffff', 'hex'), sidToBytes('S-1-5-32-544')]);
    expect(sidFromBytes(big.subarray(2))).toBe('S-1-5-32-544');
  });
});
