import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { ensureBundle } from './global-setup.js';
import { type RunningApp, startFlaskApp } from './helpers/flask.js';

/**
 * dist/index.js on a pull request, as the runner starts it: action.yml's defaults as INPUT_*, a pull_request
 * event, a git repository with a base and a head commit, and GITHUB_API_URL pointing at a recording server
 * that plays GitHub's issue-comment API.
 */
const ROOT = join(import.meta.dirname, '..');
/** TOKENGATE_ACTION names another build of src/index.ts (e.g. emitted by tsc) to try these tests on unbundled sources. */
const ACTION = process.env.TOKENGATE_ACTION ?? join(ROOT, 'dist/index.js');
const TOKEN = 'ghs_tokengateTestToken0123456789';

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}
/** What GitHub says a GITHUB_TOKEN (an installation token of the github-actions app) writes as. */
const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' };
const state = {
  comments: [] as Comment[],
  requests: [] as string[],
  forbid: false,
  authorizations: [] as string[],
  /** Every request as received: method, URL, headers and body. */
  raw: [] as string[],
};

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const text = await body(req);
  state.requests.push(`${req.method} ${req.url?.split('?')[0]}`);
  state.authorizations.push(String(req.headers.authorization ?? ''));
  state.raw.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${text}`);
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (state.forbid) return json(403, { message: 'Resource not accessible by integration' });
  const url = req.url ?? '';
  // Like GitHub: an installation token may not read `GET /user`; GraphQL's viewer is its app's bot.
  if (req.method === 'GET' && url === '/user')
    return json(403, { message: 'Resource not accessible by integration' });
  if (req.method === 'POST' && url === '/graphql' && text.includes('viewer'))
    return json(200, { data: { viewer: { login: ACTIONS_BOT.login } } });
  if (req.method === 'GET' && url.startsWith('/repos/acme/shop/issues/7/comments'))
    return json(200, state.comments);
  if (req.method === 'POST' && url === '/repos/acme/shop/issues/7/comments') {
    const comment = {
      id: 100 + state.comments.length,
      body: (JSON.parse(text) as { body: string }).body,
      user: ACTIONS_BOT,
    };
    state.comments.push(comment);
    return json(201, comment);
  }
  const patch = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url);
  if (req.method === 'PATCH' && patch) {
    const comment = state.comments.find((c) => c.id === Number(patch[1]));
    if (!comment) return json(404, {});
    comment.body = (JSON.parse(text) as { body: string }).body;
    return json(200, comment);
  }
  return json(404, { message: 'Not Found' });
});

beforeAll(async () => {
  if (!process.env.TOKENGATE_ACTION) await ensureBundle();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const BASE_APP = [
  'from flask import Flask',
  'from flask_jwt_extended import jwt_required',
  'app = Flask(__name__)',
  "@app.get('/api/orders')",
  '@jwt_required()',
  'def orders():',
  "    return ''",
  "@app.delete('/api/orders/<int:oid>')",
  'def delete_order(oid):',
  "    return open('orders.db', 'w').close()",
  '',
].join('\n');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** Base: one open route already. Head: a new open refund route above it. */
function repository(): { workspace: string; base: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-pr-'));
  mkdirSync(join(workspace, 'services', 'shop'), { recursive: true });
  git(workspace, 'init', '-q');
  writeFileSync(join(workspace, 'services', 'shop', 'app.py'), BASE_APP);
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-qm', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  writeFileSync(
    join(workspace, 'services', 'shop', 'app.py'),
    BASE_APP.replace(
      "@app.get('/api/orders')",
      "@app.post('/api/refunds')\ndef refund():\n    return open('orders.db', 'w').close()\n@app.get('/api/orders')",
    ),
  );
  git(workspace, 'commit', '-qam', 'head');
  return { workspace, base };
}

function inputDefaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      `INPUT_${name.toUpperCase()}`,
      name === 'github-token' ? TOKEN : String(input.default ?? ''),
    ]),
  );
}

async function runAction(workspace: string, base: string, inputs: Record<string, string>, head = 'x') {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-runner-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(
    files.event,
    JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: head } } }),
  );
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, [ACTION], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      ...inputDefaults(),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_ACTION_REPOSITORY: 'acme/tokengate',
      GITHUB_ACTION_REF: 'v1',
    },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(files.output, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return { code, stdout, outputs, summary: readFileSync(files.summary, 'utf8') };
}

/** The workflow-command annotations of a run that sit on a file: level and properties (title, file, lines). */
function annotations(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^::(error|warning|notice) [^:]*file=/.test(l))
    .map((l) => l.slice(2, l.indexOf('::', 2)));
}

describe('the bundled action on a pull request', () => {
  it('gates on new findings only, annotates, summarises, writes SARIF, and keeps one comment up to date', async () => {
    const { workspace, base } = repository();
    const first = await runAction(workspace, base, {
      path: 'services/shop',
      'sarif-file': 'out/tokengate.sarif',
      'report-file': 'out/report.json',
    });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('::error::tokengate: 1 new finding at or above high.');
    expect(first.stdout).toMatch(
      /::error title=tokengate high%3A missing-authentication POST \/api\/refunds,file=services\/shop\/app\.py,line=4,endLine=6::/,
    );
    expect(first.stdout).toMatch(
      /::error title=tokengate high%3A missing-authentication DELETE .*::.*already present on the base branch/,
    );
    expect(first.outputs).toMatchObject({
      findings: '2',
      'new-findings': '1',
      'max-severity': 'high',
      gate: 'fail',
      'sarif-file': join(workspace, 'out', 'tokengate.sarif'),
    });
    expect(first.summary.split('\n').slice(0, 3)).toEqual([
      '## ❌ tokengate: 1 new finding at or above high blocks this pull request',
      '',
      '2 findings (1 new, 1 already on the base branch) · 3 routes: 1 protected, 2 open.',
    ]);
    expect(first.summary).toContain(
      '| POST | `/api/refunds` | unprotected | none | `services/shop/app.py:4` |',
    );
    expect(first.summary).toContain(
      'https://github.example/acme/tokengate/blob/v1/docs/rules/missing-authentication.md',
    );

    const sarif = JSON.parse(readFileSync(join(workspace, 'out', 'tokengate.sarif'), 'utf8'));
    expect(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['services/shop/app.py', 'services/shop/app.py']);
    const report = JSON.parse(readFileSync(join(workspace, 'out', 'report.json'), 'utf8')) as Report;
    expect(report.findings.map((f) => f.new)).toEqual([true, false]);

    expect(state.requests).toEqual([
      'GET /repos/acme/shop/issues/7/comments',
      'POST /repos/acme/shop/issues/7/comments',
    ]);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain('<!-- tokengate:report -->');
    expect(state.comments[0]!.body).toContain('`POST /api/refunds`');

    // The author protects the refund route: the same comment is updated, and the gate passes.
    const app = join(workspace, 'services', 'shop', 'app.py');
    writeFileSync(
      app,
      readFileSync(app, 'utf8').replace(
        "@app.post('/api/refunds')",
        "@app.post('/api/refunds')\n@jwt_required()",
      ),
    );
    git(workspace, 'commit', '-qam', 'fix');
    state.requests.length = 0;
    const second = await runAction(workspace, base, { path: 'services/shop' });
    expect(second.code).toBe(0);
    expect(second.outputs).toMatchObject({ gate: 'pass', findings: '1', 'new-findings': '0' });
    expect(state.requests).toEqual([
      'GET /repos/acme/shop/issues/7/comments',
      'GET /user',
      'POST /graphql',
      'PATCH /repos/acme/shop/issues/comments/100',
    ]);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body.split('\n').slice(1, 4)).toEqual([
      '## ✅ tokengate passed: no new findings at or above high',
      '',
      '1 finding (1 already on the base branch) · 3 routes: 2 protected, 1 open.',
    ]);

    for (const text of [
      first.stdout,
      first.summary,
      second.stdout,
      second.summary,
      JSON.stringify(state.comments),
      readFileSync(join(workspace, 'out', 'report.json'), 'utf8'),
    ]) {
      // `::add-mask::` is how the runner learns to mask the token; nothing else may carry it.
      expect(text.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    }
    expect(state.authorizations.every((a) => a === `token ${TOKEN}` || a === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("never edits another user's comment that carries the marker, and updates its own in place", async () => {
    const { workspace, base } = repository();
    const planted = {
      id: 50,
      body: '<!-- tokengate:report -->\nLooks fine to me, ship it.',
      user: { login: 'mallory', type: 'User' },
    };
    state.comments.length = 0;
    state.comments.push({ ...planted });
    state.requests.length = 0;
    const first = await runAction(workspace, base, { path: 'services/shop' });
    expect(first.stdout).toContain('tokengate: pull-request comment created.');
    expect(state.requests).toEqual([
      'GET /repos/acme/shop/issues/7/comments',
      'GET /user',
      'POST /graphql',
      'POST /repos/acme/shop/issues/7/comments',
    ]);
    expect(state.comments[0]).toEqual(planted);
    expect(state.comments.map((c) => `${c.id} ${c.user.login}`)).toEqual([
      '50 mallory',
      '101 github-actions[bot]',
    ]);

    state.requests.length = 0;
    const second = await runAction(workspace, base, { path: 'services/shop' });
    expect(second.stdout).toContain('tokengate: pull-request comment updated.');
    expect(state.requests.at(-1)).toBe('PATCH /repos/acme/shop/issues/comments/101');
    expect(state.comments[0]).toEqual(planted);
    expect(state.comments).toHaveLength(2);
    expect(state.comments[1]!.body).toContain(
      '## ❌ tokengate: 1 new finding at or above high blocks this pull request',
    );
  });

  it('on a fork (403) warns once about the permission and still annotates, summarises and gates', async () => {
    const { workspace, base } = repository();
    state.forbid = true;
    try {
      const run = await runAction(workspace, base, { path: 'services/shop' });
      expect(run.code).toBe(1);
      const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
      expect(warnings).toEqual([
        '::warning::tokengate could not comment on the pull request (HTTP 403): the token needs `pull-requests: write` (fork pull requests get a read-only token). Annotations, the job summary and the gate are unaffected.',
      ]);
      expect(run.stdout).toContain(
        '::error title=tokengate high%3A missing-authentication POST /api/refunds',
      );
      expect(run.summary).toContain('## ❌ tokengate: 1 new finding');
      expect(run.outputs.gate).toBe('fail');
    } finally {
      state.forbid = false;
    }
  });

  it('counts every finding and says how to fix it when the base commit is not in the clone', async () => {
    const { workspace } = repository();
    const run = await runAction(workspace, 'e'.repeat(40), { path: 'services/shop', 'pr-comment': 'false' });
    expect(run.outputs['new-findings']).toBe('2');
    expect(run.summary).toContain(
      'is not in this clone, so every finding counts as new: check out with `fetch-depth: 0`',
    );
    // Without the base, git cannot tell what changed: every file counts as changed, and the summary says so.
    expect(run.summary).toContain('so every file counts as changed for annotations');
    expect(annotations(run.stdout).filter((a) => a.startsWith('error '))).toHaveLength(2);
  });
});

/**
 * Base: an app with an open DELETE route, and a legacy app with an open route. Head: a new open refund route in the
 * app; the legacy file is untouched.
 */
function repositoryWithLegacy(): { workspace: string; base: string; head: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-pr-legacy-'));
  const dir = join(workspace, 'services', 'shop');
  mkdirSync(dir, { recursive: true });
  git(workspace, 'init', '-q');
  writeFileSync(join(dir, 'app.py'), BASE_APP);
  writeFileSync(
    join(dir, 'legacy.py'),
    [
      'from flask import Flask',
      'legacy = Flask(__name__)',
      "@legacy.post('/legacy/export')",
      'def export():',
      "    return open('orders.db', 'w').close()",
      '',
    ].join('\n'),
  );
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-qm', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  writeFileSync(
    join(dir, 'app.py'),
    BASE_APP.replace(
      "@app.get('/api/orders')",
      "@app.post('/api/refunds')\ndef refund():\n    return open('orders.db', 'w').close()\n@app.get('/api/orders')",
    ),
  );
  git(workspace, 'commit', '-qam', 'head');
  return { workspace, base, head: git(workspace, 'rev-parse', 'HEAD') };
}

describe('the bundled action annotates what the pull request changes', () => {
  const levels = (stdout: string): string[] =>
    annotations(stdout).map((a) => {
      const level = a.slice(0, a.indexOf(' '));
      const route = /missing-authentication ([A-Z]+ [^,]+),/.exec(a)![1]!.replace('%3A', ':');
      return `${level} ${route}`;
    });

  it('by default: errors for the new finding and in the changed file, a notice for the untouched file', async () => {
    const { workspace, base, head } = repositoryWithLegacy();
    state.comments.length = 0;
    const run = await runAction(workspace, base, { path: 'services/shop' }, head);
    expect(run.code).toBe(1);
    expect(levels(run.stdout).sort()).toEqual([
      'error DELETE /api/orders/<int:oid>',
      'error POST /api/refunds',
      'notice POST /legacy/export',
    ]);
    expect(run.stdout).toMatch(
      /::notice title=tokengate high%3A missing-authentication POST \/legacy\/export,file=services\/shop\/legacy\.py,line=3,endLine=5::.*\(already present on the base branch, in a file this pull request does not change\)/,
    );
    const verdict = '## ❌ tokengate: 1 new finding at or above high blocks this pull request';
    expect(run.summary.split('\n')[0]).toBe(verdict);
    const comment = state.comments.at(-1)!.body;
    expect(comment.split('\n')[1]).toBe(verdict);
    // The new finding first, with its fix and a link to its line at the head commit (not the merge commit).
    const item = comment.slice(comment.indexOf('### New in this pull request (1)'));
    expect(item).toContain(
      `- **high** · \`POST /api/refunds\` · [\`services/shop/app.py:4\`](https://github.example/acme/shop/blob/${head}/services/shop/app.py#L4)`,
    );
    // The finding names the app's own guard; the rule's generic sentence would contradict it.
    expect(item).toMatch(
      /without authentication while this app authenticates other routes\. Add `@jwt_required\(\)` below the route decorator/,
    );
    expect(item).not.toContain('**Fix:**');
    expect(comment).toContain('<details><summary>2 findings already on the base branch</summary>');
    expect(comment.indexOf('POST /legacy/export')).toBeGreaterThan(comment.indexOf('<details>'));
  });

  it('changed-lines, all and none', async () => {
    const { workspace, base, head } = repositoryWithLegacy();
    const opts = { path: 'services/shop', 'pr-comment': 'false' };
    const lines = await runAction(workspace, base, { ...opts, annotations: 'changed-lines' }, head);
    expect(levels(lines.stdout).sort()).toEqual([
      'error POST /api/refunds',
      'notice DELETE /api/orders/<int:oid>',
      'notice POST /legacy/export',
    ]);
    const all = await runAction(workspace, base, { ...opts, annotations: 'all' }, head);
    expect(levels(all.stdout).every((l) => l.startsWith('error '))).toBe(true);
    expect(levels(all.stdout)).toHaveLength(3);
    const none = await runAction(workspace, base, { ...opts, annotations: 'false' }, head);
    expect(annotations(none.stdout)).toEqual([]);
    expect(none.code).toBe(1);
    const wrong = await runAction(workspace, base, { ...opts, annotations: 'changed' }, head);
    expect(wrong.stdout).toContain(
      "::error::tokengate: the annotations input must be one of changed-lines, changed-files, all, none, not 'changed'.",
    );
  });
});

