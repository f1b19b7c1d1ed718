import type { Finding } from '../types.js';
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

const ORPUBLIC = ', or list the route in `public-routes` if it is public on purpose';
const REQUIRE_TOKEN = 'Require a Bearer token (e.g. flask_jwt_extended `@jwt_required()`).';

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
        const fix = `${
          route.ineffective.some((w) => w.includes('LOGIN_DISABLED'))
            ? 'Set `LOGIN_DISABLED` only in test configuration'
            : `Verify the credential (${route.specLocation ? addGuard(route) : `e.g. ${guardText(route.suggestedGuard ?? 'jwt_required()')}`})`
        }${ORPUBLIC}.`;
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` has no effective authentication: ${route.ineffective.join('; ')}. ${fix}`,
          ),
          fix,
        });
      } else if (route.appUsesAuth && route.anonymousPage) {
        // Flask-Login web apps show many pages to anonymous visitors on purpose (profiles, post lists).
        const advice = `list it in \`public-routes\`, otherwise add ${guardText(route.suggestedGuard ?? 'login_required')}`;
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` renders a page without login; apps that sign users in with Flask-Login show some pages (profiles, post lists) to anonymous visitors on purpose, so if this one is public too, ${advice}.`,
            'medium',
          ),
          fix: `If the page is public on purpose, ${advice}.`,
        });
      } else if (route.appUsesAuth && route.appHasOpenReads && !route.writes && !route.sensitive) {
        // The app serves some reads to anonymous callers on purpose (optional auth): a plain read may be one more.
        const advice = `list it in \`public-routes\`, otherwise add ${guardText(route.suggestedGuard)}`;
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` has no authentication; this app lets anonymous callers read some routes on purpose, so if this one is public too, ${advice}.`,
            'medium',
          ),
          fix: `If the route is public on purpose, ${advice}.`,
        });
      } else if (route.appUsesAuth) {
        const advice = `${addGuard(route)}${ORPUBLIC}`;
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` has no authentication while this app authenticates other routes: ${advice}.`,
          ),
          fix: `${advice[0]!.toUpperCase()}${advice.slice(1)}.`,
        });
      } else if (route.writes) {
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` changes data and this app has no authentication at all: anyone can call it. ${REQUIRE_TOKEN}`,
          ),
          fix: REQUIRE_TOKEN,
        });
      } else if (route.sensitive) {
        out.push({
          ...routeFinding(
            meta,
            route,
            `\`${label}\` serves user or account data and this app has no authentication at all. ${REQUIRE_TOKEN}`,
            'medium',
          ),
          fix: REQUIRE_TOKEN,
        });
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
