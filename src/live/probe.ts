import { fillTemplate } from '../analysis/openapi.js';
import { CREDENTIAL_LESS_PROBES, liveFingerprint, type LiveVerdict, routeKey } from '../merge.js';
import { fingerprint } from '../rules/types.js';
import type { Evidence, Finding, Notice, RouteReport, Severity } from '../types.js';
import { authHeaders, type AuthHeader, DEFAULT_AUTH_HEADER } from './auth-header.js';
import { type Answer, looksAlike, unknownPaths } from './catch-all.js';
import {
  DEFAULT_LIMITS,
  describeFailure,
  ProbeClient,
  type ProbeLimits,
  type ProbeResponse,
} from './client.js';
import {
  claimsOf,
  crackHmac,
  forge,
  isJwt,
  keyedVariants,
  noneTokens,
  noneWithClaims,
  randomSignatureToken,
  stripSignature,
  tamperPayload,
  WEAK_SECRETS,
  WRONG_CLAIMS,
  type WrongClaim,
} from './tokens.js';
import { classify, combine, type ProbeVerdict } from './verdict.js';
import { userDataKeys } from './user-data.js';

export interface LiveOptions {
  previewUrl: string;
  /** A valid token for the preview (a secret): enables baselines and token-derived probes. */
  authToken?: string;
  /** How the test token (and every token-shaped probe) is sent; default `Authorization: Bearer`. */
  authHeader?: AuthHeader;
  /** The preview's signing key (HMAC secret or PKCS#8 PEM): expired, no-exp, wrong audience and wrong issuer tokens. */
  jwtTestKey?: string;
  unsafeMethods?: boolean;
  limits?: Partial<ProbeLimits>;
  /** Per route path, values for its parameters (config `path-params`). */
  pathParams?: Record<string, Record<string, string>>;
  /** Secrets the static rules found in the repository, for the offline HMAC check. */
  secrets?: readonly { value: string; file: string; line: number; name: string }[];
}

export interface LiveResult {
  verdicts: LiveVerdict[];
  /** Live-only JWT findings (forged, none, expired, no-exp or query-string tokens accepted). */
  findings: Finding[];
  notices: Notice[];
  requests: number;
  /** Set when the preview could not be reached at all. */
  unreachable?: string;
}

/** Methods probed without `unsafe-methods`, in order of preference. */
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const UUID = '00000000-0000-4000-8000-000000000001';
const QUERY_TOKEN_PARAMS = ['token', 'access_token', 'jwt'];

/** A concrete path for a Flask rule: config values first, then a value each converter accepts. */
export function concretePath(rule: string, params: Record<string, string> = {}): string {
  return fillTemplate(rule, params).replace(
    /<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>/g,
    (_m, converter: string | undefined, name: string) => {
      if (params[name] !== undefined) return encodeURIComponent(params[name]!);
      switch (converter) {
        case 'int':
          return '1';
        case 'float':
          return '1.0';
        case 'uuid':
          return UUID;
        case 'path':
          return 'tokengate/probe';
        default:
          return 'tokengate';
      }
    },
  );
}

/** Evidence never carries a token: query-string token values are replaced. */
function redactedUrl(url: URL): string {
  const copy = new URL(url);
  for (const p of QUERY_TOKEN_PARAMS) if (copy.searchParams.has(p)) copy.searchParams.set(p, 'REDACTED');
  return copy.toString().replace(/REDACTED/g, '[redacted]');
}

interface Probe {
  name: string;
  headers: Record<string, string>;
  query?: string;
}

/**
 * Probe every route of the model on the preview: without credentials (no header, empty and malformed Bearer,
 * wrong scheme, random signature, `alg: none` spellings, stripped signature), and with the test token's
 * variants when one is given. Only GET unless unsafe methods are allowed.
 */
