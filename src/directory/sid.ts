/**
 * objectSid conversions between the binary form AD stores (MS-DTYP 2.4.2.2) and the `S-1-5-21-…` string form:
 * revision (1 byte), sub-authority count (1 byte), identifier authority (6 bytes, big-endian), then each
 * sub-authority as a 32-bit little-endian integer.
 */
import { GwbError } from '../core/errors';

const SID = /^S-1-(\d+)((?:-\d+){1,15})$/i;

function invalid(value: unknown): GwbError {
  return new GwbError(`Not a valid security identifier: ${JSON.stringify(value)}`, {
    code: 'InvalidSid',
    category: 'InvalidArgument',
    target: value,
  });
}

/** True for `S-1-<authority>-<sub>…` with 1 to 15 sub-authorities, each fitting in 32 bits. */
export function isSid(value: string): boolean {
  const m = SID.exec(value.trim());
  if (!m) return false;
  if (Number(m[1]) > 0xffffffffffff) return false;
  return m[2].slice(1).split('-').every((s) => Number(s) <= 0xffffffff);
}

/** objectSid bytes → `S-1-5-21-…`. */
export function sidFromBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 8) throw invalid(`<${b.length} bytes>`);
  const revision = b[0];
  const count = b[1];
  if (revision !== 1 || count > 15 || b.length !== 8 + 4 * count) throw invalid(`<${b.toString('hex')}>`);
  const authority = b.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(b.readUInt32LE(8 + 4 * i));
  return `S-${revision}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

/** `S-1-5-21-…` → objectSid bytes. */
export function sidToBytes(sid: string): Buffer {
  const s = sid.trim();
  if (!isSid(s)) throw invalid(sid);
  const m = SID.exec(s)!;
  const subs = m[2].slice(1).split('-').map(Number);
  const b = Buffer.alloc(8 + 4 * subs.length);
  b[0] = 1;
  b[1] = subs.length;
  b.writeUIntBE(Number(m[1]), 2, 6);
  subs.forEach((v, i) => b.writeUInt32LE(v, 8 + 4 * i));
  return b;
}

/** Canonical string form (uppercase `S`, no leading zeros). */
export function normalizeSid(sid: string): string {
  return sidFromBytes(sidToBytes(sid));
}

/** The domain part of a domain account SID (all but the last sub-authority, the RID). */
export function sidDomain(sid: string): string {
  const s = normalizeSid(sid);
  return s.slice(0, s.lastIndexOf('-'));
}
