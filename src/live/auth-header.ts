import { UsageError } from '../errors.js';

/**
 * How the test token is sent (`auth-header`): a header name, optionally followed by a colon and the text the token
 * follows. `Authorization: Bearer` (the default) sends `Authorization: Bearer <token>`; `X-API-Key` sends the token
 * as the whole value; `Authorization: Token` another scheme; `Cookie: session=` a session cookie.
 */
export interface AuthHeader {
  /** Lower-case, as undici sends it. */
  name: string;
  prefix: string;
}

export const DEFAULT_AUTH_HEADER: AuthHeader = { name: 'authorization', prefix: 'Bearer' };

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers that frame or route the request: a token cannot travel in them. */
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);
const MAX_ECHO = 60;
/**
 * What a header value can carry everywhere: printable ASCII, spaces and tabs. A control character would split the
 * header (or the request) in two, and the HTTP client refuses anything else (`€`), so no request with the token
 * would be sent at all.
 */
const SENDABLE = /^[\t\x20-\x7e]*$/;

/** `auth-header` as given by the user; `what` names the input or option in the error sentence. */
export function parseAuthHeader(raw: string, what: string): AuthHeader {
  const colon = raw.indexOf(':');
  const name = (colon < 0 ? raw : raw.slice(0, colon)).trim();
  const prefix = colon < 0 ? '' : raw.slice(colon + 1).trim();
  if (!HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase()) || !SENDABLE.test(prefix)) {
    const shown = raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw;
    throw new UsageError(
      `${what} must be a header name, optionally followed by a colon and the text the token follows (e.g. \`X-API-Key\`, \`Authorization: Token\`, \`Cookie: session=\`), not ${JSON.stringify(shown)}.`,
    );
  }
  return { name: name.toLowerCase(), prefix };
}

/**
 * Refuse a test token that cannot go in a header, in one sentence that never echoes it (it is a secret): silently
 * sending no authenticated request would turn every comparison with the authenticated answer into `inconclusive`.
 */
export function checkToken(token: string, what: string): void {
  if (!SENDABLE.test(token)) {
    throw new UsageError(
      `${what} holds a character that cannot be sent in an HTTP header (a line break, a control character or a non-ASCII character such as \`€\`): check the secret for a stray newline or a pasted character.`,
    );
  }
}

/** The header value for a token: right after a prefix ending in `=` (a cookie), after a space otherwise. */
export function authValue(header: AuthHeader, token: string): string {
  if (!header.prefix) return token;
  return header.prefix.endsWith('=') ? `${header.prefix}${token}` : `${header.prefix} ${token}`;
}

export function authHeaders(header: AuthHeader, token: string): Record<string, string> {
  return { [header.name]: authValue(header, token) };
}
