/** Run a command without a shell; on failure throw a LabError carrying the command's stderr. */
import { execFile } from 'node:child_process';
import { LabError } from './errors';

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      const hint =
        code === 'ENOENT'
          ? `Install it: apt-get install samba samba-ad-dc samba-ad-provision ldb-tools ldap-utils`
          : 'See the output above; the lab notes (../shared/notes/samba-ad-lab.md) list known pitfalls.';
      reject(
        new LabError(`${cmd} ${args[0] ?? ''} failed: ${(stderr || stdout || err.message).trim().slice(-2000)}`, {
          target: cmd,
          hint,
          cause: err,
        }),
      );
    });
  });
}
