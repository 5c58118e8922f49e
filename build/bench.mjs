// npm run bench -- --groups G --links L [--users U] [--no-floor]
// npm run bench:lab [-- --runs N]          (--script bench/lab-start.ts: how fast the lab starts)
// npm run bench:memory [-- --groups 10000,50000 --largest N]   (--script bench/memory.ts: the core's RSS vs group count)
// Builds the bundle (the bench measures the real `gwb run` process), then runs bench/run.ts under tsx with
// NODE_EXTRA_CA_CERTS pointing at the lab CA (the core trusts the Graph emulator through it).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const b = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const { ensureLabCa } = await tsImport(pathToFileURL(join(root, 'test/lab/lab-pki.ts')).href, import.meta.url);
const caFile = await ensureLabCa(join(root, '.lab/pki'));
const argv = process.argv.slice(2);
const at = argv.indexOf('--script');
const script = at >= 0 ? argv.splice(at, 2)[1] : 'bench/run.ts';
const r = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, script), ...argv], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
});
process.exit(r.status ?? 1);
