import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state`, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`);

/** `severity METHODS path: message start` per finding on a route. */
const findings = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.findings
    .filter((f) => f.route)
    .map(
      (f) =>
        `${f.severity} ${f.route!.methods.join(',')} ${f.route!.path}: ${f.message.split(' without ')[0]}`,
    );

// A mail server's admin UI: models reached as attributes of the imported module (`models.User`), the UI mounted
// under a prefix taken from the configuration, self-service sign-up with and without the domain in the URL.
const FILES = {
  'mail/__init__.py': '',
  'mail/models.py': `
    import passlib.context
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class Domain(db.Model):
        name = db.Column(db.String, primary_key=True)
        signup_enabled = db.Column(db.Boolean)
    class User(db.Model):
        email = db.Column(db.String, primary_key=True)
        password = db.Column(db.String)
  `,
  'mail/ui.py': `
    import flask
    import flask_login
    from mail import models

    ui = flask.Blueprint("ui", __name__)

    @ui.route("/user/list")
    @flask_login.login_required
    def user_list():
        return flask.render_template("list.html", users=models.User.query.all())

    @ui.route("/user/signup", methods=["GET", "POST"])
    @ui.route("/user/signup/<domain_name>", methods=["GET", "POST"])
    def user_signup(domain_name=None):
        available = {d.name: d for d in models.Domain.query.filter_by(signup_enabled=True).all()}
        if not domain_name:
            return flask.render_template("signup_domain.html", available=available)
        domain = available.get(domain_name) or flask.abort(404)
        if flask.request.method == "POST":
            user = models.User(domain=domain, email=flask.request.form["email"])
            models.db.session.add(user)
            models.db.session.commit()
            return flask.redirect(flask.url_for(".user_list"))
        return flask.render_template("signup.html", domain=domain)

    @ui.route("/user/export")
    def user_export():
        return flask.jsonify([u.email for u in models.User.query.all()])
  `,
  'mail/app.py': `
    import flask
    import flask_login
    from mail.ui import ui
    app = flask.Flask(__name__)
    flask_login.LoginManager(app)
    app.register_blueprint(ui, url_prefix=app.config["WEB_ADMIN"])
  `,
};

describe('sign-up pages of an app mounted under a configured prefix', () => {
  it('keeps self-service sign-up public, with or without the domain in the URL, and reads models through their module', async () => {
    const a = await analyzeFiles(FILES);
    expect(states(a)).toEqual([
      'GET <config:WEB_ADMIN>/user/list protected',
      'GET,POST <config:WEB_ADMIN>/user/signup public',
      'GET,POST <config:WEB_ADMIN>/user/signup/<domain_name> public',
      'GET <config:WEB_ADMIN>/user/export unprotected',
    ]);
    expect(findings(a)).toEqual([
      'high GET <config:WEB_ADMIN>/user/export: `GET <config:WEB_ADMIN>/user/export` reads `User` (mail/ui.py:28)',
    ]);
  });
});
