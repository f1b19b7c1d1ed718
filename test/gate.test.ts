import { describe, expect, it } from 'vitest';
import { evaluateGate, maxSeverity } from '../src/gate.js';
import type { Finding, Severity } from '../src/types.js';

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

  // Each severity against each threshold: the boundary sits exactly at the threshold.
  const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
  it.each(ORDER.flatMap((failOn) => ORDER.map((severity) => [failOn, severity] as const)))(
    'fail-on %s with one %s finding',
    (failOn, severity) => {
      const fails = ORDER.indexOf(severity) >= ORDER.indexOf(failOn);
      expect(evaluateGate([finding(severity)], failOn)).toEqual({
        failOn,
        failed: fails,
        counted: fails ? 1 : 0,
      });
    },
  );

  it('never fails with fail-on none, and passes without findings', () => {
    expect(evaluateGate([finding('critical')], 'none')).toEqual({
      failOn: 'none',
      failed: false,
      counted: 0,
    });
    expect(evaluateGate([], 'info')).toEqual({ failOn: 'info', failed: false, counted: 0 });
    expect(maxSeverity([])).toBe('none');
  });

  it('counts only new findings', () => {
    expect(evaluateGate([finding('critical', { new: false }), finding('high')], 'high').counted).toBe(1);
  });

  it('does not count suppressed findings', () => {
    const findings = [finding('high', { suppressed: { kind: 'comment', reason: 'r' } })];
    expect(evaluateGate(findings, 'low').failed).toBe(false);
    expect(maxSeverity(findings)).toBe('none');
    expect(maxSeverity([...findings, finding('medium'), finding('low')])).toBe('medium');
  });
});
