import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/pipeline.js';
import { analyzeFiles, routeTable } from './helpers/analyze.js';

/** `METHODS path endpoint file:start-end state [mechanisms]`, in report order. */
function rows(a: Analysis): string[] {
  return a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.endpoint} ${r.location.file}:${r.location.startLine}-${r.location.endLine} ${r.auth.state}` +
      (r.auth.mechanisms.length ? ` [${r.auth.mechanisms.join('; ')}]` : ''),
  );
}

describe('routes and prefixes', () => {
  it('resolves a factory, blueprints across modules, registration prefixes and nested blueprints', async () => {
    const a = await analyzeFiles({
      'shop/__init__.py': `
        from flask import Flask
        from .catalog import bp as catalog_bp
        from . import orders
        from .admin import admin
        def create_app():
            app = Flask(__name__)
            app.register_blueprint(catalog_bp, url_prefix='/api/catalog')
            app.register_blueprint(orders.bp)
            app.register_blueprint(admin, url_prefix='/admin/')
            return app
      `,
      'shop/catalog.py': `
        from flask import Blueprint
        bp = Blueprint('catalog', __name__, url_prefix='/overridden')
        @bp.get('/products/<int:pid>')
        def product(pid):
            return {}
        @bp.route('', methods=['post', 'HEAD', 'OPTIONS'])
        def add_product():
            return {}
      `,
      'shop/orders.py': `
        from flask import Blueprint
        bp = Blueprint('orders', __name__, url_prefix='/api/orders/')
        @bp.route('/<uuid:oid>', methods=('GET', 'PATCH'))
        def order(oid):
            return {}
      `,
      'shop/admin/__init__.py': `
        from flask import Blueprint
        from .reports import reports
        admin = Blueprint('admin', __name__)
        admin.register_blueprint(reports, url_prefix='/reports')
      `,
      'shop/admin/reports.py': `
        from flask import Blueprint
        reports = Blueprint('reports', __name__)
        @reports.route('/daily')
        def daily():
            return {}
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin/reports/daily admin.reports.daily shop/admin/reports.py:3-5 public',
      'GET /api/catalog/products/<int:pid> catalog.product shop/catalog.py:3-5 public',
      'POST /api/catalog catalog.add_product shop/catalog.py:6-8 unprotected',
      'GET,PATCH /api/orders/<uuid:oid> orders.order shop/orders.py:3-5 unprotected',
    ]);
  });

  it('finds routes declared inside functions, add_url_rule, class views and loops over blueprints', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask.views import MethodView, View
        from views import register_routes, ping
        app = Flask(__name__)
        a = Blueprint('a', __name__, url_prefix='/a')
        b = Blueprint('b', __name__, url_prefix='/b')
        @a.route('/x')
        def ax():
            return ''
        @b.route('/y')
        def by():
            return ''
        for blueprint in (a, b):
            app.register_blueprint(blueprint)
        register_routes(app)
        app.add_url_rule('/ping', 'ping', ping)
        class Counter(MethodView):
            def get(self):
                return ''
            def delete(self):
                return ''
        class Page(View):
            methods = ['GET', 'POST']
            def dispatch_request(self):
                return ''
        app.add_url_rule('/counter', view_func=Counter.as_view('counter'))
        app.add_url_rule('/page', view_func=Page.as_view('page'))
      `,
      'views.py': `
        def register_routes(app):
            @app.route('/inner')
            def inner():
                return ''
        def ping():
            return 'pong'
      `,
    });
    expect(rows(a)).toEqual([
      'GET /a/x a.ax app.py:7-9 public',
      'GET /b/y b.by app.py:10-12 public',
      'GET /counter counter app.py:18-19 public',
      'DELETE /counter counter app.py:20-21 unprotected',
      'GET /page page app.py:24-25 public',
      'POST /page page app.py:24-25 unprotected',
      'GET /inner inner views.py:2-4 public',
      'GET /ping ping views.py:5-6 public',
    ]);
  });

  it('evaluates a registration helper once per call, with its arguments and defaults', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask.views import MethodView
        from flask_jwt_extended import jwt_required
        app = Flask(__name__)
        class UserAPI(MethodView):
            decorators = [jwt_required()]
            def get(self, user_id):
                return ''
            def post(self):
                return ''
        class GroupAPI(MethodView):
            def get(self, group_id):
                return ''
        def register_api(view, endpoint, url, pk='id', pk_type='int'):
            view_func = view.as_view(endpoint)
            app.add_url_rule(url, defaults={pk: None}, view_func=view_func, methods=['GET'])
            app.add_url_rule(url, view_func=view_func, methods=['POST'])
            app.add_url_rule(f'{url}<{pk_type}:{pk}>', view_func=view_func, methods=['GET', 'PUT', 'DELETE'])
        register_api(UserAPI, 'user_api', '/users/', pk='user_id')
        register_api(GroupAPI, 'group_api', '/groups/', pk='group_id')
      `,
    });
    expect(rows(a)).toEqual([
      'GET /users/ user_api app.py:7-8 protected [UserAPI decorators: jwt_required()]',
      'GET /users/<int:user_id> user_api app.py:7-8 protected [UserAPI decorators: jwt_required()]',
      'POST /users/ user_api app.py:9-10 protected [UserAPI decorators: jwt_required()]',
      'GET /groups/ group_api app.py:12-13 public',
      'GET /groups/<int:group_id> group_api app.py:12-13 public',
    ]);
  });

  it('builds Flask-RESTful and flask-restx paths from Api prefixes and namespaces', async () => {
    const a = await analyzeFiles({
      'api.py': `
        from flask import Flask, Blueprint
        from flask_restful import Api, Resource
        from flask_restx import Api as XApi, Namespace, Resource as XResource
        app = Flask(__name__)
        v1 = Blueprint('v1', __name__, url_prefix='/v1')
        api = Api(v1, prefix='/api')
        class Book(Resource):
            def get(self, book_id):
                return {}
            def put(self, book_id):
                return {}
        api.add_resource(Book, '/books/<int:book_id>', '/b/<int:book_id>')
        app.register_blueprint(v1)
        xapi = XApi(app, prefix='/x')
        ns = Namespace('shelves', path='/shelves')
        @ns.route('/<int:shelf_id>')
        class Shelf(XResource):
            def delete(self, shelf_id):
                return {}
        xapi.add_namespace(ns)
        other = Namespace('racks')
        @other.route('/')
        class Racks(XResource):
            def get(self):
                return []
        xapi.add_namespace(other, path='/storage/racks')
      `,
    });
    expect(rows(a)).toEqual([
      'GET /v1/api/b/<int:book_id> v1.book api.py:8-9 public',
      'GET /v1/api/books/<int:book_id> v1.book api.py:8-9 public',
      'PUT /v1/api/b/<int:book_id> v1.book api.py:10-11 unprotected',
      'PUT /v1/api/books/<int:book_id> v1.book api.py:10-11 unprotected',
      'DELETE /x/shelves/<int:shelf_id> shelf api.py:18-19 unprotected',
      'GET /x/storage/racks/ racks api.py:24-25 public',
    ]);
  });

  it('ignores what is not Flask: FastAPI routers and home-made objects with a route method', async () => {
    const a = await analyzeFiles({
      'svc.py': `
        from fastapi import APIRouter
        router = APIRouter()
        @router.get('/users')
        def users():
            return []
        class Registry:
            def route(self, path):
                return lambda f: f
        registry = Registry()
        @registry.route('/admin')
        def admin():
            return 1
      `,
    });
    expect(a.routes).toEqual([]);
    expect(a.findings).toEqual([]);
  });
});

