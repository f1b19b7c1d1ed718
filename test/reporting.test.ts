import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markNew } from '../src/baseline.js';
import { evaluateGate } from '../src/gate.js';
import { type LiveVerdict, mergeLive } from '../src/merge.js';
import { PER_LEVEL_LIMIT, selectAnnotations } from '../src/report/annotations.js';
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  renderComment,
  renderSummary,
  SUMMARY_LIMIT,
} from '../src/report/markdown.js';
import { upsertComment } from '../src/report/pr-comment.js';
import { renderSarif } from '../src/report/sarif.js';
import { RULES } from '../src/rules/index.js';
import { fingerprint } from '../src/rules/types.js';
import { applyIgnores } from '../src/suppress.js';
import type { Finding, Report, RouteReport, Severity } from '../src/types.js';

function finding(severity: Severity, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-authentication',
    severity,
    confidence: 'likely',
    message: `route at ${line} is open`,
    cwe: ['CWE-306'],
    location: { file: 'api/views.py', startLine: line, endLine: line + 3 },
    route: { methods: ['DELETE'], path: `/items/${line}` },
    sources: ['static'],
    evidence: [],
    fingerprint: `fp${line}`,
    new: true,
    ...extra,
  };
}

function route(path: string, state: RouteReport['auth']['state'], mechanisms: string[] = []): RouteReport {
  return {
    methods: ['GET'],
    path,
    endpoint: path,
    location: { file: 'api/views.py', startLine: 1, endLine: 4 },
    auth: { state, mechanisms },
    live: { status: 'not-probed', evidence: [] },
  };
}

function report(findings: Finding[], routes: RouteReport[] = []): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '1.2.3' },
    routes,
    findings,
    notices: [],
    gate: evaluateGate(findings, 'high'),
  };
}

describe('annotations', () => {
  it('fills at most ten per level with new and severe findings first and counts the rest', () => {
    const findings = [
      ...Array.from({ length: 12 }, (_, i) => finding('high', 100 + i, { new: false })),
      ...Array.from({ length: 3 }, (_, i) => finding('critical', 200 + i)),
      finding('medium', 300),
      finding('high', 400, { suppressed: { kind: 'comment', reason: 'r' } }),
    ];
    const { annotations, omitted } = selectAnnotations(findings, 'svc/');
    const errors = annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(PER_LEVEL_LIMIT);
    expect(errors.slice(0, 3).map((a) => a.startLine)).toEqual([200, 201, 202]);
    expect(annotations.filter((a) => a.level === 'warning').map((a) => a.startLine)).toEqual([300]);
    expect(omitted).toBe(5);
    expect(errors[0]).toMatchObject({
      file: 'svc/api/views.py',
      title: 'tokengate critical: missing-authentication DELETE /items/200',
    });
    expect(errors[3]!.message).toContain('already present on the base branch');
  });
});

describe('markdown', () => {
  it('summarises the verdict, findings, suppressed ones and the route inventory', () => {
    const r = report(
      [
        finding('high', 10),
        finding('medium', 20, { new: false }),
        finding('low', 30, { suppressed: { kind: 'config', reason: 'behind VPN' } }),
      ],
      [route('/items', 'protected', ['jwt_required()']), route('/health', 'public')],
    );
    const md = renderSummary(r, { pathPrefix: 'svc/', omittedAnnotations: 4, docsBase: 'https://x/' });
    expect(md.split('\n').slice(0, 3)).toEqual([
      '## ❌ tokengate: 1 new finding at or above high fails the gate',
      '',
      '2 findings (1 new, 1 already on the base branch), 1 suppressed · 2 routes: 1 protected, 1 public.',
    ]);
    expect(md).toContain(
      '- **high** · `DELETE /items/10` · `svc/api/views.py:10`\n\n  route at 10 is open\n',
    );
    expect(md).toContain('([missing-authentication](https://x/docs/rules/missing-authentication.md))');
    expect(md).toContain('| medium | missing-authentication | `DELETE /items/20` | `svc/api/views.py:20` |');
    expect(md).toContain('4 more findings are not annotated');
    expect(md).toContain('<details><summary>1 suppressed finding</summary>');
    expect(md).toContain('| GET | `/items` | protected | `jwt_required()` | `svc/api/views.py:1` |');
    expect(md).toContain('| GET | `/health` | public | public: by design |');
  });

  it('stays under GitHub limits and says it was cut', () => {
    const many = Array.from({ length: 20000 }, (_, i) =>
      finding('high', i + 1, { message: 'x'.repeat(200) }),
    );
    const summary = renderSummary(report(many));
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary).toContain('The summary was cut');
    const comment = renderComment(report(many));
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment).toContain('The comment was cut');
  });

  it('says so when there is nothing to report', () => {
    const comment = renderComment(report([]));
    expect(comment.split('\n').slice(1, 4)).toEqual([
      '## ✅ tokengate passed: no new findings at or above high',
      '',
      '0 findings · 0 routes.',
    ]);
    expect(comment).toContain('No findings');
  });
});

