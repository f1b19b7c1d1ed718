import type { Meaning } from './catalogue/index.js';
import { type CallerChecks, type Effect, EffectSummaries, type ExposedField } from './effects.js';
import { type ModelRoute, isRuntimePlaceholder } from './flask.js';
import type { Expr, FunctionIR } from './ir.js';
import { mentions as mentionsNames } from './mentions.js';
import { ownerMail } from './owner-mail.js';
import { exprText, type Project } from './project.js';

/**
 * What an unguarded route is for, judged from what its handler does (effects.ts) rather than what it is called:
 * sign-in: it signs the caller in or out, checks a password, runs an identity provider's step, or mails a looked-up
 *   record's owner at the address the record holds (account recovery);
 * token-link: it checks a token from its URL or query before acting (invitations, resets, confirmations);
 * webhook: it checks a signature over the request body;
 * static: it answers with constants, a template or a file, touching no application data;
 * data: it reads or changes application data — it needs authentication.
 * The first three and read-only static answers are public on purpose. URL words only break ties between evidence
 * (a route that stores a password hash under `/register` is a sign-up), never overrule it.
 */
export type RouteRole = 'sign-in' | 'token-link' | 'webhook' | 'static' | 'data';

export interface RouteIntent {
  role: RouteRole;
  /** Why the route is public on purpose (when it is), and where the evidence is. */
  publicReason?: string;
  evidence?: { file: string; line: number };
  /** What makes a data route sensitive: its writes first, then its reads. */
  writes: readonly Effect[];
  reads: readonly Effect[];
  /** Writes that happen only under a check of the signed-in caller: the evidence that anonymous callers cannot write. */
  callerOnlyWrites: readonly Effect[];
  /** User or account attributes the handler hands out (`User.email`). */
  exposed: readonly ExposedField[];
  /**
   * A token-named parameter the handler never checks, one it hands only to code tokengate cannot follow (which may
   * check it: `unfollowed` says where), or a webhook that checks no signature.
   */
  problem?: 'unverified-token' | 'unfollowed-token' | 'unsigned-webhook';
  /** A method called on a value of unknown type (effects.ts): the handler may touch application data. */
  unfollowed?: { what: string; file: string; line: number };
  /** How strong the evidence is: resolved library calls, or method names on values of unknown type. */
  confidence: 'likely' | 'possible';
  /** A write answering without touching data that still works on what the caller sends (a formatter, a converter). */
  input?: Effect;
  /** The handler or a helper it calls tests whether there is a signed-in caller: anonymous callers are expected. */
  servesAnonymous?: boolean;
}

const SIGN_IN: ReadonlySet<Meaning> = new Set([
  'issues-credential',
  'verifies-password',
  'identity-provider',
  'logs-out',
]);
/** Token issuers, as effects.ts names them: a token alone, not a session or a cookie. */
const TOKEN_ISSUER = /^`(encode|create_access_token|create_refresh_token|dumps|sign)\(\)`$/;
/** Path parameters that carry a token (`/invite/<token>`, `/reset/<code>`). */
const TOKEN_PARAM = /token|code|key|hash|signature|nonce|secret|ticket/i;
/** Whole static segments that say a route creates an account: a tie-breaker for a new account record. */
const SIGN_UP_SEGMENT = /^(signup|sign-up|register|registration|join)$/;
/** `POST /users`: the collection of accounts, when nothing else is in the path. */
const ACCOUNT_COLLECTION = /^(users|accounts|members|customers)$/;
/** Models that hold accounts. */
const ACCOUNT_MODEL = /^(user|account|member|customer|person|profile)s?$/i;
/** Models a sign-in step keeps its own credentials and grants in: issued tokens, sessions, API keys, roles. */
const OWN_CREDENTIAL_MODEL = /token|session|credential|login|api_?key|role|group|permission/i;
/** Whole segments that say a route receives webhooks (POST only): it must then check a signature. */
const WEBHOOK_SEGMENT = /^(webhooks?|hooks?|callbacks?|events?|notify|notifications?|ipn)$/;
/** Method names that check a token handed to them (`user.confirm(token)`, `Invite.verify_token(t)`). */
const TOKEN_CHECK_METHOD = /verify|confirm|validate|check|loads|decode|unsign|redeem|consume/i;
/** Whole last segments that name a logout. */
const LOGOUT_SEGMENT = /^(logout|log-out|signout|sign-out|logoff)$/;
/** Locations standards have clients fetch anonymously: `/robots.txt` (RFC 9309), `/.well-known/…` (RFC 8615). */
const WELL_KNOWN = /^\/(robots\.txt|\.well-known\/.+)$/;
/** Attributes of Flask's request that describe the connection rather than carry the caller's input. */
const CONNECTION_ATTR = /^(remote_addr|access_route|environ)$/;
/** Whole last segments that name a health probe (Kubernetes' `healthz`/`livez`/`readyz`/`startupz`, `/health`, `/ping`). */
const HEALTH_SEGMENT = /^(healthz?|health-?check|livez|liveness|readyz|readiness|startupz|ping)$/;
const ADMIN_SEGMENT = /^(admin|admins|administration|internal|manage|management|staff|backoffice)$/;

