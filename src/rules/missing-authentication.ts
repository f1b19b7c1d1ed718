import type { AssessedRoute } from '../analysis/policy.js';
import type { RouteIntent } from '../analysis/intent.js';
import type { Finding, Severity } from '../types.js';
import { type Rule, type RuleMeta, routeFinding, routeLabel } from './types.js';

const meta: RuleMeta = {
  id: 'missing-authentication',
  title: 'Route reachable without authentication',
  severity: 'high',
  cwe: ['CWE-306'],
  description:
    'A route answers requests that carry no credentials although it is not public by design: no auth decorator, class-level decorator, request hook or check in the view body rejects anonymous callers.',
  fix: 'Add the authentication the rest of the API uses (e.g. `@jwt_required()` below the route decorator), or list the route in `public-routes` if it is public on purpose.',
  docs: 'docs/rules/missing-authentication.md',
};

function guardText(guard: string | undefined): string {
  return guard ? `\`@${guard}\`` : 'a Bearer-token check';
}

/** The security schemes named in an OpenAPI guard label (`openapi security bearerAuth (http)`). */
function schemeNames(guard: string | undefined): string[] {
  return [...(guard ?? '').matchAll(/openapi security (\S+)/g)].map((m) => m[1]!);
}

/** Where the fix goes: below the route decorator, or, for an OpenAPI operation, in the document. */
function addGuard(route: { specLocation?: string; suggestedGuard?: string }): string {
  if (!route.specLocation) return `add ${guardText(route.suggestedGuard)} below the route decorator`;
  const schemes = schemeNames(route.suggestedGuard);
  const example = schemes.length ? ` (e.g. \`${schemes.map((n) => `${n}: []`).join(', ')}\`)` : '';
  return `add a \`security\` requirement${example} to the operation at ${route.specLocation}`;
}

/** `app/notes.py:31`. */
const at = (e: { file: string; line: number }): string => `${e.file}:${e.line}`;

/** Effects told from a method's name alone (effects.ts `guessed`) come after those the analysis resolved. */
const firstFirm = <T extends { guessed?: boolean }>(list: readonly T[]): T | undefined =>
  list.find((e) => !e.guessed) ?? list[0];

/** What the handler does that makes it sensitive, with where: its first write, user data it hands out, or a read. */
function sensitivity(intent: RouteIntent | undefined): string | undefined {
  if (!intent) return undefined;
  const write = firstFirm(intent.writes);
  if (write) return `${write.what} (${at(write)})`;
  const field = intent.exposed[0];
  if (field && intent.reads.length) return `returns \`${field.field}\` (${at(field)})`;
  const identity = intent.reads.find((e) => e.relied);
  if (identity) return `${identity.what} (${at(identity)})`;
  // An identity handed on says less than any other read.
  const read = firstFirm(intent.reads.filter((e) => !e.identity)) ?? firstFirm(intent.reads);
  return read ? `${read.what} (${at(read)})` : undefined;
}

/** Where the route's authenticated siblings are: its blueprint, or the app. */
function realmName(route: AssessedRoute): string {
  return route.realm ? `blueprint \`${route.realm}\`` : 'this app';
}

interface Verdict {
  severity: Severity;
  /** What is wrong and what the handler does, without the remedy. */
  why: string;
  /** The remedy, one sentence: routes with the same remedy share it, so a report can say it once. */
  fix: string;
}

const ORPUBLIC = ', or list the route in `public-routes` if it is public on purpose';
const REQUIRE_TOKEN = 'Require a Bearer token (e.g. flask_jwt_extended `@jwt_required()`).';
const sentence = (s: string): string => `${s[0]!.toUpperCase()}${s.slice(1)}.`;

/** A finding whose message is its reason followed by its remedy, with both kept apart for the reports. */
function withFix(
  route: AssessedRoute,
  verdict: Omit<Verdict, 'severity'>,
  severity: Severity = meta.severity,
): Finding {
  const finding = routeFinding(meta, route, `${verdict.why}. ${verdict.fix}`, severity);
  finding.why = verdict.why;
  finding.fix = verdict.fix;
  return finding;
}

