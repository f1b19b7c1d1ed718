import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

const findings = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.findings
    .filter((f) => f.route)
    .map((f) => `${f.ruleId} ${f.severity} ${f.route!.methods.join(',')} ${f.route!.path}`);

const MODELS = `
  from flask_sqlalchemy import SQLAlchemy
  db = SQLAlchemy()
  class Post(db.Model):
      pass
  class Comment(db.Model):
      pass
  class User(db.Model):
      pass
`;

const FORMS = `
  from flask_wtf import FlaskForm
  from wtforms import StringField
  class PostForm(FlaskForm):
      body = StringField()
`;

/** A blog's front page: anonymous callers read posts; what the page writes depends on `condition`. */
function frontPage(condition: string): Record<string, string> {
  return {
    'app.py': `
      from flask import Flask, redirect, render_template
      from flask_login import LoginManager, current_user, login_required
      from .forms import PostForm
      from .models import Post, db

      app = Flask(__name__)
      LoginManager(app)

      @app.route("/", methods=["GET", "POST"])
      def index():
          form = PostForm()
          if ${condition}:
              post = Post(body=form.body.data)
              db.session.add(post)
              db.session.commit()
              return redirect("/")
          followed = False
          if current_user.is_authenticated:
              followed = current_user.followed_posts
          return render_template("index.html", form=form, posts=Post.query.all(), followed=followed)

      @app.route("/drafts")
      @login_required
      def drafts():
          return render_template("drafts.html")
    `,
    'forms.py': FORMS,
    'models.py': MODELS,
  };
}

describe('writes behind a check of the signed-in caller', () => {
  it('does not report a write only a caller with the right permission reaches, and shows where it is', async () => {
    const a = await analyzeFiles(
      frontPage('current_user.can(Permission.WRITE) and form.validate_on_submit()'),
    );
    expect(findings(a)).toEqual([]);
    const index = a.routes.find((r) => r.path === '/')!;
    expect(index.auth.mechanisms).toContain(
      'writes only for a signed-in caller who passes a check (changes `Post` at app.py:14)',
    );
  });

  it('does not report a write under `current_user.is_authenticated`', async () => {
    const a = await analyzeFiles(frontPage('current_user.is_authenticated and form.validate_on_submit()'));
    expect(findings(a)).toEqual([]);
  });

  it('still reports a write whose check is about something other than the caller', async () => {
    const a = await analyzeFiles(frontPage('form.validate_on_submit() and form.body.data'));
    expect(findings(a)).toEqual(['optional-auth-on-write medium POST /']);
  });

  it('still reports a write under a credential the caller merely sent', async () => {
    const files = frontPage('request.authorization');
    files['app.py'] = files['app.py']!.replace('import Flask,', 'import Flask, request,');
    const a = await analyzeFiles(files);
    expect(findings(a)).toEqual(['optional-auth-on-write medium GET,POST /']);
  });
});

/** A post page: GET shows the post to anyone, the write happens on the branch `condition` selects. */
function postPage(condition: string, guarded = true): Record<string, string> {
  return {
    'views.py': `
      from flask import Blueprint, redirect, render_template, request
      from flask_login import current_user, login_required
      from .forms import PostForm
      from .models import Comment, Post, User, db

      main = Blueprint("main", __name__)

      @main.route("/post/<int:id>", methods=["GET", "POST"])
      def post(id):
          post = Post.query.get_or_404(id)
          form = PostForm()
          if ${condition}:
              comment = Comment(body=form.body.data, post=post, author=current_user._get_current_object())
              db.session.add(comment)
              db.session.commit()
              notify(post.author.email)
              return redirect(f"/post/{id}")
          return render_template("post.html", post=post, form=form)

      @main.route("/user/<name>")
      def user(name):
          return render_template("user.html", user=User.query.filter_by(name=name).first_or_404())
      ${
        guarded
          ? `
      @main.route("/edit/<int:id>", methods=["GET", "POST"])
      @login_required
      def edit(id):
          return render_template("edit.html", post=Post.query.get_or_404(id))`
          : ''
      }
    `,
    'app.py': `
      from flask import Flask
      from flask_login import LoginManager
      from .views import main

      app = Flask(__name__)
      LoginManager(app)
      app.register_blueprint(main)
    `,
    'forms.py': FORMS,
    'models.py': MODELS,
  };
}

describe('effects per HTTP method', () => {
  it('reports the POST that stores a comment under `validate_on_submit()` apart from the GET that shows the post', async () => {
    // The POST branch also hands the author's e-mail to a notifier: the GET page hands out none.
    const a = await analyzeFiles(postPage('form.validate_on_submit()'));
    expect(findings(a)).toEqual([
      'missing-authentication medium GET /post/<int:id>',
      'missing-authentication high POST /post/<int:id>',
      'missing-authentication medium GET /user/<name>',
    ]);
    const post = a.findings.find((f) => f.route?.methods.join() === 'POST')!;
    expect(post.message).toContain('changes `Comment` (views.py:14)');
  });

  it('splits the same way on `request.method == "POST"`, and on the `else` of a GET test', async () => {
    const post = await analyzeFiles(postPage('request.method == "POST"'));
    expect(findings(post).filter((f) => f.includes('/post/'))).toEqual([
      'missing-authentication medium GET /post/<int:id>',
      'missing-authentication high POST /post/<int:id>',
    ]);
    const notGet = await analyzeFiles(postPage('request.method != "GET"'));
    expect(findings(notGet).filter((f) => f.includes('/post/'))).toEqual([
      'missing-authentication medium GET /post/<int:id>',
      'missing-authentication high POST /post/<int:id>',
    ]);
  });

  it('keeps a login form whole: its POST branch signs the caller in and records the visit', async () => {
    const a = await analyzeFiles({
      'app.py': `
        from flask import Flask, redirect, render_template, request
        from flask_login import LoginManager, login_required, login_user
        from werkzeug.security import check_password_hash
        from .models import User, db

        app = Flask(__name__)
        LoginManager(app)

        @app.route("/login", methods=["GET", "POST"])
        def login():
            if request.method == "POST":
                user = User.query.filter_by(name=request.form["name"]).first()
                if user and check_password_hash(user.password, request.form["password"]):
                    login_user(user)
                    user.visits += 1
                    db.session.commit()
                    return redirect("/")
            return render_template("login.html")

        @app.route("/drafts")
        @login_required
        def drafts():
            return render_template("drafts.html")
      `,
      'models.py': MODELS,
    });
    expect(a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`)).toEqual([
      'GET,POST /login public',
      'GET /drafts protected',
    ]);
    expect(findings(a)).toEqual([]);
  });

  it('keeps one finding when the write runs for every method', async () => {
    const a = await analyzeFiles(postPage('form.body.data'));
    expect(findings(a).filter((f) => f.includes('/post/'))).toEqual([
      'missing-authentication high GET,POST /post/<int:id>',
    ]);
  });

  it('reports the POST branch of an app that authenticates nothing, and not its GET page', async () => {
    const files = postPage('form.validate_on_submit()', false);
    files['app.py'] = `
      from flask import Flask
      from .views import main

      app = Flask(__name__)
      app.register_blueprint(main)
    `;
    files['views.py'] = files['views.py']!.replace(', login_required', '');
    const a = await analyzeFiles(files);
    expect(findings(a)).toEqual(['missing-authentication high POST /post/<int:id>']);
  });
});
