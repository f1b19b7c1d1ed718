import { fingerprint } from './rules/types.js';
import type { Evidence, Finding, LiveStatus, RouteReport, Severity } from './types.js';

/** What live probing concluded for one route (produced by the live prober). */
export interface LiveVerdict {
  route: { methods: string[]; path: string };
  /** Over every anonymous probe, forged tokens included. */
  status: Exclude<LiveStatus, 'not-probed'>;
  /** Over the probes that carry no credential at all (no header, empty or malformed Bearer, wrong scheme). */
  withoutCredentials: Exclude<LiveStatus, 'not-probed'>;
  evidence: Evidence[];
  /** User-data keys (`email`) in the answer to the request without a token, when it got in. */
  userData?: string[];
}

const ROUTE_RULES = new Set([
  'missing-authentication',
  'auth-decorator-order',
  'optional-auth-on-write',
  'auth-hook-fails-open',
]);
const WRITES = /^(POST|PUT|PATCH|DELETE)$/;
const USER_DATA =
  /(^|[/_-])(users?|accounts?|admins?|profiles?|me|settings|payments?|orders?|billing|invoices?|cards?)([/_-]|$)/i;
const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
/** Live evidence kept on one finding confirmed on many routes: enough to reproduce, not a log. */
const MAX_MERGED_EVIDENCE = 10;

export const routeKey = (r: { methods: readonly string[]; path: string }): string =>
  `${[...r.methods].sort().join(',')} ${r.path}`;

/**
 * One finding per (route, rule) and one per weakness: a live result on a route merges into the static finding for
 * it (`sources: ["static","live"]`, confirmed); a route the code says is protected but answers without any
 * credential becomes a live finding (`auth-hook-fails-open` when a hook guards it, else `missing-authentication`);
 * a static finding the deployment contradicts stays, downgraded to `possible`. Live token findings (forged,
 * unsigned, expired, query-string, weak-secret tokens accepted) merge into the static finding of the same rule
 * (see {@link mergeTokenFindings}); only those without one stay live-only.
 */
export function mergeLive(
  routes: readonly RouteReport[],
  findings: readonly Finding[],
  verdicts: readonly LiveVerdict[],
  liveFindings: readonly Finding[] = [],
): { routes: RouteReport[]; findings: Finding[] } {
  const byRoute = new Map(verdicts.map((v) => [routeKey(v.route), v]));
  const outRoutes = routes.map((r) => {
    const v = byRoute.get(routeKey(r));
    return v ? { ...r, live: { status: v.status, evidence: v.evidence } } : r;
  });
  // A route that refused every credential-less request but took a forged token is the JWT rule's finding only.
  const anonymousEvidence = (v: LiveVerdict): Evidence[] =>
    v.evidence.filter((e) => CREDENTIAL_LESS_PROBES.has(e.probe));
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.ruleId}\0${f.route ? routeKey(f.route) : `${f.location.file}:${f.location.startLine}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (f.ruleId === 'auth-hook-fails-open' && !f.route) {
      // Confirmed when a route that relies on the hook answered without a token.
      const hook = /^`(before_(?:app_)?request \S+)`/.exec(f.message)?.[1];
      const open = hook
        ? outRoutes.flatMap((r) => {
            const v = byRoute.get(routeKey(r));
            return v?.withoutCredentials === 'open' && r.auth.mechanisms.includes(`${hook} (fails open)`)
              ? [v]
              : [];
          })
        : [];
      out.push(
        open.length
          ? {
              ...f,
              sources: ['static', 'live'],
              confidence: 'confirmed',
              evidence: [...f.evidence, ...open.flatMap((v) => anonymousEvidence(v).slice(0, 1))],
            }
          : f,
      );
      continue;
    }
    const v = f.route && ROUTE_RULES.has(f.ruleId) ? byRoute.get(routeKey(f.route)) : undefined;
    if (!v || v.withoutCredentials === 'inconclusive') {
      out.push(f);
    } else if (v.withoutCredentials === 'open') {
      out.push({
        ...f,
        sources: ['static', 'live'],
        confidence: 'confirmed',
        severity: confirmedSeverity(f),
        evidence: [...f.evidence, ...anonymousEvidence(v)],
      });
    } else {
      out.push({
        ...f,
        confidence: 'possible',
        message: `${f.message} The preview answered ${anonymousEvidence(v)[0]?.status ?? 'with a rejection'} without a token: something outside the code (a gateway or proxy) checks it, but the code itself still lacks the check.`,
        evidence: [...f.evidence, ...anonymousEvidence(v)],
      });
    }
  }
  for (const r of outRoutes) {
    const v = byRoute.get(routeKey(r));
    if (!v || v.withoutCredentials !== 'open') continue;
    // Judged public on purpose from its handler (not listed by the user), yet it served user data to anyone.
    if (r.auth.state === 'public' && r.auth.publicEvidence && v.userData?.length) {
      const ruleId = 'missing-authentication';
      out.push({
        ruleId,
        severity: 'high',
        confidence: 'confirmed',
        message: `\`${routeKey(r)}\` looked public on purpose (${r.auth.publicReason}), but the preview served user data (${v.userData.map((k) => `\`${k}\``).join(', ')}) without a token: require authentication, or list the route in \`public-routes\` if that data is meant to be public.`,
        cwe: ['CWE-306'],
        location: r.location,
        route: { methods: r.methods, path: r.path },
        sources: ['live'],
        evidence: anonymousEvidence(v),
        fingerprint: liveFingerprint(ruleId, r, r.location.file),
        new: true,
      });
      continue;
    }
    if (r.auth.state !== 'protected') continue;
    const already = out.some(
      (f) => f.route && routeKey(f.route) === routeKey(r) && ROUTE_RULES.has(f.ruleId),
    );
    if (already) continue;
    const hook = r.auth.mechanisms.find((m) => /^before_(app_)?request /.test(m));
    const ruleId = hook ? 'auth-hook-fails-open' : 'missing-authentication';
    out.push({
      ruleId,
      severity: hook ? 'high' : confirmedSeverity({ ruleId, severity: 'high', route: r }),
      confidence: 'confirmed',
      message: hook
        ? `\`${routeKey(r)}\` answered without a token although \`${hook}\` should protect it: the hook lets the request through; make it reject requests without valid credentials.`
        : `\`${routeKey(r)}\` answered without a token although the code looks protected (${r.auth.mechanisms.join(', ')}): check what the deployed guard really does.`,
      cwe: [hook ? 'CWE-287' : 'CWE-306'],
      location: r.location,
      route: { methods: r.methods, path: r.path },
      sources: ['live'],
      evidence: anonymousEvidence(v),
      fingerprint: liveFingerprint(ruleId, r, r.location.file),
      new: true,
    });
  }
  return { routes: outRoutes, findings: mergeTokenFindings(out, liveFindings) };
}

