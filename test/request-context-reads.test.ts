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

// An API whose request hook keeps the client's address and user agent on `g` for its policies, as identity
// servers do, with a sign-in endpoint, a registration status, and a password reset by an e-mailed code.
const MODELS = `
  from flask_sqlalchemy import SQLAlchemy
  db = SQLAlchemy()
  class User(db.Model):
      id = db.Column(db.Integer, primary_key=True)
      name = db.Column(db.String)
      password_hash = db.Column(db.String)
  class Policy(db.Model):
      id = db.Column(db.Integer, primary_key=True)
      scope = db.Column(db.String)
      client = db.Column(db.String)
  class PasswordReset(db.Model):
      id = db.Column(db.Integer, primary_key=True)
      user_id = db.Column(db.Integer)
      code_hash = db.Column(db.String)
`;

const POLICY = `
  from flask import g
  from .models import Policy

  def matching(scope):
      return Policy.query.filter_by(scope=scope, client=g.client_ip, agent=g.get("user_agent")).all()
`;

const RESET = `
  from werkzeug.security import check_password_hash
  from .models import PasswordReset, db

  def check_recoverycode(user, code):
      for reset in PasswordReset.query.filter_by(user_id=user.id).all():
          if check_password_hash(reset.code_hash, code):
              db.session.delete(reset)
              db.session.commit()
              return True
      return False
`;

const API = `
  from flask import Flask, g, request
  from flask_jwt_extended import JWTManager, create_access_token, jwt_required
  from werkzeug.security import check_password_hash, generate_password_hash
  from .models import User, db
  from .policy import matching
  from .reset import check_recoverycode

  app = Flask(__name__)
  JWTManager(app)

  class AuthError(Exception):
      pass

  @app.errorhandler(AuthError)
  def auth_error(error):
      return {"error": str(error)}, 401

  @app.before_request
  def remember_client():
      g.client_ip = request.remote_addr
      g.user_agent = request.user_agent.string

  @app.route("/users", methods=["GET"])
  @jwt_required()
  def users():
      return {"users": [u.name for u in User.query.all()]}

  @app.route("/auth", methods=["POST"])
  def get_auth_token():
      if not g.client_ip or matching("blocked"):
          raise AuthError("unknown or blocked client")
      user = User.query.filter_by(name=request.json["username"]).first()
      if not user or not check_password_hash(user.password_hash, request.json["password"]):
          raise AuthError("bad credentials")
      return {"token": create_access_token(identity=user.id)}

  @app.route("/register", methods=["GET"])
  def register_status():
      return {"enabled": bool(matching("register"))}

  @app.route("/recover/reset", methods=["POST"])
  def reset_password():
      user = User.query.filter_by(name=request.json["user"]).first_or_404()
      recoverycode = request.json["recoverycode"]
      if check_recoverycode(user, recoverycode):
          user.password_hash = generate_password_hash(request.json["password"])
          db.session.commit()
      return {"ok": True}

  @app.route("/rename", methods=["POST"])
  def rename():
      user = User.query.filter_by(name=request.json["user"]).first_or_404()
      nickname = request.json["nickname"]
      user.name = nickname
      db.session.commit()
      return {"ok": True}
`;

describe('the request context an API keeps on g', () => {
  it('does not take the client address or user agent for the caller: no guard in a sign-in, no account read', async () => {
    const a = await analyzeFiles({
      'idp/__init__.py': '',
      'idp/models.py': MODELS,
      'idp/policy.py': POLICY,
      'idp/reset.py': RESET,
      'idp/api.py': API,
    });
    expect(states(a)).toEqual([
      'GET /users protected',
      'POST /auth public',
      'GET /register unprotected',
      'POST /recover/reset public',
      'POST /rename unprotected',
    ]);
    expect(findings(a)).toEqual([
      'missing-authentication high GET /register',
      'missing-authentication high POST /rename',
    ]);
    // What makes the status route sensitive is the table it reads, not a caller it does not have.
    expect(a.findings.find((f) => f.route?.path === '/register')?.message).toMatch(
      /^`GET \/register` reads `Policy`/,
    );
  });
});
