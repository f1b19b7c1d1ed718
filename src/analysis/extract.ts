import { CATALOGUE } from './catalogue/index.js';
import type { SyntaxNode } from './parser.js';
import type {
  AddressArgs,
  AddressSubject,
  AddressTest,
  BodyFacts,
  CallStmt,
  ClassIR,
  Decorator,
  Expr,
  FunctionIR,
  Guard,
  ImportBinding,
  Loop,
  LoopTarget,
  ModuleIR,
  Scope,
  Span,
} from './ir.js';
import { mentions } from './mentions.js';
import { SESSION_IDENTITY_KEY, SESSION_STATE_KEY } from './session-keys.js';
import { suppressionComments } from './suppression-comments.js';

/** Beyond this depth, hostile nesting is summarised instead of walked (keeps the JS stack safe). */
const MAX_DEPTH = 120;
const MAX_TEXT = 200;

export function moduleNameOf(path: string): { name: string; isPackage: boolean } {
  const parts = path.replace(/\.py$/, '').split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { name: parts.join('.'), isPackage };
}

const line = (n: SyntaxNode): number => n.startRow + 1;
const endLine = (n: SyntaxNode): number => {
  // A node ending at column 0 ends on the previous line (its newline belongs to it).
  const end = n.endPosition;
  return end.column === 0 && end.row > n.startRow ? end.row : end.row + 1;
};
const clip = (s: string): string => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) + '…' : s);

/** One frozen empty list, shared: most lists of most pictures are empty, and pictures are kept for the whole scan. */
const NONE: never[] = Object.freeze([]) as unknown as never[];
const NO_KEYWORDS: Record<string, Expr> = Object.freeze({}) as Record<string, Expr>;

function newScope(module: ModuleIR, parent?: Scope, owner?: FunctionIR): Scope {
  return {
    module,
    parent,
    owner,
    params: new Set(),
    imports: new Map(),
    assigns: new Map(),
    functions: new Map(),
    classes: new Map(),
    calls: [],
    targetAssigns: [],
    deletes: [],
    starImports: [],
  };
}

/** Prefix letters of a string literal other than `f`. */
const PLAIN_PREFIX = 'rRbBuU';

/**
 * The content of a complete, non-f string literal read from its text, without visiting its parts (each visit
 * crosses into wasm), and without a regular expression's match object (it runs for every string literal). A
 * prefix of at most two letters other than `f`, then a quote, single or tripled; escape sequences stay as
 * written, as in the parts' text.
 */
function plainStringValue(text: string): string | undefined {
  let at = 0;
  while (at < 2 && at < text.length && PLAIN_PREFIX.includes(text[at]!)) at++;
  const q = text[at];
  if (q !== '"' && q !== "'") return undefined;
  const triple = q === '"' ? '"""' : "'''";
  const quote = text.startsWith(triple, at) ? triple : q;
  const open = at + quote.length;
  if (text.length < open + quote.length || !text.endsWith(quote)) return undefined;
  return text.slice(open, text.length - quote.length);
}

/** The text of a string literal without quotes; undefined for f-strings with interpolations. */
function stringValue(node: SyntaxNode): string | undefined {
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const part of node.namedChildren) {
      const v = part ? stringValue(part) : undefined;
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  const plain = plainStringValue(node.text);
  if (plain !== undefined) return plain;
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') out += child.text;
  }
  return out;
}

/** An f-string as literal pieces and interpolated expressions (format specs make it unknowable). */
function interpolatedParts(node: SyntaxNode, depth: number): Expr[] | undefined {
  const parts: Expr[] = [];
  const pieces = node.type === 'concatenated_string' ? node.namedChildren : [node];
  for (const piece of pieces) {
    if (!piece || piece.type !== 'string') return undefined;
    for (const child of piece.namedChildren) {
      if (!child) continue;
      if (child.type === 'string_content') parts.push({ k: 'str', v: child.text, line: line(child) });
      else if (child.type === 'interpolation') {
        if (child.namedChildren.some((c) => c && c.type !== 'comment' && c !== child.namedChildren[0]))
          return undefined;
        parts.push(toExpr(child.namedChildren[0] ?? null, depth + 1));
      }
    }
  }
  return parts;
}

function hasKeywords(kw: Record<string, Expr>): boolean {
  for (const _ in kw) return true;
  return false;
}

/** How many times toExpr has cut a subtree off at MAX_DEPTH (a conversion without cuts is depth-independent). */
let cuts = 0;

/**
 * The simplified expression of a node. The picture's expressions are never changed once made, so a node's
 * expression is kept on the node and shared by every place that asks for it again (the statement walk and the
 * fact walk convert the same calls, and each call nested in another is reached once per enclosing call). A
 * conversion that cut nothing off at MAX_DEPTH reads the same from any depth not deeper than it was made at.
 */
export function toExpr(node: SyntaxNode | null, depth = 0): Expr {
  if (!node) return { k: 'other', text: '', line: 0 };
  if (node.memo !== undefined && depth <= node.memoDepth) return node.memo as Expr;
  const before = cuts;
  const e = convert(node, depth);
  if (cuts === before && (node.memo === undefined || depth > node.memoDepth)) {
    node.memo = e;
    node.memoDepth = depth;
  }
  return e;
}

function convert(node: SyntaxNode, depth: number): Expr {
  const ln = line(node);
  if (depth > MAX_DEPTH) {
    cuts++;
    return { k: 'other', text: clip(node.text), line: ln };
  }
  const d = depth + 1;
  switch (node.type) {
    case 'identifier':
      return { k: 'name', id: node.text, line: ln };
    case 'attribute':
      return {
        k: 'attr',
        obj: toExpr(node.childForFieldName('object'), d),
        attr: node.childForFieldName('attribute')?.text ?? '',
        line: ln,
      };
    case 'call': {
      const args: Expr[] = [];
      const kw: Record<string, Expr> = {};
      const argList = node.childForFieldName('arguments');
      if (argList && argList.type === 'argument_list') {
        for (const a of argList.namedChildren) {
          if (!a || a.type === 'comment') continue;
          if (a.type === 'keyword_argument') {
            const name = a.childForFieldName('name')?.text;
            if (name) kw[name] = toExpr(a.childForFieldName('value'), d);
          } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
            args.push({ k: 'other', text: clip(a.text), line: line(a) });
          } else {
            args.push(toExpr(a, d));
          }
        }
      }
      return {
        k: 'call',
        fn: toExpr(node.childForFieldName('function'), d),
        args: args.length ? args : NONE,
        kw: hasKeywords(kw) ? kw : NO_KEYWORDS,
        line: ln,
        col: node.startPosition.column,
      };
    }
    case 'subscript':
      return {
        k: 'subscript',
        obj: toExpr(node.childForFieldName('value'), d),
        index: toExpr(node.childForFieldName('subscript'), d),
        line: ln,
      };
    case 'string':
    case 'concatenated_string': {
      const v = stringValue(node);
      if (v !== undefined) return { k: 'str', v, line: ln };
      const parts = interpolatedParts(node, d);
      return parts ? { k: 'concat', parts, line: ln } : { k: 'other', text: clip(node.text), line: ln };
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type;
      if (op === '%')
        return {
          k: 'percent',
          fmt: toExpr(node.childForFieldName('left'), d),
          values: toExpr(node.childForFieldName('right'), d),
          line: ln,
        };
      if (op !== '+') return { k: 'other', text: clip(node.text), line: ln };
      return {
        k: 'concat',
        parts: [toExpr(node.childForFieldName('left'), d), toExpr(node.childForFieldName('right'), d)],
        line: ln,
      };
    }
    case 'boolean_operator': {
      const op = node.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
      if (op !== 'and' && op !== 'or') return { k: 'other', text: clip(node.text), line: ln };
      return {
        k: 'boolop',
        op,
        left: toExpr(node.childForFieldName('left'), d),
        right: toExpr(node.childForFieldName('right'), d),
        line: ln,
      };
    }
    case 'integer':
    case 'float': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? { k: 'num', v, line: ln } : { k: 'other', text: clip(node.text), line: ln };
    }
    case 'true':
      return { k: 'const', v: true, line: ln };
    case 'false':
      return { k: 'const', v: false, line: ln };
    case 'none':
      return { k: 'const', v: null, line: ln };
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return {
        k: 'seq',
        items: itemsOf(node, d),
        line: ln,
      };
    case 'dictionary': {
      const entries: { key: Expr; value: Expr }[] = [];
      for (const p of node.namedChildren) {
        if (p?.type === 'pair') {
          entries.push({
            key: toExpr(p.childForFieldName('key'), d),
            value: toExpr(p.childForFieldName('value'), d),
          });
        } else if (p?.type === 'dictionary_splat') {
          // `**other`: keys unknown statically.
          entries.push({
            key: { k: 'other', text: clip(p.text), line: line(p) },
            value: { k: 'other', text: '', line: line(p) },
          });
        }
      }
      return { k: 'dict', entries, line: ln };
    }
    case 'parenthesized_expression': {
      const inner = firstCode(node.namedChildren);
      return inner ? toExpr(inner, d) : { k: 'other', text: clip(node.text), line: ln };
    }
    default:
      return { k: 'other', text: clip(node.text), line: ln };
  }
}

function dottedName(node: SyntaxNode | null): string {
  return node ? node.compactText : '';
}

/** The absolute module of a relative import: `from ..x import y` (dots 2, rest `x`) in `pkg.sub.mod`. */
export function resolveRelative(moduleName: string, isPackage: boolean, dots: number, rest: string): string {
  const parts = moduleName ? moduleName.split('.') : [];
  // In a package's __init__, one dot is the package itself; in a module, one dot is its package.
  const keep = parts.length - (isPackage ? dots - 1 : dots);
  const base = parts.slice(0, Math.max(0, keep));
  if (rest) base.push(...rest.split('.'));
  return base.join('.');
}

function recordImport(node: SyntaxNode, scope: Scope): void {
  const mod = scope.module;
  const ln = line(node);
  if (node.type === 'import_statement') {
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'aliased_import') {
        const full = dottedName(n.childForFieldName('name'));
        const alias = n.childForFieldName('alias')?.text;
        if (alias) scope.imports.set(alias, { module: full, line: ln });
      } else {
        // `import a.b` binds `a` to the top package.
        const full = dottedName(n);
        const top = full.split('.')[0]!;
        scope.imports.set(top, { module: top, line: ln });
      }
    }
    return;
  }
  // import_from_statement
  const moduleNode = node.childForFieldName('module_name');
  let from = '';
  const relative = moduleNode?.type === 'relative_import';
  if (relative) {
    const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
    const dots = prefix ? prefix.text.length : 0;
    const rest = dottedName(moduleNode.namedChildren.find((c) => c?.type === 'dotted_name') ?? null);
    from = resolveRelative(mod.name, mod.isPackage, dots, rest);
  } else {
    from = dottedName(moduleNode);
  }
  if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
    scope.starImports.push(from);
    return;
  }
  for (const n of node.childrenForFieldName('name')) {
    if (!n) continue;
    let name: string;
    let alias: string;
    if (n.type === 'aliased_import') {
      name = dottedName(n.childForFieldName('name'));
      alias = n.childForFieldName('alias')?.text ?? name;
    } else {
      name = dottedName(n);
      alias = name;
    }
    const binding: ImportBinding = { module: from, name, line: ln, ...(relative ? { relative } : {}) };
    scope.imports.set(alias, binding);
  }
}

function decoratorsOf(node: SyntaxNode): Decorator[] {
  if (node.parent?.type !== 'decorated_definition') return [];
  const out: Decorator[] = [];
  for (const c of node.parent.namedChildren) {
    if (c?.type !== 'decorator') continue;
    const expr = firstCode(c.namedChildren) ?? null;
    out.push({ expr: toExpr(expr), line: line(c) });
  }
  return out;
}

function spanOf(def: SyntaxNode): Span {
  const outer = def.parent?.type === 'decorated_definition' ? def.parent : def;
  return { startLine: line(outer), endLine: endLine(def) };
}

function paramNames(params: SyntaxNode | null): string[] {
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') out.push(p.text);
    else {
      // `*urls: str` and `**options: Any` hold their name one level down, in the splat.
      const named = p.type === 'typed_parameter' ? (splatOf(p) ?? p) : p;
      const name =
        named.childForFieldName('name') ?? named.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      if (name) out.push(name.text);
    }
  }
  return out;
}

/** What ends the parameters a caller may pass by position. */
const SPLATS = new Set(['list_splat_pattern', 'dictionary_splat_pattern', 'keyword_separator']);

/** The parameters before the first `*`, `*args` or `**kwargs`, less a `/` marker. */
function positionalNames(params: SyntaxNode | null): string[] {
  const out: string[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p || p.type === 'positional_separator') continue;
    const inner = p.type === 'typed_parameter' ? p.namedChildren[0] : p;
    if (!inner || SPLATS.has(inner.type)) break;
    const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? inner);
    if (name.type === 'identifier') out.push(name.text);
  }
  return out;
}

/** Annotations of parameters (`object_id: int`), as written. */
function paramAnnotations(params: SyntaxNode | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params?.namedChildren ?? []) {
    if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter')) continue;
    const name = p.childForFieldName('name') ?? p.namedChildren[0];
    const type = p.childForFieldName('type');
    if (name?.type === 'identifier' && type) out[name.text] = type.text;
  }
  return out;
}

function splatOf(p: SyntaxNode): SyntaxNode | undefined {
  return p.namedChildren.find(
    (c): c is SyntaxNode => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern',
  );
}

/** The name of the `*args` parameter (`*urls` or `*urls: str`), if the function has one. */
function varargsName(params: SyntaxNode | null): string | undefined {
  for (const p of params?.namedChildren ?? []) {
    const splat =
      p?.type === 'list_splat_pattern' ? p : p?.type === 'typed_parameter' ? splatOf(p) : undefined;
    if (splat?.type !== 'list_splat_pattern') continue;
    const name = splat.namedChildren.find((c) => c?.type === 'identifier');
    if (name) return name.text;
  }
  return undefined;
}

