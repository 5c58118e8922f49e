/**
 * One DC per loopback address (Samba's LDAP ports are fixed). A DC's address is reserved by a machine-wide
 * socket lock `ip-127.0.0.N`, held for the DC's lifetime by the process that owns it, and is only taken when
 * nothing listens on its LDAP ports (an unrelated or stale DC on that address would otherwise answer our
 * readiness probe).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DC_PORTS } from './constants';
import { LabError } from './errors';
import { tryLock, type HeldLock } from './socket-lock';

/** True when `ip:port` can be bound right now (nothing listens there, nor on the wildcard address). */
export function portFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else if (err.code === 'EACCES')
        reject(new LabError(`Cannot bind ${ip}:${port} (${err.code}).`, {
          target: `${ip}:${port}`, category: 'PermissionDenied',
          hint: 'Samba binds the fixed LDAP ports 389/636: run the lab as root (or inside `unshare --user --map-root-user --net`).',
        }));
      else reject(err);
    });
    s.listen({ host: ip, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export async function dcPortsFree(ip: string): Promise<boolean> {
  for (const p of DC_PORTS) if (!(await portFree(ip, p))) return false;
  return true;
}

/** Reserve `ip` for a DC, or throw if it is taken. */
export async function reserveIp(ip: string): Promise<HeldLock> {
  if (!/^127\.\d+\.\d+\.\d+$/.test(ip)) {
    throw new LabError(`The lab DC must run on a loopback address, got ${ip}.`, { target: ip, category: 'InvalidArgument', hint: 'Use 127.0.0.N.' });
  }
  const held = await tryLock(`ip-${ip}`);
  if (!held) throw new LabError(`${ip} is already used by another lab DC.`, { target: ip, category: 'ResourceExists', hint: 'Omit the address to pick a free one.' });
  if (!(await dcPortsFree(ip))) {
    await held.release();
    throw new LabError(`Something already listens on an LDAP port of ${ip}.`, {
      target: ip, category: 'ResourceExists', hint: `Find it with: ss -ltnp | grep ${ip}`,
    });
  }
  return held;
}

/** Pick the first free 127.0.0.N (N ≥ 2) and reserve it. */
export async function pickIp(): Promise<{ ip: string; lock: HeldLock }> {
  for (let n = 2; n <= 254; n++) {
    const ip = `127.0.0.${n}`;
    const held = await tryLock(`ip-${ip}`);
    if (!held) continue;
    if (await dcPortsFree(ip)) return { ip, lock: held };
    await held.release();
  }
  throw new LabError('No free loopback address 127.0.0.2–254 for a lab DC.', {
    target: '127.0.0.0/8', hint: 'Stop old lab DCs (npm run lab -- down) or whatever listens on port 389 (ss -ltnp).',
  });
}

/**
 * Remove per-address directories (`<parent>/127.0.0.N`: DC clones, fixture configs) left by processes that died
 * without cleaning up: their address lock is free again.
 */
export async function sweepStaleIpDirs(parent: string): Promise<void> {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (!/^127\.\d+\.\d+\.\d+$/.test(name)) continue;
    const held = await tryLock(`ip-${name}`);
    if (!held) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
    } finally {
      await held.release();
    }
  }
}