describe('authentication per route', () => {
  it('recognises library decorators called, bare, aliased and stored in variables', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        import flask_login
        from flask_jwt_extended import jwt_required as auth, JWTManager
        from flask_httpauth import HTTPTokenAuth, HTTPBasicAuth
        from flask_login import login_required
        app = Flask(__name__)
        tokens = HTTPTokenAuth('Bearer')
        basic = HTTPBasicAuth()
        guard = auth()
        @app.get('/a')
        @auth()
        def a():
            return ''
        @app.get('/b')
        @guard
        def b():
            return ''
        @app.get('/c')
        @tokens.login_required
        def c():
            return ''
        @app.get('/d')
        @basic.login_required()
        def d():
            return ''
        @app.get('/e')
        @flask_login.login_required
        def e():
            return ''
        @app.get('/f')
        @login_required
        def f():
            return ''
        @app.get('/g')
        @auth(optional=True)
        def g():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'GET /a a app.py:10-13 protected [auth()]',
      'GET /b b app.py:14-17 protected [guard]',
      'GET /c c app.py:18-21 protected [tokens.login_required]',
      'GET /d d app.py:22-25 protected [basic.login_required()]',
      'GET /e e app.py:26-29 protected [flask_login.login_required]',
      'GET /f f app.py:30-33 protected [login_required]',
      'GET /g g app.py:34-37 unprotected [auth(optional=True) (optional)]',
    ]);
    expect(a.routes.at(-1)?.auth.optional).toBe(true);
  });

  it('knows every decorator family of the specification', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_jwt_extended import jwt_optional, fresh_jwt_required, jwt_refresh_token_required
        from flask_jwt import jwt_required as old_jwt_required
        from flask_security import auth_required, roles_accepted, permissions_required, auth_token_required
        import flask_praetorian
        from authlib.integrations.flask_oauth2 import ResourceProtector
        from flask_oidc import OpenIDConnect
        from flask_appbuilder.security.decorators import has_access_api, protect
        from flask_httpauth import MultiAuth, HTTPBasicAuth, HTTPTokenAuth
        app = Flask(__name__)
        require_oauth = ResourceProtector()
        oidc = OpenIDConnect(app)
        multi = MultiAuth(HTTPBasicAuth(), HTTPTokenAuth())
        @app.get('/a')
        @jwt_optional
        def a(): return ''
        @app.get('/b')
        @fresh_jwt_required
        def b(): return ''
        @app.post('/c')
        @jwt_refresh_token_required
        def c(): return ''
        @app.get('/d')
        @old_jwt_required()
        def d(): return ''
        @app.get('/e')
        @auth_required('token', 'session')
        def e(): return ''
        @app.get('/f')
        @roles_accepted('admin', 'editor')
        def f(): return ''
        @app.get('/g')
        @permissions_required('read')
        def g(): return ''
        @app.get('/h')
        @auth_token_required
        def h(): return ''
        @app.get('/i')
        @flask_praetorian.auth_required
        def i(): return ''
        @app.get('/j')
        @flask_praetorian.auth_accepted
        def j(): return ''
        @app.get('/k')
        @require_oauth('profile')
        def k(): return ''
        @app.get('/l')
        @oidc.accept_token()
        def l(): return ''
        @app.get('/m')
        @oidc.accept_token(require_token=True)
        def m(): return ''
        @app.get('/n')
        @oidc.require_login
        def n(): return ''
        @app.get('/o')
        @has_access_api
        def o(): return ''
        @app.get('/p')
        @protect()
        def p(): return ''
        @app.get('/q')
        @multi.login_required
        def q(): return ''
      `,
    });
    expect(a.routes.map((r) => `${r.path} ${r.auth.state}${r.auth.optional ? ' optional' : ''}`)).toEqual([
      '/a unprotected optional',
      '/b protected',
      '/c protected',
      '/d protected',
      '/e protected',
      '/f protected',
      '/g protected',
      '/h protected',
      '/i protected',
      '/j unprotected optional',
      '/k protected',
      '/l unprotected optional',
      '/m protected',
      '/n protected',
      '/o protected',
      '/p protected',
      '/q protected',
    ]);
  });

  it('follows re-exports through __init__.py and module attributes', async () => {
    const a = await analyzeFiles({
      'svc/__init__.py': `
        from flask import Flask
        from svc.api import blueprint
        from svc import security
        app = Flask(__name__)
        app.register_blueprint(blueprint, url_prefix='/api')
      `,
      'svc/api/__init__.py': `
        from .views import bp as blueprint
      `,
      'svc/api/views.py': `
        from flask import Blueprint
        from ..security import guards
        bp = Blueprint('api', __name__)
        @bp.get('/me')
        @guards.token_required
        def me():
            return ''
      `,
      'svc/security/__init__.py': '',
      'svc/security/guards.py': `
        from functools import wraps
        from flask import request, abort
        from .keys import key_is_valid
        def token_required(f):
            @wraps(f)
            def inner(*a, **k):
                if not request.authorization or not key_is_valid(request.authorization.token):
                    abort(401)
                return f(*a, **k)
            return inner
      `,
    });
    expect(rows(a)).toEqual(['GET /api/me api.me svc/api/views.py:4-7 protected [guards.token_required]']);
  });

  it('applies class decorators, inherited method_decorators, per-method dicts and Api decorators', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask.views import MethodView
        from flask_restful import Api, Resource
        from flask_jwt_extended import jwt_required
        app = Flask(__name__)
        class Secured(Resource):
            method_decorators = [jwt_required()]
        class Wallet(Secured):
            def get(self):
                return {}
        class Feed(Resource):
            method_decorators = {'post': [jwt_required()]}
            def get(self):
                return []
            def post(self):
                return {}
        class Admin(Resource):
            def get(self):
                return {}
        class Report(MethodView):
            def get(self):
                return {}
        Report.decorators = [jwt_required()]
        app.add_url_rule('/report', view_func=Report.as_view('report'))
        open_api = Api(app)
        open_api.add_resource(Wallet, '/wallet')
        open_api.add_resource(Feed, '/feed')
        guarded = Api(app, prefix='/admin', decorators=[jwt_required()])
        guarded.add_resource(Admin, '/stats')
      `,
    });
    expect(rows(a)).toEqual([
      'GET /wallet wallet app.py:9-10 protected [Secured.method_decorators: jwt_required()]',
      'GET /feed feed app.py:13-14 unprotected',
      'POST /feed feed app.py:15-16 protected [Feed.method_decorators[post]: jwt_required()]',
      'GET /admin/stats admin app.py:18-19 protected [Api decorators: jwt_required()]',
      'GET /report report app.py:21-22 protected [Report decorators: jwt_required()]',
    ]);
  });

  it('infers custom decorators from their bodies: a name alone is never protection', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from functools import wraps
        from flask import Flask, request, abort, jsonify
        import jwt
        app = Flask(__name__)
        def token_required(f):
            @wraps(f)
            def inner(*args, **kwargs):
                token = request.headers.get('Authorization')
                if not token:
                    return jsonify(message='Token is missing'), 401
                try:
                    jwt.decode(token, app.config['SECRET_KEY'], algorithms=['HS256'])
                except Exception:
                    return jsonify(message='Token is invalid'), 401
                return f(*args, **kwargs)
            return inner
        def requires_auth(f):
            @wraps(f)
            def inner(*args, **kwargs):
                print('checking', request.path)
                return f(*args, **kwargs)
            return inner
        def admin_only(f):
            @wraps(f)
            def inner(*a, **k):
                if request.headers.get('X-Api-Key') != app.config['ADMIN_KEY']:
                    abort(403)
                return f(*a, **k)
            return inner
        def only_when_present(f):
            @wraps(f)
            def inner(*a, **k):
                token = request.headers.get('Authorization')
                if token and token != 'x':
                    abort(401)
                return f(*a, **k)
            return inner
        @app.get('/a')
        @token_required
        def a():
            return ''
        @app.get('/b')
        @requires_auth
        def b():
            return ''
        @app.get('/c')
        @admin_only
        def c():
            return ''
        @app.get('/d')
        @only_when_present
        def d():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'GET /a a app.py:38-41 protected [token_required]',
      'GET /b b app.py:42-45 public',
      'GET /c c app.py:46-49 protected [admin_only]',
      'GET /d d app.py:50-53 public',
    ]);
  });

  it('applies before_request hooks of apps, blueprints and parent blueprints, honouring allow-lists', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint, request, abort, g
        from flask_jwt_extended import verify_jwt_in_request
        app = Flask(__name__)
        api = Blueprint('api', __name__, url_prefix='/api')
        child = Blueprint('child', __name__, url_prefix='/child')
        web = Blueprint('web', __name__)
        OPEN = ['api.login', 'api.docs']
        @api.before_request
        def authenticate():
            if request.endpoint in OPEN:
                return
            verify_jwt_in_request()
        def web_gate():
            if request.path.startswith('/public/'):
                return None
            if request.headers.get('Authorization') not in app.config['API_TOKENS']:
                abort(401)
        web.before_request(web_gate)
        @api.post('/login')
        def login():
            return ''
        @api.get('/projects')
        def projects():
            return ''
        @child.get('/items')
        def items():
            return ''
        @web.get('/public/about')
        def about():
            return ''
        @web.get('/account')
        def account():
            return ''
        @app.get('/other')
        def other():
            return str(OPEN)
        api.register_blueprint(child)
        app.register_blueprint(api)
        app.register_blueprint(web)
      `,
    });
    expect(rows(a)).toEqual([
      'POST /api/login api.login app.py:19-21 public',
      'GET /api/projects api.projects app.py:22-24 protected [before_request authenticate]',
      'GET /api/child/items api.child.items app.py:25-27 protected [before_request authenticate]',
      'GET /public/about web.about app.py:28-30 public',
      'GET /account web.account app.py:31-33 protected [before_request web_gate]',
      'GET /other other app.py:34-36 unprotected',
    ]);
    expect(a.routes[3]?.auth.publicReason).toBe('allow-listed by before_request web_gate');
    expect(a.findings.map((f) => `${f.ruleId} ${f.route?.path}`)).toEqual(['missing-authentication /other']);
  });

  it('understands hooks that combine an allow-list and a session check, and decorator factories', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from functools import wraps
        from flask import Flask, session, request, redirect, url_for, jsonify
        from flask_jwt_extended import verify_jwt_in_request, get_jwt
        app = Flask(__name__)
        @app.before_request
        def require_login():
            if request.endpoint not in ('login', 'static') and 'user_id' not in session:
                return redirect(url_for('login'))
        def admin_required():
            def wrapper(fn):
                @wraps(fn)
                def decorator(*args, **kwargs):
                    verify_jwt_in_request()
                    if get_jwt().get('is_admin'):
                        return fn(*args, **kwargs)
                    return jsonify(msg='Admins only'), 403
                return decorator
            return wrapper
        @app.route('/signin', methods=['GET', 'POST'], endpoint='login')
        def signin_page():
            return ''
        @app.route('/dash')
        def dash():
            return ''
        @app.route('/admin/stats')
        @admin_required()
        def stats():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'GET,POST /signin login app.py:19-21 public',
      'GET /dash dash app.py:22-24 protected [before_request require_login]',
      'GET /admin/stats stats app.py:25-28 protected [admin_required(); before_request require_login]',
    ]);
    expect(a.routes[0]?.auth.publicReason).toBe('allow-listed by before_request require_login');
    expect(a.findings).toEqual([]);
  });

  it('counts a hook that carries an auth decorator as protecting its blueprint', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask_login import login_required
        from flask_httpauth import HTTPTokenAuth
        app = Flask(__name__)
        auth = HTTPTokenAuth()
        admin = Blueprint('admin', __name__, url_prefix='/admin')
        api = Blueprint('api', __name__, url_prefix='/api')
        @admin.before_request
        @login_required
        def guard_admin():
            pass
        @api.before_request
        @auth.login_required
        def guard_api():
            pass
        @admin.get('/users')
        def users():
            return ''
        @api.delete('/items/<int:item_id>')
        def delete_item(item_id):
            return ''
        app.register_blueprint(admin)
        app.register_blueprint(api)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin/users admin.users app.py:16-18 protected [before_request guard_admin (login_required)]',
      'DELETE /api/items/<int:item_id> api.delete_item app.py:19-21 protected [before_request guard_api (auth.login_required)]',
    ]);
  });

  it('applies hooks registered anywhere in the source, after the routes too', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask.views import MethodView
        from flask_jwt_extended import verify_jwt_in_request
        app = Flask(__name__)
        bp = Blueprint('api', __name__, url_prefix='/api')
        @bp.delete('/items/<int:item_id>')
        def delete_item(item_id):
            return ''
        class Orders(MethodView):
            def get(self):
                return ''
        bp.add_url_rule('/orders', view_func=Orders.as_view('orders'))
        @bp.before_request
        def require_token():
            verify_jwt_in_request()
        app.register_blueprint(bp)
      `,
    });
    expect(a.routes.map((r) => `${r.path} ${r.auth.state}`)).toEqual([
      '/api/items/<int:item_id> protected',
      '/api/orders protected',
    ]);
  });

  it('counts a check written in the view body, and a verifier helper called from it', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, request, abort
        from flask_login import current_user
        from auth import current_account
        app = Flask(__name__)
        @app.get('/inbox')
        def inbox():
            if 'Authorization' not in request.headers:
                abort(401)
            return []
        @app.get('/profile')
        def profile():
            account = current_account()
            return account
        @app.get('/news')
        def news():
            token = request.headers.get('Authorization')
            return [token]
        @app.get('/profiles/<name>')
        def profile_page(name):
            following = False
            if current_user:
                following = current_user.follows(name)
            return {'following': following}
      `,
      'auth.py': `
        from flask import request, abort
        import jwt
        def current_account():
            header = request.headers.get('Authorization', '')
            if not header:
                abort(401)
            return jwt.decode(header, 'k', algorithms=['HS256'])
      `,
    });
    expect(rows(a)).toEqual([
      'GET /inbox inbox app.py:5-9 unprotected [credential check in the view body (not authentication)]',
      'GET /profile profile app.py:10-13 protected [credential check in the view body]',
      'GET /news news app.py:14-17 unprotected',
      'GET /profiles/<name> profile_page app.py:18-23 unprotected [identity used only when present, in the view body (optional)]',
    ]);
    expect(a.routes[3]?.auth.optional).toBe(true);
    const missing = a.findings.filter((f) => f.ruleId === 'missing-authentication');
    expect(missing.map((f) => f.route?.path)).toEqual(['/inbox', '/news']);
    // Any value of the header gets through /inbox: the finding says so.
    expect(missing[0]?.message).toContain(
      'the view body checks that a credential is present but never verifies it: any value passes',
    );
  });

  it('sees a check whatever single credential source its statement names, however it is spaced', async () => {
    // Each check names one source and nothing else the extraction looks for, so a walk skipped for a statement
    // that seemed to name none would lose it.
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, abort, g, session
        from flask_jwt import current_identity
        from flask_jwt_extended import get_jwt
        from flask_login import current_user
        app = Flask(__name__)
        @app.get('/a')
        def a():
            if not session .get('uid'):
                abort(401)
            return []
        @app.get('/b')
        def b():
            if not current_user.is_authenticated:
                abort(401)
            return []
        @app.get('/c')
        def c():
            if current_identity is None:
                abort(401)
            return []
        @app.get('/d')
        def d():
            if not g . user:
                abort(401)
            return []
        @app.get('/e')
        def e():
            if not get_jwt():
                abort(401)
            return []
        @app.get('/f')
        def f():
            if not config.get('uid'):
                abort(401)
            return []
      `,
    });
    expect(a.routes.map((r) => `${r.path} ${r.auth.state}`)).toEqual([
      '/a protected',
      '/b protected',
      '/c protected',
      '/d protected',
      '/e protected',
      '/f public',
    ]);
  });

  it('treats a guard from an unanalysed package as unknown, and reports nothing for it', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_jwt_extended import jwt_required
        from company_sso import require_scope
        app = Flask(__name__)
        @app.get('/a')
        @require_scope('read:a')
        def a():
            return ''
        @app.get('/b')
        @jwt_required()
        def b():
            return ''
      `,
    });
    expect(rows(a)[0]).toBe('GET /a a app.py:5-8 unknown [require_scope("read:a") (not analysed)]');
    expect(a.findings).toEqual([]);
  });
});

describe('frameworks built on Flask', () => {
  it('recognises APIFlask apps and blueprints with their auth_required, and flask-smorest Api prefixes', async () => {
    const a = await analyzeFiles({
      'pets.py': `
        from apiflask import APIFlask, APIBlueprint, HTTPTokenAuth
        app = APIFlask(__name__)
        auth = HTTPTokenAuth()
        bp = APIBlueprint('pets', __name__, url_prefix='/pets')
        @bp.get('/')
        def list_pets():
            return []
        @bp.post('/')
        @bp.auth_required(auth)
        def create_pet():
            return {}
        @app.delete('/pets/<int:pid>')
        @app.auth_required(auth)
        def delete_pet(pid):
            return {}
        app.register_blueprint(bp)
      `,
      'shop.py': `
        from flask import Flask
        from flask.views import MethodView
        from flask_smorest import Api, Blueprint
        app = Flask(__name__)
        api = Api()
        blp = Blueprint('orders', __name__)
        @blp.route('/')
        class Orders(MethodView):
            def post(self):
                return {}
        api.register_blueprint(blp, url_prefix='/api/orders')
        api.init_app(app)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /pets/ pets.list_pets pets.py:5-7 public',
      'POST /pets/ pets.create_pet pets.py:8-11 protected [bp.auth_required(auth)]',
      'DELETE /pets/<int:pid> delete_pet pets.py:12-15 protected [app.auth_required(auth)]',
      'POST /api/orders/ orders.Orders shop.py:9-10 unprotected',
    ]);
  });

  it("recognises APIFairy's authenticate(auth) as the auth object's login_required, optional included", async () => {
    const a = await analyzeFiles({
      'api/auth.py': `
        from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth
        basic_auth = HTTPBasicAuth()
        token_auth = HTTPTokenAuth()
        either = MultiAuth(basic_auth, token_auth)
        @token_auth.verify_token
        def verify_token(token):
            return lookup(token)
      `,
      'api/app.py': `
        from apifairy import authenticate, response
        from flask import Blueprint, Flask
        from api.auth import basic_auth, token_auth, either
        from vendor.auth import sso
        app = Flask(__name__)
        tokens = Blueprint('tokens', __name__)
        @tokens.route('/me')
        @authenticate(token_auth)
        @response(object)
        def me():
            return {}
        @tokens.route('/posts', methods=['POST'])
        @authenticate(token_auth, role='admin')
        def new_post():
            return {}
        @tokens.route('/feed')
        @authenticate(either)
        def feed():
            return {}
        @tokens.route('/posts/<int:pid>', methods=['PUT'])
        @authenticate(token_auth, optional=True)
        def edit_post(pid):
            return {}
        @tokens.route('/sso')
        @authenticate(sso)
        def via_sso():
            return {}
        app.register_blueprint(tokens, url_prefix='/api')
      `,
    });
    expect(routeTable(a)).toEqual([
      'GET /api/feed protected',
      'GET /api/me protected',
      'GET /api/sso unknown',
      'POST /api/posts protected',
      'PUT /api/posts/<int:pid> unprotected',
    ]);
    expect(a.routes.find((r) => r.path === '/api/posts/<int:pid>')?.auth.optional).toBe(true);
    expect(a.findings.map((f) => `${f.ruleId} ${f.route?.methods.join()} ${f.route?.path}`)).toEqual([
      'optional-auth-on-write PUT /api/posts/<int:pid>',
    ]);
  });

  it('registers blueprints and resources in loops over tuples, dict items and imported constants', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_restful import Api
        from bps import a, b, c, MOUNTS
        from resources import Notes, Tags
        app = Flask(__name__)
        api = Api(app)
        for bp, prefix in ((a, '/alpha'), (b, '/beta')):
            app.register_blueprint(bp, url_prefix=prefix)
        for entry in MOUNTS.items():
            app.register_blueprint(entry[1], url_prefix=entry[0])
        for resource, url in [(Notes, '/notes'), (Tags, '/tags')]:
            api.add_resource(resource, url)
      `,
      'bps.py': `
        from flask import Blueprint
        a = Blueprint('a', __name__)
        b = Blueprint('b', __name__)
        c = Blueprint('c', __name__)
        MOUNTS = {'/gamma': c}
        for bp in (a, b, c):
            @bp.get('/drafts')
            def drafts():
                return ''
      `,
      'resources.py': `
        from flask_restful import Resource
        class Notes(Resource):
            def get(self):
                return []
        class Tags(Resource):
            def get(self):
                return []
      `,
    });
    expect(routeTable(a)).toEqual([
      'GET /alpha/drafts public',
      'GET /beta/drafts public',
      'GET /gamma/drafts public',
      'GET /notes public',
      'GET /tags public',
    ]);
  });
});

describe('what looks like authentication but is not', () => {
  it('judges swallowed verification errors and presence-only checks, and keeps checks that verify or look up', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import hmac
        from functools import wraps
        from flask import Flask, request, abort, g, jsonify
        from flask_jwt_extended import verify_jwt_in_request
        from flask_jwt_extended.exceptions import NoAuthorizationError
        import jwt
        from models import ApiKey
        app = Flask(__name__)
        def soft(fn):
            @wraps(fn)
            def wrapper(*a, **k):
                try:
                    verify_jwt_in_request()
                except NoAuthorizationError:
                    pass
                except jwt.ExpiredSignatureError:
                    return jsonify(msg='expired'), 401
                return fn(*a, **k)
            return wrapper
        def bearer_present(fn):
            @wraps(fn)
            def wrapper(*a, **k):
                auth = request.headers.get('Authorization', '')
                if not auth.startswith('Bearer '):
                    abort(401)
                return fn(*a, **k)
            return wrapper
        def decoded_or_none(fn):
            @wraps(fn)
            def wrapper(*a, **k):
                token = request.headers.get('Authorization', '').replace('Bearer ', '')
                if not token:
                    abort(401)
                try:
                    g.user = jwt.decode(token, app.config['SECRET_KEY'], algorithms=['HS256'])
                except Exception:
                    g.user = None
                if g.user is None:
                    abort(401)
                return fn(*a, **k)
            return wrapper
        def key_looked_up(fn):
            @wraps(fn)
            def wrapper(*a, **k):
                key = request.headers.get('X-Api-Key')
                if not key:
                    abort(401)
                g.client = ApiKey.query.filter_by(key=key).first_or_404()
                return fn(*a, **k)
            return wrapper
        def key_compared(fn):
            @wraps(fn)
            def wrapper(*a, **k):
                key = request.headers.get('X-Api-Key', '')
                if not hmac.compare_digest(key, app.config['API_KEY']):
                    abort(403)
                return fn(*a, **k)
            return wrapper
        @app.get('/a')
        @soft
        def a():
            return ''
        @app.get('/b')
        @bearer_present
        def b():
            return ''
        @app.get('/c')
        @decoded_or_none
        def c():
            return ''
        @app.get('/d')
        @key_looked_up
        def d():
            return ''
        @app.get('/e')
        @key_compared
        def e():
            return ''
        @app.get('/f')
        def f():
            try:
                verify_jwt_in_request()
            except Exception:
                pass
            return ''
        @app.get('/g')
        def g_view():
            try:
                verify_jwt_in_request()
            except ValueError:
                pass
            return ''
      `,
    });
    expect(routeTable(a)).toEqual([
      'GET /a unprotected',
      'GET /b unprotected',
      'GET /c protected',
      'GET /d protected',
      'GET /e protected',
      'GET /f unprotected',
      'GET /g protected',
    ]);
    const messages = Object.fromEntries(a.findings.map((f) => [f.route?.path, f.message]));
    expect(messages['/a']).toContain('`soft` swallows the verification error');
    expect(messages['/b']).toContain(
      '`bearer_present` checks that a credential is present but never verifies it',
    );
    expect(messages['/f']).toContain('the view body swallows the verification error');
  });

  it('takes a verification whose recorded success only adds details as optional, and keeps a swallowed one that gates nothing', async () => {
    const a = await analyzeFiles({
      'auth.py': `
        from flask import request
        import jwt
        class AuthError(Exception):
            pass
        def check_auth_token(required_role=None):
            token = request.headers.get('Authorization')
            if not token:
                raise AuthError('missing')
            return jwt.decode(token, 'k', algorithms=['HS256'])
      `,
      'app.py': `
        from flask import Flask, jsonify
        from auth import check_auth_token, AuthError
        from models import Resolver, Item, db
        app = Flask(__name__)
        def require_auth():
            return app.config.get('REQUIRE_AUTH')
        @app.get('/resolvers')
        def resolvers():
            authenticated = False
            try:
                check_auth_token(required_role=['admin'])
                authenticated = True
            except AuthError as e:
                if require_auth() and e.args:
                    raise
                authenticated = False
            details = {r.name: 'OK' for r in Resolver.query.all()}
            result = {'status': 'OK' if all(details.values()) else 'fail'}
            if authenticated:
                result.update(details)
            return jsonify(result)
        @app.get('/resolvers/names')
        def resolver_names():
            try:
                check_auth_token(required_role=['admin'])
                admin = True
            except AuthError:
                admin = False
            if not admin:
                return jsonify(status='OK')
            return jsonify([r.name for r in Resolver.query.all()])
        @app.get('/items')
        def items():
            try:
                check_auth_token()
                authenticated = True
            except AuthError:
                authenticated = False
            return jsonify([i.name for i in Item.query.all()])
        @app.post('/items')
        def add_item():
            try:
                check_auth_token()
            except AuthError:
                pass
            db.session.add(Item())
            db.session.commit()
            return jsonify(ok=True)
      `,
    });
    const findings = Object.fromEntries(
      a.findings.map((f) => [`${f.route?.methods[0]} ${f.route?.path}`, f]),
    );
    expect(findings['GET /resolvers']).toBeUndefined();
    expect(findings['GET /resolvers/names']).toBeUndefined();
    expect(a.routes.find((r) => r.path === '/resolvers')?.auth.optional).toBe(true);
    expect(findings['GET /items']?.severity).toBe('high');
    expect(findings['GET /items']?.message).toContain('the view body swallows the verification error');
    expect(findings['POST /items']?.severity).toBe('high');
    expect(findings['POST /items']?.message).toContain('the view body swallows the verification error');
  });

  it('applies hooks that skip HTTP methods, blueprints or endpoint prefixes only to the other requests', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint, request
        from flask_jwt_extended import JWTManager, verify_jwt_in_request
        app = Flask(__name__)
        JWTManager(app)
        posts = Blueprint('posts', __name__, url_prefix='/posts')
        shop = Blueprint('shop', __name__, url_prefix='/shop')
        public_pages = Blueprint('public_pages', __name__, url_prefix='/p')
        @posts.before_request
        def writers_only():
            if request.method in ('GET', 'HEAD'):
                return
            verify_jwt_in_request()
        @posts.route('/drafts', methods=['GET', 'POST'])
        def drafts():
            return str(ITEMS)
        @app.before_request
        def gate():
            if request.method == 'OPTIONS':
                return
            if request.blueprint == 'shop' or request.blueprint == 'posts':
                return
            if request.endpoint and request.endpoint.startswith('public'):
                return
            verify_jwt_in_request()
        @shop.get('/items')
        def items():
            return str(ITEMS)
        @public_pages.get('/menu')
        def menu():
            return ''
        @app.get('/account')
        def account():
            return ''
        for bp in (posts, shop, public_pages):
            app.register_blueprint(bp)
        ITEMS = []
      `,
    });
    expect(rows(a)).toEqual([
      "GET /posts/drafts posts.drafts app.py:13-15 unprotected [before_request gate skips blueprint 'posts'; before_request writers_only skips GET requests]",
      "POST /posts/drafts posts.drafts app.py:13-15 protected [before_request writers_only; before_request gate skips blueprint 'posts']",
      "GET /shop/items shop.items app.py:25-27 unprotected [before_request gate skips blueprint 'shop']",
      'GET /p/menu public_pages.menu app.py:28-30 public',
      'GET /account account app.py:31-33 protected [before_request gate]',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.route?.methods.join()} ${f.route?.path}`)).toEqual([
      'missing-authentication GET /posts/drafts',
      'missing-authentication GET /shop/items',
    ]);
  });

  it('does not count a hook that only turns away signed-in callers (account state) as authentication', async () => {
    const app = (hook: string) =>
      analyzeFiles({
        'app.py': `
          from flask import Flask, Blueprint, abort, redirect, request, url_for
          from flask_login import LoginManager, current_user, login_required, login_user
          app = Flask(__name__)
          LoginManager(app)
          auth = Blueprint('auth', __name__)
          main = Blueprint('main', __name__)
          ${hook.trim().split('\n').join('\n          ')}
          @auth.route('/login', methods=['GET', 'POST'])
          def login():
              return login_user(None)
          @main.route('/edit-profile', methods=['GET', 'POST'])
          def edit_profile():
              current_user.name = request.form['name']
          @main.route('/secret')
          @login_required
          def secret():
              return ''
          app.register_blueprint(auth, url_prefix='/auth')
          app.register_blueprint(main)
        `,
      });
    // Flasky: unconfirmed accounts are sent to a confirmation page; anonymous callers pass straight through.
    const accountState = [
      `
      @auth.before_app_request
      def before_request():
          if current_user.is_authenticated \\
                  and not current_user.confirmed \\
                  and request.endpoint[:5] != 'auth.':
              return redirect(url_for('auth.unconfirmed'))
      `,
      `
      @auth.before_app_request
      def before_request():
          if current_user.is_authenticated() and not current_user.confirmed and request.endpoint[:5] != 'auth.':
              return redirect(url_for('auth.unconfirmed'))
      `,
      `
      @auth.before_app_request
      def before_request():
          if current_user.is_authenticated:
              current_user.ping()
              if not current_user.confirmed \\
                      and request.endpoint \\
                      and request.blueprint != 'auth' \\
                      and request.endpoint != 'static':
                  return redirect(url_for('auth.unconfirmed'))
      `,
      `
      @auth.before_app_request
      def before_request():
          if current_user.is_anonymous:
              return None
          if not current_user.confirmed:
              abort(403)
      `,
    ];
    for (const hook of accountState) {
      const a = await app(hook);
      expect(routeTable(a), hook).toEqual([
        'GET /secret protected',
        'GET,POST /auth/login public',
        'GET,POST /edit-profile unprotected',
      ]);
      expect(
        a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`),
        hook,
      ).toEqual(['missing-authentication high /edit-profile']);
    }
    // Turning away callers without an identity is authentication, whichever way it is spelt.
    for (const hook of [
      `
      @auth.before_app_request
      def before_request():
          if request.endpoint and not current_user.is_authenticated and request.blueprint != 'auth':
              return redirect(url_for('auth.login'))
      `,
      `
      @auth.before_app_request
      def before_request():
          if current_user.is_anonymous and request.blueprint != 'auth':
              abort(401)
      `,
    ]) {
      const a = await app(hook);
      expect(routeTable(a), hook).toEqual([
        'GET /secret protected',
        'GET,POST /auth/login public',
        'GET,POST /edit-profile protected',
      ]);
      expect(a.findings.map((f) => f.ruleId)).toEqual([]);
    }
  });

  it('honours LOGIN_DISABLED set unconditionally, not under a testing switch, and labels restx Namespace decorators', async () => {
    const a = await analyzeFiles({
      'web.py': `
        from flask import Flask
        from flask_login import LoginManager, login_required
        app = Flask(__name__)
        app.config.update(LOGIN_DISABLED=True)
        LoginManager(app)
        @app.get('/dashboard')
        @login_required
        def dashboard():
            return ''
      `,
      'factory.py': `
        from flask import Flask
        from flask_login import LoginManager, login_required
        from flask_restx import Api, Namespace, Resource
        from flask_jwt_extended import jwt_required
        def create_app(testing=False):
            app = Flask(__name__)
            if testing:
                app.config['LOGIN_DISABLED'] = True
            LoginManager(app)
            @app.get('/settings')
            @login_required
            def settings():
                return ''
            api = Api(app)
            ns = Namespace('things', decorators=[jwt_required()])
            @ns.route('/')
            class Things(Resource):
                def get(self):
                    return []
            api.add_namespace(ns)
            return app
      `,
    });
    expect(rows(a)).toEqual([
      'GET /settings settings factory.py:10-13 protected [login_required]',
      'GET /things/ things factory.py:18-19 protected [Namespace decorators: jwt_required()]',
      'GET /dashboard dashboard web.py:6-9 unprotected [login_required (no effect: LOGIN_DISABLED)]',
    ]);
    expect(a.findings.map((f) => f.message)).toEqual([
      '`GET /dashboard` has no effective authentication: `login_required` does nothing: `LOGIN_DISABLED = True` (web.py:4) switches Flask-Login off. Set `LOGIN_DISABLED` only in test configuration, or list the route in `public-routes` if it is public on purpose.',
    ]);
  });
});

describe('guards defined by the project around library guards', () => {
  it("follows a Namespace subclass's login_required method through a provider subclass's super() to require_oauth", async () => {
    const a = await analyzeFiles({
      'ext/oauth.py': `
        import functools
        from flask_oauthlib import provider
        class OAuth2Provider(provider.OAuth2Provider):
            def require_oauth(self, *args, **kwargs):
                origin = super(OAuth2Provider, self).require_oauth(*args, **kwargs)
                def decorator(func):
                    wrapped = origin(func)
                    @functools.wraps(wrapped)
                    def wrapper(*a, **kw):
                        return wrapped(*a, **kw)
                    return wrapper
                return decorator
        oauth2 = OAuth2Provider()
      `,
      'ext/namespace.py': `
        from flask_restx import Namespace as BaseNamespace
        from ext.oauth import oauth2
        class Namespace(BaseNamespace):
            def login_required(self, oauth_scopes):
                def decorator(func_or_class):
                    if isinstance(func_or_class, type):
                        func_or_class._apply_decorator_to_methods(decorator)
                        return func_or_class
                    protection = oauth2.require_oauth(*oauth_scopes)
                    return protection(func_or_class)
                return decorator
            def documented(self, text):
                def decorator(func):
                    func.__doc__ = text
                    return func
                return decorator
      `,
      'app.py': `
        from flask import Flask
        from flask_restx import Api, Resource
        from ext.namespace import Namespace
        app = Flask(__name__)
        api = Api(app)
        ns = Namespace('teams')
        @ns.route('/')
        @ns.login_required(oauth_scopes=['teams:read'])
        class Teams(Resource):
            def get(self):
                return []
        @ns.route('/<int:team_id>')
        class Team(Resource):
            @ns.login_required(oauth_scopes=['teams:write'])
            def patch(self, team_id):
                return {}
            @ns.documented('A team')
            def get(self, team_id):
                return {}
        api.add_namespace(ns)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /teams/ teams app.py:10-11 protected [ns.login_required(oauth_scopes=["teams:read"])]',
      'PATCH /teams/<int:team_id> team app.py:14-16 protected [ns.login_required(oauth_scopes=["teams:write"])]',
      'GET /teams/<int:team_id> team app.py:17-19 unprotected',
    ]);
  });

  it("models flask-principal's Permission.require as a decorator and as a context manager", async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_principal import Permission, RoleNeed
        app = Flask(__name__)
        admin = Permission(RoleNeed('admin'))
        @app.post('/purge')
        @admin.require(http_exception=403)
        def purge():
            return ''
        @app.delete('/users/<int:uid>')
        def drop_user(uid):
            with admin.require(403):
                return ''
        @app.put('/motd')
        def motd():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'POST /purge purge app.py:5-8 protected [admin.require(http_exception=403)]',
      'DELETE /users/<int:uid> drop_user app.py:9-12 protected [credential check in the view body]',
      'PUT /motd motd app.py:13-15 unprotected',
    ]);
  });
});

