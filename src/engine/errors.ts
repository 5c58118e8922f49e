import { GwbError, type GwbErrorOptions } from '../core/errors';

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
