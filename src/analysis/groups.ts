/**
 * The analysis of a tree in groups of modules that no module of another group can reach by name resolution
 * (relevance.ts, groupsOf), one group after the other: each group's files are extracted, its Flask model built,
 * each route judged on its own and the JWT analysis run; the group's result is then final when no context the
 * rest of the tree can give would judge its routes otherwise (`decidedLocally`), and its module pictures can go
 * before the next group is analysed. A group that depends on the rest of the tree (routes of blueprints registered
 * nowhere visible; auth extensions or Flask-Login elsewhere deciding a judgement) keeps only what finishing it
 * takes, and is finished with what the whole tree tells (`TreeContext`, merged over every group) at the end.
 * Worker threads parse the files ahead (workers.ts, ParseStream). The report is the one the tree analysed in one
 * piece gives.
 */
import { RULES } from '../rules/index.js';
import type { Rule, RuleContext } from '../rules/types.js';
import type { Finding, Notice, RouteReport } from '../types.js';
import { AuthAnalyzer } from './auth.js';
import { type FileFailure, Failures } from './containment.js';
import { FlaskModel, type HookRef } from './flask.js';
import { IntentJudge } from './intent.js';
import type { ModuleIR } from './ir.js';
import { type FoundSecret, type JwtIssue, JwtAnalyzer } from './jwt.js';
import {
  type AssessedRoute,
  type DraftRoutes,
  type TreeContext,
  draftRoutes,
  finishRoutes,
  mergeContexts,
} from './policy.js';
import { Project } from './project.js';
import { expandRouteHelpers } from './route-helpers.js';
import type { PhaseTimings } from './timings.js';
import { extractParsed, ParseStream, type SourceText, type WorkerPool } from './workers.js';

/** What the static analysis of a set of modules found, before the routes are judged against the whole tree. */
export interface ModulesAnalysis {
  model: FlaskModel;
  routes: DraftRoutes;
  jwt: JwtAnalyzer;
}

/** The analysis options a set of modules is analysed with. */
export interface GroupOptions {
  publicRoutes?: readonly string[];
  guards?: readonly string[];
  routeHelpers?: readonly string[];
  readFile?: (path: string) => string | undefined;
  timings?: PhaseTimings;
}

/** Build the Flask model of `modules`, judge its routes one by one, and run the JWT analysis. */
export function analyseModules(
  modules: ModuleIR[],
  options: GroupOptions,
  failures: Failures = new Failures(),
): ModulesAnalysis {
  const timings = options.timings;
  timings?.enter('model');
  const project = new Project(modules);
  expandRouteHelpers(project, options.routeHelpers ?? []);
  const auth = new AuthAnalyzer(project, options.guards);
  const model = new FlaskModel(project, auth, options.readFile, failures).build();
  timings?.enter('policy');
  const routes = draftContained(model, options.publicRoutes ?? [], new IntentJudge(project, auth), failures);
  timings?.enter('model');
  const jwt = new JwtAnalyzer(project, options.readFile, failures).run();
  return { model, routes, jwt };
}

/**
 * draftRoutes; when it fails, the routes are judged one by one to find the ones it fails on, which are left out
 * (and recorded), so that one file's routes cannot take the others down.
 */
function draftContained(
  model: FlaskModel,
  publicRoutes: readonly string[],
  intents: IntentJudge,
  failures: Failures,
): DraftRoutes {
  try {
    return draftRoutes(model, publicRoutes, intents);
  } catch {
    const only = (routes: FlaskModel['routes']): FlaskModel =>
      Object.assign(Object.create(model) as FlaskModel, { routes });
    const judged = model.routes.filter((r) =>
      failures.attempt(
        r.file,
        'judging routes',
        false,
        () => !!draftRoutes(only([r]), publicRoutes, intents),
      ),
    );
    return draftRoutes(only(judged), publicRoutes, intents);
  }
}

/** finishRoutes, leaving out (and recording) the routes it fails on, as draftContained does. */
export function finishContained(
  draft: DraftRoutes['draft'],
  context: TreeContext,
  failures: Failures,
): AssessedRoute[] {
  try {
    return finishRoutes(draft, context);
  } catch {
    return draft.flatMap((d) =>
      failures.attempt(d.route.file, 'judging routes', [], () => finishRoutes([d], context)),
    );
  }
}

/** Every rule over judged routes, hooks and JWT issues, in report order. */
export function findingsOf(
  routes: readonly AssessedRoute[],
  hooks: readonly HookRef[],
  jwt: readonly JwtIssue[],
  failures: Failures = new Failures(),
): Finding[] {
  const findings = RULES.flatMap((r) => checkContained(r, { routes, hooks, jwt }, failures));
  return findings.sort(compareFindings);
}

/**
 * A rule's findings; when it fails, its findings file by file, leaving out (and recording) the files it fails on.
 */
