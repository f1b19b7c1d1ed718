import { describe, expect, it } from 'vitest';
import { renderJson } from '../src/report/json.js';
import { renderText, renderVerdict } from '../src/report/text.js';
import type { Finding, Report, RouteReport } from '../src/types.js';

function finding(extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-authentication',
    severity: 'high',
    confidence: 'likely',
    message: '`GET /x` has no authentication.',
    cwe: ['CWE-306'],
    location: { file: 'app.py', startLine: 3, endLine: 5 },
    route: { methods: ['GET'], path: '/x' },
    sources: ['static'],
    evidence: [],
    fingerprint: 'f',
    new: true,
    ...extra,
  };
}

function route(extra: Partial<RouteReport> = {}): RouteReport {
  return {
    methods: ['GET'],
    path: '/x',
    endpoint: 'x',
    location: { file: 'app.py', startLine: 3, endLine: 5 },
    auth: { state: 'unprotected', mechanisms: [] },
    live: { status: 'not-probed', evidence: [] },
    ...extra,
  };
}

function report(extra: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '9.9.9' },
    routes: [],
    findings: [],
    notices: [],
    gate: { failOn: 'high', failed: false, counted: 0 },
    ...extra,
  };
}

describe('text report', () => {
  const full = report({
    routes: [
      route(),
      route({
        methods: ['POST', 'PUT'],
        path: '/y/<int:id>',
        endpoint: 'y',
        location: { file: 'api/b.py', startLine: 8, endLine: 9 },
        auth: { state: 'protected', mechanisms: ['jwt_required()', 'before_request check_token'] },
      }),
      route({
        path: '/health',
        endpoint: 'health',
        location: { file: 'app.py', startLine: 20, endLine: 22 },
        auth: { state: 'public', mechanisms: [], publicReason: 'listed in public-routes (/health)' },
      }),
    ],
    findings: [
      finding(),
      finding({
        ruleId: 'optional-auth-on-write',
        severity: 'medium',
        message: 'Optional authentication on a write.',
        location: { file: 'api/b.py', startLine: 8, endLine: 9 },
        route: { methods: ['POST', 'PUT'], path: '/y/<int:id>' },
      }),
      finding({
        ruleId: 'auth-hook-fails-open',
        message: 'The hook lets requests without a token through.',
        location: { file: 'app.py', startLine: 30, endLine: 34 },
        route: undefined,
      }),
    ],
    notices: [
      { file: 'gen.py', message: 'skipped: binary content (NUL bytes).' },
      { message: 'no app found.' },
    ],
    gate: { failOn: 'high', failed: true, counted: 2 },
  });
  const text = renderText(full);

  it('starts with a one-line summary', () => {
    expect(text.split('\n')[0]).toBe('tokengate 9.9.9: 3 routes, 3 findings (2 high, 1 medium)');
  });

  it('ranks findings by severity, not by file: one line each, the message when there is no separate fix', () => {
    expect(text).toContain(
      [
        '',
        'Findings, most severe first',
        '  HIGH    missing-authentication  GET /x                at app.py:3',
        '      Why: `GET /x` has no authentication.',
        '  HIGH    auth-hook-fails-open                          at app.py:30',
        '      Why: The hook lets requests without a token through.',
        '  MEDIUM  optional-auth-on-write  POST,PUT /y/<int:id>  at api/b.py:8',
        '      Why: Optional authentication on a write.',
        '',
      ].join('\n'),
    );
  });

  it('puts the most severe first whatever the file order, new before old, and gives each fix once', () => {
    const fix = 'Add `@token_required` below the route decorator.';
    const out = renderText(
      report({
        findings: [
          finding({ severity: 'medium', location: { file: 'a.py', startLine: 1, endLine: 1 }, fix }),
          finding({ location: { file: 'z.py', startLine: 9, endLine: 9 }, new: false, fix }),
          finding({ location: { file: 'z.py', startLine: 2, endLine: 2 }, fix }),
          finding({ severity: 'critical', location: { file: 'm.py', startLine: 5, endLine: 5 }, fix }),
        ],
      }),
    );
    const rows = out.split('\n').filter((l) => / at [amz]\.py/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[1] + ' ' + l.slice(l.indexOf(' at ') + 4))).toEqual([
      'CRITICAL m.py:5',
      'HIGH z.py:2',
      'HIGH z.py:9 (already on the base)',
      'MEDIUM a.py:1',
    ]);
    expect(out).not.toContain('Why:');
    expect(out).toContain(`\nHow to fix\n  - missing-authentication, 4 findings: ${fix}\n`);
    expect(out.split(fix)).toHaveLength(2);
  });

  it('lists every route with its state, location and guard, "none" when nothing guards it', () => {
    const table = text.slice(text.indexOf('\nRoutes\n'), text.indexOf('\nNotices\n'));
    expect(table.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      '  STATE        METHODS   PATH         LOCATION    GUARD',
      '  unprotected  GET       /x           app.py:3    none',
      '  protected    POST,PUT  /y/<int:id>  api/b.py:8  jwt_required(), before_request check_token',
      '  public       GET       /health      app.py:20   none (public: listed in public-routes (/health))',
    ]);
  });

  it('ends with the notices and the verdict', () => {
    expect(
      text.endsWith(
        '\nNotices\n  - gen.py: skipped: binary content (NUL bytes).\n  - no app found.\n\n' +
          'Gate: failed, 2 findings at or above high.\n',
      ),
    ).toBe(true);
  });

  it('lists suppressed findings apart, without counting them', () => {
    const out = renderText(
      report({ findings: [finding({ suppressed: { kind: 'comment', reason: 'internal network only' } })] }),
    );
    expect(out.split('\n')[0]).toBe('tokengate 9.9.9: 0 routes, 0 findings');
    expect(out).toContain(
      '\nSuppressed (1)\n  HIGH  missing-authentication  GET /x  at app.py:3 (suppressed: internal network only)\n',
    );
  });

  it('says so when there are no routes, and gives each verdict in one line', () => {
    expect(renderText(report())).toContain('\nRoutes\n  no Flask routes found\n');
    expect(renderVerdict({ failOn: 'high', failed: false, counted: 0 })).toBe(
      'Gate: passed, no findings at or above high.',
    );
    expect(renderVerdict({ failOn: 'low', failed: true, counted: 1 })).toBe(
      'Gate: failed, 1 finding at or above low.',
    );
    expect(renderVerdict({ failOn: 'none', failed: false, counted: 0 })).toBe('Gate: passed (fail-on none).');
  });
});

