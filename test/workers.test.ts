import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { syntheticCodeBase } from '../bench/synthetic.js';
import { MAX_THREADS, extractAll, extractionThreads } from '../src/analysis/workers.js';

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
  const [one, two] = await Promise.all([extractAll(files, 1), extractAll(files, 2, { joinWorkers: false })]);
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
