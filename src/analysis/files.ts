import syncFs, { constants, type Dirent, promises as fs, type Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import type { Notice } from '../types.js';

export interface SourceFile {
  /** Relative to the scanned root, `/` separators. */
  path: string;
  text: string;
}

export interface CollectOptions {
  /** Globs relative to the root; an empty or missing list means `**\/*.py`. */
  include?: readonly string[];
  /** Globs relative to the root, added to DEFAULT_EXCLUDES; a matching directory is not descended. */
  exclude?: readonly string[];
  /** Apply DEFAULT_EXCLUDES and skip Python environments; default true. */
  defaultExcludes?: boolean;
  /** Larger files are not analysed (an unanalysed-file notice); default DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /** Told the length of each file's text as it is read (analyze.ts starts workers once the tree is large). */
  onRead?: (chars: number) => void;
}

/**
 * Code that is not the deployed application: test suites (their apps are fixtures, not deployments),
 * virtualenvs and installed packages, vendored JavaScript, VCS metadata, database migrations and build output.
 * `test/` is excluded as well as `tests/`: both names hold test suites in practice (pytest and unittest
 * layouts use either), and a Flask app served from a package named `test` is rare enough that
 * `default-excludes: false` plus an own exclude list is the right answer for it.
 * `env/` is not listed: it is as often an application package as a virtualenv, so it is skipped only when it
 * holds an ENVIRONMENT_MARKERS entry, like any other directory.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/tests/**',
  '**/test/**',
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
  '**/venv/**',
  '**/.venv/**',
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

/** A directory holding one of these is a Python environment whatever its name (venv/virtualenv, conda). */
const ENVIRONMENT_MARKERS: readonly string[] = ['pyvenv.cfg', 'conda-meta'];

/**
 * Generated modules (protobuf, data tables) reach tens of MB and parse fine: 20 MB in about 12 s and 1.5–2 GB of
 * memory, 50 MB in about 30 s and 3.5 GB, some 50 MB shapes exhaust the parser's wasm memory (docs/performance.md).
 * A larger file is not analysed, and counts for the gate.
 */
export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;
/**
 * How paths are matched against include/exclude globs. `flags: 's'`: picomatch's `*` is a regex `.`, which does not
 * match a line terminator, so `**\/*.py` would miss a package named `\u2028pkg` that Python imports fine.
 */
export const PATH_GLOB = { dot: true, flags: 's' } as const;

/** The include globs as the walk applies them: by default every `.py` file. */
export function includedBy(include: readonly string[] | undefined): (file: string) => boolean {
  return picomatch(include?.length ? [...include] : ['**/*.py'], PATH_GLOB);
}

/**
 * The exclude globs as the walk applies them to a directory: `a/**` matches `a` itself, and the trailing slash lets
 * gitignore-style `generated/` name a directory.
 */
function excludedDir(excludes: readonly string[]): (dir: string) => boolean {
  if (!excludes.length) return () => false;
  const isExcluded = picomatch([...excludes], PATH_GLOB);
  return (rel) => isExcluded(rel) || isExcluded(`${rel}/`);
}

/** Whether the walk leaves a file out under these excludes: it matches, or a directory above it does. */
export function excludedBy(excludes: readonly string[]): (file: string) => boolean {
  if (!excludes.length) return () => false;
  const isExcluded = picomatch([...excludes], PATH_GLOB);
  const isExcludedDir = excludedDir(excludes);
  return (file) => {
    const parts = file.split('/');
    return (
      isExcluded(file) || parts.slice(0, -1).some((_, i) => isExcludedDir(parts.slice(0, i + 1).join('/')))
    );
  };
}
const BINARY_SNIFF_BYTES = 8 * 1024;
/**
 * O_NOFOLLOW: an entry swapped for a symlink between listing and opening is still not read through.
 * O_NONBLOCK: a FIFO swapped in cannot hang the scan (it is then rejected as not a regular file).
 * Platforms without them (Windows) get 0.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Every Python source under root, sorted by path in byte order, with a notice for each file or directory that
 * had to be skipped. Symlinks are never followed (they could lead outside the root, or loop); excluded
 * directories are never descended. A root that is a single file is read whatever include/exclude say: the
 * user named it.
 */
export async function collectSources(
  root: string,
  options: CollectOptions = {},
): Promise<{ files: SourceFile[]; notices: Notice[] }> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const rootStat = await statRoot(root);
  if (rootStat.isFile()) {
    // The root itself may be a symlink the user chose; resolve it so that O_NOFOLLOW does not refuse it.
    let result: { text: string } | string;
    try {
      result = readSource(await fs.realpath(root), maxBytes);
    } catch (err) {
      throw new UsageError(`path '${root}' cannot be read (${errorCode(err)}).`);
    }
    const name = basename(root);
    if (typeof result !== 'string' && !isPythonSource(name, result.text)) {
      throw new UsageError(
        `'${root}' is not a Python file: name a directory, or a .py file (or a script whose first line runs python).`,
      );
    }
    return typeof result === 'string'
      ? { files: [], notices: [unanalysed(name, result)] }
      : { files: [{ path: name, text: result.text }], notices: [] };
  }
  if (!rootStat.isDirectory()) throw new UsageError(`path '${root}' is neither a file nor a directory.`);

  const notices: Notice[] = [];
  const { paths, links } = walk(root, options, notices);
  notices.push(...links.map((rel) => linkNotice(root, rel, paths)));
  const read = paths.map((rel) => {
    try {
      const result = readSource(join(root, ...rel.split('/')), maxBytes);
      if (typeof result !== 'string') options.onRead?.(result.text.length);
      return result;
    } catch (err) {
      return `skipped: cannot be read (${errorCode(err)}).`;
    }
  });
  const files: SourceFile[] = [];
  read.forEach((result, i) => {
    if (typeof result === 'string') notices.push(unanalysed(paths[i], result));
    else files.push({ path: paths[i], text: result.text });
  });
  // readdir order differs between file systems; the report must not.
  notices.sort((a, b) => byteOrder(a.file ?? '', b.file ?? ''));
  return { files, notices };
}

