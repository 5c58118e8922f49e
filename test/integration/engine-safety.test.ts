/**
 * Issue 4, "Must show" #5 and #6 (second half), through the bundled CLI as an admin would run it:
 *  - deleting 600 groups in Entra with the default threshold (500) deletes none and holds them; approval releases
 *    that batch; the next run deletes exactly those 600;
 *  - bad credentials → quarantine with the reason; `gwb reset` clears it.
 * Every assertion about AD reads it back over LDAP.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/fixture';
import { readAnchoredGroups } from './engine-helpers';

const root = join(__dirname, '../..');
const cli = join(root, 'module/GroupWriteback/bin/gwb.cjs');

let lab: Lab;
let client: Client;
const ids: string[] = [];

/** Async on purpose: the Graph emulator lives in this process and must keep serving. */
function gwb(args: string[], envPatch: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--config', lab.config!.path, '--json'], { env: { ...process.env, ...lab.config!.env, ...envPatch }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

const anchors = async () => (await readAnchoredGroups(client, lab.dc.baseDn)).map((g) => g.anchor!.slice(6)).sort();

beforeAll(async () => {
  const b = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  lab = await startLab({});
  for (let i = 0; i < 610; i++) ids.push(lab.store!.addGroup({ displayName: `Threshold ${i}`, mailEnabled: false, securityEnabled: true, mailNickname: `t${i}` }).id);
  client = await lab.dc.connect('admin');
  const first = await gwb(['run']);
  expect(first.code, first.stderr).toBe(0);
  expect(first.json.groups.created).toBe(610);
}, 600_000);
afterAll(async () => {
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('accidental-delete threshold (default 500)', () => {
  let batchId: string;

  it('deleting 600 groups in Entra deletes none: the job is held with the reason', async () => {
    for (const id of ids.slice(0, 600)) lab.store!.purgeObject(id);
    const r = await gwb(['run']);
    expect(r.code).toBe(4); // ExitCode.Held
    expect(r.json).toMatchObject({ status: 'held', held: { count: 600, new: true } });
    expect(r.json.held.reason).toMatch(/600 group deletes.*more than safety.deleteThreshold = 500/);
    expect(r.stderr).toMatch(/approve-deletes --batch/);
    batchId = r.json.held.batchId;
    expect(await anchors()).toEqual([...ids].sort());

    const again = await gwb(['run', '--full']);
    expect(again.code).toBe(4);
    expect(again.json.held).toMatchObject({ batchId, new: false });
    expect(again.json.ldap.deletes).toBe(0);
    expect(await anchors()).toEqual([...ids].sort());

    const status = await gwb(['status']);
    expect(status.json).toMatchObject({ state: 'Held', heldBatches: [{ batchId, status: 'held', count: 600 }] });
  });

  it('approval releases exactly that batch; the next run deletes exactly those 600', async () => {
    const approve = await gwb(['approve-deletes', '--batch', batchId]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.json).toMatchObject({ batchId, status: 'approved', count: 600 });
    const r = await gwb(['run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.approved).toEqual([{ batchId, applied: 600, skipped: 0 }]);
    expect(r.json.ldap.deletes).toBe(600);
    expect(await anchors()).toEqual(ids.slice(600).sort());
    const log = await gwb(['log', '--action', 'delete', '--result', 'success']);
    expect(log.json).toHaveLength(600);
    expect(new Set(log.json.map((e: { sourceId: string }) => e.sourceId))).toEqual(new Set(ids.slice(0, 600)));
    expect((await gwb(['status'])).json.state).toBe('Healthy');
  });
});

describe('quarantine', () => {
  it('bad LDAP credentials → quarantine after 3 failed cycles, with the reason; reset clears it', async () => {
    const pwFile = (lab.config!.config.directory as { password: { file: string } }).password.file;
    const good = readFileSync(pwFile, 'utf8');
    writeFileSync(pwFile, 'wrong-password');
    try {
      for (let i = 1; i <= 3; i++) {
        const r = await gwb(['run']);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/52e|credentials|bind/i);
        expect(r.json.status).toBe('failed');
        if (i < 3) expect(r.json.quarantined).toBeUndefined();
        else expect(r.json.quarantined.reason).toMatch(/52e|credentials|bind/i);
      }
      const status = await gwb(['status']);
      expect(status.json).toMatchObject({ state: 'Quarantined', quarantine: { failures: 3 } });
      const refused = await gwb(['run']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/quarantined since .*gwb reset/s);
    } finally {
      writeFileSync(pwFile, good);
    }
    const reset = await gwb(['reset']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.json).toMatchObject({ state: 'Healthy', quarantine: null });
    const ok = await gwb(['run']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a bad client secret is a total failure too, named in the quarantine reason', async () => {
    const path = lab.config!.path;
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.safety.quarantineAfterFailures = 1;
    writeFileSync(path, JSON.stringify(doc, null, 2));
    const r = await gwb(['run'], { GWB_CLIENT_SECRET: 'not-the-secret' });
    expect(r.code).toBe(1);
    expect(r.json.quarantined.reason).toMatch(/AADSTS7000215|client secret|invalid_client/i);
    expect((await gwb(['status'])).json.quarantine.code).toBe('GraphAuthenticationFailed');
    expect((await gwb(['reset'])).code).toBe(0);
  });
});
