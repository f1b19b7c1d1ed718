import type { Finding, Notice, RouteReport } from '../types.js';
import { RULES } from '../rules/index.js';
import { AuthAnalyzer } from './auth.js';
import { extractModule } from './extract.js';
import { FlaskModel } from './flask.js';
import { type FoundSecret, JwtAnalyzer } from './jwt.js';
import type { ModuleIR } from './ir.js';
import { pythonParser } from './parser.js';
import { type AssessedRoute, assessRoutes } from './policy.js';
import { Project } from './project.js';

export interface AnalyzeOptions {
  include?: string[];
  exclude?: string[];
  defaultExcludes?: boolean;
  publicRoutes?: string[];
  maxFileBytes?: number;
  /** Reads other files of the scanned tree by relative path (OpenAPI documents of connexion apps). */
  readFile?: (path: string) => string | undefined;
}

export interface Analysis {
  routes: RouteReport[];
  findings: Finding[];
  notices: Notice[];
  /** Literal signing secrets found in the code, for live probing; never rendered. */
  secrets: FoundSecret[];
}

/** The same analysis over files already in memory (paths relative to the root, `/` separators). */
export async function analyzeSources(
  files: readonly { path: string; text: string }[],
  options: AnalyzeOptions = {},
  notices: Notice[] = [],
): Promise<Analysis> {
  const parser = await pythonParser();
  const modules: ModuleIR[] = [];
  for (const file of files) {
    const tree = parser.parse(file.text);
    try {
      const mod = extractModule(file.path, file.text, tree.rootNode);
      if (mod.hasErrors) {
        notices.push({
          file: file.path,
          message: 'has syntax errors; analysed as far as the parser recovered.',
        });
      }
      modules.push(mod);
    } finally {
      tree.delete();
    }
  }
  return analyzeModules(modules, options, notices);
}

function analyzeModules(modules: ModuleIR[], options: AnalyzeOptions, notices: Notice[]): Analysis {
  const project = new Project(modules);
  const model = new FlaskModel(project, new AuthAnalyzer(project), options.readFile).build();
  notices.push(...model.specNotices);
  const routes = assessRoutes(model, options.publicRoutes ?? []);
  const jwt = new JwtAnalyzer(project).run();
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
