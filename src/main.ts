import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import { analyze } from './analysis/analyze.js';
import { type FailOn, loadConfig } from './config.js';
import { UsageError } from './errors.js';
import { evaluateGate, maxSeverity } from './gate.js';
import { readActionInputs } from './inputs.js';
import { renderJson } from './report/json.js';
import { renderText } from './report/text.js';
import type { Report } from './types.js';
import { VERSION } from './version.js';

export interface ScanSettings {
  root: string;
  configPath?: string;
  /** The user named the config file: a missing file is then an error. */
  configExplicit: boolean;
  /** Overrides the config file's `fail-on`; default high. */
  failOn?: FailOn;
}

/** config → analyze → gate: the pipeline shared by the CLI and the action. */
export async function scan(settings: ScanSettings): Promise<Report> {
  const config = loadConfig(settings.root, settings.configPath, settings.configExplicit);
  const analysis = await analyze(settings.root, {
    include: [...config.include],
    exclude: [...config.exclude],
    defaultExcludes: config.defaultExcludes,
    publicRoutes: [...config.publicRoutes],
  });
  const failOn = settings.failOn ?? config.failOn ?? 'high';
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: VERSION },
    routes: analysis.routes,
    findings: analysis.findings,
    notices: analysis.notices,
    gate: evaluateGate(analysis.findings, failOn),
  };
}

/** The action: the only place that calls core.setFailed. */
export async function run(): Promise<void> {
  try {
    const inputs = readActionInputs();
    const report = await scan({
      root: inputs.path,
      configPath: inputs.config,
      configExplicit: inputs.configExplicit,
      failOn: inputs.failOn,
    });
    core.info(renderText(report));
    const reportFile = inputs.reportFile ? writeReportFile(resolve(inputs.reportFile), report) : '';
    const active = report.findings.filter((f) => !f.suppressed);
    core.setOutput('findings', active.length);
    core.setOutput('new-findings', active.filter((f) => f.new).length);
    core.setOutput('max-severity', maxSeverity(report.findings));
    core.setOutput('gate', report.gate.failed ? 'fail' : 'pass');
    core.setOutput('report-file', reportFile);
    core.setOutput('sarif-file', '');
    if (report.gate.failed) {
      const n = report.gate.counted;
      core.setFailed(`tokengate: ${n} finding${n === 1 ? '' : 's'} at or above ${report.gate.failOn}.`);
    }
  } catch (err) {
    if (err instanceof UsageError) core.setFailed(`tokengate: ${err.message}`);
    else core.setFailed(`tokengate failed unexpectedly: ${(err as Error).message}`);
  }
}

/** A sink: a report file that cannot be written is a warning, never a failed run (the gate alone decides). */
function writeReportFile(path: string, report: Report): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderJson(report));
    return path;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    core.warning(`tokengate: cannot write report-file '${path}' (${code}); the scan result is unaffected.`);
    return '';
  }
}
