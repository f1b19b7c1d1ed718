import { describe, expect, it } from 'vitest';
import { BOT, repository, usePullRequestAction } from './helpers/pr-action.js';

/**
 * From the audit of issue 17: a pull request loosens the gate through the config it brings, through inline ignores
 * put to new use, or plants the comment marker; each test runs the bundled action as the runner starts it.
 */
const action = usePullRequestAction();
const runAction = action.run;

// The handlers change module data: a route that answers a constant would only be a low finding.
const FLASK_HEAD = 'from flask import Flask\napp = Flask(__name__)\nUSERS = {}\n';
const NUKE = "@app.delete('/api/users/<int:uid>')\ndef nuke(uid):\n    return str(USERS.pop(uid))\n";
const SUPPRESSED_BY_PR = '### Suppressed by this pull request';

describe('a config the pull request brings (config-from: head, the default)', () => {
  it('cannot exclude its own new route from the scan without the comment saying so', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': FLASK_HEAD + NUKE, '.tokengate.yml': "exclude: ['**']\n" },
    );
    const run = await runAction(workspace, baseSha);
    // Today: 0 routes, gate pass, and the comment says "every route that needs authentication has it".
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toMatch(/exclude/);
    expect(run.comment).toContain(
      '| `.tokengate.yml:1` | `exclude **` | (config keys take no reason) | 1 Python file out of the scan |',
    );
    expect(run.summary).toContain('1 Python file out of the scan');
  });

  it('cannot narrow include or turn default-excludes on without the comment counting the files it takes out', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD, 'build/admin.py': FLASK_HEAD, '.tokengate.yml': 'default-excludes: false\n' },
      {
        'app.py': FLASK_HEAD + NUKE,
        'build/admin.py': FLASK_HEAD + NUKE,
        '.tokengate.yml': "include: ['lib/**/*.py']\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.comment).toContain(
      '| `include lib/**/*.py (base: **/*.py)` | (config keys take no reason) | 2 Python files out of the scan |',
    );
    expect(run.comment).toContain(
      '| `default-excludes true (base: false)` | (config keys take no reason) | 1 Python file out of the scan |',
    );
  });

  it('with new-findings-only false, still lists what the config the pull request brings suppresses', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py': FLASK_HEAD + NUKE,
        '.tokengate.yml':
          "ignore:\n  - rule: '*'\n    path: '**'\n    reason: see https://evil.example.com\n",
      },
    );
    const run = await runAction(workspace, baseSha, { 'new-findings-only': 'false' });
    expect(run.code).toBe(0);
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toContain('`ignore rule *, path **`');
    expect(run.comment).toMatch(/\| `ignore rule \*, path \*\*` \| see .* \| 1 finding \|/);
    // The reason is the pull request's text: no link in the bot's voice.
    expect(run.comment).toContain('https:\u2060//evil.example.com');
  });

  it('with config-from base, fails in one sentence when the base commit is not in the clone', async () => {
    const { workspace } = repository({ 'app.py': FLASK_HEAD }, { 'app.py': FLASK_HEAD + NUKE });
    const run = await runAction(workspace, 'e'.repeat(40), {
      'config-from': 'base',
      'new-findings-only': 'false',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error::tokengate: config-from base needs the base commit ${'e'.repeat(40)} in the clone`,
    );
  });

  it("with config-from base and new-findings-only false, still reads the base commit's config", async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py': FLASK_HEAD + NUKE,
        '.tokengate.yml': "ignore:\n  - rule: '*'\n    path: '**'\n    reason: x\n",
      },
    );
    const run = await runAction(workspace, baseSha, { 'config-from': 'base', 'new-findings-only': 'false' });
    // Today: the pull request's ignore-everything entry applies, nothing is listed, exit 0.
    expect(run.code).toBe(1);
    expect(run.gate).toBe('fail');
  });

  it('cannot switch the gate off with fail-on without the comment saying so', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      { 'app.py': FLASK_HEAD + NUKE, '.tokengate.yml': 'fail-on: none\n' },
    );
    const run = await runAction(workspace, baseSha);
    // Today: exit 0, gate pass, "Gate disabled (fail-on none)" with nothing naming the pull request's config.
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
    expect(run.comment).toMatch(/fail-on/);
    expect(run.comment).toContain(
      '| `fail-on none (base: high)` | (config keys take no reason) | 1 new finding no longer counted |',
    );
  });
});

describe('an inline ignore the pull request puts to new use is listed as suppressed by it', () => {
  it('when a new route is inserted under an ignore comment the base commit already had', async () => {
    const legacy = "@app.post('/hooks/legacy')\ndef legacy():\n    return str(USERS.clear())\n";
    const ignore = '# tokengate: ignore[*] legacy webhook, verified by HMAC upstream\n';
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD + ignore + legacy },
      { 'app.py': FLASK_HEAD + ignore + NUKE + legacy },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    // Today: exit 0 and "No findings: every route that needs authentication has it."
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });

  it('when the comment sits on the add_url_rule call of a view defined elsewhere', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'views.py': 'USERS = {}\ndef nuke(uid):\n    return str(USERS.pop(uid))\n',
        'app.py':
          'from flask import Flask\nfrom views import nuke\napp = Flask(__name__)\n' +
          '# tokengate: ignore[*] internal only\n' +
          "app.add_url_rule('/api/users/<int:uid>', view_func=nuke, methods=['DELETE'])\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });

  it('when the comment sits above a MethodView class', async () => {
    const { workspace, baseSha } = repository(
      { 'app.py': FLASK_HEAD },
      {
        'app.py':
          'from flask import Flask\nfrom flask.views import MethodView\napp = Flask(__name__)\nUSERS = {}\n' +
          '# tokengate: ignore[*] internal only\n' +
          'class Users(MethodView):\n    """Users."""\n\n    def delete(self, uid):\n        return str(USERS.pop(uid))\n' +
          "app.add_url_rule('/api/users/<int:uid>', view_func=Users.as_view('users'))\n",
      },
    );
    const run = await runAction(workspace, baseSha);
    expect(run.stdout).toContain('(suppressed: # tokengate: ignore comment)');
    expect(run.comment).toContain(SUPPRESSED_BY_PR);
  });
});

describe('the sticky comment', () => {
  it("is never a comment of the same bot that only quotes the marker (another workflow's)", async () => {
    const { workspace, baseSha } = repository({ 'app.py': FLASK_HEAD }, { 'app.py': FLASK_HEAD + NUKE });
    const other = {
      id: 1,
      body: 'Deploy preview ready.\n\nThe last report ended with <!-- tokengate:report --> here.',
      user: BOT,
    };
    const run = await runAction(workspace, baseSha, {}, [other]);
    expect(action.github.edited).toEqual([]);
    expect(action.github.comments.find((c) => c.id === 1)?.body).toBe(other.body);
    expect(run.comment).toMatch(/^<!-- tokengate:report -->/);
    expect(run.stdout).toContain('tokengate: pull-request comment created.');
    // tokengate's own comment (the marker first) is still the one updated on the next run.
    const again = await runAction(workspace, baseSha, {}, [other, { id: 2, body: run.comment, user: BOT }]);
    expect(action.github.edited).toEqual([2]);
    expect(again.stdout).toContain('tokengate: pull-request comment updated.');
  });
});
