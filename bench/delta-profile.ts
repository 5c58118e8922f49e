/**
 * npm run bench -- --script bench/delta-profile.ts [--records 50000] [--runs 5] [--cli a.cjs,b.cjs] [--cpu-prof DIR]
 *
 * What a no-change delta cycle spends its time on at a large group count, without provisioning that many groups:
 * a small lab (real DC + Graph emulator, 50 groups) gets its initial cycle, then its state file is inflated to
 * --records managed group records (in the same container, as a large job's state holds them; their groups do not
 * exist in AD, which a no-change delta never asks) and `gwb run` is timed --runs times per bundle: wall time, the
 * engine's phases, the core's CPU. --cli: comma-separated bundles (before/after); --cpu-prof DIR: one more run per
 * bundle under `node --cpu-prof` (a .cpuprofile for Chrome DevTools). Results: bench/RESULTS.md (50,000 groups).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab } from '../test/lab/fixture';
import { runCore } from './measure';
import { buildTenant } from './tenant';

const argOf = (n: string) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const records = Number(argOf('records') ?? 50000);
const runs = Number(argOf('runs') ?? 5);
const clis = (argOf('cli') ?? join(__dirname, '../module/GroupWriteback/bin/gwb.cjs')).split(',');
const prof = argOf('cpu-prof');
const log = (m: string) => process.stderr.write(`[profile ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main(): Promise<void> {
  const lab = await startLab({ users: 200, log });
  try {
    buildTenant(lab, { groups: 50, links: 500, smallGroups: 0, changes: 0 });
    const cfg = JSON.parse(readFileSync(lab.config!.path, 'utf8'));
    const env = { ...process.env, ...lab.config!.env };
    const first = await runCore(clis[0], ['run', '--config', lab.config!.path, '--json'], env);
    log(`initial: ${first.code} ${first.wallMs} ms`);
    const stateFile = join(cfg.state.path, 'state.json');
    const doc = JSON.parse(readFileSync(stateFile, 'utf8'));
    const some = Object.values(doc.groups)[0] as { dn: string };
    const ou = some.dn.slice(some.dn.indexOf(',') + 1);
    const since = new Date().toISOString();
    for (let i = Object.keys(doc.groups).length; i < records; i++) {
      doc.groups[randomUUID()] = { dn: `CN=Bench group x${i},${ou}`, objectGuid: randomUUID(), status: 'managed', since };
    }
    writeFileSync(stateFile, JSON.stringify(doc));
    log(`state inflated to ${Object.keys(doc.groups).length} records (${(readFileSync(stateFile).length / 2 ** 20).toFixed(1)} MiB)`);
    for (const cli of clis) {
      for (let r = 0; r < runs; r++) {
        const m = await runCore(cli, ['run', '--config', lab.config!.path, '--json'], env);
        const s = m.json;
        if (m.code !== 0 || !s) throw new Error(`gwb run exited ${m.code}: ${m.stderr.slice(-1500)}`);
        const phases = (s.phases as { name: string; ms: number }[]).filter((p) => p.ms > 0).map((p) => `${p.name} ${p.ms}`).join('; ');
        console.log(`${cli.split('/').pop()} run ${r + 1}: ${s.mode}, wall ${m.wallMs} ms, engine ${s.durationMs} ms, CPU ${s.cpuMs ? s.cpuMs.user + s.cpuMs.system : '?'} ms, peak ${m.peakRssMb} MiB, writes ${s.ldap.writes}; ${phases}`);
      }
      if (prof) {
        const t = Date.now();
        // Async: the Graph emulator lives in this process.
        await new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${prof}`, '--cpu-prof-interval', '200', cli, 'run', '--config', lab.config!.path, '--json'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('error', reject);
          child.on('close', resolve);
        });
        log(`profiled run: ${Date.now() - t} ms wall, profile in ${prof}`);
      }
    }
  } finally {
    await lab.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
