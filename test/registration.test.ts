import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/pipeline.js';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path file:start state [mechanisms]`, in report order. */
function rows(a: Analysis): string[] {
  return a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.location.file}:${r.location.startLine} ${r.auth.state}` +
      (r.auth.mechanisms.length ? ` [${r.auth.mechanisms.join('; ')}]` : ''),
  );
}

describe('registration helpers', () => {
  it('follows each (rule, view) of a table through a helper that wraps views and calls add_url_rule', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask.views import MethodView
        from flask_login import login_required
        from registry import register_views, register_classes
        import views
        app = Flask(__name__)
        bp = Blueprint('admin', __name__, url_prefix='/admin')
        class Users(MethodView):
            decorators = [login_required]
            def get(self):
                return ''
            def post(self):
                return ''
        class Health(MethodView):
            def get(self):
                return ''
        register_views(bp, [('/stats', views.stats), ('/export', views.export)], decorators=[login_required])
        register_views(app, [('/about', views.about)])
        register_classes(bp, (('/users', Users), ('/health', Health)))
        app.register_blueprint(bp)
      `,
      'registry.py': `
        def register_views(target, table, decorators=()):
            for rule, view in table:
                for decorator in decorators:
                    view = decorator(view)
                target.add_url_rule(rule, view_func=view, methods=['GET', 'POST'])
        def register_classes(target, table):
            for rule, cls in table:
                target.add_url_rule(rule, view_func=cls.as_view(cls.__name__.lower()))
      `,
      'views.py': `
        def stats():
            return ''
        def export():
            return ''
        def about():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin/users app.py:10 protected [Users decorators: login_required]',
      'POST /admin/users app.py:12 protected [Users decorators: login_required]',
      'GET /admin/health app.py:15 public',
      'GET,POST /admin/stats views.py:1 protected [login_required]',
      'GET,POST /admin/export views.py:3 protected [login_required]',
      'GET,POST /about views.py:5 unprotected',
    ]);
  });

  it('keeps the methods a helper forwards through **options or reads from its table, and wrappers with options', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from functools import wraps
        from flask import Flask, abort, session
        from flask_login import login_required
        app = Flask(__name__)
        def create():
            return ''
        def replace():
            return ''
        def remove():
            return ''
        def register(target, rule, view, **options):
            target.add_url_rule(rule, view_func=login_required(view), **options)
        def register_all(target, table):
            for rule, view, methods in table:
                target.add_url_rule(rule, view_func=view, methods=methods)
        def guarded(view, message='sign in'):
            @wraps(view)
            def wrapper(*args, **kwargs):
                if not session.get('user_id'):
                    abort(401, message)
                return view(*args, **kwargs)
            return wrapper
        app.add_url_rule('/archive', view_func=guarded(remove, message='no'), methods=['POST'])
        register(app, '/create', create, methods=['POST'])
        register_all(app, [('/replace', replace, ['PUT']), ('/remove', remove, ('GET', 'DELETE'))])
      `,
    });
    expect(rows(a)).toEqual([
      'POST /create app.py:5 protected [login_required]',
      'PUT /replace app.py:7 unprotected',
      'POST /archive app.py:9 protected [guarded]',
      'DELETE,GET /remove app.py:9 unprotected',
    ]);
  });

  it('applies the decorators a helper wraps around Cls.as_view(...) to every method of the class', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask.views import MethodView
        from flask_login import login_required
        app = Flask(__name__)
        class Users(MethodView):
            def get(self):
                return ''
            def delete(self):
                return ''
        class Items(MethodView):
            def get(self):
                return str(ITEMS)
        def register_api(target, cls, rule, decorators=()):
            view = cls.as_view(cls.__name__.lower())
            for decorator in decorators:
                view = decorator(view)
            target.add_url_rule(rule, view_func=view)
        register_api(app, Users, '/users', decorators=[login_required])
        register_api(app, Items, '/items')
        ITEMS = []
      `,
    });
    expect(rows(a)).toEqual([
      'GET /users app.py:6 protected [login_required]',
      'DELETE /users app.py:8 protected [login_required]',
      'GET /items app.py:11 unprotected',
    ]);
  });

  it('follows Cls.as_view(...) handed to a helper as its view parameter, with the class decorators and methods', async () => {
    // The shape of flaskbb's `register_view(bp, routes=[...], view_func=Cls.as_view(...))`.
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask.views import MethodView
        from flask_login import login_required
        from helpers import register_view
        app = Flask(__name__)
        ITEMS = {}
        class DeleteItem(MethodView):
            decorators = [login_required]
            def post(self, i):
                return str(ITEMS.pop(i))
        class DeleteOpen(MethodView):
            def post(self, i):
                return str(ITEMS.pop(i))
        bp = Blueprint("forum", __name__)
        register_view(bp, routes=["/item/<int:i>/delete", "/item/delete"], view_func=DeleteItem.as_view("delete_item"))
        register_view(bp, routes=["/open/<int:i>/delete"], view_func=DeleteOpen.as_view("delete_open"))
        app.register_blueprint(bp, url_prefix="/forum")
        from once import register_once
        register_once(app, ["/once"], DeleteOpen.as_view("once"))
      `,
      'once.py': `
        def register_once(target, routes, view):
            for route in routes:
                target.add_url_rule(route, view_func=view)
      `,
      'helpers.py': `
        def register_view(bp_or_app, routes, view_func, *args, **kwargs):
            for route in routes:
                bp_or_app.add_url_rule(route, view_func=view_func, *args, **kwargs)
      `,
    });
    expect(rows(a)).toEqual([
      'POST /forum/item/<int:i>/delete app.py:9 protected [DeleteItem decorators: login_required]',
      'POST /forum/item/delete app.py:9 protected [DeleteItem decorators: login_required]',
      'POST /forum/open/<int:i>/delete app.py:12 unprotected',
      'POST /once app.py:12 unprotected',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toContain(
      'missing-authentication high /forum/open/<int:i>/delete',
    );
  });

  it('hands a helper every rule its *rules parameter collects, and its keyword-only options their defaults', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from helpers import register
        app = Flask(__name__)
        bp = Blueprint("files", __name__, url_prefix="/files")
        def upload():
            return ""
        register(bp, upload, "/new", "/upload", "/put")
        app.register_blueprint(bp)
      `,
      'helpers.py': `
        def register(target, view, *rules: str, methods=("POST",)):
            for rule in rules:
                target.add_url_rule(rule, view_func=view, methods=methods)
      `,
    });
    expect(rows(a)).toEqual([
      'POST /files/new app.py:5 unprotected',
      'POST /files/put app.py:5 unprotected',
      'POST /files/upload app.py:5 unprotected',
    ]);
  });

  it('binds an Api made in a helper to the blueprint of each call of the helper', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask_restful import Api, Resource
        app = Flask(__name__)
        public = Blueprint('public', __name__, url_prefix='/public')
        admin = Blueprint('admin', __name__, url_prefix='/admin')
        class Item(Resource):
            def get(self):
                return ''
        def log(message):
            print(message)
        def bind(bp):
            api = Api(bp)
            api.add_resource(Item, '/item')
        log('binding')
        log('bound')
        bind(public)
        bind(admin)
        app.register_blueprint(public)
        app.register_blueprint(admin)
      `,
    });
    expect(a.routes.map((r) => `${r.methods.join(',')} ${r.path}`).sort()).toEqual([
      'GET /admin/item',
      'GET /public/item',
    ]);
  });

  it('keeps every rule of a 200-entry registration table on its own view', async () => {
    const count = 200;
    const defs = Array.from({ length: count }, (_, i) => `def view_${i}():\n    return ''\n`).join('');
    const table = Array.from({ length: count }, (_, i) => `    ('/item/${i}', view_${i}),\n`).join('');
    const a = await analyzeFiles({
      'app.py': `from flask import Flask\napp = Flask(__name__)\n${defs}ROUTES = [\n${table}]\nfor rule, view in ROUTES:\n    app.add_url_rule(rule, view_func=view)\n`,
    });
    expect(a.routes.map((r) => `${r.path} ${r.location.startLine}`)).toEqual(
      Array.from({ length: count }, (_, i) => `/item/${i} ${3 + 2 * i}`),
    );
  });

  it('sees routes declared through a project decorator factory that wraps bp.route and adds guards', async () => {
    const a = await analyzeFiles({
      'shop/__init__.py': `
        from functools import wraps
        from flask import Flask, jsonify
        from flask_login import login_required
        def create_app():
            app = Flask(__name__)
            from .stores import bp
            app.register_blueprint(bp, url_prefix='/api/stores')
            return app
        def route(bp, *args, **kwargs):
            kwargs.setdefault('strict_slashes', False)
            def decorator(f):
                @bp.route(*args, **kwargs)
                @login_required
                @wraps(f)
                def wrapper(*args, **kwargs):
                    return jsonify(f(*args, **kwargs))
                return f
            return decorator
        def public_route(bp, rule, **options):
            def decorator(f):
                bp.add_url_rule(rule, view_func=f, **options)
                return f
            return decorator
      `,
      'shop/stores.py': `
        from flask import Blueprint
        from . import route, public_route
        bp = Blueprint('stores', __name__)
        @route(bp, '/')
        def index():
            return []
        @route(bp, '/<store_id>', methods=['PUT', 'DELETE'])
        def change(store_id):
            return {}
        @public_route(bp, '/open', methods=['GET'])
        def opening_hours():
            return dict(HOURS)
        HOURS = {}
      `,
    });
    expect(rows(a)).toEqual([
      'GET /api/stores/ shop/stores.py:4 protected [login_required]',
      'DELETE,PUT /api/stores/<store_id> shop/stores.py:7 protected [login_required]',
      'GET /api/stores/open shop/stores.py:10 unprotected',
    ]);
  });
});

