import type { Finding, Notice, RouteReport } from '../types.js';
import { type FileFailure, Failures, failureNotices } from './containment.js';
import {
  analyseInGroups,
  analyseModules,
  compareRoutes,
  finishContained,
  findingsOf,
  sortSecrets,
  syntaxErrorNotice,
  toReport,
} from './groups.js';
import type { FoundSecret } from './jwt.js';
import type { ModuleIR } from './ir.js';
import { tuneCompiler } from './jit.js';
import { relevantFiles } from './relevance.js';
import type { PhaseTimings } from './timings.js';
import { type ExtractResult, extractAll, extractionThreads, type WorkerPool } from './workers.js';

export interface AnalyzeOptions {
  include?: string[];
  exclude?: string[];
  defaultExcludes?: boolean;
  publicRoutes?: string[];
  /** The project's own guards by qualified name (`guards` in .tokengate.yml), added to the library catalogue. */
  guards?: readonly string[];
  /** The project's own route helpers by qualified name (`route-helpers` in .tokengate.yml). */
  routeHelpers?: readonly string[];
  maxFileBytes?: number;
  /** Reads other files of the scanned tree by relative path (OpenAPI documents of connexion apps). */
  readFile?: (path: string) => string | undefined;
  /**
   * Threads that parse files: 1 parses in the calling thread; default every available core (at most 8) for large
   * trees and 1 for small ones.
   */
  workers?: number;
  /**
   * Parse every file. By default a file is parsed only when it can change the report: its text names something
   * the analysis looks for, or it is connected to such a file by imports (`relevance.ts`). Internal: for tests
   * that compare the two.
   */
  allFiles?: boolean;
  /**
   * Internal, for tests that compare the two: analyse the tree in groups of modules that cannot reach each
   * other (`always`, even a single group), or in one piece (`never`). By default in groups when there are
   * several.
   */
  grouping?: 'always' | 'never';
  /** Time each phase of the analysis on this timer (the benchmark's per-phase figures). */
  timings?: PhaseTimings;
}

export interface Analysis {
  routes: RouteReport[];
  findings: Finding[];
  notices: Notice[];
  /** Literal signing secrets found in the code, for live probing; never rendered. */
  secrets: FoundSecret[];
}

/**
 * The same analysis over files already in memory (paths relative to the root, `/` separators). Files are
 * analysed in path order whatever order they come in, so the report is the same for the same tree.
 */
export async function analyzeSources(
  files: readonly { path: string; text: string }[],
  options: AnalyzeOptions = {},
  notices: Notice[] = [],
  pool?: WorkerPool,
): Promise<Analysis> {
  try {
    return await analyzeSorted(sortByPath(files), options, notices, pool);
  } finally {
    pool?.close();
  }
}

async function analyzeSorted(
  sorted: readonly { path: string; text: string }[],
  options: AnalyzeOptions,
  notices: Notice[],
  pool: WorkerPool | undefined,
): Promise<Analysis> {
  tuneCompiler();
  options.timings?.enter('relevance');
  const { keep, groups } = relevantFiles(sorted, { all: options.allFiles });
  const threads = extractionThreads(
    sorted.filter((_, i) => keep[i]),
    options.workers,
  );
  tuneCompiler({ parallel: threads > 1 });
  if (groups && groupingPays(groups, options)) {
    const grouped = await analyseInGroups(sorted, groups, threads, options, pool);
    if (grouped) {
      if (grouped.workerProblems.length) notices.push(oneThreadNotice(grouped.workerProblems));
      notices.push(...grouped.notices, ...noticesOf(grouped.failures, grouped.routes));
      return { routes: grouped.routes, findings: grouped.findings, notices, secrets: grouped.secrets };
    }
  }
  const { results, workerProblems } = await extractSome(sorted, keep, threads, pool, options.timings);
  // A file the analyser fails on is no module, which the relevance filter could not foresee (it takes every
  // file for one): parse the rest too, so that the project is the one the whole tree gives.
  if (results.some((r) => r && 'error' in r) && keep.includes(false)) {
    const others = keep.map((k) => !k);
    const rest = await extractSome(
      sorted,
      others,
      extractionThreads(
        sorted.filter((_, i) => others[i]),
        options.workers,
      ),
      undefined,
      options.timings,
    );
    rest.results.forEach((r, i) => {
      if (r) results[i] = r;
    });
    workerProblems.push(...rest.workerProblems);
  }
  if (workerProblems.length) notices.push(oneThreadNotice(workerProblems));
  options.timings?.enter('report');
  const modules: ModuleIR[] = [];
  results.forEach((result, i) => {
    if (!result) return;
    const file = sorted[i].path;
    if ('error' in result) {
      notices.push({ ...skippedNotice(file, sorted[i].text, result.error), kind: 'unanalysed-file' });
      return;
    }
    if (result.module.hasErrors) {
      notices.push(syntaxErrorNotice(file));
    }
    modules.push(result.module);
  });
  return reportInOnePiece(modules, options, notices);
}

