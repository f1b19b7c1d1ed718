import type { ClassIR, Expr, FunctionIR } from './ir.js';
import type { Project } from './project.js';

/** A call as a body records it. */
interface CallLike {
  fn: Expr;
  args: Expr[];
}

/** How far a chain of methods calling methods is followed (`process` → `_do_process` → `_check_access` → …). */
const MAX_REACH = 40;

/**
 * The methods a call in `fn`'s body runs when `fn` runs on an object of `receiver`, as Python finds them:
 * `self.m()` by the receiver's class (a subclass's override wins over the method `fn`'s own class defines),
 * `Base.m(self)` and `super().m()` the named method with `self` still the receiver, and
 * `handler = getattr(self, "_on_" + request.method)` then `handler()` every method of the receiver the name may
 * build. Empty for any other call.
 */
export function dispatchedMethods(
  project: Project,
  call: CallLike,
  fn: FunctionIR,
  receiver: ClassIR,
): FunctionIR[] {
  const self = fn.params[0];
  if (!self || !project.classOfMethod(fn)) return [];
  const callee = call.fn;
  if (callee.k === 'name') return gotAttributes(project, callee.id, fn, receiver);
  if (callee.k !== 'attr') return [];
  const obj = callee.obj;
  if (obj.k === 'name' && obj.id === self) {
    const method = project.methodOf(receiver, callee.attr);
    return method ? [method] : [];
  }
  const passesSelf = call.args[0]?.k === 'name' && call.args[0].id === self;
  const viaSuper = obj.k === 'call' && obj.fn.k === 'name' && obj.fn.id === 'super';
  if (!passesSelf && !viaSuper) return [];
  return project
    .evalExpr(callee, fn.scope)
    .flatMap((v) => (v.t === 'func' && project.classOfMethod(v.fn) ? [v.fn] : []));
}

/** `name = getattr(self, <name>)` in `fn`: the receiver's methods that name can be. */
function gotAttributes(project: Project, name: string, fn: FunctionIR, receiver: ClassIR): FunctionIR[] {
  const self = fn.params[0];
  const out: FunctionIR[] = [];
  for (const e of fn.scope.assigns.get(name) ?? []) {
    if (e.k !== 'call' || e.fn.k !== 'name' || e.fn.id !== 'getattr') continue;
    const [obj, attr] = e.args;
    if (obj?.k !== 'name' || obj.id !== self || !attr) continue;
    const exact = project.evalString(attr, fn.scope);
    const prefix = attr.k === 'concat' && attr.parts[0]?.k === 'str' ? attr.parts[0].v : undefined;
    for (const [method, m] of methodsOf(project, receiver))
      if (method === exact || (exact === undefined && prefix && method.startsWith(prefix))) out.push(m);
  }
  return out;
}

/** Every method an object of `cls` has, by name, as Python finds it. */
function methodsOf(project: Project, cls: ClassIR): Map<string, FunctionIR> {
  const out = new Map<string, FunctionIR>();
  for (const c of [cls, ...project.projectBases(cls)])
    for (const [name, fn] of Object.entries(c.methods)) if (!out.has(name)) out.set(name, fn);
  return out;
}

/**
 * The methods running `entry` on an object of `receiver` reaches through its own methods, in call order, each with
 * the method that first called it.
 */
export function reachedMethods(
  project: Project,
  entry: FunctionIR,
  receiver: ClassIR,
): { fn: FunctionIR; caller?: FunctionIR }[] {
  const out: { fn: FunctionIR; caller?: FunctionIR }[] = [];
  const visit = (fn: FunctionIR, caller?: FunctionIR): void => {
    if (out.some((r) => r.fn === fn) || out.length >= MAX_REACH) return;
    out.push({ fn, caller });
    for (const c of fn.facts.calls) for (const m of dispatchedMethods(project, c, fn, receiver)) visit(m, fn);
  };
  visit(entry);
  return out;
}

/**
 * The method that answers for a view class: of the methods its entry point reaches, those defined nearest the
 * class itself (its own code before the framework's); of those, the last one the framework's code calls (what
 * runs after the checks), not a helper the class's own methods call.
 */
export function answeringMethod(project: Project, entry: FunctionIR, receiver: ClassIR): FunctionIR {
  const order = [receiver, ...project.projectBases(receiver)];
  const rank = (fn: FunctionIR): number => {
    const at = order.indexOf(project.classOfMethod(fn)!);
    return at < 0 ? order.length : at;
  };
  const reached = reachedMethods(project, entry, receiver);
  const nearest = Math.min(...reached.map((r) => rank(r.fn)));
  const own = reached.filter((r) => rank(r.fn) === nearest);
  const hooks = own.filter((r) => !r.caller || rank(r.caller) > nearest);
  return (hooks.length ? hooks : own).at(-1)!.fn;
}

/**
 * The method a project's registration calls on a new object of a view class, when `add_url_rule` of the
 * blueprint's own class turns a class into a view (`view_func = make_view(view_func)` where `make_view(cls)`
 * returns a function calling `cls().handle()`): that method, as the class finds it.
 */
export function instanceEntry(project: Project, registrar: FunctionIR, cls: ClassIR): FunctionIR | undefined {
  const param = registrar.params.includes('view_func') ? 'view_func' : registrar.params[3];
  if (!param) return undefined;
  for (const e of registrar.scope.assigns.get(param) ?? []) {
    if (e.k !== 'call' || !e.args.some((a) => a.k === 'name' && a.id === param)) continue;
    for (const v of project.evalExpr(e.fn, registrar.scope)) {
      if (v.t !== 'func') continue;
      const made = v.fn.params[0];
      for (const inner of v.fn.scope.functions.values())
        for (const c of inner.facts.calls) {
          if (c.fn.k !== 'attr') continue;
          const obj = c.fn.obj;
          if (obj.k !== 'call' || obj.fn.k !== 'name' || obj.fn.id !== made) continue;
          const method = project.methodOf(cls, c.fn.attr);
          if (method) return method;
        }
    }
  }
  return undefined;
}
