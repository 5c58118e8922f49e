/**
 * npm run bench -- --groups G --links L [--users U] [--no-floor] [--graph-budget S|M|L|<RU>] [--kerberos]
 * npm run bench -- --big-group N [--small-groups K] [--changes C] [--no-floor] [--kerberos]
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
 * The core's LDAP timeout is 120 s there (--directory-timeout-ms): one modify of a 500,000-member group on a loaded DC.
 * --batch-size B: member values per LDAP modify (config membership.batchSize, 1–5,000; default 1,000).
 * The synced users come from a seeded DC snapshot, built offline the first time (bench/seed-offline.ts).
 * --kerberos: the same run also drives a second lab with the same tenant (same seed) through the Kerberos directory
 * driver (S.DS.P via edge-js, Negotiate signed+sealed on ldap://<dc>:389, the lab's gwb-svc keytab, no password);
 * each cycle runs on the ldapts lab (LDAPS, simple bind) and then on the Kerberos lab, and one table compares them
 * (Kerberos / ldapts ratios). The forced full cycles of --graph-budget and the floor run on the ldapts lab only.
 */
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { startLab, type Lab } from '../test/lab/fixture';
import type { Client } from 'ldapts';
import { kerberosDirectory, readAnchoredGroups, readMembers } from '../test/integration/engine-helpers';
import { normalizeDn } from '../src/directory/dn';
import { ldifEntry, ldifModifyAdd } from './ldif';
import { runCore, timeCommand, type Measured } from './measure';
import { ensureSeededSnapshot, type OfflineSeed } from './seed-offline';
import { buildTenant, changeTenant, type BenchTenant, type TenantShape } from './tenant';

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
const kerberos = process.argv.includes('--kerberos');
const shape: TenantShape = { groups, links, smallGroups, changes, ...(bigGroup ? { bigGroup } : {}) };
/** Objects and members@delta entries per page of the emulator's delta rounds (undocumented in Graph). */
const deltaPage = arg('delta-page', 100)!;
const deltaChunk = arg('delta-chunk', 1000)!;
/** The core's LDAP operation timeout (config directory.timeoutMs; default 30 s, 120 s for --big-group). */
const directoryTimeoutMs = arg('directory-timeout-ms', bigGroup ? 120_000 : undefined);
/** Member values per LDAP modify (config membership.batchSize: default 1000, at most 5000). */
const batchSize = arg('batch-size');
const BUDGETS: Record<string, number> = { S: 3500, M: 5000, L: 8000 };
const budgetArg = (() => {
  const i = process.argv.indexOf('--graph-budget');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const budget = budgetArg === undefined ? undefined : (BUDGETS[budgetArg.toUpperCase()] ?? Number(budgetArg));
if (budget !== undefined && !(budget > 0)) throw new Error(`--graph-budget: S, M, L or a number of resource units, not ${budgetArg}`);
const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type Driver = 'ldapts' | 'Kerberos';

/** One lab driven through one directory driver: its tenant, the config `gwb run` gets and its environment. */
interface Side {
  driver: Driver;
  tenant: BenchTenant;
  lab: Lab;
  configPath: string;
  /** The directory URL the core connects to (ldaps://…:636 for ldapts, ldap://…:389 for Kerberos). */
  url: string;
  env: NodeJS.ProcessEnv;
}

interface PhaseResult {
  name: string;
  driver: Driver;
  wallMs: number;
  engineMs: number;
  mode: string;
  /** Why the engine ran a full cycle (first run, --full, expired delta token, …). */
  fullReason?: string;
  status: string;
  groups: Record<string, number>;
  members: Record<string, number>;
  ldap: Record<string, number>;
  graph: Record<string, number>;
  peakRssMb: number;
  phases: { name: string; ms: number }[];
  /** CPU seconds of the core process (user + sys, every thread: .NET's too) and of the DC's samba processes during the cycle. */
  coreCpuS: number;
  dcCpuS: number;
  /** Load average (1, 5, 15 min) when the cycle ended: the machine is shared. */
  loadavg: number[];
  /** Counted by the emulator: Graph requests (batch items included), resource units charged, 429 answers. */
  emulator: { requests: number; resourceUnits: number; throttled429: number; byRoute: Record<string, number>; unitsByRoute: Record<string, number> };
}

const CLK_TCK = 100;
/** Member values per request of the floor's LDIF. */
const FLOOR_CHUNK = 5000;

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

function summarize(name: string, driver: Driver, m: Measured, dcCpuS: number, emulator: PhaseResult['emulator']): PhaseResult {
  if (m.code !== 0 || !m.json) throw new Error(`${name} (${driver}): gwb run exited ${m.code}: ${m.stderr.slice(-2000)}`);
  const s = m.json;
  return {
    name,
    driver,
    wallMs: m.wallMs,
    engineMs: s.durationMs,
    mode: s.mode,
    ...(s.fullReason ? { fullReason: s.fullReason } : {}),
    status: s.status,
    groups: s.groups,
    members: s.members,
    ldap: s.ldap,
    graph: s.graph,
    peakRssMb: Math.max(m.peakRssMb, s.peakRssMb ?? 0),
    phases: s.phases,
    coreCpuS: s.cpuMs ? (s.cpuMs.user + s.cpuMs.system) / 1000 : NaN,
    dcCpuS,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    emulator,
  };
}

interface Floor {
  wallMs: number;
  entries: number;
  values: number;
  dcCpuS: number;
}

/** Ranged `member` reads (windows of 1500) with no server time limit: see readMembers. */
const readMemberRanges = (client: Client, dn: string): Promise<string[]> => readMembers(client, dn, 1500, { timeLimit: 0 });

interface BigGroupCheck {
  driver: Driver;
  members: number;
  expected: number;
  exact: boolean;
  readMs: number;
}

/** The lab's config with the Kerberos driver instead of ldapts' simple bind: config-kerberos.json beside it. */
function writeKerberosConfig(lab: Lab): string {
  const doc = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
  const { bindDn: _bindDn, password: _password, ...directory } = doc.directory;
  doc.directory = { ...directory, ...kerberosDirectory(lab) };
  const path = join(dirname(lab.config!.path), 'config-kerberos.json');
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

/** A fresh lab (from the seeded snapshot when there is one) holding the bench tenant, for one driver. */
async function openSide(driver: Driver): Promise<Side> {
  const t0 = Date.now();
  const lab = await startLab({ users, log, seedSnapshot: true });
  const labMs = Date.now() - t0;
  log(`${driver} lab ready in ${labMs} ms (seeding ${lab.timings.seed} ms for ${users} users: ${Math.round((users * 1000) / Math.max(1, lab.timings.seed))} users/s)`);
  lab.graph!.delta.settings.pageSize = deltaPage;
  lab.graph!.delta.settings.memberChunk = deltaChunk;
  const tenant = buildTenant(lab, shape);
  log(`${driver} tenant built in ${Date.now() - t0 - labMs} ms; store: ${JSON.stringify(lab.store!.counts())}`);
  const configPath = driver === 'Kerberos' ? writeKerberosConfig(lab) : lab.config!.path;
  if (directoryTimeoutMs || batchSize) {
    const cfg = JSON.parse(readFileSync(configPath, 'utf8'));
    if (directoryTimeoutMs) cfg.directory.timeoutMs = directoryTimeoutMs;
    if (batchSize) cfg.membership = { ...cfg.membership, batchSize };
    writeFileSync(configPath, JSON.stringify(cfg, null, 2));
  }
  const url = JSON.parse(readFileSync(configPath, 'utf8')).directory.urls[0] as string;
  return { driver, tenant, lab, configPath, url, env: { ...process.env, ...lab.config!.env } };
}

/** Graph budget: enforced by the side's emulator, paced by its core (tenant.resourceUnitBudget) — or both off. */
function setBudget(side: Side, ru: number | undefined): void {
  const cfg = JSON.parse(readFileSync(side.configPath, 'utf8'));
  cfg.tenant.resourceUnitBudget = ru ?? 0;
  writeFileSync(side.configPath, JSON.stringify(cfg, null, 2));
  side.lab.graph!.faults.set({ resourceUnits: ru ? { enabled: true, capacity: ru } : { enabled: false } });
}

async function runCycle(side: Side, name: string, extra: string[] = []): Promise<PhaseResult> {
  log(`${name} (${side.driver})…`);
  const graph = side.lab.graph!;
  graph.stats.reset();
  const cpu0 = treeCpuSeconds(side.lab.dc.pid);
  const m = await runCore(cli, ['run', '--config', side.configPath, '--json', ...extra], side.env);
  const dcCpuS = treeCpuSeconds(side.lab.dc.pid) - cpu0;
  const st = graph.stats.snapshot();
  const r = summarize(name, side.driver, m, dcCpuS, {
    requests: st.graph + st.batchItems,
    resourceUnits: st.resourceUnits,
    throttled429: st.byStatus['429'] ?? 0,
    byRoute: st.byRoute,
    unitsByRoute: st.resourceUnitsByRoute,
  });
  log(`${name} (${side.driver}): ${r.mode}${r.fullReason ? ` (${r.fullReason})` : ''}, ${r.wallMs} ms, ${r.ldap.writes} LDAP writes, ${r.emulator.requests} Graph requests, ${r.emulator.resourceUnits} RU, ${r.emulator.throttled429} × 429, core CPU ${r.coreCpuS.toFixed(1)} s, DC CPU ${dcCpuS.toFixed(1)} s, peak ${r.peakRssMb} MiB, load ${r.loadavg[0]}`);
  return r;
}

/** Read the big group back from the side's DC with ranged member reads and compare it with the emulator's. */
async function checkBigGroup(side: Side): Promise<BigGroupCheck> {
  const { lab, groupIds } = side.tenant;
  const id = groupIds[0];
  log(`reading the big group back with ranged member reads (${side.driver} lab)…`);
  const client = await lab.dc.connect('admin');
  try {
    const t = Date.now();
    const [g] = (await readAnchoredGroups(client, lab.dc.baseDn)).filter((x) => x.anchor === `Group_${id}`);
    const got = (await readMemberRanges(client, g.dn)).map((dn) => normalizeDn(dn)).sort();
    const readMs = Date.now() - t;
    const byId = new Map(lab.seeded.users!.synced.map((u, i) => [u.id, normalizeDn(lab.seeded.users!.ad[i].dn)]));
    const want = lab.store!.membersOf(id).map((m) => byId.get(m.id)!).sort();
    const exact = got.length === want.length && got.every((dn, i) => dn === want[i]);
    log(`big group in AD (${side.driver}): ${got.length} members (expected ${want.length}): ${exact ? 'exact' : 'MISMATCH'} (read in ${readMs} ms)`);
    return { driver: side.driver, members: got.length, expected: want.length, exact, readMs };
  } finally {
    await client.unbind();
  }
}

/** The floor: the final AD state of `lab` as LDIF, imported with ldapadd into a fresh DC with the same users. */
async function measureFloor(lab: Lab, stopLabs: () => Promise<void>): Promise<Floor> {
  const ldifPath = join(tmpdir(), `gwb-bench-${process.pid}.ldif`);
  log('reading the final AD state for the floor…');
  const client = await lab.dc.connect('admin');
  const out = createWriteStream(ldifPath);
  let entries = 0;
  let values = 0;
  for (const g of await readAnchoredGroups(client, lab.dc.baseDn)) {
    const members = await readMemberRanges(client, g.dn);
    values += members.length;
    entries++;
    // One LDAP request must stay under Samba's 16 MiB limit (`ldap max authenticated request size`): a large
    // group is added with its first FLOOR_CHUNK members, the rest follow in modifies of FLOOR_CHUNK values.
    const chunks = Array.from({ length: Math.ceil(members.length / FLOOR_CHUNK) }, (_, i) => members.slice(i * FLOOR_CHUNK, (i + 1) * FLOOR_CHUNK));
    let ok = out.write(
      ldifEntry(g.dn, {
        objectClass: ['top', 'group'],
        groupType: g.groupType,
        displayName: g.displayName,
        description: g.description,
        adminDescription: g.adminDescription,
        'msDS-ExternalDirectoryObjectId': g.anchor,
        member: chunks.length ? chunks[0] : undefined,
      }),
    );
    for (const more of chunks.slice(1)) {
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
      ok = out.write(ldifModifyAdd(g.dn, 'member', more));
    }
    if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise((r) => out.end(r));
  await client.unbind();
  await stopLabs();

  log('floor: a fresh DC with the same users…');
  const fresh = await startLab({ users, graph: false, log, seedSnapshot: true });
  try {
    const cpu0 = treeCpuSeconds(fresh.dc.pid);
    const t = await timeCommand('ldapadd', ['-x', '-H', fresh.dc.url, '-D', fresh.dc.admin.bindDn, '-w', fresh.dc.admin.password, '-f', ldifPath], { ...process.env, LDAPTLS_CACERT: fresh.dc.caFile });
    if (t.code !== 0) throw new Error(`ldapadd failed (${t.code}): ${t.stderr.slice(-1000)}`);
    const f = { wallMs: t.wallMs, entries, values, dcCpuS: treeCpuSeconds(fresh.dc.pid) - cpu0 };
    log(`floor: ldapadd of ${entries} groups / ${values} member values: ${t.wallMs} ms, DC CPU ${f.dcCpuS.toFixed(1)} s`);
    return f;
  } finally {
    await fresh.stop();
    rmSync(ldifPath, { force: true });
  }
}

/** Kerberos / ldapts per cycle both drivers ran (null where ldapts' value is below what is measured: CPU < 0.05 s). */
interface Comparison {
  cycle: string;
  wall: number | null;
  coreCpu: number | null;
  dcCpu: number | null;
  peakRss: number | null;
  ldapOps: number | null;
  graphRequests: number | null;
}

const ldapOps = (p: PhaseResult): number => p.ldap.searches + p.ldap.writes;
const ratio = (k: number, l: number, resolution = 0): number | null => (l > resolution && Number.isFinite(k) ? Math.round((k / l) * 1000) / 1000 : null);

function compare(results: PhaseResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const l of results.filter((p) => p.driver === 'ldapts')) {
    const k = results.find((p) => p.driver === 'Kerberos' && p.name === l.name);
    if (!k) continue;
    out.push({
      cycle: l.name,
      wall: ratio(k.wallMs, l.wallMs),
      coreCpu: ratio(k.coreCpuS, l.coreCpuS, 0.05),
      dcCpu: ratio(k.dcCpuS, l.dcCpuS, 0.05),
      peakRss: ratio(k.peakRssMb, l.peakRssMb),
      ldapOps: ratio(ldapOps(k), ldapOps(l)),
      graphRequests: ratio(k.emulator.requests, l.emulator.requests),
    });
  }
  return out;
}

async function main(): Promise<void> {
  const load0 = loadavg();
  log(`tenant: ${groups} groups, ${links} links, ${users} synced users${bigGroup ? ` (one group of ${bigGroup}, ${changes} adds + ${changes} removes)` : ''}${budget ? `, Graph budget ${budget} RU / 10 s enforced` : ''}${kerberos ? '; drivers: ldapts and Kerberos (two labs, same tenant)' : ''}`);
  const sides: Side[] = [];
  const stopLabs = async () => {
    for (const s of sides) await s.lab.stop();
  };
  // The synced users are seeded offline into a snapshot of the golden DC (bench/seed-offline.ts) unless one exists;
  // startLab then clones that snapshot.
  const offlineSeed: OfflineSeed = await ensureSeededSnapshot(users, log);
  if (offlineSeed.built) log(`offline seeding: ${users} users in ${(offlineSeed.wallMs / 1000).toFixed(0)} s wall, ${offlineSeed.cpuS.toFixed(0)} CPU-s (${((offlineSeed.cpuS * 1000) / users).toFixed(2)} ms CPU/user)`);
  const results: PhaseResult[] = [];
  const checks: BigGroupCheck[] = [];
  let floorResult: Floor | undefined;
  try {
    sides.push(await openSide('ldapts'));
    if (kerberos) sides.push(await openSide('Kerberos'));
    if (budget) for (const s of sides) setBudget(s, budget);
    // Each cycle on every side in turn (ldapts first): the drivers meet the same machine load, cycle by cycle.
    const each = async (name: string) => {
      for (const s of sides) results.push(await runCycle(s, name));
    };
    await each(`initial (full)${budget ? `, budget ${budget}` : ''}`);
    await each('no-change delta');
    const changed = sides.map((s) => changeTenant(s.tenant));
    await each(changed[0]);
    if (bigGroup) for (const s of sides) checks.push(await checkBigGroup(s));
    if (budget) {
      results.push(await runCycle(sides[0], `full, forced, budget ${budget}`, ['--full']));
      setBudget(sides[0], undefined);
      results.push(await runCycle(sides[0], 'full, forced, unthrottled', ['--full']));
    }
    if (floor) floorResult = await measureFloor(sides[0].lab, stopLabs);
  } finally {
    await stopLabs();
  }

  const comparison = kerberos ? compare(results) : undefined;
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavgStart: load0, loadavg: loadavg() },
    tenant: { groups, links, users, ...(bigGroup ? { bigGroup, changes } : {}), deltaPage, deltaChunk, ...(budget ? { budget } : {}), ...(directoryTimeoutMs ? { directoryTimeoutMs } : {}), ...(batchSize ? { batchSize } : {}) },
    drivers: sides.map((s) => ({ driver: s.driver, url: s.url })),
    seedMs: sides[0].lab.timings.seed,
    offlineSeed: { ...offlineSeed, users },
    results,
    ...(comparison ? { comparison } : {}),
    floor: floorResult,
    ...(checks.length ? { bigGroupChecks: checks } : {}),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const tag = `${bigGroup ? `big${bigGroup}` : `${groups}-${links}${budget ? `-ru${budget}` : ''}`}${kerberos ? '-kerberos' : ''}`;
  const file = join(root, 'bench/results', `${tag}-${report.date.slice(0, 19).replace(/[:T]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  printTable(report);
  log(`written ${file}`);
  if (checks.some((c) => !c.exact)) process.exitCode = 1;
}

const fmtRatio = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)}×`);

function printTable(r: { results: PhaseResult[]; comparison?: Comparison[]; floor?: Floor; tenant: Record<string, unknown>; bigGroupChecks?: BigGroupCheck[] }): void {
  const print = (rows: string[][]) => {
    const w = rows[0].map((_, i) => Math.max(...rows.map((x) => x[i].length)));
    for (const row of rows) process.stdout.write(row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ') + '\n');
  };
  const both = !!r.comparison;
  const rows = [['cycle', 'wall s', '× floor', 'engine s', 'core CPU s', 'DC CPU s', 'LDAP writes', 'member values', 'Graph req', 'RU', '429s', 'paced s', 'peak RSS MiB']];
  const f = r.floor?.wallMs;
  for (const p of r.results) {
    rows.push([
      both ? `${p.name}, ${p.driver}` : p.name, (p.wallMs / 1000).toFixed(1), f && p.driver === 'ldapts' && p.mode === 'full' && p.ldap.writes > 0 ? (p.wallMs / f).toFixed(2) : '',
      (p.engineMs / 1000).toFixed(1), p.coreCpuS.toFixed(1), p.dcCpuS.toFixed(1), String(p.ldap.writes),
      String(p.ldap.memberValuesAdded + p.ldap.memberValuesRemoved), String(p.emulator.requests), String(p.emulator.resourceUnits),
      String(p.emulator.throttled429), (Number(p.graph.pacedWaitMs ?? 0) / 1000).toFixed(1), String(p.peakRssMb),
    ]);
  }
  if (r.floor) rows.push(['floor: ldapadd of the final state', (r.floor.wallMs / 1000).toFixed(1), '1.00', '', '', r.floor.dcCpuS.toFixed(1), String(r.floor.entries), String(r.floor.values), '', '', '', '', '']);
  const t = r.tenant;
  process.stdout.write(`\n${t.groups} groups / ${t.links} links / ${t.users} users${t.bigGroup ? ` (one group of ${t.bigGroup})` : ''}; delta pages ${t.deltaPage} objects / ${t.deltaChunk} members${t.budget ? `; Graph budget ${t.budget} RU / 10 s enforced` : ''}\n`);
  print(rows);
  const forced = r.results.filter((p) => p.name.startsWith('full, forced'));
  if (forced.length === 2) process.stdout.write(`  forced full cycle under the budget / unthrottled: ${(forced[0].wallMs / forced[1].wallMs).toFixed(2)}×\n`);
  for (const c of r.bigGroupChecks ?? []) process.stdout.write(`  big group read back (ranged, ${c.driver} lab): ${c.members} members, expected ${c.expected}: ${c.exact ? 'exact' : 'MISMATCH'}\n`);
  for (const p of r.results) process.stdout.write(`  ${p.name}${both ? `, ${p.driver}` : ''} phases: ${p.phases.map((x) => `${x.name} ${(x.ms / 1000).toFixed(1)}s`).join(', ')}\n`);
  if (!r.comparison) return;

  // One table, both drivers: each cycle's ldapts row, Kerberos row and the Kerberos / ldapts ratios.
  process.stdout.write('\nKerberos driver (S.DS.P via edge-js, signed+sealed on 389) vs ldapts (LDAPS, simple bind), same tenant, same run\n');
  const cmp = [['cycle', 'driver', 'wall s', 'core CPU s', 'DC CPU s', 'peak RSS MiB', 'LDAP ops', 'Graph req', 'load 1m']];
  for (const c of r.comparison) {
    for (const p of r.results.filter((x) => x.name === c.cycle)) {
      cmp.push([c.cycle, p.driver, (p.wallMs / 1000).toFixed(1), p.coreCpuS.toFixed(1), p.dcCpuS.toFixed(1), String(p.peakRssMb), String(ldapOps(p)), String(p.emulator.requests), p.loadavg[0].toFixed(1)]);
    }
    cmp.push(['', 'Kerberos / ldapts', fmtRatio(c.wall), fmtRatio(c.coreCpu), fmtRatio(c.dcCpu), fmtRatio(c.peakRss), fmtRatio(c.ldapOps), fmtRatio(c.graphRequests), '']);
  }
  print(cmp);
  const initial = r.comparison[0];
  if (initial) process.stdout.write(`  initial cycle, Kerberos / ldapts: wall ${fmtRatio(initial.wall)}, core CPU ${fmtRatio(initial.coreCpu)}, DC CPU ${fmtRatio(initial.dcCpu)} (goal: within 1.2×)\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
