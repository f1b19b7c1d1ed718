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

/** A vendored Flask-Principal, trimmed: what the project's copy defines. */
const VENDORED_PRINCIPAL = `
  from functools import wraps
  from flask import abort, g

  class RoleNeed(tuple):
      pass

  class IdentityContext(object):
      def __init__(self, permission, http_exception=None):
          self.permission = permission
          self.http_exception = http_exception

      def can(self):
          return self.permission.allows(g.identity)

      def __enter__(self):
          if not self.can():
              if self.http_exception:
                  abort(self.http_exception, self.permission)
              raise PermissionDenied(self.permission)

      def __exit__(self, *args):
          return False

  class Permission(object):
      def __init__(self, *needs):
          self.needs = set(needs)

      def require(self, http_exception=None):
          return IdentityContext(self, http_exception)

      def can(self):
          return self.require().can()

      def allows(self, identity):
          return bool(self.needs & identity.provides)

  class PermissionDenied(RuntimeError):
      pass
`;

describe('a vendored copy of a catalogued library is that library', () => {
  it('recognises permissions of a vendored Flask-Principal as decorators, context managers and can() checks', async () => {
    const a = await analyzeFiles({
      'proj/__init__.py': '',
      'proj/vendor/__init__.py': '',
      'proj/vendor/flask_principal.py': VENDORED_PRINCIPAL,
      'proj/access/__init__.py': '',
      'proj/access/permissions.py': `
        from proj.vendor.flask_principal import Permission, RoleNeed

        class AppPermission(Permission):
            def __init__(self, name, *needs):
                self.name = name
                Permission.__init__(self, *needs)

        class Permissions:
            ADMIN = AppPermission("Admin", RoleNeed("admin"))
            PRINT = AppPermission("Print", RoleNeed("print"))
      `,
      'proj/models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Item(db.Model):
            pass
      `,
      'proj/api.py': `
        from flask import Blueprint, abort, request
        from proj.access.permissions import Permissions
        from proj.models import db, Item

        api = Blueprint("api", __name__)

        @api.route("/items/<int:i>", methods=["DELETE"])
        @Permissions.ADMIN.require(403)
        def delete_item(i):
            Item.query.filter_by(id=i).delete()
            db.session.commit()
            return "", 204

        @api.route("/job", methods=["POST"])
        def start_job():
            with Permissions.PRINT.require(403):
                db.session.add(Item())
                db.session.commit()
            return "", 204

        @api.route("/setup", methods=["POST"])
        def setup():
            if not Permissions.ADMIN.can():
                abort(403)
            db.session.add(Item())
            db.session.commit()
            return "", 204

        @api.route("/open/<int:i>", methods=["DELETE"])
        def open_delete(i):
            Item.query.filter_by(id=i).delete()
            db.session.commit()
            return "", 204
      `,
      'app.py': `
        from flask import Flask
        from proj.api import api
        app = Flask(__name__)
        app.register_blueprint(api, url_prefix="/api")
      `,
    });
    expect(states(a)).toEqual([
      'DELETE /api/items/<int:i> protected',
      'POST /api/job protected',
      'POST /api/setup protected',
      'DELETE /api/open/<int:i> unprotected',
    ]);
    expect(findings(a)).toEqual(['missing-authentication high DELETE /api/open/<int:i>']);
  });
});