function staticSegments(path: string): string[] {
  return path
    .split('/')
    .filter((p) => p && !p.startsWith('<'))
    .map((p) => p.toLowerCase().replace(/_/g, '-'));
}

function pathParams(path: string): string[] {
  return (path.match(/<[^>]*>/g) ?? [])
    .filter((p) => !isRuntimePlaceholder(p))
    .map((p) => p.replace(/^<(?:[^:>]*:)?([^>]*)>$/, '$1'));
}

const where = (e: { file: string; line: number }): string => `${e.file}:${e.line}`;

/** The intent of a route whose handler is `fn` (undefined when the handler is unknown). */
export function judgeIntent(
  route: { path: string; methods: readonly string[] },
  fn: FunctionIR,
  summaries: EffectSummaries,
): RouteIntent {
  const summary = summaries.of(fn);
  // Each method is judged on what it can reach: the POST branch's writes are not the GET page's.
  const reaches = (e: { methods?: readonly string[] }): boolean =>
    !e.methods || !route.methods.length || e.methods.some((m) => route.methods.includes(m));
  const effects = summary.effects.filter(reaches);
  const writes = effects.filter((e) => e.kind === 'writes-data');
  const reads = effects.filter((e) => e.kind === 'reads-data');
  const base = {
    writes,
    reads,
    callerOnlyWrites: summary.callerOnlyWrites.filter(reaches),
    exposed: summary.exposed.filter(reaches),
    ...(summary.servesAnonymous ? { servesAnonymous: true } : {}),
  };
  const confidence = (e: Effect | undefined): 'likely' | 'possible' =>
    e?.byName || summary.partial ? 'possible' : 'likely';
  const segments = staticSegments(route.path);

  // An OPTIONS answer is the CORS preflight (or an `Allow` list): browsers send it without credentials, so it must
  // answer anonymously — unless the handler changes data, which no preflight does.
  if (route.methods.length && route.methods.every((m) => m === 'OPTIONS') && !writes.length)
    return {
      role: 'static',
      publicReason: `CORS preflight: answers OPTIONS only (${fn.name} at ${fn.scope.module.file}:${fn.defLine}), which browsers send without credentials`,
      evidence: { file: fn.scope.module.file, line: fn.defLine },
      ...base,
      confidence: 'likely',
    };

  // Signing in: a session, a password check, an identity provider's step, signing out. A token issued alone
  // (`jwt.encode`, a signed link) or a password checked is a sign-in step only when the route changes nothing but
  // accounts: an invitation an administrator sends also signs a token, and an edit form that asks for the current
  // password before saving changes data.
  // A write of no known model (a bare `db.session.commit()`) saves what the handler changed, or else what it loaded:
  // accounts only when every model it reads is one (a login stamping `last_login`, storing the token it issues).
  const isAccount = (model: string): boolean => ACCOUNT_MODEL.test(model) || OWN_CREDENTIAL_MODEL.test(model);
  const modelled = writes.flatMap((e) => (e.model ? [e.model] : []));
  const loaded = reads.flatMap((e) => (e.model ? [e.model] : []));
  const changesOtherData =
    modelled.some((m) => !isAccount(m)) ||
    (writes.length > 0 && !modelled.length && !(loaded.length && loaded.every(isAccount)));
  const tokenAlone = (e: Effect): boolean => e.kind === 'issues-credential' && TOKEN_ISSUER.test(e.what);
  const signIn =
    effects.find(
      (e) => SIGN_IN.has(e.kind) && !tokenAlone(e) && !(e.kind === 'verifies-password' && changesOtherData),
    ) ??
    effects.find((e) => tokenAlone(e) && !changesOtherData) ??
    effects.find((e) => e.kind === 'issues-link-token' && !writes.length);
  const authorize = signIn ? undefined : authorizationRedirect(fn);
  if (authorize)
    return {
      role: 'sign-in',
      publicReason: `sign-in step: redirects to an OAuth authorization endpoint (\`response_type\` and \`client_id\` in the URL) at ${where(authorize)}`,
      evidence: { file: authorize.file, line: authorize.line },
      ...base,
      confidence: 'likely',
    };
  if (signIn) {
    return {
      role: 'sign-in',
      publicReason: `sign-in step: ${signIn.what} at ${where(signIn)}`,
      evidence: { file: signIn.file, line: signIn.line },
      ...base,
      confidence: confidence(signIn),
    };
  }
  // A page that sends every signed-in caller elsewhere (`if current_user.is_authenticated: return redirect(…)`) and
  // answers the others is written for callers who are not signed in: a sign-in or sign-up form. What it reads of
  // the caller afterwards is the anonymous user's. A redirect under any other test (`and not user.confirmed`) sends
  // only some signed-in callers away, and a page that changes data is judged by what it changes.
  const awayFromSignedIn = fn.facts.redirects.find(
    (r) => r.guards.length > 0 && r.guards.every((g) => g.kind === 'presence' && g.present && !g.raw),
  );
  const getOnly = route.methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS');
  if (awayFromSignedIn && getOnly && !writes.length)
    return {
      role: 'sign-in',
      publicReason: `page for callers who are not signed in: sends signed-in callers away at ${where({ file: fn.scope.module.file, line: awayFromSignedIn.line })}`,
      evidence: { file: fn.scope.module.file, line: awayFromSignedIn.line },
      ...base,
      confidence: 'likely',
    };
  // Creating an account (a new password hash, or a new record of a user-like model) under a sign-up word, or
  // POSTed to a user collection, is self-service registration — unless it sits in an admin area.
  const account =
    effects.find((e) => e.kind === 'sets-password') ??
    writes.find((e) => e.model !== undefined && ACCOUNT_MODEL.test(e.model) && !/^deletes/.test(e.what));
  const postOnly = route.methods.every((m) => m === 'POST' || m === 'OPTIONS');
  const signUpWord =
    segments.some((s) => SIGN_UP_SEGMENT.test(s)) ||
    (postOnly &&
      !pathParams(route.path).length &&
      ACCOUNT_COLLECTION.test(segments[segments.length - 1] ?? ''));
  // A new record created holding a password hash the handler just made is an account being registered, whatever
  // its model is called (a tenant with its own secret): evidence enough without a sign-up word, unless the handler
  // acts for a signed-in caller (an administrator creating accounts).
  const newCredentialRecord = effects.find((e) => e.kind === 'sets-password' && e.newRecord);
  const registers = (account && signUpWord) || (newCredentialRecord && !effects.some((e) => e.identity));
  // A path parameter names what the route acts on, but an account made under a sign-up word for no signed-in
  // caller is the caller's own, whatever the URL names (the domain to sign up in: `/user/signup/<domain_name>`).
  const ownAccount = signUpWord && account !== undefined && !effects.some((e) => e.identity);
  if (
    registers &&
    !segments.some((s) => ADMIN_SEGMENT.test(s)) &&
    (!pathParams(route.path).length || ownAccount)
  ) {
    const evidence = (account && signUpWord ? account : newCredentialRecord)!;
    return {
      role: 'sign-in',
      publicReason: `account registration: ${evidence.kind === 'sets-password' && !evidence.newRecord ? `stores a new password hash (${evidence.what})` : evidence.what} at ${where(evidence)}`,
      evidence: { file: evidence.file, line: evidence.line },
      ...base,
      confidence: 'possible',
    };
  }

  const signature = effects.find((e) => e.kind === 'verifies-signature');
  if (signature) {
    return {
      role: 'webhook',
      publicReason: `webhook receiver: verifies a signature (${signature.what}) at ${where(signature)}`,
      evidence: { file: signature.file, line: signature.line },
      ...base,
      confidence: confidence(signature),
    };
  }

  // A token checked for the signed-in caller (`current_user.confirm(token)`) needs that caller signed in.
  const forCaller = effects.some((e) => e.identity);
  const tokenParams = new Set([
    ...pathParams(route.path).filter((p) => TOKEN_PARAM.test(p)),
    ...queryTokens(fn),
    ...bodyTokens(fn),
  ]);
  if (tokenParams.size && !forCaller) {
    const check = tokenCheck(fn, tokenParams, summaries) ?? effects.find((e) => e.kind === 'verifies-token');
    if (check) {
      return {
        role: 'token-link',
        publicReason: `token-gated link: checks its token (${check.what}) at ${where(check)}`,
        evidence: { file: check.file, line: check.line },
        ...base,
        confidence: confidence(check),
      };
    }
  }

  // A token checked with a verifier however it arrived (a reset form's body): the route acts on what it proves.
  const verified = effects.find((e) => e.kind === 'verifies-token' && !e.byName);
  if (verified && !forCaller) {
    return {
      role: 'token-link',
      publicReason: `token-gated: checks a token (${verified.what}) at ${where(verified)}`,
      evidence: { file: verified.file, line: verified.line },
      ...base,
      confidence: confidence(verified),
    };
  }

  // A path parameter under another name (`/reset_password/<data>`) handed to a helper named for checking a token
  // that looks it up or verifies it (`verify_reset_password_token(data)` reading a cache): the name breaks the tie,
  // the lookup is the evidence.
  const otherParams = new Set(pathParams(route.path).filter((p) => !tokenParams.has(p)));
  const namedCheck =
    otherParams.size && !forCaller ? tokenHelperCheck(fn, otherParams, summaries) : undefined;
  if (namedCheck)
    return {
      role: 'token-link',
      publicReason: `token-gated link: checks its token (${namedCheck.what}) at ${where(namedCheck)}`,
      evidence: { file: namedCheck.file, line: namedCheck.line },
      ...base,
      confidence: 'possible',
    };

  // Crawlers and clients fetch a well-known location without credentials by standard (RFC 9309's `/robots.txt`,
  // RFC 8615's `/.well-known/…`): a read-only answer there that hands out no account data is public, whatever
  // settings it reads.
  const readsOnly = route.methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS');
  if (readsOnly && !writes.length && !summary.exposed.length && !forCaller && WELL_KNOWN.test(route.path))
    return {
      role: 'static',
      publicReason: `well-known location: \`${route.path}\` is fetched without credentials by standard; ${fn.name} at ${fn.scope.module.file}:${fn.defLine} changes no data`,
      evidence: { file: fn.scope.module.file, line: fn.defLine },
      ...base,
      confidence: 'likely',
    };

  // Who the caller is, handed back to that caller (`/api/currentuser`: the signed-in user's name and rights, or the
  // anonymous user's), through a proxy that is an account for every caller: no one learns anything but themselves.
  // Account fields it hands out (`current_user.email`), any other read, or an identity that exists only with a
  // token (`current_token.user`: the forgotten decorator) keep it a data route.
  const own = reads[0];
  if (
    readsOnly &&
    own &&
    !writes.length &&
    reads.every((e) => e.everyCaller) &&
    !summary.exposed.length &&
    !summary.partial &&
    !summary.unfollowed &&
    !tokenParams.size
  )
    return {
      role: 'static',
      publicReason: `answers with the caller's own identity (${own.what}) at ${where(own)}, reading no other application data`,
      evidence: { file: own.file, line: own.line },
      ...base,
      confidence: 'likely',
    };

  // Account recovery: a record looked up and mailed to the address it holds, with nothing written and nothing of it
  // answered: only the record's owner receives anything. Every read is the lookup or goes into the mail.
  const file = fn.scope.module.file;
  const lookups = new Set(reads.filter((e) => e.model && e.file === file).map((e) => e.line));
  const mail =
    !writes.length && !forCaller && !tokenParams.size && lookups.size
      ? ownerMail(fn, summaries.project, lookups)
      : undefined;
  const key = (e: Effect): string => `${e.file}:${e.line}:${e.what}`;
  const mailed = new Set(mail?.calls.flatMap((c) => summaries.ofCall(c, fn).effects.map(key)) ?? []);
  if (mail && reads.every((e) => (e.file === file && lookups.has(e.line)) || mailed.has(key(e))))
    return {
      role: 'sign-in',
      publicReason: `account recovery: ${mail.what} at ${where(mail)}, changing no data and answering nothing read from it`,
      evidence: { file: mail.file, line: mail.line },
      ...base,
      confidence: summary.partial ? 'possible' : 'likely',
    };

  const webhookWord = postOnly && segments.some((s) => WEBHOOK_SEGMENT.test(s));
  // A token handed to code tokengate cannot follow (a service object's method) may be checked there: a possible
  // token link, not a token never checked.
  const handedOn = tokenParams.size && !forCaller ? tokenHandedOn(fn, tokenParams, summaries) : undefined;
  if (handedOn)
    return {
      role: 'data',
      ...base,
      problem: 'unfollowed-token',
      unfollowed: handedOn,
      confidence: 'possible',
    };
  if (writes.length || reads.length) {
    // A token checked for the signed-in caller is no unchecked link token: the route needs that caller signed in.
    const problem =
      tokenParams.size && !forCaller ? 'unverified-token' : webhookWord ? 'unsigned-webhook' : undefined;
    return {
      role: 'data',
      ...base,
      ...(problem ? { problem } : {}),
      confidence: confidence(writes[0] ?? reads[0]),
    };
  }
  if (webhookWord) return { role: 'data', ...base, problem: 'unsigned-webhook', confidence: 'possible' };
  // A probe an orchestrator polls sends nothing (no URL value, query or body) and reads its answer: when nothing it
  // does is known to touch application data and only code tokengate cannot follow (a module loaded by name, as an
  // HSM or a backend driver is) leaves that open, the health word in the last segment breaks the tie.
  const probe =
    readsOnly &&
    (summary.partial || summary.unfollowed) &&
    HEALTH_SEGMENT.test(segments[segments.length - 1] ?? '') &&
    !pathParams(route.path).length &&
    !fn.facts.readsRequestData &&
    !fn.facts.rawCredentialReads.length;
  if (probe)
    return {
      role: 'static',
      publicReason: `health check: \`${route.path}\` takes no input and ${fn.name} at ${fn.scope.module.file}:${fn.defLine} touches no application data that tokengate can see${summary.unfollowed ? ` (it calls ${summary.unfollowed.what}, which tokengate cannot follow)` : ''}`,
      evidence: { file: fn.scope.module.file, line: fn.defLine },
      ...base,
      confidence: 'possible',
    };
  // An answer is static only when everything the handler calls could be followed; otherwise what it does is
  // unknown, and it is judged as a data route would be.
  if (summary.partial) return { role: 'data', ...base, confidence: 'possible' };
  const unfollowed = summary.unfollowed;
  if (unfollowed) return { role: 'data', ...base, unfollowed, confidence: 'possible' };
  // A handler that reads the credential the caller sent (the Authorization header) is handling credentials, not
  // answering a constant.
  const credential = fn.facts.rawCredentialReads[0];
  if (credential !== undefined)
    return {
      role: 'data',
      ...base,
      reads: [
        ...reads,
        {
          kind: 'reads-data',
          what: 'reads the credential the caller sent',
          file: fn.scope.module.file,
          line: credential,
        },
      ],
      confidence: 'possible',
    };
  if (!readsOnly) {
    // A logout that touches nothing on the server (a token API's client drops its token; the answer may name the
    // identity provider's end-session URL): the whole last segment breaks the tie, as nothing here changes data.
    if (LOGOUT_SEGMENT.test(segments[segments.length - 1] ?? ''))
      return {
        role: 'sign-in',
        publicReason: `logout step: ${fn.name} at ${fn.scope.module.file}:${fn.defLine} touches no application data`,
        evidence: { file: fn.scope.module.file, line: fn.defLine },
        ...base,
        confidence: 'possible',
      };
    // Never public for answering a constant; whether it works on what the caller sends decides how much it matters.
    const input = requestDependentAnswer(fn, true);
    return { role: 'static', ...base, ...(input ? { input } : {}), confidence: 'possible' };
  }
  const answer = effects.find((e) => e.kind === 'serves-file' || e.kind === 'renders-template');
  // An answer built from what the URL names (`jsonify(id=invoice_id)`, a page rendered for `<username>`) is not a
  // constant: it stands for the record the request asks for.
  const echoed = answer?.kind === 'serves-file' ? undefined : requestDependentAnswer(fn);
  if (echoed)
    return {
      role: 'data',
      ...base,
      reads: [...reads, echoed],
      confidence: 'possible',
    };
  return {
    role: 'static',
    publicReason: answer
      ? `static answer: ${answer.kind === 'serves-file' ? 'serves a file' : 'renders a template'} (${answer.what}) at ${where(answer)} without touching application data`
      : `static answer: returns what ${fn.name} computes at ${fn.scope.module.file}:${fn.defLine} without touching application data`,
    evidence: answer
      ? { file: answer.file, line: answer.line }
      : { file: fn.scope.module.file, line: fn.defLine },
    ...base,
    confidence: 'likely',
  };
}