/**
 * A candidate file that is a symlink is never read through (it could lead outside the root, or loop). Python
 * follows it, though: unless its target is a file this scan analyses anyway, what it holds is unseen and the
 * link counts like any other unanalysed file, so `admin.py -> impl/admin.txt` cannot hide a route.
 */
function linkNotice(root: string, rel: string, scanned: readonly string[]): Notice {
  let target: string | undefined;
  try {
    const real = relative(syncFs.realpathSync(root), syncFs.realpathSync(join(root, ...rel.split('/'))));
    target = real.split(sep).join('/');
  } catch {
    // A dangling link: Python cannot import it either.
    return { file: rel, message: 'skipped: a symbolic link whose target does not exist.' };
  }
  if (scanned.includes(target)) {
    return {
      file: rel,
      message: `skipped: symbolic links are not followed; its target ${target} is analysed.`,
    };
  }
  return unanalysed(
    rel,
    'not analysed: a symbolic link to a file this scan does not read (outside the scanned path, not a Python file, or excluded), which Python follows; make it a regular file, or exclude it if it is not part of the app.',
  );
}

/** A candidate Python file that could not be read: it counts for the gate (see `Notice.kind`). */
function unanalysed(file: string, message: string): Notice {
  return { file, message, kind: 'unanalysed-file' };
}

/**
 * A file the user names is parsed only when it is Python: tree-sitter recovers from anything, so Markdown would
 * parse, find nothing and pass the gate. Python is a `.py`/`.pyw`/`.pyi` name or a `#!` line that runs python.
 */
function isPythonSource(name: string, text: string): boolean {
  if (/\.py[iw]?$/i.test(name)) return true;
  return /^#!.*\bpython[\d.]*\b/.test(text.split('\n', 1)[0]!);
}

async function statRoot(root: string): Promise<Stats> {
  try {
    return await fs.stat(root);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`path '${root}' does not exist.`);
    throw new UsageError(`path '${root}' cannot be read (${code}).`);
  }
}

