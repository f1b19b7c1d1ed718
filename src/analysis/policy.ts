import picomatch from 'picomatch';
import type { AuthState, RouteAuth } from '../types.js';
import type { FlaskModel, HookRef, ModelRoute } from './flask.js';
import { WRITE_METHODS } from './flask.js';

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
  sensitive: boolean;
  writes: boolean;
  /**
   * A read-only page rendered from a template, outside admin areas, in an app that signs users in with
   * Flask-Login: such apps show many pages (profiles, post lists) to anonymous visitors on purpose.
   */
  anonymousPage: boolean;
}

const AREA_SEGMENTS =
  /^(docs?|apidocs|api-docs|swagger|swagger-ui|swaggerui|swagger\.json|swagger\.ya?ml|openapi|openapi\.json|openapi\.ya?ml|redoc|static|assets|\.well-known|favicon\.ico|robots\.txt)$/;
const ENTRY_SEGMENTS =
  /^(login|log-in|logout|log-out|signin|sign-in|signout|sign-out|signup|sign-up|register|registration|token|refresh|token-refresh|refresh-token|access-token|oauth|oauth2|callback|authorize|jwks|jwks\.json|openid-configuration)$/;
/** Sign-up and sign-in areas: `/register/customer`, `/login/callback`. */
const ENTRY_AREAS = /^(login|signin|sign-in|signup|sign-up|register|registration)$/;
/** Password recovery and account confirmation links, often followed by a token parameter. */
const RECOVERY_SEGMENTS =
  /^((reset|forgot|forgotten|recover|recovery|lost)(-your)?-(password|pwd|pass)(-[a-z]+)?|(password|pwd)-(reset|forgot|recovery|request)(-[a-z]+)?|reset|forgot|confirm|confirmation|confirm-email|verify-email|email-verification|activate|activation|unsubscribe)$/;
const HEALTH_SEGMENTS =
  /^(health|healthz|healthcheck|health-check|status|ping|ready|readyz|readiness|live|livez|liveness|alive|heartbeat|version)$/;
/** Conventionally public pages, for GET only. */
const PAGE_SEGMENTS =
  /^(about|about-us|contact|contact-us|privacy|privacy-policy|terms|tos|terms-of-service|legal|help|faq|home|index|landing|pricing|features|sitemap\.xml|manifest\.json)$/;
/** Only when the route accepts nothing but POST: `POST /tokens` issues a token, `GET /tokens` lists them. */
const POST_ENTRY_SEGMENTS = /^(tokens|auth|authenticate|authentication|sessions?)$/;
/** `POST /users` without parameters is sign-up, unless it sits under an admin area. */
const SIGNUP_COLLECTIONS = /^(users|accounts|members|customers)$/;
/** `POST /user` is sign-up too when its handler says it creates one (`save_new_user`, `UserList.post`). */
const SIGNUP_RESOURCES = /^(user|account|member|customer)$/;
const SIGNUP_HANDLER =
  /(^|_)(create|new|add|save|register|registration|signup|sign_up|list|collection)(_|$)|^(users|accounts|members|customers)$/;
/** Where an OAuth/OpenID Connect login starts or finishes: `/oauth2/<provider>`, `/auth/<provider>/callback`. */
const OAUTH_SEGMENTS = /^(oauth|oauth2|oidc|openid|openid-connect|sso|auth|login|log-in|signin|sign-in)$/;
const PROVIDER_PARAM =
  /^(provider|provider_?(name|id)|oauth_?provider|backend|idp|idp_?name|identity_?provider|service|social|network|strategy)$/i;
const ADMIN_AREA = /^(admin|admins|administration|internal|manage|management|staff|backoffice|dashboard)$/;
/** Privileged accounts: `/register/admin`, `/signup/superuser`. */
const ADMIN_ACCOUNT =
  /^(admin|admins|administrator|administrators|superuser|superusers|root|staff|moderator|moderators|operator|operators)$/;
const REGISTRATION = /^(signup|sign-up|register|registration)$/;
const TOKEN_PARAM = /token|code|key|uid|hash|signature|nonce|secret/i;
const PUBLIC_VIEW_NAMES =
  /^(login|logout|sign_?in|sign_?out|sign_?up|register|refresh|refresh_token|token|issue_token|get_token|create_token|health|healthcheck|health_check|ping|liveness|readiness|reset_password(_request)?|forgot_password|confirm_email|verify_email)$/;

