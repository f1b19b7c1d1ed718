import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { ensureBundle } from './global-setup.js';

/**
 * dist/index.js started the way the runner starts it: every input of action.yml as INPUT_* (defaults
 * included), the workflow files, and GITHUB_API_URL pointing at a recording server on loopback.
 */
const ROOT = join(import.meta.dirname, '..');
/** TOKENGATE_ACTION names another build of src/index.ts (e.g. emitted by tsc) to try these tests on unbundled sources. */
const ACTION = process.env.TOKENGATE_ACTION ?? join(ROOT, 'dist/index.js');
const requests: string[] = [];
const server = createServer((req: IncomingMessage, res) => {
  requests.push(`${req.method} ${req.url}`);
  res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
});

beforeAll(async () => {
  if (!process.env.TOKENGATE_ACTION) await ensureBundle();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

function inputDefaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = name === 'github-token' ? 'ghs_test' : String(input.default ?? '');
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function runAction(inputs: Record<string, string>, action = ACTION): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-action-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  // A push: no pull request, so no comment and no base commit (those are covered in action-pr.test.ts).
  writeFileSync(files.event, JSON.stringify({ ref: 'refs/heads/main' }));
  const { port } = server.address() as AddressInfo;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...inputDefaults(),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    GITHUB_ACTIONS: 'true',
    // A temporary directory given as `path` is the checkout there (the action scans nothing outside it).
    GITHUB_WORKSPACE: inputs.path?.startsWith(tmpdir()) ? inputs.path : ROOT,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/tasks',
    GITHUB_API_URL: `http://127.0.0.1:${port}`,
  };
  const child = spawn(process.execPath, [action], { cwd: ROOT, env });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

describe('the bundled action', () => {
  it('runs from a checkout of the action alone, with no node_modules, in worker threads too', async () => {
    // A runner checks out the action's repository and starts dist/index.js: nothing is installed.
    const copy = mkdtempSync(join(tmpdir(), 'tokengate-checkout-'));
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'action.yml'), join(copy, 'action.yml'));
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    const run = await runAction({ path: 'examples/tasks-api', workers: '2' }, join(copy, 'dist', 'index.js'));
    expect(run.stdout).not.toContain('Cannot find module');
    expect(run.stdout).not.toContain('in one thread');
    expect(run.code).toBe(1);
    expect(run.outputs.findings).toBe('3');
  });

  it('leaves error slots for its own error lines, so GitHub shows every ::error:: it prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-slots-'));
    const routes = Array.from({ length: 12 }, (_, i) =>
      [
        `@app.delete('/items${i}/<int:item_id>')`,
        `def delete_item${i}(item_id):`,
        "    return open('orders.db', 'w').close()",
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'app.py'),
      ['from flask import Flask', 'app = Flask(__name__)', ...routes, ''].join('\n'),
    );
    const run = await runAction({ path: dir, 'preview-url': 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.filter((l) => l.startsWith('::error title=tokengate high'))).toHaveLength(8);
    expect(errors).toContain('::error::tokengate: 12 findings at or above high.');
    expect(errors.some((l) => /^::error::preview-url http:\/\/127\.0\.0\.1:9 is unreachable/.test(l))).toBe(
      true,
    );
    expect(run.summary).toContain('4 more findings are not annotated');
  });

  it('scans, prints the report, writes report-file and outputs, and fails at fail-on', async () => {
    const reportFile = join(mkdtempSync(join(tmpdir(), 'tokengate-report-')), 'report.json');
    const run = await runAction({ path: 'examples/tasks-api', 'report-file': reportFile });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('missing-authentication  DELETE /api/projects/<int:project_id>');
    expect(run.stdout).toContain('::error::tokengate: 3 findings at or above high.');
    // The long parts fold; the headline and the verdict stay in view.
    const log = run.stdout.split('\n');
    const folds = log.filter((l) => /^::(end)?group::/.test(l));
    expect(folds).toEqual([
      '::group::tokengate: findings, most severe first (3)',
      '::endgroup::',
      '::group::tokengate: routes (11)',
      '::endgroup::',
    ]);
    const routes = log.indexOf('::group::tokengate: routes (11)');
    expect(
      log.slice(routes + 1, routes + 14).filter((l) => /^ {2}(un)?protected|^ {2}public/.test(l)),
    ).toHaveLength(11);
    expect(log[log.indexOf('::group::tokengate: findings, most severe first (3)') - 1]).toMatch(
      /^tokengate \S+: 11 routes, 3 findings \(3 high\)$/,
    );
    expect(log[log.lastIndexOf('::endgroup::') + 1]).toBe('Gate: failed, 3 findings at or above high.');
    expect(run.outputs).toEqual({
      findings: '3',
      'new-findings': '3',
      'max-severity': 'high',
      gate: 'fail',
      'report-file': reportFile,
      'sarif-file': '',
    });
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual([
      'auth-decorator-order',
      'missing-authentication',
      'missing-authentication',
    ]);
    expect(report.gate).toEqual({ failOn: 'high', failed: true, counted: 3 });
    expect(requests).toEqual([]);
  });

  it('passes with fail-on none and reports a bad input in one sentence', async () => {
    const passed = await runAction({ path: 'examples/tasks-api', 'fail-on': 'none' });
    expect(passed.code).toBe(0);
    expect(passed.outputs.gate).toBe('pass');
    expect(passed.outputs.findings).toBe('3');

    const bad = await runAction({ path: 'examples/tasks-api', 'fail-on': 'sometimes' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      "::error::tokengate: the fail-on input must be one of critical, high, medium, low, info, none, not 'sometimes'.",
    );
    const threads = await runAction({ path: 'examples/tasks-api', workers: 'many' });
    expect(threads.code).toBe(1);
    expect(threads.stdout).toContain(
      "::error::tokengate: the workers input must be a positive whole number, not 'many'.",
    );
    const parallel = await runAction({ path: 'examples/tasks-api', workers: '2', 'fail-on': 'none' });
    expect(parallel.code).toBe(0);
    expect(parallel.outputs.findings).toBe('3');
    expect(parallel.stdout).not.toContain('parsed partly or wholly in one thread');
    const missing = await runAction({ path: 'does/not/exist' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("::error::tokengate: path 'does/not/exist' does not exist.");
    expect(requests).toEqual([]);
  });

  it('fails in one sentence, having scanned nothing, when path leads out of the workspace', async () => {
    for (const path of ['../../../../etc', '/']) {
      const run = await runAction({ path });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `::error::tokengate: the path input '${path}' is outside the workspace (${ROOT}): tokengate scans the checked-out repository only.`,
      );
      expect(run.outputs).toEqual({});
    }
  });
});

