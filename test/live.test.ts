import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBundle } from './global-setup.js';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { DEFAULT_LIMITS, ProbeClient } from '../src/live/client.js';
import { concretePath, probeRoutes } from '../src/live/probe.js';
import { scan } from '../src/scan.js';
import { VERSION } from '../src/version.js';
import type { RouteReport } from '../src/types.js';
import { type RunningApp, startFlaskApp } from './helpers/flask.js';

const ROOT = join(import.meta.dirname, '..');
/** TOKENGATE_ACTION names another build of src/index.ts (e.g. emitted by tsc) to try the action on unbundled sources. */
const ACTION = process.env.TOKENGATE_ACTION ?? join(ROOT, 'dist/index.js');

function route(
  path: string,
  methods = ['GET'],
  state: RouteReport['auth']['state'] = 'protected',
): RouteReport {
  return {
    methods,
    path,
    endpoint: path,
    location: { file: 'app.py', startLine: 1, endLine: 3 },
    auth: { state, mechanisms: state === 'protected' ? ['jwt_required()'] : [] },
    live: { status: 'not-probed', evidence: [] },
  };
}

interface Recorded {
  method: string;
  path: string;
  authorization?: string;
  userAgent?: string;
  at: number;
}

/** A local HTTP server whose handler decides per path; records every request it sees. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({
      method: req.method!,
      path: req.url!,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      at: Date.now(),
    });
    void handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const SECRET = new TextEncoder().encode('secret');

/** Accepts a Bearer token only if it verifies with `verify`; otherwise 401. */
function guarded(verify: (token: string) => Promise<boolean>, fromQuery = false) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const query = new URL(req.url!, 'http://x').searchParams.get('token');
    const token =
      /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ??
      (fromQuery ? query : undefined) ??
      undefined;
    if (req.url === '/') return void res.writeHead(200).end('home');
    if (token && (await verify(token).catch(() => false))) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[1,2]}');
    }
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"msg":"Missing Authorization Header"}');
  };
}

describe('live probing against the example app under real Flask', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(ROOT, 'examples/tasks-api'), 'tasks_api:create_app()', {
      TASKS_API_SECRET: 'live-test-secret',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('confirms the open routes, keeps the protected ones closed, and sends no unsafe method by default', async () => {
    const { routes } = await analyze(join(ROOT, 'examples/tasks-api'));
    const result = await probeRoutes(routes, { previewUrl: app.baseUrl });
    const status = Object.fromEntries(
      result.verdicts.map((v) => [`${v.route.methods.join(',')} ${v.route.path}`, v.status]),
    );
    expect(status).toEqual({
      'GET /api/admin/export': 'open',
      'GET /api/admin/users': 'closed',
      'GET /api/projects/': 'closed',
      'GET /api/projects/<int:project_id>': 'closed',
      'GET /api/tasks/<int:task_id>': 'closed',
      'GET /api/tasks/overdue': 'open',
      'GET /health': 'open',
    });
    expect(result.findings).toEqual([]);
    expect(result.notices).toContainEqual({
      message:
        '4 route(s) only accept POST/PUT/PATCH/DELETE and were not probed (set unsafe-methods: true to allow it).',
    });
    const export_ = result.verdicts.find((v) => v.route.path === '/api/admin/export')!;
    expect(export_.evidence[0]).toEqual({
      method: 'GET',
      url: `${app.baseUrl}/api/admin/export`,
      status: 200,
      probe: 'no-token',
    });
  });
});

