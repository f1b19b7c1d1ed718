import { mkdtempSync, writeFileSync } from 'node:fs';
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
      ].join('\n'),
      '.tokengate.yml',
    );
    expect(config).toEqual({
      publicRoutes: ['/status', '/public/**'],
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
        },
      ],
      pathParams: { '/api/projects/<int:pid>': { pid: '42' } },
    });
  });

  it.each([
    ['fail-on: sometimes\n', '`fail-on` at line 1 must be one of critical, high, medium, low, info, none.'],
    ['public-routes: /health\n', '`public-routes` at line 1 must be a list of strings.'],
    [
      'public-routes:\n  - health\n',
      "`public-routes` at line 2 entry 'health' must be a URL rule or glob starting with /.",
    ],
    ['exclude:\n  - a\nfail_on: high\n', '`fail_on` at line 3 is not a known key'],
    ['ignore:\n  - rule: missing-authentication\n', '`ignore.reason` at line 2 is required.'],
    [
      'ignore:\n  - rule: x\n    reason: y\n    expires: soon\n',
      '`ignore.expires` at line 4 must be a date YYYY-MM-DD.',
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
    ['ignore:\n  - rule: x\n    reason: y\n    file: a.py\n', '`ignore.file` at line 4 is not a known key.'],
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
});
