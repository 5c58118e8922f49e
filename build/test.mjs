// The one test command (npm test): builds the core, runs vitest (unit + integration against the lab), the
// Pester suites and the .NET conformance suite (Microsoft's Graph SDK against the emulator), prints each runner's
// summary and a combined closing line "total: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const firstLine = (m) => String(m ?? '').split('\n').find((l) => l.trim()) ?? '';
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
/** Names of what failed, printed again at the very end so a CI log shows them without scrolling. */
const failures = [];
try {
  const j = JSON.parse(readFileSync(vitestJson, 'utf8'));
  v = { passed: j.numPassedTests, failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0), skipped: j.numPendingTests + (j.numTodoTests ?? 0) };
  for (const file of j.testResults ?? []) {
    const rel = relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) failures.push(`vitest  ${rel} > ${a.fullName}\n          ${firstLine(a.failureMessages?.[0])}`);
    if (file.status === 'failed' && failed.length === 0) failures.push(`vitest  ${rel} (suite failed to run)\n          ${firstLine(file.message)}`);
  }
} catch {
  v.failed = 1;
  failures.push(`vitest  no result file (${vitestJson}): vitest did not finish`);
}
if (vitest.status !== 0 && v.failed === 0) v.failed = 1;
console.log(`vitest: ${v.passed} passed, ${v.failed} failed, ${v.skipped} skipped`);

// The same engine suites again against the Kerberos directory driver (S.DS.P through edge-js, signed+sealed on 389,
// keytab; engine-helpers.ts reads GWB_TEST_DIRECTORY_AUTH). Only the main engine suites, to keep CI time reasonable.
const KERBEROS_SUITES = ['test/integration/engine-initial.test.ts', 'test/integration/engine-delta.test.ts', 'test/integration/engine-inline-members.test.ts'];
const kerberosJson = join(root, '.lab', 'vitest-kerberos-result.json');
const kerberos = run('node', [vitestLauncher, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${kerberosJson}`, ...KERBEROS_SUITES], { GWB_TEST_DIRECTORY_AUTH: 'kerberos' });
try {
  const j = JSON.parse(readFileSync(kerberosJson, 'utf8'));
  v.passed += j.numPassedTests;
  v.failed += j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0);
  v.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  for (const file of j.testResults ?? []) {
    const rel = relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) failures.push(`vitest[kerberos]  ${rel} > ${a.fullName}\n          ${firstLine(a.failureMessages?.[0])}`);
    if (file.status === 'failed' && failed.length === 0) failures.push(`vitest[kerberos]  ${rel} (suite failed to run)\n          ${firstLine(file.message)}`);
  }
} catch {
  v.failed += 1;
  failures.push(`vitest[kerberos]  no result file (${kerberosJson}): vitest did not finish`);
}
if (kerberos.status !== 0 && !failures.some((f) => f.startsWith('vitest[kerberos]'))) v.failed += 1;
console.log(`vitest (engine suites, Kerberos driver): ${kerberos.status === 0 ? 'passed' : 'FAILED'}`);

const pester = run('node', [join(root, 'build/pester.mjs')]);
let p = { passed: 0, failed: pester.status === 0 ? 0 : 1, skipped: 0 };
try {
  p = JSON.parse(readFileSync(join(root, '.lab', 'pester-result.json'), 'utf8'));
  if (pester.status !== 0 && p.failed === 0) p.failed = 1;
  for (const f of p.failures ?? []) failures.push(`pester  ${f.name}\n          ${firstLine(f.message)}`);
} catch {
  failures.push('pester  no result file: Pester did not finish');
}

const dotnet = run('node', [join(root, 'build/dotnet-conformance.mjs')]);
let d = { passed: 0, failed: dotnet.status === 0 ? 0 : 1, skipped: 0 };
try {
  d = JSON.parse(readFileSync(join(root, '.lab', 'dotnet-conformance-result.json'), 'utf8'));
  if (dotnet.status !== 0 && d.failed === 0) d.failed = 1;
  for (const f of d.failures ?? []) failures.push(`dotnet  ${f.name}\n          ${firstLine(f.message)}`);
} catch {
  failures.push('dotnet  no result file: the .NET conformance suite did not finish');
}

const passed = v.passed + p.passed + d.passed;
const failed = v.failed + p.failed + d.failed;
if (failures.length) {
  const text = `\nFAILED (${failures.length}):\n${failures.map((f) => `  ${f}`).join('\n')}\n`;
  console.log(text);
  writeFileSync(join(root, '.lab', 'test-failures.txt'), text);
}
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || vitest.status !== 0 || kerberos.status !== 0 || pester.status !== 0 || dotnet.status !== 0 ? 1 : 0);
