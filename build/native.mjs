// The Kerberos directory driver's native part, built into the module folder so it stays self-contained:
//   bin/native/<rid>/GroupWriteback.Directory.dll (+ System.DirectoryServices.Protocols), by `dotnet publish -r <rid>`
//   bin/node_modules/edge-js: edge-js's loader, its native addon (build/Release/edge_coreclr.node) and its managed
//   bootstrap (lib/bootstrap/bin/Release) — what `require('edge-js')` needs at run time, nothing else.
// Fails loudly when edge-js's install silently failed (npm exits 0 without bootstrap.dll). GWB_BUILD_NATIVE=0 skips
// all of this (the simple driver works; kerberos then names what is missing).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'module/GroupWriteback/bin');
const fail = (msg) => { console.error(`\nnative build FAILED: ${msg}\n`); process.exit(1); };

if (process.env.GWB_BUILD_NATIVE === '0') {
  console.log('native: skipped (GWB_BUILD_NATIVE=0): directory.auth kerberos will not be available in this build');
  process.exit(0);
}

// 1. edge-js, as npm installed it
const edge = join(root, 'node_modules/edge-js');
const addon = join(edge, 'build/Release/edge_coreclr.node');
const bootstrap = join(edge, 'lib/bootstrap/bin/Release');
if (!existsSync(edge)) {
  // node_modules from before edge-js was a dependency (npm ci not re-run): the bundle is fine, Kerberos is not.
  console.warn([
    '',
    'native: WARNING node_modules/edge-js is not installed (run npm ci): this build has no Kerberos directory driver;',
    '        directory.auth kerberos will fail naming the missing part. (A fresh npm ci installs it; a broken edge-js',
    '        install fails the build.)',
    '',
  ].join('\n'));
  process.exit(0);
}
if (!existsSync(addon)) fail(`edge-js's native addon was not built (${addon} missing). Its install needs build-essential, python3 and the Node headers (npm_config_nodedir=/usr, see .npmrc); run build/setup.sh, then npm rebuild edge-js --foreground-scripts.`);
if (!existsSync(join(bootstrap, 'bootstrap.dll')) || !existsSync(join(bootstrap, 'EdgeJs.dll'))) {
  fail(`edge-js's managed bootstrap was not built (${join(bootstrap, 'bootstrap.dll')} missing), although npm reported success. ` +
    'Its build needs the repository\'s Directory.Build.targets (System.Console / System.Xml.ReaderWriter 4.3.0). Repair: ' +
    '(cd node_modules/edge-js/lib/bootstrap && dotnet build -c Release), or npm rebuild edge-js --foreground-scripts.');
}

// 2. the .NET library (skipped when its output is newer than every source)
const rid = `${process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'osx' : 'linux'}-${process.arch}`;
const project = join(root, 'native/GroupWriteback.Directory');
const out = join(bin, 'native', rid);
const dll = join(out, 'GroupWriteback.Directory.dll');
const newest = Math.max(...readdirSync(project).filter((f) => /\.(cs|csproj)$/.test(f)).map((f) => statSync(join(project, f)).mtimeMs),
  statSync(join(root, 'Directory.Build.targets')).mtimeMs);
if (!existsSync(dll) || statSync(dll).mtimeMs < newest) {
  const r = spawnSync('dotnet', ['publish', project, '-c', 'Release', '-r', rid, '--self-contained', 'false', '-o', out, '-nologo', '-v', 'q', '--disable-build-servers'], { stdio: 'inherit' });
  if (r.error) fail(`dotnet not found (${r.error.message}): install the .NET SDK 8+ or set GWB_BUILD_NATIVE=0 to build without the Kerberos driver.`);
  if (r.status !== 0) fail(`dotnet publish ${project} exited ${r.status}.`);
}
if (!existsSync(join(out, 'System.DirectoryServices.Protocols.dll'))) fail(`${out} lacks System.DirectoryServices.Protocols.dll.`);

// 3. edge-js's run-time files next to the bundle
const dest = join(bin, 'node_modules/edge-js');
rmSync(dest, { recursive: true, force: true });
for (const f of ['package.json', 'LICENSE', 'lib/edge.js', 'lib/double_edge.js', 'tools/checkMono.js', 'build/Release/edge_coreclr.node']) {
  if (!existsSync(join(edge, f))) continue;
  mkdirSync(dirname(join(dest, f)), { recursive: true });
  cpSync(join(edge, f), join(dest, f));
}
cpSync(bootstrap, join(dest, 'lib/bootstrap/bin/Release'), { recursive: true });
console.log(`native: ${dll.replace(root + '/', '')} and bin/node_modules/edge-js (${rid})`);
