import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

type A = Awaited<ReturnType<typeof analyzeFiles>>;
const route = (a: A, path: string) => a.routes.find((r) => r.path === path);
const missing = (a: A, path: string) =>
  a.findings.find((f) => f.ruleId === 'missing-authentication' && f.route?.path === path);

const APP = {
  'models.py': `
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class User(db.Model):
        pass
  `,
  'app.py': `
    import os
    from flask import Flask, current_app, jsonify, request
    from flask_login import current_user, login_required
    from models import User

    app = Flask(__name__)
    SPEC = os.path.join(os.path.dirname(__file__), "openapi.yaml")

    @app.route("/swagger")
    def swagger():
        spec_path = os.path.join(current_app.root_path, "swagger-spec.yaml")
        with open(spec_path, "r") as f:
            return f.read()

    @app.route("/openapi")
    def openapi():
        return open(SPEC).read()

    @app.route("/docs")
    def docs():
        return open(os.path.join(current_app.root_path, "docs", request.args["page"])).read()

    @app.route("/export")
    def export():
        return open(os.path.join(app.config["EXPORT_DIR"], "latest.csv")).read()

    @app.route("/api/currentuser")
    def currentuser():
        return jsonify(
            name=current_user.get_name(),
            roles=[r.key for r in current_user.roles],
        )

    @app.route("/api/me")
    def me():
        return jsonify(email=current_user.email)

    @app.route("/api/users")
    def users():
        return jsonify(me=current_user.get_name(), users=[u.name for u in User.query.all()])

    @app.route("/account")
    @login_required
    def account():
        return "ok"
  `,
};

describe('answers that are the same for every caller, or about the caller alone', () => {
  it('serves a file shipped with the code as a static answer', async () => {
    const a = await analyzeFiles(APP);
    for (const path of ['/swagger', '/openapi']) {
      expect(route(a, path)?.auth.state, path).toBe('public');
      expect(missing(a, path), path).toBeUndefined();
    }
    // Traps: a file the request or the configuration chooses is data.
    for (const path of ['/docs', '/export']) {
      expect(route(a, path)?.auth.state, path).toBe('unprotected');
      expect(missing(a, path)?.message, path).toContain('reads the file');
    }
  });

  it("answers with the caller's own identity without reading application data", async () => {
    const a = await analyzeFiles(APP);
    expect(route(a, '/api/currentuser')?.auth.state).toBe('public');
    expect(missing(a, '/api/currentuser')).toBeUndefined();
    // Traps: an account field handed out, or other users' records, keep the route a finding.
    expect(missing(a, '/api/me')?.severity).toBe('high');
    expect(missing(a, '/api/users')?.severity).toBe('high');
  });
});

describe("an answer about the caller's own connection", () => {
  const app = (route: string) => ({
    'app.py': `
from flask import Flask, jsonify, render_template, request
from flask_login import login_required

app = Flask(__name__)

${route}

@app.route("/account")
@login_required
def account():
    return "ok"
`,
  });

  it('is not a service driven by input among guarded siblings', async () => {
    const a = await analyzeFiles(
      app(`@app.route("/nic/checkip.html", methods=["GET", "POST"])
def checkip():
    return render_template("ip.html", response=request.environ.get("HTTP_X_REAL_IP", request.remote_addr))`),
    );
    expect(missing(a, '/nic/checkip.html')?.severity ?? 'none').not.toBe('high');
    // Trap: a route that works on what the caller sends is still the forgotten decorator.
    const b = await analyzeFiles(
      app(`@app.route("/format", methods=["POST"])
def format_query():
    return jsonify(text=request.get_json()["query"].upper())`),
    );
    expect(missing(b, '/format')?.severity).toBe('high');
  });
});

