import { CATALOGUE, canonical } from './catalogue/index.js';
import type { ClassIR, Expr, FunctionIR, Loop, LoopTarget, ModuleIR, Scope } from './ir.js';

export { canonical };

export type CallExpr = Extract<Expr, { k: 'call' }>;

/**
 * What an expression stands for, as far as static resolution can tell.
 * `ext` names live outside the repository and are canonicalised to `package.Name`
 * (`flask.blueprints.Blueprint` → `flask.Blueprint`), so re-exports of a library agree.
 */
export type Value =
  | { t: 'module'; mod: ModuleIR }
  | { t: 'ext'; qn: string }
  /**
   * An object made at a call site: of a tracked library class (`qn`), or of a project class (`cls`, whose
   * methods shadow the library's; `qn` is then its library base, or empty when it has none).
   */
  | { t: 'inst'; qn: string; key: string; call: CallExpr; scope: Scope; cls?: ClassIR }
  | { t: 'extcall'; qn: string; call: CallExpr; scope: Scope }
  | { t: 'instattr'; inst: Extract<Value, { t: 'inst' }>; attr: string }
  | { t: 'boundcall'; inst: Extract<Value, { t: 'inst' }>; attr: string; call: CallExpr; scope: Scope }
  | { t: 'func'; fn: FunctionIR }
  | { t: 'class'; cls: ClassIR }
  | { t: 'callresult'; fn: FunctionIR; call: CallExpr; scope: Scope }
  | { t: 'literal'; expr: Expr; scope: Scope }
  | { t: 'unknown'; text: string };

export type Inst = Extract<Value, { t: 'inst' }>;

/**
 * What `from module import name` names, as far as the modules alone say: the library it is a vendored copy of,
 * the module `module`, the module `module.name`, and its dotted name.
 */
interface ImportTarget {
  vendored: string | undefined;
  mod: ModuleIR | undefined;
  sub: ModuleIR | undefined;
  qn: string;
}

/** External classes whose instances the Flask model tracks by creation site. */
const TRACKED_CLASSES: ReadonlyMap<string, unknown> = CATALOGUE.classes;

/** Packages under which projects keep copies of third-party libraries (`octoprint/vendor/flask_principal.py`). */
const VENDOR_PACKAGES = new Set([
  'vendor',
  '_vendor',
  'vendored',
  '_vendored',
  'third_party',
  'thirdparty',
  'extern',
  '_extern',
]);

let libraryRoots: Set<string> | undefined;

/**
 * A dotted name inside a project's vendored copy of a library tokengate models, as that library's own name
 * (`app.vendor.flask_principal.Permission` → `flask_principal.Permission`): the copy behaves as the library does, so
 * its guards and effects are the catalogue's, not what following its source would guess. Copies of other libraries
 * stay project code.
 */
export function vendoredName(dotted: string): string | undefined {
  // Asked for every import of every module, most of them the same few names: each is answered once.
  let known = vendoredNames.get(dotted);
  if (known === undefined) vendoredNames.set(dotted, (known = vendoredNameOf(dotted) ?? null));
  return known ?? undefined;
}
const vendoredNames = new Map<string, string | null>();

function vendoredNameOf(dotted: string): string | undefined {
  // Built on first use, from every name the catalogue holds.
  libraryRoots ??= new Set(
    [
      ...TRACKED_CLASSES.keys(),
      ...CATALOGUE.functions.keys(),
      ...CATALOGUE.instances.keys(),
      ...CATALOGUE.identities,
    ].map((qn) => qn.split('.')[0]!),
  );
  const parts = dotted.split('.');
  for (let i = 0; i + 1 < parts.length; i++)
    if (VENDOR_PACKAGES.has(parts[i]!) && libraryRoots.has(parts[i + 1]!))
      return parts.slice(i + 1).join('.');
  return undefined;
}

/** Whether any value is known (a function expression here would be made anew at every question). */
function anyKnown(values: readonly Value[]): boolean {
  for (const v of values) if (v.t !== 'unknown') return true;
  return false;
}

/**
 * The source-like text of an expression. The text of a whole expression is kept: the resolution's values
 * (`dedupe` keys literals by it, unknowns carry it) ask for the same large expressions (tables of routes, config
 * dicts) again and again, and expressions are never changed once extracted.
 */
export function exprText(e: Expr, depth = 0): string {
  if (depth > 0) return textAt(e, depth);
  let text = exprTexts.get(e);
  if (text === undefined) exprTexts.set(e, (text = textAt(e, 0)));
  return text;
}
const exprTexts = new WeakMap<Expr, string>();

function textAt(e: Expr, depth: number): string {
  if (depth > 12) return '…';
  switch (e.k) {
    case 'name':
      return e.id;
    case 'attr':
      return `${exprText(e.obj, depth + 1)}.${e.attr}`;
    // The callbacks below capture `d`, declared in their own block: capturing the parameter would make every
    // call of this function allocate a context, not only those that reach a callback.
    case 'call': {
      const d = depth + 1;
      const args = [
        ...e.args.map((a) => exprText(a, d)),
        ...Object.entries(e.kw).map(([k, v]) => `${k}=${exprText(v, d)}`),
      ];
      return `${exprText(e.fn, d)}(${args.join(', ')})`;
    }
    case 'subscript':
      return `${exprText(e.obj, depth + 1)}[${exprText(e.index, depth + 1)}]`;
    case 'str':
      return JSON.stringify(e.v);
    case 'num':
      return String(e.v);
    case 'const':
      return e.v === null ? 'None' : e.v ? 'True' : 'False';
    case 'seq': {
      const d = depth + 1;
      return `[${e.items.map((i) => exprText(i, d)).join(', ')}]`;
    }
    case 'dict': {
      const d = depth + 1;
      return `{${e.entries.map((p) => `${exprText(p.key, d)}: ${exprText(p.value, d)}`).join(', ')}}`;
    }
    case 'concat': {
      const d = depth + 1;
      return e.parts.map((p) => exprText(p, d)).join(' + ');
    }
    case 'boolop':
      return `${exprText(e.left, depth + 1)} ${e.op} ${exprText(e.right, depth + 1)}`;
    case 'percent':
      return `${exprText(e.fmt, depth + 1)} % ${exprText(e.values, depth + 1)}`;
    case 'item':
      return `item of ${exprText(e.of, depth + 1)}`;
    case 'other':
      return e.text;
  }
}

const MAX_EVAL_DEPTH = 30;
/** `str.strip`, `lstrip`, `rstrip`: helpers normalise a base path before building rules from it. */
const STRIPS = new Map<string, (text: string, chars?: string) => string>([
  ['strip', (text, chars) => stripEnd(stripStart(text, chars), chars)],
  ['lstrip', stripStart],
  ['rstrip', stripEnd],
]);
function stripStart(text: string, chars = ' \t\n\r\f\v'): string {
  let i = 0;
  while (i < text.length && chars.includes(text[i]!)) i++;
  return text.slice(i);
}
function stripEnd(text: string, chars = ' \t\n\r\f\v'): string {
  let i = text.length;
  while (i > 0 && chars.includes(text[i - 1]!)) i--;
  return text.slice(0, i);
}
/**
 * How many times the body of a statement's loops is evaluated, over all nested loops together: registration
 * tables run to hundreds of rows, each its own route. Loops beyond it are evaluated once, unbound.
 */
const MAX_ITERATIONS = 4096;
/**
 * Evaluations started inside another (a subscript's index, a parameter's call sites, a loop's iterable) begin
 * with a fresh depth and recursion guard; this many may be open at once, so that a chain of them cannot exhaust
 * the stack even where no cycle repeats an expression.
 */
const MAX_NESTED_EVALS = 12;

