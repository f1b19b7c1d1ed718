import { type CatalogueIndex, type GuardRule, withProjectGuards } from './catalogue/index.js';
import { dispatchedMethods } from './dispatch.js';
import { REQUEST_DATA, checksNothing } from './extract.js';
import type {
  AddressArgs,
  AddressSubject,
  BodyCall,
  BodyFacts,
  ClassIR,
  Expr,
  FunctionIR,
  Guard,
  Scope,
} from './ir.js';
import { JwtAnalyzer } from './jwt.js';
import { type Project, type Value, canonical, exprText } from './project.js';

/**
 * What a decorator does to a view: `auth` rejects requests without credentials, `optional` lets anonymous
 * requests through, `unknown` comes from code we cannot see and looks auth-related, `none` is not auth.
 */
export type GuardKind = 'auth' | 'optional' | 'unknown' | 'none';

export interface GuardInfo {
  kind: GuardKind;
  label: string;
  /** Attributes the decorator sets on the view (`f.is_public = True`), for hooks that honour markers. */
  marks?: string[];
  /** Why something that looks like authentication is none (`checks that … is present, never its value`). */
  weak?: string;
  /** Flask-Login's `login_required`: a no-op when the app sets `LOGIN_DISABLED`. */
  flaskLogin?: boolean;
  /**
   * It turns signed-in callers away and lets anonymous ones through (`anonymous_required`): the inverse of
   * authentication, so the route serves anonymous callers only and no identity is used there.
   */
  anonymousOnly?: boolean;
  /** It turns away every connection not from the machine itself: no remote caller gets through, signed in or not. */
  loopbackOnly?: boolean;
}

/** What a check that only looks for a credential's presence amounts to. */
export const PRESENCE_ONLY = 'checks that a credential is present but never verifies it: any value passes';

/**
 * What a check amounts to whose only look at the credential's value decodes it without verifying its signature
 * (`where` the decode is): it tells a token from no token, not a real one from a forged one.
 */
export function unsignedOnly(where: string): string {
  return `checks the credential only by decoding it without verifying its signature (${where}): any token anyone can make passes`;
}

/** No line of a body reads claims unverified. */
const NO_UNSIGNED: ReadonlyMap<number, string> = new Map();

/** What a verifier call inside a try whose handler carries on amounts to. */
export const SWALLOWED =
  'swallows the verification error and carries on, so requests with a missing or invalid token pass';

/** Helpers followed from a condition to the request data it reads. */
const MAX_REQUEST_DATA_DEPTH = 4;

/** Helpers followed one inside another before the rest of the chain counts as not authenticating. */
const MAX_HELPER_CHAIN = 48;

const truthy = (e: Expr | undefined): boolean => !!e && e.k === 'const' && e.v === true;

/**
 * Lines that answer a signed-in caller without reading who they are (`if current_user.is_authenticated: return
 * redirect(next)`): a sign-in or sign-up page sending signed-in callers elsewhere uses no identity.
 */
export function turnAwayLines(facts: BodyFacts, returns: readonly Expr[]): Set<number> {
  const signedIn = (guards: Guard[]): boolean => guards.some((g) => g.kind === 'presence' && g.present);
  const identity = new Set(facts.credentialReads.filter((l) => !facts.presenceReads.includes(l)));
  const returned = new Set(returns.map((r) => r.line));
  const away = new Set<number>();
  for (const c of facts.calls)
    if (signedIn(c.guards) && returned.has(c.line) && !identity.has(c.line)) away.add(c.line);
  for (const r of facts.redirects) if (signedIn(r.guards)) away.add(r.line);
  return away;
}

/** What a catalogued guard or verifier amounts to with these arguments (`jwt_required(optional=True)`). */
function ruleKind(rule: GuardRule, kw: Record<string, Expr> | undefined): GuardKind {
  if (!rule.switch || !truthy(kw?.[rule.switch])) return rule.kind;
  return rule.kind === 'auth' ? 'optional' : 'auth';
}

/**
 * Methods of extension instances, by canonical class, that test the signed-in caller's identity: `if not
 * perm.can(): abort(403)` rejects callers without it, as `@perm.require(403)` does.
 */
const IDENTITY_TESTS: Record<string, ReadonlySet<string>> = {
  'flask_principal.Permission': new Set(['can']),
};

/** `@app.errorhandler(Exc)`, `@bp.app_errorhandler(Exc)`; `app.register_error_handler(Exc, handler)`. */
const ERROR_HANDLER_DECORATORS = new Set(['errorhandler', 'app_errorhandler']);
const ERROR_HANDLER_REGISTRARS = new Set(['register_error_handler']);

/** Names of things we cannot see into that suggest authentication. */
const AUTHISH =
  /auth|login|token|jwt|permission|role|admin|protect|require|access|scope|secure|verify|oauth|oidc|api_?key|signed|credential|bearer|session|acl|rbac|privilege|guard/i;

/** Requests named by a condition on the request: by endpoint, endpoint prefix, blueprint, path, path prefix, marker. */
export interface RequestSet {
  endpoints: string[];
  endpointPrefixes: string[];
  blueprints: string[];
  paths: string[];
  prefixes: string[];
  markers: string[];
}

/**
 * What one rejecting statement of a hook checks when it runs for some requests only (`if
 * request.path.split("/")[1] == "api": if request.endpoint not in PUBLIC_API and not signed_in: abort(403)`): the
 * requests named by every set `within` (all of them when there is none), except those named by a set in `except`.
 */
export interface HookZone {
  within: RequestSet[];
  except: RequestSet[];
}

/** Requests a hook lets through by design: public endpoints, blueprints, paths, markers, HTTP methods. */
export interface HookAllow extends RequestSet {
  /** Methods the hook never checks (`if request.method == "GET": return`). */
  methods: string[];
  /**
   * URL values the check depends on (a url_value_preprocessor rejecting only when `values.pop("project_id")` gave
   * one): routes whose rule has none of them are not checked.
   */
  urlValues: string[];
  opaque: boolean;
  /**
   * Set when a rejection runs for some requests only: the hook checks a request only where one of these takes it,
   * and the allow-lists of the rejections are here, not above (each applies to its own rejection).
   */
  zones: HookZone[];
}

/** What rejects requests without credentials for a view class: the method, and the switches on the way to it. */
interface ReceiverRejection {
  method: FunctionIR;
  /** Conditions reading no credential that the call chain passes (`not signal_rv`), as written. */
  when: string[];
}

export interface HookAnalysis {
  fn: FunctionIR;
  /** Rejects requests without credentials (outside its allow-list). */
  verifies: boolean;
  /** Tries to verify credentials but lets requests without them through. */
  failsOpen: boolean;
  /**
   * Of a hook that fails open: requests that carry no credential at all pass it (it loads the caller's identity
   * when there is one), rather than only requests with a bad one (a presence check, a swallowed verification).
   */
  anonymousPass?: true;
  allow: HookAllow;
  reason?: string;
}

export class AuthAnalyzer {
  private readonly customCache = new Map<FunctionIR, GuardInfo>();
  private readonly rejectCache = new Map<FunctionIR, boolean>();
  /** rejectingMethod by receiver class; null: it does not reject (or is being judged). */
  private readonly receiverRejectCache = new Map<ClassIR, Map<FunctionIR, ReceiverRejection | null>>();
  private readonly hookCache = new Map<FunctionIR, HookAnalysis>();
  private readonly predicateCache = new Map<FunctionIR, boolean>();
  private readonly addressTestCache = new Map<FunctionIR, AddressSubject | null>();
  private readonly factsCache = new Map<FunctionIR, BodyFacts>();
  private readonly alwaysRejectCache = new Map<FunctionIR, boolean>();
  private readonly classRejectCache = new Map<ClassIR, boolean>();
  private readonly requestDataCache = new Map<FunctionIR, boolean>();
  private readonly unsignedCache = new Map<FunctionIR, ReadonlyMap<number, string>>();
  private handlerMap?: Map<ClassIR, FunctionIR[]>;
  private deniedClasses?: Set<ClassIR>;
  /** Which decodes skip the signature: the jwt-signature-not-verified rule's own judgement. */
  private readonly jwt: JwtAnalyzer;

  /** Project functions being judged, each through the next (a verifier that calls a helper that calls...). */
  private helpersOpen = 0;

  /** The library catalogue, with the project's own guards added. */
  private readonly catalogue: CatalogueIndex;
  /**
   * The project's own guards (`guards` in .tokengate.yml), as written and canonical: trusted whatever their name
   * or body, and also when their code is out of sight.
   */
  private readonly declared: ReadonlySet<string>;

  constructor(
    private readonly project: Project,
    projectGuards: readonly string[] = [],
  ) {
    this.catalogue = withProjectGuards(projectGuards);
    this.declared = new Set(projectGuards.flatMap((g) => [g, canonical(g)]));
    this.jwt = new JwtAnalyzer(project);
  }

  /** A function of the tree that the project declared a guard. */
  private declaredGuard(fn: FunctionIR): boolean {
    return this.declared.size > 0 && this.declared.has(`${fn.scope.module.name}.${fn.name}`);
  }

  /** A guard method of a catalogued class (`auth.login_required` of a Flask-HTTPAuth object). */
  private instanceGuard(qn: string, method: string): GuardRule | undefined {
    return this.catalogue.classes.get(qn)?.guards?.[method];
  }

