/**
 * A compact, tree-free picture of one Python module: what the Flask model and the rules need, kept after the
 * tree-sitter tree is freed. Expressions are simplified; statements are reduced to scopes, definitions,
 * assignments, calls and facts about function bodies.
 */

export type Expr =
  | { k: 'name'; id: string; line: number }
  | { k: 'attr'; obj: Expr; attr: string; line: number }
  | { k: 'call'; fn: Expr; args: Expr[]; kw: Record<string, Expr>; line: number; col: number }
  | { k: 'subscript'; obj: Expr; index: Expr; line: number }
  | { k: 'str'; v: string; line: number }
  | { k: 'num'; v: number; line: number }
  | { k: 'const'; v: boolean | null; line: number }
  | { k: 'seq'; items: Expr[]; line: number }
  | { k: 'dict'; entries: { key: Expr; value: Expr }[]; line: number }
  /** String building: `a + b`, and f-strings as the concatenation of their parts. */
  | { k: 'concat'; parts: Expr[]; line: number }
  /** printf-style formatting: `"%s/items" % PREFIX`, `"/%s/%d" % (a, b)`. */
  | { k: 'percent'; fmt: Expr; values: Expr; line: number }
  /** `a or b` (either value), `a and b`. */
  | { k: 'boolop'; op: 'or' | 'and'; left: Expr; right: Expr; line: number }
  /** One item of an iterable (a `for` loop variable); `path` picks inside it (`for bp, prefix in pairs`). */
  | { k: 'item'; of: Expr; path?: number[]; line: number }
  | { k: 'other'; text: string; line: number };

export interface Span {
  startLine: number;
  endLine: number;
}

/** What an imported local name stands for: a module, or a name inside a module (absolute dotted names). */
export interface ImportBinding {
  module: string;
  name?: string;
  line: number;
  /** Written relative (`from .x import y`): the importing module is in a package. */
  relative?: true;
}

/**
 * A condition that must hold for a statement to run.
 * presence: the code runs only when a credential is present (true) or absent (false); `raw` when what is
 *   tested is the credential as the client sent it (header, cookie, argument, or its format), not what a
 *   verifier or lookup made of it;
 * allow: the code runs only for allow-listed requests (public endpoints, endpoint prefixes, blueprints, paths,
 *   path prefixes or HTTP methods), or with `negated` only for requests outside that list;
 * try: the code runs inside a try block whose handlers do (or do not) reject;
 * handler: the code runs in such a handler (one that does not swallow the failure);
 * loopback: the code runs only for connections from the machine itself (`local`: the caller's address is a loopback
 *   address) or only for those from elsewhere.
 */
export type Guard =
  | { kind: 'presence'; present: boolean; raw?: boolean }
  | {
      kind: 'allow';
      negated: boolean;
      endpoints: string[];
      endpointPrefixes: string[];
      blueprints: string[];
      paths: string[];
      prefixes: string[];
      methods: string[];
      opaque: boolean;
      /** Registries compared with the endpoint (`request.endpoint in PUBLIC`) that decorators fill. */
      registries?: Expr[];
    }
  | { kind: 'try'; handlerRejects: boolean }
  /** The code runs in an except handler that rejects, stops or re-raises: only when the try body failed. */
  | { kind: 'handler' }
  | { kind: 'loopback'; local: boolean }
  /**
   * The code runs only when a call returns something truthy (`present`) or falsy: a project helper
   * (`if authed():`) that the analysis resolves later into a presence test when the helper is a credential
   * predicate, a loopback test when it tests the connection's address (`addresses`: the ones passed to it), or
   * into `other`.
   */
  | { kind: 'predicate'; fn: Expr; present: boolean; unrelated?: true; addresses?: AddressArgs }
  /**
   * `unrelated`: the condition reads no credential (`if import_in_progress():`, `if app.config[...]`): whether
   * the statement runs does not depend on the caller's credentials.
   */
  | {
      kind: 'other';
      unrelated?: true;
      /**
       * One part of the condition that reads no credential (`current_forum` in `current_forum and not
       * signed_in`): what the analysis asks whether it depends on the request's own data (a resource the URL names).
       */
      subject?: Expr;
      /** The branch runs when `subject` is falsy (`if not check_writable:`). */
      negated?: true;
      /** The branch runs only when these two values differ (`if sent != expected:`): a value checked against another. */
      differs?: [Expr, Expr];
    };

/** An address a test is about: the connection's (`request.remote_addr`), or what a parameter holds. */
export type AddressSubject = { connection: true } | { param: string };

/** The addresses passed to a helper, by position and by keyword (`is_local(request.remote_addr)`). */
export interface AddressArgs {
  args: (AddressSubject | null)[];
  kw: Record<string, AddressSubject>;
}

