import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { syntheticCodeBase } from '../bench/synthetic.js';
import { analyze } from '../src/analysis/analyze.js';
import { collectSources } from '../src/analysis/files.js';
import { type Analysis, analyzeSources } from '../src/analysis/pipeline.js';
import { PHASES, PhaseTimings } from '../src/analysis/timings.js';
import { renderJson } from '../src/report/json.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The worker counts of the WorkerPools analyze() starts while it reads a tree (a pass-through spy). */
const pools = vi.hoisted(() => [] as number[]);
vi.mock('../src/analysis/workers.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/analysis/workers.js')>();
  class WorkerPool extends real.WorkerPool {
    constructor(count: number) {
      super(count);
      pools.push(count);
    }
  }
  return { ...real, WorkerPool };
});

/** The fixture apps, the rule fixtures and a synthetic code base side by side: many apps, rules and notices. */
async function mixedTree(): Promise<{ path: string; text: string }[]> {
  const { files } = await collectSources(FIXTURES, { defaultExcludes: false });
  const broken = {
    path: 'broken/app.py',
    text: 'from flask import Flask\napp = Flask(\n@app.route("/x"\ndef x(:\n',
  };
  return [...files, ...syntheticCodeBase({ files: 120, seed: 7 }), broken];
}

function json(analysis: Analysis): string {
  return renderJson({
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '0.0.0' },
    routes: analysis.routes,
    findings: analysis.findings,
    notices: analysis.notices,
    gate: { failOn: 'high', failed: false, counted: 0 },
  });
}

/** A fixed permutation (no Math.random: a failure must be reproducible). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1, s = 12345; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

it('gives byte-identical JSON across runs, input orders and worker counts', async () => {
  const files = await mixedTree();
  const reference = json(await analyzeSources(files, { workers: 1 }));
  const parsed = JSON.parse(reference) as { routes: unknown[]; findings: unknown[]; notices: unknown[] };
  expect(parsed.routes.length).toBeGreaterThan(200);
  expect(parsed.findings.length).toBeGreaterThan(20);
  expect(parsed.notices).toContainEqual({
    file: 'broken/app.py',
    message: 'has syntax errors; analysed as far as the parser recovered.',
  });

  expect(json(await analyzeSources(files, { workers: 1 }))).toBe(reference);
  expect(json(await analyzeSources(shuffled(files), { workers: 1 }))).toBe(reference);
  expect(json(await analyzeSources(files, { workers: 2 }))).toBe(reference);
  expect(json(await analyzeSources(shuffled(files), { workers: 2 }))).toBe(reference);
});

it('gives byte-identical JSON analysed in groups of modules, in one thread or several, in any order', async () => {
  // Without the connexion fixture, which keeps a tree in one piece: each app and service is a group.
  const files = (await mixedTree()).filter((f) => !/connexion/i.test(f.text));
  const reference = json(await analyzeSources(files, { workers: 1, grouping: 'never' }));
  expect(JSON.parse(reference).routes.length).toBeGreaterThan(200);
  expect(json(await analyzeSources(files, { workers: 1, grouping: 'always' }))).toBe(reference);
  expect(json(await analyzeSources(files, { workers: 2, grouping: 'always' }))).toBe(reference);
  expect(json(await analyzeSources(shuffled(files), { workers: 3, grouping: 'always' }))).toBe(reference);
});

it('gives the same report for the same directory on disk, single-threaded and with two workers', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-determinism-'));
  for (const file of await mixedTree()) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.text);
  }
  const first = json(await analyze(root, { workers: 1 }));
  expect(json(await analyze(root, { workers: 2 }))).toBe(first);
  expect(json(await analyze(root, { workers: 1 }))).toBe(first);
});

it('starts the workers of a large tree while reading it, and gives the same report', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-determinism-'));
  const files = syntheticCodeBase({ files: 400, seed: 11 });
  expect(files.reduce((n, f) => n + f.text.length, 0)).toBeGreaterThan(1024 * 1024);
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.text);
  }
  pools.length = 0;
  const first = json(await analyze(root, { workers: 1 }));
  expect(pools).toEqual([]);
  expect(json(await analyze(root, { workers: 2 }))).toBe(first);
  expect(pools).toEqual([1]);
  // A small tree starts none, whatever the worker count.
  pools.length = 0;
  await analyze(join(FIXTURES, 'apps'), { workers: 3 });
  expect(pools).toEqual([]);
});

it('gives the same report when the benchmark times it phase by phase, and charges each phase its time', async () => {
  const root = join(FIXTURES, 'apps');
  const timings = new PhaseTimings();
  const started = performance.now();
  const timed = json(await analyze(root, { workers: 1, timings }));
  const wall = performance.now() - started;
  expect(timed).toBe(json(await analyze(root, { workers: 1 })));
  for (const phase of ['list', 'relevance', 'parse', 'extract', 'model', 'policy'] as const)
    expect(timings.phases[phase].wallMs, phase).toBeGreaterThan(0);
  const charged = PHASES.reduce((sum, p) => sum + timings.phases[p].wallMs, 0);
  // The phases follow each other: together they are the analysis, never more.
  expect(charged).toBeLessThanOrEqual(wall);
  expect(charged).toBeGreaterThan(wall * 0.5);
});
