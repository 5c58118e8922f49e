/**
 * Runs an operation for the CLI face: results to stdout (human text, or JSON with --json), logs and progress
 * to stderr, and returns the process exit code. Secrets for the CLI come from the environment or files named
 * in the config — never from argv.
 */
import { EventSink, type CoreEvent } from '../core/events';
import { CancelledError, GwbError, UsageError, serializeError } from '../core/errors';
import { ExitCode, exitCodeForError, getOperation } from '../core/operation';
import { formatHuman } from './format';
import { armForcedExit } from '../core/shutdown';

export interface CliOptions {
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export async function runCliOperation(
  opName: string,
  params: Record<string, unknown>,
  options: CliOptions,
  secrets: Record<string, string> = {},
): Promise<number> {
  const op = getOperation(opName);
  const sink = new EventSink();
  const results: unknown[] = [];
  let objectErrors = 0;
  const abort = new AbortController();
  const onSignal = () => {
    abort.abort(new CancelledError());
    armForcedExit(ExitCode.Cancelled);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const showProgress = !options.json && !options.quiet && process.stderr.isTTY;

  sink.on((e: CoreEvent) => {
    switch (e.type) {
      case 'result':
        // A stream (watch) prints each result as one JSON line at once: nothing is held until it stops.
        if (options.json && op.output === 'stream') process.stdout.write(JSON.stringify(e.data) + '\n');
        else if (options.json) results.push(e.data);
        else process.stdout.write(formatHuman(e.data) + '\n');
        break;
      case 'log':
        if (e.level === 'warning') process.stderr.write(`WARNING: ${e.message}\n`);
        else if (e.level === 'information' && !options.quiet && !options.json) process.stderr.write(`${e.message}\n`);
        else if ((e.level === 'verbose' || e.level === 'debug') && options.verbose) process.stderr.write(`VERBOSE: ${e.message}\n`);
        break;
      case 'progress':
        if (showProgress) process.stderr.write(`\r${e.activity}: ${e.status}${e.percent >= 0 ? ` (${e.percent}%)` : ''}\x1b[K${e.completed ? '\n' : ''}`);
        break;
      case 'error': {
        if (!e.terminating) objectErrors++;
        writeError(e.error.message, e.error.hint, e.error.target);
        break;
      }
    }
  });

  let code: number;
  try {
    const returned = await op.run(params, { sink, signal: abort.signal, secrets });
    code = typeof returned === 'number' ? returned : objectErrors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  } catch (err) {
    const s = serializeError(err);
    if (options.json && op.output === 'stream') process.stdout.write(JSON.stringify({ error: s }) + '\n');
    else if (options.json) results.push({ error: s });
    writeError(s.message, s.hint, s.target);
    code = exitCodeForError(err, abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (options.json && op.output !== 'stream') {
    const doc = op.output === 'single' && results.length === 1 ? results[0] : op.output === 'single' && results.length === 0 ? null : results;
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }
  return code;
}

function writeError(message: string, hint?: string, target?: unknown) {
  let text = `ERROR: ${message}`;
  if (target !== undefined && typeof target !== 'object') text += `\n  Target: ${String(target)}`;
  if (hint) text += `\n  Fix: ${hint}`;
  process.stderr.write(text + '\n');
}
