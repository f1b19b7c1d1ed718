import { collectSources } from './files.js';
import { type Analysis, type AnalyzeOptions, analyzeSources } from './pipeline.js';

export type { Analysis, AnalyzeOptions } from './pipeline.js';

/** Parse every Python file once, build the cross-file Flask model, and run every rule on it. */
export async function analyze(root: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { files, notices } = await collectSources(root, {
    include: options.include,
    exclude: options.exclude,
    defaultExcludes: options.defaultExcludes,
    maxFileBytes: options.maxFileBytes,
  });
  return analyzeSources(files, options, notices);
}