describe('hooks that authenticate nothing', () => {
  it('does not count a hook whose only rejection depends on something other than the credential', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session, abort
        app = Flask(__name__)
        def import_in_progress():
            return app.config.get('IMPORTING', False)
        def authed():
            return bool(session.get('id'))
        @app.before_request
        def tracker():
            if import_in_progress():
                return 'Import currently in progress', 403
            if authed():
                app.logger.info('seen %s', session['id'])
        @app.get('/notes')
        def notes():
            return []
      `,
      'admin.py': `
        from flask import Blueprint, session, abort
        bp = Blueprint('admin', __name__)
        @bp.before_request
        def gate():
            if bp.name == 'maintenance':
                abort(403)
            if not session.get('admin_id'):
                abort(401)
        @bp.get('/admin/stats')
        def stats():
            return {}
      `,
      'main.py': `
        from app import app
        from admin import bp
        app.register_blueprint(bp)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin/stats admin.stats admin.py:9-11 protected [before_request gate]',
      'GET /notes notes app.py:13-15 public',
    ]);
  });
  it('neither guards with nor reports as failing open a CSRF check or a hook that signs API-token callers in', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session, request, abort
        from auth import login_user, lookup_user_token
        app = Flask(__name__)
        @app.before_request
        def tokens():
            token = request.headers.get('Authorization')
            if token and request.is_json:
                try:
                    user = lookup_user_token(token.split(' ', 1)[1])
                except Exception:
                    abort(401, description='Your access token is invalid')
                else:
                    login_user(user)
        @app.before_request
        def csrf():
            if request.headers.get('Authorization'):
                return
            if not session.get('nonce'):
                session['nonce'] = 'x'
            if request.method not in ('GET', 'HEAD'):
                if session['nonce'] != request.headers.get('CSRF-Token'):
                    abort(403)
        @app.get('/scoreboard')
        def scoreboard():
            return list(SCORES)
        SCORES = []
      `,
      'auth.py': `
        from flask import session
        def login_user(user):
            session['id'] = user.id
            session['nonce'] = 'n'
        def lookup_user_token(token):
            return token
      `,
    });
    expect(rows(a)).toEqual(['GET /scoreboard scoreboard app.py:23-25 unprotected']);
    expect(a.findings.map((f) => f.ruleId)).not.toContain('auth-hook-fails-open');
  });
});

describe('credentials the view looks up itself', () => {
  it('counts a header token looked up with a database cursor, else 401, also through flask.request', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import sqlite3
        import flask
        app = flask.Flask(__name__)
        @app.post('/widget')
        def widget():
            token = flask.request.headers.get('X-Auth-Token')
            c = sqlite3.connect('db').cursor()
            c.execute("SELECT * FROM tokens WHERE token = '%s'" % str(token))
            record = c.fetchone()
            if isinstance(record, tuple):
                return {'ok': True}, 200
            else:
                return {'error': 'must provide valid token'}, 401
        @app.post('/uptime')
        def uptime():
            c = sqlite3.connect('db').cursor()
            c.execute('SELECT 1')
            if isinstance(c.fetchone(), tuple):
                return {}, 200
            return {}, 401
      `,
    });
    expect(rows(a)).toEqual([
      'POST /widget widget app.py:4-13 protected [credential check in the view body]',
      'POST /uptime uptime app.py:14-20 unprotected',
    ]);
  });

  it('does not take session keys of a sign-in flow (next URL, organisation, OAuth state) for the caller', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session, redirect, url_for
        from flask_login import login_required
        app = Flask(__name__)
        @app.get('/oauth/provider_callback')
        def authorized():
            if 'org_slug' in session:
                org = ORGS.setdefault(session.pop('org_slug'), {})
            next_path = session.get('next_url')
            if not next_path:
                next_path = '/'
            return redirect(next_path)
        @app.get('/dashboards')
        @login_required
        def dashboards():
            return []
        @app.get('/<path:path>')
        def index(path):
            return str(PAGES.get(path))
        ORGS = {}
        PAGES = {}
      `,
    });
    expect(a.findings.map((f) => `${f.route?.path} ${f.severity}`)).toEqual([
      '/oauth/provider_callback high',
      '/<path:path> high',
    ]);
  });
});

describe('rejections that send the caller elsewhere', () => {
  it('counts a redirect taken only without a signed-in user as a rejection, wherever it leads', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session, redirect, request, render_template
        app = Flask(__name__)
        def current_user():
            if "id" in session:
                return User.query.get(session["id"])
            return None
        @app.route("/create_client", methods=("GET", "POST"))
        def create_client():
            user = current_user()
            if not user:
                return redirect("/")
            return render_template("create_client.html")
        @app.route("/other")
        def other():
            if request.args.get("next"):
                return redirect("/")
            return str(CLIENTS)
        CLIENTS = []
      `,
    });
    expect(rows(a)).toEqual([
      'GET,POST /create_client create_client app.py:7-12 protected [credential check in the view body]',
      'GET /other other app.py:13-17 unprotected',
    ]);
  });
});

