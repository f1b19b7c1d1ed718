import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';

/** The bundled CLI, run the way a user runs it. */
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');

function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tokengate scan on the bundled example', () => {
  it('prints findings grouped by file and the route table, and fails the gate', () => {
    const r = cli(['scan', 'examples/tasks-api']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'tasks_api/projects.py\n  HIGH     missing-authentication  DELETE /api/projects/<int:project_id>',
    );
    expect(r.stdout).toContain('auth-decorator-order  GET /api/tasks/overdue');
    expect(r.stdout).toMatch(/GET\s+\/api\/admin\/export\s+unprotected\s+tasks_api\/admin\.py:16\s+none/);
    expect(r.stdout).toMatch(
      /GET\s+\/api\/projects\/\s+protected\s+tasks_api\/projects\.py:9\s+bearer_required/,
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
        "    return ''",
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
      /^tokengate: option '--format <format>' argument 'xml' is invalid\..*\n$/,
    ],
    [
      ['scan', 'examples/tasks-api', '--config', 'missing.yml'],
      /^tokengate: cannot read config file 'missing.yml' \(ENOENT\)\.\n$/,
    ],
    [['frobnicate'], /^tokengate: unknown command 'frobnicate'\.\n$/],
  ])('%j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
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
