import type { Meaning } from './catalogue/index.js';
import type { Effect } from './effects.js';
import type { BodyCall, ClassIR, Expr, FunctionIR, Guard, Scope } from './ir.js';
import { canonical, exprText, type Project } from './project.js';

/** The standard library's keyed digests: a value only the holder of the key can compute. */
const KEYED_DIGESTS = new Set(['hmac.new', 'hmac.digest', 'hmac.HMAC']);
/** Flask's request, however it is imported. */
const FLASK_REQUEST = new Set(['flask.request', 'flask.globals.request']);
/** How far a value is followed through locals, properties and the project's helpers. */
const MAX_DEPTH = 6;

/**
 * Links signed with a key the server holds: the link carries a signature (`?mac=…`), the server computes the one it
 * expects from its secret (`hmac.new(key, msg)`, an itsdangerous signer's `sign`, or a project helper or property
 * returning one) and turns the request away when they differ. Only the holder of the key can mint such a link, so
 * the route is public on purpose. A value compared with a plain hash of request data, a constant or another
 * request value proves nothing: anyone can compute it.
 */
export class SignedLinks {
  constructor(
    private readonly project: Project,
    /** What calling a catalogued library object's method means (`Signer.sign`: issues a link token). */
    private readonly callMeaning: (call: Pick<BodyCall, 'fn'>, scope: Scope) => Meaning | undefined,
  ) {}

  /** The check `fn` makes, when it turns the request away whenever a value sent differs from a keyed signature. */
  check(fn: FunctionIR): Effect | undefined {
    const turnsAway = [
      ...fn.facts.rejects,
      ...fn.facts.raises,
      ...fn.facts.calls.filter((c) => this.isAbort(c.fn, fn.scope)),
    ];
    for (const { guards } of turnsAway)
      for (const [a, b] of guards.flatMap(differing)) {
        const sent = this.sent(a, fn) ? a : this.sent(b, fn) ? b : undefined;
        const expected = sent === a ? b : a;
        const keyed = sent && this.keyed(expected, fn.scope, 0);
        if (!sent || !keyed) continue;
        return {
          kind: 'verifies-token',
          what: `compares \`${sentName(sent)}\` with a signature keyed by \`${keyed}\``,
          file: fn.scope.module.file,
          line: sent.line,
        };
      }
    return undefined;
  }

  /** Flask's `abort(…)`: whatever status it answers, the request goes no further. */
  private isAbort(e: Expr, scope: Scope): boolean {
    return this.project
      .evalExpr(e, scope)
      .some((v) => v.t === 'ext' && /^(flask|werkzeug\.exceptions)\.abort$/.test(canonical(v.qn)));
  }

  /** A value the request supplies: its query, form, headers or cookies, or one of the function's parameters. */
  private sent(e: Expr, fn: FunctionIR): boolean {
    if (e.k === 'name' && fn.params.includes(e.id) && e.id !== 'self' && e.id !== 'cls') return true;
    let base: Expr = e;
    for (let i = 0; i < MAX_DEPTH; i++) {
      if (base.k === 'call' && base.fn.k === 'attr') base = base.fn.obj;
      else if (base.k === 'subscript' || base.k === 'attr') base = base.obj;
      else break;
    }
    if (base === e || base.k !== 'name') return false;
    return this.project
      .evalExpr(base, fn.scope)
      .some((v) => (v.t === 'ext' || v.t === 'inst') && FLASK_REQUEST.has(canonical(v.qn)));
  }

  /**
   * The keyed digest or signer that computes the value, directly, through a local, a property or a project helper;
   * encoding it (`.hexdigest()`, `base64.b64encode(…)`) keeps it keyed.
   */
  private keyed(e: Expr, scope: Scope, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const d = depth + 1;
    const fromReturns = (fn: FunctionIR): string | undefined => {
      for (const r of fn.facts.returns) {
        const found = this.keyed(r, fn.scope, d);
        if (found) return found;
      }
      return undefined;
    };
    switch (e.k) {
      case 'name':
        for (const v of scope.assigns.get(e.id) ?? []) {
          const found = v !== e ? this.keyed(v, scope, d) : undefined;
          if (found) return found;
        }
        return undefined;
      case 'attr': {
        // A property (`share.mac`) answers what its getter returns.
        const getters = [
          ...this.project.evalExpr(e, scope).flatMap((v) => (v.t === 'func' ? [v.fn] : [])),
          ...this.classes(e.obj, scope, d).flatMap((c) => this.project.methodOf(c, e.attr) ?? []),
        ];
        for (const getter of getters) {
          const found = fromReturns(getter);
          if (found) return found;
        }
        return undefined;
      }
      case 'call': {
        if (this.callMeaning(e, scope) === 'issues-link-token') return exprText(e.fn);
        for (const v of this.project.evalExpr(e.fn, scope)) {
          if (v.t === 'ext' && KEYED_DIGESTS.has(canonical(v.qn))) return canonical(v.qn);
          const found = v.t === 'func' || v.t === 'callresult' ? fromReturns(v.fn) : undefined;
          if (found) return found;
        }
        for (const a of [...e.args, ...(e.fn.k === 'attr' ? [e.fn.obj] : [])]) {
          const found = this.keyed(a, scope, d);
          if (found) return found;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * The project classes a value is an instance of, where evaluation leaves it open: an instance of a class a helper
   * picks from a table (`kind = KINDS.get(name)`, then `s = kind()`).
   */
  private classes(e: Expr, scope: Scope, depth: number): ClassIR[] {
    if (depth > MAX_DEPTH) return [];
    const d = depth + 1;
    const found: ClassIR[] = [];
    for (const v of this.project.evalExpr(e, scope)) if (v.t === 'inst' && v.cls) found.push(v.cls);
    if (found.length) return found;
    if (e.k === 'name')
      return (scope.assigns.get(e.id) ?? []).flatMap((v) => (v !== e ? this.classes(v, scope, d) : []));
    if (e.k !== 'call') return [];
    return this.classTables(e.fn, scope, d);
  }

  /** The project classes a value may be: a class, a table of them, or what a helper returns of either. */
  private classTables(e: Expr, scope: Scope, depth: number): ClassIR[] {
    if (depth > MAX_DEPTH) return [];
    const d = depth + 1;
    // `KINDS.get(name)`, `KINDS[name]`: one of the table's values.
    const table =
      e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'get'
        ? e.fn.obj
        : e.k === 'subscript'
          ? e.obj
          : undefined;
    const values = this.project.evalExpr(table ?? e, scope);
    return values.flatMap((v) => {
      if (v.t === 'class') return table ? [] : [v.cls];
      if (v.t === 'literal' && v.expr.k === 'dict' && table)
        return v.expr.entries.flatMap((en) => this.classTables(en.value, v.scope, d));
      if (!table && v.t === 'callresult')
        return v.fn.facts.returns.flatMap((r) => this.classTables(r, v.fn.scope, d));
      return [];
    });
  }
}

function differing(g: Guard): [Expr, Expr][] {
  return g.kind === 'other' && g.differs ? [g.differs] : [];
}

/** What the request sent, for messages: the argument's key (`mac`), or the expression. */
function sentName(e: Expr): string {
  if (e.k === 'call' && e.args[0]?.k === 'str') return e.args[0].v;
  if (e.k === 'subscript' && e.index.k === 'str') return e.index.v;
  return exprText(e);
}
