import type { Report } from '../types.js';

/** The JSON report of SPEC "JSON report": stable key order (as built), two-space indent. */
export function renderJson(report: Report): string {
  const ordered: Report = {
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    routes: report.routes,
    findings: report.findings,
    notices: report.notices,
    gate: report.gate,
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}
