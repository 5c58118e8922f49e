/**
 * Issue 12, "Must show" #1: two workers (two processes with separate local folders) share one job through its
 * state object in the lab AD (state.store "directory", a 10 s lease).
 *  - Both run `gwb run` in a tight loop while the tenant changes: never two cycles at once — checked from the
 *    workers' own provisioning logs (every AD write, with its cycle) and the shared run history;
 *  - deletes held on one worker are approved through the other and applied;
 *  - `kill -9` of the watching lease holder: the other worker takes over after the lease expires;
 *  - AD exact at the end, no duplicate group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import { queryLog, type LogEntry } from '../../src/state/log';
import { startLab, type Lab } from '../lab/fixture';
import { STATE_CONTAINER } from '../lab/samba/constants';
import { readAnchoredGroups, readMembers } from './engine-helpers';

const root = join(__dirname, '../..');
const cli = join(root, 'module/GroupWriteback/bin/gwb.cjs');
const LOOP_MS = 10_000;
// Short for the test (production default 60 s), but not shorter than a loaded 2-core machine may starve a process:
// a holder frozen for a third of its lease loses it mid-cycle (it then writes nothing more), and its cycle span would
// overlap the next holder's in the check below.
const LEASE_SECONDS = 10;

let lab: Lab;
let client: Client;
let users: { id: string; dn: string }[];
const workers: { name: string; config: string; stateDir: string }[] = [];
const children = new Set<ChildProcess>();

function env(): NodeJS.ProcessEnv {
  return { ...process.env, ...lab.config!.env };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function logOf(stateDir: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of queryLog(join(stateDir, 'log'))) out.push(e);
  return out;
}

function addGroup(i: number): string {
  const g = lab.store!.addGroup({ displayName: `Hybrid ${i} ${randomUUID().slice(0, 4)}`, mailEnabled: false, securityEnabled: true, mailNickname: `hybrid${i}` });
  for (let k = 0; k < 4; k++) lab.store!.addMember(g.id, users[(i * 7 + k * 3) % users.length].id);
  return g.id;
}

beforeAll(async () => {
  const b = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  lab = await startLab({ users: 40 });
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  for (let i = 0; i < 12; i++) addGroup(i);
  client = await lab.dc.connect('admin');
  const base = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
  const dn = `CN=hybrid-${randomUUID().slice(0, 8)},${STATE_CONTAINER}`;
  for (const name of ['a', 'b']) {
    const dir = join(dirname(lab.config!.path), `worker-${name}`);
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ ...base, name: 'hybrid', safety: { deleteThreshold: 2, quarantineAfterFailures: 3 }, state: { store: 'directory', dn, path: join(dir, 'state'), leaseSeconds: LEASE_SECONDS } }, null, 2));
    workers.push({ name, config, stateDir: join(dir, 'state') });
  }
}, 600_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await client?.unbind().catch(() => {});
  await lab?.stop();
});

describe('two workers sharing one job through AD', () => {
  it('never run two cycles at once, honour each other\'s approvals, take over from a killed holder; AD exact', async () => {
    // ---- 1. both workers in a tight loop while the tenant changes
    const outcomes: Record<string, number[]> = { a: [], b: [] };
    let firstError = '';
    // At least LOOP_MS, and until each worker has run a few cycles (the machine may be slow), at most 5 minutes.
    const started = Date.now();
    const ok = (n: string) => outcomes[n].filter((c) => c === 0).length;
    let stop = false;
    const loop = async (w: (typeof workers)[number]) => {
      while (!stop) {
        if (Date.now() - started >= 300_000 || (Date.now() - started >= LOOP_MS && ok('a') >= 2 && ok('b') >= 2)) {
          stop = true;
          break;
        }
        const r = await runCli(['run', '--config', w.config, '--json']);
        outcomes[w.name].push(r.code ?? -1);
        if (r.code !== 0 && !firstError) firstError = r.stderr + r.stdout;
        if (r.code === 1) await new Promise((res) => setTimeout(res, Math.random() * 500)); // refused: the other one holds the lease
        else if (ok(w.name) > ok(w.name === 'a' ? 'b' : 'a') || Math.random() < 0.5) {
          // The worker ahead (and, by chance, half the others) lets the other make one attempt before going again:
          // progress for both on a slow machine, where starting a process takes longer than a cycle. Otherwise the
          // two race for the lease.
          const other = w.name === 'a' ? 'b' : 'a';
          const target = outcomes[other].length + 1;
          for (let i = 0; i < 300 && !stop && outcomes[other].length < target; i++) await new Promise((res) => setTimeout(res, 100));
        }
      }
    };
    let next = 100;
    const changes = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
        const groups = lab.store!.listGroups();
        const g = groups[Math.floor(Math.random() * groups.length)];
        const roll = Math.random();
        if (roll < 0.4) addGroup(next++);
        else if (roll < 0.7) {
          const u = users[Math.floor(Math.random() * users.length)];
          if (!lab.store!.membersOf(g.id).some((m) => m.id === u.id)) lab.store!.addMember(g.id, u.id);
        }
        else if (roll < 0.9) {
          const m = lab.store!.membersOf(g.id)[0];
          if (m) lab.store!.removeMember(g.id, m.id);
        } else lab.store!.updateGroup(g.id, { description: `changed ${Date.now()}` });
      }
    })();
    await Promise.all([loop(workers[0]), loop(workers[1]), changes]);
    await new Promise((r) => setTimeout(r, 100));
    console.log(`tight loop (${Date.now() - started} ms): worker a exit codes ${JSON.stringify(count(outcomes.a))}, worker b ${JSON.stringify(count(outcomes.b))}`);
    // Both ran cycles; a refused start (lease held by the other) is exit 1 with StateLocked.
    expect(outcomes.a.filter((c) => c === 0).length, firstError).toBeGreaterThan(0);
    expect(outcomes.b.filter((c) => c === 0).length).toBeGreaterThan(0);
    expect([...outcomes.a, ...outcomes.b].every((c) => c === 0 || c === 1)).toBe(true);

    // ---- 2. deletes held on worker a, approved through worker b, applied by a
    const victims = lab.store!.listGroups().slice(0, 3).map((g) => g.id);
    for (const id of victims) lab.store!.purgeObject(id);
    const held = await runCli(['run', '--config', workers[0].config, '--json']);
    expect(held.code, held.stderr).toBe(4);
    const approve = await runCli(['approve-deletes', '--config', workers[1].config, '--json']);
    expect(approve.code, approve.stderr).toBe(0);
    expect(JSON.parse(approve.stdout)).toMatchObject({ status: 'approved', count: 3, queued: true });
    const applied = await runCli(['run', '--config', workers[0].config, '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).approved?.length, applied.stdout + applied.stderr).toBe(1);
    const deletedByA = (await logOf(workers[0].stateDir)).filter((e) => e.action === 'delete' && e.result === 'success').map((e) => e.sourceId);
    expect(deletedByA.sort()).toEqual(victims.map((v) => v.toLowerCase()).sort());

    // ---- 3. kill -9 of the watching holder; the other takes over after expiry
    const watchA = spawn(process.execPath, [cli, 'watch', '--config', workers[0].config, '--interval', '1'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(watchA);
    const statusOf = async () => JSON.parse((await runCli(['status', '--config', workers[1].config, '--json'])).stdout);
    for (let i = 0; i < 600 && (await statusOf()).running?.pid !== watchA.pid; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await statusOf()).running?.pid).toBe(watchA.pid);
    watchA.kill('SIGKILL');
    const killedAt = Date.now();
    const late = addGroup(999); // made after the kill: only worker b can deliver it
    let bErr = '';
    let tookOverAt = 0;
    const watchB = spawn(process.execPath, [cli, 'watch', '--config', workers[1].config, '--interval', '1'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(watchB);
    watchB.stderr.on('data', (d) => {
      bErr += d;
      if (!tookOverAt && bErr.includes('Took over the job')) tookOverAt = Date.now();
    });
    const lateDn = async () => (await readAnchoredGroups(client, lab.dc.baseDn)).find((g) => g.anchor === `Group_${late}`);
    for (let i = 0; i < 600 && !(await lateDn()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await lateDn(), bErr).toBeDefined();
    // b took the lease only once a's had expired (by the lease DC's clock), never while a held it.
    const took = /Took over the job from \S+?\/(\d+)\/\S+, whose lease expired at (\S+) \(taken at (\S+)\)/.exec(bErr);
    expect(took, bErr).not.toBeNull();
    expect(Number(took![1])).toBe(watchA.pid);
    expect(Date.parse(took![3])).toBeGreaterThanOrEqual(Date.parse(took![2]));
    console.log(`kill -9 of the holder: worker b took over ${tookOverAt ? tookOverAt - killedAt : '?'} ms after the kill (lease ${LEASE_SECONDS} s)`);
    // let b run a few more cycles, then stop it cleanly
    await new Promise((r) => setTimeout(r, 2500));
    const bExit = new Promise<number | null>((r) => watchB.once('exit', r));
    watchB.kill('SIGTERM');
    expect(await bExit).toBe(0);
    expect((await statusOf()).running).toBeNull();

    // ---- never two cycles at once: every cycle's span (first to last log entry, writes included) per worker
    const spans: { worker: string; from: string; to: string; writes: number }[] = [];
    for (const w of workers) {
      const byCycle = new Map<string, LogEntry[]>();
      for (const e of await logOf(w.stateDir)) byCycle.set(e.cycleId, [...(byCycle.get(e.cycleId) ?? []), e]);
      for (const entries of byCycle.values()) {
        const ts = entries.map((e) => e.timestamp).sort();
        spans.push({ worker: w.name, from: ts[0], to: ts[ts.length - 1], writes: entries.filter((e) => e.action !== 'cycle' && e.action !== 'skip' && e.result === 'success').length });
      }
    }
    spans.sort((x, y) => x.from.localeCompare(y.from));
    for (let i = 1; i < spans.length; i++) expect(spans[i].from >= spans[i - 1].to, `${JSON.stringify(spans[i - 1])} overlaps ${JSON.stringify(spans[i])}`).toBe(true);
    const switches = spans.filter((s, i) => i > 0 && s.worker !== spans[i - 1].worker).length;
    console.log(`${spans.length} cycles (${spans.filter((s) => s.worker === 'a').length} on a, ${spans.filter((s) => s.worker === 'b').length} on b, ${switches} hand-overs), ${spans.reduce((n, s) => n + s.writes, 0)} logged AD writes, none overlapping`);
    expect(switches).toBeGreaterThan(1);
    // the shared run history agrees (it is written by whoever held the lease)
    const status = await statusOf();
    expect(status.store).toBe('directory');
    expect(status.heldBatches).toEqual([]);

    // ---- AD exact, no duplicates
    const living = lab.store!.listGroups();
    const ad = await readAnchoredGroups(client, lab.dc.baseDn);
    const anchors = ad.map((g) => g.anchor!);
    expect(new Set(anchors).size).toBe(anchors.length);
    expect(anchors.sort()).toEqual(living.map((g) => `Group_${g.id}`).sort());
    const dnOf = new Map(users.map((u) => [u.id, u.dn]));
    for (const g of ad) {
      const want = lab.store!.membersOf(g.anchor!.slice(6)).map((m) => dnOf.get(m.id)!).sort();
      expect((await readMembers(client, g.dn)).map(normalizeDn).sort(), g.dn).toEqual(want);
    }
  }, 900_000);
});

function count(codes: number[]): Record<string, number> {
  return codes.reduce<Record<string, number>>((m, c) => ((m[c] = (m[c] ?? 0) + 1), m), {});
}