/**
 * A returned value that tests whether an address is a loopback one: directly (`ipaddress.ip_address(value)
 * .is_loopback`, `addr in ("127.0.0.1", "::1")`), or as a helper's answer about the addresses passed to it
 * (`return is_loopback_address(request.remote_addr)`), which the analysis resolves.
 */
export type AddressTest =
  { line: number; address: AddressSubject } | ({ line: number; helper: Expr } & AddressArgs);

export interface BodyCall {
  fn: Expr;
  args: Expr[];
  kw: Record<string, Expr>;
  line: number;
  guards: Guard[];
  /** The negated conditions of earlier branches that returned or raised, as for `raises`. */
  afterExits?: Guard[];
}

/** Facts about one function body (nested functions excluded: they have their own). */
export interface BodyFacts {
  /** Lines that read a credential: Authorization header, token cookie/arg, request.authorization, session, current_user, g.user… */
  credentialReads: number[];
  /** Lines that read a credential as the client sent it: a header, cookie or argument, `request.authorization`. */
  rawCredentialReads: number[];
  /**
   * Lines that check a credential's value rather than its presence: compared with something, handed to a
   * function (a lookup, a verifier) outside a try that swallows its failure, or a tested lookup result.
   */
  credentialChecks: number[];
  /** Statements that reject the request (abort 401/403, return …, 401, raise Unauthorized, redirect to login). */
  /** `reraise`: a bare `raise` in an except handler, which passes on what the try body raised. */
  rejects: { line: number; guards: Guard[]; reraise?: true }[];
  /** Plain `return` / `return None` statements and the guards they sit under (hooks: allow-lists, fail-open). */
  passes: { line: number; guards: Guard[] }[];
  /** Every call in the body with its guards: verifiers, helpers that may reject. */
  calls: BodyCall[];
  /** A return value reads a credential (`return bool(session.get("id"))`): the function may be a predicate. */
  returnsCredential: boolean;
  /** Calls in returned values, and predicates guarding returns of constants: helpers the result derives from. */
  returnSources: Expr[];
  /**
   * A returned value reads the state the object keeps of its own (`return self.uid is not None`, `self.get("uid")`;
   * not a page-flow key such as `self["next"]`): what a method of a session class answers about the caller.
   */
  returnsOwnState: boolean;
  /**
   * Lines that read a credential only under a test that there is one (`if current_user.is_authenticated:`,
   * `current_user.email if current_user.is_authenticated else '-'`): the identity used when present.
   */
  presenceReads: number[];
  /**
   * Lines that rely on a signed-in caller: they take something of the caller's identity that exists only when
   * there is one (`current_user.id`, `g.user['id']`, `session['user_id']`, `get_jwt_identity()`), not merely the
   * identity object itself handed on (`can_access(session.user)`) nor a part of it taken after a test of it
   * (`session.user and session.user.id`).
   */
  reliedIdentityReads: number[];
  /** Names returned by the body (a decorator returning its wrapper). */
  returnedNames: string[];
  /** Expressions returned (factories returning an app, blueprint, decorator). */
  returns: Expr[];
  /** The conditions each returned value is handed back under, by the line of the value, as for `raises`. */
  returnGuards: { line: number; guards: Guard[]; afterExits?: Guard[] }[];
  /** The body assigns an attribute on a parameter (`f.is_public = True`), a marker decorator. */
  marksParam: string[];
  /** Lines that write a bearer token or Authorization header to logs or stdout. */
  tokenLogs: number[];
  /** Lines that read a token from the query string (`request.args.get('token')`). */
  queryTokenReads: number[];
  /** Lines that store who the caller is in the session (`session["user_id"] = user.id`): the body signs a caller in. */
  sessionSignIns: number[];
  /**
   * `raise X` / `raise X(...)` not recognisable as an auth failure by name: the class decides (auth.ts).
   * `signIn`: the raised call names a sign-in page (`Redirect303(url_for(".authenticate"))`).
   * `afterExits`: the negated conditions of earlier branches that returned or raised (`if is_admin: return f()`
   * before it): kept apart from `guards`, which only conditions enclosing the statement fill.
   */
  raises: { exc: Expr; line: number; guards: Guard[]; afterExits?: Guard[]; signIn?: true }[];
  /**
   * `except` clauses whose handler ends the request (`abort(…)`, `raise`, a returned response): the exception
   * classes they name (`except (NotFound, NotAuthorized):`), whether the handler answers 401/403 (`rejects`), and
   * the guards of the `try`.
   */
  handlers: { caught: Expr[]; line: number; guards: Guard[]; rejects: boolean }[];
  /** Registries the body enters a parameter in (`PUBLIC.add(f.__name__)`): a decorator opting views out. */
  registersParam: Expr[];
  /** `return redirect(...)` statements not recognisable as a redirect to sign-in. */
  redirects: { line: number; guards: Guard[] }[];
  /** The body reads what the request carries besides credentials: URL values, query, form or JSON body. */
  readsRequestData: boolean;
  /** Returned values that test whether an address is a loopback one (a helper like `is_loopback(addr)`). */
  addressTests: AddressTest[];
  /**
   * Names the body returns from under a test that they are filled (`if _registry: return _registry[name]`): what
   * it stores in them below runs only while they are empty, once per process — lazy initialization.
   */
  filledOnce: string[];
  /**
   * A name a statement of a try block assigns (`authenticated = True` after `check_auth_token()`, `user =
   * verify(t)`), which a later condition tests for truth (`if authenticated:`): the block's calls on lines `from` to
   * `line` succeeded whenever the name holds that value, so the test asks whether they did.
   */
  passTests: { name: string; from: number; line: number }[];
  /**
   * Plain names set to a literal `True`, with the guards of each assignment (`if can_view_as_superuser: is_admin =
   * True`): a flag holds a check of the caller only while every path that raises it passed one.
   */
  flagRaises: { name: string; line: number; guards: Guard[] }[];
}

