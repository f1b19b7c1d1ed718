import { DEFAULT_EXCLUDES, excludedBy, includedBy } from './analysis/files.js';
import { publicRoutePattern } from './analysis/policy.js';
import type { FailOn, FileConfig, IgnoreEntry } from './config.js';
import type { SuppressionComment } from './analysis/suppression-comments.js';
import { evaluateGate } from './gate.js';
import { routeKey } from './merge.js';
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
  /**
   * What the base commit had, by finding fingerprint and by route (see `routeKey`); undefined when the base
   * could not be analysed (then no finding is known to be new).
   */
  base?: { fingerprints: ReadonlySet<string>; routes: Pick<ReadonlySet<string>, 'has'> };
  /** Python files of the head that the base's config would scan and the head's does not (`/` separators). */
  takenOut?: readonly string[];
  /**
   * For each `guards` entry of the head's config that the base's does not have: how many findings the scan
   * reports without that entry and not with it.
   */
  guardsHide?: ReadonlyMap<string, number>;
  /** The `fail-on` input, which overrides both configs; undefined when not given. */
  failOnInput?: FailOn;
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
 * What the pull request suppresses for itself: config `ignore`, `public-routes` and `guards` entries that the base commit's
 * config does not have (compared by content, so moving an entry is no addition); `# tokengate: ignore[...]`
 * comments that the same file at the base commit does not have and that hide a finding the base already had;
 * config keys that scan less or count less than the base's (`loosened`); and every finding or public route new
 * relative to the base that is suppressed, whatever suppresses it (an old comment above a new route, a comment at
 * a registration whose view is elsewhere).
 */
export function suppressionsAddedByPullRequest(input: PullRequestSuppressionInput): AddedSuppression[] {
  const out: AddedSuppression[] = [];
  const { headConfig, baseConfig, findings } = input;
  /** Findings an entry listed here hides: they need no row of their own. */
  const covered = new Set<Finding>();
  if (headConfig) {
    const { config, file } = headConfig;
    const byConfig = findings.filter((f) => f.suppressed?.kind === 'config');
    for (const e of added(config.ignore, baseConfig.ignore, ignoreKey)) {
      const matches = ignoreMatcher(e);
      const hidden = byConfig.filter(matches);
      for (const f of hidden) covered.add(f);
      out.push({
        kind: 'ignore',
        site: { file, line: e.line ?? 1 },
        rule: e.rule,
        ...(e.path !== undefined && { path: e.path }),
        ...(e.route !== undefined && { route: e.route }),
        reason: e.reason,
        hides: hidden.length,
      });
    }
    const basePatterns = new Set(baseConfig.publicRoutes);
    config.publicRoutes.forEach((pattern, i) => {
      if (basePatterns.has(pattern)) return;
      const listed = publicRoutePattern([pattern]);
      out.push({
        kind: 'public-route',
        site: { file, line: config.publicRouteLines[i] ?? 1 },
        pattern,
        hides: input.routes.filter((r) => r.auth.state === 'public' && listed(r.path) !== undefined).length,
      });
    });
    for (const guard of addedGuards(config, baseConfig)) {
      out.push({
        kind: 'guard',
        site: { file, line: config.guardLines[config.guards.indexOf(guard)] ?? 1 },
        guard,
        hides: input.guardsHide?.get(guard) ?? 0,
      });
    }
  }
  for (const { file, head, base } of input.comments) {
    const inFile = findings.filter((f) => f.suppressed?.kind === 'comment' && f.location.file === file);
    for (const c of added(head, base, commentKey)) {
      // A comment suppresses the statement it sits on or the one below it (see analysis/flask.ts); one that
      // suppresses a finding elsewhere (at a registration whose view is in another place) is found below.
      const hidden = inFile.filter(
        (f) =>
          c.line >= f.location.startLine - 1 &&
          c.line <= f.location.endLine &&
          c.rules.some((r) => r === f.ruleId || r === '*' || r === 'all'),
      );
      for (const f of hidden) covered.add(f);
      if (hidden.length)
        out.push({
          kind: 'comment',
          site: { file, line: c.line },
          rules: c.rules,
          reason: c.reason,
          hides: hidden.length,
        });
    }
  }
  if (headConfig) out.push(...loosened(headConfig, baseConfig, input));
  for (const f of findings) {
    if (!f.suppressed || covered.has(f) || !input.base || input.base.fingerprints.has(f.fingerprint))
      continue;
    out.push({
      kind: 'finding',
      site: { file: f.location.file, line: f.location.startLine },
      ruleId: f.ruleId,
      ...(f.route && { route: f.route }),
      by: f.suppressed.kind,
      reason: f.suppressed.reason,
      hides: 1,
    });
  }
  const listedPublic = publicRoutePattern(headConfig?.config.publicRoutes ?? []);
  for (const r of input.routes) {
    if (!input.base || input.base.routes.has(routeKey(r)) || r.auth.state !== 'public') continue;
    if (listedPublic(r.path) === undefined) continue;
    out.push({
      kind: 'finding',
      site: { file: r.location.file, line: r.location.startLine },
      ruleId: 'public-routes',
      route: { methods: r.methods, path: r.path },
      by: 'public-routes',
      reason: 'public by a public-routes pattern',
      hides: 1,
    });
  }
  return out;
}

