// npm run bench -- [DIR] [--corpus DIR] [--files N] [--scale 1,2,4] [--seed N] [--runs N] [--workers 1,2]
//                   [--no-bandit] [--live] [--live-routes 20,300]   (--help lists them)
//
// Measures the static scan against bare web-tree-sitter parsing of the same files, in the same run: on the five
// large real code bases of the development corpus when it is materialized (copied into one tree,
// .bench/real-<n>/), and on a deterministic synthetic Flask code base (.bench/tree-<files>-<seed>/), or on DIR
// alone. Each scan also reports where its time went, phase by phase, as the pipeline itself timed it
// (AnalyzeOptions.timings). The synthetic tree is also scanned at multiples of its size (--scale), to show whether
// the cost grows linearly with the files. The analysis is bundled with ncc the way dist/ is (worker entry
// included), and every measurement runs in a fresh process so that its peak memory is its own. Bandit (Debian
// python3-bandit) gets a column when it is installed. With --live, live probing is measured too: probes per second
// through the real client against a local server on 127.0.0.1 (its own process), with the client's default
// limits and with them raised, so the pacing, not the client, is the limit.
// Prints tables and writes .bench/results.json. Figures live here, never as timed assertions in tests.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, devNull, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ncc from '@vercel/ncc';
import { copyRuntimeFiles } from './runtime-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '.bench');
const buildDir = join(benchDir, 'build');

/** The largest code bases of the development corpus (../shared/corpus/inventory.json): real code at scale. */
const REAL_CODE_BASES = [
  'CTFd__CTFd',
  'getredash__redash',
  'Netflix__lemur',
  'alerta__alerta',
  'Netflix__security_monkey',
];
/** Linear when the CPU time per file of every larger tree is within 15% of the smallest's. */
const LINEAR_TOLERANCE = 1.15;

/** The phases the pipeline times (src/analysis/timings.ts), in order. */
const PHASES = ['list', 'relevance', 'parse', 'extract', 'model', 'policy', 'rules', 'report'];

const USAGE = `usage: npm run bench -- [DIR] [--corpus DIR] [--files N] [--scale 1,2,4] [--seed N] [--runs N]
                      [--workers 1,2] [--no-bandit] [--live] [--live-routes 20,300]
  DIR            measure this directory alone
  --corpus DIR   the materialized development corpus (default $TOKENGATE_CORPUS, else ../corpus-cache beside
                 the checkout); its five largest code bases are measured as one tree when it is there
  --files N      files of the synthetic code base (default 1500)
  --scale 1,2,4  multiples of --files the synthetic code base is also scanned at, one thread (default 1,2,4;
                 1 alone skips the curve)
  --seed N       its seed (default 1)
  --runs N       runs of each measurement; the median is reported (default 3)
  --workers 1,2  worker counts to scan with (default 1,2)
  --no-bandit    leave Bandit out
  --live         measure live probing too
  --live-routes  routes probed with the default limits and with them raised (default 20,300)`;

/** One sentence and exit code 2, for arguments the user got wrong. */
function usageError(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      corpus: { type: 'string' },
      files: { type: 'string', default: '1500' },
      scale: { type: 'string', default: '1,2,4' },
      seed: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      workers: { type: 'string', default: '1,2' },
      'no-bandit': { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      'live-routes': { type: 'string', default: '20,300' },
    },
  });
} catch (err) {
  usageError(err.message.split('. ')[0].replace(/\.$/, '') + '.');
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const whole = (name, min) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) usageError(`--${name} must be a whole number of at least ${min}.`);
  return n;
};
const runs = whole('runs', 1);
const fileCount = whole('files', 1);
const seed = whole('seed', 0);
const workerCounts = values.workers.split(',').map((w) => w.trim());
if (!workerCounts.every((w) => /^[1-9]\d*$/.test(w)))
  usageError('--workers must be worker counts such as 1,2.');
const scales = values.scale.split(',').map((n) => n.trim());
if (!scales.every((n) => /^[1-9]\d*$/.test(n))) usageError('--scale must be multiples such as 1,2,4.');
if (!values['live-routes'].split(',').every((n) => /^[1-9]\d*$/.test(n.trim())))
  usageError('--live-routes must be route counts such as 20,300.');