/** The finding for a route whose handler is known to read or change application data, or to check nothing. */
function judged(route: AssessedRoute, intent: RouteIntent, label: string): Verdict | undefined {
  const does = sensitivity(intent);
  // A read or write reached only through a method matched by name on a value of unknown type is a possibility:
  // it never makes a route high by itself.
  const firmWrites = intent.writes.filter((e) => !e.guessed);
  const firmReads = intent.reads.filter((e) => !e.guessed);
  const writes = firmWrites.length > 0;
  // Reading the caller's identity says a guard was forgotten only where the handler relies on a signed-in caller
  // (`current_user.id` loading their records): handed on or used when present, anonymous callers are expected.
  const userData =
    (intent.exposed.length > 0 && firmReads.length > 0) || firmReads.some((e) => e.relied === true);
  const guessedOnly = !writes && !firmReads.length && intent.writes.length + intent.reads.length > 0;
  if (intent.problem === 'unsigned-webhook')
    return {
      severity: writes ? 'high' : 'medium',
      why: `\`${label}\` receives webhooks but verifies no signature over the request body${does ? ` and ${does}` : ''}: anyone can call it`,
      fix: sentence(
        `verify the sender's signature (e.g. \`hmac.compare_digest\` of an HMAC over \`request.get_data()\`, or the provider SDK's verifier)${ORPUBLIC}`,
      ),
    };
  // The token may be checked where tokengate cannot look: worth a look, never a sure gap.
  if (intent.problem === 'unfollowed-token' && intent.unfollowed)
    return {
      severity: 'medium',
      why: `\`${label}\` takes a token in its URL and hands it to ${intent.unfollowed.what} (${at(intent.unfollowed)}), which tokengate cannot follow, so it cannot tell whether the token is checked${does ? `; the route ${does}` : ''}`,
      fix: sentence(
        `make sure ${intent.unfollowed.what} verifies the token before acting, and list the route in \`public-routes\` if it is public on purpose`,
      ),
    };
  if (intent.problem === 'unverified-token')
    return {
      severity: writes || userData ? 'high' : 'medium',
      why: `\`${label}\` takes a token in its URL but never checks it${does ? `, and ${does}` : ''}: anyone can call it with any value`,
      fix: sentence(
        `verify the token (a signed token's \`loads\`/\`decode\` with a key, or a lookup of its stored hash) before acting${ORPUBLIC}`,
      ),
    };
  // The forgotten decorator: the route's own class, or every other route of its realm, requires authentication.
  const forgotten = route.forgottenGuard
    ? `while ${route.forgottenGuard}`
    : route.realmAllProtected
      ? route.realmPublic
        ? `while every other route of ${realmName(route)} that is not public on purpose requires authentication`
        : `while every other route of ${realmName(route)} requires authentication`
      : undefined;
  const guardFix = sentence(`${addGuard(route)}${ORPUBLIC}`);
  const maybePublic = `If it is public on purpose, list it in \`public-routes\`; otherwise ${addGuard(route)}.`;
  if (intent.role === 'static') {
    if (!route.appUsesAuth) return undefined;
    // A service the caller's input drives (`POST /api/queries/format`) among guarded siblings is the forgotten
    // decorator; an answer of constants (a logout that returns a URL) stays low.
    if (forgotten && (intent.input || route.forgottenGuard))
      return {
        severity: 'high',
        why: `\`${label}\` ${intent.input ? `${intent.input.what} (${at(intent.input)})` : 'has no authentication'} ${forgotten}`,
        fix: guardFix,
      };
    return {
      severity: 'low',
      why: `\`${label}\` has no authentication; its handler touches no application data that tokengate can see, so it may be public on purpose`,
      fix: maybePublic,
    };
  }
  if (!route.appUsesAuth) {
    if (writes)
      return {
        severity: 'high',
        why: `\`${label}\` ${does} and this app has no authentication at all: anyone can call it`,
        fix: REQUIRE_TOKEN,
      };
    if (userData)
      return {
        severity: 'medium',
        why: `\`${label}\` ${does} and this app has no authentication at all`,
        fix: REQUIRE_TOKEN,
      };
    return undefined;
  }
  if (guessedOnly)
    return {
      severity: 'medium',
      why: `\`${label}\` has no authentication and calls a method on a value whose type tokengate cannot tell; a project method of that name ${does}, so the route may change or read application data`,
      fix: maybePublic,
    };
  // Only a method of a value of unknown type says the handler may touch data: a possibility, worth a look.
  if (!does && intent.unfollowed)
    return {
      severity: 'medium',
      why: `\`${label}\` has no authentication and calls ${intent.unfollowed.what} (${at(intent.unfollowed)}) on a value whose type tokengate cannot tell, so it may read or change application data`,
      fix: maybePublic,
    };
  // A read beside guarded writes only (the other methods of its class, or its whole realm) is the read-open,
  // write-guarded design: worth a look, not a forgotten decorator.
  const openByDesign = forgotten ? undefined : route.readsOpenByDesign;
  // Only code tokengate cannot follow (a call it could not resolve) is no evidence of data by itself: high needs the
  // forgotten decorator.
  // An identity handed on or used only when present is no evidence of data: without other evidence, a possibility.
  const evidence = sensitivity({ ...intent, reads: intent.reads.filter((e) => !e.identity || e.relied) });
  if (!writes && !userData && !forgotten && does && !evidence)
    return {
      severity: 'medium',
      why: `\`${label}\` ${does} without authentication, but only hands it on or uses it when there is one: it may serve anonymous callers on purpose`,
      fix: maybePublic,
    };
  if (writes || userData || forgotten || (!route.realmOpenReads && !openByDesign && evidence)) {
    const why = forgotten ?? `while ${realmName(route)} authenticates other routes`;
    return {
      severity: 'high',
      why: `\`${label}\` ${does ?? 'calls code tokengate cannot follow (it may serve application data)'} without authentication ${why}`,
      fix: guardFix,
    };
  }
  return {
    severity: 'medium',
    why: `\`${label}\` ${does ?? 'calls code tokengate cannot follow (it may read application data)'} without authentication; ${openByDesign ?? `${realmName(route)} serves other reads to anonymous callers on purpose`}`,
    fix: maybePublic,
  };
}

