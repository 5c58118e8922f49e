/**
 * Issue 3, one command: `npm run lab -- up --json` (from the golden copy) starts a detached daemon owning a DC
 * and the Graph emulator and prints one JSON object; ldapsearch with those details works; `status` sees it;
 * `down` stops exactly what `up` started. Runs in its own instance dir (GWB_LAB_INSTANCE_DIR) so a developer's
 * own `npm run lab -- up` is left alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lab/lab-paths';
import { pidAlive } from '../lab/lab-state';
import { ensureGolden } from '../lab/samba/golden';

const instanceDir = mkdtempSync(join(tmpdir(), 'gwb-lab-cli-'));

/**
 * The kill timeout is a hang detector above `lab up`'s own 300 s readiness deadline (which reports the daemon's log):
 * 120 s could kill a healthy start on a loaded 2-core machine, where a lab start takes minutes.
 */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, GWB_LAB_INSTANCE_DIR: instanceDir, ...env }, timeout: 400_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
const lab = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'build/lab.mjs'), ...args]);

describe('npm run lab -- up | status | down', () => {
  let up: { code: number; stdout: string; stderr: string };
  let out: any;

  beforeAll(async () => {
    await ensureGolden();
    up = await lab('up', '--json', '--tenant', 'test/fixtures/tenants/demo.json', '--users', '20');
    out = up.code === 0 ? JSON.parse(up.stdout) : null;
  });

  afterAll(async () => {
    if (out) await lab('down');
    rmSync(instanceDir, { recursive: true, force: true });
  });

  // How fast `up` is belongs to npm run bench:lab (bench/RESULTS.md), not to a test.
  it('up --json starts the lab from the golden copy and prints one JSON object', () => {
    expect(up.stderr).toMatch(/ready in \d+ ms/);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n')).toHaveLength(1);
    expect(out).toMatchObject({
      configPath: join(instanceDir, 'config.json'),
      graph: { baseUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.\d+:\d+$/), tenantId: expect.any(String), clientId: expect.any(String), clientSecret: expect.any(String), caFile: expect.any(String) },
      ldap: { url: expect.stringMatching(/^ldaps:\/\/127\.0\.0\.\d+:636$/), baseDn: 'DC=lab,DC=example,DC=com', targetOu: 'OU=Cloud Groups,DC=lab,DC=example,DC=com', usersOu: 'OU=Synced Users,DC=lab,DC=example,DC=com', bindDn: 'CN=gwb-svc,OU=Service Accounts,DC=lab,DC=example,DC=com', password: expect.any(String) },
      admin: { bindDn: 'CN=Administrator,CN=Users,DC=lab,DC=example,DC=com', password: expect.any(String) },
      env: { NODE_EXTRA_CA_CERTS: out.graph.caFile, GWB_CLIENT_SECRET: out.graph.clientSecret },
      controlUrl: `${out.graph.baseUrl}/_emulator`,
      seeded: { syncedUsers: 20, tenantUsers: 6, tenantGroups: 7 },
    });
    expect(out.graph.authorityHost).toBe(out.graph.baseUrl);
    // the emulator runs on the DC's address
    expect(new URL(out.graph.baseUrl).hostname).toBe(new URL(out.ldap.url).hostname);
    expect(pidAlive(out.pids.daemon)).toBe(true);
    expect(pidAlive(out.pids.samba)).toBe(true);
    expect(statSync(join(instanceDir, 'lab.json')).mode & 0o777).toBe(0o600);
  });

  it('ldapsearch with the printed details, as the service account over LDAPS, sees the target OU', async () => {
    const r = await run('ldapsearch', ['-LLL', '-H', out.ldap.url, '-D', out.ldap.bindDn, '-y', out.ldap.passwordFile, '-b', out.ldap.targetOu, '-s', 'base', 'dn'], {
      LDAPTLS_CACERT: out.ldap.caFile,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dn: ${out.ldap.targetOu}`);
  });

  it('prints the Kerberos details: with its krb5.conf and the gwb-svc keytab, a GSSAPI (sealed) search works', async () => {
    expect(out.kerberos).toMatchObject({ realm: 'LAB.EXAMPLE.COM', principal: 'gwb-svc@LAB.EXAMPLE.COM', kdc: `${new URL(out.ldap.url).hostname}:88` });
    expect(out.ldap.strongAuth).toBe(true);
    const r = await run('ldapsearch', ['-N', '-Y', 'GSSAPI', '-LLL', '-H', out.ldap.plainUrl, '-b', out.ldap.targetOu, '-s', 'base', 'dn'], out.kerberos.env);
    expect(r.stderr).toContain('SASL username: gwb-svc@LAB.EXAMPLE.COM');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dn: ${out.ldap.targetOu}`);
  });

  it('the emulator answers OpenID discovery over HTTPS with the printed CA', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      request(`${out.graph.authorityHost}/${out.graph.tenantId}/v2.0/.well-known/openid-configuration`, { ca: readFileSync(out.graph.caFile) }, (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve(s));
      }).on('error', reject).end();
    });
    expect(JSON.parse(body).token_endpoint).toBe(`${out.graph.authorityHost}/${out.graph.tenantId}/oauth2/v2.0/token`);
  });

  it('a second up reports the running lab instead of starting another', async () => {
    const again = await lab('up', '--json');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already running/);
    expect(JSON.parse(again.stdout).pids).toEqual(out.pids);
  });

  it('status says what runs; down stops exactly the daemon and samba that up started', async () => {
    const st = await lab('status', '--json');
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ running: true, sambaAlive: true, pids: out.pids });

    const down = await lab('down');
    expect(down.code).toBe(0);
    expect(pidAlive(out.pids.daemon)).toBe(false);
    expect(pidAlive(out.pids.samba)).toBe(false);
    expect(existsSync(join(instanceDir, 'lab.json'))).toBe(false);
    expect(existsSync(join(instanceDir, 'secrets', 'ldap-password'))).toBe(false);

    const after = await lab('status', '--json');
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ running: false });
    out = null;
  });
});
