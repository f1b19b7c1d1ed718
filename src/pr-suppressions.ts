import picomatch from 'picomatch';
import type { FileConfig, IgnoreEntry } from './config.js';
import type { SuppressionComment } from './analysis/suppression-comments.js';
import { ignoreMatcher } from './suppress.js';
import type { AddedSuppression, Finding, RouteReport } from './types.js';

/** One Python file's suppression comments at the head and at the base commit (none when the file is new). */
export interface CommentsOfFile {
  file: string;
  head: readonly SuppressionComment[];
  base: readonly SuppressionComment[];
}

export interface PullRequestSuppressionInput {
  /** The config in effect and where it is, relative to the scanned root; undefined when it comes from the base. */
  headConfig?: { config: FileConfig; file: string };
  baseConfig: FileConfig;
  comments: readonly CommentsOfFile[];
  findings: readonly Finding[];
  routes: readonly RouteReport[];
}

const ignoreKey = (e: IgnoreEntry): string =>
  JSON.stringify([e.rule, e.path ?? '', e.route ?? '', e.reason, e.expires ?? '']);
const commentKey = (c: SuppressionComment): string => JSON.stringify([[...c.rules].sort(), c.reason]);

/** Keys of `head` that `base` does not have, counted as multisets (two identical comments are two). */
function added<T>(head: readonly T[], base: readonly T[], key: (t: T) => string): T[] {
  const left = new Map<string, number>();
  for (const b of base) left.set(key(b), (left.get(key(b)) ?? 0) + 1);
  return head.filter((h) => {
    const n = left.get(key(h)) ?? 0;
    if (n) left.set(key(h), n - 1);
    return !n;
  });
}

/**
 * The suppressions the pull request adds for itself: config `ignore` and `public-routes` entries that the base
 * commit's config does not have (compared by content, so moving an entry is no addition), and
 * `# tokengate: ignore[...]` comments that the same file at the base commit does not have and that hide a finding.
 */
export function suppressionsAddedByPullRequest(input: PullRequestSuppressionInput): AddedSuppression[] {
  const out: AddedSuppression[] = [];
  const { headConfig, baseConfig, findings } = input;
  if (headConfig) {
    const { config, file } = headConfig;
    const byConfig = findings.filter((f) => f.suppressed?.kind === 'config');
    for (const e of added(config.ignore, baseConfig.ignore, ignoreKey)) {
      const matches = ignoreMatcher(e);
      out.push({
        kind: 'ignore',
        site: { file, line: e.line ?? 1 },
        rule: e.rule,
        ...(e.path !== undefined && { path: e.path }),
        ...(e.route !== undefined && { route: e.route }),
        reason: e.reason,
        hides: byConfig.filter(matches).length,
      });
    }
    const basePatterns = new Set(baseConfig.publicRoutes);
    config.publicRoutes.forEach((pattern, i) => {
      if (basePatterns.has(pattern)) return;
      const glob = picomatch(pattern, { dot: true });
      out.push({
        kind: 'public-route',
        site: { file, line: config.publicRouteLines[i] ?? 1 },
        pattern,
        hides: input.routes.filter(
          (r) => r.auth.state === 'public' && (glob(r.path) || glob(r.path.replace(/\/$/, ''))),
        ).length,
      });
    });
  }
  for (const { file, head, base } of input.comments) {
    const inFile = findings.filter((f) => f.suppressed?.kind === 'comment' && f.location.file === file);
    for (const c of added(head, base, commentKey)) {
      // A comment suppresses the statement it sits on or the one below it (see analysis/flask.ts).
      const hides = inFile.filter(
        (f) =>
          c.line >= f.location.startLine - 1 &&
          c.line <= f.location.endLine &&
          c.rules.some((r) => r === f.ruleId || r === '*' || r === 'all'),
      ).length;
      if (hides)
        out.push({ kind: 'comment', site: { file, line: c.line }, rules: c.rules, reason: c.reason, hides });
    }
  }
  return out;
}
