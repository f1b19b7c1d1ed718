import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { expect, it, vi } from 'vitest';
import { syntheticCodeBase } from '../bench/synthetic.js';
import { nodeNames, pythonParser } from '../src/analysis/parser.js';
import {
  MAX_THREADS,
  ParseStream,
  WorkerPool,
  batchesOf,
  extractAll,
  extractionThreads,
  parseFile,
  threadsFor,
} from '../src/analysis/workers.js';

/**
 * Every value of a graph with its path, key order, Map and Set contents, and which objects are shared (`ref`):
 * two graphs with equal lines are the same picture. (A deep equality walk over these cyclic graphs is far too
 * slow, and v8.serialize bytes differ with string representation.)
 */
function lines(value: unknown, path = '$', seen = new Map<object, number>(), out: string[] = []): string[] {
  if (value === null || typeof value !== 'object') {
    out.push(`${path} = ${typeof value} ${String(value)}`);
    return out;
  }
  const ref = seen.get(value);
  if (ref !== undefined) {
    out.push(`${path} = ref ${ref}`);
    return out;
  }
  seen.set(value, seen.size);
  if (value instanceof Set) out.push(`${path} = Set ${JSON.stringify([...value])}`);
  else if (value instanceof Map) {
    out.push(`${path} = Map ${value.size}`);
    for (const [k, v] of value) lines(v, `${path}.get(${JSON.stringify(k)})`, seen, out);
  } else {
    out.push(`${path} = ${Array.isArray(value) ? 'Array' : 'Object'} ${Object.keys(value).join(',')}`);
    for (const [k, v] of Object.entries(value)) lines(v, `${path}.${k}`, seen, out);
  }
  return out;
}

it('makes the same module pictures from trees parsed in worker threads, cyclic scope links intact', async () => {
  const files = syntheticCodeBase({ files: 40, seed: 3 });
  const [one, two] = await Promise.all([extractAll(files, 1), extractAll(files, 2, { callerParses: false })]);
  const inThread = one.results;
  const inWorkers = two.results;
  expect(two.workerProblems).toEqual([]);
  expect(inWorkers).toHaveLength(files.length);
  inWorkers.forEach((result, i) => expect(lines(result)).toEqual(lines(inThread[i])));
  for (const [i, result] of inWorkers.entries()) {
    if (!('module' in result)) throw new Error(`${files[i].path}: ${result.error}`);
    const mod = result.module;
    expect(mod.file).toBe(files[i].path);
    expect(mod.scope.module).toBe(mod);
    expect(mod.scope.functions).toBeInstanceOf(Map);
    for (const fn of mod.allFunctions) {
      expect(fn.scope.owner).toBe(fn);
      expect(fn.scope.module).toBe(mod);
      expect(fn.scope.params).toBeInstanceOf(Set);
    }
    // Functions defined at module level are the very objects listed in allFunctions, not copies.
    for (const fn of mod.scope.functions.values()) expect(mod.allFunctions).toContain(fn);
  }
});

it('parses a small tree in the calling thread and a large one on every core', () => {
  expect(extractionThreads([{ path: 'app.py', text: 'x = 1\n' }])).toBe(1);
  const large = syntheticCodeBase({ files: 400 });
  expect(extractionThreads(large)).toBe(Math.min(availableParallelism(), MAX_THREADS));
  expect(extractionThreads(large, 1)).toBe(1);
  expect(extractionThreads(large, 0)).toBe(1);
  expect(extractionThreads(large, 1000)).toBe(MAX_THREADS);
});

