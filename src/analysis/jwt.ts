import type { BodyCall, ClassIR, Expr, ModuleIR, Scope } from './ir.js';
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
const SENSITIVE_CLAIM =
  /pass(word)?|passwd|pwd|secret|credit_?card|card_?(number|no)|ccn|cc_?num|cvv|cvc|ssn|social_?security|pin_?code|private_?key/i;
const ENV_LOOKUPS = new Set(['os.getenv', 'os.environ.get', 'os.environ.setdefault', 'decouple.config']);

type Call = Extract<Expr, { k: 'call' }>;

interface Site {
  call: Call;
  scope: Scope;
  module: ModuleIR;
}

function isFalse(e: Expr | undefined): boolean {
  return !!e && e.k === 'const' && e.v === false;
}

export function maskSecret(value: string): string {
  const shown = value.length > 8 ? value.slice(0, 2) : '';
  return `'${shown}…' (${value.length} chars)`;
}

export class JwtAnalyzer {
  readonly issues: JwtIssue[] = [];
  readonly secrets: FoundSecret[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly project: Project) {}

  run(): this {
    for (const mod of this.project.modules) {
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
    this.issues.sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId),
    );
    return this;
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

  /** The library function a call reaches: `pyjwt.decode`, `jose.encode`, `authlib.decode`, `fje.create_access_token`… */
  private library(fn: Expr, scope: Scope): string | undefined {
    for (const v of this.project.evalExpr(fn, scope)) {
      if (v.t !== 'ext') continue;
      const qn = v.qn;
      if (qn === 'jwt.decode' || qn === 'jwt.api_jwt.decode') return 'pyjwt.decode';
      if (qn === 'jwt.encode' || qn === 'jwt.api_jwt.encode') return 'pyjwt.encode';
      if (qn.startsWith('jose.')) return `jose.${qn.split('.').pop()}`;
      if (qn.startsWith('authlib.')) {
        const last = qn.split('.').pop();
        if (last === 'decode' || last === 'encode') return `authlib.${last}`;
      }
      const c = canonical(qn);
      if (c.startsWith('flask_jwt_extended.')) return `fje.${c.split('.')[1]}`;
      if (ENV_LOOKUPS.has(qn)) return 'env';
    }
    return undefined;
  }

