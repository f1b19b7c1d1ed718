/**
 * What calls into a library mean for the route that makes them, as data: one module per library, read by the
 * effect summaries (effects.ts) and open to every other stage. Names are the qualified names Python code imports
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

export interface LibraryModel {
  /** The library as installed (`flask-login`), for the docs. */
  library: string;
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
  /** Functions (by qualified name) that return an unguessable value (`secrets.token_urlsafe`). */
  randomSources?: readonly string[];
}
