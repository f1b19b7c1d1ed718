import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'jwt-none-algorithm',
  title: 'The none algorithm is accepted, or the algorithm comes from the token',
  severity: 'critical',
  cwe: ['CWE-347'],
  description:
    '`"none"` (in any case) is among the accepted or issued algorithms, or the algorithm is taken from the token\'s own unverified header: unsigned or attacker-chosen tokens pass.',
  fix: 'Pin the algorithms you sign with (e.g. `algorithms=["HS256"]`) and never read them from the token.',
  docs: 'docs/rules/jwt-none-algorithm.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
