import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { UsageError } from './errors.js';
import { SEVERITIES, type Severity } from './types.js';

export type FailOn = Severity | 'none';
export const FAIL_ON_LEVELS: readonly FailOn[] = [...SEVERITIES, 'none'];

export interface IgnoreEntry {
  rule: string;
  path?: string;
  route?: string;
  reason: string;
  expires?: string;
  /** Where the entry is written in the config file (1-based). */
  line?: number;
}

/** `.tokengate.yml`, validated once. */
export interface FileConfig {
  readonly publicRoutes: readonly string[];
  /** The line of each `public-routes` entry, in the same order. */
  readonly publicRouteLines: readonly number[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly defaultExcludes: boolean;
  readonly failOn?: FailOn;
  readonly ignore: readonly IgnoreEntry[];
  readonly pathParams: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The project's own guards by qualified Python name (`myapp.auth.require_token`): decorators, and functions
   * called in a view or a request hook, that reject requests without valid credentials. Added to the library
   * catalogue, they protect what they guard even when their code is out of sight (an installed package).
   */
  readonly guards: readonly string[];
  /** The line of each `guards` entry, in the same order. */
  readonly guardLines: readonly number[];
  /**
   * The project's own route helpers by qualified Python name: functions that register a route the way Flask's own
   * do, with the app or blueprint first (`helper(bp, rule, view_func=…)`, `@helper(bp, rule, methods=[…])`).
   */
  readonly routeHelpers: readonly string[];
}

export const EMPTY_CONFIG: FileConfig = {
  publicRoutes: [],
  publicRouteLines: [],
  include: [],
  exclude: [],
  defaultExcludes: true,
  ignore: [],
  pathParams: {},
  guards: [],
  guardLines: [],
  routeHelpers: [],
};

const KEYS = [
  'public-routes',
  'include',
  'exclude',
  'default-excludes',
  'fail-on',
  'ignore',
  'path-params',
  'guards',
  'route-helpers',
] as const;

/** A qualified Python name: a module path and the name in it (`myapp.auth.require_token`). */
const QUALIFIED_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;

export function parseFailOn(value: string, where: string): FailOn {
  const v = value.trim().toLowerCase();
  if ((FAIL_ON_LEVELS as readonly string[]).includes(v)) return v as FailOn;
  throw new UsageError(`${where} must be one of ${FAIL_ON_LEVELS.join(', ')}, not '${value}'.`);
}

/** A `.tokengate.yml` is a few kilobytes; the cap keeps a padded file from exhausting memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Load the config file. `explicit` means the user named it: then a missing file is an error; the default
 * `.tokengate.yml` may be absent. `workspace` (the action's checkout) is, besides the scanned root, where a config
 * reached through a symlink may point to.
 */
export function loadConfig(
  root: string,
  configPath: string | undefined,
  explicit: boolean,
  workspace?: string,
): FileConfig {
  const path = configPath ?? join(root, '.tokengate.yml');
  let text: string;
  try {
    const real = realpathSync(path);
    refuseLinkOutOfTree(path, real, workspace ? [root, workspace] : [root]);
    const size = statSync(real).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new UsageError(
        `config file '${path}' is ${(size / (1024 * 1024)).toFixed(1)} MiB, over the 1 MiB that tokengate reads.`,
      );
    }
    text = readFileSync(real, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) return EMPTY_CONFIG;
    throw new UsageError(`cannot read config file '${path}' (${code ?? 'error'}).`);
  }
  return parseConfig(text, path);
}

const within = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * The repository under review controls every file in its tree, symlinks included: a config file in the tree must
 * really be in the tree, or a link could make tokengate read (and echo) a file of the runner. A file the user names
 * outside the tree is theirs and is read as named.
 */
function refuseLinkOutOfTree(path: string, real: string, trees: readonly string[]): void {
  if (!trees.some((t) => within(resolve(path), resolve(t)))) return;
  const realTrees = trees.flatMap((t) => {
    try {
      return [realpathSync(t)];
    } catch {
      return [];
    }
  });
  if (realTrees.some((t) => within(real, t))) return;
  throw new UsageError(
    `config file '${path}' is a symbolic link to a file outside the ${trees.length > 1 ? 'workspace' : 'scanned directory'}, which tokengate does not read: put the config file itself in the repository.`,
  );
}

/** Config text echoed in a message: never in full, so a secret that ended up in a linked or pasted file stays unseen. */
export function shortened(text: string, keep = 24): string {
  // Control characters (newlines, ESC) would let config text start a log line of its own.
  const flat = [...text].map((ch) => (/\p{Cc}/u.test(ch) ? ' ' : ch)).join('');
  return flat.length > keep ? `${flat.slice(0, keep)}…` : flat;
}

/** An unknown key may be anything at all (a variable name of a secrets file): only its first letters are shown. */
const unknownKey = (key: string): string => `\`${shortened(key, 3)}\` (${key.length} characters)`;

