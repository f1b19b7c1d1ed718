import { describe, expect, it } from 'vitest';
import { analyzeFiles, missingAuthFindings as findings } from './helpers/analyze.js';

/**
 * Views that answer only after a Flask-Principal permission test, written as large APIs write them (Quay's
 * `if permission.can() or allow_if_superuser_with_full_access(): …; raise Unauthorized()`): the findings a reviewer
 * reads, beside the traps where a setting lets anonymous callers through.
 */

const FILES = {
  'features.py': 'SUPERUSERS_FULL_ACCESS = True\nPUBLIC_TEAMS = False\n',
  'models.py': `
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class Team(db.Model):
        id = db.Column(db.Integer, primary_key=True)
  `,
  'permissions.py': `
    from flask_principal import Permission, RoleNeed
    class AdministerOrganizationPermission(Permission):
        def __init__(self, orgname):
            super().__init__(RoleNeed(("admin", orgname)))
    class SuperUserPermission(Permission):
        def __init__(self):
            super().__init__(RoleNeed("superuser"))
  `,
  'helpers.py': `
    import features
    from permissions import SuperUserPermission
    def allow_if_superuser():
        return SuperUserPermission().can()
    def allow_if_superuser_with_full_access():
        return bool(features.SUPERUSERS_FULL_ACCESS and SuperUserPermission().can())
    def allow_if_superuser_or_public():
        return features.PUBLIC_TEAMS or SuperUserPermission().can()
    def public_teams():
        return features.PUBLIC_TEAMS
    def allow_if_superuser_or_public_teams():
        return allow_if_superuser() or public_teams()
  `,
};

describe('permission checks written through project helpers', () => {
  it('counts `perm.can() or helper()` and `not helper()` followed by a rejection as protection', async () => {
    const a = await analyzeFiles({
      ...FILES,
      'app.py': `
        from flask import Flask
        from werkzeug.exceptions import Unauthorized
        from flask_login import login_required
        from models import db, Team
        from permissions import AdministerOrganizationPermission
        from helpers import allow_if_superuser, allow_if_superuser_with_full_access
        app = Flask(__name__)

        @app.get("/me")
        @login_required
        def me():
            return {}

        @app.delete("/organization/<orgname>/team/<int:tid>")
        def delete_team(orgname, tid):
            permission = AdministerOrganizationPermission(orgname)
            if permission.can() or allow_if_superuser_with_full_access():
                Team.query.filter_by(id=tid).delete(); db.session.commit()
                return "", 204
            raise Unauthorized()

        @app.delete("/organization/<orgname>/quota/<int:tid>")
        def delete_quota(orgname, tid):
            if not allow_if_superuser_with_full_access():
                raise Unauthorized()
            Team.query.filter_by(id=tid).delete(); db.session.commit()
            return "", 204

        @app.delete("/superuser/teams/<int:tid>")
        def purge_team(tid):
            if AdministerOrganizationPermission("root").can() or allow_if_superuser():
                Team.query.filter_by(id=tid).delete(); db.session.commit()
                return "", 204
            raise Unauthorized()
      `,
    });
    expect(findings(a)).toEqual([]);
  });

  it('still reports a check that a setting opens to anonymous callers, inline or inside the helper', async () => {
    const a = await analyzeFiles({
      ...FILES,
      'app.py': `
        from flask import Flask
        from werkzeug.exceptions import Unauthorized
        from flask_login import login_required
        import features
        from models import db, Team
        from permissions import AdministerOrganizationPermission
        from helpers import (allow_if_superuser_with_full_access, allow_if_superuser_or_public,
                             allow_if_superuser_or_public_teams)
        app = Flask(__name__)

        @app.get("/me")
        @login_required
        def me():
            return {}

        @app.delete("/organization/<orgname>/team/<int:tid>")
        def delete_team(orgname, tid):
            if AdministerOrganizationPermission(orgname).can() or features.PUBLIC_TEAMS:
                Team.query.filter_by(id=tid).delete(); db.session.commit()
                return "", 204
            raise Unauthorized()

        @app.delete("/teams/<int:tid>")
        def drop_team(tid):
            if not allow_if_superuser_or_public():
                raise Unauthorized()
            Team.query.filter_by(id=tid).delete(); db.session.commit()
            return "", 204

        @app.delete("/all-teams/<int:tid>")
        def drop_any_team(tid):
            if allow_if_superuser_or_public_teams():
                Team.query.filter_by(id=tid).delete(); db.session.commit()
                return "", 204
            raise Unauthorized()

        @app.delete("/quota/<int:tid>")
        def delete_quota(tid):
            if not allow_if_superuser_with_full_access():
                raise Unauthorized()
            Team.query.filter_by(id=tid).delete(); db.session.commit()
            return "", 204
      `,
    });
    expect(findings(a)).toEqual([
      'high DELETE /all-teams/<int:tid>',
      'high DELETE /organization/<orgname>/team/<int:tid>',
      'high DELETE /teams/<int:tid>',
    ]);
  });
});

describe('a rejection under `or` of a missing caller and a failed permission test', () => {
  it('protects a view that raises when the caller is missing or lacks the permission', async () => {
    const a = await analyzeFiles({
      ...FILES,
      'app.py': `
        from flask import Flask
        from werkzeug.exceptions import Unauthorized
        from flask_login import login_required
        from models import db, Team
        from permissions import AdministerOrganizationPermission
        app = Flask(__name__)

        def lookup_org(orgname):
            return Team.query.filter_by(id=orgname).first()

        @app.get("/me")
        @login_required
        def me():
            return {}

        @app.delete("/organization/<orgname>")
        def delete_org(orgname):
            org = lookup_org(orgname)
            if org is None or not AdministerOrganizationPermission(orgname).can():
                raise Unauthorized()
            db.session.delete(org); db.session.commit()
            return "", 204
      `,
    });
    expect(findings(a)).toEqual([]);
  });
});
