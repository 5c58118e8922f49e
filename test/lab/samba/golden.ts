/**
 * The golden DC cache: <repo>/.lab/golden/<key>, where key hashes the build script, the Samba version and
 * the lab CA. Built once under a machine-wide lock (concurrent callers wait, then reuse it), into a temp dir
 * that is renamed into place only when complete, so a half-built golden copy is never cloned.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caFingerprint, ensureLabCa, ensureLabServerCert } from '../lab-pki';
import { labPaths, type LabPaths } from '../lab-paths';
import { buildGolden, META_FILE, SECRETS_FILE, type GoldenMeta, type GoldenSecrets } from './build-golden';
import { DNS_DOMAIN, HOST_NAME } from './constants';
import { LabError } from './errors';
import { run } from './exec';
import { lock } from './socket-lock';

export interface Golden {
  dir: string;
  key: string;
  meta: GoldenMeta;
  secrets: GoldenSecrets;
}

export const DC_CERT_NAME = 'samba-dc';

/** Every loopback address a clone may run on: 127.0.0.1 … 127.0.0.254. */
export function loopbackIps(): string[] {
  return Array.from({ length: 254 }, (_, i) => `127.0.0.${i + 1}`);
}

let sambaVersionCache: string | undefined;
async function sambaVersion(): Promise<string> {
  sambaVersionCache ??= (await run('samba', ['--version'])).trim();
  return sambaVersionCache;
}

/** The cache key: build script + constants + Samba version + CA fingerprint. */
export async function goldenKey(caFile: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of ['./build-golden.ts', './constants.ts']) h.update(readFileSync(fileURLToPath(new URL(f, import.meta.url))));
  h.update(await sambaVersion());
  h.update(caFingerprint(caFile));
  return h.digest('hex').slice(0, 16);
}

function load(dir: string): Golden | null {
  const metaFile = join(dir, META_FILE);
  if (!existsSync(metaFile)) return null;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as GoldenMeta;
  const secrets = JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8')) as GoldenSecrets;
  return { dir, key: meta.key, meta, secrets };
}

/** Return the golden DC for the current build script, building it first if needed. */
export async function ensureGolden(opts: { paths?: LabPaths; log?: (msg: string) => void } = {}): Promise<Golden & { built: boolean }> {
  const paths = opts.paths ?? labPaths();
  const log = opts.log ?? (() => {});
  const caFile = await ensureLabCa(paths.pkiDir);
  const key = await goldenKey(caFile);
  const finalDir = join(paths.goldenDir, key);
  const ready = load(finalDir);
  if (ready) return { ...ready, built: false };

  const held = await lock(`golden-${createHash('sha256').update(paths.goldenDir).digest('hex').slice(0, 16)}`, {
    timeoutMs: 300_000,
    onWait: () => log('golden: another process is building the golden DC; waiting'),
  });
  try {
    const again = load(finalDir);
    if (again) return { ...again, built: false };
    mkdirSync(paths.goldenDir, { recursive: true });
    const cert = await ensureLabServerCert(paths.pkiDir, DC_CERT_NAME, {
      dnsNames: [DNS_DOMAIN, `${HOST_NAME}.${DNS_DOMAIN}`],
      ips: loopbackIps(),
    });
    const tmp = join(paths.goldenDir, `${key}.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    log(`golden: building ${finalDir}`);
    try {
      await buildGolden(tmp, key, cert, log);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err instanceof LabError
        ? err
        : new LabError(`Golden DC build failed: ${(err as Error).message}`, {
            target: finalDir,
            hint: 'Check that samba, samba-ad-dc, samba-ad-provision and ldb-tools are installed.',
            cause: err,
          });
    }
    const conf = join(tmp, 'etc/smb.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').split(tmp).join(finalDir));
    renameSync(tmp, finalDir);
    // Older builds (another script version) and leftovers of crashed builds: we hold the lock, so none is in use
    // by a builder. A clone in progress from an old key would only be in another checkout's cache dir.
    for (const name of readdirSync(paths.goldenDir)) {
      if (name !== key) rmSync(join(paths.goldenDir, name), { recursive: true, force: true });
    }
    const built = load(finalDir);
    if (!built) throw new LabError('Golden DC vanished after build.', { target: finalDir });
    log(`golden: ready in ${built.meta.buildMs} ms`);
    return { ...built, built: true };
  } finally {
    await held.release();
  }
}
