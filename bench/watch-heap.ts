/**
 * npm run bench:watch-heap -- [--groups 300] [--members 5] [--users 300] [--minutes 20] [--interval 1]
 *                             [--change-every 2] [--store directory|file] [--sample 10] [--no-snapshots] [--cli gwb.cjs]
 *
 * Does watch mode leak? A small tenant and a fast interval give many cycles in little time (1,200 cycles in
 * 20 minutes at 1 s, the work of 100 minutes at the default 5 s): one `gwb watch` process runs while a change
 * (member add or remove, rename, new group) is made in the emulator every --change-every seconds, so cycles
 * both find nothing and write. The watcher is started with `--expose-gc` and a preload (written next to the
 * state, never part of the product) that every --sample seconds runs a full GC and appends
 * process.memoryUsage() to a file, and writes a heap snapshot on SIGUSR2. Live heap after a full GC separates
 * a leak (it grows with the cycles) from V8 heap growth or fragmentation (RSS moves, the live heap does not).
 * Heap snapshots at 25 %, 50 % and 100 % of the run are compared by constructor (count and self size): what
 * a leak would be made of (writing a snapshot raises RSS by tens of MB for good: --no-snapshots for an RSS
 * trend). Prints the trends per hour and per 1,000 cycles and writes
 * bench/results/watch-heap-<date>.json.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { arg, initialCycle, startWatchLab, watchArgs } from './watch-lab';
import { mulberry32 as rng } from '../test/lab/rng';

const root = join(__dirname, '..');

const { cli, groups: GROUPS, members: MEMBERS, users: USERS, minutes: MINUTES, interval: INTERVAL, store: STORE } = watchArgs({ groups: 300, users: 300, minutes: 20, interval: 1 });
const CHANGE_EVERY = arg('change-every', 2);
const SAMPLE = arg('sample', 10);
const SNAPSHOTS = !process.argv.includes('--no-snapshots');
const log = (m: string) => process.stderr.write(`[watch-heap ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The preload: full GC + memoryUsage every N ms to a file; a heap snapshot on SIGUSR2. */
const PROBE = `
const fs = require('node:fs'), v8 = require('node:v8');
const out = process.env.GWB_MEMPROBE_OUT, every = Number(process.env.GWB_MEMPROBE_MS || 10000), t0 = Date.now();
let n = 0;
setInterval(() => {
  global.gc();
  const m = process.memoryUsage();
  fs.appendFileSync(out, JSON.stringify({ t: Date.now() - t0, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }) + '\\n');
}, every).unref();
process.on('SIGUSR2', () => {
  global.gc();
  const file = v8.writeHeapSnapshot(out.replace(/\\.ndjson$/, '') + '-' + (++n) + '.heapsnapshot');
  fs.appendFileSync(out + '.snapshots', file + '\\n');
});
`;

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Least-squares slope of y over x, scaled. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 3) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** Count and self size per (type, constructor name) in a V8 heap snapshot. */
function summarize(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields: string[] = snap.snapshot.meta.node_fields;
  const types: string[] = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, { count: number; size: number }>();
  const nodes: number[] = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const name = type === 'object' || type === 'closure' || type === 'native' ? snap.strings[nodes[i + iName]] : '';
    const key = `${type}${name ? ':' + String(name).slice(0, 60) : ''}`;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += nodes[i + iSize];
    out.set(key, e);
  }
  return out;
}

function diff(a: Map<string, { count: number; size: number }>, b: Map<string, { count: number; size: number }>, top = 15) {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((k) => ({ key: k, dCount: (b.get(k)?.count ?? 0) - (a.get(k)?.count ?? 0), dBytes: (b.get(k)?.size ?? 0) - (a.get(k)?.size ?? 0) }));
  const total = { count: rows.reduce((s, r) => s + r.dCount, 0), bytes: rows.reduce((s, r) => s + r.dBytes, 0) };
  return { total, topByBytes: rows.sort((x, y) => y.dBytes - x.dBytes).slice(0, top), topByCount: [...rows].sort((x, y) => y.dCount - x.dCount).slice(0, top) };
}

