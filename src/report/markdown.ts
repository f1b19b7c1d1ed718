import { countedUnanalysed } from '../gate.js';
import { RULES } from '../rules/index.js';
import {
  type AddedSuppression,
  type Finding,
  type Location,
  type Report,
  type RouteReport,
  SEVERITIES,
} from '../types.js';
import { renderAuthMap } from './auth-map.js';
import { DOCS_BASE } from './docs.js';
import { markdownCode, markdownMessage, markdownText, plural, urlPath } from './escape.js';
import { hasRepositoryFile, locationLabel } from './location.js';
import { countAuth, countsText, groupParts, groupRoutes } from './route-groups.js';
import { UNANALYSED_ADVICE, unanalysedCount } from './unanalysed.js';

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
  /** e.g. why new-only counting was not possible; plain text (escaped here), since notices quote the repository. */
  notes?: string[];
  /** Where `docs/rules/<id>.md` is published (links in tables). */
  docsBase?: string;
  /**
   * `${server}/${repository}/blob/${sha}/` of the commit under review: each finding links to its line there.
   * Without it, locations are plain text.
   */
  blobBase?: string;
  /** The report judges a pull request: the verdict says whether it blocks it. */
  pullRequest?: boolean;
}

// Repository text reaches markdown only through markdownText and markdownMessage (prose) and markdownCode (paths,
// routes, URLs), and mermaid only through mermaidText.
const cellCode = (s: string): string => markdownCode(s, { cell: true });

const FIXES = new Map(RULES.map((r) => [r.meta.id, r.meta.fix]));

/** Most severe first, then in file and line order. */
const bySeverity = (a: Finding, b: Finding): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  a.location.file.localeCompare(b.location.file) ||
  a.location.startLine - b.location.startLine;

/**
 * The verdict a glance can read, as a heading: a status mark, how many new findings block the change; ⚠️ when it
 * passes with notices to read (a file not analysed, an unusable preview, no base to compare with).
 */
export function verdictLine(report: Report, ctx: MarkdownContext = {}): string {
  const g = report.gate;
  if (g.failed) {
    // Python files the scan could not see into fail the gate too (gate.ts), with or without findings.
    const unanalysed = unanalysedCount(g);
    const parts = [
      unanalysed,
      g.counted || !unanalysed ? `${plural(g.counted, 'new finding')} at or above ${g.failOn}` : '',
    ].filter(Boolean);
    const one = parts.length === 1 && (unanalysed ? g.unanalysed === 1 : g.counted === 1);
    const blocks = ctx.pullRequest
      ? `${one ? 'blocks' : 'block'} this pull request`
      : `${one ? 'fails' : 'fail'} the gate`;
    return `## ❌ tokengate: ${parts.join(' and ')} ${blocks}`;
  }
  const what =
    g.failOn === 'none' ? 'gate disabled (fail-on none)' : `no new findings at or above ${g.failOn}`;
  const notices = report.notices.length;
  return notices
    ? `## ⚠️ tokengate passed with ${plural(notices, 'notice')}: ${what}`
    : `## ✅ tokengate passed: ${what}`;
}

/** The totals under the verdict: findings new and old, suppressed, and how the routes are guarded. */
function totalsLine(report: Report): string {
  const active = report.findings.filter((f) => !f.suppressed);
  const fresh = active.filter((f) => f.new).length;
  const old = active.length - fresh;
  const suppressed = report.findings.length - active.length;
  const findings = `${plural(active.length, 'finding')}${active.length ? ` (${[fresh && `${fresh} new`, old && `${old} already on the base branch`].filter(Boolean).join(', ')})` : ''}`;
  const routes = `${plural(report.routes.length, 'route')}${
    report.routes.length ? `: ${countsText(countAuth(report.routes), { zeros: false })}` : ''
  }`;
  return `${findings}${suppressed ? `, ${suppressed} suppressed` : ''} · ${routes}.`;
}

/** `path:line` as code, linked to the line at the commit under review when there is one. */
function where(location: Location, ctx: MarkdownContext, cell = false): string {
  const prefix = ctx.pathPrefix ?? '';
  const label = markdownCode(locationLabel(location, prefix), { cell });
  if (!ctx.blobBase || !hasRepositoryFile(location)) return label;
  return `[${label}](${ctx.blobBase}${urlPath(prefix + location.file)}#L${location.startLine})`;
}

