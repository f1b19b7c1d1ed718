/**
 * A library name as name resolution keeps it: its first and last dotted parts (`flask.blueprints.Blueprint` →
 * `flask.Blueprint`), so that re-exports of a library agree.
 */
export function canonical(qn: string): string {
  // Found without splitting (this runs for every external name resolved).
  const first = qn.indexOf('.');
  const last = qn.lastIndexOf('.');
  if (first === last) return qn;
  return qn.slice(0, first) + qn.slice(last);
}