export const rule: Rule = {
  meta,
  check(ctx) {
    const out: Finding[] = [];
    for (const route of ctx.routes) {
      if (route.auth.state !== 'unprotected' || route.auth.optional) continue;
      // Covered by the more precise rules: a misplaced decorator, a hook that fails open.
      if (route.misplaced.length || route.failingHooks.length) continue;
      const label = routeLabel(route);
      const before = out.length;
      if (route.ineffective.length) {
        // Something on the route looks like authentication but lets any caller through: say what and why.
        const verify = route.ineffective.some((w) => w.includes('LOGIN_DISABLED'))
          ? 'Set `LOGIN_DISABLED` only in test configuration'
          : `Verify the credential (${route.specLocation ? addGuard(route) : `e.g. ${guardText(route.suggestedGuard ?? 'jwt_required()')}`})`;
        out.push(
          withFix(route, {
            why: `\`${label}\` has no effective authentication: ${route.ineffective.join('; ')}`,
            fix: `${verify}${ORPUBLIC}.`,
          }),
        );
      } else if (route.intent) {
        const verdict = judged(route, route.intent, label);
        if (verdict) {
          const finding = withFix(route, verdict, verdict.severity);
          finding.confidence = route.intent.confidence;
          out.push(finding);
        }
      } else if (route.appUsesAuth) {
        // The handler is not in the tree (an operation of an OpenAPI document without one): judged by its app.
        out.push(
          withFix(route, {
            why: `\`${label}\` has no authentication while ${realmName(route)} authenticates other routes`,
            fix: sentence(`${addGuard(route)}${ORPUBLIC}`),
          }),
        );
      } else if (route.writes) {
        out.push(
          withFix(route, {
            why: `\`${label}\` changes data and this app has no authentication at all: anyone can call it`,
            fix: REQUIRE_TOKEN,
          }),
        );
      }
      // Routes declared in an OpenAPI document say where, so the fix lands in the document.
      if (route.specLocation)
        for (const f of out.slice(before))
          if (!f.message.includes(route.specLocation))
            f.message += ` The operation is declared at ${route.specLocation}.`;
    }
    return out;
  },
};