describe('resource APIs registered by a class decorator', () => {
  it('applies decorators assigned to an Api after it is made to every resource it registers', async () => {
    // Flask-RESTful reads `api.decorators` when it registers the resources on the app, after module code ran.
    const a = await analyzeFiles({
      'api.py': `
        from flask import Flask, Blueprint
        from flask_login import login_required
        from flask_restful import Api, Resource
        app = Flask(__name__)
        bp = Blueprint("api", __name__)
        api = Api()
        api.init_app(bp)
        api.decorators = [login_required]
        class Repo(Resource):
            def get(self, name):
                return {}
        api.add_resource(Repo, "/repo/<name>")
        app.register_blueprint(bp, url_prefix="/api")
      `,
    });
    expect(rows(a)).toEqual(['GET /api/repo/<name> api.py:10 protected [api decorators: login_required]']);
  });

  it('names a class decorator whose registration it cannot follow, rather than dropping its routes', async () => {
    const a = await analyzeFiles({
      'api.py': `
        from flask import Flask
        from flask_restful import Resource
        from plugins import registry
        app = Flask(__name__)
        def resource(*urls):
            def wrapper(cls):
                registry["api"].add_resource(cls, *urls)
                return cls
            return wrapper
        @resource("/repo/<name>")
        class Repo(Resource):
            def get(self, name):
                return {}
      `,
    });
    expect(a.routes).toEqual([]);
    expect(a.notices).toEqual([
      {
        file: 'api.py',
        message:
          'line 10: `@resource("/repo/<name>")` on the class `Repo` calls `registry["api"].add_resource(...)`, on `registry["api"]`, which the model cannot resolve to a Flask-RESTful or flask-restx Api; its routes are missing from the report.',
      },
    ]);
  });
  it('names resources added to an Api that is bound to no app or blueprint it can see', async () => {
    // `api.init_app(app)` runs in code outside the tree (an installed package's factory): the resources are served,
    // but at URLs the model cannot know.
    const a = await analyzeFiles({
      'api.py': `
        from flask import Flask
        from flask_restful import Api, Resource
        app = Flask(__name__)
        api = Api()
        class Repo(Resource):
            def get(self, name):
                return {}
        api.add_resource(Repo, "/repo/<name>")
      `,
    });
    expect(a.routes).toEqual([]);
    expect(a.notices).toEqual([
      {
        file: 'api.py',
        message:
          'line 8: `api.add_resource(...)`, on an Api the model cannot bind to a Flask app or blueprint (no `Api(app)` or `init_app(app)` it can follow); its routes are missing from the report.',
      },
    ]);
  });
});

