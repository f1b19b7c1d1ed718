import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';

/** One operation of an OpenAPI 2/3 document, with where it is written. */
export interface SpecOperation {
  method: string;
  /** The path as written, templates kept: `/users/{id}`. */
  path: string;
  operationId?: string;
  /** `x-openapi-router-controller` of the operation or its path item. */
  controller?: string;
  /** The operation's `security`, or undefined when it has none (the document's global one applies). */
  security?: string[][];
  /** Example values of path parameters, for live probing. */
  examples: Record<string, string>;
  line: number;
}

export interface SecurityScheme {
  name: string;
  /** `http bearer`, `apiKey header`, `oauth2`, `http basic`… */
  kind: string;
  /** `x-bearerInfoFunc`, `x-tokenInfoFunc`, `x-apikeyInfoFunc`, `x-basicInfoFunc` (dotted path). */
  infoFunc?: string;
}

export interface SpecDocument {
  operations: SpecOperation[];
  globalSecurity?: string[][];
  schemes: Map<string, SecurityScheme>;
  /** `servers[0].url` path (OpenAPI 3) or `basePath` (Swagger 2). */
  basePath: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function toPlain(node: unknown): unknown {
  return node && typeof (node as { toJSON?: unknown }).toJSON === 'function'
    ? (node as { toJSON(): unknown }).toJSON()
    : node;
}

function securityOf(value: unknown): string[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((req) => (req && typeof req === 'object' ? Object.keys(req as object) : []));
}

/** Parse an OpenAPI 2 or 3 document (YAML or JSON); undefined when it is not one. */
export function parseSpec(text: string): SpecDocument | undefined {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  } catch {
    return undefined;
  }
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const plain = toPlain(root) as Record<string, unknown>;
  if (!plain.openapi && !plain.swagger) return undefined;
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lines.linePos(node.range[0]).line : 1;

  const schemes = new Map<string, SecurityScheme>();
  const rawSchemes = ((plain.components as Record<string, unknown> | undefined)?.securitySchemes ??
    plain.securityDefinitions ??
    {}) as Record<string, Record<string, unknown>>;
  for (const [name, s] of Object.entries(rawSchemes)) {
    if (!s || typeof s !== 'object') continue;
    const kind = [s.type, s.scheme ?? s.in].filter(Boolean).join(' ');
    const infoFunc = ['x-bearerInfoFunc', 'x-tokenInfoFunc', 'x-apikeyInfoFunc', 'x-basicInfoFunc']
      .map((k) => s[k])
      .find((v): v is string => typeof v === 'string');
    schemes.set(name, { name, kind: String(kind), infoFunc });
  }

  let basePath = typeof plain.basePath === 'string' ? plain.basePath : '';
  const servers = plain.servers as { url?: string }[] | undefined;
  if (!basePath && servers?.[0]?.url) {
    try {
      basePath = new URL(servers[0].url, 'http://placeholder').pathname;
    } catch {
      basePath = '';
    }
  }
  basePath = basePath.replace(/\/$/, '');

  const operations: SpecOperation[] = [];
  const pathsNode = root.get('paths', true);
  if (isMap(pathsNode)) {
    for (const pair of pathsNode.items as Pair<Node, Node>[]) {
      const path = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!path.startsWith('/') || !isMap(pair.value)) continue;
      const item = toPlain(pair.value) as Record<string, unknown>;
      const itemController = item['x-openapi-router-controller'] as string | undefined;
      const itemParams = (item.parameters as Record<string, unknown>[] | undefined) ?? [];
      for (const opPair of pair.value.items as Pair<Node, Node>[]) {
        const method = isScalar(opPair.key) ? String(opPair.key.value).toLowerCase() : '';
        if (!METHODS.includes(method)) continue;
        const op = (toPlain(opPair.value) ?? {}) as Record<string, unknown>;
        const examples: Record<string, string> = {};
        for (const p of [
          ...itemParams,
          ...((op.parameters as Record<string, unknown>[] | undefined) ?? []),
        ]) {
          if (!p || p.in !== 'path' || typeof p.name !== 'string') continue;
          const schema = (p.schema ?? {}) as Record<string, unknown>;
          const example =
            p.example ?? schema.example ?? (schema.enum as unknown[] | undefined)?.[0] ?? p['x-example'];
          if (example !== undefined) examples[p.name] = String(example);
          else if (schema.type === 'integer' || p.type === 'integer' || schema.type === 'number')
            examples[p.name] = '1';
          else if (schema.format === 'uuid' || p.format === 'uuid')
            examples[p.name] = '00000000-0000-4000-8000-000000000001';
        }
        operations.push({
          method: method.toUpperCase(),
          path,
          operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
          controller: (op['x-openapi-router-controller'] as string | undefined) ?? itemController,
          security: 'security' in op ? securityOf(op.security) : undefined,
          examples,
          line: lineOf(opPair.key),
        });
      }
    }
  }
  return { operations, globalSecurity: securityOf(plain.security), schemes, basePath };
}

/** A concrete URL path for an OpenAPI template: examples first, then a neutral value. */
export function fillTemplate(path: string, examples: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(examples[name] ?? '1'));
}