const SENSITIVE =
  /(^|[/_.\-<:])(users?|accounts?|admins?|administration|profiles?|me|settings|preferences|payments?|pay|orders?|billing|invoices?|cards?|wallets?|transactions?|transfers?|customers?|passwords?|secrets?|keys|api-?keys|credentials|private|internal|members?|employees?|patients?|records?|roles?|permissions?|purchases?|subscriptions?|checkout|refunds?|bank|balances?|messages?|uploads?|exports?|backups?|config|audit)([/_.\->:]|$)/i;

interface PathShape {
  /** Static segments, lower-cased, `_` as `-`. */
  segments: string[];
  /** The last static segment and the parameters after it. */
  last?: string;
  trailingParams: string[];
  hasParams: boolean;
}

function pathShape(path: string): PathShape {
  const parts = path.split('/').filter(Boolean);
  const segments = parts.filter((p) => !p.startsWith('<')).map((p) => p.toLowerCase().replace(/_/g, '-'));
  const trailingParams: string[] = [];
  let i = parts.length - 1;
  for (; i >= 0 && parts[i]!.startsWith('<'); i--)
    trailingParams.unshift(parts[i]!.replace(/^<(?:[^:>]*:)?([^>]*)>$/, '$1'));
  return {
    segments,
    last: i >= 0 ? parts[i]!.toLowerCase().replace(/_/g, '-') : undefined,
    trailingParams,
    hasParams: parts.some((p) => p.startsWith('<')),
  };
}

