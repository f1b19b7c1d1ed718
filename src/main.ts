import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { realPathOf } from './base-commit.js';
import { type ChangedLines, changedLines } from './changes.js';
import { UsageError } from './errors.js';
import { countedUnanalysed, maxSeverity } from './gate.js';
import { readActionInputs } from './inputs.js';
import { selectAnnotations, unanalysedAnnotations } from './report/annotations.js';
import { docsBaseFor } from './report/docs.js';
import { printable } from './report/escape.js';
import { renderJson } from './report/json.js';
import { renderComment, renderSummary } from './report/markdown.js';
import { upsertComment } from './report/pr-comment.js';
import { renderSarif } from './report/sarif.js';
import { noticeLine, renderVerdict, textFindings, textHeadline, textRoutes } from './report/text.js';
import { unanalysedCount } from './report/unanalysed.js';
import { RULES } from './rules/index.js';
import { scan } from './scan.js';
import type { Report } from './types.js';

interface PullRequestEvent {
  pull_request?: { number: number; base?: { sha?: string }; head?: { sha?: string } };
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

/**
 * Report paths are relative to the scanned directory (for a single file, the directory that holds it); annotations
 * and SARIF need repository paths.
 */
function repositoryPrefix(path: string): string {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const dir = statSync(path, { throwIfNoEntry: false })?.isFile() ? dirname(path) : path;
  const rel = relative(resolve(workspace), resolve(dir)).split(sep).join('/');
  return rel && !rel.startsWith('..') ? `${rel}/` : '';
}

/**
 * The action judges the checked-out repository: a `path` (symlinks resolved) outside the workspace would scan
 * whatever the runner holds there (`/`, `../..`), which the pull request's base cannot describe.
 */
function checkInWorkspace(path: string, workspace: string): void {
  const rel = relative(realPathOf(workspace), realPathOf(path));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UsageError(
      `the path input '${path}' is outside the workspace (${workspace}): tokengate scans the checked-out repository only.`,
    );
  }
}

/** The action: the only place that calls core.setFailed. */
export async function run(): Promise<void> {
  let report: Report | undefined;
  let prefix = '';
  let omitted = 0;
  let pullRequest = false;
  let headSha: string | undefined;
  const notes: string[] = [];
  try {
    const inputs = readActionInputs();
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    checkInWorkspace(inputs.path, workspace);
    const event = readEvent();
    const pr = event.pull_request;
    pullRequest = !!pr;
    headSha = pr?.head?.sha;
    const baselineRef = inputs.baselineRef ?? (pr && inputs.newFindingsOnly ? pr.base?.sha : undefined);
    report = await scan({
      root: inputs.path,
      configPath: inputs.config,
      configExplicit: inputs.configExplicit,
      workspace,
      failOn: inputs.failOn,
      configFrom: inputs.configFrom,
      workers: inputs.workers,
      baselineRef,
      pullRequestBase: pr?.base?.sha,
      surface: 'action',
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
    for (const n of errors) core.error(printable(n.message));
    prefix = repositoryPrefix(inputs.path);
    const docsBase = docsBaseFor(process.env);
    logReport(report);

    notes.push(...baselineNotes(report));
    // What the pull request changes decides which old findings keep their level; without a base, all of them.
    const diffBase = inputs.baselineRef ?? pr?.base?.sha;
    let changes: ChangedLines | undefined;
    if (diffBase && (inputs.annotations === 'changed-files' || inputs.annotations === 'changed-lines')) {
      const changed = changedLines(inputs.path, diffBase);
      if ('lines' in changed) changes = changed.lines;
      else notes.push(changed.unknown);
    }
    if (inputs.annotations !== 'none') {
      // The failed gate (setFailed) and an unusable preview are `::error::` lines of this step too.
      const reserved = errors.length + Number(report.gate.failed);
      const unanalysed = unanalysedAnnotations(countedUnanalysed(report.notices), prefix);
      for (const a of unanalysed) core.warning(a.message, { title: a.title, file: a.file });
      const selected = selectAnnotations(
        report.findings,
        prefix,
        reserved,
        { filter: inputs.annotations, changes },
        unanalysed.length,
      );
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
        renderComment(report, {
          pathPrefix: prefix,
          docsBase,
          notes,
          blobBase: blobBase(headSha),
          pullRequest,
        }),
      );
      if (outcome.action === 'skipped') core.warning(printable(outcome.warning));
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
      const unanalysed = unanalysedCount(report.gate);
      core.setFailed(
        unanalysed
          ? `tokengate: ${unanalysed} (see the warnings) and ${n} ${baselineRef ? 'new ' : ''}finding${n === 1 ? '' : 's'} at or above ${report.gate.failOn}.`
          : `tokengate: ${n} ${baselineRef ? 'new ' : ''}finding${n === 1 ? '' : 's'} at or above ${report.gate.failOn}.`,
      );
    }
  } catch (err) {
    if (err instanceof UsageError) core.setFailed(`tokengate: ${printable(err.message)}`);
    else core.setFailed(`tokengate failed unexpectedly: ${printable((err as Error).message)}`);
  } finally {
    if (report && process.env.GITHUB_STEP_SUMMARY) {
      try {
        await core.summary
          .addRaw(
            renderSummary(report, {
              pathPrefix: prefix,
              omittedAnnotations: omitted,
              docsBase: docsBaseFor(process.env),
              notes,
              blobBase: blobBase(headSha),
              pullRequest,
            }),
          )
          .write();
      } catch (err) {
        core.warning(`tokengate: cannot write the job summary (${printable((err as Error).message)}).`);
      }
    }
  }
}

/**
 * The text report in the step's log: the headline and the verdict stay in view, the long parts (findings, the route
 * table, notices) fold into groups whose titles are tokengate's own words.
 */
function logReport(report: Report): void {
  core.info(textHeadline(report));
  const group = (title: string, lines: string[]): void => {
    if (!lines.length) return;
    core.startGroup(`tokengate: ${title}`);
    core.info(lines.join('\n'));
    core.endGroup();
  };
  const active = report.findings.filter((f) => !f.suppressed).length;
  group(`findings, most severe first (${active})`, textFindings(report));
  group(`routes (${report.routes.length})`, textRoutes(report));
  group(
    `notices (${report.notices.length})`,
    report.notices.map((n) => `notice: ${noticeLine(n)}`),
  );
  core.info(renderVerdict(report.gate));
}

/**
 * Where the files of the commit under review are shown: on pull requests its head commit (GITHUB_SHA is then the
 * merge commit GitHub made, which no reviewer looks at), else GITHUB_SHA.
 */
function blobBase(headSha: string | undefined): string | undefined {
  const sha = headSha ?? process.env.GITHUB_SHA;
  const repository = process.env.GITHUB_REPOSITORY;
  if (!sha || !repository) return undefined;
  return `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/blob/${sha}/`;
}

function baselineNotes(report: Report): string[] {
  return report.notices.filter((n) => n.kind === 'baseline').map((n) => n.message);
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