describe('the bundled action on a temporary app', () => {
  function app(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-action-app-'));
    mkdirSync(join(dir, 'api'));
    writeFileSync(
      join(dir, 'api', 'app.py'),
      [
        'from flask import Flask',
        'from flask_jwt_extended import jwt_required',
        'app = Flask(__name__)',
        "@app.get('/me')",
        '@jwt_required()',
        'def me():',
        "    return ''",
        "@app.post('/items')",
        'def create_item():',
        "    return open('orders.db', 'w').close()",
        '',
      ].join('\n'),
    );
    return dir;
  }

  it('sets every output and writes a report-file that matches them, exit 0 with fail-on none', async () => {
    const dir = app();
    const reportFile = join(dir, 'out', 'tokengate.json');
    const run = await runAction({ path: dir, 'fail-on': 'none', 'report-file': reportFile });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('::error::');
    expect(run.stdout).toContain('Gate: passed (fail-on none).');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(report.schemaVersion).toBe(1);
    expect(report.gate).toEqual({ failOn: 'none', failed: false, counted: 0 });
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const max = severities.find((s) => report.findings.some((f) => f.severity === s)) ?? 'none';
    expect(run.outputs).toEqual({
      findings: String(report.findings.length),
      'new-findings': String(report.findings.length),
      'max-severity': max,
      gate: 'pass',
      'report-file': reportFile,
      'sarif-file': '',
    });
    expect(requests).toEqual([]);
  });

  it('warns, and still passes, when report-file cannot be written', async () => {
    const dir = app();
    const reportFile = join(dir, 'api', 'app.py', 'report.json');
    const run = await runAction({ path: dir, 'fail-on': 'none', 'report-file': reportFile });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning::tokengate: cannot write report-file '.*report\.json' \(E[A-Z]+\)/);
    expect(run.outputs.gate).toBe('pass');
    expect(run.outputs['report-file']).toBe('');
  });

  it('fails in one sentence when a named config file is missing or invalid', async () => {
    const dir = app();
    const missing = await runAction({ path: dir, config: join(dir, 'nope.yml') });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      `::error::tokengate: cannot read config file '${join(dir, 'nope.yml')}' (ENOENT).`,
    );
    writeFileSync(join(dir, '.tokengate.yml'), 'public-routes:\n  - /health\nfailon: high\n');
    const invalid = await runAction({ path: dir });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('::error::tokengate: Invalid ');
    expect(invalid.stdout).toContain('the key `fai…` (6 characters) at line 3 is not a known key');
    expect(Object.keys(invalid.outputs)).toEqual([]);
    expect(requests).toEqual([]);
  });
});
