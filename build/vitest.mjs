// Launches vitest with NODE_EXTRA_CA_CERTS pointing at the lab CA (<repo>/.lab/pki/ca.pem, created here if
// missing), so the real Graph client and @azure/identity in the test workers trust the Graph emulator.
// Usage: node build/vitest.mjs [vitest args…]   (default: run)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { ensureLabCa } = await tsImport(pathToFileURL(join(root, 'test/lab/lab-pki.ts')).href, import.meta.url);
const caFile = await ensureLabCa(join(root, '.lab/pki'));
const args = process.argv.slice(2);
const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), ...(args.length ? args : ['run'])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
});
process.exit(r.status ?? 1);
