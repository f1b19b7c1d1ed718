import type { ProbeResponse } from './client.js';

export type ProbeVerdict = 'open' | 'closed' | 'inconclusive';

const LOGIN_PAGE = /<form[^>]*>[\s\S]*type=["']?password|<input[^>]+type=["']?password/i;
const AUTH_ERROR =
  /unauthori[sz]ed|not authenticated|authentication required|missing (authorization|auth|token|bearer)|(invalid|expired|bad|malformed) (token|jwt|signature)|token (is )?(missing|invalid|expired|required)|signature verification failed|login required/i;
const LOGIN_LOCATION = /log_?in|sign_?in|auth|sso|oauth/i;

/** The shape of a body, to compare with the authenticated baseline: JSON keys, or content kind and size. */
function shapeOf(r: ProbeResponse): string {
  const type = r.headers['content-type'] ?? '';
  if (/json/.test(type)) {
    try {
      const value: unknown = JSON.parse(r.body);
      if (Array.isArray(value)) return `array:${value.length > 0}`;
      if (value && typeof value === 'object') return `object:${Object.keys(value).sort().join(',')}`;
      return `json:${typeof value}`;
    } catch {
      return 'json:invalid';
    }
  }
  return `${type.split(';')[0]}:${Math.round(Math.log2(r.body.length + 1))}`;
}

/**
 * open: 2xx that is neither a login page nor an error body (and, with a baseline, looks like it);
 * closed: 401/403/422, a redirect to a login page, or a 2xx login page/auth error;
 * inconclusive: 5xx, 429, timeouts, resets, anything else — shown, never counted as open.
 */
export function classify(r: ProbeResponse, baseline?: ProbeResponse): ProbeVerdict {
  if (r.error) return 'inconclusive';
  if (r.status === 401 || r.status === 403 || r.status === 422) return 'closed';
  if (r.status >= 300 && r.status < 400) {
    return LOGIN_LOCATION.test(r.headers.location ?? '') ? 'closed' : 'inconclusive';
  }
  if (r.status >= 200 && r.status < 300) {
    if (LOGIN_PAGE.test(r.body) || AUTH_ERROR.test(r.body.slice(0, 2000))) return 'closed';
    if (baseline && !baseline.error) {
      if (baseline.status !== r.status || shapeOf(baseline) !== shapeOf(r)) return 'inconclusive';
    }
    return 'open';
  }
  return 'inconclusive';
}

/** A route's verdict from its anonymous probes: open if any got in, closed if all were refused. */
export function combine(verdicts: readonly ProbeVerdict[]): ProbeVerdict {
  if (verdicts.includes('open')) return 'open';
  if (verdicts.length && verdicts.every((v) => v === 'closed')) return 'closed';
  return 'inconclusive';
}
