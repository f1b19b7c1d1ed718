import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import type { Analysis } from '../src/analysis/pipeline.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/classful');

/** `METHODS path endpoint file:line state [mechanisms]`, in report order. */
function rows(a: Analysis): string[] {
  return a.routes.map(
    (r) =>
      `${r.methods.join(',')} ${r.path} ${r.endpoint} ${r.location.file}:${r.location.startLine} ${r.auth.state}` +
      (r.auth.mechanisms.length ? ` [${r.auth.mechanisms.join('; ')}]` : ''),
  );
}

describe('Flask-Classful views', () => {
  it('routes the methods a view class inherits from generic bases, under route_prefix, route_base and the blueprint', async () => {
    const a = await analyze(join(FIXTURES, 'tracker'));
    const hook = '[before_request default_login_required]';
    expect(rows(a)).toEqual([
      `GET /_api/v2/service-tag host_api.ServiceTagView:index tracker/api/base.py:24 protected ${hook}`,
      `GET /_api/v3/hosts host_api.HostView:index tracker/api/base.py:24 protected ${hook}`,
      `GET /_api/v3/ws/<workspace_name>/hosts host_api.HostWorkspacedView:index tracker/api/base.py:24 protected ${hook}`,
      `GET /_api/v2/service-tag/<object_id> host_api.ServiceTagView:get tracker/api/base.py:29 protected ${hook}`,
      `GET /_api/v3/hosts/<object_id> host_api.HostView:get tracker/api/base.py:29 protected ${hook}`,
      `GET /_api/v3/ws/<workspace_name>/hosts/<object_id> host_api.HostWorkspacedView:get tracker/api/base.py:29 protected ${hook}`,
      `POST /_api/v2/service-tag host_api.ServiceTagView:post tracker/api/base.py:34 protected ${hook}`,
      `POST /_api/v3/hosts host_api.HostView:post tracker/api/base.py:34 protected ${hook}`,
      `POST /_api/v3/ws/<workspace_name>/hosts host_api.HostWorkspacedView:post tracker/api/base.py:34 protected ${hook}`,
      // HostView lists `delete` in excluded_methods.
      `DELETE /_api/v2/service-tag/<object_id> host_api.ServiceTagView:delete tracker/api/base.py:39 protected ${hook}`,
      `DELETE /_api/v3/ws/<workspace_name>/hosts/<object_id> host_api.HostWorkspacedView:delete tracker/api/base.py:39 protected ${hook}`,
      `GET /_api/v3/hosts/filter host_api.HostView:filter tracker/api/base.py:44 protected ${hook}`,
      `DELETE /_api/v3/hosts host_api.HostView:bulk_delete tracker/api/base.py:50 protected ${hook}`,
      `GET /_api/v3/hosts/<host_id>/services host_api.HostView:service_list tracker/api/hosts.py:13 protected ${hook}`,
      // A parameter with a default is a query argument, not a URL variable.
      `GET /_api/v3/hosts/count_vulns host_api.HostView:count_vulns tracker/api/hosts.py:17 protected ${hook}`,
      // `get.is_public = True` in the class body: the marker the app's hook lets through.
      'GET /_api/config/ info_api.ConfigView:get tracker/api/info.py:10 public',
    ]);
    expect(a.findings).toEqual([]);
    expect(a.notices).toEqual([]);
  });

  it('judges class decorators, view hooks and unguarded methods, and says when a registration cannot be followed', async () => {
    const a = await analyze(join(FIXTURES, 'notes'));
    expect(rows(a)).toEqual([
      'GET /api/notes/ api.NotesView:index app.py:24 protected [NotesView decorators: login_required]',
      'PUT /api/notes/<id>/ api.NotesView:put app.py:27 protected [NotesView decorators: login_required]',
      // `@method("POST")` sets the HTTP method; `note_id: int` the converter.
      'POST /api/notes/archive/<int:note_id>/ api.NotesView:archive app.py:32 protected [NotesView decorators: login_required]',
      'GET /api/account-settings api.AccountSettingsView:get app.py:47 protected [AccountSettingsView.before_request]',
      // Two `@route`s: the lower one is the first rule; an explicit endpoint replaces the generated one.
      'POST /api/account-settings/passwd api.legacy_password app.py:50 protected [AccountSettingsView.before_request]',
      'POST /api/account-settings/password api.AccountSettingsView:change_password_1 app.py:50 protected [AccountSettingsView.before_request]',
      'GET /api/reports/ api.ReportsView:index app.py:63 public',
      // `before_export_all` runs before `export_all` alone.
      'GET /api/reports/export-all/<fmt>/ api.ReportsView:export_all app.py:66 protected [ReportsView.before_export_all]',
      'POST /api/reports/ api.ReportsView:post app.py:69 unprotected',
    ]);
    expect(
      a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.location.file}:${f.location.startLine}`),
    ).toEqual(['missing-authentication high app.py:69']);
    expect(a.notices).toEqual([
      {
        file: 'app.py',
        message:
          'line 81: `AuditView.register(...)`, on `target`, which the model cannot resolve to a Flask app or blueprint; its routes are missing from the report.',
      },
    ]);
  });
});
