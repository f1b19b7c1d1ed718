import picomatch from 'picomatch';
import type { AuthState, RouteAuth } from '../types.js';
import type { HookZone, RequestSet } from './auth.js';
import type { AppliedGuard, FlaskModel, HookRef, ModelRoute } from './flask.js';
import { WRITE_METHODS } from './flask.js';
import { calleeText, type IntentJudge, type RouteIntent } from './intent.js';

/**
 * What the model's facts mean for each route: its authentication state, and whether its app is expected to
 * authenticate routes at all. Rules read only these assessed routes.
 */
export interface AssessedRoute extends ModelRoute {
  auth: RouteAuth;
  /** Mechanisms that really reject requests without credentials. */
  protectedBy: string[];
  /** Hooks on the route's path that try to authenticate but let anonymous requests through. */
  failingHooks: HookRef[];
  /** The route's app authenticates something (decorators, hooks, an auth extension): every route should. */
  appUsesAuth: boolean;
  /** The app lets anonymous callers read some routes on purpose (optional auth on GET routes). */
  appHasOpenReads: boolean;
  /** A guard the app uses elsewhere, to name in the fix. */
  suggestedGuard?: string;
  /** What looks like authentication on the route but is none, and why (`token_required checks … presence`). */
  ineffective: string[];
  /** The route accepts a method that changes state (POST, PUT, PATCH, DELETE). */
  writes: boolean;
  /** What the handler does, for routes no guard protects (intent.ts). */
  intent?: RouteIntent;
  /** The route's realm: its blueprint in its app (`api`), or '' for routes of the app itself. */
  realm: string;
  /** Every other route of the realm that is not public is protected: a forgotten decorator. */
  realmAllProtected: boolean;
  /** How many other routes of the realm are public on purpose (sign-in steps, static answers, token links). */
  realmPublic: number;
  /** Some other route of the realm serves a read of application data to anonymous callers. */
  realmOpenReads: boolean;
  /** Some other route of the realm is protected. */
  realmUsesAuth: boolean;
  /**
   * The route's own class says it was meant to be guarded: the other methods of its class-based view are protected,
   * or the base-class method it overrides carries the app's auth decorator (the forgotten decorator).
   */
  forgottenGuard?: string;
  /**
   * A read whose nearest protected siblings only change data (the other methods of its class, or else every
   * protected route of its realm): reads open and writes guarded, a common design — not a forgotten decorator.
   */
  readsOpenByDesign?: string;
}

/** Marks of views exempted from an access-control object's hook (auth.ts `optOutMark`). */
const OPT_OUT = '@optout:';
/** Marks of views an access-control object grants to anonymous callers (auth.ts `anonymousMark`). */
const ANONYMOUS = '@anonymous:';

/**
 * Does the hook let this route through? A route named in its allow-list (endpoint, endpoint prefix, path, path
 * prefix, marker: `listed`), a whole blueprint or an HTTP method it skips (`exempt`) is simply not checked by it:
 * being exempt from one hook says the hook does not protect the route (an exempt `/api/` may rely on guards of its
 * own, or on none). The route is judged on its own: its decorators, then what it does. A listed route that changes
 * no data is what the list says, public on purpose; only a grant to anonymous callers (`granted`) is public
 * whatever the route does.
 */
function hookExemption(
  route: ModelRoute,
  hook: HookRef,
): { kind: 'granted' | 'listed' | 'exempt'; why: string } | undefined {
  const allow = hook.analysis.allow;
  // A grant to anonymous callers of the hook's own access-control object (`@rbac.allow(["anonymous"], ...)`)
  // declares the route public, unlike an exemption.
  if (allow.markers.some((m) => m.startsWith(ANONYMOUS) && route.marks.includes(m)))
    return { kind: 'granted', why: `granted to anonymous callers by ${hook.label}` };
  if (allow.zones.length && !allow.zones.some((z) => checks(z, route))) {
    // Outside every rejection that runs for it: named in an allow-list, or in none of the requests checked.
    const named = allow.zones.some((z) => z.within.every((s) => takes(s, route)));
    return named
      ? { kind: 'listed', why: `allow-listed by ${hook.label}` }
      : { kind: 'exempt', why: `${hook.label} checks other requests only` };
  }
  if (names(allow, route)) return { kind: 'listed', why: `allow-listed by ${hook.label}` };
  // Exempted by a decorator of the hook's own access-control object (`@rbac.exempt`).
  if (allow.markers.some((m) => m.startsWith(OPT_OUT) && route.marks.includes(m)))
    return { kind: 'exempt', why: `exempt from ${hook.label}` };
  const dot = route.endpoint.lastIndexOf('.');
  const blueprint = dot > 0 ? route.endpoint.slice(0, dot) : undefined;
  if (blueprint !== undefined && allow.blueprints.includes(blueprint))
    return { kind: 'exempt', why: `${hook.label} skips blueprint '${blueprint}'` };
  const carries = (name: string): boolean =>
    route.path.includes(`<${name}>`) || route.path.includes(`:${name}>`);
  if (allow.urlValues.length && !allow.urlValues.some(carries))
    return { kind: 'exempt', why: `${hook.label} checks only URLs with <${allow.urlValues.join('>, <')}>` };
  if (route.methods.every((m) => allow.methods.includes(m)))
    return { kind: 'exempt', why: `${hook.label} skips ${route.methods.join('/')} requests` };
  return undefined;
}