describe('pull-request comment', () => {
  const BOT = { login: 'github-actions[bot]', type: 'Bot' };
  /** An installation token (GITHUB_TOKEN) unless `user` is given: then a personal access token of that user. */
  const api = (
    existing: { id: number; body: string; user: { login: string; type: string } }[],
    options: { fail?: number; user?: { login: string; type: string } } = {},
  ) => {
    const calls: string[] = [];
    return {
      calls,
      list: async () => {
        if (options.fail)
          throw Object.assign(new Error('Resource not accessible by integration'), { status: options.fail });
        calls.push('list');
        return existing;
      },
      create: async (body: string) => {
        calls.push(`create ${body.slice(0, COMMENT_MARKER.length)}`);
      },
      update: async (id: number) => {
        calls.push(`update ${id}`);
      },
      authenticatedUser: async () => {
        calls.push('GET /user');
        if (options.user) return options.user;
        throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
      },
      viewerLogin: async () => {
        calls.push('viewer');
        if (options.user) return options.user.login;
        return 'github-actions[bot]';
      },
    };
  };

  it('creates the comment once, then updates it in place', async () => {
    const fresh = api([{ id: 1, body: 'LGTM', user: { login: 'alice', type: 'User' } }]);
    expect(await upsertComment(fresh, `${COMMENT_MARKER}\nhi`)).toEqual({ action: 'created' });
    expect(fresh.calls).toEqual(['list', `create ${COMMENT_MARKER}`]);
    const again = api([
      { id: 1, body: 'LGTM', user: { login: 'alice', type: 'User' } },
      { id: 9, body: `${COMMENT_MARKER}\nold`, user: BOT },
    ]);
    expect(await upsertComment(again, `${COMMENT_MARKER}\nnew`)).toEqual({ action: 'updated' });
    expect(again.calls).toEqual(['list', 'GET /user', 'viewer', 'update 9']);
  });

  it("never edits another account's comment that carries the marker", async () => {
    const planted = api([
      { id: 3, body: `${COMMENT_MARKER}\nplanted`, user: { login: 'mallory', type: 'User' } },
      // A user cannot be named `github-actions[bot]`, but a bot's login without its type is not proof either.
      { id: 4, body: `${COMMENT_MARKER}\nplanted`, user: { login: 'github-actions[bot]', type: 'User' } },
    ]);
    expect(await upsertComment(planted, `${COMMENT_MARKER}\nnew`)).toEqual({ action: 'created' });
    expect(planted.calls).toEqual(['list', 'GET /user', 'viewer', `create ${COMMENT_MARKER}`]);
  });

  it("with a personal access token, updates that user's comment and not the bot's", async () => {
    const pat = api(
      [
        { id: 5, body: `${COMMENT_MARKER}\nbot`, user: BOT },
        { id: 6, body: `${COMMENT_MARKER}\nmine`, user: { login: 'ci-user', type: 'User' } },
      ],
      { user: { login: 'ci-user', type: 'User' } },
    );
    expect(await upsertComment(pat, `${COMMENT_MARKER}\nnew`)).toEqual({ action: 'updated' });
    expect(pat.calls).toEqual(['list', 'GET /user', 'update 6']);
  });

  it('turns a 403 into one warning naming the permission', async () => {
    const outcome = await upsertComment(api([], { fail: 403 }), 'x');
    expect(outcome).toMatchObject({ action: 'skipped' });
    expect((outcome as { warning: string }).warning).toContain('needs `pull-requests: write`');
  });
});

