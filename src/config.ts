import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

/** `.tokengate.yml`, validated once. */
export interface FileConfig {
  readonly publicRoutes: readonly string[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly defaultExcludes: boolean;
  readonly failOn?: FailOn;
  readonly ignore: readonly IgnoreEntry[];
  readonly pathParams: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const EMPTY_CONFIG: FileConfig = {
  publicRoutes: [],
  include: [],
  exclude: [],
  defaultExcludes: true,
  ignore: [],
  pathParams: {},
};

const KEYS = [
  'public-routes',
  'include',
  'exclude',
  'default-excludes',
  'fail-on',
  'ignore',
  'path-params',
] as const;

export function parseFailOn(value: string, where: string): FailOn {
  const v = value.trim().toLowerCase();
  if ((FAIL_ON_LEVELS as readonly string[]).includes(v)) return v as FailOn;
  throw new UsageError(`${where} must be one of ${FAIL_ON_LEVELS.join(', ')}, not '${value}'.`);
}

/**
 * Load the config file. `explicit` means the user named it: then a missing file is an error; the default
 * `.tokengate.yml` may be absent.
 */
export function loadConfig(root: string, configPath: string | undefined, explicit: boolean): FileConfig {
  const path = configPath ?? join(root, '.tokengate.yml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) return EMPTY_CONFIG;
    throw new UsageError(`cannot read config file '${path}' (${code ?? 'error'}).`);
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, name: string): FileConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    const reason = e.message.split('\n')[0]!.replace(/\.?$/, '');
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
  } = { ...EMPTY_CONFIG, publicRoutes: [], include: [], exclude: [], ignore: [], pathParams: {} };

  const strings = (key: string, node: Node | null | undefined): string[] => {
    if (!isSeq(node)) return fail(key, node, 'must be a list of strings');
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string' || !item.value)
        return fail(key, item as Node, 'must be a list of strings');
      return item.value;
    });
  };

  for (const pair of root.items as Pair<Node, Node>[]) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value;
    if (!(KEYS as readonly string[]).includes(key)) {
      fail(key, keyNode, `is not a known key (known: ${KEYS.join(', ')})`);
    }
    switch (key as (typeof KEYS)[number]) {
      case 'public-routes':
        config.publicRoutes = strings(key, value).map((p) => {
          if (!p.startsWith('/')) fail(key, value, `entry '${p}' must be a URL rule or glob starting with /`);
          return p;
        });
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
        if (!(FAIL_ON_LEVELS as readonly string[]).includes(String((value as { value: string }).value))) {
          fail(key, value, `must be one of ${FAIL_ON_LEVELS.join(', ')}`);
        }
        config.failOn = (value as { value: string }).value as FailOn;
        break;
      case 'ignore':
        config.ignore = parseIgnore(value, fail);
        break;
      case 'path-params':
        config.pathParams = parsePathParams(value, fail);
        break;
    }
  }
  return config;
}

type Fail = (key: string, node: Node | null | undefined, what: string) => never;

function parseIgnore(node: Node | null | undefined, fail: Fail): IgnoreEntry[] {
  if (!isSeq(node)) return fail('ignore', node, 'must be a list of {rule, reason, path or route, expires}');
  return node.items.map((item) => {
    if (!isMap(item)) return fail('ignore', item as Node, 'entries must be mappings with rule and reason');
    const entry: Partial<IgnoreEntry> = {};
    for (const pair of item.items as Pair<Node, Node>[]) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      const v = pair.value;
      if (!['rule', 'path', 'route', 'reason', 'expires'].includes(k))
        fail(`ignore.${k}`, pair.key, 'is not a known key');
      const raw = isScalar(v) ? v.value : undefined;
      const str =
        raw instanceof Date ? raw.toISOString().slice(0, 10) : typeof raw === 'string' ? raw : undefined;
      if (!str) fail(`ignore.${k}`, v, 'must be a string');
      if (k === 'expires' && !/^\d{4}-\d{2}-\d{2}$/.test(str!))
        fail('ignore.expires', v, 'must be a date YYYY-MM-DD');
      (entry as Record<string, string>)[k] = str!;
    }
    if (!entry.rule) fail('ignore.rule', item, 'is required');
    if (!entry.reason) fail('ignore.reason', item, 'is required');
    return entry as IgnoreEntry;
  });
}

function parsePathParams(node: Node | null | undefined, fail: Fail): Record<string, Record<string, string>> {
  if (!isMap(node)) return fail('path-params', node, 'must map route paths to {param: value}');
  const out: Record<string, Record<string, string>> = {};
  for (const pair of node.items as Pair<Node, Node>[]) {
    const route = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!isMap(pair.value)) fail(`path-params.${route}`, pair.value, 'must map parameter names to values');
    const params: Record<string, string> = {};
    for (const p of (pair.value as { items: Pair<Node, Node>[] }).items) {
      const name = isScalar(p.key) ? String(p.key.value) : '';
      if (!isScalar(p.value) || p.value.value === null)
        fail(`path-params.${route}.${name}`, p.value, 'must be a value');
      params[name] = String((p.value as { value: unknown }).value);
    }
    out[route] = params;
  }
  return out;
}
