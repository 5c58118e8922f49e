/**
 * The AD records of a seeded snapshot's synced users (DN, sAMAccountName, UPN, objectGUID, objectSid), kept in a
 * file inside the snapshot so that a lab cloned from it need not read every user back over LDAP (550,000 users
 * took ≈ 570 s on the loaded bench machine, the slowest part of a big lab's start).
 *
 * The file is written from what LDAP returned (startLab, after it seeded or read the users) or from the same
 * database by the offline seeder (bench/seed-users.py). It lives in the snapshot directory, so it is deleted and
 * rebuilt with the snapshot. A clone still checks a spread sample of the records against its DC over LDAP before
 * it trusts the file; any difference (or a file that does not name every expected user) means "read over LDAP".
 *
 * Format (NDJSON): a header `{"format":"gwb-lab-ad-users","version":1,"count":N}`, then one array per user:
 * `[dn, sAMAccountName, userPrincipalName, base64(objectGUID bytes), objectSid string]`.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { guidBytesToString, immutableIdFromGuidBytes } from './ad-ids';
import type { AdUserRecord } from './seed';

export const USER_RECORDS_FILE = 'ad-users.ndjson';
const FORMAT = 'gwb-lab-ad-users';
const VERSION = 1;

export type AdUserFields = Omit<AdUserRecord, 'spec'>;

function fromRow(row: unknown): AdUserFields {
  if (!Array.isArray(row) || row.length !== 5 || !row.every((x) => typeof x === 'string')) throw new Error(`not a user record: ${JSON.stringify(row)}`);
  const [dn, samAccountName, userPrincipalName, guid64, objectSid] = row as string[];
  const guid = Buffer.from(guid64, 'base64');
  return {
    dn,
    samAccountName,
    userPrincipalName,
    objectGuid: guidBytesToString(guid),
    objectGuidBytes: guid,
    objectSid,
    immutableId: immutableIdFromGuidBytes(guid),
  };
}

/** Write the records (atomically: a temporary file renamed into place). */
export function writeUserRecords(path: string, records: readonly AdUserFields[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const lines = [JSON.stringify({ format: FORMAT, version: VERSION, count: records.length })];
  for (const r of records) lines.push(JSON.stringify([r.dn, r.samAccountName, r.userPrincipalName, r.objectGuidBytes.toString('base64'), r.objectSid]));
  try {
    writeFileSync(tmp, `${lines.join('\n')}\n`);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The records keyed by lowercase sAMAccountName, or null when there is no file, or it is not one of ours. */
export function readUserRecords(path: string): Map<string, AdUserFields> | null {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  let header: { format?: unknown; version?: unknown; count?: unknown };
  try {
    header = JSON.parse(lines[0] ?? 'null') ?? {};
  } catch {
    return null;
  }
  if (header.format !== FORMAT || header.version !== VERSION || header.count !== lines.length - 1) return null;
  const out = new Map<string, AdUserFields>();
  try {
    for (let i = 1; i < lines.length; i++) {
      const r = fromRow(JSON.parse(lines[i]));
      out.set(r.samAccountName.toLowerCase(), r);
    }
  } catch {
    return null;
  }
  return out;
}

/** Up to `n` items spread evenly over `items`, the first and the last among them. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]);
}
