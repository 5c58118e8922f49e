/**
 * One writer per state store: a lock file holding the owner's pid and host, created with O_EXCL. A lock whose
 * process is gone (same host) is stale and taken over, so a `kill -9` never blocks the next cycle.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StateLockedError, StateStoreError } from './errors';

import type { LockInfo, StoreLock } from './port';

export type { LockInfo };

export interface StateLock extends StoreLock {
  readonly path: string;
  release(): void;
}

export const LOCK_FILE = 'lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** The live holder of the lock, if any (stale locks read as free). */
export function lockHolder(dir: string): LockInfo | undefined {
  const info = readLock(dir);
  if (!info) return undefined;
  if (info.host === hostname() && !alive(info.pid)) return undefined;
  return info;
}

export function acquireLock(dir: string, purpose: string): StateLock {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), purpose };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StateStoreError(`Cannot create the lock file ${path}: ${(err as Error).message}`, { target: path, hint: 'Check that the state folder is writable by this account.', cause: err });
      }
      const holder = readLock(dir);
      if (holder && holder.pid === process.pid && holder.host === info.host) {
        throw new StateLockedError(`This process already holds the state lock (${holder.purpose}).`, { code: 'StateLocked', target: path });
      }
      if (holder && (holder.host !== info.host || alive(holder.pid))) {
        throw new StateLockedError(`Another ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) is using the state store ${dir}.`, {
          code: 'StateLocked',
          target: dir,
          hint: 'Wait for it to finish. If that process is gone (another host), delete the lock file by hand.',
        });
      }
      // Stale (dead pid on this host, or unreadable half-written file): take it over.
      try {
        unlinkSync(path);
      } catch {
        /* raced with another taker */
      }
      continue;
    }
    writeSync(fd, JSON.stringify(info));
    fsyncSync(fd);
    closeSync(fd);
    let released = false;
    return {
      path,
      info,
      release() {
        if (released) return;
        released = true;
        const cur = readLock(dir);
        if (cur && cur.pid === info.pid && cur.startedAt === info.startedAt) {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }
      },
    };
  }
  throw new StateLockedError(`Could not take the state lock ${path}.`, { code: 'StateLocked', target: dir, hint: 'Retry; another process keeps taking it.' });
}
