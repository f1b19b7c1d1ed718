import { type Rule, type RuleMeta, jwtFindings } from './types.js';

const meta: RuleMeta = {
  id: 'jwt-hardcoded-secret',
  title: 'Literal JWT signing secret',
  severity: 'high',
  cwe: ['CWE-798'],
  description:
    'The signing secret (`JWT_SECRET_KEY`, `SECRET_KEY`, a key passed to `jwt.encode`/`jwt.decode`) is a literal in the repository, or the literal fallback of an environment lookup: anyone who can read the code can sign valid tokens.',
  fix: 'Read the secret from the environment or a secret store with no literal fallback (`os.environ["JWT_SECRET_KEY"]`), and rotate the leaked one.',
  docs: 'docs/rules/jwt-hardcoded-secret.md',
};

export const rule: Rule = {
  meta,
  check: (ctx) => jwtFindings(meta, ctx.jwt),
};
