/**
 * Seeded DC snapshots keep their users' AD records (test/lab/user-records.ts): a lab cloned from the snapshot
 * takes them from the file instead of reading every user back over LDAP — and the records it hands out are what
 * the clone's DC holds (read back here independently). A file that differs from the DC is not trusted: the lab
 * reads the users over LDAP and writes the file again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guidBytesToString, sidBytesToString } from '../lab/ad-ids';
import { startLab, type Lab } from '../lab/fixture';
import { labPaths } from '../lab/lab-paths';
import { ensureGolden } from '../lab/samba/golden';
import { readUserRecords, USER_RECORDS_FILE } from '../lab/user-records';

// A user count no other test seeds, so this test owns its snapshot.
const N = 37;

/** Start a lab from the seeded snapshot and return what it logged about the users' records. */
async function start(): Promise<{ lab: Lab; lines: string[] }> {
  const lines: string[] = [];
  const lab = await startLab({ users: N, seedSnapshot: true, log: (m) => lines.push(m) });
  return { lab, lines };
}

/** The lab's users as its DC holds them, read over LDAP as the service account. */
async function adUsers(lab: Lab): Promise<Map<string, { dn: string; sam: string; upn: string; guid: string; sid: string }>> {
  const c = await lab.dc.connect('service');
  try {
    const { searchEntries } = await c.search(lab.dc.usersOu, {
      scope: 'sub',
      filter: '(&(objectCategory=person)(objectClass=user))',
      attributes: ['sAMAccountName', 'userPrincipalName', 'objectGUID', 'objectSid'],
      explicitBufferAttributes: ['objectGUID', 'objectSid'],
    });
    return new Map(searchEntries.map((e) => [String(e.sAMAccountName).toLowerCase(), {
      dn: e.dn, sam: String(e.sAMAccountName), upn: String(e.userPrincipalName),
      guid: guidBytesToString(e.objectGUID as Buffer), sid: sidBytesToString(e.objectSid as Buffer),
    }]));
  } finally {
    await c.unbind();
  }
}

async function expectRecordsMatchDc(lab: Lab): Promise<void> {
  const ad = await adUsers(lab);
  const recs = lab.seeded.users!.ad;
  expect(recs).toHaveLength(N);
  expect(ad.size).toBe(N);
  for (const r of recs) {
    const a = ad.get(r.samAccountName.toLowerCase());
    expect(a, r.samAccountName).toBeDefined();
    expect({ dn: r.dn, sam: r.samAccountName, upn: r.userPrincipalName, guid: r.objectGuid, sid: r.objectSid }).toEqual(a);
    expect(r.immutableId).toBe(r.objectGuidBytes.toString('base64'));
  }
  // The emulator's synced users carry the same identifiers.
  const synced = lab.seeded.users!.synced;
  expect(synced.map((u) => u.onPremisesSecurityIdentifier)).toEqual(recs.map((r) => r.objectSid));
}

describe('seeded snapshots keep their users\' AD records', () => {
  it('a clone takes them from the snapshot when a sample matches its DC, and reads over LDAP when not', async () => {
    const snapshot = join(labPaths().labDir, 'seeded', `${(await ensureGolden({ paths: labPaths() })).key}-u${N}`);
    const file = join(snapshot, USER_RECORDS_FILE);

    // First start: seeds and snapshots (or clones an existing snapshot); either way the file exists afterwards.
    const first = await start();
    try {
      await expectRecordsMatchDc(first.lab);
    } finally {
      await first.lab.stop();
    }
    expect(readUserRecords(file)?.size).toBe(N);

    const fromFile = await start();
    try {
      expect(fromFile.lines.some((l) => l.includes(`${N} AD users from ${file}`)), fromFile.lines.join('\n')).toBe(true);
      await expectRecordsMatchDc(fromFile.lab);
    } finally {
      await fromFile.lab.stop();
    }

    // A file that says something else about the first user (always in the sample) is not trusted.
    const good = readFileSync(file, 'utf8');
    const lines = good.split('\n');
    const row = JSON.parse(lines[1]) as string[];
    row[4] = row[4].replace(/-(\d+)$/, (_, rid: string) => `-${Number(rid) + 100000}`);
    writeFileSync(file, [lines[0], JSON.stringify(row), ...lines.slice(2)].join('\n'));
    const stale = await start();
    try {
      expect(stale.lines.some((l) => l.includes('does not match the DC') && l.includes('objectSid')), stale.lines.join('\n')).toBe(true);
      await expectRecordsMatchDc(stale.lab);
    } finally {
      await stale.lab.stop();
    }
    // …and is written again from what LDAP returned.
    expect(readFileSync(file, 'utf8')).toBe(good);
  });
});