export async function probeRoutes(routes: readonly RouteReport[], options: LiveOptions): Promise<LiveResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const client = new ProbeClient(options.previewUrl, limits);
  const notices: Notice[] = [];
  const findings: Finding[] = [];
  const verdicts: LiveVerdict[] = [];
  const authHeader = options.authHeader ?? DEFAULT_AUTH_HEADER;
  const bearer = (token: string): Record<string, string> => authHeaders(authHeader, token);
  try {
    const preflight = await client.send('GET', '/');
    if (preflight.error) {
      return {
        verdicts,
        findings,
        notices,
        requests: client.sent,
        unreachable: describeFailure(options.previewUrl, preflight.error),
      };
    }
    const random = await randomSignatureToken();
    const anonymous: Probe[] = [
      { name: 'no-token', headers: {} },
      { name: 'empty-bearer', headers: bearer('') },
      { name: 'malformed-bearer', headers: bearer('not.a.jwt') },
      { name: 'wrong-scheme', headers: { authorization: 'Basic dG9rZW5nYXRlOnByb2Jl' } },
      { name: 'random-signature', headers: bearer(random) },
      ...noneTokens().map((t) => ({ name: t.name, headers: bearer(t.token) })),
      { name: 'stripped-signature', headers: bearer(stripSignature(random)) },
    ];
    const token = options.authToken;
    const withToken: Probe[] = [];
    if (token && !isJwt(token)) {
      notices.push({
        message: `auth-token is not a JWT, so it is used for authenticated baselines and query-string probes only; the tampered-payload, stripped-signature and alg: none variants${options.jwtTestKey ? " and jwt-test-key's expired, no-exp, wrong-audience and wrong-issuer tokens" : ''} need a JWT.`,
      });
    } else if (token) {
      withToken.push({ name: 'tampered-payload', headers: bearer(tamperPayload(token)) });
      withToken.push({ name: 'stripped-signature-real', headers: bearer(stripSignature(token)) });
      withToken.push(...noneWithClaims(token).map((t) => ({ name: t.name, headers: bearer(t.token) })));
      if (options.jwtTestKey) {
        const keyed = await keyedVariants(token, options.jwtTestKey);
        if (keyed.problem) notices.push({ message: keyed.problem });
        for (const t of keyed.variants) withToken.push({ name: t.name, headers: bearer(t.token) });
      }
    }
    if (token) {
      for (const p of QUERY_TOKEN_PARAMS) {
        withToken.push({ name: `query-${p}`, headers: {}, query: `${p}=${encodeURIComponent(token)}` });
      }
    }

    // What the preview answers paths that cannot exist, per method, without credentials: only 2xx answers matter,
    // as only a 2xx is ever called open. (Not with the test token: a forged token that gets the page a valid one
    // gets for any path was still accepted.)
    const absent = unknownPaths(routes.map((r) => r.path));
    const unknownAnswers = new Map<string, Promise<Answer[]>>();
    const answersToUnknown = (method: string): Promise<Answer[]> => {
      let answers = unknownAnswers.get(method);
      if (!answers) {
        answers = Promise.all(
          absent.map(async (path) => ({
            path: client.url(path).pathname,
            response: await client.send(method, path),
          })),
        ).then((all) => all.filter((a) => a.response.status >= 200 && a.response.status < 300));
        unknownAnswers.set(method, answers);
      }
      return answers;
    };
    /** Routes whose answer could not be told apart from the answer to a path that cannot exist. */
    const lookAlikes = new Set<string>();

    let skippedUnsafe = 0;
    /** Per claim (`aud`, `iss`), the routes that accepted the test token with that claim changed. */
    const unchecked = new Map<WrongClaim, string[]>();
    const testTokenExpires = token ? claimsOf(token)?.exp !== undefined : false;
    /** Routes that accepted a token without `exp` although the preview's own token has one. */
    const acceptsNoExp: string[] = [];
    const refusesAnonymous: RouteReport[] = [];
    /** Of those, the routes that refused the test token too. */
    let refusesToken = 0;
    const work = routes.map(async (route) => {
      const method =
        SAFE_METHODS.find((m) => route.methods.includes(m)) ??
        (options.unsafeMethods ? route.methods[0] : undefined);
      if (!method) {
        skippedUnsafe++;
        return;
      }
      const path = concretePath(route.path, options.pathParams?.[route.path]);
      const run = async (p: Probe): Promise<{ probe: Probe; response: ProbeResponse; url: URL }> => {
        const full = p.query ? `${path}${path.includes('?') ? '&' : '?'}${p.query}` : path;
        const response = await client.send(method, full, p.headers);
        return { probe: p, response, url: client.url(full) };
      };
      const baseline = token ? (await run({ name: 'baseline', headers: bearer(token) })).response : undefined;
      const unknown = await answersToUnknown(method);
      const judge = <T extends { response: ProbeResponse; url: URL }>(
        a: T,
      ): T & { verdict: ProbeVerdict } => {
        const verdict = classify(a.response, baseline);
        const answer = { path: a.url.pathname, response: a.response };
        if (verdict === 'open' && unknown.some((u) => looksAlike(u, answer))) {
          lookAlikes.add(routeKey(route));
          return { ...a, verdict: 'inconclusive' };
        }
        return { ...a, verdict };
      };
      const anon = await Promise.all(anonymous.map(run));
      const judged = anon.map(judge);
      const status = combine(judged.map((j) => j.verdict));
      const evidenceOf = (j: { probe: Probe; response: ProbeResponse; url: URL }): Evidence => ({
        method,
        url: redactedUrl(j.url),
        status: j.response.status,
        probe: j.probe.name,
      });
      const credentialLess = judged.filter((j) => CREDENTIAL_LESS_PROBES.has(j.probe.name));
      const withoutCredentials = combine(credentialLess.map((j) => j.verdict));
      // What got in, led by the no-token answer when that one was refused (a forged token is another finding).
      const shown =
        status === 'open'
          ? [
              ...(withoutCredentials === 'open' ? [] : credentialLess.slice(0, 1)),
              ...judged.filter((j) => j.verdict === 'open'),
            ].slice(0, 4)
          : judged.slice(0, 4);
      const userData =
        withoutCredentials === 'open' ? userDataKeys(credentialLess[0]?.response.body ?? '') : [];
      verdicts.push({
        route: { methods: route.methods, path: route.path },
        status,
        withoutCredentials,
        evidence: shown.map(evidenceOf),
        ...(userData.length ? { userData } : {}),
      });

      // Token-specific weaknesses only mean something where a request without credentials is refused.
      const noToken = judged[0]!;
      if (noToken.verdict !== 'closed') return;
      refusesAnonymous.push(route);
      if (baseline && classify(baseline) === 'closed') refusesToken++;
      const opened = (names: RegExp, list: typeof judged): typeof judged =>
        list.filter((j) => names.test(j.probe.name) && j.verdict === 'open');
      const tokenProbes = token ? (await Promise.all(withToken.map(run))).map(judge) : [];
      const report = (
        ruleId: string,
        severity: Severity,
        cwe: string,
        hits: typeof judged,
        what: string,
      ): void => {
        if (!hits.length) return;
        findings.push({
          ruleId,
          severity,
          confidence: 'confirmed',
          message: `\`${route.methods.join(',')} ${route.path}\` ${what} (probe ${hits.map((h) => h.probe.name).join(', ')}).`,
          cwe: [cwe],
          location: route.location,
          route: { methods: route.methods, path: route.path },
          sources: ['live'],
          evidence: hits.map(evidenceOf),
          fingerprint: liveFingerprint(ruleId, route, route.location.file),
          new: true,
        });
      };
      report(
        'jwt-signature-not-verified',
        'critical',
        'CWE-347',
        [
          ...opened(/^(random-signature|stripped-signature)$/, judged),
          ...opened(/^(tampered-payload|stripped-signature-real)$/, tokenProbes),
        ],
        'accepted a token whose signature is forged or missing: verify signatures with the signing key',
      );
      report(
        'jwt-none-algorithm',
        'critical',
        'CWE-347',
        [...opened(/^alg-/, judged), ...opened(/^alg-/, tokenProbes)],
        'accepted an unsigned `alg: none` token: pin the accepted algorithms',
      );
      // A token without `exp` only matters when the preview issues such tokens (the test token has none);
      // otherwise forging one takes the key, and it is a notice.
      const withoutExp = opened(/^no-exp$/, tokenProbes);
      const expired = opened(/^expired$/, tokenProbes);
      const expiry = testTokenExpires ? expired : [...expired, ...withoutExp];
      if (testTokenExpires && withoutExp.length)
        acceptsNoExp.push(`${route.methods.join(',')} ${route.path}`);
      report(
        'jwt-no-expiry',
        'medium',
        'CWE-613',
        expiry,
        expired.length
          ? `accepted an expired token${expiry.length > 1 ? ' and one without `exp`' : ''}: keep the expiry check on`
          : 'issued a test token without `exp` and accepts tokens without one, so they never expire: give tokens an expiry',
      );
      report(
        'token-in-query-string',
        'medium',
        'CWE-598',
        opened(/^query-/, tokenProbes),
        'accepted the token from the URL query string: accept tokens only in the Authorization header',
      );
      for (const claim of Object.keys(WRONG_CLAIMS) as WrongClaim[]) {
        const probe = WRONG_CLAIMS[claim].probe;
        if (tokenProbes.some((t) => t.probe.name === probe && t.verdict === 'open'))
          unchecked.set(claim, [...(unchecked.get(claim) ?? []), `${route.methods.join(',')} ${route.path}`]);
      }
    });
    await Promise.all(work);
    const catchAll = (await Promise.all([...unknownAnswers.values()])).flat()[0];
    if (catchAll) {
      const n = lookAlikes.size;
      notices.push({
        message: `preview-url answers paths that cannot exist with ${catchAll.response.status} and a page of its own (a single-page-app shell or a catch-all handler), so ${n} route${n === 1 ? '' : 's'} whose answer cannot be told apart from it ${n === 1 ? 'is' : 'are'} inconclusive, not open; point preview-url at the API itself for live verdicts on ${n === 1 ? 'it' : 'them'}.`,
      });
    }
    if (token) notices.push(...uncheckedClaimNotices(unchecked, claimsOf(token) ?? {}));
    if (acceptsNoExp.length) {
      const sorted = acceptsNoExp.sort();
      const named = sorted.slice(0, 3).map((r) => `\`${r}\``);
      const more = sorted.length - named.length;
      notices.push({
        message: `${named.join(', ')}${more ? ` and ${more} other route${more > 1 ? 's' : ''}` : ''} accepted a token signed with jwt-test-key without \`exp\`: a token issued without one would never expire; require the claim when decoding (PyJWT \`options={"require": ["exp"]}\`).`,
      });
    }
    if (skippedUnsafe) {
      notices.push({
        message: `${skippedUnsafe} route(s) only accept POST/PUT/PATCH/DELETE and were not probed (set unsafe-methods: true to allow it).`,
      });
    }

    if (token && refusesAnonymous.length && refusesToken === refusesAnonymous.length) {
      const n = refusesToken;
      notices.push({
        message: `auth-token was refused by every route that refuses requests without it (${n} route${n === 1 ? '' : 's'}), so nothing was compared with an authenticated answer: check that the token is valid for the preview and that auth-header (the \`${authHeader.name}\` header) is how the preview expects it.`,
      });
    }
    if (token) await checkWeakSecret(client, refusesAnonymous, token, options, findings);
    if (client.sent >= limits.maxRequests)
      notices.push({
        message: `live probing stopped at its budget of ${limits.maxRequests} requests; some routes are inconclusive.`,
      });
    if (client.remainingMs() <= 0)
      notices.push({ message: 'live probing reached its deadline; some routes are inconclusive.' });
    verdicts.sort(
      (a, b) =>
        a.route.path.localeCompare(b.route.path) ||
        a.route.methods.join().localeCompare(b.route.methods.join()),
    );
    findings.sort(
      (a, b) => (a.route?.path ?? '').localeCompare(b.route?.path ?? '') || a.ruleId.localeCompare(b.ruleId),
    );
    return { verdicts, findings, notices, requests: client.sent };
  } finally {
    await client.close();
  }
}