/** Default values of parameters (`pk_type='int'`). */
function paramDefaults(params: SyntaxNode | null): Record<string, Expr> {
  const out: Record<string, Expr> = {};
  for (const p of params?.namedChildren ?? []) {
    if (!p || (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter')) continue;
    const name = p.childForFieldName('name');
    const value = p.childForFieldName('value');
    if (name?.type === 'identifier' && value) out[name.text] = toExpr(value);
  }
  return out;
}

/** Names bound by an assignment target (`a`, `a, b`, `(a, b)`). */
function targetNames(target: SyntaxNode): string[] {
  if (target.type === 'identifier') return [target.text];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(target.type)) {
    return target.namedChildren.flatMap((c) => (c ? targetNames(c) : []));
  }
  return [];
}

interface WalkContext {
  module: ModuleIR;
  depth: number;
  /** The `for` loops around the statement, outermost first. */
  loops: Loop[];
  /** Under an if/else, a loop or an except handler: the statement may not run. */
  conditional: boolean;
}

// Regular expressions the walks test, made once (a literal in a function makes a new object at every test).
/** `request.authorization` and what follows it. */
const REQUEST_AUTHORIZATION = /^request\.authorization\b/;
/**
 * Identity kept on `g` (`g.user`, `flask.g.token`…). What describes the connection rather than the caller
 * (`g.client_ip`, `g.user_agent`: an address and a header any anonymous request has) is no identity.
 */
const G_IDENTITY =
  /^(flask\.)?g\.(user|current_user|identity|auth|token|jwt|account|principal|api_key|client)(?!_?(ip|addr|address|agent|host)(?![a-z]))/i;
/**
 * `session.user`: an attribute of Flask's session that is no dict method nor SessionMixin flag comes from the
 * app's own session class (`app.session_interface`), which holds the signed-in caller as `g.user` does.
 */
const SESSION_IDENTITY = /^(flask\.)?session\.(user|current_user|identity|account|principal)/i;
/** `g.get`, `flask.g.get`. */
const G_GET = /^(flask\.)?g\.get$/;
/** An attribute of `current_user`. */
const CURRENT_USER_ATTRIBUTE = /^current_user\./;
/** `current_identity` (Flask-JWT). */
const CURRENT_IDENTITY = /^current_identity\b/;
/** Where a request carries parameters and cookies. */
const REQUEST_PARAMS = /^request\.(cookies|args|values|form)$/;
/** WSGI environ keys that carry a credential. */
const AUTH_ENVIRON = /AUTH|TOKEN|REMOTE_USER/i;
/** `request.headers.get`. */
const REQUEST_HEADER_GET = /^request\.headers\.get$/;
/** `request.cookies.get` and the like. */
const REQUEST_PARAM_GET = /^request\.(cookies|args|values|form)\.get$/;
/** Calls that return the caller's identity or claims. */
const IDENTITY_GETTERS = /^(get_jwt_identity|get_jwt|get_raw_jwt|get_current_user|get_jwt_claims)$/;
/** `request.authorization` or `request.headers`. */
const REQUEST_AUTH_OR_HEADERS = /^request\.(authorization|headers)$/;
/** Where a request carries headers, cookies and parameters. */
const REQUEST_INPUTS = /^request\.(headers|cookies|args|values|form)$/;
/** `request.headers.get` and the like. */
const REQUEST_INPUT_GET = /^request\.(headers|cookies|args|values|form)\.(get|getlist|get_all)$/;
/** Calls whose result is not the token they are given (`len(token)`, `mask(token)`). */
const NOT_THE_TOKEN =
  /^(len|bool|type|hash|id|isinstance|callable|mask\w*|redact\w*|fingerprint\w*|sha\d*|md5|hexdigest|digest|count|startswith|endswith)$/i;
/** `jwt.decode` or a bare `decode`. */
const JWT_DECODE = /(^|\.)jwt\.decode$|^decode$/;

/** The first of `nodes` that is not a comment (comments are named nodes and sit anywhere). */
function firstCode(nodes: readonly SyntaxNode[] | undefined): SyntaxNode | undefined {
  if (nodes) for (const c of nodes) if (c.type !== 'comment') return c;
  return undefined;
}

/** `nodes` without comments. */
function codeOf(nodes: readonly SyntaxNode[]): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of nodes) if (c.type !== 'comment') out.push(c);
  return out;
}

/** The items of a tuple, set or expression list, comments left out. */
function itemsOf(node: SyntaxNode, depth: number): Expr[] {
  const items: Expr[] = [];
  for (const c of node.namedChildren) if (c.type !== 'comment') items.push(toExpr(c, depth));
  return items;
}

/** Names a `for` target binds: `bp`, or nested tuples (`for bp, prefix in …`); undefined for anything else. */
function loopTarget(node: SyntaxNode): LoopTarget | undefined {
  if (node.type === 'identifier') return node.text;
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(node.type)) {
    const parts: LoopTarget[] = [];
    for (const c of node.namedChildren) {
      const t = c ? loopTarget(c) : undefined;
      if (t === undefined) return undefined;
      parts.push(t);
    }
    return parts;
  }
  if (node.type === 'parenthesized_expression') {
    const inner = firstCode(node.namedChildren);
    return inner ? loopTarget(inner) : undefined;
  }
  return undefined;
}

/** Each name of a loop target with where it sits inside one item of the iterable. */
function targetPaths(target: LoopTarget, path: number[] = []): { name: string; path: number[] }[] {
  if (typeof target === 'string') return [{ name: target, path }];
  return target.flatMap((t, i) => targetPaths(t, [...path, i]));
}

function walkBlock(block: SyntaxNode, scope: Scope, ctx: WalkContext): void {
  if (ctx.depth > MAX_DEPTH) return;
  for (const stmt of block.namedChildren) {
    if (stmt) walkStatement(stmt, scope, ctx);
  }
}

/** The context one level down (written out: an object spread per statement costs more than the walk). */
function deeperThan(ctx: WalkContext, conditional = ctx.conditional, loops = ctx.loops): WalkContext {
  return { module: ctx.module, depth: ctx.depth + 1, loops, conditional };
}

const BRANCHES = new Set(['if_statement', 'elif_clause', 'else_clause', 'except_clause', 'while_statement']);

function walkStatement(stmt: SyntaxNode, scope: Scope, ctx: WalkContext): void {
  switch (stmt.type) {
    case 'import_statement':
    case 'import_from_statement':
      recordImport(stmt, scope);
      return;
    case 'decorated_definition': {
      const def = stmt.childForFieldName('definition');
      if (def) walkStatement(def, scope, deeperThan(ctx));
      return;
    }
    case 'function_definition': {
      const fn = extractFunction(stmt, scope, deeperThan(ctx));
      if (fn) scope.functions.set(fn.name, fn);
      return;
    }
    case 'class_definition': {
      const cls = extractClass(stmt, scope, deeperThan(ctx));
      if (cls) scope.classes.set(cls.name, cls);
      return;
    }
    case 'delete_statement': {
      // `del session['id']` signs the caller out; only subscripts and attributes are kept (a local's `del` is not).
      const targets = stmt.namedChildren.flatMap((c) =>
        c?.type === 'expression_list' ? c.namedChildren : c ? [c] : [],
      );
      for (const t of targets)
        if (t && (t.type === 'subscript' || t.type === 'attribute'))
          scope.deletes.push({ target: toExpr(t), line: line(stmt) });
      return;
    }
    case 'expression_statement': {
      for (const e of stmt.namedChildren) {
        if (!e) continue;
        if (e.type === 'assignment') recordAssignment(e, scope, ctx.conditional);
        else if (e.type === 'call') {
          const call = toExpr(e);
          if (call.k === 'call') {
            // Optional keys set as the spreads `...(cond ? { key } : {})` would, in the same order.
            const stmt: CallStmt = { call, span: { startLine: line(e), endLine: endLine(e) } };
            if (ctx.loops.length) stmt.loops = ctx.loops;
            if (ctx.conditional) stmt.conditional = true;
            scope.calls.push(stmt);
          }
        }
      }
      return;
    }
    case 'for_statement': {
      const left = stmt.childForFieldName('left');
      const right = stmt.childForFieldName('right');
      const target = left ? loopTarget(left) : undefined;
      const iter = right ? toExpr(right) : undefined;
      if (target !== undefined && iter) {
        for (const { name, path } of targetPaths(target)) {
          const list = scope.assigns.get(name) ?? [];
          list.push({ k: 'item', of: iter, ...(path.length ? { path } : {}), line: line(stmt) });
          scope.assigns.set(name, list);
        }
      }
      // Calls in the body are evaluated once per item when the iterable is known (`for bp, prefix in …`).
      const inLoop = deeperThan(
        ctx,
        true,
        target !== undefined && iter ? [...ctx.loops, { target, iter }] : ctx.loops,
      );
      for (const c of stmt.namedChildren)
        if (c && (c.type === 'block' || c.type.endsWith('_clause'))) walkStatement(c, scope, inLoop);
      return;
    }
    case 'if_statement':
    case 'elif_clause':
    case 'else_clause':
    case 'try_statement':
    case 'except_clause':
    case 'finally_clause':
    case 'with_statement':
    case 'while_statement':
    case 'block': {
      const inner = deeperThan(ctx, BRANCHES.has(stmt.type) || ctx.conditional);
      for (const c of stmt.namedChildren) {
        if (c && (c.type === 'block' || c.type.endsWith('_clause'))) walkStatement(c, scope, inner);
      }
      if (stmt.type === 'block') walkBlock(stmt, scope, inner);
      return;
    }
    default:
      return;
  }
}

function recordAssignment(node: SyntaxNode, scope: Scope, conditional: boolean): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return;
  // `a = b = value`: the right side is itself an assignment.
  let valueNode: SyntaxNode = right;
  const chainTargets: SyntaxNode[] = [left];
  while (valueNode.type === 'assignment') {
    const l = valueNode.childForFieldName('left');
    const r = valueNode.childForFieldName('right');
    if (!l || !r) return;
    chainTargets.push(l);
    valueNode = r;
  }
  const value = toExpr(valueNode);
  for (const target of chainTargets) {
    if (target.type === 'attribute' || target.type === 'subscript') {
      scope.targetAssigns.push({
        target: toExpr(target),
        value,
        line: line(node),
        ...(conditional ? { conditional } : {}),
      });
      continue;
    }
    const names = targetNames(target);
    if (names.length === 1) {
      const list = scope.assigns.get(names[0]!) ?? [];
      list.push(value);
      scope.assigns.set(names[0]!, list);
      if (!conditional) (scope.overwritten ??= new Set()).add(names[0]!);
    } else if (value.k === 'seq' && value.items.length === names.length) {
      names.forEach((n, i) => {
        const list = scope.assigns.get(n) ?? [];
        list.push(value.items[i]!);
        scope.assigns.set(n, list);
      });
    } else {
      for (const n of names) {
        const list = scope.assigns.get(n) ?? [];
        list.push({ k: 'other', text: clip(valueNode.text), line: line(node) });
        scope.assigns.set(n, list);
      }
    }
  }
}

function extractFunction(node: SyntaxNode, parent: Scope, ctx: WalkContext): FunctionIR | undefined {
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  const parameters = node.childForFieldName('parameters');
  const varargs = varargsName(parameters);
  const fn: FunctionIR = {
    name,
    decorators: decoratorsOf(node),
    params: paramNames(parameters),
    positional: positionalNames(parameters),
    annotations: paramAnnotations(parameters),
    ...(varargs ? { varargs } : {}),
    defaults: paramDefaults(parameters),
    span: spanOf(node),
    defLine: line(node),
    facts: NO_FACTS,
    scope: undefined as unknown as Scope,
  };
  fn.scope = newScope(ctx.module, parent, fn);
  for (const p of fn.params) fn.scope.params.add(p);
  ctx.module.allFunctions.push(fn);
  const body = node.childForFieldName('body');
  if (body) {
    walkBlock(body, fn.scope, { module: ctx.module, depth: ctx.depth, loops: [], conditional: false });
    // Flask calls a url_value_preprocessor as `f(endpoint, values)`: its first parameter is `request.endpoint`.
    const preprocessor = fn.decorators.some(
      (d) => d.expr.k === 'attr' && /^(app_)?url_value_preprocessor$/.test(d.expr.attr),
    );
    fn.facts = bodyFacts(body, fn.scope, fn.params, preprocessor ? fn.params[0] : undefined);
  }
  return fn;
}

function extractClass(node: SyntaxNode, parent: Scope, ctx: WalkContext): ClassIR | undefined {
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  const bases: Expr[] = [];
  const sup = node.childForFieldName('superclasses');
  for (const b of sup?.namedChildren ?? []) {
    if (b && b.type !== 'keyword_argument' && b.type !== 'comment') bases.push(toExpr(b));
  }
  const cls: ClassIR = {
    name,
    bases,
    decorators: decoratorsOf(node),
    span: spanOf(node),
    defLine: line(node),
    attrs: {},
    methods: {},
    facts: NO_FACTS,
    scope: newScope(ctx.module, parent),
  };
  ctx.module.allClasses.push(cls);
  const body = node.childForFieldName('body');
  if (body) {
    walkBlock(body, cls.scope, { module: ctx.module, depth: ctx.depth, loops: [], conditional: false });
    for (const [n, values] of cls.scope.assigns) cls.attrs[n] = values[values.length - 1]!;
    for (const [n, fn] of cls.scope.functions) cls.methods[n] = fn;
    cls.facts = bodyFacts(body, cls.scope, []);
  }
  return cls;
}

