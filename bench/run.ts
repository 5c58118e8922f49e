/**
 * npm run bench -- --groups G --links L [--users U] [--no-floor] [--graph-budget S|M|L|<RU>]
 * npm run bench -- --big-group N [--small-groups K] [--changes C] [--no-floor]
 *
 * Builds a synthetic tenant in a fresh lab (Samba DC + Graph emulator), then runs the bundled core (a real
 * `gwb run` process) three times: the initial cycle, a no-change delta cycle and a 1%-change delta cycle. For each:
 * wall time, the engine's phases, LDAP operations, Graph requests and resource units (counted by the emulator as
 * the contract prices them), 429s, the core's CPU seconds beside the DC's (samba's /proc/<pid>/stat) and peak RSS.
 * The floor: the same final AD state (groups + memberships, read back over LDAP) imported with `ldapadd` from LDIF
 * into a fresh DC, timed the same way.
 *
 * --graph-budget: the emulator ENFORCES that identity & access budget (RU per 10 s; S 3,500, M 5,000, L 8,000)
 * and the core paces itself to it (tenant.resourceUnitBudget); a forced full cycle is then run once under the
 * budget and once unthrottled (no enforcement, no pacing) to compare.
 * --big-group N: one group of N members plus K small groups (default 2,000 × 10); then C adds + C removes
 * (default N/10 each) in the big group; the bench reads the big group back with ranged `member` reads and checks it.
 */
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../test/lab/fixture';
import { readAnchoredGroups, readMembers } from '../test/integration/engine-helpers';
import { normalizeDn } from '../src/directory/dn';
import { ldifEntry } from './ldif';
import { runCore, timeCommand, type Measured } from './measure';
import { mulberry32 as rng } from '../test/lab/rng';

const root = join(__dirname, '..');
const cli = join(root, 'module/GroupWriteback/bin/gwb.cjs');

function arg(name: string, def?: number): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const bigGroup = arg('big-group');
const smallGroups = arg('small-groups', 2000)!;
const groups = bigGroup ? smallGroups + 1 : arg('groups', 2000)!;
const changes = arg('changes', bigGroup ? Math.round(bigGroup / 10) : 0)!;
const links = bigGroup ? bigGroup + smallGroups * 10 : arg('links', 50_000)!;
const users = arg('users', bigGroup ? bigGroup + changes : Math.max(1000, Math.ceil(links / 25)))!;
const floor = !process.argv.includes('--no-floor');
/** Objects and members@delta entries per page of the emulator's delta rounds (undocumented in Graph). */
const deltaPage = arg('delta-page', 100)!;
const deltaChunk = arg('delta-chunk', 1000)!;
const BUDGETS: Record<string, number> = { S: 3500, M: 5000, L: 8000 };
const budgetArg = (() => {
  const i = process.argv.indexOf('--graph-budget');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const budget = budgetArg === undefined ? undefined : (BUDGETS[budgetArg.toUpperCase()] ?? Number(budgetArg));
if (budget !== undefined && !(budget > 0)) throw new Error(`--graph-budget: S, M, L or a number of resource units, not ${budgetArg}`);
const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

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
  /** CPU seconds of the core process (user + sys) and of the DC's samba processes during the cycle. */
  coreCpuS: number;
  dcCpuS: number;
  /** Counted by the emulator: Graph requests (batch items included), resource units charged, 429 answers. */
  emulator: { requests: number; resourceUnits: number; throttled429: number; byRoute: Record<string, number>; unitsByRoute: Record<string, number> };
}

const CLK_TCK = 100;

/** utime + stime (s) of `pid` and all its descendants, from /proc. */
function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  let sum = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    sum += ticks.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return sum / CLK_TCK;
}

function summarize(name: string, m: Measured, dcCpuS: number, emulator: PhaseResult['emulator']): PhaseResult {
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
    coreCpuS: s.cpuMs ? (s.cpuMs.user + s.cpuMs.system) / 1000 : NaN,
    dcCpuS,
    emulator,
  };
}

interface Floor {
  wallMs: number;
  entries: number;
  values: number;
  dcCpuS: number;
}

interface BigGroupCheck {
  members: number;
  expected: number;
  exact: boolean;
  readMs: number;
}

