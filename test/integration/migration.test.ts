/**
 * Issue 9, "Must show": migration from Entra Connect Sync group writeback v2 on the connect-v2 fixture (Connect's
 * OU outside the target OU, both CN formats, M365 groups, an orphan, a mail-enabled one, a duplicate pair, one
 * stamped elsewhere, a nested pair, a 3,000-member group, one whose AD members drifted). Every assertion reads AD
 * over LDAP as Administrator, never through the product's own report.
 *
 *  discovery exact → plan (-WhatIf) changes nothing → the service account cannot write there → kill -9 at a
 *  random stamp + Undo = the exact pre-migration attributes → kill -9 again + rerun = the full end state →
 *  grant rights, one cycle: every eligible group managed in place (objectGUID, SID, DN kept, 0 created), members
 *  = cloud; M365 / conflicts / orphans byte-for-byte unchanged → a second cycle writes nothing → verify.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSink, type CoreEvent } from '../../src/core/events';
import { getOperation } from '../../src/core/operation';
import { normalizeDn } from '../../src/directory/dn';
import '../../src/ops';
import { guidBytesToString, sidBytesToString } from '../lab/ad-ids';
import { grantGroupRights, type ConnectAdGroup } from '../lab/connect-v2';
import { startLab, type Lab } from '../lab/fixture';
import { startTcpFaultProxy } from '../lab/tcp-fault-proxy';
import { cycle, labConfig, readMembers } from './engine-helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'module/GroupWriteback/bin/gwb.cjs');
const TENANT = 'test/fixtures/tenants/connect-v2.json';

let lab: Lab;
let admin: Client;
let connectOu: string;
let groups: ConnectAdGroup[];

interface OpRun {
  code: number;
  results: { typeName: string; data: any }[];
  events: CoreEvent[];
}

/** Run a core operation in this process (the emulator lives here too), as the CLI or the module would. */
async function op(name: string, params: Record<string, unknown>, opts: { asAdmin?: boolean } = {}): Promise<OpRun> {
  const events: CoreEvent[] = [];
  const sink = new EventSink();
  sink.on((e) => events.push(e));
  const secrets: Record<string, string> = opts.asAdmin ? { 'migration.password': lab.dc.admin.password } : {};
  const code = (await getOperation(name).run(
    { configPath: lab.config!.path, ...(opts.asAdmin ? { bindDn: lab.dc.admin.bindDn } : {}), ...params },
    { sink, signal: new AbortController().signal, secrets },
  )) ?? 0;
  return { code, events, results: events.filter((e) => e.type === 'result').map((e) => ({ typeName: (e as any).typeName, data: (e as any).data })) };
}

/** Every group under the Connect OU and the target OU, every attribute, keyed by objectGUID. */
async function snapshot(): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const base of [connectOu, lab.dc.targetOu]) {
    const { searchEntries } = await admin.search(base, {
      scope: 'sub',
      filter: '(objectClass=group)',
      attributes: ['*', 'objectGUID', 'objectSid', 'uSNChanged', 'whenChanged'],
      explicitBufferAttributes: ['objectGUID', 'objectSid'],
      paged: { pageSize: 500 },
    });
    for (const e of searchEntries) {
      const rec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e)) {
        if (k.toLowerCase() === 'member') continue;
        const vals = ([] as unknown[]).concat(v).map((x) =>
          k === 'objectGUID' ? guidBytesToString(x as Buffer) : k === 'objectSid' ? sidBytesToString(x as Buffer) : Buffer.isBuffer(x) ? x.toString('hex') : String(x));
        rec[k] = vals.length === 1 ? vals[0] : vals.sort();
      }
      rec.member = (await readMembers(admin, e.dn)).map(normalizeDn).sort();
      out.set(String(rec.objectGUID), rec);
    }
  }
  return out;
}

/** A snapshot without what every write changes (uSNChanged, whenChanged). */
function content(s: Map<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of s) {
    const { uSNChanged: _u, whenChanged: _w, ...rest } = v;
    out[k] = rest;
  }
  return out;
}

function actionsByDn(results: OpRun['results']): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.typeName === 'GroupWriteback.MigrationGroup').map((r) => [normalizeDn(r.data.dn), r.data.action]));
}

