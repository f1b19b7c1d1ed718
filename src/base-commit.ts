import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Files as they are at a commit, read from git objects (no checkout). */
export interface BaseCommit {
  readonly sha: string;
  /** The repository's top level, symlinks resolved. */
  readonly top: string;
  /** The file at `path` (a path of the working tree) at the commit; undefined when it is not there or not a regular file. */
  read(path: string): string | undefined;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

/** A path with the symlinks of its existing part resolved, so that it compares with git's top level. */
export function realPathOf(path: string): string {
  let existing = resolve(path);
  while (!existsSync(existing)) existing = dirname(existing);
  return resolve(realpathSync(existing), relative(existing, resolve(path)));
}

/** Why a base commit cannot be opened: the scanned path is in no repository, or the commit is not in the clone. */
export interface NoBaseCommit {
  missing: 'repository' | 'commit';
}

/** The commit `ref` of the repository that holds `scanRoot`, resolved once for everything the run reads from it. */
export function openBaseCommit(scanRoot: string, ref: string): BaseCommit | NoBaseCommit {
  const root = realPathOf(scanRoot);
  const cwd = existsSync(root) && statSync(root).isFile() ? dirname(root) : root;
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return { missing: 'repository' };
  const commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) return { missing: 'commit' };
  const sha = commit.out.trim();
  const realTop = realpathSync(top.out.trim());
  return {
    sha,
    top: realTop,
    read(path) {
      // The path as the tree has it: a symlink at the end is the tree's entry, not its target.
      const rel = relative(realTop, join(realPathOf(dirname(resolve(path))), basename(path)));
      if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
      const spec = `${sha}:${rel.split(sep).join('/')}`;
      // Mode 100644/100755 only: a symlink's blob is its target path, not the file.
      const entry = git(realTop, ['ls-tree', sha, '--', rel.split(sep).join('/')]);
      if (!/^100(644|755) blob /.test(entry.out)) return undefined;
      const blob = git(realTop, ['cat-file', 'blob', spec]);
      return blob.ok ? blob.out : undefined;
    },
  };
}
