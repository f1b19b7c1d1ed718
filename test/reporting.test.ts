import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../src/gate.js';
import { mergeLive } from '../src/merge.js';
import { PER_LEVEL_LIMIT, selectAnnotations } from '../src/report/annotations.js';
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  renderComment,
  renderSummary,
  SUMMARY_LIMIT,
} from '../src/report/markdown.js';
import { upsertComment } from '../src/report/pr-comment.js';
import { renderSarif } from '../src/report/sarif.js';
import { RULES } from '../src/rules/index.js';
import { applyIgnores } from '../src/suppress.js';
import type { Finding, Report, RouteReport, Severity } from '../src/types.js';

function finding(severity: Severity, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-authentication',
    severity,
    confidence: 'likely',
    message: `route at ${line} is open`,
    cwe: ['CWE-306'],
    location: { file: 'api/views.py', startLine: line, endLine: line + 3 },
    route: { methods: ['DELETE'], path: `/items/${line}` },
    sources: ['static'],
    evidence: [],
    fingerprint: `fp${line}`,
    new: true,
    ...extra,
  };
}

function route(path: string, state: RouteReport['auth']['state'], mechanisms: string[] = []): RouteReport {
  return {
    methods: ['GET'],
    path,
    endpoint: path,
    location: { file: 'api/views.py', startLine: 1, endLine: 4 },
    auth: { state, mechanisms },
    live: { status: 'not-probed', evidence: [] },
  };
}

function report(findings: Finding[], routes: RouteReport[] = []): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '1.2.3' },
    routes,
    findings,
    notices: [],
    gate: evaluateGate(findings, 'high'),
  };
}

describe('annotations', () => {
  it('fills at most ten per level with new and severe findings first and counts the rest', () => {
    const findings = [
      ...Array.from({ length: 12 }, (_, i) => finding('high', 100 + i, { new: false })),
      ...Array.from({ length: 3 }, (_, i) => finding('critical', 200 + i)),
      finding('medium', 300),
      finding('high', 400, { suppressed: { kind: 'comment', reason: 'r' } }),
    ];
    const { annotations, omitted } = selectAnnotations(findings, 'svc/');
    const errors = annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(PER_LEVEL_LIMIT);
    expect(errors.slice(0, 3).map((a) => a.startLine)).toEqual([200, 201, 202]);
    expect(annotations.filter((a) => a.level === 'warning').map((a) => a.startLine)).toEqual([300]);
    expect(omitted).toBe(5);
    expect(errors[0]).toMatchObject({
      file: 'svc/api/views.py',
      title: 'tokengate critical: missing-authentication DELETE /items/200',
    });
    expect(errors[3]!.message).toContain('already present on the base branch');
  });
});

describe('markdown', () => {
  it('summarises the verdict, findings, suppressed ones and the route inventory', () => {
    const r = report(
      [
        finding('high', 10),
        finding('medium', 20, { new: false }),
        finding('low', 30, { suppressed: { kind: 'config', reason: 'behind VPN' } }),
      ],
      [route('/items', 'protected', ['jwt_required()']), route('/health', 'public')],
    );
    const md = renderSummary(r, { pathPrefix: 'svc/', omittedAnnotations: 4, docsBase: 'https://x/' });
    expect(md).toContain('**tokengate failed: 1 new finding at or above high.** 2 findings (1 new).');
    expect(md).toContain(
      '| high | [missing-authentication](https://x/docs/rules/missing-authentication.md) | `DELETE /items/10` | `svc/api/views.py:10` | static | yes |',
    );
    expect(md).toContain('4 more findings are not annotated');
    expect(md).toContain('### Suppressed (1)');
    expect(md).toContain(
      '| GET | `/items` | protected | jwt_required() | not-probed | `svc/api/views.py:1` |',
    );
    expect(md).toContain('| GET | `/health` | public | public: by design |');
  });

  it('stays under GitHub limits and says it was cut', () => {
    const many = Array.from({ length: 20000 }, (_, i) =>
      finding('high', i + 1, { message: 'x'.repeat(200) }),
    );
    const summary = renderSummary(report(many));
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary).toContain('The summary was cut');
    const comment = renderComment(report(many));
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment).toContain('The comment was cut');
  });

  it('says so when there is nothing to report', () => {
    const comment = renderComment(report([]));
    expect(comment).toContain('**tokengate passed: no new findings at or above high.** 0 findings (0 new).');
    expect(comment).toContain('No findings');
  });
});

