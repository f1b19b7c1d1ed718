import type { RouteMount, RouteReport } from '../types.js';

export interface AuthCounts {
  protected: number;
  public: number;
  /** Unprotected routes: anyone may call them. */
  open: number;
  unknown: number;
}

/** An app, or a blueprint of an app, with the routes mounted directly on it. */
export interface RouteGroup {
  key: string;
  /** The group of the app or blueprint it is registered on; undefined for an app (or an unregistered blueprint). */
  parent?: string;
  /** Absent for the routes that only an OpenAPI document declares. */
  app?: RouteMount['app'];
  /** Undefined for routes without a mount. */
  blueprints?: string[];
  /** URL prefixes it is mounted at (usually one). */
  prefixes: string[];
  routes: RouteReport[];
  counts: AuthCounts;
}

export function countAuth(routes: readonly RouteReport[]): AuthCounts {
  const counts: AuthCounts = { protected: 0, public: 0, open: 0, unknown: 0 };
  for (const r of routes) counts[r.auth.state === 'unprotected' ? 'open' : r.auth.state]++;
  return counts;
}

/**
 * `736 protected, 40 public, 24 open`: the inventory says `0 public, 0 open` too, so that a group with nothing open
 * says so; the one-line totals leave zeros out. `unknown` only when there is some.
 */
export function countsText(c: AuthCounts, { zeros }: { zeros: boolean }): string {
  const shown = (n: number): boolean => zeros || n > 0;
  return [
    `${c.protected} protected`,
    shown(c.public) && `${c.public} public`,
    shown(c.open) && `${c.open} open`,
    c.unknown > 0 && `${c.unknown} unknown`,
  ]
    .filter(Boolean)
    .join(', ');
}

const keyOf = (app: RouteMount['app'], blueprints: readonly string[] | undefined): string =>
  JSON.stringify(blueprints ? [app?.file ?? null, app?.line ?? null, ...blueprints] : null);

function compareGroups(a: RouteGroup, b: RouteGroup): number {
  if (!a.blueprints || !b.blueprints) return Number(!a.blueprints) - Number(!b.blueprints);
  return (
    Number(!a.app) - Number(!b.app) ||
    (a.app?.file ?? '').localeCompare(b.app?.file ?? '') ||
    (a.app?.line ?? 0) - (b.app?.line ?? 0) ||
    a.blueprints.join('\0').localeCompare(b.blueprints.join('\0'), 'en', { numeric: true })
  );
}

/**
 * Routes by the app and blueprint that serve them, each blueprint under its parent (a parent without routes of its
 * own is a group too), apps first in file order, each followed by its blueprints.
 */
export function groupRoutes(routes: readonly RouteReport[]): RouteGroup[] {
  const groups = new Map<string, RouteGroup>();
  const groupOf = (app: RouteMount['app'], blueprints: string[] | undefined): RouteGroup => {
    const key = keyOf(app, blueprints);
    let group = groups.get(key);
    if (!group) {
      const hasParent = blueprints && blueprints.length > (app ? 0 : 1);
      group = {
        key,
        ...(hasParent ? { parent: groupOf(app, blueprints.slice(0, -1)).key } : {}),
        ...(app ? { app } : {}),
        ...(blueprints ? { blueprints } : {}),
        prefixes: [],
        routes: [],
        counts: { protected: 0, public: 0, open: 0, unknown: 0 },
      };
      groups.set(key, group);
    }
    return group;
  };
  for (const r of routes) {
    const group = groupOf(r.mount?.app, r.mount?.blueprints);
    group.routes.push(r);
    if (r.mount && !group.prefixes.includes(r.mount.prefix)) group.prefixes.push(r.mount.prefix);
  }
  for (const g of groups.values()) g.counts = countAuth(g.routes);
  return [...groups.values()].sort(compareGroups);
}

/**
 * What a group is, in tokengate's words with the repository's names as plain strings (each renderer escapes); an
 * app is named by where it is made, a repository path with `pathPrefix`.
 */
export function groupParts(group: RouteGroup, pathPrefix = ''): { kind: string; name: string; at?: string } {
  if (!group.blueprints) return { kind: 'routes', name: 'only in the OpenAPI document' };
  const prefixes = group.prefixes.filter((p) => p !== '');
  const at = prefixes.length ? prefixes.join(', ') : undefined;
  if (!group.blueprints.length) {
    return { kind: 'app', name: `${pathPrefix}${group.app!.file}:${group.app!.line}`, ...(at ? { at } : {}) };
  }
  return {
    kind: group.app ? 'blueprint' : 'blueprint (registered nowhere tokengate can see)',
    name: group.blueprints.join('.'),
    ...(at ? { at } : {}),
  };
}
