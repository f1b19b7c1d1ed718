import { execFileSync } from 'node:child_process';
import syncFs, { type Dirent, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { collectSources, type CollectOptions } from '../src/analysis/files.js';
import { UsageError } from '../src/errors.js';

const roots: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh directory holding `files` (relative path → content). */
function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-files-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const paths = async (root: string, options: CollectOptions = {}): Promise<string[]> =>
  (await collectSources(root, options)).files.map((f) => f.path);

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/** Make readdir report `name` as a regular file, as it was a moment before something else was put there. */
function listAsRegularFile(name: string): void {
  const { readdirSync } = syncFs;
  vi.spyOn(syncFs, 'readdirSync').mockImplementation(((path: string, options: never) => {
    const entries = readdirSync(path, options) as unknown as Dirent[];
    for (const e of entries)
      if (e.name === name)
        Object.assign(e, { isSymbolicLink: () => false, isFIFO: () => false, isFile: () => true });
    return entries;
  }) as typeof readdirSync);
}

describe('collectSources: default excludes', () => {
  // Each excluded file is found once the defaults are off, so every row proves its own exclusion.
  it.each([
    ['a tests/ directory', { 'tests/helpers.py': '' }],
    ['a nested tests/ directory', { 'app/tests/views.py': '' }],
    ['a test/ directory', { 'test/helpers.py': '' }],
    ['test_*.py files', { 'app/test_models.py': '' }],
    ['*_test.py files', { 'app/models_test.py': '' }],
    ['conftest.py', { 'conftest.py': '' }],
    ['venv/', { 'venv/lib/python3.12/flask/app.py': '' }],
    ['.venv/', { '.venv/lib/site.py': '' }],
    ['env/ holding pyvenv.cfg', { 'env/pyvenv.cfg': 'home = /usr/bin\n', 'env/lib/flask/app.py': '' }],
    ['any directory holding pyvenv.cfg', { 'py312/pyvenv.cfg': '', 'py312/lib/flask/app.py': '' }],
    ['a conda environment', { 'conda/conda-meta/history': '', 'conda/lib/python3.12/os.py': '' }],
    ['site-packages', { 'vendor/lib/site-packages/flask/app.py': '' }],
    ['.tox/ and .nox/', { '.tox/py312/x.py': '', '.nox/lint/x.py': '' }],
    ['node_modules/', { 'web/node_modules/pkg/x.py': '' }],
    ['VCS metadata', { '.git/hooks/x.py': '', '.hg/x.py': '', '.svn/x.py': '' }],
    ['migrations', { 'migrations/versions/001.py': '', 'app/alembic/versions/002_init.py': '' }],
    [
      'build output',
      { 'build/lib/app.py': '', 'dist/app.py': '', 'app.egg-info/x.py': '', '.eggs/x.py': '' },
    ],
    ['__pycache__/', { 'app/__pycache__/views.py': '' }],
  ])('skips %s', async (_what, excluded) => {
    const root = tree({ 'app.py': '', ...excluded });
    expect(await paths(root)).toEqual(['app.py']);
    const all = await paths(root, { defaultExcludes: false });
    for (const path of Object.keys(excluded).filter((p) => p.endsWith('.py'))) expect(all).toContain(path);
  });

  it('scans an env/ directory that is an application package, not a virtualenv', async () => {
    const root = tree({ 'env/settings.py': '', 'app.py': '' });
    expect(await paths(root)).toEqual(['app.py', 'env/settings.py']);
  });

  it('scans a root that is itself a virtualenv, skipping only its installed packages', async () => {
    const root = tree({ 'pyvenv.cfg': '', 'app.py': '', 'lib/python3.12/site-packages/flask/app.py': '' });
    expect(await paths(root)).toEqual(['app.py']);
  });

  it('does not descend into excluded directories at all', async () => {
    const root = tree({ 'app.py': '', 'node_modules/a/b/x.py': '', '.git/objects/x.py': '', 'gen/x.py': '' });
    const readdir = vi.spyOn(syncFs, 'readdirSync');
    await collectSources(root, { exclude: ['gen'] });
    const listed = readdir.mock.calls.map((call) => String(call[0]));
    expect(listed).toEqual([root]);
  });
});

describe('collectSources: include and exclude options', () => {
  const files = {
    'b.py': '',
    'a.py': '',
    'svc/z.py': '',
    'svc/gen/out.py': '',
    'tool.pyw': '',
    'tests/t.py': '',
  };

  it('adds exclude globs to the defaults', async () => {
    const root = tree(files);
    expect(await paths(root)).toEqual(['a.py', 'b.py', 'svc/gen/out.py', 'svc/z.py']);
    expect(await paths(root, { exclude: ['svc/gen/**'] })).toEqual(['a.py', 'b.py', 'svc/z.py']);
    expect(await paths(root, { exclude: ['svc/gen/'] })).toEqual(['a.py', 'b.py', 'svc/z.py']);
    expect(await paths(root, { exclude: ['**/z.py'], defaultExcludes: false })).toEqual([
      'a.py',
      'b.py',
      'svc/gen/out.py',
      'tests/t.py',
    ]);
  });

  it('replaces the default include, and treats an empty include as the default', async () => {
    const root = tree(files);
    expect(await paths(root, { include: ['svc/**/*.py'] })).toEqual(['svc/gen/out.py', 'svc/z.py']);
    expect(await paths(root, { include: ['**/*.pyw'] })).toEqual(['tool.pyw']);
    expect(await paths(root, { include: [] })).toEqual(['a.py', 'b.py', 'svc/gen/out.py', 'svc/z.py']);
  });

  it('matches names that start with a line terminator', async () => {
    const root = tree({ '\u2028pkg/admin.py': '', '\nx.py': '', '\rtests/a.py': '', 'tests/\u2029b.py': '' });
    expect(await paths(root)).toEqual(['\nx.py', '\rtests/a.py', '\u2028pkg/admin.py']);
  });

  it('reads lone CR line endings as Python does, as line breaks of the same length', async () => {
    const root = tree({ 'mac.py': 'a = 1\rb = 2\r\nc = 3\r' });
    expect((await collectSources(root)).files[0]!.text).toBe('a = 1\nb = 2\r\nc = 3\n');
  });

  it('names a candidate .py entry that is no regular file', async () => {
    const root = tree({ 'app.py': '' });
    execFileSync('mkfifo', [join(root, 'pipe.py')]);
    const { files, notices } = await collectSources(root);
    expect(files.map((f) => f.path)).toEqual(['app.py']);
    expect(notices).toEqual([
      { file: 'pipe.py', message: 'skipped: not a regular file.', kind: 'unanalysed-file' },
    ]);
  });

  it('matches dot directories', async () => {
    const root = tree({ '.config/app.py': '' });
    expect(await paths(root)).toEqual(['.config/app.py']);
  });
});

describe('collectSources: symlinks', () => {
  it('reads nothing through a symlinked file or directory that points outside the root', async () => {
    const outside = tree({
      'secret_app.py': 'OUTSIDE_MARKER = 1\n',
      'pkg/routes.py': 'OUTSIDE_MARKER = 2\n',
    });
    const root = tree({ 'app.py': 'x = 1\n' });
    symlinkSync(join(outside, 'secret_app.py'), join(root, 'linked.py'));
    symlinkSync(join(outside, 'pkg'), join(root, 'linked_dir'));
    const { files, notices } = await collectSources(root);
    expect(files).toEqual([{ path: 'app.py', text: 'x = 1\n' }]);
    expect(notices.map((n) => n.file)).toEqual(['linked.py', 'linked_dir']);
    // Python follows the link: what it holds is unseen, so it counts like any unanalysed file.
    expect(notices[0]).toMatchObject({
      kind: 'unanalysed-file',
      message: expect.stringMatching(/^not analysed: a symbolic link/),
    });
    expect(notices[1]!.message).toMatch(/^skipped: symbolic links are not followed/);
    expect(notices[1]!.kind).toBeUndefined();
  });

  it('counts a .py symlink to a file the scan does not read, not one to a file it analyses', async () => {
    const root = tree({ 'app.py': '', 'impl/admin.txt': '', 'tests/helpers.py': '', 'real.py': '' });
    symlinkSync(join(root, 'impl', 'admin.txt'), join(root, 'admin.py'));
    symlinkSync(join(root, 'tests', 'helpers.py'), join(root, 'helpers.py'));
    symlinkSync('real.py', join(root, 'alias.py'));
    const { notices } = await collectSources(root);
    expect(notices.map((n) => [n.file, n.kind ?? 'notice'])).toEqual([
      ['admin.py', 'unanalysed-file'],
      ['alias.py', 'notice'],
      ['helpers.py', 'unanalysed-file'],
    ]);
    expect(notices[1]!.message).toContain('its target real.py is analysed');
  });

  it('stays silent about symlinks that could not hold sources', async () => {
    const root = tree({ 'app.py': '', 'docs/README.md': '' });
    symlinkSync(join(root, 'docs', 'README.md'), join(root, 'README.md'));
    symlinkSync(join(root, 'docs'), join(root, 'node_modules'));
    expect((await collectSources(root)).notices).toEqual([]);
  });

  it('ends on symlink loops', async () => {
    const root = tree({ 'app.py': '', 'a/b.py': '' });
    symlinkSync(root, join(root, 'loop'));
    symlinkSync(join(root, 'a'), join(root, 'a', 'again'));
    const { files, notices } = await collectSources(root);
    expect(files.map((f) => f.path)).toEqual(['a/b.py', 'app.py']);
    expect(notices.map((n) => n.file)).toEqual(['a/again', 'loop']);
  });

  it('does not read through a file replaced by a symlink after the directory was listed', async () => {
    const outside = tree({ 'secret_app.py': 'OUTSIDE_MARKER = 1\n' });
    const root = tree({ 'app.py': '' });
    symlinkSync(join(outside, 'secret_app.py'), join(root, 'swapped.py'));
    listAsRegularFile('swapped.py');
    expect(await collectSources(root)).toEqual({
      files: [{ path: 'app.py', text: '' }],
      notices: [{ file: 'swapped.py', message: 'skipped: cannot be read (ELOOP).', kind: 'unanalysed-file' }],
    });
  });

  it('follows a root the user named, even when it is a symlink', async () => {
    const real = tree({ 'service.py': 'x = 1\n' });
    const root = tree({});
    symlinkSync(join(real, 'service.py'), join(root, 'entry.py'));
    expect((await collectSources(join(root, 'entry.py'))).files).toEqual([
      { path: 'entry.py', text: 'x = 1\n' },
    ]);
  });
});

describe('collectSources: file contents', () => {
  it('tells the length of each text it reads, and nothing of files it skips', async () => {
    const root = tree({
      'app.py': 'x = 1\n',
      'pkg/views.py': 'def f():\n    return 2\n',
      'blob.py': Buffer.from([0x61, 0x00, 0x62]),
      'notes.txt': 'not python',
    });
    const lengths: number[] = [];
    const { files } = await collectSources(root, { onRead: (chars) => lengths.push(chars) });
    expect(files.map((f) => f.path)).toEqual(['app.py', 'pkg/views.py']);
    expect(lengths.sort((a, b) => a - b)).toEqual([6, 22]);
  });

  it('skips binary files with a notice', async () => {
    const root = tree({ 'bin.py': Buffer.from([0x66, 0x00, 0x01, 0x02]), 'app.py': '' });
    expect(await collectSources(root)).toEqual({
      files: [{ path: 'app.py', text: '' }],
      notices: [{ file: 'bin.py', message: 'skipped: binary content (NUL bytes).', kind: 'unanalysed-file' }],
    });
  });

  it('skips files over the size limit with a notice', async () => {
    const root = tree({
      'big.py': 'x = 1\n'.repeat(2000),
      'edge.py': 'x'.repeat(4096),
      'edge2.py': 'x'.repeat(4097),
      'huge.py': Buffer.alloc(Math.round(3.1 * 1024 * 1024), 0x20),
    });
    // Paths and notices only: a diff of a 3 MB text would take minutes to print.
    const small = await collectSources(root, { maxFileBytes: 4096 });
    expect(small.files.map((f) => f.path)).toEqual(['edge.py']);
    expect(small.notices).toEqual([
      { file: 'big.py', message: 'skipped: 12 KB is over the 4 KB limit.', kind: 'unanalysed-file' },
      {
        file: 'edge2.py',
        message: 'skipped: 4097 bytes is over the 4096-byte limit.',
        kind: 'unanalysed-file',
      },
      { file: 'huge.py', message: 'skipped: 3.1 MB is over the 4 KB limit.', kind: 'unanalysed-file' },
    ]);
    // Generated modules of tens of MB are real code: the default limit reads them.
    const byDefault = await collectSources(root);
    expect(byDefault.files.map((f) => f.path)).toEqual(['big.py', 'edge.py', 'edge2.py', 'huge.py']);
    expect(byDefault.notices).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'neither hangs on nor reads a FIFO put where a file was listed',
    async () => {
      const root = tree({ 'app.py': '' });
      execFileSync('mkfifo', [join(root, 'pipe.py')]);
      listAsRegularFile('pipe.py');
      expect(await collectSources(root)).toEqual({
        files: [{ path: 'app.py', text: '' }],
        notices: [{ file: 'pipe.py', message: 'skipped: not a regular file.', kind: 'unanalysed-file' }],
      });
    },
    10_000,
  );

  it('decodes invalid UTF-8 with U+FFFD and drops a byte order mark', async () => {
    const root = tree({ 'latin.py': Buffer.from([0xef, 0xbb, 0xbf, 0x23, 0x20, 0xe9, 0x0a]) });
    expect((await collectSources(root)).files).toEqual([{ path: 'latin.py', text: '# \uFFFD\n' }]);
  });

  it('turns unreadable files and directories into notices', async () => {
    const root = tree({ 'app.py': '', 'locked.py': '', 'private/x.py': '' });
    const { openSync, readdirSync } = syncFs;
    vi.spyOn(syncFs, 'openSync').mockImplementation((path, ...rest) => {
      if (String(path).endsWith('locked.py')) throw errno('EACCES');
      return openSync(path, ...rest);
    });
    vi.spyOn(syncFs, 'readdirSync').mockImplementation(((path: string, options: never) => {
      if (path.endsWith('private')) throw errno('EACCES');
      return readdirSync(path, options);
    }) as typeof readdirSync);
    expect(await collectSources(root)).toEqual({
      files: [{ path: 'app.py', text: '' }],
      notices: [
        { file: 'locked.py', message: 'skipped: cannot be read (EACCES).', kind: 'unanalysed-file' },
        { file: 'private', message: 'skipped: directory cannot be read (EACCES).' },
      ],
    });
  });
});

describe('collectSources: roots and order', () => {
  it('sorts by path in byte order', async () => {
    const names = ['c.py', 'B.py', '_x.py', 'a/b.py', 'a-b.py', 'a.py', '\u{1F600}.py', '\uFF21.py'];
    const root = tree(Object.fromEntries(names.map((n) => [n, ''])));
    expect(await paths(root)).toEqual([
      'B.py',
      '_x.py',
      'a-b.py',
      'a.py',
      'a/b.py',
      'c.py',
      '\uFF21.py',
      '\u{1F600}.py',
    ]);
  });

  it('scans a single file root under its base name, whatever the excludes say', async () => {
    const root = tree({ 'test_service.py': 'print(1)\n' });
    expect(await collectSources(join(root, 'test_service.py'))).toEqual({
      files: [{ path: 'test_service.py', text: 'print(1)\n' }],
      notices: [],
    });
  });

  it('rejects a missing root with a usage error', async () => {
    const missing = join(tree({}), 'nope');
    await expect(collectSources(missing)).rejects.toThrow(
      new UsageError(`path '${missing}' does not exist.`),
    );
    await expect(collectSources(missing)).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects an unreadable root directory with a usage error', async () => {
    const root = tree({ 'app.py': '' });
    vi.spyOn(syncFs, 'readdirSync').mockImplementation(() => {
      throw errno('EACCES');
    });
    await expect(collectSources(root)).rejects.toThrow(
      new UsageError(`path '${root}' cannot be read (EACCES).`),
    );
  });

  it('walks a directory tree 500 levels deep', async () => {
    const deep = Array.from({ length: 500 }, () => 'd').join('/');
    const root = tree({ [`${deep}/app.py`]: 'x = 1\n' });
    expect(await paths(root)).toEqual([`${deep}/app.py`]);
  });
});