describe('deny by default', () => {
  it('protects every view but the exempt ones when a hook calls a guard-wrapped dummy view', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, request
        from flask_httpauth import HTTPBasicAuth
        from flask_login import login_required
        app = Flask(__name__)
        auth = HTTPBasicAuth()
        basic_dummy = auth.login_required(lambda: None)
        session_dummy = login_required(lambda: None)
        def login_exempt(f):
            f.login_exempt = True
            return f
        @app.before_request
        def default_login_required():
            if not request.endpoint or request.endpoint.rsplit(".", 1)[-1] == "static":
                return
            view = app.view_functions[request.endpoint]
            if getattr(view, "login_exempt", False):
                return
            if request.path.startswith("/api/"):
                return basic_dummy()
            return session_dummy()
        @app.get('/api/reports')
        def reports():
            return ''
        @app.get('/health')
        @login_exempt
        def health():
            return ''
      `,
    });
    expect(rows(a)).toEqual([
      'GET /api/reports reports app.py:21-23 protected [before_request default_login_required]',
      'GET /health health app.py:24-27 public',
    ]);
  });
});

describe('access-control objects with a deny-by-default hook', () => {
  it('protects what the hook guards, publishes what it grants anonymous callers and judges exempt views alone', async () => {
    const a = await analyzeFiles({
      'rbac.py': `
        import json
        from flask import Response, request, current_app
        from flask_login import current_user
        class RBAC(object):
            def __init__(self, app):
                self.rules = []
                self.exempted = []
                self.init_app(app)
            def init_app(self, app):
                app.before_request(self._authenticate)
            def allow(self, roles, methods):
                def decorator(view_func):
                    for r in roles:
                        self.rules.append((r, view_func.__name__))
                    return view_func
                return decorator
            def exempt(self, view_func):
                self.exempted.append(view_func.__name__)
                return view_func
            def _authenticate(self):
                roles = current_user.get_roles() if hasattr(current_user, 'get_roles') else ['anonymous']
                permit = self._check(roles, current_app.view_functions.get(request.endpoint))
                if not permit:
                    return self._deny_hook()
            def _check(self, roles, view):
                return any((r, view.__name__) in self.rules for r in roles) or view.__name__ in self.exempted
            def _deny_hook(self):
                if current_user.is_authenticated:
                    status = 403
                else:
                    status = 401
                return Response(json.dumps({'auth': False}), status=status)
      `,
      'app.py': `
        from flask import Flask
        from rbac import RBAC
        app = Flask(__name__)
        rbac = RBAC(app=app)
        @app.get('/api/items')
        @rbac.allow(['View'], ['GET'])
        def items():
            return []
        @app.get('/api/providers')
        @rbac.allow(['anonymous'], ['GET'])
        def providers():
            return []
        @app.post('/api/settings')
        @rbac.exempt
        def settings():
            return SETTINGS.pop('theme', {})
        SETTINGS = {}
      `,
    });
    expect(rows(a)).toEqual([
      'GET /api/items items app.py:5-8 protected [before_request _authenticate; rbac.allow(["View"], ["GET"]) (not analysed)]',
      'GET /api/providers providers app.py:9-12 public',
      'POST /api/settings settings app.py:13-16 unprotected [exempt from before_request _authenticate]',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /api/settings',
    ]);
  });
});

describe('guards applied at registration', () => {
  it('judges decorators a registration helper applies to each view (`view = d(view)`) as the guards they are', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, Blueprint
        from flask_login import login_required
        app = Flask(__name__)
        bp = Blueprint('bp', __name__)
        def report():
            return ''
        def ledger():
            return ''
        def register(bp, rules, decorators=()):
            for rule, view in rules:
                for d in decorators:
                    view = d(view)
                bp.add_url_rule(rule, view_func=view)
        register(bp, [('/one', report), ('/two', ledger)], decorators=[login_required])
        app.add_url_rule('/report', view_func=login_required(report))
        app.register_blueprint(bp, url_prefix='/bp')
      `,
    });
    expect(a.routes.map((r) => `${r.path} ${r.auth.state} ${r.auth.mechanisms.join(';')}`)).toEqual([
      '/bp/one protected login_required',
      '/report protected login_required',
      '/bp/two protected login_required',
    ]);
  });
});