/**
 * A read of the record a path parameter names, told from a return value that uses the parameter; with `body`, also
 * an answer computed from what the request carries (`sqlparse.format(request.get_json()["query"])`).
 */
function requestDependentAnswer(fn: FunctionIR, body = false): Effect | undefined {
  // Each name the answer may use, with the input it carries: a path parameter, or the request itself.
  const origin = new Map<string, string>();
  for (const p of fn.params) if (p !== 'self' && p !== 'cls' && !(p in fn.defaults)) origin.set(p, p);
  if (body) origin.set('request', 'request');
  if (!origin.size) return undefined;
  // Locals computed from a parameter carry it too (`label = f"#{item_id}"`).
  for (const [name, values] of fn.scope.assigns) {
    if (origin.has(name)) continue;
    const from = [...origin].find(([n]) => values.some((v) => mentions(v, new Set([n]))));
    if (from) origin.set(name, from[1]);
  }
  for (const r of fn.facts.returns) {
    const used = [...origin].find(([n]) => mentions(r, new Set([n])))?.[1];
    if (used === undefined) continue;
    return {
      kind: 'reads-data',
      what:
        used === 'request'
          ? 'answers with what it computes from the request'
          : `answers about the record its URL names (\`${used}\`)`,
      file: fn.scope.module.file,
      line: r.line,
      byName: true,
    };
  }
  return undefined;
}

