import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES } from '../src/analysis/files.js';
import { ensureBundle } from './global-setup.js';

/**
 * A pull request must not blind the gate: a file padded past what the scan reads, and a clone whose base commit's
 * files cannot be read, run through dist/ as users run it.
 */
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const ACTION = join(ROOT, 'dist/index.js');

const OPEN_WRITE = [
  'from flask import Flask',
  'from flask_sqlalchemy import SQLAlchemy',
  'app = Flask(__name__)',
  'db = SQLAlchemy(app)',
  'class User(db.Model):',
  '    pass',
  "@app.post('/admin/wipe')",
  'def wipe():',
  '    User.query.delete()',
  "    return ''",
  '',
].join('\n');

/** The route module padded with comment lines to `bytes` (a long run of comments, as an attacker would pad). */
function padded(bytes: number): string {
  const line = `# ${'padding '.repeat(12)}\n`;
  return OPEN_WRITE + line.repeat(Math.ceil((bytes - OPEN_WRITE.length) / line.length));
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

function cli(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await ensureBundle();
});

describe('files the scan cannot read count for the gate', () => {
  it('finds the route of a module padded with 3 MB of comments', () => {
    const root = mkdtempSync(join(tmpdir(), 'tokengate-padded-'));
    writeFileSync(join(root, 'admin.py'), padded(3 * 1024 * 1024));
    const run = cli(root, '.', '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings.map((f: { route: { path: string } }) => f.route.path)).toEqual(['/admin/wipe']);
    expect(report.notices).toEqual([]);
  }, 60_000);

  it('fails the gate on a Python file over the size limit, with one clear line (CLI)', () => {
    const root = mkdtempSync(join(tmpdir(), 'tokengate-huge-'));
    writeFileSync(join(root, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
    writeFileSync(join(root, 'admin.py'), OPEN_WRITE.padEnd(DEFAULT_MAX_FILE_BYTES + 1024 * 1024, ' '));
    const text = cli(root, '.');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('admin.py: skipped: 33 MB is over the 32 MB limit.');
    expect(text.stdout).toContain(
      'Gate: failed, 1 Python file not analysed (see Notices), 0 findings at or above high.',
    );
    const json = JSON.parse(cli(root, '.', '--format', 'json').stdout);
    expect(json.notices).toEqual([
      { file: 'admin.py', message: 'skipped: 33 MB is over the 32 MB limit.', kind: 'unanalysed-file' },
    ]);
    expect(json.gate).toEqual({ failOn: 'high', failed: true, counted: 0, unanalysed: 1 });
    const sarif = JSON.parse(cli(root, '.', '--format', 'sarif').stdout);
    const [note] = sarif.runs[0].invocations[0].toolExecutionNotifications;
    expect(note).toMatchObject({
      level: 'error',
      descriptor: { id: 'unanalysed-file' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'admin.py' } } }],
    });
    // Excluding the file on purpose is the way out for a vendored file that is not application code.
    writeFileSync(join(root, '.tokengate.yml'), 'exclude: [admin.py]\n');
    expect(cli(root, '.').code).toBe(0);
  }, 60_000);

  it('warns on the file, fails the job and says so in the summary (action)', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'tokengate-huge-action-'));
    writeFileSync(join(workspace, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
    writeFileSync(join(workspace, 'admin.py'), Buffer.from([0x66, 0x00, 0x01]));
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-runner-'));
    const summary = join(dir, 'summary');
    const output = join(dir, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const r = spawnSync(process.execPath, [ACTION], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        INPUT_PATH: '.',
        'INPUT_FAIL-ON': 'high',
        INPUT_ANNOTATIONS: 'true',
        'INPUT_NEW-FINDINGS-ONLY': 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
      },
    });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::warning title=tokengate%3A file not analysed,file=admin\.py::skipped: binary content \(NUL bytes\)\. A file the scan cannot see into/,
      ),
    );
    expect(lines).toContain(
      '::error::tokengate: 1 Python file not analysed (see the warnings) and 0 findings at or above high.',
    );
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## ❌ tokengate: 1 Python file not analysed fails the gate\n');
    expect(md).toContain(
      '### Python files not analysed (1)\n\n- `admin.py`: skipped: binary content (NUL bytes).',
    );
    expect(readFileSync(output, 'utf8')).toMatch(/gate<<\S+\nfail\n/);
  }, 60_000);
});

