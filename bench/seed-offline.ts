/**
 * The quickest correct way to put many synced users into the lab DC: seed a copy of the golden DC OFFLINE
 * (bench/seed-users.py: a template user through Samba's module stack, a RID block from the RID Manager, copies of
 * the template with their own names/GUID/SID/USNs/metadata, Samba's re-index; bench/RESULTS.md "One big group")
 * and store it where startLab({ seedSnapshot: true }) looks for a seeded snapshot
 * (<lab>/seeded/<golden key>-u<users>), in the golden form (smb.conf paths of the golden dir, placeholder
 * interfaces) that startDc rewrites for each clone. startLab then clones it and takes the users' AD records from
 * the snapshot's ad-users.ndjson (written by the seeder from the seeded database; test/lab/user-records.ts) after
 * checking a sample of them over LDAP, exactly as for a snapshot it took itself. The users are those
 * generateUserSpecs() makes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths } from '../test/lab/lab-paths';
import { run } from '../test/lab/samba/exec';
import { USERS_OU } from '../test/lab/samba/constants';
import { ensureGolden } from '../test/lab/samba/golden';

const SCRIPT = join(__dirname, 'seed-users.py');

export interface OfflineSeed {
  dir: string;
  /** False when the snapshot existed already. */
  built: boolean;
  wallMs: number;
  /** CPU seconds of the seeding process (user + sys). */
  cpuS: number;
}

/** Make sure the seeded snapshot for `users` synced users exists; build it offline if not. */
export async function ensureSeededSnapshot(users: number, log: (m: string) => void, opts: { nice?: number } = {}): Promise<OfflineSeed> {
  const paths = labPaths();
  const golden = await ensureGolden({ paths, log });
  const dest = join(paths.labDir, 'seeded', `${golden.key}-u${users}`);
  if (existsSync(join(dest, 'etc/smb.conf'))) return { dir: dest, built: false, wallMs: 0, cpuS: 0 };
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await run('mkdir', ['-p', join(paths.labDir, 'seeded')]);
  await run('cp', ['-a', golden.dir, tmp]);
  const conf = join(tmp, 'etc/smb.conf');
  const goldenText = readFileSync(conf, 'utf8');
  writeFileSync(conf, goldenText.split(golden.dir).join(tmp));
  const t0 = Date.now();
  try {
    const cpuS = await new Promise<number>((resolve, reject) => {
      const args = [SCRIPT, tmp, String(users), '--chunk', '50000', '--ou', USERS_OU];
      const child = opts.nice ? spawn('nice', ['-n', String(opts.nice), '/usr/bin/python3', ...args]) : spawn('/usr/bin/python3', args);
      let err = '';
      let lastLine = '';
      child.stdout.on('data', (d: Buffer) => {
        const lines = d.toString().split('\n').filter(Boolean);
        for (const l of lines) log(`seed: ${l}`);
        if (lines.length) lastLine = lines[lines.length - 1];
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`seed-users.py exited ${code}: ${err.slice(-2000)}`));
        // The script prints its own CPU seconds (spawn does not expose the child's rusage).
        const m = /([\d.]+) s CPU/.exec(lastLine);
        resolve(m ? Number(m[1]) : NaN);
      });
    });
    writeFileSync(conf, goldenText);
    rmSync(join(tmp, 'log'), { recursive: true, force: true });
    await run('mkdir', ['-p', join(tmp, 'log')]);
    rmSync(dest, { recursive: true, force: true });
    renameSync(tmp, dest);
    return { dir: dest, built: true, wallMs: Date.now() - t0, cpuS };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
