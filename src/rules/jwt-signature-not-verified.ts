import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'jwt-signature-not-verified',
  title: 'Token decoded without verifying its signature',
  severity: 'critical',
  cwe: ['CWE-347'],
  description:
    'A JWT is decoded with signature verification turned off (`options={"verify_signature": False}`, PyJWT 1.x `verify=False`) or its claims are read unverified (python-jose `get_unverified_claims`, python_jwt `process_jwt` without `verify_jwt`): anyone can forge a token.',
  fix: 'Decode with the signing key and a pinned `algorithms=[...]` list, and keep signature verification on.',
  docs: 'docs/rules/jwt-signature-not-verified.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
