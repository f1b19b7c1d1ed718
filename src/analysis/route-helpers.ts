import { canonical } from './catalogue/index.js';
import type { Expr, ModuleIR, Scope } from './ir.js';
import type { CallExpr, Project } from './project.js';

/**
 * The project's own route helpers (`route-helpers` in .tokengate.yml, by qualified name): functions that register a
 * route the way Flask's own do, with the app or blueprint as their first argument. They are written in Flask's own
 * terms before the Flask model is built, so that every later stage sees ordinary registrations:
 * `helper(bp, rule, …)` is `bp.add_url_rule(rule, …)` and `@helper(bp, rule, …)` is `@bp.route(rule, …)`.
 * The helper's own code, which may live in an installed package out of sight, is not read.
 */
export function expandRouteHelpers(project: Project, helpers: readonly string[]): void {
  if (!helpers.length) return;
  const declared = new Set(helpers.flatMap((h) => [h, canonical(h)]));
  const isHelper = (fn: Expr, scope: Scope): boolean =>
    project
      .evalExpr(fn, scope)
      .some(
        (v) =>
          (v.t === 'ext' && declared.has(canonical(v.qn))) ||
          (v.t === 'func' && declared.has(`${v.fn.scope.module.name}.${v.fn.name}`)),
      );
  /** The call as the Flask method `attr` of its first argument, or undefined when it is no helper call. */
  const asFlask = (call: CallExpr, scope: Scope, attr: string): CallExpr | undefined => {
    const owner = call.args[0];
    if (!owner || !isHelper(call.fn, scope)) return undefined;
    return { ...call, fn: { k: 'attr', obj: owner, attr, line: call.line }, args: call.args.slice(1) };
  };
  for (const m of project.modules) rewriteModule(m, asFlask);
}

/** Helper calls of one module, rewritten in place: the IR belongs to this analysis, and the rewrite is idempotent. */
function rewriteModule(
  m: ModuleIR,
  asFlask: (call: CallExpr, scope: Scope, attr: string) => CallExpr | undefined,
): void {
  for (const fn of m.allFunctions) {
    const scope = fn.scope.parent ?? fn.scope;
    for (const d of fn.decorators) {
      if (d.expr.k !== 'call') continue;
      const route = asFlask(d.expr, scope, 'route');
      if (route) d.expr = route;
    }
  }
  for (const scope of [m.scope, ...m.allFunctions.map((f) => f.scope), ...m.allClasses.map((c) => c.scope)])
    for (const stmt of scope.calls) {
      const rule = asFlask(stmt.call, scope, 'add_url_rule');
      if (rule) stmt.call = rule;
    }
}
