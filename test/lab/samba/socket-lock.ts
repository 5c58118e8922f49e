/**
 * Machine-wide named locks held as Linux abstract-namespace unix sockets (`\0gwb-lab:<name>`).
 * Only one process can listen on a name; the kernel releases it when the holder exits or crashes,
 * so there are no stale lock files, no PID reuse problems and nothing to clean up.
 */
import { createServer, type Server } from 'node:net';
import { LabError } from './errors';

export interface HeldLock {
  readonly name: string;
  release(): Promise<void>;
}

function socketPath(name: string): string {
  return `\0gwb-lab:${name}`;
}

/** Take the lock if it is free; null when another process (or this one) holds it. */
export function tryLock(name: string): Promise<HeldLock | null> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((c) => c.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(null);
      else reject(err);
    });
    server.listen({ path: socketPath(name) }, () => {
      server.unref(); // a held lock must not keep the process alive
      let released = false;
      resolve({
        name,
        release: () =>
          new Promise<void>((done) => {
            if (released) return done();
            released = true;
            server.close(() => done());
          }),
      });
    });
  });
}

/** Wait (polling) until the lock is free, then take it. */
export async function lock(
  name: string,
  opts: { timeoutMs?: number; pollMs?: number; onWait?: () => void } = {},
): Promise<HeldLock> {
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  let warned = false;
  for (;;) {
    const held = await tryLock(name);
    if (held) return held;
    if (!warned) {
      warned = true;
      opts.onWait?.();
    }
    if (Date.now() > deadline) {
      throw new LabError(`Timed out waiting for lab lock "${name}".`, {
        target: name,
        hint: 'Another lab process holds it (a golden build or a running DC); wait for it or stop that process.',
      });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