  /**
   * Judge one more helper down a chain, or give `beyond` (uncached) past MAX_HELPER_CHAIN: each cache above
   * stops a cycle, but a chain of thousands of distinct helpers would still exhaust the stack.
   */
  private nested<T>(beyond: T, judge: () => T): T {
    if (this.helpersOpen >= MAX_HELPER_CHAIN) return beyond;
    this.helpersOpen++;
    try {
      return judge();
    } finally {
      this.helpersOpen--;
    }
  }

  /** Classify a decorator expression written in `scope`. */
  classifyDecorator(expr: Expr, scope: Scope): GuardInfo {
    const label = exprText(expr);
    const values = this.project.evalExpr(expr, scope);
    let best: GuardInfo = { kind: 'none', label };
    for (const v of values) {
      const info = this.classifyValue(v, expr, label);
      if (rank(info.kind) > rank(best.kind)) best = info;
      else {
        if (info.marks?.length) best = { ...best, marks: [...(best.marks ?? []), ...info.marks] };
        if (info.weak && best.kind === 'none') best = { ...best, weak: info.weak };
        if (info.anonymousOnly && best.kind === 'none') best = { ...best, anonymousOnly: true };
      }
    }
    return best;
  }

  private classifyValue(v: Value, expr: Expr, label: string): GuardInfo {
    const call = expr.k === 'call' ? expr : undefined;
    switch (v.t) {
      case 'ext': {
        const rule = this.catalogue.guards.get(canonical(v.qn));
        if (rule)
          return { kind: ruleKind(rule, undefined), label, ...(rule.disabledBy ? { flaskLogin: true } : {}) };
        return { kind: AUTHISH.test(v.qn.split('.').pop() ?? '') ? 'unknown' : 'none', label };
      }
      case 'extcall': {
        const rule = this.catalogue.guards.get(v.qn);
        if (rule) return { kind: ruleKind(rule, v.call.kw), label };
        const delegating = this.catalogue.delegatingGuards.get(canonical(v.qn));
        if (delegating) {
          const applied = this.delegatedGuard(v, delegating);
          if (applied) return { kind: applied, label };
        }
        return { kind: AUTHISH.test(v.qn.split('.').pop() ?? '') ? 'unknown' : 'none', label };
      }
      case 'instattr': {
        const rule = this.instanceGuard(v.inst.qn, v.attr);
        return { kind: rule ? ruleKind(rule, undefined) : 'none', label };
      }
      case 'boundcall': {
        const rule = this.instanceGuard(v.inst.qn, v.attr);
        return { kind: rule ? ruleKind(rule, v.call.kw) : 'none', label };
      }
      case 'func':
      case 'callresult': {
        if (this.declaredGuard(v.fn)) return { kind: 'auth', label };
        const info = { ...this.customDecorator(v.fn), label };
        // A method of a project object (`rbac.allow(...)`) often only records a rule that a request hook of the
        // same object enforces, out of the decorator's sight: named like auth, it stays unknown, not `none`.
        const cls = this.project.classOfMethod(v.fn);
        if (!cls) return info;
        // `@rbac.exempt` takes the view out of that object's deny-by-default hook (judged on its own);
        // `@rbac.allow(["anonymous"], ...)` grants it to anonymous callers (public on purpose).
        if (OPT_OUT_METHOD.test(v.fn.name))
          return { ...info, marks: [...(info.marks ?? []), optOutMark(cls)] };
        if (call && [...call.args, ...Object.values(call.kw)].some(namesAnonymous))
          return { ...info, marks: [...(info.marks ?? []), anonymousMark(cls)] };
        if (info.kind === 'none' && !info.weak) return { ...info, kind: guessUnknown(label) };
        return info;
      }
      case 'unknown':
        return {
          kind:
            AUTHISH.test(label.replace(/\(.*$/s, '')) && !call?.args.length ? 'unknown' : guessUnknown(label),
          label,
        };
      default:
        return { kind: 'none', label };
    }
  }

  /**
   * A decorator that applies an auth object's guard with its own arguments (APIFairy's `@authenticate(auth,
   * **kwargs)` returns `auth.login_required(**kwargs)(f)`): what that guard is with those arguments.
   */
  private delegatedGuard(
    v: Extract<Value, { t: 'extcall' }>,
    to: { argument: number; keyword: string; method: string },
  ): GuardKind | undefined {
    const authExpr = v.call.args[to.argument] ?? v.call.kw[to.keyword];
    if (!authExpr) return undefined;
    let best: GuardKind | undefined;
    for (const a of this.project.evalExpr(authExpr, v.scope)) {
      const rule = a.t === 'inst' ? this.instanceGuard(a.qn, to.method) : undefined;
      const kind = rule && ruleKind(rule, v.call.kw);
      if (kind && (!best || rank(kind) > rank(best))) best = kind;
    }
    return best;
  }

  /** A project decorator (or decorator factory): auth only when its code reads a credential and rejects. */
  customDecorator(fn: FunctionIR): GuardInfo {
    const cached = this.customCache.get(fn);
    if (cached) return cached;
    return this.nested({ kind: 'none', label: fn.name }, () => this.judgeDecorator(fn));
  }

  private judgeDecorator(fn: FunctionIR): GuardInfo {
    this.customCache.set(fn, { kind: 'none', label: fn.name });
    const functions = nestedFunctions(fn);
    let kind: GuardKind = 'none';
    const marks: string[] = [];
    let weak: string | undefined;
    // Auth that only comes from Flask-Login decorators applied inside (LOGIN_DISABLED switches it off).
    let flaskLogin: boolean | undefined;
    let anonymousOnly = false;
    let loopbackOnly = false;
    const inner = (g: GuardInfo): void => {
      if (g.kind !== 'auth') return;
      flaskLogin = (flaskLogin ?? true) && !!g.flaskLogin;
    };
    // The function being decorated reaches the body as a parameter (of the decorator, or of the function a factory
    // returns), or wrapped in one of the decorator's own functions (`return login_required(wrapper)`); a call handed
    // some other value (`handler(auth_header)`) applies nothing to it.
    const received = new Set(functions.flatMap((f) => [f.name, ...f.params]));
    for (const f of functions) {
      marks.push(...f.facts.marksParam);
      for (const r of f.facts.registersParam) marks.push(...this.registryIds(r, f.scope));
      for (const d of f.decorators) {
        const guard = this.classifyDecorator(d.expr, f.scope.parent ?? f.scope);
        if (guard.kind === 'auth' || (guard.kind === 'optional' && kind === 'none')) kind = guard.kind;
        inner(guard);
      }
      for (const c of f.facts.calls) {
        // `return jwt_required()(fn)`, or `protect(fn)` with a decorator made earlier
        // (`protect = oauth.require_oauth(...)`), applied to the function being decorated.
        const applies =
          c.fn.k === 'call' ||
          ((c.fn.k === 'name' || c.fn.k === 'attr') && c.args[0]?.k === 'name' && received.has(c.args[0].id));
        if (!applies) continue;
        const applied = this.classifyDecorator(c.fn, f.scope);
        if (applied.kind === 'auth') kind = 'auth';
        inner(applied);
      }
      if (this.turnsAwaySignedIn(f, new Set(fn.params))) anonymousOnly = true;
      if (kind === 'none' && this.rejectsRemote(f, new Set(fn.params))) loopbackOnly = true;
      if (this.rejectsWithoutCredentials(f)) {
        kind = 'auth';
        flaskLogin = false;
      } else if (kind === 'none' && this.callsOptionalVerifier(f)) kind = 'optional';
      else weak = this.weakness(f) ?? weak;
    }
    if (kind === 'none' && loopbackOnly) kind = 'auth';
    const info: GuardInfo = {
      kind,
      label: fn.name,
      ...(loopbackOnly && !flaskLogin ? { loopbackOnly } : {}),
      marks,
      ...(kind === 'none' && weak ? { weak } : {}),
      ...(kind === 'auth' && flaskLogin ? { flaskLogin } : {}),
      ...(kind === 'none' && anonymousOnly ? { anonymousOnly } : {}),
    };
    this.customCache.set(fn, info);
    return info;
  }

  /**
   * Reads a credential (or calls a verifier) and rejects on a path a request without credentials takes:
   * not only when a credential is present, and not inside a try whose handler swallows the failure.
   */
  rejectsWithoutCredentials(fn: FunctionIR): boolean {
    const cached = this.rejectCache.get(fn);
    if (cached !== undefined) return cached;
    return this.nested(false, () => this.judgeRejection(fn));
  }

  private judgeRejection(fn: FunctionIR): boolean {
    this.rejectCache.set(fn, false);
    const result = this.rejection(fn, (c) => this.callKind(c.fn, c.kw, fn.scope));
    this.rejectCache.set(fn, result);
    return result;
  }

  /**
   * Run on an object of `receiver` (a view class the project's framework instantiates per request), does the
   * method reject requests without credentials? Its calls of the object's own methods run what the receiver's
   * class defines (dispatch.ts), each judged the same way. Answers the method whose own body rejects, and the
   * conditions that reach it which read no credential (the framework's own switches: shown, not judged).
   */
  rejectingMethod(fn: FunctionIR, receiver: ClassIR): ReceiverRejection | undefined {
    let byFn = this.receiverRejectCache.get(receiver);
    if (!byFn) this.receiverRejectCache.set(receiver, (byFn = new Map()));
    const cached = byFn.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    byFn.set(fn, null);
    const result = this.nested(undefined, () => this.judgeOn(fn, receiver));
    byFn.set(fn, result ?? null);
    return result;
  }

  private judgeOn(fn: FunctionIR, receiver: ClassIR): ReceiverRejection | undefined {
    const dispatched = new Map(
      this.facts(fn).calls.map((c) => [c, dispatchedMethods(this.project, c, fn, receiver)] as const),
    );
    for (const [c, methods] of dispatched) {
      if (!methods.length || !reachesAbsent(c.guards, true) || afterAbsentLeft(c)) continue;
      // Every method the call may run must reject: one of them that does not lets the request through.
      const inner = methods.map((m) => this.rejectingMethod(m, receiver));
      if (!inner.every(Boolean)) continue;
      const first = inner[0]!;
      return { method: first.method, when: [...switches(c.guards), ...first.when] };
    }
    // The object's own methods were judged above on the receiver; by their defining class they would not be.
    const own = (c: BodyCall): boolean => !!dispatched.get(c)?.length;
    return this.rejection(fn, (c) => (own(c) ? 'other' : this.callKind(c.fn, c.kw, fn.scope)))
      ? { method: fn, when: [] }
      : undefined;
  }

  /** Reads a credential (or calls a verifier) and rejects on a path a request without credentials takes. */
  private rejection(fn: FunctionIR, kindOf: (c: BodyCall) => ReturnType<AuthAnalyzer['callKind']>): boolean {
    const facts = this.facts(fn);
    const unsigned = this.unsignedLines(fn);
    let reads = facts.credentialReads.length > 0;
    for (const c of facts.calls) {
      if (unsigned.has(c.line)) continue;
      const kind = kindOf(c);
      if (kind === 'verifier' || kind === 'project-verifier') {
        if (reachesAbsent(c.guards, true) && !onlySometimes(c.guards) && !afterAbsentLeft(c)) return true;
        reads = true;
      } else if (kind === 'optional-verifier') reads = true;
    }
    // A re-raise rejects only what the try body failed on, which its calls above already tell.
    const rejects = facts.rejects.some(
      (r) => !r.reraise && reachesAbsent(r.guards, false) && !onlySometimes(r.guards),
    );
    return (
      (reads && rejects && !presenceOnly(facts, unsigned)) ||
      this.httpAuthRejects(fn) ||
      this.deniesAccess(fn)
    );
  }

  /**
   * An authorization check through the project's own exception for a refused caller (`NotAuthorized`, see
   * `accessDenials`): the body raises it, or catches it and ends the request (`except (NotFound, NotAuthorized):
   * abort(404)` hides what the caller may not see). Whatever raises it inside the `try` — a helper, an action looked
   * up by name — the view turns a refused caller away. A raise under a test that a credential is present does not.
   */
  private deniesAccess(fn: FunctionIR): boolean {
    const denials = this.accessDenials();
    if (!denials.size) return false;
    const denial = (e: Expr): boolean =>
      this.project.evalExpr(e, fn.scope).some((v) => v.t === 'class' && denials.has(v.cls));
    const { raises, handlers } = fn.facts;
    return (
      raises.some((r) => reachesAbsent(r.guards, false) && denial(r.exc)) ||
      handlers.some((h) => reachesAbsent(h.guards, false) && h.caught.some(denial))
    );
  }

  /**
   * The project's exception classes for a refused caller: each one an `except` clause somewhere answers, alone, with
   * a 401/403 (`except NotAuthorized: abort(403)`). The project's own handling says what the class means, whatever
   * it is called.
   */
  private accessDenials(): Set<ClassIR> {
    if (this.deniedClasses) return this.deniedClasses;
    const found = new Set<ClassIR>();
    for (const m of this.project.modules)
      for (const f of m.allFunctions)
        for (const h of f.facts.handlers) {
          const only = h.rejects && h.caught.length === 1 ? h.caught[0] : undefined;
          if (!only) continue;
          for (const v of this.project.evalExpr(only, f.scope)) if (v.t === 'class') found.add(v.cls);
        }
    this.deniedClasses = found;
    return found;
  }

  /**
   * Flask-HTTPAuth's own check written out by hand, as its `login_required` does it: the object's `authenticate()`
   * runs the app's `verify_password`/`verify_token` callbacks on what `get_auth()` read from the request, and
   * `return auth.auth_error_callback(status)` answers with the object's 401. That answer is the library's response
   * to failed authentication, so whatever condition leads to it (`if status:`), it is a rejection; only one taken
   * solely when a credential is present leaves requests without one through.
   */
  private httpAuthRejects(fn: FunctionIR): boolean {
    const method = (c: BodyCall): string | undefined => {
      if (c.fn.k !== 'attr') return undefined;
      const attr = c.fn.attr;
      return this.project
        .evalExpr(c.fn, fn.scope)
        .some((v) => v.t === 'instattr' && this.instanceGuard(v.inst.qn, 'login_required') !== undefined)
        ? attr
        : undefined;
    };
    const calls = this.facts(fn).calls;
    const verifies = calls.some((c) => method(c) === 'authenticate');
    return (
      verifies && calls.some((c) => method(c) === 'auth_error_callback' && reachesAbsent(c.guards, false))
    );
  }

  /**
   * Rejects a request without the credential, but accepts any value of it: the header (cookie, argument) is
   * tested for presence or format only, and never compared, looked up or verified.
   */
  checksPresenceOnly(fn: FunctionIR): boolean {
    const facts = this.facts(fn);
    return (
      presenceOnly(facts, this.unsignedLines(fn)) &&
      !this.rejectsWithoutCredentials(fn) &&
      facts.rejects.some((r) => reachesAbsent(r.guards, false))
    );
  }

  /** Why code that tries to authenticate lets requests through: presence checked only, or the error swallowed. */
  weakness(fn: FunctionIR): string | undefined {
    if (this.rejectsWithoutCredentials(fn)) return undefined;
    if (this.checksPresenceOnly(fn)) return this.presenceWeakness(fn);
    const facts = this.facts(fn);
    const swallows = this.swallowedVerifications(fn).some((c) => !successTested(c, facts));
    return swallows ? SWALLOWED : undefined;
  }

  /** Calls of a verifier inside a try whose handler lets its failure pass, the request carrying on. */
  private swallowedVerifications(fn: FunctionIR): BodyCall[] {
    const unsigned = this.unsignedLines(fn);
    return this.facts(fn).calls.filter(
      (c) =>
        !unsigned.has(c.line) &&
        reachesAbsent(c.guards, false) &&
        !reachesAbsent(c.guards, true) &&
        ['verifier', 'project-verifier'].includes(this.callKind(c.fn, c.kw, fn.scope)),
    );
  }

  /**
   * A verification whose failure the body lets pass, but whose success it records and tests (`authenticated =
   * True` after it, then `if authenticated: result.update(details)`): what the body serves regardless is its answer
   * to anonymous callers, and the verified ones get more — optional authentication, not a swallowed check.
   */
  private verifiesOptionally(fn: FunctionIR): boolean {
    const facts = this.facts(fn);
    return facts.passTests.length > 0 && this.swallowedVerifications(fn).some((c) => successTested(c, facts));
  }

  /**
   * The body uses the caller's identity only under a presence test (`if current_identity: ...`) and never
   * rejects: anonymous callers are served on purpose, like optional authentication.
   */
  servesAnonymous(fn: FunctionIR): boolean {
    const facts = this.facts(fn);
    if (this.rejectsWithoutCredentials(fn)) return false;
    if (this.verifiesOptionally(fn)) return true;
    if (!facts.credentialReads.length) return false;
    const underPresence = (guards: Guard[]): boolean =>
      guards.some((g) => g.kind === 'presence' && g.present);
    // Sending a signed-in caller elsewhere (`if current_user.is_authenticated: return redirect(next)`) uses no
    // identity: a sign-in page does it, and it serves nobody's data.
    const away = this.turnAwayLines(fn);
    return (
      facts.presenceReads.length > 0 ||
      facts.calls.some((c) => underPresence(c.guards) && !away.has(c.line)) ||
      facts.passes.some((p) => underPresence(p.guards))
    );
  }

  private turnAwayLines(fn: FunctionIR): Set<number> {
    return turnAwayLines(this.facts(fn), fn.facts.returns);
  }

  /**
   * A decorator's wrapper that turns away every connection not from the machine itself: a rejection under a test
   * that the caller's address is no loopback one (`if request.remote_addr not in ("127.0.0.1", "::1"): abort(403)`),
   * or one that ends the wrapper while the view (one of `wrapped`) is called only for loopback connections.
   */
  private rejectsRemote(f: FunctionIR, wrapped: ReadonlySet<string>): boolean {
    const facts = this.facts(f);
    const remote = (g: Guard): boolean => g.kind === 'loopback' && !g.local;
    if (facts.rejects.some((r) => r.guards.length > 0 && r.guards.every(remote))) return true;
    const views = facts.calls.filter((c) => c.fn.k === 'name' && wrapped.has(c.fn.id));
    return (
      views.length > 0 &&
      views.every((c) => c.guards.some((g) => g.kind === 'loopback' && g.local)) &&
      facts.rejects.some((r) => !r.guards.length)
    );
  }

  /**
   * A decorator's wrapper that turns signed-in callers away and calls the view (one of `wrapped`) for the others:
   * `if current_user.is_authenticated: return redirect(…)` then `return f(*a, **k)`.
   */
  private turnsAwaySignedIn(f: FunctionIR, wrapped: ReadonlySet<string>): boolean {
    const facts = this.facts(f);
    const signedIn = (guards: Guard[]): boolean => guards.some((g) => g.kind === 'presence' && g.present);
    const away = this.turnAwayLines(f);
    const presenceCalls = facts.calls.filter((c) => signedIn(c.guards));
    const servesOthers = facts.calls.some(
      (c) => c.fn.k === 'name' && wrapped.has(c.fn.id) && !signedIn(c.guards),
    );
    return away.size > 0 && presenceCalls.every((c) => away.has(c.line)) && servesOthers;
  }

  /**
   * Signs the caller in for the rest of the session: Flask-Login's `login_user`, a session key naming the user
   * written, or a project helper that does either (`login_user(user)` of the project's own auth module).
   */
  signsIn(fn: FunctionIR, depth = 0): boolean {
    const facts = this.facts(fn);
    if (facts.sessionSignIns.length) return true;
    if (depth > 2) return false;
    return facts.calls.some((c) =>
      this.project
        .evalExpr(c.fn, fn.scope)
        .some(
          (v) =>
            (v.t === 'ext' && this.catalogue.signIns.has(canonical(v.qn))) ||
            (v.t === 'func' && v.fn !== fn && this.signsIn(v.fn, depth + 1)),
        ),
    );
  }

  /** Why a check that tells only a credential from none is no authentication. */
  private presenceWeakness(fn: FunctionIR): string {
    const decode = this.unsignedCheck(fn);
    return decode ? unsignedOnly(decode) : PRESENCE_ONLY;
  }

  /** Where the decode is that a check of the credential as sent comes down to, when it skips the signature. */
  private unsignedCheck(fn: FunctionIR): string | undefined {
    const unsigned = this.unsignedLines(fn);
    return this.facts(fn)
      .credentialChecks.map((l) => unsigned.get(l))
      .find((w) => w !== undefined);
  }

  /**
   * Lines of a body where every call reads a token's claims without checking its signature (as the
   * jwt-signature-not-verified rule judges it), directly or through a project helper that does nothing else, or
   * checks nothing (logging, formatting, reading the request), with where each such read is. A check of the
   * credential on such a line proves nothing a forger cannot supply.
   */
  private unsignedLines(fn: FunctionIR): ReadonlyMap<number, string> {
    const cached = this.unsignedCache.get(fn);
    if (cached) return cached;
    return this.nested(NO_UNSIGNED, () => this.findUnsignedLines(fn));
  }

  private findUnsignedLines(fn: FunctionIR): ReadonlyMap<number, string> {
    this.unsignedCache.set(fn, NO_UNSIGNED);
    const calls = fn.facts.calls;
    const reads = new Map<BodyCall, string>();
    for (const c of calls) {
      const where = this.unsignedRead(c, fn);
      if (where) reads.set(c, where);
    }
    const lines = new Map<number, string>();
    for (const [c, where] of reads)
      if (
        !lines.has(c.line) &&
        calls.every((o) => o.line !== c.line || reads.has(o) || checksNothing(exprText(o.fn)))
      )
        lines.set(c.line, where);
    // Anything else the body calls that may check the caller (named like a verifier, or a helper whose answer
    // derives from a credential) may verify the token where the decode does not: then nothing is known forged.
    const mayVerify = calls.some(
      (c) =>
        !lines.has(c.line) &&
        !checksNothing(exprText(c.fn)) &&
        (VERIFIER_NAME.test(calleeName(c.fn)) ||
          this.project
            .evalExpr(c.fn, fn.scope)
            .some((v) => v.t === 'func' && v.fn !== fn && this.isCredentialPredicate(v.fn))),
    );
    const result = lines.size && !mayVerify ? lines : NO_UNSIGNED;
    this.unsignedCache.set(fn, result);
    return result;
  }

  /** Where the call reads claims unverified: itself, or in the project helper it calls (every one it may be). */
  private unsignedRead(c: BodyCall, fn: FunctionIR): string | undefined {
    if (this.jwt.readsUnverified(c, fn.scope, fn.facts.calls)) return `${fn.scope.module.file}:${c.line}`;
    if (c.fn.k !== 'name' && c.fn.k !== 'attr') return undefined;
    let where: string | undefined;
    for (const v of this.project.evalExpr(c.fn, fn.scope)) {
      const found = v.t === 'func' && v.fn !== fn ? this.decodesOnly(v.fn) : undefined;
      if (!found) return undefined;
      where ??= found;
    }
    return where;
  }

  /**
   * A project helper whose only work is reading a token's claims unverified (`decoded = jwt.decode(token,
   * verify=False); return True`): every call it makes is such a read or checks nothing, it never rejects, raises
   * or returns nothing, and it returns `True` or what it read. Whatever its caller tests of its answer, a forged
   * token supplies. Where its read is.
   */
  private decodesOnly(h: FunctionIR): string | undefined {
    const f = h.facts;
    if (f.rejects.length || f.raises.length || f.passes.length) return undefined;
    const lines = this.unsignedLines(h);
    const first = lines.values().next().value;
    if (first === undefined) return undefined;
    if (!f.calls.every((c) => lines.has(c.line) || checksNothing(exprText(c.fn)))) return undefined;
    return f.returns.every((r) => returnsRead(r, h.scope, lines, 0)) ? first : undefined;
  }

  private callsOptionalVerifier(fn: FunctionIR): boolean {
    return this.facts(fn).calls.some((c) => this.callKind(c.fn, c.kw, fn.scope) === 'optional-verifier');
  }

  callKind(
    fnExpr: Expr,
    kw: Record<string, Expr>,
    scope: Scope,
  ): 'verifier' | 'optional-verifier' | 'project-verifier' | 'other' {
    const name = calleeName(fnExpr);
    // `login_required(lambda: None)()`, or a dummy view so wrapped and called later: Flask-Login's check runs.
    if (
      this.project
        .evalExpr(fnExpr, scope)
        .some(
          (v) =>
            v.t === 'extcall' &&
            !!this.catalogue.guards.get(canonical(v.qn))?.disabledBy &&
            v.call.args.length === 1,
        )
    )
      return 'verifier';
    if (!name) return 'other';
    const verifierName = VERIFIER_NAME.test(name);
    const values = this.project.evalExpr(fnExpr, scope);
    // Helpers of the project are judged by their bodies, whatever their names; one of several possible callees
    // verifies only when each does (everyHelper).
    const helpers = values.flatMap((v) => (v.t === 'func' ? [v.fn] : []));
    if (helpers.length && helpers.every((h) => this.declaredGuard(h) || this.rejectsWithoutCredentials(h)))
      return 'project-verifier';
    for (const v of values) {
      if (v.t === 'ext' && this.declared.has(canonical(v.qn))) return 'verifier';
      if (v.t === 'func') continue;
      if (!verifierName) continue;
      if (v.t === 'ext') {
        const rule = this.catalogue.verifiers.get(canonical(v.qn));
        if (rule) return ruleKind(rule, kw) === 'auth' ? 'verifier' : 'optional-verifier';
      }
      if (v.t === 'boundcall' || v.t === 'instattr') {
        // Serializer/JWT objects: `s.loads(token)` raises on a bad signature; `auth.verify_token` is a callback.
        if (/^(decode|loads|verify)$/.test(name)) return 'verifier';
        // A guard of the library used as a context manager or call (`with admin_permission.require():`).
        const rule = this.instanceGuard(v.inst.qn, v.attr);
        if (rule && ruleKind(rule, v.t === 'boundcall' ? v.call.kw : undefined) === 'auth') return 'verifier';
      }
    }
    return 'other';
  }

  /**
   * A project function whose result derives from a credential: it returns a credential read
   * (`bool(session.get("id"))`, `get_current_user().type == "admin"`), or the result of another such function
   * (directly, through `bool`, comparisons, `and`/`or`, or `if authed(): return True`). Helpers in other
   * modules are followed through the project's name resolution.
   */
  isCredentialPredicate(fn: FunctionIR): boolean {
    const cached = this.predicateCache.get(fn);
    if (cached !== undefined) return cached;
    return this.nested(false, () => this.judgePredicate(fn));
  }

  private judgePredicate(fn: FunctionIR): boolean {
    this.predicateCache.set(fn, false);
    // `return flag or perm.can()` answers True to anyone while the flag is set: whatever else it reads, it is no
    // test of the caller.
    if (fn.facts.returns.some((r) => this.passesUntested(r, fn))) return false;
    let result =
      fn.facts.returnsCredential ||
      this.sessionStateTest(fn) ||
      fn.facts.returns.some((r) => this.testsCaller(r, fn));
    for (const src of fn.facts.returnSources) {
      if (result) break;
      result = this.project
        .evalExpr(src, fn.scope)
        .some((v) => (v.t === 'func' || v.t === 'callresult') && this.isCredentialPredicate(v.fn));
    }
    this.predicateCache.set(fn, result);
    return result;
  }

  /**
   * A value that is falsy for a caller without rights: a test of the caller's identity (`perm.can()` on a
   * Flask-Principal permission, a credential predicate of the project), also through `bool(...)`, `and` with
   * anything (`features.FULL_ACCESS and SuperUserPermission().can()`), `or` of such tests only, or a local that
   * holds one (`is_admin = perm.can()`; raised to True only under such a test, lowered to False or None anywhere).
   */
  private testsCaller(e: Expr, fn: FunctionIR, depth = 0): boolean {
    if (depth > 8) return false;
    if (e.k === 'boolop')
      return e.op === 'and'
        ? this.testsCaller(e.left, fn, depth + 1) || this.testsCaller(e.right, fn, depth + 1)
        : this.testsCaller(e.left, fn, depth + 1) && this.testsCaller(e.right, fn, depth + 1);
    if (e.k === 'name') return this.holdsCallerTest(e.id, fn, depth + 1);
    if (e.k !== 'call') return false;
    if (e.fn.k === 'name' && e.fn.id === 'bool' && e.args.length === 1)
      return this.testsCaller(e.args[0]!, fn, depth + 1);
    return this.callerTestCallee(e.fn, fn);
  }

  /** A callee whose answer tests the caller: a Flask-Principal permission's `can`, a project credential predicate. */
  private callerTestCallee(callee: Expr, fn: FunctionIR): boolean {
    return this.project
      .evalExpr(callee, fn.scope)
      .some(
        (v) =>
          (v.t === 'instattr' && IDENTITY_TESTS[v.inst.qn]?.has(v.attr) === true) ||
          ((v.t === 'func' || v.t === 'callresult') && v.fn !== fn && this.isCredentialPredicate(v.fn)),
      );
  }

  /**
   * A branch guard that holds only for a caller who passed a test of their identity or rights: the guarded code is
   * out of an anonymous caller's reach (Flask-Login's anonymous user and Flask-Principal's anonymous identity fail
   * every such test).
   */
  checksCaller(g: Guard, fn: FunctionIR, depth = 0): boolean {
    if (g.kind === 'predicate') return g.present && this.callerTestCallee(g.fn, fn);
    return (
      g.kind === 'other' && !g.negated && g.subject !== undefined && this.testsCaller(g.subject, fn, depth)
    );
  }

  /** A local of `fn` every value of which is a test of the caller, a falsy literal, or True set past such a test. */
  private holdsCallerTest(name: string, fn: FunctionIR, depth: number): boolean {
    const values = fn.scope.assigns.get(name);
    if (fn.scope.params.has(name) || !values?.length) return false;
    const raised = fn.facts.flagRaises.filter((r) => r.name === name);
    const raisedPastTest = raised.every((r) => r.guards.some((g) => this.checksCaller(g, fn, depth + 1)));
    return values.every((v) =>
      v.k === 'const'
        ? v.v !== true || (raised.length > 0 && raisedPastTest)
        : this.testsCaller(v, fn, depth + 1),
    );
  }

  /**
   * A returned `or` of a test of the caller with a value that does not depend on the caller (a setting, a helper
   * that tests no caller): true for everyone while that value is.
   */
  private passesUntested(e: Expr, fn: FunctionIR): boolean {
    if (e.k === 'call' && e.fn.k === 'name' && e.fn.id === 'bool' && e.args.length === 1)
      return this.passesUntested(e.args[0]!, fn);
    if (e.k !== 'boolop') return false;
    if (e.op === 'and') return this.passesUntested(e.left, fn) && this.passesUntested(e.right, fn);
    const [l, r] = [e.left, e.right];
    return (
      this.passesUntested(l, fn) ||
      this.passesUntested(r, fn) ||
      (this.testsCaller(l, fn) && this.answersAnyone(r, fn)) ||
      (this.testsCaller(r, fn) && this.answersAnyone(l, fn))
    );
  }

  /**
   * A value that does not depend on who calls: a configuration value, `True`, or the answer of project helpers that
   * return nothing else (`def quota_enabled(): return features.QUOTA`).
   */
  private answersAnyone(e: Expr, fn: FunctionIR): boolean {
    if (e.k === 'const') return e.v === true;
    if (e.k !== 'call') return isSetting(e, fn.scope);
    const values = this.project.evalExpr(e.fn, fn.scope);
    return (
      values.length > 0 &&
      values.every(
        (v) =>
          v.t === 'func' &&
          v.fn.facts.returns.length > 0 &&
          v.fn.facts.returns.every((r) => r.k === 'const' || isSetting(r, v.fn.scope)),
      )
    );
  }

  /**
   * A method of the app's own session class answering from the session's state (`logged_in()` returning `self.uid
   * is not None`): the session is opened from the request's cookie or token, so this reads the caller's identity as
   * `session.get("uid")` does.
   */
  private sessionStateTest(fn: FunctionIR): boolean {
    if (!fn.facts.returnsOwnState) return false;
    const cls = this.project.classOfMethod(fn);
    return !!cls && this.project.externalBases(cls).some((qn) => this.catalogue.sessionClasses.has(qn));
  }

  /**
   * The body's facts with helper predicates in conditions resolved: a call of a credential predicate tests
   * whether the caller is signed in (a presence test that reads a credential), any other call is `other`.
   */
  facts(fn: FunctionIR): BodyFacts {
    const cached = this.factsCache.get(fn);
    if (cached) return cached;
    const resolved = this.withCredentialGetters(fn, this.predicateFacts(fn));
    const facts = this.withIndirectRejections(fn, resolved);
    this.factsCache.set(fn, facts);
    return facts;
  }

  /**
   * Credentials read through a project helper: `auth_token = get_auth_token()` where the helper returns
   * `g.get("auth_token")` (filled from the URL by a `url_value_preprocessor`) or another credential read. The
   * call reads what the helper returns, as the credential predicates in conditions do.
   */
  private withCredentialGetters(fn: FunctionIR, facts: BodyFacts): BodyFacts {
    const lines = facts.calls
      .filter(
        (c) =>
          (c.fn.k === 'name' || c.fn.k === 'attr') &&
          !facts.credentialReads.includes(c.line) &&
          this.project
            .evalExpr(c.fn, fn.scope)
            .some((v) => v.t === 'func' && v.fn !== fn && this.isCredentialPredicate(v.fn)),
      )
      .map((c) => c.line);
    if (!lines.length) return facts;
    return {
      ...facts,
      credentialReads: [...new Set([...facts.credentialReads, ...lines])].sort((a, b) => a - b),
    };
  }

  /**
   * Rejections written elsewhere: a call of a helper that rejects (`deny()`, `return _deny_hook()`, an `abort`
   * wrapper, a helper two calls down that raises), and `raise Nope()` of an exception class that rejects (an
   * HTTPException with code 401/403 or a redirect to sign-in, or one an error handler turns into a 401/403).
   * Only in bodies that read a credential: elsewhere a rejection decides nothing about authentication.
   */
  private withIndirectRejections(fn: FunctionIR, facts: BodyFacts): BodyFacts {
    if (!facts.credentialReads.length) return facts;
    // `if not user: return redirect("/")`: a caller without credentials is sent away before anything happens,
    // wherever to; a redirect taken whatever the credentials is navigation, not a rejection.
    const extra: BodyFacts['rejects'] = facts.redirects.filter((r) =>
      r.guards.some((g) => g.kind === 'presence' && !g.present),
    );
    for (const r of facts.raises)
      if (this.raisesRejection(r, fn)) extra.push({ line: r.line, guards: r.guards });
    for (const c of facts.calls) {
      if (c.fn.k !== 'name' && c.fn.k !== 'attr') continue;
      if (this.everyHelper(c.fn, fn, (h) => this.alwaysRejects(h)))
        extra.push({ line: c.line, guards: c.guards });
    }
    return extra.length ? { ...facts, rejects: [...facts.rejects, ...extra] } : facts;
  }

  /**
   * Whether the project functions a call in `fn` may reach are all `judged` so. A callee that may be one of several
   * (`for handler in handlers: handler(header)`, each call of the factory handing over other handlers) is judged by
   * all of them: which one runs depends on a call the body cannot see.
   */
  private everyHelper(callee: Expr, fn: FunctionIR, judged: (helper: FunctionIR) => boolean): boolean {
    const helpers = this.project
      .evalExpr(callee, fn.scope)
      .flatMap((v) => (v.t === 'func' && v.fn !== fn ? [v.fn] : []));
    return helpers.length > 0 && helpers.every(judged);
  }

  /** A helper that, called, turns the request away on a path open to anyone (not only under some setting). */
  alwaysRejects(fn: FunctionIR, depth = 0): boolean {
    const cached = this.alwaysRejectCache.get(fn);
    if (cached !== undefined) return cached;
    if (depth > 4) return false;
    this.alwaysRejectCache.set(fn, false);
    const raw = fn.facts;
    const open = (guards: Guard[]): boolean => reachesAbsent(guards, false) && !onlySometimes(guards);
    const unconditional = (guards: Guard[]): boolean => guards.every((g) => g.kind === 'try');
    let result =
      raw.rejects.some((r) => open(r.guards) && unconditional(r.guards)) ||
      raw.raises.some((r) => unconditional(r.guards) && this.raisesRejection(r, fn));
    for (const c of raw.calls) {
      if (result) break;
      if (!unconditional(c.guards) || (c.fn.k !== 'name' && c.fn.k !== 'attr')) continue;
      result = this.everyHelper(c.fn, fn, (h) => this.alwaysRejects(h, depth + 1));
    }
    this.alwaysRejectCache.set(fn, result);
    return result;
  }

  /**
   * `raise X(...)` turns the request away: X rejects whatever its arguments, or X is a redirect (a werkzeug
   * HTTPException or RoutingException subclass with a 3xx code, RequestRedirect) and the raise sends the caller to
   * sign in (`raise Redirect303(url_for(".authenticate"))`), or sends a caller without credentials anywhere:
   * under a test that there is none, or after a branch that let those with one through (`if is_admin: return
   * f()` then `raise Redirect303(url_for(".admin"))`).
   */
  private raisesRejection(r: BodyFacts['raises'][number], fn: FunctionIR): boolean {
    const absent = (g: Guard): boolean => g.kind === 'presence' && !g.present;
    const away = r.signIn || r.guards.some(absent) || !!r.afterExits?.some(absent);
    return this.project
      .evalExpr(r.exc, fn.scope)
      .some((v) => v.t === 'class' && (this.rejectingClass(v.cls) || (away && this.redirectClass(v.cls))));
  }

  /** An exception class that Flask answers with a redirect: werkzeug's RequestRedirect, or an HTTPException with a 3xx code. */
  private redirectClass(cls: ClassIR): boolean {
    const base = this.project.extBaseOf(cls) ?? '';
    if (base === 'werkzeug.RequestRedirect') return true;
    if (!/^werkzeug\.(HTTPException|RoutingException)$/.test(base)) return false;
    const code = [cls, ...this.project.projectBases(cls)]
      .map((c) => c.attrs.code)
      .find((e) => e !== undefined);
    return code?.k === 'num' && code.v >= 300 && code.v < 400;
  }

  /**
   * An exception class whose raising turns the request away: werkzeug's Unauthorized/Forbidden, a class with
   * `code = 401/403` (an HTTPException subclass), one whose methods answer with a rejection (`get_response`
   * redirecting to sign-in), or one an error handler (`@app.errorhandler(Nope)`, `register_error_handler`)
   * answers with a 401/403 or a redirect to sign-in.
   */
  rejectingClass(cls: ClassIR): boolean {
    const cached = this.classRejectCache.get(cls);
    if (cached !== undefined) return cached;
    this.classRejectCache.set(cls, false);
    const chain = [cls, ...this.project.projectBases(cls)];
    const base = this.project.extBaseOf(cls) ?? '';
    const code = chain.map((c) => c.attrs.code).find((e) => e !== undefined);
    const handlers = this.errorHandlers();
    const result =
      (code ? rejectingCode(code) : /(^|\.)(Unauthorized|Forbidden)$/.test(base)) ||
      chain.some(
        (c) =>
          Object.values(c.methods).some((m) => m.facts.rejects.length > 0) ||
          (handlers.get(c) ?? []).some((h) => h.facts.rejects.length > 0),
      );
    this.classRejectCache.set(cls, result);
    return result;
  }

  /**
   * Where a registry of exempt views lives (`PUBLIC = set()` at module level), as a marker name shared by the
   * decorators that fill it and the hooks that consult it.
   */
  private registryIds(e: Expr, scope: Scope): string[] {
    const id = (file: string, line: number): string => `@registry:${file}:${line}`;
    const found = this.project
      .evalExpr(e, scope)
      .flatMap((v) => (v.t === 'literal' ? [id(v.scope.module.file, v.expr.line)] : []));
    if (found.length || e.k !== 'name') return found;
    // `PUBLIC = set()` evaluates to nothing known: the binding itself names the registry.
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const here = s.assigns.get(e.id)?.[0];
      if (here) return [id(s.module.file, here.line)];
      const imp = s.imports.get(e.id);
      if (imp) {
        const mod = imp.name ? this.project.findModule(imp.module) : undefined;
        const there = imp.name ? mod?.scope.assigns.get(imp.name)?.[0] : undefined;
        return mod && there ? [id(mod.file, there.line)] : [];
      }
    }
    return [];
  }

