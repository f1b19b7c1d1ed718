import type { FailOn } from './config.js';
import { SEVERITIES, type Finding, type Report, type Severity } from './types.js';

const RANK: Record<Severity, number> = Object.fromEntries(
  SEVERITIES.map((s, i) => [s, SEVERITIES.length - i]),
) as Record<Severity, number>;

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/** The gate: fail when any active (not suppressed) finding reaches `failOn`. */
export function evaluateGate(findings: readonly Finding[], failOn: FailOn): Report['gate'] {
  const counted =
    failOn === 'none'
      ? 0
      : findings.filter((f) => !f.suppressed && f.new && atLeast(f.severity, failOn)).length;
  return { failOn, failed: counted > 0, counted };
}

export function maxSeverity(findings: readonly Finding[]): Severity | 'none' {
  let best: Severity | 'none' = 'none';
  for (const f of findings) {
    if (f.suppressed) continue;
    if (best === 'none' || RANK[f.severity] > RANK[best]) best = f.severity;
  }
  return best;
}