/** `YYYY-MM-DD` that names a day of the calendar (`2023-02-30` does not). */
function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function parseConfig(text: string, name: string): FileConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    const reason = shortened(e.message.split('\n')[0]!.replace(/\.?$/, ''), 120);
    throw new UsageError(`Invalid ${name}: YAML syntax error at line ${line}: ${reason}.`);
  }
  const fail = (key: string, node: Node | null | undefined, what: string): never => {
    throw new UsageError(`Invalid ${name}: \`${key}\` at line ${lineOf(node)} ${what}.`);
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return EMPTY_CONFIG;
  if (!isMap(root))
    throw new UsageError(`Invalid ${name}: the file must be a mapping of keys such as public-routes.`);

  const config: {
    -readonly [K in keyof FileConfig]: FileConfig[K];
  } = {
    ...EMPTY_CONFIG,
    publicRoutes: [],
    publicRouteLines: [],
    include: [],
    exclude: [],
    ignore: [],
    pathParams: {},
    guards: [],
    guardLines: [],
    routeHelpers: [],
  };

  const strings = (key: string, node: Node | null | undefined): string[] => {
    if (!isSeq(node)) return fail(key, node, 'must be a list of strings');
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string' || !item.value)
        return fail(key, item as Node, 'must be a list of strings');
      return item.value;
    });
  };
  /** A list of qualified Python names, each checked: `what` says what one names. */
  const qualifiedNames = (key: string, node: Node | null | undefined, what: string): string[] =>
    strings(key, node).map((name) => {
      if (!QUALIFIED_NAME.test(name))
        fail(key, node, `entry '${shortened(name)}' must be the qualified Python name of ${what}`);
      return name;
    });

  for (const pair of root.items as Pair<Node, Node>[]) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value;
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new UsageError(
        `Invalid ${name}: the key ${unknownKey(key)} at line ${lineOf(keyNode)} is not a known key (known: ${KEYS.join(', ')}).`,
      );
    }
    switch (key as (typeof KEYS)[number]) {
      case 'public-routes':
        config.publicRoutes = strings(key, value).map((p) => {
          if (!p.startsWith('/'))
            fail(key, value, `entry '${shortened(p)}' must be a URL rule or glob starting with /`);
          return p;
        });
        config.publicRouteLines = (value as { items: Node[] }).items.map((item) => lineOf(item));
        break;
      case 'include':
        config.include = strings(key, value);
        break;
      case 'exclude':
        config.exclude = strings(key, value);
        break;
      case 'default-excludes':
        if (!isScalar(value) || typeof value.value !== 'boolean') fail(key, value, 'must be true or false');
        config.defaultExcludes = (value as { value: boolean }).value;
        break;
      case 'fail-on':
        if (!isScalar(value) || typeof value.value !== 'string')
          fail(key, value, `must be one of ${FAIL_ON_LEVELS.join(', ')}`);
        {
          // Any case, as on the command line and in the action's input: `fail-on: HIGH` is high.
          const level = String((value as { value: string }).value).toLowerCase();
          if (!(FAIL_ON_LEVELS as readonly string[]).includes(level)) {
            fail(key, value, `must be one of ${FAIL_ON_LEVELS.join(', ')}`);
          }
          config.failOn = level as FailOn;
        }
        break;
      case 'ignore':
        config.ignore = parseIgnore(value, fail, lineOf);
        break;
      case 'path-params':
        config.pathParams = parsePathParams(value, fail);
        break;
      case 'guards':
        config.guards = qualifiedNames(key, value, 'a guard, such as myapp.auth.require_token');
        config.guardLines = (value as { items: Node[] }).items.map((item) => lineOf(item));
        break;
      case 'route-helpers':
        config.routeHelpers = qualifiedNames(key, value, 'a function, such as myapp.web.api_route');
        break;
    }
  }
  return config;
}

type Fail = (key: string, node: Node | null | undefined, what: string) => never;

function parseIgnore(
  node: Node | null | undefined,
  fail: Fail,
  lineOf: (node: Node | null | undefined) => number,
): IgnoreEntry[] {
  if (!isSeq(node)) return fail('ignore', node, 'must be a list of {rule, reason, path or route, expires}');
  return node.items.map((item) => {
    if (!isMap(item)) return fail('ignore', item as Node, 'entries must be mappings with rule and reason');
    const entry: Partial<IgnoreEntry> = {};
    for (const pair of item.items as Pair<Node, Node>[]) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      const v = pair.value;
      if (!['rule', 'path', 'route', 'reason', 'expires'].includes(k))
        fail(
          'ignore',
          pair.key,
          `entries have no key ${unknownKey(k)} (known: rule, path, route, reason, expires)`,
        );
      const raw = isScalar(v) ? v.value : undefined;
      const str =
        raw instanceof Date ? raw.toISOString().slice(0, 10) : typeof raw === 'string' ? raw : undefined;
      if (!str) fail(`ignore.${k}`, v, 'must be a string');
      if (k === 'expires' && !isCalendarDate(str!))
        fail('ignore.expires', v, `must be a calendar date YYYY-MM-DD, not '${shortened(str!)}'`);
      (entry as Record<string, string>)[k] = str!;
    }
    if (!entry.rule) fail('ignore.rule', item, 'is required');
    if (!entry.reason) fail('ignore.reason', item, 'is required');
    entry.line = lineOf(item);
    return entry as IgnoreEntry;
  });
}

function parsePathParams(node: Node | null | undefined, fail: Fail): Record<string, Record<string, string>> {
  if (!isMap(node)) return fail('path-params', node, 'must map route paths to {param: value}');
  const out: Record<string, Record<string, string>> = {};
  for (const pair of node.items as Pair<Node, Node>[]) {
    const route = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!isMap(pair.value))
      fail(`path-params.${shortened(route)}`, pair.value, 'must map parameter names to values');
    const params: Record<string, string> = {};
    for (const p of (pair.value as { items: Pair<Node, Node>[] }).items) {
      const name = isScalar(p.key) ? String(p.key.value) : '';
      if (!isScalar(p.value) || p.value.value === null)
        fail(`path-params.${shortened(route)}.${shortened(name)}`, p.value, 'must be a value');
      params[name] = String((p.value as { value: unknown }).value);
    }
    out[route] = params;
  }
  return out;
}
