// `npm run package`: builds the core and writes the PowerShell module package dist/GroupWriteback.<version>.nupkg
// with PSResourceGet's Publish-PSResource (bundled with PowerShell 7.4+) into dist/ used as a local file
// repository. Install it elsewhere with:
//   Register-PSResourceRepository -Name GwbLocal -Uri <folder holding the .nupkg> -Trusted
//   Install-PSResource GroupWriteback -Repository GwbLocal
// The package holds the module (manifest, psm1, format file, Public/, Private/) and the bundled core
// bin/gwb.cjs: the installed module needs only Node.js 20+ on the machine.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.GWB_PACKAGE_DIR ? process.env.GWB_PACKAGE_DIR : join(root, 'dist');
const stage = join(dist, 'stage', 'GroupWriteback');
const src = join(root, 'module', 'GroupWriteback');
const toolPwsh = join(homedir(), '.dotnet/tools/pwsh');
const pwsh = existsSync(toolPwsh) ? toolPwsh : 'pwsh';

const build = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

rmSync(join(dist, 'stage'), { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const f of ['GroupWriteback.psd1', 'GroupWriteback.psm1', 'GroupWriteback.Format.ps1xml', 'Public', 'Private']) cpSync(join(src, f), join(stage, f), { recursive: true });
mkdirSync(join(stage, 'bin'));
for (const f of ['gwb.cjs', 'gwb.cjs.LEGAL.txt']) cpSync(join(src, 'bin', f), join(stage, 'bin', f)); // no source map: 2 MB nobody installs
for (const f of readdirSync(dist)) if (/^GroupWriteback\..*\.nupkg$/i.test(f)) rmSync(join(dist, f));

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const script = `
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
$name = 'GwbPackage-' + [guid]::NewGuid().ToString('n')
Register-PSResourceRepository -Name $name -Uri ${q(dist)} -Trusted
try { Publish-PSResource -Path ${q(stage)} -Repository $name -SkipDependenciesCheck -Confirm:$false }
finally { Unregister-PSResourceRepository -Name $name }
`;
const r = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { cwd: root, stdio: 'inherit' });
rmSync(join(dist, 'stage'), { recursive: true, force: true });
const out = readdirSync(dist).filter((f) => /^GroupWriteback\..*\.nupkg$/i.test(f));
if (r.status !== 0 || out.length !== 1) {
  console.error(`package: Publish-PSResource failed (pwsh exit ${r.status})`);
  process.exit(1);
}
console.log(`package: ${join(dist, out[0])}`);
