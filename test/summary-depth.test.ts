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
