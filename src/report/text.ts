import type { Finding, Notice, Report, RouteReport } from '../types.js';
import { printable } from './escape.js';
import { hasRepositoryFile, locationLabel, NO_REPOSITORY_FILE } from './location.js';
import { unanalysedCount } from './unanalysed.js';

// The runner takes a line for a workflow command when it starts with `::` after blanks, so indenting is not enough:
// every line starts with tokengate's own words (a severity, a label, a state), and repository text goes through
// `printable` (one line, no control characters).

function severityCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
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

function findingLines(f: Finding): string[] {
  return [
    `  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}${f.route ? `  ${routeLabel(f.route)}` : ''}`,
    `           Why: ${printable(f.message)}`,
    `           At:  ${printable(locationLabel(f.location))}${f.suppressed ? `  (suppressed: ${printable(f.suppressed.reason)})` : ''}`,
  ];
}

/** The human-readable report: findings grouped by file, the route table, the verdict. */
export function renderText(report: Report): string {
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const out: string[] = [];
  out.push(
    `tokengate ${report.tool.version}: ${report.routes.length} route${report.routes.length === 1 ? '' : 's'}, ` +
      `${active.length} finding${active.length === 1 ? '' : 's'}${active.length ? ` (${severityCounts(active)})` : ''}`,
  );
  const byFile = new Map<string, Finding[]>();
  for (const f of active) {
    const file = hasRepositoryFile(f.location) ? f.location.file : `(${NO_REPOSITORY_FILE})`;
    byFile.set(file, [...(byFile.get(file) ?? []), f]);
  }
  for (const [file, findings] of byFile) {
    out.push('', `File: ${printable(file)}`);
    for (const f of findings) out.push(...findingLines(f));
  }
  if (suppressed.length) {
    out.push('', `Suppressed (${suppressed.length})`);
    for (const f of suppressed) out.push(...findingLines(f));
  }
  out.push('', 'Routes');
  if (report.routes.length) {
    // The state comes first: it is tokengate's word, where methods and path are the repository's.
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
    out.push(...table(rows).map((l) => `  ${l}`));
  } else {
    out.push('  no Flask routes found');
  }
  if (report.notices.length) {
    out.push('', 'Notices');
    for (const n of report.notices) out.push(`  - ${noticeLine(n)}`);
  }
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
