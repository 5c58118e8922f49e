/**
^ * npm run bench:memory -- [--groups 10000,50000] [--largest 50000] [--members 10] [--users 60000] [--tsx]
 *
 * Does the core's memory grow with the number of groups? For each group count G: a tenant in the Graph emulator
 * with one group of `largest` members plus G groups of `members`, then ONE initial cycle of the real engine and
 * Graph client in a child process (bench/memory-core.ts) whose directory side accepts every write and keeps
 * nothing — so its peak RSS is the engine's own: the groups, the member table, the resolver cache, the state.
 * No Samba: it runs in seconds, not hours. Prints one table (peak RSS per G and the ratio to the smallest G).
 *
 * The child applies GWB_MEMORY_MODE as the shipped core does (lean unless `GWB_MEMORY_MODE=fast` is set for the bench).
 * The child runs bundled by esbuild like the shipped core (gwb.cjs) under plain node, so the RSS is not the tsx
 * transpiler's; `--tsx` runs it under tsx instead. Each row also has the highest RSS / V8 heap / external
 * memory seen in each phase of the cycle; `--snapshot <phase prefix>` writes a V8 heap snapshot of the child
 * when that phase starts (e.g. `--snapshot "Provisioning memberships"`), to see what is held. With
 * GWB_MEM_TRACE=<path> each child writes its 20 ms samples to `<path>-<groups>.csv` (when in the cycle the peak comes).
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startGraphEmulator } from '../test/lab/graph/emulator';
import { CLIENT_SECRET_ENV, writeLabConfig } from '../test/lab/lab-config';
import { ensureLabCa } from '../test/lab/lab-pki';
import { labPaths } from '../test/lab/lab-paths';

const root = join(__dirname, '..');
function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const counts = arg('groups', '10000,50000').split(',').map(Number);
const largest = Number(arg('largest', '50000'));
const perGroup = Number(arg('members', '10'));
const users = Number(arg('users', String(largest + 10_000)));
const useTsx = process.argv.includes('--tsx');
const snapshot = process.argv.includes('--snapshot') ? arg('snapshot', '') : undefined;
// --live: a full GC at each phase start in the child (--expose-gc) and the live heap then (perturbs the peak a little).
// --node-flags "...": V8/node flags for the child (e.g. "--max-old-space-size=192": how much of the peak is GC headroom).
const liveHeap = process.argv.includes('--live');
const nodeFlags = (process.argv.includes('--node-flags') ? arg('node-flags', '') : '').split(' ').filter(Boolean);
const log = (m: string) => process.stderr.write(`[memory ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

interface Row {
  groups: number;
  /** GWB_MEMORY_MODE the core ran in (src/core/memory-mode.ts). */
  memoryMode: string;
  links: number;
  peakRssMb: number;
  cpuS: number;
  durationMs: number;
  created: number;
  values: number;
  graphRequests: number;
  phases: Record<string, { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number }>;
  spaces?: Record<string, Record<string, { physMb: number; usedMb: number }>>;
  liveAtPhaseStartMb?: Record<string, number>;
  highWater: { step: string; peakRssMb: number }[];
}

