import { turnAwayLines } from './auth.js';
import { CATALOGUE, type Meaning, methodMeaning } from './catalogue/index.js';
import type { BodyCall, ClassIR, Expr, FunctionIR, Guard, ModuleIR, Scope } from './ir.js';
import { LinkTokens } from './link-tokens.js';
import { canonical, exprText, type Project, type Value } from './project.js';
import { lastSegment } from './relevance.js';
import { SESSION_IDENTITY_KEY } from './session-keys.js';
import { SignedLinks } from './signed-links.js';

/**
 * What a function does, told from its calls and assignments and from the functions it calls (across modules,
 * bottom-up): whether it signs the caller in or out, checks a password, a token or a body signature, talks to an
 * identity provider, reads or changes application data, or answers with a file or a template. Each fact keeps where
 * it happens, so that a verdict built on it can be checked in one click.
 */
export interface Effect {
  kind: Meaning;
  /** What happens, for messages: "`login_user()`", "deletes rows of `Note`", "reads `User`". */
  what: string;
  /** The model class read or changed, when known. */
  model?: string;
  file: string;
  line: number;
  /** Told from a method's name on a value of unknown type (`user.verify_password(...)`), not a resolved call. */
  byName?: boolean;
  /**
   * Reached only through a project method that shares the name of a method called on a value of unknown type
   * (`headers.set(...)` and the project's `Backend.set`): the value may well be a library object, so this is a
   * possibility, never enough to rate a route high.
   */
  guessed?: boolean;
  /**
   * The guessed method was called on this parameter of the function whose summary holds the effect: a caller that
   * hands it a library object (`Headers(request.headers)`) never reaches the project method.
   */
  receiverParam?: string;
  /**
   * Parameters of the function whose summary holds the effect that must be truthy for it to happen
   * (`elif check_writable: open(test, 'w')`): a call that passes a literal False or None skips it.
   */
  onlyIf?: readonly string[];
  /** A read of who the caller is (`current_user`, `g.user`): the route serves the caller's account. */
  identity?: boolean;
  /**
   * The identity read relies on a signed-in caller (`current_user.id` loading or writing the caller's records),
   * rather than handing the identity on (to code tokengate cannot follow, or as a value that may be None) or using it
   * only when present: the sign that an authentication guard was forgotten.
   */
  relied?: true;
  /**
   * The identity read is of a proxy that is an account object for every caller, signed in or not (Flask-Login's
   * `current_user`, the anonymous user when no one is signed in): what it hands back is the caller's own.
   */
  everyCaller?: true;
  /**
   * The HTTP methods it can happen under, when it sits on a branch only some methods reach
   * (`if request.method == 'POST':`, `if form.validate_on_submit():`); undefined: any method.
   */
  methods?: readonly string[];
  /** A password hash stored in a record the call creates (`Project(password=generate_password_hash(…))`). */
  newRecord?: true;
}

/** An attribute of user data that a function hands out (`User.email`, `self.password_hash`). */
export interface ExposedField {
  field: string;
  file: string;
  line: number;
  /** As for an effect: the HTTP methods that reach it, when a branch restricts them. */
  methods?: readonly string[];
}

export interface FunctionSummary {
  effects: readonly Effect[];
  exposed: readonly ExposedField[];
  /**
   * Some call could not be followed (too deep, a cycle, a function passed in as a parameter, a method inherited
   * from outside the project): the summary may miss effects.
   */
  partial: boolean;
  /**
   * The function or one it calls tests whether there is a signed-in caller (`if current_user.is_authenticated:`):
   * it is written to serve anonymous callers too, like optional authentication.
   */
  servesAnonymous: boolean;
  /**
   * Changes of application data that happen only under a check of the signed-in caller
   * (`if current_user.can(Permission.WRITE): db.session.add(post)`): out of an anonymous caller's reach, kept as the
   * evidence that the route's writes are protected.
   */
  callerOnlyWrites: readonly Effect[];
  /**
   * The first method called on a value whose type nothing tells (`api.get_config()` with `api` taken from the app's
   * config): code tokengate cannot follow, so what it does to application data is unknown.
   */
  unfollowed?: { what: string; file: string; line: number };
}

/** Values whose calls tokengate follows or knows: project functions and classes, catalogued library objects. */
const FOLLOWED: ReadonlySet<Value['t']> = new Set([
  'func',
  'class',
  'ext',
  'extcall',
  'inst',
  'boundcall',
  'instattr',
]);

/** How far calls are followed, and how many facts a summary keeps: enough for helpers of helpers. */
const MAX_DEPTH = 6;
const MAX_EFFECTS = 32;
const MAX_EXPOSED = 8;

