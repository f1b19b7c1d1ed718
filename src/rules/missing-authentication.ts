import type { AssessedRoute } from '../analysis/policy.js';
import type { RouteIntent } from '../analysis/intent.js';
import type { Finding, Severity } from '../types.js';
import { type Rule, type RuleMeta, routeFinding, routeLabel } from './types.js';

const meta: RuleMeta = {
  id: 'missing-authentication',
  title: 'Route reachable without authentication',
  severity: 'high',
  cwe: ['CWE-306'],
  description:
    'A route answers requests that carry no credentials although it is not public by design: no auth decorator, class-level decorator, request hook or check in the view body rejects anonymous callers.',
  fix: 'Add the authentication the rest of the API uses (e.g. `@jwt_required()` below the route decorator), or list the route in `public-routes` if it is public on purpose.',
  docs: 'docs/rules/missing-authentication.md',
};

function guardText(guard: string | undefined): string {
  return guard ? `\`@${guard}\`` : 'a Bearer-token check';
}

/** The security schemes named in an OpenAPI guard label (`openapi security bearerAuth (http)`). */
function schemeNames(guard: string | undefined): string[] {
  return [...(guard ?? '').matchAll(/openapi security (\S+)/g)].map((m) => m[1]!);
}

/** Where the fix goes: below the route decorator, or, for an OpenAPI operation, in the document. */
function addGuard(route: { specLocation?: string; suggestedGuard?: string }): string {
  if (!route.specLocation) return `add ${guardText(route.suggestedGuard)} below the route decorator`;
  const schemes = schemeNames(route.suggestedGuard);
  const example = schemes.length ? ` (e.g. \`${schemes.map((n) => `${n}: []`).join(', ')}\`)` : '';
  return `add a \`security\` requirement${example} to the operation at ${route.specLocation}`;
}

/** `app/notes.py:31`. */
const at = (e: { file: string; line: number }): string => `${e.file}:${e.line}`;

/** What the handler does that makes it sensitive, with where: its first write, user data it hands out, or a read. */
function sensitivity(intent: RouteIntent | undefined): string | undefined {
  if (!intent) return undefined;
  const write = intent.writes[0];
  if (write) return `${write.what} (${at(write)})`;
  const field = intent.exposed[0];
  if (field && intent.reads.length) return `returns \`${field.field}\` (${at(field)})`;
  const identity = intent.reads.find((e) => e.identity);
  if (identity) return `${identity.what} (${at(identity)})`;
  const read = intent.reads[0];
  return read ? `${read.what} (${at(read)})` : undefined;
}

/** Where the route's authenticated siblings are: its blueprint, or the app. */
function realmName(route: AssessedRoute): string {
  return route.realm ? `blueprint \`${route.realm}\`` : 'this app';
}

interface Verdict {
  severity: Severity;
  message: string;
}