/** The query of an OAuth 2 authorization request: the first step of signing in with an identity provider. */
const AUTHORIZE_QUERY = /[?&]response_type=[\s\S]*client_id=|[?&]client_id=[\s\S]*response_type=/;

/** A `redirect(...)` to a URL written as an OAuth authorization request (literal, formatted, or a local holding one). */
function authorizationRedirect(fn: FunctionIR): { file: string; line: number } | undefined {
  for (const c of fn.facts.calls) {
    const name = c.fn.k === 'attr' ? c.fn.attr : c.fn.k === 'name' ? c.fn.id : '';
    const url = c.args[0];
    if (name !== 'redirect' || !url) continue;
    const values = url.k === 'name' ? (fn.scope.assigns.get(url.id) ?? []) : [url];
    if (values.some((v) => AUTHORIZE_QUERY.test(literalText(v) ?? '')))
      return { file: fn.scope.module.file, line: c.line };
  }
  return undefined;
}

/** The literal text of a string, an f-string's literal parts, or the template of `.format()` / `%`. */
function literalText(e: Expr): string | undefined {
  if (e.k === 'str') return e.v;
  if (e.k === 'concat') return e.parts.map((p) => literalText(p) ?? '').join('');
  if (e.k === 'percent') return literalText(e.fmt);
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.attr === 'format') return literalText(e.fn.obj);
  return undefined;
}