/** Cookies that carry a credential (`resp.set_cookie('access_token', …)`). */
const CREDENTIAL_COOKIE = /token|session|auth|jwt|remember|sid/i;
/** Methods that test the caller's rights or state. */
const PERMISSION_TEST = /^(can|has_\w+|is_\w+|check_permission|allowed_to)$/;
/** Methods that read a password check or a token check off a model, when the model's class is unknown. */
const PASSWORD_CHECK_METHOD = /^(check_password|verify_password|check_pw|password_matches|authenticate)$/;
/** Saving or deleting a record through an object of unknown type (an ORM instance). */
const RECORD_WRITE_METHOD = /^(save|delete_instance|save_to_db|delete_from_db)$/;
/** Cursor-style execution of SQL: its text says read or write. */
const SQL_EXECUTE = /^(execute|executemany|executescript|raw)$/;
const SQL_WRITE = /^\s*(insert|update|delete|replace|merge|create|drop|alter|truncate)\b/i;
const SQL_READ = /^\s*(select|with|pragma|show)\b/i;
const SQL_PASSWORD_MATCH = /\bwhere\b[\s\S]*\b(password|passwd|pwd|password_hash)\s*=/i;
const SQL_TABLE = /\b(?:from|into|update|table)\s+[`"[]?(\w+)/i;
const DICT_METHOD = /^(get|pop|clear|setdefault|update|keys|items|values|copy|popitem|permanent|modified)$/;
/** Calls that change a list, dict or set in place. */
const MUTATING_METHOD = /^(append|extend|insert|pop|remove|update|clear|setdefault|add|discard|popitem)$/;
/** Attributes that are user or account data when a function hands them out. */
const SENSITIVE_FIELD =
  /^(e?mail|email_address|password|password_hash|passwd|pwd|hashed_password|phone|phone_number|mobile|address|ssn|credit_card|card_number|cc_number|salary|balance|secret|api_key|apikey|token|access_token|refresh_token|otp_secret|birth_?date|dob)$/i;

/**
 * Methods of Python's strings, containers, dates and open files: called on a value of unknown type, they say it is
 * one of those (a loop variable over settings, `dict(request.headers)`, the `f` of `with open(path) as f`), not a
 * service that may hold application data. What a file holds is judged where it is opened.
 */
const BUILTIN_METHOD: ReadonlySet<string> = new Set(
  (
    'lower upper strip lstrip rstrip split rsplit splitlines join format replace startswith endswith encode decode ' +
    'find rfind index count title capitalize casefold isdigit isalpha isalnum isnumeric partition rpartition zfill ' +
    'ljust rjust center get items keys values pop popitem setdefault update copy clear append extend insert remove ' +
    'sort reverse add discard union intersection difference issubset issuperset isoformat strftime timestamp ' +
    'read readline readlines seek tell close flush'
  ).split(' '),
);

const EMPTY: FunctionSummary = {
  effects: [],
  exposed: [],
  partial: false,
  servesAnonymous: false,
  callerOnlyWrites: [],
};

/** Every method a request may have, for a branch taken by the methods outside a list (`if request.method != 'GET'`). */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Attributes of a Flask app or blueprint naming folders installed with the code. */
const PACKAGE_FOLDER = /^(root_path|static_folder|template_folder)$/;
/** Calls that turn one path into another of the same file or its folder. */
const PATH_WRAPPER = /^(os\.path\.(dirname|abspath|realpath|normpath)|(pathlib\.)?(Path|PurePath))$/;
/** Calls that join a folder with names below it. */
const PATH_JOIN = /^(os\.path\.join|posixpath\.join)$/;

/** Flask's `session`, however it is imported. */
const FLASK_SESSION = new Set(['flask.session', 'flask.globals.session']);

/** Tells whether a branch guard holds only for a caller who passed a test of their identity or rights (auth.ts). */
export interface CallerChecks {
  checksCaller(g: Guard, fn: FunctionIR): boolean;
}

export class EffectSummaries {
  private readonly cache = new Map<FunctionIR, FunctionSummary>();
  private readonly inProgress = new Set<FunctionIR>();
  /** The depth at which a function's cached summary was cut short by the depth budget (below it). */
  private readonly cutAt = new Map<FunctionIR, number>();
  /** How many times the depth budget has cut a summary short (a cached cut one reused counts again). */
  private cuts = 0;
  private readonly linkTokens: LinkTokens;
  private readonly signedLinks: SignedLinks;

  constructor(
    readonly project: Project,
    private readonly callerChecks: CallerChecks,
  ) {
    this.linkTokens = new LinkTokens(project, (call, scope) => this.storeMeaning(call, scope));
    this.signedLinks = new SignedLinks(project, (call, scope) => this.storeMeaning(call, scope));
  }

  /** The summary of a function: its own facts and those of what it calls, computed once. */
  of(fn: FunctionIR, depth = 0): FunctionSummary {
    const cached = this.cache.get(fn);
    const cutAt = this.cutAt.get(fn);
    // A summary the depth budget cut short holds for calls as deep as the one that made it, or deeper; one made
    // nearer a route is followed further, so the order in which routes are judged does not decide what they do.
    if (cached && (cutAt === undefined || depth >= cutAt)) {
      if (cutAt !== undefined) this.cuts++;
      return cached;
    }
    if (this.inProgress.has(fn)) return { ...EMPTY, partial: true };
    if (depth > MAX_DEPTH) {
      this.cuts++;
      return { ...EMPTY, partial: true };
    }
    this.inProgress.add(fn);
    const acc = new Accumulator();
    const cutsBefore = this.cuts;
    try {
      this.collect(fn, depth, acc);
    } finally {
      this.inProgress.delete(fn);
    }
    const summary = acc.summary();
    // Kept even when a cycle cut it short: asked again, it would be cut short again.
    this.cache.set(fn, summary);
    if (this.cuts > cutsBefore) this.cutAt.set(fn, depth);
    else this.cutAt.delete(fn);
    return summary;
  }

  /** What one call of `fn`'s body does, following it into the project's functions. */
  ofCall(call: BodyCall, fn: FunctionIR, depth = 0): FunctionSummary {
    const acc = new Accumulator();
    this.call(call, fn, depth, acc);
    return acc.summary();
  }

  private collect(fn: FunctionIR, depth: number, acc: Accumulator): void {
    const file = fn.scope.module.file;
    const signed = this.signedLinks.check(fn);
    if (signed) acc.add(signed);
    // Reading who the caller is (`g.user`, `current_user`, the token's identity) serves the caller's account.
    // (Raw reads of a header, cookie or argument are the credential itself, not an identity.)
    // Reads under a test that there is a caller (`if current_user.is_authenticated:`) serve anonymous callers too.
    const notIdentity = new Set([
      ...fn.facts.rawCredentialReads,
      ...fn.facts.presenceReads,
      ...fn.scope.targetAssigns.map((t) => t.line),
    ]);
    // A function that tests whether there is a caller at all is written for anonymous callers too
    // (`if current_user.is_authenticated: …`): what it reads of the caller is not what makes a route sensitive.
    // Sending a signed-in caller elsewhere (`return redirect(…)` under the test) is no use of who they are.
    const away = turnAwayLines(fn.facts, fn.facts.returns);
    const testsPresence =
      fn.facts.presenceReads.length > 0 ||
      [...fn.facts.calls, ...fn.facts.passes, ...fn.facts.rejects].some(
        (c) => !away.has(c.line) && c.guards.some((g) => g.kind === 'presence' && !g.raw),
      );
    if (testsPresence) acc.servesAnonymous = true;
    // Only an identity the body uses (hands to a call, returns, assigns) serves the caller's data: a test of it alone
    // (`if current_user.confirmed: return redirect(…)`) decides where the caller goes.
    const used = new Set([
      ...fn.facts.calls.filter((c) => !isPermissionTest(c)).map((c) => c.line),
      ...fn.facts.returns.map((r) => r.line),
      ...[...fn.scope.assigns.values()].flat().map((v) => v.line),
    ]);
    const identities = testsPresence
      ? []
      : fn.facts.credentialReads.filter((l) => !notIdentity.has(l) && used.has(l));
    // A read on a branch only some methods take (the author of a comment POSTed) is that branch's: one fact per
    // set of methods, the first read of each.
    const relied = new Set(fn.facts.reliedIdentityReads.filter((l) => !this.handedOn(fn, l)));
    for (const line of identities)
      acc.add({
        kind: 'reads-data',
        what: "reads the caller's identity",
        file,
        line,
        identity: true,
        ...(relied.has(line) ? { relied: true as const } : {}),
        ...(this.accountProxyAt(fn, line) ? { everyCaller: true as const } : {}),
        ...methodsAtLine(fn, line),
      });
    if (!identities.length) {
      const proxy = this.identityProxyRead(fn);
      if (proxy !== undefined)
        // A proxy that exists only with a token (`current_token.user`) relies on a signed-in caller.
        acc.add({
          kind: 'reads-data',
          what: "reads the caller's token",
          file,
          line: proxy,
          identity: true,
          relied: true,
        });
    }
    for (const d of fn.decorators) this.decoratorEffect(d.expr, d.line, fn, acc);
    for (const call of fn.facts.calls) {
      const methods = requestMethods(call.guards);
      const gated = this.pastCallerCheck(call, fn);
      const conditions = parameterTests(call, fn);
      if (!gated && !methods && !conditions.length) {
        this.call(call, fn, depth, acc);
        continue;
      }
      const inner = new Accumulator();
      this.call(call, fn, depth, inner);
      const facts = onlyIf(inner.summary(), conditions);
      if (!gated) {
        acc.merge(facts, undefined, methods);
        continue;
      }
      // Data read, changed or handed out only under a test of the caller (`if current_user.can(Permission.COMMENT):
      // …`, `if is_admin: resp.update({"email": user.email})`) is out of an anonymous caller's reach (Flask-Login's
      // anonymous user answers every such test with False): the call's other facts count, its writes are kept as
      // evidence.
      acc.merge(
        { ...facts, exposed: [] },
        (e) => e.kind !== 'writes-data' && e.kind !== 'reads-data',
        methods,
      );
      for (const e of facts.effects) if (e.kind === 'writes-data') acc.callerOnly(restrict(e, methods));
    }
    for (const t of fn.scope.targetAssigns) this.assignment(t.target, t.line, fn, acc);
    for (const d of fn.scope.deletes) this.deletion(d.target, d.line, fn, acc);
    for (const r of fn.facts.returns) {
      this.moduleStateRead(r, fn, acc);
      if (!this.returnedPastCallerCheck(r, fn)) exposedFields(r, file, acc);
    }
  }

  /**
   * The statement runs only past a test of the caller: under one its guards show (callerGated), under a helper or
   * flag that turns out to test the caller, or after a branch that left when such a test failed.
   */
  private pastCallerCheck(
    at: { guards: readonly Guard[]; afterExits?: readonly Guard[] },
    fn: FunctionIR,
  ): boolean {
    return (
      callerGated(at.guards) ||
      [...at.guards, ...(at.afterExits ?? [])].some((g) => this.callerChecks.checksCaller(g, fn))
    );
  }

  /** Every return of this value's line hands it back only to a caller who passed a test (`if is_admin: return …`). */
  private returnedPastCallerCheck(r: Expr, fn: FunctionIR): boolean {
    const at = fn.facts.returnGuards.filter((g) => g.line === r.line);
    return at.length > 0 && at.every((g) => this.pastCallerCheck(g, fn));
  }

  private call(call: BodyCall, fn: FunctionIR, depth: number, acc: Accumulator): void {
    const scope = fn.scope;
    const file = scope.module.file;
    for (const a of [...call.args, ...Object.values(call.kw)]) {
      this.moduleStateRead(a, fn, acc);
      exposedFields(a, file, acc);
    }
    const values = this.project.evalExpr(call.fn, scope);
    let known = false;
    for (const v of values) {
      if (v.t === 'class') {
        const hash = [...call.args, ...Object.values(call.kw)].find((a) => this.hashesPassword(a, fn, depth));
        if (hash?.k === 'call')
          acc.add({
            kind: 'sets-password',
            what: `creates a \`${v.cls.name}\` record holding a new password hash (\`${exprText(hash.fn)}()\`)`,
            model: v.cls.name,
            file,
            line: call.line,
            newRecord: true,
          });
      }
      if (v.t === 'func') {
        known = true;
        if (v.fn === fn) continue;
        const inner = this.atCall(this.of(v.fn, depth + 1), v.fn, call, fn);
        // A helper that returns nothing and changes no data (`log("logins", …)` stamping the session's user id on
        // a log line) hands the caller's identity to no answer and no record: reading it serves no account.
        const silent = !v.fn.facts.returns.length && !inner.effects.some((e) => e.kind === 'writes-data');
        acc.merge(inner, (e) => !(silent && e.identity));
      } else if (v.t === 'ext') {
        const meaning = CATALOGUE.functions.get(v.qn) ?? CATALOGUE.functions.get(canonical(v.qn));
        if (meaning === 'verifies-token' && skipsVerification(call)) known = true;
        else if (meaning === 'serves-file' && this.servesDeploymentFiles(call, fn)) {
          // A folder from the configuration or the request holds the deployment's files (uploads, downloads),
          // not the package's own assets.
          known = true;
          acc.add({
            kind: 'reads-data',
            what: `serves files of a folder from the configuration or the request (\`${lastSegment(v.qn)}()\`)`,
            file,
            line: call.line,
          });
        } else if (meaning) {
          known = true;
          acc.add({ kind: meaning, what: `\`${lastSegment(v.qn)}()\``, file, line: call.line });
        }
      } else if (v.t === 'boundcall' || v.t === 'instattr') {
        const table = CATALOGUE.instances.get(v.inst.qn);
        const meaning = table && methodMeaning(table, v.attr);
        if (meaning) {
          known = true;
          acc.add({ kind: meaning, what: `\`${v.attr}()\``, file, line: call.line });
          if (meaning === 'reads-data' || meaning === 'reads-cache') this.storedToken(call, fn, acc);
        }
      }
    }
    if (known) return;
    const before = acc.size;
    this.byReceiver(call, fn, depth, acc);
    if (acc.size !== before) return;
    if (this.opaque(call.fn, fn)) acc.partial = true;
    else if (!acc.unfollowed && (this.unknownReceiver(call.fn, fn) || this.dispatched(call.fn, values, fn)))
      acc.unfollowed = { what: `\`${exprText(call.fn)}()\``, file, line: call.line };
  }

  /**
   * A call of a catalogued password hasher (`generate_password_hash(pw)`, `bcrypt.generate_password_hash(pw)`), or of
   * a project function that hashes one (a wrapper passing the app's hash settings on): its value is the hash.
   */
  private hashesPassword(e: Expr, fn: FunctionIR, depth: number): boolean {
    if (e.k !== 'call') return false;
    return this.project.evalExpr(e.fn, fn.scope).some((v) => {
      if (v.t === 'func')
        return v.fn !== fn && this.of(v.fn, depth + 1).effects.some((x) => x.kind === 'sets-password');
      if (v.t === 'ext')
        return (
          (CATALOGUE.functions.get(v.qn) ?? CATALOGUE.functions.get(canonical(v.qn))) === 'sets-password'
        );
      if (v.t !== 'boundcall' && v.t !== 'instattr') return false;
      const table = CATALOGUE.instances.get(v.inst.qn);
      return !!table && methodMeaning(table, v.attr) === 'sets-password';
    });
  }

  /**
   * A function a project function hands back, called (`get_action(name)(context, data)`, or `search =
   * get_action("search")` then `search(…)`): a lookup by name in a registry, whose target tokengate cannot tell.
   */
  private dispatched(callee: Expr, values: readonly Value[], fn: FunctionIR): boolean {
    if (callee.k === 'call')
      return (
        values.every((v) => v.t === 'callresult' || v.t === 'unknown') &&
        this.project.evalExpr(callee.fn, fn.scope).some((v) => v.t === 'func')
      );
    return values.length > 0 && values.every((v) => v.t === 'callresult');
  }

  /**
   * A method called on a local or attribute that evaluates to nothing known: no library, no project class, no
   * literal. A view's other parameters are URL values (strings), not objects.
   */
  private unknownReceiver(callee: Expr, fn: FunctionIR): boolean {
    if (callee.k !== 'attr' || BUILTIN_METHOD.has(callee.attr) || SQL_EXECUTE.test(callee.attr)) return false;
    const root = attributeChain(callee)?.root;
    if (root?.k !== 'name' || root.id === 'self' || fn.scope.params.has(root.id)) return false;
    return this.project.evalExpr(callee.obj, fn.scope).every((v) => v.t === 'unknown');
  }

  /**
   * `send_from_directory(folder, …)` or `send_file(path)` where the folder or path comes from the app's
   * configuration, the request, a URL parameter (folders only) or code tokengate cannot follow.
   */
  private servesDeploymentFiles(call: BodyCall, fn: FunctionIR): boolean {
    const folder = call.kw.directory;
    const fromDir = call.args.length > 1 || folder !== undefined;
    const target = folder ?? call.args[0] ?? call.kw.path_or_file ?? call.kw.filename_or_fp;
    const seen = new Set<string>();
    const deployed = (e: Expr, depth: number): boolean => {
      switch (e.k) {
        case 'name':
          if (e.id === 'request' || e.id === 'config') return true;
          if (fromDir && fn.scope.params.has(e.id) && e.id !== 'self') return true;
          if (seen.has(e.id) || depth > 3) return false;
          seen.add(e.id);
          return (fn.scope.assigns.get(e.id) ?? []).some((a) => deployed(a, depth + 1));
        case 'attr':
          return e.attr === 'config' || deployed(e.obj, depth);
        case 'subscript':
          return deployed(e.obj, depth) || deployed(e.index, depth);
        case 'call':
          return (
            this.unknownReceiver(e.fn, fn) ||
            deployed(e.fn, depth) ||
            [...e.args, ...Object.values(e.kw)].some((a) => deployed(a, depth))
          );
        case 'concat':
          return e.parts.some((p) => deployed(p, depth));
        case 'percent':
          return deployed(e.fmt, depth) || deployed(e.values, depth);
        case 'boolop':
          return deployed(e.left, depth) || deployed(e.right, depth);
        case 'seq':
          return e.items.some((i) => deployed(i, depth));
        default:
          return false;
      }
    };
    return target !== undefined && deployed(target, 0);
  }

  /** `models.Note`: an attribute of a module. */
  private moduleAttribute(e: Expr, scope: Scope): boolean {
    return e.k === 'attr' && this.project.evalExpr(e.obj, scope).some((v) => v.t === 'module');
  }

  /** A method called on something: a catalogued instance, a model class, a module-level collection, a cursor. */
  private byReceiver(call: BodyCall, fn: FunctionIR, depth: number, acc: Accumulator): void {
    const scope = fn.scope;
    const file = scope.module.file;
    const chain = attributeChain(call.fn);
    if (!chain) return;
    const { root, path } = chain;
    const method = path[path.length - 1];
    if (method === undefined) {
      if (root.k === 'name' && root.id === 'open' && !this.isBound('open', scope))
        acc.add(openEffect(call, file, this.shippedPath(call.args[0] ?? call.kw.file, fn.scope, 0)));
      return;
    }
    // The longest prefix that resolves to a catalogued instance (`models.db` then `session.delete`).
    const prefixes = attributePrefixes(call.fn);
    const rootValues = prefixes.flatMap(({ expr, rest }) =>
      this.project.evalExpr(expr, scope).map((v) => ({ v, rest, expr })),
    );
    for (const { v, rest, expr } of rootValues) {
      // A model class is the receiver named at the root (`Note.query…`) or a module's attribute
      // (`models.Note.query…` after `from app import models`), not an attribute of some object.
      if (v.t === 'class' && rest.length !== path.length && !this.moduleAttribute(expr, scope)) continue;
      const qn = v.t === 'ext' || v.t === 'extcall' || v.t === 'inst' ? v.qn : undefined;
      const table = qn ? (CATALOGUE.instances.get(qn) ?? CATALOGUE.instances.get(canonical(qn))) : undefined;
      if (table) {
        const meaning = methodMeaning(table, rest.join('.'));
        if (meaning) {
          const model =
            meaning === 'reads-data' || meaning === 'writes-data' ? this.modelOf(call, scope) : undefined;
          const sql = method === 'execute' ? this.sqlEffect(call, scope) : undefined;
          if (sql === null) return;
          acc.add(sql ?? dataOr(meaning, model, `\`${path.join('.')}()\``, file, call.line));
          if (meaning === 'reads-data' || meaning === 'reads-cache') this.storedToken(call, fn, acc);
          return;
        }
      }
      // A name shadowing Flask's session (`with Session() as session`) is told by methods a dict does not have.
      if (qn !== undefined && FLASK_SESSION.has(qn) && DICT_METHOD.test(method)) {
        if (method === 'clear' || (method === 'pop' && sessionKeyIsIdentity(call.args[0])))
          acc.add({ kind: 'logs-out', what: `\`session.${method}()\``, file, line: call.line });
        return;
      }
      if (v.t === 'class' && rest[0] && CATALOGUE.modelQueries.has(rest[0])) {
        const writes = rest.slice(1).some((p) => CATALOGUE.modelWrites.has(p));
        acc.add(
          dataEffect(
            writes ? 'writes-data' : 'reads-data',
            v.cls.name,
            file,
            call.line,
            writes ? method : undefined,
          ),
        );
        return;
      }
      if (v.t === 'class' && rest.length === 1 && CATALOGUE.modelWrites.has(method)) {
        acc.add(dataEffect('writes-data', v.cls.name, file, call.line, method));
        return;
      }
    }
    const writes = MUTATING_METHOD.test(method);
    const container = root.k === 'name' && path.length === 1 ? this.moduleContainer(root.id, fn) : undefined;
    // A registry filled once per process has the builtin container's methods (`_registry.update(…)`), no project
    // method of the same name.
    if (container === 'filled-once') return;
    if (container === 'data' && root.k === 'name') {
      acc.add({
        kind: writes ? 'writes-data' : 'reads-data',
        what: `${writes ? 'changes' : 'reads'} the module-level \`${root.id}\``,
        file,
        line: call.line,
      });
      return;
    }
    if (SQL_EXECUTE.test(method)) {
      const sql = this.sqlEffect(call, scope);
      if (sql) acc.add(sql);
      return;
    }
    // A method of a project class the receiver is known to be (`user.encode_token()` after `User.query.get`).
    const receiverClass = call.fn.k === 'attr' ? this.classOf(call.fn.obj, fn, 0) : undefined;
    if (receiverClass) {
      const target = this.project.methodOf(receiverClass, method);
      if (target && target !== fn) {
        acc.merge(this.atCall(this.of(target, depth + 1), target, call, fn));
        return;
      }
    }
    const unresolved = unresolvedMeaning(root, path);
    if (unresolved) {
      const sql = SQL_EXECUTE.test(method) ? this.sqlEffect(call, scope) : undefined;
      if (sql === null) return;
      acc.add({
        ...(sql ?? dataOr(unresolved, this.modelOf(call, scope), `\`${method}()\``, file, call.line)),
        byName: true,
      });
      return;
    }
    const model = receiverClass?.name ?? this.modelOf(call, scope, root);
    if (RECORD_WRITE_METHOD.test(method) || (method === 'delete' && model))
      acc.add({ ...dataEffect('writes-data', model, file, call.line, method), byName: true });
    else if (PASSWORD_CHECK_METHOD.test(method))
      acc.add({ kind: 'verifies-password', what: `\`${method}()\``, file, line: call.line, byName: true });
    else if (method === 'set_cookie' && cookieIsCredential(call.args[0] ?? call.kw.key))
      acc.add({ kind: 'issues-credential', what: '`set_cookie()` of a credential', file, line: call.line });
    else if (method === 'delete_cookie' && cookieIsCredential(call.args[0] ?? call.kw.key))
      acc.add({ kind: 'logs-out', what: '`delete_cookie()` of a credential', file, line: call.line });
    else {
      // A receiver of unknown type (`user = db.session.scalar(...)`) calling a method that exactly one class of
      // the project defines: perhaps that method, told by name alone — or a library object's method of the same
      // name (werkzeug's `Headers.set` is not the project's `Backend.set`). What it does is only possible.
      // A receiver that is a library's object (`response.headers`, `Headers(request.headers)`, what `request.*`
      // or any library call returns) has the library's methods, whatever the project calls its own.
      const receiver = call.fn.k === 'attr' ? call.fn.obj : root;
      const byName =
        receiverClass || this.isLibraryValue(receiver, scope) ? undefined : this.uniqueMethod(method);
      if (byName && byName !== fn) {
        // Only its effects: whether it could be followed, or serves anonymous callers, says nothing of the call.
        // Called on a parameter, the guess is the callers' to confirm with what they pass (atCall).
        const param = receiver.k === 'name' && isPlainParam(receiver.id, fn) ? receiver.id : undefined;
        for (const e of this.atCall(this.of(byName, depth + 1), byName, call, fn).effects)
          acc.add({ ...e, byName: true, guessed: true, ...(param ? { receiverParam: param } : {}) });
      }
    }
  }

  /**
   * What a project function's summary means at one call of it: effects under a test of a parameter the call binds
   * to a literal False or None (`getBaseFolder(name, check_writable=False)` → `elif check_writable: open(…, 'w')`)
   * do not happen, nor guesses about a parameter the call binds to a library object. Conditions on a parameter the
   * caller hands on (`check_writable=check_writable`) become the caller's own; any other argument settles them.
   */
  private atCall(
    summary: FunctionSummary,
    target: FunctionIR,
    call: BodyCall,
    caller: FunctionIR,
  ): FunctionSummary {
    const tagged = (e: Effect) => e.onlyIf !== undefined || e.receiverParam !== undefined;
    if (!summary.effects.some(tagged) && !summary.callerOnlyWrites.some(tagged)) return summary;
    const rebind = (e: Effect): Effect | undefined => {
      const { onlyIf: conditions, receiverParam, ...rest } = e;
      const out: Effect = rest;
      if (receiverParam !== undefined) {
        const arg = boundArgument(target, call, receiverParam);
        if (arg && this.isLibraryValue(arg, caller.scope)) return undefined;
        if (arg?.k === 'name' && isPlainParam(arg.id, caller)) out.receiverParam = arg.id;
      }
      const kept: string[] = [];
      for (const p of conditions ?? []) {
        const arg = boundArgument(target, call, p);
        if (arg && isFalsyLiteral(arg)) return undefined;
        if (arg?.k === 'name' && isPlainParam(arg.id, caller)) kept.push(arg.id);
      }
      if (kept.length) out.onlyIf = kept;
      return out;
    };
    const each = (list: readonly Effect[]) => list.flatMap((e) => rebind(e) ?? []);
    return { ...summary, effects: each(summary.effects), callerOnlyWrites: each(summary.callerOnlyWrites) };
  }

  /** Every value an expression may hold comes from a library: an imported object, a library call, its attributes. */
  private isLibraryValue(e: Expr, scope: Scope): boolean {
    const values = this.project.evalExpr(e, scope);
    return (
      values.length > 0 &&
      values.every(
        (v) =>
          v.t === 'ext' ||
          v.t === 'extcall' ||
          v.t === 'instattr' ||
          v.t === 'boundcall' ||
          (v.t === 'inst' && !v.cls),
      )
    );
  }

  /**
   * A path to a file that ships with the code (`os.path.join(os.path.dirname(__file__), 'spec.yaml')`,
   * `os.path.join(current_app.root_path, 'swagger.yaml')`, below `app.static_folder`): what it holds is the same for
   * every caller. Any part the request or the configuration chooses makes it data, and so does a bare relative path
   * (`open('users.json')`): it resolves against the working directory, where applications keep their stores.
   */
  private shippedPath(e: Expr | undefined, scope: Scope, depth: number): boolean {
    if (!e || depth > 4) return false;
    switch (e.k) {
      case 'name': {
        if (e.id === '__file__') return true;
        for (let s: Scope | undefined = scope; s; s = s.parent) {
          if (s.params.has(e.id)) return false;
          const values = s.assigns.get(e.id);
          if (values?.length) return values.every((v) => this.shippedPath(v, s, depth + 1));
        }
        return false;
      }
      case 'attr':
        // The application's own folders: where its package, static files and templates are installed.
        return (
          PACKAGE_FOLDER.test(e.attr) &&
          this.project
            .evalExpr(e.obj, scope)
            .some(
              (v) =>
                (v.t === 'ext' || v.t === 'inst' || v.t === 'extcall') &&
                canonical(v.qn).startsWith('flask.'),
            )
        );
      case 'call': {
        const callee = exprText(e.fn);
        if (PATH_WRAPPER.test(callee))
          return e.args.length === 1 && this.shippedPath(e.args[0], scope, depth + 1);
        if (!PATH_JOIN.test(callee) || !e.args.length) return false;
        const [head, ...rest] = e.args;
        return (
          this.shippedPath(head, scope, depth + 1) &&
          rest.every((a) => a.k === 'str' && !a.v.includes('..') && !a.v.startsWith('/'))
        );
      }
      default:
        return false;
    }
  }

  /** A store read that checks a link token the project issued (link-tokens.ts). */
  private storedToken(call: BodyCall, fn: FunctionIR, acc: Accumulator): void {
    const check = this.linkTokens.lookup(call, fn);
    if (check) acc.add(check);
  }

  /** What a method call on a catalogued instance means (`cache.set` on a Flask-Caching `Cache`: writes data). */
  private storeMeaning(call: Pick<BodyCall, 'fn'>, scope: Scope): Meaning | undefined {
    for (const v of this.project.evalExpr(call.fn, scope))
      if (v.t === 'boundcall' || v.t === 'instattr') {
        const table = CATALOGUE.instances.get(v.inst.qn) ?? CATALOGUE.instances.get(canonical(v.inst.qn));
        const meaning = table && methodMeaning(table, v.attr);
        if (meaning) return meaning;
      }
    for (const { expr, rest } of attributePrefixes(call.fn))
      for (const v of this.project.evalExpr(expr, scope)) {
        const qn = v.t === 'ext' || v.t === 'extcall' || v.t === 'inst' ? v.qn : undefined;
        const table = qn
          ? (CATALOGUE.instances.get(qn) ?? CATALOGUE.instances.get(canonical(qn)))
          : undefined;
        const meaning = table && methodMeaning(table, rest.join('.'));
        if (meaning) return meaning;
      }
    return undefined;
  }

  /**
   * A decorator that is a catalogued method of a library object (`@oauth2.token_handler` of an OAuth2 provider):
   * the library runs that step around the function.
   */
  private decoratorEffect(expr: Expr, line: number, fn: FunctionIR, acc: Accumulator): void {
    const target = expr.k === 'call' ? expr.fn : expr;
    if (target.k !== 'attr') return;
    for (const v of this.project.evalExpr(target.obj, fn.scope)) {
      const qn = v.t === 'ext' || v.t === 'extcall' || v.t === 'inst' ? v.qn : undefined;
      const table = qn ? (CATALOGUE.instances.get(qn) ?? CATALOGUE.instances.get(canonical(qn))) : undefined;
      const meaning = table && methodMeaning(table, target.attr);
      if (meaning) {
        acc.add({ kind: meaning, what: `\`@${exprText(target)}\``, file: fn.scope.module.file, line });
        return;
      }
    }
  }

  /**
   * The line where the function reads a catalogued proxy of the caller (`current_token.user`), which the body's
   * credential reads do not cover: in what it assigns, returns or hands to calls.
   */
  private identityProxyRead(fn: FunctionIR): number | undefined {
    const exprs: Expr[] = [
      ...[...fn.scope.assigns.values()].flat(),
      ...fn.facts.returns,
      ...fn.facts.calls.flatMap((c) => [c.fn, ...c.args, ...Object.values(c.kw)]),
    ];
    for (const e of exprs) {
      const root = attributeChain(e)?.root ?? e;
      if (root.k !== 'name') continue;
      const values = this.project.evalExpr(root, fn.scope);
      if (values.some((v) => v.t === 'ext' && CATALOGUE.identities.has(canonical(v.qn)))) return e.line;
    }
    return undefined;
  }

  /**
   * The identity read on this line only goes into names (`context = {'user': current_user.name}`) that the body
   * hands to calls tokengate cannot follow (`get_action('package_search')(context, data)`) and never returns: what
   * that code does with it (often its own authorization) is unknown, so it is no sign of a forgotten guard.
   */
  private handedOn(fn: FunctionIR, line: number): boolean {
    const names = [...fn.scope.assigns]
      .filter(([, values]) => values.some((v) => v.line === line))
      .map(([n]) => n);
    if (!names.length || fn.facts.calls.some((c) => c.line === line)) return false;
    const mentions = (e: Expr): boolean =>
      namesOn(e, undefined, 0).some((n) => n.k === 'name' && names.includes(n.id));
    if (fn.facts.returns.some(mentions)) return false;
    const takers = fn.facts.calls.filter((c) => [...c.args, ...Object.values(c.kw)].some(mentions));
    return (
      takers.length > 0 &&
      takers.every((c) => !this.project.evalExpr(c.fn, fn.scope).some((v) => FOLLOWED.has(v.t)))
    );
  }

  /** Whether a name on this line of the body is a catalogued account proxy (`flask_login.current_user`). */
  private accountProxyAt(fn: FunctionIR, line: number): boolean {
    const exprs: Expr[] = [
      ...[...fn.scope.assigns.values()].flat(),
      ...fn.facts.returns,
      ...fn.facts.calls.flatMap((c) => [c.fn, ...c.args, ...Object.values(c.kw)]),
    ];
    // A statement's read is reported at its first line (`return jsonify(` above `name=current_user.name`).
    const names = exprs.flatMap((e) => namesOn(e, e.line === line ? undefined : line, 0));
    return names.some((n) =>
      this.project
        .evalExpr(n, fn.scope)
        .some((v) => v.t === 'ext' && CATALOGUE.accountProxies.has(canonical(v.qn))),
    );
  }

  /** `del session['user_id']` signs the caller out. */
  private deletion(target: Expr, line: number, fn: FunctionIR, acc: Accumulator): void {
    if (target.k !== 'subscript' || target.obj.k !== 'name') return;
    const values = this.project.evalExpr(target.obj, fn.scope);
    if (values.some((v) => v.t === 'ext' && FLASK_SESSION.has(v.qn)) && sessionKeyIsIdentity(target.index))
      acc.add({
        kind: 'logs-out',
        what: `\`del session[${exprText(target.index)}]\``,
        file: fn.scope.module.file,
        line,
      });
  }

  /** `session['user_id'] = …` signs in; `USERS[name] = …` on a module-level dict changes application data. */
  private assignment(target: Expr, line: number, fn: FunctionIR, acc: Accumulator): void {
    const file = fn.scope.module.file;
    if (target.k === 'attr') {
      const chain = attributeChain(target);
      if (chain?.root.k !== 'name') return;
      const values = this.project.evalExpr(chain.root, fn.scope);
      if (values.some((v) => v.t === 'ext' && CATALOGUE.accountProxies.has(canonical(v.qn))))
        acc.add({ kind: 'writes-data', what: `changes the signed-in user's \`${target.attr}\``, file, line });
      return;
    }
    if (target.k !== 'subscript') return;
    const chain = attributeChain(target.obj);
    if (!chain || chain.path.length) return;
    if (chain.root.k !== 'name') return;
    const values = this.project.evalExpr(chain.root, fn.scope);
    if (values.some((v) => v.t === 'ext' && FLASK_SESSION.has(v.qn))) {
      if (sessionKeyIsIdentity(target.index))
        acc.add({
          kind: 'issues-credential',
          what: `writes \`session[${exprText(target.index)}]\``,
          file,
          line,
        });
      return;
    }
    if (this.moduleState(chain.root.id, fn))
      acc.add({ kind: 'writes-data', what: `changes the module-level \`${chain.root.id}\``, file, line });
  }

  /** A module-level list or dict (lower-case: constants are configuration) the function reads. */
  private moduleStateRead(e: Expr, fn: FunctionIR, acc: Accumulator): void {
    const name = e.k === 'name' ? e.id : e.k === 'subscript' && e.obj.k === 'name' ? e.obj.id : undefined;
    if (name && this.moduleState(name, fn))
      acc.add({
        kind: 'reads-data',
        what: `reads the module-level \`${name}\``,
        file: fn.scope.module.file,
        line: e.line,
      });
  }

  /**
   * A module-level list, dict or set the function uses, defined in its own module or imported from another module
   * of the project (`from .tickets import TICKETS`): in-memory application data, whatever the case of its name. A
   * constant answer is one that reads none (principle: absence of evidence never makes a route public).
   */
  private moduleState(name: string, fn: FunctionIR): boolean {
    return this.moduleContainer(name, fn) === 'data';
  }

  /**
   * A module-level container the function names: application data, or a registry its module fills once per
   * process (`filledOnce`).
   */
  private moduleContainer(name: string, fn: FunctionIR): 'data' | 'filled-once' | undefined {
    if (this.isLocal(name, fn.scope)) return undefined;
    let module = fn.scope.module;
    let own = name;
    const imported = module.scope.imports.get(name);
    if (imported?.name) {
      const from = this.project.findModule(imported.module);
      if (!from) return undefined;
      module = from;
      own = imported.name;
    }
    const values = module.scope.assigns.get(own);
    const last = values?.[values.length - 1];
    if (last === undefined || !isContainer(last)) return undefined;
    return this.filledOnce(module).has(own) ? 'filled-once' : 'data';
  }

  private readonly filledOnceByModule = new Map<ModuleIR, Set<string>>();

  /**
   * Module-level containers a function of their module fills lazily, once per process (`if _registry: return
   * _registry[name]`, then the filling): a registry or cache of what the code computes, not application data a
   * request reads or changes. What the filling itself calls is still followed.
   */
  private filledOnce(module: ModuleIR): Set<string> {
    let names = this.filledOnceByModule.get(module);
    if (!names) {
      names = new Set(
        module.allFunctions.flatMap((f) => f.facts.filledOnce.filter((n) => !this.isLocal(n, f.scope))),
      );
      this.filledOnceByModule.set(module, names);
    }
    return names;
  }

  private isLocal(name: string, scope: Scope): boolean {
    return scope.params.has(name) || scope.assigns.has(name);
  }

  private isBound(name: string, scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent)
      if (s.assigns.has(name) || s.functions.has(name) || s.imports.has(name) || s.params.has(name))
        return true;
    return false;
  }

  /** A callee that may be any code: a function handed in as a parameter, a method of `self` not in the project. */
  private opaque(callee: Expr, fn: FunctionIR): boolean {
    if (callee.k === 'name') return fn.scope.params.has(callee.id);
    if (callee.k === 'attr' && callee.obj.k === 'name' && callee.obj.id === 'self') {
      const cls = this.project.classOfMethod(fn);
      return cls !== undefined && this.project.methodOf(cls, callee.attr) === undefined;
    }
    return false;
  }

  private methodsByName?: Map<string, FunctionIR[]>;

  /** The one method of the project's classes with this name (none for dunders or names several classes define). */
  private uniqueMethod(name: string): FunctionIR | undefined {
    if (name.startsWith('__')) return undefined;
    if (!this.methodsByName) {
      this.methodsByName = new Map();
      for (const m of this.project.modules)
        for (const cls of m.allClasses)
          for (const method of Object.values(cls.methods)) {
            if (method !== cls.methods[method.name]) continue;
            const list = this.methodsByName.get(method.name) ?? [];
            list.push(method);
            this.methodsByName.set(method.name, list);
          }
    }
    const found = this.methodsByName.get(name);
    return found?.length === 1 ? found[0] : undefined;
  }

  /**
   * The project class a value is an instance of, as far as its origin tells: `self` in a method, a local assigned
   * from a class call or a model query (`User.query.get(id)`), or what a project function returns.
   */
  private classOf(e: Expr, fn: FunctionIR, depth: number): ClassIR | undefined {
    if (depth > 4) return undefined;
    if (e.k === 'name') {
      if (e.id === 'self' && fn.params[0] === 'self') return this.project.classOfMethod(fn);
      const assigned = fn.scope.assigns.get(e.id);
      if (assigned?.length) {
        for (const a of assigned) {
          const c = this.classOf(a, fn, depth + 1);
          if (c) return c;
        }
        return undefined;
      }
      return undefined;
    }
    if (e.k !== 'call') return undefined;
    const chain = attributeChain(e.fn);
    if (!chain) return undefined;
    for (const v of this.project.evalExpr(chain.root, fn.scope)) {
      if (v.t === 'class' && (chain.path.length === 0 || CATALOGUE.modelQueries.has(chain.path[0]!)))
        return v.cls;
      if (v.t === 'func' && chain.path.length === 0)
        for (const r of v.fn.facts.returns) {
          const c = this.classOf(r, v.fn, depth + 1);
          if (c) return c;
        }
    }
    return undefined;
  }

  /** SQL text handed to `execute`: a literal, or a constant the project defines. */
  /**
   * `null` for SQL that touches no table (`SELECT 1`, a liveness probe of the database); undefined when the text
   * cannot be known.
   */
  private sqlEffect(call: BodyCall, scope: Scope): Effect | null | undefined {
    const arg = call.args[0];
    if (!arg) return undefined;
    const local = arg.k === 'name' ? scope.assigns.get(arg.id) : undefined;
    const assigned = local?.[local.length - 1];
    const text = sqlText(arg) ?? (assigned && sqlText(assigned)) ?? this.project.evalString(arg, scope);
    if (text === undefined) return undefined;
    const table = SQL_TABLE.exec(text)?.[1];
    const file = scope.module.file;
    if (SQL_WRITE.test(text)) {
      const verb = text.trim().split(/\s+/)[0]!.toUpperCase();
      return {
        kind: 'writes-data',
        what: `runs SQL ${verb}${table ? ` on \`${table}\`` : ''}`,
        ...(table ? { model: table } : {}),
        file,
        line: call.line,
      };
    }
    if (!table) return null;
    // `SELECT … FROM users WHERE username = … AND password = …`: a password checked by the query itself.
    if (SQL_READ.test(text) && SQL_PASSWORD_MATCH.test(text))
      return {
        kind: 'verifies-password',
        what: `runs SQL matching \`password\` on \`${table}\``,
        file,
        line: call.line,
      };
    if (SQL_READ.test(text))
      return {
        kind: 'reads-data',
        what: `runs SQL SELECT${table ? ` on \`${table}\`` : ''}`,
        file,
        line: call.line,
      };
    return undefined;
  }

  /**
   * The model class a call is about: the receiver's own class (`Note.query…`), a local variable assigned from one
   * (`note = Note.query.get(id); note.delete()`), or the record handed to the session (`db.session.add(note)`).
   */
  private modelOf(call: BodyCall, scope: Scope, receiver?: Expr): string | undefined {
    for (const e of receiver ? [receiver] : call.args.slice(0, 1)) {
      const name = modelName(e, scope, this.project, 0);
      if (name) return name;
    }
    return undefined;
  }
}

function modelName(e: Expr, scope: Scope, project: Project, depth: number): string | undefined {
  if (depth > 3) return undefined;
  const chain =
    attributeChain(e.k === 'call' ? e.fn : e) ?? (e.k === 'name' ? { root: e, path: [] } : undefined);
  if (!chain || chain.root.k !== 'name') return undefined;
  const root = chain.root;
  const assigned = scope.assigns.get(root.id);
  if (assigned?.length && !scope.params.has(root.id)) {
    for (const a of assigned) {
      const inner = modelName(a, scope, project, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  for (const v of project.evalExpr(root, scope)) if (v.t === 'class') return v.cls.name;
  // A record made from a module's class (`models.User(domain=domain)` after `from app import models`).
  if (e.k === 'call' && e.fn.k === 'attr')
    for (const v of project.evalExpr(e.fn, scope)) if (v.t === 'class') return v.cls.name;
  return undefined;
}

class Accumulator {
  private readonly effects: Effect[] = [];
  private readonly exposedList: ExposedField[] = [];
  private readonly callerOnlyList: Effect[] = [];
  private readonly keys = new Set<string>();
  partial = false;
  servesAnonymous = false;
  unfollowed?: { what: string; file: string; line: number };

  get size(): number {
    return this.effects.length;
  }

  add(effect: Effect): void {
    // The same write under a POST branch and unconditionally elsewhere are two facts: each method sees its own.
    // Kept apart too: one under a parameter's test (which a call may rule out) and one that always happens.
    const key = [
      effect.kind,
      effect.what,
      effect.methods?.join() ?? '',
      effect.onlyIf?.join() ?? '',
      effect.receiverParam ?? '',
    ].join('\u0000');
    if (this.keys.has(key) || this.effects.length >= MAX_EFFECTS) return;
    this.keys.add(key);
    this.effects.push(effect);
  }

  expose(field: ExposedField): void {
    const methods = field.methods?.join();
    if (
      this.exposedList.length < MAX_EXPOSED &&
      !this.exposedList.some((f) => f.field === field.field && f.methods?.join() === methods)
    )
      this.exposedList.push(field);
  }

  callerOnly(effect: Effect): void {
    if (this.callerOnlyList.length < MAX_EXPOSED) this.callerOnlyList.push(effect);
  }

  /** `methods`: the HTTP methods the call that reached `inner` runs under, when a branch restricts them. */
  merge(
    inner: FunctionSummary,
    keep: (e: Effect) => boolean = () => true,
    methods?: readonly string[],
  ): void {
    for (const e of inner.effects) if (keep(e)) this.add(restrict(e, methods));
    for (const e of inner.callerOnlyWrites) this.callerOnly(restrict(e, methods));
    for (const f of inner.exposed) this.expose(restrict(f, methods));
    if (inner.partial) this.partial = true;
    if (inner.servesAnonymous) this.servesAnonymous = true;
    this.unfollowed ??= inner.unfollowed;
  }

  summary(): FunctionSummary {
    return {
      effects: this.effects,
      exposed: this.exposedList,
      partial: this.partial,
      servesAnonymous: this.servesAnonymous,
      callerOnlyWrites: this.callerOnlyList,
      ...(this.unfollowed ? { unfollowed: this.unfollowed } : {}),
    };
  }
}

/** A parameter the body never reassigns: it holds what the caller passed. */
function isPlainParam(name: string, fn: FunctionIR): boolean {
  return fn.params.includes(name) && !fn.scope.assigns.has(name);
}

/** The parameters whose truth a call's branch tests (`if check_writable:`), not reassigned in the body. */
function parameterTests(call: BodyCall, fn: FunctionIR): string[] {
  const out: string[] = [];
  for (const g of call.guards)
    if (g.kind === 'other' && !g.negated && g.subject?.k === 'name' && isPlainParam(g.subject.id, fn))
      out.push(g.subject.id);
  return out;
}

/** The effects of a call's summary, each needing `conditions` (parameters of the calling function) to hold. */
function onlyIf(summary: FunctionSummary, conditions: readonly string[]): FunctionSummary {
  if (!conditions.length) return summary;
  const add = (e: Effect): Effect => ({ ...e, onlyIf: [...new Set([...(e.onlyIf ?? []), ...conditions])] });
  return {
    ...summary,
    effects: summary.effects.map(add),
    callerOnlyWrites: summary.callerOnlyWrites.map(add),
  };
}

/**
 * What a call passes for one parameter of the function it calls: by keyword, by position (after `self` or `cls`
 * for a method called on an object), or the parameter's default; undefined when unpacked arguments hide it.
 */
export function boundArgument(target: FunctionIR, call: BodyCall, param: string): Expr | undefined {
  const byKeyword = call.kw[param];
  if (byKeyword) return byKeyword;
  const unpacked = (e: Expr) => e.k === 'other' && e.text.startsWith('*');
  if (call.args.some(unpacked)) return undefined;
  const bound = call.fn.k === 'attr' && (target.params[0] === 'self' || target.params[0] === 'cls') ? 1 : 0;
  const index = target.params.indexOf(param) - bound;
  if (index < 0) return undefined;
  return call.args[index] ?? target.defaults[param];
}

function isFalsyLiteral(e: Expr): boolean {
  return (e.k === 'const' && !e.v) || (e.k === 'num' && e.v === 0) || (e.k === 'str' && e.v === '');
}

/** `current_user.can(Permission.COMMENT)`, `g.user.has_role('admin')`: a test of the caller's rights, not a use. */
function isPermissionTest(call: BodyCall): boolean {
  return call.fn.k === 'attr' && PERMISSION_TEST.test(call.fn.attr);
}

/**
 * A statement under these guards runs only when the signed-in caller passes a test of their identity or rights. A
 * credential merely sent (`if request.authorization:`) is no such test, nor is a test of the request's method that
 * sits beside one (`current_user.can(…) and form.validate_on_submit()`).
 */
function callerGated(guards: readonly Guard[]): boolean {
  return guards.some(
    (g) =>
      (g.kind === 'presence' && g.present && !g.raw) ||
      (g.kind === 'predicate' && g.present && !g.unrelated && methodTest(g) === undefined) ||
      (g.kind === 'other' && !g.unrelated),
  );
}

/** The HTTP methods a predicate guard holds for (`form.validate_on_submit()`), from the catalogue. */
function methodTest(g: Extract<Guard, { kind: 'predicate' }>): readonly string[] | undefined {
  return g.fn.k === 'attr' ? CATALOGUE.requestMethodTests.get(g.fn.attr) : undefined;
}

/**
 * The HTTP methods a call's guards let it run under: `if request.method == 'POST':` (or `!= 'GET'` and its `else`),
 * a form's `validate_on_submit()`; undefined when every method reaches it.
 */
function requestMethods(guards: readonly Guard[]): readonly string[] | undefined {
  let methods: readonly string[] | undefined;
  for (const g of guards) {
    let these: readonly string[] | undefined;
    if (g.kind === 'predicate' && g.present) these = methodTest(g);
    else if (g.kind === 'allow' && g.methods.length && !g.opaque && onlyMethods(g))
      these = g.negated ? HTTP_METHODS.filter((m) => !g.methods.includes(m)) : g.methods;
    if (these) methods = methods ? methods.filter((m) => these.includes(m)) : these;
  }
  return methods;
}

/** An allow-list that names nothing but methods (a test of `request.method` alone). */
function onlyMethods(g: Extract<Guard, { kind: 'allow' }>): boolean {
  return (
    !g.endpoints.length &&
    !g.endpointPrefixes.length &&
    !g.blueprints.length &&
    !g.paths.length &&
    !g.prefixes.length &&
    !g.registries?.length
  );
}

/** The methods the calls on a line run under, when every one of them sits on a branch only some methods take. */
function methodsAtLine(fn: FunctionIR, line: number): { methods?: readonly string[] } {
  const calls = fn.facts.calls.filter((c) => c.line === line);
  const each = calls.map((c) => requestMethods(c.guards));
  if (!each.length || each.some((m) => m === undefined)) return {};
  return { methods: [...new Set(each.flatMap((m) => m ?? []))] };
}

/** An effect (or a field handed out) reached through a call that runs only under `methods`. */
function restrict<T extends { methods?: readonly string[] }>(
  e: T,
  methods: readonly string[] | undefined,
): T {
  if (!methods) return e;
  return { ...e, methods: e.methods ? e.methods.filter((m) => methods.includes(m)) : methods };
}

/** `a.b.c` (through calls: `A.query.filter(x).first`) as its root and attribute path. */
function attributeChain(e: Expr): { root: Expr; path: string[] } | undefined {
  const path: string[] = [];
  let cur: Expr = e;
  for (let i = 0; i < 24; i++) {
    if (cur.k === 'attr') {
      path.unshift(cur.attr);
      cur = cur.obj;
    } else if (cur.k === 'call' && path.length) cur = cur.fn;
    else if (cur.k === 'name' || cur.k === 'call') return { root: cur, path };
    else return undefined;
  }
  return undefined;
}

/**
 * The receivers along a method call's attribute chain, shortest first, each with the attribute path after it:
 * `models.db.session.add` gives `models` + `db.session.add`, then `models.db` + `session.add`, …
 */
function attributePrefixes(fn: Expr): { expr: Expr; rest: string[] }[] {
  const out: { expr: Expr; rest: string[] }[] = [];
  let cur: Expr = fn;
  const rest: string[] = [];
  for (let i = 0; i < 24 && cur.k === 'attr'; i++) {
    rest.unshift(cur.attr);
    cur = cur.obj;
    if (cur.k === 'name' || cur.k === 'attr' || cur.k === 'call') out.unshift({ expr: cur, rest: [...rest] });
    while (cur.k === 'call' && cur.fn.k === 'attr') cur = cur.fn;
  }
  return out;
}

/** The plain names an expression uses on one line (on any line when `line` is undefined). */
function namesOn(e: Expr, line: number | undefined, depth: number): Expr[] {
  if (depth > 12) return [];
  switch (e.k) {
    case 'name':
      return line === undefined || e.line === line ? [e] : [];
    case 'attr':
      return namesOn(e.obj, line, depth + 1);
    case 'subscript':
      return [...namesOn(e.obj, line, depth + 1), ...namesOn(e.index, line, depth + 1)];
    case 'call':
      return [e.fn, ...e.args, ...Object.values(e.kw)].flatMap((a) => namesOn(a, line, depth + 1));
    case 'seq':
      return e.items.flatMap((a) => namesOn(a, line, depth + 1));
    case 'dict':
      return e.entries.flatMap((p) => [
        ...namesOn(p.key, line, depth + 1),
        ...namesOn(p.value, line, depth + 1),
      ]);
    case 'concat':
      return e.parts.flatMap((a) => namesOn(a, line, depth + 1));
    case 'boolop':
      return [...namesOn(e.left, line, depth + 1), ...namesOn(e.right, line, depth + 1)];
    case 'item':
      return namesOn(e.of, line, depth + 1);
    default:
      return [];
  }
}

function exposedFields(e: Expr, file: string, acc: Accumulator, depth = 0): void {
  if (depth > 12) return;
  switch (e.k) {
    case 'attr':
      if (SENSITIVE_FIELD.test(e.attr))
        acc.expose({ field: `${exprText(e.obj)}.${e.attr}`, file, line: e.line });
      exposedFields(e.obj, file, acc, depth + 1);
      return;
    case 'call':
      e.args.forEach((a) => exposedFields(a, file, acc, depth + 1));
      Object.values(e.kw).forEach((a) => exposedFields(a, file, acc, depth + 1));
      return;
    case 'seq':
      e.items.forEach((a) => exposedFields(a, file, acc, depth + 1));
      return;
    case 'dict':
      e.entries.forEach((p) => exposedFields(p.value, file, acc, depth + 1));
      return;
    case 'concat':
      e.parts.forEach((a) => exposedFields(a, file, acc, depth + 1));
      return;
    default:
      return;
  }
}

function dataEffect(
  kind: 'reads-data' | 'writes-data',
  model: string | undefined,
  file: string,
  line: number,
  verb?: string,
): Effect {
  const what =
    kind === 'reads-data'
      ? model
        ? `reads \`${model}\``
        : 'reads application data'
      : verb === 'delete'
        ? `deletes rows of \`${model ?? 'a model'}\``
        : model
          ? `changes \`${model}\``
          : 'changes application data';
  return { kind, what, file, line, ...(model ? { model } : {}) };
}