function emptyFacts(): BodyFacts {
  return {
    credentialReads: [],
    rawCredentialReads: [],
    credentialChecks: [],
    rejects: [],
    passes: [],
    calls: [],
    returnsCredential: false,
    presenceReads: [],
    reliedIdentityReads: [],
    returnSources: [],
    returnsOwnState: false,
    returnedNames: [],
    returns: [],
    returnGuards: [],
    marksParam: [],
    tokenLogs: [],
    queryTokenReads: [],
    sessionSignIns: [],
    raises: [],
    handlers: [],
    registersParam: [],
    redirects: [],
    readsRequestData: false,
    addressTests: [],
    filledOnce: [],
    passTests: [],
    flagRaises: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Body facts: credential reads, rejections and the conditions they sit under.

// A CSRF token (`X-CSRF-Token`, `csrf_token`) proves the request came from the app's own page, not who sent it.
// A header named for a key (`X-Access-Key`, `X-Service-Key`) carries one, but `Idempotency-Key` only names a retry.
const AUTH_HEADER =
  /^(?!.*[cx]srf)(?!.*idempotency).*(authori[sz]ation|token|api[-_]?key|apikey|x-api|jwt|bearer|x-auth|secret|signature|session|(^|[-_])key$)/i;
const AUTH_PARAM =
  /^(?!.*[cx]srf).*(token|api[-_]?key|apikey|jwt|auth|access[-_]?key|session|sid|signature|^key$)/i;
const REJECT_CALLEE =
  /unauthori[sz]ed|forbidden|^authenticate$|auth_?error|auth_?fail|access_?denied|^deny|not_?authenticated|challenge|permission_?denied|login_?required_?response|invalid_?token|token_?(missing|invalid|required|error)/i;
const REJECT_EXCEPTION =
  /unauthori[sz]ed|forbidden|auth|permission|denied|token|credential|login|access|jwt|signature|expired|notallowed/i;
const STATUS_NAME = /UNAUTHORI[SZ]ED|FORBIDDEN|HTTP_401|HTTP_403/;

function lastName(node: SyntaxNode | null): string {
  if (!node) return '';
  if (node.type === 'identifier') return node.compactText;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.compactText ?? '';
  if (node.type === 'call') return lastName(node.childForFieldName('function'));
  return '';
}

/**
 * Every subtree mentionsAuthStatus accepts has a text that matches this: each way to true tests a node's text, or
 * a string's value, which is its content as written, in one piece unless an interpolation (whose string has no
 * value) or, in a tree with syntax errors, an ERROR node splits it.
 */
const MAY_MENTION_AUTH_STATUS = /401|403|UNAUTHORI[SZ]ED|FORBIDDEN/;

/** Does the subtree mention a 401/403 status (literal, HTTPStatus name, or status constant)? */
function mentionsAuthStatus(node: SyntaxNode, depth = 0): boolean {
  if (depth > 40) return false;
  if (depth === 0 && !node.treeHasError && !MAY_MENTION_AUTH_STATUS.test(node.text)) return false;
  if (node.type === 'integer') return node.text === '401' || node.text === '403';
  if (node.type === 'identifier' || node.type === 'attribute') {
    if (STATUS_NAME.test(node.text)) return true;
    if (node.type === 'identifier') return false;
  }
  if (node.type === 'string') {
    const v = stringValue(node);
    return v !== undefined && /^(401|403)\b/.test(v);
  }
  if (node.type === 'lambda' || node.type === 'function_definition') return false;
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
    if (mentionsAuthStatus(c, depth + 1)) return true;
  return false;
}

interface FactWalk {
  facts: BodyFacts;
  scope: Scope;
  params: string[];
  credVars: Set<string>;
  /** Names holding a credential as the client sent it (a subset of credVars). */
  rawVars: Set<string>;
  /** Names holding a bearer token, an Authorization header or decoded claims. */
  tokenVars: Set<string>;
  /** Token names holding the parts of `<auth header>.split()`: part 0 is the scheme word, not the token. */
  splitVars: Set<string>;
  /**
   * Token names holding a dict display (`cfg = {'model': m, 'api_key': key}`), with the keys whose values carry the
   * token: `cfg['model']` is not the token, `cfg['api_key']` and `cfg` itself are.
   */
  tokenDicts: Map<string, Set<string>>;
  /**
   * Objects handed a credential by a call (`c.execute(query_with_token)`): what is fetched from them afterwards
   * (`c.fetchone()`) is the result of looking the credential up.
   */
  lookupVars: Set<string>;
  /** Names only ever assigned 401 or 403 (`status = 401 if anonymous else 403`), and names assigned anything else. */
  statusVars: Set<string>;
  otherVars: Set<string>;
  /**
   * Names assigned a rejecting response (`response = "Forbidden", 403`, `resp = redirect(url_for("login"))`), with
   * the guards of each such assignment: `return response` at the end rejects on the paths that assigned it.
   */
  rejectVars: Map<string, { line: number; guards: Guard[] }[]>;
  /**
   * Local names holding a test of which request this is (`allowed = request.path.startswith("/login") or …`): a
   * condition on the name is that test.
   */
  routeTests: Map<string, SyntaxNode>;
  /** Local names holding the address of the connection (`addr = request.remote_addr`). */
  addressVars: Set<string>;
  /** Local names holding a value read from no part of the request (`local_addr = g.get("web_addr")`). */
  heldVars: Set<string>;
  /**
   * The parameter holding the matched endpoint in a url_value_preprocessor `(endpoint, values)`: Flask passes
   * `request.endpoint` there.
   */
  endpointParam?: string;
  /** Names a statement of a try block assigned, with the block's first line and the statement's (passTests). */
  tryRecords: Map<string, { from: number; line: number }>;
  guards: Guard[];
  /**
   * The negated conditions of earlier `if` branches of the enclosing blocks that end by returning or raising
   * (`if is_admin: return f()`): the statements after them run only when those conditions failed.
   */
  afterExits: Guard[];
  depth: number;
  /**
   * Set while walking an expression whose text names nothing a credential can be read from
   * (collectFromExpression): its calls are collected, and no part of it is asked whether it reads one.
   */
  quiet: boolean;
}

/** Does the expression read a credential (Authorization header, token cookie/arg, session, current user)? */
/**
 * Which credentials a read counts: `raw` — as the client sent them (headers, cookies, arguments,
 * `request.authorization`, and names holding them); `derived` — what a verifier, a lookup or the framework
 * made of them (session, current_user, g.user, JWT identity, names holding those); `any` — both.
 */
type CredentialKind = 'any' | 'raw' | 'derived';

/** Does the expression read a credential (Authorization header, token cookie/arg, session, current user)? */
function readsCredential(node: SyntaxNode, w: FactWalk, depth = 0, kind: CredentialKind = 'any'): boolean {
  if (depth > 30) return false;
  if (depth === 0 && !mayReadCredential(node.text, w)) return false;
  const raw = kind !== 'derived';
  const derived = kind !== 'raw';
  switch (node.type) {
    case 'identifier': {
      // An identifier's compact text is its text, made once per node (walks ask for it again and again).
      const name = node.compactText;
      if (w.rawVars.has(name)) return raw;
      return (
        derived &&
        (w.credVars.has(name) ||
          (name === 'current_user' && currentUserIsProxy(w)) ||
          name === 'current_identity')
      );
    }
    case 'attribute': {
      const text = node.compactText;
      if (REQUEST_AUTHORIZATION.test(text)) return raw;
      if (G_IDENTITY.test(text) || SESSION_IDENTITY.test(text)) return derived;
      if ((CURRENT_USER_ATTRIBUTE.test(text) && currentUserIsProxy(w)) || CURRENT_IDENTITY.test(text))
        return derived;
      break;
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      const key = node.childForFieldName('subscript');
      const vt = requestText(value?.compactText ?? '');
      const kv = key ? stringValue(key) : undefined;
      if (vt === 'request.headers' && kv !== undefined && AUTH_HEADER.test(kv)) return raw;
      if (REQUEST_PARAMS.test(vt) && kv !== undefined && AUTH_PARAM.test(kv)) return raw;
      if (vt === 'session' && !isSessionStateKey(key, w)) return derived;
      if (vt === 'request.environ' && kv !== undefined && AUTH_ENVIRON.test(kv)) return raw;
      break;
    }
    case 'call': {
      const fnNode = node.childForFieldName('function');
      const ft = requestText(fnNode?.compactText ?? '');
      const args = node.childForFieldName('arguments');
      const first = firstCode(args?.namedChildren) ?? null;
      const fv = first ? stringValue(first) : undefined;
      if (REQUEST_HEADER_GET.test(ft) && fv !== undefined && AUTH_HEADER.test(fv)) return raw;
      if (REQUEST_PARAM_GET.test(ft) && fv !== undefined && AUTH_PARAM.test(fv)) return raw;
      if (ft === 'session.get' && !isSessionStateKey(first, w)) return derived;
      // `g.get("auth_token")` is `g.auth_token` (flask.g is an attribute namespace with a dict's `get`).
      if (G_GET.test(ft) && fv !== undefined && G_IDENTITY.test(`g.${fv}`)) return derived;
      const callee = lastName(node);
      const target = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object') : null;
      if (target?.type === 'identifier' && w.lookupVars.has(target.compactText) && FETCH_METHOD.test(callee))
        return derived;
      if (IDENTITY_GETTERS.test(callee) || (callee === 'current_user' && currentUserIsProxy(w)))
        return derived;
      break;
    }
    case 'comparison_operator': {
      // `'Authorization' in request.headers`, `'token' not in request.cookies`
      const [left, right] = node.namedChildren;
      const lv = left ? stringValue(left) : undefined;
      const rt = requestText(right?.compactText ?? '');
      if (lv !== undefined && rt === 'request.headers' && AUTH_HEADER.test(lv)) return raw;
      if (lv !== undefined && REQUEST_PARAMS.test(rt) && AUTH_PARAM.test(lv)) return raw;
      if (rt === 'session' && left && !isSessionStateKey(left, w)) return derived;
      break;
    }
    case 'lambda':
      return false;
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
    if (readsCredential(c, w, depth + 1, kind)) return true;
  return false;
}

/**
 * Is `current_user` here the auth libraries' proxy of the signed-in caller? Yes when imported from one of them,
 * or imported under its own name (a project module re-exporting it), or not imported at all (a global the
 * module leaves to Flask-Login's template context or a star import). No when the name is bound to something
 * else of the project: `from CTFd.utils import user as current_user` is a module of helper functions, whose
 * calls are judged like any helper's.
 */
function currentUserIsProxy(w: FactWalk): boolean {
  for (let s: Scope | undefined = w.scope; s; s = s.parent) {
    const b = s.imports.get('current_user');
    if (!b) continue;
    if (CATALOGUE.identityProxyPackages.has(b.module.split('.')[0]!)) return true;
    return b.name === 'current_user';
  }
  return true;
}

/** Every read readsCredential recognises names one of these, or a name known to hold a credential. */
const CREDENTIAL_WORDS = /request|session|current_user|current_identity|get_jwt|get_raw_jwt|\bg\s*\./;

/** False when `text` cannot contain a credential read: most statements, which then need no walk. */
function mayReadCredential(text: string, w: FactWalk, words = CREDENTIAL_WORDS): boolean {
  if (words.test(text)) return true;
  for (const name of w.credVars) if (text.includes(name)) return true;
  for (const name of w.rawVars) if (text.includes(name)) return true;
  for (const name of w.lookupVars) if (text.includes(name)) return true;
  return false;
}

/**
 * CREDENTIAL_WORDS for every part of a text at once: a text it rejects has no part (no node's text within it)
 * that mayReadCredential accepts. `g.` at the start of a part is a word boundary there whatever precedes it in
 * the whole text, so here only a letter or underscore before it rules it out (`config.get`, `log.info`).
 */
const CREDENTIAL_WORDS_WITHIN =
  /request|session|current_user|current_identity|get_jwt|get_raw_jwt|(?<![A-Za-z_])g\s*\./;

/**
 * Still the credential as sent, only reshaped (`header.split()[1]`, `token or ''`, `auth[7:]`)? Then a name
 * assigned from it holds a raw credential; anything else (a lookup, a verifier) makes it derived.
 */
function isRawCredential(node: SyntaxNode, w: FactWalk, depth = 0): boolean {
  if (depth > 20) return false;
  // Every way to true below ends in readsCredential(…, 'raw') of a part of this node.
  if (depth === 0 && !mayReadCredential(node.text, w, CREDENTIAL_WORDS_WITHIN)) return false;
  switch (node.type) {
    case 'parenthesized_expression':
    case 'conditional_expression':
    case 'boolean_operator':
      for (const c of node.namedChildren) {
        if (c.type !== 'comment' && isRawCredential(c, w, depth + 1)) return true;
      }
      return false;
    case 'subscript': {
      const value = node.childForFieldName('value');
      if (value && isRawCredential(value, w, depth + 1)) return true;
      break;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
      if (obj && RESHAPING_METHOD.test(lastName(fn)) && isRawCredential(obj, w, depth + 1)) return true;
      if (/^(str|bytes)$/.test(fn?.text ?? '')) {
        const arg = firstCode(node.childForFieldName('arguments')?.namedChildren);
        if (arg && isRawCredential(arg, w, depth + 1)) return true;
      }
      break;
    }
  }
  return readsCredential(node, w, depth + 1, 'raw') && !readsCredential(node, w, depth + 1, 'derived')
    ? node.type !== 'call' || /^request\./.test(requestText(node.childForFieldName('function')?.text ?? ''))
    : false;
}

/** String methods that reshape a credential without checking it. */
const RESHAPING_METHOD =
  /^(strip|lstrip|rstrip|split|rsplit|partition|rpartition|replace|lower|upper|casefold|title|removeprefix|removesuffix|encode|get)$/;

/**
 * The request as written through its module (`flask.request.headers`, Connexion's `connexion.request`, which is
 * Flask's request) reads as `request.headers`.
 */
function requestText(text: string): string {
  const dot = text.indexOf('.');
  return dot > 0 && text.startsWith('request', dot + 1) && CATALOGUE.requestModules.has(text.slice(0, dot))
    ? text.slice(dot + 1)
    : text;
}

/**
 * A session key that keeps page-flow state, written as a string or as a name for one: a constant
 * (`session.get(_CSRF_KEY)`, `session[cls._NEXT_KEY]`) by every string assigned to it in an enclosing scope, a
 * parameter by its default (`def verify_csrf(key=_CSRF_KEY)`: a helper is written around the entry it keeps, and
 * the callers that pass no key read that one). Any other key is read as `session.get(key)` is: as who the caller is.
 */
function isSessionStateKey(node: SyntaxNode | null, w: FactWalk): boolean {
  if (!node) return false;
  const literal = stringValue(node);
  if (literal !== undefined) return SESSION_STATE_KEY.test(literal);
  const name =
    node.type === 'identifier' ? node.text : node.type === 'attribute' ? lastName(node) : undefined;
  return name !== undefined && namedStateKey(name, w.scope, 0);
}

function namedStateKey(name: string, scope: Scope | undefined, depth: number): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.params.has(name)) {
      const fallback = s.owner?.defaults[name];
      if (fallback?.k === 'str') return SESSION_STATE_KEY.test(fallback.v);
      return fallback?.k === 'name' && depth < 4 && namedStateKey(fallback.id, s.parent, depth + 1);
    }
    const values = s.assigns.get(name);
    if (values?.length) return values.every((v) => v.k === 'str' && SESSION_STATE_KEY.test(v.v));
  }
  return false;
}

/** Reading the result of a query from a cursor or query object: `c.fetchone()`, `q.first()`. */
const FETCH_METHOD = /^(fetchone|fetchall|fetchmany|first|one|one_or_none|scalar|scalar_one_or_none)$/;

