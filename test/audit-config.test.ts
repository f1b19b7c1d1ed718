import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from './global-setup.js';

/**
 * From the audit of issue 17: a pull request loosens the gate through the config it brings, through inline ignores
 * put to new use, or plants the comment marker; each test runs the bundled action as the runner starts it.
 */
const ACTION = process.env.TOKENGATE_ACTION ?? join(import.meta.dirname, '..', 'dist/index.js');
const TOKEN = 'ghs_tokengateAuditToken0123456789';
const BOT = { login: 'github-actions[bot]', type: 'Bot' };

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}
const comments: Comment[] = [];
/** Ids of the comments the action edited. */
const edited: number[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

/** GitHub's issue-comment API, as in action-pr.test.ts. */
const github = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const text = await readBody(req);
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const url = req.url ?? '';
  if (req.method === 'GET' && url === '/user') return json(403, { message: 'Resource not accessible' });
  if (req.method === 'POST' && url === '/graphql')
    return json(200, { data: { viewer: { login: BOT.login } } });
  if (req.method === 'GET' && url.startsWith('/repos/acme/shop/issues/7/comments'))
    return json(200, comments);
  if (req.method === 'POST' && url === '/repos/acme/shop/issues/7/comments') {
    const comment = {
      id: 100 + comments.length,
      body: (JSON.parse(text) as { body: string }).body,
      user: BOT,
    };
    comments.push(comment);
    return json(201, comment);
  }
  const patch = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url);
  if (req.method === 'PATCH' && patch) {
    const comment = comments.find((c) => c.id === Number(patch[1]));
    if (!comment) return json(404, {});
    comment.body = (JSON.parse(text) as { body: string }).body;
    edited.push(comment.id);
    return json(200, comment);
  }
  return json(404, { message: 'Not Found' });
});

beforeAll(async () => {
  if (!process.env.TOKENGATE_ACTION) await ensureBundle();
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => github.close(() => resolve()));
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

type Tree = Record<string, string | { symlink: string }>;

/** A repository whose base commit has `base` and whose head commit (checked out) has `head` on top of it. */
function repository(base: Tree, head: Tree): { workspace: string; baseSha: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-audit-'));
  git(workspace, 'init', '-q');
  const put = (tree: Tree): void => {
    for (const [path, content] of Object.entries(tree)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      if (typeof content === 'string') writeFileSync(join(workspace, path), content);
      else symlinkSync(content.symlink, join(workspace, path));
    }
  };
  put(base);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'base', '--allow-empty');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  put(head);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'head', '--allow-empty');
  return { workspace, baseSha };
}

const DEFAULTS: Record<string, string> = {
  path: '.',
  'fail-on': '',
  config: '.tokengate.yml',
  'config-from': 'head',
  'report-file': '',
  'preview-url': '',
  openapi: '',
  'auth-token': '',
  'auth-header': 'Authorization: Bearer',
  'jwt-test-key': '',
  'new-findings-only': 'true',
  'baseline-ref': '',
  annotations: 'true',
  'pr-comment': 'true',
  'sarif-file': '',
  'unsafe-methods': 'false',
  'max-requests': '2000',
  workers: '',
  'github-token': TOKEN,
};

async function runAction(
  workspace: string,
  baseSha: string,
  inputs: Record<string, string> = {},
  existing: Comment[] = [],
) {
  comments.splice(0, comments.length, ...existing);
  edited.length = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-audit-runner-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(
    files.event,
    JSON.stringify({ pull_request: { number: 7, base: { sha: baseSha }, head: { sha: 'x' } } }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
  };
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [ACTION], { cwd: workspace, env });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const gate = /^gate<<(\S+)\n(.*)\n\1$/m.exec(readFileSync(files.output, 'utf8'))?.[2];
  return {
    code,
    stdout,
    gate,
    summary: readFileSync(files.summary, 'utf8'),
    comment: comments.find((c) => !existing.some((e) => e.id === c.id))?.body ?? '',
  };
}

// The handlers change module data: a route that answers a constant would only be a low finding.
const FLASK_HEAD = 'from flask import Flask\napp = Flask(__name__)\nUSERS = {}\n';
const NUKE = "@app.delete('/api/users/<int:uid>')\ndef nuke(uid):\n    return str(USERS.pop(uid))\n";
const SUPPRESSED_BY_PR = '### Suppressed by this pull request';

