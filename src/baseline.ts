import { execFileSync } from 'node:child_process';
import type { BaseCommit, NoBaseCommit } from './base-commit.js';
import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES, DEFAULT_MAX_FILE_BYTES, decodePythonSource, PATH_GLOB } from './analysis/files.js';
import { analyzeSources, type AnalyzeOptions } from './analysis/pipeline.js';
import { routeKey } from './merge.js';
import type { AuthState, Finding, Notice } from './types.js';

export interface BaselineResult {
  /** Fingerprints of the findings on the base commit; undefined when the base could not be analysed. */
  fingerprints?: Set<string>;
  /** The auth state of each route of the base commit's code model, by identity (methods and path, see `routeKey`). */
  routes?: Map<string, AuthState>;
  notice?: Notice;
  /** Git object ids of the base commit's candidate files, by path relative to the scanned directory. */
  objects?: Map<string, string>;
}

/** Where tokengate runs: the action in a workflow, or the CLI in someone's clone. */
export type Surface = 'action' | 'cli';

/** How to bring a base commit into the clone, in the terms of where tokengate runs. */
export const FETCH_BASE_ADVICE: Record<Surface, string> = {
  action: 'check out with `fetch-depth: 0` (actions/checkout) or fetch the base branch first',
  cli: 'fetch it first (e.g. `git fetch origin main`), or name a branch, tag or commit this clone has',
};

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    input,
    maxBuffer: 512 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Analyse the scanned directory as it was at `ref`, straight from git objects (no checkout), and return the
 * fingerprints of its findings. Findings whose fingerprint is in the set are not new.
 */
export async function baselineFingerprints(
  base: BaseCommit | NoBaseCommit,
  scanRoot: string,
  ref: string,
  surface: Surface,
  options: AnalyzeOptions & { defaultExcludes?: boolean },
): Promise<BaselineResult> {
  if ('missing' in base) {
    return {
      notice: {
        kind: 'baseline',
        message:
          base.missing === 'repository'
            ? `cannot compare with ${ref}: the scanned path is not inside a git repository; every finding counts as new.`
            : `base commit ${ref} is not in this clone, so every finding counts as new: ${FETCH_BASE_ADVICE[surface]}.`,
      },
    };
  }
  const { sha, top } = base;
  const absRoot = realpathSync(resolve(scanRoot));
  const prefix = relative(top, absRoot).split(sep).join('/');
  let listing: string;
  try {
    listing = git(top, ['ls-tree', '-r', '-z', '--full-tree', sha, ...(prefix ? ['--', prefix] : [])]);
  } catch {
    return { notice: unreadableBase(ref) };
  }
  const include = picomatch(options.include?.length ? options.include : ['**/*.py'], PATH_GLOB);
  const excluded = picomatch(
    [...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(options.exclude ?? [])],
    PATH_GLOB,
  );
  const blobs: { path: string; object: string }[] = [];
  for (const entry of listing.split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    // Mode 120000 is a symlink: never followed, as in the working tree.
    if (!m || m[1] === '120000') continue;
    const rel = prefix ? m[3]!.slice(prefix.length + 1) : m[3]!;
    if (include(rel) && !excluded(rel)) blobs.push({ path: rel, object: m[2]! });
  }
  const files: { path: string; text: string }[] = [];
  if (blobs.length) {
    let out: Buffer;
    try {
      out = execFileSync('git', ['cat-file', '--batch'], {
        cwd: top,
        input: blobs.map((b) => b.object).join('\n') + '\n',
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch {
      return { notice: unreadableBase(ref) };
    }
    let offset = 0;
    for (const blob of blobs) {
      const headerEnd = out.indexOf(0x0a, offset);
      const header = out.subarray(offset, headerEnd).toString().split(' ');
      // `<object> missing`: a partial clone that could not fetch it, or a repository missing objects.
      if (header[1] !== 'blob') return { notice: unreadableBase(ref) };
      const size = Number(header[2]);
      const body = out.subarray(headerEnd + 1, headerEnd + 1 + size);
      offset = headerEnd + 1 + size + 1;
      if (size > (options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) || body.subarray(0, 8192).includes(0))
        continue;
      files.push({ path: blob.path, text: decodePythonSource(body) });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const analysis = await analyzeSources(files, options);
  return {
    fingerprints: new Set(analysis.findings.map((f) => f.fingerprint)),
    routes: new Map(analysis.routes.map((r) => [routeKey(r), r.auth.state])),
    objects: new Map(blobs.map((b) => [b.path, b.object])),
  };
}

/**
 * Mark each unanalysed-file notice new unless the base commit has the very same file (git hashes the working
 * copy as `git add` would): a vendored file too large to analyse then blocks only the pull request that adds or
 * changes it, while a pull request can never hide a route by padding a file. Other notices pass unchanged.
 */
export function markUnanalysedNew(
  notices: readonly Notice[],
  scanRoot: string,
  base: Map<string, string> | undefined,
): Notice[] {
  return notices.map((n) => {
    if (n.kind !== 'unanalysed-file' || !n.file) return n;
    const object = base?.get(n.file);
    return { ...n, new: !object || hashObject(scanRoot, n.file) !== object };
  });
}

function hashObject(scanRoot: string, file: string): string | undefined {
  try {
    return git(resolve(scanRoot), ['hash-object', '--', file]).trim();
  } catch {
    return undefined;
  }
}

/**
 * A base commit that is in the clone but whose files are not: a partial clone (`--filter=blob:none`) fetches them
 * on demand from its promisor remote, which may be gone or unreachable. Git's own stderr says none of this.
 */
function unreadableBase(ref: string): Notice {
  return {
    kind: 'baseline',
    message: `the files of base commit ${ref} cannot be read from this clone (a partial or shallow clone that cannot fetch them), so every finding counts as new: check out with \`fetch-depth: 0\` and no \`filter\` (actions/checkout), or fetch the base commit first.`,
  };
}

/** Live-only findings that say a route answers without credentials (rather than how it checks a token). */
const OPEN_RULES: ReadonlySet<string> = new Set(['missing-authentication', 'auth-hook-fails-open']);
/** A base route in one of these states already answered without credentials, as far as its code shows. */
const OPEN_STATES: ReadonlySet<AuthState> = new Set(['unprotected', 'public']);

/**
 * Mark each finding new unless the base commit has the same fingerprint. The base is analysed statically only, so a
 * finding that only live probing found can have no counterpart there: it is new when its route is new, in the
 * head's code model and not in the base's (a route that only an OpenAPI document declares is in neither, and is
 * never new). On a route the base already had, a live-only open route is new unless the base's code showed that
 * route open already: the preview runs the head, so a route the base code protected that now answers everyone was
 * opened by the pull request (a hook the model misjudges) or its deployment. Other live-only findings (how a
 * token is checked) on such a route are not new: the base's checks were never probed.
 */
export function markNew(
  findings: readonly Finding[],
  base: Set<string> | undefined,
  routes?: { base: ReadonlyMap<string, AuthState>; head: Set<string> },
): Finding[] {
  return findings.map((f) => {
    if (!base) return { ...f, new: true };
    if (base.has(f.fingerprint)) return { ...f, new: false };
    if (routes && f.route && !f.sources.includes('static')) {
      const key = routeKey(f.route);
      if (!routes.head.has(key)) return { ...f, new: false };
      const before = routes.base.get(key);
      if (before === undefined) return { ...f, new: true };
      return { ...f, new: OPEN_RULES.has(f.ruleId) && !OPEN_STATES.has(before) };
    }
    return { ...f, new: true };
  });
}