describe('config ignores', () => {
  it('suppresses matching findings, lists them, and stops applying expired entries', () => {
    const findings = [finding('high', 10), finding('high', 20), finding('high', 30)];
    const { findings: out, notices } = applyIgnores(
      findings,
      [
        { rule: 'missing-authentication', route: 'DELETE /items/10', reason: 'internal only' },
        { rule: '*', path: 'api/**', route: '/items/2*', reason: 'old', expires: '2026-01-01' },
        { rule: 'jwt-no-expiry', route: '/items/30', reason: 'other rule' },
      ],
      '2026-11-22',
    );
    expect(out.map((f) => f.suppressed?.reason ?? 'active')).toEqual(['internal only', 'active', 'active']);
    expect(out).toHaveLength(3);
    expect(notices).toEqual([
      {
        message: 'ignore entry for * on /items/2* in api/** expired on 2026-01-01; its findings count again.',
      },
    ]);
  });
});

describe('merge with live results', () => {
  it('confirms, adds live-only findings, and downgrades what the deployment contradicts', () => {
    const routes = [
      { ...route('/items/10', 'unprotected'), methods: ['DELETE'] },
      route('/reports', 'protected', ['before_request require_token']),
      route('/me', 'protected', ['jwt_required()']),
      { ...route('/items/20', 'unprotected'), methods: ['DELETE'] },
    ];
    const ev = (path: string, status: number) => [
      { method: 'GET', url: `https://preview.example${path}`, status, probe: 'no-token' },
    ];
    const merged = mergeLive(
      routes,
      [finding('high', 10), finding('high', 20), finding('high', 10)],
      [
        {
          route: { methods: ['DELETE'], path: '/items/10' },
          status: 'open',
          withoutCredentials: 'open',
          evidence: ev('/items/10', 200),
        },
        {
          route: { methods: ['GET'], path: '/reports' },
          status: 'open',
          withoutCredentials: 'open',
          evidence: ev('/reports', 200),
        },
        {
          route: { methods: ['GET'], path: '/me' },
          status: 'closed',
          withoutCredentials: 'closed',
          evidence: ev('/me', 401),
        },
        {
          route: { methods: ['DELETE'], path: '/items/20' },
          status: 'closed',
          withoutCredentials: 'closed',
          evidence: ev('/items/20', 401),
        },
      ],
    );
    expect(
      merged.findings.map(
        (f) => `${f.ruleId} ${f.route?.path} ${f.severity} ${f.confidence} ${f.sources.join('+')}`,
      ),
    ).toEqual([
      'missing-authentication /items/10 critical confirmed static+live',
      'missing-authentication /items/20 high possible static',
      'auth-hook-fails-open /reports high confirmed live',
    ]);
    expect(merged.findings[1]!.message).toContain('something outside the code');
    expect(merged.routes.map((r) => r.live.status)).toEqual(['open', 'open', 'closed', 'closed']);
  });
});