function checkContained(rule: Rule, ctx: RuleContext, failures: Failures): Finding[] {
  try {
    return rule.check(ctx);
  } catch {
    const hookFile = (h: HookRef): string => h.fn.scope.module.file;
    const files = new Set([
      ...ctx.routes.map((r) => r.file),
      ...ctx.hooks.map(hookFile),
      ...ctx.jwt.map((j) => j.file),
    ]);
    return [...files].flatMap((file) =>
      failures.attempt(file, 'checking rules', [], () =>
        rule.check({
          routes: ctx.routes.filter((r) => r.file === file),
          hooks: ctx.hooks.filter((h) => hookFile(h) === file),
          jwt: ctx.jwt.filter((j) => j.file === file),
        }),
      ),
    );
  }
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.startLine - b.location.startLine ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.route?.path ?? '').localeCompare(b.route?.path ?? '')
  );
}

/** Secrets in file and line order (the order live probing tries them in). */
export function sortSecrets(secrets: FoundSecret[]): FoundSecret[] {
  return secrets.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The notice of a file whose tree has syntax errors. */
export function syntaxErrorNotice(file: string): Notice {
  return { file, message: 'has syntax errors; analysed as far as the parser recovered.' };
}

export function toReport(route: AssessedRoute): RouteReport {
  return {
    methods: route.methods,
    path: route.path,
    endpoint: route.endpoint,
    location: { file: route.file, startLine: route.span.startLine, endLine: route.span.endLine },
    auth: route.auth,
    live: { status: 'not-probed', evidence: [] },
    ...(route.mount ? { mount: route.mount } : {}),
  };
}

export function compareRoutes(a: RouteReport, b: RouteReport): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.startLine - b.location.startLine ||
    a.path.localeCompare(b.path) ||
    a.methods.join().localeCompare(b.methods.join())
  );
}

/** Step one's answer for a group. */
interface GroupDraft {
  id: number;
  /** Files of the group with syntax errors, in order. */
  syntaxErrors: string[];
  /** Routes the group's model found (no route in the whole tree gives notices about unmodelled frameworks). */
  modelRoutes: number;
  specNotices: Notice[];
  /** Route registrations the group's model could not follow. */
  unfollowed: Notice[];
  unmodelled: { framework: string; notice: Notice }[];
  context: TreeContext;
  /** The group's result, when step one could already give it (then there is no step two). */
  result?: GroupResult;
}

/** Step two's answer for a group. */
interface GroupResult {
  routes: RouteReport[];
  findings: Finding[];
  secrets: FoundSecret[];
}

/** What finishing a group takes: its routes judged one by one, its hooks, its JWT issues and secrets. */
interface Held {
  draft: DraftRoutes['draft'];
  hooks: HookRef[];
  issues: JwtIssue[];
  secrets: FoundSecret[];
}

/** Analyses groups one by one, holding what finishing a group takes when it cannot be finished at once. */
class GroupAnalyser {
  private readonly held = new Map<number, Held>();
  readonly failures = new Failures();

  constructor(private readonly options: GroupOptions) {}

  /** Step one for a group's module pictures (`syntaxErrors`: its files with syntax errors). */
  draft(id: number, modules: ModuleIR[], syntaxErrors: string[]): GroupDraft {
    const { model, routes, jwt } = analyseModules(modules, this.options, this.failures);
    const held: Held = {
      draft: routes.draft,
      hooks: model.allHooks,
      issues: jwt.issues,
      secrets: jwt.secrets,
    };
    const draft: GroupDraft = {
      id,
      syntaxErrors,
      modelRoutes: model.routes.length,
      specNotices: model.specNotices,
      unfollowed: model.unfollowed,
      unmodelled: model.unmodelledFrameworks(),
      context: routes.context,
    };
    // Finished at once when no context the whole tree can give would judge a route otherwise: then nothing is
    // held, and the group's module pictures can go while the next group is analysed.
    this.options.timings?.enter('policy');
    const judged = decidedLocally(routes, this.failures);
    if (judged) draft.result = this.result(judged, held);
    // Otherwise only what step two reads is held: the project's and the model's indexes and caches can go.
    else this.held.set(id, held);
    return draft;
  }

  private result(routes: AssessedRoute[], held: Held): GroupResult {
    const timings = this.options.timings;
    timings?.enter('rules');
    const findings = findingsOf(routes, held.hooks, held.issues, this.failures);
    timings?.enter('report');
    return { routes: routes.map(toReport), findings, secrets: held.secrets };
  }

  finish(id: number, context: TreeContext): GroupResult {
    const held = this.held.get(id);
    if (!held) throw new Error(`group ${id} was not drafted in this thread`);
    this.held.delete(id);
    this.options.timings?.enter('policy');
    return this.result(finishContained(held.draft, context, this.failures), held);
  }
}