it('streams parsed trees in order, with workers parsing ahead within a look-ahead', async () => {
  // 300 files make a few dozen batches: more than the look-ahead, so workers wait for the caller to catch up.
  const files = syntheticCodeBase({ files: 300, seed: 5 });
  const parser = await pythonParser();
  const local = files.map((f) => parseFile(parser, f.text));
  for (const threads of [1, 3]) {
    const stream = await ParseStream.open(files, threads);
    try {
      for (let k = 0; k < files.length; k++) {
        const parsed = await stream.get(k);
        const expected = local[k]!;
        if (!('flat' in parsed) || !('flat' in expected)) throw new Error(`${files[k]!.path} did not parse`);
        expect(parsed.flat.count).toBe(expected.flat.count);
        expect(Buffer.from(parsed.flat.data.buffer).equals(Buffer.from(expected.flat.data.buffer))).toBe(
          true,
        );
        // Every 40th file: the caller is slow, the workers stay within the look-ahead and still deliver.
        if (k % 40 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(stream.problems).toEqual([]);
    } finally {
      stream.close();
    }
  }
});

it('parses in the calling thread what a worker that died left, and says why', async () => {
  const files = syntheticCodeBase({ files: 300, seed: 6 });
  const parser = await pythonParser();
  const stream = await ParseStream.open(files, 2);
  try {
    const first = await stream.get(0);
    expect('flat' in first).toBe(true);
    // Kill the worker while it holds batches (white box: the stream's own list of workers).
    const { workers } = stream as unknown as { workers: { worker: { terminate(): Promise<number> } }[] };
    expect(workers).toHaveLength(1);
    await workers[0]!.worker.terminate();
    for (let k = 1; k < files.length; k++) {
      const parsed = await stream.get(k);
      const expected = parseFile(parser, files[k]!.text);
      if (!('flat' in parsed) || !('flat' in expected)) throw new Error(`${files[k]!.path} did not parse`);
      expect(Buffer.from(parsed.flat.data.buffer).equals(Buffer.from(expected.flat.data.buffer))).toBe(true);
    }
    // Terminated while it still starts up, a worker exits with code 0; once running, with 1.
    expect(stream.problems).toHaveLength(1);
    expect(stream.problems[0]).toMatch(/^a worker thread stopped early \(exit code [01]\)$/);
  } finally {
    stream.close();
  }
});

it('starts workers early only for a tree large enough for them, as many as the scan will use', () => {
  const cores = Math.min(availableParallelism(), MAX_THREADS);
  expect(WorkerPool.workersFor(1024 * 1024 - 1)).toBe(0);
  expect(WorkerPool.workersFor(1024 * 1024)).toBe(cores - 1);
  expect(WorkerPool.workersFor(1024 * 1024, 3)).toBe(2);
  expect(WorkerPool.workersFor(1024 * 1024, 1)).toBe(0);
  expect(WorkerPool.workersFor(100, 3)).toBe(0);
  expect(threadsFor(1024 * 1024)).toBe(cores);
  expect(threadsFor(10, 4)).toBe(4);
});

it('parses with the workers started early, and stops those no stream took', async () => {
  const files = syntheticCodeBase({ files: 200, seed: 7 });
  const one = await extractAll(files, 1);
  const pool = new WorkerPool(3);
  expect(pool.size).toBe(3);
  // Two threads and the caller parsing nothing: two workers, both taken from the pool, parse every batch.
  const pooled = await extractAll(files, 2, { callerParses: false, pool });
  expect(pooled.workerProblems).toEqual([]);
  expect(pool.size).toBe(1);
  pooled.results.forEach((result, i) => expect(lines(result)).toEqual(lines(one.results[i])));
  const { idle } = pool as unknown as { idle: { worker: Worker }[] };
  const left = idle[0]!.worker;
  const exited = new Promise<number>((resolve) => left.once('exit', resolve));
  pool.close();
  expect(pool.size).toBe(0);
  await exited;
});

it('parses in the calling thread when a worker started early died before it was taken, and says why', async () => {
  const files = syntheticCodeBase({ files: 120, seed: 8 });
  const one = await extractAll(files, 1);
  const pool = new WorkerPool(1);
  const { idle } = pool as unknown as { idle: { worker: Worker }[] };
  await idle[0]!.worker.terminate();
  // Let the exit event reach the pool (it is what records the failure).
  await new Promise((resolve) => setImmediate(resolve));
  const after = await extractAll(files, 2, { pool });
  expect(after.workerProblems).toHaveLength(1);
  expect(after.workerProblems[0]).toMatch(/^a worker thread stopped early \(exit code \d+\)$/);
  after.results.forEach((result, i) => expect(lines(result)).toEqual(lines(one.results[i])));
});

it('hands workers started early small batches first, and leaves the caller none to parse', async () => {
  const files = syntheticCodeBase({ files: 300, seed: 12 });
  const sizes = (rampUp: boolean): number[] => batchesOf(files, rampUp).map((b) => b.files.length);
  const plain = sizes(false);
  const ramped = sizes(true);
  expect(plain.reduce((a, b) => a + b, 0)).toBe(files.length);
  expect(ramped.reduce((a, b) => a + b, 0)).toBe(files.length);
  // 64 files or 128K characters a batch, and with the ramp 1/16, 1/8, 1/4, 1/2 of that first.
  expect(plain[0]).toBeGreaterThan(16);
  expect(ramped[0]).toBeLessThanOrEqual(plain[0]! / 4);
  expect(ramped.slice(0, 4).every((n) => n < plain[0]!)).toBe(true);
  expect(ramped[4]).toBeGreaterThan(ramped[3]!);
  const state = (stream: ParseStream): string[] => (stream as unknown as { state: string[] }).state;
  const fresh = await ParseStream.open(files, 2);
  const early = await ParseStream.open(files, 2, { pool: new WorkerPool(1) });
  try {
    expect(state(fresh)[0]).toBe('reserved');
    expect(state(early)[0]).toBe('taken');
    for (let k = 0; k < files.length; k++) expect('flat' in (await early.get(k))).toBe(true);
    expect(early.problems).toEqual([]);
  } finally {
    fresh.close();
    early.close();
  }
});

it('reads the trees workers parsed with the names they send, never loading a parser in the calling thread', async () => {
  const files = syntheticCodeBase({ files: 60, seed: 9 });
  const one = await extractAll(files, 1);
  // A fresh copy of the modules: a calling thread that has not loaded a parser yet.
  vi.resetModules();
  const parser = await import('../src/analysis/parser.js');
  const fresh = await import('../src/analysis/workers.js');
  expect(parser.nodeNames()).toBeUndefined();
  const pooled = await fresh.extractAll(files, 2, { pool: new fresh.WorkerPool(1) });
  expect(pooled.workerProblems).toEqual([]);
  pooled.results.forEach((result, i) => expect(lines(result)).toEqual(lines(one.results[i])));
  expect(parser.parserStarted()).toBe(false);
  expect(parser.nodeNames()).toBeUndefined();
});

it('refuses node names that differ from the ones the calling thread reads trees with', async () => {
  await pythonParser();
  const own = nodeNames()!;
  expect(own.types).toContain('call');
  vi.resetModules();
  const parser = await import('../src/analysis/parser.js');
  const copy = structuredClone(own);
  expect(parser.adoptNodeNames(copy)).toBe(true);
  expect(parser.adoptNodeNames(structuredClone(own))).toBe(true);
  const renamed = structuredClone(own);
  renamed.types[renamed.types.indexOf('call')] = 'invocation';
  expect(parser.adoptNodeNames(renamed)).toBe(false);
  const field = structuredClone(own);
  field.fieldIds.set('function', own.fieldIds.get('function')! + 1);
  expect(parser.adoptNodeNames(field)).toBe(false);
  // The names taken first stay: the calling thread keeps reading trees with them.
  expect(parser.adoptNodeNames(structuredClone(own))).toBe(true);
});