  /** Project exception classes and the functions registered to answer them. */
  private errorHandlers(): Map<ClassIR, FunctionIR[]> {
    if (this.handlerMap) return this.handlerMap;
    const map = new Map<ClassIR, FunctionIR[]>();
    const add = (excExpr: Expr | undefined, scope: Scope, handlers: FunctionIR[]): void => {
      if (!excExpr || !handlers.length) return;
      for (const v of this.project.evalExpr(excExpr, scope))
        if (v.t === 'class') map.set(v.cls, [...(map.get(v.cls) ?? []), ...handlers]);
    };
    for (const m of this.project.modules) {
      for (const f of m.allFunctions)
        for (const d of f.decorators)
          if (d.expr.k === 'call' && d.expr.fn.k === 'attr' && ERROR_HANDLER_DECORATORS.has(d.expr.fn.attr))
            add(d.expr.args[0], f.scope.parent ?? f.scope, [f]);
      const scopes = [m.scope, ...m.allFunctions.map((f) => f.scope)];
      for (const sc of scopes)
        for (const c of sc.calls) {
          const call = c.call;
          if (call.fn.k !== 'attr' || !ERROR_HANDLER_REGISTRARS.has(call.fn.attr) || !call.args[1]) continue;
          const handlers = this.project
            .evalExpr(call.args[1], sc)
            .flatMap((v) => (v.t === 'func' ? [v.fn] : []));
          add(call.args[0], sc, handlers);
        }
    }
    this.handlerMap = map;
    return map;
  }

