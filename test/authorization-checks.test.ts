import { describe, expect, it } from 'vitest';
import { analyzeFiles, missingAuthFindings } from './helpers/analyze.js';

/**
 * Authorization through the project's own exception for a refused caller (CKAN's `check_access` raising
 * `NotAuthorized`, turned into 403 or a hiding 404 by the view): the project's handling says what the class means.
 */
const HELPERS = `
  from flask import Flask, abort
  from flask_login import current_user

  app = Flask(__name__)
  FILES = {}

  class Refused(Exception):
      pass

  def check_access(action, context):
      context.setdefault("user", current_user.get_id())
      if not context["user"]:
          raise Refused(action)
`;

/** `METHODS path state` per route, and `severity METHODS path` per missing-authentication finding. */
async function judge(views: string): Promise<{ routes: string[]; findings: string[] }> {
  const a = await analyzeFiles({ 'app.py': `${HELPERS}\n${views}` });
  return {
    routes: a.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`),
    findings: missingAuthFindings(a),
  };
}

describe('authorization checks through a project exception', () => {
  it('counts the check where the project answers its exception with 403, raised through a helper or caught and hidden as 404', async () => {
    const { routes, findings } = await judge(`
      @app.get("/files/<fid>/followers")
      def followers(fid):
          try:
              check_access("file_followers", {})
          except Refused:
              abort(403)
          return {"followers": []}

      @app.get("/files/<fid>")
      def download(fid):
          try:
              check_access("file_show", {})
          except (KeyError, Refused):
              abort(404)
          return FILES[fid]

      @app.delete("/files/<fid>")
      def delete(fid):
          check_access("file_delete", {})
          FILES.pop(fid)
          return {}

      @app.post("/files/<fid>/touch")
      def touch(fid):
          try:
              FILES[fid]
          except KeyError:
              abort(404)
          FILES[fid] = "touched"
          return {}
    `);
    expect(routes).toEqual([
      'GET /files/<fid>/followers protected',
      'GET /files/<fid> protected',
      'DELETE /files/<fid> protected',
      'POST /files/<fid>/touch unprotected',
    ]);
    expect(findings).toEqual(['high POST /files/<fid>/touch']);

    // The same exception answered only with a 404 says nothing of a refused caller: the helper is no check.
    const hidden = await judge(`
      @app.get("/files/<fid>")
      def download(fid):
          try:
              check_access("file_show", {})
          except (KeyError, Refused):
              abort(404)
          return FILES[fid]

      @app.delete("/files/<fid>")
      def delete(fid):
          check_access("file_delete", {})
          FILES.pop(fid)
          return {}

      @app.get("/files")
      def listing():
          return {"files": list(FILES)}
    `);
    expect(hidden.routes).toEqual([
      'GET /files/<fid> unprotected',
      'DELETE /files/<fid> unprotected',
      'GET /files unprotected',
    ]);
    expect(hidden.findings).toEqual(['high DELETE /files/<fid>']);
  });

  it('does not take an exception a handler only re-raises for a refusal', async () => {
    // A service logging a validation failure and handing it on (`except Invalid: log(); raise`) says nothing of a
    // refused caller; a sign-up view that catches it and shows the form again checks nobody.
    const { routes } = await judge(`
      class Invalid(Exception):
          pass

      USERS = {}

      def validate(name):
          if name in USERS:
              raise Invalid(name)

      def register(name):
          try:
              validate(name)
          except Invalid:
              print("rejected", name)
              raise
          USERS[name] = {}

      @app.post("/register/<name>")
      def sign_up(name):
          try:
              register(name)
          except Invalid:
              return {"error": "taken"}
          return {}
    `);
    expect(routes).toEqual(['POST /register/<name> unprotected']);
  });
});
