import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { DEFAULT_MAX_FILE_BYTES } from '../src/analysis/files.js';

const APP = [
  'from flask import Flask',
  'from flask_jwt_extended import jwt_required',
  'app = Flask(__name__)',
  "@app.get('/private')",
  '@jwt_required()',
  'def private():',
  "    return ''",
  "@app.delete('/orders/<int:oid>')",
  'def delete_order(oid):',
  "    return ''",
  '',
].join('\n');

it('scans a tree of hostile files to the end and still reports the real finding', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-hostile-'));
  writeFileSync(join(root, 'app.py'), APP);
  writeFileSync(join(root, 'deep_parens.py'), `x = ${'('.repeat(20000)}1${')'.repeat(20000)}\n`);
  writeFileSync(join(root, 'deep_lists.py'), `x = ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
  const nestedIfs = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}if x:`).join('\n');
  writeFileSync(join(root, 'deep_blocks.py'), `${nestedIfs}\n${' '.repeat(3000)}pass\n`);
  writeFileSync(
    join(root, 'broken.py'),
    'from flask import Flask\napp = Flask(\n@app.route("/x"\ndef x(:\n  return\n',
  );
  writeFileSync(join(root, 'nul.py'), Buffer.concat([Buffer.from('x = 1\n'), Buffer.from([0, 0, 0])]));
  writeFileSync(
    join(root, 'invalid_utf8.py'),
    Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]),
  );
  writeFileSync(join(root, 'long_line.py'), `x = "${'a'.repeat(1_000_000)}"\n`);
  const chain = Array.from({ length: 5000 }, (_, i) => `v${i + 1} = v${i}`).join('\n');
  writeFileSync(join(root, 'long_chain.py'), `v0 = 1\n${chain}\n`);
  // A loop over its own variable (as in werkzeug, pip, PyYAML): its iterable is unknown, not endless.
  writeFileSync(
    join(root, 'self_loop.py'),
    'import flask\n\ndef emit(body):\n    for value in value:\n        body.write("x")\n',
  );
  writeFileSync(join(root, 'cycle_a.py'), 'from cycle_b import x\n');
  writeFileSync(join(root, 'cycle_b.py'), 'from cycle_a import x\n');
  // A generated module under the size cap is analysed; one over it is not (a notice the gate counts).
  const generated = Array.from(
    { length: 30000 },
    (_, i) => `def handler_${i}(a, b):\n    return a + b * ${i}\n`,
  );
  writeFileSync(join(root, 'generated.py'), generated.join(''));
  writeFileSync(
    join(root, 'generated_huge.py'),
    generated.join('').padEnd(DEFAULT_MAX_FILE_BYTES + 1024 * 1024, ' '),
  );
  mkdirSync(join(root, 'pkg'));
  symlinkSync(root, join(root, 'pkg', 'loop'));
  symlinkSync(join(root, 'pkg'), join(root, 'pkg', 'self'));
  symlinkSync('/etc', join(root, 'etc_link'));
  // An open app outside the root, reachable only through links: never scanned.
  const outside = mkdtempSync(join(tmpdir(), 'tokengate-outside-'));
  writeFileSync(join(outside, 'app.py'), APP);
  symlinkSync(outside, join(root, 'outside_dir'));
  symlinkSync(join(outside, 'app.py'), join(root, 'outside_app.py'));

  // allFiles: every hostile file parsed, though nothing else in the tree refers to it.
  for (const options of [
    { workers: 1 },
    { workers: 2 },
    { workers: 1, allFiles: true },
    { workers: 2, allFiles: true },
    { workers: 2, grouping: 'always' as const },
    { workers: 2, allFiles: true, grouping: 'always' as const },
  ]) {
    const analysis = await analyze(root, options);
    expect(analysis.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`)).toEqual([
      'missing-authentication app.py:8',
    ]);
    expect(analysis.routes.map((r) => r.location.file)).toEqual(['app.py', 'app.py']);
    expect(analysis.notices.filter((n) => n.file === 'generated.py')).toEqual([]);
    expect(analysis.notices.find((n) => n.file === 'generated_huge.py')?.message).toMatch(/^skipped: .*MB/);
  }
  const analysis = await analyze(root);
  expect(analysis.notices).toContainEqual({
    file: 'nul.py',
    message: 'skipped: binary content (NUL bytes).',
    kind: 'unanalysed-file',
  });
  expect(analysis.notices).toContainEqual({
    file: 'broken.py',
    message: 'has syntax errors; analysed as far as the parser recovered.',
  });
});
