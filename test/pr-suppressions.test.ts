import { describe, expect, it } from 'vitest';
import { suppressionComments } from '../src/analysis/suppression-comments.js';
import { EMPTY_CONFIG, parseConfig } from '../src/config.js';
import { suppressionsAddedByPullRequest } from '../src/pr-suppressions.js';
import type { Finding } from '../src/types.js';

const finding = (file: string, line: number, kind: 'comment' | 'config'): Finding => ({
  ruleId: 'missing-authentication',
  severity: 'high',
  confidence: 'likely',
  message: 'm',
  cwe: ['CWE-306'],
  location: { file, startLine: line, endLine: line + 2 },
  route: { methods: ['POST'], path: `/r${line}` },
  sources: ['static'],
  evidence: [],
  fingerprint: `f${line}`,
  new: true,
  suppressed: { kind, reason: 'r' },
});

describe('suppressions added by a pull request', () => {
  it('lists only what the base commit does not have: a moved entry or an unchanged comment is not added', () => {
    const base = parseConfig(
      'public-routes: [/health]\nignore:\n  - {rule: jwt-no-expiry, reason: legacy tokens}\n',
      'b',
    );
    const head = parseConfig(
      'ignore:\n  - {rule: "*", path: "api/**", reason: later}\n  - {rule: jwt-no-expiry, reason: legacy tokens}\npublic-routes: [/health, "/api/**"]\n',
      'h',
    );
    const headSource = [
      '# tokengate: ignore[missing-authentication] kept from before',
      'x = 1',
      '',
      '',
      '',
      '# tokengate: ignore[missing-authentication]',
      'y = 2',
    ].join('\n');
    const added = suppressionsAddedByPullRequest({
      headConfig: { config: head, file: '.tokengate.yml' },
      baseConfig: base,
      comments: [
        {
          file: 'api/app.py',
          head: suppressionComments(headSource),
          base: suppressionComments('\n\n# tokengate: ignore[missing-authentication]: kept from before\n'),
        },
      ],
      findings: [
        finding('api/app.py', 2, 'comment'),
        finding('api/app.py', 7, 'comment'),
        finding('api/b.py', 1, 'config'),
      ],
      routes: [],
    });
    expect(added).toEqual([
      {
        kind: 'ignore',
        site: { file: '.tokengate.yml', line: 2 },
        rule: '*',
        path: 'api/**',
        reason: 'later',
        hides: 1,
      },
      { kind: 'public-route', site: { file: '.tokengate.yml', line: 4 }, pattern: '/api/**', hides: 0 },
      {
        kind: 'comment',
        site: { file: 'api/app.py', line: 6 },
        rules: ['missing-authentication'],
        reason: '',
        hides: 1,
      },
    ]);
  });

  it('lists nothing when the config comes from the base commit and no comment is new', () => {
    expect(
      suppressionsAddedByPullRequest({ baseConfig: EMPTY_CONFIG, comments: [], findings: [], routes: [] }),
    ).toEqual([]);
  });

  it('lists a new suppressed finding whatever suppresses it, and nothing the base already had', () => {
    const old = finding('app.py', 10, 'comment');
    const fresh = finding('app.py', 4, 'comment');
    const added = suppressionsAddedByPullRequest({
      baseConfig: EMPTY_CONFIG,
      // The comment is the base's own (same rules and reason): only the finding shows what is new.
      comments: [{ file: 'app.py', head: [], base: [] }],
      findings: [old, fresh],
      routes: [],
      base: { fingerprints: new Set([old.fingerprint]), routes: new Set() },
    });
    expect(added).toEqual([
      {
        kind: 'finding',
        site: { file: 'app.py', line: 4 },
        ruleId: 'missing-authentication',
        route: { methods: ['POST'], path: '/r4' },
        by: 'comment',
        reason: 'r',
        hides: 1,
      },
    ]);
  });

  it('lists config keys that scan less or count less than the base, with what they take out', () => {
    const base = parseConfig('default-excludes: false\nfail-on: medium\n', 'b');
    const head = parseConfig("exclude: ['admin']\ninclude: ['api/**/*.py']\nfail-on: critical\n", 'h');
    const unsuppressed = (severity: Finding['severity'], line: number): Finding => ({
      ...finding('api/x.py', line, 'config'),
      severity,
      suppressed: undefined,
    });
    const input = {
      headConfig: { config: head, file: '.tokengate.yml' },
      baseConfig: base,
      comments: [],
      findings: [unsuppressed('high', 1), unsuppressed('medium', 5), unsuppressed('critical', 9)],
      routes: [],
      takenOut: ['admin/views.py', 'app.py', 'build/gen.py'],
    };
    const site = { file: '.tokengate.yml', line: 1 };
    expect(suppressionsAddedByPullRequest(input)).toEqual([
      { kind: 'scope', site, key: 'exclude', value: 'admin', base: '', hides: 1 },
      { kind: 'scope', site, key: 'include', value: 'api/**/*.py', base: '**/*.py', hides: 3 },
      { kind: 'scope', site, key: 'default-excludes', value: 'true', base: 'false', hides: 1 },
      { kind: 'fail-on', site, value: 'critical', base: 'medium', hides: 2 },
    ]);
    // The fail-on input decides over both configs: nothing of the config's fail-on to list.
    expect(
      suppressionsAddedByPullRequest({ ...input, failOnInput: 'high' }).map((s) => s.kind),
    ).not.toContain('fail-on');
  });

  it('counts what a new exclude or include takes out with the globs the scan itself applies', () => {
    const base = parseConfig('', 'b');
    // gitignore-style `generated/` names a directory; `*` spans a name with a line separator, as in the walk.
    const head = parseConfig("exclude: ['generated/', 'x*y.py']\ninclude: ['**/*.py']\n", 'h');
    const input = {
      headConfig: { config: head, file: '.tokengate.yml' },
      baseConfig: base,
      comments: [],
      findings: [],
      routes: [],
      takenOut: ['generated/api.py', 'pkg/generated/models.py', 'x\u2028y.py'],
    };
    expect(suppressionsAddedByPullRequest(input)).toEqual([
      {
        kind: 'scope',
        site: { file: '.tokengate.yml', line: 1 },
        key: 'exclude',
        value: 'generated/, x*y.py',
        base: '',
        hides: 2,
      },
    ]);
  });
});
