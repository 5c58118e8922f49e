import { GwbError, type GwbErrorOptions } from '../../../src/core/errors';

/** Something in the test lab (golden build, DC start, seeding, lab CLI) failed; names the object and the fix. */
export class LabError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { category: 'ResourceUnavailable', ...options });
  }
}
