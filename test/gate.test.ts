import { describe, expect, it } from 'vitest';
import { evaluateGate, maxSeverity } from '../src/gate.js';
import { renderText } from '../src/report/text.js';
import type { Finding, Report, Severity } from '../src/types.js';

function finding(severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-authentication',
    severity,
    confidence: 'likely',
    message: 'm',
    cwe: ['CWE-306'],
    location: { file: 'app.py', startLine: 3, endLine: 5 },
    route: { methods: ['GET'], path: '/x' },
    sources: ['static'],
    evidence: [],
    fingerprint: 'f',
    new: true,
    ...extra,
  };
}

describe('gate', () => {
  it.each([
    ['critical', 0],
    ['high', 1],
    ['medium', 2],
    ['low', 2],
    ['info', 3],
    ['none', 0],
  ] as const)('fail-on %s counts %i findings', (failOn, counted) => {
    const findings = [finding('high'), finding('medium'), finding('info')];
    expect(evaluateGate(findings, failOn)).toEqual({ failOn, failed: counted > 0, counted });
  });

  it('does not count suppressed findings', () => {
    const findings = [finding('high', { suppressed: { kind: 'comment', reason: 'r' } })];
    expect(evaluateGate(findings, 'low').failed).toBe(false);
    expect(maxSeverity(findings)).toBe('none');
    expect(maxSeverity([...findings, finding('medium'), finding('low')])).toBe('medium');
  });
});

describe('text report', () => {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '9.9.9' },
    routes: [
      {
        methods: ['GET'],
        path: '/x',
        endpoint: 'x',
        location: { file: 'app.py', startLine: 3, endLine: 5 },
        auth: { state: 'unprotected', mechanisms: [] },
        live: { status: 'not-probed', evidence: [] },
      },
      {
        methods: ['POST'],
        path: '/y',
        endpoint: 'y',
        location: { file: 'b.py', startLine: 8, endLine: 9 },
        auth: { state: 'protected', mechanisms: ['jwt_required()'] },
        live: { status: 'not-probed', evidence: [] },
      },
    ],
    findings: [finding('high'), finding('medium', { location: { file: 'b.py', startLine: 1, endLine: 2 } })],
    notices: [{ file: 'gen.py', message: 'skipped: binary content (NUL bytes).' }],
    gate: { failOn: 'high', failed: true, counted: 1 },
  };

  it('groups findings by file, lists every route with its guard, notices and the verdict', () => {
    const text = renderText(report);
    expect(text).toContain('tokengate 9.9.9: 2 routes, 2 findings (1 high, 1 medium)');
    expect(text).toMatch(
      /\napp\.py\n {2}HIGH {5}missing-authentication {2}GET \/x\n {11}m\n {11}app\.py:3\n/,
    );
    expect(text).toMatch(/\nb\.py\n {2}MEDIUM/);
    expect(text).toMatch(/GET\s+\/x\s+unprotected\s+app\.py:3\s+none\n/);
    expect(text).toMatch(/POST\s+\/y\s+protected\s+b\.py:8\s+jwt_required\(\)\n/);
    expect(text).toContain('gen.py: skipped: binary content (NUL bytes).');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Gate: failed, 1 finding at or above high.');
  });
});
