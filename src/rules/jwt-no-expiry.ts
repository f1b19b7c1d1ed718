import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'jwt-no-expiry',
  title: 'Tokens that never expire',
  severity: 'medium',
  cwe: ['CWE-613'],
  description:
    'Tokens are issued or accepted without expiry: `JWT_ACCESS_TOKEN_EXPIRES = False`, `expires_delta=False`, `verify_exp` off, a payload signed without `exp`, authlib claims never validated, or `decode_token(..., allow_expired=True)` used to identify the caller.',
  fix: 'Give every token a short `exp` and keep the expiry check on when decoding.',
  docs: 'docs/rules/jwt-no-expiry.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
