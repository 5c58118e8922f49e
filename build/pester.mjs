// Runs the Pester suites (Pester/*.Tests.ps1) in PowerShell 7 and prints a summary line:
//   pester: N passed, N failed, N skipped
// Extra arguments are paths of test files to run instead of the whole folder.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolPwsh = join(homedir(), '.dotnet/tools/pwsh');
const pwsh = existsSync(toolPwsh) ? toolPwsh : 'pwsh';
const paths = process.argv.slice(2).length ? process.argv.slice(2) : [join(root, 'Pester')];
const resultFile = join(root, '.lab', 'pester-result.json');
mkdirSync(dirname(resultFile), { recursive: true });

const script = `
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.5 -MaximumVersion 5.99
$c = New-PesterConfiguration
$c.Run.Path = @(${paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(',')})
$c.Run.PassThru = $true
$c.Output.Verbosity = if ($env:PESTER_VERBOSITY) { $env:PESTER_VERBOSITY } else { 'Normal' }
$r = Invoke-Pester -Configuration $c
$failures = @(
  foreach ($t in $r.Failed) { @{ name = "$([System.IO.Path]::GetFileName($t.ScriptBlock.File)) > $($t.ExpandedPath)"; message = "$($t.ErrorRecord | Select-Object -First 1)" } }
  foreach ($b in $r.FailedBlocks) { @{ name = "$([System.IO.Path]::GetFileName($b.ScriptBlock.File)) > $($b.ExpandedPath) (block)"; message = "$($b.ErrorRecord | Select-Object -First 1)" } }
  foreach ($k in $r.FailedContainers) { @{ name = "$($k.Item) (container)"; message = "$($k.ErrorRecord | Select-Object -First 1)" } }
)
@{ passed = $r.PassedCount; failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount; skipped = $r.SkippedCount; failures = $failures } |
  ConvertTo-Json -Compress -Depth 4 | Set-Content -LiteralPath '${resultFile.replace(/'/g, "''")}'
`;
const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { cwd: root, stdio: 'inherit' });
let counts = { passed: 0, failed: 1, skipped: 0 };
try {
  counts = JSON.parse((await import('node:fs')).readFileSync(resultFile, 'utf8'));
} catch {
  console.error(`pester: no result (pwsh exit ${run.status}${run.error ? `, ${run.error.message}` : ''})`);
}
console.log(`pester: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed > 0 || run.status !== 0 ? 1 : 0);
