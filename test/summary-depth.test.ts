import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

/** `METHODS path state` per route, in report order. */
const states = (a: Awaited<ReturnType<typeof analyzeFiles>>): string[] =>
  a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`);

// A helper reached both through a long chain of helpers (deeper than calls are followed) and directly from
// another route: what the direct route does must not depend on which route was judged first.
const LAYERS = `
  from .models import Invoice

  def load_invoices():
      return Invoice.query.all()

  def layer6():
      return load_invoices()

  def layer5():
      return layer6()

  def layer4():
      return layer5()

  def layer3():
      return layer4()

  def layer2():
      return layer3()

  def layer1():
      return layer2()
`;

describe('summaries cut short by the call depth budget', () => {
  it('judges a route that calls a helper directly by what the helper does, after a deeper route reached it first', async () => {
    const a = await analyzeFiles({
      'shop/__init__.py': '',
      'shop/models.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        class Invoice(db.Model):
            id = db.Column(db.Integer, primary_key=True)
      `,
      'shop/layers.py': LAYERS,
      'shop/web.py': `
        from flask import Flask
        from flask_jwt_extended import JWTManager, jwt_required
        from .layers import layer1, layer5

        app = Flask(__name__)
        JWTManager(app)

        @app.route("/admin")
        @jwt_required()
        def admin():
            return "x"

        @app.route("/deep")
        def deep():
            return {"n": len(layer1())}

        @app.route("/invoices")
        def invoices():
            return {"n": len(layer5())}
      `,
    });
    expect(states(a)).toEqual(['GET /admin protected', 'GET /deep unprotected', 'GET /invoices unprotected']);
    const invoices = a.findings.find((f) => f.route?.path === '/invoices');
    expect(invoices?.message).toMatch(/^`GET \/invoices` reads `Invoice`/);
  });
});

/**
 * A helper reached deep below one route (where the depth budget cuts its summary short) and near another: the second
 * route is judged by what the helper does, not by the cut summary the first route left behind.
 */
const APP = {
  'app.py': `
    import os
    from flask import Flask, jsonify
    from flask_login import LoginManager, login_required
    from models import Report
    app = Flask(__name__)
    login_manager = LoginManager(app)

    def backend_ready():
        return step_one()

    def step_one():
        return step_two()

    def step_two():
        return os.environ.get('BACKEND_READY') == '1'

    def level4():
        return backend_ready()

    def level3():
        return level4()

    def level2():
        return level3()

    def level1():
        return level2()

    @app.route('/reports')
    @login_required
    def reports():
        level1()
        return jsonify([r.name for r in Report.query.all()])

    @app.route('/stats')
    def stats():
        level1()
        return jsonify(count=Report.query.count())

    @app.route('/backend/state')
    def backend_state():
        if not backend_ready():
            return jsonify(status='not ready'), 503
        return jsonify(status='ready')
  `,
};

describe('summaries cut short by the depth budget', () => {
  // Not under a health-check path, whose probe rule would make it public whatever its summary says.
  it('a status check calling a helper that another route reaches too deep is a static answer, with no finding', async () => {
    const a = await analyzeFiles(APP);
    const status = a.routes.find((r) => r.path === '/backend/state')!;
    expect(status.auth.state).toBe('public');
    expect(a.findings.filter((f) => f.message.includes('`GET /backend/state`'))).toEqual([]);
  });
});
