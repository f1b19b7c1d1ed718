import type { LibraryModel } from './types.js';

/** WTForms submits with the body of these methods only; Flask-WTF's `is_submitted()` tests exactly this set. */
const SUBMIT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Flask-WTF: `form.validate_on_submit()` is `is_submitted() and validate()`, and `is_submitted()` holds only for
 * requests of the submit methods, so a branch under either never runs for a GET.
 */
export const flaskWtf: LibraryModel = {
  library: 'flask-wtf',
  requestMethodTests: { validate_on_submit: SUBMIT_METHODS, is_submitted: SUBMIT_METHODS },
};