/** Names of query parameters the handler reads a token from (`request.args.get('token')`). */
function queryTokens(fn: FunctionIR): string[] {
  const out: string[] = [];
  for (const c of fn.facts.calls) {
    if (c.fn.k !== 'attr' || c.fn.attr !== 'get') continue;
    const obj = c.fn.obj;
    if (obj.k !== 'attr' || (obj.attr !== 'args' && obj.attr !== 'values')) continue;
    if (obj.obj.k !== 'name' || obj.obj.id !== 'request') continue;
    const key = c.args[0];
    if (key?.k === 'str' && TOKEN_PARAM.test(key.v)) out.push(key.v);
  }
  return out;
}

/**
 * Locals named like a token that hold what the caller sent (`code = get_required(request.json, "recoverycode")`,
 * `token = request.form["token"]`): a reset form's body carries its token as a link's URL does.
 */
function bodyTokens(fn: FunctionIR): string[] {
  const request = new Set(['request']);
  return [...fn.scope.assigns].flatMap(([name, values]) =>
    TOKEN_PARAM.test(name) && values.some((v) => mentions(v, request)) ? [name] : [],
  );
}

/**
 * A call that checks the token: handed to a verifier (a catalogued one, or a project function that reaches one),
 * looked up in stored data (a stored-token comparison), or to a method named for checking it.
 */
