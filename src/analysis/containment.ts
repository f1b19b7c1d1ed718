import type { Notice } from '../types.js';

/** The part of the analysis that failed on a file. */
export type FailedStage = 'modelling' | 'judging routes' | 'checking rules';

/** Work on one file that failed: the rest of the tree was analysed without it. */
export interface FileFailure {
  file: string;
  stage: FailedStage;
  error: string;
}

/**
 * Where the analysis failed, file by file. A failure (a defect of the analyser on code it did not foresee) is
 * confined to the work on the file it happened in: that work is left out, the rest of the scan, the report and
 * the gate carry on, and the file gets a notice.
 */
export class Failures {
  private readonly list: FileFailure[] = [];

  /** `body`'s result, or `fallback` when it throws (recorded as a failure of `file`). */
  attempt<T>(file: string, stage: FailedStage, fallback: T, body: () => T): T {
    try {
      return body();
    } catch (err) {
      this.add(file, stage, err);
      return fallback;
    }
  }

  /** `body` as a function of one item of `file(item)`, giving `[result]`, or `[]` when it throws. */
  each<A, T>(file: (item: A) => string, stage: FailedStage, body: (item: A) => T): (item: A) => T[] {
    return (item) => this.attempt(file(item), stage, [], () => [body(item)]);
  }

  add(file: string, stage: FailedStage, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    if (!this.list.some((f) => f.file === file && f.stage === stage)) this.list.push({ file, stage, error });
  }

  get all(): readonly FileFailure[] {
    return this.list;
  }
}

/**
 * One notice per file whose analysis failed, saying at which stage and how many of its routes the report still
 * holds (`routesIn`), so that a reader knows what to check by hand.
 */
export function failureNotices(
  failures: readonly FileFailure[],
  routesIn: (file: string) => number,
): Notice[] {
  const byFile = new Map<string, FileFailure[]>();
  for (const f of failures) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  return [...byFile].map(([file, list]) => {
    const n = routesIn(file);
    const held = n
      ? `the report holds ${n} route${n === 1 ? '' : 's'} of this file, which may be incomplete or misjudged`
      : 'the report holds no route of this file';
    const stages = list.map((f) => `${f.stage} (${f.error})`).join('; ');
    return {
      file,
      message: `partly analysed: the analyser failed while ${stages}; ${held}. Please report it with the file attached.`,
    };
  });
}
