import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { ensureBundle } from './global-setup.js';
import { type RunningApp, startFlaskApp } from './helpers/flask.js';

/** dist/cli.js and dist/index.js run as users run them, with a preview given. */
const ROOT = join(import.meta.dirname, '..');
const CLI = process.env.TOKENGATE_CLI ?? join(ROOT, 'dist/cli.js');
const ACTION = process.env.TOKENGATE_ACTION ?? join(ROOT, 'dist/index.js');
const API_KEY = 'tg-opaque-api-key-5c1e9a7d3b2f48';

beforeAll(async () => {
  if (!process.env.TOKENGATE_CLI || !process.env.TOKENGATE_ACTION) await ensureBundle();
});

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The action with every input of action.yml (defaults included) as the runner sets them, on a push. Spawned
 * asynchronously: a preview served by this process must keep answering.
 */
async function action(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-live-e2e-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    report: join(dir, 'report.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const declared = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, input] of Object.entries(declared.inputs))
    env[`INPUT_${name.toUpperCase()}`] = String(input.default ?? '');
  for (const [name, value] of Object.entries({ 'github-token': '', 'report-file': files.report, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [ACTION], {
    cwd: ROOT,
    env: {
      ...env,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ROOT,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
    },
  });
  const r = { stdout: '', stderr: '', status: null as number | null };
  child.stdout.on('data', (c: Buffer) => (r.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (r.stderr += c.toString()));
  r.status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const report = (() => {
    try {
      return JSON.parse(readFileSync(files.report, 'utf8')) as Report;
    } catch {
      return undefined;
    }
  })();
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    summary: readFileSync(files.summary, 'utf8'),
    outputs: readFileSync(files.output, 'utf8'),
    reportText: report ? readFileSync(files.report, 'utf8') : '',
    report,
  };
}

describe('an opaque API key sent in its own header', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(ROOT, 'test/fixtures/live/api-key'), 'app:app', { PROBE_SECRET: API_KEY });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gets a complete live run from the CLI, and the key never shows', () => {
    const r = cli(
      [
        'scan',
        'test/fixtures/live/api-key',
        '--format',
        'json',
        '--preview-url',
        app.baseUrl,
        '--auth-header',
        'X-API-Key',
      ],
      { TOKENGATE_AUTH_TOKEN: API_KEY },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.routes.map((route) => `${route.path} ${route.live.status}`)).toEqual([
      '/health open',
      '/api/items closed',
      '/api/items/<int:item_id> closed',
    ]);
    expect(report.notices.map((n) => n.message)).toEqual([
      'auth-token is not a JWT, so it is used for authenticated baselines and query-string probes only; the tampered-payload, stripped-signature and alg: none variants need a JWT.',
    ]);
    expect(r.stdout).not.toContain(API_KEY);
  });

  it('gets a complete live run from the action, with the key and the header value masked', async () => {
    const run = await action({
      path: 'test/fixtures/live/api-key',
      'preview-url': app.baseUrl,
      'auth-token': API_KEY,
      'auth-header': 'X-API-Key',
    });
    expect(run.stdout).not.toContain('failed unexpectedly');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`);
    expect(run.outputs).toMatch(/^gate<<.*\npass\n/m);
    expect(run.report!.routes.find((r) => r.path === '/api/items')!.live.status).toBe('closed');
    for (const text of [
      run.stdout.replaceAll(`::add-mask::${API_KEY}`, ''),
      run.stderr,
      run.summary,
      run.reportText,
    ])
      expect(text).not.toContain(API_KEY);
  });

  it('refuses an auth-header that is no header in one sentence', () => {
    const r = cli(
      ['scan', 'test/fixtures/live/api-key', '--preview-url', app.baseUrl, '--auth-header', 'X API Key'],
      {
        TOKENGATE_AUTH_TOKEN: API_KEY,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tokengate: --auth-header must be a header name, optionally followed by a colon and the text the token follows (e.g. `X-API-Key`, `Authorization: Token`, `Cookie: session=`), not "X API Key".\n',
    );
  });
});

describe('a preview-url that is no URL', () => {
  it.each(['http://[::1', 'ftp://x', 'not a url'])(
    '%s: one sentence and exit 2 from the CLI, after the static report and its gate',
    (url) => {
      const r = cli(['scan', 'examples/tasks-api', '--preview-url', url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `tokengate: preview-url ${JSON.stringify(url)} is not an http(s) URL such as https://preview.example.com; static results are reported without live verification.\n`,
      );
      expect(r.stdout).toContain('missing-authentication  DELETE /api/projects/<int:project_id>');
      expect(r.stdout).toContain('Gate: failed, 3 findings at or above high.');
    },
  );

  it.each(['http://[::1', 'ftp://x', 'not a url'])(
    '%s: an error annotation from the action, the static report, and the gate decides',
    async (url) => {
      const run = await action({ path: 'examples/tasks-api', 'preview-url': url });
      expect(run.stdout).not.toContain('failed unexpectedly');
      const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
      expect(errors).toContain(
        `::error::preview-url ${JSON.stringify(url)} is not an http(s) URL such as https://preview.example.com; static results are reported without live verification.`,
      );
      expect(errors).toContain('::error::tokengate: 3 findings at or above high.');
      expect(run.code).toBe(1);
      expect(run.report!.findings).toHaveLength(3);
      expect(run.summary).toContain('is not an http(s) URL');
    },
  );
});

describe('a preview that serves the same page at every path', () => {
  let shell: Server;
  let baseUrl = '';
  beforeAll(async () => {
    let n = 0;
    shell = createServer((_req, res) => {
      n++;
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><html><head><meta name="build" content="${n}"><title>App</title></head><body><div id="app"></div></body></html>`,
        );
    });
    await new Promise<void>((r) => shell.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(shell.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    shell.closeAllConnections();
    await new Promise<void>((r) => shell.close(() => r()));
  });

  it('confirms no protected route as open in the action, and says why once', async () => {
    const run = await action({ path: 'test/fixtures/live/protected', 'preview-url': baseUrl });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatch(/^gate<<.*\npass\n/m);
    expect(run.report!.findings).toEqual([]);
    expect(run.report!.routes.filter((r) => r.auth.state === 'protected').map((r) => r.live.status)).toEqual([
      'inconclusive',
      'inconclusive',
    ]);
    expect(
      run.report!.notices.filter((n) => n.message.includes('answers paths that cannot exist')),
    ).toHaveLength(1);
    expect(run.stdout).toContain('answers paths that cannot exist');
    expect(run.summary).toContain('answers paths that cannot exist');
  });
});

describe('a test token that cannot go in a header', () => {
  const TOKEN = 'tg-pasted-key-€-5c1e9a7d';
  const SENTENCE = 'holds a character that cannot be sent in an HTTP header';

  it('is a usage error in the CLI, never echoed', () => {
    const r = cli(['scan', 'test/fixtures/live/api-key', '--preview-url', 'http://127.0.0.1:9'], {
      TOKENGATE_AUTH_TOKEN: TOKEN,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`TOKENGATE_AUTH_TOKEN ${SENTENCE}`);
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });

  it('fails the action step, never echoed', async () => {
    const run = await action({
      path: 'test/fixtures/live/api-key',
      'preview-url': 'http://127.0.0.1:9',
      'auth-token': 'tg-control\u0007char-5c1e9a7d',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^::error.*the auth-token input ${SENTENCE}`, 'm'));
    // `::add-mask::` lines are read by the runner, never shown.
    const shown = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(shown.join('\n') + run.stderr).not.toContain('tg-control');
  });
});
