import { ConfigError, GwbError, type GwbErrorOptions } from '../core/errors';

/** The job is quarantined after repeated total failures: runs refuse until `gwb reset`. */
export class QuarantinedError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'JobQuarantined', category: 'InvalidOperation', ...options });
  }
}

/** approve-deletes found nothing (or not exactly one thing) to approve. */
export class HeldBatchError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'HeldBatchNotFound', category: 'ObjectNotFound', ...options });
  }
}

/** A group cannot be provisioned on demand (not found, deleted, out of scope…). */
export class OnDemandError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'OnDemandFailed', category: 'InvalidOperation', ...options });
  }
}

/**
 * Something every write of a cycle depends on is missing (a target OU, the right to create groups in it, the anchor
 * attribute in the schema): a configuration or environment mistake, not per-group failures. Reported once, before
 * the first write; the cycle fails (exit code 2, as configuration errors) and counts toward quarantine.
 */
export class PreflightError extends ConfigError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'PreflightFailed', category: 'ObjectNotFound', ...options });
  }
}
