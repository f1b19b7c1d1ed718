import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from './global-setup.js';

/**
 * Audit of issue 17 (a pull request cannot fool or blind the gate): each test is an attack by a pull request on
 * the bundled action, run as the runner starts it (these: the files it reads and the live verdicts).
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

async function runAction(workspace: string, baseSha: string, inputs: Record<string, string> = {}) {
  comments.length = 0;
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
    comment: comments[0]?.body ?? '',
  };
}

const FLASK_HEAD = 'from flask import Flask\napp = Flask(__name__)\n';
// The handler changes module data: a route that answers a constant would only be a low finding.
const NUKE =
  "USERS = {}\n@app.delete('/api/users/<int:uid>')\ndef nuke(uid):\n    return str(USERS.pop(uid))\n";

describe('a Python file Python imports but the scan does not analyse fails the gate', () => {
  const admin =
    "from flask import Blueprint\nbp = Blueprint('admin', __name__)\n" + NUKE.replace('@app', '@bp');
  const registers = (module: string): string =>
    `${FLASK_HEAD}from ${module} import bp\napp.register_blueprint(bp)\n`;

  it('a module with old-Mac CR line endings (python3 imports it and registers the route)', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': registers('admin'), 'admin.py': admin.replace(/\n/g, '\r') },
    );
    const run = await runAction(workspace, baseSha);
    // Today: "has syntax errors; analysed as far as the parser recovered", 0 routes, exit 0.
    expect(run.code).toBe(1);
    expect(run.gate).toBe('fail');
  });

  it('a .py symlink to a file the scan does not read (python3 follows it)', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': registers('admin'), 'impl/admin.txt': admin, 'admin.py': { symlink: 'impl/admin.txt' } },
    );
    const run = await runAction(workspace, baseSha);
    // Today: a notice "symbolic links are not followed" that does not count, exit 0.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::warning title=tokengate%3A file not analysed,file=admin\.py::/m);
  });

  it('a package whose directory name starts with U+2028 (no notice at all today)', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py': `import importlib\n${FLASK_HEAD}app.register_blueprint(importlib.import_module('\u2028pkg.admin').bp)\n`,
        '\u2028pkg/__init__.py': '',
        '\u2028pkg/admin.py': admin,
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('DELETE /api/users/<int:uid>');
  });
});

describe('live verdicts', () => {
  let preview: Server | undefined;
  afterAll(async () => {
    if (preview) await new Promise<void>((resolve) => preview!.close(() => resolve()));
  });
  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => {
    if (preview) await new Promise<void>((resolve) => preview!.close(() => resolve()));
    preview = createServer(handler);
    await new Promise<void>((resolve) => preview!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(preview.address() as AddressInfo).port}`;
  };
  const ORDERS =
    'from flask import Flask, jsonify\nfrom flask_jwt_extended import jwt_required, JWTManager\n' +
    'app = Flask(__name__)\nJWTManager(app)\n' +
    "@app.get('/api/orders')\n@jwt_required()\ndef orders():\n    return jsonify([])\n";

  it('a pull request that opens an existing protected route (seen only live) fails the gate', async () => {
    // The head adds a before_request hook that answers /api/orders for everyone; the preview runs the head.
    const hook =
      'from flask import request\n@app.before_request\ndef cached():\n' +
      "    if request.path == '/api/orders':\n        return jsonify([{'id': 1}])\n";
    const { workspace, baseSha } = repository({ 'app.py': ORDERS }, { 'app.py': ORDERS + hook });
    const url = await listen((req, res) => {
      if (req.url?.split('?')[0] === '/api/orders')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id": 1}]');
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    const run = await runAction(workspace, baseSha, { 'preview-url': url });
    expect(run.stdout).toContain('answered without a token although the code looks protected');
    // Today: "(already present on the base branch)", exit 0, although the base commit's route was protected.
    expect(run.code).toBe(1);
    expect(run.gate).toBe('fail');
  });

  it('a catch-all preview whose page carries a per-request nonce confirms no protected route as open', async () => {
    const { workspace, baseSha } = repository({}, { 'app.py': ORDERS });
    const url = await listen((_req, res) => {
      const nonce = randomBytes(8).toString('hex');
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>` +
            `<script nonce="${nonce}" src="/static/js/main.js"></script>` +
            `<link nonce="${nonce}" rel="stylesheet" href="/static/css/main.css"></head>` +
            `<body><div id="root"></div><script nonce="${nonce}">window.__NONCE__="${nonce}"</script></body></html>`,
        );
    });
    const run = await runAction(workspace, baseSha, { 'preview-url': url });
    // Today: a confirmed critical missing-authentication on the jwt_required route, exit 1.
    expect(run.stdout).not.toMatch(/CRITICAL missing-authentication {2}GET \/api\/orders/);
    expect(run.code).toBe(0);
  });
});
