import type { Finding, Notice, RouteReport } from '../types.js';
import { RULES } from '../rules/index.js';
import { AuthAnalyzer } from './auth.js';
import { FlaskModel } from './flask.js';
import { type FoundSecret, JwtAnalyzer } from './jwt.js';
import type { ModuleIR } from './ir.js';
import { type AssessedRoute, assessRoutes } from './policy.js';
import { Project } from './project.js';
import { relevantFiles } from './relevance.js';
import { type ExtractResult, extractAll, extractionThreads } from './workers.js';

export interface AnalyzeOptions {
  include?: string[];
  exclude?: string[];
  defaultExcludes?: boolean;
  publicRoutes?: string[];
  maxFileBytes?: number;
  /** Reads other files of the scanned tree by relative path (OpenAPI documents of connexion apps). */
  readFile?: (path: string) => string | undefined;
  /**
   * Threads that parse and extract files: 1 parses in the calling thread; default every available core
   * (at most 8) for large trees and 1 for small ones.
   */
  workers?: number;
  /**
   * Parse every file. By default a file is parsed only when it can change the report: its text names something
   * the analysis looks for, or it is connected to such a file by imports (`relevance.ts`). Internal: for tests
   * that compare the two.
   */
  allFiles?: boolean;
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
): Promise<Analysis> {
  const sorted = sortByPath(files);
  const keep = options.allFiles ? sorted.map(() => true) : relevantFiles(sorted).keep;
  const { results, workerProblems } = await extractSome(sorted, keep, options.workers);
  // A file the analyser fails on is no module, which the relevance filter could not foresee (it takes every
  // file for one): parse the rest too, so that the project is the one the whole tree gives.
  if (results.some((r) => r && 'error' in r) && keep.includes(false)) {
    const rest = await extractSome(
      sorted,
      keep.map((k) => !k),
      options.workers,
    );
    rest.results.forEach((r, i) => {
      if (r) results[i] = r;
    });
    workerProblems.push(...rest.workerProblems);
  }
  if (workerProblems.length) {
    notices.push({
      message: `parsed partly or wholly in one thread: ${workerProblems[0]}.`,
    });
  }
  const modules: ModuleIR[] = [];
  results.forEach((result, i) => {
    if (!result) return;
    const file = sorted[i].path;
    if ('error' in result) {
      notices.push({
        file,
        message: `skipped: the analyser failed on this file (${result.error}); please report it with the file attached.`,
      });
      return;
    }
    if (result.module.hasErrors) {
      notices.push({ file, message: 'has syntax errors; analysed as far as the parser recovered.' });
    }
    modules.push(result.module);
  });
  return analyzeModules(modules, options, notices);
}

/** Extract the files flagged in `keep`; one result per file of `files`, undefined where not flagged. */
async function extractSome(
  files: readonly { path: string; text: string }[],
  keep: readonly boolean[],
  workers: number | undefined,
): Promise<{ results: (ExtractResult | undefined)[]; workerProblems: string[] }> {
  const chosen = files.filter((_, i) => keep[i]);
  const { results, workerProblems } = await extractAll(chosen, extractionThreads(chosen, workers));
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

function analyzeModules(modules: ModuleIR[], options: AnalyzeOptions, notices: Notice[]): Analysis {
  const project = new Project(modules);
  const model = new FlaskModel(project, new AuthAnalyzer(project), options.readFile).build();
  notices.push(...model.specNotices);
  const routes = assessRoutes(model, options.publicRoutes ?? []);
  const jwt = new JwtAnalyzer(project, options.readFile).run();
  const findings = RULES.flatMap((r) => r.check({ routes, hooks: model.allHooks, jwt: jwt.issues }));
  findings.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.startLine - b.location.startLine ||
      a.ruleId.localeCompare(b.ruleId) ||
      (a.route?.path ?? '').localeCompare(b.route?.path ?? ''),
  );
  return { routes: routes.map(toReport).sort(compareRoutes), findings, notices, secrets: jwt.secrets };
}

function toReport(route: AssessedRoute): RouteReport {
  return {
    methods: route.methods,
    path: route.path,
    endpoint: route.endpoint,
    location: { file: route.file, startLine: route.span.startLine, endLine: route.span.endLine },
    auth: route.auth,
    live: { status: 'not-probed', evidence: [] },
  };
}

function compareRoutes(a: RouteReport, b: RouteReport): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.startLine - b.location.startLine ||
    a.path.localeCompare(b.path) ||
    a.methods.join().localeCompare(b.methods.join())
  );
}
