import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { probeRoutes, type LiveResult } from '../src/live/probe.js';
import { parseAuthHeader } from '../src/live/auth-header.js';
import { renderJson } from '../src/report/json.js';
import { renderText } from '../src/report/text.js';
import { scan } from '../src/scan.js';
import { renderSarif } from '../src/report/sarif.js';
import { RULES } from '../src/rules/index.js';
import { type RunningApp, startFlaskApp } from './helpers/flask.js';

/** One real Flask server per behaviour (test/fixtures/live/<name>), probed the way a preview is. */
const DIR = join(import.meta.dirname, 'fixtures', 'live');
const SECRET = 'probe-secret-for-tests-0123456789';

async function login(app: RunningApp): Promise<string> {
  const res = await fetch(`${app.baseUrl}/login`, { method: 'POST' });
  return ((await res.json()) as { access_token: string }).access_token;
}

function summary(result: LiveResult): { verdicts: Record<string, string>; findings: string[] } {
  return {
    verdicts: Object.fromEntries(
      result.verdicts.map((v) => [`${v.route.methods.join(',')} ${v.route.path}`, v.status]),
    ),
    findings: result.findings.map((f) => `${f.ruleId} ${f.route?.path}`),
  };
}

describe.each([
  [
    'protected',
    { withKey: true },
    { 'GET /api/items': 'closed', 'GET /api/items/<int:item_id>': 'closed', 'GET /health': 'open' },
    [],
  ],
  // flask_jwt_extended takes a token without `exp` signed with the preview's key: a notice, as its own tokens expire.
  ['open-routes', { withKey: true }, { 'GET /api/items': 'closed', 'GET /api/reports': 'open' }, []],
  ['never-expires', { withKey: true }, { 'GET /api/account': 'closed' }, ['jwt-no-expiry /api/account']],
  ['hook-fails-open', {}, { 'GET /api/invoices': 'open' }, []],
  // Without signature checks PyJWT also takes `alg: none` tokens: both weaknesses are real.
  [
    'no-verify',
    {},
    { 'GET /api/account': 'open' },
    ['jwt-none-algorithm /api/account', 'jwt-signature-not-verified /api/account'],
  ],
  ['none-accepted', {}, { 'GET /api/account': 'open' }, ['jwt-none-algorithm /api/account']],
  ['ignores-exp', { withKey: true }, { 'GET /api/account': 'closed' }, ['jwt-no-expiry /api/account']],
  ['query-token', {}, { 'GET /api/export': 'closed' }, ['token-in-query-string /api/export']],
  ['weak-secret', {}, { 'GET /api/export': 'closed' }, ['jwt-hardcoded-secret /api/export']],
] as const)('%s', (name, options, verdicts, findings) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, name), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gets the verdicts and live findings real Flask warrants, and never leaks the token', async () => {
    const token = await login(app);
    const analysis = await analyze(join(DIR, name));
    const result = await probeRoutes(analysis.routes, {
      previewUrl: app.baseUrl,
      authToken: token,
      jwtTestKey: 'withKey' in options ? SECRET : undefined,
      secrets: analysis.secrets,
    });
    expect(summary(result)).toEqual({ verdicts, findings });
    expect(JSON.stringify(result)).not.toContain(token);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe.each([
  ['protected', ['/api/items', '/api/items/<int:item_id>'], []],
  [
    'claims-unchecked',
    ['/api/orders/<int:order_id>', '/api/profile'],
    [
      '`GET /api/orders/<int:order_id>`, `GET /api/profile` accepted a token signed with jwt-test-key whose `aud` was "tokengate-wrong-audience" instead of the test token\'s "tokengate-test": the preview does not check the audience, so a token the same key signed for another service is accepted here: check it when decoding (flask_jwt_extended `JWT_DECODE_AUDIENCE`, PyJWT `audience=`).',
      '`GET /api/orders/<int:order_id>`, `GET /api/profile` accepted a token signed with jwt-test-key whose `iss` was "https://tokengate.invalid/" instead of the test token\'s "tokengate-tests": the preview does not check the issuer, so a token the same key signed for another issuer is accepted here: check it when decoding (flask_jwt_extended `JWT_DECODE_ISSUER`, PyJWT `issuer=`).',
    ],
  ],
] as const)('audience and issuer checks on %s', (name, closed, claimNotices) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, name), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('notices a preview that takes tokens for another audience or issuer, and nothing else', async () => {
    const token = await login(app);
    const result = await probeRoutes((await analyze(join(DIR, name))).routes, {
      previewUrl: app.baseUrl,
      authToken: token,
      jwtTestKey: SECRET,
    });
    expect(result.verdicts.filter((v) => v.status === 'closed').map((v) => v.route.path)).toEqual(closed);
    expect(result.findings).toEqual([]);
    expect(result.notices.map((n) => n.message)).toEqual([
      ...claimNotices,
      '1 route(s) only accept POST/PUT/PATCH/DELETE and were not probed (set unsafe-methods: true to allow it).',
    ]);
  });
});

