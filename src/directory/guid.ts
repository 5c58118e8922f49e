/**
 * objectGUID conversions. AD stores a GUID as 16 bytes in .NET `Guid.ToByteArray()` order: the first three
 * fields little-endian, the last 8 bytes as written. So `{00112233-4455-6677-8899-aabbccddeeff}` is stored as
 * `33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff`. Entra Connect's default sourceAnchor
 * (`onPremisesImmutableId`) is base64 of exactly those bytes.
 */
import { GwbError } from '../core/errors';
import { formatGuid } from '../core/flat-string';

/** objectGUID byte order → GUID string order. */
const AD_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

const GUID = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;
const BASE64 = /^[A-Za-z0-9+/]{22}==$/;

function invalid(value: unknown, what: string): GwbError {
  return new GwbError(`Not a valid ${what}: ${JSON.stringify(value)}`, {
    code: 'InvalidGuid',
    category: 'InvalidArgument',
    target: value,
  });
}

/** True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (braces allowed). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** 16 objectGUID bytes → lowercase dashed GUID string. */
export function guidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw invalid(`<${bytes.length} bytes>`, 'objectGUID (16 bytes)');
  // One flat string (not a concatenation: see core/flat-string.ts): state records hold it for every group.
  return formatGuid(bytes, AD_ORDER);
}

/** GUID string → 16 objectGUID bytes (AD byte order). */
export function guidToBytes(guid: string): Buffer {
  const m = GUID.exec(guid.trim());
  if (!m) throw invalid(guid, 'GUID');
  const hex = m.slice(1).join('');
  const raw = Buffer.from(hex, 'hex'); // big-endian textual order
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(order.map((i) => raw[i]));
}

/** Normalise a GUID string to lowercase without braces. */
export function normalizeGuid(guid: string): string {
  return guidFromBytes(guidToBytes(guid));
}

/** base64 immutableId (sourceAnchor) → GUID string; throws if it does not decode to 16 bytes. */
export function immutableIdToGuid(immutableId: string): string {
  const s = immutableId.trim();
  if (!BASE64.test(s)) throw invalid(immutableId, 'base64 GUID immutableId');
  return guidFromBytes(Buffer.from(s, 'base64'));
}

/** GUID string → base64 immutableId, as Entra Connect writes it. */
export function guidToImmutableId(guid: string): string {
  return guidToBytes(guid).toString('base64');
}

/**
 * objectGUID bytes from either a GUID string or a base64 immutableId; null when the value is neither (a custom
 * sourceAnchor such as an employee id cannot be resolved through objectGUID).
 */
export function guidBytesFromAnchor(value: string): Buffer | null {
  const s = value.trim();
  if (GUID.test(s)) return guidToBytes(s);
  if (BASE64.test(s)) return Buffer.from(s, 'base64');
  return null;
}
