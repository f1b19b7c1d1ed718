import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state`, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`);

describe('a verifier whose failure is re-raised only sometimes', () => {
  it('does not protect a view that serves callers without a token, and still protects one whose handler always rejects', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, abort
        from flask_jwt_extended import JWTManager, verify_jwt_in_request
        from flask_jwt_extended.exceptions import NoAuthorizationError
        from models import Resolver

        app = Flask(__name__)
        JWTManager(app)
        app.config["REQUIRE_AUTH_FOR_DETAILS"] = False

        @app.route("/health/resolvers")
        def resolvers():
            authenticated = False
            try:
                verify_jwt_in_request()
                authenticated = True
            except NoAuthorizationError as error:
                if app.config["REQUIRE_AUTH_FOR_DETAILS"]:
                    raise
            result = {"status": "OK"}
            if authenticated:
                result.update({r.name: r.status for r in Resolver.query.all()})
            return result

        @app.route("/resolvers")
        def resolver_names():
            try:
                verify_jwt_in_request()
            except NoAuthorizationError:
                if app.config["REQUIRE_AUTH_FOR_DETAILS"]:
                    raise
                else:
                    abort(401)
            return {"names": [r.name for r in Resolver.query.all()]}
      `,
      'models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Resolver(db.Model):
            name = db.Column(db.String, primary_key=True)
            status = db.Column(db.String)
      `,
    });
    expect(states(a)).toEqual(['GET /health/resolvers unprotected', 'GET /resolvers protected']);
  });
});
