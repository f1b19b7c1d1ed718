import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { syntheticCodeBase } from '../bench/synthetic.js';
import { analyze } from '../src/analysis/analyze.js';
import { collectSources } from '../src/analysis/files.js';
import { type Analysis, type AnalyzeOptions, analyzeSources } from '../src/analysis/pipeline.js';
import { relevantFiles } from '../src/analysis/relevance.js';

/** A file the analyser is made to fail on (as if it had crashed on it). */
const failing = vi.hoisted(() => ({ path: undefined as string | undefined }));
vi.mock('../src/analysis/workers.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/analysis/workers.js')>();
  return {
    ...real,
    // Groups of modules are extracted one file at a time (groups.ts).
    extractParsed: (path: string, text: string, parsed: Parameters<typeof real.extractParsed>[2]) =>
      path === failing.path ? { error: 'made to fail' } : real.extractParsed(path, text, parsed),
    extractAll: async (files: { path: string; text: string }[], threads: number) => {
      const out = await real.extractAll(files, threads);
      files.forEach((f, i) => {
        if (f.path === failing.path) out.results[i] = { error: 'made to fail' };
      });
      return out;
    },
  };
});

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');

type Files = { path: string; text: string }[];

function report(analysis: Analysis): string {
  return JSON.stringify(
    {
      routes: analysis.routes,
      findings: analysis.findings,
      notices: analysis.notices,
      secrets: analysis.secrets,
    },
    null,
    1,
  );
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => statSync(d).isDirectory())
    .sort();
}

/** The paths the filter keeps, in the order given. */
function kept(files: Files): string[] {
  const { keep } = relevantFiles(files);
  return files.filter((_, i) => keep[i]).map((f) => f.path);
}

function skipped(files: Files): string[] {
  const { keep } = relevantFiles(files);
  return files.filter((_, i) => !keep[i]).map((f) => f.path);
}

/**
 * The report with the filter equals the report of every file, for a tree in memory, and so does the report of
 * the tree analysed in groups of modules, in this thread and with a worker.
 */
async function expectSameReport(files: Files, options: AnalyzeOptions = {}): Promise<Analysis> {
  const filtered = await analyzeSources(files, { workers: 1, ...options });
  const full = await analyzeSources(files, { workers: 1, ...options, allFiles: true });
  expect(report(filtered)).toBe(report(full));
  for (const workers of [1, 2]) {
    const grouped = await analyzeSources(files, { workers, ...options, grouping: 'always' });
    expect(report(grouped)).toBe(report(full));
  }
  return full;
}

/** The groups of kept files, each as its paths, in file order. */
function groups(files: Files): string[][] {
  const { groups: ids } = relevantFiles(files);
  if (!ids) throw new Error('no groups');
  const out = new Map<number, string[]>();
  ids.forEach((g, i) => {
    if (g < 0) return;
    out.set(g, [...(out.get(g) ?? []), files[i].path]);
  });
  return [...out.values()];
}

const py = (...lines: string[]): string => lines.join('\n') + '\n';

const ROUTES = py(
  'from flask import Blueprint',
  'from .helpers import shape',
  'bp = Blueprint("orders", __name__)',
  '@bp.get("/orders")',
  'def orders():',
  '    return shape([])',
);
const FACTORY = py(
  'from flask import Flask',
  'def create_app():',
  '    app = Flask(__name__)',
  '    from .routes import bp',
  '    app.register_blueprint(bp, url_prefix="/api")',
  '    return app',
);
const BUSINESS = py(
  '"""Pricing rules."""',
  'import decimal',
  '',
  'def total(lines):',
  '    return sum(decimal.Decimal(line["amount"]) for line in lines)',
);

