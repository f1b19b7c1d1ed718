import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from './global-setup.js';

const ROOT = join(import.meta.dirname, '..');

beforeAll(async () => {
  await ensureBundle();
});

describe('the npm package', () => {
  it('packs the bundle alone and installs offline, with an empty cache, into a working `tokengate` command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-pack-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'action.yml',
        'dist/cli.js',
        'dist/index.js',
        'dist/worker.js',
        'dist/wasm/tree-sitter-python.wasm',
        'dist/wasm/web-tree-sitter.wasm',
        'package.json',
      ]),
    );
    expect(files.filter((f) => /^(src|test|scripts|examples)\//.test(f))).toEqual([]);

    // An empty cache and --offline: a runtime dependency the bundle still needed would fail the install.
    const project = join(dir, 'project');
    execFileSync('mkdir', [project]);
    writeFileSync(
      join(project, 'package.json'),
      '{"name":"uses-tokengate","version":"1.0.0","private":true}\n',
    );
    execFileSync(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--cache',
        join(dir, 'cache'),
        join(dir, packed[0]!.filename),
      ],
      { cwd: project, encoding: 'utf8' },
    );
    const run = spawnSync(
      join(project, 'node_modules', '.bin', 'tokengate'),
      ['scan', 'examples/tasks-api'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('missing-authentication  DELETE /api/projects/<int:project_id>');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Gate: failed, 3 findings at or above high.');
  });
});
