import { CATALOGUE } from './catalogue/index.js';
import { Failures } from './containment.js';
import { DependencyPins } from './dependencies.js';
import type { BodyCall, ClassIR, Expr, Guard, ModuleIR, Scope } from './ir.js';
import { type Project, canonical, exprText } from './project.js';

/**
 * Bearer-token and JWT misuse found in the code: unverified signatures, `none`, literal secrets, tokens that
 * never expire, tokens in logs and URLs, secrets in claims. Each issue carries its rule id; the rule files
 * turn them into findings.
 */
export type JwtRuleId =
  | 'jwt-signature-not-verified'
  | 'jwt-none-algorithm'
  | 'jwt-hardcoded-secret'
  | 'jwt-no-expiry'
  | 'token-in-logs'
  | 'token-in-query-string'
  | 'jwt-sensitive-claims';

export interface JwtIssue {
  ruleId: JwtRuleId;
  file: string;
  line: number;
  message: string;
  /** Lower than the rule's default, e.g. a secret only a test configuration uses. */
  severity?: 'low';
  /** Normalised code for the fingerprint (no line numbers). */
  code: string;
  suppressed: string[];
}

/** A literal signing secret, for the live prober's offline guesses. Never printed in full. */
export interface FoundSecret {
  name: string;
  value: string;
  file: string;
  line: number;
}

const SECRET_KEYS =
  /^(JWT_)?SECRET(_KEY)?$|^JWT_(PRIVATE|SIGNING|ENCODE|DECODE)_KEY$|^(SIGNING|TOKEN|AUTH|JWT)_(SECRET|KEY)(_KEY)?$|^SECRET_KEY_HMAC(_\d+)?$/i;
/** Methods that look a value up by the key they are given first: mappings, `os.getenv`, key-value stores. */
const LOOKUP_METHODS =
  /^(get|getenv|set|setex|setnx|setdefault|pop|delete|getdel|getex|exists|expire|incr|decr|hget|hset)$/;
const ENV_LOOKUPS = new Set(['os.getenv', 'os.environ.get', 'os.environ.setdefault', 'decouple.config']);

/** Claims that only say which token it is; reading just these from a decoded token is not authentication. */
const REVOCATION_CLAIMS = new Set(['jti', 'exp', 'iat', 'nbf', 'type']);

type Call = Extract<Expr, { k: 'call' }>;

interface Site {
  call: Call;
  scope: Scope;
  module: ModuleIR;
  /** The conditions the call runs under, and every call of the same body. */
  guards: Guard[];
  calls: BodyCall[];
}

/** One key a dict ends up with: a literal entry, `dict(k=v)`, `d[k] = v` or `d.update(...)`. */
interface DictEntry {
  key: Expr;
  value: Expr;
  scope: Scope;
}

/** A literal secret and where it is written. */
interface SecretLiteral {
  value: string;
  line: number;
  scope: Scope;
  fallback: boolean;
  /** The constant the literal is assigned to, when reached through one. */
  name?: string;
}

function isFalse(e: Expr | undefined): boolean {
  return !!e && e.k === 'const' && e.v === false;
}

function asCall(c: BodyCall): Call {
  return { k: 'call', fn: c.fn, args: c.args, kw: c.kw, line: c.line, col: 0 };
}

/** Keys whose entries cannot be known (`**other`, `update(other)`), so a missing claim cannot be told. */
function unknownEntry(line: number, scope: Scope): DictEntry {
  return { key: { k: 'other', text: '**', line }, value: { k: 'other', text: '', line }, scope };
}

function keywordEntries(kw: Record<string, Expr>, scope: Scope): DictEntry[] {
  return Object.entries(kw).map(([k, value]) => ({
    key: { k: 'str', v: k, line: value.line },
    value,
    scope,
  }));
}

/** Positional arguments up to the first `*args`/`**kwargs`, after which positions are unknown. */
function positional(call: Call): Expr[] {
  const splat = call.args.findIndex((a) => a.k === 'other' && a.text.startsWith('*'));
  return splat < 0 ? call.args : call.args.slice(0, splat);
}

/** The words of a name: `user_password`, `userPassword` and `user-password` are all `user password`. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * A claim that holds a password, a secret or card data, judged by its last words: `user_password`,
 * `client_secret`, `card_number` are; `password_changed_at` and `password_reset_required` are not.
 */
export function isSensitiveClaim(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1] ?? '';
  const prev = words[words.length - 2] ?? '';
  if (/^(pass|passphrase|pin|ssn|cvv2?|cvc|ccn)$/.test(last)) return true;
  if (/(password|passwd|pwd|secret|apikey|privatekey|creditcard|cardnumber|pincode)$/.test(last)) return true;
  if (/^(hash|hashed|digest)$/.test(last)) return /^(password|passwd|pwd|pass)$/.test(prev);
  if (last === 'key') return /^(api|private|secret|signing|encryption)$/.test(prev);
  if (last === 'code') return prev === 'pin';
  if (last === 'card') return prev === 'credit';
  if (/^(number|no|num)$/.test(last))
    return /^(card|cc)$/.test(prev) || (prev === 'security' && words.includes('social'));
  return false;
}

function childExprs(e: Expr): Expr[] {
  switch (e.k) {
    case 'attr':
      return [e.obj];
    case 'call':
      return [e.fn, ...e.args, ...Object.values(e.kw)];
    case 'subscript':
      return [e.obj, e.index];
    case 'seq':
      return e.items;
    case 'dict':
      return e.entries.flatMap((p) => [p.key, p.value]);
    case 'concat':
      return e.parts;
    case 'boolop':
      return [e.left, e.right];
    case 'item':
      return [e.of];
    default:
      return [];
  }
}

/** Calls `visit` on an expression and every expression inside it, with the chain of enclosing expressions. */
function visitExpr(e: Expr, visit: (e: Expr, parents: Expr[]) => void, parents: Expr[] = []): void {
  if (parents.length > 30) return;
  visit(e, parents);
  for (const c of childExprs(e)) visitExpr(c, visit, [...parents, e]);
}