const routeOf = (f: Finding, cell = false): string =>
  f.route ? markdownCode(`${f.route.methods.join(',')} ${f.route.path}`, { cell }) : '';

/**
 * Findings to act on, one list item each, long text on its own lines so that it fits a comment's width: severity,
 * route and where (linked), why and what to change there (the finding's message), then the rule's fix sentence
 * and its documentation.
 */
function findingItems(findings: readonly Finding[], ctx: MarkdownContext): string[] {
  const docsBase = ctx.docsBase ?? DOCS_BASE;
  // A rule's fix sentence is said once, at its first finding: many findings of one rule need one explanation.
  const explained = new Set<string>();
  return [...findings].sort(bySeverity).flatMap((f) => {
    // A finding that states its own remedy (naming the app's own guard) says it in its message; the rule's
    // generic sentence would only contradict it.
    const fix = f.fix === undefined ? FIXES.get(f.ruleId) : undefined;
    const first = !explained.has(f.ruleId);
    explained.add(f.ruleId);
    const rule = `[${f.ruleId}](${docsBase}docs/rules/${f.ruleId}.md)`;
    const live = f.sources.includes('live') ? ', confirmed live' : '';
    return [
      `- **${f.severity}** · ${[routeOf(f), where(f.location, ctx)].filter(Boolean).join(' · ')}`,
      '',
      `  ${markdownMessage(f.message)}`,
      '',
      fix && first
        ? `  **Fix:** ${markdownMessage(fix)} (${rule}${live})`
        : `  ${fix ? 'Fix as above' : 'Rule'}: ${rule}${live}.`,
      '',
    ];
  });
}

/** A compact table of findings (three or four short columns), for those folded away. */
function findingTable(findings: readonly Finding[], ctx: MarkdownContext): string[] {
  return [
    '| Severity | Rule | Route | Where |',
    '|---|---|---|---|',
    ...[...findings]
      .sort(bySeverity)
      .map((f) => `| ${f.severity} | ${f.ruleId} | ${routeOf(f, true)} | ${where(f.location, ctx, true)} |`),
  ];
}

/** A block folded under a summary line of tokengate's own words (never repository text: it is HTML). */
const folded = (summary: string, body: string[]): string[] => [
  `<details><summary>${summary}</summary>`,
  '',
  ...body,
  '',
  '</details>',
  '',
];

function guardOf(r: RouteReport): string {
  if (r.auth.state === 'public') return `public: ${markdownText(r.auth.publicReason ?? 'by design')}`;
  return r.auth.mechanisms.length ? r.auth.mechanisms.map(cellCode).join(', ') : 'none';
}

/** The route inventory by app and blueprint, with counts; the live column only when probing ran. */
function inventoryBlock(routes: readonly RouteReport[], prefix: string): string[] {
  const probed = routes.some((r) => r.live.status !== 'not-probed');
  const out: string[] = [];
  for (const group of groupRoutes(routes)) {
    if (!group.routes.length) continue;
    const parts = groupParts(group, prefix);
    out.push(
      `**${parts.kind}** ${markdownCode(parts.name)}${parts.at ? ` at ${markdownCode(parts.at)}` : ''}: ${plural(group.routes.length, 'route')} (${countsText(group.counts, { zeros: true })})`,
      '',
      `| Methods | Path | State | Guard |${probed ? ' Live |' : ''} Location |`,
      `|---|---|---|---|${probed ? '---|' : ''}---|`,
      ...group.routes.map(
        (r) =>
          `| ${markdownText(r.methods.join(', '))} | ${cellCode(r.path)} | ${r.auth.state} | ${guardOf(r)} |${probed ? ` ${r.live.status} |` : ''} ${cellCode(locationLabel(r.location, prefix))} |`,
      ),
      '',
    );
  }
  return out;
}