describe('policy and suppression', () => {
  it('honours public-routes globs and suppression comments', async () => {
    const a = await analyzeFiles(
      {
        'app.py': `
          from flask import Flask
          from flask_jwt_extended import jwt_required
          app = Flask(__name__)
          @app.get('/private')
          @jwt_required()
          def private():
              return ''
          @app.get('/catalog/<int:item>')
          def catalog(item):
              return ''
          # tokengate: ignore[missing-authentication] served behind the partner gateway
          @app.get('/partner/feed')
          def feed():
              return str(ITEMS)
          @app.get('/users')
          def users():
              return str(ITEMS)
          ITEMS = []
        `,
      },
      { publicRoutes: ['/catalog/**'] },
    );
    expect(a.routes.map((r) => `${r.path} ${r.auth.state}`)).toEqual([
      '/private protected',
      '/catalog/<int:item> public',
      '/partner/feed unprotected',
      '/users unprotected',
    ]);
    expect(a.findings.map((f) => `${f.route?.path} ${f.suppressed ? 'suppressed' : 'active'}`)).toEqual([
      '/partner/feed suppressed',
      '/users active',
    ]);
  });

  it('gives stable fingerprints that ignore line numbers', async () => {
    const src = `
      from flask import Flask
      from flask_jwt_extended import jwt_required
      app = Flask(__name__)
      @app.get('/a')
      @jwt_required()
      def a():
          return ''
      @app.delete('/b')
      def b():
          return ''
    `;
    const first = await analyzeFiles({ 'app.py': src });
    const shifted = await analyzeFiles({
      'app.py': src.replace('app = Flask(__name__)', 'app = Flask(__name__)\n\n\n'),
    });
    expect(first.findings).toHaveLength(1);
    expect(shifted.findings[0]?.location.startLine).toBe(first.findings[0]!.location.startLine + 3);
    expect(shifted.findings[0]?.fingerprint).toBe(first.findings[0]?.fingerprint);
  });
});

