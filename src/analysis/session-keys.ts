// What the keys of Flask's session hold, read by extraction (credential reads) and by effect summaries
// (sign-in and sign-out writes).

/**
 * Session keys that hold who the caller is: writing one signs the caller in, removing it signs them out
 * (`session['user_id'] = user.id`), reading one relies on a signed-in caller; a preference (`session['darkmode']`)
 * or the session's own bookkeeping (`session['_expires']`) is none of these.
 */
export const SESSION_IDENTITY_KEY = /user|uid|login|account|auth|token|identity|email|^id$|_id$/i;

/**
 * Session keys that keep the state of a page flow, not who the caller is: where to go next, the organisation
 * picked, the OAuth state, the CSRF nonce, the language. Reading or testing them is not reading a credential.
 */
export const SESSION_STATE_KEY =
  /^_?(next|next_?url|next_?path|return_?to|redirect(_?(url|uri|to))?|org_?slug|lang|language|locale|timezone|theme|flashes|csrf(_?token)?|nonce|state|oauth_?state|code_?verifier|cart)$/i;