/** Cross-module name resolution over every module of the scanned tree, by index (no rescanning). */
export class Project {
  readonly modules: ModuleIR[];
  private readonly byName = new Map<string, ModuleIR>();
  /**
   * Every proper dotted suffix of a module name (`b.c` and `c` of `a.b.c`) to the modules so named, shortest
   * first (in module order on a tie).
   */
  private suffixIndex?: Map<string, ModuleIR[]>;
  /** Directories of the tree (dotted) that may be on `sys.path`, by `mayBeRoot`. */
  private readonly rootCache = new Map<string, boolean>();
  /** Dotted names the tree imports (and every package above them), to tell packages from path roots. */
  private importedNames?: Set<string>;
  /** Ids of the scopes' `file:defLine` (scopes sharing both share the id), for the recursion guard's keys. */
  private readonly scopeIds = new Map<Scope, number>();
  private readonly scopeIdsByText = new Map<string, number>();
  private callIndex?: Map<string, { call: CallExpr; scope: Scope }[]>;
  /**
   * Per callee name, the indexes (in `callIndex`) of its sites by the function or class they call, and of the
   * sites resolved again each time (`sitesCalling`).
   */
  private readonly calleeIndex = new Map<
    string,
    { byTarget: Map<FunctionIR | ClassIR, number[]>; unsure: number[] }
  >();
  /** What an expression evaluates to in a scope, while settled (`evalExpr`). */
  private readonly evalCache = new Map<Scope, Map<Expr, readonly Value[]>>();
  /** Iterables being evaluated, item by item. */
  private readonly iterating = new Set<Expr>();
  /** Parameters whose values are being computed (their cache entry is empty meanwhile). */
  private pendingParams = 0;
  private readonly pendingKeys = new Set<string>();
  /**
   * How many answers were read from a half-computed parameter or iterable (empty, or unknown, meanwhile): an
   * evaluation that read one may answer otherwise once they are complete.
   */
  private partialReads = 0;
  /** How many times a parameter was read from the call site it is bound to. */
  private boundReads = 0;
  private readonly paramCache = new Map<string, Value[]>();
  private readonly instCache = new Map<string, Inst>();
  private methodClasses?: Map<FunctionIR, ClassIR>;
  private methodDefiners?: Map<string, ClassIR[]>;
  /** The calls of a method never called in sight, through objects the model cannot resolve (`dispatchedSites`). */
  private readonly dispatchCache = new Map<FunctionIR, { call: CallExpr; scope: Scope }[]>();
  /**
   * Expressions being evaluated by an open `evalExpr`, with their scopes, innermost last: asking for one of them
   * again in its scope is a cycle (`a = b[c]` with `c = a.find("/")`), whose answer is unknown rather than endless.
   * At most MAX_NESTED_EVALS are open, so a scan of these two stacks is cheaper than a set per scope (made and
   * dropped at nearly every evaluation).
   */
  private readonly openExprs: Expr[] = [];
  private readonly openScopes: Scope[] = [];
  /** The items of iterables, with what iterating them read of the state around it, for reuse (`iterateKept`). */
  private readonly iterations = new Map<Scope, Map<Expr, Iteration[]>>();
  /** What the iterations being recorded evaluated and asked about. */
  private readonly reuseLog = new ReuseLog();
  /** How many evaluations were cut short by the guard above (their values are incomplete, so not cached). */
  private cycleCuts = 0;
  /** Parameters bound to one call site while a function's body is evaluated for that call. */
  private readonly bindings = new Map<FunctionIR, { call: CallExpr; scope: Scope }>();
  /** `for` variables bound to one item of their iterable while a loop body is evaluated for that item. */
  private readonly loopBindings = new Map<Scope, Map<string, { expr: Expr; scope: Scope }>>();
  /** Where each import leads, by module and name (`importTarget`). */
  private readonly importTargets = new Map<string, Map<string, ImportTarget>>();

  constructor(modules: ModuleIR[]) {
    this.modules = modules;
    for (const m of modules) if (!this.byName.has(m.name)) this.byName.set(m.name, m);
  }

  /**
   * The module an absolute import of `dotted` loads, as Python finds it on `sys.path`: the module of that name
   * from the scanned root, else the shortest module whose name ends with it (the first in module order on a tie)
   * when its directory may be a path root of its own (`src/`, `backend/`; see mayBeRoot). A module of a package
   * (`myapp/util/flask.py`) is never `flask`: the library is.
   */
  findModule(dotted: string): ModuleIR | undefined {
    if (!dotted) return undefined;
    const exact = this.byName.get(dotted);
    if (exact) return exact;
    // Looked up in an index of all suffixes rather than by scanning every module for each new name.
    if (!this.suffixIndex) {
      const index = new Map<string, ModuleIR[]>();
      for (const m of this.modules) {
        for (let i = m.name.indexOf('.'); i >= 0; i = m.name.indexOf('.', i + 1)) {
          const suffix = m.name.slice(i + 1);
          const list = index.get(suffix);
          if (list) list.push(m);
          else index.set(suffix, [m]);
        }
      }
      for (const list of index.values())
        if (list.length > 1) list.sort((a, b) => a.name.length - b.name.length);
      this.suffixIndex = index;
    }
    // The shortest name whose directory may be a root (as relevance.ts keeps files): a package elsewhere in the
    // tree (`svc/api/__init__.py`) never hides a top-level module of another app (`other-app/api.py`).
    return this.suffixIndex
      .get(dotted)
      ?.find((m) => this.mayBeRoot(m.name.slice(0, m.name.length - dotted.length - 1)));
  }

  /**
   * Whether a directory of the tree (dotted) may be on `sys.path`: neither it nor a directory above it is a
   * package (has an `__init__.py`), and no import in the tree uses it as a package (`import util.flask`,
   * `from util import x`, or a relative import in a module of it).
   */
  private mayBeRoot(dir: string): boolean {
    let known = this.rootCache.get(dir);
    if (known === undefined) {
      if (!this.importedNames) {
        const names = new Set<string>();
        const add = (dotted: string): void => {
          for (let i = dotted.indexOf('.'); i >= 0; i = dotted.indexOf('.', i + 1))
            names.add(dotted.slice(0, i));
          names.add(dotted);
        };
        for (const m of this.modules) {
          const own = m.isPackage ? m.name : m.name.slice(0, Math.max(0, m.name.lastIndexOf('.')));
          for (const scope of [
            m.scope,
            ...m.allFunctions.map((f) => f.scope),
            ...m.allClasses.map((c) => c.scope),
          ]) {
            // A relative import says only that its own module is in a package, not where the tree's roots are.
            for (const binding of scope.imports.values())
              if (binding.relative) names.add(own);
              else add(binding.module);
          }
        }
        this.importedNames = names;
      }
      const parts = dir.split('.');
      known =
        !this.importedNames.has(dir) &&
        parts.every((_, i) => !this.byName.get(parts.slice(0, i + 1).join('.'))?.isPackage);
      this.rootCache.set(dir, known);
    }
    return known;
  }

  /** The id of a scope's `file:defLine` (module and class scopes of a file share one, as their key text did). */
  private scopeId(scope: Scope): number {
    let id = this.scopeIds.get(scope);
    if (id === undefined) {
      const text = `${scope.module.file}:${scope.owner?.defLine ?? 0}`;
      id = this.scopeIdsByText.get(text);
      if (id === undefined) {
        id = this.scopeIdsByText.size;
        this.scopeIdsByText.set(text, id);
      }
      this.scopeIds.set(scope, id);
    }
    return id;
  }

  /**
   * The values of an expression, kept per expression and scope while the project is settled (nothing bound, no
   * parameter or iterable half-evaluated), when they cannot change: the Flask model and the JWT analysis ask for
   * the same decorators, callees and receivers many times (on the benchmark tree, 94 thousand distinct questions
   * among 274 thousand). The lists are shared: their type is read-only (not frozen: frozen arrays iterate slowly).
   */
  evalExpr(e: Expr, scope: Scope): readonly Value[] {
    if (!this.settled()) return this.evalGuarded(e, scope);
    let inScope = this.evalCache.get(scope);
    let values = inScope?.get(e);
    if (!values) {
      const cuts = this.cycleCuts;
      values = this.evalGuarded(e, scope);
      // Values found with a cycle cut short depend on where it was entered: only whole answers are kept.
      if (cuts === this.cycleCuts) {
        if (!inScope) this.evalCache.set(scope, (inScope = new Map()));
        inScope.set(e, values);
      }
    }
    return values;
  }

  /** evalIn from a fresh start, unless that would repeat an open evaluation or nest too deep. */
  private evalGuarded(e: Expr, scope: Scope): Value[] {
    if (this.isOpen(e, scope) || this.openExprs.length >= MAX_NESTED_EVALS) {
      this.cycleCuts++;
      return [{ t: 'unknown', text: exprText(e) }];
    }
    // Evaluations nest (each is closed before the one that opened it), so the stacks pop in order.
    this.openExprs.push(e);
    this.openScopes.push(scope);
    const log = this.reuseLog;
    if (log.recording) {
      log.opened.push(e);
      if (this.openExprs.length > log.mostOpen) log.mostOpen = this.openExprs.length;
    }
    try {
      return this.evalIn(e, scope, 0, new SeenKeys());
    } finally {
      this.openExprs.pop();
      this.openScopes.pop();
    }
  }

  private isOpen(e: Expr, scope: Scope): boolean {
    for (let i = 0; i < this.openExprs.length; i++)
      if (this.openExprs[i] === e && this.openScopes[i] === scope) return true;
    return false;
  }

  /**
   * Nothing bound and nothing half-computed (a parameter's values, an iterable's items): an expression then
   * always evaluates to the same values, so they may be kept.
   */
  private settled(): boolean {
    return !this.bindings.size && !this.loopBindings.size && !this.pendingParams && !this.iterating.size;
  }

  /** The first resolved value, or unknown. */
  evalOne(e: Expr, scope: Scope): Value {
    const all = this.evalExpr(e, scope);
    return all.find((v) => v.t !== 'unknown') ?? all[0] ?? { t: 'unknown', text: exprText(e) };
  }

  lookup(name: string, scope: Scope): Value[] {
    return this.lookupIn(name, scope, 0, new SeenKeys());
  }

  /**
   * A string value, following constants, string building (`+`, f-strings, `.format()`, `%`, `str()` of a
   * number) and project helpers that return one; undefined when it cannot be known statically.
   */
  evalString(e: Expr, scope: Scope, depth = 0): string | undefined {
    if (e.k === 'str') return e.v;
    if (depth > 8) return undefined;
    switch (e.k) {
      case 'num':
        return String(e.v);
      case 'concat': {
        let out = '';
        for (const p of e.parts) {
          const s = this.evalString(p, scope, depth + 1);
          if (s === undefined) return undefined;
          out += s;
        }
        return out;
      }
      case 'percent': {
        const fmt = this.evalString(e.fmt, scope, depth + 1);
        if (fmt === undefined) return undefined;
        const list = this.evalList(e.values, scope);
        const values = (list?.items ?? [e.values]).map((v) =>
          this.evalString(v, list?.scope ?? scope, depth + 1),
        );
        return percentFormat(fmt, values);
      }
      case 'call':
        return this.callString(e, scope, depth);
    }
    for (const v of this.evalExpr(e, scope)) {
      if (v.t !== 'literal') continue;
      if (v.expr.k === 'str') return v.expr.v;
      if (v.expr.k === 'num' || v.expr.k === 'concat' || v.expr.k === 'percent' || v.expr.k === 'call')
        return this.evalString(v.expr, v.scope, depth + 1);
    }
    return undefined;
  }

