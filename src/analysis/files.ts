import { type Dirent, promises as fs } from 'node:fs';
import { basename, join, sep } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import type { Notice } from '../types.js';

export interface SourceFile {
  /** Relative to the scanned root, `/` separators. */
  path: string;
  text: string;
}

export interface CollectOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Apply DEFAULT_EXCLUDES (tests, virtualenvs, vendored and generated code); default true. */
  defaultExcludes?: boolean;
  maxFileBytes?: number;
}

/**
 * Code that is not the application: tests (their apps are fixtures, not deployments), virtualenvs and
 * installed packages, VCS metadata, database migrations and build output. `test/` is excluded as well as
 * `tests/` because both names hold test suites in practice; a project that really serves code from such a
 * directory can turn defaults off in config.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/tests/**',
  '**/test/**',
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
  '**/venv/**',
  '**/.venv/**',
  '**/virtualenv/**',
  '**/site-packages/**',
  '**/.tox/**',
  '**/.nox/**',
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/migrations/**',
  '**/alembic/versions/**',
  '**/build/**',
  '**/dist/**',
  '**/*.egg-info/**',
  '**/.eggs/**',
  '**/__pycache__/**',
];

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8192;

function size(n: number): string {
  return n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Every Python source under root, sorted by path; never follows symlinks, never leaves root. */
export async function collectSources(
  root: string,
  options: CollectOptions = {},
): Promise<{ files: SourceFile[]; notices: Notice[] }> {
  const notices: Notice[] = [];
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let rootStat;
  try {
    rootStat = await fs.stat(root);
  } catch {
    throw new UsageError(`path '${root}' does not exist.`);
  }
  if (rootStat.isFile()) {
    const file = await readSource(root, basename(root), maxBytes, notices);
    return { files: file ? [file] : [], notices };
  }
  if (!rootStat.isDirectory()) throw new UsageError(`path '${root}' is neither a file nor a directory.`);

  const include = picomatch(options.include?.length ? [...options.include] : ['**/*.py'], { dot: true });
  const excludes = [
    ...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES),
    ...(options.exclude ?? []),
  ];
  const excluded = excludes.length ? picomatch(excludes, { dot: true }) : () => false;
  // A directory is skipped when anything inside it would be excluded (`a/b/**` excludes `a/b`).
  const dirExcluded = (rel: string): boolean => excluded(`${rel}/`) || excluded(`${rel}/x`);

  const paths: string[] = [];
  const stack: string[] = [''];
  while (stack.length) {
    const dir = stack.pop()!;
    const abs = dir ? join(root, dir) : root;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch (err) {
      notices.push({
        file: dir || '.',
        message: `skipped: directory cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      });
      continue;
    }
    if (
      dir &&
      entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile()) &&
      options.defaultExcludes !== false
    )
      continue;
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      // Symlinks are never followed: they could point outside the root or loop.
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (!dirExcluded(rel)) stack.push(rel);
      } else if (entry.isFile() && include(rel) && !excluded(rel)) {
        paths.push(rel);
      }
    }
  }
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: SourceFile[] = [];
  for (const rel of paths) {
    const file = await readSource(join(root, ...rel.split('/')), rel, maxBytes, notices);
    if (file) files.push(file);
  }
  return { files, notices };
}

async function readSource(
  abs: string,
  rel: string,
  maxBytes: number,
  notices: Notice[],
): Promise<SourceFile | undefined> {
  try {
    const stat = await fs.lstat(abs);
    if (stat.isSymbolicLink()) return undefined;
    if (stat.size > maxBytes) {
      notices.push({
        file: rel,
        message: `skipped: ${size(stat.size)} is over the ${size(maxBytes)} limit.`,
      });
      return undefined;
    }
    const bytes = await fs.readFile(abs);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      notices.push({ file: rel, message: 'skipped: binary content (NUL bytes).' });
      return undefined;
    }
    let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { path: rel.split(sep).join('/'), text };
  } catch (err) {
    notices.push({
      file: rel,
      message: `skipped: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
    });
    return undefined;
  }
}