describe('SARIF', () => {
  it("is valid SARIF 2.1.0 for code scanning, per Microsoft's validator", () => {
    const r = report([
      finding('critical', 10),
      finding('medium', 20, { suppressed: { kind: 'comment', reason: 'r' } }),
    ]);
    const sarif = renderSarif(
      r,
      RULES.map((x) => x.meta),
      'svc/',
      'https://x/',
    );
    const log = JSON.parse(sarif);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(RULES.map((x) => x.meta.id));
    const rule = run.tool.driver.rules[0];
    expect(rule.helpUri).toBe('https://x/docs/rules/missing-authentication.md');
    expect(rule.help.text).toContain('Fix:');
    expect(rule.properties).toMatchObject({
      'security-severity': '8.0',
      tags: ['security', 'external/cwe/cwe-306'],
    });
    expect(run.results[0]).toMatchObject({
      ruleId: 'missing-authentication',
      level: 'error',
      partialFingerprints: { 'tokengate/v1': 'fp10' },
      properties: { 'security-severity': '9.5' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'svc/api/views.py' },
            region: { startLine: 10, endLine: 13 },
          },
        },
      ],
    });
    expect(run.results[1].suppressions).toEqual([{ kind: 'inSource', justification: 'r' }]);

    const dir = mkdtempSync(join(tmpdir(), 'tokengate-sarif-'));
    const file = join(dir, 'out.sarif');
    writeFileSync(file, sarif);
    const out = execFileSync(
      join(import.meta.dirname, '..', 'node_modules', '.bin', 'sarif-multitool'),
      ['validate', file],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('Analysis completed successfully');
    expect(out).not.toMatch(/: error /);
  });

  it('percent-encodes artifact URIs of files with spaces, #, % and non-ASCII names (RFC 3986)', () => {
    const names = ['my app/a b.py', 'x#y.py', '100%.py', 'café/ü.py', 'a:b.py'];
    const sarif = renderSarif(
      report(
        names.map((file, i) => finding('high', i + 1, { location: { file, startLine: 1, endLine: 2 } })),
      ),
      RULES.map((x) => x.meta),
      'svc dir/',
      'https://x/',
    );
    const uris = JSON.parse(sarif).runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris).toEqual([
      'svc%20dir/my%20app/a%20b.py',
      'svc%20dir/x%23y.py',
      'svc%20dir/100%25.py',
      'svc%20dir/caf%C3%A9/%C3%BC.py',
      'svc%20dir/a%3Ab.py',
    ]);
    expect(uris.map(decodeURI)).toContain('svc dir/my app/a b.py');
    // SARIF1002 (a URI that is not RFC 3986) is an error of the validator.
    expectValidSarif(sarif);
  });

  it('percent-encodes the URI of a Python file that was not analysed, as it does for findings', () => {
    const sarif = renderSarif(
      {
        ...report([]),
        notices: [
          { file: 'x#y 1.py', message: 'skipped: binary content (NUL bytes).', kind: 'unanalysed-file' },
        ],
      },
      RULES.map((x) => x.meta),
      'svc dir/',
      'https://x/',
    );
    const [note] = JSON.parse(sarif).runs[0].invocations[0].toolExecutionNotifications;
    expect(note.locations[0].physicalLocation.artifactLocation.uri).toBe('svc%20dir/x%23y%201.py');
    expectValidSarif(sarif);
  });
});

/** A live token finding as the prober reports it for one route. */
function liveToken(ruleId: string, path: string, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    severity: 'critical',
    confidence: 'confirmed',
    message: `\`GET ${path}\` accepted a forged token (probe random-signature).`,
    cwe: ['CWE-347'],
    location: { file: 'api/views.py', startLine: 1, endLine: 4 },
    route: { methods: ['GET'], path },
    sources: ['live'],
    evidence: [
      { method: 'GET', url: `https://preview.example${path}`, status: 200, probe: 'random-signature' },
    ],
    fingerprint: `live-${ruleId}-${path}`,
    new: true,
    ...extra,
  };
}

function staticToken(ruleId: string, severity: Severity, file: string, line: number): Finding {
  return {
    ruleId,
    severity,
    confidence: 'likely',
    message: `${ruleId} in the code.`,
    cwe: ['CWE-347'],
    location: { file, startLine: line, endLine: line },
    sources: ['static'],
    evidence: [],
    fingerprint: `static-${ruleId}-${file}:${line}`,
    new: true,
  };
}