  private predicateFacts(fn: FunctionIR): BodyFacts {
    const raw = fn.facts;
    const hasPredicate = (guards: Guard[]): boolean => guards.some((g) => g.kind === 'predicate');
    const any = (list: { guards: Guard[] }[]): boolean => list.some((x) => hasPredicate(x.guards));
    if (!any(raw.rejects) && !any(raw.passes) && !any(raw.calls)) return raw;
    const reads = new Set(raw.credentialReads);
    const resolve = <T extends { line: number; guards: Guard[] }>(x: T): T => {
      if (!hasPredicate(x.guards)) return x;
      const guards = x.guards.map((g): Guard => {
        if (g.kind !== 'predicate') return g;
        const credential = this.project
          .evalExpr(g.fn, fn.scope)
          .some(
            (v) =>
              (v.t === 'func' && this.isCredentialPredicate(v.fn)) ||
              (v.t === 'instattr' && IDENTITY_TESTS[v.inst.qn]?.has(v.attr) === true),
          );
        // `if is_loopback_request(): return f()`: a helper answering whether the connection is a loopback one.
        if (!credential && this.testsConnection(g.fn, g.addresses ?? NO_ADDRESSES, fn.scope, 0))
          return { kind: 'loopback', local: g.present };
        if (!credential) return g.unrelated ? { kind: 'other', unrelated: true } : { kind: 'other' };
        reads.add(x.line);
        return { kind: 'presence', present: g.present };
      });
      return { ...x, guards };
    };
    const facts: BodyFacts = {
      ...raw,
      rejects: raw.rejects.map(resolve),
      passes: raw.passes.map(resolve),
      calls: raw.calls.map(resolve),
    };
    facts.credentialReads = [...reads].sort((a, b) => a - b);
    return facts;
  }

