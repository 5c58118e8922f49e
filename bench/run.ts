/**
 * npm run bench -- --groups G --links L [--users U] [--no-floor]
 *
 * Builds a synthetic tenant in a fresh lab (Samba DC + Graph emulator), then runs the bundled core (a real
 * `gwb run` process) three times: the initial cycle, a no-change delta cycle and a 1%-change delta cycle. For each:
 * wall time, the engine's phases, LDAP operations, Graph requests and peak RSS. The floor: the same final AD state
 * (groups + memberships, read back over LDAP) imported with `ldapadd` from LDIF into a fresh DC, timed the same way.
 */
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../test/lab/fixture';
import { readAnchoredGroups, readMembers } from '../test/integration/engine-helpers';
import { ldifEntry } from './ldif';
import { runCore, timeCommand, type Measured } from './measure';

const root = join(__dirname, '..');
const cli = join(root, 'module/GroupWriteback/bin/gwb.cjs');

function arg(name: string, def?: number): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const groups = arg('groups', 2000)!;
const links = arg('links', 50_000)!;
const users = arg('users', Math.max(1000, Math.ceil(links / 25)))!;
const floor = !process.argv.includes('--no-floor');
const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PhaseResult {
  name: string;
  wallMs: number;
  engineMs: number;
  mode: string;
  status: string;
  groups: Record<string, number>;
  members: Record<string, number>;
  ldap: Record<string, number>;
  graph: Record<string, number>;
  peakRssMb: number;
  phases: { name: string; ms: number }[];
}

function summarize(name: string, m: Measured): PhaseResult {
  if (m.code !== 0 || !m.json) throw new Error(`${name}: gwb run exited ${m.code}: ${m.stderr.slice(-2000)}`);
  const s = m.json;
  return {
    name,
    wallMs: m.wallMs,
    engineMs: s.durationMs,
    mode: s.mode,
    status: s.status,
    groups: s.groups,
    members: s.members,
    ldap: s.ldap,
    graph: s.graph,
    peakRssMb: Math.max(m.peakRssMb, s.peakRssMb ?? 0),
    phases: s.phases,
  };
}

