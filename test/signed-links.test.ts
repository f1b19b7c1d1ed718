import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state (publicReason)` per route, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.auth.state}` +
      (r.auth.publicReason ? ` (${r.auth.publicReason})` : ''),
  );

// A share page signed with the app's key: the link carries `mac`, the server recomputes it and turns away others.
const files = {
  'app.py': `
    import hashlib
    import hmac
    from flask import Flask, abort, request
    from .models import Config
    from .signing import keyed, Share

    app = Flask(__name__)

    @app.get("/share/<kind>")
    def share(kind):
        s = Share(kind)
        if request.args.get("mac") != s.mac:
            abort(404)
        return Config.query.first().value

    @app.get("/digest/<kind>")
    def digest(kind):
        if not hmac.compare_digest(request.args.get("sig", ""), keyed(kind)):
            abort(404)
        return Config.query.first().value

    @app.get("/plain/<kind>")
    def plain(kind):
        if request.args.get("mac") != hashlib.sha256(kind.encode()).hexdigest():
            abort(404)
        return Config.query.first().value

    @app.get("/never/<kind>")
    def never(kind):
        s = Share(kind)
        if request.args.get("mac") != s.mac:
            print("mismatch")
        return Config.query.first().value

    @app.get("/me")
    @login_required
    def me():
        return "me"
  `,
  'signing.py': `
    import hashlib
    import hmac as _hmac
    from flask import current_app

    def keyed(data):
        secret = current_app.config["SECRET_KEY"].encode()
        return _hmac.new(key=secret, msg=data.encode(), digestmod=hashlib.sha1).hexdigest()

    class Share:
        def __init__(self, kind):
            self.kind = kind

        @property
        def mac(self):
            return keyed(f"{self.kind}-share")
  `,
  'models.py': `
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class Config(db.Model):
        pass
  `,
};

describe('links signed with a key the server holds', () => {
  it('keeps a route public that turns away a request whose signature differs from the one it computes', async () => {
    const a = await analyzeFiles(files);
    expect(states(a).slice(0, 4)).toEqual([
      'GET /share/<kind> public (token-gated: checks a token (compares `mac` with a signature keyed by `hmac.new`) at app.py:12)',
      // `compare_digest` was public before this change, as a signature check (catalogue/webhooks.ts).
      'GET /digest/<kind> public (webhook receiver: verifies a signature (`compare_digest()`) at app.py:18)',
      'GET /plain/<kind> unprotected',
      'GET /never/<kind> unprotected',
    ]);
    expect(a.routes[0]?.auth.publicEvidence).toEqual({ file: 'app.py', startLine: 12, endLine: 12 });
    expect(a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.route?.path}`)).toEqual([
      'missing-authentication medium /plain/<kind>',
      'missing-authentication medium /never/<kind>',
    ]);
  });

  it('follows the signature through an instance of a class a helper picks from a table', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, abort, request
        from .social import share_kind
        app = Flask(__name__)

        @app.get("/share/<kind>")
        def share(kind):
            Share = share_kind(kind)
            if Share is None:
                abort(404)
            s = Share()
            if request.args.get("mac") != s.mac:
                abort(404)
            return s.content

        @app.get("/me")
        @login_required
        def me():
            return "me"
      `,
      'signing.py': `
        import hashlib
        import hmac as _hmac
        from flask import current_app

        def hmac(data, secret=None, digest=hashlib.sha1):
            if secret is None:
                secret = current_app.config["SECRET_KEY"]
            return _hmac.new(key=secret, msg=data, digestmod=digest).hexdigest()
      `,
      'social.py': `
        from .signing import hmac
        from .models import Config

        class Base:
            @property
            def mac(self):
                return hmac(f"{self.kind}-share")

        class Solved(Base):
            @property
            def content(self):
                return Config.query.first().value

        KINDS = {"solved": Solved}

        def share_kind(kind):
            return KINDS.get(kind)
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Config(db.Model):
            pass
      `,
    });
    expect(states(a)[0]).toBe(
      'GET /share/<kind> public (token-gated: checks a token (compares `mac` with a signature keyed by `hmac.new`) at app.py:11)',
    );
    expect(a.findings).toEqual([]);
  });
});
