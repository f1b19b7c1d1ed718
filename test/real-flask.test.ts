import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concretePath, type RunningApp, startFlaskApp } from './helpers/flask.js';
import { type ExpectedApp, expectedApps } from './helpers/apps.js';

/**
 * The route model judged by the framework: each fixture app runs under real Flask on 127.0.0.1. Its URL map
 * must be exactly the routes we report, every route we call unprotected must answer 2xx to a request without
 * credentials, and every route we call protected must not.
 */
const apps = expectedApps();

function byPath(routes: ExpectedApp['routes']): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of routes) {
    const set = out.get(r.path) ?? new Set<string>();
    r.methods.forEach((m) => set.add(m));
    out.set(r.path, set);
  }
  return new Map([...out].map(([p, s]) => [p, [...s].sort()]));
}

describe.each(apps.map((a) => [a.name, a] as const))('%s under real Flask', (_name, app) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startFlaskApp(app.dir, app.target, app.env);
  });
  afterAll(async () => {
    await running?.close();
  });

  it('has the URL map the model reports', () => {
    const flask = new Map<string, string[]>();
    for (const r of running.rules) {
      if (r.endpoint === 'static') continue;
      flask.set(r.rule, [...new Set([...(flask.get(r.rule) ?? []), ...r.methods])].sort());
    }
    expect(Object.fromEntries([...flask].sort())).toEqual(Object.fromEntries([...byPath(app.routes)].sort()));
  });

  it('answers without credentials exactly where the model says the route is unprotected', async () => {
    const verdicts: string[] = [];
    const expected: string[] = [];
    for (const route of app.routes) {
      if (route.state !== 'protected' && route.state !== 'unprotected') continue;
      for (const method of route.methods) {
        const res = await fetch(running.baseUrl + concretePath(route.path), {
          method,
          redirect: 'manual',
          headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        });
        await res.arrayBuffer();
        const open = res.status >= 200 && res.status < 300;
        verdicts.push(`${method} ${route.path} ${open ? 'unprotected' : 'protected'} (${res.status})`);
        expected.push(`${method} ${route.path} ${route.state} (${res.status})`);
      }
    }
    expect(verdicts).toEqual(expected);
    expect(verdicts.length).toBeGreaterThan(0);
  });
});