describe('registrations on an app the model cannot see', () => {
  it('keeps the url_prefix of a blueprint registered on an app handed in by a plugin hook', async () => {
    // flaskbb's pluggy hook: `def flaskbb_load_blueprints(app): app.register_blueprint(auth, url_prefix=…)`, called
    // by the plugin manager, never by code the model can follow.
    const a = await analyzeFiles({
      'auth.py': `
        from flask import Blueprint
        auth = Blueprint("auth", __name__)
        @auth.route("/login")
        def login():
            return ''
        def load_blueprints(app):
            app.register_blueprint(auth, url_prefix=app.config["AUTH_URL_PREFIX"])
      `,
      'forum.py': `
        from flask import Blueprint
        forum = Blueprint("forum", __name__)
        @forum.route("/topics")
        def topics():
            return ''
        def load_blueprints(app):
            app.register_blueprint(forum, url_prefix="/forum")
      `,
    });
    expect(rows(a).map((r) => r.replace(/ \S+\.py:\d+ .*/, ''))).toEqual([
      'GET <config:AUTH_URL_PREFIX>/login',
      'GET /forum/topics',
    ]);
  });
});

describe('rules built in code', () => {
  it('evaluates concatenation, f-strings, format, % and helpers returning a rule over constants', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from settings import API_VERSION, BASE
        from rules import org_scoped_rule
        app = Flask(__name__)
        v1 = Blueprint('v1', __name__)
        @v1.route('/keys')
        def keys():
            return ''
        @app.route("/api/" + str(API_VERSION) + "/ping")
        def ping():
            return ''
        @app.route(f"{BASE}/v{API_VERSION}/status")
        def status():
            return ''
        @app.route("{}/items/<int:item_id>".format(BASE))
        def item(item_id):
            return ''
        @app.route("%s/orders" % BASE)
        def orders():
            return ''
        @app.route(org_scoped_rule("/login"), methods=["GET", "POST"])
        def login():
            return ''
        for name in ['red', 'green']:
            app.add_url_rule('/colours/' + name, 'colour_' + name, ping)
        app.register_blueprint(v1, url_prefix=f"/api/{API_VERSION}")
      `,
      'settings.py': `
        API_VERSION = 1
        BASE = '/shop'
        MULTI_ORG = False
      `,
      'rules.py': `
        import settings
        def org_scoped_rule(rule):
            if settings.MULTI_ORG:
                return "/<org_slug>{}".format(rule)
            return rule
      `,
    });
    expect(rows(a).map((r) => r.replace(/ app\.py:\d+ .*/, ''))).toEqual([
      'GET /api/1/keys',
      'GET /api/1/ping',
      'GET /colours/green',
      'GET /colours/red',
      'GET /shop/v1/status',
      'GET /shop/items/<int:item_id>',
      'GET /shop/orders',
      'GET,POST /login',
    ]);
  });

  it('resolves prefixes passed through functools.partial, call-form routes, and run-time prefixes as placeholders', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import os
        from functools import partial
        from flask import Flask, Blueprint
        app = Flask(__name__)
        admin = Blueprint('admin', __name__)
        reports = Blueprint('reports', __name__)
        hooks = Blueprint('hooks', __name__)
        def dashboard():
            return str(STATS)
        def daily():
            return str(STATS)
        def receive():
            return STATS.append(1)
        def version():
            return str(STATS)
        admin.route('/dashboard')(dashboard)
        reports.add_url_rule('/daily', view_func=daily)
        hooks.route('/receive', methods=['POST'])(receive)
        app.route('/' + os.environ.get('VERSION_PATH', 'version'))(version)
        register = partial(app.register_blueprint, url_prefix='/admin')
        register(admin)
        PREFIX = app.config['REPORTS_PREFIX']
        app.register_blueprint(reports, url_prefix=PREFIX)
        app.register_blueprint(hooks, url_prefix=app.config.get('HOOKS_PREFIX', '/hooks'))
        STATS = []
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin/dashboard app.py:8 unprotected',
      'GET <config:REPORTS_PREFIX>/daily app.py:10 unprotected',
      'POST <config:HOOKS_PREFIX>/receive app.py:12 unprotected',
      'GET /<env:VERSION_PATH> app.py:14 unprotected',
    ]);
  });

  it("gives a class view's own head and options handlers their routes", async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask.views import MethodView
        app = Flask(__name__)
        class Results(MethodView):
            def get(self):
                return str(RESULTS)
            def head(self):
                return str(len(RESULTS))
            def options(self):
                return ''
        app.add_url_rule('/results', view_func=Results.as_view('results'))
        RESULTS = []
      `,
    });
    expect(rows(a)).toEqual([
      'GET /results app.py:5 unprotected',
      'HEAD /results app.py:7 unprotected',
      'OPTIONS /results app.py:9 public',
    ]);
  });
});

