import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

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

    @app.route('/healthz')
    def healthz():
        if not backend_ready():
            return jsonify(status='not ready'), 503
        return jsonify(status='ready')
  `,
};

describe('summaries cut short by the depth budget', () => {
  it('a health check calling a helper that another route reaches too deep is a static answer, with no finding', async () => {
    const a = await analyzeFiles(APP);
    const health = a.routes.find((r) => r.path === '/healthz')!;
    expect(health.auth.state).toBe('public');
    expect(a.findings.filter((f) => f.message.includes('`GET /healthz`'))).toEqual([]);
  });
});
