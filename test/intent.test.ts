import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state (publicReason)` per route, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.auth.state}${r.auth.optional ? '(optional)' : ''}` +
      (r.auth.publicReason ? ` (${r.auth.publicReason})` : ''),
  );

describe('public on purpose only by evidence', () => {
  it('keeps a sign-in step public behind a hook that fails open in front of every route', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import os
        import jwt
        from flask import Flask, abort, g, request, session
        from werkzeug.security import check_password_hash
        from .models import User

        app = Flask(__name__)

        @app.before_request
        def load_user():
            header = request.headers.get("Authorization")
            if not header:
                return None
            try:
                g.user = jwt.decode(header[7:], os.environ["SECRET"], algorithms=["HS256"])
            except jwt.InvalidTokenError:
                abort(401)

        @app.post("/login")
        def login():
            user = User.query.filter_by(name=request.form["name"]).first()
            if user and check_password_hash(user.password_hash, request.form["password"]):
                session["user_id"] = user.id
            return {"ok": True}

        @app.get("/reports")
        def reports():
            return {"reports": User.query.count()}
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class User(db.Model):
            pass
      `,
    });
    expect(states(a)).toEqual([
      'POST /login public (sign-in step: `check_password_hash()` at app.py:22)',
      'GET /reports unprotected',
    ]);
    expect(a.findings.map((f) => f.ruleId)).toEqual(['auth-hook-fails-open']);
  });

  it("treats an OAuth 2 server's endpoint decorators as identity-provider steps, with their location", async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask
        from flask_jwt_extended import JWTManager, jwt_required
        from .oauth import oauth2

        app = Flask(__name__)
        JWTManager(app)

        @app.route("/oauth/token", methods=["POST"])
        @oauth2.token_handler
        def access_token():
            return None

        @app.post("/oauth/clients")
        @jwt_required()
        def clients():
            return {}
      `,
      'oauth.py': `
        from flask_oauthlib.provider import OAuth2Provider as Base

        class OAuth2Provider(Base):
            def init_app(self, app):
                super().init_app(app)

        oauth2 = OAuth2Provider()
      `,
    });
    expect(states(a)[0]).toBe('POST /oauth/token public (sign-in step: `@oauth2.token_handler` at app.py:9)');
    expect(a.routes[0]?.auth.publicEvidence).toEqual({ file: 'app.py', startLine: 9, endLine: 9 });
    expect(a.findings).toEqual([]);
  });

  it("keeps a class view's own OPTIONS handler public as the CORS preflight, beside its guarded methods", async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, jsonify
        from flask.views import MethodView
        from flask_login import LoginManager, login_required
        from .models import Note

        app = Flask(__name__)
        LoginManager(app)

        class Notes(MethodView):
            @login_required
            def get(self):
                return jsonify([n.id for n in Note.query.all()])

            def options(self):
                allowed = [m for m in self.methods if hasattr(self, m.lower())]
                return "", 204, {"Allow": ", ".join(allowed)}

        app.add_url_rule("/notes", view_func=Notes.as_view("notes"))
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Note(db.Model):
            pass
      `,
    });
    expect(states(a).find((s) => s.startsWith('OPTIONS'))).toMatch(
      /^OPTIONS \/notes public \(CORS preflight: answers OPTIONS only \(options at app\.py:14\)/,
    );
    expect(a.findings.filter((f) => f.ruleId === 'missing-authentication')).toEqual([]);
  });

  it('keeps a logout that touches no data public, but not a write under another name that does the same', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, current_app, jsonify
        from flask_jwt_extended import JWTManager, jwt_required

        app = Flask(__name__)
        JWTManager(app)

        @app.route("/auth/logout", methods=["GET", "POST"])
        def logout():
            return jsonify(status="ok", logoutUrl=current_app.config["OIDC_LOGOUT_URL"])

        @app.post("/auth/ping")
        def ping():
            return jsonify(status="ok")

        @app.get("/alerts")
        @jwt_required()
        def alerts():
            return jsonify([])
      `,
    });
    expect(states(a).slice(0, 2)).toEqual([
      'GET,POST /auth/logout public (logout step: logout at app.py:8 touches no application data)',
      'POST /auth/ping unprotected',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.route?.path}`)).toEqual([
      'missing-authentication /auth/ping',
    ]);
  });

  it('keeps a reset link public when a token-checking helper looks its parameter up in a store, not a record route', async () => {
    const a = await analyzeFiles({
      'app.py': `
      from flask import Flask, render_template, request
      from flask_login import LoginManager, login_required
      from .models import User, db
      from .tokens import verify_reset_token, remove_reset_token

      app = Flask(__name__)
      LoginManager(app)

      @app.route("/reset_password/<data>", methods=["GET", "POST"])
      def reset_password(data):
          try:
              email = verify_reset_token(data)
          except KeyError:
              return render_template("reset.html", error="invalid link")
          user = User.query.filter_by(email=email).first_or_404()
          user.password = request.form["password"]
          db.session.commit()
          remove_reset_token(data)
          return render_template("reset.html")

      @app.post("/notes/<data>")
      def note(data):
          user = User.query.filter_by(email=data).first_or_404()
          user.name = request.form["name"]
          db.session.commit()
          return "ok"

      @app.get("/me")
      @login_required
      def me():
          return "me"
    `,
      'cache.py': `
      from flask_redis import FlaskRedis
      class AppCache(FlaskRedis):
          def _key(self, name):
              return name
      cache = AppCache()
    `,
      'tokens.py': `
      from .cache import cache
      def verify_reset_token(nonce):
          addr = cache.get(f"reset_{nonce}")
          if addr is None:
              raise KeyError
          return addr
      def remove_reset_token(nonce):
          cache.delete(f"reset_{nonce}")
    `,
      'models.py': `
      from flask_sqlalchemy import SQLAlchemy
      db = SQLAlchemy()
      class User(db.Model):
          pass
    `,
    });
    expect(states(a).slice(0, 2)).toEqual([
      'GET,POST /reset_password/<data> public (token-gated link: checks its token (`verify_reset_token()` looks it up: `get()`) at tokens.py:3)',
      'POST /notes/<data> unprotected',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.route?.path}`)).toEqual([
      'missing-authentication /notes/<data>',
    ]);
  });

  it('keeps the redirect to an OAuth authorization endpoint public, but not a redirect that reads data', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, redirect, session
        from flask_login import LoginManager, login_required
        from .settings import get_setting

        app = Flask(__name__)
        LoginManager(app)

        @app.get("/oauth")
        def oauth_login():
            endpoint = get_setting("oauth_authorization_endpoint")
            url = "{endpoint}?response_type=code&client_id={client_id}&state={state}".format(
                endpoint=endpoint, client_id=get_setting("oauth_client_id"), state=session["nonce"]
            )
            return redirect(url)

        @app.get("/go")
        def go():
            return redirect(get_setting("landing") + "?id=1")

        @app.get("/me")
        @login_required
        def me():
            return "me"
      `,
      'settings.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Setting(db.Model):
            pass
        def get_setting(key):
            return Setting.query.filter_by(key=key).first()
      `,
    });
    expect(states(a).slice(0, 2)).toEqual([
      'GET /oauth public (sign-in step: redirects to an OAuth authorization endpoint (`response_type` and `client_id` in the URL) at app.py:14)',
      'GET /go unprotected',
    ]);
  });

  it('serves anonymous callers on purpose when a helper in another module tests whether there is one', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, jsonify
        from flask_login import LoginManager, login_required
        from .config import client_config

        app = Flask(__name__)
        LoginManager(app)

        @app.get("/api/config")
        def config():
            return jsonify(client_config())

        @app.get("/api/dashboards")
        @login_required
        def dashboards():
            return jsonify([])
      `,
      'config.py': `
        from flask_login import current_user
        from .models import Setting

        def client_config():
            config = {"languages": Setting.query.count()}
            if current_user.is_authenticated:
                config["user"] = current_user.get_id()
            return config
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Setting(db.Model):
            pass
      `,
    });
    expect(states(a)[0]).toBe('GET /api/config unprotected(optional)');
    expect(a.findings).toEqual([]);
  });
  it('reports a route whose guard was deleted although its body tests the account state', async () => {
    const a = await analyzeFiles({
      'auth.py': `
        from flask import Blueprint, redirect
        from flask_login import current_user, login_required
        from .models import db

        auth = Blueprint("auth", __name__)

        @auth.route("/confirm/<token>")
        def confirm(token):
            if current_user.confirmed:
                return redirect("/")
            if current_user.confirm(token):
                db.session.commit()
            return redirect("/")

        @auth.route("/confirm")
        @login_required
        def resend_confirmation():
            return redirect("/")
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
      `,
      'app.py': `
        from flask import Flask
        from flask_login import LoginManager
        from .auth import auth

        app = Flask(__name__)
        LoginManager(app)
        app.register_blueprint(auth, url_prefix="/auth")
      `,
    });
    expect(states(a)[0]).toBe('GET /auth/confirm/<token> unprotected');
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /auth/confirm/<token>',
    ]);
  });

  it('keeps a link public when it looks its value up among random tokens the app stored, whatever the names', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, render_template, request
        from flask_login import LoginManager, login_required
        from .models import User, db
        from .links import address_for, remember, peek, cached_profile, log
        from .cache import cache

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/reset_password", methods=["GET", "POST"])
        @app.route("/reset_password/<data>", methods=["GET", "POST"])
        def reset_password(data=None):
            if data is not None:
                try:
                    email = address_for(data)
                except KeyError:
                    return render_template("reset.html", error="invalid link")
                user = User.query.filter_by(email=email).first_or_404()
                user.password = request.form["password"]
                db.session.commit()
                log("password reset")
                return render_template("reset.html")
            remember(request.form["email"])
            return render_template("reset.html")

        @app.post("/unchecked/<data>")
        def unchecked(data):
            user = User.query.filter_by(email=peek(data)).first()
            user.password = request.form["password"]
            db.session.commit()
            return "ok"

        @app.post("/profiles/<data>")
        def profile(data):
            user = User.query.filter_by(email=cached_profile(data)).first()
            user.name = request.form["name"]
            db.session.commit()
            return "ok"

        @app.get("/healthcheck")
        def healthcheck():
            cache.set("healthcheck", 1)
            return "OK" if cache.get("healthcheck") == 1 else ("ERR", 500)

        @app.get("/me")
        @login_required
        def me():
            return "me"
      `,
      'cache.py': `
        from flask_caching import Cache

        class AppCache(Cache):
            def inc(self, key):
                return self.cache.inc(key)

        cache = AppCache()
      `,
      'links.py': `
        import logging
        import os
        from flask import session
        from .cache import cache

        def log(what):
            logging.getLogger("app").info("%s by %s", what, session.get("id"))

        def hexencode(b):
            return b.hex()

        def remember(addr):
            nonce = hexencode(os.urandom(32))
            cache.set(f"reset_{nonce}", addr, timeout=1800)
            return nonce

        def address_for(nonce):
            addr = cache.get(f"reset_{nonce}")
            if addr is None:
                raise KeyError
            return addr

        def peek(nonce):
            return cache.get(f"reset_{nonce}")

        def cached_profile(name):
            found = cache.get(f"profile_{name}")
            if found is None:
                raise KeyError
            return found
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class User(db.Model):
            pass
      `,
    });
    const reason =
      'token-gated: checks a token (looks `nonce` up among the random tokens stored at links.py:14) at links.py:18';
    expect(states(a).slice(0, 5)).toEqual([
      `GET,POST /reset_password public (${reason})`,
      `GET,POST /reset_password/<data> public (${reason})`,
      'POST /unchecked/<data> unprotected',
      'POST /profiles/<data> unprotected',
      'GET /healthcheck public (static answer: returns what healthcheck computes at app.py:41 without touching application data)',
    ]);
    expect(a.routes[0]?.auth.publicEvidence).toEqual({ file: 'links.py', startLine: 18, endLine: 18 });
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /unchecked/<data>',
      'missing-authentication high /profiles/<data>',
    ]);
  });

  it('reads `authed() is False` as the test it is: a page sending anonymous callers to sign-in is no finding', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, abort, redirect, render_template, request, url_for
        from .models import Note, Page
        from .user import authed

        app = Flask(__name__)

        def authed_only(f):
            def wrapper(*args, **kwargs):
                if authed() is False:
                    return redirect(url_for("login"))
                return f(*args, **kwargs)
            return wrapper

        @app.route("/", defaults={"route": "index"})
        @app.route("/<path:route>")
        def page(route):
            page = Page.query.filter_by(route=route).first_or_404()
            if page.auth_required and authed() is False:
                return redirect(url_for("login", next=request.full_path))
            return render_template("page.html", content=page.html)

        @app.get("/drafts/<int:id>")
        def draft(id):
            return render_template("page.html", content=Page.query.get_or_404(id).html)

        @app.get("/notes")
        @authed_only
        def notes():
            return render_template("notes.html", notes=Note.query.all())
      `,
      'user.py': `
        from flask import session

        def authed():
            return bool(session.get("id", False))
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Page(db.Model):
            pass
        class Note(db.Model):
            pass
      `,
    });
    expect(states(a)).toEqual([
      'GET / protected',
      'GET /<path:route> protected',
      'GET /drafts/<int:id> unprotected',
      'GET /notes protected',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /drafts/<int:id>',
    ]);
  });
});

describe('hooks that load the caller identity', () => {
  const app = (extra: string): Record<string, string> => ({
    'app.py': `
      from functools import wraps
      from flask import Blueprint, Flask, g, jsonify, request
      from werkzeug.exceptions import Forbidden, Unauthorized
      from .models import Sample, verify_session_token

      app = Flask(__name__)
      api = Blueprint("api", __name__, url_prefix="/api")

      def requires_authorization(f):
          @wraps(f)
          def endpoint(*args, **kwargs):
              if not g.auth_user:
                  raise Unauthorized("Not authenticated.")
              return f(*args, **kwargs)
          return endpoint

      @api.before_request
      def require_auth():
          g.auth_user = None
          auth = request.headers.get("Authorization")
          if auth and auth.startswith("Bearer "):
              g.auth_user = verify_session_token(auth.split(" ", 1)[1])
          if g.auth_user and g.auth_user.disabled:
              raise Forbidden("User has been disabled.")

      @api.get("/ping")
      def ping():
          return {"status": "ok"}

      @api.get("/server")
      def server_info():
          return jsonify(instance="mine", is_authenticated=bool(g.auth_user))

      @api.get("/samples")
      @requires_authorization
      def list_samples():
          return jsonify([s.id for s in Sample.query.all()])
      ${extra}
      app.register_blueprint(api)
    `,
    'models.py': `
      from flask_sqlalchemy import SQLAlchemy
      db = SQLAlchemy()
      class Sample(db.Model):
          pass
      def verify_session_token(token):
          return None
    `,
  });

  it('reports no failed gate when every route left to the hook alone is public or reads only the caller', async () => {
    const a = await analyzeFiles(app(''));
    expect(a.findings.map((f) => f.ruleId)).toEqual([]);
  });

  it('names only the route that reads data with the hook as its only guard', async () => {
    const a = await analyzeFiles(
      app(`
      @api.get("/samples/<int:sample_id>")
      def get_sample(sample_id):
          return jsonify(id=Sample.query.get_or_404(sample_id).id)
      `),
    );
    const hook = a.findings.filter((f) => f.ruleId === 'auth-hook-fails-open');
    expect(hook.map((f) => [f.severity, f.location.startLine])).toEqual([['high', 17]]);
    expect(hook[0]!.message).toContain('1 route relies on it (`GET /api/samples/<int:sample_id>`)');
  });
});
