import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { expectedApps } from './helpers/apps.js';

const apps = expectedApps();

describe.each(apps.map((a) => [a.name, a] as const))('%s', (_name, app) => {
  it('has every route with its full path, methods, location and guard state', async () => {
    const analysis = await analyze(app.dir);
    const actual = analysis.routes.map((r) => ({
      methods: r.methods,
      path: r.path,
      file: r.location.file,
      line: r.location.startLine,
      endLine: r.location.endLine,
      state: r.auth.state,
      ...(r.auth.optional ? { optional: true } : {}),
    }));
    expect(actual).toEqual(app.routes);
  });

  it('reports exactly the expected findings', async () => {
    const analysis = await analyze(app.dir);
    const actual = analysis.findings.map((f) => ({
      rule: f.ruleId,
      severity: f.severity,
      file: f.location.file,
      line: f.location.startLine,
      ...(f.route ? { route: `${f.route.methods.join(',')} ${f.route.path}` } : {}),
    }));
    expect(actual).toEqual(app.findings);
  });
});

it('covers several fixture apps and the example', () => {
  expect(apps.length).toBeGreaterThanOrEqual(5);
  expect(apps.some((a) => a.name === 'examples/tasks-api')).toBe(true);
});
