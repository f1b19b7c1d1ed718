// npm run bench -- [DIR] [--files N] [--seed N] [--runs N] [--workers 1,2] [--no-bandit] [--live] [--live-routes 20,300]
// (--help lists them)
//
// Measures the static scan against bare web-tree-sitter parsing of the same files, in the same run: without DIR
// on a deterministic synthetic Flask code base (.bench/tree-<files>-<seed>/). The analysis is bundled with ncc
// the way dist/ is (worker entry included), and every measurement runs in a fresh process so that its peak
// memory is its own. Bandit (Debian python3-bandit) gets a column when it is installed. With --live, live probing
// is measured too: probes per second through the real client against a local server on 127.0.0.1 (its own
// process), with the client's default limits and with them raised, so the pacing, not the client, is the limit.
// Prints a table and writes .bench/results.json. Figures live here, never as timed assertions in tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, devNull, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ncc from '@vercel/ncc';
import { copyRuntimeFiles } from './runtime-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '.bench');
const buildDir = join(benchDir, 'build');

const USAGE = `usage: npm run bench -- [DIR] [--files N] [--seed N] [--runs N] [--workers 1,2] [--no-bandit] [--live]
                      [--live-routes 20,300]
  DIR            measure this directory instead of the synthetic code base
  --files N      files of the synthetic code base (default 1500)
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
      files: { type: 'string', default: '1500' },
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
if (!values['live-routes'].split(',').every((n) => /^[1-9]\d*$/.test(n.trim())))
  usageError('--live-routes must be route counts such as 20,300.');
if (positionals.length > 1) usageError('give at most one directory.');
if (positionals[0] && !existsSync(positionals[0])) usageError(`'${positionals[0]}' does not exist.`);

await build();
const tree = positionals[0] ? resolve(positionals[0]) : generated(fileCount, seed);

const parse = repeat(
  () => measure(['parse', tree]),
  (r) => r.parseMs,
);
const scans = workerCounts.map((w) => ({
  workers: w,
  result: repeat(
    () => measure(['scan', tree, w]),
    (r) => r.scanMs,
  ),
}));
const bandit = values['no-bandit'] ? undefined : runBandit(tree);

const mb = parse.bytes / (1024 * 1024);
const rows = [
  row('bare web-tree-sitter parse', parse.parseMs, parse.cpuMs, parse.maxRssMiB),
  ...scans.map(({ workers, result }) =>
    row(`tokengate scan, workers=${workers}`, result.scanMs, result.cpuMs, result.maxRssMiB),
  ),
  ...(bandit ? [row(`bandit ${bandit.version}`, bandit.wallMs, bandit.cpuMs, bandit.maxRssMiB)] : []),
];
const hashes = new Set(scans.flatMap((s) => s.result.all.map((r) => r.reportSha256)));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  tree: positionals[0] ? tree : { synthetic: true, files: fileCount, seed },
  files: parse.files,
  megabytes: round(mb, 2),
  runs,
  bareParse: { readMs: round(parse.readMs), initMs: round(parse.initMs), parseMs: round(parse.parseMs) },
  rows,
  scans: scans.map(({ workers, result }) => ({
    workers,
    routes: result.routes,
    findings: result.findings,
    notices: result.notices,
    scanMsRuns: result.all.map((r) => round(r.scanMs)),
  })),
  deterministic: hashes.size === 1,
  bandit: bandit ?? (values['no-bandit'] ? 'skipped' : 'not installed'),
};

printTable();
if (values.live) {
  results.live = await measureLive();
  printLive(results.live);
}
mkdirSync(benchDir, { recursive: true });
writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON written to ${join('.bench', 'results.json')}`);

function row(name, wallMs, cpuMs, maxRssMiB) {
  return {
    name,
    wallS: round(wallMs / 1000, 2),
    cpuS: cpuMs === undefined ? null : round(cpuMs / 1000, 2),
    mbPerS: round(mb / (wallMs / 1000), 2),
    maxRssMiB: maxRssMiB === undefined ? null : round(maxRssMiB),
    xBareParse: round(wallMs / parse.parseMs, 2),
  };
}

function printTable() {
  console.log(
    `\n${results.files} files, ${results.megabytes} MB, ${results.cores} cores, ${results.node}, median of ${runs} run(s)`,
  );
  console.log(
    `(bare parse excludes reading the files: ${results.bareParse.readMs} ms; the scans include it)\n`,
  );
  const header = ['', 'wall s', 'CPU s', 'MB/s', 'peak RSS MiB', '× bare parse'];
  const lines = rows.map((r) => [r.name, r.wallS, r.cpuS ?? '–', r.mbPerS, r.maxRssMiB ?? '–', r.xBareParse]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) =>
    cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(fmt(header));
  for (const line of lines) console.log(fmt(line));
  if (bandit) {
    for (const s of scans) {
      const scan = rows.find((r) => r.name.endsWith(`workers=${s.workers}`));
      console.log(`bandit / scan workers=${s.workers}: ${round(bandit.wallMs / 1000 / scan.wallS, 1)}×`);
    }
  } else
    console.log(
      values['no-bandit'] ? 'bandit: skipped' : 'bandit: not installed (apt-get install python3-bandit)',
    );
  console.log(`report identical across runs and worker counts: ${results.deterministic ? 'yes' : 'NO'}`);
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
  const header = ['limits', 'routes', 'requests', 'wall s', 'probes/s', 'CPU s'];
  const lines = live.runs.map((r) => [
    r.limits,
    r.routes,
    r.requests,
    round(r.wallMs / 1000, 2),
    round(r.probesPerSecond, 1),
    round(r.cpuMs / 1000, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) =>
    cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(fmt(header));
  for (const line of lines) console.log(fmt(line));
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
