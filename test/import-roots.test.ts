// Absolute imports resolve as Python resolves them: a module of the tree answers for `flask` or `jwt` only where
// its directory may be on sys.path, never inside a package; `src/` and service layouts still resolve.
import { expect, it } from 'vitest';
import { analyzeSources } from '../src/analysis/pipeline.js';

type Tree = Record<string, string[]>;

const GUARD = [
  'from functools import wraps',
  'import jwt',
  'from flask import abort, request',
  'def token_required(view):',
  '    @wraps(view)',
  '    def wrapper(*args, **kwargs):',
  '        try:',
  '            jwt.decode(request.headers["Authorization"][7:], KEY, algorithms=["HS256"])',
  '        except Exception:',
  '            abort(401)',
  '        return view(*args, **kwargs)',
  '    return wrapper',
];

/** `Flask` imported from the library, a guard from `guards`, one protected and one open route. */
const app = (guards: string): string[] => [
  'from flask import Flask',
  `from ${guards} import token_required`,
  'app = Flask(__name__)',
  '@app.get("/items")',
  '@token_required',
  'def items():',
  '    return []',
  '@app.delete("/items/<int:i>")',
  'def delete_item(i):',
  '    return ""',
];

const TREES: Record<string, Tree> = {
  // util/ is a package: its flask.py is `myapp.util.flask`, reached relatively; `flask` is the library.
  'a package module named flask, imported relatively': {
    'myapp/__init__.py': [],
    'myapp/util/__init__.py': [],
    'myapp/util/flask.py': ['from flask import jsonify', 'def ok():', '    return jsonify(ok=True)'],
    'myapp/guards.py': GUARD,
    'myapp/views.py': [...app('myapp.guards'), 'from .util.flask import ok'],
  },
  // The guard's own module is named jwt: inside it, `import jwt` is PyJWT, whose unverified decode is reported.
  'a package module named jwt': {
    'myapp/__init__.py': [],
    'myapp/jwt.py': [
      ...GUARD,
      'def peek(token):',
      '    return jwt.decode(token, options={"verify_signature": False})',
    ],
    'myapp/views.py': app('myapp.jwt'),
  },
  // helpers/ has no __init__.py, but is imported as a package (`from helpers.flask import ...`).
  'a directory used as a package, without __init__.py': {
    'helpers/flask.py': ['from flask import jsonify', 'def ok():', '    return jsonify(ok=True)'],
    'guards.py': GUARD,
    'app.py': [...app('guards'), 'from helpers.flask import ok'],
  },
  // src/ layout: `svc` is a package on the path root src/.
  'a src/ layout': {
    'src/svc/__init__.py': [],
    'src/svc/flask.py': [],
    'src/svc/guards.py': GUARD,
    'src/svc/views.py': app('svc.guards'),
  },
  // A service directory holding top-level scripts: its modules import each other by their short names; its
  // package lib/ has a flask.py of its own.
  'a service directory of top-level scripts': {
    'services/api/lib/__init__.py': [],
    'services/api/lib/flask.py': [],
    'services/api/guards.py': GUARD,
    'services/api/app.py': app('guards'),
  },
};

it.each(Object.entries(TREES))('resolves the imports of %s as Python does', async (_, tree) => {
  const files = Object.entries(tree).map(([path, lines]) => ({ path, text: lines.join('\n') + '\n' }));
  const analysis = await analyzeSources(files, { workers: 1 });
  const views = Object.keys(tree).find((p) => p.endsWith('views.py') || p.endsWith('app.py'))!;
  expect(
    analysis.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.location.file} ${r.auth.state}`),
  ).toEqual([`GET /items ${views} protected`, `DELETE /items/<int:i> ${views} unprotected`]);
  const peeks = Object.keys(tree).filter((p) => tree[p]!.some((l) => l.includes('verify_signature')));
  expect(analysis.findings.map((f) => `${f.ruleId} ${f.location.file}`)).toEqual([
    ...peeks.map((p) => `jwt-signature-not-verified ${p}`),
    `missing-authentication ${views}`,
  ]);
});