  /** `str(x)`, `"{}/x".format(p)`, and calls of project helpers that return a string (`org_scoped_rule("/x")`). */
  private callString(e: CallExpr, scope: Scope, depth: number): string | undefined {
    if (e.fn.k === 'attr' && e.fn.attr === 'format') {
      const fmt = this.evalString(e.fn.obj, scope, depth + 1);
      if (fmt === undefined) return undefined;
      const kw: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(e.kw)) kw[k] = this.evalString(v, scope, depth + 1);
      return braceFormat(
        fmt,
        e.args.map((a) => this.evalString(a, scope, depth + 1)),
        kw,
      );
    }
    if (e.fn.k === 'attr' && STRIPS.has(e.fn.attr)) {
      const stripped = this.evalExpr(e, scope).find((v) => v.t === 'literal' && v.expr.k === 'str');
      return stripped?.t === 'literal' && stripped.expr.k === 'str' ? stripped.expr.v : undefined;
    }
    const callees = this.evalExpr(e.fn, scope);
    if (e.fn.k === 'name' && e.fn.id === 'str' && e.args.length === 1 && !anyKnown(callees))
      return this.evalString(e.args[0]!, scope, depth + 1);
    for (const callee of callees) {
      if (callee.t !== 'func') continue;
      const fn = callee.fn;
      // Several returns (`if settings.MULTI_ORG: return "/<org_slug>" + rule` … `return rule`): the last one,
      // the value the helper falls through to when no switch is on.
      const last = fn.facts.returns[fn.facts.returns.length - 1];
      if (!last || this.boundAt(fn)) continue;
      return this.withBinding(fn, { call: e, scope }, () => this.evalString(last, fn.scope, depth + 1));
    }
    return undefined;
  }

  /** Strings in a literal list/tuple/set, following constants. */
  evalStrings(e: Expr, scope: Scope): string[] | undefined {
    const expr = e.k === 'name' ? this.literalOf(e, scope) : e;
    if (!expr) return undefined;
    if (expr.k === 'str') return [expr.v];
    if (expr.k !== 'seq') return undefined;
    const out: string[] = [];
    for (const item of expr.items) {
      const s = this.evalString(item, scope);
      if (s === undefined) return undefined;
      out.push(s);
    }
    return out;
  }

  /** Items of a literal list/tuple (following constants), with the scope to evaluate them in. */
  evalList(e: Expr, scope: Scope): { items: Expr[]; scope: Scope } | undefined {
    if (e.k === 'seq') return { items: e.items, scope };
    for (const v of this.evalExpr(e, scope)) {
      if (v.t === 'literal' && v.expr.k === 'seq') return { items: v.expr.items, scope: v.scope };
    }
    return undefined;
  }

  /**
   * The items of a literal list or tuple, or of a concatenation of them (`BaseResource.decorators + [extra]`),
   * each with the scope it is written in (the parts may come from different modules).
   */
  evalListItems(e: Expr, scope: Scope, depth = 0): { expr: Expr; scope: Scope }[] | undefined {
    if (depth > 10) return undefined;
    if (e.k === 'seq') return e.items.map((expr) => ({ expr, scope }));
    if (e.k === 'concat') {
      const out: { expr: Expr; scope: Scope }[] = [];
      for (const part of e.parts) {
        const items = this.evalListItems(part, scope, depth + 1);
        if (!items) return undefined;
        out.push(...items);
      }
      return out;
    }
    for (const v of this.evalExpr(e, scope)) {
      if (v.t === 'literal' && (v.expr.k === 'seq' || v.expr.k === 'concat')) {
        const items = this.evalListItems(v.expr, v.scope, depth + 1);
        if (items) return items;
      }
    }
    return undefined;
  }

  evalDict(e: Expr, scope: Scope): { entries: { key: Expr; value: Expr }[]; scope: Scope } | undefined {
    if (e.k === 'dict') return { entries: e.entries, scope };
    for (const v of this.evalExpr(e, scope)) {
      if (v.t === 'literal' && v.expr.k === 'dict') return { entries: v.expr.entries, scope: v.scope };
    }
    return undefined;
  }

  /** The part of a literal at `path` (`(posts, "/posts")` at [1] is `"/posts"`). */
  private partOf(expr: Expr, scope: Scope, path: number[]): { expr: Expr; scope: Scope } | undefined {
    let current = { expr, scope };
    for (const i of path) {
      const list = this.evalList(current.expr, current.scope);
      const next = list?.items[i];
      if (!list || !next) return undefined;
      current = { expr: next, scope: list.scope };
    }
    return current;
  }

  private literalOf(e: Expr, scope: Scope): Expr | undefined {
    for (const v of this.evalExpr(e, scope)) if (v.t === 'literal') return v.expr;
    return undefined;
  }

  /** The external class an instance or project class stands for, following project base classes. */
  extBaseOf(cls: ClassIR, depth = 0): string | undefined {
    if (depth > 10) return undefined;
    for (const b of cls.bases) {
      for (const v of this.evalExpr(b, cls.scope.parent ?? cls.scope)) {
        if (v.t === 'ext') return canonical(v.qn);
        if (v.t === 'class') {
          const inner = this.extBaseOf(v.cls, depth + 1);
          if (inner) return inner;
        }
      }
    }
    return undefined;
  }

  /** The external classes (canonical names) a class derives from through its project bases, nearest first. */
  externalBases(cls: ClassIR): string[] {
    return [cls, ...this.projectBases(cls)].flatMap((c) =>
      c.bases.flatMap((b) =>
        this.evalExpr(b, c.scope.parent ?? c.scope).flatMap((v) => (v.t === 'ext' ? [canonical(v.qn)] : [])),
      ),
    );
  }

  /** A method of a project class or of its project bases, as Python finds it. */
  methodOf(cls: ClassIR, name: string): FunctionIR | undefined {
    for (const c of [cls, ...this.projectBases(cls)]) if (c.methods[name]) return c.methods[name];
    return undefined;
  }

  private hasMethods(cls: ClassIR): boolean {
    for (const _ in cls.methods) return true;
    return this.projectBases(cls).some((c) => Object.keys(c.methods).length > 0);
  }

  /** The class a method is defined in, for `super()` and inherited guards. */
  classOfMethod(fn: FunctionIR): ClassIR | undefined {
    if (!this.methodClasses) {
      this.methodClasses = new Map();
      for (const m of this.modules)
        for (const c of m.allClasses) for (const f of Object.values(c.methods)) this.methodClasses.set(f, c);
    }
    return this.methodClasses.get(fn);
  }

  /**
   * `super()` / `super(Cls, self)` inside a method: the bases of the class the method is defined in, so that
   * `super().require_oauth(...)` is the library's (or the project base's) method.
   */
  private superOf(scope: Scope, depth: number, seen: SeenKeys): Value[] {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const cls = s.owner ? this.classOfMethod(s.owner) : undefined;
      if (!cls) continue;
      const out: Value[] = [];
      for (const b of cls.bases)
        for (const v of this.evalIn(b, cls.scope.parent ?? cls.scope, depth + 1, seen))
          if (v.t === 'class' || v.t === 'ext') out.push(v);
      return out.length ? dedupe(out) : [{ t: 'unknown', text: 'super()' }];
    }
    return [{ t: 'unknown', text: 'super()' }];
  }

  /** Project base classes, nearest first (for inherited attributes and methods). */
  projectBases(cls: ClassIR, depth = 0): ClassIR[] {
    if (depth > 10) return [];
    const out: ClassIR[] = [];
    for (const b of cls.bases) {
      for (const v of this.evalExpr(b, cls.scope.parent ?? cls.scope)) {
        if (v.t === 'class' && v.cls !== cls) out.push(v.cls, ...this.projectBases(v.cls, depth + 1));
      }
    }
    return out;
  }

  /** Values a function parameter receives at the call sites found in the tree (or its default). */
  paramValues(fn: FunctionIR, name: string): Value[] {
    const key = `${fn.scope.module.file}:${fn.defLine}:${name}`;
    const cached = this.paramCache.get(key);
    if (cached) {
      if (!cached.length && this.pendingKeys.has(key)) this.partialReads++;
      return cached;
    }
    this.paramCache.set(key, []);
    const out: Value[] = [];
    this.pendingParams++;
    this.pendingKeys.add(key);
    try {
      let defaulted = false;
      const sites = this.callSitesOf(fn);
      for (const site of sites.length ? sites : this.dispatchedSites(fn)) {
        const arg = argumentFor(fn, name, site.call);
        if (arg) out.push(...this.evalExpr(arg, site.scope));
        else defaulted = true;
      }
      const fallback = fn.defaults[name];
      if (fallback && (defaulted || !out.length))
        out.push(...this.evalExpr(fallback, fn.scope.parent ?? fn.scope));
      // A method never called in sight (a hook registered as `app.before_request(self._check)`): `self` is an
      // object of its class, whose methods it calls.
      const cls =
        !out.length && name === 'self' && fn.params[0] === name ? this.classOfMethod(fn) : undefined;
      if (cls) out.push({ t: 'class', cls });
    } finally {
      this.pendingParams--;
      this.pendingKeys.delete(key);
    }
    this.paramCache.set(key, out);
    return out;
  }

  /**
   * The calls that may run a method no call in the tree resolves to: `mfa.register_url_endpoints(bp)` on an object
   * a registry hands out (`Registry.get(name)`) that the model cannot follow. Python runs the method of whatever
   * class the object has. Where every class of the tree that defines the name overrides one family's method (all
   * descend from the topmost class defining it), a call of that name, with arguments the method accepts, on an
   * object the model cannot resolve at all is a call of one of that family's methods: of this one as much as any.
   */
  private dispatchedSites(fn: FunctionIR): { call: CallExpr; scope: Scope }[] {
    const cls = this.classOfMethod(fn);
    if (!cls || fn.params[0] !== 'self') return [];
    let known = this.dispatchCache.get(fn);
    if (known) return known;
    known = [];
    this.dispatchCache.set(fn, known);
    const root = [cls, ...this.projectBases(cls)].filter((c) => c.methods[fn.name]).pop()!;
    const family = this.definersOf(fn.name).every((c) => c === root || this.projectBases(c).includes(root));
    if (!family) return known;
    for (const site of this.callsNamed(fn.name)) {
      const { call } = site;
      if (call.fn.k !== 'attr' || !accepts(fn, call)) continue;
      const receiver = this.evalExpr(call.fn.obj, site.scope);
      if (receiver.length && receiver.every((v) => v.t === 'unknown')) known.push(site);
    }
    return known;
  }

  /** The project classes that define a method of this name. */
  private definersOf(name: string): ClassIR[] {
    if (!this.methodDefiners) {
      this.methodDefiners = new Map();
      for (const m of this.modules)
        for (const c of m.allClasses)
          for (const method of Object.keys(c.methods)) {
            const definers = this.methodDefiners.get(method);
            if (definers) definers.push(c);
            else this.methodDefiners.set(method, [c]);
          }
    }
    return this.methodDefiners.get(name) ?? [];
  }

  /**
   * Run `body` once per item of the loops around a statement (`for bp, prefix in ((a, "/a"), (b, "/b"))`),
   * with the loop variables bound to that item; once, unbound, when an iterable is not a known literal.
   */
  forEachIteration(loops: readonly Loop[], scope: Scope, body: () => void, budget = MAX_ITERATIONS): void {
    if (!loops.length) return body();
    const [loop, ...rest] = loops as [Loop, ...Loop[]];
    const items = this.iterate(loop.iter, scope);
    if (!items?.length || items.length > budget) return this.forEachIteration(rest, scope, body, budget);
    const previous = this.loopBindings.get(scope);
    try {
      for (const item of items) {
        const bound = new Map(previous);
        for (const { name, expr, scope: s } of this.destructure(loop.target, item.expr, item.scope))
          bound.set(name, { expr, scope: s });
        this.loopBindings.set(scope, bound);
        this.forEachIteration(rest, scope, body, Math.floor(budget / items.length));
      }
    } finally {
      if (previous) this.loopBindings.set(scope, previous);
      else this.loopBindings.delete(scope);
    }
  }

  /** The items of a literal iterable: a list/tuple/set, or a dict's `.items()`, `.keys()`, `.values()`. */
  iterate(iter: Expr, scope: Scope): { expr: Expr; scope: Scope }[] | undefined {
    // `for x in x:` evaluates its own iterable through the loop variable: unknown, not endless.
    if (this.iterating.has(iter)) {
      this.partialReads++;
      return undefined;
    }
    if (this.loopBindings.size || this.iterating.size) return this.iterateNow(iter, scope);
    return this.iterateKept(iter, scope);
  }

  /**
   * The items of an iterable iterated with no loop item bound and no other iterable open. Every read of a loop
   * variable (`for user in users: user.name`) iterates its iterable again, and nothing is cached while one is:
   * each iterable is now evaluated once for each state of the call sites bound that it reads, and its items
   * reused where iterating it again would give the same.
   *
   * Why that is exact: iterating evaluates the iterable fresh, everything inside it too (nothing is read from or
   * written to `evalCache` while an iterable is open), each evaluation from depth 0 with no guards. It depends on
   * the state around it only through the call sites bound for the functions whose parameters it reads (noted as
   * it asks), the parameters it reads (a half-computed one reads as empty, counted in `partialReads`), the caches
   * it reads (parameters, callees, instances, imports: written once, never changed) and the evaluations open
   * around it (one of them evaluated again inside is a cycle, cut; at most MAX_NESTED_EVALS may be open). Items
   * are kept only when iterating read no half-computed parameter or iterable and cut no cycle: every parameter it
   * read was complete, and stays so (one computed inside was completed there), and it cut nothing where it ran.
   * They are reused only in the same kind of state (no loop item bound, no iterable open), when every function it
   * asked about is bound to the same call site as then (or still to none), none of the expressions it evaluated
   * is being evaluated now (one evaluated in another scope counts too, which is only stricter) and as many more
   * evaluations as it had open at once can still be opened: iterating again would ask, evaluate and cut exactly
   * what it did, read the same parameters and caches, and give the same items. A reuse counts the bound call
   * sites it read, as iterating again would, and tells an iteration being recorded around it what it asked about
   * and evaluated.
   */
  private iterateKept(iter: Expr, scope: Scope): { expr: Expr; scope: Scope }[] | undefined {
    const open = this.openExprs;
    const log = this.reuseLog;
    for (const known of this.iterations.get(scope)?.get(iter) ?? []) {
      if (open.length + known.depth > MAX_NESTED_EVALS || open.some((x) => known.opened.has(x))) continue;
      if (known.asked.some(([fn, site]) => this.bindings.get(fn) !== site)) continue;
      this.boundReads += known.boundReads;
      if (log.recording) {
        for (const x of known.opened) log.opened.push(x);
        for (const asked of known.asked) log.asked.push(asked);
        if (open.length + known.depth > log.mostOpen) log.mostOpen = open.length + known.depth;
      }
      return known.items?.slice();
    }
    const cuts = this.cycleCuts;
    const partial = this.partialReads;
    const reads = this.boundReads;
    const mostOpen = log.mostOpen;
    const opened = log.opened.length;
    const asked = log.asked.length;
    log.mostOpen = open.length;
    log.recording++;
    try {
      const items = this.iterateNow(iter, scope);
      const depth = log.mostOpen - open.length;
      if (cuts === this.cycleCuts && partial === this.partialReads) {
        let inScope = this.iterations.get(scope);
        if (!inScope) this.iterations.set(scope, (inScope = new Map()));
        let kept = inScope.get(iter);
        if (!kept) inScope.set(iter, (kept = []));
        kept.push({
          items: items?.slice(),
          depth,
          opened: new Set(log.opened.slice(opened)),
          asked: firstAnswers(log.asked, asked),
          boundReads: this.boundReads - reads,
        });
      }
      return items;
    } finally {
      log.recording--;
      if (mostOpen > log.mostOpen) log.mostOpen = mostOpen;
      if (!log.recording) log.opened.length = log.asked.length = 0;
    }
  }

  private iterateNow(iter: Expr, scope: Scope): { expr: Expr; scope: Scope }[] | undefined {
    this.iterating.add(iter);
    try {
      return this.iterateOnce(iter, scope);
    } finally {
      this.iterating.delete(iter);
    }
  }

  private iterateOnce(iter: Expr, scope: Scope): { expr: Expr; scope: Scope }[] | undefined {
    if (iter.k === 'call' && iter.fn.k === 'attr' && !iter.args.length) {
      const view = iter.fn.attr;
      if (view === 'items' || view === 'keys' || view === 'values') {
        const dict = this.evalDict(iter.fn.obj, scope);
        if (!dict) return undefined;
        return dict.entries.map((e) => ({
          expr:
            view === 'items'
              ? { k: 'seq', items: [e.key, e.value], line: e.key.line }
              : view === 'keys'
                ? e.key
                : e.value,
          scope: dict.scope,
        }));
      }
    }
    const dict =
      iter.k === 'name'
        ? this.evalDict(iter, scope)
        : iter.k === 'dict'
          ? { entries: iter.entries, scope }
          : undefined;
    if (dict) return dict.entries.map((e) => ({ expr: e.key, scope: dict.scope }));
    if (iter.k === 'seq' || iter.k === 'concat') return this.evalListItems(iter, scope);
    // A name given different lists on different paths (`blueprints = DEFAULT if … else blueprints + DEFAULT`):
    // the loop may run over any of them.
    const out: { expr: Expr; scope: Scope }[] = [];
    for (const v of this.evalExpr(iter, scope)) {
      if (v.t !== 'literal' || (v.expr.k !== 'seq' && v.expr.k !== 'concat')) continue;
      for (const item of this.evalListItems(v.expr, v.scope) ?? [])
        if (!out.some((o) => o.expr === item.expr)) out.push(item);
    }
    return out.length ? out : undefined;
  }

  /** Names of a loop target bound to the parts of one item (`bp, prefix` ← `(posts, "/posts")`). */
  private destructure(
    target: LoopTarget,
    expr: Expr,
    scope: Scope,
  ): { name: string; expr: Expr; scope: Scope }[] {
    if (typeof target === 'string') return [{ name: target, expr, scope }];
    const list = this.evalList(expr, scope);
    if (!list || list.items.length !== target.length) return [];
    return target.flatMap((t, i) => this.destructure(t, list.items[i]!, list.scope));
  }

  /** Calls of a project function found anywhere in the tree. */
  callSitesOf(fn: FunctionIR): { call: CallExpr; scope: Scope }[] {
    // Unbound, what a call site's callee is does not depend on the function asked about: methods share names
    // (`get`, `post`) with thousands of calls, and evalExpr resolves each site once, not once per method.
    const direct = this.sitesCalling(fn.name, fn);
    // A constructor runs at every call of its class (`Gate(app)`).
    const cls = fn.name === '__init__' ? this.classOfMethod(fn) : undefined;
    if (!cls) return direct;
    return [...direct, ...this.sitesCalling(cls.name, cls)];
  }

  /**
   * The calls named `name` whose callee is `target`, in index order. Each site's callee is resolved once for
   * every function and class of that name (`get`: hundreds of methods, thousands of calls, each asked about every
   * method, and again for each parameter of each): the sites are indexed by what they call. This holds while
   * nothing is bound (no call site's arguments, loop item or iterable in force), parameters being computed
   * included, for a site resolved without reading a half-computed parameter or iterable and without a cycle cut
   * short: its callee is then what it will always be. Any other site is resolved again each time, as before.
   */
  private sitesCalling(name: string, target: FunctionIR | ClassIR): { call: CallExpr; scope: Scope }[] {
    const sites = this.callsNamed(name);
    const calls = (v: Value): boolean =>
      (v.t === 'func' && v.fn === target) || (v.t === 'class' && v.cls === target);
    if (this.bindings.size || this.loopBindings.size || this.iterating.size)
      return sites.filter((site) => this.evalExpr(site.call.fn, site.scope).some(calls));
    let index = this.calleeIndex.get(name);
    if (!index) {
      index = { byTarget: new Map(), unsure: [] };
      for (let i = 0; i < sites.length; i++) {
        const cuts = this.cycleCuts;
        const partial = this.partialReads;
        const values = this.evalExpr(sites[i]!.call.fn, sites[i]!.scope);
        if (cuts !== this.cycleCuts || partial !== this.partialReads) {
          index.unsure.push(i);
          continue;
        }
        for (const v of values) {
          const t = v.t === 'func' ? v.fn : v.t === 'class' ? v.cls : undefined;
          if (!t) continue;
          const list = index.byTarget.get(t);
          if (!list) index.byTarget.set(t, [i]);
          else if (list[list.length - 1] !== i) list.push(i);
        }
      }
      this.calleeIndex.set(name, index);
    }
    const sure = index.byTarget.get(target) ?? [];
    const { unsure } = index;
    const out: { call: CallExpr; scope: Scope }[] = [];
    for (let a = 0, b = 0; a < sure.length || b < unsure.length;) {
      if (b >= unsure.length || (a < sure.length && sure[a]! < unsure[b]!)) {
        out.push(sites[sure[a++]!]!);
        continue;
      }
      const site = sites[unsure[b++]!]!;
      if (this.evalExpr(site.call.fn, site.scope).some(calls)) out.push(site);
    }
    return out;
  }

  /** The call site `fn` is bound to now, as an evaluation asks it (told to the iterations being recorded). */
  private boundAt(fn: FunctionIR): { call: CallExpr; scope: Scope } | undefined {
    const site = this.bindings.get(fn);
    if (this.reuseLog.recording) this.reuseLog.asked.push([fn, site]);
    return site;
  }

  /** The call site `fn`'s parameters are bound to now, if any. */
  boundSite(fn: FunctionIR): { call: CallExpr; scope: Scope } | undefined {
    const bound = this.bindings.get(fn);
    if (bound) this.boundReads++;
    return bound;
  }

  /**
   * `body` once per call site of `fn`, with its parameters bound to that site's arguments (withBinding). For a
   * body whose effects are the same when repeated with the same values (`idempotent`), the other sites are left
   * out once a run read nothing from its site and neither read a half-computed parameter or iterable nor cut a
   * cycle: every other site's run would compute the same values again (a helper called from fifty places whose
   * calls do not depend on its parameters).
   */
  forEachSite(
    fn: FunctionIR,
    sites: readonly { call: CallExpr; scope: Scope }[],
    body: () => void,
    idempotent: boolean,
  ): void {
    for (const site of sites) {
      const reads = this.boundReads;
      const partial = this.partialReads;
      const cuts = this.cycleCuts;
      this.withBinding(fn, site, body);
      if (idempotent && reads === this.boundReads && partial === this.partialReads && cuts === this.cycleCuts)
        return;
    }
  }

  /**
   * The argument a parameter `name` seen from `scope` is bound to now (see withBinding), as the caller wrote it:
   * for a caller's expression that is no value (`Cls.as_view("name")` handed to a helper as its view).
   */
  boundArgument(name: string, scope: Scope): { expr: Expr; scope: Scope } | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (this.loopBindings.get(s)?.has(name)) return undefined;
      if (s.params.has(name) && s.owner) {
        // Unbound, a function called from one place only has that place's arguments.
        const sites = this.bindings.has(s.owner) ? [] : this.callSitesOf(s.owner);
        const bound = this.bindings.get(s.owner) ?? (sites.length === 1 ? sites[0] : undefined);
        return bound ? passedAt(s.owner, name, bound, s) : undefined;
      }
      if (s.assigns.has(name)) return undefined;
    }
    return undefined;
  }

  /** The call sites bound now: the calls during which the statement being evaluated runs. */
  boundSites(): { call: CallExpr; scope: Scope }[] {
    return [...this.bindings.values()];
  }

  /** Evaluate with `fn`'s parameters bound to the arguments of one call site. */
  withBinding<T>(fn: FunctionIR, site: { call: CallExpr; scope: Scope }, body: () => T): T {
    const previous = this.bindings.get(fn);
    this.bindings.set(fn, site);
    try {
      return body();
    } finally {
      if (previous) this.bindings.set(fn, previous);
      else this.bindings.delete(fn);
    }
  }

  private callsNamed(name: string): { call: CallExpr; scope: Scope }[] {
    if (!this.callIndex) {
      const index = new Map<string, { call: CallExpr; scope: Scope }[]>();
      const add = (call: CallExpr, scope: Scope): void => {
        const n = call.fn.k === 'name' ? call.fn.id : call.fn.k === 'attr' ? call.fn.attr : '';
        if (!n) return;
        const list = index.get(n) ?? [];
        list.push({ call, scope });
        index.set(n, list);
      };
      const visitScope = (scope: Scope): void => {
        for (const c of scope.calls) add(c.call, scope);
        for (const values of scope.assigns.values())
          for (const v of values) if (v.k === 'call') add(v, scope);
      };
      for (const m of this.modules) {
        visitScope(m.scope);
        for (const f of m.allFunctions) {
          visitScope(f.scope);
          // `return factory.create_app(__name__)`: a call whose value the function hands back.
          for (const r of f.facts.returns) if (r.k === 'call') add(r, f.scope);
        }
        for (const c of m.allClasses) visitScope(c.scope);
      }
      this.callIndex = index;
    }
    return this.callIndex.get(name) ?? [];
  }

  private lookupIn(name: string, scope: Scope, depth: number, seen: SeenKeys): Value[] {
    if (depth > MAX_EVAL_DEPTH) return [{ t: 'unknown', text: name }];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const looped = this.loopBindings.get(s)?.get(name);
      if (looped) return this.evalIn(looped.expr, looped.scope, depth + 1, seen);
      if (s.params.has(name) && s.owner) {
        const assigned = s.assigns.get(name);
        if (!assigned?.length) return this.passedIn(s, s.owner, name, depth, seen, true);
        // `blueprints = blueprints + DEFAULT_BLUEPRINTS`, `base = base.strip("/")`: the parameter also holds what
        // the body assigns to it, and after an assignment on every path only that. On the right of those
        // assignments the name is still the value passed in.
        const key = this.scopeId(s) * KEY_KINDS + REASSIGN_KEY;
        if (seen.has(name, key)) return this.passedIn(s, s.owner, name, depth, seen, false);
        seen.add(name, key);
        const out = s.overwritten?.has(name) ? [] : this.passedIn(s, s.owner, name, depth, seen, true);
        for (const value of assigned) out.push(...this.evalIn(value, s, depth + 1, seen));
        seen.delete(name, key);
        return dedupe(out);
      }
      const assigned = s.assigns.get(name);
      if (assigned?.length) {
        const key = this.scopeId(s) * KEY_KINDS + NAME_KEY;
        if (seen.has(name, key)) return [];
        seen.add(name, key);
        const out: Value[] = [];
        for (const value of assigned) out.push(...this.evalIn(value, s, depth + 1, seen));
        seen.delete(name, key);
        return dedupe(out);
      }
      const fn = s.functions.get(name);
      if (fn) return [{ t: 'func', fn }];
      const cls = s.classes.get(name);
      if (cls) return [{ t: 'class', cls }];
      const imp = s.imports.get(name);
      if (imp) {
        const key = this.scopeId(s) * KEY_KINDS + IMPORT_KEY;
        if (seen.has(name, key)) return [];
        seen.add(name, key);
        return this.resolveImport(imp.module, imp.name, depth + 1, seen);
      }
      if (!s.parent) {
        for (const star of s.starImports) {
          const { vendored, mod, qn } = this.importTarget(star, name);
          if (vendored) return [{ t: 'ext', qn: vendored }];
          if (mod && mod !== s.module) {
            const found = this.lookupIn(name, mod.scope, depth + 1, seen);
            if (found.length && anyKnown(found)) return found;
          } else if (!mod) {
            if (star && isExternalCandidate(star)) return [{ t: 'ext', qn }];
          }
        }
      }
    }
    // Python's own: a module's dotted name (`importlib.import_module("%s.%s" % (__name__, name))`).
    if (name === '__name__')
      return [{ t: 'literal', expr: { k: 'str', v: scope.module.name, line: 0 }, scope }];
    return [{ t: 'unknown', text: name }];
  }

  /** The values a parameter is called with: the bound call's argument, or those of every call site. */
  private passedIn(
    s: Scope,
    owner: FunctionIR,
    name: string,
    depth: number,
    seen: SeenKeys,
    guard: boolean,
  ): Value[] {
    const bound = this.boundAt(owner);
    if (bound) {
      this.boundReads++;
      const at = passedAt(owner, name, bound, s);
      return at ? this.evalIn(at.expr, at.scope, depth + 1, seen) : [{ t: 'unknown', text: name }];
    }
    const key = this.scopeId(s) * KEY_KINDS + NAME_KEY;
    if (guard) {
      if (seen.has(name, key)) return [];
      seen.add(name, key);
    }
    const values = this.paramValues(owner, name);
    return values.length ? [...values] : [{ t: 'unknown', text: name }];
  }

  private resolveImport(module: string, name: string | undefined, depth: number, seen: SeenKeys): Value[] {
    const { vendored, mod, sub, qn } = this.importTarget(module, name);
    if (vendored) return [{ t: 'ext', qn: vendored }];
    if (name === undefined) return [mod ? { t: 'module', mod } : { t: 'ext', qn }];
    if (mod) {
      const found = this.lookupIn(name, mod.scope, depth + 1, seen);
      if (anyKnown(found)) return found;
      if (sub) return [{ t: 'module', mod: sub }];
      return found;
    }
    if (sub) return [{ t: 'module', mod: sub }];
    return [{ t: 'ext', qn }];
  }

  /**
   * Where `import module` (no name) or `from module import name` leads, fixed once the modules are: name
   * resolution follows the same imports (and star imports) at every question about a name they bind, and
   * building the dotted names and looking them up each time was a tenth of the model's time on real code.
   */
  private importTarget(module: string, name: string | undefined): ImportTarget {
    let byName = this.importTargets.get(module);
    if (!byName) this.importTargets.set(module, (byName = new Map()));
    // `''` is no Python name: it stands for the module itself.
    let target = byName.get(name ?? '');
    if (!target) {
      if (name === undefined)
        target = { vendored: vendoredName(module), mod: this.findModule(module), sub: undefined, qn: module };
      else {
        const qn = module ? `${module}.${name}` : name;
        target = {
          vendored: vendoredName(`${module}.${name}`),
          mod: this.findModule(module),
          sub: this.findModule(qn),
          qn,
        };
      }
      byName.set(name ?? '', target);
    }
    return target;
  }

  private evalIn(e: Expr, scope: Scope, depth: number, seen: SeenKeys): Value[] {
    if (depth > MAX_EVAL_DEPTH) return [{ t: 'unknown', text: exprText(e) }];
    switch (e.k) {
      case 'name':
        return this.lookupIn(e.id, scope, depth + 1, seen);
      case 'attr': {
        const out: Value[] = [];
        for (const obj of this.evalIn(e.obj, scope, depth + 1, seen))
          out.push(...this.attrOf(obj, e.attr, depth, seen));
        return dedupe(out);
      }
      case 'call': {
        if (e.fn.k === 'name' && e.fn.id === 'super') return this.superOf(scope, depth, seen);
        const stripped = this.strippedIn(e, scope, depth, seen);
        if (stripped.length) return stripped;
        const attribute = this.getattrIn(e, scope, depth, seen);
        if (attribute) return attribute;
        const out: Value[] = [];
        for (const fn of this.evalIn(e.fn, scope, depth + 1, seen))
          out.push(...this.callOf(fn, e, scope, depth, seen));
        return dedupe(out);
      }
      case 'str':
      case 'num':
      case 'const':
      case 'seq':
      case 'dict':
      case 'concat':
        return [{ t: 'literal', expr: e, scope }];
      case 'boolop':
        return e.op === 'or'
          ? dedupe([
              ...this.evalIn(e.left, scope, depth + 1, seen),
              ...this.evalIn(e.right, scope, depth + 1, seen),
            ])
          : this.evalIn(e.right, scope, depth + 1, seen);
      case 'item': {
        const items = this.iterate(e.of, scope);
        if (!items) return [{ t: 'unknown', text: exprText(e) }];
        const out: Value[] = [];
        for (const item of items) {
          const part = this.partOf(item.expr, item.scope, e.path ?? []);
          // Each item is resolved on its own: names one item resolved (its imports) must not block the next.
          if (part) out.push(...this.evalIn(part.expr, part.scope, depth + 1, seen.copy()));
        }
        return out.length ? dedupe(out) : [{ t: 'unknown', text: exprText(e) }];
      }
      case 'subscript': {
        // `pair[0]`, `BLUEPRINTS["admin"]`: one part of a literal tuple or dict.
        const index = e.index.k === 'num' ? e.index.v : this.evalString(e.index, scope);
        if (index === undefined) return [{ t: 'unknown', text: exprText(e) }];
        const out: Value[] = [];
        for (const v of this.evalIn(e.obj, scope, depth + 1, seen)) {
          if (v.t !== 'literal') continue;
          let part: Expr | undefined;
          if (v.expr.k === 'seq' && typeof index === 'number')
            part = v.expr.items[index < 0 ? v.expr.items.length + index : index];
          else if (v.expr.k === 'dict' && typeof index === 'string')
            part = v.expr.entries.find((en) => en.key.k === 'str' && en.key.v === index)?.value;
          if (part) out.push(...this.evalIn(part, v.scope, depth + 1, seen));
        }
        return out.length ? dedupe(out) : [{ t: 'unknown', text: exprText(e) }];
      }
      default:
        return [{ t: 'unknown', text: exprText(e) }];
    }
  }

  /**
   * `base.strip("/")` over known strings, as strings computed here: on the right of `base = base.strip("/")` the
   * name is the value passed in only while this evaluation lasts.
   */
  private strippedIn(e: CallExpr, scope: Scope, depth: number, seen: SeenKeys): Value[] {
    const strip = e.fn.k === 'attr' ? STRIPS.get(e.fn.attr) : undefined;
    if (!strip || e.fn.k !== 'attr' || e.args.length > 1) return [];
    const chars = e.args[0] ? this.evalString(e.args[0], scope) : undefined;
    if (e.args[0] && chars === undefined) return [];
    const out: Value[] = [];
    for (const v of this.evalIn(e.fn.obj, scope, depth + 1, seen)) {
      const text = v.t === 'literal' ? this.evalString(v.expr, v.scope) : undefined;
      if (text !== undefined)
        out.push({ t: 'literal', expr: { k: 'str', v: strip(text, chars), line: e.line }, scope });
    }
    return out;
  }

  /**
   * The builtin `getattr(obj, name)`: the attribute when the name is known; of a module, under a name only known at
   * run time (`for item in dir(m): item = getattr(m, item)`), any value the module assigns at its top level.
   */
  private getattrIn(e: CallExpr, scope: Scope, depth: number, seen: SeenKeys): Value[] | undefined {
    if (e.fn.k !== 'name' || e.fn.id !== 'getattr' || e.args.length < 2) return undefined;
    if (anyKnown(this.lookupIn('getattr', scope, depth + 1, seen.copy()))) return undefined;
    const name = this.evalString(e.args[1]!, scope);
    const out: Value[] = [];
    for (const obj of this.evalIn(e.args[0]!, scope, depth + 1, seen)) {
      if (name !== undefined) out.push(...this.attrOf(obj, name, depth, seen));
      else if (obj.t === 'module')
        for (const [attr, values] of obj.mod.scope.assigns)
          if (values.length) out.push(...this.lookupIn(attr, obj.mod.scope, depth + 1, seen.copy()));
    }
    return out.length ? dedupe(out) : undefined;
  }

  private attrOf(obj: Value, attr: string, depth: number, seen: SeenKeys): Value[] {
    switch (obj.t) {
      case 'module': {
        const vendored = vendoredName(`${obj.mod.name}.${attr}`);
        if (vendored) return [{ t: 'ext', qn: vendored }];
        const found = this.lookupIn(attr, obj.mod.scope, depth + 1, seen);
        if (anyKnown(found)) return found;
        const sub = this.findModule(`${obj.mod.name}.${attr}`);
        return sub ? [{ t: 'module', mod: sub }] : found;
      }
      case 'ext':
        return [{ t: 'ext', qn: `${obj.qn}.${attr}` }];
      case 'inst': {
        // A method the project's class defines shadows the library's attribute of that name.
        const method = obj.cls ? this.methodOf(obj.cls, attr) : undefined;
        if (method) return [{ t: 'func', fn: method }];
        const assigned = obj.cls ? this.ownAttribute(obj, obj.cls, attr, depth, seen) : [];
        return anyKnown(assigned) ? dedupe(assigned) : [{ t: 'instattr', inst: obj, attr }];
      }
      case 'class': {
        for (const c of [obj.cls, ...this.projectBases(obj.cls)]) {
          if (c.methods[attr]) return [{ t: 'func', fn: c.methods[attr] }];
          if (c.scope.assigns.has(attr)) return this.lookupIn(attr, c.scope, depth + 1, seen);
        }
        return [{ t: 'unknown', text: `${obj.cls.name}.${attr}` }];
      }
      default:
        return [{ t: 'unknown', text: attr }];
    }
  }

  /**
   * An attribute of an object of a project class, as Python finds it: what the class's methods (or its project
   * bases') assign to `self.<attr>`, else the class attribute as the class itself finds it (no method has the
   * name). In the `__init__` that made the object the parameters are that construction's arguments (`Service(app)`
   * runs `self.app = app` with its own `app`).
   */
  private ownAttribute(inst: Inst, cls: ClassIR, attr: string, depth: number, seen: SeenKeys): Value[] {
    const out: Value[] = [];
    const init = this.methodOf(cls, '__init__');
    for (const c of [cls, ...this.projectBases(cls)]) {
      for (const method of Object.values(c.methods)) {
        const self = method.params[0];
        const key = this.scopeId(method.scope) * KEY_KINDS + ATTRIBUTE_KEY;
        if (!self || seen.has(attr, key)) continue;
        const values = method.scope.targetAssigns.filter(
          (ta) =>
            ta.target.k === 'attr' &&
            ta.target.attr === attr &&
            ta.target.obj.k === 'name' &&
            ta.target.obj.id === self,
        );
        if (!values.length) continue;
        seen.add(attr, key);
        const evaluate = (): void => {
          for (const ta of values) out.push(...this.evalIn(ta.value, method.scope, depth + 1, seen));
        };
        if (method === init) this.withBinding(method, { call: inst.call, scope: inst.scope }, evaluate);
        else evaluate();
        seen.delete(attr, key);
      }
    }
    return anyKnown(out) ? out : this.attrOf({ t: 'class', cls }, attr, depth, seen);
  }

  private callOf(fn: Value, call: CallExpr, scope: Scope, depth: number, seen: SeenKeys): Value[] {
    switch (fn.t) {
      case 'ext': {
        const qn = canonical(fn.qn);
        if (TRACKED_CLASSES.has(qn)) return [this.instance(qn, call, scope)];
        if (qn === 'typing.cast' && call.args.length === 2) return this.castIn(call, scope, depth, seen);
        if (qn === 'importlib.import_module') {
          const mods = this.importedModules(call, scope);
          if (mods.length) return mods.map((mod) => ({ t: 'module', mod }));
        }
        return [{ t: 'extcall', qn, call, scope }];
      }
      case 'class': {
        const base = this.extBaseOf(fn.cls);
        if (base && TRACKED_CLASSES.has(base)) return [this.instance(base, call, scope, fn.cls)];
        // Objects of project classes are followed for their methods (`api.login_required(...)` as a decorator).
        if (this.hasMethods(fn.cls)) return [this.instance(base ?? '', call, scope, fn.cls)];
        return [{ t: 'unknown', text: `${fn.cls.name}()` }];
      }
      case 'instattr':
        return [{ t: 'boundcall', inst: fn.inst, attr: fn.attr, call, scope }];
      case 'inst':
        return [{ t: 'boundcall', inst: fn, attr: '__call__', call, scope }];
      case 'func': {
        // The function's own scope has its `file:defLine`.
        const key = this.scopeId(fn.fn.scope) * KEY_KINDS + CALL_KEY;
        const out: Value[] = [];
        if (!seen.has('', key)) {
          seen.add('', key);
          for (const r of fn.fn.facts.returns) {
            // `return bp` of a parameter never reassigned hands back what this call passed
            // (`timed_blueprint(Blueprint("api"))` is that blueprint), not what every call of it passes.
            const handed =
              r.k === 'name' && fn.fn.params.includes(r.id) && !fn.fn.scope.assigns.has(r.id)
                ? passedAt(fn.fn, r.id, { call, scope }, fn.fn.scope)
                : undefined;
            const values = handed
              ? this.evalIn(handed.expr, handed.scope, depth + 1, seen)
              : this.evalIn(r, fn.fn.scope, depth + 1, seen);
            for (const v of values) {
              if (v.t === 'inst' || v.t === 'module' || v.t === 'class' || v.t === 'ext' || v.t === 'extcall')
                out.push(v);
            }
          }
          seen.delete('', key);
        }
        return out.length ? dedupe(out) : [{ t: 'callresult', fn: fn.fn, call, scope }];
      }
      default:
        return [{ t: 'unknown', text: exprText(call) }];
    }
  }

  /**
   * `typing.cast(T, value)`: the value itself at run time, and to the reader an object of T, so that a project
   * class's methods are found on it (`session = cast(ServerSideSession, session)`, then `session.logged_in()`).
   */
  private castIn(call: CallExpr, scope: Scope, depth: number, seen: SeenKeys): Value[] {
    const out = this.evalIn(call.args[1]!, scope, depth + 1, seen.copy());
    for (const t of this.evalIn(call.args[0]!, scope, depth + 1, seen.copy()))
      if (t.t === 'class' && this.hasMethods(t.cls))
        out.push(this.instance(this.extBaseOf(t.cls) ?? '', call, scope, t.cls));
    return dedupe(out);
  }

  /**
   * The modules `importlib.import_module(name, package)` may load: the one named, or where the name is built at
   * run time from a known package (`"." + plugin` with `package="app.plugins"`, `"%s.%s" % (pkg, name)`), every
   * module directly in that package, as a plugin loader walking the package's directory finds them.
   */
  private importedModules(call: CallExpr, scope: Scope): ModuleIR[] {
    const nameExpr = call.args[0] ?? call.kw.name;
    const pkgExpr = call.args[1] ?? call.kw.package;
    if (!nameExpr) return [];
    const pkg = pkgExpr ? this.evalString(pkgExpr, scope) : undefined;
    const absolute = (name: string): string | undefined => {
      if (!name.startsWith('.')) return name;
      if (pkg === undefined) return undefined;
      const up = /^\.*/.exec(name)![0].length - 1;
      const base = pkg.split('.');
      return [...base.slice(0, base.length - up), name.slice(up + 1)].filter(Boolean).join('.');
    };
    const whole = this.evalString(nameExpr, scope);
    if (whole !== undefined) {
      const dotted = absolute(whole);
      const mod = dotted ? this.findModule(dotted) : undefined;
      return mod ? [mod] : [];
    }
    const packages = new Set<ModuleIR>();
    for (const literal of [{ expr: nameExpr, scope }, ...this.literalsOf(nameExpr, scope)]) {
      const lead = this.leadingString(literal.expr, literal.scope);
      const dotted = lead === undefined ? undefined : absolute(lead);
      // Only a leading part that ends a package name (`app.plugins.`) says where the module is.
      if (dotted === undefined || !lead!.endsWith('.')) continue;
      const parent = this.findModule(dotted.replace(/\.$/, ''));
      if (parent?.isPackage) packages.add(parent);
    }
    return this.modules.filter((m) =>
      [...packages].some(
        (p) => m.name.startsWith(`${p.name}.`) && !m.name.slice(p.name.length + 1).includes('.'),
      ),
    );
  }

  /** The literal values an expression is given (`module = "." + plugin`), each with its scope. */
  private literalsOf(e: Expr, scope: Scope): { expr: Expr; scope: Scope }[] {
    if (e.k !== 'name') return [];
    return this.evalExpr(e, scope).flatMap((v) =>
      v.t === 'literal' ? [{ expr: v.expr, scope: v.scope }] : [],
    );
  }

  /** The part of a string built at run time that is known before the first unknown piece. */
  private leadingString(e: Expr, scope: Scope): string | undefined {
    if (e.k === 'concat') {
      let out = '';
      for (const p of e.parts) {
        const part = this.evalString(p, scope);
        if (part === undefined) return out;
        out += part;
      }
      return out;
    }
    if (e.k === 'percent') {
      const fmt = this.evalString(e.fmt, scope);
      if (fmt === undefined) return undefined;
      const list = this.evalList(e.values, scope);
      const values = (list?.items ?? [e.values]).map((v) => this.evalString(v, list?.scope ?? scope));
      let out = '';
      let i = 0;
      for (const piece of fmt.split(/(%[sdr])/)) {
        if (!/^%[sdr]$/.test(piece)) out += piece;
        else if (values[i] === undefined) return out;
        else out += values[i++];
      }
      return out;
    }
    return this.evalString(e, scope);
  }

  private instance(qn: string, call: CallExpr, scope: Scope, cls?: ClassIR): Inst {
    const key = `${scope.module.file}:${call.line}:${call.col}`;
    let inst = this.instCache.get(key);
    if (!inst) {
      inst = cls ? { t: 'inst', qn, key, call, scope, cls } : { t: 'inst', qn, key, call, scope };
      this.instCache.set(key, inst);
    }
    return inst;
  }

  /** Every tracked instance created anywhere in the tree (to know which extensions are in use). */
  allInstances(): Inst[] {
    return [...this.instCache.values()].filter((i) => TRACKED_CLASSES.has(i.qn));
  }
}

