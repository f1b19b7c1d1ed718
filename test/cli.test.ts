import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { ensureBundle } from './global-setup.js';

/**
 * The bundled CLI, run the way a user runs it. TOKENGATE_CLI names another build of src/cli.ts to run instead
 * (e.g. one emitted by tsc), to try these tests on sources that are not bundled yet.
 */
const ROOT = join(import.meta.dirname, '..');
const CLI = process.env.TOKENGATE_CLI ?? join(ROOT, 'dist/cli.js');

beforeAll(async () => {
  if (!process.env.TOKENGATE_CLI) await ensureBundle();
});

function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tokengate scan on the bundled example', () => {
  it('prints findings most severe first, each fix once, the route table, and fails the gate', () => {
    const r = cli(['scan', 'examples/tasks-api']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      [
        'Findings, most severe first',
        '  HIGH  missing-authentication  GET /api/admin/export                  at tasks_api/admin.py:16',
        '      Why: `GET /api/admin/export` reads the module-level `USERS` (tasks_api/admin.py:18) without authentication while every other route of blueprint `admin` requires authentication',
        '  HIGH  missing-authentication  DELETE /api/projects/<int:project_id>  at tasks_api/projects.py:30',
        '      Why: `DELETE /api/projects/<int:project_id>` changes the module-level `PROJECTS` (tasks_api/projects.py:32) without authentication while every other route of blueprint `projects` requires authentication',
        '  HIGH  auth-decorator-order    GET /api/tasks/overdue                 at tasks_api/tasks.py:24',
        '      Why: `@bearer_required` sits above the route decorator of `GET /api/tasks/overdue`, so Flask registered the view without it and the route answers without a token',
        '',
        'How to fix',
        '  - missing-authentication, 2 findings: Add `@bearer_required` below the route decorator, or list the route in `public-routes` if it is public on purpose.',
        '  - auth-decorator-order, 1 finding: Put the route decorator first (top) and the authentication decorator directly below it.',
        '',
      ].join('\n'),
    );
    expect(r.stdout.match(/bearer_required` below/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/unprotected\s+GET\s+\/api\/admin\/export\s+tasks_api\/admin\.py:16\s+none/);
    expect(r.stdout).toMatch(
      /protected\s+GET\s+\/api\/projects\/\s+tasks_api\/projects\.py:9\s+bearer_required/,
    );
    expect(r.stdout).toContain('Gate: failed, 3 findings at or above high.');
  });

  it('writes the JSON report of the spec and exits 0 when the gate passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
    const out = join(dir, 'report.json');
    const r = cli([
      'scan',
      'examples/tasks-api',
      '--format',
      'json',
      '--output',
      out,
      '--fail-on',
      'critical',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe('tokengate');
    expect(report.gate).toEqual({ failOn: 'critical', failed: false, counted: 0 });
    const del = report.findings.find((f) => f.route?.path === '/api/projects/<int:project_id>');
    expect(del).toMatchObject({
      ruleId: 'missing-authentication',
      severity: 'high',
      cwe: ['CWE-306'],
      location: { file: 'tasks_api/projects.py', startLine: 30, endLine: 33 },
      route: { methods: ['DELETE'], path: '/api/projects/<int:project_id>' },
      sources: ['static'],
    });
    expect(del?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(report.routes).toHaveLength(11);
  });

  it('honours the config file: public-routes and fail-on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
    writeFileSync(
      join(dir, 'app.py'),
      [
        'from flask import Flask',
        'from flask_jwt_extended import jwt_required',
        'app = Flask(__name__)',
        "@app.get('/a')",
        '@jwt_required()',
        'def a():',
        "    return ''",
        "@app.get('/partners/feed')",
        'def feed():',
        "    return open('feed.json').read()",
        '',
      ].join('\n'),
    );
    expect(cli(['scan', dir]).code).toBe(1);
    writeFileSync(join(dir, '.tokengate.yml'), 'public-routes:\n  - /partners/**\n');
    const r = cli(['scan', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('public: listed in public-routes (/partners/**)');
  });
});

/** The lines of a one-file app: one protected route, one that is not. */
const ONE_FILE_APP = [
  'from flask import Flask',
  'from flask_jwt_extended import jwt_required',
  'app = Flask(__name__)',
  "@app.get('/me')",
  '@jwt_required()',
  'def me():',
  "    return ''",
  "@app.delete('/items/<int:item_id>')",
  'def delete_item(item_id):',
  "    return open('orders.db', 'w').close()",
  '',
];

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
  writeFileSync(join(dir, 'app.py'), ONE_FILE_APP.join('\n'));
  return dir;
}

describe('tokengate scan on a temporary app', () => {
  it('exits 1 when the gate fails and 0 with fail-on none, the verdict last', () => {
    const dir = fixture();
    const failed = cli(['scan', dir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('');
    expect(failed.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Gate: failed, \d+ findings? at or above high\.$/,
    );
    const passed = cli(['scan', dir, '--fail-on', 'none']);
    expect(passed.code).toBe(0);
    expect(passed.stdout.trimEnd().split('\n').at(-1)).toBe('Gate: passed (fail-on none).');
  });

  it('scans . by default and lets --fail-on override the config file', () => {
    const dir = fixture();
    writeFileSync(join(dir, '.tokengate.yml'), 'fail-on: none\n');
    expect(cli(['scan'], dir).code).toBe(0);
    expect(cli(['scan', '--fail-on', 'info'], dir).code).toBe(1);
    writeFileSync(join(dir, 'strict.yml'), 'fail-on: info\n');
    expect(cli(['scan', '--config', 'strict.yml'], dir).code).toBe(1);
  });

  it('prints the JSON report of the spec on stdout with --format json', () => {
    const r = cli(['scan', fixture(), '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'routes', 'findings', 'notices', 'gate']);
    expect(report.schemaVersion).toBe(1);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(report.tool).toEqual({ name: 'tokengate', version: pkg.version });
    expect(report.gate).toEqual({ failOn: 'none', failed: false, counted: 0 });
    expect(
      Array.isArray(report.routes) && Array.isArray(report.findings) && Array.isArray(report.notices),
    ).toBe(true);
  });

  it('writes --output (creating its directory) and prints only where it went and the verdict', () => {
    const dir = fixture();
    const out = join(dir, 'reports', 'tokengate.txt');
    const r = cli(['scan', dir, '--output', out, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`tokengate: report written to ${out}. Gate: passed (fail-on none).\n`);
    expect(readFileSync(out, 'utf8')).toMatch(
      /^tokengate \S+: \d+ routes?, [\s\S]*\nGate: passed \(fail-on none\)\.\n$/,
    );
  });

  it('prints its version and help, exit 0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = cli(['scan', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--format', '--output', '--fail-on', '--config', '--preview-url'])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toMatch(/--preview-url <url>\s+probe this preview deployment live/);
  });

  it('parses in the bundled worker threads with --workers, with the same report as one thread', () => {
    const one = cli(['scan', 'test/fixtures/apps', '--format', 'json', '--workers', '1']);
    const two = cli(['scan', 'test/fixtures/apps', '--format', 'json', '--workers', '2']);
    expect(two.stderr).toBe('');
    const report = JSON.parse(two.stdout) as Report;
    expect(report.routes.length).toBeGreaterThan(50);
    // A bundle whose worker threads cannot start says so in a notice; this one must not.
    expect(
      report.notices.filter((n) => n.message.startsWith('parsed partly or wholly in one thread')),
    ).toEqual([]);
    expect(two.stdout).toBe(one.stdout);
    expect(statSync(join(ROOT, 'dist/worker.js')).isFile()).toBe(true);
  });

  it('is executable as dist/cli.js', () => {
    expect(readFileSync(join(ROOT, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(join(ROOT, 'dist/cli.js')).mode & 0o111).toBe(0o111);
  });

  it("carries none of the action's GitHub client, which would only slow its start", () => {
    const bundle = (name: string): string => readFileSync(join(ROOT, 'dist', name), 'utf8');
    expect(bundle('index.js')).toContain('node_modules/@octokit/core/');
    expect(bundle('cli.js')).not.toMatch(/node_modules\/(@octokit|@actions)\//);
  });
});

describe('report formats and new-only counting', () => {
  it('prints valid SARIF 2.1.0 with --format sarif, every location a file of the scanned tree', () => {
    const r = cli(['scan', 'examples/tasks-api', '--format', 'sarif', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string } };
        results: {
          ruleId: string;
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('tokengate');
    expect(run.results.map((x) => x.ruleId)).toContain('missing-authentication');
    for (const result of run.results) {
      expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^tasks_api\/[\w/]+\.py$/);
      expect(result.partialFingerprints['tokengate/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'tokengate-cli-')), 'out.sarif');
    writeFileSync(file, r.stdout);
    const validated = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'sarif-multitool'),
      ['validate', file],
      {
        encoding: 'utf8',
      },
    );
    expect(validated).toContain('Analysis completed successfully');
    expect(validated).not.toMatch(/: error /);
  });

  it('prints the job-summary view with --format markdown, and its exit code is the gate', () => {
    const r = cli(['scan', 'examples/tasks-api', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('## ❌ tokengate: 3 new findings at or above high fail the gate');
    expect(r.stdout).toContain('### Findings (3)');
    expect(r.stdout).toContain(
      '- **high** · `DELETE /api/projects/<int:project_id>` · `tasks_api/projects.py:30`',
    );
    expect(r.stdout).toContain('<details><summary>Routes (11): 6 protected, 2 public, 3 open</summary>');
  });

  it('counts only findings the --baseline-ref commit did not have', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tokengate-cli-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    const app = ONE_FILE_APP;
    writeFileSync(join(repo, 'app.py'), app.join('\n'));
    git('add', '.');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    expect(cli(['scan', '.', '--baseline-ref', base], repo).code).toBe(0);

    writeFileSync(
      join(repo, 'app.py'),
      [
        ...app,
        "@app.post('/refunds')",
        'def refund():',
        "    return open('orders.db', 'w').close()",
        '',
      ].join('\n'),
    );
    git('commit', '-qam', 'head');
    const r = cli(['scan', '.', '--baseline-ref', base, '--format', 'json'], repo);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => `${f.route?.methods.join(',')} ${f.route?.path} new=${f.new}`)).toEqual(
      ['DELETE /items/<int:item_id> new=false', 'POST /refunds new=true'],
    );
    expect(report.gate).toEqual({ failOn: 'high', failed: true, counted: 1 });

    const missing = cli(['scan', '.', '--baseline-ref', 'no-such-ref'], repo);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      'base commit no-such-ref is not in this clone, so every finding counts as new',
    );

    // Outside any repository there is no base to compare with: said once, and every finding counts.
    const outside = mkdtempSync(join(tmpdir(), 'tg-norepo-'));
    cpSync(join(repo, 'app.py'), join(outside, 'app.py'));
    const norepo = cli(['scan', '.', '--baseline-ref', 'main', '--format', 'json'], outside);
    const alone = JSON.parse(norepo.stdout) as Report;
    expect(alone.notices.map((n) => n.message)).toContain(
      'cannot compare with main: the scanned path is not inside a git repository; every finding counts as new.',
    );
    expect(alone.findings.every((f) => f.new)).toBe(true);
    expect(alone.findings.length).toBe(2);
  });
});

describe('usage errors: one sentence on stderr, exit 2', () => {
  it.each([
    [['scan', 'examples/tasks-api', '--bogus'], /^tokengate: unknown option '--bogus'\.\n$/],
    [['scan', 'no/such/dir'], /^tokengate: path 'no\/such\/dir' does not exist\.\n$/],
    [
      ['scan', 'examples/tasks-api', '--fail-on', 'urgent'],
      /^tokengate: --fail-on must be one of .*'urgent'\.\n$/,
    ],
    [
      ['scan', 'examples/tasks-api', '--format', 'xml'],
      /^tokengate: --format must be one of text, json, sarif, markdown, not 'xml'\.\n$/,
    ],
    [
      ['scan', 'examples/tasks-api', '--config', 'missing.yml'],
      /^tokengate: cannot read config file 'missing.yml' \(ENOENT\)\.\n$/,
    ],
    [['frobnicate'], /^tokengate: unknown command 'frobnicate'\.\n$/],
    [
      ['scan', 'examples/tasks-api', '--preview-url', 'https://preview.example', '--max-requests', 'lots'],
      /^tokengate: --max-requests must be a positive whole number, not 'lots'\.\n$/,
    ],
    [
      ['scan', 'examples/tasks-api', '--workers', '0'],
      /^tokengate: --workers must be a positive whole number, not '0'\.\n$/,
    ],
    [['scan', 'examples/tasks-api', 'other'], /^tokengate: too many arguments for 'scan'\..*\n$/],
    [
      ['scan', 'examples/tasks-api', '--fail-on'],
      /^tokengate: option '--fail-on <level>' argument missing\.\n$/,
    ],
  ])('%j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('cannot write --output into a file that is not a directory', () => {
    const dir = fixture();
    const r = cli(['scan', dir, '--output', join(dir, 'app.py', 'report.txt')]);
    expect(r.code).toBe(2);
    const out = join(dir, 'app.py', 'report.txt');
    expect(r.stderr).toMatch(new RegExp(`^tokengate: cannot write '${out}' \\((EEXIST|ENOTDIR)\\)\\.\n$`));
  });

  it('refuses a config linked out of the scanned directory in one sentence', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tokengate-home-'));
    writeFileSync(join(outside, 'hosts.yml'), 'GITHUB_DEPLOY_TOKEN_FOR_PROD: ghp_not-a-real-token\n');
    const dir = fixture();
    symlinkSync(join(outside, 'hosts.yml'), join(dir, '.tokengate.yml'));
    const r = cli(['scan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tokengate: config file '${join(dir, '.tokengate.yml')}' is a symbolic link to a file outside the scanned directory, which tokengate does not read: put the config file itself in the repository.\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('names the key and line of an invalid config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
    writeFileSync(join(dir, '.tokengate.yml'), 'public-routes:\n  - /health\nfail-on: sometimes\n');
    const r = cli(['scan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tokengate: Invalid ${join(dir, '.tokengate.yml')}: \`fail-on\` at line 3 must be one of critical, high, medium, low, info, none.\n`,
    );
  });
});