describe('every fixture tree gives the same report with and without the filter', () => {
  const dirs = [
    ...subdirs(join(FIXTURES, 'apps')),
    ...subdirs(join(FIXTURES, 'apps-openapi')),
    ...subdirs(join(FIXTURES, 'live')),
    join(FIXTURES, 'rules'),
    ...subdirs(join(ROOT, 'examples')),
  ];

  it('finds the fixture trees', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(20);
    expect(dirs.some((d) => d.endsWith('tasks-api'))).toBe(true);
  });

  it.each(dirs.map((d) => [d.slice(ROOT.length + 1), d]))('%s', async (_name, dir) => {
    const filtered = await analyze(dir, { workers: 1 });
    const full = await analyze(dir, { workers: 1, allFiles: true });
    expect(report(filtered)).toBe(report(full));
    // Analysed in groups of modules, in this thread and with a worker: the same report.
    expect(report(await analyze(dir, { workers: 1, grouping: 'always' }))).toBe(report(full));
    expect(report(await analyze(dir, { workers: 2, grouping: 'always' }))).toBe(report(full));
    expect(full.routes.length + full.findings.length).toBeGreaterThan(0);
  });

  it('all fixtures together, beside a synthetic code base and a broken file', async () => {
    const { files } = await collectSources(FIXTURES, { defaultExcludes: false });
    // A file that mentions connexion keeps the whole tree (handlers are named in OpenAPI documents).
    const tree = [
      ...files.filter((f) => !/connexion/i.test(f.text)),
      ...syntheticCodeBase({ files: 90, seed: 3 }),
      { path: 'broken/app.py', text: 'from flask import Flask\napp = Flask(\n@app.route("/x"\ndef x(:\n' },
      { path: 'broken/notes.py', text: 'def f(:\n  return ]\n' },
    ];
    const filtered = await analyzeSources(tree, { workers: 1 });
    const full = await analyzeSources(tree, { workers: 1, allFiles: true });
    // Many groups (the fixture apps, each synthetic service), analysed apart, in two threads.
    expect(groups(tree).length).toBeGreaterThan(10);
    expect(report(await analyzeSources(tree, { workers: 2, grouping: 'always' }))).toBe(report(filtered));
    expect(report(await analyzeSources(tree, { workers: 2, allFiles: true, grouping: 'always' }))).toBe(
      report(full),
    );
    const left = skipped(tree);
    expect(left).toContain('broken/notes.py');
    expect(left.length).toBeGreaterThan(40);
    expect(full.routes.length).toBeGreaterThan(100);
    // The one difference: a skipped file is never parsed, so its own syntax errors go unmentioned.
    expect(full.notices).toContainEqual({
      file: 'broken/notes.py',
      message: 'has syntax errors; analysed as far as the parser recovered.',
    });
    const withoutSkipped = { ...full, notices: full.notices.filter((n) => !left.includes(n.file ?? '')) };
    expect(report(filtered)).toBe(report(withoutSkipped));
    expect(filtered.notices).toContainEqual({
      file: 'broken/app.py',
      message: 'has syntax errors; analysed as far as the parser recovered.',
    });
  });
});

