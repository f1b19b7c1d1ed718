import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { probeRoutes, type LiveResult } from '../src/live/probe.js';
import { scan } from '../src/main.js';
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
  ['open-routes', {}, { 'GET /api/items': 'closed', 'GET /api/reports': 'open' }, []],
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
});