describe('a CLI that teaches', () => {
  it('shows examples and the exit codes in --help, and help on no arguments', () => {
    for (const args of [['--help'], ['scan', '--help']]) {
      const help = cli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:\n  tokengate scan examples/tasks-api');
      expect(help.stdout).toMatch(
        /Exit codes:\n {2}0 {2}the gate passed\n {2}1 {2}the gate failed.*\n {2}2 {2}usage or configuration error/,
      );
    }
    const bare = cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Exit codes:');
  });

  it.each([
    [
      ['scan', 'examples/tasks-api', '--formt', 'json'],
      "tokengate: unknown option '--formt'. (Did you mean --format?)\n",
    ],
    [['scna', 'examples/tasks-api'], "tokengate: unknown command 'scna'. (Did you mean scan?)\n"],
    [
      ['examples/tasks-api', '--format', 'json'],
      "tokengate: 'examples/tasks-api' is not a command: did you mean `tokengate scan examples/tasks-api --format json`?\n",
    ],
  ])('suggests what was meant: %j', (args, message) => {
    const r = cli(args);
    expect(r).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('takes enum values in any case', () => {
    const r = cli(['scan', 'examples/tasks-api', '--format', 'JSON', '--fail-on', 'CRITICAL']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).gate.failOn).toBe('critical');
    expect(cli(['scan', 'examples/tasks-api', '--format', 'Sarif']).stdout).toContain('"version": "2.1.0"');
  });

  it('refuses a file that is not Python in one sentence, exit 2, and scans a python script without .py', () => {
    const r = cli(['scan', 'README.md']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "tokengate: 'README.md' is not a Python file: name a directory, or a .py file (or a script whose first line runs python).\n",
    });
    const dir = fixture();
    writeFileSync(join(dir, 'serve'), ['#!/usr/bin/env python3', ...ONE_FILE_APP].join('\n'));
    const script = cli(['scan', join(dir, 'serve')]);
    expect(script.code).toBe(1);
    expect(script.stdout).toContain('DELETE /items/<int:item_id>');
  });

  it('tells a CLI user how to fetch a missing --baseline-ref, not how to set up a workflow', () => {
    const dir = fixture();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const r = cli(['scan', '.', '--baseline-ref', 'origin/mian'], dir);
    expect(r.stdout).toContain(
      'base commit origin/mian is not in this clone, so every finding counts as new: fetch it first (e.g. `git fetch origin main`), or name a branch, tag or commit this clone has.',
    );
    expect(r.stdout).not.toContain('actions/checkout');
  });

  it('lists the routes of a large app only with --routes, and prints only the verdict with --quiet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
    const routes = Array.from({ length: 60 }, (_, i) => [
      `@app.get('/r${i}')`,
      `def r${i}():`,
      '    return str(ROWS)',
    ]);
    writeFileSync(
      join(dir, 'app.py'),
      ['from flask import Flask', 'app = Flask(__name__)', 'ROWS = []', ...routes.flat(), ''].join('\n'),
    );
    const short = cli(['scan', dir]);
    expect(short.stdout).toContain('\nRoutes: 60, not listed above 50; add --routes to list them.\n');
    expect(short.stdout).not.toContain('/r59');
    const all = cli(['scan', dir, '--routes']);
    expect(all.stdout).toMatch(/\n {2}unprotected {2}GET {6}\/r59 +app\.py:\d+ +none\n/);
    const quiet = cli(['scan', 'examples/tasks-api', '--quiet']);
    expect(quiet).toEqual({ code: 1, stdout: 'Gate: failed, 3 findings at or above high.\n', stderr: '' });
  });
});
