/** Shapes shared by the analysis, the rules and the reports (see SPEC "JSON report"). */

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

export interface RouteReport {
  methods: string[];
  /** Full URL rule after every prefix, e.g. `/api/v2/projects/<int:pid>`. */
  path: string;
  endpoint: string;
  location: Location;
  auth: RouteAuth;
  live: { status: LiveStatus; evidence: Evidence[] };
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  message: string;
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
  | { kind: 'comment'; site: SuppressionSite; rules: string[]; reason: string; hides: number };

export interface Report {
  schemaVersion: 1;
  tool: { name: 'tokengate'; version: string };
  routes: RouteReport[];
  findings: Finding[];
  notices: Notice[];
  gate: { failOn: Severity | 'none'; failed: boolean; counted: number };
  /** On pull requests: the suppressions and public routes the pull request adds relative to its base commit. */
  suppressedByPullRequest?: AddedSuppression[];
}