describe('severity', () => {
  it('reports plain reads at medium when the realm serves other data reads to anonymous callers on purpose', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_jwt_extended import jwt_required
        from flask_sqlalchemy import SQLAlchemy
        app = Flask(__name__)
        db = SQLAlchemy(app)
        class Tag(db.Model):
            pass
        class User(db.Model):
            pass
        @app.get('/articles')
        @jwt_required(optional=True)
        def articles():
            return str(Tag.query.all())
        @app.get('/tags')
        def tags():
            return str(Tag.query.all())
        @app.get('/users/<int:uid>/emails')
        def emails(uid):
            return User.query.get(uid).email
        @app.put('/tags/<tag>')
        def rename_tag(tag):
            Tag.query.filter_by(name=tag).update({'name': 'x'})
            return ''
        @app.post('/tags/preview')
        def preview_tag():
            return ''
      `,
    });
    expect(a.findings.map((f) => `${f.route?.path} ${f.severity}`)).toEqual([
      '/tags medium',
      '/users/<int:uid>/emails high',
      '/tags/<tag> high',
      '/tags/preview low',
    ]);
  });

  it('reports a read at high when every other route of its realm is protected, whatever the app is', async () => {
    const app = (auth: string) =>
      analyzeFiles({
        'app.py': `
          from flask import Flask, render_template
          from flask_sqlalchemy import SQLAlchemy
          ${auth}
          app = Flask(__name__)
          db = SQLAlchemy(app)
          class User(db.Model):
              pass
          @app.get('/secret')
          @guard
          def secret():
              return ''
          @app.get('/user/<username>')
          def user(username):
              return render_template('user.html', user=User.query.filter_by(username=username).first())
          @app.get('/about')
          def about():
              return render_template('about.html')
        `,
      });
    const severities = (a: Analysis) => a.findings.map((f) => `${f.route?.path} ${f.severity}`);
    const web = await app(
      'from flask_login import LoginManager, login_required as guard\n          LoginManager()',
    );
    expect(severities(web)).toEqual(['/user/<username> high']);
    // `/about` is public on purpose (a template, no data): the message does not deny it.
    expect(web.findings[0]!.message).toContain(
      'while every other route of this app that is not public on purpose requires authentication',
    );
    expect(web.findings[0]!.fix).toMatch(/^Add `@guard` below the route decorator/);
    const api = await app('from flask_jwt_extended import jwt_required\n          guard = jwt_required()');
    expect(severities(api)).toEqual(['/user/<username> high']);
    expect(api.routes.find((r) => r.path === '/about')?.auth.state).toBe('public');
  });
});

describe('Flask-AppBuilder and Api wrapper methods', () => {
  it('models FAB views and APIs registered on an AppBuilder, with their route_base and guards', async () => {
    const a = await analyzeFiles({
      'app/__init__.py': `
        from flask import Flask
        from flask_appbuilder import AppBuilder, SQLA
        app = Flask(__name__)
        db = SQLA(app)
        appbuilder = AppBuilder(app, db.session)
        from . import views
      `,
      'app/views.py': `
        from flask_appbuilder import BaseView, expose, has_access
        from flask_appbuilder.api import BaseApi, expose as api_expose, protect, safe
        from flask_appbuilder.security.decorators import permission_name
        from . import appbuilder

        class MyView(BaseView):
            default_view = "method1"

            @expose("/method1/")
            @has_access
            def method1(self):
                return "hi"

            @expose("/public/<string:name>", methods=["GET", "POST"])
            def method2(self, name):
                return name

        class Reports(BaseView):
            route_base = "/reports"

            @expose("/")
            def index(self):
                return "x"

        class ExampleApi(BaseApi):
            resource_name = "example"

            @api_expose("/greeting", methods=["POST"])
            @protect()
            @safe
            @permission_name("greet")
            def greeting(self):
                return self.response(200, message="Hello")

            @api_expose("/open")
            @safe
            def open(self):
                return self.response(200)

        class Other(BaseApi):
            version = "v2"

            @api_expose("/")
            @protect()
            def get_all(self):
                return self.response(200)

        appbuilder.add_view(MyView, "My View", category="Mine")
        appbuilder.add_view_no_menu(Reports())
        appbuilder.add_api(ExampleApi)
        appbuilder.add_api(Other)
      `,
    });
    expect(rows(a)).toEqual([
      'GET /myview/method1/ MyView.method1 app/views.py:9-12 protected [has_access]',
      'GET,POST /myview/public/<string:name> MyView.method2 app/views.py:14-16 unprotected',
      'GET /reports/ Reports.index app/views.py:21-23 public',
      'POST /api/v1/example/greeting ExampleApi.greeting app/views.py:28-33 protected [protect()]',
      'GET /api/v1/example/open ExampleApi.open app/views.py:35-38 unprotected',
      'GET /api/v2/other/ Other.get_all app/views.py:43-46 protected [protect()]',
    ]);
  });

  it('binds an AppBuilder created without an app through init_app', async () => {
    const a = await analyzeFiles({
      'ext.py': `
        from flask_appbuilder import AppBuilder
        appbuilder = AppBuilder()
      `,
      'app.py': `
        from flask import Flask
        from flask_appbuilder import BaseView, expose
        from ext import appbuilder

        class Hello(BaseView):
            @expose("/")
            def hi(self):
                return "hi"

        def create_app():
            app = Flask(__name__)
            appbuilder.init_app(app, None)
            appbuilder.add_view_no_menu(Hello, endpoint="hello")
            return app
      `,
    });
    expect(rows(a)).toEqual(['GET /hello/ hello.hi app.py:6-8 public']);
  });

  it('says so when Flask-AppBuilder is imported but no route could be followed', async () => {
    const a = await analyzeFiles({
      'views.py': `
        from flask_appbuilder import BaseView, expose
        class Hello(BaseView):
            @expose("/")
            def hi(self):
                return "hi"
        def register(builder):
            builder.add_view(Hello, "Hello")
      `,
    });
    expect(rows(a)).toEqual([]);
    expect(a.notices.map((n) => `${n.file}: ${n.message}`)).toEqual([
      'views.py: imports Flask-AppBuilder, but no route registered through it could be followed; its views are missing from the model.',
    ]);
  });

  it('evaluates Api subclass wrapper methods around self.add_resource per call site (Redash)', async () => {
    const a = await analyzeFiles({
      'redash/handlers/api.py': `
        from flask_restful import Api
        from redash.utils import org_scoped_rule
        from redash.handlers.dashboards import DashboardResource, DashboardListResource, PublicDashboardResource

        class ApiExt(Api):
            def add_org_resource(self, resource, *urls, **kwargs):
                urls = [org_scoped_rule(url) for url in urls]
                return self.add_resource(resource, *urls, **kwargs)

            def add_one(self, resource, url, **kwargs):
                return self.add_resource(resource, org_scoped_rule(url), **kwargs)

        api = ApiExt()
        api.add_org_resource(DashboardListResource, "/api/dashboards", endpoint="dashboards")
        api.add_org_resource(DashboardResource, "/api/dashboards/<id>", "/api/dashboards/<id>/x", endpoint="dashboard")
        api.add_one(PublicDashboardResource, "/api/dashboards/public/<token>")

        def init_app(app):
            api.init_app(app)
      `,
      'redash/utils.py': `
        def org_scoped_rule(rule):
            if settings.MULTI_ORG:
                return "/<org_slug>{}".format(rule)
            return rule
      `,
      'redash/handlers/dashboards.py': `
        from flask_restful import Resource
        from flask_login import login_required

        class BaseResource(Resource):
            decorators = [login_required]

        class DashboardListResource(BaseResource):
            def get(self):
                return []

        class DashboardResource(BaseResource):
            def get(self, id):
                return {}

            def delete(self, id):
                return {}

        class PublicDashboardResource(Resource):
            def get(self, token):
                return {}
      `,
      'redash/__init__.py': `
        from flask import Flask
        from redash.handlers.api import init_app
        def create_app():
            app = Flask(__name__)
            init_app(app)
            return app
      `,
    });
    expect(rows(a)).toEqual([
      'GET /api/dashboards dashboards redash/handlers/dashboards.py:8-9 protected [BaseResource decorators: login_required]',
      'GET /api/dashboards/<id> dashboard redash/handlers/dashboards.py:12-13 protected [BaseResource decorators: login_required]',
      'GET /api/dashboards/<id>/x dashboard redash/handlers/dashboards.py:12-13 protected [BaseResource decorators: login_required]',
      'DELETE /api/dashboards/<id> dashboard redash/handlers/dashboards.py:15-16 protected [BaseResource decorators: login_required]',
      'DELETE /api/dashboards/<id>/x dashboard redash/handlers/dashboards.py:15-16 protected [BaseResource decorators: login_required]',
      'GET /api/dashboards/public/<token> publicdashboardresource redash/handlers/dashboards.py:19-20 public',
    ]);
  });
});

describe('project helpers and account state (CTFd, Redash)', () => {
  const ctfd = (views: string): Record<string, string> => ({
    'CTFd/__init__.py': `
      from flask import Flask
      from CTFd.views import views
      app = Flask(__name__)
      app.register_blueprint(views)
    `,
    'CTFd/utils/user/__init__.py': `
      from flask import session
      from CTFd.models import Users
      def authed():
          return bool(session.get("id", False))
      def get_current_user():
          if authed():
              return Users.query.filter_by(id=session["id"]).first()
      def is_admin():
          if authed():
              return get_current_user().type == "admin"
          else:
              return False
      def is_verified():
          user = get_current_user()
          return user.verified
    `,
    'CTFd/utils/config.py': `
      def get_config(key):
          return None
      def ctftime():
          return True
    `,
    'CTFd/utils/decorators/__init__.py': `
      import functools
      from flask import abort, redirect, request, url_for
      from CTFd.utils.config import get_config, ctftime
      from CTFd.utils import user as current_user
      from CTFd.utils.user import authed, is_admin
      def during_ctf_time_only(f):
          @functools.wraps(f)
          def during_ctf_time_only_wrapper(*args, **kwargs):
              if ctftime():
                  return f(*args, **kwargs)
              else:
                  abort(403)
          return during_ctf_time_only_wrapper
      def require_verified_emails(f):
          @functools.wraps(f)
          def _require_verified_emails(*args, **kwargs):
              if get_config("verify_emails"):
                  if current_user.authed():
                      if current_user.is_admin() is False and current_user.is_verified() is False:
                          return redirect(url_for("auth.confirm"))
              return f(*args, **kwargs)
          return _require_verified_emails
      def authed_only(f):
          @functools.wraps(f)
          def authed_only_wrapper(*args, **kwargs):
              if authed():
                  return f(*args, **kwargs)
              else:
                  return redirect(url_for("auth.login", next=request.full_path))
          return authed_only_wrapper
      def admins_only(f):
          @functools.wraps(f)
          def admins_only_wrapper(*args, **kwargs):
              if is_admin():
                  return f(*args, **kwargs)
              else:
                  abort(403)
          return admins_only_wrapper
    `,
    'CTFd/views.py': views,
  });

  it('follows credential predicates behind project helpers, across modules and a module aliased as current_user', async () => {
    const a = await analyzeFiles(
      ctfd(`
        from flask import Blueprint
        from CTFd.utils import user as current_user
        from CTFd.utils.decorators import authed_only, admins_only, require_verified_emails, during_ctf_time_only
        views = Blueprint('views', __name__)
        @views.route('/settings', methods=['GET', 'POST'])
        @authed_only
        def settings():
            return {}
        @views.route('/admin/config', methods=['POST'])
        @admins_only
        def config():
            return {}
        @views.route('/api/v1/challenges/attempt', methods=['POST'])
        @during_ctf_time_only
        @require_verified_emails
        def attempt():
            return {}
        @views.route('/api/v1/users/me', methods=['PATCH'])
        def me():
            if current_user.is_admin():
                return {}
            return {}
      `),
    );
    expect(rows(a)).toEqual([
      'GET,POST /settings views.settings CTFd/views.py:5-8 protected [authed_only]',
      'POST /admin/config views.config CTFd/views.py:9-12 protected [admins_only]',
      'POST /api/v1/challenges/attempt views.attempt CTFd/views.py:13-17 unprotected',
      'PATCH /api/v1/users/me views.me CTFd/views.py:18-22 unprotected',
    ]);
    // The fix names a decorator that authenticates, never an account-state one.
    const attempt = a.findings.find(
      (f) => f.ruleId === 'missing-authentication' && f.location.startLine === 13,
    );
    // No one guard protects most of the realm (one route each): the fix names none of them.
    expect(attempt?.message).toContain('add a Bearer-token check');
    expect(a.findings.map((f) => f.message).join('\n')).not.toMatch(/during_ctf_time_only|require_verified/);
  });

  it('gives the generic advice when the app has only account-state decorators', async () => {
    const a = await analyzeFiles(
      ctfd(`
        from flask import Blueprint
        from flask_login import LoginManager
        from CTFd.utils.decorators import require_verified_emails, during_ctf_time_only
        views = Blueprint('views', __name__)
        login = LoginManager()
        @views.route('/api/v1/challenges/attempt', methods=['POST'])
        @during_ctf_time_only
        @require_verified_emails
        def attempt():
            return {}
      `),
    );
    expect(routeTable(a)).toEqual(['POST /api/v1/challenges/attempt unprotected']);
    const messages = a.findings.filter((f) => f.ruleId === 'missing-authentication').map((f) => f.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).not.toMatch(/during_ctf_time_only|require_verified/);
  });

  it('still treats current_user from Flask-Login (or not imported) as the signed-in caller', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from functools import wraps
        from flask import Flask, abort
        from flask_login import LoginManager, current_user
        app = Flask(__name__)
        LoginManager(app)
        def admin_required(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                if not current_user.is_admin:
                    abort(403)
                return f(*args, **kwargs)
            return wrapper
        @app.post('/admin/users')
        @admin_required
        def create_user():
            return {}
      `,
    });
    expect(routeTable(a)).toEqual(['POST /admin/users protected']);
  });

  it('concatenates class decorators built with + (Redash embeds)', async () => {
    const a = await analyzeFiles({
      'redash/handlers/base.py': `
        from flask_login import login_required
        from flask_restful import Resource
        class BaseResource(Resource):
            decorators = [login_required]
      `,
      'redash/handlers/embed.py': `
        from redash.handlers.base import BaseResource
        from redash.security import csp_allows_embeding
        class EmbedQueryResource(BaseResource):
            decorators = BaseResource.decorators + [csp_allows_embeding]
            def get(self, query_id):
                return {}
        class QueryResultResource(BaseResource):
            method_decorators = BaseResource.decorators + [csp_allows_embeding]
            def post(self, query_id):
                return {}
      `,
      'redash/security.py': `
        def csp_allows_embeding(fn):
            return fn
      `,
      'redash/app.py': `
        from flask import Flask
        from flask_restful import Api
        from redash.handlers.embed import EmbedQueryResource, QueryResultResource
        app = Flask(__name__)
        api = Api(app)
        api.add_resource(EmbedQueryResource, '/embed/query/<query_id>')
        api.add_resource(QueryResultResource, '/api/query_results/<query_id>')
      `,
    });
    expect(rows(a)).toEqual([
      'GET /embed/query/<query_id> embedqueryresource redash/handlers/embed.py:5-6 protected [EmbedQueryResource decorators: login_required]',
      'POST /api/query_results/<query_id> queryresultresource redash/handlers/embed.py:9-10 protected [BaseResource decorators: login_required; QueryResultResource.method_decorators: login_required]',
    ]);
  });

  it('treats identity used only when signed in as optional auth (if statement and conditional expression)', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_login import LoginManager, current_user, login_required
        app = Flask(__name__)
        LoginManager(app)
        @app.route('/account')
        @login_required
        def account():
            return {}
        @app.route('/whoami')
        def whoami():
            return {'email': current_user.email if current_user.is_authenticated else '-'}
        @app.route('/greeting')
        def greeting():
            name = 'stranger'
            if current_user.is_authenticated:
                name = current_user.username
            return {'name': name}
      `,
    });
    const optional = a.routes.filter((r) => r.auth.optional).map((r) => r.path);
    expect(optional).toEqual(['/whoami', '/greeting']);
    expect(a.findings.filter((f) => f.ruleId === 'missing-authentication')).toEqual([]);
  });
});

describe('string literals', () => {
  it('reads every quoting and prefix as its content, escapes as written', async () => {
    const { pythonParser, syntaxRoot } = await import('../src/analysis/parser.js');
    const { toExpr } = await import('../src/analysis/extract.js');
    const parser = await pythonParser();
    const cases: [string, string | undefined][] = [
      [`'a b'`, 'a b'],
      [`"a"`, 'a'],
      [`''`, ''],
      [`""""""`, ''],
      [`'''x "y" z'''`, 'x "y" z'],
      [`"""doc\nline"""`, 'doc\nline'],
      [`r'\\d+'`, '\\d+'],
      [`b"raw"`, 'raw'],
      [`Rb'''t'''`, 't'],
      [`u"uni"`, 'uni'],
      [`f"plain"`, 'plain'],
      [`f"a {x}"`, undefined],
      [`"a" 'b' """c"""`, 'abc'],
    ];
    for (const [literal, value] of cases) {
      const text = `x = ${literal}\n`;
      const tree = parser.parse(text);
      const root = syntaxRoot(tree, text);
      tree.delete();
      const expr = toExpr(root.namedChildren[0]!.namedChildren[0]!.childForFieldName('right'));
      expect(expr.k === 'str' ? expr.v : undefined, literal).toBe(value);
    }
  });
});