describe('pull-request comment', () => {
  const api = (existing: { id: number; body: string }[], fail?: number) => {
    const calls: string[] = [];
    return {
      calls,
      list: async () => {
        if (fail) throw Object.assign(new Error('Resource not accessible by integration'), { status: fail });
        calls.push('list');
        return existing;
      },
      create: async (body: string) => {
        calls.push(`create ${body.slice(0, COMMENT_MARKER.length)}`);
      },
      update: async (id: number) => {
        calls.push(`update ${id}`);
      },
    };
  };

  it('creates the comment once, then updates it in place', async () => {
    const fresh = api([{ id: 1, body: 'LGTM' }]);
    expect(await upsertComment(fresh, `${COMMENT_MARKER}\nhi`)).toEqual({ action: 'created' });
    expect(fresh.calls).toEqual(['list', `create ${COMMENT_MARKER}`]);
    const again = api([
      { id: 1, body: 'LGTM' },
      { id: 9, body: `${COMMENT_MARKER}\nold` },
    ]);
    expect(await upsertComment(again, `${COMMENT_MARKER}\nnew`)).toEqual({ action: 'updated' });
    expect(again.calls).toEqual(['list', 'update 9']);
  });

  it('turns a 403 into one warning naming the permission', async () => {
    const outcome = await upsertComment(api([], 403), 'x');
    expect(outcome).toMatchObject({ action: 'skipped' });
    expect((outcome as { warning: string }).warning).toContain('needs `pull-requests: write`');
  });
});

describe('config ignores', () => {
  it('suppresses matching findings, lists them, and stops applying expired entries', () => {
    const findings = [finding('high', 10), finding('high', 20), finding('high', 30)];
    const { findings: out, notices } = applyIgnores(
      findings,
      [
        { rule: 'missing-authentication', route: 'DELETE /items/10', reason: 'internal only' },
        { rule: '*', path: 'api/**', route: '/items/2*', reason: 'old', expires: '2026-01-01' },
        { rule: 'jwt-no-expiry', route: '/items/30', reason: 'other rule' },
      ],
      '2026-11-22',
    );
    expect(out.map((f) => f.suppressed?.reason ?? 'active')).toEqual(['internal only', 'active', 'active']);
    expect(out).toHaveLength(3);
    expect(notices).toEqual([
      {
        message: 'ignore entry for * on /items/2* in api/** expired on 2026-01-01; its findings count again.',
      },
    ]);
  });
});

describe('merge with live results', () => {
  it('confirms, adds live-only findings, and downgrades what the deployment contradicts', () => {
    const routes = [
      { ...route('/items/10', 'unprotected'), methods: ['DELETE'] },
      route('/reports', 'protected', ['before_request require_token']),
      route('/me', 'protected', ['jwt_required()']),
      { ...route('/items/20', 'unprotected'), methods: ['DELETE'] },
    ];
    const ev = (path: string, status: number) => [
      { method: 'GET', url: `https://preview.example${path}`, status, probe: 'no-token' },
    ];
    const merged = mergeLive(
      routes,
      [finding('high', 10), finding('high', 20), finding('high', 10)],
      [
        { route: { methods: ['DELETE'], path: '/items/10' }, status: 'open', evidence: ev('/items/10', 200) },
        { route: { methods: ['GET'], path: '/reports' }, status: 'open', evidence: ev('/reports', 200) },
        { route: { methods: ['GET'], path: '/me' }, status: 'closed', evidence: ev('/me', 401) },
        {
          route: { methods: ['DELETE'], path: '/items/20' },
          status: 'closed',
          evidence: ev('/items/20', 401),
        },
      ],
    );
    expect(
      merged.findings.map(
        (f) => `${f.ruleId} ${f.route?.path} ${f.severity} ${f.confidence} ${f.sources.join('+')}`,
      ),
    ).toEqual([
      'missing-authentication /items/10 critical confirmed static+live',
      'missing-authentication /items/20 high possible static',
      'auth-hook-fails-open /reports high confirmed live',
    ]);
    expect(merged.findings[1]!.message).toContain('something outside the code');
    expect(merged.routes.map((r) => r.live.status)).toEqual(['open', 'open', 'closed', 'closed']);
  });
});

describe('SARIF', () => {
  it("is valid SARIF 2.1.0 for code scanning, per Microsoft's validator", () => {
    const r = report([
      finding('critical', 10),
      finding('medium', 20, { suppressed: { kind: 'comment', reason: 'r' } }),
    ]);
    const sarif = renderSarif(
      r,
      RULES.map((x) => x.meta),
      'svc/',
      'https://x/',
    );
    const log = JSON.parse(sarif);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(RULES.map((x) => x.meta.id));
    const rule = run.tool.driver.rules[0];
    expect(rule.helpUri).toBe('https://x/docs/rules/missing-authentication.md');
    expect(rule.help.text).toContain('Fix:');
    expect(rule.properties).toMatchObject({
      'security-severity': '8.0',
      tags: ['security', 'external/cwe/cwe-306'],
    });
    expect(run.results[0]).toMatchObject({
      ruleId: 'missing-authentication',
      level: 'error',
      partialFingerprints: { 'tokengate/v1': 'fp10' },
      properties: { 'security-severity': '9.5' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'svc/api/views.py' },
            region: { startLine: 10, endLine: 13 },
          },
        },
      ],
    });
    expect(run.results[1].suppressions).toEqual([{ kind: 'inSource', justification: 'r' }]);

    const dir = mkdtempSync(join(tmpdir(), 'tokengate-sarif-'));
    const file = join(dir, 'out.sarif');
    writeFileSync(file, sarif);
    const out = execFileSync(
      join(import.meta.dirname, '..', 'node_modules', '.bin', 'sarif-multitool'),
      ['validate', file],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('Analysis completed successfully');
    expect(out).not.toMatch(/: error /);
  });
});