async function main(): Promise<void> {
  log(`tenant: ${groups} groups, ${links} links, ${users} synced users`);
  const t0 = Date.now();
  const lab: Lab = await startLab({ users, log });
  const setupMs = Date.now() - t0;
  const env = { ...process.env, ...lab.config!.env };
  const store = lab.store!;
  const ids = lab.seeded.users!.synced.map((u) => u.id);
  const rand = rng(groups * 31 + links);
  const groupIds: string[] = [];
  // Member counts: a skewed spread around links/groups (a few large groups, many small ones), summing to `links`.
  const weights = Array.from({ length: groups }, () => Math.pow(rand(), 3) + 0.05);
  const total = weights.reduce((a, b) => a + b, 0);
  let remaining = links;
  for (let i = 0; i < groups; i++) {
    const g = store.addGroup({ displayName: `Bench group ${i}`, description: i % 2 ? `Synthetic group ${i}` : null, mailEnabled: false, securityEnabled: true, mailNickname: `bench${i}` });
    groupIds.push(g.id);
    const n = i === groups - 1 ? remaining : Math.min(remaining, Math.min(ids.length, Math.max(0, Math.round((weights[i] / total) * links))));
    remaining -= n;
    const start = Math.floor(rand() * ids.length);
    for (let k = 0; k < n; k++) store.addMember(g.id, ids[(start + k) % ids.length]);
  }
  log(`tenant built in ${Date.now() - t0 - setupMs} ms (lab ${setupMs} ms); store: ${JSON.stringify(store.counts())}`);

  const results: PhaseResult[] = [];
  const run = async (name: string) => {
    log(`${name}…`);
    const r = summarize(name, await runCore(cli, ['run', '--config', lab.config!.path, '--json'], env));
    log(`${name}: ${r.wallMs} ms, ${r.ldap.writes} LDAP writes, ${r.graph.requests} Graph requests, peak ${r.peakRssMb} MiB`);
    results.push(r);
  };
  await run('initial (full)');
  await run('no-change delta');
  // 1% change: half renamed (rename + displayName), half with 5 member adds + 5 removes.
  const changed = Math.max(1, Math.round(groups / 100));
  for (let i = 0; i < changed; i++) {
    const id = groupIds[Math.floor((i * groups) / changed)];
    if (i % 2 === 0) store.updateGroup(id, { displayName: `Bench group renamed ${i}` });
    else {
      const current = store.membersOf(id).map((m) => m.id);
      for (const m of current.slice(0, 5)) store.removeMember(id, m);
      let added = 0;
      for (let k = 0; added < 5 && k < ids.length; k++) {
        const u = ids[Math.floor(rand() * ids.length)];
        if (!store.isMember(id, u)) {
          store.addMember(id, u);
          added++;
        }
      }
    }
  }
  await run('1%-change delta');

  // Final AD state → LDIF (groups with their members).
  const ldifPath = join(tmpdir(), `gwb-bench-${process.pid}.ldif`);
  let floorResult: { wallMs: number; entries: number; values: number } | undefined;
  if (floor) {
    log('reading the final AD state for the floor…');
    const client = await lab.dc.connect('admin');
    const out = createWriteStream(ldifPath);
    let entries = 0;
    let values = 0;
    for (const g of await readAnchoredGroups(client, lab.dc.baseDn)) {
      const members = await readMembers(client, g.dn);
      values += members.length;
      entries++;
      out.write(
        ldifEntry(g.dn, {
          objectClass: ['top', 'group'],
          groupType: g.groupType,
          displayName: g.displayName,
          description: g.description,
          adminDescription: g.adminDescription,
          'msDS-ExternalDirectoryObjectId': g.anchor,
          member: members.length ? members : undefined,
        }),
      );
    }
    await new Promise((r) => out.end(r));
    await client.unbind();
    await lab.stop();

    log('floor: a fresh DC with the same users…');
    const fresh = await startLab({ users, graph: false, log });
    try {
      const t = await timeCommand('ldapadd', ['-x', '-H', fresh.dc.url, '-D', fresh.dc.admin.bindDn, '-w', fresh.dc.admin.password, '-f', ldifPath], { ...process.env, LDAPTLS_CACERT: fresh.dc.caFile });
      if (t.code !== 0) throw new Error(`ldapadd failed (${t.code}): ${t.stderr.slice(-1000)}`);
      floorResult = { wallMs: t.wallMs, entries, values };
      log(`floor: ldapadd of ${entries} groups / ${values} member values: ${t.wallMs} ms`);
    } finally {
      await fresh.stop();
      rmSync(ldifPath, { force: true });
    }
  } else {
    await lab.stop();
  }

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    tenant: { groups, links, users },
    results,
    floor: floorResult,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, 'bench/results', `${groups}-${links}-${report.date.slice(0, 19).replace(/[:T]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  printTable(report);
  log(`written ${file}`);
}

function printTable(r: { results: PhaseResult[]; floor?: { wallMs: number; entries: number; values: number }; tenant: { groups: number; links: number; users: number } }): void {
  const rows = [['cycle', 'wall s', 'engine s', 'LDAP searches', 'LDAP writes', 'member values', 'Graph requests', 'peak RSS MiB']];
  for (const p of r.results) {
    rows.push([p.name, (p.wallMs / 1000).toFixed(1), (p.engineMs / 1000).toFixed(1), String(p.ldap.searches), String(p.ldap.writes), String(p.ldap.memberValuesAdded + p.ldap.memberValuesRemoved), String(p.graph.requests), String(p.peakRssMb)]);
  }
  if (r.floor) rows.push(['floor: ldapadd of the final state', (r.floor.wallMs / 1000).toFixed(1), '', '', String(r.floor.entries), String(r.floor.values), '', '']);
  const w = rows[0].map((_, i) => Math.max(...rows.map((x) => x[i].length)));
  process.stdout.write(`\n${r.tenant.groups} groups / ${r.tenant.links} links / ${r.tenant.users} users\n`);
  for (const row of rows) process.stdout.write(row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ') + '\n');
  for (const p of r.results) process.stdout.write(`  ${p.name} phases: ${p.phases.map((x) => `${x.name} ${(x.ms / 1000).toFixed(1)}s`).join(', ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
