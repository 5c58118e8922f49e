import './ops';
import { main } from './cli/main';
import { exitAfterFlush } from './core/shutdown';

// Exit explicitly once the command is done: a keep-alive socket or a request to an endpoint that stopped
// answering must not keep a finished (or cancelled) command alive.
main(process.argv).then(
  (code) => exitAfterFlush(code),
  (err: unknown) => {
    process.stderr.write(`FATAL: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    exitAfterFlush(1);
  },
);
