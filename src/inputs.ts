import * as core from '@actions/core';
import { type FailOn, parseFailOn } from './config.js';
import { UsageError } from './errors.js';
import { type AuthHeader, authValue, checkToken, parseAuthHeader } from './live/auth-header.js';
import { ANNOTATION_FILTERS, type AnnotationFilter } from './report/annotations.js';

/** The action's inputs, read once; nothing after this calls getInput. */
export interface ActionInputs {
  readonly path: string;
  /** Undefined when the input is not given: then the config's `fail-on`, else high. */
  readonly failOn?: FailOn;
  readonly configFrom: 'head' | 'base';
  readonly config?: string;
  readonly configExplicit: boolean;
  readonly reportFile?: string;
  readonly sarifFile?: string;
  readonly annotations: AnnotationFilter;
  readonly prComment: boolean;
  readonly newFindingsOnly: boolean;
  readonly baselineRef?: string;
  readonly githubToken?: string;
  readonly previewUrl?: string;
  readonly authToken?: string;
  readonly authHeader: AuthHeader;
  readonly jwtTestKey?: string;
  readonly unsafeMethods: boolean;
  readonly maxRequests: number;
  readonly openapi?: string;
  readonly workers?: number;
}

function flag(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (!raw) return fallback;
  if (['true', 'yes', '1', 'on'].includes(raw)) return true;
  if (['false', 'no', '0', 'off'].includes(raw)) return false;
  throw new UsageError(`the ${name} input must be true or false, not '${raw}'.`);
}

/**
 * The annotations input: a filter mode, or the true/false of earlier versions (true: the default mode, false: none).
 */
function annotationFilter(): AnnotationFilter {
  const raw = core.getInput('annotations').trim().toLowerCase();
  if (!raw) return 'changed-files';
  const mode = ANNOTATION_FILTERS.find((m) => m === raw);
  if (mode) return mode;
  if (['true', 'yes', '1', 'on'].includes(raw)) return 'changed-files';
  if (['false', 'no', '0', 'off'].includes(raw)) return 'none';
  throw new UsageError(
    `the annotations input must be one of ${ANNOTATION_FILTERS.join(', ')}, not '${raw}'.`,
  );
}

export function readActionInputs(): ActionInputs {
  const path = core.getInput('path') || '.';
  // No default in action.yml: a default there is indistinguishable from a value the user set, and would always
  // override the config file's `fail-on`.
  const failOnInput = core.getInput('fail-on');
  const failOn = failOnInput ? parseFailOn(failOnInput, 'the fail-on input') : undefined;
  const configFrom = (core.getInput('config-from') || 'head').trim().toLowerCase();
  if (configFrom !== 'head' && configFrom !== 'base') {
    throw new UsageError(`the config-from input must be head or base, not '${configFrom}'.`);
  }
  const config = core.getInput('config');
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  // Tokens and keys are masked in every log line from here on.
  const authToken = core.getInput('auth-token');
  const authHeader = parseAuthHeader(
    core.getInput('auth-header') || 'Authorization: Bearer',
    'the auth-header input',
  );
  if (authToken) {
    core.setSecret(authToken);
    checkToken(authToken, 'the auth-token input');
    const sent = authValue(authHeader, authToken);
    if (sent !== authToken) core.setSecret(sent);
  }
  const jwtTestKey = core.getInput('jwt-test-key');
  if (jwtTestKey) for (const line of jwtTestKey.split('\n')) if (line.trim()) core.setSecret(line.trim());
  // A malformed preview-url is an error annotation from scan(), with the static results still reported.
  const previewUrl = core.getInput('preview-url');
  const maxRequests = Number(core.getInput('max-requests') || '2000');
  if (!Number.isInteger(maxRequests) || maxRequests < 1) {
    throw new UsageError(
      `the max-requests input must be a positive whole number, not '${core.getInput('max-requests')}'.`,
    );
  }
  const workersInput = core.getInput('workers');
  const workers = workersInput ? Number(workersInput) : undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new UsageError(`the workers input must be a positive whole number, not '${workersInput}'.`);
  }
  return {
    path,
    failOn,
    configFrom,
    // The default `.tokengate.yml` may be absent; any other name must exist.
    config: config && config !== '.tokengate.yml' ? config : undefined,
    configExplicit: !!config && config !== '.tokengate.yml',
    reportFile: core.getInput('report-file') || undefined,
    sarifFile: core.getInput('sarif-file') || undefined,
    annotations: annotationFilter(),
    prComment: flag('pr-comment', true),
    newFindingsOnly: flag('new-findings-only', true),
    baselineRef: core.getInput('baseline-ref') || undefined,
    githubToken: token || undefined,
    previewUrl: previewUrl || undefined,
    authToken: authToken || undefined,
    authHeader,
    jwtTestKey: jwtTestKey || undefined,
    unsafeMethods: flag('unsafe-methods', false),
    maxRequests,
    openapi: core.getInput('openapi') || undefined,
    workers,
  };
}
