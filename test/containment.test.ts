// One module must never take the others down: a failure of the analyser while modelling, judging or checking one
// file leaves that file's part out with a notice naming it, and the other files are reported as without it.
import { afterEach, expect, it, vi } from 'vitest';
import { AuthAnalyzer } from '../src/analysis/auth.js';
import type { FunctionIR } from '../src/analysis/ir.js';
import { FlaskModel } from '../src/analysis/flask.js';
import { JwtAnalyzer } from '../src/analysis/jwt.js';
import { type Analysis, analyzeSources } from '../src/analysis/pipeline.js';
import { rule as missingAuthentication } from '../src/rules/missing-authentication.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const GOOD = [
  'import jwt',
  'from flask import Flask',
  'from flask_jwt_extended import jwt_required',
  'app = Flask(__name__)',
  '@app.get("/private")',
  '@jwt_required()',
  'def private():',
  '    return ""',
  '@app.delete("/orders/<int:oid>")',
  'def delete_order(oid):',
  '    return ""',
  'def claims(token):',
  '    return jwt.decode(token, options={"verify_signature": False})',
  '',
].join('\n');

const BROKEN = [
  'from functools import wraps',
  'from flask import Flask, request, abort',
  'admin = Flask(__name__)',
  'def guard(f):',
  '    @wraps(f)',
  '    def inner(*a, **k):',
  '        if not request.headers.get("Authorization"):',
  '            abort(401)',
  '        return f(*a, **k)',
  '    return inner',
  '@admin.post("/admin/users")',
  '@guard',
  'def create_user():',
  '    return ""',
  '@admin.post("/admin/open")',
  'def open_write():',
  '    return ""',
  '',
].join('\n');

const FILES = [
  { path: 'good.py', text: GOOD },
  { path: 'broken.py', text: BROKEN },
];

const inBroken = (fn: FunctionIR): boolean => fn.scope.module.file === 'broken.py';

/** What a user reads of good.py: its routes, its findings. */
function goodPart(analysis: Analysis): string[] {
  return [
    ...analysis.routes
      .filter((r) => r.location.file === 'good.py')
      .map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`),
    ...analysis.findings
      .filter((f) => f.location.file === 'good.py')
      .map((f) => `${f.ruleId} good.py:${f.location.startLine}`),
  ];
}

const GOOD_PART = [
  'GET /private protected',
  'DELETE /orders/<int:oid> unprotected',
  'missing-authentication good.py:9',
  'jwt-signature-not-verified good.py:13',
];

const modes = [
  { workers: 1, grouping: 'never' as const },
  { workers: 1, grouping: 'always' as const },
];

it.each(modes)('reports the other files when modelling one file fails (%o)', async (options) => {
  const custom = AuthAnalyzer.prototype.customDecorator;
  vi.spyOn(AuthAnalyzer.prototype, 'customDecorator').mockImplementation(function (this: AuthAnalyzer, fn) {
    if (inBroken(fn)) throw new Error('injected');
    return custom.call(this, fn);
  });
  const analysis = await analyzeSources(FILES, options);
  expect(goodPart(analysis)).toEqual(GOOD_PART);
  const notice = analysis.notices.find((n) => n.file === 'broken.py');
  expect(notice?.message).toMatch(/^partly analysed: the analyser failed while modelling \(injected\)/);
  const held = analysis.routes.filter((r) => r.location.file === 'broken.py').length;
  expect(notice?.message).toContain(
    held ? `the report holds ${held} route` : 'the report holds no route of this file',
  );
});

it.each(modes)('reports the other files when the JWT analysis of one file fails (%o)', async (options) => {
  const proto = JwtAnalyzer.prototype as unknown as { scanCalls: (mod: { file: string }) => void };
  const scan = proto.scanCalls;
  vi.spyOn(proto, 'scanCalls').mockImplementation(function (this: unknown, ...args: unknown[]) {
    if ((args[0] as { file: string }).file === 'good.py') throw new Error('injected');
    return scan.apply(this, args as never);
  });
  const analysis = await analyzeSources(FILES, options);
  // good.py's JWT finding is gone, its routes and route findings are not; broken.py is whole.
  expect(goodPart(analysis)).toEqual(GOOD_PART.slice(0, 3));
  expect(analysis.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`)).toContain(
    'missing-authentication broken.py:15',
  );
  expect(analysis.notices.find((n) => n.file === 'good.py')?.message).toMatch(
    /^partly analysed: the analyser failed while modelling \(injected\); the report holds 2 routes of this file/,
  );
});

it.each(modes)('reports the other files when a rule fails on one file (%o)', async (options) => {
  const check = missingAuthentication.check;
  vi.spyOn(missingAuthentication, 'check').mockImplementation((ctx) => {
    if (ctx.routes.some((r) => r.file === 'broken.py')) throw new Error('injected');
    return check(ctx);
  });
  const analysis = await analyzeSources(FILES, options);
  expect(goodPart(analysis)).toEqual(GOOD_PART);
  expect(analysis.routes.filter((r) => r.location.file === 'broken.py')).toHaveLength(2);
  expect(analysis.notices.find((n) => n.file === 'broken.py')?.message).toBe(
    'partly analysed: the analyser failed while checking rules (injected); the report holds 2 routes of this file, which may be incomplete or misjudged. Please report it with the file attached.',
  );
});

it.each(modes)('reports the other files when judging the routes of one file fails (%o)', async (options) => {
  const build = FlaskModel.prototype.build;
  vi.spyOn(FlaskModel.prototype, 'build').mockImplementation(function (this: FlaskModel) {
    build.call(this);
    for (const route of this.routes) {
      if (route.file !== 'broken.py') continue;
      Object.defineProperty(route, 'guards', {
        get() {
          throw new Error('injected');
        },
      });
    }
    return this;
  });
  const analysis = await analyzeSources(FILES, options);
  expect(goodPart(analysis)).toEqual(GOOD_PART);
  expect(analysis.routes.filter((r) => r.location.file === 'broken.py')).toEqual([]);
  expect(analysis.notices.find((n) => n.file === 'broken.py')?.message).toBe(
    'partly analysed: the analyser failed while judging routes (injected); the report holds no route of this file. Please report it with the file attached.',
  );
});