type Site = { call: CallExpr; scope: Scope };

/** The items of an iterable, kept for reuse (`Project.iterateKept`). */
interface Iteration {
  items: readonly { expr: Expr; scope: Scope }[] | undefined;
  /** The most evaluations it had open at once. */
  depth: number;
  /** The expressions it evaluated (evalGuarded). */
  opened: ReadonlySet<Expr>;
  /** The functions whose bound call site it asked for, with the answer (none: undefined). */
  asked: readonly (readonly [FunctionIR, Site | undefined])[];
  /** How many times it read a parameter from its bound call site. */
  boundReads: number;
}

/**
 * The first answer for each function asked about from `from` on: the state it was found in. A later answer can
 * differ only where the evaluation bound the function itself (a helper's returned string, `callString`), which
 * it does only after asking.
 */
function firstAnswers(
  asked: readonly (readonly [FunctionIR, Site | undefined])[],
  from: number,
): (readonly [FunctionIR, Site | undefined])[] {
  const out = new Map<FunctionIR, Site | undefined>();
  for (let i = from; i < asked.length; i++) if (!out.has(asked[i]![0])) out.set(asked[i]![0], asked[i]![1]);
  return [...out];
}

/** What the iterations being recorded (they nest) evaluated and asked about, in order. */
class ReuseLog {
  recording = 0;
  readonly opened: Expr[] = [];
  readonly asked: (readonly [FunctionIR, Site | undefined])[] = [];
  /** The most evaluations open at once meanwhile. */
  mostOpen = 0;
}

