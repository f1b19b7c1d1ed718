import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { UsageError } from './errors.js';
import { maxSeverity } from './gate.js';
import { readActionInputs } from './inputs.js';
import { selectAnnotations } from './report/annotations.js';
import { docsBaseFor } from './report/docs.js';
import { renderJson } from './report/json.js';
import { renderComment, renderSummary } from './report/markdown.js';
import { upsertComment } from './report/pr-comment.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
import { RULES } from './rules/index.js';
import { scan } from './scan.js';
import type { Report } from './types.js';

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
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      failOn: inputs.failOn,
      configFrom: inputs.configFrom,
      workers: inputs.workers,
      baselineRef,
      live: inputs.previewUrl
        ? {
            previewUrl: inputs.previewUrl,
            authToken: inputs.authToken,
            authHeader: inputs.authHeader,
            jwtTestKey: inputs.jwtTestKey,
            unsafeMethods: inputs.unsafeMethods,
            limits: { maxRequests: inputs.maxRequests },
            openapi: inputs.openapi,
          }
        : undefined,
    });
    const errors = report.notices.filter((n) => n.level === 'error');
    for (const n of errors) core.error(n.message);
    prefix = repositoryPrefix(inputs.path);
    const docsBase = docsBaseFor(process.env);
    core.info(renderText(report));
    for (const n of report.notices) core.info(`notice: ${n.file ? `${n.file}: ` : ''}${n.message}`);

    if (inputs.annotations) {
      // The failed gate (setFailed) and an unusable preview are `::error::` lines of this step too.
      const reserved = errors.length + Number(report.gate.failed);
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
                user: c.user && { login: c.user.login, type: c.user.type },
              }),
            ),
          create: async (body) => {
            await octokit.rest.issues.createComment({ ...issue, body });
          },
          update: async (id, body) => {
            await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
          },
          authenticatedUser: async () => (await octokit.rest.users.getAuthenticated()).data,
          viewerLogin: async () =>
            (await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')).viewer.login,
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
