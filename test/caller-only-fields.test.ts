import { describe, expect, it } from 'vitest';
import { analyzeFiles, missingAuthFindings as findings } from './helpers/analyze.js';

/**
 * Profile views written as large APIs write them (Quay's `user_view` and `org_view`): a public profile for anyone,
 * and the account's private fields added only when the caller passed a Flask-Principal permission test, held in a
 * local (`is_admin = UserAdminPermission(name).can()`) or asked of a project helper. An anonymous caller gets the
 * public profile: a read, not a leak of user data.
 */

const FILES = {
  'features.py': 'SUPERUSERS_FULL_ACCESS = True\n',
  'models.py': `
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String)
        email = db.Column(db.String)
  `,
  'permissions.py': `
    import features
    from flask_principal import Permission, RoleNeed
    class UserAdminPermission(Permission):
        def __init__(self, username):
            super().__init__(RoleNeed(("admin", username)))
    class SuperUserPermission(Permission):
        def __init__(self):
            super().__init__(RoleNeed("superuser"))
    def allow_if_superuser():
        return bool(features.SUPERUSERS_FULL_ACCESS and SuperUserPermission().can())
  `,
  'api.py': `
    from flask import Blueprint
    from flask_login import login_required
    from models import db, User
    api = Blueprint("api", __name__)

    @api.post("/users/<username>/disable")
    @login_required
    def disable(username):
        User.query.filter_by(username=username).delete(); db.session.commit()
        return "", 204

    @api.get("/users/<username>/settings")
    @login_required
    def settings(username):
        return {"name": User.query.filter_by(username=username).first().username}
  `,
};

function app(views: string): Record<string, string> {
  return {
    ...FILES,
    'app.py': `
      from flask import Flask, request, abort, jsonify
      import features
      from api import api
      from models import User
      from permissions import UserAdminPermission, SuperUserPermission, allow_if_superuser
      app = Flask(__name__)
      ${views.trim().replace(/\n/g, '\n      ')}
      app.register_blueprint(api)
    `,
  };
}

describe('fields handed out only past a check of the caller', () => {
  it('rates a profile whose private fields sit under a permission test held in a local as a read, not one under a query flag', async () => {
    const a = await analyzeFiles(
      app(`
      def user_view(user):
          response = {"username": user.username}
          user_admin = UserAdminPermission(user.username)
          is_admin = user_admin.can()
          if is_admin:
              response.update({"email": user.email})
          if SuperUserPermission().can():
              response.update({"super_email": str(user.email)})
          return response

      @api.get("/users/<username>")
      def get_user(username):
          user = User.query.filter_by(username=username).first()
          if user is None:
              abort(404)
          return user_view(user)

      @api.get("/people/<username>")
      def get_person(username):
          user = User.query.filter_by(username=username).first()
          is_admin = UserAdminPermission(username).can()
          if not is_admin:
              return {"username": user.username}
          return jsonify(username=user.username, email=user.email)

      @api.get("/accounts/<username>")
      def get_account(username):
          user = User.query.filter_by(username=username).first()
          if UserAdminPermission(username).can():
              return {"username": user.username, "email": user.email}
          return {"username": user.username}

      @api.get("/members/<username>")
      def get_member(username):
          user = User.query.filter_by(username=username).first()
          response = {"username": user.username}
          if request.args.get("include_email"):
              response.update({"email": user.email})
          return response
    `),
    );
    expect(findings(a)).toEqual([
      'high GET /members/<username>',
      'medium GET /accounts/<username>',
      'medium GET /people/<username>',
      'medium GET /users/<username>',
    ]);
  });

  it('follows a flag raised only past another caller test, not one a setting raises', async () => {
    const a = await analyzeFiles(
      app(`
      def org_view(org):
          is_admin = UserAdminPermission(org.username).can()
          can_view_as_superuser = allow_if_superuser()
          if can_view_as_superuser:
              is_admin = True
          org_email = ""
          if is_admin or can_view_as_superuser:
              org_email = str(org.email)
          return {"name": org.username, "email": org_email}

      @api.get("/organization/<orgname>")
      def get_org(orgname):
          return org_view(User.query.filter_by(username=orgname).first())

      @api.get("/teams/<orgname>")
      def get_team_org(orgname):
          org = User.query.filter_by(username=orgname).first()
          is_admin = UserAdminPermission(orgname).can()
          if features.SUPERUSERS_FULL_ACCESS:
              is_admin = True
          response = {"name": org.username}
          if is_admin:
              response.update({"email": org.email})
          return response
    `),
    );
    expect(findings(a)).toEqual(['high GET /teams/<orgname>', 'medium GET /organization/<orgname>']);
  });
});
