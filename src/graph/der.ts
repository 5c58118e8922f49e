/**
 * A minimal DER reader: enough ASN.1 to walk a PKCS#12 file (definite lengths only).
 */

export interface Tlv {
  tag: number;
  /** Offset of the tag byte (the element's first byte). */
  offset: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset after the last content byte. */
  end: number;
}

export class DerError extends Error {}

export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated ASN.1 element');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte ASN.1 tags are not supported');
  let len = buf[offset + 1];
  let pos = offset + 2;
  if (len === 0x80) throw new DerError('indefinite-length (BER) encoding is not supported');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || pos + n > limit) throw new DerError('bad ASN.1 length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i];
    pos += n;
  }
  if (pos + len > limit) throw new DerError('truncated ASN.1 element');
  return { tag, offset, start: pos, end: pos + len };
}

/** The elements inside a constructed element. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.start;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function content(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.start, t.end);
}

/** The whole element, header included. */
export function element(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.offset, t.end);
}

export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

export function oid(buf: Buffer, t: Tlv): string {
  expectTag(t, 0x06, 'OBJECT IDENTIFIER');
  const b = content(buf, t);
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function integer(buf: Buffer, t: Tlv): number {
  expectTag(t, 0x02, 'INTEGER');
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i];
  return v;
}

/** OCTET STRING, primitive or constructed (concatenated), under any tag given. */
export function octets(buf: Buffer, t: Tlv): Buffer {
  if (t.tag & 0x20) return Buffer.concat(children(buf, t).map((c) => octets(buf, c)));
  return content(buf, t);
}