/** Does the set name the route (its endpoint, blueprint, rule or a mark of its view)? */
function names(set: RequestSet, route: ModelRoute): boolean {
  const short = route.endpoint.split('.').pop() ?? route.endpoint;
  return (
    set.endpoints.some((e) => e === route.endpoint || (!route.endpoint.includes('.') && e === short)) ||
    set.endpointPrefixes.some((p) => p && route.endpoint.startsWith(p)) ||
    set.paths.includes(route.path) ||
    set.prefixes.some((p) => p && route.path.startsWith(p)) ||
    set.markers.some((m) => !m.startsWith(OPT_OUT) && route.marks.includes(m))
  );
}

/** Does the set name the route, or its blueprint (`request.blueprint == "api"`)? */
function takes(set: RequestSet, route: ModelRoute): boolean {
  return names(set, route) || set.blueprints.some((b) => route.endpoint.startsWith(`${b}.`));
}

/** Does one rejection of a hook run for the route: taken by all its scope, by none of its allow-lists? */
function checks(zone: HookZone, route: ModelRoute): boolean {
  return zone.within.every((s) => takes(s, route)) && !zone.except.some((s) => takes(s, route));
}

/**
 * A hook that checks some HTTP methods only (`if request.method == "GET": return`) splits a route serving
 * several: the skipped methods and the checked ones are judged apart.
 */
