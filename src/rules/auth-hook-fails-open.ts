import type { AssessedRoute } from '../analysis/policy.js';
import type { Finding } from '../types.js';
import { suppressionsFor } from '../analysis/flask.js';
import { type Rule, type RuleMeta, hookFinding, routeLabel } from './types.js';

const meta: RuleMeta = {
  id: 'auth-hook-fails-open',
  title: 'before_request hook lets requests without credentials through',
  severity: 'high',
  cwe: ['CWE-287'],
  description:
    'A `before_request` hook tries to authenticate requests but lets those without credentials reach the views: it returns early when the header is missing, swallows the verification error, or never rejects.',
  fix: 'Reject the request (`abort(401)`) when the credential is missing or invalid, and exempt public endpoints with an explicit allow-list.',
  docs: 'docs/rules/auth-hook-fails-open.md',
};

/**
 * Whether a route that only the hook stands in front of needs authentication, so that the hook is what the developer
 * believed protected it. A hook that loads the caller's identity when a credential is present and lets the rest
 * through is an identity loader, not a failed gate, when none of its routes does: each is public on purpose by what
 * its handler does (a sign-in step, a token link, a static answer), serves anonymous callers on purpose (it tests
 * whether there is a signed-in caller), or touches no application data but the caller's own identity (a ping, the
 * server's public settings with whether the caller is signed in).
 */
function needsTheHook(route: AssessedRoute): boolean {
  if (route.auth.optional) return false;
  const intent = route.intent;
  // A route with no handler to judge (an OpenAPI operation) is taken to need what guards its realm.
  if (!intent) return true;
  if (intent.publicReason) return false;
  // A constant answer to a write (never public on purpose) and an unchecked token still count.
  if (intent.role === 'static' || intent.problem) return true;
  return intent.writes.length > 0 || intent.exposed.length > 0 || intent.reads.some((e) => !e.identity);
}

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const hook of ctx.hooks) {
      if (!hook.analysis.failsOpen) continue;
      const relying = ctx.routes.filter(
        (r) =>
          r.failingHooks.includes(hook) &&
          r.auth.state === 'unprotected' &&
          // A hook that turns away requests without a credential was written as a gate: every route behind it counts.
          (!hook.analysis.anonymousPass || needsTheHook(r)),
      );
      if (!relying.length) continue;
      const examples = relying
        .slice(0, 3)
        .map((r) => `\`${routeLabel(r)}\``)
        .join(', ');
      const more = relying.length > 3 ? ` and ${relying.length - 3} more` : '';
      const fn = hook.fn;
      out.push(
        hookFinding(
          meta,
          hook,
          `\`${hook.label}\` fails open: ${hook.analysis.reason ?? 'requests without credentials pass'}. ${relying.length} route${relying.length === 1 ? '' : 's'} rel${relying.length === 1 ? 'ies' : 'y'} on it (${examples}${more}): abort with 401 when the credential is missing or invalid.`,
          suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine),
        ),
      );
    }
    return out;
  },
};
