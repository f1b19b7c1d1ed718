import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { repository, usePullRequestAction } from './helpers/pr-action.js';

/**
 * Audit of issue 17 (a pull request cannot fool or blind the gate): each test is an attack by a pull request on
 * the bundled action, run as the runner starts it (these: the files it reads and the live verdicts).
 */
const runAction = usePullRequestAction().run;

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
