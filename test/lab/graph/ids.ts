/**
 * Identifier helpers shared by the emulator and the lab seeding: GUIDs, the cloud SID Entra derives from a
 * group/user object id, and Entra Connect's default sourceAnchor (onPremisesImmutableId).
 */
import { randomUUID } from 'node:crypto';

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

export function isGuid(value: unknown): boolean {
  return typeof value === 'string' && GUID_RE.test(value);
}

/** The 16 bytes of a GUID in .NET `Guid.ToByteArray()` order (first three fields little-endian). */
export function guidToBytes(guid: string): Buffer {
  if (!isGuid(guid)) throw new TypeError(`Not a GUID: ${guid}`);
  const hex = guid.replace(/-/g, '');
  const raw = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out[0] = raw[3]; out[1] = raw[2]; out[2] = raw[1]; out[3] = raw[0];
  out[4] = raw[5]; out[5] = raw[4];
  out[6] = raw[7]; out[7] = raw[6];
  raw.copy(out, 8, 8, 16);
  return out;
}

/** Inverse of guidToBytes (e.g. an AD objectGUID read over LDAP → its string form). */
export function bytesToGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError('A GUID has 16 bytes');
  const b = Buffer.from(bytes);
  const raw = Buffer.alloc(16);
  raw[0] = b[3]; raw[1] = b[2]; raw[2] = b[1]; raw[3] = b[0];
  raw[4] = b[5]; raw[5] = b[4];
  raw[6] = b[7]; raw[7] = b[6];
  b.copy(raw, 8, 8, 16);
  const h = raw.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Cloud SID of an Entra object: `S-1-12-1-` + the four little-endian uint32 of the id's bytes. */
export function cloudSid(id: string): string {
  const b = guidToBytes(id);
  return `S-1-12-1-${b.readUInt32LE(0)}-${b.readUInt32LE(4)}-${b.readUInt32LE(8)}-${b.readUInt32LE(12)}`;
}

/** Entra Connect's default sourceAnchor: base64 of the objectGUID's bytes (.NET order). */
export function immutableIdFromGuid(objectGuid: string): string {
  return guidToBytes(objectGuid).toString('base64');
}

/** Graph timestamps: ISO 8601 UTC without milliseconds. */
export function graphNow(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