  /**
   * A call of a project helper that answers whether the connection comes from the machine itself: the helper
   * tests the connection's address, or tests a parameter to which the call passes that address.
   */
  private testsConnection(callee: Expr, passed: AddressArgs, scope: Scope, depth: number): boolean {
    const subject = this.calledSubject(callee, passed, scope, depth);
    return !!subject && 'connection' in subject;
  }

  /** Which address a call of a loopback-testing helper tests, as the caller names it; the same for every callee. */
  private calledSubject(
    callee: Expr,
    passed: AddressArgs,
    scope: Scope,
    depth: number,
  ): AddressSubject | undefined {
    let found: AddressSubject | undefined;
    for (const v of this.project.evalExpr(callee, scope)) {
      if (v.t !== 'func') return undefined;
      const subject = this.loopbackSubject(v.fn, depth);
      if (!subject) return undefined;
      let here: AddressSubject | null | undefined = subject;
      if ('param' in subject) {
        const i = v.fn.params.indexOf(subject.param);
        here = passed.kw[subject.param] ?? (i >= 0 ? passed.args[i] : undefined);
      }
      if (!here || (found && !sameAddress(found, here))) return undefined;
      found = here;
    }
    return found;
  }

  /**
   * What a project helper's answer says is a loopback address (`def is_loopback_address(value): return
   * ipaddress.ip_address(value).is_loopback`): the connection's address, or a parameter. Every value it returns
   * is such a test of one same address, or `False`/`None` (refusing is safe); a helper answering about anything
   * else — the Host header included, which the client writes — tests nothing about where the caller is.
   */
  private loopbackSubject(fn: FunctionIR, depth: number): AddressSubject | undefined {
    const cached = this.addressTestCache.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > 4) return undefined;
    this.addressTestCache.set(fn, null);
    const { addressTests, returns } = fn.facts;
    const subjects = addressTests.map((t) =>
      'address' in t ? t.address : this.calledSubject(t.helper, t, fn.scope, depth + 1),
    );
    const tested = new Set(addressTests.map((t) => t.line));
    const refuses = (e: Expr): boolean => e.k === 'const' && e.v !== true;
    const first = subjects[0];
    const result =
      first &&
      subjects.every((a) => a && sameAddress(a, first)) &&
      returns.every((r) => tested.has(r.line) || refuses(r))
        ? first
        : undefined;
    this.addressTestCache.set(fn, result ?? null);
    return result;
  }

  /**
   * The statement runs only when a condition on the request's own data holds (`if current_forum and
   * should_force_login(...)`, where `current_forum` is the forum the URL names): a hook rejecting there enforces
   * for some resources only, and guards no route for certain.
   */
  private forSomeResources(guards: Guard[], scope: Scope): boolean {
    return guards.some((g) => g.kind === 'other' && g.subject && this.onRequestData(g.subject, scope, 0));
  }

  /** Does the value depend on what the request carries besides credentials (URL values, query, body)? */
  private onRequestData(e: Expr, scope: Scope, depth: number): boolean {
    if (REQUEST_DATA.test(exprText(e))) return true;
    if (depth > MAX_REQUEST_DATA_DEPTH) return false;
    if (e.k === 'call' && e.args.some((a) => this.onRequestData(a, scope, depth + 1))) return true;
    return this.project
      .evalExpr(e, scope)
      .some((v) =>
        v.t === 'func' || v.t === 'callresult'
          ? this.readsRequestData(v.fn, depth + 1)
          : v.t === 'unknown' && REQUEST_DATA.test(v.text),
      );
  }

  /** The function, or a project function it calls, reads the request's data. */
  private readsRequestData(fn: FunctionIR, depth: number): boolean {
    const cached = this.requestDataCache.get(fn);
    if (cached !== undefined) return cached;
    this.requestDataCache.set(fn, false);
    const result =
      fn.facts.readsRequestData ||
      (depth <= MAX_REQUEST_DATA_DEPTH &&
        fn.facts.calls.some((c) =>
          this.project
            .evalExpr(c.fn, fn.scope)
            .some((v) => (v.t === 'func' || v.t === 'callresult') && this.readsRequestData(v.fn, depth + 1)),
        ));
    this.requestDataCache.set(fn, result);
    return result;
  }

  /** A before_request hook: does it protect, fail open, and which requests does it let through by design? */
  analyzeHook(fn: FunctionIR): HookAnalysis {
    const cached = this.hookCache.get(fn);
    if (cached) return cached;
    const facts = this.facts(fn);
    const allow: HookAllow = {
      endpoints: [],
      endpointPrefixes: [],
      blueprints: [],
      paths: [],
      prefixes: [],
      markers: [],
      methods: [],
      urlValues: [],
      opaque: false,
      zones: [],
    };
    const requestSet = (g: AllowGuard): RequestSet => ({
      endpoints: g.endpoints.filter((e) => !e.startsWith('@marker:')),
      endpointPrefixes: g.endpointPrefixes,
      blueprints: g.blueprints,
      paths: g.paths,
      prefixes: g.prefixes,
      markers: [
        ...g.endpoints.filter((e) => e.startsWith('@marker:')).map((e) => e.slice(8)),
        ...(g.registries ?? []).flatMap((r) => this.registryIds(r, fn.scope)),
      ],
    });
    const addAllow = (g: AllowGuard): void => {
      const set = requestSet(g);
      allow.endpoints.push(...set.endpoints);
      allow.endpointPrefixes.push(...set.endpointPrefixes);
      allow.blueprints.push(...set.blueprints);
      allow.paths.push(...set.paths);
      allow.prefixes.push(...set.prefixes);
      allow.markers.push(...set.markers);
      if (g.opaque && !set.markers.length) allow.opaque = true;
    };
    // Views a decorator of the hook's own object opted out (`@rbac.exempt`) are let through by design.
    const owner = this.project.classOfMethod(fn);
    if (owner) allow.markers.push(optOutMark(owner), anonymousMark(owner));
    const exemptMethods = new Set<string>();
    for (const p of facts.passes) {
      // `if request.method == "GET": return` skips the check for those methods only.
      if (p.guards.length && p.guards.every(isMethodGuard)) {
        const methods = methodsRunning(p.guards);
        if (methods.size < ROUTE_METHODS.length) for (const m of methods) exemptMethods.add(m);
        continue;
      }
      for (const g of p.guards) if (g.kind === 'allow' && !g.negated && !isMethodGuard(g)) addAllow(g);
    }

    let verifierSeen = false;
    let swallowedVerifier = false;
    let verifies = false;
    let verifiedByCall = false;
    let reads = facts.credentialReads.length > 0;
    /** Methods a rejecting statement runs for: the hook protects only those. */
    const protectedMethods = new Set<string>();
    /** Each protecting statement's scope (empty: every request) and allow-lists, for hooks with scoped ones. */
    const checks: { within: AllowGuard[]; except: AllowGuard[] }[] = [];
    const protecting = (guards: Guard[], raising: boolean): boolean => {
      const { within, rest } = scopeOf(guards.filter((g): boolean => !isMethodGuard(g)));
      if (!reachesAbsent(rest, raising)) return false;
      for (const m of methodsRunning(guards)) protectedMethods.add(m);
      checks.push({ within, except: rest.filter((g): g is AllowGuard => g.kind === 'allow' && g.negated) });
      return true;
    };
    const unsigned = this.unsignedLines(fn);
    for (const c of facts.calls) {
      if (unsigned.has(c.line)) continue;
      const kind = this.callKind(c.fn, c.kw, fn.scope);
      if (kind === 'other') continue;
      verifierSeen = true;
      reads = true;
      if (kind === 'optional-verifier') continue;
      if (onlySometimes(c.guards) || this.forSomeResources(c.guards, fn.scope)) continue;
      if (protecting(c.guards, true)) verifies = verifiedByCall = true;
      else if (reachesAbsent(c.guards, false)) swallowedVerifier = true;
    }
    const onlyPresence = presenceOnly(facts, unsigned);
    const rejecting = facts.rejects.filter(
      (r) =>
        reachesAbsent(scopeOf(r.guards.filter((g): boolean => !isMethodGuard(g))).rest, false) &&
        !onlySometimes(r.guards) &&
        !this.forSomeResources(r.guards, fn.scope),
    );
    if (reads && rejecting.length && !onlyPresence) {
      for (const r of rejecting) if (protecting(r.guards, false)) verifies = true;
    }
    // Allow-lists apply hook-wide unless some rejection is scoped: then each stays with its own rejection.
    if (checks.some((c) => c.within.length))
      allow.zones = checks.map((c) => ({
        within: c.within.map(requestSet),
        except: c.except.map(requestSet),
      }));
    else for (const g of checks.flatMap((c) => c.except)) addAllow({ ...g, negated: false });
    // Rejecting only under a condition that reads no credential (`if entered_project_id:`), on a value it took
    // from the URL: requests to rules without that value are never checked.
    const underRequestValue = (guards: Guard[]): boolean =>
      guards.some((g) => g.kind === 'other' && g.unrelated);
    if (
      verifies &&
      !verifiedByCall &&
      rejecting.length &&
      rejecting.every((r) => underRequestValue(r.guards))
    )
      allow.urlValues = urlValuesTaken(fn);
    if (verifies) for (const m of ROUTE_METHODS) if (!protectedMethods.has(m)) exemptMethods.add(m);
    allow.methods = ROUTE_METHODS.filter((m) => exemptMethods.has(m));

    // `if not token: return` lets anonymous requests through before any check runs.
    const passesWhenAbsent = facts.passes.some(
      (p) =>
        p.guards.some((g) => g.kind === 'presence' && !g.present) &&
        !p.guards.some((g) => g.kind === 'allow'),
    );
    // A hook that handles no credential itself (no header, cookie or argument read, no verifier) and rejects only
    // callers who already have an identity (`if current_user.is_authenticated and not current_user.confirmed`)
    // checks account state, not authentication: anonymous callers were never its concern, so it neither
    // protects nor fails open.
    const handlesCredential = verifierSeen || facts.rawCredentialReads.length > 0;
    // Rejections for reasons other than who the caller is (a CSRF nonce that does not match) are no attempt to
    // authenticate.
    const attempts = verifierSeen || facts.rejects.some((r) => !onlySometimes(r.guards));
    // A hook that signs the caller in to Flask-Login (`login_user(user)` for a valid API token) hands the decision
    // to the app's own login checks, which the model sees on each route: an optional user loader, not a gate.
    const signsIn = this.signsIn(fn);
    let failsOpen = false;
    let anonymousPass = false;
    let reason: string | undefined;
    if (signsIn && !verifies) {
      // Neither a guard nor failing open: anonymous callers were never this hook's concern.
    } else if (attempts && reads && passesWhenAbsent) {
      failsOpen = handlesCredential;
      anonymousPass = true;
      verifies = false;
      if (failsOpen)
        reason = 'it returns early when the request carries no credentials, so those requests reach the view';
    } else if (attempts && reads && !verifies && handlesCredential) {
      failsOpen = true;
      anonymousPass = !rejecting.length;
      if (onlyPresence && rejecting.length && swallowedVerifier)
        reason =
          'it only rejects requests without a credential and swallows the verification error, so any value passes';
      else if (onlyPresence && rejecting.length) reason = `it ${this.presenceWeakness(fn)}`;
      else if (swallowedVerifier) reason = `it ${SWALLOWED}`;
      else reason = 'it only rejects requests that carry a credential; requests without one pass';
    }
    const result: HookAnalysis = {
      fn,
      verifies,
      failsOpen,
      ...(failsOpen && anonymousPass ? { anonymousPass: true as const } : {}),
      allow,
      reason,
    };
    this.hookCache.set(fn, result);
    return result;
  }
}

