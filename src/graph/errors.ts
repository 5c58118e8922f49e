/**
 * Typed errors of the Source (Entra ID through Microsoft Graph). Pure classes, no SDK imports: the engine
 * catches these (DeltaExpiredError → full cycle, AuthError → quarantine) without touching Graph.
 */
import { GwbError } from '../core/errors';
import type { GwbErrorOptions } from '../core/errors';

/** Details common to errors raised by a Graph call. */
export interface GraphErrorDetails {
  /** HTTP status, when there was a response. */
  statusCode?: number;
  /** Graph's `error.code` or the identity error (e.g. `Authorization_RequestDenied`, `invalid_client`). */
  graphCode?: string;
  /** Graph's request-id, for a support case. */
  requestId?: string;
}

type Options = GwbErrorOptions & GraphErrorDetails;

abstract class SourceError extends GwbError {
  readonly statusCode: number | undefined;
  readonly graphCode: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, options: Options) {
    super(message, options);
    this.statusCode = options.statusCode;
    this.graphCode = options.graphCode;
    this.requestId = options.requestId;
  }
}

/** The credential was refused, or the login endpoint could not issue a token (bad secret, unknown app…). */
export class AuthError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphAuthenticationFailed', category: 'AuthenticationError', ...options });
  }
}

/** Graph answered 403: the app lacks an application permission (or admin consent). */
export class PermissionError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphPermissionDenied', category: 'PermissionDenied', ...options });
  }
}

/** Still throttled (429/503/504) after the configured retries. */
export class ThrottledError extends SourceError {
  /** The last Retry-After, in seconds, if Graph gave one. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: Options & { retryAfterSeconds?: number } = {}) {
    super(message, { code: 'GraphThrottled', category: 'LimitsExceeded', ...options });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The delta link can no longer be used (expired, reset): run a full cycle and start a new delta round. */
export class DeltaExpiredError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphDeltaExpired', category: 'InvalidOperation', ...options });
  }
}

/** The object does not exist (or is deleted). */
export class NotFoundError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphObjectNotFound', category: 'ObjectNotFound', ...options });
  }
}

/** Graph or the login endpoint could not be reached, timed out, or its TLS certificate is not trusted. */
export class ConnectionError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphConnectionFailed', category: 'ConnectionError', ...options });
  }
}

/** Any other error answer from Graph (400, 5xx after retries…). */
export class GraphRequestError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, { code: 'GraphRequestFailed', category: 'InvalidResult', ...options });
  }
}

/**
 * A Graph read that came back broken: cut short, not a JSON page, a page repeated, too large, a member of a kind
 * this version does not know. Nothing computed from it is applied; the next cycle reads again.
 */
export class BrokenReadError extends SourceError {
  constructor(message: string, options: Options = {}) {
    super(message, {
      code: 'GraphBrokenRead',
      category: 'ReadError',
      hint: 'Nothing computed from this read was applied (no member removed, no group deleted); the next cycle reads it again. If it persists, check proxies between this host and Graph.',
      ...options,
    });
  }
}