/** `guards` entries of the head's config that the base's does not have. */
export function addedGuards(head: FileConfig, base: FileConfig): string[] {
  return [...new Set(head.guards)].filter((g) => !base.guards.includes(g));
}

/** Strictness of a `fail-on` level: higher counts fewer findings (`none` counts none). */
const looseness = (level: FailOn): number =>
  level === 'none' ? Infinity : ['info', 'low', 'medium', 'high', 'critical'].indexOf(level);

/**
 * The config keys the pull request changes so that the gate sees less (what is scanned) or counts less
 * (`fail-on`), compared with the base commit's config.
 */
function loosened(
  head: { config: FileConfig; file: string },
  base: FileConfig,
  input: PullRequestSuppressionInput,
): AddedSuppression[] {
  const out: AddedSuppression[] = [];
  const site = { file: head.file, line: 1 };
  const { config } = head;
  const takenOut = input.takenOut ?? [];
  const newExcludes = config.exclude.filter((p) => !base.exclude.includes(p));
  if (newExcludes.length) {
    const excluded = excludedBy(newExcludes);
    out.push({
      kind: 'scope',
      site,
      key: 'exclude',
      value: newExcludes.join(', '),
      base: base.exclude.join(', '),
      hides: takenOut.filter(excluded).length,
    });
  }
  const includeOf = (c: FileConfig): string[] => (c.include.length ? [...c.include] : ['**/*.py']);
  if (includeOf(config).sort().join('\0') !== includeOf(base).sort().join('\0')) {
    const included = includedBy(config.include);
    out.push({
      kind: 'scope',
      site,
      key: 'include',
      value: includeOf(config).join(', '),
      base: includeOf(base).join(', '),
      hides: takenOut.filter((f) => !included(f)).length,
    });
  }
  if (config.defaultExcludes && !base.defaultExcludes) {
    out.push({
      kind: 'scope',
      site,
      key: 'default-excludes',
      value: 'true',
      base: 'false',
      hides: takenOut.filter(excludedBy(DEFAULT_EXCLUDES)).length,
    });
  }
  const headLevel = config.failOn ?? 'high';
  const baseLevel = base.failOn ?? 'high';
  if (!input.failOnInput && looseness(headLevel) > looseness(baseLevel)) {
    const counted = (level: FailOn): number => evaluateGate(input.findings, level, []).counted;
    out.push({
      kind: 'fail-on',
      site,
      value: headLevel,
      base: baseLevel,
      hides: counted(baseLevel) - counted(headLevel),
    });
  }
  return out;
}