function tokenCheck(
  fn: FunctionIR,
  tokens: ReadonlySet<string>,
  summaries: EffectSummaries,
): Effect | undefined {
  const file = fn.scope.module.file;
  for (const call of fn.facts.calls) {
    const args = [...call.args, ...Object.values(call.kw)];
    if (!args.some((a) => mentions(a, tokens))) continue;
    const inner = summaries.ofCall(call, fn).effects;
    const verifier = inner.find((e) => e.kind === 'verifies-token');
    if (verifier) return verifier;
    const lookup = inner.find((e) => e.kind === 'reads-data');
    if (lookup) return { ...lookup, what: `looks the token up: ${lookup.what}` };
    const method = call.fn.k === 'attr' ? call.fn.attr : call.fn.k === 'name' ? call.fn.id : '';
    if (TOKEN_CHECK_METHOD.test(method))
      return { kind: 'verifies-token', what: `\`${method}()\``, file, line: call.line, byName: true };
  }
  return undefined;
}

/**
 * A call handing one of `tokens` to code tokengate cannot follow: a method of a value of unknown type, a callee
 * that may be any code, or one known only by its name elsewhere in the project.
 */
function tokenHandedOn(
  fn: FunctionIR,
  tokens: ReadonlySet<string>,
  summaries: EffectSummaries,
): { what: string; file: string; line: number } | undefined {
  const file = fn.scope.module.file;
  for (const call of fn.facts.calls) {
    if (![...call.args, ...Object.values(call.kw)].some((a) => mentions(a, tokens))) continue;
    const inner = summaries.ofCall(call, fn);
    const here = inner.unfollowed?.file === file && inner.unfollowed.line === call.line;
    const opaque = inner.partial && !inner.effects.length;
    const guessed = inner.effects.length > 0 && inner.effects.every((e) => e.guessed);
    if (here || opaque || guessed) return { what: `\`${exprText(call.fn)}()\``, file, line: call.line };
  }
  return undefined;
}

