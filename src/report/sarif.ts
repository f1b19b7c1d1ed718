import type * as Sarif from 'sarif';
import type { RuleMeta } from '../rules/types.js';
import { countedUnanalysed } from '../gate.js';
import type { Finding, Report, Severity } from '../types.js';
import { DOCS_BASE } from './docs.js';
import { hasRepositoryFile } from './location.js';
import { printableJson } from './escape.js';
import { UNANALYSED_ADVICE } from './unanalysed.js';

/** GitHub code scanning maps this number to critical/high/medium/low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

const LEVEL: Record<Severity, Sarif.Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

function rule(meta: RuleMeta, docsBase: string): Sarif.ReportingDescriptor {
  return {
    id: meta.id,
    name: meta.id
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.description}\n\nFix: ${meta.fix}`,
      markdown: `${meta.description}\n\n**Fix:** ${meta.fix}`,
    },
    helpUri: docsBase + meta.docs,
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[meta.severity],
      tags: ['security', ...meta.cwe.map((c) => `external/cwe/${c.toLowerCase()}`)],
      precision: 'high',
    },
  };
}

/**
 * A repository path as the relative URI reference SARIF requires (RFC 3986): each segment percent-encoded, so that a
 * space, `#`, `%` or a non-ASCII name is data, not a fragment or a broken escape (SARIF1002).
 */
function artifactUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function result(f: Finding, ruleIndex: number, pathPrefix: string): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(pathPrefix + f.location.file) },
          region: { startLine: f.location.startLine, endLine: f.location.endLine },
        },
      },
    ],
    partialFingerprints: { 'tokengate/v1': f.fingerprint },
    properties: {
      'security-severity': SECURITY_SEVERITY[f.severity],
      confidence: f.confidence,
      sources: f.sources,
      new: f.new,
      ...(f.route ? { route: `${f.route.methods.join(',')} ${f.route.path}` } : {}),
    },
  };
  if (f.suppressed) {
    out.suppressions = [
      { kind: f.suppressed.kind === 'comment' ? 'inSource' : 'external', justification: f.suppressed.reason },
    ];
  }
  return out;
}

/**
 * SARIF 2.1.0 for code scanning: every rule with help and a docs link, every finding at its repository file
 * (live results sit on the route's source lines, never on a URL), fingerprints that survive line moves.
 * `pathPrefix` turns paths relative to the scanned directory into paths relative to the repository root.
 * A finding with no repository file (a route only an OpenAPI document outside the repository declares) cannot be a
 * result — code scanning rejects the whole upload for one result without a file location — so it is counted in a
 * tool notification instead, and the JSON report and summary carry it.
 */
export function renderSarif(
  report: Report,
  rules: readonly RuleMeta[],
  pathPrefix = '',
  docsBase = DOCS_BASE,
): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const located = report.findings.filter((f) => hasRepositoryFile(f.location));
  const unlocated = report.findings.length - located.length;
  const notifications: Sarif.Notification[] = [
    ...(unlocated
      ? [
          {
            level: 'warning' as const,
            message: {
              text: `${unlocated} finding${unlocated === 1 ? ' is' : 's are'} on routes declared only in an OpenAPI document outside the repository: with no repository file to point at, they are not results here; the JSON report and the job summary list them.`,
            },
          },
        ]
      : []),
    ...unanalysedNotifications(report, pathPrefix),
  ];
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tokengate',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: docsBase.replace(/blob\/[^/]+\/$/, ''),
            rules: rules.map((r) => rule(r, docsBase)),
          },
        },
        results: located.map((f) => result(f, index.get(f.ruleId) ?? -1, pathPrefix)),
        ...(notifications.length
          ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] }
          : {}),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return printableJson(JSON.stringify(log, null, 2)) + '\n';
}

/**
 * Python files the scan could not analyse, counted by the gate: not results (they are no weakness of the code and
 * have no rule), but error notifications on the file, which code scanning shows as a problem of the analysis.
 */
function unanalysedNotifications(report: Report, pathPrefix: string): Sarif.Notification[] {
  return countedUnanalysed(report.notices).map((n) => ({
    level: 'error' as const,
    descriptor: { id: 'unanalysed-file' },
    message: { text: `${n.message} ${UNANALYSED_ADVICE}` },
    ...(n.file
      ? { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(pathPrefix + n.file) } } }] }
      : {}),
  }));
}
