/**
 * npm run bench:lab [-- --runs N]
 *
 * How fast the lab starts: the speed expectations the lab issue set ("a DC from the golden copy in < 5 s", "`npm run
 * lab -- up` in < 5 s") live here, not in tests, because a test on a loaded machine must not fail for being slow.
 * Each run starts a DC from the golden copy (clone + start + LDAPS ready) and stops it, then runs the real
 * `npm run lab -- up --json` / `down` commands. Prints one table: median, min and max per step, and the goal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGolden } from '../test/lab/samba/golden';
import { startDc } from '../test/lab/samba/dc';

const root = join(__dirname, '..');
const i = process.argv.indexOf('--runs');
const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await ensureGolden(); // built once (not timed here)
  const dcMs: number[] = [];
  const upMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dc = await startDc();
    dcMs.push(dc.timings.clone + dc.timings.ready);
    await dc.stop();

    const dir = mkdtempSync(join(tmpdir(), 'gwb-bench-lab-'));
    const env = { ...process.env, GWB_LAB_INSTANCE_DIR: dir };
    const t0 = Date.now();
    execFileSync(process.execPath, [join(root, 'build/lab.mjs'), 'up', '--json', '--tenant', 'test/fixtures/tenants/demo.json', '--users', '20'], { cwd: root, env, stdio: ['ignore', 'ignore', 'ignore'] });
    upMs.push(Date.now() - t0);
    execFileSync(process.execPath, [join(root, 'build/lab.mjs'), 'down'], { cwd: root, env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (name: string, xs: number[], goal: number) =>
    `| ${name} | ${median(xs)} | ${Math.min(...xs)} | ${Math.max(...xs)} | < ${goal} | ${median(xs) < goal ? 'met' : 'MISSED'} |`;
  console.log(`lab start, ${runs} runs, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} at the end, ${new Date().toISOString()}`);
  console.log('| step | median ms | min ms | max ms | goal ms | |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('DC from golden copy (clone + start + LDAPS ready)', dcMs, 5000));
  console.log(row('`npm run lab -- up --json` (demo tenant, 20 users)', upMs, 5000));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
