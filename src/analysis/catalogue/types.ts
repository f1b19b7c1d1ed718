/**
 * What the analysis knows about each library, as data: one module per library, read by name resolution (which
 * classes' objects are tracked), the Flask model (apps, blueprints, APIs, guards), the auth analysis (decorators,
 * verifiers, sign-in), the fact walk (identity proxies), the relevance filter (seeds), the JWT rules, the effect
 * summaries (what calls mean) and the docs (the list of modelled libraries). Names are the qualified names Python code imports
 * (`werkzeug.security.check_password_hash`); the index canonicalises them the way name resolution does.
 */

/**
 * issues-credential: signs the caller in (a JWT or access token created, `login_user`, a token cookie set);
 * issues-link-token: signs a token for a link sent out of band (a password reset or confirmation e-mail);
 * verifies-password / sets-password: checks a password against its stored hash, or stores a new one;
 * identity-provider: a step of an OAuth, OpenID Connect, SAML or CAS sign-in (or serving the protocol's metadata);
 * logs-out: ends the caller's session;
 * verifies-token: checks a signed or stored token (itsdangerous `loads`, a JWT decoded with a key);
 * verifies-signature: checks a signature over the request body (webhooks);
 * reads-data / writes-data: reads or changes application data (databases, key-value stores, files);
 * reads-cache / writes-cache: gets or puts a value in a cache (Flask-Caching): copies and short-lived state (a rate
 *   limit, a liveness probe), not application data in itself — but where an application may keep the random tokens
 *   of the links it e-mails (link-tokens.ts);
 * serves-file / renders-template: answers with a file or a page template.
 */
export type Meaning =
  | 'issues-credential'
  | 'issues-link-token'
  | 'verifies-password'
  | 'sets-password'
  | 'identity-provider'
  | 'logs-out'
  | 'verifies-token'
  | 'verifies-signature'
  | 'reads-data'
  | 'writes-data'
  | 'reads-cache'
  | 'writes-cache'
  | 'serves-file'
  | 'renders-template';

/**
 * Methods reached from an instance, by attribute path (`session.add` on a `SQLAlchemy()` object); a key `*.m` matches
 * any path ending in the method `m` (`mongo.db.users.find`).
 */
export type MethodTable = Readonly<Record<string, Meaning>>;

/**
 * What a guard does to the view it wraps (or a verifier to the request): `auth` rejects requests without
 * credentials, `optional` lets anonymous requests through.
 */
export interface GuardRule {
  kind: 'auth' | 'optional';
  /**
   * A keyword argument that, passed `True`, makes it the other kind: `jwt_required(optional=True)` lets anonymous
   * requests in, flask-oidc's `accept_token(require_token=True)` stops letting them in.
   */
  switch?: string;
  /** An app setting that, set true, turns the guard into a no-op (Flask-Login's `LOGIN_DISABLED`). */
  disabledBy?: string;
}

/**
 * What the Flask model does with objects of a library class: `app` and `connexion-app` hold routes and hooks
 * (a connexion app also OpenAPI documents), `blueprint` holds routes mounted on an app, `resource-api` and
 * `namespace` register resource classes (Flask-RESTful, flask-restx), `blueprint-api` registers blueprints on
 * its app (flask-smorest's `Api`), `view-builder` registers class views (Flask-AppBuilder), `auth-extension`
 * is an authentication extension in use.
 */
export type ClassRole =
  | 'app'
  | 'connexion-app'
  | 'blueprint'
  | 'resource-api'
  | 'namespace'
  | 'blueprint-api'
  | 'view-builder'
  | 'auth-extension'
  | 'websocket-routes';

/** A library class whose objects name resolution tracks by creation site. */
export interface ClassModel {
  role?: ClassRole;
  /** Methods that register class views (Flask-AppBuilder's `appbuilder.add_view(View, "Name")`). */
  registrars?: readonly string[];
  /** Methods that guard a view, as decorators or called (`@auth.login_required`, `with perm.require():`). */
  guards?: Readonly<Record<string, GuardRule>>;
}

/**
 * The library functions the JWT rules check, by what they are: PyJWT's, python-jose's and Authlib's encode and
 * decode, python-jose's `get_unverified_claims`, Authlib's `JsonWebToken`, python_jwt's `process_jwt` and
 * `verify_jwt`, flask-jwt-extended's `decode_token` and token factories.
 */
export type JwtCall =
  | 'pyjwt.decode'
  | 'pyjwt.encode'
  | 'jose.decode'
  | 'jose.encode'
  | 'jose.get_unverified_claims'
  | 'authlib.decode'
  | 'authlib.encode'
  | 'authlib.JsonWebToken'
  | 'python_jwt.process_jwt'
  | 'python_jwt.verify_jwt'
  | 'fje.decode_token'
  | 'fje.create_access_token'
  | 'fje.create_refresh_token';