/** Helpers named for checking a token: a checking verb and a token word (`verify_reset_password_token`). */
const TOKEN_HELPER =
  /^(?=.*(verify|confirm|validate|check|redeem|consume))(?=.*(token|nonce|code|signature|link)).*$/i;

/** A call handing one of `params` to a helper named for checking a token that verifies it or looks it up. */
function tokenHelperCheck(
  fn: FunctionIR,
  params: ReadonlySet<string>,
  summaries: EffectSummaries,
): Effect | undefined {
  for (const call of fn.facts.calls) {
    const name = call.fn.k === 'attr' ? call.fn.attr : call.fn.k === 'name' ? call.fn.id : '';
    if (!TOKEN_HELPER.test(name)) continue;
    if (![...call.args, ...Object.values(call.kw)].some((a) => mentions(a, params))) continue;
    const inner = summaries.ofCall(call, fn).effects;
    const check =
      inner.find((e) => e.kind === 'verifies-token') ?? inner.find((e) => e.kind === 'reads-data');
    if (check)
      return {
        ...check,
        what: `\`${name}()\` ${check.kind === 'reads-data' ? `looks it up: ${check.what}` : check.what}`,
      };
  }
  return undefined;
}

/**
 * The expression uses one of `names`. Where the request came from (`request.remote_addr`, `request.environ`) is the
 * caller's own connection, not input that drives a service: echoing it (a check-my-IP page) computes nothing from
 * what the caller sends.
 */
