import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type Analysis, analyzeSources } from '../src/analysis/pipeline.js';

// Property tests of the whole static pipeline on hostile input: whatever a file holds, the scan returns a
// report, and the finding in a normal file next to it is still there.

// A module name no fixture imports, so that no mutation can register a hook on this app.
const APP = {
  path: 'zz_sentinel/service.py',
  text: [
    'from flask import Flask',
    'sentinel = Flask(__name__)',
    "@sentinel.delete('/orders/<int:oid>')",
    'def delete_order(oid):',
    '    return str(ORDERS.pop(oid, None))',
    'ORDERS = {}',
    '',
  ].join('\n'),
};

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixtureTexts: string[] = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((p) => p.endsWith('.py'))
  .sort()
  .map((p) => readFileSync(join(FIXTURES, p), 'utf8'));

const TOKENS = [
  '@app.route("/x", methods=["POST"])',
  '@bp.get("/<int:id>")',
  '@jwt_required()',
  '@login_required',
  '@auth.login_required',
  'def f(self, *args, **kw):',
  'class V(MethodView):',
  'decorators = [jwt_required()]',
  'method_decorators = {"get": [x]}',
  'app = Flask(__name__)',
  'bp = Blueprint("b", __name__, url_prefix="/p")',
  'app.register_blueprint(bp, url_prefix=',
  'api.add_resource(R, "/r")',
  'app.add_url_rule("/u", "u", view_func=V.as_view("v"))',
  '@app.before_request',
  'if not request.headers.get("Authorization"):',
  'abort(401)',
  'return None',
  'return jsonify(error="no"), 401',
  'raise Unauthorized()',
  'jwt.decode(token, options={"verify_signature": False})',
  'from flask import *',
  'from . import x as y',
  'import flask_jwt_extended as j',
  'lambda: (',
  'f"{x!r:>{w}}"',
  '"""',
  "'",
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ':',
  ',',
  '=',
  '\\',
  '\t',
  '    ',
  '\n',
  '\r\n',
  '\0',
  '\uFFFD',
  '\u{1F600}',
  'try:',
  'except Exception:',
  'finally:',
  'while True:',
  'async def g():',
  'await',
  'yield',
  'match x:',
  'case _:',
];

async function scanWithApp(text: string): Promise<Analysis> {
  const analysis = await analyzeSources([APP, { path: 'pkg/fuzzed.py', text }]);
  expect(Array.isArray(analysis.routes)).toBe(true);
  expect(Array.isArray(analysis.notices)).toBe(true);
  expect(analysis.findings).toContainEqual(
    expect.objectContaining({
      ruleId: 'missing-authentication',
      location: expect.objectContaining({ file: 'zz_sentinel/service.py', startLine: 3 }),
    }),
  );
  return analysis;
}

const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(bytes);

it('survives random bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      await scanWithApp(decode(bytes));
    }),
    { numRuns: 150 },
  );
});

it('survives random Python token soup', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(' ', '\n', '', '\n    ')), {
        maxLength: 300,
      }),
      async (parts) => {
        await scanWithApp(parts.map(([token, sep]) => token + sep).join(''));
      },
    ),
    { numRuns: 150 },
  );
});

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.nat({ max: 400 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const at = text.length ? m.at % text.length : 0;
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'insert':
      return text.slice(0, at) + m.token + text.slice(at);
    case 'duplicate':
      return text.slice(0, at + m.length) + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
  }
}

it('survives mutations of the fixture files, and still analyses them as Flask code', async () => {
  expect(fixtureTexts.length).toBeGreaterThan(20);
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: fixtureTexts.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 8 }),
      async (index, mutations) => {
        await scanWithApp(mutations.reduce(mutate, fixtureTexts[index]));
      },
    ),
    { numRuns: 300 },
  );
});
