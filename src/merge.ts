import { fingerprint } from './rules/types.js';
import type { Evidence, Finding, LiveStatus, RouteReport, Severity } from './types.js';

/** What live probing concluded for one route (produced by the live prober). */
export interface LiveVerdict {
  route: { methods: string[]; path: string };
  status: Exclude<LiveStatus, 'not-probed'>;
  evidence: Evidence[];
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

const routeKey = (r: { methods: readonly string[]; path: string }): string =>
  `${[...r.methods].sort().join(',')} ${r.path}`;

/**
 * One finding per (route, rule): a live result on a route merges into the static finding for it
 * (`sources: ["static","live"]`, confirmed); a route the code says is protected but answers anonymously becomes a
 * live finding (`auth-hook-fails-open` when a hook guards it, else `missing-authentication`); a static finding the
 * deployment contradicts stays, downgraded to `possible`.
 */
export function mergeLive(
  routes: readonly RouteReport[],
  findings: readonly Finding[],
  verdicts: readonly LiveVerdict[],
): { routes: RouteReport[]; findings: Finding[] } {
  const byRoute = new Map(verdicts.map((v) => [routeKey(v.route), v]));
  const outRoutes = routes.map((r) => {
    const v = byRoute.get(routeKey(r));
    return v ? { ...r, live: { status: v.status, evidence: v.evidence } } : r;
  });
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
        ? outRoutes.filter(
            (r) => r.live.status === 'open' && r.auth.mechanisms.includes(`${hook} (fails open)`),
          )
        : [];
      out.push(
        open.length
          ? {
              ...f,
              sources: ['static', 'live'],
              confidence: 'confirmed',
              evidence: [...f.evidence, ...open.flatMap((r) => r.live.evidence.slice(0, 1))],
            }
          : f,
      );
      continue;
    }
    const v = f.route && ROUTE_RULES.has(f.ruleId) ? byRoute.get(routeKey(f.route)) : undefined;
    if (!v || v.status === 'inconclusive') {
      out.push(f);
    } else if (v.status === 'open') {
      out.push({
        ...f,
        sources: ['static', 'live'],
        confidence: 'confirmed',
        severity: confirmedSeverity(f),
        evidence: [...f.evidence, ...v.evidence],
      });
    } else {
      out.push({
        ...f,
        confidence: 'possible',
        message: `${f.message} The preview answered ${v.evidence[0]?.status ?? 'with a rejection'} without a token: something outside the code (a gateway or proxy) checks it, but the code itself still lacks the check.`,
        evidence: [...f.evidence, ...v.evidence],
      });
    }
  }
  for (const r of outRoutes) {
    const v = byRoute.get(routeKey(r));
    if (!v || v.status !== 'open' || r.auth.state !== 'protected') continue;
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
      evidence: v.evidence,
      fingerprint: fingerprint(ruleId, r.methods.join(','), r.path, r.location.file, 'live'),
      new: true,
    });
  }
  return { routes: outRoutes, findings: out };
}

/** missing-authentication confirmed live on a state-changing or user/admin data route is critical. */
function confirmedSeverity(f: Pick<Finding, 'ruleId' | 'severity' | 'route'>): Severity {
  if (f.ruleId !== 'missing-authentication' || !f.route) return f.severity;
  const sensitive = f.route.methods.some((m) => WRITES.test(m)) || USER_DATA.test(f.route.path);
  return sensitive ? 'critical' : f.severity;
}
