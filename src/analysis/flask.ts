import type { Notice, RouteMount } from '../types.js';
import { Failures } from './containment.js';
import type { ClassIR, Decorator, Expr, FunctionIR, ModuleIR, Scope, Span } from './ir.js';
import { parseSpec } from './openapi.js';
import { type CallExpr, type Inst, type Project, type Value, canonical, exprText } from './project.js';
import { type AuthAnalyzer, type GuardInfo, type HookAnalysis } from './auth.js';
import { answeringMethod, instanceEntry } from './dispatch.js';
import { CATALOGUE, type RoutingView, classesWithRole } from './catalogue/index.js';
import {
  type ClassfulSettings,
  buildRule,
  defaultRouteBase,
  methodRule,
  ruleVariables,
  specialRule,
} from './classful.js';
import { LOGIN_DISABLED } from './catalogue/flask_login.js';

/**
 * The Flask model: every route of every app with its full URL rule, methods, endpoint, location, and what
 * applies to it (decorators, class-level decorators, Api/Namespace decorators, request hooks, checks in the
 * body). Policy (what should be protected) lives elsewhere; this file only says what is there.
 */

const APP_CLASSES = classesWithRole('app', 'connexion-app');
/** The view answers with a page rendered from a template. */
function rendersTemplate(fn: FunctionIR): boolean {
  return fn.facts.returns.some(
    (e) =>
      e.k === 'call' &&
      /^render_template(_string)?$/.test(e.fn.k === 'name' ? e.fn.id : e.fn.k === 'attr' ? e.fn.attr : ''),
  );
}

const CONNEXION_APPS = classesWithRole('connexion-app');
const BLUEPRINT_CLASSES = classesWithRole('blueprint');
/** flask-smorest's Api: `api.register_blueprint(blp, url_prefix=…)` hands the options to its app. */
const BLUEPRINT_APIS = classesWithRole('blueprint-api');
const API_CLASSES = classesWithRole('resource-api');
const NAMESPACE_CLASSES = classesWithRole('namespace');
/** Flask-Sockets' `Sockets`: `@sockets.route(rule)` serves the rule itself, beside the app's own routes. */
const SOCKETS = classesWithRole('websocket-routes');
/** Flask-AppBuilder: `appbuilder.add_view(View, "Name")`, `add_view_no_menu(View)`, `add_api(Api)`. */
const VIEW_BUILDERS = classesWithRole('view-builder');
const FAB_REGISTRATIONS = new Set(
  [...VIEW_BUILDERS].flatMap((qn) => CATALOGUE.classes.get(qn)?.registrars ?? []),
);
/** The packages of the view builders, whose decorators (`expose`, guards, `safe`…) a class view is read for. */
const VIEW_BUILDER_PACKAGES = new Set([...VIEW_BUILDERS].map((qn) => qn.slice(0, qn.indexOf('.'))));
const AUTH_EXTENSIONS = classesWithRole('auth-extension');
/** Flask-Classful: `View.register(bp)` on a subclass of a self-routing view base. */
const ROUTING_REGISTRARS = new Set([...CATALOGUE.routingViews.values()].map((v) => v.registrar.name));
const ROUTE_METHODS: Record<string, string | undefined> = {
  route: undefined,
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};
/** The handlers a class-based view dispatches to (Flask's `http_method_funcs`, less `trace`). */
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export { WRITE_METHODS };

/**
 * An owner of a route registration the model cannot tell to be a Flask app or blueprint or not: unknown, the
 * result of a project function, an attribute, or Flask's own proxies (`current_app`).
 */
/** What a registration is made on, for the model to follow it. */
interface Registrar {
  is: (v: Value) => boolean;
  what: string;
}

const FLASK_REGISTRAR: Registrar = {
  is: (v) => v.t === 'inst' && (APP_CLASSES.has(v.qn) || BLUEPRINT_CLASSES.has(v.qn)),
  what: 'a Flask app or blueprint',
};

/** `add_resource` registers on a Flask-RESTful / restx `Api` or `Namespace`. */
const RESOURCE_REGISTRAR: Registrar = {
  is: (v) => v.t === 'inst' && (API_CLASSES.has(v.qn) || NAMESPACE_CLASSES.has(v.qn)),
  what: 'a Flask-RESTful or flask-restx Api',
};

function opaqueOwner(v: Value): boolean {
  if (v.t === 'ext' || v.t === 'extcall') return v.qn.startsWith('flask.');
  return v.t === 'unknown' || v.t === 'callresult' || v.t === 'instattr' || v.t === 'boundcall';
}

/** A guard that applies to a route, with where it came from. */
export interface AppliedGuard {
  info: GuardInfo;
  /** The decorator as written (`jwt_required()`), to suggest it elsewhere. */
  decorator: string;
  /** e.g. `jwt_required()`, `TaskResource.method_decorators: token_required`. */
  label: string;
  /** A method the view's class runs on every request, not a decorator: nothing to suggest writing on a route. */
  method?: true;
}

export interface HookRef {
  owner: Inst;
  fn: FunctionIR;
  analysis: HookAnalysis;
  label: string;
  /** `before_app_request`: runs for every request of the app the blueprint is registered on. */
  appWide: boolean;
  /** It protects only through Flask-Login's `login_required` on it (a no-op under `LOGIN_DISABLED`). */
  flaskLogin?: boolean;
}

export interface ModelRoute {
  methods: string[];
  path: string;
  endpoint: string;
  file: string;
  span: Span;
  /** The code of the view (for fingerprints): function or method name and file. */
  viewName: string;
  /** The Flask app the route belongs to, or undefined when its blueprint is never registered where we can see. */
  app?: Inst;
  /** The app, blueprints and prefix as the report shows them. */
  mount?: RouteMount;
  /** Guards that wrap the registered view. */
  guards: AppliedGuard[];
  /** Auth decorators written above the route decorator: they wrap a function Flask never calls. */
  misplaced: AppliedGuard[];
  hooks: HookRef[];
  /** The view checks credentials itself and rejects requests without them. */
  bodyCheck: boolean;
  /** The view reads the caller's identity only when there is one: it serves anonymous callers on purpose. */
  bodyOptional: boolean;
  /** The view tests the credential's presence only (`if 'Authorization' not in request.headers: abort(401)`). */
  bodyWeak?: string;
  /** The view answers with an HTML page rendered from a template (`return render_template(...)`). */
  rendersPage?: boolean;
  /** The view could not be resolved (a factory, a dynamic value): we cannot tell what guards it. */
  opaqueView: boolean;
  /**
   * `file:Class` of the class whose object answers, when that is not the class defining the answering method (a
   * handler class answering with a method of a mixin it shares with other views).
   */
  viewClass?: string;
  /** Decorator markers on the view (`f.is_public = True`), for hooks with marker allow-lists. */
  marks: string[];
  /** Suppression comments on or above the route statement. */
  suppressed: string[];
  /** For routes declared in an OpenAPI document: `file:line` of the operation. */
  specLocation?: string;
  /** Example values of path parameters from the document, for live probing. */
  examples?: Record<string, string>;
}

interface Registration {
  /** Undefined: registered on an app the model cannot see (a parameter of a plugin hook nothing visible calls). */
  parent: Inst | undefined;
  /** url_prefix given at registration: a string, null for `None`, undefined when absent. */
  prefix: string | null | undefined;
  name?: string;
  /** The calls the registration ran during (one factory serving several apps: which one). */
  during: { call: CallExpr; scope: Scope }[];
}

interface Mount {
  app?: Inst;
  /** The app comes from a call of this function where WSGI middleware mounts it (`{"/api": api.create_app()}`). */
  via?: FunctionIR;
  /** The setup state's url_prefix; null when there is none. */
  prefix: string | null;
  /** Blueprints from the app down to the owner. */
  chain: Inst[];
  names: string[];
}

interface ViewRef {
  fn?: FunctionIR;
  cls?: ClassIR;
  /** `as_view('name')`: the view function's name, Flask's default endpoint. */
  viewName?: string;
  /** Decorators applied by wrapping calls (`jwt_required()(view)`), outermost first. */
  wrappers: { expr: Expr; scope: Scope }[];
}

const MAX_MOUNT_DEPTH = 12;
/** How many single calls a statement's evaluation follows up the call chain to reach one made from several places. */
const MAX_CALL_HOPS = 3;
/** Expressions that evaluate to a literal (Project.evalExpr), never to an app or blueprint. */
const LITERAL_KINDS: ReadonlySet<Expr['k']> = new Set(['str', 'num', 'const', 'seq', 'dict', 'concat']);

/**
 * What runs before every request of an app or blueprint and can turn it away: `before_request` hooks and URL
 * value preprocessors (the `app_` forms of a blueprint run for the whole app).
 */
const HOOK_REGISTRARS = new Set([
  'before_request',
  'before_app_request',
  'url_value_preprocessor',
  'app_url_value_preprocessor',
]);
const APP_WIDE_HOOKS = new Set(['before_app_request', 'app_url_value_preprocessor']);

export class FlaskModel {
  private readonly registrations = new Map<string, Registration[]>();
  private readonly hooks = new Map<string, HookRef[]>();
  private readonly apiBindings = new Map<string, Inst[]>();
  /** Decorators assigned to an Api instance (`api.decorators = [...]`), by Api key. */
  private readonly apiDecoratorAssigns = new Map<string, { expr: Expr; scope: Scope; source: string }>();
  private readonly nsBindings = new Map<string, { api: Inst; path?: string }[]>();
  /** Flask-AppBuilder: the apps an AppBuilder is bound to, and the views registered on it. */
  private readonly fabBindings = new Map<string, Inst[]>();
  private readonly pendingFabViews: { builder: Inst; cls: ClassIR; endpoint?: string; api: boolean }[] = [];
  private readonly classAttrAssigns = new Map<ClassIR, Record<string, { value: Expr; scope: Scope }>>();
  private readonly mountCache = new Map<string, Mount[]>();
  /**
   * Apps mounted by WSGI middleware, by app key: the URL prefixes each serves at (null: the root), with the function
   * whose call made the app there.
   */
  private readonly dispatched = new Map<string, { prefix: string | null; via?: FunctionIR }[]>();
  private readonly classScopes = new Set<Scope>();
  private readonly pendingResources: {
    holder: Inst;
    cls: ClassIR;
    urls: string[];
    endpoint?: string;
    viaNamespace: boolean;
    extraPrefix?: string;
    extraDecorators?: { expr: Expr; scope: Scope; source: string };
    /** The `add_resource` call that registered it, to name where the Api is bound to no app. */
    site?: { call: CallExpr; file: string; line: number; what: string };
  }[] = [];
  readonly routes: ModelRoute[] = [];
  /** Problems with OpenAPI documents referenced by connexion apps, and frameworks imported but not modelled. */
  readonly specNotices: Notice[] = [];
  private readonly pendingRoutes: {
    owner: Inst;
    rule: string;
    endpoint: string;
    base: Omit<ModelRoute, 'path' | 'endpoint' | 'app' | 'hooks' | 'mount'>;
    viewHooks?: HookRef[];
  }[] = [];
  /** Flask-Classful registrations: the view class, where it is registered, and the registration's own settings. */
  private readonly pendingRoutingViews: {
    owner: Inst;
    cls: ClassIR;
    view: RoutingView;
    options: Record<string, { value: Expr; scope: Scope }>;
  }[] = [];
  /** Hooks of a view class that run before its method (Flask-Classful's `before_request`), by route. */
  private readonly viewHooks = new Map<ModelRoute, HookRef[]>();
  /** Route registrations the model could not follow, in file and line order: their routes are missing. */
  readonly unfollowed: Notice[] = [];
  /** Registrations not followed so far, by call (another call site of their function may still resolve them). */
  private readonly pendingUnfollowed = new Map<CallExpr, { file: string; line: number; why: string }>();
  private readonly followedCalls = new Set<CallExpr>();
  private readonly routeKeys = new Set<string>();
  private readonly routeMounts = new Map<ModelRoute, Mount>();
  /** Every before_request hook found, for hook rules. */
  readonly allHooks: HookRef[] = [];
  /** Auth extensions instantiated in the tree (JWTManager, LoginManager, HTTPTokenAuth…). */
  readonly authExtensions: Inst[] = [];
  /** Apps that always set Flask-Login's `LOGIN_DISABLED` (app key → `file:line`): `login_required` does nothing. */
  readonly loginDisabled = new Map<string, string>();

  constructor(
    private readonly project: Project,
    private readonly auth: AuthAnalyzer,
    /** Reads a non-Python file of the scanned tree (OpenAPI documents of connexion apps). */
    private readonly readFile: (path: string) => string | undefined = () => undefined,
    /** Where the work on one file fails, that work is left out and recorded here; the rest carries on. */
    private readonly failures: Failures = new Failures(),
  ) {}

