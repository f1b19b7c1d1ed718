import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractModule } from './extract.js';
import type { ModuleIR } from './ir.js';
import { pythonParser, syntaxRoot } from './parser.js';

type PythonParser = Awaited<ReturnType<typeof pythonParser>>;

export interface SourceText {
  path: string;
  text: string;
}

/** A batch of files for one worker; `first` is the index of the batch's first file in the whole list. */
export interface ExtractRequest {
  first: number;
  files: SourceText[];
}

/** One result per file of the batch, in order. */
export interface ExtractReply {
  first: number;
  results: ExtractResult[];
}

/** The module picture of a file, or why it could not be analysed. */
export type ExtractResult = { module: ModuleIR } | { error: string };

/** Passed as workerData, so that the worker entry never mistakes another thread (a test runner's) for its own. */
export const WORKER_MARKER = 'tokengate-extract';

/** More threads than this cost memory (a parser and a wasm heap each) for little gain. */
export const MAX_THREADS = 8;
/**
 * Below this much source, starting workers (about 50 ms each: a thread, the wasm runtime, the grammar) costs
 * more than it saves.
 */
const PARALLEL_MIN_CHARS = 1024 * 1024;
/** Batches small enough to balance the load at the end, large enough that messaging stays cheap. */
const BATCH_CHARS = 128 * 1024;
const BATCH_FILES = 64;

/**
 * Parse one file and reduce it to its module picture, freeing the tree. The main thread and the workers run
 * exactly this, so the report does not depend on the number of threads.
 */
export function extractFile(parser: PythonParser, path: string, text: string): ExtractResult {
  try {
    const tree = parser.parse(text);
    let root;
    try {
      root = syntaxRoot(tree, text);
    } finally {
      tree.delete();
    }
    return { module: extractModule(path, text, root) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * How many threads extract `files`: `requested` when given (at least 1, at most MAX_THREADS), otherwise every
 * available core up to MAX_THREADS for a large tree and 1 for a small one.
 */
export function extractionThreads(files: readonly SourceText[], requested?: number): number {
  if (requested !== undefined && Number.isFinite(requested))
    return Math.min(Math.max(Math.floor(requested), 1), MAX_THREADS);
  let chars = 0;
  for (const f of files) chars += f.text.length;
  return chars < PARALLEL_MIN_CHARS ? 1 : Math.min(availableParallelism(), MAX_THREADS);
}

/** What extraction produced, and why worker threads could not help when they could not. */
export interface Extraction {
  results: ExtractResult[];
  /** Why the worker threads asked for did not run (missing entry, failed start, crash); empty when they did. */
  workerProblems: string[];
}

/**
 * The module picture of every file, in the order of `files`. With more than one thread, this thread and
 * `threads - 1` workers take batches of files from one queue; whatever a worker could not finish (it failed to
 * start, or died) is done in this thread afterwards, so the result is the same in every case. `joinWorkers:
 * false` leaves every batch to the workers (for checking what crosses between threads).
 */
export async function extractAll(
  files: readonly SourceText[],
  threads: number,
  { joinWorkers = true }: { joinWorkers?: boolean } = {},
): Promise<Extraction> {
  const results = new Array<ExtractResult | undefined>(files.length);
  const workerProblems: string[] = [];
  if (threads > 1 && files.length > 1) {
    const entry = workerEntry();
    if (entry) {
      const workers = Math.min(joinWorkers ? threads - 1 : threads, files.length);
      await extractInWorkers(files, workers, joinWorkers, entry, results, workerProblems);
    } else workerProblems.push('the worker script (worker.js) is not beside the bundle');
  }
  let parser: PythonParser | undefined;
  for (let i = 0; i < files.length; i++) {
    if (results[i]) continue;
    parser ??= await pythonParser();
    results[i] = extractFile(parser, files[i].path, files[i].text);
  }
  return { results: results as ExtractResult[], workerProblems };
}

interface WorkerEntry {
  url: URL;
  execArgv?: string[];
}

/**
 * The worker script beside this module: `worker.js` in a bundle, `worker.ts` when running from the sources
 * (with module hooks that transpile TypeScript). Undefined when a bundle was built without it. The URLs are
 * built from a parameter: ncc would copy a literal `new URL('./x', import.meta.url)` as an asset, and turn a
 * template literal into a context that bundles every file of this directory.
 */
function workerEntry(): WorkerEntry | undefined {
  const beside = (relative: string): URL => new URL(relative, import.meta.url);
  const fromSources = import.meta.url.endsWith('.ts');
  const url = beside(fromSources ? './worker.ts' : './worker.js');
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
  if (!fromSources) return { url };
  const hooks = beside('./source-hooks.mjs').href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
  return { url, execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`] };
}

function batchesOf(files: readonly SourceText[]): ExtractRequest[] {
  const batches: ExtractRequest[] = [];
  let current: ExtractRequest | undefined;
  let chars = 0;
  files.forEach((file, i) => {
    if (!current || current.files.length >= BATCH_FILES || chars >= BATCH_CHARS) {
      current = { first: i, files: [] };
      batches.push(current);
      chars = 0;
    }
    current.files.push({ path: file.path, text: file.text });
    chars += file.text.length;
  });
  return batches;
}

async function extractInWorkers(
  files: readonly SourceText[],
  workers: number,
  joinWorkers: boolean,
  entry: WorkerEntry,
  results: (ExtractResult | undefined)[],
  problems: string[],
): Promise<void> {
  const batches = batchesOf(files);
  let next = 0;
  const run = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(entry.url, {
        workerData: WORKER_MARKER,
        ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
      });
      let pending: ExtractRequest | undefined;
      const handOut = (): void => {
        pending = batches[next++];
        if (pending) worker.postMessage(pending);
        else void worker.terminate();
      };
      worker.on('message', (reply: ExtractReply) => {
        reply.results.forEach((result, i) => (results[reply.first + i] = result));
        handOut();
      });
      // A worker that fails leaves its batch unfinished; the main thread picks it up afterwards.
      worker.on('error', (err) => {
        problems.push(`a worker thread failed (${err.message})`);
        void worker.terminate();
      });
      worker.on('exit', (code) => {
        if (pending && !problems.length) problems.push(`a worker thread stopped early (exit code ${code})`);
        resolve();
      });
      handOut();
    });
  // This thread takes batches from the same queue between the workers' replies; what it extracts is never
  // copied between threads.
  const own = async (): Promise<void> => {
    if (!joinWorkers) return;
    const parser = await pythonParser();
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      const { first } = batch;
      batch.files.forEach((f, i) => (results[first + i] = extractFile(parser, f.path, f.text)));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([own(), ...Array.from({ length: workers }, run)]);
}
