/**
 * Issue 11: the Kerberos directory driver (S.DS.P through edge-js; Negotiate, signed and sealed, on ldap://389)
 * against lab DCs that require strong authentication (LDAP signing), as Windows Server 2025 DCs do by default.
 *  - a simple bind on plain 389 is refused, with a message naming the fix;
 *  - the Kerberos driver provisions the demo tenant and the awkward-names tenant (nested.json); the ldapts driver,
 *    run afterwards over LDAPS, finds nothing to write (both drivers see the same, exact AD state), and the test reads
 *    the groups and members back with its own LDAP client;
 *  - the real `gwb run` process in Kerberos mode has the service account's password nowhere: not in its
 *    configuration, its environment, its argv, nor any file it writes.
 * (The engine suites run against this driver too: GWB_TEST_DIRECTORY_AUTH=kerberos, see build/test.mjs.)
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types';
import { DirectoryError, LdapTarget } from '../../src/directory';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, labConfig, readAnchoredGroups, readMembers, useDirectoryDriver } from './engine-helpers';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'module/GroupWriteback/bin/gwb.cjs');

/** Groups and members as read back over LDAP by the test's own client (anchor → snapshot). */
async function snapshot(client: Client, baseDn: string): Promise<Map<string, { dn: string; displayName?: string; description?: string; groupType?: string; members: string[] }>> {
  const out = new Map();
  for (const g of await readAnchoredGroups(client, baseDn)) {
    out.set(g.anchor, { dn: g.dn, displayName: g.displayName, description: g.description, groupType: g.groupType, members: (await readMembers(client, g.dn)).map((m) => m.toLowerCase()).sort() });
  }
  return out;
}

/** The lab's config file with directory.auth kerberos (ldap://389, the gwb-svc keytab), no bind account, no password. */
function writeKerberosConfig(lab: Lab): { configPath: string; doc: any } {
  const doc = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
  const k = lab.dc.kerberos;
  doc.directory = { ...doc.directory, urls: [`ldap://${lab.dc.ip}:389`], auth: { type: 'kerberos', keytab: k.keytab, principal: k.principal, krb5Config: k.krb5Conf } };
  delete doc.directory.bindDn;
  delete doc.directory.password;
  const configPath = join(lab.config!.path, '..', 'kerberos.json');
  writeFileSync(configPath, JSON.stringify(doc, null, 2));
  return { configPath, doc };
}

function kerberosConfig(lab: Lab): ResolvedConfig {
  return useDirectoryDriver(labConfig(lab), lab, 'kerberos');
}

describe('strong authentication required: a simple bind on plain 389', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ graph: false, strongAuth: true });
  }, 120_000);
  afterAll(() => lab?.stop());

  it('is refused (StrongAuthRequired) with a hint naming LDAPS/StartTLS and Kerberos', async () => {
    const t = new LdapTarget({ urls: `ldap://${lab.dc.ip}:389`, startTls: false, baseDn: lab.dc.baseDn, bindDn: lab.dc.service.bindDn, password: lab.dc.service.password });
    const err = await t.checkConnection().then(() => null, (e: unknown) => e);
    await t.close();
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err).toMatchObject({ resultCode: 8, code: 'StrongAuthRequired', category: 'SecurityError', operation: 'bind' });
    expect((err as DirectoryError).hint).toMatch(/ldaps:\/\/.*StartTLS.*directory\.auth \{"type": "kerberos"\}/s);
  });
});

describe.each(['test/fixtures/tenants/demo.json', 'test/fixtures/tenants/nested.json'])('Kerberos driver provisions %s on a strong-auth DC', (tenant) => {
  let lab: Lab;
  let admin: Client;
  let first: Awaited<ReturnType<typeof cycle>>;

  beforeAll(async () => {
    lab = await startLab({ tenant, strongAuth: true });
    admin = await lab.dc.connect('admin');
    first = await cycle(kerberosConfig(lab), { full: true });
  }, 180_000);
  afterAll(async () => {
    await admin?.unbind();
    await lab?.stop();
  });

  it('writes every eligible group with its members, and nothing fails', async () => {
    expect(first.summary).toMatchObject({ status: 'success', errors: 0 });
    expect(first.ldap.binds).toBeGreaterThan(0);
    const ad = await snapshot(admin, lab.dc.baseDn);
    expect(ad.size).toBe(first.summary.groups.created);
    expect(ad.size).toBe(first.summary.groups.inScope);
    expect(ad.size).toBeGreaterThan(0);
    const withMembers = [...ad.values()].filter((g) => g.members.length > 0);
    expect(withMembers.length).toBeGreaterThan(0);
    // Every member value names an existing object (read back by DN).
    for (const g of withMembers) {
      for (const m of g.members) {
        const r = await admin.search(m, { scope: 'base', attributes: ['objectClass'] });
        expect(r.searchEntries, `${g.dn} → ${m}`).toHaveLength(1);
      }
    }
  });

  it('the ldapts driver (LDAPS, simple bind) then finds the exact same state: a full cycle writes nothing', async () => {
    const before = await snapshot(admin, lab.dc.baseDn);
    const simple = useDirectoryDriver(labConfig(lab), lab, 'simple');
    const again = await cycle(simple, { full: true });
    expect(again.ldap.writes).toBe(0);
    expect(await snapshot(admin, lab.dc.baseDn)).toEqual(before);
    // and the Kerberos driver agrees with itself
    const k = await cycle(kerberosConfig(lab), { full: true });
    expect(k.ldap.writes).toBe(0);
  });
});