/**
 * The pull request's head deployed as a preview: test/fixtures/live/open-routes committed as services/api/app.py,
 * and served by real Flask from the checkout itself, so the preview always runs the commit under test.
 */
describe('the bundled action on a pull request with a preview', () => {
  const FIXTURE = join(import.meta.dirname, 'fixtures', 'live', 'open-routes', 'app.py');
  const SIGNING_KEY = 'pr-preview-signing-key-0123456789abcdef';
  let preview: RunningApp | undefined;
  const deploy = async (workspace: string): Promise<RunningApp> => {
    await preview?.close();
    preview = await startFlaskApp(join(workspace, 'services', 'api'), 'app:app', {
      PROBE_SECRET: SIGNING_KEY,
    });
    return preview;
  };
  afterAll(async () => {
    await preview?.close();
  });

  it('confirms findings live, counts only the new one, comments once and never prints the test token', async () => {
    // Base: the open reports route already there. Head: a DELETE route without authentication added.
    const workspace = mkdtempSync(join(tmpdir(), 'tokengate-pr-live-'));
    const app = join(workspace, 'services', 'api', 'app.py');
    mkdirSync(join(workspace, 'services', 'api'), { recursive: true });
    const head = readFileSync(FIXTURE, 'utf8');
    const deleteRoute = head.indexOf('@app.delete("/api/items/<int:item_id>")');
    expect(deleteRoute).toBeGreaterThan(0);
    git(workspace, 'init', '-q');
    writeFileSync(app, head.slice(0, deleteRoute).trimEnd() + '\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'base');
    const base = git(workspace, 'rev-parse', 'HEAD');
    copyFileSync(FIXTURE, app);
    git(workspace, 'commit', '-qam', 'head');

    let server = await deploy(workspace);
    const login = await fetch(`${server.baseUrl}/login`, { method: 'POST' });
    const authToken = ((await login.json()) as { access_token: string }).access_token;
    const inputs = {
      path: 'services/api',
      'preview-url': server.baseUrl,
      'auth-token': authToken,
      'unsafe-methods': 'true',
      'sarif-file': 'out/tokengate.sarif',
      'report-file': 'out/report.json',
    };
    state.comments.length = 0;
    state.requests.length = 0;
    state.raw.length = 0;
    const first = await runAction(workspace, base, inputs);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`::add-mask::${authToken}`);
    // The new DELETE route is confirmed live and counted; the reports route was open on the base branch already.
    expect(annotations(first.stdout)).toEqual([
      'error title=tokengate critical%3A missing-authentication DELETE /api/items/<int%3Aitem_id>,file=services/api/app.py,line=28,endLine=30',
      'error title=tokengate high%3A missing-authentication GET /api/reports,file=services/api/app.py,line=23,endLine=25',
    ]);
    expect(first.stdout).toMatch(
      /::error title=[^:]*GET \/api\/reports,.*\(already present on the base branch\)$/m,
    );
    expect(first.stdout).toContain('::error::tokengate: 1 new finding at or above high.');
    expect(first.outputs).toEqual({
      findings: '2',
      'new-findings': '1',
      'max-severity': 'critical',
      gate: 'fail',
      'report-file': join(workspace, 'out', 'report.json'),
      'sarif-file': join(workspace, 'out', 'tokengate.sarif'),
    });
    const report = JSON.parse(readFileSync(join(workspace, 'out', 'report.json'), 'utf8')) as Report;
    expect(
      report.findings.map(
        (f) =>
          `${f.ruleId} ${f.route?.methods.join()} ${f.route?.path} ${f.severity} ${f.confidence} ${f.sources.join('+')} new=${f.new}`,
      ),
    ).toEqual([
      'missing-authentication GET /api/reports high confirmed static+live new=false',
      'missing-authentication DELETE /api/items/<int:item_id> critical confirmed static+live new=true',
    ]);
    expect(report.findings[1]!.evidence[0]).toEqual({
      method: 'DELETE',
      url: `${server.baseUrl}/api/items/1`,
      status: 200,
      probe: 'no-token',
    });
    expect(report.routes.find((r) => r.path === '/api/items')?.live.status).toBe('closed');

    expect(first.summary.split('\n')[0]).toBe(
      '## ❌ tokengate: 1 new finding at or above high blocks this pull request',
    );
    expect(first.summary).toMatch(
      /^- \*\*critical\*\* · `DELETE \/api\/items\/<int:item_id>` · \[`services\/api\/app\.py:28`\]\(https:\/\/github\.example\/acme\/shop\/blob\/x\/services\/api\/app\.py#L28\)$/m,
    );
    expect(first.summary).toContain('confirmed live');
    expect(first.summary).toMatch(
      /^\| \w+ \| missing-authentication \| `GET \/api\/reports` \| \[`services\/api\/app\.py:23`\]/m,
    );
    expect(first.summary).toContain('<details><summary>Live evidence (');
    expect(first.summary).toMatch(/\| Methods \| Path \| State \| Guard \| Live \| Location \|/);
    expect(first.summary).toContain(
      `- missing-authentication: \`DELETE ${server.baseUrl}/api/items/1\` answered 200 to probe \`no-token\``,
    );
    expect(first.summary).toContain(
      '| GET | `/api/items` | protected | `jwt_required()` | closed | `services/api/app.py:17` |',
    );

    const sarifFile = join(workspace, 'out', 'tokengate.sarif');
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      runs: {
        results: {
          partialFingerprints: Record<string, string>;
          properties: { sources: string[]; new: boolean };
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(
      sarif.runs[0]!.results.map((r) => {
        const { artifactLocation, region } = r.locations[0]!.physicalLocation;
        return `${artifactLocation.uri}:${region.startLine} ${r.properties.sources.join('+')} new=${r.properties.new}`;
      }),
    ).toEqual([
      'services/api/app.py:23 static+live new=false',
      'services/api/app.py:28 static+live new=true',
    ]);
    for (const r of sarif.runs[0]!.results)
      for (const l of r.locations)
        expect(existsSync(join(workspace, l.physicalLocation.artifactLocation.uri))).toBe(true);
    const validated = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'sarif-multitool'),
      ['validate', sarifFile],
      {
        encoding: 'utf8',
      },
    );
    expect(validated).toContain('Analysis completed successfully');
    expect(validated).not.toMatch(/: error /);

    expect(state.requests).toEqual([
      'GET /repos/acme/shop/issues/7/comments',
      'POST /repos/acme/shop/issues/7/comments',
    ]);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain('<!-- tokengate:report -->');
    expect(state.comments[0]!.body).toContain(
      '- **critical** · `DELETE /api/items/<int:item_id>` · [`services/api/app.py:28`](https://github.example/acme/shop/blob/x/services/api/app.py#L28)',
    );
    expect(state.comments[0]!.body).toMatch(/missing-authentication\.md\), confirmed live\)?\.?/);
    expect(state.comments[0]!.body).toContain('1 finding already on the base branch');
    const firstRun = {
      stdout: first.stdout,
      summary: first.summary,
      report: readFileSync(join(workspace, 'out', 'report.json'), 'utf8'),
      sarif: readFileSync(sarifFile, 'utf8'),
    };

    // The author protects the DELETE route and the preview is redeployed: the same comment is updated.
    writeFileSync(
      app,
      readFileSync(app, 'utf8').replace(
        '@app.delete("/api/items/<int:item_id>")',
        '@app.delete("/api/items/<int:item_id>")\n@jwt_required()',
      ),
    );
    git(workspace, 'commit', '-qam', 'fix');
    server = await deploy(workspace);
    state.requests.length = 0;
    const second = await runAction(workspace, base, { ...inputs, 'preview-url': server.baseUrl });
    expect(second.code).toBe(0);
    expect(second.outputs).toMatchObject({
      gate: 'pass',
      findings: '1',
      'new-findings': '0',
      'max-severity': 'high',
    });
    expect(annotations(second.stdout)).toEqual([
      'error title=tokengate high%3A missing-authentication GET /api/reports,file=services/api/app.py,line=23,endLine=25',
    ]);
    expect(second.summary).toContain('<details><summary>Live evidence (');
    expect(state.requests).toEqual([
      'GET /repos/acme/shop/issues/7/comments',
      'GET /user',
      'POST /graphql',
      'PATCH /repos/acme/shop/issues/comments/100',
    ]);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain('## ✅ tokengate passed: no new findings at or above high');
    const secondReport = JSON.parse(readFileSync(join(workspace, 'out', 'report.json'), 'utf8')) as Report;
    expect(secondReport.routes.find((r) => r.path === '/api/items/<int:item_id>')?.live.status).toBe(
      'closed',
    );

    const signature = authToken.split('.')[2]!;
    for (const text of [
      ...Object.values(firstRun),
      second.stdout,
      second.summary,
      readFileSync(join(workspace, 'out', 'report.json'), 'utf8'),
      readFileSync(sarifFile, 'utf8'),
      JSON.stringify(state.comments),
      state.raw.join('\n'),
    ]) {
      // `::add-mask::` is how the runner learns to mask the token; nothing else may carry it.
      const unmasked = text
        .replaceAll(`::add-mask::${authToken}`, '')
        .replaceAll(`::add-mask::Bearer ${authToken}`, '');
      expect(unmasked).not.toContain(authToken);
      expect(unmasked).not.toContain(signature);
    }
    // Two comment runs: list + create, then list + identity (GET /user, GraphQL viewer) + update.
    expect(state.raw.length).toBe(6);
  });
});