if (positionals.length > 1) usageError('give at most one directory.');
if (positionals[0] && !existsSync(positionals[0])) usageError(`'${positionals[0]}' does not exist.`);
const corpus = resolve(values.corpus ?? process.env.TOKENGATE_CORPUS ?? join(root, '..', 'corpus-cache'));
if (values.corpus && !existsSync(values.corpus)) usageError(`'${values.corpus}' does not exist.`);

await build();
const trees = [];
if (positionals[0]) trees.push({ name: positionals[0], dir: resolve(positionals[0]) });
else {
  const real = realTree(corpus);
  if (real) trees.push(real);
  else
    console.log(
      `development corpus not found at ${corpus} (materialize it, or give --corpus / TOKENGATE_CORPUS): synthetic tree only`,
    );
  trees.push({ name: `synthetic, ${fileCount} files`, dir: generated(fileCount, seed), synthetic: true });
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  runs,
  trees: [],
};
for (const tree of trees) {
  const measured = measureTree(tree);
  results.trees.push(measured);
  printTree(measured);
}
if (!positionals[0] && scales.length > 1) {
  results.scale = measureScale();
  printScale(results.scale);
}
if (values.live) {
  results.live = await measureLive();
  printLive(results.live);
}
mkdirSync(benchDir, { recursive: true });
writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON written to ${join('.bench', 'results.json')}`);

/**
 * The five real code bases copied into one tree (each in a directory of its own, as a monorepo would hold them),
 * once: undefined when the corpus does not hold them all.
 */
function realTree(corpusDir) {
  const sources = REAL_CODE_BASES.map((name) => join(corpusDir, name));
  if (!sources.every((dir) => existsSync(dir))) return undefined;
  const dir = join(benchDir, `real-${REAL_CODE_BASES.length}`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    REAL_CODE_BASES.forEach((name, i) => cpSync(sources[i], join(dir, name), { recursive: true }));
    writeFileSync(join(dir, '.complete'), '');
  }
  return { name: `real: ${REAL_CODE_BASES.join(', ')}`, dir, real: true };
}

/** Bare parse, a scan per worker count (with its phases) and Bandit, on one tree. */
function measureTree(tree) {
  const parse = repeat(
    () => measure(['parse', tree.dir]),
    (r) => r.parseMs,
  );
  const scans = workerCounts.map((w) => ({
    workers: w,
    result: repeat(
      () => measure(['scan', tree.dir, w]),
      (r) => r.scanMs,
    ),
  }));
  // Bandit takes half a minute a tree: on the tree of the earlier benchmarks only.
  const bandit = values['no-bandit'] || tree.real ? undefined : runBandit(tree.dir);
  const mb = parse.bytes / (1024 * 1024);
  const row = (name, wallMs, cpuMs, maxRssMiB) => ({
    name,
    wallS: round(wallMs / 1000, 2),
    cpuS: cpuMs === undefined ? null : round(cpuMs / 1000, 2),
    mbPerS: round(mb / (wallMs / 1000), 2),
    maxRssMiB: maxRssMiB === undefined ? null : round(maxRssMiB),
    xBareParse: round(wallMs / parse.parseMs, 2),
    xBareParseCpu: cpuMs === undefined ? null : round(cpuMs / parse.cpuMs, 2),
  });
  const hashes = new Set(scans.flatMap((s) => s.result.all.map((r) => r.reportSha256)));
  return {
    name: tree.name,
    dir: tree.dir,
    ...(tree.synthetic ? { synthetic: { files: fileCount, seed } } : {}),
    files: parse.files,
    megabytes: round(mb, 2),
    bareParse: { readMs: round(parse.readMs), initMs: round(parse.initMs), parseMs: round(parse.parseMs) },
    rows: [
      row('bare web-tree-sitter parse', parse.parseMs, parse.cpuMs, parse.maxRssMiB),
      ...scans.map(({ workers, result }) =>
        row(`tokengate scan, workers=${workers}`, result.scanMs, result.cpuMs, result.maxRssMiB),
      ),
      ...(bandit ? [row(`bandit ${bandit.version}`, bandit.wallMs, bandit.cpuMs, bandit.maxRssMiB)] : []),
    ],
    scans: scans.map(({ workers, result }) => ({
      workers,
      routes: result.routes,
      findings: result.findings,
      notices: result.notices,
      scanMsRuns: result.all.map((r) => round(r.scanMs)),
      phases: medianPhases(result.all),
    })),
    deterministic: hashes.size === 1,
    reportSha256: [...hashes],
    bandit: bandit ?? (values['no-bandit'] || tree.real ? 'skipped' : 'not installed'),
  };
}

/** Each phase's median wall and CPU time over the runs. */
function medianPhases(all) {
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)];
  return Object.fromEntries(
    PHASES.map((p) => [
      p,
      {
        wallMs: round(median(all.map((r) => r.phases[p].wallMs))),
        cpuMs: round(median(all.map((r) => r.phases[p].cpuMs))),
      },
    ]),
  );
}

function table(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) =>
    cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(fmt(header));
  for (const line of lines) console.log(fmt(line));
}

function printTree(t) {
  console.log(`\n${t.name}`);
  console.log(
    `${t.files} files, ${t.megabytes} MB, ${results.cores} cores, ${results.node}, median of ${runs} run(s)`,
  );
  console.log(`(bare parse excludes reading the files: ${t.bareParse.readMs} ms; the scans include it)\n`);
  table(
    ['', 'wall s', 'CPU s', 'MB/s', 'peak RSS MiB', '× bare parse', '× its CPU'],
    t.rows.map((r) => [
      r.name,
      r.wallS,
      r.cpuS ?? '–',
      r.mbPerS,
      r.maxRssMiB ?? '–',
      r.xBareParse,
      r.xBareParseCpu ?? '–',
    ]),
  );
  const bandit = t.rows.find((r) => r.name.startsWith('bandit'));
  if (bandit) {
    for (const s of t.scans) {
      const scan = t.rows.find((r) => r.name.endsWith(`workers=${s.workers}`));
      console.log(`bandit / scan workers=${s.workers}: ${round(bandit.wallS / scan.wallS, 1)}×`);
    }
  } else if (t.bandit === 'not installed')
    console.log('bandit: not installed (apt-get install python3-bandit)');
  console.log(`report identical across runs and worker counts: ${t.deterministic ? 'yes' : 'NO'}`);
  console.log(`\nper phase (calling thread's wall time; CPU of the whole process meanwhile), ms:`);
  table(
    ['phase', ...t.scans.flatMap((s) => [`w=${s.workers} wall`, `w=${s.workers} CPU`])],
    PHASES.map((p) => [p, ...t.scans.flatMap((s) => [s.phases[p].wallMs, s.phases[p].cpuMs])]),
  );
}

