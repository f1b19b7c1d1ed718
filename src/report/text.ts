import { SEVERITIES, type Finding, type Notice, type Report, type RouteReport } from '../types.js';
import { plural, printable } from './escape.js';
import { locationLabel } from './location.js';
import { unanalysedCount } from './unanalysed.js';

// The runner takes a line for a workflow command when it starts with `::` after blanks, so indenting is not enough:
// every line starts with tokengate's own words (a severity, a label, a state, a `-` bullet), and repository text
// goes through `printable` (one line, no control characters).

/** Above this many routes the CLI lists them only when asked (`--routes`): a 786-row table buries the findings. */
export const ROUTE_TABLE_LIMIT = 50;

export interface TextOptions {
  /** List every route whatever their number (`--routes`). */
  allRoutes?: boolean;
}

function severityCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of rankFindings(findings)) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
}

function guardOf(route: RouteReport): string {
  if (route.auth.state === 'public')
    return `none (public: ${printable(route.auth.publicReason ?? 'by design')})`;
  return route.auth.mechanisms.length ? route.auth.mechanisms.map(printable).join(', ') : 'none';
}

const routeLabel = (route: { methods: string[]; path: string }): string =>
  printable(`${route.methods.join(',')} ${route.path}`);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** Most severe first; within a severity the new ones (they count for the gate), then by place. */
function rankFindings(findings: readonly Finding[]): Finding[] {
  const place = (f: Finding): string =>
    `${f.location.file}\u0000${String(f.location.startLine).padStart(9, '0')}`;
  return [...findings].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      Number(b.new) - Number(a.new) ||
      (place(a) < place(b) ? -1 : place(a) > place(b) ? 1 : 0),
  );
}

/** One line per finding, aligned; a finding whose rule gives no separate fix keeps its whole message below it. */
function findingRows(findings: readonly Finding[], markOld: boolean): string[] {
  const rows = findings.map((f) => [
    f.severity.toUpperCase(),
    f.ruleId,
    f.route ? routeLabel(f.route) : '',
    `at ${printable(locationLabel(f.location))}${markOld && !f.new ? ' (already on the base)' : ''}${
      f.suppressed ? ` (suppressed: ${printable(f.suppressed.reason)})` : ''
    }`,
  ]);
  const lines = table(rows);
  return findings.flatMap((f, i) => [
    `  ${lines[i]}`,
    ...((f.why ?? (f.fix === undefined ? f.message : ''))
      ? [`      Why: ${printable(f.why ?? f.message)}`]
      : []),
  ]);
}

/** Each remedy once, with the rule and how many findings it fixes, most severe first. */
function fixLines(ranked: readonly Finding[]): string[] {
  const groups = new Map<string, { ruleId: string; fix: string; count: number }>();
  for (const f of ranked) {
    if (f.fix === undefined) continue;
    const key = `${f.ruleId}\u0000${f.fix}`;
    const group = groups.get(key) ?? { ruleId: f.ruleId, fix: f.fix, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].map(
    (g) => `  - ${g.ruleId}, ${plural(g.count, 'finding')}: ${printable(g.fix)}`,
  );
}

/** The first line: how many routes and findings. */
export function textHeadline(report: Report): string {
  const active = report.findings.filter((f) => !f.suppressed);
  return (
    `tokengate ${report.tool.version}: ${plural(report.routes.length, 'route')}, ` +
    `${plural(active.length, 'finding')}${active.length ? ` (${severityCounts(active)})` : ''}`
  );
}

/** The findings, most severe first, then each fix once, then the suppressed findings. */
export function textFindings(report: Report): string[] {
  const ranked = rankFindings(report.findings.filter((f) => !f.suppressed));
  const suppressed = rankFindings(report.findings.filter((f) => f.suppressed));
  const markOld = report.findings.some((f) => !f.new);
  const out: string[] = [];
  if (ranked.length) out.push('Findings, most severe first', ...findingRows(ranked, markOld));
  const fixes = fixLines(ranked);
  if (fixes.length) out.push('', 'How to fix', ...fixes);
  if (suppressed.length)
    out.push('', `Suppressed (${suppressed.length})`, ...findingRows(suppressed, markOld));
  return out;
}

/** Every route with its state, place and guard. The state comes first: tokengate's word, not the repository's. */
export function textRoutes(report: Report): string[] {
  if (!report.routes.length) return ['  no Flask routes found'];
  const rows = [['STATE', 'METHODS', 'PATH', 'LOCATION', 'GUARD']];
  for (const r of report.routes) {
    rows.push([
      r.auth.state,
      printable(r.methods.join(',')),
      printable(r.path),
      printable(locationLabel(r.location)),
      guardOf(r),
    ]);
  }
  return table(rows).map((l) => `  ${l}`);
}

/** The CLI's report: headline, ranked findings and fixes, the routes (up to a size, or `--routes`), notices, verdict. */
export function renderText(report: Report, options: TextOptions = {}): string {
  const out: string[] = [textHeadline(report)];
  const findings = textFindings(report);
  if (findings.length) out.push('', ...findings);
  if (options.allRoutes || report.routes.length <= ROUTE_TABLE_LIMIT) {
    out.push('', 'Routes', ...textRoutes(report));
  } else {
    out.push(
      '',
      `Routes: ${report.routes.length}, not listed above ${ROUTE_TABLE_LIMIT}; add --routes to list them.`,
    );
  }
  if (report.notices.length) out.push('', 'Notices', ...report.notices.map((n) => `  - ${noticeLine(n)}`));
  out.push('', renderVerdict(report.gate));
  return out.join('\n') + '\n';
}

/** A notice on one line: its file, if any, and its message. */
export function noticeLine(n: Notice): string {
  return printable(`${n.file ? `${n.file}: ` : ''}${n.message}`);
}

/** The gate's verdict in one line. */
export function renderVerdict(gate: Report['gate']): string {
  if (gate.failOn === 'none') return 'Gate: passed (fail-on none).';
  const unanalysed = unanalysedCount(gate);
  if (unanalysed) {
    return `Gate: failed, ${unanalysed} (see Notices), ${gate.counted} finding${gate.counted === 1 ? '' : 's'} at or above ${gate.failOn}.`;
  }
  if (!gate.failed) return `Gate: passed, no findings at or above ${gate.failOn}.`;
  return `Gate: failed, ${gate.counted} finding${gate.counted === 1 ? '' : 's'} at or above ${gate.failOn}.`;
}
