import type { Evidence, Finding, Location, Notice, Report, RouteReport } from '../types.js';
import { printableJson } from './escape.js';

type Json = Record<string, unknown>;

/** The keys in the order of SPEC "JSON report", then any others in the order they were set. */
function ordered(value: object, keys: readonly string[]): Json {
  const source = value as Json;
  const out: Json = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  for (const [key, v] of Object.entries(source)) if (!(key in out) && v !== undefined) out[key] = v;
  return out;
}

const location = (l: Location): Json => ordered(l, ['file', 'startLine', 'endLine']);
const evidence = (e: Evidence): Json => ordered(e, ['method', 'url', 'status', 'probe']);

function route(r: RouteReport): Json {
  return ordered(
    {
      ...r,
      location: location(r.location),
      auth: ordered(r.auth, ['state', 'mechanisms', 'optional', 'publicReason', 'publicEvidence']),
      live: ordered({ ...r.live, evidence: r.live.evidence.map(evidence) }, ['status', 'evidence']),
    },
    ['methods', 'path', 'endpoint', 'location', 'auth', 'live'],
  );
}

function finding(f: Finding): Json {
  return ordered(
    {
      ...f,
      location: location(f.location),
      route: f.route && ordered(f.route, ['methods', 'path']),
      evidence: f.evidence.map(evidence),
      suppressed: f.suppressed && ordered(f.suppressed, ['kind', 'reason']),
    },
    [
      'ruleId',
      'severity',
      'confidence',
      'message',
      'fix',
      'cwe',
      'location',
      'route',
      'sources',
      'evidence',
      'fingerprint',
      'new',
      'suppressed',
    ],
  );
}

const notice = (n: Notice): Json => ordered(n, ['file', 'message']);

/**
 * The JSON report of SPEC "JSON report": keys in the spec's order whatever order the analysis set them in,
 * so reports of the same code compare equal as text; two-space indent, trailing newline.
 */
export function renderJson(report: Report): string {
  const out = {
    schemaVersion: report.schemaVersion,
    tool: ordered(report.tool, ['name', 'version']),
    routes: report.routes.map(route),
    findings: report.findings.map(finding),
    notices: report.notices.map(notice),
    gate: ordered(report.gate, ['failOn', 'failed', 'counted']),
  };
  return printableJson(JSON.stringify(out, null, 2)) + '\n';
}
