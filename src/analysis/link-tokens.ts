import { CATALOGUE, type Meaning } from './catalogue/index.js';
import type { Effect } from './effects.js';
import type { BodyCall, Expr, FunctionIR, Guard, Scope } from './ir.js';
import { canonical, type Project } from './project.js';

/**
 * Link tokens kept server-side: an application issues one by storing a value under a key built from an unguessable
 * random value (`cache.set(f"reset_password_{nonce}", email)` with `nonce = urandom(32)`) and sends the random part
 * in a link; it verifies one by looking the key up from the value the link brings back and acting only when it is
 * there (`addr = cache.get(f"reset_password_{nonce}")`, then `if addr is None: raise …`). The key's literal prefix
 * ties the lookup to the issue, so a record cached by its id (`cache.get(f"user_{id}")`, never keyed by a random
 * value) is no token.
 */
export class LinkTokens {
  private issued?: Map<string, { file: string; line: number }>;

  constructor(
    private readonly project: Project,
    /** What calling `call` means when its receiver is a catalogued store (`writes-cache` for `cache.set`). */
    private readonly storeMeaning: (call: BodyCall, scope: Scope) => Meaning | undefined,
  ) {}

  /**
   * The check a store read makes, when it looks up one of `fn`'s parameters under the key prefix of a random token
   * issued somewhere in the project, and `fn` turns the request away on some path (the token was not found).
   */
  lookup(call: BodyCall, fn: FunctionIR): Effect | undefined {
    const key = keyTemplate(call.args[0] ?? call.kw.key);
    if (!key) return undefined;
    const issue = this.issuedPrefixes().get(key.prefix);
    if (!issue) return undefined;
    const param = fn.params.find((p) => p !== 'self' && p !== 'cls' && key.rest.some((e) => mentions(e, p)));
    if (param === undefined || !rejectsOnSomePath(fn)) return undefined;
    return {
      kind: 'verifies-token',
      what: `looks \`${param}\` up among the random tokens stored at ${issue.file}:${issue.line}`,
      file: fn.scope.module.file,
      line: call.line,
    };
  }

  /** Literal key prefixes of store writes whose key holds a random value, with where each is written. */
  private issuedPrefixes(): Map<string, { file: string; line: number }> {
    if (this.issued) return this.issued;
    this.issued = new Map();
    for (const m of this.project.modules)
      for (const fn of m.allFunctions)
        for (const call of fn.facts.calls) {
          const key = keyTemplate(call.args[0] ?? call.kw.key);
          if (!key || this.issued.has(key.prefix)) continue;
          if (!key.rest.some((e) => this.random(e, fn.scope, 0))) continue;
          const meaning = this.storeMeaning(call, fn.scope);
          if (meaning !== 'writes-data' && meaning !== 'writes-cache') continue;
          this.issued.set(key.prefix, { file: m.file, line: call.line });
        }
    return this.issued;
  }

  /** The value comes from a catalogued random source, directly, through a local, or through the project's helpers. */
  private random(e: Expr, scope: Scope, depth: number): boolean {
    if (depth > 4) return false;
    const d = depth + 1;
    switch (e.k) {
      case 'name':
        return (scope.assigns.get(e.id) ?? []).some((v) => v !== e && this.random(v, scope, d));
      case 'attr':
        return this.random(e.obj, scope, d);
      case 'concat':
        return e.parts.some((p) => this.random(p, scope, d));
      case 'call': {
        for (const v of this.project.evalExpr(e.fn, scope)) {
          if (
            v.t === 'ext' &&
            (CATALOGUE.randomSources.has(v.qn) || CATALOGUE.randomSources.has(canonical(v.qn)))
          )
            return true;
          if (v.t === 'func' && v.fn.facts.returns.some((r) => this.random(r, v.fn.scope, d))) return true;
        }
        // `hexencode(os.urandom(32))`, `secrets.token_hex(16).upper()`.
        return [...e.args, ...(e.fn.k === 'attr' ? [e.fn.obj] : [])].some((a) => this.random(a, scope, d));
      }
      default:
        return false;
    }
  }
}

/** A string key as its literal prefix and the expressions after it: `f"reset_{nonce}"`, `"reset_" + n`, `"r_%s" % n`. */
function keyTemplate(e: Expr | undefined): { prefix: string; rest: Expr[] } | undefined {
  if (!e) return undefined;
  let parts: Expr[];
  if (e.k === 'concat') parts = e.parts;
  else if (e.k === 'percent' && e.fmt.k === 'str') {
    const at = e.fmt.v.indexOf('%');
    const values = e.values.k === 'seq' ? e.values.items : [e.values];
    return at > 0 ? { prefix: e.fmt.v.slice(0, at), rest: values } : undefined;
  } else if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'format' && e.fn.obj.k === 'str') {
    const at = e.fn.obj.v.indexOf('{');
    return at > 0
      ? { prefix: e.fn.obj.v.slice(0, at), rest: [...e.args, ...Object.values(e.kw)] }
      : undefined;
  } else return undefined;
  const first = parts[0];
  if (first?.k !== 'str' || !first.v || parts.length < 2) return undefined;
  return { prefix: first.v, rest: parts.slice(1) };
}

function mentions(e: Expr, name: string, depth = 0): boolean {
  if (depth > 6) return false;
  switch (e.k) {
    case 'name':
      return e.id === name;
    case 'attr':
      return mentions(e.obj, name, depth + 1);
    case 'call':
      return [e.fn, ...e.args].some((a) => mentions(a, name, depth + 1));
    case 'concat':
      return e.parts.some((a) => mentions(a, name, depth + 1));
    default:
      return false;
  }
}

/** Some path of the function raises or turns the request away under a condition: what it looked up decides. */
function rejectsOnSomePath(fn: FunctionIR): boolean {
  const conditional = (guards: Guard[]): boolean => guards.some((g) => g.kind !== 'try');
  return (
    fn.facts.raises.some((r) => conditional(r.guards)) || fn.facts.rejects.some((r) => conditional(r.guards))
  );
}
