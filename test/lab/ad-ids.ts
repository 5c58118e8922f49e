/**
 * AD identifier conversions for the lab (independent of src/directory on purpose):
 *  - objectGUID: 16 raw bytes as AD stores them = .NET Guid.ToByteArray() order (first three fields little-endian).
 *  - onPremisesImmutableId (Entra Connect default sourceAnchor) = base64 of exactly those 16 bytes.
 *  - objectSid: binary SID ⇄ `S-1-5-21-…` string.
 */

/** Raw objectGUID bytes → lowercase dashed GUID string (`00112233-4455-6677-8899-aabbccddeeff`). */
export function guidBytesToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const h = (i: number): string => bytes[i].toString(16).padStart(2, '0');
  return (
    h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' +
    h(10) + h(11) + h(12) + h(13) + h(14) + h(15)
  );
}

/** Dashed GUID string → the 16 bytes AD stores (inverse of guidBytesToString). */
export function guidStringToBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out[0] = b[3]; out[1] = b[2]; out[2] = b[1]; out[3] = b[0];
  out[4] = b[5]; out[5] = b[4];
  out[6] = b[7]; out[7] = b[6];
  b.copy(out, 8, 8, 16);
  return out;
}

/** Raw objectGUID bytes → onPremisesImmutableId (base64 of the bytes as stored). */
export function immutableIdFromGuidBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`objectGUID must be 16 bytes, got ${bytes.length}`);
  return Buffer.from(bytes).toString('base64');
}

/** onPremisesImmutableId → dashed GUID string (only for the default objectGUID sourceAnchor). */
export function guidStringFromImmutableId(immutableId: string): string {
  return guidBytesToString(Buffer.from(immutableId, 'base64'));
}

/** Binary objectSid → `S-R-I-S1-…`. */
export function sidBytesToString(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  if (b.length < 8) throw new RangeError(`objectSid too short (${b.length} bytes)`);
  const revision = b[0];
  const count = b[1];
  if (b.length !== 8 + 4 * count) throw new RangeError(`objectSid length ${b.length} does not match ${count} sub-authorities`);
  const authority = b.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(b.readUInt32LE(8 + 4 * i));
  return ['S', revision, authority, ...subs].join('-');
}

/** `S-1-5-21-…` → binary objectSid. */
export function sidStringToBytes(sid: string): Buffer {
  const m = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(sid);
  if (!m) throw new RangeError(`not a SID: ${sid}`);
  const subs = m[3] ? m[3].slice(1).split('-').map(Number) : [];
  if (subs.length > 15) throw new RangeError(`too many sub-authorities in ${sid}`);
  const out = Buffer.alloc(8 + 4 * subs.length);
  out[0] = Number(m[1]);
  out[1] = subs.length;
  out.writeUIntBE(Number(m[2]), 2, 6);
  subs.forEach((s, i) => {
    if (!(s >= 0 && s <= 0xffffffff)) throw new RangeError(`sub-authority out of range in ${sid}`);
    out.writeUInt32LE(s, 8 + 4 * i);
  });
  return out;
}

/** The RID (last sub-authority) of a SID string. */
export function ridOf(sid: string): number {
  return Number(sid.slice(sid.lastIndexOf('-') + 1));
}