const CLAIM_CHECKS: Record<WrongClaim, string> = {
  aud: 'the audience, so a token the same key signed for another service is accepted here: check it when decoding (flask_jwt_extended `JWT_DECODE_AUDIENCE`, PyJWT `audience=`)',
  iss: 'the issuer, so a token the same key signed for another issuer is accepted here: check it when decoding (flask_jwt_extended `JWT_DECODE_ISSUER`, PyJWT `issuer=`)',
};

/**
 * No rule covers an unchecked audience or issuer (the key still has to sign the token): one notice per claim naming
 * the routes, the claim and the value sent instead of the test token's own.
 */
function uncheckedClaimNotices(
  unchecked: ReadonlyMap<WrongClaim, string[]>,
  claims: Record<string, unknown>,
): Notice[] {
  return [...unchecked]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([claim, routes]) => {
      const sorted = [...routes].sort();
      const named = sorted.slice(0, 3).map((r) => `\`${r}\``);
      const more = sorted.length - named.length;
      return {
        message: `${named.join(', ')}${more ? ` and ${more} other route${more > 1 ? 's' : ''}` : ''} accepted a token signed with jwt-test-key whose \`${claim}\` was ${JSON.stringify(WRONG_CLAIMS[claim].value)} instead of the test token's ${JSON.stringify(claims[claim])}: the preview does not check ${CLAIM_CHECKS[claim]}.`,
      };
    });
}

