import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { analyze } from './analysis/analyze.js';
import { baselineFingerprints, markNew } from './baseline.js';
import { type LiveOptions, probeRoutes } from './live/probe.js';
import { mergeLive, routeKey } from './merge.js';
import { parseSpec } from './analysis/openapi.js';
import { request } from 'undici';
import { type FailOn, loadConfig } from './config.js';
import { UsageError } from './errors.js';
import { evaluateGate, maxSeverity } from './gate.js';
import { readActionInputs } from './inputs.js';
import { selectAnnotations } from './report/annotations.js';
import { docsBaseFor } from './report/docs.js';
import { renderJson } from './report/json.js';
import { renderComment, renderSummary } from './report/markdown.js';
import { upsertComment } from './report/pr-comment.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
import { RULES } from './rules/index.js';
import { applyIgnores } from './suppress.js';
import type { Report } from './types.js';
import { VERSION } from './version.js';

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
  if (settings.baselineRef) {
    const base = await baselineFingerprints(settings.root, settings.baselineRef, options);
    if (base.notice) notices.push(base.notice);
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
    notices,
    gate: evaluateGate(findings, failOn),
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

interface PullRequestEvent {
  pull_request?: { number: number; base?: { sha?: string } };
}

function readEvent(): PullRequestEvent {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PullRequestEvent;
  } catch {
    return {};
  }
}

/** Report paths are relative to the scanned directory; annotations and SARIF need repository paths. */
function repositoryPrefix(path: string): string {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const rel = relative(resolve(workspace), resolve(path)).split(sep).join('/');
  return rel && !rel.startsWith('..') ? `${rel}/` : '';
}

/** The action: the only place that calls core.setFailed. */
export async function run(): Promise<void> {
  let report: Report | undefined;
  let prefix = '';
  let omitted = 0;
  try {
    const inputs = readActionInputs();
    const event = readEvent();
    const pr = event.pull_request;
    const baselineRef = inputs.baselineRef ?? (pr && inputs.newFindingsOnly ? pr.base?.sha : undefined);
    report = await scan({
      root: inputs.path,
      configPath: inputs.config,
      configExplicit: inputs.configExplicit,
      failOn: inputs.failOn,
      workers: inputs.workers,
      baselineRef,
      live: inputs.previewUrl
        ? {
            previewUrl: inputs.previewUrl,
            authToken: inputs.authToken,
            jwtTestKey: inputs.jwtTestKey,
            unsafeMethods: inputs.unsafeMethods,
            limits: { maxRequests: inputs.maxRequests },
            openapi: inputs.openapi,
          }
        : undefined,
    });
    const unreachable = report.notices.find((n) => /^preview-url .* is unreachable/.test(n.message));
    if (unreachable) core.error(unreachable.message);
    prefix = repositoryPrefix(inputs.path);
    const docsBase = docsBaseFor(process.env);
    core.info(renderText(report));
    for (const n of report.notices) core.info(`notice: ${n.file ? `${n.file}: ` : ''}${n.message}`);

    if (inputs.annotations) {
      // The failed gate (setFailed) and an unreachable preview are `::error::` lines of this step too.
      const reserved = Number(!!unreachable) + Number(report.gate.failed);
      const selected = selectAnnotations(report.findings, prefix, reserved);
      omitted = selected.omitted;
      for (const a of selected.annotations) {
        const props = { title: a.title, file: a.file, startLine: a.startLine, endLine: a.endLine };
        if (a.level === 'error') core.error(a.message, props);
        else if (a.level === 'warning') core.warning(a.message, props);
        else core.notice(a.message, props);
      }
    }

    const reportFile = inputs.reportFile
      ? writeSink(resolve(inputs.reportFile), renderJson(report), 'report-file')
      : '';
    const sarifFile = inputs.sarifFile
      ? writeSink(
          resolve(inputs.sarifFile),
          renderSarif(
            report,
            RULES.map((r) => r.meta),
            prefix,
            docsBase,
          ),
          'sarif-file',
        )
      : '';

    if (pr && inputs.prComment && inputs.githubToken) {
      const octokit = github.getOctokit(inputs.githubToken);
      const { owner, repo } = github.context.repo;
      const issue = { owner, repo, issue_number: pr.number };
      const outcome = await upsertComment(
        {
          list: async () =>
            (await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 })).map(
              (c) => ({
                id: c.id,
                body: c.body,
              }),
            ),
          create: async (body) => {
            await octokit.rest.issues.createComment({ ...issue, body });
          },
          update: async (id, body) => {
            await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
          },
        },
        renderComment(report, { pathPrefix: prefix, docsBase, notes: baselineNotes(report) }),
      );
      if (outcome.action === 'skipped') core.warning(outcome.warning);
      else core.info(`tokengate: pull-request comment ${outcome.action}.`);
    }

    const active = report.findings.filter((f) => !f.suppressed);
    core.setOutput('findings', active.length);
    core.setOutput('new-findings', active.filter((f) => f.new).length);
    core.setOutput('max-severity', maxSeverity(report.findings));
    core.setOutput('gate', report.gate.failed ? 'fail' : 'pass');
    core.setOutput('report-file', reportFile);
    core.setOutput('sarif-file', sarifFile);
    if (report.gate.failed) {
      const n = report.gate.counted;
      core.setFailed(
        `tokengate: ${n} ${baselineRef ? 'new ' : ''}finding${n === 1 ? '' : 's'} at or above ${report.gate.failOn}.`,
      );
    }
  } catch (err) {
    if (err instanceof UsageError) core.setFailed(`tokengate: ${err.message}`);
    else core.setFailed(`tokengate failed unexpectedly: ${(err as Error).message}`);
  } finally {
    if (report && process.env.GITHUB_STEP_SUMMARY) {
      try {
        await core.summary
          .addRaw(
            renderSummary(report, {
              pathPrefix: prefix,
              omittedAnnotations: omitted,
              docsBase: docsBaseFor(process.env),
              notes: baselineNotes(report),
            }),
          )
          .write();
      } catch (err) {
        core.warning(`tokengate: cannot write the job summary (${(err as Error).message}).`);
      }
    }
  }
}

function baselineNotes(report: Report): string[] {
  return report.notices
    .filter((n) => !n.file && /base commit|compare with/.test(n.message))
    .map((n) => n.message);
}

/** A sink: a file that cannot be written is a warning, never a failed run (the gate alone decides). */
function writeSink(path: string, content: string, input: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    core.warning(`tokengate: cannot write ${input} '${path}' (${code}); the scan result is unaffected.`);
    return '';
  }
}
