import type { FailOn } from './config.js';
import { SEVERITIES, type Finding, type Notice, type Report, type Severity } from './types.js';

const RANK: Record<Severity, number> = Object.fromEntries(
  SEVERITIES.map((s, i) => [s, SEVERITIES.length - i]),
) as Record<Severity, number>;

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/**
 * The gate: fail when any active (not suppressed) finding reaches `failOn`, or when a Python file the scan should
 * have analysed was not (and the base commit did not already have it unchanged), whatever `failOn` says but
 * `none`: a file the scan cannot see into could hold any route, so passing would let a pull request blind the gate.
 */
export function evaluateGate(
  findings: readonly Finding[],
  failOn: FailOn,
  notices: readonly Notice[] = [],
): Report['gate'] {
  if (failOn === 'none') return { failOn, failed: false, counted: 0 };
  const counted = findings.filter((f) => !f.suppressed && f.new && atLeast(f.severity, failOn)).length;
  const unanalysed = countedUnanalysed(notices).length;
  return { failOn, failed: counted > 0 || unanalysed > 0, counted, ...(unanalysed ? { unanalysed } : {}) };
}

/** The unanalysed-file notices that count for the gate: every one, but those the base commit had unchanged. */
export function countedUnanalysed(notices: readonly Notice[]): Notice[] {
  return notices.filter((n) => n.kind === 'unanalysed-file' && n.new !== false);
}

export function maxSeverity(findings: readonly Finding[]): Severity | 'none' {
  let best: Severity | 'none' = 'none';
  for (const f of findings) {
    if (f.suppressed) continue;
    if (best === 'none' || RANK[f.severity] > RANK[best]) best = f.severity;
  }
  return best;
}