describe('merge: one finding per weakness', () => {
  it('merges a live token finding into the static finding of the same rule', () => {
    const routes = [
      route('/items', 'protected', ['token_required']),
      route('/orders', 'protected', ['token_required']),
    ];
    const merged = mergeLive(
      routes,
      [
        staticToken('jwt-hardcoded-secret', 'high', 'config.py', 9),
        staticToken('jwt-no-expiry', 'medium', 'auth.py', 19),
        staticToken('jwt-signature-not-verified', 'critical', 'auth.py', 30),
      ],
      [],
      [
        liveToken('jwt-hardcoded-secret', '/items', {
          message: 'The preview accepted a token signed with `SECRET`, the literal secret in config.py:9.',
          location: { file: 'config.py', startLine: 9, endLine: 9 },
        }),
        liveToken('jwt-no-expiry', '/items', { severity: 'medium' }),
        liveToken('jwt-signature-not-verified', '/items'),
        liveToken('jwt-signature-not-verified', '/orders'),
        liveToken('token-in-query-string', '/items', { severity: 'medium' }),
      ],
    );
    expect(
      merged.findings.map(
        (f) =>
          `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.severity} ${f.confidence} ${f.sources.join('+')} ${f.evidence.length}`,
      ),
    ).toEqual([
      'jwt-hardcoded-secret config.py:9 critical confirmed static+live 1',
      'jwt-no-expiry auth.py:19 medium confirmed static+live 1',
      'jwt-signature-not-verified auth.py:30 critical confirmed static+live 2',
      'token-in-query-string api/views.py:1 medium confirmed live 1',
    ]);
    expect(merged.findings[0]!.fingerprint).toBe('static-jwt-hardcoded-secret-config.py:9');
    expect(merged.findings[2]!.message).toBe(
      'jwt-signature-not-verified in the code. Confirmed live (and on 1 other route): `GET /items` accepted a forged token (probe random-signature).',
    );
  });

  it('keeps a weak secret the deployment uses apart from a different literal in the code', () => {
    const merged = mergeLive(
      [],
      [staticToken('jwt-hardcoded-secret', 'high', 'config.py', 9)],
      [],
      [liveToken('jwt-hardcoded-secret', '/items')],
    );
    expect(merged.findings.map((f) => `${f.ruleId} ${f.sources.join('+')}`)).toEqual([
      'jwt-hardcoded-secret static',
      'jwt-hardcoded-secret live',
    ]);
  });

  it('reports a route that only takes forged tokens by the JWT rule alone, not as missing authentication', () => {
    const routes = [
      route('/account', 'protected', ['token_required']),
      route('/open', 'protected', ['token_required']),
    ];
    const verdicts: LiveVerdict[] = [
      {
        route: { methods: ['GET'], path: '/account' },
        status: 'open',
        withoutCredentials: 'closed',
        evidence: [
          { method: 'GET', url: 'https://preview.example/account', status: 401, probe: 'no-token' },
          { method: 'GET', url: 'https://preview.example/account', status: 200, probe: 'random-signature' },
          { method: 'GET', url: 'https://preview.example/account', status: 200, probe: 'alg-none' },
        ],
      },
      {
        route: { methods: ['GET'], path: '/open' },
        status: 'open',
        withoutCredentials: 'open',
        evidence: [
          { method: 'GET', url: 'https://preview.example/open', status: 200, probe: 'empty-bearer' },
        ],
      },
    ];
    const merged = mergeLive(routes, [], verdicts, [
      liveToken('jwt-signature-not-verified', '/account'),
      liveToken('jwt-none-algorithm', '/account'),
    ]);
    expect(merged.findings.map((f) => `${f.ruleId} ${f.route?.path}`)).toEqual([
      'missing-authentication /open',
      'jwt-signature-not-verified /account',
      'jwt-none-algorithm /account',
    ]);
    expect(merged.findings[0]!.evidence.map((e) => e.probe)).toEqual(['empty-bearer']);
    expect(merged.routes.map((r) => r.live.status)).toEqual(['open', 'open']);
  });

  it('gives live-only findings a fingerprint that does not depend on the source', () => {
    const verdict: LiveVerdict = {
      route: { methods: ['GET'], path: '/me' },
      status: 'open',
      withoutCredentials: 'open',
      evidence: [{ method: 'GET', url: 'https://preview.example/me', status: 200, probe: 'no-token' }],
    };
    const [f] = mergeLive([route('/me', 'protected', ['jwt_required()'])], [], [verdict]).findings;
    expect(f).toMatchObject({ ruleId: 'missing-authentication', sources: ['live'] });
    // The rule and the route, nothing that names the source.
    expect(f!.fingerprint).toBe(fingerprint('missing-authentication', 'GET', '/me', 'api/views.py'));
  });
});