/**
 * Relative paths of the candidate files, sorted; iterative so that no directory depth can exhaust the stack.
 * Directories are listed synchronously, as files are read: each listing through a promise waits on the thread
 * pool (about 45 ms for the benchmark tree's 202 directories, against a few for the same synchronously).
 */
function walk(
  root: string,
  options: CollectOptions,
  notices: Notice[],
): { paths: string[]; links: string[] } {
  const useDefaults = options.defaultExcludes !== false;
  const isIncluded = includedBy(options.include);
  const excludes = [...(useDefaults ? DEFAULT_EXCLUDES : []), ...(options.exclude ?? [])];
  const isExcluded = excludes.length ? picomatch(excludes, PATH_GLOB) : () => false;
  const isExcludedDir = excludedDir(excludes);

  const paths: string[] = [];
  const links: string[] = [];
  const pending: string[] = [''];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = syncFs.readdirSync(dir ? join(root, ...dir.split('/')) : root, { withFileTypes: true });
    } catch (err) {
      if (!dir) throw new UsageError(`path '${root}' cannot be read (${errorCode(err)}).`);
      notices.push({ file: dir, message: `skipped: directory cannot be read (${errorCode(err)}).` });
      continue;
    }
    // The root itself is scanned even so: `python -m venv .` puts pyvenv.cfg beside the app's own code.
    if (dir && useDefaults && entries.some((e) => ENVIRONMENT_MARKERS.includes(e.name))) continue;
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        if (isIncluded(rel) && !isExcluded(rel)) {
          links.push(rel);
        } else if (mayHoldSources(join(root, ...rel.split('/')), rel, isExcludedDir)) {
          notices.push({
            file: rel,
            message:
              'skipped: symbolic links are not followed (they can lead outside the scanned path); scan their target directly if it is part of the app.',
          });
        }
      } else if (entry.isDirectory()) {
        if (!isExcludedDir(rel)) pending.push(rel);
      } else if (isIncluded(rel) && !isExcluded(rel)) {
        // A FIFO or socket too: readSource says why it cannot be read, rather than it vanishing from the report.
        paths.push(rel);
      }
    }
  }
  return { paths: paths.sort(byteOrder), links };
}

/**
 * Whether a skipped symlink that is not a candidate file deserves a notice: it points to a directory that would
 * have been descended. Only the target's metadata is looked at, never its content.
 */
function mayHoldSources(abs: string, rel: string, isExcludedDir: (path: string) => boolean): boolean {
  if (isExcludedDir(rel)) return false;
  try {
    return syncFs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A Python source's bytes as the analysis reads them. Python ends a line at `\n`, `\r\n` or a lone `\r`; the
 * parser knows only the first two, so a module with old-Mac line endings would be one line of syntax errors that
 * Python imports fine. A lone `\r` becomes `\n`: same length (offsets hold) and Python's own line numbers.
 */
export function decodePythonSource(bytes: Uint8Array): string {
  return UTF8.decode(bytes).replace(/\r(?!\n)/g, '\n');
}

/**
 * The decoded file, or the reason it was skipped; throws when the file cannot be opened or read. Synchronous:
 * for many small files one open, fstat, read and close each cost far less than the same through promises.
 */
function readSource(abs: string, maxBytes: number): { text: string } | string {
  const fd = syncFs.openSync(abs, OPEN_FLAGS);
  try {
    const stat = syncFs.fstatSync(fd);
    if (!stat.isFile()) return 'skipped: not a regular file.';
    if (stat.size > maxBytes) return `skipped: ${overLimit(stat.size, maxBytes)}`;
    const bytes = syncFs.readFileSync(fd);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return 'skipped: binary content (NUL bytes).';
    return { text: decodePythonSource(bytes) };
  } finally {
    syncFs.closeSync(fd);
  }
}

function overLimit(size: number, limit: number): string {
  const [s, l] = [formatSize(size), formatSize(limit)];
  return s === l ? `${size} bytes is over the ${limit}-byte limit.` : `${s} is over the ${l} limit.`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** UTF-8 byte order (code point order), unlike `<` on strings, which compares UTF-16 code units. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