/**
 * The synthetic code base at each multiple of --files, bare parse and a one-thread scan (the CPU time of a
 * parallel scan would mix in when workers pay): the cost per file at each size against the smallest.
 */
function measureScale() {
  const points = scales.map((k) => {
    const files = fileCount * Number(k);
    const dir = generated(files, seed);
    const parse = repeat(
      () => measure(['parse', dir]),
      (r) => r.parseMs,
    );
    const scan = repeat(
      () => measure(['scan', dir, '1']),
      (r) => r.scanMs,
    );
    return {
      multiple: Number(k),
      files: parse.files,
      megabytes: round(parse.bytes / (1024 * 1024), 2),
      parseMs: round(parse.parseMs),
      scanMs: round(scan.scanMs),
      scanCpuMs: round(scan.cpuMs),
      maxRssMiB: round(scan.maxRssMiB),
    };
  });
  const [base] = points;
  for (const p of points) {
    p.scanCpuPerFileVsFirst = round(p.scanCpuMs / p.files / (base.scanCpuMs / base.files), 2);
    p.scanWallPerFileVsFirst = round(p.scanMs / p.files / (base.scanMs / base.files), 2);
    p.xBareParse = round(p.scanMs / p.parseMs, 2);
  }
  return points;
}

function printScale(points) {
  console.log(`\nscale: synthetic tree at ${points.map((p) => `${p.multiple}×`).join(', ')}, workers=1`);
  table(
    [
      'files',
      'MB',
      'bare parse s',
      'scan s',
      'scan CPU s',
      'peak RSS MiB',
      '× bare parse',
      'CPU/file vs 1st',
      'wall/file vs 1st',
    ],
    points.map((p) => [
      p.files,
      p.megabytes,
      round(p.parseMs / 1000, 2),
      round(p.scanMs / 1000, 2),
      round(p.scanCpuMs / 1000, 2),
      p.maxRssMiB,
      p.xBareParse,
      p.scanCpuPerFileVsFirst,
      p.scanWallPerFileVsFirst,
    ]),
  );
  const worst = Math.max(...points.map((p) => p.scanCpuPerFileVsFirst));
  console.log(
    `cost linear in files: ${worst <= LINEAR_TOLERANCE ? 'yes' : 'NO'} (CPU per file at most ${worst}× the smallest tree's)`,
  );
}