async function main(): Promise<void> {
  const rand = rng(1212);
  log(`lab: ${USERS} synced users, ${GROUPS} groups × ${MEMBERS} members`);
  const w0 = await startWatchLab({ name: 'watch-heap', users: USERS, groups: GROUPS, members: MEMBERS, store: STORE, displayName: (i) => `Heap soak ${i}`, mailNickname: (i) => `hs${i}` });
  const { lab, work, configPath: config } = w0;
  const groups = w0.groupIds;
  let watcher: ReturnType<typeof spawn> | undefined;
  try {
    const store = lab.store!;
    const users = lab.seeded.users!.synced.map((u) => u.id);
    const probe = join(work, 'probe.cjs');
    writeFileSync(probe, PROBE);
    const samplesFile = join(work, 'mem.ndjson');
    const env = { ...w0.env, GWB_MEMPROBE_OUT: samplesFile, GWB_MEMPROBE_MS: String(SAMPLE * 1000) };
    const initial = await initialCycle(cli, w0, env);
    log(`initial cycle: ${Math.round(initial.wallMs / 1000)} s; watching ${MINUTES} min at ${INTERVAL} s, a change every ${CHANGE_EVERY} s (${STORE} store)`);

    const durationMs = MINUTES * 60_000;
    const startedAt = Date.now();
    const w = spawn(process.execPath, ['--expose-gc', '--require', probe, cli, 'watch', '--config', config, '--interval', String(INTERVAL), '--verbose'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    watcher = w;
    w.stdout!.pipe(createWriteStream(join(work, 'watch.stdout')));
    w.stderr!.pipe(createWriteStream(join(work, 'watch.stderr')));
    const snapAt = SNAPSHOTS ? [0.25, 0.5, 1].map((f) => Math.round(durationMs * f)) : [];
    let changes = 0;
    let created = 0;
    let nextSnap = 0;
    while (Date.now() - startedAt < durationMs) {
      await sleep(CHANGE_EVERY * 1000);
      const g = groups[Math.floor(rand() * groups.length)];
      const roll = rand();
      if (roll < 0.4) {
        const u = users[Math.floor(rand() * users.length)];
        if (!store.isMember(g, u)) store.addMember(g, u);
      } else if (roll < 0.7) {
        const m = store.membersOf(g)[0];
        if (m) store.removeMember(g, m.id);
      } else if (roll < 0.9) {
        store.updateGroup(g, { displayName: `Heap soak renamed ${randomUUID().slice(0, 6)}` });
      } else {
        const n = store.addGroup({ displayName: `Heap soak new ${++created}`, mailEnabled: false, securityEnabled: true, mailNickname: `hsn${created}` });
        groups.push(n.id);
      }
      changes++;
      const el = Date.now() - startedAt;
      if (nextSnap < snapAt.length - 1 && el >= snapAt[nextSnap]) {
        w.kill('SIGUSR2');
        log(`heap snapshot ${nextSnap + 1} at ${Math.round(el / 1000)} s`);
        nextSnap++;
      }
    }
    if (SNAPSHOTS) {
      w.kill('SIGUSR2');
      log('final heap snapshot');
    }
    const snapList = `${samplesFile}.snapshots`;
    for (let i = 0; i < 120 && SNAPSHOTS && (!existsSync(snapList) || readFileSync(snapList, 'utf8').trim().split('\n').length < snapAt.length); i++) await sleep(1000);
    const exit = new Promise<number | null>((r) => w.once('exit', (code) => r(code)));
    w.kill('SIGTERM');
    const code = await exit;
    watcher = undefined;

    // Cycles run: every quiet cycle is a verbose line, every cycle that wrote emits a RunSummary.
    const err = readFileSync(join(work, 'watch.stderr'), 'utf8');
    const quiet = (err.match(/Delta cycle: no change/g) ?? []).length;
    const failed = (err.match(/Cycle failed|WARNING: Watch:/g) ?? []).length;
    const cyclesStarted = (err.match(/Reading Entra ID changes \(delta\)…/g) ?? []).length;
    const samples: Sample[] = readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mb = (b: number) => b / 1048576;
    const warm = samples.filter((s) => s.t >= Math.min(5 * 60_000, durationMs / 4));
    const perHour = (key: keyof Sample, ss: Sample[]) => +(slope(ss.map((s) => s.t / 3_600_000), ss.map((s) => mb(s[key]))) || 0).toFixed(2);
    const cyclesPerMs = cyclesStarted / (samples[samples.length - 1]?.t || 1);
    const per1000 = (key: keyof Sample, ss: Sample[]) => +((perHour(key, ss) / 3_600_000 / cyclesPerMs) * 1000).toFixed(3);
    const series = samples.map((s) => [Math.round(s.t / 1000), +mb(s.rss).toFixed(1), +mb(s.heapUsed).toFixed(2), +mb(s.heapTotal).toFixed(1), +mb(s.external).toFixed(2)]);
    const snaps = existsSync(snapList) ? readFileSync(snapList, 'utf8').trim().split('\n') : [];
    const sums = snaps.map((f) => summarize(f.startsWith('/') ? f : join(process.cwd(), f)));
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, load: readFileSync('/proc/loadavg', 'utf8').trim(), node: process.version },
      params: { cli, groups: GROUPS, members: MEMBERS, users: USERS, minutes: MINUTES, intervalSeconds: INTERVAL, changeEverySeconds: CHANGE_EVERY, store: STORE, sampleSeconds: SAMPLE, snapshots: SNAPSHOTS },
      cycles: { started: cyclesStarted, quiet, wrote: cyclesStarted - quiet - failed, failed },
      changes,
      watcherExit: code,
      trendAfterWarmup: {
        fromSeconds: Math.round((warm[0]?.t ?? 0) / 1000),
        rssMbPerHour: perHour('rss', warm),
        heapUsedAfterGcMbPerHour: perHour('heapUsed', warm),
        heapTotalMbPerHour: perHour('heapTotal', warm),
        externalMbPerHour: perHour('external', warm),
        rssMbPer1000Cycles: per1000('rss', warm),
        heapUsedAfterGcMbPer1000Cycles: per1000('heapUsed', warm),
      },
      trendWholeRun: { rssMbPerHour: perHour('rss', samples), heapUsedAfterGcMbPerHour: perHour('heapUsed', samples) },
      first: series[0],
      warmFirst: series[samples.indexOf(warm[0])],
      last: series[series.length - 1],
      snapshots: snaps,
      snapshotDiffs: sums.slice(1).map((s, i) => ({ from: snaps[i], to: snaps[i + 1], ...diff(sums[i], s) })),
      seriesColumns: ['s', 'rssMb', 'heapUsedAfterGcMb', 'heapTotalMb', 'externalMb'],
      series,
      work,
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const file = join(root, 'bench/results', `watch-heap-${result.date.slice(0, 16).replace(/[:T]/g, '')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    const t = result.trendAfterWarmup;
    console.log(`watch heap soak: ${GROUPS} groups, ${MINUTES} min at ${INTERVAL} s, ${cyclesStarted} delta cycles (${failed} failed), ${changes} changes`);
    console.log(`after ${t.fromSeconds} s: live heap after GC ${t.heapUsedAfterGcMbPerHour} MB/h (${t.heapUsedAfterGcMbPer1000Cycles} MB per 1,000 cycles), RSS ${t.rssMbPerHour} MB/h (${t.rssMbPer1000Cycles} MB per 1,000 cycles), heapTotal ${t.heapTotalMbPerHour} MB/h, external ${t.externalMbPerHour} MB/h`);
    console.log(`first [s, rss, heapUsed, heapTotal, external] ${JSON.stringify(result.first)}, warm ${JSON.stringify(result.warmFirst)}, last ${JSON.stringify(result.last)}`);
    for (const d of result.snapshotDiffs) console.log(`heap ${d.from.split('-').pop()} → ${d.to.split('-').pop()}: ${d.total.count} objects, ${(d.total.bytes / 1024).toFixed(0)} KiB; top: ${d.topByBytes.slice(0, 5).map((r) => `${r.key} ${r.dCount} / ${(r.dBytes / 1024).toFixed(0)} KiB`).join(', ')}`);
    console.log(`results: ${file}`);
  } finally {
    watcher?.kill('SIGKILL');
    await lab.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