/**
 * What a recursion-guard key stands for: a name bound in a scope, an import there, a call of a function, or the
 * assignments to a parameter being followed.
 */
const NAME_KEY = 0;
const IMPORT_KEY = 1;
const CALL_KEY = 2;
const REASSIGN_KEY = 3;
const ATTRIBUTE_KEY = 4;
const KEY_KINDS = 5;

/**
 * The names, imports and calls being resolved along one evaluation (so that cycles end), each as a name and
 * a number (its scope's id and its kind). The set of `file:defLine:name` strings it replaces was built anew at
 * every step; names are the expressions' own strings, so their hashes are computed once.
 */
class SeenKeys {
  /** Made on the first `add`: most evaluations never follow a name that needs guarding. */
  private byName?: Map<string, number[]>;

  has(name: string, key: number): boolean {
    const keys = this.byName?.get(name);
    return !!keys && keys.includes(key);
  }

  add(name: string, key: number): void {
    this.byName ??= new Map();
    const keys = this.byName.get(name);
    if (!keys) this.byName.set(name, [key]);
    else if (!keys.includes(key)) keys.push(key);
  }

  delete(name: string, key: number): void {
    const keys = this.byName?.get(name);
    const i = keys ? keys.indexOf(key) : -1;
    if (i >= 0) keys!.splice(i, 1);
  }

