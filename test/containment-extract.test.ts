// A file the extractor fails on is skipped with a notice that says whether routes went missing with it; the other
// files are analysed as without it.
import { expect, it, vi } from 'vitest';
import { analyzeSources } from '../src/analysis/pipeline.js';

vi.mock('../src/analysis/extract.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/analysis/extract.js')>();
  return {
    ...real,
    extractModule: (...args: Parameters<typeof real.extractModule>) => {
      if (args[0].startsWith('broken')) throw new Error('injected');
      return real.extractModule(...args);
    },
  };
});

const APP = [
  'from flask import Flask',
  'app = Flask(__name__)',
  '@app.delete("/orders/<int:oid>")',
  'def delete_order(oid):',
  '    return open("orders.db", "w").close()',
  '',
].join('\n');

it.each([{ grouping: 'never' as const }, { grouping: 'always' as const }])(
  'skips a file the extractor fails on, says whether it registered routes, and reports the rest (%o)',
  async (options) => {
    const analysis = await analyzeSources(
      [
        { path: 'app.py', text: APP },
        { path: 'broken_routes.py', text: APP.replace(/app\b/g, 'admin') },
        { path: 'broken_helpers.py', text: 'import flask\n\ndef helper():\n    return flask.g\n' },
      ],
      { workers: 1, allFiles: true, ...options },
    );
    expect(analysis.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`)).toEqual([
      'missing-authentication app.py:3',
    ]);
    expect(analysis.notices.filter((n) => n.file?.startsWith('broken'))).toEqual([
      {
        file: 'broken_helpers.py',
        kind: 'unanalysed-file',
        message:
          'skipped: the analyser failed on this file (injected); it registers no route. Please report it with the file attached.',
      },
      {
        file: 'broken_routes.py',
        kind: 'unanalysed-file',
        message:
          'skipped: the analyser failed on this file (injected); it registers routes, which are missing from the report. Please report it with the file attached.',
      },
    ]);
  },
);