async function main(): Promise<void> {
  log(`tenant: ${groups} groups, ${links} links, ${users} synced users${bigGroup ? ` (one group of ${bigGroup}, ${changes} adds + ${changes} removes)` : ''}${budget ? `, Graph budget ${budget} RU / 10 s enforced` : ''}`);
  const t0 = Date.now();
  const lab: Lab = await startLab({ users, log, seedSnapshot: true });
  const setupMs = Date.now() - t0;
  log(`lab ready in ${setupMs} ms (seeding ${lab.timings.seed} ms for ${users} users: ${Math.round((users * 1000) / Math.max(1, lab.timings.seed))} users/s)`);
  const env = { ...process.env, ...lab.config!.env };
  const store = lab.store!;
  const graph = lab.graph!;
  graph.delta.settings.pageSize = deltaPage;
  graph.delta.settings.memberChunk = deltaChunk;
  const ids = lab.seeded.users!.synced.map((u) => u.id);
  const rand = rng(groups * 31 + links);
  const groupIds: string[] = [];
  if (bigGroup) {
    const g = store.addGroup({ displayName: 'Bench big group', description: `${bigGroup} members`, mailEnabled: false, securityEnabled: true, mailNickname: 'benchbig' });
    groupIds.push(g.id);
    for (let k = 0; k < bigGroup; k++) store.addMember(g.id, ids[k]);
    for (let i = 0; i < smallGroups; i++) {
      const sg = store.addGroup({ displayName: `Bench group ${i}`, description: null, mailEnabled: false, securityEnabled: true, mailNickname: `bench${i}` });
      groupIds.push(sg.id);
      const start = Math.floor(rand() * ids.length);
      for (let k = 0; k < 10; k++) store.addMember(sg.id, ids[(start + k) % ids.length]);
    }
  } else {
    // Member counts: a skewed spread around links/groups (a few large groups, many small ones), summing to `links`.
    const weights = Array.from({ length: groups }, () => Math.pow(rand(), 3) + 0.05);
    const total = weights.reduce((a, b) => a + b, 0);
    let remaining = links;
    for (let i = 0; i < groups; i++) {
      const g = store.addGroup({ displayName: `Bench group ${i}`, description: i % 2 ? `Synthetic group ${i}` : null, mailEnabled: false, securityEnabled: true, mailNickname: `bench${i}` });
      groupIds.push(g.id);
      const n = i === groups - 1 ? Math.min(remaining, ids.length) : Math.min(remaining, Math.min(ids.length, Math.max(0, Math.round((weights[i] / total) * links))));
      remaining -= n;
      const start = Math.floor(rand() * ids.length);
      for (let k = 0; k < n; k++) store.addMember(g.id, ids[(start + k) % ids.length]);
    }
  }
  log(`tenant built in ${Date.now() - t0 - setupMs} ms; store: ${JSON.stringify(store.counts())}`);

  // Graph budget: enforced by the emulator, paced by the core (tenant.resourceUnitBudget) — or both off.
  const setBudget = (ru: number | undefined) => {
    const cfg = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
    cfg.tenant.resourceUnitBudget = ru ?? 0;
    writeFileSync(lab.config!.path, JSON.stringify(cfg, null, 2));
    graph.faults.set({ resourceUnits: ru ? { enabled: true, capacity: ru } : { enabled: false } });
  };
  if (budget) setBudget(budget);

  const dcPid = lab.dc.pid;
  const results: PhaseResult[] = [];
  const run = async (name: string, extra: string[] = []) => {
    log(`${name}…`);
    graph.stats.reset();
    const cpu0 = treeCpuSeconds(dcPid);
    const m = await runCore(cli, ['run', '--config', lab.config!.path, '--json', ...extra], env);
    const dcCpuS = treeCpuSeconds(dcPid) - cpu0;
    const st = graph.stats.snapshot();
    const r = summarize(name, m, dcCpuS, {
      requests: st.graph + st.batchItems,
      resourceUnits: st.resourceUnits,
      throttled429: st.byStatus['429'] ?? 0,
      byRoute: st.byRoute,
      unitsByRoute: st.resourceUnitsByRoute,
    });
    log(`${name}: ${r.wallMs} ms, ${r.ldap.writes} LDAP writes, ${r.emulator.requests} Graph requests, ${r.emulator.resourceUnits} RU, ${r.emulator.throttled429} × 429, core CPU ${r.coreCpuS.toFixed(1)} s, DC CPU ${dcCpuS.toFixed(1)} s, peak ${r.peakRssMb} MiB`);
    results.push(r);
    return r;
  };
  await run(`initial (full)${budget ? `, budget ${budget}` : ''}`);
  await run('no-change delta');
  let check: BigGroupCheck | undefined;
  if (bigGroup) {
    const id = groupIds[0];
    for (let k = 0; k < changes; k++) store.removeMember(id, ids[k]);
    for (let k = bigGroup; k < bigGroup + changes; k++) store.addMember(id, ids[k]);
    await run(`delta: ${changes} adds + ${changes} removes`);
    log('reading the big group back with ranged member reads…');
    const client = await lab.dc.connect('admin');
    try {
      const t = Date.now();
      const [g] = (await readAnchoredGroups(client, lab.dc.baseDn)).filter((x) => x.anchor === `Group_${id}`);
      const got = (await readMembers(client, g.dn)).map((dn) => normalizeDn(dn)).sort();
      const readMs = Date.now() - t;
      const byId = new Map(lab.seeded.users!.synced.map((u, i) => [u.id, normalizeDn(lab.seeded.users!.ad[i].dn)]));
      const want = store.membersOf(id).map((m) => byId.get(m.id)!).sort();
      const exact = got.length === want.length && got.every((dn, i) => dn === want[i]);
      check = { members: got.length, expected: want.length, exact, readMs };
      log(`big group in AD: ${got.length} members (expected ${want.length}): ${exact ? 'exact' : 'MISMATCH'} (read in ${readMs} ms)`);
    } finally {
      await client.unbind();
    }
  } else {
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
  }
  if (budget) {
    await run(`full, forced, budget ${budget}`, ['--full']);
    setBudget(undefined);
    await run('full, forced, unthrottled', ['--full']);
  }

  // Final AD state → LDIF (groups with their members).
  const ldifPath = join(tmpdir(), `gwb-bench-${process.pid}.ldif`);
  let floorResult: Floor | undefined;
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
      const ok = out.write(
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
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise((r) => out.end(r));
    await client.unbind();
    await lab.stop();

    log('floor: a fresh DC with the same users…');
    const fresh = await startLab({ users, graph: false, log, seedSnapshot: true });
    try {
      const cpu0 = treeCpuSeconds(fresh.dc.pid);
      const t = await timeCommand('ldapadd', ['-x', '-H', fresh.dc.url, '-D', fresh.dc.admin.bindDn, '-w', fresh.dc.admin.password, '-f', ldifPath], { ...process.env, LDAPTLS_CACERT: fresh.dc.caFile });
      if (t.code !== 0) throw new Error(`ldapadd failed (${t.code}): ${t.stderr.slice(-1000)}`);
      floorResult = { wallMs: t.wallMs, entries, values, dcCpuS: treeCpuSeconds(fresh.dc.pid) - cpu0 };
      log(`floor: ldapadd of ${entries} groups / ${values} member values: ${t.wallMs} ms, DC CPU ${floorResult.dcCpuS.toFixed(1)} s`);
    } finally {
      await fresh.stop();
      rmSync(ldifPath, { force: true });
    }
  } else {
    await lab.stop();
  }

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg() },
    tenant: { groups, links, users, ...(bigGroup ? { bigGroup, changes } : {}), deltaPage, deltaChunk, ...(budget ? { budget } : {}) },
    seedMs: lab.timings.seed,
    results,
    floor: floorResult,
    ...(check ? { bigGroupCheck: check } : {}),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const tag = bigGroup ? `big${bigGroup}` : `${groups}-${links}${budget ? `-ru${budget}` : ''}`;
  const file = join(root, 'bench/results', `${tag}-${report.date.slice(0, 19).replace(/[:T]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  printTable(report);
  log(`written ${file}`);
  if (check && !check.exact) process.exitCode = 1;
}

function printTable(r: { results: PhaseResult[]; floor?: Floor; tenant: Record<string, unknown>; bigGroupCheck?: BigGroupCheck }): void {
  const rows = [['cycle', 'wall s', '× floor', 'engine s', 'core CPU s', 'DC CPU s', 'LDAP writes', 'member values', 'Graph req', 'RU', '429s', 'paced s', 'peak RSS MiB']];
  const f = r.floor?.wallMs;
  for (const p of r.results) {
    rows.push([
      p.name, (p.wallMs / 1000).toFixed(1), f && p.mode === 'full' && p.ldap.writes > 0 ? (p.wallMs / f).toFixed(2) : '',
      (p.engineMs / 1000).toFixed(1), p.coreCpuS.toFixed(1), p.dcCpuS.toFixed(1), String(p.ldap.writes),
      String(p.ldap.memberValuesAdded + p.ldap.memberValuesRemoved), String(p.emulator.requests), String(p.emulator.resourceUnits),
      String(p.emulator.throttled429), (Number(p.graph.pacedWaitMs ?? 0) / 1000).toFixed(1), String(p.peakRssMb),
    ]);
  }
  if (r.floor) rows.push(['floor: ldapadd of the final state', (r.floor.wallMs / 1000).toFixed(1), '1.00', '', '', r.floor.dcCpuS.toFixed(1), String(r.floor.entries), String(r.floor.values), '', '', '', '', '']);
  const w = rows[0].map((_, i) => Math.max(...rows.map((x) => x[i].length)));
  const t = r.tenant;
  process.stdout.write(`\n${t.groups} groups / ${t.links} links / ${t.users} users${t.bigGroup ? ` (one group of ${t.bigGroup})` : ''}; delta pages ${t.deltaPage} objects / ${t.deltaChunk} members${t.budget ? `; Graph budget ${t.budget} RU / 10 s enforced` : ''}\n`);
  for (const row of rows) process.stdout.write(row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ') + '\n');
  const forced = r.results.filter((p) => p.name.startsWith('full, forced'));
  if (forced.length === 2) process.stdout.write(`  forced full cycle under the budget / unthrottled: ${(forced[0].wallMs / forced[1].wallMs).toFixed(2)}×\n`);
  if (r.bigGroupCheck) process.stdout.write(`  big group read back (ranged): ${r.bigGroupCheck.members} members, expected ${r.bigGroupCheck.expected}: ${r.bigGroupCheck.exact ? 'exact' : 'MISMATCH'}\n`);
  for (const p of r.results) process.stdout.write(`  ${p.name} phases: ${p.phases.map((x) => `${x.name} ${(x.ms / 1000).toFixed(1)}s`).join(', ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