  copy(): SeenKeys {
    const out = new SeenKeys();
    if (this.byName) out.byName = new Map([...this.byName].map(([name, keys]) => [name, [...keys]]));
    return out;
  }
}

/** `"%s/%d" % (a, b)` with `%s`, `%d`, `%i` and `%%`; undefined when a value or a conversion is unknown. */
function percentFormat(fmt: string, values: (string | undefined)[]): string | undefined {
  let next = 0;
  let failed = false;
  const out = fmt.replace(/%(.)/g, (_, conv: string) => {
    if (conv === '%') return '%';
    const v = values[next++];
    if (v === undefined || !'sdir'.includes(conv)) failed = true;
    return v ?? '';
  });
  return failed || next !== values.length ? undefined : out;
}

/** `"{}/{name}".format(a, name=b)`; undefined when a field is unknown or carries a format spec. */
function braceFormat(
  fmt: string,
  args: (string | undefined)[],
  kw: Record<string, string | undefined>,
): string | undefined {
  let next = 0;
  let failed = false;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    let v: string | undefined;
    if (field === '') v = args[next++];
    else if (/^\d+$/.test(field!)) v = args[Number(field)];
    else if (/^\w+$/.test(field!)) v = kw[field!];
    if (v === undefined) failed = true;
    return v ?? '';
  });
  return failed ? undefined : out;
}