describe('the bundled action with a preview', () => {
  let app: RunningApp;
  beforeAll(async () => {
    if (!process.env.TOKENGATE_ACTION) await ensureBundle();
    app = await startFlaskApp(join(ROOT, 'examples/tasks-api'), 'tasks_api:create_app()', {
      TASKS_API_SECRET: 'action-live-secret',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('confirms findings live, masks the test token and never prints it', async () => {
    const login = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password: 'correct horse' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-live-action-'));
    const files = {
      output: join(dir, 'output'),
      summary: join(dir, 'summary'),
      report: join(dir, 'report.json'),
    };
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const inputs: Record<string, string> = Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, String(v.default ?? '')]),
    );
    const run = spawnSync(process.execPath, [ACTION], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        ...inputs,
        'INPUT_GITHUB-TOKEN': '',
        INPUT_PATH: 'examples/tasks-api',
        'INPUT_PREVIEW-URL': app.baseUrl,
        'INPUT_AUTH-TOKEN': token,
        'INPUT_JWT-TEST-KEY': 'action-live-secret',
        'INPUT_REPORT-FILE': files.report,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: ROOT,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
      },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::add-mask::${token}`);
    // The whole header value is masked too.
    expect(run.stdout).toContain(`::add-mask::Bearer ${token}`);
    expect(run.stdout).toContain('::add-mask::action-live-secret');
    const report = JSON.parse(readFileSync(files.report, 'utf8')) as import('../src/types.js').Report;
    const exported = report.findings.find((f) => f.route?.path === '/api/admin/export')!;
    expect(exported).toMatchObject({
      severity: 'critical',
      confidence: 'confirmed',
      sources: ['static', 'live'],
    });
    expect(exported.evidence[0]).toMatchObject({ method: 'GET', status: 200, probe: 'no-token' });
    expect(report.routes.find((r) => r.path === '/api/projects/')?.live.status).toBe('closed');
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain('### Live evidence');
    for (const text of [
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      run.stderr,
      summary,
      readFileSync(files.report, 'utf8'),
    ]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[2]!);
    }
  });
});

describe('live probing of token handling', () => {
  it('finds forged, unsigned and query-string tokens accepted, and a weak secret, without leaking the token', async () => {
    const sloppy = await serve(
      guarded(async (token) => {
        const header = jose.decodeProtectedHeader(token);
        if (String(header.alg).toLowerCase() === 'none') return true;
        await jose.jwtVerify(token, SECRET, { algorithms: ['HS256'] });
        return true;
      }, true),
    );
    const token = await new jose.SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(SECRET);
    try {
      const result = await probeRoutes([route('/api/items'), route('/api/orders/<int:order_id>')], {
        previewUrl: sloppy.baseUrl,
        authToken: token,
        secrets: [{ name: 'JWT_SECRET_KEY', value: 'secret', file: 'config.py', line: 3 }],
      });
      expect(result.verdicts.map((v) => v.status)).toEqual(['open', 'open']);
      expect(result.findings.map((f) => `${f.ruleId} ${f.route?.path} ${f.confidence}`)).toEqual([
        'jwt-hardcoded-secret /api/items confirmed',
        'jwt-none-algorithm /api/items confirmed',
        'token-in-query-string /api/items confirmed',
        'jwt-none-algorithm /api/orders/<int:order_id> confirmed',
        'token-in-query-string /api/orders/<int:order_id> confirmed',
      ]);
      const query = result.findings.find((f) => f.ruleId === 'token-in-query-string')!;
      expect(query.evidence[0]!.url).toBe(`${sloppy.baseUrl}/api/items?token=[redacted]`);
      const secret = result.findings[0]!;
      expect(secret.location).toEqual({ file: 'config.py', startLine: 3, endLine: 3 });
      expect(secret.message).not.toContain("'secret'");
      expect(JSON.stringify(result)).not.toContain(token);
      expect(JSON.stringify(result)).not.toContain(token.split('.')[2]);
      expect(sloppy.requests.every((r) => r.method === 'GET')).toBe(true);
      expect(sloppy.requests.some((r) => r.path.startsWith('/api/orders/1'))).toBe(true);
    } finally {
      await sloppy.close();
    }
  });

  it('accepts nothing from a server that verifies properly', async () => {
    const strict = await serve(
      guarded(async (token) => (await jose.jwtVerify(token, SECRET, { algorithms: ['HS256'] }), true)),
    );
    try {
      const result = await probeRoutes([route('/api/items')], { previewUrl: strict.baseUrl });
      expect(result.verdicts[0]!.status).toBe('closed');
      expect(result.findings).toEqual([]);
      const probes = strict.requests
        .filter((r) => r.path === '/api/items')
        .map((r) => r.authorization ?? '(none)');
      expect(probes).toHaveLength(10);
      expect(probes[0]).toBe('(none)');
      expect(
        probes.filter((p) =>
          /^Bearer eyJhbGciOiJub25l|^Bearer eyJhbGciOiJOb25l|^Bearer eyJhbGciOiJOT05F|^Bearer eyJhbGciOiJuT25F/.test(
            p,
          ),
        ),
      ).toHaveLength(4);
    } finally {
      await strict.close();
    }
  });

  it('sends no keyed token when jwt-test-key does not verify the test token, and says why in one notice', async () => {
    const strict = await serve(
      guarded(
        async (token) => (
          await jose.jwtVerify(token, SECRET, {
            algorithms: ['HS256'],
            audience: 'shop',
            requiredClaims: ['exp'],
          }),
          true
        ),
      ),
    );
    const token = await new jose.SignJWT({ sub: 'alice', aud: 'shop' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(SECRET);
    try {
      const sent = async (jwtTestKey: string) => {
        strict.requests.length = 0;
        const result = await probeRoutes([route('/api/items')], {
          previewUrl: strict.baseUrl,
          authToken: token,
          jwtTestKey,
        });
        return { notices: result.notices, requests: strict.requests.length };
      };
      const right = await sent('secret');
      expect(right.notices).toEqual([]);
      const wrong = await sent('not-the-preview-key');
      expect(wrong.notices).toEqual([
        {
          message:
            "jwt-test-key does not verify auth-token's signature (give the key the preview signs its tokens with), so the expired, no-exp, wrong-audience and wrong-issuer probes were skipped.",
        },
      ]);
      // expired, no-exp and wrong-audience (the token has an `aud`, no `iss`).
      expect(right.requests - wrong.requests).toBe(3);
      const pem = await sent(
        '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----',
      );
      expect(pem.notices[0]!.message).toMatch(/^jwt-test-key does not suit auth-token's algorithm HS256/);
      expect(JSON.stringify([right, wrong, pem])).not.toContain(token);
    } finally {
      await strict.close();
    }
  });
});

describe('live probing safety and faults', () => {
  it('keeps to the origin, caps bodies, honours Retry-After, and calls faults inconclusive', async () => {
    const elsewhere = await serve((_req, res) => void res.writeHead(200).end('elsewhere'));
    let busy = 0;
    const faults = await serve(async (req, res) => {
      const path = req.url!.split('?')[0];
      switch (path) {
        case '/':
          return void res.writeHead(200).end('ok');
        case '/slow':
          await new Promise((r) => setTimeout(r, 2000));
          return void (res.writableEnded || res.destroyed ? undefined : res.writeHead(200).end('late'));
        case '/reset':
          return void req.socket.destroy();
        case '/error':
          return void res.writeHead(500).end('boom');
        case '/busy':
          if (busy++ === 0) return void res.writeHead(429, { 'retry-after': '1' }).end();
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        case '/away':
          return void res.writeHead(302, { location: `${elsewhere.baseUrl}/steal` }).end();
        case '/to-login':
          return void res.writeHead(302, { location: '/login?next=/to-login' }).end();
        case '/login-page':
          return void res
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<form method=post><input type="password" name="pw"></form>');
        case '/huge': {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(1024 * 1024, 97);
          let sent = 0;
          const pump = (): void => {
            while (sent < 50 && res.write(chunk)) sent++;
            if (sent < 50 && !res.destroyed) res.once('drain', pump);
            else res.end();
          };
          return pump();
        }
        default:
          return void res.writeHead(404).end();
      }
    });
    try {
      const started = Date.now();
      const result = await probeRoutes(
        ['/slow', '/reset', '/error', '/busy', '/away', '/to-login', '/login-page', '/huge']
          .map((p) => route(p))
          .concat(route('/items/<int:id>', ['DELETE'])),
        {
          previewUrl: faults.baseUrl,
          limits: { timeoutMs: 500, concurrency: 4, requestsPerSecond: 200, maxBodyBytes: 64 * 1024 },
        },
      );
      const status = Object.fromEntries(result.verdicts.map((v) => [v.route.path, v.status]));
      expect(status).toEqual({
        '/away': 'inconclusive',
        '/busy': 'open',
        '/error': 'inconclusive',
        '/huge': 'open',
        '/login-page': 'closed',
        '/reset': 'inconclusive',
        '/slow': 'inconclusive',
        '/to-login': 'closed',
      });
      expect(elsewhere.requests).toEqual([]);
      expect(faults.requests.some((r) => r.method !== 'GET')).toBe(false);
      expect(faults.requests.filter((r) => r.path === '/busy').length).toBe(11);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await faults.close();
      await elsewhere.close();
    }
  });

  it('stops at the request budget and the deadline, and reports an unreachable preview in one sentence', async () => {
    const server = await serve((_req, res) => void res.writeHead(401).end());
    try {
      const routes = Array.from({ length: 10 }, (_, i) => route(`/r${i}`));
      const budget = await probeRoutes(routes, { previewUrl: server.baseUrl, limits: { maxRequests: 15 } });
      expect(server.requests.length).toBeLessThanOrEqual(15);
      expect(budget.notices).toContainEqual({
        message: 'live probing stopped at its budget of 15 requests; some routes are inconclusive.',
      });
      expect(budget.verdicts.filter((v) => v.status === 'inconclusive').length).toBeGreaterThan(0);

      server.requests.length = 0;
      const deadline = await probeRoutes(routes, {
        previewUrl: server.baseUrl,
        limits: { deadlineMs: 300, requestsPerSecond: 20 },
      });
      expect(server.requests.length).toBeLessThan(12);
      expect(deadline.notices).toContainEqual({
        message: 'live probing reached its deadline; some routes are inconclusive.',
      });
    } finally {
      await server.close();
    }
    const down = await probeRoutes([route('/x')], { previewUrl: 'http://127.0.0.1:9' });
    expect(down.unreachable).toBe(
      'preview-url http://127.0.0.1:9 is unreachable: the connection was refused; static results are reported without live verification.',
    );
  });

  it('probes GET, HEAD and OPTIONS routes, and names only the routes it did not probe', async () => {
    const server = await serve((_req, res) => void res.writeHead(401).end());
    try {
      const result = await probeRoutes(
        [route('/get'), route('/head', ['HEAD']), route('/options', ['OPTIONS']), route('/write', ['POST'])],
        { previewUrl: server.baseUrl },
      );
      expect(result.verdicts.map((v) => `${v.route.path} ${v.status}`)).toEqual([
        '/get closed',
        '/head closed',
        '/options closed',
      ]);
      expect(result.notices).toEqual([
        {
          message:
            '1 route(s) only accept POST/PUT/PATCH/DELETE and were not probed (set unsafe-methods: true to allow it).',
        },
      ]);
      const methods = new Set(
        server.requests
          .filter((r) => r.path !== '/')
          .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{12}$/, '…')}`),
      );
      // Each method also asks for a path that cannot exist, in case the preview answers every path alike.
      expect([...methods].sort()).toEqual([
        'GET /get',
        'GET /tokengate-absent-…',
        'HEAD /head',
        'HEAD /tokengate-absent-…',
        'OPTIONS /options',
        'OPTIONS /tokengate-absent-…',
      ]);
    } finally {
      await server.close();
    }
  });

  it('waits for a 503 Retry-After once, and calls a 503 without it inconclusive', async () => {
    let maintenance = 0;
    const server = await serve((req, res) => {
      if (req.url === '/') return void res.writeHead(200).end('ok');
      if (req.url === '/down') return void res.writeHead(503).end('maintenance');
      if (req.url !== '/back-soon') return void res.writeHead(404).end();
      if (maintenance++ === 0) return void res.writeHead(503, { 'retry-after': '1' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      const result = await probeRoutes([route('/back-soon'), route('/down')], {
        previewUrl: server.baseUrl,
        limits: { concurrency: 1, requestsPerSecond: 200 },
      });
      expect(result.verdicts.map((v) => `${v.route.path} ${v.status}`)).toEqual([
        '/back-soon open',
        '/down inconclusive',
      ]);
      const soon = server.requests.filter((r) => r.path === '/back-soon');
      expect(soon).toHaveLength(11);
      expect(soon[1]!.at - soon[0]!.at).toBeGreaterThanOrEqual(950);
      expect(server.requests.filter((r) => r.path === '/down')).toHaveLength(10);
    } finally {
      await server.close();
    }
  });

  it('names itself in the User-Agent and reads a body only up to the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(5 * 1024 * 1024, 97));
    });
    const client = new ProbeClient(server.baseUrl, { ...DEFAULT_LIMITS, maxBodyBytes: 4096 });
    try {
      const response = await client.send('GET', '/big');
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(4096);
      await probeRoutes([route('/items')], { previewUrl: server.baseUrl });
      expect(server.requests.length).toBeGreaterThan(10);
      for (const r of server.requests) expect(r.userAgent).toBe(`tokengate/${VERSION} (+auth probe)`);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('does not call a 2xx open when it differs from the authenticated baseline', async () => {
    const token = await new jose.SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(SECRET);
    const server = await serve(async (req, res) => {
      const json = { 'content-type': 'application/json' };
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const valid = bearer
        ? await jose.jwtVerify(bearer, SECRET).then(
            () => true,
            () => false,
          )
        : false;
      if (valid) return void res.writeHead(200, json).end('{"orders":[1,2],"total":2}');
      if (req.url === '/same') return void res.writeHead(200, json).end('{"orders":[],"total":0}');
      res.writeHead(200, json).end('{"message":"sign in to see your orders"}');
    });
    try {
      const result = await probeRoutes([route('/orders'), route('/same')], {
        previewUrl: server.baseUrl,
        authToken: token,
      });
      expect(result.verdicts.map((v) => `${v.route.path} ${v.status}`)).toEqual([
        '/orders inconclusive',
        '/same open',
      ]);
      expect(result.findings).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('fills path parameters from converters and from config', () => {
    expect(concretePath('/a/<int:id>/<uuid:u>/<path:p>/<name>/<float:f>')).toBe(
      '/a/1/00000000-0000-4000-8000-000000000001/tokengate/probe/tokengate/1.0',
    );
    expect(concretePath('/projects/<int:pid>', { pid: '42' })).toBe('/projects/42');
  });
});

describe('a preview that answers every path alike', () => {
  const SHELL = (nonce: string): string =>
    `<!doctype html><html><head><title>Dashboard</title><script nonce="${nonce}" src="/static/app.js"></script></head><body><div id="root"></div><noscript>Enable JavaScript to use the dashboard.</noscript></body></html>`;

  it.each([
    [
      'a single-page-app shell',
      (_req: IncomingMessage, res: ServerResponse) =>
        void res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(SHELL(Math.random().toString(36).slice(2))),
    ],
    [
      'a default handler that echoes the path',
      (req: IncomingMessage, res: ServerResponse) =>
        void res.writeHead(200, { 'content-type': 'text/plain' }).end(`Nothing is served at ${req.url}.`),
    ],
  ])('confirms no protected route as open behind %s, and says why once', async (_name, handler) => {
    const preview = await serve(handler);
    try {
      const report = await scan({
        root: join(ROOT, 'test/fixtures/live/protected'),
        configExplicit: false,
        live: { previewUrl: preview.baseUrl },
      });
      expect(report.findings).toEqual([]);
      expect(report.routes.map((r) => `${r.path} ${r.auth.state} ${r.live.status}`)).toEqual([
        '/login public not-probed',
        '/health public inconclusive',
        '/api/items protected inconclusive',
        '/api/items/<int:item_id> protected inconclusive',
      ]);
      const catchAll = report.notices.filter((n) => n.message.includes('cannot exist'));
      expect(catchAll).toEqual([
        {
          message:
            'preview-url answers paths that cannot exist with 200 and a page of its own (a single-page-app shell or a catch-all handler), so 3 routes whose answer cannot be told apart from it are inconclusive, not open; point preview-url at the API itself for live verdicts on them.',
        },
      ]);
      // Asked at the root and under the routes' prefix.
      expect(preview.requests.some((r) => /^\/tokengate-absent-/.test(r.path))).toBe(true);
      expect(preview.requests.some((r) => /^\/api\/tokengate-absent-/.test(r.path))).toBe(true);
    } finally {
      await preview.close();
    }
  });

  it('still calls a route open when its answer is a page of its own', async () => {
    const preview = await serve((req, res) => {
      if (req.url === '/api/items')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[1,2,3]}');
      res.writeHead(200, { 'content-type': 'text/html' }).end(SHELL('n'));
    });
    try {
      const result = await probeRoutes([route('/api/items'), route('/api/items/<int:id>')], {
        previewUrl: preview.baseUrl,
      });
      expect(result.verdicts.map((v) => `${v.route.path} ${v.status}`)).toEqual([
        '/api/items open',
        '/api/items/<int:id> inconclusive',
      ]);
      expect(result.notices.map((n) => n.message)).toEqual([
        'preview-url answers paths that cannot exist with 200 and a page of its own (a single-page-app shell or a catch-all handler), so 1 route whose answer cannot be told apart from it is inconclusive, not open; point preview-url at the API itself for live verdicts on it.',
      ]);
    } finally {
      await preview.close();
    }
  });
});
