import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { request } from 'undici';
import { type AnalyzeOptions, analyze } from './analysis/analyze.js';
import { parseSpec } from './analysis/openapi.js';
import { suppressionComments } from './analysis/suppression-comments.js';
import { type BaseCommit, openBaseCommit } from './base-commit.js';
import { collectSources } from './analysis/files.js';
import {
  type BaselineResult,
  baselineFingerprints,
  FETCH_BASE_ADVICE,
  markNew,
  markUnanalysedNew,
  type Surface,
} from './baseline.js';
import {
  EMPTY_CONFIG,
  type FailOn,
  type FileConfig,
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
} from './config.js';
import { UsageError } from './errors.js';
import { evaluateGate } from './gate.js';
import { previewUrlProblem } from './live/client.js';
import { type LiveOptions, probeRoutes } from './live/probe.js';
import { mergeLive, routeKey } from './merge.js';
import { addedGuards, type CommentsOfFile, suppressionsAddedByPullRequest } from './pr-suppressions.js';
import { applyIgnores } from './suppress.js';
import type { AddedSuppression, Finding, Notice, Report } from './types.js';
import { VERSION } from './version.js';

// The pipeline the CLI and the action share, apart from the action's own I/O (main.ts): the CLI loads no
// GitHub client.

export interface ScanSettings {
  root: string;
  configPath?: string;
  /** The user named the config file: a missing file is then an error. */
  configExplicit: boolean;
  /** The action's checkout: a config file reached through a symlink may point anywhere in it (else: in `root`). */
  workspace?: string;
  /** Overrides the config file's `fail-on`; default high. */
  failOn?: FailOn;
  /** Count only findings that are not already present at this git ref. */
  baselineRef?: string;
  /**
   * Where tokengate runs, so that advice names what the user can change there (a workflow's checkout step, or
   * their own clone); default the CLI.
   */
  surface?: Surface;
  /**
   * The base commit of the pull request under review, whether or not findings are counted new-only (the action
   * knows it from the event); `baselineRef`, when given, is the base instead.
   */
  pullRequestBase?: string;
  /**
   * With a base (`baselineRef` or `pullRequestBase`): `base` takes the config from that commit, so the change
   * under review cannot loosen it; `head` (default) takes it from the working tree, and what it adds or loosens
   * is listed as suppressed by the change.
   */
  configFrom?: 'head' | 'base';
  /** Threads that parse the code; default every core (at most 8) for large trees, 1 for small ones. */
  workers?: number;
  /** `YYYY-MM-DD`, for `ignore` entries that expire; default today. */
  today?: string;
  /** Live probing of a preview deployment; `openapi` (file or URL) adds the document's operations as targets. */
  live?: Omit<LiveOptions, 'pathParams' | 'secrets'> & { openapi?: string };
}