describe('the bundled action on a pull request that suppresses its own findings', () => {
  const HEAD_APP = BASE_APP.replace(
    "@app.get('/api/orders')",
    [
      "@app.post('/api/refunds')",
      'def refund():',
      "    return open('orders.db', 'w').close()",
      '# tokengate: ignore[missing-authentication] payouts are signed by the bank',
      "@app.post('/api/payouts')",
      'def payout():',
      "    return open('orders.db', 'w').close()",
      "@app.get('/api/orders')",
    ].join('\n'),
  );
  const SILENCE_ALL = [
    'ignore:',
    "  - rule: '*'",
    "    path: '**'",
    '    reason: legacy code, reviewed',
    '',
  ].join('\n');

  /** Base: BASE_APP without a config. Head: two new open routes, one under an inline ignore, and `files`. */
  function pullRequest(app: string, files: Record<string, string>): { workspace: string; base: string } {
    const workspace = mkdtempSync(join(tmpdir(), 'tokengate-pr-suppress-'));
    const dir = join(workspace, 'services', 'shop');
    mkdirSync(dir, { recursive: true });
    git(workspace, 'init', '-q');
    writeFileSync(join(dir, 'app.py'), BASE_APP);
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'base');
    const base = git(workspace, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'app.py'), app);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'head');
    return { workspace, base };
  }

  it('lists the ignore entry and the inline ignore it adds, with reasons, in the comment and the summary', async () => {
    const { workspace, base } = pullRequest(HEAD_APP, { '.tokengate.yml': SILENCE_ALL });
    state.comments.length = 0;
    const run = await runAction(workspace, base, { path: 'services/shop' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ gate: 'pass', findings: '0' });
    const rows = [
      '### Suppressed by this pull request (2)',
      '| `services/shop/.tokengate.yml:2` | `ignore rule *, path **` | legacy code, reviewed | 2 findings |',
      '| `services/shop/app.py:7` | `# tokengate: ignore[missing-authentication]` | payouts are signed by the bank | 1 finding |',
    ];
    for (const row of rows) {
      expect(run.summary).toContain(row);
      expect(state.comments[0]!.body).toContain(row);
    }
  });

  it('with config-from base, ignores the config the pull request brings and gates on its findings', async () => {
    const { workspace, base } = pullRequest(HEAD_APP, { '.tokengate.yml': SILENCE_ALL });
    state.comments.length = 0;
    const run = await runAction(workspace, base, {
      path: 'services/shop',
      'config-from': 'base',
      'report-file': 'out/report.json',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::tokengate: 1 new finding at or above high.');
    const report = JSON.parse(readFileSync(join(workspace, 'out', 'report.json'), 'utf8')) as Report;
    expect(report.findings.map((f) => `${f.route?.path} ${f.suppressed?.kind ?? 'counted'}`)).toEqual([
      '/api/refunds counted',
      '/api/payouts comment',
      '/api/orders/<int:oid> counted',
    ]);
    // The inline ignore is in the code under review, so it is still listed; the head's config is not in effect.
    const summary = run.summary;
    expect(summary).toContain('### Suppressed by this pull request (1)');
    expect(summary).toContain('| `services/shop/app.py:7` |');
    expect(summary).not.toContain('.tokengate.yml');
  });

  it("honours the config's fail-on when the fail-on input is not given", async () => {
    const app = BASE_APP.replace(
      "@app.get('/api/orders')",
      "@app.post('/api/notes')\n@jwt_required(optional=True)\ndef note():\n    return ''\n@app.get('/api/orders')",
    );
    const { workspace, base } = pullRequest(app, { '.tokengate.yml': 'fail-on: medium\n' });
    const run = await runAction(workspace, base, { path: 'services/shop', 'pr-comment': 'false' });
    expect(run.stdout).toContain('::error::tokengate: 1 new finding at or above medium.');
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ gate: 'fail', 'new-findings': '1', 'max-severity': 'high' });
    // The input, when given, still wins over the config.
    const high = await runAction(workspace, base, {
      path: 'services/shop',
      'pr-comment': 'false',
      'fail-on': 'high',
    });
    expect(high.code).toBe(0);
  });
});