/** A parameter at one call site: the argument written there, else the parameter's default (in `s`, its scope). */
function passedAt(
  owner: FunctionIR,
  name: string,
  site: { call: CallExpr; scope: Scope },
  s: Scope,
): { expr: Expr; scope: Scope } | undefined {
  const arg = argumentFor(owner, name, site.call);
  if (arg) return { expr: arg, scope: site.scope };
  const fallback = owner.defaults[name];
  return fallback ? { expr: fallback, scope: s.parent ?? s } : undefined;
}

/** Whether a method called through an object (`obj.method(...)`) takes the arguments the call passes. */
function accepts(fn: FunctionIR, call: CallExpr): boolean {
  const positional = call.args.filter((a) => a.k !== 'other').length;
  const room = fn.varargs ? Infinity : fn.params.length - 1;
  return positional <= room && Object.keys(call.kw).every((k) => fn.params.includes(k) && k !== fn.params[0]);
}

/** The argument a call passes for a parameter (`self` of methods is not passed). */
function argumentFor(fn: FunctionIR, name: string, call: CallExpr): Expr | undefined {
  if (call.kw[name]) return call.kw[name];
  const index = fn.params.indexOf(name);
  // `ext.init_app(app)` calls a method through its object, `Gate(app)` runs `__init__` on a new one: `self` is
  // that object, the arguments start at the second parameter.
  const constructor = fn.name === '__init__' && call.fn.k === 'name';
  const bound =
    (call.fn.k === 'attr' || constructor) && (fn.params[0] === 'self' || fn.params[0] === 'cls') ? 1 : 0;
  if (bound && index === 0) return call.fn.k === 'attr' ? call.fn.obj : call;
  const star = fn.varargs ? fn.params.indexOf(fn.varargs) : -1;
  if (star >= 0 && index > star) return undefined;
  if (index === star) return starredArguments(call, index - bound);
  return index >= bound ? call.args[index - bound] : undefined;
}