  build(): this {
    for (const m of this.project.modules) for (const c of m.allClasses) this.classScopes.add(c.scope);
    this.collectStatements();
    this.collectDispatchers();
    for (const m of this.project.modules) {
      for (const fn of m.allFunctions) {
        if (fn.decorators.length)
          this.inEachCall(fn.scope.parent ?? fn.scope, () => this.collectHookDecorators(fn));
      }
    }
    for (const m of this.project.modules) {
      for (const fn of m.allFunctions) {
        if (fn.decorators.length)
          this.inEachCall(fn.scope.parent ?? fn.scope, () => this.collectDecoratedFunction(fn));
      }
      for (const cls of m.allClasses) {
        if (cls.decorators.length)
          this.inEachCall(cls.scope.parent ?? cls.scope, () => this.collectDecoratedClass(cls));
      }
    }
    this.collectApiResources();
    this.expandFabViews();
    this.expandRoutingViews();
    this.collectLoginDisabled();
    this.mountRoutes();
    this.reportUnfollowed();
    // Hooks apply wherever they are registered in the source: resolve them once everything is collected.
    for (const [route, mount] of this.routeMounts)
      this.failures.attempt(
        route.file,
        'modelling',
        undefined,
        () => (route.hooks = [...this.hooksFor(mount), ...(this.viewHooks.get(route) ?? [])]),
      );
    for (const inst of this.project.allInstances()) {
      if (AUTH_EXTENSIONS.has(inst.qn)) this.authExtensions.push(inst);
    }
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // Statements: registrations, hooks, add_url_rule, Api bindings, class attribute assignments.

  private readonly siteCache = new Map<FunctionIR, { call: CallExpr; scope: Scope }[]>();

  /**
   * Run `body` once per call of the nearest enclosing function that is called from several places
   * (`register_api(UserAPI, '/users/')`, `register_api(GroupAPI, '/groups/')`), with its parameters bound
   * to that call's arguments; otherwise once. `idempotent`: running `body` again with the same values changes
   * nothing (Project.forEachSite).
   */
  private inEachCall(scope: Scope, body: () => void, idempotent = false): void {
    // Each unit of work on a file (a scope's statements, a decorated function) is confined to that file.
    this.failures.attempt(scope.module.file, 'modelling', undefined, () =>
      this.eachCallOf(scope, body, idempotent),
    );
  }

  private eachCallOf(scope: Scope, body: () => void, idempotent: boolean, hops = 0): void {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (!s.owner || !s.params.size) continue;
      const owner = s.owner;
      const sites = this.sitesOf(owner);
      if (sites.length === 1 && hops < MAX_CALL_HOPS && this.reachesSeveralCalls(sites[0]!.scope, hops + 1)) {
        // Called from one place inside a function called from several (`register_blueprints(app, name, path)` in
        // a factory each app package calls): each of those calls, through this one.
        const site = sites[0]!;
        this.project.withBinding(owner, site, () => this.eachCallOf(site.scope, body, idempotent, hops + 1));
        return;
      }
      if (sites.length < 2) continue;
      this.project.forEachSite(owner, sites, body, idempotent);
      return;
    }
    body();
  }

  private sitesOf(fn: FunctionIR): { call: CallExpr; scope: Scope }[] {
    let sites = this.siteCache.get(fn);
    if (!sites) {
      sites = this.project.callSitesOf(fn);
      this.siteCache.set(fn, sites);
    }
    return sites;
  }

