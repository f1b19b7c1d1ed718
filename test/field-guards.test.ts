import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/pipeline.js';
import { analyzeFiles, dedent } from './helpers/analyze.js';
import { concretePath, startFlaskApp } from './helpers/flask.js';

/**
 * Guards as large applications really write them (issue 18, items 9–11), each next to a trap the same mechanism
 * must not hide: the route tables and findings a reviewer reads.
 */

/** `METHODS path state [mechanisms]`, in report order. */
function rows(a: Analysis): string[] {
  return a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.auth.state}` +
      (r.auth.mechanisms.length ? ` [${r.auth.mechanisms.join('; ')}]` : ''),
  );
}

function findings(a: Analysis): string[] {
  return a.findings.map((f) => `${f.severity} ${f.ruleId} ${f.route?.methods.join(',')} ${f.route?.path}`);
}

const MODELS = `
  from flask_sqlalchemy import SQLAlchemy
  db = SQLAlchemy()
  class Item(db.Model):
      id = db.Column(db.Integer, primary_key=True)
`;

describe('routes a request hook exempts are judged on their own', () => {
  it('reports an exempted route that deletes rows, and keeps its own decorator when it has one', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from functools import wraps
        from flask import Flask, request, abort
        from flask_login import LoginManager, current_user
        from models import db, Item
        app = Flask(__name__)
        lm = LoginManager(app)
        API_TOKEN = app.config.get('API_TOKEN')

        def check_token(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if request.headers.get('x-api-key') != API_TOKEN:
                    abort(403)
                return f(*args, **kwargs)
            return decorated

        @app.before_request
        def check_authentication():
            if not current_user.is_authenticated:
                if request.endpoint and 'login' in request.endpoint:
                    return None
                elif request.path.startswith('/api/'):
                    return None  # API routes use their own auth mechanism
                else:
                    return lm.unauthorized()

        @app.route("/api/items/<int:i>", methods=["DELETE"])
        def api_delete(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/api/items/<int:i>/archive", methods=["POST"])
        @check_token
        def api_archive(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/items/<int:i>", methods=["DELETE"])
        def ui_delete(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /api/items/<int:i> unprotected [allow-listed by before_request check_authentication]',
      'POST /api/items/<int:i>/archive protected [check_token; allow-listed by before_request check_authentication]',
      'DELETE /items/<int:i> protected [before_request check_authentication]',
    ]);
    expect(findings(a)).toEqual(['high missing-authentication DELETE /api/items/<int:i>']);
  });
});

describe('a guard that checks only when a setting switches it on', () => {
  it('protects like the equally gated hook, and a switch alone rejects nobody for who they are', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        import os
        from functools import wraps
        from flask import Flask, request, make_response, jsonify
        from models import db, Item
        app = Flask(__name__)

        def check_token(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if os.environ.get('API_TOKEN_ENABLED'):
                    if request.headers.get('x-api-key') != os.environ['API_TOKEN']:
                        return make_response(jsonify("Invalid access - API key invalid."), 403)
                return f(*args, **kwargs)
            return decorated

        def maintenance(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if os.environ.get('READ_ONLY'):
                    return make_response(jsonify("read only"), 403)
                return f(*args, **kwargs)
            return decorated

        @app.route("/api/items/<int:i>", methods=["DELETE"])
        @check_token
        def api_delete(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/api/items/<int:i>/purge", methods=["DELETE"])
        @maintenance
        def api_purge(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /api/items/<int:i> protected [check_token]',
      'DELETE /api/items/<int:i>/purge unprotected',
    ]);
    expect(findings(a)).toEqual(['high missing-authentication DELETE /api/items/<int:i>/purge']);
  });
});

describe("a project decorator built on a Flask-HTTPAuth object's internals", () => {
  it('protects when it answers with the object’s auth_error_callback, and not when it never rejects', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from functools import wraps
        from flask import Flask, g
        from flask_httpauth import HTTPBasicAuth
        from models import db, Item
        app = Flask(__name__)
        auth = HTTPBasicAuth()
        ANONYMOUS_BROWSING = app.config.get('ANONYMOUS_BROWSING')

        def requires_basic_auth_if_no_ano(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                authorisation = auth.get_auth()
                status = None
                if ANONYMOUS_BROWSING and not authorisation:
                    return f(*args, **kwargs)
                user = auth.authenticate(authorisation, "")
                if user in (False, None):
                    status = 401
                if status:
                    try:
                        return auth.auth_error_callback(status)
                    except TypeError:
                        return auth.auth_error_callback()
                g.flask_httpauth_user = user
                return auth.ensure_sync(f)(*args, **kwargs)
            return decorated

        def remember_basic_user(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                g.flask_httpauth_user = auth.authenticate(auth.get_auth(), "")
                return f(*args, **kwargs)
            return decorated

        @app.route("/opds/items/<int:i>", methods=["DELETE"])
        @requires_basic_auth_if_no_ano
        def delete_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/opds/items/<int:i>/purge", methods=["DELETE"])
        @remember_basic_user
        def purge_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /opds/items/<int:i> protected [requires_basic_auth_if_no_ano]',
      'DELETE /opds/items/<int:i>/purge unprotected',
    ]);
    expect(findings(a)).toEqual(['high missing-authentication DELETE /opds/items/<int:i>/purge']);
  });
});

describe('a token taken from the URL by a url_value_preprocessor', () => {
  it('is a guard where a decorator looks it up and aborts with 401, and the routes without it stay open', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from functools import wraps
        from flask import Flask, g, abort, Blueprint
        from models import db, Item
        app = Flask(__name__)
        kobo = Blueprint("kobo", __name__, url_prefix="/kobo/<auth_token>")

        @kobo.url_value_preprocessor
        def pop_auth_token(endpoint, values):
            g.auth_token = values.pop("auth_token")

        def get_auth_token():
            return g.get("auth_token") if "auth_token" in g else None

        def requires_kobo_auth(f):
            @wraps(f)
            def inner(*args, **kwargs):
                auth_token = get_auth_token()
                if auth_token is not None:
                    item = Item.query.filter_by(id=auth_token).first()
                    if item is not None:
                        return f(*args, **kwargs)
                return abort(401)
            return inner

        @kobo.route("/items/<int:i>", methods=["DELETE"])
        @requires_kobo_auth
        def delete_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @kobo.route("/items/<int:i>/purge", methods=["DELETE"])
        def purge_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
        app.register_blueprint(kobo)
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /kobo/<auth_token>/items/<int:i> protected [requires_kobo_auth]',
      'DELETE /kobo/<auth_token>/items/<int:i>/purge unprotected',
    ]);
    expect(findings(a)).toEqual([
      'high missing-authentication DELETE /kobo/<auth_token>/items/<int:i>/purge',
    ]);
  });
});

describe('a hook that enforces only for some resources', () => {
  it('protects no route for certain: an open route of the blueprint that deletes rows is reported', async () => {
    const a = await analyzeFiles({
      'forum/models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Forum(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        class Topic(db.Model):
            id = db.Column(db.Integer, primary_key=True)
      `,
      'forum/locals.py': `
        from flask import g, request
        from werkzeug.local import LocalProxy
        from .models import db, Forum

        @LocalProxy
        def current_forum():
            return _get_item(Forum, "forum_id", "forum")

        def _get_item(model, view_arg, name):
            if not getattr(g, name, None) and request.view_args and view_arg in request.view_args:
                setattr(g, name, db.session.get(model, request.view_args[view_arg]))
            return getattr(g, name, None)
      `,
      'forum/views.py': `
        from flask import Blueprint, current_app
        from flask_login import current_user, login_required
        from .locals import current_forum
        from .models import db, Topic
        forum = Blueprint("forum", __name__)

        def should_force_login(user, forum):
            return not user.is_authenticated and not forum.guests_allowed

        def force_login_if_needed():
            if current_forum and should_force_login(current_user, current_forum):
                return current_app.login_manager.unauthorized()

        forum.before_request(force_login_if_needed)

        @forum.route("/forum/<int:forum_id>/topics/<int:topic_id>", methods=["DELETE"])
        def delete_topic(forum_id, topic_id):
            Topic.query.filter_by(id=topic_id).delete(); db.session.commit()
            return "", 204

        @forum.route("/forum/<int:forum_id>/topics/<int:topic_id>/lock", methods=["POST"])
        @login_required
        def lock_topic(forum_id, topic_id):
            Topic.query.filter_by(id=topic_id).delete(); db.session.commit()
            return "", 204
      `,
      'forum/app.py': `
        from flask import Flask
        from flask_login import LoginManager
        from .views import forum
        app = Flask(__name__)
        LoginManager(app)
        app.register_blueprint(forum)
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /forum/<int:forum_id>/topics/<int:topic_id> unprotected',
      'POST /forum/<int:forum_id>/topics/<int:topic_id>/lock protected [login_required]',
    ]);
    expect(findings(a)).toEqual([
      'high missing-authentication DELETE /forum/<int:forum_id>/topics/<int:topic_id>',
    ]);
    // The same hook rejecting whatever the resource (under a setting only) still protects.
    const gated = await analyzeFiles({
      'app.py': `
        import os
        from flask import Flask, current_app
        from flask_login import LoginManager, current_user
        app = Flask(__name__)
        LoginManager(app)
        PRIVATE_SITE = os.environ.get('PRIVATE_SITE')

        @app.before_request
        def force_login_if_needed():
            if PRIVATE_SITE and not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()

        @app.route("/topics")
        def topics():
            return "[]"
      `,
    });
    expect(rows(gated)).toEqual(['GET /topics protected [before_request force_login_if_needed]']);
  });
});

describe('flask-allows requirements on class views', () => {
  it('protects the views its requires(...) decorates, and leaves the undecorated view open', async () => {
    // flaskbb: `allows = Allows(throws=AuthorizationRequired)` (flask-allows2) and class views registered through
    // a helper with `decorators = [allows.requires(IsAdmin, on_fail=…)]`.
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from flask import Flask, Blueprint
        from flask.views import MethodView
        from flask_allows2 import Allows
        from models import db, Item
        app = Flask(__name__)
        allows = Allows()
        def IsAdmin(user, request):
            return user.is_admin
        def register_view(bp, routes, view_func):
            for route in routes:
                bp.add_url_rule(route, view_func=view_func)
        class DeleteItem(MethodView):
            decorators = [allows.requires(IsAdmin, on_fail=lambda: "no")]
            def post(self, i):
                Item.query.filter_by(id=i).delete()
                db.session.commit()
                return ""
        class DeleteOpen(MethodView):
            def post(self, i):
                Item.query.filter_by(id=i).delete()
                db.session.commit()
                return ""
        admin = Blueprint("admin", __name__)
        register_view(admin, ["/items/<int:i>/delete"], DeleteItem.as_view("delete_item"))
        register_view(admin, ["/open/<int:i>/delete"], DeleteOpen.as_view("delete_open"))
        app.register_blueprint(admin, url_prefix="/admin")
      `,
    });
    expect(rows(a)).toEqual([
      'POST /admin/items/<int:i>/delete protected [DeleteItem decorators: allows.requires(IsAdmin, on_fail=lambda: "no")]',
      'POST /admin/open/<int:i>/delete unprotected',
    ]);
    expect(findings(a)).toContain('high missing-authentication POST /admin/open/<int:i>/delete');
  });
});

