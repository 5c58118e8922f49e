/**
 * `scope` reads Graph only, so it needs only the tenant's secrets: it works with no directory password anywhere,
 * while plan, run, verify and on-demand still refuse clearly without one. Against the Graph emulator (in process,
 * its own CA given as tenant.caFile); no directory is contacted.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../src/ops';
import { EventSink, type CoreEvent } from '../../../src/core/events';
import { getOperation } from '../../../src/core/operation';
import { startGraphEmulator, type GraphEmulator } from '../../lab/graph/emulator';

let dir: string;
let em: GraphEmulator;
let inScope: string;
let outOfScope: string;
const PASSWORD_ENV = 'GWB_SCOPE_TEST_LDAP_PASSWORD_NEVER_SET';

function writeConfig(name: string, auth: Record<string, unknown>, clientId = em.clientId): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({
    tenant: { tenantId: em.tenantId, clientId, authorityHost: em.authorityHost, graphBaseUrl: em.baseUrl, caFile: em.caFile, auth },
    // The bind password is referenced but nowhere to be found.
    directory: { urls: ['ldaps://127.0.0.1:1'], baseDn: 'DC=x', bindDn: 'CN=svc', password: { env: PASSWORD_ENV } },
    scope: { mode: 'all' },
    target: { container: 'OU=G,DC=x' },
    state: { path: `./state-${name}` },
  }));
  return path;
}

async function call(op: string, configPath: string, secrets: Record<string, string>, params: Record<string, unknown> = {}) {
  const sink = new EventSink();
  const events: CoreEvent[] = [];
  sink.on((e) => events.push(e));
  await getOperation(op).run({ configPath, ...params }, { sink, signal: new AbortController().signal, secrets });
  return events.filter((e): e is Extract<CoreEvent, { type: 'result' }> => e.type === 'result').map((e) => e.data as Record<string, unknown>);
}

beforeAll(async () => {
  expect(process.env[PASSWORD_ENV]).toBeUndefined();
  dir = mkdtempSync(join(tmpdir(), 'gwb-scope-secrets-'));
  em = await startGraphEmulator({ pkiDir: join(dir, 'pki') });
  inScope = em.store.addGroup({ displayName: 'Scope probe', securityEnabled: true, mailEnabled: false }).id;
  outOfScope = em.store.addGroup({ displayName: 'Team', securityEnabled: false, mailEnabled: true, groupTypes: ['Unified'] }).id;
});
afterAll(async () => {
  await em?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scope needs only the tenant secrets', () => {
  it('lists the groups with only the client secret handed over', async () => {
    const path = writeConfig('secret', { type: 'clientSecret' });
    const rows = await call('scope', path, { 'tenant.clientSecret': em.clientSecret });
    const byId = new Map(rows.map((r) => [r.groupId, r]));
    expect(byId.get(inScope)).toMatchObject({ inScope: true });
    expect(byId.get(outOfScope)).toMatchObject({ inScope: false });
  });

  it('signs in with a Windows-store certificate handed over as tenant.certificate, still without a directory password', async () => {
    const openssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.crt', '-days', '2', '-subj', '/CN=gwb-store');
    openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'store.p12', '-passout', 'pass:',
      '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
    const crt = readFileSync(join(dir, 'app.crt'), 'utf8');
    const { clientId } = em.registerApp({ displayName: 'store cert app', certificatePem: crt });
    const thumbprint = new X509Certificate(crt).fingerprint.replace(/:/g, '');
    const path = writeConfig('store', { type: 'certificate', certificateThumbprint: thumbprint }, clientId);
    const rows = await call('scope', path, { 'tenant.certificate': readFileSync(join(dir, 'store.p12')).toString('base64') }, { inScopeOnly: true });
    expect(rows.map((r) => r.groupId)).toEqual([inScope]);
  });

  it('still refuses without the tenant secret, naming it', async () => {
    const path = writeConfig('nosecret', { type: 'clientSecret' });
    await expect(call('scope', path, {})).rejects.toMatchObject({ code: 'SecretMissing', target: 'config.tenant.auth.clientSecret' });
  });
});

describe('plan, run, verify and on-demand need the directory password too', () => {
  it.each([
    ['plan', {}],
    ['run', {}],
    ['verify', {}],
    ['on-demand', { groupId: '00000000-0000-4000-8000-00000000000a' }],
  ])('%s refuses clearly without it', async (op, params) => {
    const path = writeConfig(`needs-${op}`, { type: 'clientSecret' });
    const before = em.stats.snapshot().total;
    const err = await call(op, path, { 'tenant.clientSecret': em.clientSecret }, params).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SecretMissing',
      target: 'config.directory.password',
      message: expect.stringContaining(PASSWORD_ENV),
      hint: expect.stringMatching(/stdin.*"env".*"file"/s),
    });
    expect(em.stats.snapshot().total).toBe(before); // refused before any sign-in
  });
});
