import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_CONFIG, loadConfig, parseConfig } from '../src/config.js';
import { UsageError } from '../src/errors.js';

describe('config file', () => {
  it('reads every key', () => {
    const config = parseConfig(
      [
        'public-routes:',
        '  - /status',
        '  - /public/**',
        'exclude: [scripts/**]',
        'include: ["**/*.py"]',
        'default-excludes: false',
        'fail-on: medium',
        'ignore:',
        '  - rule: missing-authentication',
        '    route: /internal/metrics',
        '    reason: served on the private network only',
        '    expires: 2027-01-31',
        'path-params:',
        '  /api/projects/<int:pid>:',
        '    pid: 42',
        'guards:',
        '  - platform_kit.web.vetted',
        'route-helpers: [platform_kit.web.api_route]',
      ].join('\n'),
      '.tokengate.yml',
    );
    expect(config).toEqual({
      publicRoutes: ['/status', '/public/**'],
      publicRouteLines: [2, 3],
      include: ['**/*.py'],
      exclude: ['scripts/**'],
      defaultExcludes: false,
      failOn: 'medium',
      ignore: [
        {
          rule: 'missing-authentication',
          route: '/internal/metrics',
          reason: 'served on the private network only',
          expires: '2027-01-31',
          line: 9,
        },
      ],
      pathParams: { '/api/projects/<int:pid>': { pid: '42' } },
      guards: ['platform_kit.web.vetted'],
      guardLines: [17],
      routeHelpers: ['platform_kit.web.api_route'],
    });
  });

  it.each([
    ['fail-on: sometimes\n', '`fail-on` at line 1 must be one of critical, high, medium, low, info, none.'],
    ['public-routes: /health\n', '`public-routes` at line 1 must be a list of strings.'],
    [
      'public-routes:\n  - health\n',
      "`public-routes` at line 2 entry 'health' must be a URL rule or glob starting with /.",
    ],
    [
      'exclude:\n  - a\nfail_on: high\n',
      'the key `fai…` (7 characters) at line 3 is not a known key (known: ',
    ],
    ['ignore:\n  - rule: missing-authentication\n', '`ignore.reason` at line 2 is required.'],
    [
      'ignore:\n  - rule: x\n    reason: y\n    expires: soon\n',
      "`ignore.expires` at line 4 must be a calendar date YYYY-MM-DD, not 'soon'.",
    ],
    [
      'public-routes: [\n',
      'YAML syntax error at line 2: Flow sequence in block collection must be sufficiently indented and end with a ].',
    ],
    ['fail-on: high\nfail-on: low\n', 'YAML syntax error at line 2: Map keys must be unique.'],
    ['include: "**/*.py"\n', '`include` at line 1 must be a list of strings.'],
    ['exclude:\n  - vendor/**\n  - 3\n', '`exclude` at line 3 must be a list of strings.'],
    ['default-excludes: no-thanks\n', '`default-excludes` at line 1 must be true or false.'],
    ['fail-on: [high]\n', '`fail-on` at line 1 must be one of'],
    ['ignore:\n  - reason: r\n', '`ignore.rule` at line 2 is required.'],
    [
      'ignore:\n  - rule: x\n    reason: y\n    file: a.py\n',
      '`ignore` at line 4 entries have no key `fil…` (4 characters) (known: rule, path, route, reason, expires).',
    ],
    [
      'ignore:\n  - rule: x\n    reason: y\n    expires: 2099-99-99\n',
      "`ignore.expires` at line 4 must be a calendar date YYYY-MM-DD, not '2099-99-99'.",
    ],
    [
      'ignore:\n  - rule: x\n    reason: y\n    expires: 2023-02-30\n',
      "`ignore.expires` at line 4 must be a calendar date YYYY-MM-DD, not '2023-02-30'.",
    ],
    ['ignore: missing-authentication\n', '`ignore` at line 1 must be a list'],
    [
      'path-params:\n  /items/<int:id>: 7\n',
      '`path-params./items/<int:id>` at line 2 must map parameter names',
    ],
    ['- /health\n', 'the file must be a mapping'],
  ])('rejects %j naming the key and line', (text, message) => {
    expect(() => parseConfig(text, '.tokengate.yml')).toThrow(UsageError);
    expect(() => parseConfig(text, '.tokengate.yml')).toThrow(message);
  });

  it('accepts an absent default file and an empty file, but not an absent named file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-config-'));
    expect(loadConfig(dir, undefined, false)).toBe(EMPTY_CONFIG);
    writeFileSync(join(dir, '.tokengate.yml'), '# nothing yet\n');
    expect(loadConfig(dir, undefined, false)).toEqual(EMPTY_CONFIG);
    expect(() => loadConfig(dir, join(dir, 'other.yml'), true)).toThrow(
      /cannot read config file .*other\.yml' \(ENOENT\)/,
    );
    expect(() => loadConfig(dir, dir, true)).toThrow(/cannot read config file .* \(EISDIR\)\.$/);
    writeFileSync(join(dir, 'named.yml'), 'fail-on: low\n');
    expect(loadConfig(dir, join(dir, 'named.yml'), true).failOn).toBe('low');
  });

  it('takes fail-on in any case, as the CLI and the action input do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-config-'));
    writeFileSync(join(dir, '.tokengate.yml'), 'fail-on: Medium\n');
    expect(loadConfig(dir, undefined, false).failOn).toBe('medium');
  });

  it('accepts real dates, leap days included', () => {
    const config = parseConfig(
      'ignore:\n  - rule: x\n    reason: y\n    expires: 2028-02-29\n',
      '.tokengate.yml',
    );
    expect(config.ignore[0]!.expires).toBe('2028-02-29');
    expect(() =>
      parseConfig('ignore:\n  - rule: x\n    reason: y\n    expires: 2027-02-29\n', '.tokengate.yml'),
    ).toThrow("must be a calendar date YYYY-MM-DD, not '2027-02-29'.");
  });

  it('never echoes a secret from the file: unknown keys and values are shortened', () => {
    const secret = 'AWS_SECRET_ACCESS_KEY_wJalrXUtnFEMI_K7MDENG_bPxRfiCYEXAMPLEKEY';
    const messages = [`${secret}: 1\n`, `public-routes:\n  - ${secret}\n`, `ignore:\n  - ${secret}: x\n`].map(
      (text) => {
        try {
          parseConfig(text, '.tokengate.yml');
        } catch (err) {
          return (err as Error).message;
        }
        return '';
      },
    );
    expect(messages[0]).toBe(
      'Invalid .tokengate.yml: the key `AWS…` (62 characters) at line 1 is not a known key (known: public-routes, include, exclude, default-excludes, fail-on, ignore, path-params, guards, route-helpers).',
    );
    expect(messages[1]).toBe(
      "Invalid .tokengate.yml: `public-routes` at line 2 entry 'AWS_SECRET_ACCESS_KEY_wJ…' must be a URL rule or glob starting with /.",
    );
    for (const m of messages) {
      expect(m).toMatch(/^Invalid \.tokengate\.yml: /);
      expect(m).not.toContain('wJalrXUtnFEMI');
    }
  });

  it('refuses a config linked out of the scanned tree, and reads one linked inside it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tokengate-runner-home-'));
    writeFileSync(join(outside, 'credentials'), 'RUNNER_SECRET_TOKEN: s3cr3t-value\n');
    const workspace = mkdtempSync(join(tmpdir(), 'tokengate-workspace-'));
    const root = join(workspace, 'services', 'api');
    mkdirSync(root, { recursive: true });
    symlinkSync(join(outside, 'credentials'), join(root, '.tokengate.yml'));
    const refused = `config file '${join(root, '.tokengate.yml')}' is a symbolic link to a file outside the workspace, which tokengate does not read: put the config file itself in the repository.`;
    expect(() => loadConfig(root, undefined, false, workspace)).toThrow(refused);
    expect(() => loadConfig(root, undefined, false)).toThrow(
      'is a symbolic link to a file outside the scanned directory, which tokengate does not read',
    );
    // Named explicitly, a path inside the tree is held to the same rule.
    expect(() => loadConfig(root, join(root, '.tokengate.yml'), true, workspace)).toThrow(refused);

    // A link to another file of the same workspace is fine (a monorepo sharing one config).
    writeFileSync(join(workspace, 'tokengate.shared.yml'), 'fail-on: low\n');
    const linked = join(workspace, 'services', 'web');
    mkdirSync(linked);
    symlinkSync('../../tokengate.shared.yml', join(linked, '.tokengate.yml'));
    expect(loadConfig(linked, undefined, false, workspace).failOn).toBe('low');
    // A file the user names outside the tree is theirs, read as named.
    writeFileSync(join(outside, 'tokengate.yml'), 'fail-on: medium\n');
    expect(loadConfig(root, join(outside, 'tokengate.yml'), true, workspace).failOn).toBe('medium');
  });

  it('refuses a config over 1 MiB in one sentence instead of running out of memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-config-'));
    const entry = '  - /health/' + 'a'.repeat(80) + '\n';
    writeFileSync(
      join(dir, '.tokengate.yml'),
      'public-routes:\n' + entry.repeat(Math.ceil((30 << 20) / entry.length)),
    );
    expect(() => loadConfig(dir, undefined, false)).toThrow(
      new UsageError(
        `config file '${join(dir, '.tokengate.yml')}' is 30.0 MiB, over the 1 MiB that tokengate reads.`,
      ),
    );
  });
});