describe('markers set on a view after its definition', () => {
  it('lets a view marked `view.is_public = True` through the hook that honours the marker, and no other', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import flask
        import flask_login
        from flask import Flask, jsonify
        app = Flask(__name__)
        login_manager = flask_login.LoginManager(app)
        @app.before_request
        def default_login_required():
            view = app.view_functions.get(flask.request.endpoint)
            if flask_login.current_user.is_anonymous and not getattr(view, "is_public", False):
                flask.abort(401)
        @app.route("/status")
        def status():
            return jsonify({"ok": True})
        status.is_public = True
        @app.route("/me")
        def me():
            return jsonify({})
        def health():
            return jsonify({})
        health.is_public = True
        app.add_url_rule("/health", view_func=health)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /status app.py:11 public',
      'GET /me app.py:15 protected [before_request default_login_required]',
      'GET /health app.py:18 public',
    ]);
  });
});

describe('methods reached through an object the model cannot resolve', () => {
  const auth = (other: string): Record<string, string> => ({
    'app.py': `
      from flask import Flask, Blueprint
      from flask_login import login_required
      from methods import BaseAuth
      import email_auth
      import other
      def create_blueprint():
          return Blueprint("mfa", __name__, url_prefix="/mfa")
      def init_app(app, names):
          bp = create_blueprint()
          for name in names:
              method = BaseAuth.registry[name]()
              method.register_url_endpoints(bp)
          app.register_blueprint(bp)
      app = Flask(__name__)
      init_app(app, ["email"])
    `,
    'methods.py': `
      class BaseAuth:
          registry = {}
          def __init_subclass__(cls, **kwargs):
              BaseAuth.registry[cls.name] = cls
          def register_url_endpoints(self, blueprint):
              pass
    `,
    'email_auth.py': `
      from flask_login import login_required
      from methods import BaseAuth
      @login_required
      def send_code():
          return "sent"
      class EmailAuth(BaseAuth):
          name = "email"
          def register_url_endpoints(self, blueprint):
              blueprint.add_url_rule("/send_code", "send_code", send_code, methods=("POST",))
    `,
    'other.py': other,
  });

  it("gives an override the arguments of its name's calls on an object handed out by a registry, within one family", async () => {
    // pgadmin's MFA methods: `MultiFactorAuthRegistry.get(name).register_url_endpoints(blueprint)`.
    const a = await analyzeFiles(auth(''));
    expect(rows(a)).toEqual(['POST /mfa/send_code email_auth.py:3 protected [login_required]']);
    expect(a.notices).toEqual([]);
    // A class outside that family defining the name: the object may be of either, and the notice stays.
    const mixed = await analyzeFiles(
      auth(`
        from flask import Blueprint
        class Widget:
            def register_url_endpoints(self, blueprint):
                pass
      `),
    );
    expect(rows(mixed)).toEqual([]);
    expect(mixed.notices).toEqual([
      {
        file: 'email_auth.py',
        message:
          'line 9: `blueprint.add_url_rule(...)`, on `blueprint`, which the model cannot resolve to a Flask app or blueprint; its routes are missing from the report.',
      },
    ]);
  });
});
