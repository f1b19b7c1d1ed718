/**
 * One benchmark measurement in a fresh process, so that its peak memory is its own. scripts/bench.mjs bundles
 * this file with ncc (as dist/ is built) and runs it:
 *   measure.js generate DIR FILES SEED   write the synthetic code base
 *   measure.js parse DIR                 bare web-tree-sitter: parse every file once, nothing else
 *   measure.js scan DIR WORKERS          the full static analysis, as the CLI runs it
 *   measure.js live URL ROUTES LIMITS    live probing of ROUTES routes on a local server, through the real client,
 *                                        with its default limits (LIMITS=default) or with them raised (raised)
 * and prints one JSON object on stdout.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze } from '../src/analysis/analyze.js';
import { collectSources } from '../src/analysis/files.js';
import { pythonParser } from '../src/analysis/parser.js';
import { PhaseTimings } from '../src/analysis/timings.js';
import { probeRoutes } from '../src/live/probe.js';
import type { RouteReport } from '../src/types.js';
import { syntheticCodeBase } from './synthetic.js';

function usage(): { cpuMs: number; maxRssMiB: number } {
  const u = process.resourceUsage();
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMiB: u.maxRSS / 1024 };
}

async function main(argv: string[]): Promise<object> {
  const [mode, dir, arg1, arg2] = argv;
  if (mode === 'generate' && dir) {
    const files = syntheticCodeBase({ files: Number(arg1), seed: Number(arg2) });
    for (const file of files) {
      const path = join(dir, ...file.path.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }
    return { files: files.length };
  }
  if (mode === 'parse' && dir) {
    const started = performance.now();
    const { files } = await collectSources(dir);
    const read = performance.now();
    const parser = await pythonParser();
    const ready = performance.now();
    let bytes = 0;
    for (const file of files) {
      parser.parse(file.text).delete();
      bytes += Buffer.byteLength(file.text);
    }
    const done = performance.now();
    return {
      files: files.length,
      bytes,
      readMs: read - started,
      initMs: ready - read,
      parseMs: done - ready,
      ...usage(),
    };
  }
  if (mode === 'scan' && dir) {
    const workers = arg1 === undefined || arg1 === 'auto' ? undefined : Number(arg1);
    const timings = new PhaseTimings();
    const started = performance.now();
    const analysis = await analyze(dir, { workers, timings });
    const scanMs = performance.now() - started;
    const json = JSON.stringify({
      routes: analysis.routes,
      findings: analysis.findings,
      notices: analysis.notices,
    });
    return {
      scanMs,
      routes: analysis.routes.length,
      findings: analysis.findings.length,
      notices: analysis.notices.length,
      reportSha256: createHash('sha256').update(json).digest('hex'),
      phases: timings.phases,
      ...usage(),
    };
  }
  if (mode === 'live' && dir && (arg2 === 'default' || arg2 === 'raised')) {
    const count = Number(arg1);
    const routes: RouteReport[] = Array.from({ length: count }, (_, i) => ({
      methods: ['GET'],
      path: `/api/r${i}/<int:item_id>`,
      endpoint: `r${i}`,
      location: { file: 'bench.py', startLine: i + 1, endLine: i + 1 },
      auth: { state: 'protected', mechanisms: ['jwt_required()'] },
      live: { status: 'not-probed', evidence: [] },
    }));
    // Raised: the server, not the client's pacing, sets the pace; the budget still bounds the run.
    const limits =
      arg2 === 'raised'
        ? { concurrency: 64, requestsPerSecond: 100_000, maxRequests: count * 20 + 1, deadlineMs: 120_000 }
        : {};
    const started = performance.now();
    const result = await probeRoutes(routes, { previewUrl: dir, limits });
    const wallMs = performance.now() - started;
    return {
      routes: count,
      requests: result.requests,
      wallMs,
      probesPerSecond: result.requests / (wallMs / 1000),
      closed: result.verdicts.filter((v) => v.status === 'closed').length,
      ...usage(),
    };
  }
  throw new Error(
    `usage: measure.js generate DIR FILES SEED | parse DIR | scan DIR WORKERS | live URL ROUTES default|raised (got ${argv.join(' ')})`,
  );
}

process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
