// Nothing disappears silently: a route registration the model cannot follow is named in a notice with its file
// and line, never dropped without a word.
import { expect, it } from 'vitest';
import { analyzeSources } from '../src/analysis/pipeline.js';

const APP = [
  'from flask import Flask, Blueprint',
  'from plugins import registry',
  'app = Flask(__name__)',
  'bp = Blueprint("bp", __name__)',
  '@app.get("/seen")',
  'def seen():',
  '    return ""',
  'def handler():',
  '    return ""',
  // Call form: followed.
  'app.route("/call-form")(handler)',
  // An owner the model cannot resolve: an item of a table of a module not in the tree.
  'registry["api"].add_url_rule("/plugin", view_func=handler)',
  // No view function: the endpoint is bound elsewhere (`@app.endpoint`).
  'app.add_url_rule("/later", "later")',
  // A rule only `url_for` builds (werkzeug never matches it to a request): nothing is missing.
  'app.add_url_rule("/<any(api, export):kind>", "kinds", build_only=True)',
  'app.register_blueprint(bp)',
  '',
].join('\n');

const HELPERS = [
  // A helper whose target is a parameter that no call in the tree binds.
  'def install(target, view):',
  '    target.add_url_rule("/installed", view_func=view)',
  'def decorate(router):',
  '    @router.post("/decorated")',
  '    def decorated():',
  '        return ""',
  // A helper the tree calls with the app: followed, no notice.
  'def mount(target, view):',
  '    target.add_url_rule("/mounted", view_func=view)',
  '',
].join('\n');

const MAIN = ['from app import app, handler', 'from helpers import mount', 'mount(app, handler)', ''].join(
  '\n',
);

it.each([{ grouping: 'never' as const }, { grouping: 'always' as const }])(
  'names every registration it cannot follow, with file and line (%o)',
  async (options) => {
    const analysis = await analyzeSources(
      [
        { path: 'app.py', text: APP },
        { path: 'helpers.py', text: HELPERS },
        { path: 'main.py', text: MAIN },
      ],
      { workers: 1, ...options },
    );
    expect(analysis.routes.map((r) => `${r.methods.join(',')} ${r.path}`).sort()).toEqual([
      'GET /call-form',
      'GET /mounted',
      'GET /seen',
    ]);
    expect(analysis.notices).toEqual([
      {
        file: 'app.py',
        message:
          'line 11: `registry["api"].add_url_rule(...)`, on `registry["api"]`, which the model cannot resolve to a Flask app or blueprint; its routes are missing from the report.',
      },
      {
        file: 'app.py',
        message:
          'line 12: `app.add_url_rule(...)` without a view function, which the model does not follow; its routes are missing from the report.',
      },
      {
        file: 'helpers.py',
        message:
          'line 2: `target.add_url_rule(...)`, on `target`, which the model cannot resolve to a Flask app or blueprint; its routes are missing from the report.',
      },
      {
        file: 'helpers.py',
        message:
          'line 4: `@router.post("/decorated")` on `decorated`, on `router`, which the model cannot resolve to a Flask app or blueprint; its routes are missing from the report.',
      },
    ]);
  },
);

it('names a route a framework class declares on a method (a plugin base class records it, registers it later)', async () => {
  // OctoPrint's `@octoprint.plugin.BlueprintPlugin.route(...)`: a static method of a project class that stores the
  // rule on the function; the plugin loader replays it onto a blueprint the model never sees.
  const analysis = await analyzeSources(
    [
      {
        path: 'app.py',
        text: [
          'from flask import Flask',
          'app = Flask(__name__)',
          '@app.get("/seen")',
          'def seen():',
          '    return ""',
          '',
        ].join('\n'),
      },
      {
        path: 'plugin.py',
        text: [
          'from app import app',
          'class BlueprintPlugin:',
          '    @staticmethod',
          '    def route(rule, **options):',
          '        def decorator(f):',
          '            f._routes = [(rule, options)]',
          '            return f',
          '        return decorator',
          'class Backup(BlueprintPlugin):',
          '    @BlueprintPlugin.route("/backup", methods=["POST"])',
          '    def create_backup(self):',
          '        return ""',
          '    @BlueprintPlugin.route(name)',
          '    def dynamic(self):',
          '        return ""',
          '',
        ].join('\n'),
      },
    ],
    { workers: 1 },
  );
  expect(analysis.notices.map((n) => `${n.file}: ${n.message}`)).toEqual([
    'plugin.py: line 10: `@BlueprintPlugin.route("/backup", methods=["POST"])` on the method `create_backup` declares a route through a class the model does not follow; its routes are missing from the report.',
  ]);
});
