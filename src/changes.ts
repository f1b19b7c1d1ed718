import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FETCH_BASE_ADVICE } from './baseline.js';

/**
 * The lines a pull request adds or changes, by file (paths relative to the scanned directory, as the report has
 * them): `[first, last]` ranges of the head's line numbers. A file that is only deleted from has no range.
 */
export type ChangedLines = ReadonlyMap<string, readonly (readonly [number, number])[]>;

export type Changes = { lines: ChangedLines } | { unknown: string };

/** `+++ "b/…"`: the path git quotes C-style when it holds unusual characters (`"b/caf\303\251.py"`). */
function unquote(path: string): string {
  const bytes: number[] = [];
  const named: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  const body = Buffer.from(path.slice(1, -1), 'utf8');
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x5c) {
      bytes.push(body[i]!);
      continue;
    }
    const next = String.fromCharCode(body[i + 1]!);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.subarray(i + 1, i + 4).toString(), 8));
      i += 3;
    } else {
      bytes.push(named[next] ?? body[i + 1]!);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The added-line ranges of a `git diff --unified=0` patch, by the head's file path. */
function parseChangedLines(patch: string): ChangedLines {
  const out = new Map<string, [number, number][]>();
  let file: string | undefined;
  for (const line of patch.split('\n')) {
    if (line.startsWith('+++ ')) {
      // git ends an unquoted name that holds a blank with a tab, so that the name's end is unambiguous.
      const target = line.slice(4);
      const path = target.startsWith('"') ? unquote(target) : target.replace(/\t$/, '');
      file = path === '/dev/null' ? undefined : path.replace(/^b\//, '');
      if (file !== undefined && !out.has(file)) out.set(file, []);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file !== undefined) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      if (count > 0) out.get(file)!.push([start, start + count - 1]);
    }
  }
  return out;
}

/**
 * What the pull request changes in the scanned directory: `git diff --unified=0 <base>...HEAD` there, paths
 * relative to it. `unknown` (with the reason) when git cannot tell: then every file counts as changed.
 */
export function changedLines(scanRoot: string, base: string): Changes {
  const root = realpathSync(resolve(scanRoot));
  const cwd = existsSync(root) && statSync(root).isFile() ? dirname(root) : root;
  if (spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd }).status !== 0) {
    return {
      unknown: `the scanned path is not inside a git repository, so every file counts as changed for annotations.`,
    };
  }
  const diff = spawnSync(
    'git',
    [
      '-c',
      'core.quotePath=false',
      'diff',
      '--unified=0',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--relative',
      `${base}...HEAD`,
      '--',
      '.',
    ],
    { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  if (diff.status !== 0) {
    return {
      unknown: `the base commit ${base} is not in this clone, so every file counts as changed for annotations: ${FETCH_BASE_ADVICE.action}.`,
    };
  }
  return { lines: parseChangedLines(diff.stdout) };
}
