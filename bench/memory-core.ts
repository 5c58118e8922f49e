/**
 * Child of bench/memory.ts: one initial cycle of the real engine and the real Graph client against the emulator,
 * with a Target that accepts every write and keeps nothing (so the process's memory is the engine's, not a fake
 * directory's). Prints {peakRssMb, cpuS, durationMs, groups, members} as JSON.
 */
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '../src/config/load';
import { applyMemoryMode } from '../src/core/memory-mode';
import { EventSink } from '../src/core/events';
import { openSource } from '../src/engine/connect';
import { runCycle } from '../src/engine/cycle';
import { createMapper } from '../src/engine/mapper';
import type { AdGroup, AdUser, AttributeChanges } from '../src/model/directory';
import type { Target } from '../src/model/ports';
import { StateStore } from '../src/state/store';

/** Every user resolves (its DN derived from the GUID); creates return a fresh GUID; nothing is stored. */
class NullTarget implements Target {
  writes = 0;
  values = 0;
  async *listAnchoredGroups(): AsyncIterable<AdGroup[]> {}
  async findByAnchor(): Promise<AdGroup[]> {
    return [];
  }
  async findBySid(): Promise<AdGroup | null> {
    return null;
  }
  async resolveUsersByGuid(guids: string[]): Promise<Map<string, AdUser>> {
    return new Map(guids.map((g) => [g, { dn: `CN=${g},OU=Synced Users,DC=lab,DC=example,DC=com`, objectGuid: g, objectSid: '' }]));
  }
  async resolveUsersBySid(): Promise<Map<string, AdUser>> {
    return new Map();
  }
  async readMembers(): Promise<string[]> {
    return [];
  }
  async createGroup(dn: string, attributes: AttributeChanges): Promise<AdGroup> {
    this.writes++;
    const m = attributes.member;
    this.values += Array.isArray(m) ? m.length : m ? 1 : 0;
    return { dn, objectGuid: randomUUID(), objectSid: '', anchor: null, attributes: {} };
  }
  async modifyGroup(): Promise<void> {
    this.writes++;
  }
  async moveGroup(_dn: string, newDn: string): Promise<string> {
    this.writes++;
    return newDn;
  }
  async deleteGroup(): Promise<void> {
    this.writes++;
  }
  async addMembers(_dn: string, dns: string[]): Promise<void> {
    this.writes++;
    this.values += dns.length;
  }
  async removeMembers(_dn: string, dns: string[]): Promise<void> {
    this.writes++;
    this.values += dns.length;
  }
  async close(): Promise<void> {}
}

