/**
 * `gwb rpc`: serve requests from stdin, one at a time, until stdin closes. Closing stdin (or SIGINT/SIGTERM)
 * cancels the request in flight; the core then reports `exit` with code 130 and ends.
 */
import { createInterface } from 'node:readline';
import { EventSink } from '../core/events';
import { CancelledError, GwbError, UsageError, serializeError } from '../core/errors';
import { ExitCode, exitCodeForError, getOperation } from '../core/operation';
import { CORE_VERSION, PROTOCOL_VERSION } from '../core/version';
import type { ClientMessage, CoreMessage, RequestMessage } from './protocol';
import { armForcedExit } from '../core/shutdown';
import { setSurface } from '../core/surface';
import { pascalKeys } from './pascal';

export interface ServeOptions {
  /** End the process if a cancelled request has not stopped within the grace period (the `gwb rpc` verb). */
  forceExitOnCancel?: boolean;
}

export async function serveRpc(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  options: ServeOptions = {},
): Promise<number> {
  // The bridge's caller is the PowerShell module: messages name cmdlets and parameters, not CLI verbs.
  setSurface('powershell');
  const cancelCurrent = (c: { abort: AbortController }) => {
    c.abort.abort(new CancelledError());
    if (options.forceExitOnCancel) armForcedExit(ExitCode.Cancelled);
  };
  const write = (m: CoreMessage) => {
    output.write(JSON.stringify(m) + '\n');
  };
  write({ type: 'hello', protocol: PROTOCOL_VERSION, core: CORE_VERSION, node: process.versions.node, pid: process.pid });

  const queue: RequestMessage[] = [];
  let current: { id: string; abort: AbortController } | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  let lastCode = 0;

  const cancelAll = () => {
    closed = true;
    if (current) cancelCurrent(current);
    wake?.();
  };
  process.once('SIGINT', cancelAll);
  process.once('SIGTERM', cancelAll);

  const rl = createInterface({ input, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let msg: ClientMessage;
    try {
      msg = JSON.parse(line) as ClientMessage;
    } catch {
      write({ id: '?', type: 'error', terminating: true, error: serializeError(new UsageError('The bridge received a line that is not JSON.', { code: 'ProtocolError', hint: 'Use the GroupWriteback module or send one JSON object per line (docs/protocol.md).' })) });
      return;
    }
    if (msg.type === 'cancel') {
      if (current && current.id === msg.id) cancelCurrent(current);
      return;
    }
    if (msg.type === 'request') {
      queue.push(msg);
      wake?.();
    }
  });
  rl.on('close', cancelAll);

  for (;;) {
    if (queue.length === 0) {
      if (closed) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
      continue;
    }
    const req = queue.shift()!;
    if (closed) {
      write({ type: 'exit', id: req.id, code: ExitCode.Cancelled });
      continue;
    }
    const abort = new AbortController();
    current = { id: req.id, abort };
    lastCode = await runRequest(req, abort.signal, (m) => write(m));
    current = undefined;
  }
  return lastCode;
}

async function runRequest(req: RequestMessage, signal: AbortSignal, write: (m: CoreMessage) => void): Promise<number> {
  const sink = new EventSink();
  let objectErrors = 0;
  sink.on((e) => {
    if (e.type === 'error' && !e.terminating) objectErrors++;
    write(e.type === 'result' ? { ...e, data: pascalKeys(e.data), id: req.id } : { ...e, id: req.id });
  });
  let code: number;
  try {
    const op = getOperation(req.op);
    const returned = await op.run(req.params ?? {}, { sink, signal, secrets: req.secrets ?? {} });
    code = typeof returned === 'number' ? returned : objectErrors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  } catch (err) {
    const cancelled = err instanceof CancelledError || signal.aborted;
    sink.error(serializeError(cancelled && !(err instanceof GwbError) ? new CancelledError() : err), true);
    code = exitCodeForError(err, signal);
  }
  write({ type: 'exit', id: req.id, code });
  return code;
}
