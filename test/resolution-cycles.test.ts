// Regression tests for each shape of code that sent name resolution (or the judging of helpers) into unbounded
// recursion: the scan used to end in "Maximum call stack size exceeded", exit 2 and no report.
import { expect, it } from 'vitest';
import { analyzeSources } from '../src/analysis/pipeline.js';

const HEAD = ['from flask import Flask, request, abort', 'app = Flask(__name__)'];

/** A chain of `n` lines, numbered from 1. */
const chain = (n: number, line: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => line(i + 1));

const SHAPES: Record<string, string[]> = {
  // A subscript whose index is computed from the subscript's own result.
  'an index computed from the value it indexes': [
    ...HEAD,
    'def split(b):',
    '    a = b[c]',
    '    c = a.find("/")',
    '    return a',
    '@app.route("/x")',
    'def view():',
    '    return split("y")',
  ],
  // A name indexed by itself, and a token-named variable read from it, used as a rule.
  'a name indexed by itself': [
    ...HEAD,
    'M = {}',
    'x = M[x]',
    'token = x.token',
    '@app.route(x.path)',
    '@app.route("/x")',
    'def view():',
    '    return token',
  ],
  // No cycle, but every step starts a new evaluation (the index of the next subscript).
  'three thousand subscripts, each indexed by the one before': [
    ...HEAD,
    'D = {}',
    'k0 = "a"',
    ...chain(3000, (i) => `k${i} = D[k${i - 1}]`),
    '@app.route(k3000)',
    '@app.route("/x")',
    'def view():',
    '    return "x"',
  ],
  // A verifier three thousand helpers down.
  'three thousand helpers, each calling the next': [
    ...HEAD,
    ...chain(3000, (i) => `def check${i}():\n    check${i + 1}()`),
    'def check3001():',
    '    if not request.headers.get("Authorization"):',
    '        abort(401)',
    'def guard(f):',
    '    def inner(*a, **k):',
    '        check1()',
    '        return f(*a, **k)',
    '    return inner',
    '@app.route("/x")',
    '@guard',
    'def view():',
    '    return "x"',
  ],
  // A decorator whose inner function is decorated by the previous one, three thousand deep.
  'three thousand decorators, each wrapping the one before': [
    ...HEAD,
    'def d0(f):',
    '    def inner():',
    '        if not request.headers.get("Authorization"):',
    '            abort(401)',
    '        return f()',
    '    return inner',
    ...chain(
      3000,
      (i) => `def d${i}(f):\n    @d${i - 1}\n    def inner():\n        return f()\n    return inner`,
    ),
    '@app.route("/x")',
    '@d3000',
    'def view():',
    '    return "x"',
  ],
};

it.each(Object.entries(SHAPES))('finishes the scan on %s and reports the route', async (_, lines) => {
  const text = lines.join('\n') + '\n';
  const routeLine = text.split('\n').findIndex((l) => l.startsWith('@app.route(')) + 1;
  const analysis = await analyzeSources([{ path: 'app.py', text }], { workers: 1 });
  expect(
    analysis.routes.map((r) => `${r.methods.join(',')} ${r.path} app.py:${r.location.startLine}`),
  ).toContain(`GET /x app.py:${routeLine}`);
});
