import * as core from '@actions/core';
import { type FailOn, parseFailOn } from './config.js';

/** The action's inputs, read once. Inputs of features not built yet are declared in action.yml and ignored. */
export interface ActionInputs {
  readonly path: string;
  readonly failOn: FailOn;
  readonly config?: string;
  readonly configExplicit: boolean;
  readonly reportFile?: string;
}

export function readActionInputs(): ActionInputs {
  const path = core.getInput('path') || '.';
  const failOn = parseFailOn(core.getInput('fail-on') || 'high', 'the fail-on input');
  const config = core.getInput('config');
  const reportFile = core.getInput('report-file');
  return {
    path,
    failOn,
    // The default `.tokengate.yml` may be absent; any other name must exist.
    config: config && config !== '.tokengate.yml' ? config : undefined,
    configExplicit: !!config && config !== '.tokengate.yml',
    reportFile: reportFile || undefined,
  };
}
