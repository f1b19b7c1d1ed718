import { apifairy, apiflask } from './apiflask.js';
import { connexion } from './connexion.js';
import { flask } from './flask.js';
import { flaskCaching } from './flask_caching.js';
import { flaskClassful } from './flask_classful.js';
import { flaskAllows } from './flask_allows.js';
import { flaskAdmin, flaskAppBuilder } from './flask_appbuilder.js';
import { flaskGraphql } from './flask_graphql.js';
import { flaskHttpauth } from './flask_httpauth.js';
import { flaskJwt } from './flask_jwt.js';
import { flaskJwtExtended } from './flask_jwt_extended.js';
import { flaskLogin } from './flask_login.js';
import { flaskMail } from './flask_mail.js';
import { flaskPraetorian } from './flask_praetorian.js';
import { flaskPrincipal } from './flask_principal.js';
import { flaskSockets } from './flask_sockets.js';
import { flaskWtf } from './flask_wtf.js';
import { flaskSecurity } from './flask_security.js';
import { flaskUser } from './flask_user.js';
import { httpClients } from './http_clients.js';
import { identityProviders } from './identity_providers.js';
import { itsdangerous } from './itsdangerous.js';
import { canonical } from './names.js';
import { passwords } from './passwords.js';
import { pyjwt, pythonJwt } from './pyjwt.js';
import { flaskRestful, flaskRestx, flaskSmorest } from './resource_apis.js';
import { randomness } from './randomness.js';
import { dbapi, mongoengine, sqlalchemy } from './sqlalchemy.js';
import { stores } from './stores.js';
import type {
  ClassModel,
  ClassRole,
  GuardRule,
  JwtCall,
  LibraryModel,
  MailRecipients,
  Meaning,
  MethodTable,
  RoutingView,
} from './types.js';
import { webhooks } from './webhooks.js';
import { werkzeug } from './werkzeug.js';

export type {
  ClassModel,
  ClassRole,
  GuardRule,
  JwtCall,
  LibraryModel,
  MailRecipients,
  Meaning,
  MethodTable,
  RoutingView,
} from './types.js';
export { canonical } from './names.js';

export const LIBRARIES: readonly LibraryModel[] = [
  flask,
  connexion,
  apiflask,
  apifairy,
  flaskRestful,
  flaskRestx,
  flaskSmorest,
  flaskClassful,
  flaskAppBuilder,
  flaskAdmin,
  flaskLogin,
  flaskSecurity,
  flaskUser,
  flaskPrincipal,
  flaskAllows,
  flaskSockets,
  flaskGraphql,
  werkzeug,
  flaskHttpauth,
  flaskJwtExtended,
  flaskJwt,
  flaskPraetorian,
  flaskWtf,
  pyjwt,
  pythonJwt,
  itsdangerous,
  passwords,
  sqlalchemy,
  mongoengine,
  dbapi,
  identityProviders,
  webhooks,
  stores,
  httpClients,
  flaskCaching,
  randomness,
  flaskMail,
];

/** The catalogue indexed by canonical name (name resolution keeps a library's first and last dotted parts). */
export interface CatalogueIndex {
  functions: ReadonlyMap<string, Meaning>;
  instances: ReadonlyMap<string, MethodTable>;
  identities: ReadonlySet<string>;
  modelQueries: ReadonlySet<string>;
  modelWrites: ReadonlySet<string>;
  unresolved: readonly { receiver: RegExp; methods: MethodTable }[];
  classes: ReadonlyMap<string, ClassModel>;
  guards: ReadonlyMap<string, GuardRule>;
  delegatingGuards: ReadonlyMap<string, NonNullable<LibraryModel['delegatingGuards']>[string]>;
  verifiers: ReadonlyMap<string, GuardRule>;
  signIns: ReadonlySet<string>;
  accountProxies: ReadonlySet<string>;
  requestModules: ReadonlySet<string>;
  identityProxyPackages: ReadonlySet<string>;
  /** Canonical names of the session objects' bases (see LibraryModel). */
  sessionClasses: ReadonlySet<string>;
  unfollowedViews: ReadonlyMap<string, string>;
  jwt: ReadonlyMap<string, JwtCall>;
  relevance: readonly string[];
  wholeTree: readonly string[];
  routeDecorators: ReadonlySet<string>;
  requestMethodTests: ReadonlyMap<string, readonly string[]>;
  /** Canonical names of functions that fetch a URL, of session classes, and the fetching methods of those. */
  httpFetches: {
    functions: ReadonlySet<string>;
    sessions: ReadonlySet<string>;
    methods: ReadonlySet<string>;
  };
  randomSources: ReadonlySet<string>;
  dispatchers: ReadonlySet<string>;
  viewMethods: ReadonlyMap<string, readonly string[]>;
  /** Base classes of self-routing views (Flask-Classful's `FlaskView`), by canonical name and as written. */
  routingViews: ReadonlyMap<string, RoutingView>;
  /** Message classes (canonical names and as written) with where their recipients go, and the sending methods. */
  mail: { messages: ReadonlyMap<string, MailRecipients>; sendMethods: ReadonlySet<string> };
}

