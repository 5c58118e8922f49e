import { describe, expect, it } from 'vitest';
import {
  guidBytesToString, guidStringFromImmutableId, guidStringToBytes, immutableIdFromGuidBytes, ridOf, sidBytesToString,
  sidStringToBytes,
} from '../lab/ad-ids';

describe('lab AD id conversions', () => {
  // The documented Entra Connect example (spec/graph-api-contract.md): .NET ToByteArray order.
  const guid = '00112233-4455-6677-8899-aabbccddeeff';

  it('stores GUIDs in .NET ToByteArray order and base64s them into onPremisesImmutableId', () => {
    const bytes = guidStringToBytes(guid);
    expect(bytes.toString('hex')).toBe('33221100554477668899aabbccddeeff');
    expect(immutableIdFromGuidBytes(bytes)).toBe('MyIRAFVEd2aImaq7zN3u/w==');
    expect(guidBytesToString(bytes)).toBe(guid);
    expect(guidStringFromImmutableId('MyIRAFVEd2aImaq7zN3u/w==')).toBe(guid);
  });

  it('round-trips SIDs between binary and string form', () => {
    const sid = 'S-1-5-21-1004336348-1177238915-682003330-1105';
    const bytes = sidStringToBytes(sid);
    expect(bytes.length).toBe(8 + 4 * 5);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('0105000000000005');
    expect(sidBytesToString(bytes)).toBe(sid);
    expect(ridOf(sid)).toBe(1105);
    expect(sidBytesToString(sidStringToBytes('S-1-5-32-544'))).toBe('S-1-5-32-544');
  });

  it('rejects malformed input', () => {
    expect(() => guidBytesToString(Buffer.alloc(15))).toThrow(RangeError);
    expect(() => guidStringToBytes('not-a-guid')).toThrow(RangeError);
    expect(() => sidStringToBytes('X-1-5')).toThrow(RangeError);
    expect(() => sidBytesToString(Buffer.from('0105000000000005', 'hex').subarray(0, 7))).toThrow(RangeError);
  });
});
