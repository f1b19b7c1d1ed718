import type { ChangedLines } from '../changes.js';
import type { Finding, Location, Notice, Severity } from '../types.js';
import { printable } from './escape.js';
import { hasRepositoryFile, NO_REPOSITORY_FILE } from './location.js';
import { UNANALYSED_ADVICE } from './unanalysed.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title: string;
  /**
   * Absent when no repository file declares the route: the annotation is then shown on the run, not a file. The
   * real path, whatever characters it has, so that GitHub finds the file: @actions/core escapes it as a property.
   */
  file?: string;
  startLine?: number;
  endLine?: number;
}

/**
 * Which findings keep their level, as reviewdog's filter modes: those on lines the pull request changes, in files it
 * changes, or all of them; `none` writes no annotation.
 */
export type AnnotationFilter = 'changed-lines' | 'changed-files' | 'all' | 'none';
export const ANNOTATION_FILTERS: readonly AnnotationFilter[] = [
  'changed-lines',
  'changed-files',
  'all',
  'none',
];

export interface AnnotationScope {
  filter: AnnotationFilter;
  /** What the pull request changes; undefined when there is no base to compare with: then everything counts. */
  changes?: ChangedLines;
}

function inScope(location: Location, scope: AnnotationScope): boolean {
  if (scope.filter === 'all' || !scope.changes) return true;
  const ranges = scope.changes.get(location.file);
  if (!ranges) return false;
  if (scope.filter === 'changed-files') return true;
  return ranges.some(([first, last]) => first <= location.endLine && location.startLine <= last);
}

/** GitHub shows at most this many workflow-command annotations of each type per step. */
export const PER_LEVEL_LIMIT = 10;

const LEVEL: Record<Severity, AnnotationLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
  info: 'notice',
};
const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * The annotations worth GitHub's limited slots: active findings, new before old, most severe first, at most
 * ten per level; `omitted` says how many more exist (the summary names them). `reservedErrors` error slots are
 * left for the step's own `::error::` lines (the failed gate, an unreachable preview), which count against the
 * same ten. A finding outside the scope's filter that the pull request did not bring (not new) is at most a
 * notice: what was there before does not shout at the reviewer. New findings keep their level wherever they are,
 * since they are what the gate judges (a removed hook opens routes in files the pull request never touched).
 */
export function selectAnnotations(
  findings: readonly Finding[],
  pathPrefix = '',
  reservedErrors = 0,
  scope: AnnotationScope = { filter: 'all' },
  reservedWarnings = 0,
): { annotations: Annotation[]; omitted: number } {
  if (scope.filter === 'none') return { annotations: [], omitted: 0 };
  const active = findings
    .filter((f) => !f.suppressed)
    .sort(
      (a, b) =>
        Number(b.new) - Number(a.new) ||
        RANK[a.severity] - RANK[b.severity] ||
        a.location.file.localeCompare(b.location.file) ||
        a.location.startLine - b.location.startLine,
    );
  const used: Record<AnnotationLevel, number> = {
    error: reservedErrors,
    warning: reservedWarnings,
    notice: 0,
  };
  const annotations: Annotation[] = [];
  for (const f of active) {
    const kept = f.new || inScope(f.location, scope);
    const level = kept ? LEVEL[f.severity] : 'notice';
    if (used[level] >= PER_LEVEL_LIMIT) continue;
    used[level]++;
    const route = f.route ? ` ${printable(`${f.route.methods.join(',')} ${f.route.path}`)}` : '';
    const located = hasRepositoryFile(f.location);
    annotations.push({
      level,
      title: `tokengate ${f.severity}: ${f.ruleId}${route}`,
      message: `${printable(f.message)}${f.new ? '' : ` (already present on the base branch${kept ? '' : `, ${scope.filter === 'changed-lines' ? 'on lines' : 'in a file'} this pull request does not change`})`}${located ? '' : ` (${NO_REPOSITORY_FILE} to annotate)`}`,
      ...(located
        ? {
            file: pathPrefix + f.location.file,
            startLine: f.location.startLine,
            endLine: f.location.endLine,
          }
        : {}),
    });
  }
  return { annotations, omitted: active.length - annotations.length };
}

/**
 * A warning on each Python file the scan could not analyse and that counts for the gate (gate.ts), before any
 * finding takes the warning slots: the reviewer must see which file blinded the scan.
 */
export function unanalysedAnnotations(counted: readonly Notice[], pathPrefix = ''): Annotation[] {
  return counted.slice(0, PER_LEVEL_LIMIT).map((n) => ({
    level: 'warning',
    title: 'tokengate: file not analysed',
    message: printable(`${n.message} ${UNANALYSED_ADVICE}`),
    ...(n.file ? { file: pathPrefix + n.file } : {}),
  }));
}
