import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state` per route, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`);

/** `ruleId severity confidence METHODS path` per finding on a route. */
const findings = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.findings
    .filter((f) => f.route)
    .map((f) => `${f.ruleId} ${f.severity} ${f.confidence} ${f.route!.methods.join(',')} ${f.route!.path}`);

const MODELS = `
  from flask_sqlalchemy import SQLAlchemy
  db = SQLAlchemy()
  class User(db.Model):
      id = db.Column(db.Integer, primary_key=True)
      password_hash = db.Column(db.String)
      last_login = db.Column(db.DateTime)
  class Project(db.Model):
      id = db.Column(db.String, primary_key=True)
      name = db.Column(db.String)
      password = db.Column(db.String)
  class Bill(db.Model):
      id = db.Column(db.Integer, primary_key=True)
`;

describe('a password check does not make a data-changing route a sign-in step', () => {
  it('flags an edit form that checks the current password before saving, keeps a login that stamps last_login public', async () => {
    const a = await analyzeFiles({
      'proj/__init__.py': '',
      'proj/models.py': MODELS,
      'proj/forms.py': `
        from werkzeug.security import check_password_hash, generate_password_hash

        def update(project, name, password):
            project.name = name
            if password and not check_password_hash(project.password, password):
                project.password = generate_password_hash(password)
            return project
      `,
      'proj/web.py': `
        from datetime import datetime
        import jwt
        from flask import Flask, redirect, request, session
        from flask_login import LoginManager, login_required, login_user
        from werkzeug.security import check_password_hash
        from .forms import update
        from .models import Bill, Project, User, db

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/admin")
        @login_required
        def admin():
            return "x"

        @app.route("/<project_id>/edit", methods=["POST"])
        def edit_project(project_id):
            project = Project.query.get(project_id)
            update(project, request.form["name"], request.form.get("password"))
            db.session.commit()
            return redirect("/")

        @app.route("/<project_id>/wipe", methods=["POST"])
        def wipe(project_id):
            project = Project.query.get(project_id)
            if not check_password_hash(project.password, request.form["password"]):
                return "no", 403
            Bill.query.filter_by(project_id=project_id).delete()
            db.session.commit()
            return redirect("/")

        @app.route("/login", methods=["POST"])
        def login():
            user = User.query.filter_by(id=request.form["id"]).first()
            if user and check_password_hash(user.password_hash, request.form["password"]):
                user.last_login = datetime.utcnow()
                db.session.commit()
                login_user(user)
            return redirect("/")

        @app.route("/api/token", methods=["POST"])
        def token():
            user = User.query.filter_by(id=request.json["id"]).first()
            if not user or not check_password_hash(user.password_hash, request.json["password"]):
                return {"error": "bad credentials"}, 401
            user.last_login = datetime.utcnow()
            db.session.commit()
            return {"token": jwt.encode({"sub": user.id}, app.config["SECRET_KEY"], algorithm="HS256")}

        @app.route("/authenticate", methods=["POST"])
        def authenticate():
            project = Project.query.get(request.form["id"])
            if project and check_password_hash(project.password, request.form["password"]):
                session[project.id] = True
            return redirect("/")
      `,
    });
    expect(states(a)).toEqual([
      'GET /admin protected',
      'POST /<project_id>/edit unprotected',
      'POST /<project_id>/wipe unprotected',
      'POST /login public',
      'POST /api/token public',
      'POST /authenticate public',
    ]);
    expect(findings(a)).toEqual([
      'missing-authentication high likely POST /<project_id>/edit',
      'missing-authentication high likely POST /<project_id>/wipe',
    ]);
  });
});