  private scanCalls(mod: ModuleIR, scope: Scope, calls: BodyCall[]): void {
    for (const c of calls) {
      const call: Call = { k: 'call', fn: c.fn, args: c.args, kw: c.kw, line: c.line, col: 0 };
      const lib = this.library(c.fn, scope);
      if (!lib) {
        this.scanConfigCall(mod, scope, call);
        continue;
      }
      const site: Site = { call, scope, module: mod };
      if (lib === 'pyjwt.decode' || lib === 'jose.decode') this.checkDecode(site, lib);
      else if (lib === 'pyjwt.encode' || lib === 'jose.encode' || lib === 'authlib.encode')
        this.checkEncode(site, lib);
      else if (lib === 'jose.get_unverified_claims') {
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

  private checkDecode(site: Site, lib: string): void {
    const { call, scope, module } = site;
    const name = exprText(call.fn);
    const options = call.kw.options ? this.dictAt(call.kw.options, scope, call.line) : undefined;
    const optionFalse = (key: string): boolean => {
      const value = options?.entries.find(
        (e) => this.project.evalString(e.key, options.scope) === key,
      )?.value;
      return this.falseAt(value, options?.scope ?? scope, call.line);
    };
    if (optionFalse('verify_signature') || this.falseAt(call.kw.verify, scope, call.line)) {
      this.add(module, {
        ruleId: 'jwt-signature-not-verified',
        line: call.line,
        message: `\`${name}(...)\` is called with signature verification off, so a token with any signature is accepted: pass the key and \`algorithms=[...]\` and keep verification on.`,
        code: `${name}:verify`,
      });
    }
    if (optionFalse('verify_exp') || this.falseAt(call.kw.verify_expiration, scope, call.line)) {
      this.add(module, {
        ruleId: 'jwt-no-expiry',
        line: call.line,
        message: `\`${name}(...)\` skips the expiry check, so expired tokens stay valid forever: keep \`verify_exp\` on.`,
        code: `${name}:verify_exp`,
      });
    }
    const algorithms = call.kw.algorithms ?? (lib === 'jose.decode' ? call.kw.algorithm : undefined);
    const verifying = !optionFalse('verify_signature') && !this.falseAt(call.kw.verify, scope, call.line);
    if (algorithms) this.checkAlgorithms(site, algorithms, name);
    else if (verifying && call.args.length >= 2 && !this.hasKwargsSplat(call)) {
      // PyJWT 1.x and python-jose then accept whatever algorithm the token's header names.
      this.add(module, {
        ruleId: 'jwt-none-algorithm',
        line: call.line,
        message: `\`${name}(...)\` has no \`algorithms=\` list, so older PyJWT and python-jose accept the algorithm the token names (\`none\`, or HS256 signed with a public key): pin it, e.g. \`algorithms=["HS256"]\`.`,
        code: `${name}:no-algorithms`,
      });
    }
    const key = call.args[1] ?? call.kw.key;
    if (key) this.checkKeyArgument(site, key, name);
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

  private dictAt(
    e: Expr,
    scope: Scope,
    line: number,
  ): { entries: { key: Expr; value: Expr }[]; scope: Scope } | undefined {
    const r = this.resolveAt(e, scope, line);
    return r.expr.k === 'dict'
      ? { entries: r.expr.entries, scope: r.scope }
      : this.project.evalDict(r.expr, r.scope);
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
    }
    const payloadExpr = lib === 'authlib.encode' ? call.args[1] : (call.args[0] ?? call.kw.payload);
    const payload = payloadExpr ? this.dictAt(payloadExpr, scope, call.line) : undefined;
    if (payload && payloadExpr) {
      const keys = payload.entries.map((e) => this.project.evalString(e.key, payload.scope));
      this.checkClaims(site, payload.entries, payload.scope, name);
      const later = payloadExpr.k === 'name' && this.assignsKey(scope, payloadExpr.id, 'exp');
      if (!keys.includes('exp') && !later && keys.every((k) => k !== undefined)) {
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

  /** `payload["exp"] = ...` later in the same scope. */
  private assignsKey(scope: Scope, name: string, key: string): boolean {
    return scope.targetAssigns.some(
      (t) =>
        t.target.k === 'subscript' &&
        t.target.obj.k === 'name' &&
        t.target.obj.id === name &&
        t.target.index.k === 'str' &&
        t.target.index.v === key,
    );
  }

  private checkClaims(site: Site, entries: { key: Expr; value: Expr }[], scope: Scope, name: string): void {
    for (const e of entries) {
      const key = this.project.evalString(e.key, scope);
      const valueText = exprText(e.value);
      if (
        (key && SENSITIVE_CLAIM.test(key)) ||
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
      const dict = call.kw[kw] ? this.project.evalDict(call.kw[kw], scope) : undefined;
      if (dict) this.checkClaims(site, dict.entries, dict.scope, `${name}(${kw}=...)`);
    }
  }

  /** A literal key passed to `jwt.encode`/`jwt.decode`, directly or through constants. */
  private checkKeyArgument(site: Site, key: Expr, name: string): void {
    const literal = this.secretLiteral(key, site.scope, 0);
    if (!literal) return;
    this.reportSecret(literal.scope.module, key.k === 'name' ? key.id : `key of ${name}`, literal, false);
  }

  /** A literal (or a literal fallback of an environment lookup) that a secret evaluates to. */
  private secretLiteral(
    e: Expr,
    scope: Scope,
    depth: number,
  ): { value: string; line: number; scope: Scope; fallback: boolean } | undefined {
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
          if (values?.length) return this.secretLiteral(values[values.length - 1]!, s, depth + 1);
          if (s.params.has(e.id) || s.imports.has(e.id)) break;
        }
        for (const v of this.project.evalExpr(e, scope)) {
          if (v.t === 'literal') return this.secretLiteral(v.expr, v.scope, depth + 1);
        }
        return undefined;
      }
      case 'attr': {
        for (const v of this.project.evalExpr(e, scope)) {
          if (v.t === 'literal') return this.secretLiteral(v.expr, v.scope, depth + 1);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private reportSecret(
    mod: ModuleIR,
    name: string,
    literal: { value: string; line: number; fallback: boolean },
    testOnly: boolean,
  ): void {
    if (!this.secrets.some((s) => s.file === mod.file && s.line === literal.line)) {
      this.secrets.push({ name, value: literal.value, file: mod.file, line: literal.line });
    }
    const how = literal.fallback ? 'falls back to a literal' : 'is a literal in the code';
    this.add(mod, {
      ruleId: 'jwt-hardcoded-secret',
      line: literal.line,
      message: `\`${name}\` ${how} (${maskSecret(literal.value)})${testOnly ? ' in a test configuration' : ''}: anyone with the repository can sign tokens; read it from the environment (\`os.environ["${/^[A-Z_]+$/.test(name) ? name : 'JWT_SECRET_KEY'}"]\`) with no literal fallback, and rotate it.`,
      severity: testOnly ? 'low' : undefined,
      code: `${name}`,
    });
  }

  /** Module constants and class attributes named like signing secrets or JWT settings. */
  private scanAssignments(mod: ModuleIR, scope: Scope, cls: ClassIR | undefined): void {
    const testOnly = cls ? this.isTestConfig(cls) : /(^|\/)(tests?|testing)(\/|_|\.py$)/.test(mod.file);
    for (const [name, values] of scope.assigns) {
      const value = values[values.length - 1];
      if (value) this.checkSetting(mod, scope, name, value, testOnly);
    }
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
      if (literal) this.reportSecret(mod, key, literal, testOnly);
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
        if (literal) this.reportSecret(mod, 'SECRET_KEY', literal, false);
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
