import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSources } from '../src/analysis/pipeline.js';
import { RULES } from '../src/rules/index.js';

/**
 * Table-driven rule fixtures: `# ruleid: <id>` on the line above a statement means a finding of that rule
 * must start on the next line, `# ruleid: <id> severity=<level>` one of that severity; `# ok: <id>` means none
 * may. Fixture files are `<rule-id>.py` or `<rule-id>.<case>.py`, each analysed as a code base of its own.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures/rules');
const MARKER = /^\s*#\s*(ruleid|ok):\s*([a-z0-9-]+)(?:\s+severity=([a-z]+))?\s*$/;

function markers(
  text: string,
  ruleId: string,
): { expected: number[]; ok: number[]; severities: Map<number, string> } {
  const expected: number[] = [];
  const ok: number[] = [];
  const severities = new Map<number, string>();
  text.split('\n').forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m || m[2] !== ruleId) return;
    (m[1] === 'ruleid' ? expected : ok).push(i + 2);
    if (m[1] === 'ruleid' && m[3]) severities.set(i + 2, m[3]);
  });
  return { expected, ok, severities };
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.py'));

describe.each(files)('%s', (file) => {
  const ruleId = file.split('.')[0]!;
  const text = readFileSync(join(FIXTURES, file), 'utf8');

  it('has both kinds of markers', () => {
    const { expected, ok } = markers(text, ruleId);
    expect(expected.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
  });

  it('reports exactly the marked lines, at the marked severities', async () => {
    const { expected, ok, severities } = markers(text, ruleId);
    const analysis = await analyzeSources([{ path: file, text }]);
    const findings = analysis.findings.filter((f) => f.ruleId === ruleId);
    const found = findings.map((f) => f.location.startLine);
    expect([...new Set(found)].sort((a, b) => a - b)).toEqual(expected);
    for (const line of ok) expect(found).not.toContain(line);
    for (const [line, severity] of severities)
      expect(
        findings.filter((f) => f.location.startLine === line).map((f) => f.severity),
        `line ${line}`,
      ).toEqual([severity]);
  });
});

describe('rule registry', () => {
  const ids = RULES.map((r) => r.meta.id);

  it('has unique ids, each with a rule file, a fixture and a doc', () => {
    expect(new Set(ids).size).toBe(ids.length);
    const root = join(import.meta.dirname, '..');
    const ruleFiles = readdirSync(join(root, 'src/rules'))
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(ruleFiles.sort()).toEqual([...ids].sort());
    const fixtureIds = new Set(files.map((f) => f.split('.')[0]));
    expect([...fixtureIds].sort()).toEqual([...ids].sort());
    for (const rule of RULES) {
      expect(rule.meta.docs).toBe(`docs/rules/${rule.meta.id}.md`);
      const doc = readFileSync(join(root, rule.meta.docs), 'utf8');
      expect(doc).toContain(`# ${rule.meta.id}`);
      expect(doc).toContain(rule.meta.cwe[0]!);
      expect(rule.meta.fix).toMatch(/\.$/);
    }
  });
});
