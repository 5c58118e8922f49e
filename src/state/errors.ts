import { GwbError, type GwbErrorOptions } from '../core/errors';

/** Another cycle (or an approve/reset) holds the state store's lock. */
export class StateLockedError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { category: 'ResourceUnavailable', ...options });
  }
}

/** The state store cannot be read or written (permissions, disk full…). */
export class StateStoreError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { category: 'WriteError', ...options });
  }
}

/** The directory lease was taken over by another worker, or could not be renewed in time: stop writing. */
export class LeaseLostError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'StateLeaseLost', category: 'ResourceUnavailable', ...options });
  }
}