/** The finding for a route whose handler is known to read or change application data, or to check nothing. */
function judged(route: AssessedRoute, intent: RouteIntent, label: string): Verdict | undefined {
  const does = sensitivity(intent);
  const writes = intent.writes.length > 0;
  const userData =
    (intent.exposed.length > 0 && intent.reads.length > 0) || intent.reads.some((e) => e.identity === true);
  const publicHint = 'or list the route in `public-routes` if it is public on purpose';
  if (intent.problem === 'unsigned-webhook')
    return {
      severity: writes ? 'high' : 'medium',
      message: `\`${label}\` receives webhooks but verifies no signature over the request body${does ? ` and ${does}` : ''}: anyone can call it. Verify the sender's signature (e.g. \`hmac.compare_digest\` of an HMAC over \`request.get_data()\`, or the provider SDK's verifier), ${publicHint}.`,
    };
  if (intent.problem === 'unverified-token')
    return {
      severity: writes || userData ? 'high' : 'medium',
      message: `\`${label}\` takes a token in its URL but never checks it${does ? `, and ${does}` : ''}: anyone can call it with any value. Verify the token (a signed token's \`loads\`/\`decode\` with a key, or a lookup of its stored hash) before acting, ${publicHint}.`,
    };
  // The forgotten decorator: the route's own class, or every other route of its realm, requires authentication.
  const forgotten = route.forgottenGuard
    ? `while ${route.forgottenGuard}`
    : route.realmAllProtected
      ? `while every other route of ${realmName(route)} requires authentication`
      : undefined;
  if (intent.role === 'static') {
    if (!route.appUsesAuth) return undefined;
    // A service the caller's input drives (`POST /api/queries/format`) among guarded siblings is the forgotten
    // decorator; an answer of constants (a logout that returns a URL) stays low.
    if (forgotten && (intent.input || route.forgottenGuard))
      return {
        severity: 'high',
        message: `\`${label}\` ${intent.input ? `${intent.input.what} (${at(intent.input)})` : 'has no authentication'} ${forgotten}: ${addGuard(route)}, ${publicHint}.`,
      };
    return {
      severity: 'low',
      message: `\`${label}\` has no authentication; its handler touches no application data that tokengate can see, so it may be public on purpose: if so, list it in \`public-routes\`, otherwise ${addGuard(route)}.`,
    };
  }
  if (!route.appUsesAuth) {
    if (writes)
      return {
        severity: 'high',
        message: `\`${label}\` ${does} and this app has no authentication at all: anyone can call it. Require a Bearer token (e.g. flask_jwt_extended \`@jwt_required()\`).`,
      };
    if (userData)
      return {
        severity: 'medium',
        message: `\`${label}\` ${does} and this app has no authentication at all. Require a Bearer token (e.g. flask_jwt_extended \`@jwt_required()\`).`,
      };
    return undefined;
  }
  if (writes || userData || forgotten || !route.realmOpenReads) {
    const why = forgotten ?? `while ${realmName(route)} authenticates other routes`;
    return {
      severity: 'high',
      message: `\`${label}\` ${does ?? 'calls code tokengate cannot follow (it may serve application data)'} without authentication ${why}: ${addGuard(route)}, ${publicHint}.`,
    };
  }
  return {
    severity: 'medium',
    message: `\`${label}\` ${does ?? 'calls code tokengate cannot follow (it may read application data)'} without authentication; ${realmName(route)} serves other reads to anonymous callers on purpose, so if this one is public too, list it in \`public-routes\`, otherwise ${addGuard(route)}.`,
  };
}

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const route of ctx.routes) {
      if (route.auth.state !== 'unprotected' || route.auth.optional) continue;
      // Covered by the more precise rules: a misplaced decorator, a hook that fails open.
      if (route.misplaced.length || route.failingHooks.length) continue;
      const label = routeLabel(route);
      const before = out.length;
      if (route.ineffective.length) {
        // Something on the route looks like authentication but lets any caller through: say what and why.
        out.push(
          routeFinding(
            meta,
            route,
            `\`${label}\` has no effective authentication: ${route.ineffective.join('; ')}. ${
              route.ineffective.some((w) => w.includes('LOGIN_DISABLED'))
                ? 'Set `LOGIN_DISABLED` only in test configuration'
                : `Verify the credential (${route.specLocation ? addGuard(route) : `e.g. ${guardText(route.suggestedGuard ?? 'jwt_required()')}`})`
            }, or list the route in \`public-routes\` if it is public on purpose.`,
          ),
        );
      } else if (route.intent) {
        const verdict = judged(route, route.intent, label);
        if (verdict) {
          const finding = routeFinding(meta, route, verdict.message, verdict.severity);
          finding.confidence = route.intent.confidence;
          out.push(finding);
        }
      } else if (route.appUsesAuth) {
        // The handler is not in the tree (an operation of an OpenAPI document without one): judged by its app.
        out.push(
          routeFinding(
            meta,
            route,
            `\`${label}\` has no authentication while ${realmName(route)} authenticates other routes: ${addGuard(route)}, or list the route in \`public-routes\` if it is public on purpose.`,
          ),
        );
      } else if (route.writes) {
        out.push(
          routeFinding(
            meta,
            route,
            `\`${label}\` changes data and this app has no authentication at all: anyone can call it. Require a Bearer token (e.g. flask_jwt_extended \`@jwt_required()\`).`,
          ),
        );
      }
      // Routes declared in an OpenAPI document say where, so the fix lands in the document.
      if (route.specLocation)
        for (const f of out.slice(before))
          if (!f.message.includes(route.specLocation))
            f.message += ` The operation is declared at ${route.specLocation}.`;
    }
    return out;
  },
};