describe('a config the pull request brings (config-from: head, the default)', () => {
  it('cannot exclude its own new route from the scan without the comment saying so', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': FLASK_HEAD + NUKE, '.tokengate.yml': "exclude: ['**']\n" },
    );
    const run = await runAction(workspace, baseSha);
    // Today: 0 routes, gate pass, and the comment says "every route that needs authentication has it".
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toMatch(/exclude/);
    expect(run.comment).toContain(
      '| `.tokengate.yml:1` | `exclude **` | (config keys take no reason) | 1 Python file out of the scan |',
    );
    expect(run.summary).toContain('1 Python file out of the scan');
  });

  it('cannot narrow include or turn default-excludes on without the comment counting the files it takes out', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD, 'build/admin.py': FLASK_HEAD, '.tokengate.yml': 'default-excludes: false\n' },
      {
        'app.py': FLASK_HEAD + NUKE,
        'build/admin.py': FLASK_HEAD + NUKE,
        '.tokengate.yml': "include: ['lib/**/*.py']\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.comment).toContain(
      '| `include lib/**/*.py (base: **/*.py)` | (config keys take no reason) | 2 Python files out of the scan |',
    );
    expect(run.comment).toContain(
      '| `default-excludes true (base: false)` | (config keys take no reason) | 1 Python file out of the scan |',
    );
  });

  it('with new-findings-only false, still lists what the config the pull request brings suppresses', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py': FLASK_HEAD + NUKE,
        '.tokengate.yml':
          "ignore:\n  - rule: '*'\n    path: '**'\n    reason: see https://evil.example.com\n",
      },
    );
    const run = await runAction(workspace, baseSha, { 'new-findings-only': 'false' });
    expect(run.code).toBe(0);
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toContain('`ignore rule *, path **`');
    expect(run.comment).toMatch(/\| `ignore rule \*, path \*\*` \| see .* \| 1 finding \|/);
    // The reason is the pull request's text: no link in the bot's voice.
    expect(run.comment).toContain('https:\u2060//evil.example.com');
  });

  it('with config-from base, fails in one sentence when the base commit is not in the clone', async () => {
    const { workspace } = repository({ 'app.py': FLASK_HEAD }, { 'app.py': FLASK_HEAD + NUKE });
    const run = await runAction(workspace, 'e'.repeat(40), {
      'config-from': 'base',
      'new-findings-only': 'false',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error::tokengate: config-from base needs the base commit ${'e'.repeat(40)} in the clone`,
    );
  });

  it("with config-from base and new-findings-only false, still reads the base commit's config", async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py': FLASK_HEAD + NUKE,
        '.tokengate.yml': "ignore:\n  - rule: '*'\n    path: '**'\n    reason: x\n",
      },
    );
    const run = await runAction(workspace, baseSha, { 'config-from': 'base', 'new-findings-only': 'false' });
    // Today: the pull request's ignore-everything entry applies, nothing is listed, exit 0.
    expect(run.code).toBe(1);
    expect(run.gate).toBe('fail');
  });

  it('cannot switch the gate off with fail-on without the comment saying so', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': FLASK_HEAD + NUKE, '.tokengate.yml': 'fail-on: none\n' },
    );
    const run = await runAction(workspace, baseSha);
    // Today: exit 0, gate pass, "Gate disabled (fail-on none)" with nothing naming the pull request's config.
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toMatch(/fail-on/);
    expect(run.comment).toContain(
      '| `fail-on none (base: high)` | (config keys take no reason) | 1 new finding no longer counted |',
    );
  });
});

describe('an inline ignore the pull request puts to new use is listed as suppressed by it', () => {
  it('when a new route is inserted under an ignore comment the base commit already had', async () => {
    const legacy = "@app.post('/hooks/legacy')\ndef legacy():\n    return str(USERS.clear())\n";
    const ignore = '# tokengate: ignore[*] legacy webhook, verified by HMAC upstream\n';
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD + ignore + legacy },
      { 'app.py': FLASK_HEAD + ignore + NUKE + legacy },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    // Today: exit 0 and "No findings: every route that needs authentication has it."
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });

  it('when the comment sits on the add_url_rule call of a view defined elsewhere', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'views.py': 'USERS = {}\ndef nuke(uid):\n    return str(USERS.pop(uid))\n',
        'app.py':
          'from flask import Flask\nfrom views import nuke\napp = Flask(__name__)\n' +
          '# tokengate: ignore[*] internal only\n' +
          "app.add_url_rule('/api/users/<int:uid>', view_func=nuke, methods=['DELETE'])\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });

  it('when the comment sits above a MethodView class', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py':
          'from flask import Flask\nfrom flask.views import MethodView\napp = Flask(__name__)\nUSERS = {}\n' +
          '# tokengate: ignore[*] internal only\n' +
          'class Users(MethodView):\n    """Users."""\n\n    def delete(self, uid):\n        return str(USERS.pop(uid))\n' +
          "app.add_url_rule('/api/users/<int:uid>', view_func=Users.as_view('users'))\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });
});

describe('the sticky comment', () => {
  it("is never a comment of the same bot that only quotes the marker (another workflow's)", async () => {
    const { workspace, baseSha } = repository({ 'app.py': FLASK_HEAD }, { 'app.py': FLASK_HEAD + NUKE });
    const other = {
      id: 1,
      body: 'Deploy preview ready.\n\nThe last report ended with <!-- tokengate:report --> here.',
      user: BOT,
    };
    const run = await runAction(workspace, baseSha, {}, [other]);
    expect(edited).toEqual([]);
    expect(comments.find((c) => c.id === 1)?.body).toBe(other.body);
    expect(run.comment).toMatch(/^<!-- tokengate:report -->/);
    expect(run.stdout).toContain('tokengate: pull-request comment created.');
    // tokengate's own comment (the marker first) is still the one updated on the next run.
    const again = await runAction(workspace, baseSha, {}, [other, { id: 2, body: run.comment, user: BOT }]);
    expect(edited).toEqual([2]);
    expect(again.stdout).toContain('tokengate: pull-request comment updated.');
  });
});
