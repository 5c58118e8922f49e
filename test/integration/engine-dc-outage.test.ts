/**
 * Issue 14 part 3: a directory that hangs or dies in the middle of a cycle. The bundled CLI (a real process) runs
 * cycles against the lab DC while the test stops it (SIGSTOP: TCP still accepted, nothing answered), kills it
 * (SIGKILL: connection refused) or hangs a relay in front of it, at a point drawn from a recorded seed: after N
 * LDAP requests of the run. The run reaches the DC through a TCP relay that counts those requests (TLS record
 * headers) and holds the next ones while the fault is injected, so the fault lands mid-run however fast the
 * machine is (polling AD for a number of groups raced a fast run to its end). Expected: the cycle stops within about 2 × directory.timeoutMs (asserted with a wide
 * margin, relative to the timeout), exit code 1, ONE error naming the DC and the fix, a failed cycle that counts
 * toward quarantine; after a restart the next run is exact with no duplicate; a second URL takes over mid-cycle;
 * a stop shorter than the timeout is waited out and the cycle completes.
 *
 * Seed: GWB_OUTAGE_SEED (default: drawn, printed) — rerun a failure with the printed seed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/directory/dn';
import { StateStore } from '../../src/state/store';
import { startLab, type Lab } from '../lab/fixture';
import { startTcpFaultProxy, type TcpFaultProxy } from '../lab/tcp-fault-proxy';
import { buildCli, readAnchoredGroups, readMembers, spawnCli } from './engine-helpers';
import { mulberry32 } from '../lab/rng';

const TIMEOUT_MS = 5_000;
/** Generous: the breaker's bound is ~2 × timeout after the last answer; CLI exit and a loaded CI add to it. */
const BOUND_MS = 4 * TIMEOUT_MS;
const SEED = Number(process.env.GWB_OUTAGE_SEED ?? Math.floor(Math.random() * 1_000_000));

let lab: Lab;
let client: Client | undefined;
/** The relay every run but the failover one reaches the DC through. */
let relay: TcpFaultProxy;
let relayUrl: string;
let proxy: TcpFaultProxy | undefined;
let users: { id: string; dn: string }[] = [];
const expected = new Map<string, string[]>(); // group id → member DNs (normalized)
let rng: () => number;
let added = 0;

function addGroups(n: number): void {
  for (let k = 0; k < n; k++) {
    const i = added++;
    const g = lab.store!.addGroup({ displayName: `Outage group ${i}`, mailEnabled: false, securityEnabled: true, mailNickname: `outage${i}` });
    const picked = [...new Map(Array.from({ length: 5 }, (_, j) => users[(i * 13 + j * 11) % users.length]).map((u) => [u.id, u])).values()];
    for (const u of picked) lab.store!.addMember(g.id, u.id);
    expected.set(g.id, picked.map((u) => u.dn).sort());
  }
}

/** A config file next to the lab's with other directory settings. */
function configWith(name: string, directory: Record<string, unknown>): string {
  const doc = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
  doc.directory = { ...doc.directory, ...directory };
  const path = join(dirname(lab.config!.path), `${name}.json`);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

const env = () => ({ ...process.env, ...lab.config!.env });

async function adClient(): Promise<Client> {
  client ??= await lab.dc.connect('admin');
  return client;
}

async function dropClient(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.unbind().catch(() => undefined);
}

/**
 * Start `gwb run` (its directory URL `via` a relay) and return once it sent `requests` LDAP requests through it;
 * the relay then holds its next requests until `release()`, so the run is certainly still going.
 */
async function runUntil(config: string, via: TcpFaultProxy, requests: number) {
  const from = via.requests();
  const reached = via.holdAfter(requests).then(() => true);
  const run = spawnCli(['run', '--config', config, '--json'], env());
  const inTime = await Promise.race([reached, run.done.then(() => false)]);
  expect(inTime, `the run ended after ${via.requests() - from} requests, before request ${requests}: make the scenario bigger`).toBe(true);
  await dropClient(); // no lab connection may sit on a DC about to hang
  return run;
}

/** Every expected group exactly once; the members of those added since `from` (earlier ones were checked before). */
async function expectExact(from = 0): Promise<void> {
  const c = await adClient();
  const groups = await readAnchoredGroups(c, lab.dc.baseDn);
  const anchors = groups.map((g) => g.anchor!);
  expect(new Set(anchors).size, 'no duplicate group').toBe(anchors.length);
  expect([...anchors].sort()).toEqual([...expected.keys()].map((id) => `Group_${id}`).sort());
  const recent = new Set([...expected.keys()].slice(from));
  for (const g of groups) {
    const id = g.anchor!.slice(6);
    if (recent.has(id)) expect((await readMembers(c, g.dn)).map(normalizeDn).sort(), g.dn).toEqual(expected.get(id));
  }
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('ERROR: '));
}