/** Probes that carry no credential: only these getting in means a route answers "without a token". */
export const CREDENTIAL_LESS_PROBES: ReadonlySet<string> = new Set([
  'no-token',
  'empty-bearer',
  'malformed-bearer',
  'wrong-scheme',
]);

/**
 * The fingerprint of a finding that only live probing found: the rule and the route (methods, path, file), never
 * the source, so it stays the same whether the finding is later also found statically or not.
 */
export function liveFingerprint(
  ruleId: string,
  route: { methods: readonly string[]; path: string },
  file: string,
): string {
  return fingerprint(ruleId, [...route.methods].sort().join(','), route.path, file);
}

/**
 * A live token finding confirms the static finding of the same rule: token weaknesses live in app-wide code (a
 * decode call, a secret), not in one route. The merge key is the rule plus, in order: the same file and line (a
 * secret the preview was shown to accept is the literal at that line), the route's own file, else every static
 * finding of the rule in the scanned tree (the preview cannot say which decode call served it). A secret is only
 * merged on its exact line: a well-known weak secret the deployment uses says nothing about a literal elsewhere.
 */
function mergeTokenFindings(findings: Finding[], live: readonly Finding[]): Finding[] {
  const out = [...findings];
  const confirmations = new Map<number, Finding[]>();
  const liveOnly = new Map<string, Finding>();
  for (const l of live) {
    const candidates = out
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => f.ruleId === l.ruleId && !f.route && f.sources.includes('static'));
    const exact = candidates.filter(
      ({ f }) => f.location.file === l.location.file && f.location.startLine === l.location.startLine,
    );
    const sameFile = candidates.filter(({ f }) => f.location.file === l.location.file);
    const targets =
      l.ruleId === 'jwt-hardcoded-secret'
        ? exact
        : exact.length
          ? exact
          : sameFile.length
            ? sameFile
            : candidates;
    if (!targets.length) {
      const key = `${l.ruleId}\0${l.route ? routeKey(l.route) : l.location.file}`;
      if (!liveOnly.has(key)) liveOnly.set(key, l);
      continue;
    }
    for (const { i } of targets) confirmations.set(i, [...(confirmations.get(i) ?? []), l]);
  }
  for (const [i, confirmed] of confirmations) {
    const f = out[i]!;
    const routes = new Set(confirmed.flatMap((c) => (c.route ? [routeKey(c.route)] : [])));
    const others =
      routes.size > 1 ? ` (and on ${routes.size - 1} other route${routes.size > 2 ? 's' : ''})` : '';
    out[i] = {
      ...f,
      sources: ['static', 'live'],
      confidence: 'confirmed',
      severity: confirmed.reduce((s, c) => (RANK[c.severity] > RANK[s] ? c.severity : s), f.severity),
      message: `${f.message} Confirmed live${others}: ${confirmed[0]!.message}`,
      evidence: [...f.evidence, ...confirmed.flatMap((c) => c.evidence)].slice(0, MAX_MERGED_EVIDENCE),
    };
  }
  return [...out, ...liveOnly.values()];
}

/** missing-authentication confirmed live on a state-changing or user/admin data route is critical. */
function confirmedSeverity(f: Pick<Finding, 'ruleId' | 'severity' | 'route'>): Severity {
  if (f.ruleId !== 'missing-authentication' || !f.route) return f.severity;
  const sensitive = f.route.methods.some((m) => WRITES.test(m)) || USER_DATA.test(f.route.path);
  return sensitive ? 'critical' : f.severity;
}