function dataOr(
  meaning: Meaning,
  model: string | undefined,
  what: string,
  file: string,
  line: number,
): Effect {
  if (meaning === 'reads-data' || meaning === 'writes-data') {
    const verb = what.includes('delete') ? 'delete' : undefined;
    return dataEffect(meaning, model, file, line, verb);
  }
  return { kind: meaning, what, file, line };
}

/** `shipped`: the path names a file of the package itself (shippedPath), read to be served. */
function openEffect(call: BodyCall, file: string, shipped: boolean): Effect {
  const mode = call.args[1] ?? call.kw.mode;
  const writes = mode?.k === 'str' && /[wax+]/.test(mode.v);
  const path = call.args[0]?.k === 'str' ? ` \`${call.args[0].v}\`` : '';
  if (writes) return { kind: 'writes-data', what: `writes the file${path}`, file, line: call.line };
  if (shipped)
    return { kind: 'serves-file', what: `reads a file shipped with the code${path}`, file, line: call.line };
  return { kind: 'reads-data', what: `reads the file${path}`, file, line: call.line };
}

/** What a method means on a receiver of unknown type named like a catalogued one (`db_session.commit()`). */
function unresolvedMeaning(root: Expr, path: readonly string[]): Meaning | undefined {
  const names = [...(root.k === 'name' ? [root.id] : []), ...path.slice(0, -1)];
  const receiver = names[names.length - 1];
  if (receiver === undefined) return undefined;
  const method = path[path.length - 1]!;
  for (const { receiver: pattern, methods } of CATALOGUE.unresolved)
    if (pattern.test(receiver) && methods[method]) return methods[method];
  return undefined;
}

