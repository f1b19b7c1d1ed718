/**
 * Where the rule documentation is published. The action points links at the repository and ref it runs from
 * (`GITHUB_ACTION_REPOSITORY`, `GITHUB_ACTION_REF`); this is the default for the CLI.
 */
export const DOCS_BASE = 'https://github.com/tokengate/tokengate/blob/main/';

export function docsBaseFor(env: NodeJS.ProcessEnv): string {
  const repo = env.GITHUB_ACTION_REPOSITORY;
  if (!repo) return DOCS_BASE;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${repo}/blob/${env.GITHUB_ACTION_REF || 'main'}/`;
}
