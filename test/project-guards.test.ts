import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { analyzeFiles, dedent, routeTable } from './helpers/analyze.js';
import { repository, usePullRequestAction } from './helpers/pr-action.js';

/**
 * `guards` in .tokengate.yml: the project's own guards by qualified name, added to the library catalogue. A guard
 * that lives in an installed package is out of the model's sight; declared, it protects what it decorates.
 */
const CLI = join(import.meta.dirname, '..', 'dist/cli.js');

const action = usePullRequestAction();

// `platform_kit` is an installed package, not in the tree; `vetted` is not named like authentication.
const APP = dedent(`
  from flask import Flask
  from platform_kit.web import vetted
  app = Flask(__name__)
  REPORTS = {}

  @app.route("/api/reports/<int:rid>", methods=["DELETE"])
  @vetted
  def delete_report(rid):
      return str(REPORTS.pop(rid))
`);

function tree(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-guards-'));
  writeFileSync(join(dir, 'app.py'), APP);
  if (config !== undefined) writeFileSync(join(dir, '.tokengate.yml'), config);
  return dir;
}

function scan(dir: string): { code: number | null; report?: Report; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--quiet'], {
    encoding: 'utf8',
  });
  return {
    code: r.status,
    report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined,
    stderr: r.stderr,
  };
}

describe('tokengate scan with the project’s own guards', () => {
  it('reports a route guarded by a decorator of an installed package, and protects it once the config declares it', () => {
    const before = scan(tree());
    expect(before.code).toBe(1);
    expect(before.report!.routes.map((r) => [r.methods, r.path, r.auth.state])).toEqual([
      [['DELETE'], '/api/reports/<int:rid>', 'unprotected'],
    ]);
    expect(before.report!.findings.map((f) => [f.ruleId, f.severity, f.location.startLine])).toEqual([
      ['missing-authentication', 'high', 6],
    ]);

    const after = scan(tree('guards:\n  - platform_kit.web.vetted\n'));
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.report!.routes.map((r) => [r.path, r.auth.state, r.auth.mechanisms])).toEqual([
      ['/api/reports/<int:rid>', 'protected', ['vetted']],
    ]);
    expect(after.report!.findings).toEqual([]);
  });

  it('says in one sentence, exit 2, what is wrong with a misspelled key or an entry that is no qualified name', () => {
    const dir = tree('gaurds:\n  - platform_kit.web.vetted\n');
    const misspelled = scan(dir);
    expect(misspelled.code).toBe(2);
    expect(misspelled.stderr).toBe(
      `tokengate: Invalid ${join(dir, '.tokengate.yml')}: the key \`gau…\` (6 characters) at line 1 is not a known key (known: public-routes, include, exclude, default-excludes, fail-on, ignore, path-params, guards, route-helpers).\n`,
    );
    expect(misspelled.report).toBeUndefined();

    const other = tree('guards:\n  - "@vetted"\n');
    const notAName = scan(other);
    expect(notAName.code).toBe(2);
    expect(notAName.stderr).toBe(
      `tokengate: Invalid ${join(other, '.tokengate.yml')}: \`guards\` at line 2 entry '@vetted' must be the qualified Python name of a guard, such as myapp.auth.require_token.\n`,
    );
  });
});

describe('a declared guard, wherever it is used', () => {
  const files = {
    'app.py': `
      from flask import Flask
      from platform_kit import checks
      from shop.auth import gate
      app = Flask(__name__)
      ORDERS = {}

      @app.route("/api/orders/<int:oid>", methods=["DELETE"])
      @gate("orders")
      def delete_order(oid):
          return str(ORDERS.pop(oid))

      @app.route("/api/orders", methods=["POST"])
      def create_order():
          checks.ensure_caller()
          ORDERS[len(ORDERS)] = 1
          return "ok"
    `,
    // The project's own decorator factory, whose check the model cannot follow into the installed package.
    'shop/auth.py': `
      from platform_kit import checks
      def gate(scope):
          def wrap(f):
              return checks.wrap(f, scope)
          return wrap
    `,
    'shop/__init__.py': '',
  };

  it('protects views decorated by a project decorator and views that call a declared check', async () => {
    expect(routeTable(await analyzeFiles(files))).toEqual([
      'DELETE /api/orders/<int:oid> unprotected',
      'POST /api/orders unprotected',
    ]);
    expect(
      routeTable(
        await analyzeFiles(files, { guards: ['shop.auth.gate', 'platform_kit.checks.ensure_caller'] }),
      ),
    ).toEqual(['DELETE /api/orders/<int:oid> protected', 'POST /api/orders protected']);
  });

  it('protects every route of an app whose request hook calls a declared check', async () => {
    const hooked = {
      'app.py': `
        from flask import Flask, request
        from platform_kit import checks
        app = Flask(__name__)
        ORDERS = {}

        @app.before_request
        def authenticate():
            checks.ensure_caller()

        @app.route("/api/orders", methods=["POST"])
        def create_order():
            ORDERS[len(ORDERS)] = 1
            return "ok"
      `,
    };
    expect(routeTable(await analyzeFiles(hooked))).toEqual(['POST /api/orders unprotected']);
    expect(routeTable(await analyzeFiles(hooked, { guards: ['platform_kit.checks.ensure_caller'] }))).toEqual(
      ['POST /api/orders protected'],
    );
  });
});

describe('route helpers of the project', () => {
  // Helpers of an installed package register routes the way Flask does, with the blueprint first.
  const files = {
    'app.py': `
      from flask import Flask, Blueprint
      from platform_kit.web import api_route, register_route, vetted
      app = Flask(__name__)
      bp = Blueprint("orders", __name__)
      ORDERS = {}

      def delete_order(oid):
          return str(ORDERS.pop(oid))

      register_route(bp, "/orders/<int:oid>", view_func=delete_order, methods=["DELETE"])

      @api_route(bp, "/orders", methods=["POST"])
      @vetted
      def create_order():
          ORDERS[len(ORDERS)] = 1
          return "ok"

      app.register_blueprint(bp, url_prefix="/api")
    `,
  };

  it('gives each route registered through a declared helper its rule, methods, location and guards', async () => {
    expect((await analyzeFiles(files)).routes).toEqual([]);
    const analysis = await analyzeFiles(files, {
      routeHelpers: ['platform_kit.web.api_route', 'platform_kit.web.register_route'],
      guards: ['platform_kit.web.vetted'],
    });
    expect(
      analysis.routes.map((r) => [r.methods, r.path, r.location.startLine, r.auth.state, r.auth.mechanisms]),
    ).toEqual([
      [['DELETE'], '/api/orders/<int:oid>', 7, 'unprotected', []],
      [['POST'], '/api/orders', 12, 'protected', ['vetted']],
    ]);
    expect(analysis.findings.map((f) => [f.ruleId, f.route?.path, f.location.startLine])).toEqual([
      ['missing-authentication', '/api/orders/<int:oid>', 7],
    ]);
  });
});

describe('a guards entry that the pull request adds', () => {
  it('is listed under "Suppressed by this pull request" with the findings it hides', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' },
      { 'app.py': APP, '.tokengate.yml': 'guards:\n  - platform_kit.web.vetted\n' },
    );
    const run = await action.run(workspace, baseSha);
    expect(run.gate).toBe('pass');
    expect(run.comment).toContain('### Suppressed by this pull request');
    expect(run.comment).toContain(
      '| `.tokengate.yml:2` | `guards platform_kit.web.vetted` | (config keys take no reason) | 1 finding |',
    );
  });
});