type AllowGuard = Extract<Guard, { kind: 'allow' }>;

/** Roots of values that say something about the request or its caller, not about the deployment. */
const REQUEST_ROOTS = new Set(['request', 'session', 'g', 'current_user', 'current_identity', 'flask']);

/**
 * A configuration value (`features.PUBLIC_READS`, `app.config["OPEN"]`, `ALLOW_ANONYMOUS`): read from a module-level
 * name, not from the function's own variables or the request, it is the same for every caller.
 */
function isSetting(e: Expr, scope: Scope): boolean {
  if (e.k === 'attr') return isSetting(e.obj, scope);
  if (e.k === 'subscript') return isSetting(e.obj, scope);
  return e.k === 'name' && !REQUEST_ROOTS.has(e.id) && !scope.params.has(e.id) && !scope.assigns.has(e.id);
}

/**
 * The URL values a url_value_preprocessor `(endpoint, values)` takes by name (`values.pop("project_id")`,
 * `values.get(...)`, `values["..."]`): Flask passes only the values of the matched rule.
 */
function urlValuesTaken(fn: FunctionIR): string[] {
  const values = fn.params[1];
  if (fn.params.length !== 2 || !values) return [];
  const keys: string[] = [];
  for (const c of fn.facts.calls) {
    const key =
      c.fn.k === 'attr' && /^(pop|get)$/.test(c.fn.attr) && c.fn.obj.k === 'name' && c.fn.obj.id === values
        ? c.args[0]
        : undefined;
    if (key?.k === 'str') keys.push(key.v);
  }
  return keys;
}

