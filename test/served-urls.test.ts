// Each route at the URL Flask really serves: prefixes that pass through reassigned parameters, rules a helper
// builds from its arguments, apps reached only through dynamic imports, apps mounted by WSGI middleware.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/pipeline.js';
import { analyzeFiles, dedent } from './helpers/analyze.js';
import { flaskPython } from './helpers/python.js';

/** Write `files` to a fresh directory and run `lines` of Python there with the real Flask; its output, trimmed. */
function runPython(files: Record<string, string>, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-served-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text ? dedent(text) : '');
    }
    return execFileSync(flaskPython(), ['-c', lines.join('\n')], { cwd: dir, encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `METHODS path file:start`, sorted. */
function urls(a: Analysis): string[] {
  return a.routes
    .map((r) => `${r.methods.join(',')} ${r.path} ${r.location.file}:${r.location.startLine}`)
    .sort();
}

describe('the URL Flask serves', () => {
  it('keeps the prefix of blueprints a factory adds to a parameter before registering them', async () => {
    const files = {
      'factory.py': `
        from flask import Flask
        from health import mod as health
        DEFAULT_BLUEPRINTS = (health,)
        def create_app(app_name=None, blueprints=None):
            if not blueprints:
                blueprints = DEFAULT_BLUEPRINTS
            else:
                blueprints = blueprints + DEFAULT_BLUEPRINTS
            app = Flask(app_name or __name__)
            configure_blueprints(app, blueprints)
            return app
        def configure_blueprints(app, blueprints):
            for blueprint in blueprints:
                app.register_blueprint(blueprint, url_prefix="/api/1")
      `,
      'health.py': `
        from flask import Blueprint
        mod = Blueprint("health", __name__)
        @mod.route("/healthcheck")
        def health():
            return "ok"
      `,
      'users.py': `
        from flask import Blueprint
        mod = Blueprint("users", __name__)
        @mod.route("/users")
        def users():
            return "[]"
      `,
      'main.py': `
        from factory import create_app
        from users import mod as users
        app = create_app(__name__, blueprints=(users,))
      `,
      'worker.py': `
        from factory import create_app
        app = create_app()
      `,
    };
    const a = await analyzeFiles(files);
    expect(urls(a)).toEqual(['GET /api/1/healthcheck health.py:3', 'GET /api/1/users users.py:3']);
    const served = runPython(files, [
      'import main, worker',
      'print([sorted(r.rule for r in m.app.url_map.iter_rules() if r.endpoint != "static") for m in (main, worker)])',
    ]);
    expect(served).toBe("[['/api/1/healthcheck', '/api/1/users'], ['/api/1/healthcheck']]");
  });

  it('follows plugins loaded with importlib into a helper that builds the asset rule from its argument', async () => {
    const files = {
      'ctf/__init__.py': `
        from flask import Flask
        from ctf.plugins import init_plugins
        def create_app():
            app = Flask(__name__)
            init_plugins(app)
            return app
      `,
      'ctf/plugins/__init__.py': `
        import importlib
        import os
        from flask import send_from_directory
        def register_plugin_assets_directory(app, base_path, endpoint=None):
            base_path = base_path.strip("/")
            if endpoint is None:
                endpoint = base_path.replace("/", ".")
            def assets_handler(path):
                return send_from_directory(base_path, path)
            rule = "/" + base_path + "/<path:path>"
            app.add_url_rule(rule=rule, endpoint=endpoint, view_func=assets_handler)
        def init_plugins(app):
            for plugin in sorted(os.listdir(os.path.dirname(__file__))):
                if plugin.startswith("_"):
                    continue
                module = "." + plugin
                module = importlib.import_module(module, package="ctf.plugins")
                module.load(app)
      `,
      'ctf/plugins/challenges/__init__.py': `
        from ctf.plugins import register_plugin_assets_directory
        def load(app):
            register_plugin_assets_directory(app, base_path="/plugins/challenges/assets/")
      `,
      'ctf/plugins/flags/__init__.py': `
        from ctf.plugins import register_plugin_assets_directory
        def load(app):
            register_plugin_assets_directory(app, base_path="/plugins/flags/assets/")
      `,
    };
    const a = await analyzeFiles(files);
    expect(urls(a)).toEqual([
      'GET /plugins/challenges/assets/<path:path> ctf/plugins/__init__.py:8',
      'GET /plugins/flags/assets/<path:path> ctf/plugins/__init__.py:8',
    ]);
    expect(a.notices).toEqual([]);
    const served = runPython(files, [
      'from ctf import create_app',
      'print(sorted(r.rule for r in create_app().url_map.iter_rules() if r.endpoint != "static"))',
    ]);
    expect(served).toBe("['/plugins/challenges/assets/<path:path>', '/plugins/flags/assets/<path:path>']");
  });

  it('serves the routes of an app mounted by DispatcherMiddleware under its prefix, as werkzeug does', async () => {
    const files = {
      'wsgi.py': `
        from werkzeug.middleware.dispatcher import DispatcherMiddleware
        import api
        import frontend
        application = DispatcherMiddleware(frontend.create_app(), {"/api": api.create_app()})
      `,
      'frontend.py': `
        from flask import Flask
        def create_app():
            app = Flask(__name__)
            @app.route("/")
            def index():
                return "home"
            return app
      `,
      'api.py': `
        from flask import Blueprint, Flask
        users = Blueprint("users", __name__)
        @users.route("/")
        def list_users():
            return "[]"
        def create_app():
            app = Flask(__name__)
            app.register_blueprint(users, url_prefix="/users")
            return app
      `,
      'standalone.py': `
        from flask import Flask
        from werkzeug.middleware.dispatcher import DispatcherMiddleware
        app = Flask(__name__)
        @app.route("/ping")
        def ping():
            return "pong"
        app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/v2": app})
      `,
    };
    const a = await analyzeFiles(files);
    expect(urls(a)).toEqual([
      'GET / frontend.py:4',
      'GET /api/users/ api.py:3',
      'GET /ping standalone.py:4',
      'GET /v2/ping standalone.py:4',
    ]);
    // Real werkzeug answers at those URLs, and not at the rule without its prefix.
    const served = runPython(files, [
      'from werkzeug.test import Client',
      'import wsgi, standalone',
      'c, s = Client(wsgi.application), Client(standalone.app)',
      'print([c.get(u).status_code for u in ("/", "/api/users/", "/users/")],',
      '      [s.get(u).status_code for u in ("/ping", "/v2/ping")])',
    ]);
    expect(served).toBe('[200, 200, 404] [200, 200]');
  });

  it('sees Flask-Sockets routes and the methods a library class view declares', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_graphql import GraphQLView
        from flask_sockets import Sockets
        app = Flask(__name__)
        sockets = Sockets(app)
        @sockets.route("/subscriptions")
        def echo_socket(ws):
            return []
        class OverriddenView(GraphQLView):
            def dispatch_request(self):
                return ""
        app.add_url_rule("/graphql", view_func=OverriddenView.as_view("graphql"))
      `,
    });
    expect(urls(a)).toEqual([
      'DELETE /graphql app.py:10',
      'GET /graphql app.py:10',
      'GET /subscriptions app.py:6',
      'POST /graphql app.py:10',
      'PUT /graphql app.py:10',
    ]);
  });

  it('mounts the blueprints one factory registers from each app package where that app is mounted', async () => {
    const files = {
      'wsgi.py': `
        from werkzeug.middleware.dispatcher import DispatcherMiddleware
        from site_app import api, frontend
        application = DispatcherMiddleware(frontend.create_app(), {"/api": api.create_app()})
      `,
      'site_app/__init__.py': '',
      'site_app/factory.py': `
        from flask import Flask
        from .helpers import register_blueprints
        def create_app(package_name, package_path):
            app = Flask(package_name)
            register_blueprints(app, package_name, package_path)
            return app
      `,
      'site_app/helpers.py': `
        import importlib
        import pkgutil
        from flask import Blueprint
        def register_blueprints(app, package_name, package_path):
            for _, name, _ in pkgutil.iter_modules(package_path):
                m = importlib.import_module("%s.%s" % (package_name, name))
                for item in dir(m):
                    item = getattr(m, item)
                    if isinstance(item, Blueprint):
                        app.register_blueprint(item)
      `,
      'site_app/api/__init__.py': `
        from .. import factory
        def create_app():
            return factory.create_app(__name__, __path__)
      `,
      'site_app/api/users.py': `
        from flask import Blueprint
        bp = Blueprint("users", __name__, url_prefix="/users")
        @bp.route("/")
        def list_users():
            return "[]"
      `,
      'site_app/frontend/__init__.py': `
        from .. import factory
        def create_app():
            return factory.create_app(__name__, __path__)
      `,
      'site_app/frontend/dashboard.py': `
        from flask import Blueprint
        bp = Blueprint("dashboard", __name__)
        @bp.route("/")
        def index():
            return "home"
      `,
    };
    const a = await analyzeFiles(files);
    expect(urls(a)).toEqual([
      'GET / site_app/frontend/dashboard.py:3',
      'GET /api/users/ site_app/api/users.py:3',
    ]);
    const served = runPython(files, [
      'from werkzeug.test import Client',
      'import wsgi',
      'c = Client(wsgi.application)',
      'print([c.get(u).status_code for u in ("/", "/api/users/", "/users/", "/api/")])',
    ]);
    expect(served).toBe('[200, 200, 404, 404]');
  });
});