describe('unanalysed files on a pull request', () => {
  it('counts the file the pull request adds, not the vendored one the base already had, and says so in the comment', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'tokengate-pr-unanalysed-'));
    mkdirSync(join(workspace, 'vendor'));
    git(workspace, 'init', '-q');
    writeFileSync(join(workspace, 'app.py'), 'from flask import Flask\napp = Flask(__name__)\n');
    writeFileSync(join(workspace, 'vendor', 'blob.py'), Buffer.from([0x66, 0x00, 0x02]));
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'base');
    const base = git(workspace, 'rev-parse', 'HEAD');
    writeFileSync(join(workspace, 'admin.py'), Buffer.from([0x66, 0x00, 0x01]));
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'head');

    const comments: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST') comments.push((JSON.parse(body) as { body: string }).body);
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(req.method === 'POST' ? JSON.stringify({ id: 1 }) : '[]');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'tokengate-runner-'));
      const [summary, output, event] = ['summary', 'output', 'event.json'].map((f) => join(dir, f));
      writeFileSync(summary!, '');
      writeFileSync(output!, '');
      writeFileSync(event!, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
      const child = spawn(process.execPath, [ACTION], {
        cwd: workspace,
        env: {
          PATH: process.env.PATH ?? '',
          INPUT_PATH: '.',
          'INPUT_FAIL-ON': 'high',
          INPUT_ANNOTATIONS: 'true',
          'INPUT_NEW-FINDINGS-ONLY': 'true',
          'INPUT_PR-COMMENT': 'true',
          'INPUT_GITHUB-TOKEN': 'ghs_test',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: workspace,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: event,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_OUTPUT: output,
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        },
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      const warnings = stdout.split('\n').filter((l) => l.startsWith('::warning '));
      expect(warnings.map((l) => l.slice(0, l.indexOf('::', 2)))).toEqual([
        '::warning title=tokengate%3A file not analysed,file=admin.py',
      ]);
      expect(comments).toHaveLength(1);
      expect(comments[0]).toContain('## ❌ tokengate: 1 Python file not analysed blocks this pull request\n');
      expect(comments[0]).toContain('- `admin.py`: skipped: binary content (NUL bytes).');
      expect(comments[0]).not.toContain('vendor/blob.py');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});

describe('a base commit whose files cannot be read', () => {
  it('gives one sentence and counts every finding when the partial clone lost its promisor remote', () => {
    const top = mkdtempSync(join(tmpdir(), 'tokengate-partial-'));
    const src = join(top, 'src');
    execFileSync('git', ['init', '-q', src]);
    writeFileSync(join(src, 'app.py'), OPEN_WRITE);
    git(src, 'add', '.');
    git(src, 'commit', '-qm', 'base');
    writeFileSync(
      join(src, 'app.py'),
      OPEN_WRITE + "@app.post('/admin/drop')\ndef drop():\n    db.session.delete(User.query.first())\n",
    );
    git(src, 'commit', '-qam', 'head');
    const remote = join(top, 'remote.git');
    git(top, 'clone', '-q', '--bare', src, remote);
    git(remote, 'config', 'uploadpack.allowFilter', 'true');
    const clone = join(top, 'clone');
    git(top, 'clone', '-q', '--filter=blob:none', `file://${remote}`, clone);
    rmSync(remote, { recursive: true });

    const run = cli(clone, '.', '--baseline-ref', 'HEAD~1');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'the files of base commit HEAD~1 cannot be read from this clone (a partial or shallow clone that cannot fetch them), so every finding counts as new: check out with `fetch-depth: 0` and no `filter` (actions/checkout), or fetch the base commit first.',
    );
    expect(run.stdout).toContain('Gate: failed, 2 findings at or above high.');
  }, 60_000);
});

describe('parsing a file that costs the parser too much', () => {
  it('stops at the budget with a reason, and the parser parses the next file', async () => {
    const { pythonParser } = await import('../src/analysis/parser.js');
    const parser = await pythonParser();
    // Quotes keep the comment lines from being blanked (blankCommentRuns), so the scanner's n² cost remains.
    const slow = OPEN_WRITE + `# it's ${'padding '.repeat(12)}\n`.repeat(20_000);
    expect(() => parser.parse(slow, 50)).toThrow('parsing took longer than 1 s');
    const tree = parser.parse(OPEN_WRITE);
    expect(tree.rootNode.text).toBe(OPEN_WRITE);
    tree.delete();
  }, 60_000);
});