/** Functions a credential can be handed to without being checked: formatting, logging, responses. */
const NON_CHECKING_CALL =
  /^(len|str|bytes|bool|int|float|repr|type|id|hash|isinstance|hasattr|getattr|setattr|print|format|list|tuple|dict|set|jsonify|make_response|abort|redirect|url_for|render_template|Response|startswith|endswith|split|rsplit|partition|strip|replace|lower|upper|encode|decode_header|append|extend|update|setdefault|get)$/;
const NON_CHECKING_MODULE = /^(json|base64|binascii|re|urllib(\.parse)?|string|textwrap|logging|warnings)\./;

/** A callee (`print`, `json.dumps`, `request.headers.get`) that checks nothing it is handed: no credential check. */
export function checksNothing(callee: string): boolean {
  return (
    NON_CHECKING_CALL.test(callee.slice(callee.lastIndexOf('.') + 1)) ||
    NON_CHECKING_MODULE.test(callee) ||
    callee.startsWith('request.') ||
    LOGGING_CALL.test(callee)
  );
}

/** A comparison that only tests presence or the scheme word: `token is None`, `scheme != 'Bearer'`, `len(t) < 8`. */
function isPresenceComparison(node: SyntaxNode): boolean {
  const operands = codeOf(node.namedChildren);
  const ops = node.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
  if (operands.length !== 2 || ops.length !== 1) return false;
  const [a, b] = operands as [SyntaxNode, SyntaxNode];
  const op = ops[0]!;
  const literal = (n: SyntaxNode): string | undefined => (n.type === 'none' ? '' : stringValue(n));
  const la = literal(a);
  const lb = literal(b);
  if ((op === 'in' || op === 'not in') && la !== undefined) {
    return /^(request\.(headers|cookies|args|values|form)|session)$/.test(b.compactText);
  }
  const lit = lb ?? la;
  if (lit !== undefined && /^(|bearer|basic|token|jwt|digest)$/i.test(lit.trim())) return true;
  if (a.type === 'call' && lastName(a) === 'len') return true;
  if (b.type === 'call' && lastName(b) === 'len') return true;
  if (
    (op === 'is' || op === 'is not') &&
    (a.type === 'true' || b.type === 'true' || a.type === 'false' || b.type === 'false')
  )
    return true;
  return false;
}

/** Is a failure raised here swallowed by an enclosing try (a handler that catches it and does not reject)? */
function swallowed(w: FactWalk): boolean {
  return w.guards.some((g) => g.kind === 'try' && !g.handlerRejects);
}

function noteCheck(node: SyntaxNode, w: FactWalk): void {
  const ln = line(node);
  if (!w.facts.credentialChecks.includes(ln)) w.facts.credentialChecks.push(ln);
}

function literalStrings(node: SyntaxNode, w: FactWalk, depth = 0): string[] {
  if (depth > 8) return [];
  const v = stringValue(node);
  if (v !== undefined) return [v];
  if (['list', 'tuple', 'set', 'expression_list', 'parenthesized_expression'].includes(node.type)) {
    return node.namedChildren.flatMap((c) => (c ? literalStrings(c, w, depth + 1) : []));
  }
  if (node.type === 'identifier') {
    // A module-level constant such as PUBLIC_ENDPOINTS = {"auth.login", "health"}.
    for (let s: Scope | undefined = w.scope; s; s = s.parent) {
      const values = s.assigns.get(node.text);
      if (values?.length) return values.flatMap(exprStrings);
    }
  }
  return [];
}

function exprStrings(e: Expr): string[] {
  if (e.k === 'str') return [e.v];
  if (e.k === 'seq') return e.items.flatMap(exprStrings);
  if (
    e.k === 'call' &&
    e.args.length === 1 &&
    e.fn.k === 'name' &&
    /^(set|frozenset|tuple|list)$/.test(e.fn.id)
  ) {
    return exprStrings(e.args[0]!);
  }
  return [];
}

/** A boolean test (`a or b`, `x in LIST`, `p.startswith("/login")`), not a value a condition could test for truth. */
function isTest(node: SyntaxNode): boolean {
  if (node.type === 'parenthesized_expression') {
    const inner = firstCode(node.namedChildren);
    return !!inner && isTest(inner);
  }
  if (node.type === 'call') return /^(startswith|endswith)$/.test(lastName(node));
  return ['comparison_operator', 'boolean_operator', 'not_operator'].includes(node.type);
}

const REQUEST_ROUTE_ATTR =
  /\brequest\.(endpoint|path|url_rule|blueprint|url|full_path|base_url|method|script_root)\b/;

/** The condition mentions the endpoint a url_value_preprocessor is handed. */
function namesEndpointParam(text: string, w: FactWalk): boolean {
  return !!w.endpointParam && new RegExp(`\\b${w.endpointParam}\\b`).test(text);
}

/**
 * The first segment of the request's path (`request.path.split("/")[1] == "api"`, or `[0]` once the leading slash
 * is stripped): the requests under `/api/`, and `/api` itself.
 */
const FIRST_PATH_SEGMENT =
  /^request\.path\.(split\((['"])\/\2\)\[1\]|l?strip\((['"])\/\3\)\.split\((['"])\/\4\)\[0\])$/;