const expectedActions = (): Record<string, string> => Object.fromEntries(groups.map((g) => [normalizeDn(g.dn), g.spec.expect!]));
const adoptGroups = (): ConnectAdGroup[] => groups.filter((g) => g.spec.expect === 'adopt');
const eligibleGroups = (): ConnectAdGroup[] => groups.filter((g) => g.spec.expect === 'adopt' || g.spec.expect === 'alreadyAnchored');
const leftGroups = (): ConnectAdGroup[] => groups.filter((g) => g.spec.expect !== 'adopt' && g.spec.expect !== 'alreadyAnchored');
const journal = (): string => join((lab.config!.config.state as { path: string }).path, 'migration-journal.jsonl');
const journalLines = (): number => (existsSync(journal()) ? readFileSync(journal(), 'utf8').split('\n').filter((l) => l.trim()).length : 0);

/**
 * `gwb migrate apply` as a real process, SIGKILLed at a random point of its stamping: it reaches the DC through a
 * relay that lets its LDAP requests through one at a time (TLS records, `step()`); at each request, with the child
 * blocked on it, the journal is counted; once it has `k` lines the child is killed right there (it cannot have run
 * on, however fast the machine). Returns the journal lines written by then.
 */
async function killedApply(k: number): Promise<number> {
  const relay = await startTcpFaultProxy({ host: lab.dc.ip, targetHost: lab.dc.ip, targetPort: 636 });
  const doc = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
  doc.directory = { ...doc.directory, urls: [`ldaps://${lab.dc.ip}:${relay.port}`] };
  const config = join(dirname(lab.config!.path), 'migration-relay.json');
  writeFileSync(config, JSON.stringify(doc, null, 2));
  relay.step();
  const child = spawn(process.execPath, [cli, 'migrate', 'apply', '--config', config, '--search-base', connectOu, '--bind-dn', lab.dc.admin.bindDn,
    '--password-env', 'GWB_TEST_ADMIN_PASSWORD', '--keep-cn-format', '--batch-size', '1', '--json'], {
    env: { ...process.env, ...lab.config!.env, GWB_TEST_ADMIN_PASSWORD: lab.dc.admin.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stderr += d));
  const exit = new Promise<'exited'>((r) => child.once('exit', () => r('exited')));
  const start = journalLines();
  try {
    for (;;) {
      const at = await Promise.race([relay.waiting().then(() => 'request' as const), exit]);
      expect(at, `the apply ended before journal line ${k}: ${stderr}`).toBe('request');
      if (journalLines() >= start + k) break;
      relay.pass();
    }
    child.kill('SIGKILL');
    await exit;
  } finally {
    child.kill('SIGKILL');
    await relay.close();
  }
  return journalLines() - start;
}

beforeAll(async () => {
  const b = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  lab = await startLab({ tenant: TENANT });
  Object.assign(process.env, lab.config!.env);
  connectOu = lab.seeded.connect!.ou;
  groups = lab.seeded.connect!.groups;
  admin = await lab.dc.connect('admin');
}, 600_000);

afterAll(async () => {
  await admin?.unbind().catch(() => {});
  await lab?.stop();
});

describe('migration from Connect group writeback v2', () => {
  let before: Map<string, Record<string, unknown>>;
  let configBefore: string;

  it('discovery classifies every Connect-written group exactly, with its cloud group and a reason', async () => {
    before = await snapshot();
    configBefore = readFileSync(lab.config!.path, 'utf8');
    const r = await op('migrate-plan', { searchBase: connectOu }); // the service account may read the OU
    expect(r.code).toBe(0);
    expect(actionsByDn(r.results)).toEqual(expectedActions());
    for (const { data } of r.results) {
      expect(data.reason, data.dn).toMatch(/\w{8,}/);
      expect(data.eligible).toBe(data.action === 'adopt' || data.action === 'alreadyAnchored');
      expect(data.objectGuid).toBe(groups.find((g) => normalizeDn(g.dn) === normalizeDn(data.dn))!.objectGuid);
    }
    const finance = r.results.find((x) => x.data.cloudId === '678c2aa7-6afb-4e2a-8774-fbd6962135b8')!.data;
    expect(finance).toMatchObject({ cloudDisplayName: 'Finance', cnFormat: 'objectId', anchor: null });
    const eng = r.results.find((x) => x.data.cloudId === '22a0845b-cff6-490e-a205-4db742b8948f')!.data;
    expect(eng).toMatchObject({ cnFormat: 'displayName', cn: 'Engineering, EMEA_4db742b8948f' });
  });

  it('the plan (-WhatIf) changes nothing, and names the configuration it would write', async () => {
    const r = await op('migrate-plan', { searchBase: connectOu, includeConfig: true, keepCnFormat: true }, { asAdmin: true });
    const changes = r.results.filter((x) => x.typeName === 'GroupWriteback.MigrationConfigChange').map((x) => x.data);
    expect(changes.map((c) => c.key).sort()).toEqual(['mappings', 'target.managedContainers']);
    expect(changes.find((c) => c.key === 'mappings').after).toContainEqual({ target: 'cn', type: 'Expression', source: 'Append("Group_",[objectId])', apply: 'OnCreateOnly' });
    const u = await op('migrate-undo', { whatIf: true }, { asAdmin: true });
    expect(u.results[0].data.unstamped).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(readFileSync(lab.config!.path, 'utf8')).toBe(configBefore);
  });

  it('without rights on the Connect OU the service account stamps nothing (each group fails with the reason)', async () => {
    const r = await op('migrate-apply', { searchBase: connectOu });
    expect(r.code).toBe(3);
    const res = r.results[0].data;
    expect(res.stamped).toBe(0);
    expect(res.failed).toHaveLength(adoptGroups().length);
    expect(res.failed[0].message).toMatch(/access|rights|permission/i);
    expect(content(await snapshot())).toEqual(content(before));
  });

  it('kill -9 at a random stamp, then Undo: exactly the pre-migration attributes again', async () => {
    const seed = Number(process.env.GWB_MIGRATION_SEED ?? Date.now() % 1000);
    // Stop after the k-th journal line (stamp/stamped), leaving at least one group's read + modify to do.
    const k = 1 + (seed % (2 * adoptGroups().length - 3));
    const written = await killedApply(k);
    console.log(`migration kill seed ${seed}: killed after ${written} journal line(s) (k = ${k})`);
    expect(written).toBeGreaterThanOrEqual(k);
    expect(written).toBeLessThan(2 * adoptGroups().length);
    const u = await op('migrate-undo', {}, { asAdmin: true });
    expect(u.code).toBe(0);
    expect(content(await snapshot())).toEqual(content(before));
    expect(readFileSync(lab.config!.path, 'utf8')).toBe(configBefore);
  });

  let afterApply: Map<string, Record<string, unknown>>;

  it('kill -9 again, rerun: every eligible group stamped, nothing else changed', async () => {
    const seed = Number(process.env.GWB_MIGRATION_SEED ?? Date.now() % 997);
    const k = 1 + ((seed * 7) % (2 * adoptGroups().length - 3));
    const written = await killedApply(k);
    console.log(`migration kill seed ${seed}: killed after ${written} journal line(s) (k = ${k})`);
    const r = await op('migrate-apply', { searchBase: connectOu, keepCnFormat: true }, { asAdmin: true });
    expect(r.code).toBe(0);
    expect(r.results[0].data.failed).toEqual([]);
    afterApply = await snapshot();
    for (const g of groups) {
      const now = afterApply.get(g.objectGuid)!;
      const was = before.get(g.objectGuid)!;
      const { 'msDS-ExternalDirectoryObjectId': anchor, uSNChanged: _u, whenChanged: _w, ...rest } = now;
      const { 'msDS-ExternalDirectoryObjectId': anchorBefore, uSNChanged: _u2, whenChanged: _w2, ...restBefore } = was;
      expect(rest, g.dn).toEqual(restBefore);
      if (g.spec.expect === 'adopt') expect(anchor, g.dn).toBe(`Group_${g.spec.cloudId}`);
      else expect(now, g.dn).toEqual(was); // never touched: not even uSNChanged moved
      if (g.spec.expect !== 'adopt') expect(anchor).toEqual(anchorBefore);
    }
    const cfg = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
    expect(cfg.target.managedContainers).toEqual([connectOu]);
    expect(cfg.mappings.filter((m: { target: string }) => m.target === 'cn')).toHaveLength(1);
    const again = await op('migrate-apply', { searchBase: connectOu, keepCnFormat: true }, { asAdmin: true });
    expect(again.results[0].data.stamped).toBe(0);
    expect(await snapshot()).toEqual(afterApply);
  });

  it('after the admin grants the OU, one cycle manages every eligible group in place; M365, conflicts and orphans untouched', async () => {
    await grantGroupRights(lab.dc, connectOu);
    const config = labConfig(lab);
    const run = await cycle(config);
    expect(run.summary.status, JSON.stringify(run.summary.errorSamples)).toMatch(/success|partial/);
    expect(run.summary.groups.created).toBe(0);
    expect(run.summary.groups.renamed + run.summary.groups.moved).toBe(0);
    const now = await snapshot();
    // No new group anywhere (target OU included).
    expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
    const dnOf = new Map(groups.map((g) => [g.spec.cloudId.toLowerCase(), normalizeDn(g.dn)]));
    const userDn = new Map(lab.seeded.tenant!.adUsers.map((u) => [u.userPrincipalName.toLowerCase(), normalizeDn(u.dn)]));
    for (const u of lab.seeded.connect!.generatedUsers) userDn.set(u.userPrincipalName.toLowerCase(), normalizeDn(u.dn));
    const upnById = new Map(lab.store!.listUsers().map((u) => [u.id, u.userPrincipalName.toLowerCase()]));
    for (const g of eligibleGroups()) {
      const ad = now.get(g.objectGuid)!;
      const was = before.get(g.objectGuid)!;
      expect(ad.objectSid, g.dn).toBe(was.objectSid);
      expect(ad.distinguishedName, g.dn).toBe(was.distinguishedName);
      expect(ad['msDS-ExternalDirectoryObjectId']).toBe(`Group_${g.spec.cloudId}`);
      const want = lab.store!.membersOf(g.spec.cloudId)
        .map((m) => (m.kind === 'group' ? dnOf.get(m.id.toLowerCase()) : userDn.get(upnById.get(m.id) ?? '')))
        .filter((d): d is string => !!d)
        .sort();
      expect(ad.member, g.dn).toEqual(want);
    }
    const big = now.get(groups.find((g) => g.spec.cloudId.startsWith('7239abbb'))!.objectGuid)!;
    expect((big.member as string[]).length).toBe(lab.seeded.connect!.generatedUsers.length);
    const drifted = now.get(groups.find((g) => g.spec.cloudId.startsWith('3867d2e0'))!.objectGuid)!;
    expect(drifted.member).toEqual(['ada.adams@lab.example.com', 'chloe.costa@lab.example.com'].map((u) => userDn.get(u)).sort());
    for (const g of leftGroups()) expect(now.get(g.objectGuid), g.dn).toEqual(before.get(g.objectGuid));
    // The duplicate pair and the one stamped elsewhere: reported per group, no new group created beside them.
    const codes = run.summary.errorSamples.map((e: { code?: string }) => e.code);
    expect(codes).toContain('UnmigratedConnectGroup');
  });

  it('a second cycle writes nothing', async () => {
    const run = await cycle(labConfig(lab));
    expect(run.summary.mode).toBe('delta');
    expect(run.ldap.writes).toBe(0);
    const full = await cycle(labConfig(lab), { full: true });
    expect(full.ldap.writes).toBe(0);
  });

  it("verify (Microsoft's check script) lists exactly the groups left on purpose", async () => {
    const r = await op('migrate-verify', { searchBase: connectOu, failOnDifference: true });
    expect(r.code).toBe(0);
    const differ = r.results.map((x) => x.data);
    expect(differ.map((d) => normalizeDn(d.dn)).sort()).toEqual(leftGroups().filter((g) => g.spec.expect !== 'alreadyAnchored').map((g) => normalizeDn(g.dn)).sort());
    expect(differ.every((d) => d.expected === true && d.match === false)).toBe(true);
  });
});
