import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { collectSources, DEFAULT_MAX_FILE_BYTES } from './files.js';
import { type Analysis, type AnalyzeOptions, analyzeSources } from './pipeline.js';
import { WorkerPool } from './workers.js';

export type { Analysis, AnalyzeOptions } from './pipeline.js';

/**
 * Parse every Python file once, build the cross-file Flask model, and run every rule on it. Once the files read
 * hold enough text for worker threads to pay, they are started (WorkerPool), to be ready when parsing begins.
 */
export async function analyze(root: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  let pool: WorkerPool | undefined;
  let chars = 0;
  options.timings?.enter('list');
  try {
    const { files, notices } = await collectSources(root, {
      include: options.include,
      exclude: options.exclude,
      defaultExcludes: options.defaultExcludes,
      maxFileBytes: options.maxFileBytes,
      onRead: (length) => {
        chars += length;
        const workers = pool ? 0 : WorkerPool.workersFor(chars, options.workers);
        if (workers > 0) pool = new WorkerPool(workers);
      },
    });
    return await analyzeSources(files, { readFile: treeReader(root), ...options }, notices, pool);
  } finally {
    options.timings?.enter(undefined);
    // analyzeSources stops the workers it did not use; this is for a walk that failed after they started.
    pool?.close();
  }
}

/** Reads a file of the tree by relative path: never through a symlink, never outside the root, never huge. */
function treeReader(root: string): (path: string) => string | undefined {
  let base: string;
  try {
    base = realpathSync(root);
  } catch {
    return () => undefined;
  }
  return (path) => {
    try {
      const abs = join(base, ...path.split('/'));
      const stat = lstatSync(abs);
      if (!stat.isFile() || stat.size > DEFAULT_MAX_FILE_BYTES) return undefined;
      const real = realpathSync(abs);
      if (real !== abs || !real.startsWith(base + sep)) return undefined;
      return readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  };
}
