import type { Report } from '../types.js';

/**
 * The words every sink uses for Python files that were not analysed and failed the gate (gate.ts), so that the
 * log, the summary, the comment and the exit message say the same thing.
 */

/** `2 Python files not analysed`, or '' when none counted. */
export function unanalysedCount(gate: Report['gate']): string {
  const n = gate.unanalysed ?? 0;
  return n ? `${n} Python file${n === 1 ? '' : 's'} not analysed` : '';
}

/** What a reader of the report does about an unanalysed file. */
export const UNANALYSED_ADVICE =
  'A file the scan cannot see into could hold any route, so it fails the gate: make it analysable (under the size limit, text, parseable), or exclude it in .tokengate.yml (`exclude:`) if it is not application code.';