describe('a synthetic code base', () => {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-relevance-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const files = syntheticCodeBase({ files: 300 });
  for (const f of files) {
    mkdirSync(join(root, dirname(f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text);
  }

  it('gives the same report with and without the filter', async () => {
    const filtered = await analyze(root, { workers: 1 });
    const full = await analyze(root, { workers: 1, allFiles: true });
    expect(report(filtered)).toBe(report(full));
    expect(full.routes.length).toBeGreaterThan(1000);
    expect(full.findings.length).toBeGreaterThan(100);
  });

  it('skips the models and the business logic, and only them', async () => {
    const { files: read } = await collectSources(root);
    const left = skipped(read);
    expect(left.length).toBe(140);
    expect(left.every((p) => /\/(models\/model|logic\/logic)_\d+\.py$/.test(p))).toBe(true);
    const bytes = (list: Files): number => list.reduce((n, f) => n + f.text.length, 0);
    const keptFiles = read.filter((f) => !left.includes(f.path));
    expect(bytes(keptFiles)).toBeLessThan(bytes(read) * 0.6);
  });

  it('does not depend on the order of the files', () => {
    const reversed = [...files].reverse();
    expect(kept(reversed).sort()).toEqual(kept(files).sort());
    const sortedGroups = (list: Files): string[] =>
      groups(list)
        .map((g) => g.sort().join(' '))
        .sort();
    expect(sortedGroups(reversed)).toEqual(sortedGroups(files));
  });

  it('groups each service apart, and gives the same report analysed in groups', async () => {
    const found = groups(files);
    const services = new Set(files.map((f) => f.path.split('/').slice(0, 2).join('/')));
    expect(found.length).toBe(services.size);
    for (const group of found) {
      const service = group[0].split('/').slice(0, 2).join('/');
      expect(group.every((p) => p.startsWith(`${service}/`))).toBe(true);
    }
    const whole = await analyze(root, { workers: 1, grouping: 'never' });
    expect(report(await analyze(root, { workers: 2 }))).toBe(report(whole));
    expect(report(await analyze(root, { workers: 2, grouping: 'always' }))).toBe(report(whole));
  });
});

describe('groups of modules that cannot reach each other', () => {
  const service = (name: string, extra = ''): Files => [
    { path: `${name}/__init__.py`, text: FACTORY },
    { path: `${name}/routes.py`, text: ROUTES + extra },
    { path: `${name}/helpers.py`, text: py('def shape(x):', '    return x') },
  ];

  it('puts services with no import between them apart', () => {
    expect(groups([...service('a'), ...service('b')])).toEqual([
      ['a/__init__.py', 'a/routes.py', 'a/helpers.py'],
      ['b/__init__.py', 'b/routes.py', 'b/helpers.py'],
    ]);
  });

  it('joins services through a module both import, in any form', () => {
    const common = { path: 'common/auth.py', text: py('def guard(f):', '    return f') };
    for (const form of ['from common.auth import guard', 'import common.auth', 'from common import auth']) {
      const tree = [...service('a', py(form)), ...service('b', py(form)), common];
      expect(groups(tree)).toHaveLength(1);
    }
    // Named only in a string, or reached as an attribute of a package: joined too.
    expect(groups([...service('a', py('CFG = "common.auth"')), ...service('b'), common])).toHaveLength(2);
    expect(
      groups([
        ...service('a', py('CFG = "common.auth"')),
        ...service('b', py('import common', 'common.auth.guard')),
        common,
        { path: 'common/__init__.py', text: '' },
      ]),
    ).toHaveLength(1);
  });

  it('joins a module found by dotted suffix through an attribute of another package', () => {
    const tree = [
      { path: 'pkg/__init__.py', text: py('NAME = "pkg"') },
      { path: 'src/pkg/api/__init__.py', text: '' },
      {
        path: 'src/pkg/api/routes.py',
        text: py('from flask import Blueprint', 'bp = Blueprint("api", __name__)'),
      },
      { path: 'boot.py', text: py('import pkg', 'pkg.api.routes.bp') },
      ...service('other'),
    ];
    expect(
      groups(tree)
        .map((g) => g.length)
        .sort(),
    ).toEqual([3, 4]);
  });

  it('tells of unmodelled frameworks only when no group has a route', async () => {
    const admin = { path: 'admin/views.py', text: py('from flask_admin import Admin', 'admin = Admin()') };
    const notes = { path: 'notes/log.py', text: py('from flask_admin import BaseView') };
    const withRoutes = await expectSameReport([...service('a'), admin, notes]);
    expect(groups([...service('a'), admin, notes])).toHaveLength(3);
    expect(withRoutes.notices).toEqual([]);
    const without = await expectSameReport([notes, admin, { path: 'lib/x.py', text: py('import flask') }]);
    expect(without.notices.map((n) => `${n.file} ${n.message.split(',')[0]}`)).toEqual([
      'admin/views.py imports Flask-Admin',
    ]);
  });

  it('keeps a connexion tree in one piece', () => {
    const tree = [
      { path: 'app.py', text: py('import connexion', 'app = connexion.App(__name__)') },
      ...service('a'),
    ];
    expect(relevantFiles(tree).groups).toBeUndefined();
  });
});

describe('which files are kept', () => {
  it('skips an island of business logic, keeps the app', async () => {
    const tree = [
      { path: 'shop/__init__.py', text: FACTORY },
      { path: 'shop/routes.py', text: ROUTES },
      { path: 'shop/helpers.py', text: py('def shape(items):', '    return {"items": items}') },
      { path: 'shop/pricing.py', text: BUSINESS },
      { path: 'tools/report.py', text: py('from shop.pricing import total', 'print(total([]))') },
    ];
    expect(skipped(tree)).toEqual(['shop/pricing.py', 'tools/report.py']);
    const full = await expectSameReport(tree);
    expect(full.routes.map((r) => r.path)).toEqual(['/api/orders']);
  });

  it('keeps a helper module a routes module imports, however it is imported', () => {
    const helper = py('def shape(items):', '    return items');
    const routes = (importLine: string, call: string): string =>
      py(
        'from flask import Blueprint',
        importLine,
        'bp = Blueprint("x", __name__)',
        '@bp.get("/x")',
        'def x():',
        `    return ${call}([])`,
      );
    const cases: [string, string][] = [
      ['from .helpers import shape', 'shape'],
      ['from . import helpers', 'helpers.shape'],
      ['from ..app.helpers import (\n    shape,  # the one\n)', 'shape'],
      ['import app.helpers as h', 'h.shape'],
      ['import app', 'app.helpers.shape'],
      ['from app.helpers import *', 'shape'],
      ['from \\\n  app.helpers import shape', 'shape'],
    ];
    for (const [line, call] of cases) {
      const tree = [
        { path: 'app/__init__.py', text: '' },
        { path: 'app/routes.py', text: routes(line, call) },
        { path: 'app/helpers.py', text: helper },
        // As long a name as `app.helpers`: a resolution by suffix alone would not tell them apart.
        { path: 'xyz/helpers.py', text: helper },
      ];
      expect(kept(tree), line).toEqual(['app/__init__.py', 'app/routes.py', 'app/helpers.py']);
    }
  });

  it('resolves imports by dotted suffix like the project does (src layouts)', () => {
    const tree = [
      { path: 'src/svc/routes.py', text: ROUTES.replace('from .helpers', 'from svc.helpers') },
      { path: 'src/svc/helpers.py', text: py('def shape(items):', '    return items') },
      { path: 'src/svc/pricing.py', text: BUSINESS },
      { path: 'svc_b/lib/svc/helpers.py', text: py('def shape(items):', '    return items') },
    ];
    // `svc.helpers` is `src.svc.helpers` (the shortest name ending with it), not `svc_b.lib.svc.helpers`.
    expect(kept(tree)).toEqual(['src/svc/routes.py', 'src/svc/helpers.py']);
  });

  it('keeps a wsgi.py that imports the app factory, and what imports it', async () => {
    const tree = [
      { path: 'shop/__init__.py', text: FACTORY },
      { path: 'shop/routes.py', text: ROUTES },
      { path: 'shop/helpers.py', text: py('def shape(items):', '    return items') },
      { path: 'wsgi.py', text: py('from shop import create_app', 'application = create_app()') },
      { path: 'serve.py', text: py('import wsgi', 'wsgi.application.run()') },
      { path: 'jobs.py', text: BUSINESS },
    ];
    expect(skipped(tree)).toEqual(['jobs.py']);
    await expectSameReport(tree);
  });

  it('keeps a module that calls a registration helper with its arguments', async () => {
    const tree = [
      {
        path: 'api/register.py',
        text: py('def register(target, view, rule):', '    target.add_url_rule(rule, view_func=view)'),
      },
      {
        path: 'api/views.py',
        text: py('def ping():', '    return "pong"', 'def pong():', '    return "ping"'),
      },
      {
        path: 'api/main.py',
        text: py(
          'from server import app',
          'from api.register import register',
          'from api.views import ping, pong',
          'register(app, ping, "/ping")',
          'register(app, pong, "/pong")',
        ),
      },
      { path: 'server.py', text: py('import flask', 'app = flask.Flask(__name__)') },
    ];
    expect(skipped(tree)).toEqual([]);
    const full = await expectSameReport(tree);
    expect(full.routes.map((r) => r.path)).toEqual(['/ping', '/pong']);
  });

  it('keeps a configuration module named only in a string', () => {
    const tree = [
      {
        path: 'app.py',
        text: py('from flask import Flask', 'app = Flask(__name__)', 'app.config.from_object("cfg.Prod")'),
      },
      { path: 'cfg.py', text: py('class Prod:', '    DEBUG = False') },
      { path: 'cli.py', text: BUSINESS },
    ];
    expect(kept(tree)).toEqual(['app.py', 'cfg.py']);
  });

  it('keeps modules that define a decorator reading request.headers', async () => {
    const guard = py(
      'import functools',
      'from flask import abort, request',
      'def requires_token(view):',
      '    @functools.wraps(view)',
      '    def wrapper(*args, **kwargs):',
      '        if request.headers.get("Authorization") != "Bearer s3cr3t":',
      '            abort(401)',
      '        return view(*args, **kwargs)',
      '    return wrapper',
    );
    const tree = [
      { path: 'guards.py', text: guard },
      // No library import: kept because a routes module imports it.
      { path: 'shared/guard.py', text: guard.replace('from flask import abort, request\n', '') },
      {
        path: 'app.py',
        text: py(
          'from flask import Flask',
          'from shared.guard import requires_token',
          'app = Flask(__name__)',
          '@app.get("/secret")',
          '@requires_token',
          'def secret():',
          '    return "x"',
        ),
      },
      { path: 'unused.py', text: BUSINESS },
    ];
    expect(kept(tree)).toEqual(['guards.py', 'shared/guard.py', 'app.py']);
    const full = await expectSameReport(tree);
    expect(full.routes.map((r) => r.auth.state)).toEqual(['protected']);
  });

  it('keeps files whose own text a scan reports, whatever imports them', async () => {
    const tree = [
      { path: 'settings.py', text: py('SECRET_KEY = "hunter2-but-longer"') },
      { path: 'debug.py', text: py('def dump(access_token):', '    print(access_token)') },
      {
        path: 'bytes_util.py',
        text: py('def show(raw):', '    claims = decode(raw)', '    print(claims)'),
      },
      { path: 'views_util.py', text: py('def page(request):', '    return request.args.get("api_key")') },
      { path: 'plain.py', text: BUSINESS },
    ];
    expect(skipped(tree)).toEqual(['plain.py']);
    const full = await expectSameReport(tree);
    expect(full.findings.map((f) => `${f.ruleId} ${f.location.file}`)).toEqual([
      'token-in-logs bytes_util.py',
      'token-in-logs debug.py',
      'jwt-hardcoded-secret settings.py',
      'token-in-query-string views_util.py',
    ]);
  });

  it('keeps what a file reported for its own text imports only when a kept module would answer instead', async () => {
    const tree = [
      { path: 'app/__init__.py', text: '' },
      {
        path: 'app/utils.py',
        text: py(
          'from flask import Blueprint',
          'bp = Blueprint("u", __name__)',
          'def view():',
          '    return "x"',
          'def register(rule):',
          '    bp.add_url_rule(rule, view_func=view)',
          'register("/real")',
        ),
      },
      // `utils` is `x.utils` over the whole tree (the shortest name ending with it); left out, it would be
      // `app.utils`, and the call below would register a route.
      { path: 'x/utils.py', text: py('def register(rule):', '    return rule') },
      {
        path: 'tools/dump.py',
        text: py(
          'from utils import register',
          'from helpers import fmt',
          'register("/leak")',
          'def show(access_token):',
          '    print(fmt("token"), access_token)',
        ),
      },
      { path: 'tools/helpers.py', text: py('def fmt(value):', '    return str(value)') },
    ];
    expect(skipped(tree)).toEqual(['tools/helpers.py']);
    const full = await expectSameReport(tree);
    expect(full.routes.map((r) => r.path)).toEqual(['/real']);
    expect(full.findings.map((f) => `${f.ruleId} ${f.location.file}`)).toContain(
      'token-in-logs tools/dump.py',
    );
  });

  it('follows attribute chains and star imports both ways', () => {
    const tree = [
      { path: 'pkg/__init__.py', text: '' },
      { path: 'pkg/api/__init__.py', text: '' },
      { path: 'pkg/api/routes.py', text: ROUTES.replace('from .helpers import shape\n', '') },
      // Reaches pkg.api.routes through the package: `import pkg`, then attributes.
      { path: 'boot.py', text: py('import pkg', 'pkg.api.routes.bp.name') },
      // Star imports of an included module, and of a module that star-imports one.
      { path: 'reexport.py', text: py('from pkg.api.routes import *') },
      { path: 'user.py', text: py('from reexport import *', 'print(bp)') },
      // Read as an attribute of an included module.
      { path: 'lib/__init__.py', text: py('from flask import Blueprint') },
      { path: 'lib/util.py', text: py('def f():', '    return 1') },
      { path: 'caller.py', text: py('import lib', 'lib.util.f()') },
      { path: 'alone.py', text: py('import os', 'os.path.join("a", "b")') },
    ];
    expect(skipped(tree)).toEqual(['alone.py']);
    // The same attribute read on a module that is not included brings nothing in.
    expect(
      skipped([
        { path: 'x/__init__.py', text: '' },
        { path: 'x/util.py', text: BUSINESS },
        { path: 'app.py', text: py('from flask import Flask', 'app = Flask(__name__)', 'app.util = 1') },
      ]),
    ).toEqual(['x/__init__.py', 'x/util.py']);
  });

  it('keeps a module that reaches a kept one through attributes of another package', async () => {
    // `pkg` is the top-level package; `pkg.api` is found by suffix as `src.pkg.api`, so the call below is a call
    // of `src.pkg.api.routes.register`, and its arguments are a route's rule and view.
    const tree = [
      { path: 'pkg/__init__.py', text: py('NAME = "pkg"') },
      { path: 'src/pkg/api/__init__.py', text: '' },
      {
        path: 'src/pkg/api/routes.py',
        text: py(
          'from flask import Blueprint',
          'bp = Blueprint("api", __name__)',
          'def register(view, rule):',
          '    bp.add_url_rule(rule, view_func=view)',
        ),
      },
      {
        path: 'boot.py',
        text: py('import pkg', 'def ping():', '    return "pong"', 'pkg.api.routes.register(ping, "/ping")'),
      },
      { path: 'other.py', text: py('import pkg', 'print(pkg.NAME)') },
    ];
    expect(skipped(tree)).toEqual([]);
    const full = await expectSameReport(tree);
    expect(full.routes.map((r) => `${r.path} ${r.location.file}`)).toEqual(['/ping boot.py']);
  });

  it('resolves relative imports from packages and modules as the extractor does', () => {
    const tree = [
      { path: 'a/__init__.py', text: '' },
      { path: 'a/b/__init__.py', text: py('from .. import c') },
      {
        path: 'a/b/routes.py',
        text: py('from flask import Blueprint', 'from ... import top', 'from . import d'),
      },
      { path: 'a/c.py', text: '' },
      { path: 'a/b/d.py', text: '' },
      { path: 'top.py', text: '' },
      { path: 'x/c.py', text: '' },
      { path: 'x/d.py', text: '' },
    ];
    expect(skipped(tree)).toEqual(['x/c.py', 'x/d.py']);
  });

  it('keeps the packages above a kept module', () => {
    const tree = [
      { path: 'a/__init__.py', text: py('VERSION = 1') },
      { path: 'a/b/__init__.py', text: py('VERSION = 2') },
      { path: 'a/b/routes.py', text: ROUTES.replace('from .helpers import shape\n', '') },
      { path: 'a/c/__init__.py', text: py('VERSION = 3') },
    ];
    expect(skipped(tree)).toEqual(['a/c/__init__.py']);
  });

  it('keeps every file of a connexion app (handlers are named in OpenAPI documents)', () => {
    const tree = [
      {
        path: 'app.py',
        text: py('import connexion', 'app = connexion.App(__name__)', 'app.add_api("api.yaml")'),
      },
      { path: 'handlers/pets.py', text: py('def list_pets():', '    return []') },
    ];
    expect(relevantFiles(tree).keep).toEqual([true, true]);
  });
});

describe('when the analyser fails on a kept file', () => {
  it('parses the skipped files too, so that the project is the one of the whole tree', async () => {
    const tree = [
      {
        path: 'app.py',
        text: py(
          'from flask import Flask',
          'app = Flask(__name__)',
          '@app.get("/")',
          'def home():',
          '    return ""',
        ),
      },
      { path: 'boom.py', text: py('from flask import Blueprint') },
      { path: 'plain.py', text: py('def f(:', '    return 1') },
    ];
    expect(skipped(tree)).toEqual(['plain.py']);
    failing.path = 'boom.py';
    try {
      const filtered = await analyzeSources(tree, { workers: 1 });
      const full = await analyzeSources(tree, { workers: 1, allFiles: true });
      expect(report(filtered)).toBe(report(full));
      // Analysed in groups, the failure sends the tree back to the analysis in one piece: the same report.
      expect(report(await analyzeSources(tree, { workers: 1, grouping: 'always' }))).toBe(report(full));
      expect(filtered.notices.map((n) => n.file)).toEqual(['boom.py', 'plain.py']);
    } finally {
      failing.path = undefined;
    }
  });
});