/** The methods of the route model (HEAD and OPTIONS are left out, as in the route table). */
const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A condition on the HTTP method alone (`request.method == "GET"`, `request.method not in WRITES`). */
function isMethodGuard(g: Guard): g is AllowGuard {
  return (
    g.kind === 'allow' &&
    g.methods.length > 0 &&
    !g.opaque &&
    g.endpoints.length +
      g.endpointPrefixes.length +
      g.blueprints.length +
      g.paths.length +
      g.prefixes.length ===
      0
  );
}

/**
 * A statement's conditions on which request this is, split: `within` the requests it runs for only (`if
 * request.path.startswith("/api/"):`, named plainly, not through a registry or an opaque test), and the rest.
 */
function scopeOf(guards: Guard[]): { within: AllowGuard[]; rest: Guard[] } {
  const within: AllowGuard[] = [];
  const rest: Guard[] = [];
  for (const g of guards)
    if (g.kind === 'allow' && !g.negated && !g.opaque && !g.registries?.length && !g.methods.length)
      within.push(g);
    else rest.push(g);
  return { within, rest };
}

/** The route methods a statement under these guards runs for. */
function methodsRunning(guards: Guard[]): Set<string> {
  let out = new Set(ROUTE_METHODS);
  for (const g of guards) {
    if (!isMethodGuard(g)) continue;
    const listed = new Set(g.methods);
    out = new Set([...out].filter((m) => listed.has(m) !== g.negated));
  }
  return out;
}

