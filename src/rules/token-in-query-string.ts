import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'token-in-query-string',
  title: 'Token read from the URL',
  severity: 'medium',
  cwe: ['CWE-598'],
  description:
    'A token is read from the query string (`request.args`, `request.values`) or `JWT_TOKEN_LOCATION` includes `query_string`: URLs are logged by servers and proxies and leak through browser history and Referer headers.',
  fix: 'Accept tokens only in the Authorization header, over HTTPS.',
  docs: 'docs/rules/token-in-query-string.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
