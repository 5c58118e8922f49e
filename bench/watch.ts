/**
 * npm run bench:watch -- [--groups 10000] [--members 5] [--users 1000] [--changes 200] [--minutes 30]
 *                        [--interval 5] [--store directory|file] [--no-faults] [--cli gwb.cjs]
 *
 * Watch mode on a large tenant: after the initial cycle (a `gwb run` process), one `gwb watch` process runs for
 * --minutes while --changes changes are made through the emulator's Graph API (HTTPS, the real Graph client) at
 * random times: member adds and removes, renames, new groups. For each change, the time from the Graph call's
 * answer to the AD write is taken from the watcher's provisioning log (each entry is written right after its
 * LDAP write succeeded); p50/p95/max are printed. During the run the DC is restarted (30 % in) and Graph is
 * unavailable for 2 minutes (60 % in, fault injection: every call 503); the run checks that everything was
 * delivered anyway and that AD is exact at the end. The watcher's RSS is sampled every 10 s (trend in MB/hour
 * from a least-squares fit after the first 5 minutes).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { normalizeDn } from '../src/directory/dn';
import { queryLog, type LogEntry } from '../src/state/log';
import { readAnchoredGroups, readMembers } from '../test/integration/engine-helpers';
import { graphClient, secretCredential } from '../test/lab/graph/client';
import { arg, initialCycle, startWatchLab, watchArgs } from './watch-lab';
import { mulberry32 as rng } from '../test/lab/rng';

const root = join(__dirname, '..');

const { cli, groups: GROUPS, members: MEMBERS, users: USERS, minutes: MINUTES, interval: INTERVAL, store: STORE } = watchArgs({ groups: 10_000, users: 1000, minutes: 30, interval: 5 });
const CHANGES = arg('changes', 200);
const FAULTS = !process.argv.includes('--no-faults');
const log = (m: string) => process.stderr.write(`[watch-bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Kind = 'memberAdd' | 'memberRemove' | 'rename' | 'create';
interface Change {
  kind: Kind;
  groupId: string;
  userId?: string;
  at: number;
  /** Planned offset (ms from the watch start). */
  plannedMs: number;
  deliveredAt?: number;
  window?: 'dc-restart' | 'graph-outage';
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function slopePerHour(samples: { t: number; mb: number }[]): number {
  const n = samples.length;
  if (n < 3) return NaN;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mm = samples.reduce((s, x) => s + x.mb, 0) / n;
  const num = samples.reduce((s, x) => s + (x.t - mt) * (x.mb - mm), 0);
  const den = samples.reduce((s, x) => s + (x.t - mt) ** 2, 0);
  return (num / den) * 3_600_000;
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const rand = rng(12);
  const t0 = Date.now();
  log(`lab: ${USERS} synced users, ${GROUPS} groups × ${MEMBERS} members`);
  const w0 = await startWatchLab({ name: 'watch-bench', users: USERS, groups: GROUPS, members: MEMBERS, store: STORE, displayName: (i) => `Watch bench ${i}`, mailNickname: (i) => `wb${i}` });
  const { lab, work, configPath: config, env } = w0;
  const seeded = w0.groupIds;
  let watcher: ReturnType<typeof spawn> | undefined;
  try {
    const users = lab.seeded.users!.synced.map((u, i) => ({ id: u.id, dn: normalizeDn(lab.seeded.users!.ad[i].dn) }));
    const dnOf = new Map(users.map((u) => [u.id, u.dn]));
    log(`setup ${Math.round((Date.now() - t0) / 1000)} s; initial cycle (gwb run, state store: ${STORE})`);
    const initial = await initialCycle(cli, w0);
    log(`initial cycle: ${Math.round(initial.wallMs / 1000)} s, created ${initial.json.groups.created}`);

    // ---- the watcher
    const durationMs = MINUTES * 60_000;
    const stderrFile = join(work, 'watch.stderr');
    const errOut = createWriteStream(stderrFile);
    const startedAt = Date.now();
    const w = spawn(process.execPath, [cli, 'watch', '--config', config, '--interval', String(INTERVAL), '--verbose'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    watcher = w;
    w.stderr!.pipe(errOut);
    const rss: { t: number; mb: number }[] = [];
    const load: { t: number; load1: number }[] = [];
    const sampler = setInterval(() => {
      const t = Date.now() - startedAt;
      const mb = rssMb(w.pid!);
      if (Number.isFinite(mb)) rss.push({ t, mb });
      load.push({ t, load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]) });
    }, 10_000);

    // ---- the schedule: changes at random times, none inside the Graph outage (our own calls would fail too)
    const dcAt = Math.round(durationMs * 0.3);
    const outageAt = Math.round(durationMs * 0.6);
    const outageMs = 120_000;
    const slots: number[] = [];
    while (slots.length < CHANGES) {
      const t = 20_000 + rand() * (durationMs - 80_000);
      if (FAULTS && t > outageAt - 5_000 && t < outageAt + outageMs + 5_000) continue;
      slots.push(t);
    }
    slots.sort((a, b) => a - b);
    const graph = graphClient(lab.graph!, secretCredential(lab.graph!));
    const changes: Change[] = [];
    let created = 0;
    const busy = new Set<string>();
    const faultsLog: string[] = [];
    const faultEnds: { fault: string; at: number; downS: number }[] = [];
    const faults = (async () => {
      if (!FAULTS) return;
      await sleep(Math.max(0, startedAt + dcAt - Date.now()));
      log('fault: restarting the DC (20 s down)');
      const r0 = Date.now();
      lab.dc.signal('SIGKILL'); // a crash/reboot: connections refused until it is back
      await sleep(20_000);
      await lab.dc.restart();
      faultsLog.push(`DC restart at ${Math.round(dcAt / 1000)} s: down ${Math.round((Date.now() - r0) / 1000)} s`);
      faultEnds.push({ fault: 'dc-restart', at: Date.now(), downS: Math.round((Date.now() - r0) / 1000) });
      log(`fault: DC back after ${Math.round((Date.now() - r0) / 1000)} s`);
      await sleep(Math.max(0, startedAt + outageAt - Date.now()));
      log('fault: Graph unavailable for 2 minutes (every call 503)');
      lab.graph!.faults.set({ unavailablePercent: 100, retryAfterSeconds: 10 });
      await sleep(outageMs);
      lab.graph!.faults.reset();
      faultEnds.push({ fault: 'graph-outage', at: Date.now(), downS: outageMs / 1000 });
      faultsLog.push(`Graph outage at ${Math.round(outageAt / 1000)} s for ${outageMs / 1000} s (every Graph call 503, Retry-After 10 s)`);
      log('fault: Graph back');
    })();
    for (const slot of slots) {
      await sleep(Math.max(0, startedAt + slot - Date.now()));
      const roll = rand();
      const kind: Kind = roll < 0.4 ? 'memberAdd' : roll < 0.7 ? 'memberRemove' : roll < 0.9 ? 'rename' : 'create';
      let groupId = seeded[Math.floor(rand() * seeded.length)];
      while (busy.has(groupId)) groupId = seeded[Math.floor(rand() * seeded.length)];
      let c: Change;
      const at = Date.now(); // the change's time: when the Graph call was sent (its answer may come later on a loaded machine)
      try {
        if (kind === 'memberAdd') {
          const have = new Set(lab.store!.membersOf(groupId).map((m) => m.id));
          let u = users[Math.floor(rand() * users.length)];
          while (have.has(u.id)) u = users[Math.floor(rand() * users.length)];
          await graph.api(`/groups/${groupId}/members/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${u.id}` });
          c = { kind, groupId, userId: u.id, at, plannedMs: slot };
        } else if (kind === 'memberRemove') {
          const m = lab.store!.membersOf(groupId)[0];
          if (!m) continue;
          await graph.api(`/groups/${groupId}/members/${m.id}/$ref`).delete();
          c = { kind, groupId, userId: m.id, at, plannedMs: slot };
        } else if (kind === 'rename') {
          await graph.api(`/groups/${groupId}`).patch({ displayName: `Watch bench renamed ${randomUUID().slice(0, 6)}` });
          c = { kind, groupId, at, plannedMs: slot };
        } else {
          const g = await graph.api('/groups').post({ displayName: `Watch bench new ${++created}`, mailEnabled: false, securityEnabled: true, mailNickname: `wbn${created}` });
          c = { kind, groupId: g.id, at, plannedMs: slot };
        }
      } catch (err) {
        log(`change ${kind} failed: ${(err as Error).message}`);
        continue;
      }
      if (FAULTS && c.plannedMs >= dcAt - 5_000 && c.plannedMs <= dcAt + 60_000) c.window = 'dc-restart';
      if (FAULTS && c.plannedMs >= outageAt && c.plannedMs <= outageAt + outageMs + 60_000) c.window = 'graph-outage';
      changes.push(c);
    }
    await faults;
    await sleep(Math.max(0, startedAt + durationMs - Date.now()));

    // ---- match changes to the watcher's AD writes (its provisioning log)
    const match = async (): Promise<number> => {
      const entries: LogEntry[] = [];
      for await (const e of queryLog(join(work, 'state', 'log'), { after: new Date(startedAt - 1000).toISOString() })) if (e.result === 'success') entries.push(e);
      for (const c of changes) {
        if (c.deliveredAt) continue;
        const id = c.groupId.toLowerCase();
        const hit = entries.find((e) => {
          if (Date.parse(e.timestamp) < c.at - 50) return false;
          const gid = (e.groupId ?? e.sourceId ?? '').toLowerCase();
          if (gid !== id) return false;
          if (c.kind === 'memberAdd') return e.action === 'memberAdd' && (e.memberIds ?? []).map((x) => x.toLowerCase()).includes(c.userId!.toLowerCase());
          // A removal's log entry names the member by DN (the engine no longer knows its cloud id): match the group.
          if (c.kind === 'memberRemove') return e.action === 'memberRemove';
          if (c.kind === 'rename') return e.action === 'update' || e.action === 'rename';
          return e.action === 'create' || e.action === 'match';
        });
        if (hit) c.deliveredAt = Date.parse(hit.timestamp);
      }
      return changes.filter((c) => !c.deliveredAt).length;
    };
    let missing = await match();
    // Recovery: from the end of each fault to the first cycle that completed after it (the watcher's log).
    const cycleEnds: number[] = [];
    for await (const e of queryLog(join(work, 'state', 'log'), { after: new Date(startedAt - 1000).toISOString() })) {
      if (e.action === 'cycle' && e.result === 'success' && / cycle success$/.test(e.reason ?? '')) cycleEnds.push(Date.parse(e.timestamp));
    }
    const recovery = faultEnds.map((f) => {
      const first = cycleEnds.find((t) => t >= f.at);
      return { fault: f.fault, downS: f.downS, firstGoodCycleAfterS: first === undefined ? null : +((first - f.at) / 1000).toFixed(1) };
    });
    for (let i = 0; i < 24 && missing > 0; i++) {
      await sleep(5000);
      missing = await match();
    }
    clearInterval(sampler);
    const exit = new Promise<number | null>((r) => w.once('exit', (code) => r(code)));
    const stopAt = Date.now();
    w.kill('SIGTERM');
    const code = await exit;
    const stopMs = Date.now() - stopAt;
    watcher = undefined;

    // ---- AD exact (read over LDAP, independently of the engine)
    const client = await lab.dc.connect('admin');
    let wrong = 0;
    const living = lab.store!.listGroups();
    const ad = await readAnchoredGroups(client, lab.dc.baseDn);
    const anchors = ad.map((g) => g.anchor!);
    const duplicates = anchors.length - new Set(anchors).size;
    const missingGroups = living.filter((g) => !anchors.includes(`Group_${g.id}`)).length;
    const byAnchor = new Map(ad.map((g) => [g.anchor!.slice(6), g]));
    for (const c of changes) {
      const g = byAnchor.get(c.groupId);
      if (!g) {
        wrong++;
        continue;
      }
      const want = lab.store!.membersOf(c.groupId).map((m) => dnOf.get(m.id)!).sort();
      const have = (await readMembers(client, g.dn)).map(normalizeDn).sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) wrong++;
      if (c.kind === 'rename' && g.displayName !== lab.store!.getGroup(c.groupId)!.displayName) wrong++;
    }
    await client.unbind();

    const lat = (cs: Change[]) => cs.filter((c) => c.deliveredAt).map((c) => (c.deliveredAt! - c.at) / 1000).sort((a, b) => a - b);
    const all = lat(changes);
    const normal = lat(changes.filter((c) => !c.window));
    const stats = (xs: number[]) => ({ n: xs.length, p50: +pct(xs, 50).toFixed(2), p95: +pct(xs, 95).toFixed(2), max: +(xs[xs.length - 1] ?? NaN).toFixed(2) });
    const steady = rss.filter((s) => s.t >= 5 * 60_000);
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        load: readFileSync('/proc/loadavg', 'utf8').trim(),
        load1DuringRun: load.length ? { min: Math.min(...load.map((x) => x.load1)), median: [...load].sort((a, b) => a.load1 - b.load1)[load.length >> 1].load1, max: Math.max(...load.map((x) => x.load1)) } : undefined,
        load1Series: load.map((x) => [Math.round(x.t / 1000), x.load1]),
      },
      params: { cli, groups: GROUPS, members: MEMBERS, users: USERS, changes: CHANGES, minutes: MINUTES, intervalSeconds: INTERVAL, store: STORE, faults: FAULTS },
      initialCycle: { wallMs: initial.wallMs, created: initial.json.groups.created },
      changesMade: changes.length,
      delivered: changes.filter((c) => c.deliveredAt).length,
      undelivered: changes.filter((c) => !c.deliveredAt).map((c) => ({ kind: c.kind, groupId: c.groupId, userId: c.userId, at: new Date(c.at).toISOString(), window: c.window })),
      latencySeconds: {
        byKindOutsideFaultWindows: Object.fromEntries((['memberAdd', 'memberRemove', 'rename', 'create'] as Kind[]).map((k) => [k, stats(lat(changes.filter((c) => c.kind === k && !c.window)))])),
        addsRenamesCreatesOutsideFaultWindows: stats(lat(changes.filter((c) => c.kind !== 'memberRemove' && !c.window))),
        removesOutsideFaultWindows: stats(lat(changes.filter((c) => c.kind === 'memberRemove' && !c.window))),
        all: stats(all), outsideFaultWindows: stats(normal), dcRestartWindow: stats(lat(changes.filter((c) => c.window === 'dc-restart'))), graphOutageWindow: stats(lat(changes.filter((c) => c.window === 'graph-outage'))) },
      faults: faultsLog,
      recovery,
      watcherWarnings: readFileSync(stderrFile, 'utf8').split('\n').filter((l) => /^WARNING|Recovered|Took over|Standing by/.test(l)),
      perChange: changes.map((c) => ({ kind: c.kind, window: c.window, madeAtS: Math.round((c.at - startedAt) / 100) / 10, latencyS: c.deliveredAt ? (c.deliveredAt - c.at) / 1000 : null })),
      ad: { groupsInTenant: living.length, anchoredInAd: ad.length, missingGroups, duplicates, changedGroupsWrong: wrong },
      watcher: { exitCode: code, stopMs, stderr: stderrFile },
      rssMb: {
        samples: rss.length,
        first: +(rss[0]?.mb ?? NaN).toFixed(1),
        last: +(rss[rss.length - 1]?.mb ?? NaN).toFixed(1),
        min: +Math.min(...rss.map((s) => s.mb)).toFixed(1),
        max: +Math.max(...rss.map((s) => s.mb)).toFixed(1),
        steadyFirst: +(steady[0]?.mb ?? NaN).toFixed(1),
        steadyLast: +(steady[steady.length - 1]?.mb ?? NaN).toFixed(1),
        trendMbPerHourAfter5Min: +slopePerHour(steady).toFixed(2),
        series: rss.map((s) => [Math.round(s.t / 1000), +s.mb.toFixed(1)]),
      },
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const out = join(root, 'bench/results', `watch-${GROUPS}-${result.date.slice(0, 16).replace(/[:T]/g, '')}.json`);
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    const l = result.latencySeconds;
    console.log(`watch bench: ${GROUPS} groups, ${changes.length} changes over ${MINUTES} min, interval ${INTERVAL} s, ${STORE} store`);
    console.log(`delivered ${result.delivered}/${changes.length}; change→AD write latency (s): all p50 ${l.all.p50} p95 ${l.all.p95} max ${l.all.max}; outside fault windows p50 ${l.outsideFaultWindows.p50} p95 ${l.outsideFaultWindows.p95} max ${l.outsideFaultWindows.max} (n=${l.outsideFaultWindows.n})`);
    console.log(`faults: ${faultsLog.join('; ') || 'none'}; DC-restart window max ${l.dcRestartWindow.max} s (n=${l.dcRestartWindow.n}), after-outage max ${l.graphOutageWindow.max} s (n=${l.graphOutageWindow.n})`);
    console.log(`recovery: ${recovery.map((r) => `${r.fault} (down ${r.downS} s): first good cycle ${r.firstGoodCycleAfterS} s after it ended`).join('; ')}`);
    console.log(`AD: ${ad.length} anchored groups for ${living.length} cloud groups, ${missingGroups} missing, ${duplicates} duplicates, ${wrong} changed groups not exact`);
    console.log(`RSS (MB): first ${result.rssMb.first}, last ${result.rssMb.last}, min ${result.rssMb.min}, max ${result.rssMb.max}; trend after 5 min ${result.rssMb.trendMbPerHourAfter5Min} MB/h (${rss.length} samples)`);
    console.log(`watcher stopped by SIGTERM in ${stopMs} ms, exit ${code}; results: ${out}`);
    if (result.delivered !== changes.length || missingGroups || duplicates || wrong || code !== 0) process.exitCode = 1;
  } finally {
    watcher?.kill('SIGKILL');
    await lab.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