/**
 * A group's routes judged with its own context, when every context the whole tree can give judges them alike.
 * What the other groups can change: whether any auth extension or verifying hook exists (`projectUsesAuth`),
 * true in the whole tree when true here, else either — and
 * everything about routes of no known app (key ''), which are counted over the whole tree. Apps' own keys are
 * the group's alone. So a group with no route of unknown app is judged with each of the (at most two) contexts
 * it may be given, and the judgements compared field by field.
 */
function decidedLocally(routes: DraftRoutes, failures: Failures): AssessedRoute[] | undefined {
  const { draft, context } = routes;
  if (draft.some((d) => !d.route.app)) return undefined;
  const variants: TreeContext[] = [];
  for (const projectUsesAuth of new Set([context.projectUsesAuth, true]))
    variants.push({ ...context, projectUsesAuth });
  const [first, ...others] = variants.map((c) => finishContained(draft, c, failures));
  const same = (a: AssessedRoute, b: AssessedRoute): boolean => {
    const keys = Object.keys(a) as (keyof AssessedRoute)[];
    return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
  };
  return others.every((judged) => judged.every((r, i) => same(r, first![i]!))) ? first : undefined;
}

/** What the analysis of a tree in groups gives: the whole tree's report, and why workers could not help. */
export interface GroupedAnalysis {
  routes: RouteReport[];
  findings: Finding[];
  /** Syntax-error notices and the model's, in the order the analysis of the whole tree gives them. */
  notices: Notice[];
  secrets: FoundSecret[];
  workerProblems: string[];
  /** Work on files that failed and was left out. */
  failures: readonly FileFailure[];
}

/**
 * Analyse the groups of `files` (`groups`: one group id per file, -1 for a file left out), one after the other,
 * with `threads - 1` worker threads parsing ahead (taken from `pool` first). Undefined when a file could not be
 * analysed: the caller then analyses the tree in one piece, which handles that file as it always does.
 */
export async function analyseInGroups(
  files: readonly SourceText[],
  groups: readonly number[],
  threads: number,
  options: GroupOptions,
  pool?: WorkerPool,
): Promise<GroupedAnalysis | undefined> {
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => {
    if (g < 0) return;
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  // Group ids are their first file's index: in id order, the files of each group follow each other.
  const ids = [...members.keys()].sort((a, b) => a - b);
  const ordered = ids.flatMap((id) => members.get(id)!.map((i) => files[i]!));
  // Each group's JWT analysis reads the same dependency files: read each once.
  const read = options.readFile;
  const texts = new Map<string, string | undefined>();
  const readFile = read
    ? (path: string): string | undefined => {
        if (!texts.has(path)) texts.set(path, read(path));
        return texts.get(path);
      }
    : undefined;
  const analyser = new GroupAnalyser({ ...options, readFile });
  const drafts: GroupDraft[] = [];
  const timings = options.timings;
  const stream = await ParseStream.open(ordered, threads, { pool });
  try {
    let k = 0;
    for (const id of ids) {
      const modules: ModuleIR[] = [];
      const syntaxErrors: string[] = [];
      for (const end = k + members.get(id)!.length; k < end;) {
        const file = ordered[k]!;
        timings?.enter('parse');
        const parsed = await stream.get(k++);
        timings?.enter('extract');
        const result = extractParsed(file.path, file.text, parsed);
        if ('error' in result) return undefined;
        if (result.module.hasErrors) syntaxErrors.push(file.path);
        modules.push(result.module);
      }
      drafts.push(analyser.draft(id, modules, syntaxErrors));
    }
  } finally {
    stream.close();
  }

  timings?.enter('policy');
  const context = mergeContexts(drafts.map((d) => d.context));
  const all = drafts.map((d) => d.result ?? analyser.finish(d.id, context));

  // The whole tree's report: routes and findings in report order, notices in file order.
  timings?.enter('report');
  const order = new Map(files.map((f, i) => [f.path, i]));
  const byFile = (a: { file?: string }, b: { file?: string }): number =>
    (order.get(a.file ?? '') ?? -1) - (order.get(b.file ?? '') ?? -1);
  const notices: Notice[] = drafts
    .flatMap((d) => d.syntaxErrors)
    .sort((a, b) => order.get(a)! - order.get(b)!)
    .map(syntaxErrorNotice);
  notices.push(...drafts.flatMap((d) => d.specNotices));
  notices.push(...drafts.flatMap((d) => d.unfollowed).sort(byFile));
  if (drafts.every((d) => !d.modelRoutes)) {
    const seen = new Set<string>();
    for (const u of drafts.flatMap((d) => d.unmodelled).sort((a, b) => byFile(a.notice, b.notice))) {
      if (seen.has(u.framework)) continue;
      seen.add(u.framework);
      notices.push(u.notice);
    }
  }
  return {
    routes: all.flatMap((r) => r.routes).sort(compareRoutes),
    findings: all.flatMap((r) => r.findings).sort(compareFindings),
    notices,
    secrets: sortSecrets(all.flatMap((r) => r.secrets)),
    workerProblems: stream.problems,
    failures: analyser.failures.all,
  };
}