describe('JSON report', () => {
  it('writes the keys in the order of the spec whatever order they were set in, with a trailing newline', () => {
    const scrambled = {
      gate: { counted: 1, failed: true, failOn: 'high' },
      notices: [{ message: 'm', file: 'a.py' }],
      findings: [
        {
          new: true,
          fingerprint: 'f',
          evidence: [{ probe: 'no-token', status: 200, url: 'https://p.example/x', method: 'GET' }],
          sources: ['static'],
          route: { path: '/x', methods: ['GET'] },
          location: { endLine: 5, startLine: 3, file: 'app.py' },
          cwe: ['CWE-306'],
          message: 'm',
          confidence: 'likely',
          severity: 'high',
          ruleId: 'missing-authentication',
        },
      ],
      routes: [
        {
          live: { evidence: [], status: 'not-probed' },
          auth: { mechanisms: [], state: 'unprotected' },
          location: { endLine: 5, startLine: 3, file: 'app.py' },
          endpoint: 'x',
          path: '/x',
          methods: ['GET'],
        },
      ],
      tool: { version: '9.9.9', name: 'tokengate' },
      schemaVersion: 1,
    } as Report;
    const json = renderJson(scrambled);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name": "tokengate",')).toBe(true);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const keys = (o: unknown): string[] => Object.keys(o as object);
    const r = parsed as unknown as Report;
    expect(keys(parsed)).toEqual(['schemaVersion', 'tool', 'routes', 'findings', 'notices', 'gate']);
    expect(keys(r.routes[0])).toEqual(['methods', 'path', 'endpoint', 'location', 'auth', 'live']);
    expect(keys(r.routes[0]!.location)).toEqual(['file', 'startLine', 'endLine']);
    expect(keys(r.routes[0]!.auth)).toEqual(['state', 'mechanisms']);
    expect(keys(r.routes[0]!.live)).toEqual(['status', 'evidence']);
    expect(keys(r.findings[0])).toEqual([
      'ruleId',
      'severity',
      'confidence',
      'message',
      'cwe',
      'location',
      'route',
      'sources',
      'evidence',
      'fingerprint',
      'new',
    ]);
    expect(keys(r.findings[0]!.evidence[0])).toEqual(['method', 'url', 'status', 'probe']);
    expect(keys(r.notices[0])).toEqual(['file', 'message']);
    expect(keys(r.gate)).toEqual(['failOn', 'failed', 'counted']);
  });

  it('keeps optional fields when present and fields the spec does not name yet', () => {
    const r = report({
      routes: [route({ auth: { state: 'public', mechanisms: [], publicReason: 'login', optional: true } })],
      findings: [finding({ suppressed: { reason: 'r', kind: 'config' } })],
    });
    const parsed = JSON.parse(renderJson(r)) as Report;
    expect(Object.keys(parsed.routes[0]!.auth)).toEqual(['state', 'mechanisms', 'optional', 'publicReason']);
    expect(parsed.findings[0]!.suppressed).toEqual({ kind: 'config', reason: 'r' });
    expect(Object.keys(parsed.findings[0]!.suppressed!)).toEqual(['kind', 'reason']);
    const extra = { ...r, findings: [{ ...finding(), docs: 'docs/rules/missing-authentication.md' }] };
    expect(Object.keys((JSON.parse(renderJson(extra)) as Report).findings[0]!).at(-1)).toBe('docs');
  });
});
