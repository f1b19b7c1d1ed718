/** Shapes shared by the analysis, the rules and the reports (see SPEC "JSON report"). */
import type { FailOn } from './config.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Confidence = 'confirmed' | 'likely' | 'possible';

export interface Location {
  /** Relative to the scanned root, `/` separators. */
  file: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/**
 * protected: something we understand rejects requests without credentials;
 * unprotected: nothing does; public: unprotected by design (login, health, docs, config `public-routes`);
 * unknown: guarded by something we cannot see into (a decorator from an unanalysed package).
 */
export type AuthState = 'protected' | 'unprotected' | 'public' | 'unknown';

export interface RouteAuth {
  state: AuthState;
  /** Human-readable guards, e.g. `jwt_required()`, `before_request require_token`, `auth.login_required`. */
  mechanisms: string[];
  /** Only optional authentication applies (e.g. `jwt_required(optional=True)`). */
  optional?: boolean;
  /** Why a route is public by design, when state is `public`. */
  publicReason?: string;
  /** Where the code that makes it public on purpose is (the `login_user()` call, the token check). */
  publicEvidence?: Location;
}

export type LiveStatus = 'open' | 'closed' | 'inconclusive' | 'not-probed';

export interface Evidence {
  method: string;
  url: string;
  status: number;
  probe: string;
}

/**
 * Where Flask mounts a route: its app and the blueprints from the app down, with the URL prefix they add. What the
 * inventory and the auth map group routes by.
 */
export interface RouteMount {
  /** Where the app is made (`Flask(...)`); absent for a blueprint registered nowhere the model can see. */
  app?: { file: string; line: number };
  /** Blueprint names from the app down; empty for a route registered on the app itself. */
  blueprints: string[];
  /** The URL prefix of the mount, '' when there is none. */
  prefix: string;
}

export interface RouteReport {
  methods: string[];
  /** Full URL rule after every prefix, e.g. `/api/v2/projects/<int:pid>`. */
  path: string;
  endpoint: string;
  location: Location;
  auth: RouteAuth;
  live: { status: LiveStatus; evidence: Evidence[] };
  /** Absent for routes that only an OpenAPI document declares. */
  mount?: RouteMount;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  message: string;
  /**
   * What to change, one sentence, when the rule can say it apart from `message` (which repeats it): findings with
   * the same remedy have the same text, so a long report can give it once.
   */
  fix?: string;
  /** With `fix`: what is wrong, without the remedy (`message` is `why` followed by `fix`). */
  why?: string;
  cwe: string[];
  location: Location;
  route?: { methods: string[]; path: string };
  sources: ('static' | 'live')[];
  evidence: Evidence[];
  fingerprint: string;
  new: boolean;
  /** Set when a `# tokengate: ignore[...]` comment or a config `ignore` entry covers the finding; it does not count for the gate. */
  suppressed?: { kind: 'comment' | 'config'; reason: string };
}

export interface Notice {
  file?: string;
  message: string;
  /**
   * `error`: something the user asked for could not be done (a malformed or unreachable preview-url): an error
   * annotation in the action and a line on stderr in the CLI, besides the report. The gate still decides.
   */
  level?: 'error';
  /**
   * `unanalysed-file`: a Python file the scan was meant to analyse and could not (too large, unreadable, binary,
   * the parser or analyser failed on it). It counts for the gate (gate.ts), since it could hold routes.
   * `baseline`: the comparison with the base commit could not be made as asked (what counts as new is then
   * wider): the summary and the comment say so at the top.
   */
  kind?: 'unanalysed-file' | 'baseline';
  /** For an unanalysed file: false when the base commit has the very same file (it cannot hide anything new). */
  new?: boolean;
}

/** Where a suppression is written: a config file or a Python file, relative to the scanned root, 1-based line. */
export interface SuppressionSite {
  file: string;
  line: number;
}

/**
 * A suppression that the pull request under review adds for itself (not on its base commit): shown to the reviewer,
 * since the pull request decides what it hides. `hides` counts the findings it suppresses (for `public-route`: the
 * public routes its pattern matches).
 */
export type AddedSuppression =
  | {
      kind: 'ignore';
      site: SuppressionSite;
      rule: string;
      path?: string;
      route?: string;
      reason: string;
      hides: number;
    }
  | { kind: 'public-route'; site: SuppressionSite; pattern: string; hides: number }
  | { kind: 'comment'; site: SuppressionSite; rules: string[]; reason: string; hides: number }
  /**
   * A config key that takes Python files out of the scan (`exclude` patterns the base does not have, another
   * `include`, `default-excludes` turned on): `hides` counts the head's Python files the base's config would have
   * scanned and this key takes out, whose routes the report then does not show.
   */
  | {
      kind: 'scope';
      site: SuppressionSite;
      key: 'exclude' | 'include' | 'default-excludes';
      value: string;
      base: string;
      hides: number;
    }
  /**
   * A `guards` entry the base's config does not have: routes it guards count as protected whatever its code does,
   * so `hides` counts the findings the scan reports without it.
   */
  | { kind: 'guard'; site: SuppressionSite; guard: string; hides: number }
  /** A `fail-on` above the base's: `hides` counts the new findings the base's level would have counted. */
  | { kind: 'fail-on'; site: SuppressionSite; value: FailOn; base: FailOn; hides: number }
  /**
   * A finding (or a public route) that is new relative to the base commit and suppressed, whatever suppressed it
   * and wherever that is: a pull request can put an old comment or entry to new use.
   */
  | {
      kind: 'finding';
      site: SuppressionSite;
      ruleId: string;
      route?: { methods: string[]; path: string };
      by: 'comment' | 'config' | 'public-routes';
      reason: string;
      hides: 1;
    };

export interface Report {
  schemaVersion: 1;
  tool: { name: 'tokengate'; version: string };
  routes: RouteReport[];
  findings: Finding[];
  notices: Notice[];
  /** `unanalysed`: new unanalysed Python files that failed the gate, when there are any. */
  gate: { failOn: Severity | 'none'; failed: boolean; counted: number; unanalysed?: number };
  /** On pull requests: the suppressions and public routes the pull request adds relative to its base commit. */
  suppressedByPullRequest?: AddedSuppression[];
}
