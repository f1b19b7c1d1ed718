import type { Finding } from '../types.js';
import { type Rule, type RuleMeta, routeFinding, routeLabel } from './types.js';

const meta: RuleMeta = {
  id: 'auth-decorator-order',
  title: 'Auth decorator applied outside the route decorator',
  severity: 'high',
  cwe: ['CWE-306'],
  description:
    'An authentication decorator is written above `@route`: Flask registered the undecorated function, so the endpoint it serves has no authentication.',
  fix: 'Put the route decorator first (top) and the authentication decorator directly below it.',
  docs: 'docs/rules/auth-decorator-order.md',
};

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const route of ctx.routes) {
      if (!route.misplaced.length || route.auth.state === 'protected') continue;
      const names = route.misplaced.map((g) => `\`@${g.label}\``).join(', ');
      const why = `${names} sits above the route decorator of \`${routeLabel(route)}\`, so Flask registered the view without it and the route answers without a token`;
      out.push({
        ...routeFinding(meta, route, `${why}: move the route decorator to the top.`),
        why,
        fix: meta.fix,
      });
    }
    return out;
  },
};