async function main(): Promise<void> {
  // As the shipped core does at start (src/index.ts): GWB_MEMORY_MODE, lean unless set to fast.
  const memoryMode = applyMemoryMode();
  // GWB_MEM_V8="--flag …": V8 flags set at run time (as the core itself could), unlike --node-flags (command line).
  for (const f of (process.env.GWB_MEM_V8 ?? '').split(' ').filter(Boolean)) setFlagsFromString(f);
  const config = loadConfig(process.argv[2], { env: process.env });
  const mapper = createMapper(config);
  const source = openSource(config);
  const target = new NullTarget();
  const store = StateStore.open(config.state.path).store;
  // Where the memory goes: the highest RSS / V8 heap seen in each phase of the cycle (sampled every 20 ms), and
  // with GWB_MEM_SNAPSHOT=<phase prefix> a heap snapshot when that phase starts (to read in Chrome DevTools).
  const sink = new EventSink();
  const phases: Record<string, { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number }> = {};
  let current = 'start';
  const sample = () => {
    const m = process.memoryUsage();
    const p = (phases[current] ??= { rssMb: 0, heapMb: 0, heapTotalMb: 0, externalMb: 0 });
    p.rssMb = Math.max(p.rssMb, Math.round(m.rss / 2 ** 20));
    p.heapMb = Math.max(p.heapMb, Math.round(m.heapUsed / 2 ** 20));
    p.externalMb = Math.max(p.externalMb, Math.round((m.external + m.arrayBuffers) / 2 ** 20));
    p.heapTotalMb = Math.max(p.heapTotalMb, Math.round(m.heapTotal / 2 ** 20));
    // Per V8 space: the highest committed (physical) size and used size seen in the phase.
    const sp = (spaces[current] ??= {});
    for (const x of getHeapSpaceStatistics()) {
      const k = x.space_name.replace(/_space$/, '');
      const e = (sp[k] ??= { physMb: 0, usedMb: 0 });
      e.physMb = Math.max(e.physMb, Math.round(x.physical_space_size / 2 ** 20));
      e.usedMb = Math.max(e.usedMb, Math.round(x.space_used_size / 2 ** 20));
    }
  };
  const spaces: Record<string, Record<string, { physMb: number; usedMb: number }>> = {};
  // GWB_MEM_TRACE=<file>: every sample as a CSV line (ms, phase, RSS, heap used/total, old space used/committed,
  // external, array buffers; MiB) — WHEN in a phase the peak comes, and of what.
  const trace = process.env.GWB_MEM_TRACE ? [`ms,phase,rss,heapUsed,heapTotal,oldUsed,oldPhys,external,arrayBuffers`] : undefined;
  const t0 = Date.now();
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const timer = setInterval(() => {
    sample();
    if (!trace) return;
    const m = process.memoryUsage();
    const old = getHeapSpaceStatistics().find((x) => x.space_name === 'old_space');
    trace.push([Date.now() - t0, JSON.stringify(current), mb(m.rss), mb(m.heapUsed), mb(m.heapTotal), mb(old?.space_used_size ?? 0), mb(old?.physical_space_size ?? 0), mb(m.external), mb(m.arrayBuffers)].join(','));
  }, 20);
  const snapshotAt = process.env.GWB_MEM_SNAPSHOT;
  // With --expose-gc (bench --live): the live heap after a full GC at the start of each phase (what is really held).
  const gc = (globalThis as { gc?: () => void }).gc;
  const live: Record<string, number> = {};
  // Which step raised the process's peak RSS (high-water mark): maxRSS at the end of each phase and around each
  // state save (the save serializes the whole state as one string and copies it to a Buffer).
  const maxRss = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const highWater: { step: string; peakRssMb: number }[] = [];
  const save = store.save.bind(store);
  let saves = 0;
  store.save = () => {
    highWater.push({ step: `${current} (before state save ${++saves})`, peakRssMb: maxRss() });
    save();
    highWater.push({ step: `state save ${saves}`, peakRssMb: maxRss() });
  };
  sink.on((e) => {
    if (e.type !== 'log' || e.level !== 'verbose' || !e.message.endsWith('…')) return;
    sample();
    highWater.push({ step: current, peakRssMb: maxRss() });
    current = e.message.slice(0, -1);
    if (gc) {
      gc();
      live[current] = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    }
    if (snapshotAt && current.startsWith(snapshotAt)) process.stderr.write(`heap snapshot: ${writeHeapSnapshot()}\n`);
  });
  // GWB_MEM_ALLOC=1: V8's sampling heap profiler over the whole cycle, counting objects already collected too —
  // where the cycle ALLOCATES (garbage drives the peak), top sites by bytes to stderr.
  const alloc = process.env.GWB_MEM_ALLOC ? new Session() : undefined;
  if (alloc) {
    alloc.connect();
    await alloc.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  }
  const t = Date.now();
  const r = await runCycle({ config, source, target, mapper, store, sink });
  sample();
  highWater.push({ step: `${current} (to the end)`, peakRssMb: maxRss() });
  clearInterval(timer);
  if (trace) writeFileSync(process.env.GWB_MEM_TRACE!, trace.join('\n') + '\n');
  if (alloc) {
    const { profile } = (await alloc.post('HeapProfiler.stopSampling')) as { profile: { head: AllocNode } };
    reportAllocations(profile.head);
  }
  await (source as { close?: () => Promise<void> }).close?.();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({
    status: r.summary.status, error: r.error ? String(r.error) : undefined, durationMs: Date.now() - t,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuS: (cpu.user + cpu.system) / 1e6,
    groups: r.summary.groups, members: r.summary.members, writes: target.writes, values: target.values, graph: r.summary.graph,
    memoryMode,
    phases,
    spaces,
    highWater,
    ...(gc ? { liveAtPhaseStartMb: live } : {}),
  }));
}

interface AllocNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: AllocNode[] }
function reportAllocations(head: AllocNode): void {
  const self = new Map<string, number>();
  const stacks = new Map<string, number>();
  const walk = (n: AllocNode, path: string[]) => {
    const f = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
    const p = [...path, f];
    if (n.selfSize) {
      self.set(f, (self.get(f) ?? 0) + n.selfSize);
      const k = p.slice(-6).join(' < ');
      stacks.set(k, (stacks.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, p);
  };
  walk(head, []);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(`allocated (sampled) ${(total / 2 ** 20).toFixed(0)} MiB; top sites:\n`);
  for (const [f, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stderr.write(`  ${(b / 2 ** 20).toFixed(1).padStart(7)} MiB  ${f}\n`);
  process.stderr.write('top stacks:\n');
  for (const [f, b] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`  ${(b / 2 ** 20).toFixed(1).padStart(7)} MiB  ${[...f.split(' < ')].reverse().join(' < ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
