import type { Finding } from '../types.js';
import { type Rule, type RuleMeta, routeFinding, routeLabel } from './types.js';

const meta: RuleMeta = {
  id: 'optional-auth-on-write',
  title: 'Optional authentication on a state-changing route',
  severity: 'medium',
  cwe: ['CWE-306'],
  description:
    'A POST, PUT, PATCH or DELETE route only has optional authentication (`jwt_required(optional=True)`, `auth_accepted`, flask-oidc 1.x `accept_token()`, `login_required(optional=True)`): anonymous callers reach the write.',
  fix: 'Require authentication on the write (drop `optional=True`), or reject anonymous callers in the view before changing anything.',
  docs: 'docs/rules/optional-auth-on-write.md',
};

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const route of ctx.routes) {
      // Public routes (listed in public-routes, or public by design such as login and sign-up) serve anonymous callers on purpose: optional auth there is the design, not a gap.
      if (!route.auth.optional || !route.writes || route.auth.state !== 'unprotected') continue;
      // Writes the handler makes only under a check of the signed-in caller (`if current_user.can(…):`) are out of
      // an anonymous caller's reach: the optional authentication serves the route's reads.
      if (route.intent && !route.intent.writes.length && route.intent.callerOnlyWrites.length) continue;
      const optional = route.guards.filter((g) => g.info.kind === 'optional').map((g) => `\`@${g.label}\``);
      out.push(
        routeFinding(
          meta,
          route,
          `\`${routeLabel(route)}\` changes data but ${optional.join(', ') || 'its authentication'} lets anonymous requests through: require a token, or reject anonymous callers in the view.`,
        ),
      );
    }
    return out;
  },
};