/**
 * The tuple a `*args` parameter receives: the call's positional arguments from `from` on. Made once per call and
 * place, so that evaluations of it are recognised as the same expression (caches, cycle guards).
 */
function starredArguments(call: CallExpr, from: number): Expr {
  let byPlace = starredTuples.get(call);
  if (!byPlace) starredTuples.set(call, (byPlace = new Map()));
  let tuple = byPlace.get(from);
  if (!tuple) byPlace.set(from, (tuple = { k: 'seq', items: call.args.slice(from), line: call.line }));
  return tuple;
}
const starredTuples = new WeakMap<CallExpr, Map<number, Expr>>();

function isExternalCandidate(name: string): boolean {
  return /^[A-Za-z_][\w.]*$/.test(name);
}

function valueKey(v: Value): string {
  switch (v.t) {
    case 'module':
      return `m:${v.mod.file}`;
    case 'ext':
      return `e:${v.qn}`;
    case 'inst':
      return `i:${v.key}`;
    case 'func':
      return `f:${v.fn.scope.module.file}:${v.fn.defLine}`;
    case 'class':
      return `c:${v.cls.scope.module.file}:${v.cls.defLine}`;
    case 'literal':
      return `l:${v.scope.module.file}:${v.expr.line}:${exprText(v.expr)}`;
    case 'instattr':
      return `ia:${v.inst.key}.${v.attr}`;
    case 'boundcall':
      return `bc:${v.inst.key}.${v.attr}:${v.call.line}:${v.call.col}:${v.scope.module.file}`;
    case 'extcall':
      return `ec:${v.qn}:${v.call.line}:${v.call.col}:${v.scope.module.file}`;
    case 'callresult':
      return `cr:${v.fn.defLine}:${v.call.line}:${v.call.col}:${v.scope.module.file}`;
    case 'unknown':
      return `u:${v.text}`;
  }
}

/**
 * Whether two values of the same kind have the same valueKey, without building the keys where their fields
 * decide it: a module, library name, instance or unknown is its one field; a function or class is its file and
 * line (the line, a number, holds no colon, so the last colon of the key splits the two exactly). The other kinds
 * join fields that may themselves hold colons or dots: undefined, their keys decide.
 */
function sameFields(a: Value, b: Value): boolean | undefined {
  switch (a.t) {
    case 'module':
      return b.t === 'module' && a.mod.file === b.mod.file;
    case 'ext':
      return b.t === 'ext' && a.qn === b.qn;
    case 'inst':
      return b.t === 'inst' && a.key === b.key;
    case 'unknown':
      return b.t === 'unknown' && a.text === b.text;
    case 'func':
      return (
        b.t === 'func' && a.fn.defLine === b.fn.defLine && a.fn.scope.module.file === b.fn.scope.module.file
      );
    case 'class':
      return (
        b.t === 'class' &&
        a.cls.defLine === b.cls.defLine &&
        a.cls.scope.module.file === b.cls.scope.module.file
      );
    default:
      return undefined;
  }
}

/** Lists up to this long are deduplicated by comparing values pairwise, longer ones by a set of keys. */
const PAIRWISE_DEDUPE = 16;

export function dedupe(values: Value[]): Value[] {
  if (values.length < 2) return values;
  const out: Value[] = [];
  let unknowns = 0;
  if (values.length <= PAIRWISE_DEDUPE) {
    // Values of different kinds never share a key (no kind's prefix is another's); each key is built at most once.
    const keys: (string | undefined)[] = [];
    next: for (const v of values) {
      let key: string | undefined;
      for (let i = 0; i < out.length; i++) {
        const kept = out[i]!;
        if (kept === v) continue next;
        if (kept.t !== v.t) continue;
        const same = sameFields(kept, v);
        if (same === true) continue next;
        if (same === false) continue;
        key ??= valueKey(v);
        if ((keys[i] ??= valueKey(kept)) === key) continue next;
      }
      out.push(v);
      keys.push(key);
      if (v.t === 'unknown') unknowns++;
    }
  } else {
    const seen = new Set<string>();
    for (const v of values) {
      const k = valueKey(v);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(v);
      if (v.t === 'unknown') unknowns++;
    }
  }
  // A resolved value makes "unknown" alternatives noise.
  return unknowns && unknowns < out.length ? out.filter((v) => v.t !== 'unknown') : out;
}
