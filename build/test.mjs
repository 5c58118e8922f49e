// The one test command (npm test): builds the core, runs vitest (unit + integration against the lab) and the
// Pester suites, prints each runner's summary and a combined closing line "total: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

const build = run('node', [join(root, 'build/build.mjs')]);
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync(join(root, '.lab'), { recursive: true });
const vitestJson = join(root, '.lab', 'vitest-result.json');
const vitestLauncher = join(root, 'build/vitest.mjs');
const vitestArgs = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`];
const vitest = existsSync(vitestLauncher)
  ? run('node', [vitestLauncher, ...vitestArgs])
  : run('node', [join(root, 'node_modules/vitest/vitest.mjs'), ...vitestArgs]);
let v = { passed: 0, failed: 0, skipped: 0 };
try {
  const j = JSON.parse(readFileSync(vitestJson, 'utf8'));
  v = { passed: j.numPassedTests, failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0), skipped: j.numPendingTests + (j.numTodoTests ?? 0) };
} catch {
  v.failed = 1;
}
if (vitest.status !== 0 && v.failed === 0) v.failed = 1;
console.log(`vitest: ${v.passed} passed, ${v.failed} failed, ${v.skipped} skipped`);

const pester = run('node', [join(root, 'build/pester.mjs')]);
let p = { passed: 0, failed: pester.status === 0 ? 0 : 1, skipped: 0 };
try {
  p = JSON.parse(readFileSync(join(root, '.lab', 'pester-result.json'), 'utf8'));
  if (pester.status !== 0 && p.failed === 0) p.failed = 1;
} catch {}

const passed = v.passed + p.passed;
const failed = v.failed + p.failed;
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || vitest.status !== 0 || pester.status !== 0 ? 1 : 0);