function mentions(e: Expr, names: ReadonlySet<string>): boolean {
  return mentionsNames(e, names, isConnection);
}

function isConnection(e: Extract<Expr, { k: 'attr' }>): boolean {
  return e.obj.k === 'name' && e.obj.id === 'request' && CONNECTION_ATTR.test(e.attr);
}

/** Judges the routes of one project: finds each route's handler by its location, and keeps the summaries. */
export class IntentJudge {
  private readonly summaries: EffectSummaries;
  private readonly handlers = new Map<string, FunctionIR>();

  constructor(
    private readonly project: Project,
    callerChecks: CallerChecks,
  ) {
    this.summaries = new EffectSummaries(project, callerChecks);
    for (const m of project.modules)
      for (const fn of m.allFunctions)
        this.handlers.set(`${m.file}:${fn.span.startLine}:${fn.span.endLine}`, fn);
  }

  judge(route: Pick<ModelRoute, 'path' | 'methods' | 'file' | 'span'>): RouteIntent | undefined {
    const fn = this.handler(route);
    return fn ? judgeIntent(route, fn, this.summaries) : undefined;
  }

  /**
   * The route's methods in two groups, those that reach none of its writes and those that reach some, when its
   * handler writes only on branches some methods take (`GET` shows a post, `POST` stores a comment under
   * `form.validate_on_submit()`); undefined when every method reaches the same writes.
   */
  methodsByWrites(route: Pick<ModelRoute, 'methods' | 'file' | 'span'>): [string[], string[]] | undefined {
    const fn = this.handler(route);
    if (!fn || route.methods.length < 2) return undefined;
    const writes = this.summaries.of(fn).effects.filter((e) => e.kind === 'writes-data');
    const writing = route.methods.filter((m) => writes.some((e) => !e.methods || e.methods.includes(m)));
    if (!writing.length || writing.length === route.methods.length) return undefined;
    return [route.methods.filter((m) => !writing.includes(m)), writing];
  }

  /**
   * The decorators (as written, without arguments) of the method a class-based view's handler overrides in a
   * project base class: `Notice.get` overriding `BaseLedger.get` under `@gate.login_required()` dropped them.
   */
  overriddenDecorators(route: Pick<ModelRoute, 'file' | 'span'>): string[] {
    const fn = this.handler(route);
    const cls = fn && this.project.classOfMethod(fn);
    if (!fn || !cls) return [];
    for (const base of this.project.projectBases(cls)) {
      const method = base.methods[fn.name];
      if (method) return method.decorators.map((d) => calleeText(d.expr));
    }
    return [];
  }

  /** `file:Class` of a class-based view's handler (`LabelAPI.get`), undefined for a function view. */
  viewClass(route: Pick<ModelRoute, 'file' | 'span'>): string | undefined {
    const fn = this.handler(route);
    const cls = fn && this.project.classOfMethod(fn);
    return cls ? `${cls.scope.module.file}:${cls.name}` : undefined;
  }

  private handler(route: Pick<ModelRoute, 'file' | 'span'>): FunctionIR | undefined {
    return this.handlers.get(`${route.file}:${route.span.startLine}:${route.span.endLine}`);
  }
}

/** A decorator's text without its call arguments: `gate.login_required()` → `gate.login_required`. */
export function calleeText(e: Expr | string): string {
  const text = typeof e === 'string' ? e : exprText(e);
  const paren = text.indexOf('(');
  return paren >= 0 ? text.slice(0, paren) : text;
}