describe('a preview whose own tokens expire but that takes one without `exp`', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, 'open-routes'), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gets a notice, not a finding: forging such a token takes the key', async () => {
    const token = await login(app);
    const result = await probeRoutes((await analyze(join(DIR, 'open-routes'))).routes, {
      previewUrl: app.baseUrl,
      authToken: token,
      jwtTestKey: SECRET,
    });
    expect(result.findings.filter((f) => f.ruleId === 'jwt-no-expiry')).toEqual([]);
    expect(result.notices.map((n) => n.message)).toContain(
      '`GET /api/items` accepted a token signed with jwt-test-key without `exp`: a token issued without one would never expire; require the claim when decoding (PyJWT `options={"require": ["exp"]}`).',
    );
  });
});

describe('merged report', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, 'hook-fails-open'), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('confirms a failing-open hook live', async () => {
    const report = await scan({
      root: join(DIR, 'hook-fails-open'),
      configExplicit: false,
      live: { previewUrl: app.baseUrl },
    });
    const hook = report.findings.find((f) => f.ruleId === 'auth-hook-fails-open')!;
    expect(hook).toMatchObject({ confidence: 'confirmed', sources: ['static', 'live'] });
    expect(hook.evidence[0]).toMatchObject({ method: 'GET', status: 200, probe: 'no-token' });
    expect(report.routes.find((r) => r.path === '/api/invoices')?.live.status).toBe('open');
  });
});

describe('live agrees with intent', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, 'public-intent'), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('finds nothing on a route public on purpose that answers without a token, but reports one serving user data', async () => {
    const report = await scan({
      root: join(DIR, 'public-intent'),
      configExplicit: false,
      live: { previewUrl: app.baseUrl },
    });
    const state = (path: string) => report.routes.find((r) => r.path === path);
    expect(state('/health')).toMatchObject({ auth: { state: 'public' }, live: { status: 'open' } });
    expect(state('/team')).toMatchObject({ auth: { state: 'public' }, live: { status: 'open' } });
    const routeFindings = report.findings.filter((f) => f.route);
    expect(
      routeFindings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path} ${f.sources.join('+')}`),
    ).toEqual(['missing-authentication high /team live']);
    expect(routeFindings[0]?.message).toContain('served user data (`email`) without a token');
  });
});

describe('an OpenAPI document as probe targets', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, 'openapi-server'), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('probes the operations of the document with its example values', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tokengate-openapi-'));
    const report = await scan({
      root: empty,
      configExplicit: false,
      live: { previewUrl: app.baseUrl, openapi: join(DIR, 'openapi-server', 'spec.json') },
    });
    expect(
      report.routes.map(
        (r) => `${r.methods.join(',')} ${r.path} ${r.auth.mechanisms.join()} ${r.live.status}`,
      ),
    ).toEqual([
      'GET /v2/kennels/{kennel_id} declared in the OpenAPI document only closed',
      'GET /v2/kennels/{kennel_id}/dogs declared in the OpenAPI document only open',
    ]);
    expect(report.routes[1]!.live.evidence[0]).toMatchObject({
      url: `${app.baseUrl}/v2/kennels/north-wing/dogs`,
      status: 200,
      probe: 'no-token',
    });
  });

  it('places its routes in the document when it is a repository file, and never at a URL or outside path', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tokengate-openapi-'));
    const source = join(DIR, 'openapi-server', 'spec.json');
    const elsewhere = await scan({
      root: outside,
      configExplicit: false,
      live: { previewUrl: app.baseUrl, openapi: source },
    });
    expect(elsewhere.routes.map((r) => r.location.file)).toEqual(['', '']);
    const sarif = renderSarif(
      elsewhere,
      RULES.map((r) => r.meta),
    );
    expect(sarif).not.toContain(DIR);

    const inside = mkdtempSync(join(tmpdir(), 'tokengate-openapi-'));
    copyFileSync(source, join(inside, 'spec.json'));
    const local = await scan({
      root: inside,
      configExplicit: false,
      live: { previewUrl: app.baseUrl, openapi: join(inside, 'spec.json') },
    });
    expect(local.routes.map((r) => `${r.location.file}:${r.location.startLine}`)).toEqual(
      elsewhere.routes.map((r) => `spec.json:${r.location.startLine}`),
    );
    expect(local.routes[0]!.location.startLine).toBeGreaterThan(1);
  });
});

/** Run tokengate on a fixture with the preview's own test token, as a workflow with a preview does. */
async function scanLive(
  name: string,
  app: RunningApp,
  extra: { withKey?: boolean; baselineRef?: string; root?: string } = {},
) {
  return scan({
    root: extra.root ?? join(DIR, name),
    configExplicit: false,
    baselineRef: extra.baselineRef,
    live: {
      previewUrl: app.baseUrl,
      authToken: await login(app),
      jwtTestKey: extra.withKey ? SECRET : undefined,
    },
  });
}

describe.each([
  ['weak-secret', {}, ['jwt-hardcoded-secret app.py:9 critical confirmed static+live']],
  ['ignores-exp', { withKey: true }, ['jwt-no-expiry app.py:19 medium confirmed static+live']],
  ['never-expires', { withKey: true }, ['jwt-no-expiry app.py:8 medium confirmed static+live']],
  ['query-token', {}, ['token-in-query-string app.py:15 medium confirmed static+live']],
  [
    'no-verify',
    {},
    [
      'jwt-signature-not-verified app.py:19 critical confirmed static+live',
      // The decorator's only check is that unverified decode: the route itself is open to a made-up token.
      'missing-authentication app.py:33 high possible static',
      'jwt-none-algorithm app.py:33 critical confirmed live',
    ],
  ],
] as const)('one finding per weakness on %s', (name, options, expected) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, name), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('merges the live confirmation into the static finding, and adds no other', async () => {
    const report = await scanLive(name, app, options);
    expect(
      report.findings.map(
        (f) =>
          `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.severity} ${f.confidence} ${f.sources.join('+')}`,
      ),
    ).toEqual(expected);
    for (const f of report.findings) expect(f.evidence.length).toBeGreaterThan(0);
  });
});

describe('new-only counting with a preview', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, 'none-accepted'), 'app:app', { PROBE_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('does not count a weakness the base commit already had, confirmed live or found live only', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokengate-live-base-'));
    copyFileSync(join(DIR, 'none-accepted', 'app.py'), join(root, 'app.py'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const report = await scanLive('none-accepted', app, { root, baselineRef: 'HEAD' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.sources.join('+')} new=${f.new}`)).toEqual([
      'jwt-signature-not-verified static new=false',
      'jwt-none-algorithm live new=false',
    ]);
    expect(report.gate.failed).toBe(false);
  });
});