export interface Decorator {
  expr: Expr;
  line: number;
}

export interface FunctionIR {
  name: string;
  decorators: Decorator[];
  params: string[];
  /**
   * The parameters a caller may pass by position (inspect's `getfullargspec().args`): not `*args`, `**kwargs` or
   * keyword-only ones. Flask-Classful turns them into URL variables.
   */
  positional: string[];
  /** Parameter annotations as written (`object_id: int` → `int`). */
  annotations: Record<string, string>;
  /**
   * The `*args` parameter (one of `params`): it receives every positional argument from its place on, as a tuple,
   * and the parameters after it can only be passed by keyword.
   */
  varargs?: string;
  /** Default values of parameters that have one. */
  defaults: Record<string, Expr>;
  /** From the first decorator through the end of the body. */
  span: Span;
  defLine: number;
  facts: BodyFacts;
  scope: Scope;
}

export interface ClassIR {
  name: string;
  bases: Expr[];
  decorators: Decorator[];
  span: Span;
  defLine: number;
  /** Class attributes such as `decorators`, `method_decorators`, `methods`. */
  attrs: Record<string, Expr>;
  methods: Record<string, FunctionIR>;
  /** Facts of the class body's own statements. */
  facts: BodyFacts;
  scope: Scope;
}

/** A statement-level call (`app.register_blueprint(bp)`, `api.add_resource(R, '/x')`) in a scope. */
export interface CallStmt {
  call: Extract<Expr, { k: 'call' }>;
  span: Span;
  /** The `for` loops around the call, outermost first. */
  loops?: Loop[];
  /** Inside an if/else, loop or except handler: it may not run. */
  conditional?: boolean;
}

/** `for <target> in <iter>:` — target names, nested for tuple unpacking (`for bp, prefix in pairs`). */
export interface Loop {
  target: LoopTarget;
  iter: Expr;
}
export type LoopTarget = string | LoopTarget[];

/** An assignment to an attribute or subscript (`UserView.decorators = [...]`, `app.config['X'] = …`). */
export interface TargetAssign {
  target: Expr;
  value: Expr;
  line: number;
  /** Inside an if/else, loop or except handler: it may not run. */
  conditional?: boolean;
}

export interface Scope {
  module: ModuleIR;
  parent?: Scope;
  /** The function this scope belongs to; undefined at module or class level. */
  owner?: FunctionIR;
  params: Set<string>;
  imports: Map<string, ImportBinding>;
  /** Every value assigned to a plain name, in source order. */
  assigns: Map<string, Expr[]>;
  /**
   * Names assigned on every path through the body (`base = base.strip("/")` outside any branch or loop): a
   * parameter of that name no longer holds the value it came with.
   */
  overwritten?: Set<string>;
  functions: Map<string, FunctionIR>;
  classes: Map<string, ClassIR>;
  calls: CallStmt[];
  targetAssigns: TargetAssign[];
  /** Subscripts and attributes removed by `del` (`del session['id']`), with their lines. */
  deletes: { target: Expr; line: number }[];
  /** `from x import *`. */
  starImports: string[];
}

export interface ModuleIR {
  /** Relative path, `/` separators. */
  file: string;
  /** Dotted module name derived from the path (`pkg/api/users.py` → `pkg.api.users`). */
  name: string;
  isPackage: boolean;
  scope: Scope;
  /** Facts of the module's top-level statements (calls with their arguments, token reads…). */
  facts: BodyFacts;
  /** Every function and class in the module, any depth, for indexing. */
  allFunctions: FunctionIR[];
  allClasses: ClassIR[];
  /** `# tokengate: ignore[rule] reason` comments by line. */
  suppressions: Map<number, string[]>;
  /** The file did not parse cleanly; analysed as far as tree-sitter recovered. */
  hasErrors: boolean;
}