/** Each entry under its name as written and under its canonical name. */
function byName<T>(into: Map<string, T>, table: Readonly<Record<string, T>> | undefined): void {
  for (const [qn, value] of Object.entries(table ?? {})) {
    into.set(qn, value);
    into.set(canonical(qn), value);
  }
}

/** The index of `libraries`: the built-in catalogue, and a project's own entries added to it (config.ts). */
export function indexLibraries(libraries: readonly LibraryModel[]): CatalogueIndex {
  const functions = new Map<string, Meaning>();
  const instances = new Map<string, MethodTable>();
  const identities = new Set<string>();
  const modelQueries = new Set<string>();
  const modelWrites = new Set<string>();
  const classes = new Map<string, ClassModel>();
  const guards = new Map<string, GuardRule>();
  const delegatingGuards = new Map<string, NonNullable<LibraryModel['delegatingGuards']>[string]>();
  const verifiers = new Map<string, GuardRule>();
  const signIns = new Set<string>();
  const accountProxies = new Set<string>();
  const identityProxyPackages = new Set<string>();
  const unfollowedViews = new Map<string, string>();
  const jwt = new Map<string, JwtCall>();
  const randomSources = new Set<string>();
  const viewMethods = new Map<string, readonly string[]>();
  const routingViews = new Map<string, RoutingView>();
  const mailMessages = new Map<string, MailRecipients>();
  const sendMethods = new Set<string>();
  for (const lib of libraries) {
    byName(mailMessages, lib.mail?.messages);
    lib.mail?.sendMethods.forEach((m) => sendMethods.add(m));
    byName(functions, lib.functions);
    byName(instances, lib.instances);
    byName(classes, lib.classes);
    byName(guards, lib.guards);
    byName(delegatingGuards, lib.delegatingGuards);
    byName(verifiers, lib.verifiers);
    byName(jwt, lib.jwt);
    byName(viewMethods, lib.viewMethods);
    byName(routingViews, lib.routingViews);
    lib.identities?.forEach((q) => identities.add(q).add(canonical(q)));
    lib.modelQueries?.forEach((q) => modelQueries.add(q));
    lib.modelWrites?.forEach((w) => modelWrites.add(w));
    lib.signIns?.forEach((q) => signIns.add(q).add(canonical(q)));
    lib.accountProxies?.forEach((q) => accountProxies.add(canonical(q)));
    lib.identityProxyPackages?.forEach((p) => identityProxyPackages.add(p));
    for (const [pkg, name] of Object.entries(lib.unfollowedViews ?? {})) unfollowedViews.set(pkg, name);
    lib.randomSources?.forEach((q) => randomSources.add(q).add(canonical(q)));
  }
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
    unresolved: libraries.flatMap((lib) => lib.unresolved ?? []),
    classes,
    guards,
    delegatingGuards,
    verifiers,
    signIns,
    accountProxies,
    identityProxyPackages,
    unfollowedViews,
    jwt,
    relevance: libraries.flatMap((lib) => lib.relevance ?? []),
    wholeTree: libraries.flatMap((lib) => lib.wholeTree ?? []),
    requestModules: new Set(libraries.flatMap((lib) => lib.requestModules ?? [])),
    sessionClasses: new Set(libraries.flatMap((lib) => (lib.sessionClasses ?? []).map(canonical))),
    routeDecorators: new Set(libraries.flatMap((lib) => (lib.routeDecorators ?? []).map(canonical))),
    requestMethodTests,
    httpFetches,
    randomSources,
    dispatchers: new Set(libraries.flatMap((lib) => (lib.dispatchers ?? []).map(canonical))),
    viewMethods,
    routingViews,
    mail: { messages: mailMessages, sendMethods },
  };
}

export const CATALOGUE: CatalogueIndex = indexLibraries(LIBRARIES);

/**
 * The catalogue with the project's own guards added (`guards` in .tokengate.yml, by qualified name): each is a
 * decorator (or decorator factory) that protects the view it wraps, and a check that rejects the request when
 * called in a view or a request hook.
 */
export function withProjectGuards(guards: readonly string[]): CatalogueIndex {
  if (!guards.length) return CATALOGUE;
  const table = Object.fromEntries(guards.map((g): [string, GuardRule] => [g, { kind: 'auth' }]));
  return indexLibraries([...LIBRARIES, { library: 'the project', guards: table, verifiers: table }]);
}

/** The library classes (canonical names) whose objects play one of `roles` in the Flask model. */
export function classesWithRole(...roles: ClassRole[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [qn, cls] of CATALOGUE.classes) if (cls.role && roles.includes(cls.role)) out.add(qn);
  return out;
}

/** What calling `path` (dotted attributes) on an instance of a catalogued class means, if anything. */
export function methodMeaning(table: MethodTable, path: string): Meaning | undefined {
  const exact = table[path];
  if (exact) return exact;
  const last = path.slice(path.lastIndexOf('.') + 1);
  return table[`*.${last}`];
}