function suppressionLabel(s: AddedSuppression): string {
  switch (s.kind) {
    case 'ignore':
      return `ignore ${[`rule ${s.rule}`, s.path && `path ${s.path}`, s.route && `route ${s.route}`].filter(Boolean).join(', ')}`;
    case 'public-route':
      return `public-routes ${s.pattern}`;
    case 'guard':
      return `guards ${s.guard}`;
    case 'comment':
      return `# tokengate: ignore[${s.rules.join(', ')}]`;
    case 'scope':
      return s.key === 'exclude' ? `exclude ${s.value}` : `${s.key} ${s.value} (base: ${s.base})`;
    case 'fail-on':
      return `fail-on ${s.value} (base: ${s.base})`;
    case 'finding':
      return `${s.ruleId}${s.route ? ` ${s.route.methods.join(',')} ${s.route.path}` : ''}`;
  }
}

function reasonLabel(s: AddedSuppression): string {
  switch (s.kind) {
    case 'public-route':
      return '(public-routes take no reason)';
    case 'scope':
    case 'guard':
      return '(config keys take no reason)';
    case 'fail-on':
      return '(config keys take no reason)';
    case 'finding': {
      const by = {
        comment: 'an ignore comment',
        config: 'a config ignore entry',
        'public-routes': 'public-routes',
      }[s.by];
      return `new finding, suppressed by ${by}: ${markdownText(s.reason || '(no reason given)')}`;
    }
    default:
      return markdownText(s.reason || '(no reason given)');
  }
}

function hidesLabel(s: AddedSuppression): string {
  const count = (noun: string): string => `${s.hides} ${noun}${s.hides === 1 ? '' : 's'}`;
  switch (s.kind) {
    case 'public-route':
      return count('public route');
    case 'scope':
      return `${count('Python file')} out of the scan`;
    case 'fail-on':
      return `${count('new finding')} no longer counted`;
    default:
      return count('finding');
  }
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
    'These suppressions and config changes are new in this pull request, relative to its base commit; what they hide does not count for the gate.',
    '',
    '| Where | Suppression | Reason | Hides |',
    '|---|---|---|---|',
    ...added.map(
      (s) =>
        `| ${cellCode(`${prefix}${s.site.file}:${s.site.line}`)} | ${cellCode(suppressionLabel(s))} | ${reasonLabel(s)} | ${hidesLabel(s)} |`,
    ),
    '',
  ];
}

/**
 * Join blocks line by line until `limit` (as `measure` counts), then say what was cut and where to find all of it;
 * the note follows a blank line so that it never joins a table.
 */
function fit(blocks: string[][], limit: number, cutNote: string, measure: (s: string) => number): string {
  const CLOSE = '\n</details>\n';
  const reserve = measure(`\n${cutNote}\n`) + measure(CLOSE);
  let out = '';
  let size = 0;
  // A cut inside a folded block closes it first, so that the note is in the open.
  let folded = false;
  for (const block of blocks) {
    for (const line of block) {
      const next = measure(`${line}\n`);
      if (size + next + reserve > limit) return `${out}${folded ? CLOSE : ''}\n${cutNote}\n`;
      out += `${line}\n`;
      size += next;
      if (line.startsWith('<details>')) folded = true;
      else if (line === '</details>') folded = false;
    }
  }
  return out;
}

/** The Python files that were not analysed and fail the gate, one line each, with what to do; none: no block. */
function unanalysedBlock(report: Report, prefix: string): string[][] {
  const counted = countedUnanalysed(report.notices);
  if (!counted.length) return [];
  return [
    [
      `### Python files not analysed (${counted.length})`,
      '',
      ...counted.map((n) => `- ${markdownCode(prefix + (n.file ?? ''))}: ${markdownMessage(n.message)}`),
      '',
      `_${markdownMessage(UNANALYSED_ADVICE)}_`,
      '',
    ],
  ];
}

/** The verdict, the totals and the notes every view opens with. */
function headBlocks(report: Report, ctx: MarkdownContext): string[][] {
  const notes = (ctx.notes ?? []).map(markdownMessage);
  if (ctx.omittedAnnotations) {
    notes.push(
      `${ctx.omittedAnnotations} more finding${ctx.omittedAnnotations === 1 ? ' is' : 's are'} not annotated on the diff (GitHub shows 10 per level per step): they are all listed below, in the report file and in SARIF.`,
    );
  }
  return [
    [verdictLine(report, ctx), '', totalsLine(report), ''],
    notes.length ? [...notes.map((n) => `> ${n}`), ''] : [],
    suppressedByPullRequestBlock(report, ctx.pathPrefix ?? ''),
    ...unanalysedBlock(report, ctx.pathPrefix ?? ''),
  ];
}

