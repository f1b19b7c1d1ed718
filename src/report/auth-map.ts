import type { RouteReport } from '../types.js';
import { mermaidText, plural } from './escape.js';
import { countsText, groupParts, type RouteGroup, groupRoutes } from './route-groups.js';

/** A large app still gives a map one can read: the groups with open routes first, then the biggest. */
export const MAP_NODES = 30;
export const OPEN_ROUTES_PER_NODE = 5;

/** Node colours by how much of a group is closed to anonymous callers (protected or public by design). */
const CLASSES = [
  'classDef closed fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
  'classDef mostly fill:#fff8c5,stroke:#9a6700,color:#1f2328',
  'classDef open fill:#ffebe9,stroke:#cf222e,color:#1f2328',
  'classDef empty fill:#f6f8fa,stroke:#8c959f,color:#1f2328',
];

function colour(group: RouteGroup): string {
  const total = group.routes.length;
  if (!total) return 'empty';
  const closed = group.counts.protected + group.counts.public;
  if (closed === total) return 'closed';
  return closed * 2 >= total ? 'mostly' : 'open';
}

function label(group: RouteGroup, pathPrefix: string): string {
  const parts = groupParts(group, pathPrefix);
  const lines = [
    `${mermaidText(parts.kind)} ${mermaidText(parts.name)}`,
    ...(parts.at ? [mermaidText(parts.at)] : []),
  ];
  if (group.routes.length)
    lines.push(
      mermaidText(`${plural(group.routes.length, 'route')}: ${countsText(group.counts, { zeros: false })}`),
    );
  const open = group.routes.filter((r) => r.auth.state === 'unprotected');
  for (const r of open.slice(0, OPEN_ROUTES_PER_NODE))
    lines.push(`open: ${mermaidText(`${r.methods.join(',')} ${r.path}`)}`);
  if (open.length > OPEN_ROUTES_PER_NODE) lines.push(`+${open.length - OPEN_ROUTES_PER_NODE} more open`);
  return lines.join('<br/>');
}

/**
 * The auth map: a mermaid flowchart (GitHub renders it) with one node per app and blueprint, its prefix and counts,
 * coloured by how much of it is protected, its open routes listed under it; at most MAP_NODES nodes, the rest
 * counted in one. Node ids are tokengate's own; every repository string goes through `mermaidText`. Empty when
 * there are no routes.
 */
export function renderAuthMap(routes: readonly RouteReport[], pathPrefix = ''): string[] {
  const groups = groupRoutes(routes);
  if (!groups.length) return [];
  const ranked = [...groups].sort(
    (a, b) => b.counts.open - a.counts.open || b.routes.length - a.routes.length,
  );
  const byKey = new Map(groups.map((g) => [g.key, g]));
  // A group comes with the app and blueprints above it, so that the map keeps its shape.
  const shown = new Set<string>();
  for (const g of ranked) {
    const chain: string[] = [];
    for (let key: string | undefined = g.key; key && !shown.has(key); key = byKey.get(key)?.parent)
      chain.push(key);
    if (shown.size + chain.length > MAP_NODES) continue;
    for (const key of chain) shown.add(key);
  }
  const ids = new Map(groups.filter((g) => shown.has(g.key)).map((g, i) => [g.key, `g${i}`]));
  const lines = ['```mermaid', 'flowchart LR'];
  for (const g of groups) {
    const id = ids.get(g.key);
    if (!id) continue;
    lines.push(`  ${id}["${label(g, pathPrefix)}"]:::${colour(g)}`);
    // An edge from the nearest ancestor on the map, so a hidden parent does not orphan its children.
    let parent = g.parent;
    while (parent && !ids.has(parent)) parent = byKey.get(parent)?.parent;
    if (parent) lines.push(`  ${ids.get(parent)} --> ${id}`);
  }
  const hidden = groups.filter((g) => !shown.has(g.key));
  if (hidden.length) {
    const n = hidden.reduce((sum, g) => sum + g.routes.length, 0);
    const open = hidden.reduce((sum, g) => sum + g.counts.open, 0);
    lines.push(
      `  more["+${hidden.length} more group${hidden.length === 1 ? '' : 's'}<br/>${n} route${n === 1 ? '' : 's'}, ${open} open"]:::empty`,
    );
  }
  lines.push(...CLASSES.map((c) => `  ${c}`), '```');
  return lines;
}
