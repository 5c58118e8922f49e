/**
 * Normalising ldapts search entries. ldapts returns one value as a scalar, several as an array, and a requested
 * but absent attribute as `[]`; attribute names come back as the server spells them. Binary attributes
 * (objectGUID, objectSid) must be requested through `explicitBufferAttributes`, else bytes that happen to be valid
 * UTF-8 come back as a string.
 */
import type { Entry } from 'ldapts';
import type { AdGroup, AdUser } from '../model/directory';
import { guidFromBytes } from './guid';
import { sidFromBytes } from './sid';

export const ANCHOR_ATTRIBUTE = 'msDS-ExternalDirectoryObjectId';
export const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid'];

/** What is read for a group (never `member`: that is read in ranges). */
export const GROUP_ATTRIBUTES = [
  'cn',
  'displayName',
  'description',
  'adminDescription',
  'sAMAccountName',
  'groupType',
  ANCHOR_ATTRIBUTE,
  'objectGUID',
  'objectSid',
];

export const USER_ATTRIBUTES = ['objectGUID', 'objectSid', 'userPrincipalName', 'sAMAccountName'];

type Raw = Entry[string];

/**
 * UTF-8 that keeps a leading U+FEFF: ldapts decodes with TextDecoder's default, which drops it as a byte order
 * mark, so a displayName/description starting with U+FEFF would read back different from what was written and be
 * rewritten every cycle. String attributes are therefore requested as buffers and decoded here.
 */
const utf8KeepBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of a value; undefined when the bytes are not UTF-8. */
function textOf(v: string | Buffer): string | undefined {
  if (typeof v === 'string') return v;
  try {
    return utf8KeepBom.decode(v);
  } catch {
    return undefined;
  }
}

/** All values of an attribute (case-insensitive name), as an array; [] when absent. */
export function rawValues(entry: Entry, name: string): Array<string | Buffer> {
  const lower = name.toLowerCase();
  const out: Array<string | Buffer> = [];
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'dn' || k.toLowerCase() !== lower) continue;
    out.push(...([] as Array<string | Buffer>).concat(v as Raw));
  }
  return out;
}

export function stringValues(entry: Entry, name: string): string[] {
  return rawValues(entry, name).map((v) => textOf(v) ?? (v as Buffer).toString('utf8'));
}

export function firstString(entry: Entry, name: string): string | undefined {
  return stringValues(entry, name)[0];
}

/** The bytes of a binary attribute (tolerating a string decoded from valid UTF-8 bytes). */
export function bufferValue(entry: Entry, name: string): Buffer | undefined {
  const v = rawValues(entry, name)[0];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function binaryOrEmpty(entry: Entry, name: string, decode: (b: Buffer) => string): string {
  const b = bufferValue(entry, name);
  return b ? decode(b) : '';
}

/**
 * A group entry as an AdGroup. `attributes` holds every requested attribute that has a value, keyed by the
 * requested spelling, except the binary objectGUID/objectSid (decoded into objectGuid/objectSid).
 */
export function toAdGroup(entry: Entry, requested: readonly string[] = GROUP_ATTRIBUTES): AdGroup {
  const attributes: Record<string, string | string[]> = {};
  for (const name of requested) {
    if (BINARY_ATTRIBUTES.some((b) => b.toLowerCase() === name.toLowerCase())) continue;
    if (name.toLowerCase() === 'member' || name.toLowerCase().startsWith('member;')) continue;
    const vals = rawValues(entry, name).map((v) => textOf(v) ?? (v as Buffer).toString('base64'));
    if (vals.length === 1) attributes[name] = vals[0];
    else if (vals.length > 1) attributes[name] = vals;
  }
  return {
    dn: entry.dn,
    objectGuid: binaryOrEmpty(entry, 'objectGUID', guidFromBytes),
    objectSid: binaryOrEmpty(entry, 'objectSid', sidFromBytes),
    anchor: firstString(entry, ANCHOR_ATTRIBUTE) ?? null,
    attributes,
  };
}

export function toAdUser(entry: Entry): AdUser {
  const user: AdUser = {
    dn: entry.dn,
    objectGuid: binaryOrEmpty(entry, 'objectGUID', guidFromBytes),
    objectSid: binaryOrEmpty(entry, 'objectSid', sidFromBytes),
  };
  const upn = firstString(entry, 'userPrincipalName');
  const sam = firstString(entry, 'sAMAccountName');
  if (upn !== undefined) user.userPrincipalName = upn;
  if (sam !== undefined) user.sAMAccountName = sam;
  return user;
}

/**
 * Requested attribute names, every one also listed for buffers (in the spellings ldapts compares): binary ones
 * stay bytes, text is decoded by `textOf` (which keeps a leading U+FEFF).
 */
export function searchAttributes(names: readonly string[]): { attributes: string[]; explicitBufferAttributes: string[] } {
  const attributes = [...new Set(names)];
  const all = [...BINARY_ATTRIBUTES, ...attributes];
  return { attributes, explicitBufferAttributes: [...new Set([...all, ...all.map((b) => b.toLowerCase())])] };
}
