import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { request } from 'undici';
import { analyze } from './analysis/analyze.js';
import { parseSpec } from './analysis/openapi.js';
import { baselineFingerprints, markNew, markUnanalysedNew } from './baseline.js';
import { type FailOn, loadConfig } from './config.js';
import { UsageError } from './errors.js';
import { evaluateGate } from './gate.js';
import { type LiveOptions, probeRoutes } from './live/probe.js';
import { mergeLive, routeKey } from './merge.js';
import { applyIgnores } from './suppress.js';
import type { Report } from './types.js';
import { VERSION } from './version.js';

// The pipeline the CLI and the action share, apart from the action's own I/O (main.ts): the CLI loads no
// GitHub client.

export interface ScanSettings {
  root: string;
  configPath?: string;
  /** The user named the config file: a missing file is then an error. */
  configExplicit: boolean;
  /** Overrides the config file's `fail-on`; default high. */
  failOn?: FailOn;
  /** Count only findings that are not already present at this git ref. */
  baselineRef?: string;
  /** Threads that parse the code; default every core (at most 8) for large trees, 1 for small ones. */
  workers?: number;
  /** `YYYY-MM-DD`, for `ignore` entries that expire; default today. */
  today?: string;
  /** Live probing of a preview deployment; `openapi` (file or URL) adds the document's operations as targets. */
  live?: Omit<LiveOptions, 'pathParams' | 'secrets'> & { openapi?: string };
}

/** config → analyze → suppress → new-only → gate: the pipeline shared by the CLI and the action. */
export async function scan(settings: ScanSettings): Promise<Report> {
  const config = loadConfig(settings.root, settings.configPath, settings.configExplicit);
  const options = {
    include: [...config.include],
    exclude: [...config.exclude],
    defaultExcludes: config.defaultExcludes,
    publicRoutes: [...config.publicRoutes],
    workers: settings.workers,
  };
  const analysis = await analyze(settings.root, options);
  const notices = [...analysis.notices];
  let routes = analysis.routes;
  let merged = analysis.findings;
  if (settings.live) {
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
      notices.push({ message: live.unreachable });
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
  if (settings.baselineRef) {
    const base = await baselineFingerprints(settings.root, settings.baselineRef, options);
    if (base.notice) notices.push(base.notice);
    gateNotices = markUnanalysedNew(notices, settings.root, base.objects);
    findings = markNew(
      findings,
      base.fingerprints,
      base.routes && { base: base.routes, head: new Set(analysis.routes.map(routeKey)) },
    );
  }
  const failOn = settings.failOn ?? config.failOn ?? 'high';
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: VERSION },
    routes,
    findings,
    notices: gateNotices,
    gate: evaluateGate(findings, failOn, gateNotices),
  };
}

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
