import { REPOSITORY } from '../version.js';

/**
 * The web address of a repository as package.json may name it: `git+https://github.com/o/r.git`,
 * `git@github.com:o/r.git`, `github:o/r` or `o/r`.
 */
export function repositoryWebUrl(repository: string): string | undefined {
  const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(repository);
  if (shorthand) return `https://github.com/${shorthand[1]!.replace(/\.git$/, '')}`;
  const url = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(repository);
  if (url) return `https://${url[1]}/${url[2]}`;
  const scp = /^[^@/]+@([^:/]+):(.+?)(?:\.git)?$/.exec(repository);
  return scp ? `https://${scp[1]}/${scp[2]}` : undefined;
}

/**
 * Where the rule documentation is published: the repository and ref the action runs from
 * (`GITHUB_ACTION_REPOSITORY`, `GITHUB_ACTION_REF`), else the repository package.json names (the CLI, or the action
 * run from its own checkout with `uses: ./`).
 */
export function docsBaseFor(env: NodeJS.ProcessEnv, repository = REPOSITORY): string {
  const repo = env.GITHUB_ACTION_REPOSITORY;
  if (repo) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return `${server}/${repo}/blob/${env.GITHUB_ACTION_REF || 'main'}/`;
  }
  const web = repository && repositoryWebUrl(repository);
  return web ? `${web}/blob/main/` : 'https://www.npmjs.com/package/tokengate/';
}

/** The default for renderers that are given no base: the repository package.json names. */
export const DOCS_BASE = docsBaseFor({});
