import './ops';
import { main } from './cli/main';
import { GwbError } from './core/errors';
import { applyMemoryMode } from './core/memory-mode';
import { exitAfterFlush } from './core/shutdown';

// Before any work: how the heap trades memory for CPU (GWB_MEMORY_MODE, core/memory-mode.ts).
try {
  applyMemoryMode();
} catch (err) {
  const e = err as GwbError;
  process.stderr.write(`ERROR: ${e.message}${e.hint ? ` ${e.hint}` : ''}\n`);
  process.exit(2);
}

// Exit explicitly once the command is done: a keep-alive socket or a request to an endpoint that stopped
// answering must not keep a finished (or cancelled) command alive.
main(process.argv).then(
  (code) => exitAfterFlush(code),
  (err: unknown) => {
    process.stderr.write(`FATAL: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    exitAfterFlush(1);
  },
);
