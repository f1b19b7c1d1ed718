import { randomBytes } from 'node:crypto';
import type { ProbeResponse } from './client.js';

/**
 * A preview that answers every path alike (a single-page-app shell, a default handler) would make every route
 * "open". Paths that cannot exist are asked first; a route's answer that cannot be told apart from theirs says
 * nothing about the route.
 */

/** An answer of the preview and the path (as requested, prefix included) it answered. */
export interface Answer {
  path: string;
  response: ProbeResponse;
}

/** Two bodies whose words agree this much are the same page (a nonce or a timestamp may differ). */
const SAME_PAGE = 0.9;
/** First path segments asked under, most common first: a bound on the requests, far above what apps mount. */
const PREFIXES = 12;

/**
 * Paths that cannot exist: one at the root and one under each first segment of the routes (`/api`, `/admin`,
 * the most common first, up to PREFIXES), since a preview may serve a shell at the root or under one prefix
 * (`/admin/*`) and the API under another.
 */
export function unknownPaths(routePaths: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const path of routePaths) {
    const segment = /^\/([^/<{]+)\/./.exec(path)?.[1];
    if (segment) counts.set(segment, (counts.get(segment) ?? 0) + 1);
  }
  const prefixes = [...counts]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, PREFIXES)
    .map(([segment]) => `/${segment}`);
  const absent = (): string => `tokengate-absent-${randomBytes(6).toString('hex')}`;
  return ['', ...prefixes].map((prefix) => `${prefix}/${absent()}`);
}

/**
 * Tokens that differ from request to request on the same page: hex or base64 runs of 16 characters or more with a
 * digit in them (nonces, request ids, UUIDs, hashes; ordinary words have no digits) and runs of 6 digits or more
 * (timestamps, counters). Each is dropped, so the pages compare as the same. The digit is checked apart from the
 * match: a lookahead for it would rescan each run from every position, quadratic on a large body.
 */
const RUN = /[A-Za-z0-9+/_-]{16,}=*|\d{6,}/g;
const varying = (run: string): string => (/\d/.test(run) ? '\u0001' : run);

function words(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.split(/[^\p{L}\p{N}_]+/u)) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Multiset Jaccard similarity of the words of two bodies. */
function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  let shared = 0;
  let total = 0;
  for (const word of new Set([...wa.keys(), ...wb.keys()])) {
    const x = wa.get(word) ?? 0;
    const y = wb.get(word) ?? 0;
    shared += Math.min(x, y);
    total += Math.max(x, y);
  }
  return total === 0 ? 1 : shared / total;
}

/**
 * The body with the path it answered left out, in any case (a default handler often echoes it, some upper-cased in
 * a title), and with per-request tokens made alike.
 */
function bodyOf(answer: Answer): string {
  const { path, response } = answer;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // an undecodable path is only echoed as sent
  }
  let body = response.body;
  for (const echoed of new Set([path, decoded]))
    body = body.replace(new RegExp(escapeRegExp(echoed), 'giu'), '\u0000');
  return body.replace(RUN, varying);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Same status, same content type, and the same page apart from the path and a few words. */
export function looksAlike(a: Answer, b: Answer): boolean {
  if (a.response.error || b.response.error || a.response.status !== b.response.status) return false;
  const type = (r: ProbeResponse): string => (r.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type(a.response) !== type(b.response)) return false;
  const x = bodyOf(a);
  const y = bodyOf(b);
  return x === y || similarity(x, y) >= SAME_PAGE;
}
