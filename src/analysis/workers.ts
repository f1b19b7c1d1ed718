import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractModule } from './extract.js';
import type { ModuleIR } from './ir.js';
import { type FlatData, flatten, pythonParser, rootOf } from './parser.js';

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

/** One result per file of the batch, in order: the flattened tree, which the calling thread extracts. */
export interface ExtractReply {
  first: number;
  results: ParseResult[];
}

/** The flattened tree of a file, or why it could not be parsed. */
export type ParseResult = { flat: FlatData } | { error: string };

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

/** Parse one file and copy its tree out of wasm, freeing the tree. Worker threads run this. */
export function parseFile(parser: PythonParser, text: string): ParseResult {
  try {
    const tree = parser.parse(text);
    try {
      return { flat: flatten(tree, text) };
    } finally {
      tree.delete();
    }
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Reduce a parsed file to its module picture. Every module picture is made by this function in the calling
 * thread, whichever thread parsed the file, so the report does not depend on the number of threads.
 */
export function extractParsed(path: string, text: string, parsed: ParseResult): ExtractResult {
  if ('error' in parsed) return parsed;
  try {
    return { module: extractModule(path, text, rootOf(parsed.flat, text)) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Parse and extract one file in this thread. */
export function extractFile(parser: PythonParser, path: string, text: string): ExtractResult {
  return extractParsed(path, text, parseFile(parser, text));
}

/**
 * How many threads parse `files`: `requested` when given (at least 1, at most MAX_THREADS), otherwise every
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
  // Replies are extracted in this thread, whose parser must be loaded (its grammar reads the flat trees).
  await pythonParser();
  const run = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(entry.url, {
        workerData: WORKER_MARKER,
        ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
      });
      // Two batches in flight: the worker parses the next one while this thread extracts its last reply.
      let inFlight = 0;
      const handOut = (): void => {
        const batch = batches[next++];
        if (batch) {
          inFlight++;
          worker.postMessage(batch);
        } else if (!inFlight) void worker.terminate();
      };
      worker.on('message', (reply: ExtractReply) => {
        inFlight--;
        handOut();
        const { first } = reply;
        reply.results.forEach((parsed, i) => {
          const file = files[first + i]!;
          results[first + i] = extractParsed(file.path, file.text, parsed);
        });
      });
      // A worker that fails leaves its batches unfinished; the main thread picks them up afterwards.
      worker.on('error', (err) => {
        problems.push(`a worker thread failed (${err.message})`);
        void worker.terminate();
      });
      worker.on('exit', (code) => {
        if (inFlight && !problems.length) problems.push(`a worker thread stopped early (exit code ${code})`);
        resolve();
      });
      handOut();
      handOut();
    });
  // This thread takes batches from the same queue, and extracts the workers' replies between its own files.
  const own = async (): Promise<void> => {
    if (!joinWorkers) return;
    const parser = await pythonParser();
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      const { first } = batch;
      for (let i = 0; i < batch.files.length; i++) {
        const f = batch.files[i]!;
        results[first + i] = extractFile(parser, f.path, f.text);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  await Promise.all([own(), ...Array.from({ length: workers }, run)]);
}
