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
  const matchers = live.map((e) => ({
    entry: e,
    path: e.path ? picomatch(e.path, { dot: true }) : undefined,
    route: e.route ? routeMatcher(e.route) : undefined,
  }));
  const out = findings.map((f) => {
    if (f.suppressed) return f;
    const hit = matchers.find(
      (m) =>
        (m.entry.rule === f.ruleId || m.entry.rule === '*') &&
        (!m.path || m.path(f.location.file)) &&
        (!m.route || (f.route !== undefined && m.route(f.route.methods, f.route.path))),
    );
    return hit ? { ...f, suppressed: { kind: 'config' as const, reason: hit.entry.reason } } : f;
  });
  return { findings: out, notices };
}

/** `/admin/**` or `DELETE /admin/<int:id>`: a path glob, optionally preceded by methods. */
function routeMatcher(spec: string): (methods: readonly string[], path: string) => boolean {
  const m = /^([A-Z,]+)\s+(\/.*)$/.exec(spec.trim());
  const methods = m ? m[1]!.split(',') : undefined;
  const glob = picomatch(m ? m[2]! : spec.trim(), { dot: true });
  return (routeMethods, path) => glob(path) && (!methods || routeMethods.some((x) => methods.includes(x)));
}
