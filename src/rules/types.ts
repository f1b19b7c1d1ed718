import { createHash } from 'node:crypto';
import type { Finding, Location, Severity } from '../types.js';
import type { AssessedRoute } from '../analysis/policy.js';
import type { HookRef } from '../analysis/flask.js';
import type { JwtIssue } from '../analysis/jwt.js';

export interface RuleMeta {
  id: string;
  title: string;
  /** Default severity; a rule may report lower or higher per finding as the catalogue says. */
  severity: Severity;
  cwe: string[];
  description: string;
  /** One sentence: what to change. */
  fix: string;
  docs: string;
}

export interface RuleContext {
  routes: readonly AssessedRoute[];
  hooks: readonly HookRef[];
  jwt: readonly JwtIssue[];
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): Finding[];
}

export function routeLabel(route: Pick<AssessedRoute, 'methods' | 'path'>): string {
  return `${route.methods.join(',')} ${route.path}`;
}

/** Stable across runs and unrelated edits: rule, route and the code's name, never line numbers. */
export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function suppression(ids: readonly string[], ruleId: string): Finding['suppressed'] {
  return ids.includes(ruleId) || ids.includes('*') || ids.includes('all')
    ? { kind: 'comment', reason: '# tokengate: ignore comment' }
    : undefined;
}

export function routeFinding(
  meta: RuleMeta,
  route: AssessedRoute,
  message: string,
  severity = meta.severity,
): Finding {
  const location: Location = {
    file: route.file,
    startLine: route.span.startLine,
    endLine: route.span.endLine,
  };
  const finding: Finding = {
    ruleId: meta.id,
    severity,
    confidence: 'likely',
    message,
    cwe: meta.cwe,
    location,
    route: { methods: route.methods, path: route.path },
    sources: ['static'],
    evidence: [],
    fingerprint: fingerprint(meta.id, route.methods.join(','), route.path, route.file, route.viewName),
    new: true,
  };
  const suppressed = suppression(route.suppressed, meta.id);
  if (suppressed) finding.suppressed = suppressed;
  return finding;
}

export function hookFinding(
  meta: RuleMeta,
  hook: HookRef,
  message: string,
  suppressedIds: readonly string[],
): Finding {
  const fn = hook.fn;
  const finding: Finding = {
    ruleId: meta.id,
    severity: meta.severity,
    confidence: 'likely',
    message,
    cwe: meta.cwe,
    location: { file: fn.scope.module.file, startLine: fn.span.startLine, endLine: fn.span.endLine },
    sources: ['static'],
    evidence: [],
    fingerprint: fingerprint(meta.id, fn.scope.module.file, fn.name),
    new: true,
  };
  const suppressed = suppression(suppressedIds, meta.id);
  if (suppressed) finding.suppressed = suppressed;
  return finding;
}

/** Findings for one JWT rule from the issues the JWT analysis found. */
export function jwtFindings(meta: RuleMeta, issues: readonly JwtIssue[]): Finding[] {
  return issues
    .filter((i) => i.ruleId === meta.id)
    .map((i) => {
      const finding: Finding = {
        ruleId: meta.id,
        severity: i.severity ?? meta.severity,
        confidence: 'likely',
        message: i.message,
        cwe: meta.cwe,
        location: { file: i.file, startLine: i.line, endLine: i.line },
        sources: ['static'],
        evidence: [],
        fingerprint: fingerprint(meta.id, i.file, i.code),
        new: true,
      };
      const suppressed = suppression(i.suppressed, meta.id);
      if (suppressed) finding.suppressed = suppressed;
      return finding;
    });
}
