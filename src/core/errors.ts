/**
 * Typed errors. Every error the core raises carries:
 *  - `code`: a stable identifier (PowerShell's FullyQualifiedErrorId),
 *  - `category`: a PowerShell ErrorCategory name, so the module maps it 1:1,
 *  - `target`: the object the error concerns (a group id, a DN, a config key…),
 *  - `hint`: what the admin should do about it.
 */
export type ErrorCategory =
  | 'NotSpecified'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'InvalidResult'
  | 'ObjectNotFound'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'PermissionDenied'
  | 'AuthenticationError'
  | 'SecurityError'
  | 'ConnectionError'
  | 'LimitsExceeded'
  | 'OperationStopped'
  | 'OperationTimeout'
  | 'NotInstalled'
  | 'NotImplemented'
  | 'ParserError'
  | 'SyntaxError'
  | 'QuotaExceeded'
  | 'ReadError'
  | 'WriteError';

export interface GwbErrorOptions {
  code?: string;
  category?: ErrorCategory;
  target?: unknown;
  hint?: string;
  cause?: unknown;
}

export class GwbError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly target: unknown;
  readonly hint: string | undefined;

  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = options.code ?? new.target.name;
    this.category = options.category ?? 'NotSpecified';
    this.target = options.target;
    this.hint = options.hint;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** Invalid configuration: names the key and what to put there. */
export class ConfigError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { category: 'InvalidArgument', ...options });
  }
}

/** A usage error in a CLI or RPC call (unknown verb, missing parameter). */
export class UsageError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { category: 'InvalidArgument', ...options });
  }
}

/** The operation was cancelled (Ctrl+C, Stop-Pipeline, stdin closed). */
export class CancelledError extends GwbError {
  constructor(message = 'The operation was cancelled.', options: GwbErrorOptions = {}) {
    super(message, { category: 'OperationStopped', ...options });
  }
}

export interface SerializedError {
  name: string;
  code: string;
  category: ErrorCategory;
  message: string;
  target?: unknown;
  hint?: string;
}

/** Turn anything thrown into the wire shape, never leaking a stack or secret-bearing fields. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof GwbError) {
    const out: SerializedError = { name: err.name, code: err.code, category: err.category, message: err.message };
    if (err.target !== undefined) out.target = err.target;
    if (err.hint !== undefined) out.hint = err.hint;
    return out;
  }
  if (err instanceof Error) {
    return { name: err.name, code: 'UnexpectedError', category: 'NotSpecified', message: err.message };
  }
  return { name: 'Error', code: 'UnexpectedError', category: 'NotSpecified', message: String(err) };
}
