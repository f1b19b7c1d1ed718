import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

type A = Awaited<ReturnType<typeof analyzeFiles>>;
const severity = (a: A, path: string) =>
  a.findings.find((f) => f.ruleId === 'missing-authentication' && f.route?.path === path)?.severity;

// Modelled on public pages of real apps (autocomplete views handing the caller to an action registry, a search
// handing the session's user to a provider, a session-expiry probe) beside routes that load the caller's own
// records without a guard.
const APP = {
  'actions.py': `
    _actions = {}

    def get_action(name):
        return _actions[name]
  `,
  'app.py': `
    from flask import Flask, g, jsonify, request, session
    from flask_jwt_extended import JWTManager, get_jwt_identity, jwt_required
    from flask_login import current_user
    from actions import get_action

    app = Flask(__name__)
    jwt = JWTManager(app)
    SETTINGS = {}

    def search_provider():
        return app.config["SEARCH_PROVIDER"]

    @app.route("/api/admin")
    @jwt_required()
    def admin():
        return jsonify(ok=True)

    @app.route("/api/util/tag/autocomplete")
    def tag_autocomplete():
        q = request.args.get("incomplete", "")
        context = {"user": current_user.name, "auth_user_obj": current_user}
        tags = get_action("tag_autocomplete")(context, {"q": q})
        return jsonify(ResultSet={"Result": tags})

    @app.route("/search/api/search")
    def api_search():
        result = search_provider().search(request.args["q"], g.user)
        return jsonify(result)

    @app.route("/search/options")
    def search_options():
        admin = g.user and g.user.is_admin
        return jsonify(admin_override=bool(admin))

    @app.route("/session-expiry")
    def session_expiry():
        return jsonify(session_expiry=session.get("_expires"))

    @app.route("/api/profile")
    def profile():
        return jsonify(user_id=get_jwt_identity())

    @app.route("/api/settings")
    def settings():
        return jsonify(SETTINGS.get(current_user.id, {}))

    @app.route("/api/preferences")
    def preferences():
        return jsonify(SETTINGS.get(session["user_id"], {}))
  `,
};

describe("the caller's identity as evidence of a forgotten guard", () => {
  it('is not where the identity is only handed to code tokengate cannot follow', async () => {
    const a = await analyzeFiles(APP);
    expect(severity(a, '/api/util/tag/autocomplete')).toBe('medium');
    expect(severity(a, '/search/api/search')).toBe('medium');
  });

  it('is not where the identity is used only when there is one, nor a session key that is no identity', async () => {
    const a = await analyzeFiles(APP);
    expect(severity(a, '/search/options')).not.toBe('high');
    expect(severity(a, '/session-expiry')).not.toBe('high');
  });

  it('is where the handler loads the signed-in caller by their identity without a guard', async () => {
    const a = await analyzeFiles(APP);
    expect(severity(a, '/api/profile')).toBe('high');
    expect(severity(a, '/api/settings')).toBe('high');
    expect(severity(a, '/api/preferences')).toBe('high');
  });
});