/** A predicate call passing no address. */
const NO_ADDRESSES: AddressArgs = { args: [], kw: {} };

function sameAddress(a: AddressSubject, b: AddressSubject): boolean {
  return 'connection' in a ? 'connection' in b : 'param' in b && a.param === b.param;
}

/**
 * A credential as sent is read and rejected when missing, but its value is never checked, or checked only on lines
 * that decode it without verifying its signature (`unsigned`).
 */
function presenceOnly(facts: BodyFacts, unsigned: ReadonlyMap<number, string>): boolean {
  return facts.rawCredentialReads.length > 0 && facts.credentialChecks.every((l) => unsigned.has(l));
}

/** Methods of an access-control object that let a view through its hook: `exempt`, `public`, `allow_anonymous`. */
const OPT_OUT_METHOD = /^(exempt|public|skip|bypass|unprotected|allow_anonymous|no_?auth|login_exempt)$/i;
/** The role or rule every caller has, anonymous ones included. */
const ANONYMOUS_ROLE = /^(anonymous|anon|everyone|public|guest|all)$/i;

function namesAnonymous(e: Expr): boolean {
  if (e.k === 'str') return ANONYMOUS_ROLE.test(e.v);
  return e.k === 'seq' && e.items.some(namesAnonymous);
}

function optOutMark(cls: ClassIR): string {
  return `@optout:${cls.scope.module.file}:${cls.defLine}`;
}

function anonymousMark(cls: ClassIR): string {
  return `@anonymous:${cls.scope.module.file}:${cls.defLine}`;
}

/** `code = 401`, `code = HTTPStatus.FORBIDDEN`. */
function rejectingCode(code: Expr): boolean {
  if (code.k === 'num') return code.v === 401 || code.v === 403;
  return code.k === 'attr' && /^(UNAUTHORI[SZ]ED|FORBIDDEN)$/.test(code.attr);
}

function rank(kind: GuardKind): number {
  return kind === 'auth' ? 3 : kind === 'optional' ? 2 : kind === 'unknown' ? 1 : 0;
}

function guessUnknown(label: string): GuardKind {
  const head = label.replace(/\(.*$/s, '');
  return AUTHISH.test(head) ? 'unknown' : 'none';
}

/**
 * Can a request without credentials reach a statement under these guards? Not when it runs only with a
 * credential present, only for allow-listed requests, or (for a raising verifier) inside a try that swallows.
 */
function reachesAbsent(guards: Guard[], isRaisingCall: boolean): boolean {
  // Indexed: most lists are the shared frozen empty one, which `for…of` iterates slowly.
  for (let i = 0; i < guards.length; i++) {
    const g = guards[i]!;
    if (g.kind === 'presence' && g.present) return false;
    if (g.kind === 'allow' && !g.negated) return false;
    if (isRaisingCall && g.kind === 'try' && !g.handlerRejects) return false;
  }
  return true;
}

/** The conditions among `guards` that read no credential, as written (`not signal_rv`). */
function switches(guards: Guard[]): string[] {
  return guards.flatMap((g) =>
    g.kind === 'other' && g.unrelated && g.subject
      ? [`${g.negated ? 'not ' : ''}${exprText(g.subject)}`]
      : [],
  );
}

/** The call sits in a try block whose success the body records and tests later (passTests). */
function successTested(c: BodyCall, facts: BodyFacts): boolean {
  return facts.passTests.some((t) => t.from <= c.line && c.line <= t.line);
}

/**
 * The call comes after a branch that left when there was no credential (`if not token: return None` before
 * `verify(token)`): a request without one never reaches it, so it rejects none of them.
 */
function afterAbsentLeft(c: BodyCall): boolean {
  return !!c.afterExits?.some((g) => g.kind === 'presence' && g.present);
}

/**
 * The statement runs only under a condition that has nothing to do with the caller's credentials (an import in
 * progress, a setting) and under no test of the credential itself: a rejection there turns away everyone or no
 * one, whoever calls, so it is not authentication. Under a test of the credential as well (`if enabled:` then
 * `if header != token: return 403`, as `if enabled and not signed_in:` in one condition), it authenticates
 * whenever the setting switches it on.
 */
function onlySometimes(guards: Guard[]): boolean {
  return (
    guards.some((g) => g.kind === 'other' && g.unrelated) &&
    !guards.some((g) => g.kind === 'presence' || (g.kind === 'other' && !g.unrelated))
  );
}

export function nestedFunctions(fn: FunctionIR, depth = 0): FunctionIR[] {
  if (depth > 6) return [fn];
  const out = [fn];
  for (const inner of fn.scope.functions.values()) out.push(...nestedFunctions(inner, depth + 1));
  return out;
}

/** Names of calls that may verify a credential (as `callKind` reads them). */
const VERIFIER_NAME =
  /verify|decode|check|valid|auth|token|login|require|current_user|identity|jwt|permission|role|loads/i;

function calleeName(fn: Expr): string {
  return fn.k === 'name' ? fn.id : fn.k === 'attr' ? fn.attr : '';
}

/**
 * A returned value that says nothing but what was read unverified (on one of `lines`): `True`, the claims, one
 * of them (`claims["sub"]`, `claims.get("sub")`), or a local name only ever assigned such a value.
 */
function returnsRead(e: Expr, scope: Scope, lines: ReadonlyMap<number, string>, depth: number): boolean {
  if (depth > 8) return false;
  switch (e.k) {
    case 'const':
      return e.v === true;
    case 'call':
      if (lines.has(e.line)) return true;
      return e.fn.k === 'attr' && e.fn.attr === 'get' && returnsRead(e.fn.obj, scope, lines, depth + 1);
    case 'subscript':
    case 'attr':
      return returnsRead(e.obj, scope, lines, depth + 1);
    case 'name': {
      const values = scope.params.has(e.id) ? undefined : scope.assigns.get(e.id);
      return !!values?.length && values.every((v) => returnsRead(v, scope, lines, depth + 1));
    }
    default:
      return false;
  }
}

/** Facts of a view body that checks credentials itself. */
export function bodyMentionsCredentials(facts: BodyFacts): boolean {
  return facts.credentialReads.length > 0;
}