/**
 * The test token is checked offline against well-known weak secrets and the repository's own; a hit counts only
 * once a token forged with it is accepted by the preview.
 */
async function checkWeakSecret(
  client: ProbeClient,
  routes: readonly RouteReport[],
  token: string,
  options: LiveOptions,
  findings: Finding[],
): Promise<void> {
  const bearer = (t: string): Record<string, string> =>
    authHeaders(options.authHeader ?? DEFAULT_AUTH_HEADER, t);
  const fromRepo = options.secrets ?? [];
  const secret = await crackHmac(token, [...fromRepo.map((s) => s.value), ...WEAK_SECRETS]);
  if (!secret) return;
  // A route that refuses requests without a token: accepting the forged one proves the secret.
  const closedRoute = [...routes]
    .sort((a, b) => a.path.localeCompare(b.path))
    .find((r) => r.methods.includes('GET'));
  if (!closedRoute) return;
  const path = concretePath(closedRoute.path, options.pathParams?.[closedRoute.path]);
  const baseline = await client.send('GET', path, bearer(token));
  const forged = await client.send('GET', path, bearer(await forge(token, secret)));
  const verdict: ProbeVerdict = classify(forged, baseline);
  if (verdict !== 'open') return;
  const known = fromRepo.find((s) => s.value === secret);
  findings.push({
    ruleId: 'jwt-hardcoded-secret',
    severity: 'critical',
    confidence: 'confirmed',
    message: known
      ? `The preview accepted a token signed with \`${known.name}\`, the literal secret in ${known.file}:${known.line}: anyone with the repository can sign tokens; move it to the environment and rotate it.`
      : `The preview accepted a token signed with a well-known weak secret (${secret.length} characters, from tokengate's list): use a long random secret from the environment and rotate it.`,
    cwe: ['CWE-798'],
    location: known ? { file: known.file, startLine: known.line, endLine: known.line } : closedRoute.location,
    route: { methods: closedRoute.methods, path: closedRoute.path },
    sources: ['live'],
    evidence: [
      {
        method: 'GET',
        url: redactedUrl(client.url(path)),
        status: forged.status,
        probe: 'forged-with-weak-secret',
      },
    ],
    fingerprint: known
      ? fingerprint('jwt-hardcoded-secret', known.file, known.name)
      : liveFingerprint('jwt-hardcoded-secret', closedRoute, closedRoute.location.file),
    new: true,
  });
}