describe('a new record created with a new password hash is a registration, whatever the model is called', () => {
  it('keeps anonymous creation of a password-holding project public, and flags a password reset of another record', async () => {
    const a = await analyzeFiles({
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Project(db.Model):
            id = db.Column(db.String, primary_key=True)
            password = db.Column(db.String)
        class Member(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            password_hash = db.Column(db.String)
      `,
      'utils.py': `
        from flask import current_app
        from werkzeug import security

        def generate_password_hash(*args, **kwargs):
            kwargs.setdefault("method", current_app.config["PASSWORD_HASH_METHOD"])
            return security.generate_password_hash(*args, **kwargs)
      `,
      'forms.py': `
        from models import Project
        from utils import generate_password_hash

        class ProjectForm:
            def save(self, data):
                return Project(id=data["id"], password=generate_password_hash(data["password"]))
      `,
      'app.py': `
        from flask import Flask, request
        from flask_login import LoginManager, login_required
        from werkzeug.security import generate_password_hash
        from forms import ProjectForm
        from models import Member, db

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/api/me")
        @login_required
        def me():
            return "x"

        @app.route("/api/projects", methods=["POST"])
        def create_project():
            project = ProjectForm().save(request.get_json())
            db.session.add(project)
            db.session.commit()
            return project.id, 201

        @app.route("/api/member-password", methods=["POST"])
        def reset_member_password():
            member = Member.query.get(request.form["id"])
            member.password_hash = generate_password_hash(request.form["password"])
            db.session.commit()
            return "", 204
      `,
    });
    expect(route(a, '/api/projects')?.auth.state).toBe('public');
    expect(route(a, '/api/projects')?.auth.publicReason).toContain(
      'account registration: creates a `Project` record holding a new password hash (`generate_password_hash()`) at forms.py:6',
    );
    expect(missing(a, '/api/projects')).toBeUndefined();
    // The trap: changing the password hash of a record that already exists stays a finding.
    expect(route(a, '/api/member-password')?.auth.state).toBe('unprotected');
    expect(missing(a, '/api/member-password')?.severity).toBe('high');
  });
});

describe('a record looked up and mailed to the address it holds is an account-recovery step', () => {
  /** A blueprint whose other routes need a sign-in, with `handler` as its unguarded password-reminder view. */
  const app = (handler: string) => ({
    'models.py': `
      from flask_sqlalchemy import SQLAlchemy
      db = SQLAlchemy()
      class Project(db.Model):
          id = db.Column(db.String, primary_key=True)
          contact_email = db.Column(db.String)
          reminded = db.Column(db.Boolean)
    `,
    'utils.py': `
      from flask import current_app
      def send_email(mail_message):
          try:
              current_app.mail.send(mail_message)
          except OSError:
              return False
          return True
    `,
    'web.py': `
      from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
      from flask_login import login_required
      from flask_mail import Mail, Message
      from .models import Project, db
      from .utils import send_email

      main = Blueprint("main", __name__)
      mail = Mail()

      @main.route("/projects")
      @login_required
      def projects():
          return jsonify([p.id for p in Project.query.all()])

      @main.route("/projects/<project_id>", methods=["DELETE"])
      @login_required
      def delete(project_id):
          Project.query.filter_by(id=project_id).delete()
          db.session.commit()
          return "", 204

      @main.route("/password-reminder", methods=["GET", "POST"])
      def remind_password():
          if request.method == "POST":
${handler
  .trim()
  .split('\n')
  .map((l) => `${' '.repeat(14)}${l}`)
  .join('\n')}
          return render_template("password_reminder.html")
    `,
  });
  const lookup = 'project = Project.query.get(request.form["id"])';
  const judged = async (handler: string) => {
    const a = await analyzeFiles(app(handler));
    // A handler that writes only under POST is judged method by method: the POST is the one to look at.
    const post = a.routes.find((r) => r.path === '/password-reminder' && r.methods.includes('POST'));
    return { state: post?.auth, finding: missing(a, '/password-reminder') };
  };

  it('keeps the reminder public with its evidence, but not when the caller picks the recipient, the answer carries the record, or it writes', async () => {
    for (const send of ['send_email(msg)', 'mail.send(msg)']) {
      const { state, finding } = await judged(`
${lookup}
msg = Message(
    "password recovery",
    body=render_template("reminder.txt", project=project),
    recipients=[project.contact_email],
)
${send}
return redirect(url_for(".remind_password"))`);
      expect(finding).toBeUndefined();
      expect(state?.state).toBe('public');
      expect(state?.publicReason).toBe(
        'account recovery: mails a message only to the address its record holds (`[project.contact_email]`) at web.py:26, changing no data and answering nothing read from it',
      );
    }
    // Traps: each stays the forgotten decorator.
    const traps = {
      // Anyone can mail anyone: an open relay.
      'recipient from the request': `
${lookup}
msg = Message("password recovery", body=project.id, recipients=[request.form["email"]])
send_email(msg)
return redirect("/")`,
      'the record and another address': `
${lookup}
msg = Message("password recovery", recipients=[project.contact_email, request.form["cc"]])
send_email(msg)
return redirect("/")`,
      'a page given the record': `
${lookup}
msg = Message("password recovery", recipients=[project.contact_email])
send_email(msg)
return render_template("sent.html", project=project)`,
      'the record as JSON': `
${lookup}
address = project.contact_email
send_email(Message("password recovery", recipients=[address]))
return jsonify(sent_to=address)`,
      'the address flashed': `
${lookup}
send_email(Message("password recovery", recipients=[project.contact_email]))
flash(f"sent to {project.contact_email}")
return redirect("/")`,
      'a write': `
${lookup}
send_email(Message("password recovery", recipients=[project.contact_email]))
project.reminded = True
db.session.commit()
return redirect("/")`,
      'a message never sent': `
${lookup}
msg = Message("password recovery", recipients=[project.contact_email])
return redirect("/")`,
    };
    for (const [trap, handler] of Object.entries(traps)) {
      const { state, finding } = await judged(handler);
      expect({ trap, state: state?.state, severity: finding?.severity }).toEqual({
        trap,
        state: 'unprotected',
        severity: 'high',
      });
    }
  });
});

describe('a health probe that only code tokengate cannot follow keeps from a static answer', () => {
  const PROBES = {
    'crypto.py': `
      import importlib
      from flask import current_app
      def get_module_class(package_name, class_name):
          return getattr(importlib.import_module(package_name), class_name)
      def get_hsm():
          package_name, class_name = current_app.config["HSM_MODULE"].rsplit(".", 1)
          hsm_class = get_module_class(package_name, class_name)
          return hsm_class({"file": current_app.config.get("ENCFILE")})
    `,
    'app.py': `
      from flask import Flask, Blueprint, current_app, jsonify, request
      from flask_jwt_extended import JWTManager, jwt_required
      from crypto import get_hsm
      app = Flask(__name__)
      JWTManager(app)
      healthz = Blueprint("healthz", __name__)

      @healthz.route("/readyz")
      def readyz():
          if not current_app.config.get("APP_READY"):
              return jsonify(status="not ready"), 503
          if not get_hsm().is_ready:
              return jsonify(status="not ready", hsm="fail"), 503
          return jsonify(status="ready", hsm="OK"), 200

      @healthz.route("/")
      def combined():
          status, code = readyz()
          return status, code

      @healthz.route("/ping/<name>")
      def ping_one(name):
          return jsonify(ok=get_hsm().ping(name))

      @app.route("/hsm/state")
      def hsm_state():
          return jsonify(ready=get_hsm().is_ready)

      @app.route("/api/secret")
      @jwt_required()
      def secret():
          return "x"

      app.register_blueprint(healthz, url_prefix="/healthz")
    `,
  };

  it('is public on purpose for a probe without input, and judged as before off a health path or with a URL value', async () => {
    const a = await analyzeFiles(PROBES);
    expect(route(a, '/healthz/readyz')?.auth.state).toBe('public');
    expect(route(a, '/healthz/readyz')?.auth.publicReason).toContain('health check');
    expect(missing(a, '/healthz/readyz')).toBeUndefined();
    expect(route(a, '/healthz/')?.auth.state).toBe('public');
    expect(missing(a, '/healthz/')).toBeUndefined();
    expect(missing(a, '/healthz/ping/<name>')?.severity).toBe('medium');
    expect(missing(a, '/hsm/state')?.severity).toBe('medium');
  });
});
