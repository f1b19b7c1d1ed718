import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractModule } from './extract.js';
import type { ModuleIR } from './ir.js';
import { type FlatData, type NodeNames, adoptNodeNames, flatten, pythonParser, rootOf } from './parser.js';
import type { PhaseTimings } from './timings.js';

type PythonParser = Awaited<ReturnType<typeof pythonParser>>;

export interface SourceText {
  path: string;
  text: string;
}

/** A batch of files for one worker; `first` is the index of the batch's first file in the whole list. */
export interface ParseRequest {
  first: number;
  files: SourceText[];
}

/**
 * One result per file of the batch, in order: the flattened tree, which the calling thread extracts. A worker's
 * first reply also carries the names its trees are read with.
 */
export interface ParseReply {
  first: number;
  results: ParseResult[];
  names?: NodeNames;
}

/** The flattened tree of a file, or why it could not be parsed. */
export type ParseResult = { flat: FlatData } | { error: string };

/** The module picture of a file, or why it could not be analysed. */
export type ExtractResult = { module: ModuleIR } | { error: string };

/** Passed as workerData, so that the worker entry never mistakes another thread (a test runner's) for its own. */
export const WORKER_MARKER = 'tokengate-parse';

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
const RAMP_STEPS = 4;

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
 * thread, whichever thread parsed the file, so the report does not depend on the number of threads. It consumes
 * `parsed`: the flat tree's buffer is freed (detached) on return.
 */
