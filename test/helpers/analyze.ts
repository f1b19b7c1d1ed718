import { analyzeSources, type AnalyzeOptions, type Analysis } from '../../src/analysis/pipeline.js';

/** Analyse inline Python files: `{ 'app.py': '...' }`, with common leading indentation removed. */
export function analyzeFiles(files: Record<string, string>, options?: AnalyzeOptions): Promise<Analysis> {
  const entries = Object.entries(files).map(([path, text]) => ({ path, text: dedent(text) }));
  const others = new Map(entries.filter((f) => !f.path.endsWith('.py')).map((f) => [f.path, f.text]));
  return analyzeSources(
    entries.filter((f) => f.path.endsWith('.py')),
    { readFile: (path) => others.get(path), ...options },
  );
}

export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** `METHODS path state` lines, sorted: a compact picture of the route table to compare. */
export function routeTable(analysis: Analysis): string[] {
  return analysis.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth.state}`).sort();
}

/** `severity METHODS path` of each missing-authentication finding, sorted. */
export function missingAuthFindings(analysis: Analysis): string[] {
  return analysis.findings
    .filter((f) => f.ruleId === 'missing-authentication')
    .map((f) => `${f.severity} ${f.route?.methods.join(',')} ${f.route?.path}`)
    .sort();
}
