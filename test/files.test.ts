import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSources } from '../src/analysis/files.js';
import { UsageError } from '../src/errors.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-files-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const paths = async (root: string, options = {}): Promise<string[]> =>
  (await collectSources(root, options)).files.map((f) => f.path);

describe('collectSources', () => {
  it('applies the default excludes: tests, virtualenvs, vendored, VCS, migrations, build output', async () => {
    const root = tree({
      'app/views.py': '',
      'app/tests/test_views.py': '',
      'tests/helpers.py': '',
      'app/test_models.py': '',
      'app/models_test.py': '',
      'conftest.py': '',
      'env/pyvenv.cfg': 'home = /usr/bin',
      'env/lib/flask/app.py': '',
      '.venv/lib/site.py': '',
      'node_modules/pkg/x.py': '',
      '.git/hooks/x.py': '',
      'migrations/versions/001.py': '',
      'build/lib/app.py': '',
      'app/__pycache__/views.py': '',
      'app/README.md': '',
    });
    expect(await paths(root)).toEqual(['app/views.py']);
    expect(await paths(root, { defaultExcludes: false })).toContain('app/tests/test_views.py');
  });

  it('honours include and exclude globs and sorts by path', async () => {
    const root = tree({ 'b.py': '', 'a.py': '', 'svc/z.py': '', 'svc/gen/out.py': '', 'tool.pyw': '' });
    expect(await paths(root)).toEqual(['a.py', 'b.py', 'svc/gen/out.py', 'svc/z.py']);
    expect(await paths(root, { exclude: ['svc/gen/**'] })).toEqual(['a.py', 'b.py', 'svc/z.py']);
    expect(await paths(root, { include: ['svc/**/*.py'] })).toEqual(['svc/gen/out.py', 'svc/z.py']);
  });

  it('never follows symlinks, so nothing outside the root is read and loops end', async () => {
    const outside = tree({ 'secret_app.py': 'from flask import Flask' });
    const root = tree({ 'app.py': '' });
    symlinkSync(join(outside, 'secret_app.py'), join(root, 'linked.py'));
    symlinkSync(outside, join(root, 'linked_dir'));
    symlinkSync(root, join(root, 'loop'));
    expect(await paths(root)).toEqual(['app.py']);
  });

  it('skips binary and oversized files with a notice, and decodes invalid UTF-8 with replacement', async () => {
    const root = tree({
      'bin.py': Buffer.from([0x66, 0x00, 0x01, 0x02]),
      'big.py': 'x = 1\n'.repeat(2000),
      'latin.py': Buffer.from([0xef, 0xbb, 0xbf, 0x23, 0x20, 0xe9, 0x0a]),
    });
    const { files, notices } = await collectSources(root, { maxFileBytes: 4096 });
    expect(files.map((f) => f.path)).toEqual(['latin.py']);
    expect(files[0]!.text).toBe('# \uFFFD\n');
    expect(notices).toEqual([
      { file: 'big.py', message: 'skipped: 12 KB is over the 4 KB limit.' },
      { file: 'bin.py', message: 'skipped: binary content (NUL bytes).' },
    ]);
  });

  it('scans a single file and rejects a missing root with a usage error', async () => {
    const root = tree({ 'service.py': 'print(1)\n' });
    expect((await collectSources(join(root, 'service.py'))).files).toEqual([
      { path: 'service.py', text: 'print(1)\n' },
    ]);
    await expect(collectSources(join(root, 'nope'))).rejects.toThrow(UsageError);
  });

  it('walks very deep directory trees', async () => {
    const deep = Array.from({ length: 200 }, (_, i) => `d${i}`).join('/');
    const root = tree({ [`${deep}/app.py`]: '' });
    expect(await paths(root)).toEqual([`${deep}/app.py`]);
  });
});
