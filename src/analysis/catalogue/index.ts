import { canonical } from '../project.js';
import { flask } from './flask.js';
import { flaskJwtExtended } from './flask_jwt_extended.js';
import { flaskLogin } from './flask_login.js';
import { flaskWtf } from './flask_wtf.js';
import { httpClients } from './http_clients.js';
import { identityProviders } from './identity_providers.js';
import { itsdangerous } from './itsdangerous.js';
import { passwords } from './passwords.js';
import { pyjwt } from './pyjwt.js';
import { dbapi, mongoengine, sqlalchemy } from './sqlalchemy.js';
import { stores } from './stores.js';
import type { LibraryModel, Meaning, MethodTable } from './types.js';
import { webhooks } from './webhooks.js';

export type { LibraryModel, Meaning, MethodTable } from './types.js';

export const LIBRARIES: readonly LibraryModel[] = [
  flask,
  flaskLogin,
  flaskJwtExtended,
  flaskWtf,
  pyjwt,
  itsdangerous,
  passwords,
  sqlalchemy,
  mongoengine,
  dbapi,
  identityProviders,
  webhooks,
  stores,
  httpClients,
];

/** The catalogue indexed by canonical name (name resolution keeps a library's first and last dotted parts). */
export interface CatalogueIndex {
  functions: ReadonlyMap<string, Meaning>;
  instances: ReadonlyMap<string, MethodTable>;
  identities: ReadonlySet<string>;
  modelQueries: ReadonlySet<string>;
  modelWrites: ReadonlySet<string>;
  unresolved: readonly { receiver: RegExp; methods: MethodTable }[];
  requestMethodTests: ReadonlyMap<string, readonly string[]>;
  /** Canonical names of functions that fetch a URL, of session classes, and the fetching methods of those. */
  httpFetches: {
    functions: ReadonlySet<string>;
    sessions: ReadonlySet<string>;
    methods: ReadonlySet<string>;
  };
}

function buildIndex(libraries: readonly LibraryModel[]): CatalogueIndex {
  const functions = new Map<string, Meaning>();
  const instances = new Map<string, MethodTable>();
  const identities = new Set<string>();
  const modelQueries = new Set<string>();
  const modelWrites = new Set<string>();
  for (const lib of libraries) {
    for (const [qn, meaning] of Object.entries(lib.functions ?? {})) {
      functions.set(qn, meaning);
      functions.set(canonical(qn), meaning);
    }
    for (const [qn, table] of Object.entries(lib.instances ?? {})) {
      instances.set(qn, table);
      instances.set(canonical(qn), table);
    }
    lib.identities?.forEach((q) => identities.add(q).add(canonical(q)));
    lib.modelQueries?.forEach((q) => modelQueries.add(q));
    lib.modelWrites?.forEach((w) => modelWrites.add(w));
  }
  const unresolved = libraries.flatMap((lib) => lib.unresolved ?? []);
  const requestMethodTests = new Map(
    libraries.flatMap((lib) => Object.entries(lib.requestMethodTests ?? {})),
  );
  const fetches = libraries.flatMap((lib) => (lib.httpFetches ? [lib.httpFetches] : []));
  const httpFetches = {
    functions: new Set(fetches.flatMap((f) => f.functions.flatMap((q) => [q, canonical(q)]))),
    sessions: new Set(fetches.flatMap((f) => f.sessions.flatMap((q) => [q, canonical(q)]))),
    methods: new Set(fetches.flatMap((f) => f.methods)),
  };
  return {
    functions,
    instances,
    identities,
    modelQueries,
    modelWrites,
    unresolved,
    requestMethodTests,
    httpFetches,
  };
}

export const CATALOGUE: CatalogueIndex = buildIndex(LIBRARIES);

/** What calling `path` (dotted attributes) on an instance of a catalogued class means, if anything. */
export function methodMeaning(table: MethodTable, path: string): Meaning | undefined {
  const exact = table[path];
  if (exact) return exact;
  const last = path.slice(path.lastIndexOf('.') + 1);
  return table[`*.${last}`];
}