/**
 * A file the analyser failed on has no module picture: whether routes went missing with it is told from its text
 * (a call of a route registrar), the only thing known about it.
 */
function skippedNotice(file: string, text: string, error: string): Notice {
  const routes = REGISTERS_ROUTES.test(text)
    ? 'it registers routes, which are missing from the report'
    : 'it registers no route';
  return {
    file,
    message: `skipped: the analyser failed on this file (${error}); ${routes}. Please report it with the file attached.`,
  };
}

/** A route decorator or registration call: `.route(`, `.get("/`…, `add_url_rule(`, `add_resource(`. */
const REGISTERS_ROUTES =
  /\.(?:route|get|post|put|patch|delete)\(\s*f?["']\/|\.route\(|\b(?:add_url_rule|add_resource)\(/;

function oneThreadNotice(problems: readonly string[]): Notice {
  return { message: `parsed partly or wholly in one thread: ${problems[0]}.` };
}

/**
 * Whether to analyse the tree in groups (groups.ts): when asked to, or when there are several. Each group's
 * module pictures are then dropped before the next is analysed, which saves memory and garbage collection.
 */
function groupingPays(groups: readonly number[], options: AnalyzeOptions): boolean {
  if (options.grouping) return options.grouping === 'always';
  const first = groups.find((g) => g >= 0);
  return first !== undefined && groups.some((g) => g >= 0 && g !== first);
}

/**
 * Extract the files flagged in `keep` with `threads` threads; one result per file of `files`, undefined where not
 * flagged.
 */
async function extractSome(
  files: readonly { path: string; text: string }[],
  keep: readonly boolean[],
  threads: number,
  pool?: WorkerPool,
  timings?: PhaseTimings,
): Promise<{ results: (ExtractResult | undefined)[]; workerProblems: string[] }> {
  const chosen = files.filter((_, i) => keep[i]);
  const { results, workerProblems } = await extractAll(chosen, threads, { pool, timings });
  const out = new Array<ExtractResult | undefined>(files.length);
  let next = 0;
  keep.forEach((k, i) => {
    if (k) out[i] = results[next++];
  });
  return { results: out, workerProblems };
}

/** UTF-8 byte order of the paths, as the file walker sorts them. */
function sortByPath<T extends { path: string }>(files: readonly T[]): T[] {
  const keyed = files.map((file) => ({ file, key: Buffer.from(file.path) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.file);
}

/** The report of a tree analysed in one piece: one project and one model over all its modules. */
function reportInOnePiece(modules: ModuleIR[], options: AnalyzeOptions, notices: Notice[]): Analysis {
  const failures = new Failures();
  const { model, routes: draft, jwt } = analyseModules(modules, options, failures);
  const timings = options.timings;
  timings?.enter('report');
  notices.push(...model.specNotices, ...model.unfollowed);
  if (!model.routes.length) notices.push(...model.unmodelledFrameworks().map((u) => u.notice));
  timings?.enter('policy');
  const routes = finishContained(draft.draft, draft.context, failures);
  timings?.enter('rules');
  const findings = findingsOf(routes, model.allHooks, jwt.issues, failures);
  timings?.enter('report');
  const reports = routes.map(toReport).sort(compareRoutes);
  notices.push(...noticesOf(failures.all, reports));
  return { routes: reports, findings, notices, secrets: sortSecrets(jwt.secrets) };
}

/** The notices of files whose analysis failed in part, with how many of their routes the report holds. */
function noticesOf(failures: readonly FileFailure[], routes: readonly RouteReport[]): Notice[] {
  return failureNotices(failures, (file) => routes.filter((r) => r.location.file === file).length);
}