/** config → analyze → suppress → new-only → gate: the pipeline shared by the CLI and the action. */
export async function scan(settings: ScanSettings): Promise<Report> {
  const baseRef = settings.baselineRef ?? settings.pullRequestBase;
  const opened = baseRef ? openBaseCommit(settings.root, baseRef) : undefined;
  const base = opened && !('missing' in opened) ? opened : undefined;
  const fromBase = !!baseRef && settings.configFrom === 'base';
  const config = fromBase
    ? baseConfig(base, baseRef, settings)
    : loadConfig(settings.root, settings.configPath, settings.configExplicit, settings.workspace);
  const options = {
    include: [...config.include],
    exclude: [...config.exclude],
    defaultExcludes: config.defaultExcludes,
    publicRoutes: [...config.publicRoutes],
    guards: [...config.guards],
    routeHelpers: [...config.routeHelpers],
    workers: settings.workers,
  };
  const analysis = await analyze(settings.root, options);
  const notices = [...analysis.notices];
  let routes = analysis.routes;
  let merged = analysis.findings;
  const previewProblem = settings.live && previewUrlProblem(settings.live.previewUrl);
  if (previewProblem) notices.push({ message: previewProblem, level: 'error' });
  if (settings.live && !previewProblem) {
    const pathParams: Record<string, Record<string, string>> = {};
    if (settings.live.openapi) {
      const extra = await openapiTargets(settings.live.openapi, settings.root, routes);
      routes = [...routes, ...extra.routes];
      Object.assign(pathParams, extra.pathParams);
    }
    Object.assign(pathParams, config.pathParams);
    const live = await probeRoutes(routes, {
      ...settings.live,
      pathParams,
      secrets: analysis.secrets,
    });
    notices.push(...live.notices);
    if (live.unreachable) {
      notices.push({ message: live.unreachable, level: 'error' });
    } else {
      const m = mergeLive(routes, analysis.findings, live.verdicts, live.findings);
      routes = m.routes;
      merged = m.findings;
    }
  }
  const ignored = applyIgnores(
    merged,
    config.ignore,
    settings.today ?? new Date().toISOString().slice(0, 10),
  );
  notices.push(...ignored.notices);
  let findings = ignored.findings;
  let gateNotices: Report['notices'] = notices;
  let baseline: BaselineResult | undefined;
  if (baseRef && opened) {
    // A single file is analysed under its own name, whatever include/exclude say (see collectSources): the base
    // commit is read from its directory, that one file alone.
    const single = statSync(settings.root).isFile();
    baseline = await baselineFingerprints(
      opened,
      single ? dirname(settings.root) : settings.root,
      baseRef,
      settings.surface ?? 'cli',
      single
        ? { ...options, include: [globLiteral(basename(settings.root))], exclude: [], defaultExcludes: false }
        : options,
    );
  }
  if (settings.baselineRef && baseline) {
    if (baseline.notice) notices.push(baseline.notice);
    gateNotices = markUnanalysedNew(notices, settings.root, baseline.objects);
    findings = markNew(
      findings,
      baseline.fingerprints,
      baseline.routes && { base: baseline.routes, head: new Set(analysis.routes.map(routeKey)) },
    );
  } else if (baseline && !baseline.fingerprints) {
    notices.push({
      kind: 'baseline',
      message: `base commit ${baseRef} cannot be analysed, so findings new in this pull request that it suppresses cannot be listed: ${FETCH_BASE_ADVICE[settings.surface ?? 'cli']}.`,
    });
  }
  const failOn = settings.failOn ?? config.failOn ?? 'high';
  const suppressedByPullRequest = base
    ? await addedSuppressions(base, settings, fromBase ? undefined : config, {
        findings,
        routes,
        notices,
        baseline,
        analysis: { options, findings: analysis.findings },
      })
    : undefined;
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: VERSION },
    routes,
    findings,
    notices: gateNotices,
    gate: evaluateGate(findings, failOn, gateNotices),
    ...(suppressedByPullRequest && { suppressedByPullRequest }),
  };
}

const configPathOf = (settings: ScanSettings): string =>
  settings.configPath ?? join(settings.root, '.tokengate.yml');

/** The config as the base commit has it (`config-from: base`). */
function baseConfig(
  base: BaseCommit | undefined,
  ref: string | undefined,
  settings: ScanSettings,
): FileConfig {
  if (!base) {
    throw new UsageError(
      `config-from base needs the base commit ${ref} in the clone: ${FETCH_BASE_ADVICE[settings.surface ?? 'cli']}.`,
    );
  }
  const path = configPathOf(settings);
  const text = base.read(path);
  if (text === undefined) return EMPTY_CONFIG;
  if (text.length > MAX_CONFIG_BYTES)
    throw new UsageError(`config file '${path}' at the base commit is over the 1 MiB that tokengate reads.`);
  return parseConfig(text, `${path} (base commit)`);
}

