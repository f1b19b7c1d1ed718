import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExpectedApp, expectedApps } from './helpers/apps.js';
import { concretePath, type RunningApp, startFlaskApp } from './helpers/flask.js';

/**
 * The expected.json files are the ground truth the analyzer is tested against; here real Flask judges them.
 * Each app runs unchanged under Flask on 127.0.0.1. Its URL map must be exactly the listed routes, the code
 * Python runs for each route must sit at the listed lines, every route listed as unprotected or public must
 * answer 2xx to a request without credentials, and every route listed as protected must turn it away.
 */

/**
 * What a caller without credentials sends to a route, when an empty JSON body is not enough (to log in, say),
 * or a made-up credential, for routes that only check one is present (any value must get through).
 */
interface Probe {
  json?: unknown;
  headers?: Record<string, string>;
}

/** expected.json may carry `probes`, keyed by `METHOD path`. */
function probesOf(app: ExpectedApp): Record<string, Probe> {
  const raw = JSON.parse(readFileSync(join(app.dir, 'expected.json'), 'utf8')) as {
    probes?: Record<string, Probe>;
  };
  return raw.probes ?? {};
}

function isRejection(res: Response): boolean {
  if ([401, 403, 422].includes(res.status)) return true;
  return (
    res.status >= 300 && res.status < 400 && /login|signin|sign-in/i.test(res.headers.get('location') ?? '')
  );
}

async function requestWithoutCredentials(baseUrl: string, method: string, path: string, probe: Probe) {
  const res = await fetch(baseUrl + concretePath(path), {
    method,
    redirect: 'manual',
    ...(method === 'GET'
      ? { headers: { ...probe.headers } }
      : {
          headers: { 'content-type': 'application/json', ...probe.headers },
          body: JSON.stringify(probe.json ?? {}),
        }),
  });
  await res.arrayBuffer();
  return res;
}

const apps = expectedApps();

it('finds fixture apps whose routes can all be judged by Flask', () => {
  expect(apps.length).toBeGreaterThanOrEqual(6);
  for (const app of apps) {
    expect(app.routes.length, app.name).toBeGreaterThan(0);
    expect(
      app.routes.filter((r) => r.state === 'unknown').map((r) => r.path),
      app.name,
    ).toEqual([]);
    const keys = app.routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`));
    for (const key of Object.keys(probesOf(app))) expect(keys, `${app.name} probes`).toContain(key);
  }
});

describe.each(apps.map((a) => [a.name, a] as const))('%s under real Flask', (_name, app) => {
  let flask: RunningApp;
  beforeAll(async () => {
    flask = await startFlaskApp(app.dir, app.target, app.env);
  });
  afterAll(async () => {
    await flask?.close();
  });

  const served = () => flask.urlMap.filter((r) => r.endpoint !== 'static' && !r.endpoint.endsWith('.static'));

  it('has exactly the (path, methods) pairs listed', () => {
    const pairs = (list: { path: string; methods: string[] }[]) =>
      list.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
    expect(pairs(served().map((r) => ({ path: r.rule, methods: r.methods })))).toEqual(pairs(app.routes));
  });

  it('runs each route from the listed file and lines, one route per view function or per class method', () => {
    const located = (
      list: { path: string; methods: string[]; file: string | null; line: number; endLine: number }[],
    ) => list.map((r) => `${r.methods.join(',')} ${r.path} @ ${r.file}:${r.line}-${r.endLine}`).sort();
    const fromFlask = served().flatMap((rule) => rule.views.map((view) => ({ ...view, path: rule.rule })));
    expect(located(fromFlask)).toEqual(located(app.routes));
  });

  it('answers 2xx without credentials on every unprotected and public route', async () => {
    const probes = probesOf(app);
    const seen: string[] = [];
    for (const route of app.routes.filter((r) => r.state === 'unprotected' || r.state === 'public')) {
      for (const method of route.methods) {
        const key = `${method} ${route.path}`;
        const res = await requestWithoutCredentials(flask.baseUrl, method, route.path, probes[key] ?? {});
        seen.push(`${key} ${route.state}: ${res.ok ? 'answered' : 'refused'} (${res.status})`);
      }
    }
    expect(
      seen.filter((s) => !s.includes(': answered ')),
      seen.join('\n'),
    ).toEqual([]);
  });

  it('turns away requests without credentials on every protected route', async () => {
    const probes = probesOf(app);
    const seen: string[] = [];
    for (const route of app.routes.filter((r) => r.state === 'protected')) {
      for (const method of route.methods) {
        const key = `${method} ${route.path}`;
        const res = await requestWithoutCredentials(flask.baseUrl, method, route.path, probes[key] ?? {});
        seen.push(`${key}: ${isRejection(res) ? 'rejected' : 'not rejected'} (${res.status})`);
      }
    }
    expect(
      seen.filter((s) => !s.includes(': rejected ')),
      seen.join('\n'),
    ).toEqual([]);
  });
});
