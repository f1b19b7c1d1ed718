import type { Finding, Notice, Severity } from '../types.js';
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
 * same ten.
 */
export function selectAnnotations(
  findings: readonly Finding[],
  pathPrefix = '',
  reservedErrors = 0,
  reservedWarnings = 0,
): { annotations: Annotation[]; omitted: number } {
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
    const level = LEVEL[f.severity];
    if (used[level] >= PER_LEVEL_LIMIT) continue;
    used[level]++;
    const route = f.route ? ` ${printable(`${f.route.methods.join(',')} ${f.route.path}`)}` : '';
    const located = hasRepositoryFile(f.location);
    annotations.push({
      level,
      title: `tokengate ${f.severity}: ${f.ruleId}${route}`,
      message: `${printable(f.message)}${f.new ? '' : ' (already present on the base branch)'}${located ? '' : ` (${NO_REPOSITORY_FILE} to annotate)`}`,
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