/** The child as one CommonJS file, bundled like the core (build/build.mjs). */
async function bundleChild(): Promise<string> {
  const outfile = join(root, '.bench-out/memory-core.cjs');
  await build({
    entryPoints: [join(root, 'bench/memory-core.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
    define: { __GWB_VERSION__: '"bench"' }, external: ['edge-js', 'keytar', '@azure/msal-node-extensions', 'encoding'],
  });
  return outfile;
}

function child(bundle: string | undefined, configPath: string, env: NodeJS.ProcessEnv): Promise<any> {
  return new Promise((resolve, reject) => {
    const flags = [...nodeFlags, ...(liveHeap ? ['--expose-gc'] : [])];
    const args = bundle ? [...flags, bundle, configPath] : [...flags, join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/memory-core.ts'), configPath];
    const c = spawn(process.execPath, args, { env: snapshot ? { ...env, GWB_MEM_SNAPSHOT: snapshot } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // The result is the last line (a V8 flag such as --trace-gc may print lines before it).
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => {
      err += d;
      if (snapshot || process.env.GWB_MEM_ALLOC) process.stderr.write(d);
    });
    c.on('error', reject);
    c.on('close', (code) => {
      // With GWB_MEM_TRACE, what the child printed before its result (e.g. --trace-gc lines) is kept beside the trace.
      if (env.GWB_MEM_TRACE) writeFileSync(`${env.GWB_MEM_TRACE}.stdout`, out);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!));
      else reject(new Error(`memory-core exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

async function main(): Promise<void> {
  const paths = labPaths();
  const caFile = await ensureLabCa(paths.pkiDir);
  const rows: Row[] = [];
  const bundle = useTsx ? undefined : await bundleChild();
  for (const g of counts) {
    const em = await startGraphEmulator({ host: '127.0.0.1', port: 0, pkiDir: paths.pkiDir, deltaPageSize: 100, deltaMemberChunk: 1000 });
    const dir = mkdtempSync(join(tmpdir(), 'gwb-memory-'));
    try {
      const ids: string[] = [];
      for (let i = 0; i < users; i++) {
        const guid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        ids.push(em.store.addUser({
          displayName: `User ${i}`, userPrincipalName: `u${i}@lab.example.com`, onPremisesSyncEnabled: true,
          onPremisesImmutableId: Buffer.from(guid.replace(/-/g, ''), 'hex').toString('base64'), onPremisesSecurityIdentifier: `S-1-5-21-1-2-3-${1000 + i}`,
        }).id);
      }
      const big = em.store.addGroup({ displayName: 'Largest', mailEnabled: false, securityEnabled: true, mailNickname: 'largest' });
      for (let k = 0; k < largest; k++) em.store.addMember(big.id, ids[k]);
      for (let i = 0; i < g; i++) {
        const grp = em.store.addGroup({ displayName: `Group ${i}`, mailEnabled: false, securityEnabled: true, mailNickname: `g${i}` });
        for (let k = 0; k < perGroup; k++) em.store.addMember(grp.id, ids[(i * 7 + k * 131) % ids.length]);
      }
      const written = writeLabConfig(
        { baseUrl: em.baseUrl, authorityHost: em.authorityHost, tenantId: em.tenantId, clientId: em.clientId, caFile },
        { url: 'ldaps://127.0.0.1:1', baseDn: 'DC=lab,DC=example,DC=com', targetOu: 'OU=Groups,DC=lab,DC=example,DC=com', bindDn: 'CN=x,DC=lab,DC=example,DC=com', password: 'unused', caFile },
        { configJson: join(dir, 'config.json'), secretsDir: join(dir, 'secrets'), stateDir: join(dir, 'state') },
      );
      log(`${g} groups + one of ${largest}: tenant ready (${JSON.stringify(em.store.counts())}); running the core…`);
      const r = await child(bundle, written.path, { ...process.env, NODE_EXTRA_CA_CERTS: caFile, [CLIENT_SECRET_ENV]: em.clientSecret, ...(process.env.GWB_MEM_TRACE ? { GWB_MEM_TRACE: `${process.env.GWB_MEM_TRACE}-${g}.csv` } : {}) });
      if (r.status !== 'success') throw new Error(`cycle ${r.status}: ${r.error ?? ''}`);
      rows.push({ groups: g, memoryMode: r.memoryMode, links: largest + g * perGroup, peakRssMb: r.peakRssMb, cpuS: r.cpuS, durationMs: r.durationMs, created: r.groups.created, values: r.values, graphRequests: r.graph?.requests ?? 0, phases: r.phases, ...(r.spaces ? { spaces: r.spaces } : {}), highWater: r.highWater, ...(r.liveAtPhaseStartMb ? { liveAtPhaseStartMb: r.liveAtPhaseStartMb } : {}) });
      for (const [name, p] of Object.entries(r.phases as Row['phases'])) {
        log(`  ${name}: RSS ${p.rssMb} MiB, heap ${p.heapMb}/${p.heapTotalMb} MiB, external ${p.externalMb} MiB${r.liveAtPhaseStartMb?.[name] !== undefined ? `, live at start ${r.liveAtPhaseStartMb[name]} MiB` : ''}`);
        const sp = (r.spaces as Record<string, Record<string, { physMb: number; usedMb: number }>> | undefined)?.[name];
        if (sp) log(`    V8 spaces, highest used/committed MiB: ${Object.entries(sp).filter(([, v]) => v.physMb > 0).map(([k, v]) => `${k} ${v.usedMb}/${v.physMb}`).join(' · ')}`);
      }
      log(`  peak RSS high-water mark after each step: ${(r.highWater as { step: string; peakRssMb: number }[]).map((h) => `${h.step} ${h.peakRssMb}`).join(' · ')}`);
      log(`${g} groups: peak RSS ${r.peakRssMb} MiB, ${r.groups.created} groups created, ${r.values} member values, ${r.cpuS.toFixed(1)} s CPU`);
    } finally {
      await em.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const report = { date: new Date().toISOString(), memoryMode: rows[0]?.memoryMode, runner: useTsx ? 'tsx' : 'bundled (esbuild, plain node)', nodeFlags, liveHeap, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg() }, largest, perGroup, users, rows };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, 'bench/results', `memory-${report.date.slice(0, 19).replace(/[:T]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  const base = rows[0].peakRssMb;
  const table = [['groups', 'links', 'largest group', 'created', 'member values', 'Graph req', 'core CPU s', 'cycle s', 'peak RSS MiB', 'vs first']];
  for (const r of rows) table.push([String(r.groups), String(r.links), String(largest), String(r.created), String(r.values), String(r.graphRequests), r.cpuS.toFixed(1), (r.durationMs / 1000).toFixed(1), String(r.peakRssMb), `${((r.peakRssMb / base - 1) * 100).toFixed(0)}%`]);
  const w = table[0].map((_, i) => Math.max(...table.map((x) => x[i].length)));
  process.stdout.write(`\ncore memory vs group count (one group of ${largest}, the others ${perGroup} members each; ${users} users; ${report.runner}; GWB_MEMORY_MODE ${report.memoryMode})\n`);
  for (const row of table) process.stdout.write(row.map((c, i) => c.padStart(w[i])).join('  ') + '\n');
  log(`written ${file}`);
}

main().catch((err) => {
  process.stderr.write(`memory bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