describe('credential headers named for a key', () => {
  it('reads X-Access-Key and X-Service-Key as credentials, and Idempotency-Key as none', async () => {
    const check = (header: string) => `
        def require_${header.toLowerCase().replace(/-/g, '_')}(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if request.headers.get('${header}') not in KEYS:
                    abort(401)
                return f(*args, **kwargs)
            return decorated`;
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from functools import wraps
        from flask import Flask, request, abort
        from models import db, Item
        app = Flask(__name__)
        KEYS = {}
        ${check('X-Access-Key')}
        ${check('X-Service-Key')}
        ${check('Idempotency-Key')}
        @app.delete("/a/<int:i>")
        @require_x_access_key
        def a(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
        @app.delete("/b/<int:i>")
        @require_x_service_key
        def b(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
        @app.delete("/c/<int:i>")
        @require_idempotency_key
        def c(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /a/<int:i> protected [require_x_access_key]',
      'DELETE /b/<int:i> protected [require_x_service_key]',
      'DELETE /c/<int:i> unprotected',
    ]);
  });
});

describe('a project decorator that stores its rejection and returns it at the end', () => {
  it('protects where the stored response is a 403 or a redirect to sign-in, and not a stored ordinary answer', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'helpers.py': `
        from functools import wraps
        import flask

        def is_authenticated(session=flask.session):
            user = session.get("name")
            authenticated = session.get("authenticated", False)
            return authenticated and user is not None

        def login_required(perm):
            def decorator(func):
                @wraps(func)
                def wrapper(*args, **kwargs):
                    s = flask.session
                    if is_authenticated(s):
                        perms = s.get("perms", {})
                        if perm not in perms or not perms[perm]:
                            response = "Forbidden", 403
                        else:
                            response = func(*args, **kwargs)
                    else:
                        s.clear()
                        if flask.request.headers.get("X-Requested-With") == "XMLHttpRequest":
                            response = "Forbidden", 403
                        else:
                            response = flask.redirect(flask.url_for("login", next=flask.request.url))
                    return response
                return wrapper
            return decorator

        def with_banner(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                s = flask.session
                if s.get("name"):
                    response = func(*args, **kwargs)
                else:
                    response = flask.make_response(func(*args, **kwargs))
                    response.headers["X-Banner"] = "welcome"
                return response
            return wrapper
      `,
      'app.py': `
        from flask import Flask
        from models import db, Item
        from helpers import login_required, with_banner
        app = Flask(__name__)

        @app.route("/login")
        def login():
            return "sign in"

        @app.route("/items/<int:i>/delete", methods=["POST"])
        @login_required("DELETE")
        def delete_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/items/<int:i>/drop", methods=["POST"])
        @with_banner
        def drop_item(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(rows(a)).toContain('POST /items/<int:i>/delete protected [login_required("DELETE")]');
    expect(rows(a).find((r) => r.startsWith('POST /items/<int:i>/drop'))).toMatch(/unprotected/);
    expect(findings(a).some((f) => f.includes('/items/<int:i>/delete'))).toBe(false);
    expect(findings(a).some((f) => f.includes('/items/<int:i>/drop'))).toBe(true);
  });
});

describe('a redirect exception raised towards sign-in, and a url_value_preprocessor that raises it', () => {
  it('guards the blueprint routes of the project named in the URL; other exceptions and routes without it do not', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'utils.py': `
        from flask import redirect
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RoutingException

        class Redirect303(HTTPException, RoutingException):
            code = 303

            def __init__(self, new_url):
                RoutingException.__init__(self, new_url)
                self.new_url = new_url

            def get_response(self, environ):
                return redirect(self.new_url, 303)

        class Conflict(HTTPException):
            code = 409
      `,
      'web.py': `
        from functools import wraps
        from flask import Blueprint, session, url_for, g, request
        from models import db, Item
        from utils import Redirect303, Conflict

        main = Blueprint("main", __name__)
        other = Blueprint("other", __name__)

        @main.url_value_preprocessor
        def pull_project(endpoint, values):
            if endpoint == "authenticate":
                return
            if not values:
                values = {}
            entered_project_id = values.pop("project_id", None)
            if entered_project_id:
                project = Item.query.get(entered_project_id)
                if not project:
                    raise Redirect303(url_for(".create_project", project_id=entered_project_id))
                is_invitation = endpoint == "main.join_project"
                if session.get(project.id) or session.get("is_admin") or is_invitation:
                    g.project = project
                else:
                    raise Redirect303(url_for(".authenticate", project_id=entered_project_id))

        @main.route("/authenticate", methods=["GET", "POST"])
        def authenticate():
            return "form"

        @main.route("/<project_id>/delete/<int:i>", methods=["POST"])
        def delete_bill(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @main.route("/<project_id>/join/<int:i>", methods=["POST"])
        def join_project(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @main.route("/purge/<int:i>", methods=["POST"])
        def purge(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        def requires_owner(f):
            @wraps(f)
            def check(*args, **kwargs):
                if not session.get("owner"):
                    raise Conflict()
                return f(*args, **kwargs)
            return check

        @other.route("/wipe/<int:i>", methods=["POST"])
        @requires_owner
        def wipe(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
      'app.py': `
        from flask import Flask
        from web import main, other
        app = Flask(__name__)
        app.register_blueprint(main)
        app.register_blueprint(other)
      `,
    });
    expect(rows(a)).toContain(
      'POST /<project_id>/delete/<int:i> protected [url_value_preprocessor pull_project]',
    );
    // The hook checks only URLs naming a project: a route of the same blueprint without one is open and reported.
    expect(rows(a).find((r) => r.startsWith('POST /purge/'))).toMatch(/ unprotected /);
    expect(findings(a)).toContain('high missing-authentication POST /purge/<int:i>');
    // An HTTPException that is no 401/403 and no redirect (409 Conflict) rejects nobody for who they are.
    expect(findings(a)).toContain('high missing-authentication POST /wipe/<int:i>');
    // The endpoint it lets through (Flask hands the hook `request.endpoint` first) is judged on its own.
    expect(rows(a)).toContain(
      'POST /<project_id>/join/<int:i> unprotected [allow-listed by url_value_preprocessor pull_project]',
    );
    expect(findings(a)).toContain('high missing-authentication POST /<project_id>/join/<int:i>');
    expect(findings(a).some((f) => f.includes('/<project_id>/delete/'))).toBe(false);
  });
});

describe('a request hook whose allow-list is held in a local boolean', () => {
  it('protects every route but the listed ones, which are judged on their own', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        from flask import Flask, request, redirect, url_for
        from flask_login import LoginManager, current_user
        from models import db, Item
        app = Flask(__name__)
        lm = LoginManager(app)

        @app.before_request
        def check_perms():
            allowed_path = (
                request.path.startswith("/login")
                or request.path.startswith("/static")
                or request.path.startswith("/api/login")
            )
            if not current_user.is_authenticated and not allowed_path:
                return redirect(url_for("login", next=request.path))
            return

        @app.route("/login")
        def login():
            return "sign in"

        @app.route("/api/login/reset/<int:i>", methods=["POST"])
        def reset(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204

        @app.route("/dataobj/delete/<int:i>", methods=["DELETE"])
        def delete(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(rows(a)).toEqual([
      'GET /login public',
      'POST /api/login/reset/<int:i> unprotected [allow-listed by before_request check_perms]',
      'DELETE /dataobj/delete/<int:i> protected [before_request check_perms]',
    ]);
    expect(findings(a)).toEqual(['high missing-authentication POST /api/login/reset/<int:i>']);
  });
});

describe('real Flask agrees on a url_value_preprocessor that raises a redirect to sign-in', () => {
  it('turns away exactly the routes the model calls protected', async () => {
    const files: Record<string, string> = {
      'web.py': `
        from flask import Flask, Blueprint, redirect, session, url_for, g
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RoutingException

        class Redirect303(HTTPException, RoutingException):
            code = 303

            def __init__(self, new_url):
                RoutingException.__init__(self, new_url)
                self.new_url = new_url

            def get_response(self, environ=None, scope=None):
                return redirect(self.new_url, 303)

        PROJECTS = {"demo": ["a", "b"]}
        main = Blueprint("main", __name__)

        @main.url_value_preprocessor
        def pull_project(endpoint, values):
            entered_project_id = values.pop("project_id", None) if values else None
            if entered_project_id:
                is_invitation = endpoint == "main.join_project"
                if session.get(entered_project_id) or is_invitation:
                    g.project = entered_project_id
                else:
                    raise Redirect303(url_for(".authenticate", project_id=entered_project_id))

        @main.route("/authenticate")
        def authenticate():
            return "form"

        @main.route("/<project_id>/settle", methods=["POST"])
        def settle():
            PROJECTS[g.project].clear()
            return "settled"

        @main.route("/<project_id>/join", methods=["POST"])
        def join_project():
            PROJECTS[g.project].append("guest")
            return "joined"

        @main.route("/reset", methods=["POST"])
        def reset():
            PROJECTS.clear()
            return "reset"

        app = Flask(__name__)
        app.secret_key = "test"
        app.register_blueprint(main)
      `,
    };
    const a = await analyzeFiles(files);
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-preprocessor-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), dedent(text));
    const app = await startFlaskApp(dir, 'web:app');
    try {
      const verdicts: string[] = [];
      for (const r of a.routes) {
        const res = await fetch(app.baseUrl + concretePath(r.path).replace('<project_id>', 'demo'), {
          method: r.methods[0],
          redirect: 'manual',
        });
        await res.arrayBuffer();
        const turnedAway = res.status === 303 && /authenticate/.test(res.headers.get('location') ?? '');
        verdicts.push(
          `${r.methods[0]} ${r.path} model:${r.auth.state} flask:${turnedAway ? 'rejects' : 'serves'}`,
        );
      }
      expect(verdicts).toEqual([
        'GET /authenticate model:public flask:serves',
        'POST /<project_id>/settle model:protected flask:rejects',
        'POST /<project_id>/join model:public flask:serves',
        'POST /reset model:unprotected flask:serves',
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('a decorator that lets only connections from the machine itself through', () => {
  it('counts a loopback-only check as a guard, and neither an address logged nor a block list', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'app.py': `
        import logging
        from functools import wraps
        import flask
        from flask import Flask, request, abort
        from flask_login import LoginManager, login_required
        from models import db, Item
        app = Flask(__name__)
        LoginManager(app)
        BLOCKLIST = {"10.0.0.7"}

        def local_only(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                addr = request.remote_addr
                if addr not in ("127.0.0.1", "::1", "localhost"):
                    abort(403)
                return f(*args, **kwargs)
            return wrapper

        def local_check(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                if flask.request.environ.get("REMOTE_ADDR") == "127.0.0.1":
                    return func(*args, **kwargs)
                return "Forbidden", 403
            return wrapper

        def logged(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                logging.info("call from %s", request.remote_addr)
                return f(*args, **kwargs)
            return wrapper

        def not_blocked(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                if request.remote_addr in BLOCKLIST:
                    abort(403)
                return f(*args, **kwargs)
            return wrapper

        @app.route("/admin")
        @login_required
        def admin():
            return "x"

        @app.route("/local/add", methods=["POST"])
        @local_only
        def local_add():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/local/crypted", methods=["POST"])
        @local_check
        def local_crypted():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/logged/add", methods=["POST"])
        @logged
        def logged_add():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/open/add", methods=["POST"])
        @not_blocked
        def open_add():
            db.session.add(Item()); db.session.commit()
            return "", 201
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin protected [login_required]',
      'POST /local/add protected [local_only (loopback only)]',
      'POST /local/crypted protected [local_check (loopback only)]',
      'POST /logged/add unprotected',
      'POST /open/add unprotected',
    ]);
    expect(findings(a)).toEqual([
      'high missing-authentication POST /logged/add',
      'high missing-authentication POST /open/add',
    ]);
  });
});

describe('a decorator that lets the signed-in through first and raises a redirect for the rest', () => {
  it('protects where the redirect follows a branch taken only with the credential, not after an unrelated one', async () => {
    const files: Record<string, string> = {
      'web.py': `
        from functools import wraps
        from flask import Flask, Blueprint, current_app, redirect, request, session, url_for
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RoutingException

        class Redirect303(HTTPException, RoutingException):
            code = 303

            def __init__(self, new_url):
                RoutingException.__init__(self, new_url)
                self.new_url = new_url

            def get_response(self, environ=None, scope=None):
                return redirect(self.new_url, 303)

        PROJECTS = {"demo": ["a", "b"]}
        main = Blueprint("main", __name__)

        def requires_admin(bypass=None):
            def check_admin(f):
                @wraps(f)
                def admin_auth(*args, **kws):
                    is_admin_auth_bypassed = False
                    if bypass is not None and current_app.config.get(bypass[0]) == bypass[1]:
                        is_admin_auth_bypassed = True
                    is_admin = session.get("is_admin")
                    if is_admin or is_admin_auth_bypassed:
                        return f(*args, **kws)
                    raise Redirect303(url_for(".admin", goto=request.path))
                return admin_auth
            return check_admin

        def read_only_on_get(f):
            @wraps(f)
            def wrapper(*args, **kws):
                is_admin = session.get("is_admin")
                if request.method == "POST":
                    return f(*args, **kws)
                raise Redirect303(url_for(".admin", goto=request.path))
            return wrapper

        @main.route("/admin", methods=["GET"])
        def admin():
            return "form"

        @main.route("/dashboard", methods=["POST"])
        @requires_admin()
        def dashboard():
            PROJECTS.clear()
            return "cleared"

        @main.route("/wipe", methods=["POST"])
        @read_only_on_get
        def wipe():
            PROJECTS.clear()
            return "wiped"

        app = Flask(__name__)
        app.secret_key = "test"
        app.register_blueprint(main)
      `,
    };
    const a = await analyzeFiles(files);
    expect(rows(a)).toEqual([
      'GET /admin public',
      'POST /dashboard protected [requires_admin()]',
      'POST /wipe unprotected',
    ]);
    expect(findings(a)).toContain('high missing-authentication POST /wipe');
    expect(findings(a).filter((f) => f.endsWith('/dashboard'))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-admin-redirect-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), dedent(text));
    const app = await startFlaskApp(dir, 'web:app');
    try {
      const verdicts: string[] = [];
      for (const r of a.routes.filter((x) => x.methods[0] === 'POST')) {
        const res = await fetch(app.baseUrl + r.path, { method: 'POST', redirect: 'manual' });
        await res.arrayBuffer();
        verdicts.push(`${r.path} model:${r.auth.state} flask:${res.status === 303 ? 'rejects' : 'serves'}`);
      }
      expect(verdicts).toEqual([
        '/dashboard model:protected flask:rejects',
        '/wipe model:unprotected flask:serves',
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('a loopback check made through project helpers', () => {
  it('counts a helper that tests the connection address, followed across modules, and never the Host header nor a claimed address', async () => {
    const a = await analyzeFiles({
      'models.py': MODELS,
      'check.py': `
        import ipaddress

        def is_loopback_address(value):
            if value.startswith("::ffff:"):
                value = value[7:]
            try:
                return ipaddress.ip_address(value).is_loopback
            except ValueError:
                return value == "localhost"
      `,
      'helpers.py': `
        import flask
        from check import is_loopback_address

        def is_loopback_request(request=flask.request, check_source=True):
            if check_source:
                if any(request.headers.get(h) for h in ("X-Forwarded-For", "X-Real-IP")):
                    return False
            remote_addr = request.remote_addr
            if not remote_addr:
                return False
            return is_loopback_address(remote_addr)

        def is_local_host():
            return is_loopback_address(flask.request.host.split(":")[0])
      `,
      'app.py': `
        from functools import wraps
        import flask
        from flask import Flask
        from flask_login import LoginManager, login_required
        from models import db, Item
        from helpers import is_loopback_request, is_local_host
        from check import is_loopback_address
        app = Flask(__name__)
        LoginManager(app)
        g = {}

        def local_check(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                http_host = flask.request.environ.get("HTTP_HOST")
                if http_host in ("localhost:9666", "127.0.0.1:9666"):
                    remote_addr = flask.request.environ.get("REMOTE_ADDR")
                    local_addr = g.get("web_addr")
                    if local_addr == remote_addr:
                        return func(*args, **kwargs)
                    else:
                        if is_loopback_request(check_source=False):
                            return func(*args, **kwargs)
                return "Forbidden", 403
            return wrapper

        def local_only(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                if not is_loopback_address(flask.request.remote_addr):
                    flask.abort(403)
                return f(*args, **kwargs)
            return wrapper

        def host_check(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                if flask.request.environ.get("HTTP_HOST") in ("localhost:9666", "127.0.0.1:9666"):
                    return func(*args, **kwargs)
                return "Forbidden", 403
            return wrapper

        def host_helper_check(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                if not is_local_host():
                    flask.abort(403)
                return f(*args, **kwargs)
            return wrapper

        def host_address_check(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                if not is_loopback_address(flask.request.host):
                    flask.abort(403)
                return f(*args, **kwargs)
            return wrapper

        def same_as_claimed(f):
            @wraps(f)
            def wrapper(*args, **kwargs):
                claimed = flask.request.headers.get("X-Real-IP")
                if flask.request.remote_addr == claimed:
                    return f(*args, **kwargs)
                return "Forbidden", 403
            return wrapper

        @app.route("/admin")
        @login_required
        def admin():
            return "x"

        @app.route("/claimed/add", methods=["POST"])
        @same_as_claimed
        def claimed_add():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/flash/addcrypted", methods=["POST"])
        @local_check
        def addcrypted():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/local/add", methods=["POST"])
        @local_only
        def local_add():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/host/add", methods=["POST"])
        @host_check
        def host_add():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/host/helper", methods=["POST"])
        @host_helper_check
        def host_helper():
            db.session.add(Item()); db.session.commit()
            return "", 201

        @app.route("/host/address", methods=["POST"])
        @host_address_check
        def host_address():
            db.session.add(Item()); db.session.commit()
            return "", 201
      `,
    });
    expect(rows(a)).toEqual([
      'GET /admin protected [login_required]',
      'POST /claimed/add unprotected',
      'POST /flash/addcrypted protected [local_check (loopback only)]',
      'POST /local/add protected [local_only (loopback only)]',
      'POST /host/add unprotected',
      'POST /host/helper unprotected',
      'POST /host/address unprotected',
    ]);
    expect(findings(a)).toEqual([
      'high missing-authentication POST /claimed/add',
      'high missing-authentication POST /host/add',
      'high missing-authentication POST /host/helper',
      'high missing-authentication POST /host/address',
    ]);
  });
});

describe('a decorator factory that runs the handlers each use of it is given', () => {
  it('is no guard where its own handlers let a request without credentials through, whatever another use is given', async () => {
    // Quay's `_auth_decorator(handlers=[...])`: `process_oauth` runs the view whether or not a token was found;
    // `process_strict`, made by the same factory, is given a handler that always turns the request away.
    const a = await analyzeFiles({
      'models.py': MODELS,
      'auth.py': `
        from functools import wraps
        from flask import abort, g, request
        def validate_bearer(header):
            return {"user": None, "missing": not header}
        def validate_grant(header):
            abort(401)
        def _auth_decorator(handlers=None):
            def processor(func):
                @wraps(func)
                def wrapper(*args, **kwargs):
                    auth_header = request.headers.get("authorization", "")
                    for handler in handlers:
                        result = handler(auth_header)
                        if result["missing"]:
                            continue
                        g.user = result["user"]
                        break
                    return func(*args, **kwargs)
                return wrapper
            return processor
        process_oauth = _auth_decorator(handlers=[validate_bearer])
        process_strict = _auth_decorator(handlers=[validate_grant])
      `,
      'app.py': `
        from flask import Flask
        from auth import process_oauth
        from models import db, Item
        app = Flask(__name__)
        @app.delete("/items/<int:i>")
        @process_oauth
        def remove(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
      `,
    });
    expect(rows(a)).toEqual(['DELETE /items/<int:i> unprotected']);
    expect(findings(a)).toEqual(['high missing-authentication DELETE /items/<int:i>']);
  });
});

describe('a permission decorator factory that wraps the view in Flask-Login', () => {
  it('is a guard through `login_required(wrapper)`, even where one of its handlers allows everyone', async () => {
    // Mailu's `permissions_wrapper(handler)`: each permission runs its handler, and the wrapper it returns is
    // itself wrapped in `flask_login.login_required`; the `authenticated` permission's handler allows anyone.
    const a = await analyzeFiles({
      'models.py': MODELS,
      'access.py': `
        import functools
        import flask
        import flask_login
        def permissions_wrapper(handler):
            def callback(function, args, kwargs):
                if not handler(args, kwargs):
                    flask.abort(403)
                return function(*args, **kwargs)
            def decorator(function):
                @functools.wraps(function)
                def wrapper(*args, **kwargs):
                    return callback(function, args, kwargs)
                return flask_login.login_required(wrapper)
            return decorator
        @permissions_wrapper
        def global_admin(args, kwargs):
            return flask_login.current_user.global_admin
        @permissions_wrapper
        def authenticated(args, kwargs):
            return True
      `,
      'app.py': `
        from flask import Flask
        from flask_login import LoginManager
        import access
        from models import db, Item
        app = Flask(__name__)
        LoginManager(app)
        @app.delete("/items/<int:i>")
        @access.authenticated
        def remove(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
        @app.delete("/admin/items")
        @access.global_admin
        def purge():
            Item.query.delete(); db.session.commit()
            return ""
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /items/<int:i> protected [access.authenticated]',
      'DELETE /admin/items protected [access.global_admin]',
    ]);
    expect(findings(a)).toEqual([]);
  });
});

describe('a CSRF check whose session key is a named constant', () => {
  it('is no guard: the key it compares is the CSRF nonce, given as a parameter default', async () => {
    // Quay's `csrf_protect()`: any visitor gets a CSRF token in their session, so matching it proves nothing of who
    // they are. A session key read under another constant name is still a credential.
    const a = await analyzeFiles({
      'models.py': MODELS,
      'csrf.py': `
        import hmac
        from functools import wraps
        from flask import abort, request, session
        _CSRF_TOKEN_NAME = "_csrf_token"
        _USER_KEY = "user_id"
        def verify_csrf(session_token_name=_CSRF_TOKEN_NAME, request_token_name=_CSRF_TOKEN_NAME):
            token = str(session.get(session_token_name, ""))
            found = str(request.values.get(request_token_name, ""))
            if not token or not found or not hmac.compare_digest(token, found):
                abort(403)
        def csrf_protect(session_token_name=_CSRF_TOKEN_NAME, request_token_name=_CSRF_TOKEN_NAME):
            def inner(func):
                @wraps(func)
                def wrapper(*args, **kwargs):
                    if request.method != "GET":
                        verify_csrf(session_token_name, request_token_name)
                    return func(*args, **kwargs)
                return wrapper
            return inner
        def require_session(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                if not session.get(_USER_KEY):
                    abort(401)
                return func(*args, **kwargs)
            return wrapper
      `,
      'app.py': `
        from flask import Flask
        from csrf import csrf_protect, require_session
        from models import db, Item
        app = Flask(__name__)
        @app.delete("/items/<int:i>")
        @csrf_protect()
        def remove(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
        @app.delete("/owned/<int:i>")
        @require_session
        def remove_owned(i):
            Item.query.filter_by(id=i).delete(); db.session.commit()
            return ""
      `,
    });
    expect(rows(a)).toEqual([
      'DELETE /items/<int:i> unprotected',
      'DELETE /owned/<int:i> protected [require_session]',
    ]);
  });
});