function allowGuard(cond: SyntaxNode, negated: boolean, w: FactWalk): Guard | undefined {
  const text = cond.text;
  // `if request.endpoint and …` holds for every routed request: no list of anything.
  if (cond.type === 'attribute' && /^request\.\w+$/.test(text)) return undefined;
  const markerCheck = /\b(getattr|hasattr)\s*\(|view_functions/.test(text);
  if (!REQUEST_ROUTE_ATTR.test(text) && !markerCheck && !namesEndpointParam(text, w)) return undefined;
  const endpoints: string[] = [];
  const endpointPrefixes: string[] = [];
  const blueprints: string[] = [];
  const paths: string[] = [];
  const prefixes: string[] = [];
  const methods: string[] = [];
  const registries: Expr[] = [];
  let opaque = markerCheck;
  const visit = (n: SyntaxNode, depth: number): void => {
    if (depth > 20) return;
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const an = args ? codeOf(args.namedChildren) : [];
      const objText = fn?.type === 'attribute' ? (fn.childForFieldName('object')?.text ?? '') : '';
      if (lastName(fn) === 'startswith' && /request\.(path|url|full_path)/.test(objText)) {
        for (const a of an) prefixes.push(...literalStrings(a, w));
        return;
      }
      // `request.endpoint.startswith("public")`: every endpoint so named, blueprints `public*` included.
      if (lastName(fn) === 'startswith' && /request\.endpoint/.test(objText)) {
        for (const a of an) endpointPrefixes.push(...literalStrings(a, w));
        return;
      }
      if (/^(getattr|hasattr)$/.test(lastName(fn))) {
        for (const a of an) {
          const s = stringValue(a);
          if (s) endpoints.push(`@marker:${s}`);
        }
      }
      if (lastName(fn) === 'any' || lastName(fn) === 'match' || lastName(fn) === 'fullmatch') opaque = true;
    }
    if (n.type === 'comparison_operator') {
      const operands = n.namedChildren.filter((c): c is SyntaxNode => !!c);
      const subject = operands.find(
        (o) => REQUEST_ROUTE_ATTR.test(o.text) || (o.type === 'identifier' && o.text === w.endpointParam),
      );
      if (subject) {
        const values = operands.filter((o) => o !== subject).flatMap((o) => literalStrings(o, w));
        const subjectText = subject.compactText;
        // `request.endpoint.split(".")[0]` and `.partition(".")[0]` name the blueprint.
        const blueprintOfEndpoint = /^request\.endpoint\.(r?split|partition)\(['"]\.['"](,\d+)?\)\[0\]$/.test(
          subjectText,
        );
        if (/request\.blueprint/.test(subjectText) || blueprintOfEndpoint) blueprints.push(...values);
        else if (/request\.endpoint/.test(subjectText) || subjectText === w.endpointParam)
          endpoints.push(...values);
        else if (/request\.method/.test(subjectText)) methods.push(...values.map((v) => v.toUpperCase()));
        else if (FIRST_PATH_SEGMENT.test(subjectText)) {
          paths.push(...values.map((v) => `/${v}`));
          prefixes.push(...values.map((v) => `/${v}/`));
        } else paths.push(...values);
        if (values.length === 0) {
          opaque = true;
          // `request.endpoint in PUBLIC`, filled at import time by a decorator: resolved against decorators later.
          const other = operands.find((o) => o !== subject);
          if (other && (other.type === 'identifier' || other.type === 'attribute'))
            registries.push(toExpr(other));
        }
        return;
      }
    }
    for (const c of n.namedChildren) if (c) visit(c, depth + 1);
  };
  visit(cond, 0);
  if (/request\.(url_rule)/.test(text) && endpoints.length + paths.length + prefixes.length === 0)
    opaque = true;
  return {
    kind: 'allow',
    negated,
    endpoints,
    endpointPrefixes,
    blueprints,
    paths,
    prefixes,
    methods,
    opaque,
    ...(registries.length ? { registries } : {}),
  };
}

/**
 * A condition that reads no credential decides something other than who the caller is (`import_in_progress()`,
 * a setting): its `other` and helper-predicate guards are marked, so a rejection under them alone is not
 * authentication.
 */
function markUnrelated(guards: Guard[], cond: SyntaxNode, w: FactWalk): Guard[] {
  if (readsCredential(cond, w) || callsWithCredential(cond, w)) return guards;
  return guards.map((g) =>
    g.kind === 'other' || g.kind === 'predicate' ? ({ ...g, unrelated: true } as Guard) : g,
  );
}

/** A call in the condition that is handed a credential (`check_key(request.headers['X-Key'])`). */
function callsWithCredential(cond: SyntaxNode, w: FactWalk, depth = 0): boolean {
  if (depth > 20) return false;
  // Every way to true is readsCredential of a part of `cond`, whose gate no part passes when the whole fails this.
  if (depth === 0 && !mayReadCredential(cond.text, w, CREDENTIAL_WORDS_WITHIN)) return false;
  if (cond.type === 'call') {
    const args = cond.childForFieldName('arguments');
    if (args && readsCredential(args, w)) return true;
  }
  for (const c of cond.namedChildren) if (c && callsWithCredential(c, w, depth + 1)) return true;
  return false;
}

/** The guards an if-condition puts on its branch: every part of an `and` holds (as `or` under negation). */
function conditionGuards(cond: SyntaxNode, negated: boolean, w: FactWalk, depth = 0): Guard[] {
  if (depth > 20) return [{ kind: 'other' }];
  const held = cond.type === 'identifier' ? w.routeTests.get(cond.text) : undefined;
  if (held) return conditionGuards(held, negated, w, depth + 1);
  if (cond.type === 'parenthesized_expression') {
    const inner = firstCode(cond.namedChildren);
    if (inner) return conditionGuards(inner, negated, w, depth + 1);
  }
  if (cond.type === 'not_operator') {
    const arg = cond.childForFieldName('argument');
    if (arg) return conditionGuards(arg, !negated, w, depth + 1);
  }
  if (cond.type === 'boolean_operator') {
    const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
    const left = cond.childForFieldName('left');
    const right = cond.childForFieldName('right');
    if (left && right && (op === 'and') !== negated) {
      return [
        ...conditionGuards(left, negated, w, depth + 1),
        ...conditionGuards(right, negated, w, depth + 1),
      ];
    }
  }
  const guard = classifyCondition(cond, negated, w, depth);
  const differs = guard.kind === 'other' ? differingValues(cond, negated) : undefined;
  const compared = differs ? { ...guard, differs } : guard;
  // A part that reads no credential: the analysis asks whether it depends on the resource the request names.
  if (compared.kind === 'other' && !readsCredential(cond, w) && !callsWithCredential(cond, w))
    return [{ ...compared, subject: toExpr(cond), ...(negated ? { negated: true as const } : {}) }];
  return [compared];
}

/** The two values a condition holds only when they differ: `a != b`, or `a == b` under negation. */
function differingValues(cond: SyntaxNode, negated: boolean): [Expr, Expr] | undefined {
  const parts = cond.type === 'comparison_operator' ? twoOperands(cond) : undefined;
  if (!parts) return undefined;
  const [a, op, b] = parts;
  const whenDiffering = op === '!=' ? !negated : op === '==' && negated;
  return whenDiffering ? [toExpr(a), toExpr(b)] : undefined;
}

/** A comparison of two operands by one operator (`a != b`, not `a < b < c`): the operands and the operator. */
function twoOperands(cmp: SyntaxNode): [SyntaxNode, string, SyntaxNode] | undefined {
  const operands = cmp.namedChildren.filter((c): c is SyntaxNode => !!c);
  const ops = cmp.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
  return operands.length === 2 && ops.length === 1 ? [operands[0]!, ops[0]!, operands[1]!] : undefined;
}

/** Classify an if-condition (as it must hold for the branch to run). */
function classifyCondition(cond: SyntaxNode, negated: boolean, w: FactWalk, depth = 0): Guard {
  if (depth > 20) return { kind: 'other' };
  const held = cond.type === 'identifier' ? w.routeTests.get(cond.text) : undefined;
  if (held) return classifyCondition(held, negated, w, depth + 1);
  switch (cond.type) {
    case 'not_operator': {
      const arg = cond.childForFieldName('argument');
      return arg ? classifyCondition(arg, !negated, w, depth + 1) : { kind: 'other' };
    }
    case 'parenthesized_expression': {
      const inner = firstCode(cond.namedChildren);
      return inner ? classifyCondition(inner, negated, w, depth + 1) : { kind: 'other' };
    }
    case 'boolean_operator': {
      const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
      const left = cond.childForFieldName('left');
      const right = cond.childForFieldName('right');
      if (!left || !right) return { kind: 'other' };
      // De Morgan: under negation `and` behaves as `or`.
      const isAnd = (op === 'and') !== negated;
      const parts = [
        classifyCondition(left, negated, w, depth + 1),
        classifyCondition(right, negated, w, depth + 1),
      ];
      const presence = parts.filter((p): p is Extract<Guard, { kind: 'presence' }> => p.kind === 'presence');
      if (isAnd) {
        const allow = parts.find((p) => p.kind === 'allow');
        if (presence.length) return presence[0]!;
        // Both hold: either one is a sound guard; a helper predicate may turn out to test presence.
        return allow ?? parts.find((p) => p.kind === 'predicate') ?? { kind: 'other' };
      }
      // `or`: the branch runs when any side holds.
      if (presence.length && presence.every((p) => !p.present)) return { kind: 'presence', present: false };
      // `if user is None or not perm.can(): raise`: when the helper or method turns out to test the caller, the
      // whole holds for every caller it turns away, as a `not token` part does.
      const absent = parts.find((p) => p.kind === 'predicate' && !p.present);
      if (absent && !presence.length && !parts.some((p) => p.kind === 'predicate' && p.present))
        return absent;
      const allows = parts.filter((p): p is Extract<Guard, { kind: 'allow' }> => p.kind === 'allow');
      if (allows.length === parts.length && allows.every((a) => !a.negated)) {
        return {
          kind: 'allow',
          negated: false,
          endpoints: allows.flatMap((a) => a.endpoints),
          endpointPrefixes: allows.flatMap((a) => a.endpointPrefixes),
          blueprints: allows.flatMap((a) => a.blueprints),
          paths: allows.flatMap((a) => a.paths),
          prefixes: allows.flatMap((a) => a.prefixes),
          methods: allows.flatMap((a) => a.methods),
          opaque: allows.some((a) => a.opaque),
        };
      }
      return { kind: 'other' };
    }
    case 'comparison_operator': {
      const operands = cond.namedChildren.filter((c): c is SyntaxNode => !!c);
      const ops = cond.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
      if (operands.length === 2 && ops.length === 1) {
        const [a, b] = operands as [SyntaxNode, SyntaxNode];
        const op = ops[0]!;
        const isEmpty = (n: SyntaxNode): boolean => n.type === 'none' || stringValue(n) === '';
        // `authed() is False`, `is_admin() == True`: the test of the other operand, negated or not.
        const bool = (n: SyntaxNode): boolean => n.type === 'true' || n.type === 'false';
        if (['is', '==', 'is not', '!='].includes(op) && bool(a) !== bool(b)) {
          const [subject, value] = bool(b) ? [a, b] : [b, a];
          const holdsWhenTrue = (value.type === 'true') === (op === 'is' || op === '==');
          return classifyCondition(subject, holdsWhenTrue ? negated : !negated, w, depth + 1);
        }
        if ((op === 'is' || op === '==') && (isEmpty(b) || isEmpty(a))) {
          const subject = isEmpty(b) ? a : b;
          if (readsCredential(subject, w))
            return { kind: 'presence', present: negated, raw: isRawCredential(subject, w) };
        }
        if ((op === 'is not' || op === '!=') && (isEmpty(b) || isEmpty(a))) {
          const subject = isEmpty(b) ? a : b;
          if (readsCredential(subject, w))
            return { kind: 'presence', present: !negated, raw: isRawCredential(subject, w) };
        }
        if (
          (op === 'in' || op === 'not in') &&
          /^(request\.(headers|cookies|args)|session)$/.test(b.compactText)
        ) {
          const key = stringValue(a);
          const inSession = b.text.trim() === 'session';
          if (
            key !== undefined &&
            (inSession ? !SESSION_STATE_KEY.test(key) : AUTH_HEADER.test(key) || AUTH_PARAM.test(key))
          ) {
            return { kind: 'presence', present: (op === 'in') !== negated, raw: !inSession };
          }
        }
      }
      const local =
        operands.length === 2 && ops.length === 1
          ? loopbackTest(operands[0]!, operands[1]!, ops[0]!, w)
          : undefined;
      if (local !== undefined) return { kind: 'loopback', local: local !== negated };
      // `request.endpoint not in PUBLIC` holds for requests outside the list.
      const flips = ops.length === 1 && (ops[0] === 'not in' || ops[0] === '!=' || ops[0] === 'is not');
      return allowGuard(cond, negated !== flips, w) ?? { kind: 'other' };
    }
    case 'identifier':
    case 'attribute':
    case 'call':
    case 'subscript': {
      if (cond.type === 'call' && /^(isinstance|callable|len)$/.test(lastName(cond))) {
        return allowGuard(cond, negated, w) ?? { kind: 'other' };
      }
      const signedIn = identityStateTest(cond, w);
      if (signedIn !== undefined) return { kind: 'presence', present: signedIn !== negated };
      const allow = allowGuard(cond, negated, w);
      if (allow) return allow;
      // `if token:` / `if request.authorization:` tests presence; `if current_user.is_admin` does not, nor does a
      // test of the account's state (`if current_user.confirmed:`: the caller's proxy answers it, anonymous or not).
      if (
        cond.type !== 'call' &&
        readsCredential(cond, w) &&
        !/\.(is_|has_|can_|role|admin)/.test(cond.text) &&
        !accountStateAttribute(cond, w)
      ) {
        return { kind: 'presence', present: !negated, raw: isRawCredential(cond, w) };
      }
      // `if auth.startswith('Bearer ')` tests the format of what was sent, not its validity.
      if (cond.type === 'call') {
        const fn = cond.childForFieldName('function');
        const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
        if (
          obj &&
          /^(startswith|endswith|isalnum|isascii|isdigit|isidentifier|istitle|islower|isupper)$/.test(
            lastName(fn),
          ) &&
          isRawCredential(obj, w)
        )
          return { kind: 'presence', present: !negated, raw: true };
        // `if authed():`, `if current_user.is_admin():` with a project helper: resolved by the analysis.
        if (
          fn &&
          (fn.type === 'identifier' || fn.type === 'attribute') &&
          !NON_CHECKING_CALL.test(lastName(fn))
        )
          return { kind: 'predicate', fn: toExpr(fn), present: !negated, ...addressesPassed(cond, w) };
      }
      return { kind: 'other' };
    }
    default:
      return allowGuard(cond, negated, w) ?? { kind: 'other' };
  }
}

/** The address of the connection the request came on: what a proxy-less server saw, not what the client claims. */
const CONNECTION_ADDRESS =
  /^(flask\.)?request\.(remote_addr|environ\.get\((['"])REMOTE_ADDR\3\)|environ\[(['"])REMOTE_ADDR\4\])$/;
/** Addresses only the machine itself connects from. */
const LOOPBACK_ADDRESS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `request.remote_addr in ("127.0.0.1", "::1")` (or `==`, `not in`, `!=`): whether the test holds for loopback
 * connections only (true) or for all others (false); undefined when it compares anything else, or with any
 * address that is not a loopback one (a block list).
 */
function loopbackTest(a: SyntaxNode, b: SyntaxNode, op: string, w: FactWalk): boolean | undefined {
  const test = addressComparison(a, b, op, w);
  return test && 'connection' in test.address ? test.local : undefined;
}

/**
 * The address a node holds: the connection's, or a parameter's (a helper `is_loopback(value)` testing what its
 * caller passes). A Host header (`request.host`, `HTTP_HOST`) is none: the client writes it.
 */
function addressOf(n: SyntaxNode, w: FactWalk): AddressSubject | undefined {
  if (CONNECTION_ADDRESS.test(n.compactText) || (n.type === 'identifier' && w.addressVars.has(n.text)))
    return { connection: true };
  return n.type === 'identifier' && w.params.includes(n.text) ? { param: n.text } : undefined;
}

/**
 * An address compared with loopback addresses (`addr in ("127.0.0.1", "::1")`, `value == "localhost"`): which
 * address, and whether the test holds for loopback ones only (`local`) or for all others. The connection's address
 * equal to a value the application holds (`request.remote_addr == g.get("web_addr")`, the address it listens on)
 * also lets one host only through, and no client can choose the address its connection comes from.
 */
function addressComparison(
  a: SyntaxNode,
  b: SyntaxNode,
  op: string,
  w: FactWalk,
): { address: AddressSubject; local: boolean } | undefined {
  const [addr, other] = addressOf(a, w) ? [a, b] : [b, a];
  const address = addressOf(addr, w);
  if (!address) return undefined;
  const membership = op === 'in' || op === 'not in';
  if (!membership && op !== '==' && op !== '!=') return undefined;
  const local = op === 'in' || op === '==';
  if (
    !membership &&
    'connection' in address &&
    stringValue(other) === undefined &&
    heldByApplication(other, w)
  )
    return { address, local };
  const items = membership
    ? ['tuple', 'list', 'set'].includes(other.type)
      ? other.namedChildren.filter((c): c is SyntaxNode => !!c)
      : []
    : [other];
  const values = items.map(stringValue);
  if (!values.length || !values.every((v) => v !== undefined && LOOPBACK_ADDRESS.has(v))) return undefined;
  return { address, local };
}

/** What the request carries, the client's own words for it included (`request.host`, `environ["HTTP_HOST"]`). */
const REQUEST_WORDS = /\b(request|session|environ|headers|cookies|args|form|json|view_args)\b/;

/**
 * A value read from no part of the request: a setting or global (`g.get("web_addr")`, `app.config["HOST"]`) or a
 * local name assigned one; not a literal, not a parameter (what a caller passes is unknown).
 */
function heldByApplication(n: SyntaxNode, w: FactWalk): boolean {
  if (n.type === 'identifier') return w.heldVars.has(n.text);
  if (n.type !== 'attribute' && n.type !== 'call' && n.type !== 'subscript') return false;
  if (REQUEST_WORDS.test(n.text)) return false;
  let root: SyntaxNode | null = n;
  while (root && root.type !== 'identifier')
    root = root.childForFieldName(
      root.type === 'attribute' ? 'object' : root.type === 'call' ? 'function' : 'value',
    );
  return !!root && !w.params.includes(root.text) && !w.addressVars.has(root.text);
}

/** `ipaddress.ip_address(value).is_loopback`: the library's test that an address is a loopback one. */
function ipLoopbackAddress(n: SyntaxNode, w: FactWalk): AddressSubject | undefined {
  if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'is_loopback') return undefined;
  const call = n.childForFieldName('object');
  if (call?.type !== 'call') return undefined;
  if (
    !/^(ipaddress\.)?(ip_address|IPv4Address|IPv6Address)$/.test(
      call.childForFieldName('function')?.compactText ?? '',
    )
  )
    return undefined;
  const arg = callArgs(call)[0];
  return arg ? addressOf(arg, w) : undefined;
}

/** The addresses a call passes (`is_local(request.remote_addr)`), when it passes any. */
function addressesPassed(call: SyntaxNode, w: FactWalk): { addresses?: AddressArgs } {
  const addresses: AddressArgs = { args: [], kw: {} };
  let any = false;
  for (const a of callArgs(call)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      const address = value ? addressOf(value, w) : undefined;
      if (name && address) {
        addresses.kw[name] = address;
        any = true;
      }
    } else {
      const address = addressOf(a, w) ?? null;
      addresses.args.push(address);
      any ||= !!address;
    }
  }
  return any ? { addresses } : {};
}

/**
 * A returned value that holds for loopback addresses only: a comparison with them, the `ipaddress` test, either
 * of two such tests, or a helper's answer (`return is_loopback_address(remote_addr)`). Undefined when the value
 * is anything else (`return False` is told apart by the analysis).
 */
function returnedAddressTests(value: SyntaxNode, w: FactWalk, depth: number): AddressTest[] | undefined {
  if (depth > 10) return undefined;
  switch (value.type) {
    case 'parenthesized_expression': {
      const inner = firstCode(value.namedChildren);
      return inner ? returnedAddressTests(inner, w, depth + 1) : undefined;
    }
    case 'boolean_operator': {
      if (!value.children.some((c) => c?.type === 'or')) return undefined;
      const l = value.childForFieldName('left');
      const r = value.childForFieldName('right');
      const left = l && returnedAddressTests(l, w, depth + 1);
      const right = r && returnedAddressTests(r, w, depth + 1);
      return left && right ? [...left, ...right] : undefined;
    }
    case 'comparison_operator': {
      const parts = twoOperands(value);
      const test = parts && addressComparison(parts[0], parts[2], parts[1], w);
      return test?.local ? [{ line: line(value), address: test.address }] : undefined;
    }
    case 'attribute': {
      const address = ipLoopbackAddress(value, w);
      return address ? [{ line: line(value), address }] : undefined;
    }
    case 'call': {
      // Only a call passing an address: other returned calls (`render_template(...)`) are far too many to keep.
      const fn = value.childForFieldName('function');
      const { addresses } = addressesPassed(value, w);
      if (!addresses || !fn || (fn.type !== 'identifier' && fn.type !== 'attribute')) return undefined;
      return [{ line: line(value), helper: toExpr(fn), ...addresses }];
    }
    default:
      return undefined;
  }
}

/**
 * `current_user.is_authenticated` (or Flask-Login < 0.3's `is_authenticated()`) holds only for a signed-in
 * caller, `is_anonymous` only for one without credentials: whether there is an identity at all, as a presence
 * test. Anything else about the identity (`is_admin`, `confirmed`) is a check of it.
 */
/** `current_user.confirmed`, `g.user.active`: an attribute of the caller's account that is not who they are. */
function accountStateAttribute(cond: SyntaxNode, w: FactWalk): boolean {
  if (cond.type !== 'attribute') return false;
  const obj = cond.childForFieldName('object');
  const name = cond.childForFieldName('attribute')?.text ?? '';
  return (
    !!obj &&
    obj.compactText === 'current_user' &&
    readsCredential(obj, w, 0, 'derived') &&
    !/^(id|user_?id|username|email|name|sub|identity)$/.test(name)
  );
}

function identityStateTest(cond: SyntaxNode, w: FactWalk): boolean | undefined {
  const attr = cond.type === 'call' ? cond.childForFieldName('function') : cond;
  if (attr?.type !== 'attribute' || (cond.type === 'call' && callArgs(cond).length)) return undefined;
  const obj = attr.childForFieldName('object');
  if (!obj || !readsCredential(obj, w, 0, 'derived')) return undefined;
  const name = attr.childForFieldName('attribute')?.text;
  return name === 'is_authenticated' ? true : name === 'is_anonymous' ? false : undefined;
}

function callArgs(call: SyntaxNode): SyntaxNode[] {
  const args = call.childForFieldName('arguments');
  return args ? codeOf(args.namedChildren) : [];
}

function isReturnOfNothing(stmt: SyntaxNode): boolean {
  const value = firstCode(stmt.namedChildren);
  return !value || value.type === 'none';
}

function isRejectingReturn(stmt: SyntaxNode): boolean {
  const value = firstCode(stmt.namedChildren);
  return !!value && isRejectingResponse(value);
}

/** Where a redirect to sign-in goes (`url_for("login")`, `"/auth/signin"`, `url_for(".authenticate")`). */
const SIGN_IN_TARGET = /login|signin|sign_in|auth|sso|oauth/i;

/** A response that turns the caller away: a 401/403 status, an auth error, or a redirect to sign-in. */
function isRejectingResponse(value: SyntaxNode): boolean {
  if (mentionsAuthStatus(value)) return true;
  const callNode = value.type === 'call' ? value : undefined;
  if (callNode) {
    const name = lastName(callNode);
    if (REJECT_CALLEE.test(name)) return true;
    if (name === 'redirect' && SIGN_IN_TARGET.test(callNode.text)) return true;
  }
  return false;
}

/** The returned response carries a status held in a name only ever set to 401/403 (`status=status`). */
function returnsStatusVar(node: SyntaxNode, w: FactWalk, depth: number): boolean {
  if (!w.statusVars.size || depth > 20 || node.type === 'lambda') return false;
  if (node.type === 'identifier') return w.statusVars.has(node.text);
  for (const c of node.namedChildren) if (c && returnsStatusVar(c, w, depth + 1)) return true;
  return false;
}

/** `return redirect(...)` to anywhere: a rejection when only callers without credentials are sent away (auth.ts). */
function isRedirect(stmt: SyntaxNode): boolean {
  const value = firstCode(stmt.namedChildren);
  return value?.type === 'call' && lastName(value) === 'redirect';
}

function isRejectingRaise(stmt: SyntaxNode): boolean {
  const value = firstCode(stmt.namedChildren);
  if (!value) return true; // re-raise inside a handler
  if (mentionsAuthStatus(value)) return true;
  const name = value.type === 'call' ? lastName(value) : lastName(value.type === 'attribute' ? value : value);
  return REJECT_EXCEPTION.test(name || value.text.slice(0, 80));
}

function isAbortCall(node: SyntaxNode): boolean {
  return (
    node.type === 'call' &&
    lastName(node) === 'abort' &&
    mentionsAuthStatus(node.childForFieldName('arguments') ?? node)
  );
}

/** Exception types a failed verification raises, or that catch it (`Exception`, a bare `except:`). */
const AUTH_FAILURE_TYPES =
  /\b(Exception|BaseException)\b|auth|jwt|jose|token|signature|expired|decode|invalid|credential|permission|unauthori[sz]ed|forbidden|bad_?data|bad_?payload|claim|header|http|verif|identity|csrf/i;

/**
 * Does a failure raised in the try body still stop the request? Not when a handler that catches it (a bare
 * `except:`, `except Exception`, an auth or token error) carries on without rejecting, returning or re-raising.
 * A try whose handlers catch only unrelated errors (`except ValueError`) lets the failure through.
 */
function handlerRejects(tryStmt: SyntaxNode): boolean {
  for (const c of tryStmt.namedChildren) {
    if (c?.type !== 'except_clause' && c?.type !== 'except_group_clause') continue;
    const caught = c.namedChildren
      .filter((x) => !!x && x.type !== 'block' && x.type !== 'comment')
      .map((x) => x!.text)
      .join(' ');
    if (caught && !AUTH_FAILURE_TYPES.test(caught.replace(/\bas\s+\w+$/, ''))) continue;
    // A handler that re-raises only under a condition (`if require_auth: raise`) lets the other failures through.
    const body = c.namedChildren.find((x) => x?.type === 'block') ?? null;
    if (!alwaysEnds(body, 0)) return false;
  }
  return true;
}

/**
 * Every path through the statements of a block ends the request: a raise, an abort, a returned response, or an
 * `if` whose branches (an `else` among them) all do.
 */
function alwaysEnds(block: SyntaxNode | null, depth: number): boolean {
  if (!block || depth > 20) return false;
  return block.namedChildren.some((st) => {
    if (!st) return false;
    switch (st.type) {
      case 'raise_statement':
        return true;
      case 'return_statement':
        return !isReturnOfNothing(st);
      case 'expression_statement':
        return st.namedChildren.some((e) => e?.type === 'call' && lastName(e) === 'abort');
      case 'with_statement':
        return alwaysEnds(st.childForFieldName('body'), depth + 1);
      case 'if_statement': {
        const alternatives = st.childrenForFieldName('alternative');
        return (
          alternatives.some((a) => a.type === 'else_clause') &&
          alwaysEnds(st.childForFieldName('consequence'), depth + 1) &&
          alternatives.every((a) =>
            alwaysEnds(a.childForFieldName(a.type === 'else_clause' ? 'body' : 'consequence'), depth + 1),
          )
        );
      }
      default:
        return false;
    }
  });
}

/** The exception classes an `except` clause names (`except (NotFound, NotAuthorized) as e:`), not its alias. */
function caughtTypes(clause: SyntaxNode): Expr[] {
  const out: Expr[] = [];
  const add = (n: SyntaxNode | null): void => {
    if (!n) return;
    if (n.type === 'identifier' || n.type === 'attribute') out.push(toExpr(n));
    else if (n.type === 'as_pattern') add(n.namedChildren[0] ?? null);
    else if (n.type === 'tuple' || n.type === 'parenthesized_expression' || n.type === 'expression_list')
      for (const c of n.namedChildren) add(c);
  };
  for (const c of clause.children) {
    if (!c || c.type === 'as' || c.type === ':') break;
    if (c.isNamed && c.type !== 'block' && c.type !== 'comment') add(c);
  }
  return out;
}

/** A handler that returns a response, raises or aborts: the view is not reached. */
function subtreeStops(node: SyntaxNode, depth: number): boolean {
  if (depth > 60) return false;
  if (node.type === 'raise_statement') return true;
  if (node.type === 'return_statement') return !isReturnOfNothing(node);
  if (node.type === 'call' && lastName(node) === 'abort') return true;
  if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
    return false;
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) if (subtreeStops(c, depth + 1)) return true;
  return false;
}

/**
 * An `except` handler that answers with a refusal (a 401/403 response, abort or exception). A bare re-raise hands
 * the caught exception on unchanged: what it means is decided elsewhere, so it refuses nothing here.
 */
function subtreeRejects(node: SyntaxNode, depth: number): boolean {
  if (depth > 60) return false;
  if (node.type === 'return_statement') return isRejectingReturn(node);
  if (node.type === 'raise_statement') return !!firstCode(node.namedChildren) && isRejectingRaise(node);
  if (isAbortCall(node)) return true;
  if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
    return false;
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) if (subtreeRejects(c, depth + 1)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Tokens as data: what holds a bearer token, and where it is logged or read from the URL.

/**
 * Names that say a value is a bearer credential itself: a parameter so named is handed one (`def refresh(access_token)`),
 * an attribute or key so named holds one (`user.access_token`, `resp["id_token"]`). A bare `token`, `claims` or
 * `encoded` names no credential (an ACME challenge, a DNS record's token, an invitation): such a value is a token only
 * when it comes from a credential source (readsToken).
 */
const CREDENTIAL_NAME =
  /^(access_?token|refresh_?token|id_?token|auth_?token|bearer_?token|jwt(_?token)?|raw_?jwt|encoded_?jwt|auth_?header|authorization(_?header)?)$/i;
/**
 * One claim that names the user or describes the token, not a credential: logging `claims["sub"]` is fine,
 * logging `claims` is not. Documented in docs/rules/token-in-logs.md.
 */
const PLAIN_CLAIM =
  /^(sub|user_?id|uid|id|identity|username|user_?name|preferred_username|name|email|role|roles|scope|scp|iss|aud|azp|client_?id|exp|iat|nbf|jti|type|fresh)$/i;
const LOGGING_CALL =
  /^(print|pprint|pprint\.pprint|logging\.(debug|info|warning|warn|error|exception|critical|log)|(\w+\.)*(log|logger|_logger|LOG|LOGGER)\.(debug|info|warning|warn|error|exception|critical|log)|sys\.(stdout|stderr)\.write)$/;
const TOKEN_PRODUCERS = /^(get_jwt|get_raw_jwt|get_jwt_header|decode_token|get_unverified_claims)$/;
/** Calls that issue a credential: flask-jwt-extended's token factories, PyJWT's `jwt.encode`. */
const TOKEN_ISSUERS = /(^|\.)jwt\.encode$|(^|\.)(create_access_token|create_refresh_token)$/;
/** Calls whose result carries what they are given: formatting and serialising (`"{}".format(t)`, `json.dumps(c)`). */
const CARRIES_ARGUMENTS = /^(str|repr|format|join|dumps|dict|list|tuple|pformat)$/;

/**
 * Does a header, cookie or parameter name denote a token? Judged by its last word (a trailing `cookie`/`header`
 * ignored): `access_token`, `jwt`, `X-API-Key`, `Authorization` do; `token_type_hint`, `token_expiry` do not.
 */
function namesToken(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  while (words.length > 1 && /^(cookie|header)$/.test(words[words.length - 1]!)) words.pop();
  const last = words[words.length - 1] ?? '';
  const prev = words[words.length - 2] ?? '';
  if (/^(token|tokens|jwt|bearer|apikey|authorization)$/.test(last)) return true;
  if (last === 'key') return /^(api|access|auth)$/.test(prev);
  if (last === 'auth') return words.length === 1 || prev === 'x';
  return false;
}

/** `x.split()`, `x.split(" ", 1)`, `x.partition(" ")`: splitting an Authorization header into scheme and token. */
function isWhitespaceSplit(node: SyntaxNode): boolean {
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  if (!/^(split|rsplit|partition)$/.test(method)) return false;
  const first = firstCode(node.childForFieldName('arguments')?.namedChildren);
  if (!first || first.type === 'none' || first.type === 'keyword_argument') return method !== 'partition';
  const sep = stringValue(first);
  return !!sep && sep.trim() === '';
}

/**
 * Does the expression carry a credential from a credential source: the Authorization header or a token read from
 * the request, a token the code issues (`create_access_token`, `jwt.encode`) or decodes (`jwt.decode`, `get_jwt()`),
 * a variable assigned from one of those, a parameter or attribute named for a bearer credential (CREDENTIAL_NAME)?
 * What other calls return is not the token handed to them (`status = check_dns(fqdn, token)`).
 */
function readsToken(node: SyntaxNode, w: FactWalk, depth = 0): boolean {
  if (depth > 30) return false;
  if (depth === 0 && !mayReadToken(node.text, w)) return false;
  switch (node.type) {
    case 'identifier':
      return w.tokenVars.has(node.compactText);
    // `"Authorization" in request.headers`, `not token`, `scheme == "Bearer"`: a boolean, not the token.
    case 'comparison_operator':
    case 'not_operator':
      return false;
    case 'attribute': {
      const text = node.compactText;
      if (REQUEST_AUTH_OR_HEADERS.test(text)) return true;
      // `user.access_token` is a credential; `challenge.token` and `user.token_count` are not. Attribute reads of
      // other objects stop here.
      return CREDENTIAL_NAME.test(node.childForFieldName('attribute')?.text ?? '');
    }
    case 'subscript': {
      const valueNode = node.childForFieldName('value');
      const value = valueNode?.compactText ?? '';
      const key = node.childForFieldName('subscript');
      const kv = key ? stringValue(key) : undefined;
      if (REQUEST_INPUTS.test(value) && kv !== undefined) return namesToken(kv);
      const entries = valueNode?.type === 'identifier' ? w.tokenDicts.get(value) : undefined;
      if (entries && kv !== undefined) return entries.has(kv);
      if (kv !== undefined && PLAIN_CLAIM.test(kv)) return false;
      if (kv !== undefined && CREDENTIAL_NAME.test(kv)) return true;
      // `auth.split(" ")[0]`, `parts[0]`: the scheme word.
      if (
        key?.type === 'integer' &&
        key.text === '0' &&
        valueNode &&
        (isWhitespaceSplit(valueNode) || w.splitVars.has(valueNode.text))
      )
        return false;
      break;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const ft = fn?.compactText ?? '';
      const first = firstCode(node.childForFieldName('arguments')?.namedChildren);
      const fv = first ? stringValue(first) : undefined;
      if (REQUEST_INPUT_GET.test(ft)) return fv !== undefined && namesToken(fv);
      if (TOKEN_PRODUCERS.test(lastName(fn ?? null))) return true;
      // `len(token)`, `mask(token)`, `sha256(token)`: what is logged is not the token.
      if (NOT_THE_TOKEN.test(lastName(fn ?? null))) return false;
      if (JWT_DECODE.test(ft) || TOKEN_ISSUERS.test(ft)) return true;
      if (fn?.type === 'attribute') {
        // `claims.get("sub")`: one plain claim. `auth.split(" ")[1]`, `token.strip()`: still the token.
        const method = fn.childForFieldName('attribute')?.text ?? '';
        if ((method === 'get' || method === 'pop') && fv !== undefined && PLAIN_CLAIM.test(fv)) return false;
        if ((method === 'get' || method === 'pop') && fv !== undefined && CREDENTIAL_NAME.test(fv))
          return true;
        const obj = fn.childForFieldName('object');
        const entries = obj?.type === 'identifier' ? w.tokenDicts.get(obj.compactText) : undefined;
        if (entries && (method === 'get' || method === 'pop') && fv !== undefined) return entries.has(fv);
        if (obj && readsToken(obj, w, depth + 1)) return true;
      }
      if (!CARRIES_ARGUMENTS.test(lastName(fn ?? null))) return false;
      const args = node.childForFieldName('arguments');
      return !!args && readsToken(args, w, depth + 1);
    }
    case 'keyword_argument': {
      // `exc_info=True`, `extra={...}`: only the value matters.
      const value = node.childForFieldName('value');
      return value ? readsToken(value, w, depth + 1) : false;
    }
    case 'lambda':
      return false;
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) if (readsToken(c, w, depth + 1)) return true;
  return false;
}

/**
 * Every way readsToken says yes needs one of these in the text: a credential name (CREDENTIAL_NAME,
 * TOKEN_PRODUCERS and TOKEN_ISSUERS share these words), `request.`, a `decode` call, or a name known to hold a token.
 */
const TOKEN_WORDS = /token|jwt|auth|decode|request/i;

/** False when no part of `text` can carry a token. */
function mayReadToken(text: string, w: FactWalk): boolean {
  if (TOKEN_WORDS.test(text)) return true;
  for (const name of w.tokenVars) if (text.includes(name)) return true;
  return false;
}

/** `auth = request.headers["Authorization"]`; `scheme, token = auth.split(" ", 1)`: the scheme word is not a token. */
function noteTokenTargets(left: SyntaxNode, right: SyntaxNode, w: FactWalk): void {
  if (!readsToken(right, w)) return;
  const split = isWhitespaceSplit(right) || (right.type === 'identifier' && w.splitVars.has(right.text));
  const names = targetNames(left);
  if (split && left.type === 'identifier') w.splitVars.add(left.text);
  if (right.type === 'dictionary' && left.type === 'identifier') {
    const keys = tokenKeys(right, w);
    if (keys) w.tokenDicts.set(left.text, keys);
  }
  // `username, password = credentials`: the name of the user is not the secret that comes with it.
  const targets = split && names.length > 1 ? names.slice(1) : names;
  for (const n of targets) if (targets.length === 1 || !PLAIN_CLAIM.test(n)) w.tokenVars.add(n);
}

/** The literal keys of a dict display whose values carry a token; undefined when some key is not a literal. */
function tokenKeys(dict: SyntaxNode, w: FactWalk): Set<string> | undefined {
  const keys = new Set<string>();
  for (const pair of dict.namedChildren) {
    if (!pair || pair.type === 'comment') continue;
    const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
    const kv = key ? stringValue(key) : undefined;
    if (kv === undefined) return undefined;
    const value = pair.childForFieldName('value');
    if (value && readsToken(value, w)) keys.add(kv);
  }
  return keys;
}

function argumentsCarryToken(call: SyntaxNode, w: FactWalk): boolean {
  const args = call.childForFieldName('arguments');
  return (args?.namedChildren ?? []).some((a) => !!a && a.type !== 'comment' && readsToken(a, w));
}

/** `request.args.get('token')`, `request.values['access_token']`: a token taken from the URL. */
function scanQueryTokenReads(node: SyntaxNode, w: FactWalk, depth: number): void {
  if (depth > 40 || node.type === 'lambda' || node.type === 'function_definition') return;
  // Both forms read `request.args` or `request.values`.
  if (depth === 0 && !node.text.includes('request')) return;
  if (node.type === 'call' || node.type === 'subscript') {
    const target =
      node.type === 'call'
        ? (node.childForFieldName('function')?.compactText ?? '')
        : (node.childForFieldName('value')?.compactText ?? '');
    const keyNode =
      node.type === 'call'
        ? firstCode(node.childForFieldName('arguments')?.namedChildren)
        : node.childForFieldName('subscript');
    const key = keyNode ? stringValue(keyNode) : undefined;
    const ok =
      node.type === 'call'
        ? /^request\.(args|values)\.get$/.test(target)
        : /^request\.(args|values)$/.test(target);
    if (ok && key !== undefined && namesToken(key) && !w.facts.queryTokenReads.includes(line(node))) {
      w.facts.queryTokenReads.push(line(node));
    }
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) scanQueryTokenReads(c, w, depth + 1);
}

/** The guards in force, as a list of their own (the shared empty list when there are none). */
function guardsNow(w: FactWalk): Guard[] {
  return w.guards.length ? [...w.guards] : NONE;
}

const NO_AFTER_EXITS: { afterExits?: Guard[] } = Object.freeze({});

/**
 * The negated conditions of earlier exits in force, as an `afterExits` field to spread into a fact (a list of their
 * own: the walk shortens `w.afterExits` when it leaves the block); no field when there are none.
 */
function afterExitsNow(w: FactWalk): { afterExits?: Guard[] } {
  return w.afterExits.length ? { afterExits: [...w.afterExits] } : NO_AFTER_EXITS;
}

/**
 * Whether an argument of a call reads a credential. (A loop in a function of its own: a closure over `w` inside
 * collectCalls would make every call of that walk allocate a context.)
 */
function anyArgumentReadsCredential(call: SyntaxNode, w: FactWalk): boolean {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a.type !== 'comment' && readsCredential(a, w)) return true;
  }
  return false;
}

function collectCalls(node: SyntaxNode, w: FactWalk, depth: number): void {
  if (depth > 40) return;
  if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
    return;
  if (
    node.type === 'comparison_operator' &&
    !w.quiet &&
    readsCredential(node, w) &&
    !isPresenceComparison(node)
  )
    noteCheck(node, w);
  if (node.type === 'call') {
    const fnNode = node.childForFieldName('function');
    const callee = requestText(fnNode?.compactText ?? '');
    // A logging call (`print`, `logger.info`…), told from the callee text already at hand.
    const logging = LOGGING_CALL.test(callee);
    // In a quiet expression (no credential word anywhere in it) no argument reads one: asked first.
    if (
      !w.quiet &&
      !swallowed(w) &&
      !NON_CHECKING_CALL.test(lastName(fnNode)) &&
      !NON_CHECKING_MODULE.test(callee) &&
      !callee.startsWith('request.') &&
      !logging &&
      anyArgumentReadsCredential(node, w)
    ) {
      noteCheck(node, w);
      const target = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object') : null;
      if (target?.type === 'identifier' && target.compactText !== 'request')
        w.lookupVars.add(target.compactText);
    }
    const e = toExpr(node);
    if (e.k === 'call') {
      w.facts.calls.push({
        fn: e.fn,
        args: e.args,
        kw: e.kw,
        line: line(node),
        guards: guardsNow(w),
        ...afterExitsNow(w),
      });
      if (logging && argumentsCarryToken(node, w)) w.facts.tokenLogs.push(line(node));
    }
    if (isAbortCall(node)) w.facts.rejects.push({ line: line(node), guards: guardsNow(w) });
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) collectCalls(c, w, depth + 1);
}

/** Walk a nested statement or block one level down, with `extra` guards in force meanwhile. */
function walkInner(n: SyntaxNode, w: FactWalk, extra: Guard[] = NONE): void {
  if (extra.length) w.guards.push(...extra);
  w.depth++;
  walkFacts(n, w);
  w.depth--;
  if (extra.length) w.guards.splice(w.guards.length - extra.length, extra.length);
}

function walkFacts(node: SyntaxNode, w: FactWalk): void {
  if (w.depth > MAX_DEPTH) return;
  switch (node.type) {
    case 'function_definition':
    case 'class_definition':
    case 'decorated_definition':
      return;
    case 'block':
    case 'module': {
      // An `if` of this block that ends by an exit adds to `afterExits` for the statements after it, not beyond.
      const outer = w.afterExits.length;
      for (const c of node.namedChildren) if (c) walkInner(c, w);
      w.afterExits.length = outer;
      return;
    }
    case 'if_statement': {
      const cond = node.childForFieldName('condition');
      collectFromExpression(cond, w);
      // Testing what a verifier or lookup produced (`if not user`, `if not current_user.is_admin`) checks the credential.
      if (cond && readsCredential(cond, w, 0, 'derived')) noteCheck(cond, w);
      const guards: Guard[] = cond
        ? markUnrelated(conditionGuards(cond, false, w), cond, w)
        : [{ kind: 'other' }];
      const consequence = node.childForFieldName('consequence');
      notePassTests(cond, false, w);
      if (consequence) walkInner(consequence, w, guards);
      if (cond && consequence) notePassesPerDisjunct(cond, consequence, w);
      // Each later branch runs when every earlier condition failed: when each part of an `or` failed, so an
      // allow-list part (`or is_invitation`) stays an exemption next to the credential test.
      const negations: Guard[] = cond
        ? markUnrelated(conditionGuards(cond, true, w), cond, w)
        : [{ kind: 'other' }];
      for (const alt of node.childrenForFieldName('alternative')) {
        if (!alt) continue;
        if (alt.type === 'elif_clause') {
          const c2 = alt.childForFieldName('condition');
          collectFromExpression(c2, w);
          notePassTests(c2, false, w);
          if (c2 && readsCredential(c2, w, 0, 'derived')) noteCheck(c2, w);
          const g2: Guard[] = c2 ? markUnrelated(conditionGuards(c2, false, w), c2, w) : [{ kind: 'other' }];
          const body = alt.childForFieldName('consequence');
          w.guards.push(...negations);
          if (body) walkInner(body, w, g2);
          w.guards.splice(w.guards.length - negations.length, negations.length);
          negations.push(
            ...(c2 ? markUnrelated([classifyCondition(c2, true, w)], c2, w) : [{ kind: 'other' as const }]),
          );
        } else {
          const body = alt.childForFieldName('body');
          w.guards.push(...negations);
          if (body) walkInner(body, w);
          w.guards.splice(w.guards.length - negations.length, negations.length);
        }
      }
      // `if is_admin: return f()` with no other branch: the statements after it run only when `cond` failed.
      if (cond && !node.childrenForFieldName('alternative').length && endsByExit(consequence)) {
        w.afterExits.push(...negations);
        notePassTests(cond, true, w);
      }
      return;
    }
    case 'try_statement': {
      const body = node.childForFieldName('body');
      const rejects = handlerRejects(node);
      if (body) walkInner(body, w, [{ kind: 'try', handlerRejects: rejects }]);
      // When a handler swallows the missing-credential failure, the other handlers (`except Expired: return 401`)
      // only run for requests that carry a credential.
      const handlerGuards: Guard[] = rejects ? [{ kind: 'handler' }] : [{ kind: 'presence', present: true }];
      for (const c of node.namedChildren) {
        if (!c || c === body) continue;
        if ((c.type === 'except_clause' || c.type === 'except_group_clause') && subtreeStops(c, 0))
          w.facts.handlers.push({
            caught: caughtTypes(c),
            line: line(c),
            guards: guardsNow(w),
            rejects: subtreeRejects(c, 0),
          });
        walkInner(c, w, c.type === 'except_clause' || c.type === 'except_group_clause' ? handlerGuards : []);
      }
      // Recorded after the handlers, whose own assignments (`authenticated = False`) record the failure instead.
      if (body) noteTryRecords(body, w);
      return;
    }
    case 'except_clause':
    case 'except_group_clause':
    case 'finally_clause':
    case 'else_clause':
    case 'with_statement':
    case 'for_statement':
    case 'while_statement':
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === 'block') walkInner(c, w);
        else if (c.type !== 'comment') collectFromExpression(c, w);
      }
      return;
    case 'return_statement': {
      collectFromExpression(node, w);
      const returned = firstCode(node.namedChildren);
      const stored = returned?.type === 'identifier' ? w.rejectVars.get(returned.text) : undefined;
      // `return response` after `response = "Forbidden", 403` under a failed check: rejects where it was assigned.
      if (stored) w.facts.rejects.push(...stored);
      if (isRejectingReturn(node) || returnsStatusVar(node, w, 0))
        w.facts.rejects.push({ line: line(node), guards: guardsNow(w) });
      else if (isReturnOfNothing(node)) w.facts.passes.push({ line: line(node), guards: guardsNow(w) });
      else if (isRedirect(node)) w.facts.redirects.push({ line: line(node), guards: guardsNow(w) });
      const value = firstCode(node.namedChildren);
      if (value) {
        const tests = returnedAddressTests(value, w, 0);
        if (tests) w.facts.addressTests.push(...tests);
        if (readsCredential(value, w, 0, 'derived')) w.facts.returnsCredential = true;
        collectReturnSources(value, w, 0);
        if (readsOwnState(value, w, 0)) w.facts.returnsOwnState = true;
        if (value.type === 'true' || value.type === 'false')
          for (const g of w.guards) if (g.kind === 'predicate') w.facts.returnSources.push(g.fn);
        const result = toExpr(value);
        w.facts.returns.push(result);
        w.facts.returnGuards.push({
          line: result.line,
          guards: guardsNow(w),
          ...afterExitsNow(w),
        });
        if (value.type === 'identifier') w.facts.returnedNames.push(value.text);
        for (const g of w.guards)
          if (
            g.kind === 'other' &&
            !g.negated &&
            g.subject?.k === 'name' &&
            mentions(result, new Set([g.subject.id]))
          )
            w.facts.filledOnce.push(g.subject.id);
      }
      return;
    }
    case 'raise_statement': {
      collectFromExpression(node, w);
      if (isRejectingRaise(node))
        w.facts.rejects.push({
          line: line(node),
          guards: guardsNow(w),
          ...(firstCode(node.namedChildren) ? {} : { reraise: true as const }),
        });
      else {
        // Whether `raise Nope()` rejects depends on the class (an HTTPException with code 401, an error handler).
        const value = firstCode(node.namedChildren);
        const exc = value?.type === 'call' ? value.childForFieldName('function') : value;
        const args = value?.type === 'call' ? value.childForFieldName('arguments') : null;
        if (exc && (exc.type === 'identifier' || exc.type === 'attribute'))
          w.facts.raises.push({
            exc: toExpr(exc),
            line: line(node),
            guards: guardsNow(w),
            ...afterExitsNow(w),
            ...(args && SIGN_IN_TARGET.test(args.text) ? { signIn: true as const } : {}),
          });
      }
      return;
    }
    case 'expression_statement': {
      for (const e of node.namedChildren) {
        if (!e) continue;
        if (e.type === 'assignment') {
          const left = e.childForFieldName('left');
          const right = e.childForFieldName('right');
          if (right && left && readsCredential(right, w))
            for (const n of targetNames(left)) w.credVars.add(n);
          if (right && left) {
            const raw = isRawCredential(right, w);
            for (const n of targetNames(left)) {
              if (raw) w.rawVars.add(n);
              else w.rawVars.delete(n);
            }
          }
          if (right && left) noteTokenTargets(left, right, w);
          if (left?.type === 'identifier' && right) {
            const name = left.text;
            if (
              isTest(right) &&
              allowGuard(right, false, w) &&
              !w.routeTests.has(name) &&
              !w.otherVars.has(name)
            )
              w.routeTests.set(name, right);
            else w.routeTests.delete(name);
            if (right.type === 'true') w.facts.flagRaises.push({ name, line: line(e), guards: guardsNow(w) });
            if (CONNECTION_ADDRESS.test(right.compactText)) w.addressVars.add(name);
            else w.addressVars.delete(name);
            if (heldByApplication(right, w)) w.heldVars.add(name);
            else w.heldVars.delete(name);
            if (isRejectingResponse(right)) {
              const stored = w.rejectVars.get(name) ?? [];
              stored.push({ line: line(e), guards: guardsNow(w) });
              w.rejectVars.set(name, stored);
            }
            if (right.type === 'integer' && (right.text === '401' || right.text === '403')) {
              if (!w.otherVars.has(name)) w.statusVars.add(name);
            } else {
              w.statusVars.delete(name);
              w.otherVars.add(name);
            }
          }
          if (left?.type === 'subscript' && left.childForFieldName('value')?.compactText === 'session') {
            const key = left.childForFieldName('subscript');
            const kv = key ? stringValue(key) : undefined;
            if (kv !== undefined && !SESSION_STATE_KEY.test(kv)) w.facts.sessionSignIns.push(line(e));
          }
          if (left?.type === 'attribute') {
            const obj = left.childForFieldName('object');
            if (obj?.type === 'identifier' && w.params.includes(obj.text)) {
              w.facts.marksParam.push(left.childForFieldName('attribute')?.text ?? '');
            }
          }
        }
        // `PUBLIC.add(f.__name__)`, `EXEMPT.append(f)`: the decorator enters the view in a registry a hook honours.
        if (e.type === 'call' && /^(add|append)$/.test(lastName(e))) {
          const fn = e.childForFieldName('function');
          const registry = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
          const arg = firstCode(e.childForFieldName('arguments')?.namedChildren);
          const subject = arg?.type === 'attribute' ? arg.childForFieldName('object') : arg;
          if (
            registry &&
            subject?.type === 'identifier' &&
            w.params.includes(subject.text) &&
            (arg === subject || /^__(name|qualname)__$/.test(arg?.childForFieldName('attribute')?.text ?? ''))
          )
            w.facts.registersParam.push(toExpr(registry));
        }
        if (e.type === 'call' && lastName(e) === 'setattr') {
          const args = e.childForFieldName('arguments')?.namedChildren ?? [];
          const attr = args[1] ? stringValue(args[1]) : undefined;
          if (args[0]?.type === 'identifier' && w.params.includes(args[0].text) && attr)
            w.facts.marksParam.push(attr);
        }
        collectFromExpression(e, w);
      }
      return;
    }
    default:
      collectFromExpression(node, w);
  }
}