/** Any token works: an API key, a session cookie, an opaque bearer token, each sent as the app expects it. */
describe.each([
  {
    name: 'api-key',
    header: 'X-API-Key',
    routes: {
      'GET /api/items': 'closed',
      'GET /api/items/<int:item_id>': 'closed',
      'GET /health': 'open',
    },
    refusing: 2,
    findings: [],
  },
  {
    name: 'session-cookie',
    header: 'Cookie: session=',
    // The login page answers with its password form: closed, like a redirect to it.
    routes: {
      'GET /': 'open',
      'GET /api/me': 'closed',
      'GET /dashboard': 'closed',
      'GET,POST /login': 'closed',
    },
    // The login page refuses as well, with or without the cookie.
    refusing: 3,
    findings: [],
  },
  {
    name: 'opaque-bearer',
    header: undefined,
    routes: { 'GET /api/export': 'closed', 'GET /api/reports': 'closed', 'GET /health': 'open' },
    refusing: 2,
    // The key in the query string got in: the static finding, confirmed live.
    findings: ['token-in-query-string app.py:14 confirmed static+live'],
  },
])('a live run with a token that is not a JWT: $name', ({ name, header, routes, refusing, findings }) => {
  const KEY = 'tg-opaque-0b5e8d2c9a41f7e36d';
  let app: RunningApp;
  beforeAll(async () => {
    app = await startFlaskApp(join(DIR, name), 'app:app', { PROBE_SECRET: KEY });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The session cookie a browser gets by logging in; the API key or bearer token otherwise. */
  async function token(): Promise<string> {
    if (name !== 'session-cookie') return KEY;
    const res = await fetch(`${app.baseUrl}/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: 'correct horse' }),
      redirect: 'manual',
    });
    return /session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  }

  it('gets baselines and verdicts, one notice about the JWT probes, and never shows the token', async () => {
    const authToken = await token();
    const report = await scan({
      root: join(DIR, name),
      configExplicit: false,
      live: {
        previewUrl: app.baseUrl,
        authToken,
        authHeader: header === undefined ? undefined : parseAuthHeader(header, 'auth-header'),
      },
    });
    expect(
      Object.fromEntries(
        report.routes
          .filter((r) => r.live.status !== 'not-probed')
          .map((r) => [`${r.methods.join(',')} ${r.path}`, r.live.status]),
      ),
    ).toEqual(routes);
    expect(
      report.findings.map(
        (f) =>
          `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.confidence} ${f.sources.join('+')}`,
      ),
    ).toEqual(findings);
    // No notice that the token was refused: the baselines got in with it.
    expect(report.notices.map((n) => n.message)).toEqual([
      'auth-token is not a JWT, so it is used for authenticated baselines and query-string probes only; the tampered-payload, stripped-signature and alg: none variants need a JWT.',
    ]);
    expect(renderJson(report)).not.toContain(authToken);
    expect(renderText(report)).not.toContain(authToken);
  });

  it('says so when the token is not sent the way the preview expects it', async () => {
    const result = await probeRoutes((await analyze(join(DIR, name))).routes, {
      previewUrl: app.baseUrl,
      authToken: await token(),
      authHeader: parseAuthHeader('X-Wrong-Header', 'auth-header'),
    });
    expect(result.notices.map((n) => n.message)).toContain(
      `auth-token was refused by every route that refuses requests without it (${refusing} routes), so nothing was compared with an authenticated answer: check that the token is valid for the preview and that auth-header (the \`x-wrong-header\` header) is how the preview expects it.`,
    );
  });
});