export function extractParsed(path: string, text: string, parsed: ParseResult): ExtractResult {
  if ('error' in parsed) return parsed;
  try {
    return { module: extractModule(path, text, rootOf(parsed.flat, text)) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    release(parsed.flat.data.buffer as ArrayBuffer);
  }
}

/**
 * Free a flat tree's memory now. A tree that came from a worker waited in a message or a queue long enough for
 * its ArrayBuffer to reach the old generation, whose memory comes back only at a full collection: on the
 * benchmark tree they held about 35 MiB at the peak. Transferring the buffer to a clone that is dropped at once
 * detaches it and leaves its memory to a young object, freed at the next scavenge.
 */
function release(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

/**
 * How many threads parse `files`: `requested` when given (at least 1, at most MAX_THREADS), otherwise every
 * available core up to MAX_THREADS for a large tree and 1 for a small one.
 */
export function extractionThreads(files: readonly SourceText[], requested?: number): number {
  let chars = 0;
  for (const f of files) chars += f.text.length;
  return threadsFor(chars, requested);
}

/** How many threads parse files of `chars` characters in all (see extractionThreads). */
export function threadsFor(chars: number, requested?: number): number {
  if (requested !== undefined && Number.isFinite(requested))
    return Math.min(Math.max(Math.floor(requested), 1), MAX_THREADS);
  return chars < PARALLEL_MIN_CHARS ? 1 : Math.min(availableParallelism(), MAX_THREADS);
}

/**
 * Worker threads started early, while the files are still being read and filtered, so that they are ready to
 * parse when the first batch is known (a thread, the wasm runtime and the grammar take about 50 ms of CPU, and
 * longer while the other core is busy); a ParseStream takes them. `workersFor` tells how many a tree this large
 * so far will have: as many threads as threadsFor would give it, less the calling thread. The filter may still
 * keep too little for workers to pay; those not taken are stopped by `close`.
 */
export class WorkerPool {
  private readonly idle: PooledWorker[] = [];

  constructor(count: number) {
    const entry = count > 0 ? workerEntry() : undefined;
    if (!entry) return;
    for (let i = 0; i < count; i++) {
      const pooled: PooledWorker = { worker: spawn(entry) };
      // Until a ParseStream takes it, a failure is only remembered (an unheard 'error' would end the process).
      pooled.worker.once('error', (err) => (pooled.failure ??= workerFailed(err)));
      pooled.worker.once('exit', (code) => (pooled.failure ??= workerStopped(code)));
      this.idle.push(pooled);
    }
  }

  /** How many workers a tree of `chars` characters (so far) would parse with, given `requested` threads. */
  static workersFor(chars: number, requested?: number): number {
    return chars >= PARALLEL_MIN_CHARS ? threadsFor(chars, requested) - 1 : 0;
  }

  get size(): number {
    return this.idle.length;
  }

  take(): PooledWorker | undefined {
    return this.idle.shift();
  }

  /** Stop the workers no one took. */
  close(): void {
    for (const { worker } of this.idle.splice(0)) void worker.terminate();
  }
}

interface PooledWorker {
  worker: Worker;
  failure?: string;
}

function spawn(entry: WorkerEntry): Worker {
  return new Worker(entry.url, {
    workerData: WORKER_MARKER,
    ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
  });
}

function workerFailed(err: Error): string {
  return `a worker thread failed (${err.message})`;
}

function workerStopped(code: number): string {
  return `a worker thread stopped early (exit code ${code})`;
}

/** What extraction produced, and why worker threads could not help when they could not. */
export interface Extraction {
  results: ExtractResult[];
  /** Why the worker threads asked for did not run (missing entry, failed start, crash); empty when they did. */
  workerProblems: string[];
}

/**
 * The module picture of every file, in the order of `files`, extracted in this thread from trees `threads - 1`
 * worker threads parse ahead (ParseStream); whatever a worker could not finish (it failed to start, or died) is
 * parsed in this thread, so the result is the same in every case. `callerParses: false` leaves every batch to
 * `threads` workers while any runs (for checking what crosses between threads).
 */
export async function extractAll(
  files: readonly SourceText[],
  threads: number,
  { callerParses = true, pool, timings }: StreamOptions & { timings?: PhaseTimings } = {},
): Promise<Extraction> {
  const stream = await ParseStream.open(files, threads, { callerParses, pool });
  try {
    const results: ExtractResult[] = [];
    for (let k = 0; k < files.length; k++) {
      timings?.enter('parse');
      const parsed = await stream.get(k);
      timings?.enter('extract');
      results.push(extractParsed(files[k]!.path, files[k]!.text, parsed));
    }
    return { results, workerProblems: stream.problems };
  } finally {
    stream.close();
  }
}

export interface StreamOptions {
  /** Leave every batch to the workers while any runs (for tests of what crosses between threads). */
  callerParses?: boolean;
  /** Workers started early (analyze.ts), taken before any is started. */
  pool?: WorkerPool;
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

/**
 * Batches of BATCH_FILES files or BATCH_CHARS characters. With `rampUp` the first ones are smaller (1/16, 1/8,
 * 1/4, 1/2 of that): a worker already running hands the caller its first trees after a few files, not a whole
 * batch.
 */
export function batchesOf(files: readonly SourceText[], rampUp: boolean): ParseRequest[] {
  const batches: ParseRequest[] = [];
  let current: ParseRequest | undefined;
  let chars = 0;
  let scale = 1;
  files.forEach((file, i) => {
    if (!current || current.files.length >= BATCH_FILES * scale || chars >= BATCH_CHARS * scale) {
      scale = rampUp ? Math.min(1, 2 ** (batches.length - RAMP_STEPS)) : 1;
      current = { first: i, files: [] };
      batches.push(current);
      chars = 0;
    }
    current.files.push({ path: file.path, text: file.text });
    chars += file.text.length;
  });
  return batches;
}

/**
 * The parsed trees of `files`, in order, for a caller that takes them one by one (`get`) and does more work with
 * each (groups.ts). `threads - 1` worker threads parse batches ahead of the caller, at most a few batches ahead
 * (the flat trees wait in memory); the caller parses a batch itself when it needs one no worker has taken. A
 * batch a worker could not finish (it failed or died) is parsed by the caller. The caller reads the workers' trees
 * with the node names they send, and loads a parser of its own only to parse a batch itself.
 */
export class ParseStream {
  /** Why the workers asked for did not run, or not to the end; empty when they did. */
  readonly problems: string[] = [];
  private readonly batches: ParseRequest[];
  private readonly batchOf: Int32Array;
  /** `reserved`: left to the caller. */
  private readonly state: ('queued' | 'reserved' | 'taken' | 'done')[];
  private readonly results: (ParseResult | undefined)[];
  private readonly arrivals = new Map<number, () => void>();
  private readonly workers: { worker: Worker; inFlight: Set<number>; dead: boolean }[] = [];
  /** The first batch no one has taken, and the batch the caller is at. */
  private next = 0;
  private position = 0;
  private readonly lookahead: number;
  /** Loaded when this thread first parses a batch: a caller whose workers parse every batch never loads one. */
  private parser: PythonParser | undefined;

  private constructor(
    files: readonly SourceText[],
    threads: number,
    private readonly callerParses: boolean,
    pool: WorkerPool | undefined,
  ) {
    // Workers started early are running by now: they take the first (smaller) batches, the caller none.
    const early = Math.min(pool?.size ?? 0, threads - (callerParses ? 1 : 0));
    this.batches = batchesOf(files, early > 0);
    this.batchOf = new Int32Array(files.length);
    this.batches.forEach((b, i) => this.batchOf.fill(i, b.first, b.first + b.files.length));
    this.state = this.batches.map(() => 'queued');
    this.results = new Array(files.length);
    const wanted = callerParses ? threads - 1 : threads;
    const workers = threads > 1 && this.batches.length > 1 ? Math.min(wanted, this.batches.length) : 0;
    this.lookahead = 2 * workers + 2;
    const entry = workers ? workerEntry() : undefined;
    if (workers && !entry) this.problems.push('the worker script (worker.js) is not beside the bundle');
    if (entry) {
      // Otherwise the caller parses the first batch while the workers start (a thread, the wasm runtime, the
      // grammar: long enough to parse a batch), rather than wait for it.
      if (callerParses && early === 0) {
        this.state[0] = 'reserved';
        this.advance();
      }
      for (let i = 0; i < workers; i++) this.start(pool?.take() ?? { worker: spawn(entry) });
    }
  }

  static async open(
    files: readonly SourceText[],
    threads: number,
    { callerParses = true, pool }: StreamOptions = {},
  ): Promise<ParseStream> {
    return new ParseStream(files, threads, callerParses, pool);
  }

  /** The parsed tree of file `k`; each is given once. */
  async get(k: number): Promise<ParseResult> {
    const b = this.batchOf[k]!;
    if (b !== this.position) {
      this.position = b;
      // Let the workers' replies in (a busy caller would not), so that they get their next batches.
      if (this.workers.length) await new Promise((resolve) => setImmediate(resolve));
      for (const w of this.workers) this.handOut(w);
    }
    for (;;) {
      const result = this.results[k];
      if (result) {
        this.results[k] = undefined;
        return result;
      }
      const state = this.state[b];
      const mine = state === 'reserved' || (state === 'queued' && (this.callerParses || !this.running()));
      if (!mine) await new Promise<void>((resolve) => this.arrivals.set(b, resolve));
      else if (this.parser) this.parseHere(b, this.parser);
      // Workers may take the batch while the parser loads: look again then.
      else this.parser = await pythonParser();
    }
  }

  /** Stop the workers. */
  close(): void {
    for (const w of this.workers) {
      w.dead = true;
      void w.worker.terminate();
    }
  }

  private parseHere(b: number, parser: PythonParser): void {
    const batch = this.batches[b]!;
    this.state[b] = 'taken';
    if (b === this.next) this.advance();
    batch.files.forEach((f, i) => (this.results[batch.first + i] = parseFile(parser, f.text)));
    this.state[b] = 'done';
  }

  private running(): boolean {
    return this.workers.some((w) => !w.dead);
  }

  private advance(): void {
    while (this.next < this.batches.length && this.state[this.next] !== 'queued') this.next++;
  }

  private start({ worker, failure }: PooledWorker): void {
    const w = { worker, inFlight: new Set<number>(), dead: false };
    this.workers.push(w);
    const fail = (problem: string): void => {
      if (w.dead) return;
      w.dead = true;
      this.problems.push(problem);
      void worker.terminate();
      // Its batches go back to the queue; the caller parses them when it comes to them.
      for (const b of w.inFlight) {
        this.state[b] = 'queued';
        this.wake(b);
      }
      w.inFlight.clear();
    };
    worker.on('message', (reply: ParseReply) => {
      if (reply.names && !adoptNodeNames(reply.names)) {
        fail('a worker thread parsed with a different grammar');
        return;
      }
      const b = this.batchOf[reply.first]!;
      w.inFlight.delete(b);
      reply.results.forEach((r, i) => (this.results[reply.first + i] = r));
      this.state[b] = 'done';
      this.wake(b);
      this.handOut(w);
    });
    worker.on('error', (err) => fail(workerFailed(err)));
    worker.on('exit', (code) => fail(workerStopped(code)));
    if (failure) fail(failure);
    else this.handOut(w);
  }

  /** Keep a worker two batches busy, within the look-ahead. */
  private handOut(w: (typeof this.workers)[number]): void {
    while (!w.dead && w.inFlight.size < 2 && this.next < this.batches.length) {
      const b = this.next;
      if (b >= this.position + this.lookahead) return;
      this.state[b] = 'taken';
      this.advance();
      w.inFlight.add(b);
      w.worker.postMessage(this.batches[b]);
    }
  }

  private wake(b: number): void {
    const resolve = this.arrivals.get(b);
    this.arrivals.delete(b);
    resolve?.();
  }
}
