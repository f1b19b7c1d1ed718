import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/**
 * A page that sends signed-in callers elsewhere and shows a form to everyone else is written for callers who are not
 * signed in (a sign-in or sign-up page): what it reads of the caller there is the anonymous user's.
 */
const APP = {
  'app.py': `
    from flask import Flask, Blueprint, redirect, url_for, render_template, request
    from flask_login import LoginManager, current_user, login_required, login_user
    from models import Shelf, User, db
    app = Flask(__name__)
    login_manager = LoginManager(app)
    web = Blueprint('web', __name__)

    def render_page(name, **kwargs):
        shelves = Shelf.query.filter(Shelf.user_id == current_user.id).all()
        return render_template(name, shelves=shelves, admin=current_user.role_admin(), **kwargs)

    @web.route('/')
    @login_required
    def index():
        return render_page('index.html')

    @web.route('/books')
    @login_required
    def books():
        return render_page('books.html', books=Shelf.query.all())

    @web.route('/login', methods=['GET'])
    def login():
        if current_user is not None and current_user.is_authenticated:
            return redirect(url_for('web.index'))
        return render_page('login.html', next_url=request.args.get('next'))

    @web.route('/login', methods=['POST'])
    def login_post():
        user = User.query.filter_by(name=request.form['username']).first()
        if user and user.check_password(request.form['password']):
            login_user(user)
        return redirect(url_for('web.index'))

    @web.route('/settings', methods=['GET'])
    def settings():
        if current_user.is_authenticated and not current_user.confirmed:
            return redirect(url_for('web.index'))
        return render_page('settings.html', books=Shelf.query.all())

    app.register_blueprint(web)
  `,
};

describe('pages for callers who are not signed in', () => {
  it('a GET page that redirects signed-in callers away and renders a form is public, with no finding', async () => {
    const a = await analyzeFiles(APP);
    const login = a.routes.find((r) => r.path === '/login' && r.methods.includes('GET'))!;
    expect(login.auth.state).toBe('public');
    expect(login.auth.publicReason).toMatch(/signed-in callers/);
    expect(a.findings.filter((f) => f.message.includes('`GET /login`'))).toEqual([]);
  });

  it('a redirect under a test of something besides sign-in keeps the page a data route', async () => {
    const a = await analyzeFiles(APP);
    const settings = a.routes.find((r) => r.path === '/settings')!;
    expect(settings.auth.state).toBe('unprotected');
  });
});