function viewBaseName(viewName: string): string {
  const [cls, method] = viewName.split('.');
  if (method === undefined) return viewName.toLowerCase();
  return (cls ?? '')
    .replace(/(Resource|View|API|Api|Endpoint|Handler)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Why a route is public by design (login, health, docs, the root page…), or undefined. */
export function publicByDesign(route: Pick<ModelRoute, 'path' | 'methods' | 'viewName'>): string | undefined {
  const shape = pathShape(route.path);
  // Browsers send CORS preflight requests without credentials: an OPTIONS handler answers them on purpose.
  if (route.methods.every((m) => m === 'OPTIONS')) return 'CORS preflight (OPTIONS)';
  const readOnly = route.methods.every((m) => m === 'GET' || m === 'HEAD');
  if (route.path === '/' && readOnly) return 'the root page';
  const area = readOnly ? shape.segments.find((s) => AREA_SEGMENTS.test(s)) : undefined;
  if (area) return `documentation or static files (${area})`;
  const hook = shape.segments.find((s) => /^(webhooks?|hooks)$/.test(s));
  if (hook && route.methods.every((m) => m === 'POST'))
    return `webhook receiver (${hook}): verify its signature instead of a token`;
  // Creating an administrator (`POST /register/admin`, `/admin/signup`) is not self-service sign-up.
  const adminArea = shape.segments.some((s) => ADMIN_AREA.test(s) || ADMIN_ACCOUNT.test(s));
  const entryArea = shape.segments.find((s) => ENTRY_AREAS.test(s) && !(adminArea && REGISTRATION.test(s)));
  if (entryArea && !shape.hasParams) return `authentication entry point (${entryArea})`;
  const last = shape.last;
  if (last) {
    const tokenOnly = shape.trailingParams.every((p) => TOKEN_PARAM.test(p));
    if (ENTRY_SEGMENTS.test(last) && !shape.hasParams && !(adminArea && REGISTRATION.test(last)))
      return `authentication entry point (${last})`;
    if (RECOVERY_SEGMENTS.test(last) && tokenOnly) return `password reset or account confirmation (${last})`;
    // Health, status and version are read by probes; writing to them (`POST /version`) is not public.
    if (HEALTH_SEGMENTS.test(last) && !shape.hasParams && readOnly)
      return `health or status endpoint (${last})`;
    if (PAGE_SEGMENTS.test(last) && !shape.hasParams && readOnly) return `public page (${last})`;
    const postOnly = route.methods.length === 1 && route.methods[0] === 'POST';
    if (postOnly && !shape.hasParams && POST_ENTRY_SEGMENTS.test(last))
      return `authentication entry point (POST ${last})`;
    if (
      postOnly &&
      !shape.hasParams &&
      (SIGNUP_COLLECTIONS.test(last) ||
        (SIGNUP_RESOURCES.test(last) && SIGNUP_HANDLER.test(viewBaseName(route.viewName)))) &&
      !shape.segments.some((s) => ADMIN_AREA.test(s))
    ) {
      return `account registration (POST ${last})`;
    }
  }
  // Starting or finishing a login with an identity provider: the parameters name the provider, nothing else.
  const params = (route.path.match(/<[^>]*>/g) ?? []).map((p) => p.replace(/^<(?:[^:>]*:)?([^>]*)>$/, '$1'));
  const oauth = shape.segments.find((s) => OAUTH_SEGMENTS.test(s));
  if (
    oauth &&
    !adminArea &&
    route.methods.every((m) => m === 'GET' || m === 'POST') &&
    params.some((p) => PROVIDER_PARAM.test(p)) &&
    params.every((p) => PROVIDER_PARAM.test(p) || TOKEN_PARAM.test(p))
  )
    return `authentication entry point (${oauth} with an identity provider)`;
  const name = viewBaseName(route.viewName);
  if (PUBLIC_VIEW_NAMES.test(name) && !(adminArea && /sign_?up|register/.test(name)))
    return `authentication entry point (${name})`;
  return undefined;
}

export function isSensitive(route: Pick<ModelRoute, 'path' | 'viewName'>): boolean {
  return SENSITIVE.test(route.path) || SENSITIVE.test(route.viewName.replace(/\./g, '_'));
}

/** Marks of views exempted from an access-control object's hook (auth.ts `optOutMark`). */
const OPT_OUT = '@optout:';

/**
 * Does the hook let this route through by design? `public`: the route is named in its allow-list (endpoint,
 * endpoint prefix, path, path prefix, marker) — public on purpose. `skipped`: a whole blueprint or HTTP method
 * is exempt — the route is simply not checked, and policy decides whether it should be.
 */
function hookExemption(
  route: ModelRoute,
  hook: HookRef,
): { kind: 'public' | 'skipped'; why: string } | undefined {
  const allow = hook.analysis.allow;
  const short = route.endpoint.split('.').pop() ?? route.endpoint;
  const listed =
    allow.endpoints.some((e) => e === route.endpoint || (!route.endpoint.includes('.') && e === short)) ||
    allow.endpointPrefixes.some((p) => p && route.endpoint.startsWith(p)) ||
    allow.paths.includes(route.path) ||
    allow.prefixes.some((p) => p && route.path.startsWith(p)) ||
    allow.markers.some((m) => !m.startsWith(OPT_OUT) && route.marks.includes(m));
  if (listed) return { kind: 'public', why: `allow-listed by ${hook.label}` };
  // Exempted by a decorator of the hook's own access-control object (`@rbac.exempt`): out of that check, not
  // public by design — the route is judged on its own.
  if (allow.markers.some((m) => m.startsWith(OPT_OUT) && route.marks.includes(m)))
    return { kind: 'skipped', why: `exempt from ${hook.label}` };
  const dot = route.endpoint.lastIndexOf('.');
  const blueprint = dot > 0 ? route.endpoint.slice(0, dot) : undefined;
  if (blueprint !== undefined && allow.blueprints.includes(blueprint))
    return { kind: 'skipped', why: `${hook.label} skips blueprint '${blueprint}'` };
  if (route.methods.every((m) => allow.methods.includes(m)))
    return { kind: 'skipped', why: `${hook.label} skips ${route.methods.join('/')} requests` };
  return undefined;
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

type DraftRoute = Pick<AssessedRoute, 'auth' | 'protectedBy' | 'failingHooks' | 'ineffective'> & {
  route: ModelRoute;
};

/**
 * What the judgement of a route takes from the other routes of its app and from the whole tree. Plain data,
 * so that the contexts of trees analysed apart (groups of modules that cannot see each other) can be merged
 * (mergeContexts) into the one the whole tree gives: app keys are unique across the tree, and the routes of
 * blueprints registered nowhere visible (key '') are counted together.
 */
export interface TreeContext {
  projectUsesAuth: boolean;
  loginWebApp: boolean;
  /** Apps (by key) with some authenticated route. */
  usesAuth: string[];
  /** Apps (by key) with an optional-auth read. */
  openReads: string[];
  /** Auth guards by app key, with the number of routes each guards. */
  guardCounts: [string, [string, number][]][];
}

export function assessRoutes(model: FlaskModel, publicRoutes: readonly string[] = []): AssessedRoute[] {
  const { draft, context } = draftRoutes(model, publicRoutes);
  return finishRoutes(draft, context);
}

export function mergeContexts(contexts: readonly TreeContext[]): TreeContext {
  const usesAuth = new Set<string>();
  const openReads = new Set<string>();
  const guardCounts = new Map<string, Map<string, number>>();
  for (const c of contexts) {
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
    loginWebApp: contexts.some((c) => c.loginWebApp),
    usesAuth: [...usesAuth],
    openReads: [...openReads],
    guardCounts: [...guardCounts].map(([key, counts]) => [key, [...counts]]),
  };
}

export function draftRoutes(model: FlaskModel, publicRoutes: readonly string[] = []): DraftRoutes {
  const matchers = publicRoutes.map((p) => picomatch(p, { dot: true }));
  const configPublic = (path: string): string | undefined => {
    const i = matchers.findIndex((m) => m(path) || m(path.replace(/\/$/, '')));
    return i >= 0 ? `listed in public-routes (${publicRoutes[i]})` : undefined;
  };

  const draft = model.routes.flatMap(splitByHookMethods).map((route) => {
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
      } else if (g.info.kind === 'auth') protectedBy.push(g.label);
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
    if (route.bodyCheck) protectedBy.push('credential check in the view body');
    else if (route.bodyWeak) {
      mechanisms.push('credential check in the view body (not authentication)');
      ineffective.push(`the view body ${route.bodyWeak}`);
    } else if (route.bodyOptional) {
      optional = true;
      mechanisms.push('identity used only when present, in the view body (optional)');
    }
    let hookAllowed: string | undefined;
    const failingHooks: HookRef[] = [];
    for (const h of route.hooks) {
      const exempt = hookExemption(route, h);
      if (h.analysis.verifies) {
        if (exempt?.kind === 'public') hookAllowed = exempt.why;
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
    const publicReason = configPublic(route.path) ?? hookAllowed ?? publicByDesign(route);
    let state: AuthState;
    if (protectedBy.length) state = 'protected';
    else if (unknown) state = 'unknown';
    else if (publicReason) state = 'public';
    else state = 'unprotected';
    const auth: RouteAuth = { state, mechanisms: [...protectedBy, ...mechanisms] };
    if (optional && state !== 'protected') auth.optional = true;
    if (state === 'public') auth.publicReason = publicReason;
    return { route, auth, protectedBy, failingHooks, ineffective };
  });

  // Does each app authenticate anything? Blueprints registered nowhere visible are judged by the whole tree.
  const usesAuth = new Set<string>();
  const openReads = new Set<string>();
  const guardCounts = new Map<string, Map<string, number>>();
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
    for (const g of d.route.guards)
      if (g.info.kind === 'auth' && !(loginOff && g.info.flaskLogin))
        counts.set(g.decorator, (counts.get(g.decorator) ?? 0) + 1);
    guardCounts.set(key, counts);
  }
  const context: TreeContext = {
    projectUsesAuth,
    loginWebApp: model.authExtensions.some((e) => e.qn.startsWith('flask_login.')),
    usesAuth: [...usesAuth],
    openReads: [...openReads],
    guardCounts: [...guardCounts].map(([key, counts]) => [key, [...counts]]),
  };
  return { draft, context };
}

/** Each route's judgement completed with what its app and the whole tree tell. */
export function finishRoutes(draft: readonly DraftRoute[], context: TreeContext): AssessedRoute[] {
  const { projectUsesAuth, loginWebApp } = context;
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
  return draft.map(({ route, auth, protectedBy, failingHooks, ineffective }) => {
    const key = appKey(route);
    // Object.assign copies the many shapes of a route far faster than an object spread does.
    const judged = Object.assign({}, route) as AssessedRoute;
    judged.auth = auth;
    judged.protectedBy = protectedBy;
    judged.failingHooks = failingHooks;
    judged.ineffective = ineffective;
    judged.appUsesAuth = projectUsesAuth || usesAuth.has(key) || (key === '' && anyRouteAuth);
    judged.appHasOpenReads = openReads.has(key);
    judged.suggestedGuard = suggestedGuard(key);
    judged.sensitive = isSensitive(route);
    judged.writes = route.methods.some((m) => WRITE_METHODS.has(m));
    judged.anonymousPage =
      loginWebApp &&
      route.rendersPage === true &&
      route.methods.every((m) => m === 'GET') &&
      !pathShape(route.path).segments.some((s) => ADMIN_AREA.test(s) || ADMIN_ACCOUNT.test(s));
    return judged;
  });
}