/** The names the statements of a try block assign (passTests): each holds its value only when the block got that far. */
function noteTryRecords(body: SyntaxNode, w: FactWalk): void {
  for (const st of body.namedChildren) {
    if (st?.type !== 'expression_statement') continue;
    for (const e of st.namedChildren) {
      const left = e?.type === 'assignment' ? e.childForFieldName('left') : null;
      if (left) for (const n of targetNames(left)) w.tryRecords.set(n, { from: line(body), line: line(e!) });
    }
  }
}

/**
 * A condition (negated: its failure) that holds only when a name a try block assigned is truthy (`if authenticated:`,
 * `if user and …`, or after `if not authenticated: return …`): the name is tested for the block's success.
 */
function notePassTests(cond: SyntaxNode | null, negated: boolean, w: FactWalk, depth = 0): void {
  if (!cond || !w.tryRecords.size || depth > 20) return;
  if (cond.type === 'parenthesized_expression')
    return notePassTests(firstCode(cond.namedChildren) ?? null, negated, w, depth + 1);
  if (cond.type === 'not_operator')
    return notePassTests(cond.childForFieldName('argument'), !negated, w, depth + 1);
  if (cond.type === 'boolean_operator') {
    // Both sides of an `and` hold, as both sides of a failed `or` fail.
    const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
    if ((op === 'and') === negated) return;
    notePassTests(cond.childForFieldName('left'), negated, w, depth + 1);
    notePassTests(cond.childForFieldName('right'), negated, w, depth + 1);
    return;
  }
  const record = cond.type === 'identifier' && !negated ? w.tryRecords.get(cond.text) : undefined;
  if (record && !w.facts.passTests.some((t) => t.name === cond.text && t.line === record.line))
    w.facts.passTests.push({ name: cond.text, ...record });
}