function splitByHookMethods(route: ModelRoute): ModelRoute[] {
  if (route.methods.length < 2) return [route];
  const groups = new Map<string, string[]>();
  for (const m of route.methods) {
    const key = route.hooks
      .map((h, i) => (h.analysis.verifies && h.analysis.allow.methods.includes(m) ? i : -1))
      .join();
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  if (groups.size < 2) return [route];
  return [...groups.values()].map((methods) => ({ ...route, methods }));
}

function appKey(route: ModelRoute): string {
  return route.app?.key ?? '';
}

/** The routes of a model judged one by one, before what their app and the whole tree tell is added. */
export interface DraftRoutes {
  draft: DraftRoute[];
  context: TreeContext;
}

type DraftRoute = Pick<
  AssessedRoute,
  'auth' | 'protectedBy' | 'failingHooks' | 'ineffective' | 'intent' | 'forgottenGuard' | 'readsOpenByDesign'
> & {
  route: ModelRoute;
  /** What the route adds to its realm's counts (none when it is public). */
  realmPart?: RealmCounts;
};

/** What a realm's routes (other than those public on purpose) are: counted, so that one route can leave itself out. */
interface RealmCounts {
  routes: number;
  protected: number;
  /** Reads of application data served to anonymous callers (unguarded or optional, changing nothing). */
  openReads: number;
  /** Routes that only read (GET, HEAD, OPTIONS), and how many of them are protected. */
  reads: number;
  protectedReads: number;
  /** Auth guards by decorator, with the number of routes each guards. */
  guards: [string, number][];
  /** Routes public on purpose: not counted in `routes`, but the realm's messages must not deny them. */
  public: number;
}

/** The route answers only requests that read (GET, HEAD, OPTIONS). */
function readsOnly(route: ModelRoute): boolean {
  return route.methods.every((m) => !WRITE_METHODS.has(m));
}

/** A route's realm key: its app and its blueprint (endpoint prefix); `*` as blueprint stands for the whole app. */
function realmOf(route: ModelRoute): string {
  const dot = route.endpoint.lastIndexOf('.');
  return dot > 0 ? route.endpoint.slice(0, dot) : '';
}
const realmKey = (app: string, realm: string): string => `${app}\u0000${realm}`;

/**
 * A guard to suggest for a route's unguarded siblings: an authenticating decorator, not a loopback-only one (it
 * keeps remote callers out but is no authentication), not one `LOGIN_DISABLED` switches off, and not a method a
 * view class runs (nothing to write below a route decorator).
 */
function suggestible(g: AppliedGuard, loginOff: boolean): boolean {
  return g.info.kind === 'auth' && !g.info.loopbackOnly && !(loginOff && g.info.flaskLogin) && !g.method;
}

/** What one route adds to its realm's counts. */
function contribution(d: DraftRoute, loginOff: boolean): RealmCounts {
  if (d.auth.state === 'public')
    return { routes: 0, protected: 0, openReads: 0, reads: 0, protectedReads: 0, guards: [], public: 1 };
  const guards: [string, number][] = [];
  for (const g of d.route.guards) if (suggestible(g, loginOff)) guards.push([g.decorator, 1]);
  const anonymous =
    d.auth.state === 'unprotected' || (d.auth.optional === true && d.auth.state !== 'protected');
  // Only a read of application data served anonymously says the realm is open on purpose: not a route that reads
  // nothing but who the caller is (`/is_logged_in`), nor one its own class says was meant to be guarded.
  const openRead =
    anonymous &&
    d.forgottenGuard === undefined &&
    !d.failingHooks.length &&
    !d.ineffective.length &&
    !d.route.misplaced.length &&
    d.route.methods.some((m) => m === 'GET' || m === 'HEAD') &&
    d.intent?.role === 'data' &&
    d.intent.writes.length === 0 &&
    d.intent.reads.some((e) => !e.identity);
  // A route serving anonymous callers on purpose (optional authentication) is, like a public one, no sibling that
  // should have been guarded; its reads still say the realm serves data anonymously.
  const onPurpose = d.auth.optional === true && d.auth.state !== 'protected';
  const read = !onPurpose && readsOnly(d.route);
  return {
    routes: onPurpose ? 0 : 1,
    protected: d.auth.state === 'protected' ? 1 : 0,
    openReads: openRead ? 1 : 0,
    reads: read ? 1 : 0,
    protectedReads: read && d.auth.state === 'protected' ? 1 : 0,
    guards,
    public: 0,
  };
}

function addCounts(into: Map<string, RealmCounts>, key: string, c: RealmCounts): void {
  const have = into.get(key);
  if (!have) {
    into.set(key, { ...c, guards: [...c.guards] });
    return;
  }
  have.routes += c.routes;
  have.protected += c.protected;
  have.openReads += c.openReads;
  have.public += c.public;
  have.reads += c.reads;
  have.protectedReads += c.protectedReads;
  for (const [g, n] of c.guards) {
    const at = have.guards.find((x) => x[0] === g);
    if (at) at[1] += n;
    else have.guards.push([g, n]);
  }
}

/**
 * What the judgement of a route takes from the other routes of its app and from the whole tree. Plain data,
 * so that the contexts of trees analysed apart (groups of modules that cannot see each other) can be merged
 * (mergeContexts) into the one the whole tree gives: app keys are unique across the tree, and the routes of
 * blueprints registered nowhere visible (key '') are counted together.
 */
export interface TreeContext {
  projectUsesAuth: boolean;
  /** Apps (by key) with some authenticated route. */
  usesAuth: string[];
  /** Apps (by key) with an optional-auth read. */
  openReads: string[];
  /** Auth guards by app key, with the number of routes each guards. */
  guardCounts: [string, [string, number][]][];
  /** Realms (app key and blueprint, or `*` for the whole app) and what their routes are. */
  realms: [string, RealmCounts][];
}

export function assessRoutes(
  model: FlaskModel,
  publicRoutes: readonly string[] = [],
  intents?: IntentJudge,
): AssessedRoute[] {
  const { draft, context } = draftRoutes(model, publicRoutes, intents);
  return finishRoutes(draft, context);
}

export function mergeContexts(contexts: readonly TreeContext[]): TreeContext {
  const usesAuth = new Set<string>();
  const openReads = new Set<string>();
  const guardCounts = new Map<string, Map<string, number>>();
  const realms = new Map<string, RealmCounts>();
  for (const c of contexts) {
    for (const [key, counts] of c.realms) addCounts(realms, key, counts);
    c.usesAuth.forEach((k) => usesAuth.add(k));
    c.openReads.forEach((k) => openReads.add(k));
    for (const [key, guards] of c.guardCounts) {
      const counts = guardCounts.get(key) ?? new Map<string, number>();
      for (const [g, n] of guards) counts.set(g, (counts.get(g) ?? 0) + n);
      guardCounts.set(key, counts);
    }
  }
  return {
    projectUsesAuth: contexts.some((c) => c.projectUsesAuth),
    usesAuth: [...usesAuth],
    openReads: [...openReads],
    guardCounts: [...guardCounts].map(([key, counts]) => [key, [...counts]]),
    realms: [...realms],
  };
}

/** The `public-routes` pattern that lists a route path, if any (a trailing slash is optional). */
export function publicRoutePattern(publicRoutes: readonly string[]): (path: string) => string | undefined {
  const matchers = publicRoutes.map((p) => picomatch(p, { dot: true }));
  return (path) => {
    const i = matchers.findIndex((m) => m(path) || m(path.replace(/\/$/, '')));
    return i >= 0 ? publicRoutes[i] : undefined;
  };
}

/**
 * `intents` judges what an unguarded route's handler does (intent.ts): without it (a model built apart from its
 * project), no route is public on purpose but by configuration or a hook's allow-list.
 */
export function draftRoutes(
  model: FlaskModel,
  publicRoutes: readonly string[] = [],
  intents?: IntentJudge,
): DraftRoutes {
  const listedBy = publicRoutePattern(publicRoutes);
  const configPublic = (path: string): string | undefined => {
    const pattern = listedBy(path);
    return pattern !== undefined ? `listed in public-routes (${pattern})` : undefined;
  };

  const draftOne = (route: ModelRoute): DraftRoute => {
    const protectedBy: string[] = [];
    const mechanisms: string[] = [];
    const ineffective: string[] = [];
    let optional = false;
    let unknown = route.opaqueView;
    const loginDisabledAt = route.app ? model.loginDisabled.get(route.app.key) : undefined;
    const loginOff = `does nothing: \`LOGIN_DISABLED = True\` (${loginDisabledAt}) switches Flask-Login off`;
    for (const g of route.guards) {
      if (g.info.kind === 'auth' && g.info.flaskLogin && loginDisabledAt) {
        mechanisms.push(`${g.label} (no effect: LOGIN_DISABLED)`);
        ineffective.push(`\`${g.label}\` ${loginOff}`);
      } else if (g.info.kind === 'auth')
        protectedBy.push(g.info.loopbackOnly ? `${g.label} (loopback only)` : g.label);
      else if (g.info.weak) {
        mechanisms.push(`${g.label} (not authentication)`);
        ineffective.push(`\`${g.label}\` ${g.info.weak}`);
      } else if (g.info.kind === 'optional') {
        optional = true;
        mechanisms.push(`${g.label} (optional)`);
      } else if (g.info.kind === 'unknown') {
        unknown = true;
        mechanisms.push(`${g.label} (not analysed)`);
      }
    }
    // A decorator that turns signed-in callers away leaves only anonymous ones: no identity is used when present.
    const anonymousOnly = route.guards.find((g) => g.info.anonymousOnly);
    if (anonymousOnly) mechanisms.push(`${anonymousOnly.label} (turns signed-in callers away)`);
    if (route.bodyCheck) protectedBy.push('credential check in the view body');
    else if (route.bodyWeak) {
      mechanisms.push('credential check in the view body (not authentication)');
      ineffective.push(`the view body ${route.bodyWeak}`);
    } else if (route.bodyOptional && !anonymousOnly) {
      optional = true;
      mechanisms.push('identity used only when present, in the view body (optional)');
    }
    let hookAllowed: string | undefined;
    let hookListed: string | undefined;
    const failingHooks: HookRef[] = [];
    for (const h of route.hooks) {
      const exempt = hookExemption(route, h);
      if (h.analysis.verifies) {
        if (exempt?.kind === 'granted') hookAllowed = exempt.why;
        else if (exempt?.kind === 'listed') hookListed = exempt.why;
        else if (exempt) mechanisms.push(exempt.why);
        else if (h.flaskLogin && loginDisabledAt) {
          mechanisms.push(`${h.label} (no effect: LOGIN_DISABLED)`);
          ineffective.push(`\`${h.label}\` ${loginOff}`);
        } else protectedBy.push(h.label);
      } else if (h.analysis.failsOpen && !exempt) {
        failingHooks.push(h);
        mechanisms.push(`${h.label} (fails open)`);
      }
    }
    for (const m of route.misplaced) mechanisms.push(`${m.label} (above the route decorator: no effect)`);
    const intent = protectedBy.length || unknown ? undefined : intents?.judge(route);
    // An allow-list never makes a route that changes data public on purpose: it is judged on its own.
    const listedPublic = hookListed !== undefined && !protectedBy.length && !intent?.writes.length;
    if (hookListed !== undefined && !listedPublic) mechanisms.push(hookListed);
    const configured = configPublic(route.path) ?? hookAllowed ?? (listedPublic ? hookListed : undefined);
    // A helper the handler calls serves anonymous callers on purpose (it tests whether there is one), as the body
    // itself may: optional authentication, whose writes optional-auth-on-write judges.
    if (
      intent?.servesAnonymous &&
      !optional &&
      !route.bodyOptional &&
      !anonymousOnly &&
      intent.role === 'data'
    ) {
      optional = true;
      mechanisms.push('identity used only when present, in a helper the view calls (optional)');
    }
    // Every write sits under a check of the signed-in caller: shown, with the first such write, as the evidence.
    const callerOnly = intent && !intent.writes.length ? intent.callerOnlyWrites[0] : undefined;
    if (callerOnly)
      mechanisms.push(
        `writes only for a signed-in caller who passes a check (${callerOnly.what} at ${callerOnly.file}:${callerOnly.line})`,
      );
    // Something on the route tries to authenticate (a weak or optional check, a hook that fails open, a misplaced
    // decorator): it is meant to be protected, whatever its handler does.
    // Optional authentication says anonymous callers are served on purpose, which a sign-in step, a token link or a
    // webhook does anyway; a static answer behind it is judged as the read it is.
    // A sign-in step's own check of what an identity provider sent back (an ID token decoded, errors swallowed)
    // authenticates the provider's answer, not the caller: it does not make the step meant to be protected.
    const weakBodyOnly =
      !route.bodyCheck &&
      route.bodyWeak !== undefined &&
      ineffective.length === 1 &&
      intent?.role === 'sign-in';
    // A hook that fails open sits in front of every route of its scope, sign-in steps included: it says nothing of
    // whether a sign-in step, a token link or a webhook receiver is meant to be public (the hook has its own finding).
    const byEvidence =
      intent?.role === 'sign-in' || intent?.role === 'token-link' || intent?.role === 'webhook';
    const meantProtected =
      (ineffective.length > 0 && !weakBodyOnly) ||
      (failingHooks.length > 0 && !byEvidence) ||
      route.misplaced.length > 0 ||
      (optional && intent?.role === 'static');
    const publicReason = configured ?? (meantProtected ? undefined : intent?.publicReason);
    let state: AuthState;
    if (protectedBy.length) state = 'protected';
    else if (unknown) state = 'unknown';
    else if (publicReason) state = 'public';
    else state = 'unprotected';
    const auth: RouteAuth = { state, mechanisms: [...protectedBy, ...mechanisms] };
    if (optional && state !== 'protected') auth.optional = true;
    if (state === 'public') {
      auth.publicReason = publicReason;
      if (!configured && intent?.evidence)
        auth.publicEvidence = {
          file: intent.evidence.file,
          startLine: intent.evidence.line,
          endLine: intent.evidence.line,
        };
    }
    const d: DraftRoute = { route, auth, protectedBy, failingHooks, ineffective };
    if (intent) d.intent = intent;
    return d;
  };
  // An unguarded data route whose handler writes only on a branch some methods take (`if form.validate_on_submit():`)
  // is judged method by method: the POST that stores a comment apart from the GET that shows the post. A route public
  // by evidence as a whole (a login form whose POST branch signs the caller in) stays whole.
  const draft = model.routes.flatMap(splitByHookMethods).flatMap((route) => {
    const d = draftOne(route);
    const split =
      d.intent?.role === 'data' && d.auth.state === 'unprotected' && intents?.methodsByWrites(route);
    return split ? split.map((methods) => draftOne({ ...route, methods })) : [d];
  });

  // A static answer or a data route among the methods of a class whose other methods are protected (its nearest
  // siblings), or overriding a base-class method under the app's auth decorator, is a forgotten decorator, not a
  // public page.
  // Siblings count when a decorator protects them (a check in a sign-in step's body is no decorator to forget).
  const viewClass = (route: ModelRoute): string | undefined => route.viewClass ?? intents?.viewClass(route);
  // A read is forgotten only beside guarded reads: beside guarded writes alone it is the read-open, write-guarded
  // design. A write beside any guarded method is forgotten.
  const protectedClasses = new Map<string | undefined, { reads: boolean; writes: boolean }>();
  for (const d of draft) {
    if (d.auth.state !== 'protected' || !d.route.guards.some((g) => g.info.kind === 'auth')) continue;
    const key = viewClass(d.route);
    const kinds = protectedClasses.get(key) ?? { reads: false, writes: false };
    if (readsOnly(d.route)) kinds.reads = true;
    else kinds.writes = true;
    protectedClasses.set(key, kinds);
  }
  const authDecorators = new Set(
    draft.flatMap((d) =>
      d.route.guards.filter((g) => g.info.kind === 'auth').map((g) => calleeText(g.decorator)),
    ),
  );
  for (const d of draft) {
    const role = d.intent?.role;
    if (role !== 'static' && role !== 'data') continue;
    // A preflight answer is anonymous whatever its class's other methods require.
    if (d.route.methods.every((m) => m === 'OPTIONS')) continue;
    if (d.auth.state === 'public' && d.auth.publicEvidence === undefined) continue;
    if (d.auth.state !== 'public' && d.auth.state !== 'unprotected') continue;
    const key = viewClass(d.route);
    const guarded = key !== undefined ? protectedClasses.get(key) : undefined;
    const name = key?.slice(key.lastIndexOf(':') + 1);
    const read = readsOnly(d.route) && !d.intent?.writes.length;
    if (guarded && (guarded.reads || !read))
      d.forgottenGuard = `the other methods of \`${name}\` require authentication`;
    else if (guarded)
      d.readsOpenByDesign = `\`${name}\` requires authentication only for its methods that change data`;
    else {
      const inherited = intents?.overriddenDecorators(d.route).find((t) => authDecorators.has(t));
      if (inherited) d.forgottenGuard = `the method it overrides is guarded by \`@${inherited}\``;
    }
    // A guarded sibling in the route's own class still says the class was meant to authenticate: never public by
    // a constant answer, whatever the severity of leaving a read open.
    if ((d.forgottenGuard || d.readsOpenByDesign) && d.auth.state === 'public')
      d.auth = { state: 'unprotected', mechanisms: d.auth.mechanisms };
  }

  // Does each app authenticate anything? Blueprints registered nowhere visible are judged by the whole tree.
  const usesAuth = new Set<string>();
  const openReads = new Set<string>();
  const guardCounts = new Map<string, Map<string, number>>();
  const realms = new Map<string, RealmCounts>();
  const projectUsesAuth =
    model.authExtensions.length > 0 ||
    model.allHooks.some((h) => h.analysis.verifies || h.analysis.failsOpen);
  for (const d of draft) {
    const key = appKey(d.route);
    const authed =
      d.protectedBy.length > 0 ||
      d.auth.optional === true ||
      (d.auth.state === 'unknown' && !d.route.opaqueView) ||
      d.route.misplaced.length > 0 ||
      d.failingHooks.length > 0 ||
      d.ineffective.length > 0;
    if (authed) usesAuth.add(key);
    if (d.auth.optional && d.route.methods.every((m) => !WRITE_METHODS.has(m))) openReads.add(key);
    const counts = guardCounts.get(key) ?? new Map<string, number>();
    const loginOff = model.loginDisabled.has(key);
    const part = contribution(d, loginOff);
    d.realmPart = part;
    addCounts(realms, realmKey(key, realmOf(d.route)), part);
    addCounts(realms, realmKey(key, '*'), part);
    for (const g of d.route.guards)
      if (suggestible(g, loginOff)) counts.set(g.decorator, (counts.get(g.decorator) ?? 0) + 1);
    guardCounts.set(key, counts);
  }
  const context: TreeContext = {
    projectUsesAuth,
    usesAuth: [...usesAuth],
    openReads: [...openReads],
    guardCounts: [...guardCounts].map(([key, counts]) => [key, [...counts]]),
    realms: [...realms],
  };
  return { draft, context };
}

/** The guard that protects more than half of a realm's protected routes, if one does. */
function usualGuard(counts: RealmCounts | undefined): string | undefined {
  const top = [...(counts?.guards ?? [])].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return top && counts && top[1] * 2 > counts.protected ? top[0] : undefined;
}

/** Each route's judgement completed with what its app and the whole tree tell. */
export function finishRoutes(draft: readonly DraftRoute[], context: TreeContext): AssessedRoute[] {
  const { projectUsesAuth } = context;
  const usesAuth = new Set(context.usesAuth);
  const openReads = new Set(context.openReads);
  const guardCounts = new Map(context.guardCounts);
  const anyRouteAuth = usesAuth.size > 0;
  /** The guard most of an app's routes use, by app key (computed once per app, not per route). */
  const suggested = new Map<string, string | undefined>();
  const suggestedGuard = (key: string): string | undefined => {
    if (!suggested.has(key)) {
      const counts = [...(guardCounts.get(key) ?? [])].sort(
        (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
      );
      suggested.set(key, counts[0]?.[0]);
    }
    return suggested.get(key);
  };
  const realms = new Map(context.realms);
  return draft.map((d) => {
    const { route, auth, protectedBy, failingHooks, ineffective } = d;
    const key = appKey(route);
    const realm = realmOf(route);
    const own = d.realmPart;
    // The realm's other routes: its blueprint's, or, when the blueprint has no other, the whole app's.
    const others = (k: string): RealmCounts | undefined => {
      const all = realms.get(k);
      if (!all) return undefined;
      const routes = all.routes - (own?.routes ?? 0);
      if (routes <= 0) return undefined;
      const guards = all.guards.map(([g, n]): [string, number] => [
        g,
        n - (own?.guards.find((x) => x[0] === g)?.[1] ?? 0),
      ]);
      return {
        routes,
        protected: all.protected - (own?.protected ?? 0),
        openReads: all.openReads - (own?.openReads ?? 0),
        reads: all.reads - (own?.reads ?? 0),
        protectedReads: all.protectedReads - (own?.protectedReads ?? 0),
        guards: guards.filter(([, n]) => n > 0),
        public: all.public - (own?.public ?? 0),
      };
    };
    const ownRealm = others(realmKey(key, realm));
    const siblings = ownRealm ?? others(realmKey(key, '*'));
    // The realm's usual guard, else the app's: only one that protects most of their protected routes is the
    // baseline (a decorator one sibling uses is no fix for the others).
    const realmGuard = usualGuard(siblings) ?? usualGuard(others(realmKey(key, '*')));
    // Object.assign copies the many shapes of a route far faster than an object spread does.
    const judged = Object.assign({}, route) as AssessedRoute;
    judged.auth = auth;
    judged.protectedBy = protectedBy;
    judged.failingHooks = failingHooks;
    judged.ineffective = ineffective;
    judged.appUsesAuth = projectUsesAuth || usesAuth.has(key) || (key === '' && anyRouteAuth);
    judged.appHasOpenReads = openReads.has(key);
    judged.suggestedGuard = siblings ? realmGuard : suggestedGuard(key);
    judged.writes = route.methods.some((m) => WRITE_METHODS.has(m));
    if (d.intent) judged.intent = d.intent;
    if (d.forgottenGuard) judged.forgottenGuard = d.forgottenGuard;
    // A blueprint with no other route is judged, and named, by its whole app.
    judged.realm = ownRealm ? realm : '';
    // A read is the forgotten decorator when its realm's other reads are all protected; a write, when every other
    // route is. A read in a realm that guards only its writes is the read-open, write-guarded design.
    const read = readsOnly(route) && !d.intent?.writes.length;
    judged.realmPublic = siblings?.public ?? 0;
    judged.realmAllProtected =
      siblings !== undefined &&
      (read
        ? siblings.reads > 0 && siblings.protectedReads === siblings.reads
        : siblings.protected === siblings.routes);
    const readsOpenByDesign =
      d.readsOpenByDesign ??
      (read && siblings && siblings.protected > 0 && siblings.protectedReads === 0
        ? `${ownRealm ? `blueprint \`${realm}\`` : 'this app'} requires authentication only for routes that change data`
        : undefined);
    if (readsOpenByDesign) judged.readsOpenByDesign = readsOpenByDesign;
    judged.realmOpenReads = (siblings?.openReads ?? 0) > 0;
    judged.realmUsesAuth = (siblings?.protected ?? 0) > 0;
    return judged;
  });
}
