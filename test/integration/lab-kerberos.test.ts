/**
 * Issue 11, lab half: the lab DC's KDC, its ldap/ SPNs, the gwb-svc keytab and the per-DC krb5.conf, checked with
 * the MIT tools and OpenLDAP's client (GSSAPI); the strong-auth option refuses simple binds on plain 389.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type DcHandle } from '../lab/samba/dc';

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('lab DC: Kerberos and strong authentication', () => {
  let dc: DcHandle;
  let relaxed: DcHandle;
  const tmp = mkdtempSync(join(tmpdir(), 'gwb-lab-krb-'));
  let pwFile: string;

  beforeAll(async () => {
    dc = await startDc();
    relaxed = await startDc({ strongAuth: false });
    pwFile = join(tmp, 'pw');
    writeFileSync(pwFile, dc.service.password, { mode: 0o600 });
  }, 120_000);

  afterAll(async () => {
    await relaxed?.stop();
    await dc?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes a krb5.conf for the DC realm and KDC, and a 0600 keytab holding only gwb-svc', async () => {
    expect(dc.kerberos).toMatchObject({ realm: 'LAB.EXAMPLE.COM', kdc: `${dc.ip}:88`, principal: 'gwb-svc@LAB.EXAMPLE.COM' });
    const conf = readFileSync(dc.kerberos.krb5Conf, 'utf8');
    expect(conf).toContain('default_realm = LAB.EXAMPLE.COM');
    expect(conf).toContain(`kdc = ${dc.ip}`);
    expect(statSync(dc.kerberos.keytab).mode & 0o777).toBe(0o600);
    const kt = await sh('klist', ['-k', dc.kerberos.keytab]);
    expect(kt.code).toBe(0);
    const principals = new Set(kt.stdout.split('\n').map((l) => l.trim().split(/\s+/)[1]).filter((p) => p?.includes('@')));
    expect([...principals]).toEqual(['gwb-svc@LAB.EXAMPLE.COM']);
  });

  it('the KDC issues a TGT for gwb-svc from the keytab (kinit -k), into the per-DC ccache', async () => {
    const k = await sh('kinit', ['-k', '-t', dc.kerberos.keytab, dc.kerberos.principal], dc.kerberos.env);
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    const l = await sh('klist', [], dc.kerberos.env);
    expect(l.stdout).toContain('Default principal: gwb-svc@LAB.EXAMPLE.COM');
    expect(l.stdout).toContain('krbtgt/LAB.EXAMPLE.COM@LAB.EXAMPLE.COM');
  });

  it('the DC account carries ldap/ SPNs for its address and names; a GSSAPI bind by address is sealed (SSF 256)', async () => {
    const spn = await sh('ldapsearch', ['-LLL', '-H', dc.url, '-D', dc.admin.bindDn, '-y', pwFileFor(dc.admin.password),
      '-b', `OU=Domain Controllers,${dc.baseDn}`, '(sAMAccountName=DC1$)', 'servicePrincipalName'], { LDAPTLS_CACERT: dc.caFile });
    expect(spn.code).toBe(0);
    for (const s of dc.kerberos.spns) expect(spn.stdout).toContain(`servicePrincipalName: ${s}`);
    // No kinit here: a fresh ccache, MIT GSSAPI fetches the TGT from KRB5_CLIENT_KTNAME itself.
    const env = { ...dc.kerberos.env, KRB5CCNAME: `FILE:${join(tmp, 'cc-gss')}` };
    const r = await sh('ldapsearch', ['-N', '-Y', 'GSSAPI', '-LLL', '-H', `ldap://${dc.ip}`, '-b', dc.targetOu, '-s', 'base', 'dn'], env);
    expect(r.stderr).toContain('SASL username: gwb-svc@LAB.EXAMPLE.COM');
    expect(r.stderr).toContain('SASL SSF: 256');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dn: ${dc.targetOu}`);
  });

  it('strong auth (default): a simple bind on plain 389 is refused (rc 8); LDAPS still works', async () => {
    expect(dc.strongAuth).toBe(true);
    const plain = await sh('ldapsearch', ['-x', '-LLL', '-H', `ldap://${dc.ip}`, '-D', dc.service.bindDn, '-y', pwFile, '-b', dc.targetOu, '-s', 'base', 'dn']);
    expect(plain.code).toBe(8);
    expect(plain.stderr).toMatch(/Strong\(er\) authentication required/);
    const tls = await sh('ldapsearch', ['-x', '-LLL', '-H', dc.url, '-D', dc.service.bindDn, '-y', pwFile, '-b', dc.targetOu, '-s', 'base', 'dn'], { LDAPTLS_CACERT: dc.caFile });
    expect(tls.code).toBe(0);
  });

  it('strongAuth: false accepts the same simple bind on plain 389', async () => {
    expect(relaxed.strongAuth).toBe(false);
    const plain = await sh('ldapsearch', ['-x', '-LLL', '-H', `ldap://${relaxed.ip}`, '-D', relaxed.service.bindDn, '-y', pwFile, '-b', relaxed.targetOu, '-s', 'base', 'dn']);
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`dn: ${relaxed.targetOu}`);
  });

  function pwFileFor(password: string): string {
    const f = join(tmp, 'admin-pw');
    writeFileSync(f, password, { mode: 0o600 });
    return f;
  }
});