function newFindingsBlock(fresh: readonly Finding[], ctx: MarkdownContext): string[] {
  if (!fresh.length) return [];
  const title = ctx.pullRequest ? 'New in this pull request' : 'Findings';
  return [`### ${title} (${fresh.length})`, '', ...findingItems(fresh, ctx)];
}

/** The job summary: verdict, new findings, the auth map, then everything else folded; under 1 MiB. */
export function renderSummary(report: Report, ctx: MarkdownContext = {}): string {
  const prefix = ctx.pathPrefix ?? '';
  const active = report.findings.filter((f) => !f.suppressed);
  const fresh = active.filter((f) => f.new);
  const old = active.filter((f) => !f.new);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const blocks: string[][] = [...headBlocks(report, ctx), newFindingsBlock(fresh, ctx)];
  const map = renderAuthMap(report.routes, prefix);
  if (map.length) blocks.push(['### Auth map', '', ...map, '']);
  if (old.length)
    blocks.push(
      folded(`${plural(old.length, 'finding')} already on the base branch`, findingTable(old, ctx)),
    );
  if (suppressed.length) {
    blocks.push(
      folded(
        `${plural(suppressed.length, 'suppressed finding')}`,
        suppressed.map(
          (f) =>
            `- ${f.ruleId} at ${markdownCode(locationLabel(f.location, prefix))}: ${markdownMessage(f.suppressed!.reason)}`,
        ),
      ),
    );
  }
  const evidence = active.filter((f) => f.evidence.length);
  if (evidence.length) {
    blocks.push(
      folded(
        `Live evidence (${evidence.length})`,
        evidence.flatMap((f) =>
          f.evidence.map(
            (e) =>
              `- ${f.ruleId}: ${markdownCode(`${e.method} ${e.url}`)} answered ${e.status} to probe ${markdownCode(e.probe)}`,
          ),
        ),
      ),
    );
  }
  if (report.routes.length) {
    blocks.push(
      folded(
        `Routes (${report.routes.length}): ${countsText(countAuth(report.routes), { zeros: true })}`,
        inventoryBlock(report.routes, prefix),
      ),
    );
  }
  if (report.notices.length) {
    const lines = report.notices.map(
      (n) => `- ${n.file ? `${markdownCode(n.file)}: ` : ''}${markdownMessage(n.message)}`,
    );
    blocks.push(
      lines.length <= NOTICES_SHOWN
        ? [`### Notices (${lines.length})`, '', ...lines, '']
        : folded(`Notices (${lines.length})`, lines),
    );
  }
  return fit(
    blocks,
    SUMMARY_LIMIT,
    "_The summary was cut to stay under GitHub's 1 MiB limit; the report file has everything._",
    utf8Bytes,
  );
}

/** Notices are listed in the open up to this many; more are folded. */
const NOTICES_SHOWN = 20;
/** Old findings listed (folded) in the comment; the job summary lists them all. */
const OLD_IN_COMMENT = 50;

/** The sticky pull-request comment: verdict, the new findings with their fix, old ones folded. */
export function renderComment(report: Report, ctx: MarkdownContext = {}): string {
  const active = report.findings.filter((f) => !f.suppressed);
  const fresh = active.filter((f) => f.new);
  const old = active.filter((f) => !f.new);
  const blocks: string[][] = [[COMMENT_MARKER], ...headBlocks(report, ctx), newFindingsBlock(fresh, ctx)];
  if (!active.length) blocks.push(['No findings: every route that needs authentication has it.', '']);
  if (old.length) {
    const more = old.length - OLD_IN_COMMENT;
    blocks.push(
      folded(`${plural(old.length, 'finding')} already on the base branch`, [
        ...findingTable([...old].sort(bySeverity).slice(0, OLD_IN_COMMENT), ctx),
        ...(more > 0 ? ['', `${plural(more, 'more finding')} in the job summary.`] : []),
      ]),
    );
  }
  return fit(
    blocks,
    COMMENT_LIMIT,
    "_The comment was cut to stay under GitHub's limit; the job summary lists every finding._",
    characters,
  );
}
