import type { AddedSuppression, Finding, Report, RouteReport } from '../types.js';
import { DOCS_BASE } from './docs.js';
import { locationLabel } from './location.js';

/** Hidden marker that identifies tokengate's pull-request comment so it is updated, not re-posted. */
export const COMMENT_MARKER = '<!-- tokengate:report -->';
/** GitHub's job-summary limit is 1 MiB of UTF-8 bytes per step; a margin for the rest of the step's summary. */
export const SUMMARY_LIMIT = 1024 * 1024 - 1024;
/** GitHub's comment-body limit is 65,536 characters. */
export const COMMENT_LIMIT = 65_536 - 512;

/** UTF-8 bytes, what the job-summary limit counts. */
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
/**
 * Characters, what the comment limit counts, counted as UTF-16 code units: never fewer than code points, so a
 * comment under the limit by this measure is under it by GitHub's. `fit` cuts between whole lines, never inside a
 * surrogate pair, a table row or a code span.
 */
export const characters = (s: string): number => s.length;

export interface MarkdownContext {
  /** Paths in the report are relative to the scanned directory; this makes them repository paths. */
  pathPrefix?: string;
  /** Annotations GitHub could not show (over its per-step limit). */
  omittedAnnotations?: number;
  /** e.g. why new-only counting was not possible. */
  notes?: string[];
  /** Where `docs/rules/<id>.md` is published (links in tables). */
  docsBase?: string;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function verdictLine(report: Report): string {
  const g = report.gate;
  const active = report.findings.filter((f) => !f.suppressed);
  const fresh = active.filter((f) => f.new).length;
  const counts = `${active.length} finding${active.length === 1 ? '' : 's'} (${fresh} new)`;
  if (g.failOn === 'none') return `**tokengate: ${counts}.** Gate disabled (fail-on none).`;
  return g.failed
    ? `**tokengate failed: ${g.counted} new finding${g.counted === 1 ? '' : 's'} at or above ${g.failOn}.** ${counts}.`
    : `**tokengate passed: no new findings at or above ${g.failOn}.** ${counts}.`;
}

function findingRows(findings: readonly Finding[], prefix: string, docsBase: string): string[] {
  const rows = ['| Severity | Rule | Route | Location | Sources | New |', '|---|---|---|---|---|---|'];
  for (const f of findings) {
    const route = f.route ? code(`${f.route.methods.join(',')} ${f.route.path}`) : '';
    rows.push(
      `| ${f.severity} | [${f.ruleId}](${docsBase}docs/rules/${f.ruleId}.md) | ${cell(route)} | ${code(locationLabel(f.location, prefix))} | ${f.sources.join(', ')} | ${f.new ? 'yes' : 'no'} |`,
    );
  }
  return rows;
}

function guardOf(r: RouteReport): string {
  if (r.auth.state === 'public') return `public: ${r.auth.publicReason ?? 'by design'}`;
  return r.auth.mechanisms.length ? r.auth.mechanisms.join(', ') : 'none';
}

function inventoryRows(routes: readonly RouteReport[], prefix: string): string[] {
  const rows = ['| Methods | Path | State | Guard | Live | Location |', '|---|---|---|---|---|---|'];
  for (const r of routes) {
    rows.push(
      `| ${r.methods.join(', ')} | ${cell(code(r.path))} | ${r.auth.state} | ${cell(guardOf(r))} | ${r.live.status} | ${code(locationLabel(r.location, prefix))} |`,
    );
  }
  return rows;
}

function suppressionLabel(s: AddedSuppression): string {
  switch (s.kind) {
    case 'ignore':
      return `ignore ${[`rule ${s.rule}`, s.path && `path ${s.path}`, s.route && `route ${s.route}`].filter(Boolean).join(', ')}`;
    case 'public-route':
      return `public-routes ${s.pattern}`;
    case 'comment':
      return `# tokengate: ignore[${s.rules.join(', ')}]`;
  }
}

function hidesLabel(s: AddedSuppression): string {
  const noun = s.kind === 'public-route' ? 'public route' : 'finding';
  return `${s.hides} ${noun}${s.hides === 1 ? '' : 's'}`;
}

/**
 * What the pull request suppresses for itself, so the reviewer sees what it hides: its findings no longer count,
 * and only a human can tell a reasoned exception from a gate switched off.
 */
function suppressedByPullRequestBlock(report: Report, prefix: string): string[] {
  const added = report.suppressedByPullRequest ?? [];
  if (!added.length) return [];
  return [
    `### Suppressed by this pull request (${added.length})`,
    '',
    'These suppressions are new in this pull request; the findings they hide do not count for the gate.',
    '',
    '| Where | Suppression | Reason | Hides |',
    '|---|---|---|---|',
    ...added.map(
      (s) =>
        `| ${code(`${prefix}${s.site.file}:${s.site.line}`)} | ${cell(code(suppressionLabel(s)))} | ${s.kind === 'public-route' ? '(public-routes take no reason)' : cell(s.reason || '(no reason given)')} | ${hidesLabel(s)} |`,
    ),
    '',
  ];
}

/**
 * Join blocks line by line until `limit` (as `measure` counts), then say what was cut and where to find all of it;
 * the note follows a blank line so that it never joins a table.
 */
function fit(blocks: string[][], limit: number, cutNote: string, measure: (s: string) => number): string {
  const reserve = measure(`\n${cutNote}\n`);
  let out = '';
  let size = 0;
  for (const block of blocks) {
    for (const line of block) {
      const next = measure(`${line}\n`);
      if (size + next + reserve > limit) return `${out}\n${cutNote}\n`;
      out += `${line}\n`;
      size += next;
    }
  }
  return out;
}

/** The job summary: verdict, findings, route inventory, live evidence; under 1 MiB. */
export function renderSummary(report: Report, ctx: MarkdownContext = {}): string {
  const prefix = ctx.pathPrefix ?? '';
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const blocks: string[][] = [['## tokengate', '', verdictLine(report), '']];
  const notes = [...(ctx.notes ?? [])];
  if (ctx.omittedAnnotations) {
    notes.push(
      `${ctx.omittedAnnotations} more finding${ctx.omittedAnnotations === 1 ? ' is' : 's are'} not annotated on the diff (GitHub shows 10 per level per step): they are all listed below, in the report file and in SARIF.`,
    );
  }
  if (notes.length) blocks.push([...notes.map((n) => `> ${n}`), '']);
  blocks.push(suppressedByPullRequestBlock(report, prefix));
  if (active.length)
    blocks.push(['### Findings', '', ...findingRows(active, prefix, ctx.docsBase ?? DOCS_BASE), '']);
  if (suppressed.length) {
    blocks.push([
      `### Suppressed (${suppressed.length})`,
      '',
      ...suppressed.map(
        (f) => `- ${f.ruleId} at ${code(locationLabel(f.location, prefix))}: ${cell(f.suppressed!.reason)}`,
      ),
      '',
    ]);
  }
  const evidence = active.filter((f) => f.evidence.length);
  if (evidence.length) {
    blocks.push([
      '### Live evidence',
      '',
      ...evidence.flatMap((f) =>
        f.evidence.map(
          (e) =>
            `- ${f.ruleId}: ${code(`${e.method} ${e.url}`)} answered ${e.status} to probe ${code(e.probe)}`,
        ),
      ),
      '',
    ]);
  }
  blocks.push([`### Routes (${report.routes.length})`, '', ...inventoryRows(report.routes, prefix), '']);
  if (report.notices.length) {
    blocks.push([
      '### Notices',
      '',
      ...report.notices.map((n) => `- ${n.file ? `${code(n.file)}: ` : ''}${cell(n.message)}`),
      '',
    ]);
  }
  return fit(
    blocks,
    SUMMARY_LIMIT,
    "_The summary was cut to stay under GitHub's 1 MiB limit; the report file has everything._",
    utf8Bytes,
  );
}

/** The sticky pull-request comment: verdict and the findings, found again by its hidden marker. */
export function renderComment(report: Report, ctx: MarkdownContext = {}): string {
  const prefix = ctx.pathPrefix ?? '';
  const active = report.findings.filter((f) => !f.suppressed);
  const fresh = active.filter((f) => f.new);
  const old = active.length - fresh.length;
  const blocks: string[][] = [[COMMENT_MARKER, '## tokengate', '', verdictLine(report), '']];
  if (ctx.notes?.length) blocks.push([...ctx.notes.map((n) => `> ${n}`), '']);
  blocks.push(suppressedByPullRequestBlock(report, prefix));
  if (!active.length) blocks.push(['No findings: every route that needs authentication has it.', '']);
  if (fresh.length)
    blocks.push([
      '### New in this pull request',
      '',
      ...findingRows(fresh, prefix, ctx.docsBase ?? DOCS_BASE),
      '',
    ]);
  if (old)
    blocks.push([
      `${old} finding${old === 1 ? '' : 's'} already on the base branch (see the job summary).`,
      '',
    ]);
  return fit(
    blocks,
    COMMENT_LIMIT,
    "_The comment was cut to stay under GitHub's limit; the job summary lists every finding._",
    characters,
  );
}
