/**
 * Issue 3, AD half: a throw-away Samba AD DC cloned from the golden copy on its own 127.0.0.N, LDAPS with the lab
 * CA, the msDS-ExternalDirectoryObjectId schema extension, and the delegated service account's rights.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type DcHandle } from '../lab/samba/dc';
import { ensureGolden } from '../lab/samba/golden';
import { connectLdap } from '../lab/samba/ldap-client';

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** TCP addresses a process listens on, from /proc (no ss/netstat needed): `ip:port`, IPv6 as `[hex]:port`. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9])) continue; // 0A = LISTEN
      const [hex, port] = f[1].split(':');
      const addr = hex.length === 8 ? Buffer.from(hex, 'hex').reverse().join('.') : `[${hex}]`;
      out.push(`${addr}:${parseInt(port, 16)}`);
    }
  }
  return out;
}

async function ldapCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

const GROUP_TYPE_UNIVERSAL_SECURITY = '-2147483640';

describe('lab Samba AD DC', () => {
  let dc: DcHandle;
  let svc: Client;
  const tmp = mkdtempSync(join(tmpdir(), 'gwb-lab-dc-'));

  beforeAll(async () => {
    await ensureGolden(); // may build it once (≈6 s); the start below is then from the golden copy
    dc = await startDc();
    svc = await dc.connect('service');
  });

  afterAll(async () => {
    await svc?.unbind().catch(() => {});
    await dc?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  // How fast it starts is a benchmark (npm run bench:lab, bench/RESULTS.md), not a test: a loaded machine is slower.
  it('starts from the golden copy on its own loopback address', async () => {
    expect(dc.ip).toMatch(/^127\.0\.0\.(\d+)$/);
    expect(Number(dc.ip.split('.')[3])).toBeGreaterThanOrEqual(2);
    expect(dc.url).toBe(`ldaps://${dc.ip}:636`);
    expect(dc.alive()).toBe(true);
    // samba listens on this address only (no wildcard, no 127.0.0.1, no ::1)
    const listening = listeningAddresses(dc.pid);
    expect(listening).toContain(`${dc.ip}:636`);
    expect(listening).toContain(`${dc.ip}:389`);
    for (const a of listening) expect(a.startsWith(`${dc.ip}:`), a).toBe(true);
  });

  it('ldapsearch over LDAPS (cert verified against the lab CA) as the service account sees the target OU', async () => {
    const pw = join(tmp, 'pw');
    writeFileSync(pw, dc.service.password, { mode: 0o600 });
    const r = await sh('ldapsearch', ['-LLL', '-H', dc.url, '-D', dc.service.bindDn, '-y', pw, '-b', dc.targetOu, '-s', 'base', 'ou'], {
      LDAPTLS_CACERT: dc.caFile, LDAPTLS_REQCERT: 'demand',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dn: ${dc.targetOu}`);
    expect(r.stdout).toContain('ou: Cloud Groups');
    // and a wrong password is refused (rc 49)
    writeFileSync(pw, 'wrong-password', { mode: 0o600 });
    const bad = await sh('ldapsearch', ['-LLL', '-H', dc.url, '-D', dc.service.bindDn, '-y', pw, '-b', dc.targetOu, '-s', 'base'], {
      LDAPTLS_CACERT: dc.caFile,
    });
    expect(bad.code).toBe(49);
  });

  it('the schema holds msDS-ExternalDirectoryObjectId, allowed on groups (via mailRecipient)', async () => {
    const schema = `CN=Schema,CN=Configuration,${dc.baseDn}`;
    const { searchEntries } = await svc.search(schema, {
      scope: 'one',
      filter: '(lDAPDisplayName=msDS-ExternalDirectoryObjectId)',
      attributes: ['attributeID', 'attributeSyntax', 'isSingleValued', 'rangeUpper', 'searchFlags'],
    });
    expect(searchEntries).toHaveLength(1);
    expect(searchEntries[0]).toMatchObject({
      attributeID: '1.2.840.113556.1.4.2310', attributeSyntax: '2.5.5.12', isSingleValued: 'TRUE', rangeUpper: '256', searchFlags: '9',
    });
    const mr = await svc.search(`CN=Mail-Recipient,${schema}`, { scope: 'base', attributes: ['mayContain'] });
    expect([mr.searchEntries[0].mayContain].flat()).toContain('msDS-ExternalDirectoryObjectId');
  });

  it('the service account creates, writes and deletes groups in both target OUs', async () => {
    for (const ou of [dc.targetOu, dc.targetOu2]) {
      const anchor = `Group_${crypto.randomUUID()}`;
      const sam = `gwbt-${Math.random().toString(36).slice(2, 10)}`;
      const dn = `CN=${sam},${ou}`;
      await svc.add(dn, {
        objectClass: ['top', 'group'], sAMAccountName: sam, groupType: GROUP_TYPE_UNIVERSAL_SECURITY,
        'msDS-ExternalDirectoryObjectId': anchor, description: 'created by the delegated service account',
      });
      await svc.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['changed'] }) }));
      const found = await svc.search(ou, { scope: 'one', filter: `(msDS-ExternalDirectoryObjectId=${anchor})`, attributes: ['description', 'sAMAccountName'] });
      expect(found.searchEntries).toHaveLength(1);
      expect(found.searchEntries[0]).toMatchObject({ dn, description: 'changed', sAMAccountName: sam });
      await svc.del(dn);
      const gone = await svc.search(ou, { scope: 'one', filter: `(sAMAccountName=${sam})` });
      expect(gone.searchEntries).toHaveLength(0);
    }
  });

  it('the service account is refused (insufficient access, rc 50) outside the target OUs', async () => {
    const sam = `gwbx-${Math.random().toString(36).slice(2, 10)}`;
    const group = { objectClass: ['top', 'group'], sAMAccountName: sam, groupType: GROUP_TYPE_UNIVERSAL_SECURITY };
    expect(await ldapCode(svc.add(`CN=${sam},CN=Users,${dc.baseDn}`, group))).toBe(50);
    expect(await ldapCode(svc.add(`CN=${sam},${dc.usersOu}`, group))).toBe(50);
    expect(await ldapCode(svc.add(`CN=${sam},${dc.baseDn}`, group))).toBe(50);
    // only group objects in the target OU: no users, no OUs
    expect(await ldapCode(svc.add(`CN=${sam},${dc.targetOu}`, { objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: sam }))).toBe(50);
    expect(await ldapCode(svc.add(`OU=${sam},${dc.targetOu}`, { objectClass: ['organizationalUnit'] }))).toBe(50);
    // no writes to built-in groups or users
    const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['x'] }) });
    expect(await ldapCode(svc.modify(`CN=Domain Admins,CN=Users,${dc.baseDn}`, change))).toBe(50);
    expect(await ldapCode(svc.modify(dc.admin.bindDn, change))).toBe(50);
    // and cannot delete a group the admin created outside the target OUs
    const admin = await dc.connect('admin');
    try {
      const dn = `CN=${sam},CN=Users,${dc.baseDn}`;
      await admin.add(dn, group);
      expect(await ldapCode(svc.del(dn))).toBe(50);
      await admin.del(dn);
    } finally {
      await admin.unbind();
    }
  });

  it('the service account is a plain delegated user: not Administrator, in no admin group, password never expires', async () => {
    expect(dc.service.bindDn).not.toBe(dc.admin.bindDn);
    const { searchEntries } = await svc.search(dc.service.bindDn, { scope: 'base', attributes: ['memberOf', 'adminCount', 'userAccountControl', 'primaryGroupID'] });
    const me = searchEntries[0];
    expect([me.memberOf].flat().filter(Boolean)).toEqual([]);
    expect(me.adminCount ?? []).toEqual([]);
    expect(me.primaryGroupID).toBe('513'); // Domain Users
    expect(Number(me.userAccountControl) & 0x10000).toBe(0x10000); // DONT_EXPIRE_PASSWORD
    expect(Number(me.userAccountControl) & 0x2).toBe(0); // enabled
    // reads users (for member resolution)
    const users = await svc.search(`CN=Users,${dc.baseDn}`, { scope: 'one', filter: '(sAMAccountName=Administrator)', attributes: ['objectSid'] });
    expect(users.searchEntries).toHaveLength(1);
  });

  it('runs several DCs side by side, each on its own address; stop() ends samba and removes the clone', async () => {
    const [a, b] = await Promise.all([startDc(), startDc()]);
    try {
      expect(new Set([dc.ip, a.ip, b.ip]).size).toBe(3);
      for (const x of [a, b]) {
        const c = await connectLdap({ url: x.url, caFile: x.caFile, ...x.service });
        const r = await c.search(x.targetOu, { scope: 'base' });
        expect(r.searchEntries[0].dn).toBe(x.targetOu);
        await c.unbind();
      }
    } finally {
      await a.stop();
      await b.stop();
    }
    for (const x of [a, b]) {
      expect(x.alive()).toBe(false);
      expect(existsSync(x.dir)).toBe(false);
    }
    // the address is free again for the next DC
    const again = await startDc({ ip: a.ip });
    expect(again.ip).toBe(a.ip);
    await again.stop();
  });
});
