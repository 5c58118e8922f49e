/**
 * Bounded shutdown. A cancelled operation stops at its next safe point; if it cannot get there (a request to a
 * server that stopped answering, for instance), the process ends anyway after a grace period. State writes are
 * atomic (temp file + rename), so ending then loses nothing.
 */
export const CANCEL_GRACE_MS = 10_000;

let armed = false;

export function armForcedExit(code: number, graceMs = CANCEL_GRACE_MS): void {
  if (armed) return;
  armed = true;
  setTimeout(() => {
    process.stderr.write(`The operation did not stop within ${Math.round(graceMs / 1000)} s of being cancelled; ending the process.\n`);
    process.exit(code);
  }, graceMs).unref();
}

/** Ends the process once stdout and stderr have been flushed, even if sockets or timers are still open. */
export function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
