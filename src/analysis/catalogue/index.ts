import { canonical } from '../project.js';
import { flask } from './flask.js';
import { flaskCaching } from './flask_caching.js';
import { flaskJwtExtended } from './flask_jwt_extended.js';
import { flaskLogin } from './flask_login.js';
import { identityProviders } from './identity_providers.js';
import { itsdangerous } from './itsdangerous.js';
import { passwords } from './passwords.js';
import { pyjwt } from './pyjwt.js';
import { randomness } from './randomness.js';
import { dbapi, mongoengine, sqlalchemy } from './sqlalchemy.js';
import { stores } from './stores.js';
import type { LibraryModel, Meaning, MethodTable } from './types.js';
import { webhooks } from './webhooks.js';

export type { LibraryModel, Meaning, MethodTable } from './types.js';

export const LIBRARIES: readonly LibraryModel[] = [
  flask,
  flaskLogin,
  flaskJwtExtended,
  pyjwt,
  itsdangerous,
  passwords,
  sqlalchemy,
  mongoengine,
  dbapi,
  identityProviders,
  webhooks,
  stores,
  flaskCaching,
  randomness,
];

/** The catalogue indexed by canonical name (name resolution keeps a library's first and last dotted parts). */
export interface CatalogueIndex {
  functions: ReadonlyMap<string, Meaning>;
  instances: ReadonlyMap<string, MethodTable>;
  identities: ReadonlySet<string>;
  modelQueries: ReadonlySet<string>;
  modelWrites: ReadonlySet<string>;
  unresolved: readonly { receiver: RegExp; methods: MethodTable }[];
  randomSources: ReadonlySet<string>;
}

function buildIndex(libraries: readonly LibraryModel[]): CatalogueIndex {
  const functions = new Map<string, Meaning>();
  const instances = new Map<string, MethodTable>();
  const identities = new Set<string>();
  const modelQueries = new Set<string>();
  const modelWrites = new Set<string>();
  const randomSources = new Set<string>();
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
    lib.randomSources?.forEach((q) => randomSources.add(q).add(canonical(q)));
  }
  const unresolved = libraries.flatMap((lib) => lib.unresolved ?? []);
  return { functions, instances, identities, modelQueries, modelWrites, unresolved, randomSources };
}

export const CATALOGUE: CatalogueIndex = buildIndex(LIBRARIES);

/** What calling `path` (dotted attributes) on an instance of a catalogued class means, if anything. */
export function methodMeaning(table: MethodTable, path: string): Meaning | undefined {
  const exact = table[path];
  if (exact) return exact;
  const last = path.slice(path.lastIndexOf('.') + 1);
  return table[`*.${last}`];
}
