/**
 * An operation is the unit both faces (CLI verbs and RPC requests) call into. It gets its parameters, the
 * secrets (which travel only over stdin or the environment, never argv), an event sink and an abort signal,
 * and it reports outcomes as events on the sink. It never prints and never exits the process.
 */
import { EventSink } from './events';
import { CancelledError, ConfigError, GwbError, UsageError } from './errors';

export interface OperationContext {
  sink: EventSink;
  signal: AbortSignal;
  /** Secrets handed over by the caller (RPC stdin), keyed by name (e.g. `clientSecret`, `ldapPassword`). */
  secrets: Readonly<Record<string, string>>;
}

export interface Operation<P = Record<string, unknown>> {
  name: string;
  /** One line for `--help` and docs. */
  summary: string;
  /**
   * How results are printed by the CLI with `--json`: one object, an array printed when the operation ends, or
   * (`stream`, for operations that run until stopped: watch) one compact JSON line per result as it comes.
   */
  output: 'single' | 'list' | 'stream' | 'none';
  run(params: P, ctx: OperationContext): Promise<number | void>;
}

const registry = new Map<string, Operation<any>>();

export function defineOperation<P>(op: Operation<P>): Operation<P> {
  if (registry.has(op.name)) throw new Error(`Operation ${op.name} is defined twice.`);
  registry.set(op.name, op);
  return op;
}

export function getOperation(name: string): Operation<any> {
  const op = registry.get(name);
  if (!op) {
    throw new UsageError(`Unknown operation '${name}'.`, {
      code: 'UnknownOperation',
      target: name,
      hint: `Known operations: ${[...registry.keys()].sort().join(', ')}. Is the module newer than the bundled core?`,
    });
  }
  return op;
}

export function listOperations(): Operation<any>[] {
  return [...registry.values()];
}

/** Exit codes shared by the CLI and the RPC `exit` event (documented in docs/protocol.md). */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  PartialFailure: 3,
  Held: 4,
  Cancelled: 130,
} as const;

/** The exit code for an operation that threw: the same for the CLI and the RPC bridge. */
export function exitCodeForError(err: unknown, signal?: AbortSignal): number {
  if (err instanceof CancelledError || (signal?.aborted && !(err instanceof GwbError))) return ExitCode.Cancelled;
  if (err instanceof UsageError || err instanceof ConfigError || (err instanceof GwbError && err.category === 'InvalidArgument')) return ExitCode.Usage;
  return ExitCode.Failed;
}