describe('calls tokengate cannot follow give no confident static verdict', () => {
  it('flags handlers calling methods of a service of unknown type and serving a configured folder', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import os
        import flask
        from flask import Flask, jsonify, render_template, request, send_from_directory
        from flask_login import LoginManager, login_required

        app = Flask(__name__)
        LoginManager(app)
        HERE = os.path.dirname(__file__)

        @app.route("/admin")
        @login_required
        def admin():
            return "x"

        @app.route("/json/load_config")
        def load_config():
            api = flask.current_app.config["PYLOAD_API"]
            return jsonify(api.get_config_dict())

        @app.route("/files/get/<path:path>")
        def get_file(path):
            return send_from_directory(app.config["DOWNLOAD_FOLDER"], path, as_attachment=True)

        @app.route("/files/pick")
        def pick():
            return send_from_directory(request.args["folder"], request.args["name"])

        @app.route("/assets/<path:name>")
        def assets(name):
            return send_from_directory(os.path.join(HERE, "assets"), name)

        @app.route("/theme/<path:name>")
        def theme(name):
            return send_from_directory(app.static_folder, name)

        @app.route("/about")
        def about():
            return render_template("about.html", title="About")
      `,
    });
    expect(states(a)).toEqual([
      'GET /admin protected',
      'GET /json/load_config unprotected',
      'GET /files/get/<path:path> unprotected',
      'GET /files/pick unprotected',
      'GET /assets/<path:name> public',
      'GET /theme/<path:name> public',
      'GET /about public',
    ]);
    expect(findings(a)).toEqual([
      'missing-authentication medium possible GET /json/load_config',
      'missing-authentication medium likely GET /files/get/<path:path>',
      'missing-authentication medium likely GET /files/pick',
    ]);
  });
});

describe('a check that turns signed-in callers away is not optional authentication', () => {
  it('judges pages behind anonymous_required or a body that redirects signed-in callers on their own', async () => {
    const a = await analyzeFiles({
      'proj/__init__.py': '',
      'proj/models.py': MODELS,
      'proj/helpers.py': `
        from functools import wraps
        from flask import redirect, render_template as flask_render, session, url_for
        from flask_login import current_user

        def anonymous_required(f):
            @wraps(f)
            def wrapper(*a, **k):
                if current_user is not None and current_user.is_authenticated:
                    return redirect(url_for("index"))
                return f(*a, **k)
            return wrapper

        def render_template(template, **context):
            if current_user.is_authenticated and current_user.theme:
                theme = current_user.theme
            else:
                theme = session.get("theme", "default")
            return flask_render(template, theme=theme, **context)
      `,
      'proj/web.py': `
        from flask import Flask, current_app, redirect, request
        from flask.views import MethodView
        from flask_login import LoginManager, current_user, login_required
        from .helpers import anonymous_required, render_template
        from .models import Bill, db

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/")
        @login_required
        def index():
            return "x"

        @app.route("/reset-password", methods=["POST"])
        @anonymous_required
        def reset_password():
            service = current_app.extensions["reset_service"]
            service.initiate_password_reset(request.form["email"])
            return render_template("reset.html")

        class Register(MethodView):
            decorators = [anonymous_required]

            def __init__(self, service_factory):
                self.service_factory = service_factory

            def post(self):
                service = self.service_factory()
                service.register(request.form["name"])
                return render_template("registered.html")

        app.add_url_rule("/register", view_func=Register.as_view("register", service_factory=dict))

        @app.route("/invite", methods=["POST"])
        def invite():
            if current_user.is_authenticated:
                return redirect("/")
            db.session.add(Bill())
            db.session.commit()
            return redirect("/")

        @app.route("/bills", methods=["POST"])
        def add_bill():
            bill = Bill()
            if current_user.is_authenticated:
                bill.owner = current_user.id
                db.session.add(bill)
            db.session.add(Bill())
            db.session.commit()
            return render_template("bills.html")
      `,
    });
    expect(findings(a)).toEqual([
      'missing-authentication medium possible POST /reset-password',
      'missing-authentication medium possible POST /register',
      'missing-authentication high likely POST /invite',
      'optional-auth-on-write medium likely POST /bills',
    ]);
  });
});

describe('a URL token handed to code tokengate cannot follow is not a token never checked', () => {
  it('judges a reset handing its token to a service object as a possible token link, and a token used nowhere as unchecked', async () => {
    const a = await analyzeFiles({
      'proj/__init__.py': '',
      'proj/models.py': MODELS,
      'proj/web.py': `
        from flask import Flask, request
        from flask.views import MethodView
        from flask_login import LoginManager, login_required
        from .models import Bill, User, db

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/admin")
        @login_required
        def admin():
            return "x"

        class ResetPassword(MethodView):
            def __init__(self, service_factory):
                self.service_factory = service_factory

            def post(self, token):
                service = self.service_factory()
                service.reset_password(token, request.form["password"])
                db.session.commit()
                return "ok"

        app.add_url_rule("/reset-password/<token>", view_func=ResetPassword.as_view("reset", service_factory=object))

        @app.route("/bills/<token>/pay", methods=["POST"])
        def pay(token):
            bill = Bill()
            db.session.add(bill)
            db.session.commit()
            return "ok"
      `,
    });
    const reset = a.findings.filter((f) => f.route?.path === '/reset-password/<token>');
    expect(reset.map((f) => `${f.ruleId} ${f.severity} ${f.confidence}`)).toEqual([
      'missing-authentication medium possible',
    ]);
    expect(reset[0]!.message).toContain('hands it to `service.reset_password()`');
    expect(reset[0]!.message).toContain('which tokengate cannot follow');
    expect(reset[0]!.message).not.toContain('never checks');
    // The trap: a token that goes nowhere and a record written is still a token never checked.
    const pay = a.findings.filter((f) => f.route?.path === '/bills/<token>/pay');
    expect(pay.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['missing-authentication high']);
    expect(pay[0]!.message).toContain('never checks it');
  });
});
