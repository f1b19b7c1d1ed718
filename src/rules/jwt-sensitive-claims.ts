import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'jwt-sensitive-claims',
  title: 'Secrets or personal data in JWT claims',
  severity: 'medium',
  cwe: ['CWE-312'],
  description:
    'A password, secret or card-like value is put into a JWT payload (`jwt.encode`, `create_access_token(additional_claims=...)`): claims are only base64-encoded and readable by anyone holding the token.',
  fix: 'Put only an identifier and the claims authorisation needs into the token; look everything else up server-side.',
  docs: 'docs/rules/jwt-sensitive-claims.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