describe('no password anywhere in Kerberos mode (the real gwb run process)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ tenant: 'test/fixtures/tenants/demo.json', strongAuth: true });
  }, 120_000);
  afterAll(() => lab?.stop());

  it('config, environment, argv and every file the run writes are free of the service password; AD got the groups', async () => {
    const secret = lab.dc.service.password;
    const { configPath, doc } = writeKerberosConfig(lab);

    // Only what a real host would have: PATH/HOME, the CA for the Graph emulator and the Graph client secret.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...lab.config!.env };
    const argv = [CLI, 'run', '--config', configPath, '--full', '--json'];
    const started = Date.now();
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stderr).not.toContain(secret);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.groups.created).toBeGreaterThan(0);

    expect(readFileSync(configPath, 'utf8')).not.toContain(secret);
    for (const v of [...Object.values(env), ...argv]) expect(v).not.toContain(secret);
    expect(r.stdout).not.toContain(secret);
    // Every file written during the run: the state dir (state, log, provisioning log…) and anything new in the config dir.
    const written: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.mtimeMs >= started - 1000) written.push(p);
      }
    };
    walk(join(lab.config!.path, '..'));
    expect(written.some((f) => f.startsWith(doc.state.path))).toBe(true);
    for (const f of written) {
      if (f === lab.config!.passwordFile) continue; // the lab's own simple-bind file, not written by the run
      expect(readFileSync(f).includes(Buffer.from(secret)), f).toBe(false);
    }
    // The keytab logon used an in-memory ticket cache: no ticket file appeared next to the DC's krb5.conf.
    expect(existsSync(join(lab.dc.dir, 'krb5cc'))).toBe(false);

    const client = await lab.dc.connect('admin');
    try {
      expect((await readAnchoredGroups(client, lab.dc.baseDn)).length).toBe(result.groups.created);
    } finally {
      await client.unbind();
    }
  });

  it('a module folder without the native part: simple still works, kerberos names exactly what is missing', async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...lab.config!.env };
    const tmp = mkdtempSync(join(tmpdir(), 'gwb-nonative-'));
    const run = (cli: string, config: string) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'plan', '--full', '--config', config, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    try {
      cpSync(CLI, join(tmp, 'gwb.cjs'));
      const kconf = writeKerberosConfig(lab).configPath;
      const simple = await run(join(tmp, 'gwb.cjs'), lab.config!.path);
      expect(simple.code, simple.stderr.slice(-1500)).toBe(0);
      const noDll = await run(join(tmp, 'gwb.cjs'), kconf);
      expect(noDll.code, noDll.stdout.slice(0, 1500)).not.toBe(0);
      expect(noDll.stdout + noDll.stderr).toMatch(/GroupWriteback\.Directory\.dll for linux-x64 is not in the module/);
      // with the .NET library but without edge-js
      cpSync(join(ROOT, 'module/GroupWriteback/bin/native'), join(tmp, 'native'), { recursive: true });
      const noEdge = await run(join(tmp, 'gwb.cjs'), kconf);
      expect(noEdge.code, noEdge.stdout.slice(0, 1500)).not.toBe(0);
      expect(noEdge.stdout + noEdge.stderr).toMatch(/edge-js native addon could not be loaded/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('config test (Test-GroupWritebackConfiguration) checks keytab, ticket, clock, SPN and bind; a wrong principal fails naming the fix', async () => {
    const { doc } = writeKerberosConfig(lab);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...lab.config!.env };
    const test = (file: string) => new Promise<{ code: number | null; rows: any[] }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'config', 'test', '--config', file, '--skip-write-probe', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => {
        const j = JSON.parse(out);
        resolve({ code, rows: Array.isArray(j) ? j : j.rows ?? j.checks ?? [] });
      });
    });
    const ok = await test(join(lab.config!.path, '..', 'kerberos.json'));
    const status = (rows: any[], id: string) => rows.find((r) => r.id === id)?.status;
    for (const id of ['directory.kerberos.keytab', 'directory.kerberos.ticket', 'directory.kerberos.clock', 'directory.kerberos.spn', 'directory.bind']) {
      expect(status(ok.rows, id), JSON.stringify(ok.rows.filter((r) => r.status !== 'Passed'))).toBe('Passed');
    }
    expect(ok.rows.find((r) => r.id === 'directory.bind').message).toMatch(/Kerberos.*signed and sealed/);

    doc.directory.auth.principal = 'someone-else@LAB.EXAMPLE.COM';
    const bad = join(lab.config!.path, '..', 'kerberos-bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    const r = await test(bad);
    expect(r.code).not.toBe(0);
    const row = r.rows.find((x) => x.id === 'directory.kerberos.keytab');
    expect(row).toMatchObject({ status: 'Failed' });
    expect(row.message).toContain('holds no key for someone-else@LAB.EXAMPLE.COM');
    expect(row.fix).toMatch(/directory\.auth\.principal/);
  });
});
