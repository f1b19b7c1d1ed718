import picomatch from 'picomatch';
import type { IgnoreEntry } from './config.js';
import type { Finding, Notice } from './types.js';

/**
 * Apply the config's `ignore` entries: a matching finding is kept and marked suppressed (listed, never dropped).
 * An entry past its `expires` date no longer applies, and says so.
 */
export function applyIgnores(
  findings: readonly Finding[],
  entries: readonly IgnoreEntry[],
  today: string,
): { findings: Finding[]; notices: Notice[] } {
  const notices: Notice[] = [];
  const live = entries.filter((e) => {
    if (e.expires && e.expires < today) {
      notices.push({
        message: `ignore entry for ${e.rule}${e.route ? ` on ${e.route}` : ''}${e.path ? ` in ${e.path}` : ''} expired on ${e.expires}; its findings count again.`,
      });
      return false;
    }
    return true;
  });
  const matchers = live.map((entry) => ({ entry, matches: ignoreMatcher(entry) }));
  const out = findings.map((f) => {
    if (f.suppressed) return f;
    const hit = matchers.find((m) => m.matches(f));
    return hit ? { ...f, suppressed: { kind: 'config' as const, reason: hit.entry.reason } } : f;
  });
  return { findings: out, notices };
}

/** Whether an `ignore` entry covers a finding (its rule, path glob and route), whatever its `expires`. */
export function ignoreMatcher(entry: IgnoreEntry): (f: Finding) => boolean {
  const path = entry.path ? picomatch(entry.path, { dot: true }) : undefined;
  const route = entry.route ? routeMatcher(entry.route) : undefined;
  return (f) =>
    (entry.rule === f.ruleId || entry.rule === '*') &&
    (!path || path(f.location.file)) &&
    (!route || (f.route !== undefined && route(f.route.methods, f.route.path)));
}

/** `/admin/**` or `DELETE /admin/<int:id>`: a path glob, optionally preceded by methods. */
function routeMatcher(spec: string): (methods: readonly string[], path: string) => boolean {
  const m = /^([A-Z,]+)\s+(\/.*)$/.exec(spec.trim());
  const methods = m ? m[1]!.split(',') : undefined;
  const glob = picomatch(m ? m[2]! : spec.trim(), { dot: true });
  return (routeMethods, path) => glob(path) && (!methods || routeMethods.some((x) => methods.includes(x)));
}
