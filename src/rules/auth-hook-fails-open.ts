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

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const hook of ctx.hooks) {
      if (!hook.analysis.failsOpen) continue;
      const relying = ctx.routes.filter(
        (r) => r.failingHooks.includes(hook) && r.auth.state === 'unprotected',
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
