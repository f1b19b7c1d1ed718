import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'token-in-logs',
  title: 'Bearer token written to logs',
  severity: 'medium',
  cwe: ['CWE-532'],
  description:
    'A bearer token, the Authorization header or decoded claims are written with `logging`, a logger or `print`: whoever reads the logs can replay the token.',
  fix: 'Never log raw tokens or the Authorization header; log a user id or a short token fingerprint instead.',
  docs: 'docs/rules/token-in-logs.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
