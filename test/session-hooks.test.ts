import { describe, expect, it } from 'vitest';
import { analyzeFiles, routeTable } from './helpers/analyze.js';

/**
 * App-wide hooks that sign requests in through the app's own session object, and hooks whose rejections run for
 * part of the app only. The whole apps, run under real Flask, are the fixtures newsroom-session-hook and
 * tipline-codename.
 */

/** The app's session class, its session opened from a cookie; `session` re-exported typed as that class. */
const sessions = (base: string): string => `
  import typing
  from flask.sessions import SessionInterface, SessionMixin
  from werkzeug.datastructures import CallbackDict

  class Base:
      pass

  class AppSession(CallbackDict, ${base}):
      def __init__(self, initial=None):
          CallbackDict.__init__(self, initial)
          self.uid = self.get("uid")

      def logged_in(self):
          return self.uid is not None

  class AppSessionInterface(SessionInterface):
      def open_session(self, app, request):
          return AppSession(STORE.get(request.cookies.get("sid", "")))

  STORE = {}

  from flask import session  # noqa

  session = typing.cast(AppSession, session)
`;

const app = `
  from flask import Flask, redirect, request, url_for
  from sessions import AppSessionInterface, session

  app = Flask(__name__)
  app.session_interface = AppSessionInterface()
  NOTES = {}
  _public_views = ["login", "static"]

  @app.before_request
  def require_sign_in():
      if request.endpoint not in _public_views and not session.logged_in():
          return redirect(url_for("login"))

  @app.route("/login")
  def login():
      return "sign in"

  @app.route("/notes/<int:nid>", methods=["DELETE"])
  def delete_note(nid):
      NOTES.pop(nid, None)
      return "deleted"
`;

describe('a hook asking the app’s own session whether the caller is signed in', () => {
  it('protects every route it does not exempt when the class is a Flask session (SessionMixin), and only then', async () => {
    const signedIn = await analyzeFiles({ 'sessions.py': sessions('SessionMixin'), 'app.py': app });
    expect(routeTable(signedIn)).toEqual(['DELETE /notes/<int:nid> protected', 'GET /login public']);
    expect(signedIn.findings).toEqual([]);

    // Any other class's state says nothing about the caller.
    const other = await analyzeFiles({ 'sessions.py': sessions('Base'), 'app.py': app });
    expect(routeTable(other)).toEqual(['DELETE /notes/<int:nid> unprotected', 'GET /login public']);
    expect(other.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /notes/<int:nid>',
    ]);
  });
});

describe('a hook whose rejection runs for part of the app only', () => {
  it('protects the requests under that path, minus its own allow-list, and no others', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, abort, request, session

        app = Flask(__name__)
        USERS = {}
        REPORTS = {}
        PUBLIC_ADMIN = ["admin_status"]

        @app.before_request
        def admin_only():
            if request.path.split("/")[1] == "admin":
                if request.endpoint not in PUBLIC_ADMIN and session.get("admin_id") is None:
                    abort(403)

        @app.route("/admin/users/<int:uid>", methods=["DELETE"])
        def delete_user(uid):
            USERS.pop(uid, None)
            return "deleted"

        @app.route("/admin/status")
        def admin_status():
            return "ok"

        @app.route("/reports/<int:rid>", methods=["DELETE"])
        def delete_report(rid):
            REPORTS.pop(rid, None)
            return "deleted"
      `,
    });
    expect(routeTable(a)).toEqual([
      'DELETE /admin/users/<int:uid> protected',
      'DELETE /reports/<int:rid> unprotected',
      'GET /admin/status public',
    ]);
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication high /reports/<int:rid>',
    ]);
  });
});

describe('a session entry named by a helper parameter', () => {
  const app = (key: string): string => `
    import base64, os
    from flask import Flask, abort, session

    app = Flask(__name__)
    _TOKEN_KEY = "${key}"
    NOTES = {}

    def issue_token(session_key=_TOKEN_KEY, force=False):
        if session_key not in session or force:
            session[session_key] = base64.urlsafe_b64encode(os.urandom(48)).decode("utf-8")
        return session[session_key]

    @app.route("/token")
    def token():
        return {"token": issue_token()}

    @app.route("/notes/<int:nid>", methods=["DELETE"])
    def delete_note(nid):
        if session.get("user_id") is None:
            abort(401)
        NOTES.pop(nid, None)
        return "deleted"
  `;

  it('is read by its default: a CSRF token is page-flow state, a user id is who the caller is', async () => {
    const csrf = await analyzeFiles({ 'app.py': app('_csrf_token') });
    expect(routeTable(csrf)).toEqual(['DELETE /notes/<int:nid> protected', 'GET /token public']);
    expect(csrf.findings.filter((f) => f.severity === 'high')).toEqual([]);

    const identity = await analyzeFiles({ 'app.py': app('user_id') });
    expect(routeTable(identity)).toEqual(['DELETE /notes/<int:nid> protected', 'GET /token unprotected']);
  });
});
