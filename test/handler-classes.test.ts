import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/pipeline.js';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path file:start state [mechanisms]`, in report order. */
function rows(a: Analysis): string[] {
  return a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.location.file}:${r.location.startLine} ${r.auth.state}` +
      (r.auth.mechanisms.length ? ` [${r.auth.mechanisms.join('; ')}]` : ''),
  );
}

/** A request-handler framework of the project: a blueprint whose add_url_rule turns a class into a view. */
const FRAMEWORK = {
  'web/wrappers.py': `
    from flask import Blueprint
    from web.util import make_view_func
    class ProjectBlueprint(Blueprint):
        def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
            if view_func is not None:
                view_func = make_view_func(view_func)
            super().add_url_rule(rule, endpoint, view_func, **options)
  `,
  'web/util.py': `
    import inspect
    def make_view_func(obj):
        if inspect.isclass(obj):
            def wrapper(**kwargs):
                return obj().process()
            wrapper.__name__ = obj.__name__
            return wrapper
        return obj
  `,
  'web/rh.py': `
    from flask import request, session
    from werkzeug.exceptions import Forbidden, MethodNotAllowed
    from models import db
    from web.signals import before_check_access, values_from_signal
    class RH:
        CSRF_ENABLED = True
        def _process_args(self):
            pass
        def _check_access(self):
            pass
        def _process(self):
            method = getattr(self, '_process_' + request.method, None)
            if method is None:
                raise MethodNotAllowed()
            return method()
        def _do_process(self):
            self._process_args()
            granted = values_from_signal(before_check_access.send(type(self)))
            if not all(granted):
                raise Forbidden
            if not granted:
                self._check_access()
            return self._process()
        def process(self):
            try:
                res = self._do_process()
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            return res
    class RHProtected(RH):
        def _require_user(self):
            if session.user is None:
                raise Forbidden
        def _check_access(self):
            self._require_user()
    class RequireUserMixin:
        def _check_access(self):
            if session.user is None:
                raise Forbidden
  `,
  'web/signals.py': `
    from blinker import Namespace
    before_check_access = Namespace().signal('before-check-access')
    def values_from_signal(results):
        return [value for _, value in results if value is not None]
  `,
  'models.py': `
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class Note(db.Model):
        id = db.Column(db.Integer, primary_key=True)
  `,
};

const APP = {
  'app.py': `
    from flask import Flask
    from blueprint import bp
    app = Flask(__name__)
    app.register_blueprint(bp)
  `,
};

describe('request-handler classes registered through a project blueprint', () => {
  it('judges each class by the guard methods its entry point reaches on an object of that class', async () => {
    const a = await analyzeFiles({
      ...FRAMEWORK,
      ...APP,
      'blueprint.py': `
        from web.wrappers import ProjectBlueprint
        from controllers import RHNotes, RHAbout, RHAdminNotes, RHOpenNotes, RHMyNotes, RHNote
        bp = ProjectBlueprint('notes', __name__)
        bp.add_url_rule('/notes', 'notes', RHNotes, methods=('GET', 'POST'))
        bp.add_url_rule('/about', 'about', RHAbout)
        bp.add_url_rule('/admin/notes', view_func=RHAdminNotes, endpoint='admin')
        bp.add_url_rule('/open-notes', 'open', RHOpenNotes)
        bp.add_url_rule('/my-notes', 'mine', RHMyNotes)
        bp.add_url_rule('/notes/<int:id>', 'note', RHNote, methods=('GET', 'POST'))
      `,
      'controllers.py': `
        from flask import session
        from werkzeug.exceptions import Forbidden
        from web.rh import RH, RHProtected, RequireUserMixin
        from models import Note, db
        class RHNotes(RHProtected):
            def _process(self):
                return str(Note.query.all())
        class RHAdminNotes(RHProtected):
            def _check_access(self):
                RHProtected._check_access(self)
                if not session.user.is_admin:
                    raise Forbidden
            def _process(self):
                db.session.delete(Note.query.first())
                return ''
        class RHAbout(RH):
            def _process(self):
                return 'about'
        class RHOpenNotes(RHProtected):
            def _check_access(self):
                pass
            def _process(self):
                return str(Note.query.all())
        class RHMyNotes(RequireUserMixin, RH):
            def _process(self):
                return str(Note.query.all())
        class RHNote(RH):
            def _process_GET(self):
                return str(Note.query.get(1))
            def _process_POST(self):
                db.session.add(Note())
                return ''
      `,
    });
    const when = 'when `not granted`';
    expect(rows(a)).toEqual([
      `GET,POST /notes controllers.py:6 protected [RHProtected._require_user (run by RHNotes.process, ${when})]`,
      `GET /admin/notes controllers.py:13 protected [RHProtected._require_user (run by RHAdminNotes.process, ${when})]`,
      'GET /about controllers.py:17 public',
      'GET /open-notes controllers.py:22 unprotected',
      `GET /my-notes controllers.py:25 protected [RequireUserMixin._check_access (run by RHMyNotes.process, ${when})]`,
      'GET,POST /notes/<int:id> controllers.py:30 unprotected',
    ]);
    const open = a.findings.filter((f) => f.ruleId === 'missing-authentication').map((f) => f.route?.path);
    expect(open).toEqual(['/open-notes', '/notes/<int:id>']);
    // The guard is a method of the class, not a decorator to write below a route.
    expect(a.findings.map((f) => f.message).join(' ')).not.toContain('_require_user');
  });
});

describe('the method that answers for a handler class', () => {
  it('is the last method the framework calls, not a helper the class calls from it', async () => {
    const a = await analyzeFiles({
      ...FRAMEWORK,
      ...APP,
      'blueprint.py': `
        from web.wrappers import ProjectBlueprint
        from controllers import RHLogin
        bp = ProjectBlueprint('auth', __name__)
        bp.add_url_rule('/login', 'login', RHLogin, methods=('POST',))
      `,
      'controllers.py': `
        from flask import request, session
        from werkzeug.security import check_password_hash
        from web.rh import RH
        from models import Note
        class RHLogin(RH):
            def _process_args(self):
                self.name = request.form['name']
            def _process(self):
                user = Note.query.filter_by(name=self.name).first()
                if user and check_password_hash(user.pw_hash, request.form['password']):
                    session['user_id'] = user.id
                return self._answer()
            def _answer(self):
                return 'ok'
      `,
    });
    expect(
      a.routes.map((r) => `${r.location.startLine} ${r.auth.state} ${r.auth.publicReason ?? ''}`),
    ).toEqual([expect.stringMatching(/^8 public sign-in step/)]);
  });
});

describe('handler classes sharing a mixin', () => {
  it('judges each class on its own, not as a sibling of every class using the same mixin', async () => {
    const a = await analyzeFiles({
      ...FRAMEWORK,
      ...APP,
      'blueprint.py': `
        from web.wrappers import ProjectBlueprint
        from controllers import RHSearchPublic, RHSearchManage
        bp = ProjectBlueprint('search', __name__)
        bp.add_url_rule('/search', 'search', RHSearchPublic)
        bp.add_url_rule('/manage/search', 'manage_search', RHSearchManage)
      `,
      'controllers.py': `
        from web.rh import RH, RHProtected
        from models import Note
        class SearchMixin:
            def _process(self):
                return str(Note.query.all())
        class RHSearchPublic(SearchMixin, RH):
            pass
        class RHSearchManage(SearchMixin, RHProtected):
            pass
      `,
    });
    expect(a.routes.map((r) => `${r.path} ${r.auth.state}`)).toEqual([
      '/manage/search protected',
      '/search unprotected',
    ]);
    expect(a.findings.map((f) => f.message).join(' ')).not.toContain('SearchMixin');
  });
});

describe('what a handler class framework relies on, in plain function views', () => {
  it("counts the app session's own `session.user` as the signed-in caller", async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session
        from werkzeug.exceptions import Forbidden
        app = Flask(__name__)
        @app.get('/mine')
        def mine():
            if session.user is None:
                raise Forbidden
            return str(session.user.id)
      `,
    });
    expect(rows(a)).toEqual(['GET /mine app.py:4 protected [credential check in the view body]']);
  });

  it('does not take a re-raise after a rollback for a rejection', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, session
        from models import Note, db
        app = Flask(__name__)
        @app.post('/notes')
        def add_note():
            owner = session.get('user_id')
            try:
                db.session.add(Note(owner=owner))
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            return ''
      `,
      'models.py': FRAMEWORK['models.py'],
    });
    expect(rows(a)).toEqual(['POST /notes app.py:4 unprotected']);
  });

  it('does not take a helper that verifies a token only when one was sent for a guard', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, request
        from flask_jwt_extended import JWTManager, decode_token
        from models import Note
        app = Flask(__name__)
        JWTManager(app)
        def api_user():
            header = request.headers.get('Authorization')
            if not header:
                return None
            return decode_token(header.split()[1])['sub']
        @app.get('/notes')
        def notes():
            api_user()
            return str(Note.query.all())
      `,
      'models.py': FRAMEWORK['models.py'],
    });
    // Whatever else it is judged to be, a caller without a token gets the notes: nothing protects the route.
    expect(a.routes.map((r) => [r.path, r.auth.state === 'protected'])).toEqual([['/notes', false]]);
  });
});

describe('except handlers', () => {
  it('does not take a helper that rejects only in an except handler for one that always rejects', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import json
        from flask import Flask, abort, request, session
        from models import Note
        app = Flask(__name__)
        def load_prefs():
            try:
                return json.loads(request.cookies.get('prefs', '{}'))
            except ValueError:
                abort(403)
        @app.get('/notes')
        def notes():
            owner = session.get('user_id')
            load_prefs()
            return str(Note.query.filter_by(owner=owner).all())
      `,
      'models.py': FRAMEWORK['models.py'],
    });
    expect(rows(a)).toEqual(['GET /notes app.py:10 unprotected']);
  });
});
