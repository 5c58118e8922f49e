// Bundles src/ into ONE CommonJS file inside the module: module/GroupWriteback/bin/gwb.cjs (+ source map).
import { build } from 'esbuild';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = join(root, 'module/GroupWriteback/bin/gwb.cjs');
mkdirSync(dirname(outfile), { recursive: true });

// The configuration schema's validator, generated now (ajv standalone code) instead of compiled at every start:
// the bundle gets it in place of src/config/compile-validator.ts, which compiles it when running from source.
const compileValidator = join(root, 'src/config/compile-validator.ts');
const { configValidatorSource } = await tsImport(pathToFileURL(compileValidator).href, import.meta.url);
const precompiledValidator = {
  name: 'precompiled-config-validator',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]config[\\/]compile-validator\.ts$/ }, (args) =>
      args.path === compileValidator ? { contents: configValidatorSource(), loader: 'js', resolveDir: dirname(compileValidator) } : undefined,
    );
  },
};

const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { __GWB_VERSION__: JSON.stringify(pkg.version) },
  // Optional native/peer modules some dependencies probe for at run time; never needed here.
  external: ['edge-js', 'keytar', '@azure/msal-node-extensions', 'encoding'],
  banner: { js: '#!/usr/bin/env node' },
  plugins: [precompiledValidator],
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`built ${outfile.replace(root + '/', '')} (${(bytes / 1024).toFixed(0)} KiB)`);

// The Kerberos directory driver's native part (.NET library + edge-js runtime files) next to the bundle.
const { spawnSync } = await import('node:child_process');
const native = spawnSync(process.execPath, [join(root, 'build/native.mjs')], { stdio: 'inherit' });
if (native.status !== 0) process.exit(native.status ?? 1);
