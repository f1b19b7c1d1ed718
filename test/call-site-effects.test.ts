import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

type A = Awaited<ReturnType<typeof analyzeFiles>>;
const missing = (a: A, path: string) =>
  a.findings.find((f) => f.ruleId === 'missing-authentication' && f.route?.path === path);

/** Every other route is protected, so that an open route that changes data is the forgotten decorator. */
const APP = {
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
  'cursor.py': `
    class SyncCursor:
        def __init__(self, raw):
            self.raw = raw
        def stamp(self, headers):
            headers.set("X-Sync", self.raw)
  `,
  'folders.py': `
    import os
    def base_folder(name, check_writable=True):
        folder = os.path.join("/srv/data", name)
        if check_writable:
            with open(os.path.join(folder, ".probe"), "w") as f:
                f.write("x")
        return folder
  `,
  'app.py': `
    import os
    import requests
    from flask import Flask, request, send_file
    from flask_login import login_required
    from werkzeug.datastructures import Headers
    from models import TokenStore
    from cursor import SyncCursor
    from folders import base_folder

    app = Flask(__name__)

    def forward(cursor):
        out = Headers(request.headers)
        cursor.stamp(out)
        return requests.post("https://store.example", headers=out).content

    def wipe(store, key):
        store.set(key, None)

    @app.route("/proxy", methods=["POST"])
    def proxy():
        return forward(SyncCursor(request.args["cursor"]))

    @app.route("/tokens/clear", methods=["POST"])
    def clear_tokens():
        wipe(TokenStore(), request.form["key"])
        return "ok"

    @app.route("/i18n/<locale>.js")
    def translations(locale):
        return send_file(os.path.join(base_folder("translations", check_writable=False), locale + ".js"))

    @app.route("/prepare")
    def prepare():
        return base_folder("translations")

    @app.route("/account")
    @login_required
    def account():
        return "ok"
  `,
};

describe('a method guessed by name is judged at each call', () => {
  it('does not attribute a project method to a library object handed to a helper', async () => {
    const a = await analyzeFiles(APP);
    // `cursor.stamp(out)` → `headers.set(...)`: `out` is werkzeug's Headers, not the project's TokenStore.
    expect(missing(a, '/proxy')?.message ?? '').not.toContain('Token');
    // Trap: handed an object of the project's class, the helper's call still reaches its deletes.
    expect(missing(a, '/tokens/clear')?.message).toContain('deletes rows of `Token`');
  });

  it('skips a branch guarded by a parameter the call passes as False', async () => {
    const a = await analyzeFiles(APP);
    expect(missing(a, '/i18n/<locale>.js')?.message ?? '').not.toContain('writes the file');
    // Trap: called with the default (True), the write still happens and the route is the forgotten decorator.
    expect(missing(a, '/prepare')?.severity).toBe('high');
    expect(missing(a, '/prepare')?.message).toContain('writes the file');
  });
});