describe('new-only counting of live findings', () => {
  it('counts a live-only finding as new only when its route is new to the code', () => {
    const onOld = liveToken('jwt-none-algorithm', '/items');
    const onNew = liveToken('jwt-none-algorithm', '/refunds');
    const onSpecOnly = liveToken('jwt-none-algorithm', '/v2/dogs');
    const confirmed = { ...finding('high', 10), sources: ['static', 'live'] as Finding['sources'] };
    const out = markNew([onOld, onNew, onSpecOnly, confirmed, finding('high', 20)], new Set(['fp10']), {
      base: new Map([['GET /items', 'protected']]),
      head: new Set(['GET /items', 'GET /refunds']),
    });
    expect(out.map((f) => `${f.route?.path} ${f.new}`)).toEqual([
      '/items false',
      '/refunds true',
      '/v2/dogs false',
      '/items/10 false',
      '/items/20 true',
    ]);
    expect(markNew([onOld], undefined)[0]!.new).toBe(true);
  });

  it('counts a route the base code protected that the preview answers openly as new, not one the base left open', () => {
    const open = (path: string): Finding => liveToken('missing-authentication', path);
    const hook = liveToken('auth-hook-fails-open', '/admin');
    const out = markNew([open('/orders'), open('/feed'), open('/health'), hook, open('/vault')], new Set(), {
      base: new Map([
        ['GET /orders', 'protected'],
        ['GET /feed', 'unprotected'],
        ['GET /health', 'public'],
        ['GET /admin', 'protected'],
        ['GET /vault', 'unknown'],
      ]),
      head: new Set(['GET /orders', 'GET /feed', 'GET /health', 'GET /admin', 'GET /vault']),
    });
    expect(out.map((f) => `${f.route?.path} ${f.new}`)).toEqual([
      '/orders true',
      '/feed false',
      '/health false',
      '/admin true',
      '/vault true',
    ]);
  });
});

describe('reporting limits', () => {
  it('keeps the job summary under 1 MiB of UTF-8 bytes, not characters', () => {
    const many = Array.from({ length: 8000 }, (_, i) =>
      finding('high', i + 1, { route: { methods: ['GET'], path: `/${'€'.repeat(100)}/${i}` } }),
    );
    const summary = renderSummary(report(many));
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary).toContain('The summary was cut');
    expect(summary).toMatch(/\n\n_The summary was cut/);
  });

  it('cuts the comment between whole lines, never inside a surrogate pair', () => {
    const many = Array.from({ length: 3000 }, (_, i) => finding('high', i + 1, { new: true }));
    const comment = renderComment(
      report(many.map((f) => ({ ...f, route: { methods: ['GET'], path: `/🔑/${f.location.startLine}` } }))),
    );
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(comment).toMatch(/\n\n_The comment was cut/);
  });

  it("reserves error slots for the step's own error lines", () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding('critical', i + 1));
    const { annotations, omitted } = selectAnnotations(findings, '', 2);
    expect(annotations.filter((a) => a.level === 'error')).toHaveLength(PER_LEVEL_LIMIT - 2);
    expect(omitted).toBe(4);
  });
});

describe('findings on routes only an OpenAPI document outside the repository declares', () => {
  const unlocated = liveToken('jwt-none-algorithm', '/v2/dogs', {
    location: { file: '', startLine: 12, endLine: 12 },
  });

  it('are annotated on the run without a file, saying why', () => {
    const { annotations } = selectAnnotations([unlocated, finding('critical', 10)], 'svc/');
    expect(annotations[0]).toEqual({
      level: 'error',
      title: 'tokengate critical: jwt-none-algorithm GET /v2/dogs',
      message:
        '`GET /v2/dogs` accepted a forged token (probe random-signature). (declared only in the OpenAPI document, no repository file to annotate)',
    });
    expect(annotations[1]!.file).toBe('svc/api/views.py');
    expect(renderSummary(report([unlocated]))).toContain(
      '`(declared only in the OpenAPI document, no repository file)`',
    );
  });

  it('are left out of SARIF results, counted in a notification, and the log stays valid', () => {
    const sarif = renderSarif(
      report([unlocated, finding('critical', 10)]),
      RULES.map((x) => x.meta),
      'svc/',
      'https://x/',
    );
    expect(sarif).not.toContain('"uri": ""');
    expect(sarif).not.toMatch(/"uri": "https?:/);
    const run = JSON.parse(sarif).runs[0];
    expect(run.results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['missing-authentication']);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      /^1 finding is on routes declared only in an OpenAPI document outside the repository/,
    );
    expectValidSarif(sarif);
  });
});

function expectValidSarif(sarif: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-sarif-'));
  const file = join(dir, 'out.sarif');
  writeFileSync(file, sarif);
  const out = execFileSync(
    join(import.meta.dirname, '..', 'node_modules', '.bin', 'sarif-multitool'),
    ['validate', file],
    { encoding: 'utf8' },
  );
  expect(out).toContain('Analysis completed successfully');
  expect(out).not.toMatch(/: error /);
}