export interface LibraryModel {
  /** The library as installed (`flask-login`), for the docs. */
  library: string;
  /**
   * Words whose mention (in any case) makes a file relevant to the analysis: the import name, and the names of
   * registrations and settings the model reads (`add_resource`, `login_disabled`). Matched as substrings.
   */
  relevance?: readonly string[];
  /** Words whose mention anywhere makes the whole tree relevant (handlers named outside Python files). */
  wholeTree?: readonly string[];
  /** Classes whose objects are tracked, by qualified name: their role in the Flask model and their guards. */
  classes?: Readonly<Record<string, ClassModel>>;
  /** Decorators that give a method of a registered class view its rule (Flask-AppBuilder's `@expose(url)`). */
  routeDecorators?: readonly string[];
  /** Decorators (and decorator factories) that guard a view, by qualified name. */
  guards?: Readonly<Record<string, GuardRule>>;
  /**
   * Decorators that apply an auth object's guard method with their own arguments: APIFairy's
   * `@authenticate(auth, optional=...)` is `auth.login_required(optional=...)`.
   */
  delegatingGuards?: Readonly<Record<string, { argument: number; keyword: string; method: string }>>;
  /**
   * Functions that check the request's credential, called in a view, a decorator or a hook: `auth` ones raise when
   * it is missing or invalid, `optional` ones let anonymous requests through.
   */
  verifiers?: Readonly<Record<string, GuardRule>>;
  /** Functions that sign the caller in to the app's login system for the rest of the request (`login_user`). */
  signIns?: readonly string[];
  /** Modules whose `request` is Flask's request (`flask.request.headers`, Connexion's `connexion.request`). */
  requestModules?: readonly string[];
  /** Proxies of the signed-in caller's account object: setting one of their attributes changes the account. */
  accountProxies?: readonly string[];
  /** Packages whose `current_user` (or `current_identity`) is the signed-in caller's proxy. */
  identityProxyPackages?: readonly string[];
  /**
   * Bases of the classes of the request's session object (`flask.sessions.SessionMixin`): a project class deriving
   * from one is what the app's session interface opens from the request's cookie or header, so what its methods
   * answer from its own state (`return self.uid is not None`) tells who the caller is.
   */
  sessionClasses?: readonly string[];
  /** Frameworks whose views may be registered in ways the model does not follow (`flask_admin`: Flask-Admin). */
  unfollowedViews?: Readonly<Record<string, string>>;
  /** Functions and classes the JWT rules check (jwt.ts), by qualified name. */
  jwt?: Readonly<Record<string, JwtCall>>;
  /** Module-level functions and class constructors by qualified name. */
  functions?: Readonly<Record<string, Meaning>>;
  /**
   * Proxies that stand for the signed-in caller or their credential (`authlib.integrations.flask_oauth2.current_token`):
   * reading one serves the caller's account.
   */
  identities?: readonly string[];
  /** Instances of these classes (by qualified name): what their methods mean. */
  instances?: Readonly<Record<string, MethodTable>>;
  /**
   * Attributes of the project's model classes that query the library's ORM (`Note.query`, `Note.objects`),
   * and what the methods called on a model class or its query mean (`delete`, `update`): writes, the rest reads.
   */
  modelQueries?: readonly string[];
  modelWrites?: readonly string[];
  /**
   * Receivers of unknown type named like the library's objects (`with Session() as session`, `cur = conn.cursor()`):
   * what their methods mean. A weaker reading than a resolved instance: findings built on it say `possible`.
   */
  unresolved?: readonly { receiver: RegExp; methods: MethodTable }[];
  /**
   * Methods (by name, on a receiver of any type: the names are the library's own) that hold only for requests of
   * these HTTP methods (`form.validate_on_submit()`): code under them runs for those methods alone.
   */
  requestMethodTests?: Readonly<Record<string, readonly string[]>>;
  /**
   * Calls that fetch a URL and return the response, verifying the server's TLS certificate unless `verify=False`:
   * module functions by qualified name, and `methods` of instances of `sessions`.
   */
  httpFetches?: {
    functions: readonly string[];
    sessions: readonly string[];
    methods: readonly string[];
  };
  /** WSGI dispatchers that mount apps under URL prefixes (`DispatcherMiddleware(app, {"/api": api_app})`). */
  dispatchers?: readonly string[];
  /**
   * Base classes of views that route their own methods when the class registers itself on an app or blueprint
   * (Flask-Classful's `FlaskView`), by qualified name.
   */
  routingViews?: Readonly<Record<string, RoutingView>>;
  /** Library class views by qualified name, with the HTTP methods they declare for the project's subclasses. */
  viewMethods?: Readonly<Record<string, readonly string[]>>;
  /** Functions (by qualified name) that return an unguessable value (`secrets.token_urlsafe`). */
  randomSources?: readonly string[];
  /**
   * Mail: classes (by qualified name) whose objects are messages, with the argument holding their recipients, and
   * the methods that send a message handed to them.
   */
  mail?: {
    messages: Readonly<Record<string, MailRecipients>>;
    sendMethods: readonly string[];
  };
}

/**
 * A base class whose subclasses route their public methods when registered: `View.register(app_or_blueprint, …)`
 * adds one rule per method, under a route base derived from the class (Flask-Classful, flask_classful.ts and
 * classful.ts).
 */
export interface RoutingView {
  /** The classmethod that registers a subclass, with its parameters in order after the app or blueprint. */
  registrar: { name: string; params: readonly string[] };
  /** The decorator (qualified name) that gives a method rules of its own: `@route(rule, methods=…, endpoint=…)`. */
  routeDecorator: string;
  /** The decorator that gives a method without rules of its own an HTTP method (`@method("POST")`, several allowed). */
  methodDecorator: string;
  /** URL converters of parameters annotated with these types (`id: int` → `<int:id>`), by the type's name. */
  typeHints: Readonly<Record<string, string>>;
  /** Methods routed at the route base with fixed HTTP methods (`index` GET, `post` POST…). */
  specialMethods: Readonly<Record<string, readonly string[]>>;
  /** The hook run before every method (called with the method's name), and the prefix of per-method hooks. */
  beforeHooks: { every: string; prefix: string };
  /** Name prefixes of methods never routed, beside a leading underscore and the base class's own members. */
  unroutedPrefixes: readonly string[];
  /** The base class's own members, never routed in a subclass. */
  ownMembers: readonly string[];
}

/** Where a message's constructor takes its recipients: by keyword, or at a position. */
export interface MailRecipients {
  keyword: string;
  position: number;
}