/** A branch whose last statement returns or raises: nothing after its `if` runs when it is taken. */
function endsByExit(block: SyntaxNode | null): boolean {
  const last = block?.namedChildren.filter((c) => c && c.type !== 'comment').at(-1);
  return last?.type === 'return_statement' || last?.type === 'raise_statement';
}

/**
 * `if view is None or getattr(view, "is_public", False): return` lets a request through when either part holds:
 * a plain `return` of the branch is recorded once more under each part, so allow-lists and early exits for a
 * missing credential inside an `or` are seen.
 */
function notePassesPerDisjunct(cond: SyntaxNode, consequence: SyntaxNode, w: FactWalk): void {
  let c = cond;
  while (c.type === 'parenthesized_expression') c = firstCode(c.namedChildren) ?? c;
  if (c.type !== 'boolean_operator' || !c.children.some((x) => x?.type === 'or')) return;
  const returns = consequence.namedChildren.filter(
    (st): st is SyntaxNode => st?.type === 'return_statement' && isReturnOfNothing(st),
  );
  if (!returns.length) return;
  const parts: SyntaxNode[] = [];
  const split = (n: SyntaxNode, depth: number): void => {
    while (n.type === 'parenthesized_expression') n = firstCode(n.namedChildren) ?? n;
    if (depth < 10 && n.type === 'boolean_operator' && n.children.some((x) => x?.type === 'or')) {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l) split(l, depth + 1);
      if (r) split(r, depth + 1);
    } else parts.push(n);
  };
  split(c, 0);
  for (const part of parts) {
    const g = markUnrelated(conditionGuards(part, false, w), part, w);
    for (const r of returns) w.facts.passes.push({ line: line(r), guards: [...w.guards, ...g] });
  }
}