/** Read what the comparison needs from the base commit and the working tree, for the pure diff. */
async function addedSuppressions(
  base: BaseCommit,
  settings: ScanSettings,
  headConfig: FileConfig | undefined,
  head: {
    findings: readonly Finding[];
    routes: Report['routes'];
    notices: Notice[];
    baseline?: BaselineResult;
    /** The head's analysis and its options, to analyse again without a guard the pull request declares. */
    analysis: { options: AnalyzeOptions; findings: readonly Finding[] };
  },
): Promise<AddedSuppression[]> {
  const { findings, routes, notices, baseline } = head;
  const path = configPathOf(settings);
  let before = EMPTY_CONFIG;
  if (headConfig) {
    const text = base.read(path);
    try {
      if (text !== undefined && text.length <= MAX_CONFIG_BYTES) before = parseConfig(text, path);
    } catch {
      notices.push({
        kind: 'baseline',
        message: `the base commit's config file is not valid, so every entry of the pull request's config is listed as added by it.`,
      });
    }
  }
  // A guard entry makes routes protected whatever the guard's code does: what it hides is what the scan finds
  // without it (analysed again only when the pull request adds one).
  const guardsHide = new Map<string, number>();
  for (const guard of headConfig ? addedGuards(headConfig, before) : []) {
    const options = head.analysis.options;
    const without = await analyze(settings.root, {
      ...options,
      guards: (options.guards ?? []).filter((g) => g !== guard),
    });
    const seen = new Set(head.analysis.findings.map((f) => f.fingerprint));
    guardsHide.set(guard, without.findings.filter((f) => !seen.has(f.fingerprint)).length);
  }
  const inRoot = relative(resolve(settings.root), resolve(path));
  const configFile =
    inRoot && !inRoot.startsWith('..') && !isAbsolute(inRoot) ? inRoot.split(sep).join('/') : path;
  const files = [
    ...new Set(findings.filter((f) => f.suppressed?.kind === 'comment').map((f) => f.location.file)),
  ];
  const comments: CommentsOfFile[] = files.map((file) => {
    const abs = join(settings.root, file);
    let head = '';
    try {
      head = readFileSync(abs, 'utf8');
    } catch {
      // The finding's file is gone from the working tree: nothing to compare.
    }
    return { file, head: suppressionComments(head), base: suppressionComments(base.read(abs) ?? '') };
  });
  return suppressionsAddedByPullRequest({
    headConfig: headConfig && { config: headConfig, file: configFile },
    baseConfig: before,
    comments,
    findings,
    routes,
    base: baseline?.fingerprints &&
      baseline.routes && { fingerprints: baseline.fingerprints, routes: baseline.routes },
    takenOut: headConfig ? await takenOut(settings.root, before, headConfig) : [],
    guardsHide,
    failOnInput: settings.failOn,
  });
}

const scopeOf = (c: FileConfig) => ({
  include: [...c.include],
  exclude: [...c.exclude],
  defaultExcludes: c.defaultExcludes,
});

/**
 * The head's Python files that the base's config would scan and the head's config does not; none without a
 * change to include, exclude or default-excludes (only then is the tree walked again).
 */
async function takenOut(root: string, before: FileConfig, after: FileConfig): Promise<string[]> {
  if (JSON.stringify(scopeOf(before)) === JSON.stringify(scopeOf(after))) return [];
  const paths = async (c: FileConfig): Promise<string[]> =>
    (await collectSources(root, scopeOf(c))).files.map((f) => f.path);
  const scanned = new Set(await paths(after));
  return (await paths(before)).filter((p) => !scanned.has(p));
}
/** A file name as a picomatch pattern that matches that name alone. */
const globLiteral = (name: string): string => name.replace(/[\\*?[\]{}()!+@|^$]/g, '\\$&');

/**
 * Operations of an OpenAPI document that the code model does not already have, as probe targets. They sit at the
 * operation's line in the document when the document is a file under the scanned root; a document from a URL or
 * from outside the root is no repository file, so their location has an empty `file` (see `report/location.ts`).
 */
async function openapiTargets(
  source: string,
  root: string,
  known: readonly Report['routes'][number][],
): Promise<{ routes: Report['routes']; pathParams: Record<string, Record<string, string>> }> {
  let text: string;
  try {
    if (/^https?:\/\//.test(source)) {
      const res = await request(source, { headersTimeout: 10_000, bodyTimeout: 10_000 });
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      text = await res.body.text();
    } else {
      text = readFileSync(source, 'utf8');
    }
  } catch (err) {
    throw new UsageError(
      `cannot read the OpenAPI document '${source}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  }
  const spec = parseSpec(text);
  if (!spec) throw new UsageError(`'${source}' is not an OpenAPI 2 or 3 document.`);
  const shape = (path: string): string => path.replace(/<[^>]+>|\{[^}]+\}/g, '*');
  const have = new Set(known.flatMap((r) => r.methods.map((m) => `${m} ${shape(r.path)}`)));
  const inRoot = /^https?:\/\//.test(source) ? '..' : relative(resolve(root), resolve(source));
  const file = inRoot.startsWith('..') || isAbsolute(inRoot) ? '' : inRoot.split(sep).join('/');
  const routes: Report['routes'] = [];
  const pathParams: Record<string, Record<string, string>> = {};
  for (const op of spec.operations) {
    const path = `${spec.basePath}${op.path}`;
    if (have.has(`${op.method} ${shape(path)}`)) continue;
    routes.push({
      methods: [op.method],
      path,
      endpoint: op.operationId ?? '',
      location: { file, startLine: op.line, endLine: op.line },
      auth: { state: 'unknown', mechanisms: ['declared in the OpenAPI document only'] },
      live: { status: 'not-probed', evidence: [] },
    });
    pathParams[path] = op.examples;
  }
  return { routes, pathParams };
}