export function maskSecret(value: string): string {
  const shown = value.length > 8 ? value.slice(0, 2) : '';
  return `'${shown}…' (${value.length} chars)`;
}

export class JwtAnalyzer {
  readonly issues: JwtIssue[] = [];
  readonly secrets: FoundSecret[] = [];
  private readonly seen = new Set<string>();
  private readonly lookupKeyCache = new Map<ModuleIR, ReadonlySet<string>>();
  private readonly pins: DependencyPins;

  /** `readFile` reads the tree's dependency files, to tell PyJWT 1.x from 2. */
  constructor(
    private readonly project: Project,
    readFile: (path: string) => string | undefined = () => undefined,
    /** Where the analysis of one module fails, the rest carries on; the failure is recorded here. */
    private readonly failures: Failures = new Failures(),
  ) {
    this.pins = new DependencyPins(readFile);
  }

  run(): this {
    for (const mod of this.project.modules)
      this.failures.attempt(mod.file, 'modelling', undefined, () => this.runModule(mod));
    this.issues.sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId),
    );
    return this;
  }

  private runModule(mod: ModuleIR): void {
    this.scanCalls(mod, mod.scope, mod.facts.calls);
    this.scanTokenFacts(mod, mod.facts, '<module>');
    this.scanAssignments(mod, mod.scope, undefined);
    for (const cls of mod.allClasses) {
      this.scanCalls(mod, cls.scope, cls.facts.calls);
      this.scanAssignments(mod, cls.scope, cls);
    }
    for (const fn of mod.allFunctions) {
      this.scanCalls(mod, fn.scope, fn.facts.calls);
      this.scanTokenFacts(mod, fn.facts, fn.name);
      this.scanTargetAssigns(mod, fn.scope);
      this.scanAuthlibValidation(mod, fn.scope, fn.facts.calls);
    }
    this.scanTargetAssigns(mod, mod.scope);
  }

  private add(mod: ModuleIR, issue: Omit<JwtIssue, 'file' | 'suppressed'>): void {
    const key = `${issue.ruleId}\0${mod.file}\0${issue.line}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const suppressed = [
      ...(mod.suppressions.get(issue.line) ?? []),
      ...(mod.suppressions.get(issue.line - 1) ?? []),
    ];
    this.issues.push({ ...issue, file: mod.file, suppressed });
  }

  /**
   * The library function a call reaches: `pyjwt.decode`, `jose.encode`, `authlib.decode` (also a method of a
   * `JsonWebToken(...)` instance), `python_jwt.process_jwt`, `fje.create_access_token`…
   */
  private library(fn: Expr, scope: Scope): string | undefined {
    if (
      fn.k === 'attr' &&
      (fn.attr === 'encode' || fn.attr === 'decode') &&
      this.isAuthlibInstance(fn.obj, scope)
    )
      return `authlib.${fn.attr}`;
    for (const v of this.project.evalExpr(fn, scope)) {
      if (v.t !== 'ext') continue;
      const known = CATALOGUE.jwt.get(canonical(v.qn));
      if (known) return known;
      if (ENV_LOOKUPS.has(v.qn)) return 'env';
    }
    return undefined;
  }

  /** `JsonWebToken(["HS256"])` from authlib, or a name it is assigned to. */
  private isAuthlibInstance(e: Expr, scope: Scope): boolean {
    return this.project
      .evalExpr(e, scope)
      .some((v) => v.t === 'extcall' && CATALOGUE.jwt.get(v.qn) === 'authlib.JsonWebToken');
  }

  private scanCalls(mod: ModuleIR, scope: Scope, calls: BodyCall[]): void {
    for (const c of calls) {
      const call = asCall(c);
      const lib = this.library(c.fn, scope);
      if (!lib) {
        this.scanConfigCall(mod, scope, call);
        continue;
      }
      const site: Site = { call, scope, module: mod, guards: c.guards, calls };
      if (lib === 'pyjwt.decode' || lib === 'jose.decode') this.checkDecode(site, lib);
      else if (lib === 'pyjwt.encode' || lib === 'jose.encode' || lib === 'authlib.encode')
        this.checkEncode(site, lib);
      else if (lib === 'authlib.decode') {
        const key = call.args[1] ?? call.kw.key;
        if (key) this.checkKeyArgument(site, key, exprText(c.fn));
      } else if (lib === 'python_jwt.process_jwt') this.checkProcessJwt(site);
      else if (lib === 'authlib.JsonWebToken') {
        const algorithms = call.args[0] ?? call.kw.algorithms;
        if (algorithms) this.checkAlgorithms(site, algorithms, exprText(c.fn));
      } else if (lib === 'fje.decode_token') {
        this.checkDecodeToken(site);
      } else if (lib === 'jose.get_unverified_claims') {
        if (!this.skipsSignature(site, lib)) continue;
        this.add(mod, {
          ruleId: 'jwt-signature-not-verified',
          line: c.line,
          message: `\`${exprText(c.fn)}(...)\` returns the claims without checking the signature: use \`jwt.decode(token, key, algorithms=[...])\` before trusting them.`,
          code: exprText(c.fn),
        });
      } else if (lib === 'fje.create_access_token' || lib === 'fje.create_refresh_token') {
        this.checkCreateToken(site);
      }
    }
  }

  /**
   * Does this call of a body read a token's claims without checking its signature, as jwt-signature-not-verified
   * reports it? `calls` are all the calls of the same body (a verified decode of the same token after it).
   */
  readsUnverified(c: BodyCall, scope: Scope, calls: BodyCall[]): boolean {
    const lib = this.library(c.fn, scope);
    return (
      !!lib &&
      this.skipsSignature({ call: asCall(c), scope, module: scope.module, guards: c.guards, calls }, lib)
    );
  }

  /**
   * The call reads claims no signature check stands behind: a decode with verification off, python-jose's
   * `get_unverified_claims` or python_jwt's `process_jwt`, not followed by a verification of the same token, and
   * of a token a caller can send (not one the server fetched itself over verified TLS).
   */
  private skipsSignature(site: Site, lib: string): boolean {
    const { call, scope } = site;
    const token = call.args[0] ?? call.kw.jwt ?? call.kw.token;
    switch (lib) {
      case 'pyjwt.decode':
      case 'jose.decode':
        if (token && this.fetchedOverTls(token, scope, call.line)) return false;
        return this.decodeSettings(call, scope, lib).unverified && !this.verifiedAfter(site, token);
      case 'jose.get_unverified_claims':
        return !this.verifiedAfter(site, call.args[0] ?? call.kw.token);
      case 'python_jwt.process_jwt':
        return !this.processedThenVerified(site);
      default:
        return false;
    }
  }

  /**
   * What a decode call checks. PyJWT 1.x is `decode(jwt, key, verify, algorithms, options)`; PyJWT 2 and python-jose
   * are `decode(token, key, algorithms, options)`, so a boolean third argument is 1.x's `verify`.
   */
  private decodeSettings(
    call: Call,
    scope: Scope,
    lib: string,
  ): { algorithms?: Expr; unverified: boolean; skipsExpiry: boolean; legacyApi: boolean } {
    const args = positional(call);
    const third = args[2] ? this.resolveAt(args[2], scope, call.line).expr : undefined;
    const legacy = lib === 'pyjwt.decode' && third?.k === 'const' && typeof third.v === 'boolean';
    const verify = call.kw.verify ?? (legacy ? args[2] : undefined);
    const optionsExpr = call.kw.options ?? args[legacy ? 4 : 3];
    const options = optionsExpr ? this.dictAt(optionsExpr, scope, call.line) : undefined;
    const optionFalse = (key: string): boolean => {
      let last: DictEntry | undefined;
      for (const e of options ?? []) if (this.project.evalString(e.key, e.scope) === key) last = e;
      return !!last && this.falseAt(last.value, last.scope, call.line);
    };
    return {
      algorithms:
        call.kw.algorithms ?? (lib === 'jose.decode' ? call.kw.algorithm : undefined) ?? args[legacy ? 3 : 2],
      unverified: optionFalse('verify_signature') || this.falseAt(verify, scope, call.line),
      skipsExpiry: optionFalse('verify_exp') || this.falseAt(call.kw.verify_expiration, scope, call.line),
      legacyApi: legacy || call.kw.verify !== undefined,
    };
  }

  /**
   * An unverified read whose result is only read claim by claim, followed on every path it is on by a verified
   * decode of the same token in the same body: a look at `iss` to choose the key, like `get_unverified_header`.
   */
  private verifiedAfter(site: Site, token: Expr | undefined): boolean {
    if (!token) return false;
    const claims = this.claimsRead(site);
    if (!claims?.every((c) => c !== undefined)) return false;
    const text = exprText(token);
    return site.calls.some((c) => {
      if (c.line <= site.call.line) return false;
      const lib = this.library(c.fn, site.scope);
      if (lib !== 'pyjwt.decode' && lib !== 'jose.decode') return false;
      const call = asCall(c);
      const decoded = call.args[0] ?? call.kw.jwt ?? call.kw.token;
      if (!decoded || exprText(decoded) !== text) return false;
      if (this.decodeSettings(call, site.scope, lib).unverified) return false;
      return c.guards.every((g) => g.kind === 'try' || site.guards.includes(g));
    });
  }

  /**
   * python_jwt `process_jwt(token)` returns the header and claims unverified; it is meant to pick the key for a
   * `verify_jwt(token, key, algs)` of the same token in the same body. Used without one, the claims are forged.
   */
  private processedThenVerified(site: Site): boolean {
    const token = site.call.args[0] ?? site.call.kw.jwt;
    return site.calls.some((c) => {
      if (this.library(c.fn, site.scope) !== 'python_jwt.verify_jwt') return false;
      const checked = c.args[0] ?? c.kw.jwt;
      return !token || !checked || exprText(checked) === exprText(token);
    });
  }

  private checkProcessJwt(site: Site): void {
    const { call, module } = site;
    if (!this.skipsSignature(site, 'python_jwt.process_jwt')) return;
    const name = exprText(call.fn);
    this.add(module, {
      ruleId: 'jwt-signature-not-verified',
      line: call.line,
      message: `\`${name}(...)\` (python_jwt) returns the claims without checking the signature, and this function never calls \`verify_jwt\` on the same token: call \`verify_jwt(token, key, ["RS256"])\` and trust only its claims.`,
      code: `${name}:unverified`,
    });
  }

  private checkDecode(site: Site, lib: string): void {
    const { call, scope, module } = site;
    const name = exprText(call.fn);
    const settings = this.decodeSettings(call, scope, lib);
    const key = call.args[1] ?? call.kw.key;
    if (key) this.checkKeyArgument(site, key, name);
    // A token the server fetched itself from an identity provider's endpoint over verified TLS (an ID token in the
    // token endpoint's answer) comes from that provider, not from a caller: its signature, algorithm and expiry
    // authenticate nothing TLS has not (OpenID Connect Core 3.1.3.7). Nothing a caller sends can forge it.
    const token = call.args[0] ?? call.kw.jwt ?? call.kw.token;
    if (token && this.fetchedOverTls(token, scope, call.line)) return;
    const unverified = this.skipsSignature(site, lib);
    // Verification off for a look at a claim before the verified decode of the same token: nothing to report.
    if (settings.unverified && !unverified) return;
    if (unverified) {
      this.add(module, {
        ruleId: 'jwt-signature-not-verified',
        line: call.line,
        message: `\`${name}(...)\` is called with signature verification off, so a token with any signature is accepted: pass the key and \`algorithms=[...]\` and keep verification on.`,
        code: `${name}:verify`,
      });
    }
    if (settings.skipsExpiry) {
      this.add(module, {
        ruleId: 'jwt-no-expiry',
        line: call.line,
        message: `\`${name}(...)\` skips the expiry check, so expired tokens stay valid forever: keep \`verify_exp\` on.`,
        code: `${name}:verify_exp`,
      });
    }
    if (settings.algorithms) this.checkAlgorithms(site, settings.algorithms, name);
    else if (
      !settings.unverified &&
      !this.hasKwargsSplat(call) &&
      this.takesHeaderAlgorithm(site, lib, settings.legacyApi)
    ) {
      const library = lib === 'jose.decode' ? 'python-jose' : 'PyJWT 1.x';
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(...)\` has no \`algorithms=\` list, so ${library} accepts the algorithm the token names (e.g. HS256 signed with the public key): pin it, e.g. \`algorithms=["HS256"]\`.`,
        code: `${name}:no-algorithms`,
      });
    }
  }

  /**
   * A verifying decode without `algorithms=` lets the token's header choose the algorithm in python-jose and
   * PyJWT 1.x; PyJWT 2 raises `DecodeError` instead. PyJWT 1.x is told by its API (`verify=`, a boolean third
   * argument) or a pin below 2 in the dependency files of the file's directory or one above it.
   */
  private takesHeaderAlgorithm(site: Site, lib: string, legacyApi: boolean): boolean {
    if (lib === 'jose.decode') return true;
    return legacyApi || this.pins.pinnedBelow(site.module.file, 'pyjwt', 2);
  }

  /**
   * The expression a name stands for at a line: in the scope of the use, the last assignment before it
   * (`opts = {...}` reassigned later does not count); elsewhere, the last assignment.
   */
  private resolveAt(e: Expr, scope: Scope, line: number, depth = 0): { expr: Expr; scope: Scope } {
    if (e.k !== 'name' || depth > 8) return { expr: e, scope };
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.params.has(e.id)) return { expr: e, scope };
      const values = s.assigns.get(e.id);
      if (!values?.length) continue;
      const before = s === scope ? values.filter((v) => v.line <= line) : values;
      const value = (before.length ? before : values)[(before.length ? before : values).length - 1]!;
      return this.resolveAt(value, s, line, depth + 1);
    }
    for (const v of this.project.evalExpr(e, scope))
      if (v.t === 'literal') return { expr: v.expr, scope: v.scope };
    return { expr: e, scope };
  }

  private falseAt(e: Expr | undefined, scope: Scope, line: number): boolean {
    return !!e && isFalse(this.resolveAt(e, scope, line).expr);
  }

  /**
   * The keys a dict holds at a line, in the order they are set: its literal or `dict(...)`, then, for a name,
   * `d[k] = v` and `d.update(...)` between its assignment and the line. Undefined when nothing is known.
   */
  private dictAt(e: Expr, scope: Scope, line: number, depth = 0): DictEntry[] | undefined {
    if (depth > 8) return undefined;
    if (e.k === 'dict') return e.entries.map((x) => ({ ...x, scope }));
    if (e.k === 'call') {
      if (e.fn.k === 'name' && e.fn.id === 'dict') {
        return [
          ...e.args.flatMap((a) => this.dictAt(a, scope, line, depth + 1) ?? [unknownEntry(a.line, scope)]),
          ...keywordEntries(e.kw, scope),
        ];
      }
      if (e.fn.k === 'attr' && e.fn.attr === 'copy' && !e.args.length)
        return this.dictAt(e.fn.obj, scope, line, depth + 1);
      return undefined;
    }
    if (e.k !== 'name') {
      const d = this.project.evalDict(e, scope);
      return d?.entries.map((x) => ({ ...x, scope: d.scope }));
    }
    const def = this.definitionAt(e.id, scope, line);
    let base: DictEntry[] | undefined;
    const changes: DictEntry[] = [];
    if (def) {
      const until = def.scope === scope ? line : Infinity;
      base = this.dictAt(def.value, def.scope, until, depth + 1);
      changes.push(...this.dictChanges(e.id, def.scope, def.value.line, until, depth));
      if (def.scope !== scope) changes.push(...this.dictChanges(e.id, scope, 0, line, depth));
    } else {
      const d = this.project.evalDict(e, scope);
      base = d?.entries.map((x) => ({ ...x, scope: d.scope }));
      changes.push(...this.dictChanges(e.id, scope, 0, line, depth));
    }
    if (!base && !changes.length) return undefined;
    return [...(base ?? [unknownEntry(e.line, scope)]), ...changes];
  }

  /** The value a name is assigned in the scope of the use (last before the line) or an enclosing one. */
  private definitionAt(name: string, scope: Scope, line: number): { value: Expr; scope: Scope } | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.params.has(name) || s.imports.has(name)) return undefined;
      const values = s.assigns.get(name);
      if (!values?.length) continue;
      const before = s === scope ? values.filter((v) => v.line <= line) : values;
      const chosen = before.length ? before : values;
      return { value: chosen[chosen.length - 1]!, scope: s };
    }
    return undefined;
  }

  /** `d[k] = v` and `d.update(...)` on a name in one scope, between two lines, in source order. */
  private dictChanges(name: string, scope: Scope, from: number, to: number, depth: number): DictEntry[] {
    const changes: { line: number; entries: DictEntry[] }[] = [];
    for (const t of scope.targetAssigns) {
      if (t.line < from || t.line > to) continue;
      if (t.target.k === 'subscript' && t.target.obj.k === 'name' && t.target.obj.id === name)
        changes.push({ line: t.line, entries: [{ key: t.target.index, value: t.value, scope }] });
    }
    for (const c of this.callsIn(scope)) {
      if (c.line < from || c.line > to) continue;
      if (c.fn.k !== 'attr' || c.fn.attr !== 'update' || c.fn.obj.k !== 'name' || c.fn.obj.id !== name)
        continue;
      changes.push({
        line: c.line,
        entries: [
          ...c.args.flatMap((a) => this.dictAt(a, scope, c.line, depth + 1) ?? [unknownEntry(a.line, scope)]),
          ...keywordEntries(c.kw, scope),
        ],
      });
    }
    return changes.sort((a, b) => a.line - b.line).flatMap((c) => c.entries);
  }

  private callsIn(scope: Scope): BodyCall[] {
    if (scope.owner) return scope.owner.facts.calls;
    if (scope === scope.module.scope) return scope.module.facts.calls;
    return scope.module.allClasses.find((c) => c.scope === scope)?.facts.calls ?? [];
  }

  private hasKwargsSplat(call: Call): boolean {
    return call.args.some((a) => a.k === 'other' && a.text.startsWith('**'));
  }

  private checkAlgorithms(site: Site, algorithms: Expr, name: string): void {
    const { scope, module, call } = site;
    const list = this.project.evalStrings(algorithms, scope);
    if (list?.some((a) => a.toLowerCase() === 'none')) {
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(...)\` accepts the \`none\` algorithm, so unsigned tokens pass: list only the algorithms you sign with, e.g. \`algorithms=["HS256"]\`.`,
        code: `${name}:none`,
      });
    } else if (this.fromTokenHeader(algorithms, scope, 0)) {
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(...)\` takes the algorithm from the token's own header, so an attacker chooses it (\`none\`, or HS256 with a public key): pin the algorithms you sign with.`,
        code: `${name}:header-alg`,
      });
    }
  }

  /**
   * Does the value come from the answer to an HTTP request the server made itself with TLS verified
   * (`requests.post(token_endpoint, data).json()["id_token"]`)? Not when `verify=False`, nor for a literal `http://` URL.
   */
  private fetchedOverTls(e: Expr, scope: Scope, line: number, depth = 0): boolean {
    if (depth > 8) return false;
    const { expr, scope: at } = this.resolveAt(e, scope, line);
    if (expr.k === 'subscript') return this.fetchedOverTls(expr.obj, at, line, depth + 1);
    if (expr.k !== 'call') return false;
    const fn = expr.fn;
    // `r.json()`, `answer.get("id_token")`: read from the response.
    if (fn.k === 'attr' && (fn.attr === 'json' || fn.attr === 'get') && !this.fetches(expr, at))
      return this.fetchedOverTls(fn.obj, at, line, depth + 1);
    if (!this.fetches(expr, at)) return false;
    const url = expr.args[0] ?? expr.kw.url;
    const literal =
      url?.k === 'str' ? url.v : url?.k === 'concat' && url.parts[0]?.k === 'str' ? url.parts[0].v : '';
    return !this.falseAt(expr.kw.verify, at, expr.line) && !/^http:/i.test(literal);
  }

  /** `requests.post(...)`, `httpx.get(...)`, `session.post(...)` on a `requests.Session()`: an HTTP request. */
  private fetches(call: Extract<Expr, { k: 'call' }>, scope: Scope): boolean {
    const { functions, sessions, methods } = CATALOGUE.httpFetches;
    for (const v of this.project.evalExpr(call.fn, scope))
      if (v.t === 'ext' && (functions.has(v.qn) || functions.has(canonical(v.qn)))) return true;
    if (call.fn.k !== 'attr' || !methods.has(call.fn.attr)) return false;
    return this.project
      .evalExpr(call.fn.obj, scope)
      .some((v) => v.t === 'extcall' && (sessions.has(v.qn) || sessions.has(canonical(v.qn))));
  }

  /** Does the value come from `jwt.get_unverified_header(token)`? */
  private fromTokenHeader(e: Expr, scope: Scope, depth: number): boolean {
    if (depth > 8) return false;
    switch (e.k) {
      case 'call':
        if (/get_unverified_header$/.test(exprText(e.fn))) return true;
        return (
          this.fromTokenHeader(e.fn, scope, depth + 1) ||
          e.args.some((a) => this.fromTokenHeader(a, scope, depth + 1))
        );
      case 'subscript':
        return this.fromTokenHeader(e.obj, scope, depth + 1);
      case 'attr':
        return this.fromTokenHeader(e.obj, scope, depth + 1);
      case 'seq':
        return e.items.some((i) => this.fromTokenHeader(i, scope, depth + 1));
      case 'name': {
        for (let s: Scope | undefined = scope; s; s = s.parent) {
          const values = s.assigns.get(e.id);
          if (values) return values.some((v) => this.fromTokenHeader(v, s, depth + 1));
        }
        return false;
      }
      default:
        return false;
    }
  }

  private checkEncode(site: Site, lib: string): void {
    const { call, scope, module } = site;
    const name = exprText(call.fn);
    const algorithm = call.kw.algorithm ?? (lib === 'authlib.encode' ? undefined : call.args[2]);
    if (algorithm && this.project.evalString(algorithm, scope)?.toLowerCase() === 'none') {
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(...)\` issues unsigned tokens (\`algorithm="none"\`): sign them, e.g. with HS256 and a secret from the environment.`,
        code: `${name}:none`,
      });
    } else if (lib === 'pyjwt.encode' && algorithm && this.unsignedByNone(call, algorithm, scope)) {
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(..., algorithm=None)\` issues unsigned tokens in PyJWT (\`alg: none\` whenever the key is None): name the algorithm, e.g. \`algorithm="HS256"\`.`,
        code: `${name}:algorithm-None`,
      });
    }
    const payloadExpr = lib === 'authlib.encode' ? call.args[1] : (call.args[0] ?? call.kw.payload);
    const payload = payloadExpr ? this.dictAt(payloadExpr, scope, call.line) : undefined;
    if (payload) {
      const keys = payload.map((e) => this.project.evalString(e.key, e.scope));
      this.checkClaims(site, payload, name);
      if (!keys.includes('exp') && keys.every((k) => k !== undefined)) {
        this.add(module, {
          ruleId: 'jwt-no-expiry',
          line: call.line,
          message: `\`${name}(...)\` signs a payload without an \`exp\` claim, so the token never expires: add \`"exp": datetime.now(timezone.utc) + timedelta(minutes=15)\`.`,
          code: `${name}:no-exp`,
        });
      }
    }
    const key = lib === 'authlib.encode' ? call.args[2] : (call.args[1] ?? call.kw.key);
    if (key) this.checkKeyArgument(site, key, name);
  }

  /**
   * PyJWT `encode(payload, key, algorithm=None)` writes `alg: none`. It then refuses any key but None or `""`,
   * so a non-empty literal key only fails loudly; a key that may be None (an unset setting) signs nothing.
   */
  private unsignedByNone(call: Call, algorithm: Expr, scope: Scope): boolean {
    const value = this.resolveAt(algorithm, scope, call.line).expr;
    if (value.k !== 'const' || value.v !== null) return false;
    const key = call.args[1] ?? call.kw.key;
    const keyValue = key ? this.resolveAt(key, scope, call.line).expr : undefined;
    return !(keyValue?.k === 'str' && keyValue.v !== '');
  }

  private checkClaims(site: Site, entries: DictEntry[], name: string): void {
    for (const e of entries) {
      const key = this.project.evalString(e.key, e.scope);
      const valueText = exprText(e.value);
      if (
        (key && isSensitiveClaim(key)) ||
        /\.(password|password_hash|secret|ssn|credit_card)\b/i.test(valueText)
      ) {
        this.add(site.module, {
          ruleId: 'jwt-sensitive-claims',
          line: e.key.line || site.call.line,
          message: `\`${name}(...)\` puts \`${key ?? valueText}\` into the token: JWT claims are only base64-encoded and readable by anyone holding the token; keep secrets and personal data out of them.`,
          code: `${name}:${key ?? valueText}`,
        });
      }
    }
  }

  private checkCreateToken(site: Site): void {
    const { call, scope, module } = site;
    const name = exprText(call.fn);
    if (this.falseAt(call.kw.expires_delta, scope, call.line)) {
      this.add(module, {
        ruleId: 'jwt-no-expiry',
        line: call.line,
        message: `\`${name}(expires_delta=False)\` issues a token that never expires: use a short \`timedelta\`.`,
        code: `${name}:expires_delta`,
      });
    }
    for (const kw of ['additional_claims', 'user_claims', 'identity']) {
      const claims = call.kw[kw] ? this.dictAt(call.kw[kw], scope, call.line) : undefined;
      if (claims) this.checkClaims(site, claims, `${name}(${kw}=...)`);
    }
  }

  /**
   * flask_jwt_extended `decode_token(token, csrf_value=None, allow_expired=False)` accepting expired tokens, when
   * the result identifies the caller. Logout and revocation read only `jti`/`exp` of an expired token, and stay silent.
   */
  private checkDecodeToken(site: Site): void {
    const { call, scope, module } = site;
    const allow = call.kw.allow_expired ?? positional(call)[2];
    if (!allow) return;
    const value = this.resolveAt(allow, scope, call.line).expr;
    if (value.k !== 'const' || value.v !== true) return;
    const claims = this.claimsRead(site);
    if (claims && claims.every((c) => c !== undefined && REVOCATION_CLAIMS.has(c))) return;
    const name = exprText(call.fn);
    this.add(module, {
      ruleId: 'jwt-no-expiry',
      line: call.line,
      message: `\`${name}(..., allow_expired=True)\` accepts expired tokens and its claims are used to identify the caller: drop \`allow_expired\` (keep it only to read \`jti\` when revoking).`,
      code: `${name}:allow_expired`,
    });
  }

  /**
   * The claims read from a call's result in its body: `r["jti"]`, `r.get("exp")`, directly or through the name it
   * is assigned to; undefined in the list for any other use (returned, passed on, stored). Undefined when no use
   * is seen.
   */
  private claimsRead(site: Site): (string | undefined)[] | undefined {
    const { call, scope } = site;
    const fnText = exprText(call.fn);
    const isCall = (e: Expr): boolean => e.k === 'call' && e.line === call.line && exprText(e.fn) === fnText;
    const reads: (string | undefined)[] = [];
    const bound = new Set<string>();
    const claimOf = (x: Expr, parents: Expr[]): string | undefined => {
      const p = parents[parents.length - 1];
      const gp = parents[parents.length - 2];
      if (p?.k === 'subscript' && p.obj === x) return this.project.evalString(p.index, scope);
      if (p?.k === 'attr' && p.obj === x && p.attr === 'get' && gp?.k === 'call' && gp.fn === p && gp.args[0])
        return this.project.evalString(gp.args[0], scope);
      return undefined;
    };
    const roots: { root: Expr; binds?: string; own?: boolean }[] = [];
    for (const [n, values] of scope.assigns) for (const v of values) roots.push({ root: v, binds: n });
    for (const t of scope.targetAssigns) roots.push({ root: t.target }, { root: t.value });
    for (const r of scope.owner?.facts.returns ?? []) roots.push({ root: r });
    for (const c of site.calls) roots.push({ root: asCall(c), own: true });
    for (const { root, binds } of roots) {
      if (binds && isCall(root)) bound.add(binds);
    }
    for (const { root, binds, own } of roots) {
      visitExpr(root, (x, parents) => {
        if (!parents.length && (own || (binds && bound.has(binds) && isCall(x)))) return;
        if (isCall(x) || (x.k === 'name' && bound.has(x.id))) reads.push(claimOf(x, parents));
      });
    }
    return reads.length ? reads : undefined;
  }

  /** A literal key passed to `jwt.encode`/`jwt.decode`, directly or through constants. */
  private checkKeyArgument(site: Site, key: Expr, name: string): void {
    const literal = this.secretLiteral(key, site.scope, 0);
    if (!literal) return;
    this.reportSecret(key.k === 'name' ? key.id : `key of ${name}`, literal, false);
  }

  /** A literal (or a literal fallback of an environment lookup) that a secret evaluates to. */
  private secretLiteral(e: Expr, scope: Scope, depth: number): SecretLiteral | undefined {
    if (depth > 8) return undefined;
    switch (e.k) {
      case 'str':
        return e.v.trim() ? { value: e.v, line: e.line, scope, fallback: false } : undefined;
      case 'boolop': {
        if (e.op !== 'or') return undefined;
        const right = this.secretLiteral(e.right, scope, depth + 1);
        return right ? { ...right, fallback: true } : undefined;
      }
      case 'call': {
        if (this.library(e.fn, scope) !== 'env') return undefined;
        const fallback = e.args[1] ?? e.kw.default;
        const lit = fallback ? this.secretLiteral(fallback, scope, depth + 1) : undefined;
        return lit ? { ...lit, fallback: true } : undefined;
      }
      case 'name': {
        for (let s: Scope | undefined = scope; s; s = s.parent) {
          const values = s.assigns.get(e.id);
          if (values?.length) {
            const literal = this.secretLiteral(values[values.length - 1]!, s, depth + 1);
            return literal && { ...literal, name: literal.name ?? e.id };
          }
          if (s.params.has(e.id) || s.imports.has(e.id)) break;
        }
        return this.importedSecret(e, scope, depth);
      }
      case 'attr':
        return this.importedSecret(e, scope, depth);
      default:
        return undefined;
    }
  }

  /** A constant defined in another module (`from cfg import SECRET`, `cfg.SECRET`), named as it is written there. */
  private importedSecret(e: Expr, scope: Scope, depth: number): SecretLiteral | undefined {
    for (const v of this.project.evalExpr(e, scope)) {
      if (v.t !== 'literal') continue;
      const literal = this.secretLiteral(v.expr, v.scope, depth + 1);
      if (!literal) return undefined;
      const defined = [...v.scope.assigns].find(([, values]) => values[values.length - 1] === v.expr)?.[0];
      return { ...literal, name: literal.name ?? defined };
    }
    return undefined;
  }

  /**
   * One finding per literal, at the file and line that write it, named by the constant written there. A literal
   * used by both a test and a real configuration counts as a real one.
   */
  private reportSecret(name: string, literal: SecretLiteral, testOnly: boolean): void {
    const mod = literal.scope.module;
    const shown = literal.name ?? name;
    if (!this.secrets.some((s) => s.file === mod.file && s.line === literal.line)) {
      this.secrets.push({ name: shown, value: literal.value, file: mod.file, line: literal.line });
    }
    const how = literal.fallback ? 'falls back to a literal' : 'is a literal in the code';
    const message = `\`${shown}\` ${how} (${maskSecret(literal.value)})${testOnly ? ' in a test configuration' : ''}: anyone with the repository can sign tokens; read it from the environment (\`os.environ["${/^[A-Z_]+$/.test(shown) ? shown : 'JWT_SECRET_KEY'}"]\`) with no literal fallback, and rotate it.`;
    const earlier = this.issues.find(
      (i) => i.ruleId === 'jwt-hardcoded-secret' && i.file === mod.file && i.line === literal.line,
    );
    if (earlier) {
      if (earlier.severity === 'low' && !testOnly) Object.assign(earlier, { severity: undefined, message });
      return;
    }
    this.add(mod, {
      ruleId: 'jwt-hardcoded-secret',
      line: literal.line,
      message,
      severity: testOnly ? 'low' : undefined,
      code: `${shown}`,
    });
  }

  /**
   * Module constants and class attributes named like signing secrets or JWT settings. Members of an `Enum` are
   * symbols (`CredentialType.SECRET = "secret"`), and a constant the module looks a value up by
   * (`os.environ.get(ConfigKey.SECRET_KEY)`, `store.get(TOKEN_KEY)`) is the name of a value kept elsewhere: neither
   * signs anything. Either still counts where it is handed to `jwt.encode`/`jwt.decode` (checkKeyArgument).
   */
  private scanAssignments(mod: ModuleIR, scope: Scope, cls: ClassIR | undefined): void {
    if (cls && this.isEnum(cls)) return;
    const testOnly = cls ? this.isTestConfig(cls) : /(^|\/)(tests?|testing)(\/|_|\.py$)/.test(mod.file);
    const keys = this.lookupKeys(mod);
    for (const [name, values] of scope.assigns) {
      if (keys.has(cls ? `${cls.name}.${name}` : name)) continue;
      const value = values[values.length - 1];
      if (value) this.checkSetting(mod, scope, name, value, testOnly);
    }
  }

  private isEnum(cls: ClassIR): boolean {
    return [cls, ...this.project.projectBases(cls)].some((c) =>
      c.bases.some((b) =>
        this.project
          .evalExpr(b, c.scope.parent ?? c.scope)
          .some((v) => v.t === 'ext' && /^enum\.\w*Enum$/.test(canonical(v.qn))),
      ),
    );
  }

  /**
   * Constants (`NAME`, `Class.NAME`) the module passes as the key of a lookup: the first argument of a mapping's or
   * a key-value store's `get`/`set`… or of `os.getenv`, anywhere in its functions, classes or top-level statements.
   */
  private lookupKeys(mod: ModuleIR): ReadonlySet<string> {
    const cached = this.lookupKeyCache.get(mod);
    if (cached) return cached;
    const keys = new Set<string>();
    const visit = (e: Expr): void => {
      if (e.k !== 'call' || e.fn.k !== 'attr' || !LOOKUP_METHODS.test(e.fn.attr)) return;
      const key = e.args[0];
      if (key?.k === 'name') keys.add(key.id);
      else if (key?.k === 'attr' && key.obj.k === 'name') keys.add(`${key.obj.id}.${key.attr}`);
    };
    const bodies = [mod, ...mod.allClasses, ...mod.allFunctions];
    for (const b of bodies) for (const c of b.facts.calls) visitExpr({ k: 'call', ...c, col: 0 }, visit);
    for (const b of [mod, ...mod.allClasses])
      for (const values of b.scope.assigns.values()) for (const v of values) visitExpr(v, visit);
    this.lookupKeyCache.set(mod, keys);
    return keys;
  }

  private isTestConfig(cls: ClassIR): boolean {
    if (/test/i.test(cls.name)) return true;
    const testing = cls.attrs.TESTING;
    if (testing && testing.k === 'const' && testing.v === true) return true;
    return this.project.projectBases(cls).some((b) => /test/i.test(b.name));
  }

  /** One configuration value: `SECRET_KEY`, `JWT_ACCESS_TOKEN_EXPIRES`, `JWT_TOKEN_LOCATION`, `JWT_ALGORITHM`… */
  private checkSetting(mod: ModuleIR, scope: Scope, key: string, value: Expr, testOnly: boolean): void {
    if (SECRET_KEYS.test(key)) {
      const literal = this.secretLiteral(value, scope, 0);
      if (literal) this.reportSecret(key, literal, testOnly);
      return;
    }
    switch (key) {
      case 'JWT_ACCESS_TOKEN_EXPIRES':
      case 'JWT_REFRESH_TOKEN_EXPIRES':
        if (isFalse(value)) {
          this.add(mod, {
            ruleId: 'jwt-no-expiry',
            line: value.line,
            message: `\`${key} = False\` makes tokens that never expire: use a short \`timedelta\` (minutes for access tokens, days for refresh tokens).`,
            code: key,
          });
        }
        return;
      case 'JWT_VERIFY_EXPIRATION':
        if (isFalse(value)) {
          this.add(mod, {
            ruleId: 'jwt-no-expiry',
            line: value.line,
            message: '`JWT_VERIFY_EXPIRATION = False` (flask_jwt) accepts expired tokens forever: remove it.',
            code: key,
          });
        }
        return;
      case 'JWT_VERIFY':
        if (isFalse(value)) {
          this.add(mod, {
            ruleId: 'jwt-signature-not-verified',
            line: value.line,
            message:
              '`JWT_VERIFY = False` (flask_jwt) accepts tokens without checking their signature: remove it.',
            code: key,
          });
        }
        return;
      case 'JWT_TOKEN_LOCATION': {
        const locations = this.project.evalStrings(value, scope);
        if (locations?.includes('query_string')) {
          this.add(mod, {
            ruleId: 'token-in-query-string',
            line: value.line,
            message: `\`JWT_TOKEN_LOCATION\` includes \`query_string\`: tokens in URLs end up in logs, browser history and Referer headers; accept them only in the Authorization header.`,
            code: key,
          });
        }
        return;
      }
      case 'JWT_ALGORITHM':
      case 'JWT_DECODE_ALGORITHMS': {
        const algorithms = this.project.evalStrings(value, scope);
        if (algorithms?.some((a) => a.toLowerCase() === 'none')) {
          this.add(mod, {
            ruleId: 'jwt-none-algorithm',
            line: value.line,
            message: `\`${key}\` allows \`none\`, so unsigned tokens are issued or accepted: use a real algorithm such as HS256 or RS256.`,
            code: key,
          });
        }
        return;
      }
    }
  }

  /** `app.config["SECRET_KEY"] = ...`, `app.secret_key = ...`. */
  private scanTargetAssigns(mod: ModuleIR, scope: Scope): void {
    for (const t of scope.targetAssigns) {
      if (t.target.k === 'subscript' && t.target.obj.k === 'attr' && t.target.obj.attr === 'config') {
        const key = this.project.evalString(t.target.index, scope);
        if (key) this.checkSetting(mod, scope, key, t.value, false);
      } else if (t.target.k === 'attr' && t.target.attr === 'secret_key') {
        const literal = this.secretLiteral(t.value, scope, 0);
        if (literal) this.reportSecret('SECRET_KEY', literal, false);
      }
    }
  }

  /** `app.config.update(SECRET_KEY=...)`, `.update({...})`, `.from_mapping(...)`. */
  private scanConfigCall(mod: ModuleIR, scope: Scope, call: Call): void {
    if (call.fn.k !== 'attr' || !['update', 'from_mapping', 'setdefault'].includes(call.fn.attr)) return;
    const target = call.fn.obj;
    if (
      !(target.k === 'attr' && target.attr === 'config') &&
      !(target.k === 'name' && /config/i.test(target.id))
    )
      return;
    for (const [key, value] of Object.entries(call.kw)) this.checkSetting(mod, scope, key, value, false);
    if (call.fn.attr === 'setdefault' && call.args[0] && call.args[1]) {
      const key = this.project.evalString(call.args[0], scope);
      if (key) this.checkSetting(mod, scope, key, call.args[1], false);
    }
    const dict =
      call.args[0] && call.fn.attr !== 'setdefault' ? this.project.evalDict(call.args[0], scope) : undefined;
    for (const e of dict?.entries ?? []) {
      const key = this.project.evalString(e.key, dict!.scope);
      if (key) this.checkSetting(mod, dict!.scope, key, e.value, false);
    }
  }

  private scanTokenFacts(
    mod: ModuleIR,
    facts: { tokenLogs: number[]; queryTokenReads: number[] },
    where: string,
  ): void {
    facts.tokenLogs.forEach((line, i) => {
      this.add(mod, {
        ruleId: 'token-in-logs',
        line,
        message:
          'A bearer token, Authorization header or decoded claims are written to the log: anyone who reads the logs can replay the token; log a user id or a token fingerprint instead.',
        code: `log:${where}#${i}`,
      });
    });
    facts.queryTokenReads.forEach((line, i) => {
      this.add(mod, {
        ruleId: 'token-in-query-string',
        line,
        message:
          'The token is read from the URL query string: URLs end up in server logs, browser history and Referer headers; accept tokens only in the Authorization header.',
        code: `query:${where}#${i}`,
      });
    });
  }

  /** authlib: `claims = jwt.decode(s, key)` checks the signature only; `claims.validate()` checks `exp`. */
  private scanAuthlibValidation(mod: ModuleIR, scope: Scope, calls: BodyCall[]): void {
    const decodes = calls.filter((c) => this.library(c.fn, scope) === 'authlib.decode');
    if (!decodes.length) return;
    const validates = calls.some((c) => c.fn.k === 'attr' && c.fn.attr === 'validate');
    if (validates) return;
    for (const d of decodes) {
      this.add(mod, {
        ruleId: 'jwt-no-expiry',
        line: d.line,
        message: `\`${exprText(d.fn)}(...)\` from authlib checks the signature but not \`exp\`: call \`claims.validate()\` on the result.`,
        code: `${exprText(d.fn)}:validate`,
      });
    }
  }
}