  /** Whether a chain of single calls from `scope` leads to a function with parameters called from several places. */
  private reachesSeveralCalls(scope: Scope, hops: number): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (!s.owner || !s.params.size) continue;
      const sites = this.sitesOf(s.owner);
      if (sites.length > 1) return true;
      if (sites.length === 1 && hops < MAX_CALL_HOPS)
        return this.reachesSeveralCalls(sites[0]!.scope, hops + 1);
    }
    return false;
  }

  private *scopes(): Generator<Scope> {
    for (const m of this.project.modules) {
      yield m.scope;
      for (const f of m.allFunctions) yield f.scope;
      for (const c of m.allClasses) yield c.scope;
    }
  }

  private collectStatements(): void {
    // Instances created by assignment (`api = Api(app)`, `jwt = JWTManager(app)`) even when never used.
    for (const scope of this.scopes()) {
      // Binding an Api to the same app twice is binding it once. Each call is its own unit of work: in a helper
      // called from many places, only the calls whose values read the helper's parameters are evaluated again
      // for every call of it (Project.forEachSite), not all of them whenever one does.
      this.failures.attempt(scope.module.file, 'modelling', undefined, () => {
        for (const values of scope.assigns.values()) {
          for (const v of values) if (v.k === 'call') this.bindConstructorInEachCall(v, scope);
        }
        for (const stmt of scope.calls) this.bindConstructorInEachCall(stmt.call, scope);
      });
    }
    for (const scope of this.scopes()) {
      for (const ta of scope.targetAssigns) {
        if (ta.target.k !== 'attr' || !['decorators', 'method_decorators'].includes(ta.target.attr)) continue;
        for (const v of this.project.evalExpr(ta.target.obj, scope)) {
          // `api.decorators = [...]` set on an Api after it is made: Flask-RESTful reads the attribute when it
          // registers each resource on the app, so it wraps them all, like `Api(decorators=[...])`.
          if (v.t === 'inst' && API_CLASSES.has(v.qn) && ta.target.attr === 'decorators')
            this.apiDecoratorAssigns.set(v.key, {
              expr: ta.value,
              scope,
              source: exprText(ta.target.obj),
            });
          if (v.t !== 'class') continue;
          const attrs = this.classAttrAssigns.get(v.cls) ?? {};
          attrs[ta.target.attr] = { value: ta.value, scope };
          this.classAttrAssigns.set(v.cls, attrs);
        }
      }
    }
    for (const scope of this.scopes()) {
      this.inEachCall(scope, () => {
        for (const stmt of scope.calls)
          this.project.forEachIteration(stmt.loops ?? [], scope, () =>
            this.collectCall(stmt.call, stmt.span, scope),
          );
      });
    }
  }

  /**
   * `DispatcherMiddleware(frontend, {"/api": api})`, also as `app.wsgi_app = DispatcherMiddleware(app.wsgi_app, …)`:
   * werkzeug hands requests under `/api` to the api app with that prefix moved to SCRIPT_NAME, so each of its
   * routes is served at `/api` + its rule. An app also passed as the root keeps its own URLs as well.
   */
  private collectDispatchers(): void {
    const roots = new Map<string, { prefix: null; via?: FunctionIR }[]>();
    const mounted = new Map<string, { prefix: string; via?: FunctionIR }[]>();
    const apps = (e: Expr, scope: Scope): { app: Inst; via?: FunctionIR }[] => {
      const target = e.k === 'attr' && e.attr === 'wsgi_app' ? e.obj : e;
      const made = target.k === 'call' ? this.project.evalExpr(target.fn, scope) : [];
      const via = made.length === 1 && made[0]!.t === 'func' ? made[0]!.fn : undefined;
      return this.project
        .evalExpr(target, scope)
        .filter((v): v is Inst => v.t === 'inst' && APP_CLASSES.has(v.qn))
        .map((app) => ({ app, via }));
    };
    for (const scope of this.scopes()) {
      const calls = [
        ...scope.calls.map((c) => c.call),
        ...[...scope.assigns.values()].flat(),
        ...scope.targetAssigns.map((t) => t.value),
      ];
      for (const call of calls) {
        if (call.k !== 'call') continue;
        const callee = this.project.evalExpr(call.fn, scope);
        if (!callee.some((v) => v.t === 'ext' && CATALOGUE.dispatchers.has(canonical(v.qn)))) continue;
        const root = call.args[0] ?? call.kw.app;
        for (const { app, via } of root ? apps(root, scope) : [])
          roots.set(app.key, [...(roots.get(app.key) ?? []), { prefix: null, via }]);
        const table = call.args[1] ?? call.kw.mounts;
        const dict = table && this.project.evalDict(table, scope);
        for (const entry of dict?.entries ?? []) {
          const prefix = this.project.evalString(entry.key, dict!.scope);
          if (prefix === undefined) continue;
          for (const { app, via } of apps(entry.value, dict!.scope))
            mounted.set(app.key, [...(mounted.get(app.key) ?? []), { prefix, via }]);
        }
      }
    }
    for (const [key, at] of mounted) this.dispatched.set(key, [...(roots.get(key) ?? []), ...at]);
  }

  /**
   * `app.config["LOGIN_DISABLED"] = True` (or `config.update(LOGIN_DISABLED=True)`) run unconditionally at module
   * level or in a factory: Flask-Login's `login_required` then lets every request through. Assignments under an
   * `if` (a testing switch) do not count.
   */
  private collectLoginDisabled(): void {
    const disable = (appExpr: Expr, scope: Scope, line: number): void => {
      for (const app of this.project.evalExpr(appExpr, scope)) {
        if (app.t === 'inst' && APP_CLASSES.has(app.qn) && !this.loginDisabled.has(app.key))
          this.loginDisabled.set(app.key, `${scope.module.file}:${line}`);
      }
    };
    for (const scope of this.scopes()) {
      if (this.classScopes.has(scope)) continue;
      for (const ta of scope.targetAssigns) {
        const t = ta.target;
        if (ta.conditional || t.k !== 'subscript' || t.obj.k !== 'attr' || t.obj.attr !== 'config') continue;
        if (this.project.evalString(t.index, scope) !== LOGIN_DISABLED) continue;
        if (ta.value.k === 'const' && ta.value.v === true) disable(t.obj.obj, scope, ta.line);
      }
      for (const stmt of scope.calls) {
        const fn = stmt.call.fn;
        if (stmt.conditional || fn.k !== 'attr' || !['update', 'from_mapping'].includes(fn.attr)) continue;
        if (fn.obj.k !== 'attr' || fn.obj.attr !== 'config') continue;
        const value = stmt.call.kw[LOGIN_DISABLED];
        if (value?.k === 'const' && value.v === true) disable(fn.obj.obj, scope, stmt.span.startLine);
      }
    }
  }

  /**
   * bindConstructor for a call of `scope`, at each call of the helper it is in. A call with nothing to bind an Api
   * to (no first argument or `app=`, or a literal there: `opts.get("validation")`) binds nothing at any of them: it
   * is evaluated once, for the instances it makes, not again for every call of the helper.
   */
  private bindConstructorInEachCall(call: CallExpr, scope: Scope): void {
    const target = call.args[0] ?? call.kw.app;
    if (target && !LITERAL_KINDS.has(target.k)) {
      this.eachCallOf(scope, () => this.bindConstructor(call, scope), true);
      return;
    }
    let done = false;
    this.eachCallOf(
      scope,
      () => {
        if (done) return;
        done = true;
        this.bindConstructor(call, scope);
      },
      true,
    );
  }

  /** `Api(app)`, `Api(bp, prefix=…)`: remember which app or blueprint an Api is bound to. */
  private bindConstructor(call: CallExpr, scope: Scope): void {
    for (const v of this.project.evalExpr(call, scope)) {
      if (
        v.t !== 'inst' ||
        !(API_CLASSES.has(v.qn) || BLUEPRINT_APIS.has(v.qn) || VIEW_BUILDERS.has(v.qn) || SOCKETS.has(v.qn))
      )
        continue;
      const target = call.args[0] ?? call.kw.app;
      if (target) this.bindApi(v, target, scope);
    }
  }

  private bindApi(api: Inst, target: Expr, scope: Scope): void {
    const bindings = VIEW_BUILDERS.has(api.qn) ? this.fabBindings : this.apiBindings;
    const list = bindings.get(api.key) ?? [];
    for (const t of this.project.evalExpr(target, scope)) {
      if (t.t === 'inst' && (APP_CLASSES.has(t.qn) || BLUEPRINT_CLASSES.has(t.qn)) && !list.includes(t))
        list.push(t);
    }
    bindings.set(api.key, list);
  }

  private collectCall(call: CallExpr, span: Span, scope: Scope, depth = 0): void {
    const direct = depth < 4 ? this.directCall(call, scope) : undefined;
    if (direct) return this.collectCall(direct, span, scope, depth + 1);
    if (call.fn.k !== 'attr') return;
    const method = call.fn.attr;
    if (method === 'add_url_rule' && buildOnly(call)) return;
    if (ROUTING_REGISTRARS.has(method)) this.addRoutingView(call, span, scope);
    if (method === 'add_url_rule') {
      const view = call.kw.view_func ?? call.args[2];
      const how = !view || (view.k === 'const' && view.v === null) ? ' without a view function' : '';
      this.noteRegistration(
        call,
        call.fn.obj,
        scope,
        span.startLine,
        how ? 'followed' : 'resolved',
        `\`${exprText(call.fn)}(...)\`${how}`,
      );
    }
    if (
      ![
        'register_blueprint',
        'add_url_rule',
        'before_request',
        'before_app_request',
        'url_value_preprocessor',
        'app_url_value_preprocessor',
        'init_app',
        'add_namespace',
        'add_api',
        'add_view',
        'add_view_no_menu',
      ].includes(method)
    ) {
      return;
    }
    const owners = this.project.evalExpr(call.fn.obj, scope);
    // `app.register_blueprint(bp, url_prefix=…)` where `app` is nothing the model can follow: the blueprint is
    // still served under that prefix, on an app it cannot name.
    if (method === 'register_blueprint' && owners.every((o) => o.t === 'unknown'))
      this.addRegistration(undefined, call, scope);
    for (const owner of owners) {
      if (owner.t !== 'inst') continue;
      if (VIEW_BUILDERS.has(owner.qn)) {
        if (method === 'init_app' && (call.args[0] ?? call.kw.app))
          this.bindApi(owner, (call.args[0] ?? call.kw.app)!, scope);
        if (FAB_REGISTRATIONS.has(method)) this.addFabView(owner, call, scope);
        continue;
      }
      switch (method) {
        case 'register_blueprint':
          if (APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn) || BLUEPRINT_APIS.has(owner.qn))
            this.addRegistration(owner, call, scope);
          break;
        case 'add_url_rule':
          if (APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn))
            this.addUrlRule(owner, call, span, scope);
          break;
        case 'before_request':
        case 'before_app_request':
        case 'url_value_preprocessor':
        case 'app_url_value_preprocessor': {
          const target = call.args[0] ?? call.kw.f;
          if (target) this.addHook(owner, target, scope, APP_WIDE_HOOKS.has(method), method);
          break;
        }
        case 'init_app':
          if (API_CLASSES.has(owner.qn) || BLUEPRINT_APIS.has(owner.qn) || SOCKETS.has(owner.qn)) {
            const target = call.args[0] ?? call.kw.app;
            if (target) this.bindApi(owner, target, scope);
          }
          break;
        case 'add_api':
          if (CONNEXION_APPS.has(owner.qn)) this.addConnexionApi(owner, call, scope);
          break;
        case 'add_namespace': {
          if (!API_CLASSES.has(owner.qn) || !call.args[0]) break;
          const path = call.kw.path ?? call.args[1];
          for (const ns of this.project.evalExpr(call.args[0], scope)) {
            if (ns.t !== 'inst' || !NAMESPACE_CLASSES.has(ns.qn)) continue;
            const list = this.nsBindings.get(ns.key) ?? [];
            list.push({ api: owner, path: path ? this.project.evalString(path, scope) : undefined });
            this.nsBindings.set(ns.key, list);
          }
          break;
        }
      }
    }
  }

  /**
   * The registration a call makes when it is written indirectly: `app.route(rule)(view)` is
   * `app.add_url_rule(rule, view_func=view)`, and `register(bp)` after
   * `register = functools.partial(app.register_blueprint, url_prefix="/x")` is the call with the bound arguments.
   */
  private directCall(call: CallExpr, scope: Scope): CallExpr | undefined {
    const fn = call.fn;
    if (fn.k === 'call' && fn.fn.k === 'attr' && fn.fn.attr in ROUTE_METHODS && call.args[0]) {
      const fixed = ROUTE_METHODS[fn.fn.attr];
      const methods: Expr | undefined = fixed
        ? { k: 'seq', items: [{ k: 'str', v: fixed, line: fn.line }], line: fn.line }
        : fn.kw.methods;
      return {
        ...fn,
        fn: { ...fn.fn, attr: 'add_url_rule' },
        kw: { ...fn.kw, view_func: call.args[0], ...(methods ? { methods } : {}) },
      };
    }
    if (fn.k !== 'name') return undefined;
    for (const v of this.project.evalExpr(fn, scope)) {
      if (v.t !== 'extcall' || v.qn !== 'functools.partial' || v.call.args[0]?.k !== 'attr') continue;
      return {
        ...call,
        fn: v.call.args[0],
        args: [...v.call.args.slice(1), ...call.args],
        kw: { ...v.call.kw, ...call.kw },
      };
    }
    return undefined;
  }

  /**
   * connexion: `app.add_api("openapi.yaml", base_path=...)` turns every operation of the document into a route
   * handled by its `operationId`, guarded by the operation's (or the document's) `security`.
   */
  private addConnexionApi(owner: Inst, call: CallExpr, scope: Scope): void {
    const specExpr = call.args[0] ?? call.kw.specification;
    const specName = specExpr ? this.project.evalString(specExpr, scope) : undefined;
    if (!specName) return;
    const dirExpr = owner.call.kw.specification_dir;
    const specDir = (dirExpr && this.project.evalString(dirExpr, owner.scope)) ?? '';
    const moduleDir = owner.scope.module.file.split('/').slice(0, -1).join('/');
    const file = normalisePath([moduleDir, specDir, specName].filter(Boolean).join('/'));
    const text = this.readFile(file);
    const spec = text === undefined ? undefined : parseSpec(text);
    if (!spec) {
      this.specNotices.push({
        file,
        message: `connexion API document '${file}' could not be read as OpenAPI; its routes are missing.`,
      });
      return;
    }
    const baseExpr = call.kw.base_path;
    const basePath = ((baseExpr && this.project.evalString(baseExpr, scope)) ?? spec.basePath).replace(
      /\/$/,
      '',
    );
    for (const op of spec.operations) {
      const requirements = op.security ?? spec.globalSecurity ?? [];
      const guards: AppliedGuard[] = [];
      const usable = requirements.filter((req) => req.length && req.every((name) => spec.schemes.has(name)));
      // An empty requirement (`- {}`) beside others lets anonymous callers in: optional authentication.
      const anonymous = requirements.filter((req) => !req.length).length;
      if (usable.length && usable.length + anonymous === requirements.length) {
        const labels = usable[0]!.map((name) => {
          const scheme = spec.schemes.get(name)!;
          return `openapi security ${name} (${scheme.kind}${scheme.infoFunc ? `, ${scheme.infoFunc}` : ''})`;
        });
        guards.push({
          info: { kind: anonymous ? 'optional' : 'auth', label: labels.join(' + ') },
          label: labels.join(' + '),
          decorator: labels.join(' + '),
        });
      }
      const handlerName =
        op.operationId && op.controller ? `${op.controller}.${op.operationId}` : op.operationId;
      const handler = handlerName ? this.resolveDotted(handlerName) : undefined;
      const specRef = `${file}:${op.line}`;
      this.addRoutes(owner, `${basePath}${op.path}`, handlerName ?? `${op.method.toLowerCase()} ${op.path}`, {
        methods: [op.method],
        file: handler?.scope.module.file ?? file,
        span: handler?.span ?? { startLine: op.line, endLine: op.line },
        viewName: handlerName ?? `${op.method} ${op.path}`,
        guards,
        misplaced: [],
        bodyCheck: handler ? this.auth.rejectsWithoutCredentials(handler) : false,
        bodyOptional: handler ? this.auth.servesAnonymous(handler) : false,
        bodyWeak: handler ? this.auth.weakness(handler) : undefined,
        opaqueView: false,
        marks: [],
        suppressed: handler
          ? suppressionsFor(handler.scope.module, handler.span.startLine, handler.defLine)
          : [],
        specLocation: specRef,
        examples: op.examples,
      });
    }
  }

  /** What a view's own body says about authentication, for its routes. */
  private viewBody(
    fn: FunctionIR,
  ): Pick<ModelRoute, 'bodyCheck' | 'bodyOptional' | 'bodyWeak' | 'rendersPage'> {
    return {
      bodyCheck: this.auth.rejectsWithoutCredentials(fn),
      bodyOptional: this.auth.servesAnonymous(fn),
      bodyWeak: this.auth.weakness(fn),
      rendersPage: rendersTemplate(fn),
    };
  }

  /** `pkg.module.function` or `pkg.models.User.method` to the function in the tree. */
  private resolveDotted(dotted: string): FunctionIR | undefined {
    const parts = dotted.split('.');
    for (let i = parts.length - 1; i > 0; i--) {
      const mod = this.project.findModule(parts.slice(0, i).join('.'));
      if (!mod) continue;
      const rest = parts.slice(i);
      if (rest.length === 1) return mod.scope.functions.get(rest[0]!);
      if (rest.length === 2) {
        const cls = mod.scope.classes.get(rest[0]!);
        const method = cls
          ? [cls, ...this.project.projectBases(cls)].map((c) => c.methods[rest[1]!]).find(Boolean)
          : undefined;
        if (method) return method;
      }
      return undefined;
    }
    return undefined;
  }

  private addRegistration(parent: Inst | undefined, call: CallExpr, scope: Scope): void {
    const bpExpr = call.args[0] ?? call.kw.blueprint;
    if (!bpExpr) return;
    const prefixExpr = call.kw.url_prefix;
    let prefix: string | null | undefined;
    if (prefixExpr) {
      prefix = prefixExpr.k === 'const' && prefixExpr.v === null ? null : this.stringOr(prefixExpr, scope);
    }
    const nameExpr = call.kw.name;
    const name = nameExpr ? this.project.evalString(nameExpr, scope) : undefined;
    const during = this.project.boundSites();
    for (const bp of this.project.evalExpr(bpExpr, scope)) {
      if (bp.t !== 'inst' || !BLUEPRINT_CLASSES.has(bp.qn) || bp === parent) continue;
      const list = this.registrations.get(bp.key) ?? [];
      const same = list.find((r) => r.parent === parent && r.prefix === prefix && r.name === name);
      if (same) same.during.push(...during.filter((d) => !same.during.some((x) => x.call === d.call)));
      else list.push({ parent, prefix, name, during });
      this.registrations.set(bp.key, list);
    }
  }

  private addHook(owner: Inst, target: Expr, scope: Scope, appWide: boolean, kind: string): void {
    if (!APP_CLASSES.has(owner.qn) && !BLUEPRINT_CLASSES.has(owner.qn)) return;
    for (const v of this.project.evalExpr(target, scope)) {
      if (v.t !== 'func') continue;
      let analysis = this.auth.analyzeHook(v.fn);
      // `@bp.before_request` over `@login_required` / `@jwt_required()` on an empty function guards the blueprint.
      const guard = v.fn.decorators
        .filter((d) => !(d.expr.k === 'attr' && HOOK_REGISTRARS.has(d.expr.attr)))
        .map((d) => this.auth.classifyDecorator(d.expr, v.fn.scope.parent ?? v.fn.scope))
        .find((g) => g.kind === 'auth');
      const byGuardOnly = !!guard && !analysis.verifies;
      if (guard && !analysis.verifies)
        analysis = { fn: analysis.fn, allow: analysis.allow, verifies: true, failsOpen: false };
      const ref: HookRef = {
        owner,
        fn: v.fn,
        analysis,
        label: `${kind} ${v.fn.name}${guard ? ` (${guard.label})` : ''}`,
        appWide,
        ...(byGuardOnly && guard.flaskLogin ? { flaskLogin: true } : {}),
      };
      if (this.allHooks.some((h) => h.fn === ref.fn && h.owner === owner)) continue;
      const list = this.hooks.get(owner.key) ?? [];
      list.push(ref);
      this.hooks.set(owner.key, list);
      this.allHooks.push(ref);
    }
  }

  /**
   * A string; where parts of it exist only at run time, those parts as placeholders: `<config:KEY>` for a
   * setting, `<env:NAME>` for an environment variable, `<dynamic:name>` for any other variable, `<dynamic>`.
   */
  private stringOr(e: Expr, scope: Scope, depth = 0): string {
    const known = this.project.evalString(e, scope);
    if (known !== undefined) return known;
    if (depth > 6) return '<dynamic>';
    const setting = runtimeSetting(e, (x) => this.project.evalString(x, scope));
    if (setting) return setting;
    switch (e.k) {
      case 'concat':
        return e.parts.map((p) => this.stringOr(p, scope, depth + 1)).join('');
      case 'name': {
        // `PREFIX = app.config["API_PREFIX"]`: the one value the name is given.
        const assigned = assignedExprs(e.id, scope);
        if (assigned.length === 1 && assigned[0]!.expr.k !== 'item')
          return this.stringOr(assigned[0]!.expr, assigned[0]!.scope, depth + 1);
        return `<dynamic:${e.id}>`;
      }
      case 'attr':
        return `<dynamic:${exprText(e)}>`;
      default:
        return '<dynamic>';
    }
  }

  // -------------------------------------------------------------------------------------------
  // Routes.

  private isMethod(fn: FunctionIR): boolean {
    return !!fn.scope.parent && this.classScopes.has(fn.scope.parent);
  }

  /** Request hooks written as decorators. */
  private collectHookDecorators(fn: FunctionIR): void {
    const scope = fn.scope.parent ?? fn.scope;
    for (const d of fn.decorators) {
      if (d.expr.k !== 'attr' || !HOOK_REGISTRARS.has(d.expr.attr)) continue;
      for (const owner of this.project.evalExpr(d.expr.obj, scope)) {
        if (owner.t === 'inst') {
          this.addHook(
            owner,
            { k: 'name', id: fn.name, line: fn.defLine },
            scope,
            APP_WIDE_HOOKS.has(d.expr.attr),
            d.expr.attr,
          );
        }
      }
    }
  }

  private collectDecoratedFunction(fn: FunctionIR): void {
    const scope = fn.scope.parent ?? fn.scope;
    fn.decorators.forEach((d, i) => {
      const call = d.expr;
      if (call.k === 'call' && !this.isRouteDecorator(call)) this.collectRouteFactory(fn, i, call, scope);
      if (call.k !== 'call' || call.fn.k !== 'attr' || !(call.fn.attr in ROUTE_METHODS)) return;
      if (this.isMethod(fn)) {
        this.noteClassRoute(fn, call, scope, d.line);
        return;
      }
      this.noteRegistration(
        call,
        call.fn.obj,
        scope,
        d.line,
        'resolved',
        `\`@${exprText(call)}\` on \`${fn.name}\``,
      );
      const fixed = ROUTE_METHODS[call.fn.attr];
      for (const owner of this.project.evalExpr(call.fn.obj, scope)) {
        if (owner.t !== 'inst') continue;
        const sockets = SOCKETS.has(owner.qn) && call.fn.attr === 'route';
        if (!(APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn) || sockets)) continue;
        const ruleExpr = call.args[0] ?? call.kw.rule;
        if (!ruleExpr) continue;
        const rule = this.stringOr(ruleExpr, scope);
        const methods = fixed ? [fixed] : sockets ? ['GET'] : this.methodsOf(call.kw.methods, scope);
        const below = fn.decorators.slice(i + 1).filter((x) => !this.isRouteDecorator(x.expr));
        const above = fn.decorators.slice(0, i).filter((x) => !this.isRouteDecorator(x.expr));
        const endpoint = call.kw.endpoint ? this.stringOr(call.kw.endpoint, scope) : fn.name;
        const guards = below.map((x) => this.applied(x.expr, scope, exprText(x.expr)));
        const misplaced = above
          .map((x) => this.applied(x.expr, scope, exprText(x.expr)))
          .filter((g) => g.info.kind === 'auth' || g.info.kind === 'optional');
        this.addRoutes(owner, rule, endpoint, {
          methods,
          file: fn.scope.module.file,
          span: fn.span,
          viewName: fn.name,
          guards,
          misplaced,
          ...this.viewBody(fn),
          opaqueView: false,
          // `view.is_public = True` after the def marks the registered view when the route decorator is the outermost.
          marks: [...guards.flatMap((g) => g.info.marks ?? []), ...(i === 0 ? assignedMarks(fn) : [])],
          suppressed: suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine),
        });
      }
    });
  }

  /**
   * A project decorator factory that registers the function it decorates (`@route(bp, "/x", methods=[…])`
   * where `route` returns a decorator whose body declares `@bp.route(*args, **kwargs)` over a wrapper, or
   * calls `bp.add_url_rule(rule, view_func=f)`): the route of the decorated function, with the factory's
   * arguments, the guards the factory wraps it in and the decorators written below it.
   */
  private collectRouteFactory(fn: FunctionIR, index: number, call: CallExpr, scope: Scope): void {
    for (const v of this.project.evalExpr(call.fn, scope)) {
      if (v.t !== 'func' || this.isMethod(v.fn)) continue;
      const factory = v.fn;
      const inner = factory.facts.returnedNames
        .map((n) => factory.scope.functions.get(n))
        .find((f): f is FunctionIR => !!f && f.params.length > 0);
      if (!inner) continue;
      const site = { call: forwarded(call, factory, (e) => this.literalIn(e, scope)), scope };
      const viewArg: Expr = { k: 'name', id: fn.name, line: fn.defLine };
      const applied = { call: { ...call, fn: call, args: [viewArg], kw: {} }, scope };
      const own = fn.decorators
        .slice(index + 1)
        .filter((x) => !this.isRouteDecorator(x.expr))
        .map((x) => this.applied(x.expr, scope, exprText(x.expr)));
      this.project.withBinding(factory, site, () =>
        this.project.withBinding(inner, applied, () => {
          for (const wrapper of inner.scope.functions.values())
            this.addFactoryRoutes(fn, wrapper, inner.scope, own, site.call, factory);
          for (const stmt of inner.scope.calls) {
            const c = stmt.call;
            if (c.fn.k !== 'attr' || c.fn.attr !== 'add_url_rule') continue;
            const direct = forwarded(c, factory, () => undefined, site.call);
            for (const owner of this.project.evalExpr(c.fn.obj, inner.scope)) {
              if (owner.t === 'inst' && (APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn)))
                this.addUrlRule(owner, direct, stmt.span, inner.scope, own);
            }
          }
        }),
      );
    }
  }

  /** The route a factory's wrapper declares (`@bp.route(*args, **kwargs)`), located at the decorated function. */
  private addFactoryRoutes(
    fn: FunctionIR,
    wrapper: FunctionIR,
    scope: Scope,
    own: AppliedGuard[],
    site: CallExpr,
    factory: FunctionIR,
  ): void {
    wrapper.decorators.forEach((d, i) => {
      if (d.expr.k !== 'call' || !this.isRouteDecorator(d.expr) || d.expr.fn.k !== 'attr') return;
      const route = forwarded(d.expr, factory, () => undefined, site);
      const fixed = ROUTE_METHODS[d.expr.fn.attr];
      const ruleExpr = route.args[0] ?? route.kw.rule;
      if (!ruleExpr) return;
      for (const owner of this.project.evalExpr(d.expr.fn.obj, scope)) {
        if (owner.t !== 'inst' || !(APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn))) continue;
        const guards = [
          ...wrapper.decorators
            .slice(i + 1)
            .filter((x) => !this.isRouteDecorator(x.expr))
            .map((x) => this.applied(x.expr, scope, exprText(x.expr))),
          ...own,
        ];
        this.addRoutes(owner, this.stringOr(ruleExpr, scope), fn.name, {
          methods: fixed ? [fixed] : this.methodsOf(route.kw.methods, scope),
          file: fn.scope.module.file,
          span: fn.span,
          viewName: fn.name,
          guards,
          misplaced: [],
          ...this.viewBody(fn),
          opaqueView: false,
          marks: guards.flatMap((g) => g.info.marks ?? []),
          suppressed: suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine),
        });
      }
    });
  }

  /**
   * `target.add_url_rule(rule, view_func=view, **options)` inside `register(target, rule, view, **options)`: the
   * keywords of the call being evaluated (`methods=["POST"]`), as literals, where the call does not set them.
   */
  private withForwardedKeywords(call: CallExpr, scope: Scope): CallExpr {
    const owner = scope.owner;
    if (!owner) return call;
    let kw = call.kw;
    for (const a of call.args) {
      const star = a.k === 'other' ? /^\*\*\s*(\w+)$/.exec(a.text) : null;
      if (!star || !owner.params.includes(star[1]!)) continue;
      const sites = this.project.boundSite(owner) ?? this.project.callSitesOf(owner);
      const site = Array.isArray(sites) ? (sites.length === 1 ? sites[0] : undefined) : sites;
      if (!site) continue;
      for (const [k, v] of Object.entries(site.call.kw)) {
        if (k in kw || owner.params.includes(k)) continue;
        kw = { ...kw, [k]: this.literalIn(v, site.scope) ?? v };
      }
    }
    return kw === call.kw ? call : { ...call, kw };
  }

  /** A string or list of strings as the literal it evaluates to, so that it reads the same in any scope. */
  private literalIn(e: Expr, scope: Scope): Expr | undefined {
    const s = this.project.evalString(e, scope);
    if (s !== undefined) return { k: 'str', v: s, line: e.line };
    const list = this.project.evalStrings(e, scope);
    return list
      ? { k: 'seq', items: list.map((v) => ({ k: 'str', v, line: e.line })), line: e.line }
      : undefined;
  }

  /**
   * A route registration on `owner`. `resolved`: the model follows it when the owner is a Flask app or blueprint;
   * `followed`: the model does not follow it at all (a call form, no view function), so it is noted whenever the
   * owner is one. Either way it is noted when the owner cannot be told (a parameter never bound, an attribute of
   * an unknown object) — unless another evaluation of the same call (another call site of its function) follows it.
   */
  private noteRegistration(
    call: CallExpr,
    owner: Expr,
    scope: Scope,
    line: number,
    model: 'resolved' | 'followed',
    what: string,
    /** What the owner must be for the registration to be followed: a Flask app or blueprint, unless said. */
    registrar: Registrar = FLASK_REGISTRAR,
  ): void {
    if (this.followedCalls.has(call)) return;
    const values = this.project.evalExpr(owner, scope);
    const flask = values.some(registrar.is);
    if (flask && model === 'resolved') {
      this.followedCalls.add(call);
      this.pendingUnfollowed.delete(call);
    } else if (flask) {
      this.pendingUnfollowed.set(call, {
        file: scope.module.file,
        line,
        why: `${what}, which the model does not follow`,
      });
    } else if (values.length && values.every(opaqueOwner) && !this.pendingUnfollowed.has(call)) {
      this.pendingUnfollowed.set(call, {
        file: scope.module.file,
        line,
        why: `${what}, on \`${exprText(owner)}\`, which the model cannot resolve to ${registrar.what}`,
      });
    }
  }

  /** One notice per registration not followed, when the tree has a Flask app or blueprint at all. */
  private reportUnfollowed(): void {
    const flaskTree = this.project
      .allInstances()
      .some((i) => APP_CLASSES.has(i.qn) || BLUEPRINT_CLASSES.has(i.qn));
    if (!flaskTree) return;
    const order = new Map(this.project.modules.map((m, i) => [m.file, i]));
    const pending = [...this.pendingUnfollowed.values()].sort(
      (a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line,
    );
    for (const p of pending)
      this.unfollowed.push({
        file: p.file,
        message: `line ${p.line}: ${p.why}; its routes are missing from the report.`,
      });
  }

  /**
   * `@BlueprintPlugin.route("/backup", methods=["POST"])` on a method: a framework's own way of declaring a route
   * (it records the rule on the function and registers it later), which the model does not follow. Said, with the
   * line, rather than the route silently missing.
   */
  private noteClassRoute(fn: FunctionIR, call: CallExpr, scope: Scope, line: number): void {
    if (call.fn.k !== 'attr') return;
    const rule = call.args[0] ?? call.kw.rule;
    if (!rule || !this.project.evalString(rule, scope)?.startsWith('/')) return;
    if (!this.project.evalExpr(call.fn.obj, scope).some((v) => v.t === 'class')) return;
    this.pendingUnfollowed.set(call, {
      file: scope.module.file,
      line,
      why: `\`@${exprText(call)}\` on the method \`${fn.name}\` declares a route through a class the model does not follow`,
    });
  }

  private isRouteDecorator(e: Expr): boolean {
    return e.k === 'call' && e.fn.k === 'attr' && e.fn.attr in ROUTE_METHODS;
  }

  private methodsOf(e: Expr | undefined, scope: Scope): string[] {
    if (!e) return ['GET'];
    const list = this.project.evalStrings(e, scope);
    if (!list) return ['GET'];
    const out = [...new Set(list.map((m) => m.toUpperCase()))].filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    return out.length ? out.sort() : ['GET'];
  }

  private applied(expr: Expr, scope: Scope, label: string): AppliedGuard {
    return { info: this.auth.classifyDecorator(expr, scope), label, decorator: exprText(expr) };
  }

  private addUrlRule(
    owner: Inst,
    call: CallExpr,
    span: Span,
    scope: Scope,
    /** Guards a registration helper applies to the view it registers (a decorator factory's own decorators). */
    extra: AppliedGuard[] = [],
  ): void {
    call = this.withForwardedKeywords(call, scope);
    const ruleExpr = call.args[0] ?? call.kw.rule;
    if (!ruleExpr || buildOnly(call)) return;
    const rule = this.stringOr(ruleExpr, scope);
    const endpointExpr = call.kw.endpoint ?? call.args[1];
    const viewExpr = call.kw.view_func ?? call.args[2];
    if (!viewExpr || (viewExpr.k === 'const' && viewExpr.v === null)) return;
    const file = scope.module.file;
    const views = this.resolveView(viewExpr, scope);
    const suppressed = suppressionsFor(scope.module, span.startLine, span.startLine);
    const endpoint = endpointExpr ? this.stringOr(endpointExpr, scope) : undefined;
    if (!views.length && this.addHandlerClassRoutes(owner, rule, endpoint, call, scope, extra, suppressed))
      return;
    if (!views.length) {
      this.addRoutes(owner, rule, endpointExpr ? this.stringOr(endpointExpr, scope) : exprText(viewExpr), {
        methods: this.methodsOf(call.kw.methods, scope),
        file,
        span,
        viewName: exprText(viewExpr),
        guards: [],
        misplaced: [],
        bodyCheck: false,
        bodyOptional: false,
        opaqueView: true,
        marks: [],
        suppressed,
      });
      return;
    }
    for (const view of views) {
      const wrapperGuards = [
        ...view.wrappers.map((w) => this.applied(w.expr, w.scope, this.wrapperLabel(w))),
        ...extra,
      ];
      if (view.fn) {
        const fn = view.fn;
        const guards = [
          ...wrapperGuards,
          ...fn.decorators
            .filter((d) => !this.isRouteDecorator(d.expr))
            .map((d) => this.applied(d.expr, fn.scope.parent ?? fn.scope, exprText(d.expr))),
        ];
        this.addRoutes(owner, rule, endpointExpr ? this.stringOr(endpointExpr, scope) : fn.name, {
          methods: this.methodsOf(call.kw.methods, scope),
          file: fn.scope.module.file,
          span: fn.span,
          viewName: fn.name,
          guards,
          misplaced: [],
          ...this.viewBody(fn),
          opaqueView: false,
          marks: [
            ...guards.flatMap((g) => g.info.marks ?? []),
            ...(view.wrappers.length ? [] : assignedMarks(fn)),
          ],
          suppressed: [...suppressed, ...suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine)],
        });
      } else if (view.cls) {
        const endpoint = endpointExpr ? this.stringOr(endpointExpr, scope) : (view.viewName ?? view.cls.name);
        this.addClassRoutes(
          owner,
          rule,
          endpoint,
          view.cls,
          wrapperGuards,
          call.kw.methods ? this.methodsOf(call.kw.methods, scope) : undefined,
        );
      }
    }
  }

  /**
   * A class handed to `add_url_rule` of a blueprint whose own class turns it into a view (`view_func =
   * make_view(view_func)`, the view calling `cls().handle()` per request): one route judged as Python runs it —
   * protected when the entry method, run on an object of that class, reaches a method that rejects requests without
   * credentials; otherwise by the method that answers. False when the view is no such class.
   */
  private addHandlerClassRoutes(
    owner: Inst,
    rule: string,
    endpoint: string | undefined,
    call: CallExpr,
    scope: Scope,
    extra: AppliedGuard[],
    suppressed: string[],
  ): boolean {
    const registrar = owner.cls ? this.project.methodOf(owner.cls, 'add_url_rule') : undefined;
    const viewExpr = call.kw.view_func ?? call.args[2];
    if (!registrar || !viewExpr) return false;
    let added = false;
    for (const v of this.project.evalExpr(viewExpr, scope)) {
      if (v.t !== 'class') continue;
      const entry = instanceEntry(this.project, registrar, v.cls);
      if (!entry) continue;
      const cls = v.cls;
      const rejecting = this.auth.rejectingMethod(entry, cls);
      const guards = [...extra];
      if (rejecting) {
        const { method, when } = rejecting;
        const label =
          `${this.project.classOfMethod(method)?.name}.${method.name} (run by ${cls.name}.${entry.name}` +
          `${when.length ? `, when ${when.map((w) => `\`${w}\``).join(' and ')}` : ''})`;
        guards.push({ info: { kind: 'auth', label }, label, decorator: label, method: true });
      }
      const answer = answeringMethod(this.project, entry, cls);
      this.addRoutes(owner, rule, endpoint ?? cls.name, {
        methods: this.methodsOf(call.kw.methods, scope),
        file: answer.scope.module.file,
        span: answer.span,
        viewName: `${cls.name}.${answer.name}`,
        guards,
        misplaced: [],
        ...this.viewBody(answer),
        opaqueView: false,
        viewClass: `${cls.scope.module.file}:${cls.name}`,
        marks: guards.flatMap((g) => g.info.marks ?? []),
        suppressed: [...suppressed, ...suppressionsFor(cls.scope.module, cls.span.startLine, cls.defLine)],
      });
      added = true;
    }
    return added;
  }

  /** A wrapper by what it is: `login_required` for the loop variable `d` over `decorators=[login_required]`. */
  private wrapperLabel(w: { expr: Expr; scope: Scope }): string {
    const text = exprText(w.expr);
    if (w.expr.k !== 'name') return text;
    const names = [
      ...new Set(
        this.project
          .evalExpr(w.expr, w.scope)
          .flatMap((v) => (v.t === 'ext' ? [v.qn.split('.').pop()!] : v.t === 'func' ? [v.fn.name] : [])),
      ),
    ];
    return names.length ? names.join(' / ') : text;
  }

  /** What a `view_func` stands for: a function, a class view (`Cls.as_view(...)`), possibly wrapped in decorators. */
  private resolveView(e: Expr, scope: Scope, depth = 0): ViewRef[] {
    if (depth > 6) return [];
    if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'as_view') {
      return this.project.evalExpr(e.fn.obj, scope).flatMap((v) => {
        if (v.t !== 'class') return [];
        const nameExpr = e.args[0] ?? e.kw.name;
        const viewName = nameExpr ? this.project.evalString(nameExpr, scope) : undefined;
        return [{ cls: v.cls, viewName, wrappers: [] }];
      });
    }
    // `jwt_required()(view)`, and wrappers that take options (`protect(view, roles=["admin"])`).
    if (e.k === 'call' && e.args.length >= 1 && e.args[0]!.k !== 'other') {
      const inner = this.resolveView(e.args[0]!, scope, depth + 1);
      if (inner.length)
        return inner.map((v) => ({ ...v, wrappers: [...this.wrappersOf(e.fn, scope), ...v.wrappers] }));
    }
    const out: ViewRef[] = [];
    for (const v of this.project.evalExpr(e, scope)) {
      if (v.t === 'func') out.push({ fn: v.fn, wrappers: [] });
    }
    if (!out.length && e.k === 'name') {
      // A helper's parameter bound to what its caller handed it (`view_func=Cls.as_view("name")`), or
      // `view = jwt_required()(handler)` stored in a variable.
      const bound = this.project.boundArgument(e.id, scope);
      if (bound) out.push(...this.resolveView(bound.expr, bound.scope, depth + 1));
      else
        for (const s of assignedExprs(e.id, scope)) out.push(...this.resolveView(s.expr, s.scope, depth + 1));
    }
    if (e.k === 'name' && out.length) {
      // `for decorator in decorators: view = decorator(view)`: the view a helper registers is the one it was
      // handed, wrapped in place by every such assignment.
      const wrappers = assignedExprs(e.id, scope)
        .filter(
          (s) =>
            s.expr.k === 'call' &&
            s.expr.args.length === 1 &&
            s.expr.args[0]!.k === 'name' &&
            s.expr.args[0]!.id === e.id,
        )
        .flatMap((s) => (s.expr.k === 'call' ? this.wrappersOf(s.expr.fn, s.scope) : []))
        .reverse();
      if (wrappers.length) return out.map((v) => ({ ...v, wrappers: [...wrappers, ...v.wrappers] }));
    }
    return out;
  }

  /** A wrapping decorator, or each decorator of the list a loop variable runs over (`for d in decorators`). */
  private wrappersOf(fn: Expr, scope: Scope): { expr: Expr; scope: Scope }[] {
    if (fn.k === 'name') {
      const loopItem = assignedExprs(fn.id, scope).find((s) => s.expr.k === 'item' && !s.expr.path);
      if (loopItem && loopItem.expr.k === 'item') {
        const items = this.project.iterate(loopItem.expr.of, loopItem.scope);
        if (items) return items;
      }
    }
    return [{ expr: fn, scope }];
  }

  private collectDecoratedClass(cls: ClassIR): void {
    const scope = cls.scope.parent ?? cls.scope;
    for (const d of cls.decorators) {
      const call = d.expr;
      this.collectRegisteringDecorator(cls, call, scope, d.line);
      if (call.k !== 'call' || call.fn.k !== 'attr') continue;
      const attr = call.fn.attr;
      if (attr !== 'route' && attr !== 'resource') continue;
      for (const owner of this.project.evalExpr(call.fn.obj, scope)) {
        const urls = call.args.map((a) => this.stringOr(a, scope));
        const endpoint = call.kw.endpoint ? this.stringOr(call.kw.endpoint, scope) : undefined;
        if (owner.t === 'inst' && NAMESPACE_CLASSES.has(owner.qn)) {
          this.pendingResources.push({ holder: owner, cls, urls, endpoint, viaNamespace: true });
        } else if (owner.t === 'inst' && API_CLASSES.has(owner.qn)) {
          this.pendingResources.push({ holder: owner, cls, urls, endpoint, viaNamespace: false });
        } else if (owner.t === 'boundcall' && owner.attr === 'namespace' && API_CLASSES.has(owner.inst.qn)) {
          const nsName = owner.call.args[0]
            ? this.project.evalString(owner.call.args[0], owner.scope)
            : undefined;
          const nsPath = owner.call.kw.path
            ? this.project.evalString(owner.call.kw.path, owner.scope)
            : undefined;
          const decorators = owner.call.kw.decorators
            ? { expr: owner.call.kw.decorators, scope: owner.scope, source: exprText(owner.call.fn) }
            : undefined;
          this.pendingResources.push({
            holder: owner.inst,
            cls,
            urls,
            endpoint,
            viaNamespace: false,
            extraPrefix: nsPath ?? (nsName ? `/${nsName}` : ''),
            extraDecorators: decorators,
          });
        } else if (owner.t === 'inst' && BLUEPRINT_CLASSES.has(owner.qn) && attr === 'route') {
          // flask-smorest: `@blp.route('/x')` on a MethodView.
          for (const url of urls) this.addClassRoutes(owner, url, endpoint ?? cls.name, cls, []);
        }
      }
    }
  }

  /**
   * A project class decorator that registers the class it receives with a resource API, as Python runs it:
   * `@resource("/a", "/b")` calls `resource(*urls, **kwargs)`, whose returned wrapper is then called with the class
   * and runs `api.add_resource(cls, *urls, **kwargs)`; a bare `@register` is that wrapper itself. The resource is
   * registered with the decorator's arguments written out where the factory spreads them.
   */
  private collectRegisteringDecorator(cls: ClassIR, expr: Expr, scope: Scope, line: number): void {
    const call = expr.k === 'call' ? expr : undefined;
    for (const v of this.project.evalExpr(call ? call.fn : expr, scope)) {
      if (v.t !== 'func' || this.isMethod(v.fn)) continue;
      const factory = call ? v.fn : undefined;
      const wrapper = factory
        ? factory.facts.returnedNames
            .map((n) => factory.scope.functions.get(n))
            .find((f): f is FunctionIR => !!f && f.params.length > 0)
        : v.fn;
      const received = wrapper?.params[0];
      if (!wrapper || !received) continue;
      const registrations = wrapper.scope.calls.filter(
        (s) =>
          s.call.fn.k === 'attr' &&
          s.call.fn.attr === 'add_resource' &&
          s.call.args[0]?.k === 'name' &&
          s.call.args[0].id === received,
      );
      if (!registrations.length) continue;
      const classArg: Expr = { k: 'name', id: cls.name, line: cls.defLine };
      const applied = {
        call: { k: 'call' as const, fn: expr, args: [classArg], kw: {}, line, col: 0 },
        scope,
      };
      const site = call && factory ? forwarded(call, factory, (e) => this.literalIn(e, scope)) : undefined;
      const register = (): void =>
        this.project.withBinding(wrapper, applied, () => {
          for (const stmt of registrations) {
            const c = site && factory ? forwarded(stmt.call, factory, () => undefined, site) : stmt.call;
            if (c.fn.k !== 'attr') continue;
            this.noteRegistration(
              stmt.call,
              c.fn.obj,
              wrapper.scope,
              line,
              'resolved',
              `\`@${exprText(expr)}\` on the class \`${cls.name}\` calls \`${exprText(c.fn)}(...)\``,
              RESOURCE_REGISTRAR,
            );
            this.addResource(c, wrapper.scope, {
              call: stmt.call,
              file: scope.module.file,
              line,
              what: `\`@${exprText(expr)}\` on the class \`${cls.name}\` calls \`${exprText(c.fn)}(...)\``,
            });
          }
        });
      if (site && factory) this.project.withBinding(factory, { call: site, scope }, register);
      else register();
    }
  }

  /**
   * For a tree where no route is found (the caller decides; a tree analysed in groups is judged whole): the
   * frameworks it imports whose views may be registered in ways we do not follow, each with a notice at the
   * first module importing it.
   */
  unmodelledFrameworks(): { framework: string; notice: Notice }[] {
    const out: { framework: string; notice: Notice }[] = [];
    for (const m of this.project.modules) {
      const scopes = [m.scope, ...m.allFunctions.map((f) => f.scope)];
      for (const imp of scopes.flatMap((sc) => [...sc.imports.values()])) {
        const top = imp.module.split('.')[0]!;
        const name = CATALOGUE.unfollowedViews.get(top);
        if (!name || out.some((u) => u.framework === top)) continue;
        out.push({
          framework: top,
          notice: {
            file: m.file,
            message: `imports ${name}, but no route registered through it could be followed; its views are missing from the model.`,
          },
        });
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Flask-AppBuilder views and APIs.

  /** `appbuilder.add_view(View, "Name")`, `add_view(View())`, `add_view_no_menu(View, endpoint=…)`, `add_api(Api)`. */
  private addFabView(builder: Inst, call: CallExpr, scope: Scope): void {
    if (call.fn.k !== 'attr') return;
    const viewExpr = call.args[0] ?? call.kw.baseview;
    if (!viewExpr) return;
    const classExpr = viewExpr.k === 'call' ? viewExpr.fn : viewExpr;
    const endpointExpr = call.fn.attr === 'add_view_no_menu' ? (call.kw.endpoint ?? call.args[1]) : undefined;
    const endpoint = endpointExpr ? this.project.evalString(endpointExpr, scope) : undefined;
    for (const v of this.project.evalExpr(classExpr, scope)) {
      if (v.t !== 'class') continue;
      const api = call.fn.attr === 'add_api' || /Api$/.test(this.project.extBaseOf(v.cls) ?? '');
      if (
        !this.pendingFabViews.some((p) => p.builder === builder && p.cls === v.cls && p.endpoint === endpoint)
      )
        this.pendingFabViews.push({ builder, cls: v.cls, endpoint, api });
    }
  }

  /**
   * FAB makes a blueprint per view, named after the class, with `route_base` as its prefix (default
   * `/<class name lower>`, for APIs `/api/<version>/<resource_name>`), and one rule per `@expose(url, methods)`.
   */
  private expandFabViews(): void {
    for (const p of this.pendingFabViews) {
      const cls = p.cls;
      const attrString = (name: string): string | undefined => {
        const a = this.classAttr(cls, name);
        return a ? this.project.evalString(a.value, a.scope) : undefined;
      };
      const resource = (attrString('resource_name') ?? cls.name).toLowerCase();
      const routeBase =
        attrString('route_base') ??
        (p.api ? `/api/${attrString('version') ?? 'v1'}/${resource}` : `/${cls.name.toLowerCase()}`);
      const blueprint = p.endpoint ?? cls.name;
      for (const app of this.fabBindings.get(p.builder.key) ?? []) {
        for (const fn of this.classMethods(cls).values()) {
          const scope = fn.scope.parent ?? fn.scope;
          const exposes = fn.decorators.filter((d) =>
            CATALOGUE.routeDecorators.has(this.fabDecorator(d.expr, scope) ?? ''),
          );
          if (!exposes.length) continue;
          const guards = fn.decorators
            .filter((d) => {
              const qn = this.fabDecorator(d.expr, scope);
              return !qn || CATALOGUE.guards.has(qn);
            })
            .map((d) => this.applied(d.expr, scope, exprText(d.expr)));
          for (const d of exposes) {
            const call = d.expr.k === 'call' ? d.expr : undefined;
            const urlExpr = call?.args[0] ?? call?.kw.url;
            const url = urlExpr ? this.stringOr(urlExpr, scope) : '/';
            this.addRoutes(app, joinRule(routeBase, url), `${blueprint}.${fn.name}`, {
              methods: this.methodsOf(call?.args[1] ?? call?.kw.methods, scope),
              file: fn.scope.module.file,
              span: fn.span,
              viewName: `${cls.name}.${fn.name}`,
              guards,
              misplaced: [],
              ...this.viewBody(fn),
              opaqueView: false,
              marks: guards.flatMap((g) => g.info.marks ?? []),
              suppressed: [
                ...suppressionsFor(cls.scope.module, cls.span.startLine, cls.defLine),
                ...suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine),
              ],
            });
          }
        }
      }
    }
  }

  /** The view builder's name (`flask_appbuilder.expose`) a decorator (or decorator factory call) stands for. */
  private fabDecorator(e: Expr, scope: Scope): string | undefined {
    for (const v of this.project.evalExpr(e.k === 'call' ? e.fn : e, scope)) {
      if (v.t !== 'ext') continue;
      const qn = canonical(v.qn);
      if (VIEW_BUILDER_PACKAGES.has(qn.slice(0, qn.indexOf('.')))) return qn;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Flask-Classful views.

  /** The self-routing base (Flask-Classful's `FlaskView`) a project class derives from, through its project bases. */
  private routingViewOf(cls: ClassIR): RoutingView | undefined {
    for (const qn of this.project.externalBases(cls)) {
      const view = CATALOGUE.routingViews.get(qn);
      if (view) return view;
    }
    return undefined;
  }

  /**
   * `HostView.register(bp, route_base="hosts", route_prefix=…)`: the class routes its methods on the app or
   * blueprint. A target the model cannot resolve to one is said in a notice, like an unresolved add_url_rule.
   */
  private addRoutingView(call: CallExpr, span: Span, scope: Scope): void {
    if (call.fn.k !== 'attr') return;
    const target = call.args[0] ?? call.kw.app;
    for (const v of this.project.evalExpr(call.fn.obj, scope)) {
      if (v.t !== 'class') continue;
      const view = this.routingViewOf(v.cls);
      if (!view || view.registrar.name !== call.fn.attr || !target) continue;
      this.noteRegistration(call, target, scope, span.startLine, 'resolved', `\`${exprText(call.fn)}(...)\``);
      const options: Record<string, { value: Expr; scope: Scope }> = {};
      view.registrar.params.forEach((name, i) => {
        const value = call.kw[name] ?? call.args[i + 1];
        if (value && value.k !== 'other') options[name] = { value, scope };
      });
      for (const owner of this.project.evalExpr(target, scope)) {
        if (owner.t !== 'inst' || !(APP_CLASSES.has(owner.qn) || BLUEPRINT_CLASSES.has(owner.qn))) continue;
        if (this.pendingRoutingViews.some((p) => p.owner === owner && p.cls === v.cls)) continue;
        this.pendingRoutingViews.push({ owner, cls: v.cls, view, options });
      }
    }
  }

  /** The route settings of one registration: its arguments first, then the class attributes, then the defaults. */
  private classfulSettings(
    cls: ClassIR,
    options: Record<string, { value: Expr; scope: Scope }>,
  ): ClassfulSettings {
    const setting = (name: string): { value: Expr; scope: Scope } | undefined =>
      options[name] ?? this.classAttr(cls, name);
    const text = (name: string): string | undefined => {
      const s = setting(name);
      return s ? this.stringOr(s.value, s.scope) : undefined;
    };
    const flag = (name: string, fallback: boolean): boolean => {
      const v = setting(name)?.value;
      return v?.k === 'const' && typeof v.v === 'boolean' ? v.v : fallback;
    };
    const isNone = (name: string): boolean => {
      const v = setting(name)?.value;
      return !v || (v.k === 'const' && v.v === null);
    };
    const routeBase = isNone('route_base') ? undefined : text('route_base');
    const baseArgs = this.classAttr(cls, 'base_args');
    return {
      ...(isNone('route_prefix') || !text('route_prefix') ? {} : { routePrefix: text('route_prefix') }),
      routeBase: (routeBase ?? defaultRouteBase(cls.name)).replace(/^\/+|\/+$/g, ''),
      ignoredArgs: [
        'self',
        ...((baseArgs && this.project.evalStrings(baseArgs.value, baseArgs.scope)) ?? []),
        ...(routeBase ? ruleVariables(routeBase) : []),
      ],
      trailingSlash: flag('trailing_slash', true),
      methodDashified: flag('method_dashified', false),
      inspectArgs: flag('inspect_args', true),
    };
  }

  /**
   * Flask-Classful's `register`: every public method of the class and its bases (not `_…`, not `before_…`/`after_…`,
   * not in `excluded_methods`, not a classmethod or property) is a route: at the rules of its `@route` decorators,
   * at the route base for `index`/`get`/`post`…, else at `/<name>/`, with its required positional parameters as URL
   * variables. The class's `decorators` wrap every view; its `before_request` and `before_<name>` run before it.
   */
  private expandRoutingViews(): void {
    for (const p of this.pendingRoutingViews) {
      const { cls, view, owner } = p;
      this.failures.attempt(cls.scope.module.file, 'modelling', undefined, () => {
        const settings = this.classfulSettings(cls, p.options);
        const excludedAttr = this.classAttr(cls, 'excluded_methods');
        const excluded =
          (excludedAttr && this.project.evalStrings(excludedAttr.value, excludedAttr.scope)) ?? [];
        const defaultAttr = this.classAttr(cls, 'default_methods');
        const classDecorators = this.classAttr(cls, 'decorators');
        const classGuards = classDecorators
          ? this.listGuards(classDecorators.value, classDecorators.scope, classDecorators.owner.name)
          : [];
        const methods = this.classMethods(cls);
        for (const [name, fn] of methods) {
          const scope = fn.scope.parent ?? fn.scope;
          if (
            name.startsWith('_') ||
            view.unroutedPrefixes.some((prefix) => name.startsWith(prefix)) ||
            view.ownMembers.includes(name) ||
            excluded.includes(name) ||
            fn.decorators.some((d) => d.expr.k === 'name' && NOT_FUNCTIONS.has(d.expr.id))
          )
            continue;
          const { rules, libraryDecorators } = this.classfulRules(cls, name, fn, view, settings, defaultAttr);
          const { body, inherited } = this.delegatedView(fn);
          const own = fn.decorators
            .filter((d) => !libraryDecorators.includes(d))
            .map((d) => this.applied(d.expr, scope, exprText(d.expr)));
          const guards = [...classGuards, ...inherited, ...own];
          const hooks = [
            methods.get(view.beforeHooks.every),
            methods.get(`${view.beforeHooks.prefix}${name}`),
          ]
            .filter((h): h is FunctionIR => !!h)
            .map((h) => this.viewHook(owner, h));
          for (const r of rules)
            this.addRoutes(
              owner,
              r.rule,
              r.endpoint,
              {
                methods: r.methods,
                file: fn.scope.module.file,
                span: fn.span,
                viewName: `${cls.name}.${name}`,
                guards,
                misplaced: [],
                ...this.viewBody(body),
                opaqueView: false,
                marks: [...guards.flatMap((g) => g.info.marks ?? []), ...assignedMarks(fn)],
                suppressed: [
                  ...suppressionsFor(cls.scope.module, cls.span.startLine, cls.defLine),
                  ...suppressionsFor(fn.scope.module, fn.span.startLine, fn.defLine),
                ],
              },
              hooks,
            );
        }
      });
    }
  }

  /**
   * The rules one routed method gets: those of its `@route` decorators, else the route base for `index`/`get`/`post`…,
   * else `/<name>/` with its `@method`s or `default_methods`; and those library decorators, which guard nothing.
   */
  private classfulRules(
    cls: ClassIR,
    name: string,
    fn: FunctionIR,
    view: RoutingView,
    settings: ClassfulSettings,
    defaultMethods: { value: Expr; scope: Scope } | undefined,
  ): { rules: { rule: string; methods: string[]; endpoint: string }[]; libraryDecorators: Decorator[] } {
    const scope = fn.scope.parent ?? fn.scope;
    const by = (qn: string): Decorator[] =>
      fn.decorators.filter((d) => d.expr.k === 'call' && this.isExt(d.expr.fn, scope, qn));
    const routeDecorators = by(view.routeDecorator);
    const methodDecorators = by(view.methodDecorator);
    const libraryDecorators = [...routeDecorators, ...methodDecorators];
    const endpoint = `${cls.name}:${name}`;
    const params = fn.positional
      .filter((a) => !(a in fn.defaults))
      .map((a) => {
        const hint = fn.annotations[a];
        const converter = hint ? view.typeHints[hint.slice(hint.lastIndexOf('.') + 1)] : undefined;
        return { name: a, ...(converter ? { converter } : {}) };
      });
    if (routeDecorators.length) {
      // `@route` decorators apply bottom-up: the lowest is the first rule (`HostView:name_0`).
      const applied = [...routeDecorators].reverse();
      const rules = applied.flatMap((d, i) => {
        const call = d.expr.k === 'call' ? d.expr : undefined;
        const ruleExpr = call?.args[0] ?? call?.kw.rule;
        if (!call || !ruleExpr) return [];
        return [
          {
            // `@route(rule)`: under the prefix and route base, without the method's parameters.
            rule: buildRule(settings, this.stringOr(ruleExpr, scope)),
            methods: this.methodsOf(call.kw.methods, scope),
            endpoint: call.kw.endpoint
              ? this.stringOr(call.kw.endpoint, scope)
              : applied.length === 1
                ? endpoint
                : `${endpoint}_${i}`,
          },
        ];
      });
      return { rules, libraryDecorators };
    }
    const special = view.specialMethods[name];
    if (special)
      return {
        rules: [{ rule: specialRule(settings, params), methods: [...special], endpoint }],
        libraryDecorators,
      };
    const declared = methodDecorators.flatMap((d) =>
      d.expr.k === 'call' && d.expr.args[0] ? [d.expr.args[0]] : [],
    );
    const methods = declared.length
      ? this.methodsOf({ k: 'seq', items: declared, line: fn.defLine }, scope)
      : this.methodsOf(defaultMethods?.value, defaultMethods?.scope ?? scope);
    return { rules: [{ rule: methodRule(settings, name, params), methods, endpoint }], libraryDecorators };
  }

  /** A method of a view class run before its views (`before_request(self, name, **view_args)`), as a request hook. */
  private viewHook(owner: Inst, fn: FunctionIR): HookRef {
    const known = this.allHooks.find((h) => h.fn === fn && h.owner === owner);
    if (known) return known;
    const definedIn = this.project.classOfMethod(fn);
    const ref: HookRef = {
      owner,
      fn,
      analysis: this.auth.analyzeHook(fn),
      label: `${definedIn ? `${definedIn.name}.` : ''}${fn.name}`,
      appWide: false,
    };
    this.allHooks.push(ref);
    return ref;
  }

  /** Whether `e` names the library function `qn` (`route` imported from `flask_classful`). */
  private isExt(e: Expr, scope: Scope, qn: string): boolean {
    return this.project.evalExpr(e, scope).some((v) => v.t === 'ext' && canonical(v.qn) === canonical(qn));
  }

  /** `api.add_resource(Resource, '/a', '/b')` and the class decorators collected earlier. */
  private collectApiResources(): void {
    for (const scope of this.scopes()) {
      this.inEachCall(scope, () => this.collectAddResource(scope));
    }
    this.collectResourceWrappers();
    this.expandResources();
  }

  /**
   * `Api` subclasses with wrapper methods around `self.add_resource` (Redash's
   * `api.add_org_resource(R, "/api/x")`): each call of the wrapper is evaluated with `self` bound to the Api
   * instance and the parameters to the call's arguments. A URL that passes through code we cannot evaluate
   * (`org_scoped_rule(url)`) is taken as the call site wrote it.
   */
  private collectResourceWrappers(): void {
    const wrappers = new Map<string, { cls: ClassIR; fn: FunctionIR; inner: CallExpr[] }[]>();
    for (const m of this.project.modules) {
      for (const cls of m.allClasses) {
        const base = this.project.extBaseOf(cls);
        if (!base || !API_CLASSES.has(base)) continue;
        for (const fn of Object.values(cls.methods)) {
          const self = fn.params[0];
          if (!self || fn.name === 'add_resource') continue;
          // `self.add_resource(...)` as a statement, returned (`return self.add_resource(...)`) or assigned.
          const candidates: Expr[] = [
            ...fn.scope.calls.map((s) => s.call),
            ...fn.facts.returns,
            ...[...fn.scope.assigns.values()].flat(),
          ];
          const inner = candidates
            .filter((c): c is CallExpr => c.k === 'call')
            .filter(
              (c) =>
                c.fn.k === 'attr' &&
                c.fn.attr === 'add_resource' &&
                c.fn.obj.k === 'name' &&
                c.fn.obj.id === self &&
                !!c.args[0],
            );
          if (!inner.length) continue;
          const list = wrappers.get(fn.name) ?? [];
          list.push({ cls, fn, inner });
          wrappers.set(fn.name, list);
        }
      }
    }
    if (!wrappers.size) return;
    for (const scope of this.scopes()) {
      const stmts = scope.calls.filter((s) => s.call.fn.k === 'attr' && wrappers.has(s.call.fn.attr));
      if (!stmts.length) continue;
      this.inEachCall(scope, () => {
        for (const stmt of stmts) {
          const call = stmt.call;
          if (call.fn.k !== 'attr') continue;
          const list = wrappers.get(call.fn.attr)!;
          this.project.forEachIteration(stmt.loops ?? [], scope, () => {
            for (const holder of this.project.evalExpr(call.fn.k === 'attr' ? call.fn.obj : call.fn, scope)) {
              if (holder.t !== 'inst' || !API_CLASSES.has(holder.qn)) continue;
              const made = this.project
                .evalExpr(holder.call.fn, holder.scope)
                .flatMap((v) => (v.t === 'class' ? [v.cls, ...this.project.projectBases(v.cls)] : []));
              for (const w of list)
                if (made.includes(w.cls)) this.expandResourceWrapper(holder, w.fn, w.inner, call, scope);
            }
          });
        }
      });
    }
  }

  private expandResourceWrapper(
    holder: Inst,
    fn: FunctionIR,
    inner: CallExpr[],
    site: CallExpr,
    siteScope: Scope,
  ): void {
    if (site.fn.k !== 'attr') return;
    // A bound method call: `self` is the object the method is called on.
    // Written as the plain call `method(obj, *args)`, so `self` is the first argument like the others.
    const plain: Expr = { k: 'name', id: fn.name, line: site.line };
    const bound = { call: { ...site, fn: plain, args: [site.fn.obj, ...site.args] }, scope: siteScope };
    this.project.withBinding(fn, bound, () => {
      for (const c of inner) {
        const urls: string[] = [];
        for (const a of c.args.slice(1)) {
          const s = this.project.evalString(a, fn.scope);
          if (s !== undefined) {
            urls.push(s);
            continue;
          }
          // `*urls`: the call's positional arguments from that parameter on.
          const star = a.k === 'other' ? /^\*\s*(\w+)$/.exec(a.text) : null;
          const index = star ? fn.params.indexOf(star[1]!) : -1;
          const from =
            index > 0
              ? bound.call.args.slice(index)
              : paramNamesIn(a)
                  .filter((n) => fn.params.indexOf(n) > 0)
                  .map((n) => argumentExpr(fn, n, bound.call))
                  .filter((x): x is Expr => !!x);
          for (const x of from) {
            const v = this.project.evalString(x, siteScope);
            if (v !== undefined) urls.push(v);
          }
        }
        const endpointExpr = c.kw.endpoint;
        const endpoint = endpointExpr
          ? this.project.evalString(endpointExpr, fn.scope)
          : site.kw.endpoint
            ? this.project.evalString(site.kw.endpoint, siteScope)
            : undefined;
        for (const v of this.project.evalExpr(c.args[0]!, fn.scope)) {
          if (v.t !== 'class') continue;
          this.pendingResources.push({
            holder,
            cls: v.cls,
            urls: [...new Set(urls)],
            endpoint,
            viaNamespace: false,
          });
        }
      }
    });
  }

  private collectAddResource(scope: Scope): void {
    for (const stmt of scope.calls) {
      const call = stmt.call;
      if (call.fn.k !== 'attr' || call.fn.attr !== 'add_resource' || !call.args[0]) continue;
      const site = {
        call,
        file: scope.module.file,
        line: stmt.span.startLine,
        what: `\`${exprText(call.fn)}(...)\``,
      };
      this.project.forEachIteration(stmt.loops ?? [], scope, () => this.addResource(call, scope, site));
    }
  }

  private addResource(
    call: CallExpr,
    scope: Scope,
    site?: { call: CallExpr; file: string; line: number; what: string },
  ): void {
    if (call.fn.k !== 'attr' || !call.args[0]) return;
    for (const holder of this.project.evalExpr(call.fn.obj, scope)) {
      if (holder.t !== 'inst' || !(API_CLASSES.has(holder.qn) || NAMESPACE_CLASSES.has(holder.qn))) continue;
      const urls = call.args.slice(1).map((a) => this.stringOr(a, scope));
      const endpoint = call.kw.endpoint ? this.stringOr(call.kw.endpoint, scope) : undefined;
      for (const v of this.project.evalExpr(call.args[0], scope)) {
        if (v.t !== 'class') continue;
        this.pendingResources.push({
          holder,
          cls: v.cls,
          urls,
          endpoint,
          viaNamespace: NAMESPACE_CLASSES.has(holder.qn),
          site,
        });
      }
    }
  }

  private expandResources(): void {
    for (const r of this.pendingResources) {
      const bindings: {
        api: Inst;
        prefix: string;
        decorators: { expr: Expr; scope: Scope; source: string }[];
      }[] = [];
      if (r.viaNamespace) {
        const ns = r.holder;
        const nsName = ns.call.args[0] ? this.project.evalString(ns.call.args[0], ns.scope) : undefined;
        const nsPathExpr = ns.call.kw.path;
        const ownPath = nsPathExpr
          ? this.project.evalString(nsPathExpr, ns.scope)
          : nsName
            ? `/${nsName}`
            : '';
        const nsDecorators = ns.call.kw.decorators
          ? [{ expr: ns.call.kw.decorators, scope: ns.scope, source: exprText(ns.call.fn) }]
          : [];
        for (const b of this.nsBindings.get(ns.key) ?? []) {
          bindings.push({
            api: b.api,
            prefix: (b.path ?? ownPath ?? '').replace(/\/$/, ''),
            decorators: nsDecorators,
          });
        }
      } else {
        bindings.push({
          api: r.holder,
          prefix: (r.extraPrefix ?? '').replace(/\/$/, ''),
          decorators: r.extraDecorators ? [r.extraDecorators] : [],
        });
      }
      for (const b of bindings) {
        const api = b.api;
        const apiPrefix = api.call.kw.prefix ? this.stringOr(api.call.kw.prefix, api.scope) : '';
        const assigned = this.apiDecoratorAssigns.get(api.key);
        const apiDecorators = assigned
          ? [assigned]
          : api.call.kw.decorators
            ? [{ expr: api.call.kw.decorators, scope: api.scope, source: exprText(api.call.fn) }]
            : [];
        const extra = [...apiDecorators, ...b.decorators].flatMap((d) =>
          this.listGuards(d.expr, d.scope, d.source),
        );
        const endpoint = r.endpoint ?? r.cls.name.toLowerCase();
        const targets = this.apiBindings.get(api.key) ?? [];
        if (r.site) this.noteResourceSite(r.site, targets.length > 0);
        for (const target of targets) {
          for (const url of r.urls) {
            this.addClassRoutes(target, `${apiPrefix}${b.prefix}${url}`, endpoint, r.cls, extra);
          }
        }
      }
    }
  }

  /**
   * An `add_resource` on an Api bound to no app or blueprint the model can see (no `Api(app)`, `api.init_app(bp)`
   * it follows): Flask-RESTful registers its resources only once it is bound, so they are missing. Said, unless
   * another evaluation of the same call reaches a bound Api.
   */
  private noteResourceSite(
    site: { call: CallExpr; file: string; line: number; what: string },
    bound: boolean,
  ): void {
    if (bound) {
      this.followedCalls.add(site.call);
      this.pendingUnfollowed.delete(site.call);
    } else if (!this.followedCalls.has(site.call) && !this.pendingUnfollowed.has(site.call)) {
      this.pendingUnfollowed.set(site.call, {
        file: site.file,
        line: site.line,
        why: `${site.what}, on an Api the model cannot bind to a Flask app or blueprint (no \`Api(app)\` or \`init_app(app)\` it can follow)`,
      });
    }
  }

  /** Guards from a list of decorators (`decorators=[jwt_required()]`), labelled with where they come from. */
  private listGuards(e: Expr, scope: Scope, source: string): AppliedGuard[] {
    // `BaseResource.decorators + [extra]`: the items of every part, each judged where it is written.
    const items = this.project.evalListItems(e, scope) ?? [];
    return items.map((item) =>
      this.applied(item.expr, item.scope, `${source} decorators: ${exprText(item.expr)}`),
    );
  }

  /** A class attribute (`decorators`, `method_decorators`, `methods`) from the class, later assignments, or a base. */
  private classAttr(cls: ClassIR, name: string): { value: Expr; scope: Scope; owner: ClassIR } | undefined {
    for (const c of [cls, ...this.project.projectBases(cls)]) {
      const assigned = this.classAttrAssigns.get(c)?.[name];
      if (assigned) return { ...assigned, owner: c };
      const value = c.attrs[name];
      if (value) return { value, scope: c.scope, owner: c };
    }
    return undefined;
  }

  private classMethods(cls: ClassIR): Map<string, FunctionIR> {
    const out = new Map<string, FunctionIR>();
    for (const c of [cls, ...this.project.projectBases(cls)]) {
      for (const [name, fn] of Object.entries(c.methods)) if (!out.has(name)) out.set(name, fn);
    }
    return out;
  }

  /** One route per HTTP method of a class-based view or resource, located at the method. */
  private addClassRoutes(
    owner: Inst,
    rule: string,
    endpoint: string,
    cls: ClassIR,
    outer: AppliedGuard[],
    explicitMethods?: string[],
  ): void {
    const methods = this.classMethods(cls);
    const handlers: { method: string; fn: FunctionIR }[] = [];
    const isMethodView = HTTP_METHODS.some((m) => methods.has(m));
    if (isMethodView) {
      for (const m of HTTP_METHODS) {
        const fn = methods.get(m);
        if (fn && (!explicitMethods || explicitMethods.includes(m.toUpperCase())))
          handlers.push({ method: m.toUpperCase(), fn });
      }
    } else {
      const dispatch = methods.get('dispatch_request');
      const declared = this.classAttr(cls, 'methods');
      const inherited = CATALOGUE.viewMethods.get(this.project.extBaseOf(cls) ?? '');
      const list =
        explicitMethods ??
        (declared ? this.methodsOf(declared.value, declared.scope) : (inherited ?? ['GET']));
      if (dispatch) for (const m of list) handlers.push({ method: m, fn: dispatch });
    }
    const classDecorators = this.classAttr(cls, 'decorators');
    const classGuards = classDecorators
      ? this.listGuards(classDecorators.value, classDecorators.scope, `${classDecorators.owner.name}`)
      : [];
    const methodDecorators = this.classAttr(cls, 'method_decorators');
    for (const h of handlers) {
      let perMethod: AppliedGuard[] = [];
      if (methodDecorators) {
        const label = `${methodDecorators.owner.name}.method_decorators`;
        const dict = this.project.evalDict(methodDecorators.value, methodDecorators.scope);
        if (dict) {
          for (const entry of dict.entries) {
            const key = this.project.evalString(entry.key, dict.scope);
            if (key?.toLowerCase() !== h.method.toLowerCase()) continue;
            const guards = this.listGuards(entry.value, dict.scope, `${label}[${key}]`).map((g) => ({
              ...g,
              label: g.label.replace(' decorators:', ':'),
            }));
            // Flask-RESTful and flask-restx look up `request.method.lower()`: an upper-case key never applies.
            perMethod =
              key === h.method.toLowerCase()
                ? guards
                : guards.map((g) => ({
                    ...g,
                    info: {
                      kind: 'none' as const,
                      label: g.info.label,
                      weak: `is listed under '${key}', but the dict is looked up with '${key.toLowerCase()}', so it never applies`,
                    },
                  }));
          }
        } else {
          perMethod = this.listGuards(methodDecorators.value, methodDecorators.scope, label).map((g) => ({
            ...g,
            label: g.label.replace(' decorators:', ':'),
          }));
        }
      }
      // A decorator on the class (`@ns.login_required(...)` over a Resource) wraps the methods in place: those of
      // the registered class, and those a decorated base class defines.
      const definedIn = this.project.classOfMethod(h.fn);
      const decoratedClasses = definedIn && definedIn !== cls ? [cls, definedIn] : [cls];
      const onClass = decoratedClasses.flatMap((c) =>
        c.decorators
          .filter((d) => !this.isClassRegistration(d.expr))
          .map((d) => this.applied(d.expr, c.scope.parent ?? c.scope, exprText(d.expr))),
      );
      const { body, inherited } = this.delegatedView(h.fn);
      const own = h.fn.decorators.map((d) =>
        this.applied(d.expr, h.fn.scope.parent ?? h.fn.scope, exprText(d.expr)),
      );
      const guards = [...outer, ...onClass, ...classGuards, ...perMethod, ...inherited, ...own];
      this.addRoutes(owner, rule, endpoint, {
        methods: [h.method],
        file: h.fn.scope.module.file,
        span: h.fn.span,
        viewName: `${cls.name}.${h.fn.name}`,
        guards,
        misplaced: [],
        ...this.viewBody(body),
        opaqueView: false,
        marks: guards.flatMap((g) => g.info.marks ?? []),
        suppressed: [
          ...suppressionsFor(cls.scope.module, cls.span.startLine, cls.defLine),
          ...suppressionsFor(h.fn.scope.module, h.fn.span.startLine, h.fn.defLine),
        ],
      });
    }
  }

  /** `@ns.route('/x')`, `@api.resource('/x')` on a class: registration, not a guard. */
  private isClassRegistration(e: Expr): boolean {
    return e.k === 'call' && e.fn.k === 'attr' && (e.fn.attr === 'route' || e.fn.attr === 'resource');
  }

  /**
   * An override whose body only calls `super().<same name>(...)` answers with the base method: it keeps the base
   * method's decorators and its body checks, as Python runs them.
   */
  private delegatedView(fn: FunctionIR, depth = 0): { body: FunctionIR; inherited: AppliedGuard[] } {
    if (depth > 8 || !onlyDelegatesToSuper(fn)) return { body: fn, inherited: [] };
    const call = fn.facts.calls.find((c) => c.fn.k === 'attr' && c.fn.attr === fn.name);
    const base = call
      ? this.project
          .evalExpr(call.fn, fn.scope)
          .find((v): v is Extract<typeof v, { t: 'func' }> => v.t === 'func')
      : undefined;
    if (!base || base.fn === fn) return { body: fn, inherited: [] };
    const deeper = this.delegatedView(base.fn, depth + 1);
    const scope = base.fn.scope.parent ?? base.fn.scope;
    const own = base.fn.decorators.map((d) => this.applied(d.expr, scope, `${exprText(d.expr)} (inherited)`));
    return { body: deeper.body, inherited: [...deeper.inherited, ...own] };
  }

  private addRoutes(
    owner: Inst,
    rule: string,
    endpoint: string,
    base: Omit<ModelRoute, 'path' | 'endpoint' | 'app' | 'hooks' | 'mount'>,
    viewHooks?: HookRef[],
  ): void {
    this.pendingRoutes.push({ owner, rule, endpoint, base, ...(viewHooks ? { viewHooks } : {}) });
  }

  /**
   * Routes at every place their app or blueprint is mounted, once every registration is known: a blueprint's
   * rules are often added before the statement that registers it.
   */
  private mountRoutes(): void {
    for (const { owner, rule, endpoint, base, viewHooks } of this.pendingRoutes)
      this.mountRoute(owner, rule, endpoint, base, viewHooks);
  }

  private mountRoute(
    owner: Inst,
    rule: string,
    endpoint: string,
    base: Omit<ModelRoute, 'path' | 'endpoint' | 'app' | 'hooks' | 'mount'>,
    viewHooks: HookRef[] | undefined,
  ): void {
    for (const mount of this.mounts(owner)) {
      const path = joinRule(mount.prefix, rule);
      const fullEndpoint = [...mount.names, endpoint].join('.');
      // `{ ...base, path, … }` with the same keys in the same order: Object.assign copies the many shapes of
      // `base` far faster than an object spread does.
      const route = Object.assign({}, base) as ModelRoute;
      route.path = path;
      route.endpoint = fullEndpoint;
      route.app = mount.app;
      route.mount = {
        ...(mount.app ? { app: { file: mount.app.scope.module.file, line: mount.app.call.line } } : {}),
        blueprints: mount.names,
        prefix: mount.prefix ?? '',
      };
      route.hooks = [];
      const key = `${route.file}\0${route.span.startLine}\0${route.path}\0${route.methods.join()}`;
      if (this.routeKeys.has(key)) continue;
      this.routeKeys.add(key);
      this.routes.push(route);
      this.routeMounts.set(route, mount);
      if (viewHooks?.length) this.viewHooks.set(route, viewHooks);
    }
  }

  /** Every place an app or blueprint is mounted: the app, the URL prefix and the blueprint chain. */
  private mounts(owner: Inst, depth = 0, seen: Set<string> = new Set()): Mount[] {
    const cached = this.mountCache.get(owner.key);
    if (cached) return cached;
    if (APP_CLASSES.has(owner.qn)) {
      const at = this.dispatched.get(owner.key) ?? [{ prefix: null }];
      return at.map(({ prefix, via }) => ({ app: owner, prefix, via, chain: [], names: [] }));
    }
    if (BLUEPRINT_APIS.has(owner.qn) || SOCKETS.has(owner.qn)) {
      return (this.apiBindings.get(owner.key) ?? []).flatMap((app) =>
        app === owner ? [] : this.mounts(app, depth + 1, seen),
      );
    }
    const ownPrefixExpr = owner.call.kw.url_prefix;
    const ownPrefix =
      ownPrefixExpr && !(ownPrefixExpr.k === 'const' && ownPrefixExpr.v === null)
        ? this.stringOr(ownPrefixExpr, owner.scope)
        : null;
    const nameExpr = owner.call.kw.name ?? owner.call.args[0];
    const ownName = (nameExpr && this.project.evalString(nameExpr, owner.scope)) ?? '?';
    const regs = this.registrations.get(owner.key) ?? [];
    const out: Mount[] = [];
    if (depth < MAX_MOUNT_DEPTH && !seen.has(owner.key)) {
      seen.add(owner.key);
      for (const reg of regs) {
        const bpPrefix = reg.prefix === undefined ? ownPrefix : reg.prefix;
        const parents = reg.parent
          ? this.mounts(reg.parent, depth + 1, seen)
          : [{ prefix: null, chain: [], names: [] }];
        // One factory making apps mounted at different places: the mount of the call this registration ran in.
        const ranIn = parents.filter(
          (m) => 'via' in m && m.via && reg.during.some((site) => site.scope.owner === m.via),
        );
        for (const m of ranIn.length ? ranIn : parents) {
          let prefix: string | null;
          if (m.prefix !== null && bpPrefix !== null)
            prefix = `${m.prefix.replace(/\/+$/, '')}/${bpPrefix.replace(/^\/+/, '')}`;
          else prefix = bpPrefix ?? m.prefix;
          out.push({
            app: m.app,
            via: m.via,
            prefix,
            chain: [...m.chain, owner],
            names: [...m.names, reg.name ?? ownName],
          });
        }
      }
      seen.delete(owner.key);
    }
    // A blueprint registered nowhere we can see (dynamic registration) still serves its own prefix.
    if (!out.length) out.push({ prefix: ownPrefix, chain: [owner], names: [ownName] });
    if (depth === 0) this.mountCache.set(owner.key, out);
    return out;
  }

  private hooksFor(mount: Mount): HookRef[] {
    const out: HookRef[] = [];
    if (mount.app) {
      out.push(...(this.hooks.get(mount.app.key) ?? []).filter((h) => !h.appWide));
      // before_app_request of any blueprint mounted on this app.
      for (const h of this.allHooks) {
        if (h.appWide && this.mounts(h.owner).some((m) => m.app === mount.app)) out.push(h);
      }
    }
    for (const bp of mount.chain) out.push(...(this.hooks.get(bp.key) ?? []).filter((h) => !h.appWide));
    return out;
  }
}

function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** Flask's rule join (BlueprintSetupState.add_url_rule). */
export function joinRule(prefix: string | null, rule: string): string {
  if (prefix === null) return rule;
  if (!rule) return prefix;
  return `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

function assignedExprs(name: string, scope: Scope): { expr: Expr; scope: Scope }[] {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const values = s.assigns.get(name);
    if (values?.length) return values.map((expr) => ({ expr, scope: s }));
  }
  return [];
}

/** `add_url_rule(..., build_only=True)`: a rule werkzeug uses only to build URLs and never matches to a request. */
function buildOnly(call: CallExpr): boolean {
  const flag = call.kw.build_only;
  return flag?.k === 'const' && flag.v === true;
}

/** Rule ids suppressed by `# tokengate: ignore[...]` on the statement's lines or the line above it. */
export function suppressionsFor(mod: ModuleIR, from: number, to: number): string[] {
  const out: string[] = [];
  for (let l = from - 1; l <= Math.max(from, to); l++) out.push(...(mod.suppressions.get(l) ?? []));
  return out;
}

/** Every call of the body is `super()` or `super().<the method's name>(...)`, and there is one of the latter. */
function onlyDelegatesToSuper(fn: FunctionIR): boolean {
  const isSuper = (e: Expr): boolean => e.k === 'call' && e.fn.k === 'name' && e.fn.id === 'super';
  let delegates = false;
  for (const c of fn.facts.calls) {
    if (c.fn.k === 'name' && c.fn.id === 'super') continue;
    if (c.fn.k !== 'attr' || c.fn.attr !== fn.name || !isSuper(c.fn.obj)) return false;
    delegates = true;
  }
  return delegates;
}

/**
 * A value read from the app's settings or the environment at run time (`app.config["X"]`, `config.get("X")`,
 * `os.environ["X"]`, `os.getenv("X")`), as its placeholder.
 */
function runtimeSetting(e: Expr, str: (e: Expr) => string | undefined): string | undefined {
  let source: Expr | undefined;
  let key: Expr | undefined;
  if (e.k === 'subscript') [source, key] = [e.obj, e.index];
  else if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'get' && e.args[0])
    [source, key] = [e.fn.obj, e.args[0]];
  else if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'getenv' && e.args[0])
    return envPlaceholder(str(e.args[0]));
  if (!source || !key) return undefined;
  const name = source.k === 'attr' ? source.attr : source.k === 'name' ? source.id : '';
  if (name === 'config') {
    const k = str(key);
    return k ? `<config:${k}>` : undefined;
  }
  if (name === 'environ') return envPlaceholder(str(key));
  return undefined;
}

/**
 * A placeholder `stringOr` writes for a part of a URL that exists only at run time (`<config:WEB_ADMIN>`,
 * `<env:PREFIX>`, `<dynamic>`): a prefix the deployment chooses, not a parameter the request carries.
 */
export function isRuntimePlaceholder(part: string): boolean {
  return /^<(config|env|dynamic)(:[^>]*)?>$/.test(part);
}

function envPlaceholder(name: string | undefined): string | undefined {
  return name ? `<env:${name}>` : undefined;
}

/**
 * A call with the factory's `*args` / `**kwargs` written out: `bp.route(*args, **kwargs)` inside
 * `route(bp, *args, **kwargs)` called as `route(bp, "/x", methods=["PUT"])` is `bp.route("/x", methods=["PUT"])`.
 * Without `site`, `call` is the factory's own call site and its arguments are made scope-free by `literal`.
 */
function forwarded(
  call: CallExpr,
  factory: FunctionIR,
  literal: (e: Expr) => Expr | undefined,
  site?: CallExpr,
): CallExpr {
  if (!site) {
    return {
      ...call,
      args: call.args.map((a) => (a.k === 'other' ? a : (literal(a) ?? a))),
      kw: Object.fromEntries(Object.entries(call.kw).map(([k, v]) => [k, literal(v) ?? v])),
    };
  }
  const args: Expr[] = [];
  let kw: Record<string, Expr> = {};
  for (const a of call.args) {
    const star = a.k === 'other' ? /^(\*\*?)\s*(\w+)$/.exec(a.text) : null;
    const index = star ? factory.params.indexOf(star[2]!) : -1;
    if (!star || index < 0) args.push(a);
    else if (star[1] === '*') args.push(...site.args.slice(index).filter((x) => x.k !== 'other'));
    else kw = { ...site.kw, ...kw };
  }
  return { ...call, args, kw: { ...kw, ...call.kw } };
}

/** Names read in an expression (`org_scoped_rule(url)` reads `url`). */
function paramNamesIn(e: Expr, depth = 0): string[] {
  if (depth > 8) return [];
  switch (e.k) {
    case 'name':
      return [e.id];
    case 'call':
      return [...e.args, ...Object.values(e.kw)].flatMap((a) => paramNamesIn(a, depth + 1));
    case 'concat':
      return e.parts.flatMap((p) => paramNamesIn(p, depth + 1));
    default:
      return [];
  }
}

/** The argument a call passes for a parameter. */
function argumentExpr(fn: FunctionIR, name: string, call: CallExpr): Expr | undefined {
  if (call.kw[name]) return call.kw[name];
  const index = fn.params.indexOf(name);
  return index >= 0 ? call.args[index] : undefined;
}

/** Decorators that make a class member something other than a plain function, which Flask-Classful never routes. */
const NOT_FUNCTIONS = new Set(['classmethod', 'property']);

/** Attributes set to `True` on a function where it is defined (`get.is_public = True` below `def get`). */
function assignedMarks(fn: FunctionIR): string[] {
  const scope = fn.scope.parent;
  if (!scope) return [];
  return scope.targetAssigns.flatMap((ta) =>
    ta.target.k === 'attr' &&
    ta.target.obj.k === 'name' &&
    ta.target.obj.id === fn.name &&
    ta.value.k === 'const' &&
    ta.value.v === true
      ? [ta.target.attr]
      : [],
  );
}