/**
 * The value reads the state of the method's own object (its first parameter, `self`): an attribute, an item or a
 * `get` of it, unless under a page-flow key (SESSION_STATE_KEY).
 */
function readsOwnState(node: SyntaxNode, w: FactWalk, depth: number): boolean {
  const self = w.params[0];
  if (!self || depth > 20 || node.type === 'lambda') return false;
  const onSelf = (n: SyntaxNode | null): boolean => n?.type === 'identifier' && n.text === self;
  const ownKey = (n: SyntaxNode | null | undefined): boolean => {
    const key = n ? stringValue(n) : undefined;
    return key !== undefined && !SESSION_STATE_KEY.test(key);
  };
  if (node.type === 'attribute' && onSelf(node.childForFieldName('object')))
    return !SESSION_STATE_KEY.test(node.childForFieldName('attribute')?.text ?? '');
  if (node.type === 'subscript' && onSelf(node.childForFieldName('value')))
    return ownKey(node.childForFieldName('subscript'));
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (fn?.type === 'attribute' && onSelf(fn.childForFieldName('object')))
      return lastName(fn) === 'get' && ownKey(firstCode(node.childForFieldName('arguments')?.namedChildren));
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
    if (readsOwnState(c, w, depth + 1)) return true;
  return false;
}

/** Calls a returned value is computed from (`bool(authed())`, `is_admin() and x`): what a predicate derives from. */
function collectReturnSources(node: SyntaxNode, w: FactWalk, depth: number): void {
  if (depth > 20 || node.type === 'lambda') return;
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (fn && (fn.type === 'identifier' || fn.type === 'attribute') && !NON_CHECKING_CALL.test(lastName(fn)))
      w.facts.returnSources.push(toExpr(fn));
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) collectReturnSources(c, w, depth + 1);
}

/** Credential reads under a presence test, also inside conditional expressions (`a if current_user.is_authenticated else b`). */
function notePresenceReads(node: SyntaxNode, w: FactWalk, depth: number): void {
  if (depth > 30 || node.type === 'lambda' || !mayReadCredential(node.text, w)) return;
  if (w.guards.some((g) => g.kind === 'presence' && g.present) && readsCredential(node, w, 0, 'derived')) {
    if (!w.facts.presenceReads.includes(line(node))) w.facts.presenceReads.push(line(node));
    return;
  }
  if (node.type === 'conditional_expression') {
    const [body, cond, alt] = codeOf(node.namedChildren);
    if (body && cond) {
      const held = conditionGuards(cond, false, w);
      w.guards.push(...held);
      notePresenceReads(body, w, depth + 1);
      w.guards.splice(w.guards.length - held.length, held.length);
      if (alt) {
        w.guards.push(classifyCondition(cond, true, w));
        notePresenceReads(alt, w, depth + 1);
        w.guards.pop();
      }
      return;
    }
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) notePresenceReads(c, w, depth + 1);
}

function collectFromExpression(node: SyntaxNode | null, w: FactWalk): void {
  if (!node) return;
  if (!mayReadCredential(node.text, w, CREDENTIAL_WORDS_WITHIN)) {
    // No part reads a credential or `request` (which every query-string read names): only the calls remain.
    w.quiet = true;
    collectCalls(node, w, 0);
    w.quiet = false;
    return;
  }
  notePresenceReads(node, w, 0);
  scanQueryTokenReads(node, w, 0);
  if (readsCredential(node, w)) w.facts.credentialReads.push(line(node));
  if (readsCredential(node, w, 0, 'raw')) w.facts.rawCredentialReads.push(line(node));
  if (reliesOnIdentity(node, w, 0)) w.facts.reliedIdentityReads.push(line(node));
  collectCalls(node, w, 0);
}

/** Attributes every caller's identity answers, signed in or not: tests of whether there is one. */
const PRESENCE_ATTRIBUTE = /^(is_authenticated|is_anonymous|is_active)$/;

/**
 * Does the expression take something of the caller's identity that exists only when there is a signed-in caller
 * (BodyFacts.reliedIdentityReads)? A part of the identity (`current_user.id`, `g.user['id']`), a session key, or
 * what an identity getter returns (`get_jwt_identity()`). The identity object itself handed on as a value
 * (`search(q, session.user)`) may be None or an anonymous account, which the callee handles; and the right of an
 * `and` whose left tests the identity (`session.user and session.user.is_admin`) runs only when there is one.
 */
function reliesOnIdentity(node: SyntaxNode, w: FactWalk, depth: number): boolean {
  if (depth > 30 || node.type === 'lambda') return false;
  if (depth === 0 && !mayReadCredential(node.text, w)) return false;
  switch (node.type) {
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute')?.text ?? '';
      if (obj && !PRESENCE_ATTRIBUTE.test(attr) && readsCredential(obj, w, 0, 'derived')) return true;
      break;
    }
    case 'subscript': {
      // `session['user_id']`, `g.user['id']`: not a key computed from the identity (`names[session.user]`).
      const key = node.childForFieldName('subscript');
      const value = requestText(node.childForFieldName('value')?.compactText ?? '');
      if (value === 'session' && !namesIdentity(key)) break;
      if (readsCredential(node, w, 0, 'derived') && !(key && readsCredential(key, w, 0, 'derived')))
        return true;
      break;
    }
    case 'call': {
      // `session.get('user_id')`, `get_jwt_identity()`: the call's own read, not one in an argument
      // (`can_access(session.user)`).
      const callee = requestText(node.childForFieldName('function')?.compactText ?? '');
      const key = firstCode(node.childForFieldName('arguments')?.namedChildren) ?? null;
      if (callee === 'session.get' && !namesIdentity(key)) break;
      if (readsCredential(node, w, 0, 'derived') && !readsInside(node, w)) return true;
      break;
    }
    case 'boolean_operator': {
      const left = node.childForFieldName('left');
      const operator = node.childForFieldName('operator')?.type;
      if (left && operator === 'and' && readsCredential(left, w, 0, 'derived'))
        return reliesOnIdentity(left, w, depth + 1);
      break;
    }
  }
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
    if (reliesOnIdentity(c, w, depth + 1)) return true;
  return false;
}

/** A session key written out that names who the caller is; one computed (`session[key]`) may well. */
function namesIdentity(key: SyntaxNode | null): boolean {
  const literal = key ? stringValue(key) : undefined;
  return literal === undefined || SESSION_IDENTITY_KEY.test(literal);
}

/** Whether the credential a call reads is read by one of its parts (an argument, the called attribute) instead. */
function readsInside(node: SyntaxNode, w: FactWalk): boolean {
  for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
    if (readsCredential(c, w, 0, 'derived')) return true;
  return false;
}

function bodyFacts(body: SyntaxNode, scope: Scope, params: string[], endpointParam?: string): BodyFacts {
  const w: FactWalk = {
    facts: emptyFacts(),
    scope,
    params,
    credVars: new Set(),
    rawVars: new Set(),
    tokenVars: new Set(params.filter((p) => CREDENTIAL_NAME.test(p))),
    splitVars: new Set(),
    tokenDicts: new Map(),
    lookupVars: new Set(),
    statusVars: new Set(),
    otherVars: new Set(),
    rejectVars: new Map(),
    routeTests: new Map(),
    addressVars: new Set(),
    heldVars: new Set(),
    ...(endpointParam ? { endpointParam } : {}),
    tryRecords: new Map(),
    guards: [],
    afterExits: [],
    depth: 0,
    quiet: false,
  };
  walkFacts(body, w);
  w.facts.readsRequestData = REQUEST_DATA.test(body.text);
  return w.facts;
}

/** What a request carries besides credentials: URL values, query string, form, JSON or raw body. */
export const REQUEST_DATA = /\brequest\.(view_args|args|form|values|json|files|data|get_json|get_data)\b/;

function suppressionsOf(source: string): Map<number, string[]> {
  return new Map(suppressionComments(source).map((c) => [c.line, c.rules]));
}

/** Build the module picture from a parsed tree. The caller frees the tree afterwards. */
export function extractModule(path: string, source: string, root: SyntaxNode): ModuleIR {
  const { name, isPackage } = moduleNameOf(path);
  const mod: ModuleIR = {
    file: path,
    name,
    isPackage,
    scope: undefined as unknown as Scope,
    allFunctions: [],
    allClasses: [],
    facts: NO_FACTS,
    suppressions: suppressionsOf(source),
    hasErrors: root.treeHasError,
  };
  mod.scope = newScope(mod);
  walkBlock(root, mod.scope, { module: mod, depth: 0, loops: [], conditional: false });
  mod.facts = bodyFacts(root, mod.scope, []);
  shareEmptyLists(mod.facts);
  for (const f of mod.allFunctions) if (f.facts !== NO_FACTS) shareEmptyLists(f.facts);
  for (const c of mod.allClasses) if (c.facts !== NO_FACTS) shareEmptyLists(c.facts);
  return mod;
}

/** Replace the empty lists of finished facts with the shared one. */
function shareEmptyLists(facts: BodyFacts): BodyFacts {
  const lists = facts as unknown as Record<string, unknown>;
  for (const key of Object.keys(lists)) {
    const value = lists[key];
    if (Array.isArray(value) && value.length === 0) lists[key] = NONE;
  }
  return facts;
}

/**
 * The facts of a definition without a body, and what every definition holds until its body has been walked:
 * what `emptyFacts` gives once its lists are shared, made once rather than once more per definition.
 */
const NO_FACTS: BodyFacts = Object.freeze(shareEmptyLists(emptyFacts()));
