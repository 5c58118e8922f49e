/**
 * One event stream for the whole core: the CLI, the RPC bridge and tests all subscribe to the same emitter.
 * Events map to PowerShell streams in the module (see docs/protocol.md).
 */
import type { SerializedError } from './errors';

export type LogLevel = 'debug' | 'verbose' | 'information' | 'warning';

export interface ProgressEvent {
  type: 'progress';
  /** Stable id of the activity; a child activity names its parent. */
  activityId: number;
  parentActivityId?: number;
  activity: string;
  status: string;
  /** 0..100, or -1 when unknown. */
  percent: number;
  current?: number;
  total?: number;
  completed?: boolean;
}

export interface LogEvent {
  type: 'log';
  level: LogLevel;
  message: string;
  /** Optional structured payload (e.g. the object a warning concerns). */
  target?: unknown;
}

export interface ResultEvent {
  type: 'result';
  /** PSTypeName of the output object, e.g. `GroupWriteback.Version`. */
  typeName: string;
  data: unknown;
}

export interface ErrorEvent {
  type: 'error';
  /** A non-terminating error (one object failed) unless `terminating` is true. */
  terminating: boolean;
  /**
   * One object of a larger operation failed and the operation goes on (a group in a cycle). The module reports
   * these without stopping, whatever the caller's $ErrorActionPreference; the operation ends with one summary.
   */
  perObject?: boolean;
  error: SerializedError;
}

export type CoreEvent = ProgressEvent | LogEvent | ResultEvent | ErrorEvent;

export type Listener = (event: CoreEvent) => void;

export class EventSink {
  private readonly listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    for (const l of this.listeners) l(event);
  }

  log(level: LogLevel, message: string, target?: unknown): void {
    this.emit(target === undefined ? { type: 'log', level, message } : { type: 'log', level, message, target });
  }
  verbose(message: string, target?: unknown): void {
    this.log('verbose', message, target);
  }
  info(message: string, target?: unknown): void {
    this.log('information', message, target);
  }
  warn(message: string, target?: unknown): void {
    this.log('warning', message, target);
  }
  debug(message: string, target?: unknown): void {
    this.log('debug', message, target);
  }

  progress(p: Omit<ProgressEvent, 'type'>): void {
    this.emit({ type: 'progress', ...p });
  }

  result(typeName: string, data: unknown): void {
    this.emit({ type: 'result', typeName, data });
  }

  error(error: SerializedError, terminating = false): void {
    this.emit({ type: 'error', terminating, error });
  }

  /** One object failed; the operation goes on (see ErrorEvent.perObject). */
  objectError(error: SerializedError): void {
    this.emit({ type: 'error', terminating: false, perObject: true, error });
  }
}

/** A sink nobody listens to: for callers that do not care about events. */
export const nullSink = (): EventSink => new EventSink();