/** ncc bundles of the measuring program and of the worker entry, with the wasm files beside them, as in dist/. */
async function build() {
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(join(buildDir, 'wasm'), { recursive: true });
  for (const [entry, out] of [
    ['bench/measure.ts', 'measure.js'],
    ['src/analysis/worker.ts', 'worker.js'],
  ]) {
    const { code } = await ncc(join(root, entry), {
      minify: false,
      sourceMap: false,
      quiet: true,
      assetBuilds: false,
    });
    writeFileSync(join(buildDir, out), code);
  }
  writeFileSync(join(buildDir, 'package.json'), '{ "type": "module" }\n');
  // src/version.ts reads the package.json one level above the bundle (the live client's User-Agent needs it).
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(benchDir, 'package.json'), `${JSON.stringify({ private: true, version })}\n`);
  copyRuntimeFiles(buildDir);
}

/** Probes per second with the default limits (N routes) and with them raised (M routes): `--live-routes N,M`. */
async function measureLive() {
  const [fewRoutes, manyRoutes] = values['live-routes'].split(',').map((n) => Math.max(1, Number(n)));
  const server = spawn(process.execPath, ['-e', liveServerCode()], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolvePort, reject) => {
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`the local server exited (${code})`)));
      server.stdout.once('data', (chunk) => resolvePort(Number(String(chunk).trim())));
    });
    const url = `http://127.0.0.1:${port}`;
    const run = (routes, limits) => ({ limits, ...measure(['live', url, String(routes), limits]) });
    return {
      server: 'node:http on 127.0.0.1, 401 for every route',
      runs: [run(fewRoutes, 'default'), run(manyRoutes ?? fewRoutes, 'raised')],
    };
  } finally {
    server.stdin.end();
    server.kill();
  }
}

/**
 * A minimal HTTP server in its own process (so that the measuring process does not share its event loop): 200 on
 * `/`, 401 with a JSON error everywhere else, i.e. every route is closed and every probe is sent.
 */
function liveServerCode() {
  return `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  res.writeHead(401, { 'content-type': 'application/json' }).end('{"msg":"Missing Authorization Header"}');
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0)).resume();
`;
}

function printLive(live) {
  console.log(`\nlive probing against ${live.server}`);
  table(
    ['limits', 'routes', 'requests', 'wall s', 'probes/s', 'CPU s'],
    live.runs.map((r) => [
      r.limits,
      r.routes,
      r.requests,
      round(r.wallMs / 1000, 2),
      round(r.probesPerSecond, 1),
      round(r.cpuMs / 1000, 2),
    ]),
  );
}

function generated(files, seed) {
  const dir = join(benchDir, `tree-${files}-${seed}`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    measure(['generate', dir, String(files), String(seed)]);
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}

function measure(args) {
  const child = spawnSync(process.execPath, [join(buildDir, 'measure.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) {
    console.error(`measure.js ${args.join(' ')} failed:\n${child.stderr || child.stdout}`);
    process.exit(1);
  }
  return JSON.parse(child.stdout);
}

/** The median run by `key`, with every run kept in `all`. */
function repeat(fn, key) {
  const all = Array.from({ length: runs }, fn);
  const sorted = [...all].sort((a, b) => key(a) - key(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], all };
}

/** Bandit on the same tree, once; CPU and peak memory come from GNU time when it is installed. */
function runBandit(dir) {
  const version = spawnSync('bandit', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return undefined;
  const args = ['-r', dir, '-q', '-f', 'json', '-o', devNull];
  const timeFile = join(tmpdir(), `tokengate-bench-time-${process.pid}`);
  const timed = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = timed
    ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, 'bandit', ...args], { encoding: 'utf8' })
    : spawnSync('bandit', args, { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  // Bandit exits 1 when it has findings; only a crash is a failure.
  if (child.status !== 0 && child.status !== 1) {
    console.error(`bandit failed (${child.status}):\n${child.stderr}`);
    return undefined;
  }
  let cpuMs;
  let maxRssMiB;
  if (timed) {
    const [user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
    rmSync(timeFile, { force: true });
    cpuMs = (user + sys) * 1000;
    maxRssMiB = rssKiB / 1024;
  }
  return { version: /bandit ([\d.]+)/.exec(version.stdout)?.[1] ?? '', wallMs, cpuMs, maxRssMiB };
}

function round(n, digits = 0) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
