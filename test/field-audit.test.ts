import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state` per route, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`);

/** `ruleId severity METHODS path` per finding on a route. */
const findings = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.findings
    .filter((f) => f.route)
    .map((f) => `${f.ruleId} ${f.severity} ${f.route!.methods.join(',')} ${f.route!.path}`);

/** A vendored Flask-Principal, trimmed: what the project's copy defines. */
const VENDORED_PRINCIPAL = `
  from functools import wraps
  from flask import abort, g

  class RoleNeed(tuple):
      pass

  class IdentityContext(object):
      def __init__(self, permission, http_exception=None):
          self.permission = permission
          self.http_exception = http_exception

      def can(self):
          return self.permission.allows(g.identity)

      def __enter__(self):
          if not self.can():
              if self.http_exception:
                  abort(self.http_exception, self.permission)
              raise PermissionDenied(self.permission)

      def __exit__(self, *args):
          return False

  class Permission(object):
      def __init__(self, *needs):
          self.needs = set(needs)

      def require(self, http_exception=None):
          return IdentityContext(self, http_exception)

      def can(self):
          return self.require().can()

      def allows(self, identity):
          return bool(self.needs & identity.provides)

  class PermissionDenied(RuntimeError):
      pass
`;

describe('a vendored copy of a catalogued library is that library', () => {
  it('recognises permissions of a vendored Flask-Principal as decorators, context managers and can() checks', async () => {
    const a = await analyzeFiles({
      'proj/__init__.py': '',
      'proj/vendor/__init__.py': '',
      'proj/vendor/flask_principal.py': VENDORED_PRINCIPAL,
      'proj/access/__init__.py': '',
      'proj/access/permissions.py': `
        from proj.vendor.flask_principal import Permission, RoleNeed

        class AppPermission(Permission):
            def __init__(self, name, *needs):
                self.name = name
                Permission.__init__(self, *needs)

        class Permissions:
            ADMIN = AppPermission("Admin", RoleNeed("admin"))
            PRINT = AppPermission("Print", RoleNeed("print"))
      `,
      'proj/models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Item(db.Model):
            pass
      `,
      'proj/api.py': `
        from flask import Blueprint, abort, request
        from proj.access.permissions import Permissions
        from proj.models import db, Item

        api = Blueprint("api", __name__)

        @api.route("/items/<int:i>", methods=["DELETE"])
        @Permissions.ADMIN.require(403)
        def delete_item(i):
            Item.query.filter_by(id=i).delete()
            db.session.commit()
            return "", 204

        @api.route("/job", methods=["POST"])
        def start_job():
            with Permissions.PRINT.require(403):
                db.session.add(Item())
                db.session.commit()
            return "", 204

        @api.route("/setup", methods=["POST"])
        def setup():
            if not Permissions.ADMIN.can():
                abort(403)
            db.session.add(Item())
            db.session.commit()
            return "", 204

        @api.route("/open/<int:i>", methods=["DELETE"])
        def open_delete(i):
            Item.query.filter_by(id=i).delete()
            db.session.commit()
            return "", 204
      `,
      'app.py': `
        from flask import Flask
        from proj.api import api
        app = Flask(__name__)
        app.register_blueprint(api, url_prefix="/api")
      `,
    });
    expect(states(a)).toEqual([
      'DELETE /api/items/<int:i> protected',
      'POST /api/job protected',
      'POST /api/setup protected',
      'DELETE /api/open/<int:i> unprotected',
    ]);
    expect(findings(a)).toEqual(['missing-authentication high DELETE /api/open/<int:i>']);
  });
});

describe('effects of a project method need the receiver to be of its class', () => {
  const files = {
    'models.py': `
      from flask_sqlalchemy import SQLAlchemy
      db = SQLAlchemy()

      class Token(db.Model):
          pass

      class TokenStore:
          def set(self, key, value):
              Token.query.filter_by(key=key).delete()
              db.session.commit()
    `,
    'sync.py': `
      class SyncState:
          HEADER = "x-sync"

          def write_header(self, headers):
              headers.set(SyncState.HEADER, "1")
    `,
    'app.py': `
      import requests
      from flask import Flask, Blueprint, make_response, request
      from flask_login import login_required
      from models import Token, TokenStore
      from sync import SyncState

      app = Flask(__name__)
      store = Blueprint("store", __name__)

      @store.route("/store/v1/proxy", methods=["GET", "POST"])
      def proxy():
          upstream = requests.request(request.method, "https://store.example.com/v1", data=request.get_data())
          response = make_response(upstream.content, upstream.status_code)
          SyncState().write_header(response.headers)
          return response

      @store.route("/store/v1/reset", methods=["POST"])
      def reset():
          TokenStore().set(request.form["key"], None)
          return "", 204

      @store.route("/store/v1/tokens", methods=["DELETE"])
      def drop_tokens():
          Token.query.delete()
          return "", 204

      @store.route("/store/v1/library")
      @login_required
      def library():
          return {"tokens": Token.query.count()}

      app.register_blueprint(store)
    `,
  };

  it('does not rate a route high for a library method that shares a project method name', async () => {
    const a = await analyzeFiles(files);
    const byPath = (p: string) =>
      a.findings.find((f) => f.ruleId === 'missing-authentication' && f.route?.path === p);
    // `response.headers.set(...)` is werkzeug's Headers, not the project's `TokenStore.set`.
    expect(byPath('/store/v1/proxy')?.severity).not.toBe('high');
    expect(byPath('/store/v1/proxy')?.message ?? '').not.toMatch(/^`[^`]*` deletes rows/);
    // Trap: called on an object of the class (`TokenStore()`), the method's deletes still count.
    expect(byPath('/store/v1/reset')?.severity).toBe('high');
    expect(byPath('/store/v1/reset')?.message).toContain('deletes rows of `Token`');
    // Trap: a route that deletes rows itself stays high.
    expect(byPath('/store/v1/tokens')?.severity).toBe('high');
  });
});

describe("the realm's baseline in messages is what is true of it", () => {
  it('does not deny public siblings, nor suggest a decorator only one sibling uses', async () => {
    const a = await analyzeFiles({
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Page(db.Model):
            pass
        class User(db.Model):
            pass
      `,
      'decorators.py': `
        from functools import wraps
        from flask import abort, request
        from models import User

        def dyndns_login_required(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if not request.authorization or not User.query.filter_by(name=request.authorization.username).first():
                    abort(401)
                return f(*args, **kwargs)
            return decorated
      `,
      'app.py': `
        from flask import Flask, Blueprint, render_template, request, redirect
        from flask_login import login_required, login_user
        from werkzeug.security import check_password_hash
        from decorators import dyndns_login_required
        from models import Page, User

        app = Flask(__name__)
        index = Blueprint("index", __name__)
        admin = Blueprint("admin", __name__)

        @index.route("/")
        @login_required
        def home():
            return render_template("home.html", pages=Page.query.all())

        @index.route("/login", methods=["POST"])
        def login():
            user = User.query.filter_by(name=request.form["name"]).first()
            if user and check_password_hash(user.password_hash, request.form["password"]):
                login_user(user)
            return redirect("/")

        @index.route("/nic/update")
        @dyndns_login_required
        def dyndns_update():
            return Page.query.count()

        @index.route("/about")
        def about():
            return render_template("about.html", page=Page.query.filter_by(name="about").first())

        @admin.route("/admin/users")
        @login_required
        def users():
            return {"n": User.query.count()}

        @admin.route("/admin/pages")
        @login_required
        def admin_pages():
            return {"n": Page.query.count()}

        app.register_blueprint(index)
        app.register_blueprint(admin)
      `,
    });
    const about = a.findings.find((f) => f.ruleId === 'missing-authentication' && f.route?.path === '/about');
    expect(about?.message).toContain(
      'while every other route of blueprint `index` that is not public on purpose requires authentication',
    );
    expect(about?.message).toContain('`@login_required`');
    expect(about?.message).not.toContain('dyndns_login_required');
  });
});

describe('python3-saml service-provider steps are sign-in steps', () => {
  it('keeps the SAML login redirect and SP metadata public, built through a project helper', async () => {
    const a = await analyzeFiles({
      'saml.py': `
        class SAML(object):
            def __init__(self):
                from onelogin.saml2.auth import OneLogin_Saml2_Auth
                self.OneLogin_Saml2_Auth = OneLogin_Saml2_Auth

            def prepare_flask_request(self, request):
                return {"https": "on", "http_host": request.host, "get_data": request.args.copy()}

            def init_saml_auth(self, req):
                settings = {"strict": True}
                return self.OneLogin_Saml2_Auth(req, settings)
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Domain(db.Model):
            pass
      `,
      'app.py': `
        from flask import Flask, Blueprint, make_response, redirect, request
        from flask_login import login_required
        from models import Domain
        from saml import SAML

        app = Flask(__name__)
        index = Blueprint("index", __name__)
        saml = None

        @index.before_app_request
        def register_modules():
            global saml
            saml = SAML()

        @index.route("/")
        @login_required
        def home():
            return {"n": Domain.query.count()}

        @index.route("/saml/login")
        def saml_login():
            req = saml.prepare_flask_request(request)
            auth = saml.init_saml_auth(req)
            return redirect(auth.login(return_to="/"))

        @index.route("/saml/metadata")
        def saml_metadata():
            req = saml.prepare_flask_request(request)
            auth = saml.init_saml_auth(req)
            settings = auth.get_settings()
            metadata = settings.get_sp_metadata()
            return make_response(metadata, 200)

        @index.route("/domains/<int:i>", methods=["DELETE"])
        def drop_domain(i):
            Domain.query.filter_by(id=i).delete()
            return "", 204

        app.register_blueprint(index)
      `,
    });
    expect(states(a)).toEqual([
      'GET / protected',
      'GET /saml/login public',
      'GET /saml/metadata public',
      'DELETE /domains/<int:i> unprotected',
    ]);
    expect(a.routes.find((r) => r.path === '/saml/metadata')?.auth.publicReason).toMatch(
      /get_settings|get_sp_metadata/,
    );
    expect(findings(a)).toEqual(['missing-authentication high DELETE /domains/<int:i>']);
  });
});