beforeAll(async () => {
  buildCli();
  console.log(`outage seed ${SEED} (GWB_OUTAGE_SEED=${SEED} to replay)`);
  rng = mulberry32(SEED);
  lab = await startLab({ users: 40 });
  users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
  addGroups(100);
  relay = await startTcpFaultProxy({ host: lab.dc.ip, targetHost: lab.dc.ip, targetPort: 636 });
  relayUrl = `ldaps://${lab.dc.ip}:${relay.port}`;
}, 300_000);

afterAll(async () => {
  await dropClient();
  await relay?.close();
  await proxy?.close();
  await lab?.stop();
});

describe('a directory that hangs or dies mid-cycle', () => {
  it('hang (SIGSTOP) at a random point: the cycle stops within the bound, exit 1, one error; after a restart the next run is exact', async () => {
    const config = configWith('outage', { timeoutMs: TIMEOUT_MS, urls: [relayUrl] });
    const stopAfter = 20 + Math.floor(rng() * 100); // of about 230
    const run = await runUntil(config, relay, stopAfter);
    lab.dc.signal('SIGSTOP');
    const stoppedAt = Date.now();
    relay.release();
    const r = await run.done;
    const took = r.exitedAt - stoppedAt;
    console.log(`hang after ${stopAfter} requests: the run ended ${took} ms after the stop (timeout ${TIMEOUT_MS} ms)`);
    expect(r.code, r.stderr).toBe(1);
    expect(took).toBeLessThan(BOUND_MS);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: 'failed', errors: 0, failure: { code: 'DomainControllerUnavailable' } });
    expect(summary.failure.message).toContain(relayUrl);
    expect(summary.failure.hint).toMatch(/directory\.urls/);
    expect(errorLines(r.stderr), r.stderr).toHaveLength(1);

    // The stopped DC is killed and started again on the same data; the next run converges exactly.
    await lab.dc.restart();
    expect(StateStore.open(join(dirname(lab.config!.path), 'state')).store.doc).toMatchObject({ consecutiveFailures: 1, lastFailure: { code: 'DomainControllerUnavailable' } });
    const rerun = await spawnCli(['run', '--config', config, '--json'], env()).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ mode: 'full', status: 'success', errors: 0 });
    await expectExact();
  }, 240_000);

  it('kill (connection refused) during a delta cycle: the same, and the rerun after the restart is exact with 0 duplicates', async () => {
    const config = configWith('outage', { timeoutMs: TIMEOUT_MS, urls: [relayUrl] });
    const before = expected.size;
    addGroups(60);
    const killAfter = 20 + Math.floor(rng() * 100); // of about 300
    const run = await runUntil(config, relay, killAfter);
    lab.dc.signal('SIGKILL');
    const killedAt = Date.now();
    relay.release();
    const r = await run.done;
    console.log(`kill after ${killAfter} requests: the run ended ${r.exitedAt - killedAt} ms after the kill`);
    expect(r.code, r.stderr).toBe(1);
    expect(r.exitedAt - killedAt).toBeLessThan(BOUND_MS);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'delta', status: 'failed', errors: 0, failure: { code: 'DomainControllerUnavailable' } });
    expect(errorLines(r.stderr), r.stderr).toHaveLength(1);

    await lab.dc.restart();
    const rerun = await spawnCli(['run', '--config', config, '--json'], env()).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ mode: 'delta', status: 'success', errors: 0 });
    await expectExact(before);
  }, 240_000);

  it('failover: the first URL of directory.urls hangs mid-cycle, the cycle goes on against the second and completes', async () => {
    proxy = await startTcpFaultProxy({ host: lab.dc.ip, targetHost: lab.dc.ip, targetPort: 636 });
    const config = configWith('failover', { timeoutMs: TIMEOUT_MS, urls: [`ldaps://${lab.dc.ip}:${proxy.port}`, lab.dc.url] });
    const before = expected.size;
    addGroups(50);
    const hangAfter = 20 + Math.floor(rng() * 80); // of about 250
    const run = await runUntil(config, proxy, hangAfter);
    proxy.hang(); // what it held is never delivered: a hung first DC
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'success', errors: 0 });
    await expectExact(before);

    // A first URL that refuses outright: the run goes to the second at once.
    await proxy.close();
    proxy = undefined;
    const dead = configWith('failover', { timeoutMs: TIMEOUT_MS, urls: [`ldaps://${lab.dc.ip}:1`, lab.dc.url] });
    addGroups(5);
    const r2 = await spawnCli(['run', '--config', dead, '--json'], env()).done;
    expect(r2.code, r2.stderr).toBe(0);
    await expectExact(expected.size - 5);
  }, 240_000);

  it('a 30-second stop within the timeout budget is waited out: the cycle completes', async () => {
    const config = configWith('outage', { timeoutMs: 60_000, urls: [relayUrl] });
    const before = expected.size;
    addGroups(30);
    const run = await runUntil(config, relay, 10 + Math.floor(rng() * 40)); // of about 160
    lab.dc.signal('SIGSTOP');
    relay.release();
    await new Promise((r) => setTimeout(r, 30_000));
    lab.dc.signal('SIGCONT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'success', errors: 0 });
    await expectExact(before);
  }, 240_000);
});