/** A list, dict or set display, or an empty one built by call (`dict()`, `defaultdict(list)`). */
function isContainer(e: Expr): boolean {
  if (e.k === 'seq' || e.k === 'dict') return true;
  return (
    e.k === 'call' && e.fn.k === 'name' && /^(dict|list|set|defaultdict|OrderedDict|deque)$/.test(e.fn.id)
  );
}

function sqlText(e: Expr): string | undefined {
  if (e.k === 'str') return e.v;
  if (e.k === 'concat') return e.parts[0]?.k === 'str' ? e.parts[0].v : undefined;
  if (e.k === 'call' && e.fn.k === 'name' && e.fn.id === 'text' && e.args[0]) return sqlText(e.args[0]);
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'format') return sqlText(e.fn.obj);
  // `"SELECT … '%s'" % (a, b)`: the format string is the query's text.
  if (e.k === 'percent') return sqlText(e.fmt);
  return undefined;
}

/** `jwt.decode(t, verify=False)`, `options={"verify_signature": False}`: a decode that proves nothing. */
function skipsVerification(call: BodyCall): boolean {
  const verify = call.kw.verify;
  if (verify?.k === 'const' && verify.v === false) return true;
  const options = call.kw.options;
  return (
    options?.k === 'dict' &&
    options.entries.some(
      (e) =>
        e.key.k === 'str' && e.key.v === 'verify_signature' && e.value.k === 'const' && e.value.v === false,
    )
  );
}

function sessionKeyIsIdentity(key: Expr | undefined): boolean {
  return key?.k === 'str' && SESSION_IDENTITY_KEY.test(key.v);
}

function cookieIsCredential(name: Expr | undefined): boolean {
  return name?.k === 'str' && CREDENTIAL_COOKIE.test(name.v);
}
