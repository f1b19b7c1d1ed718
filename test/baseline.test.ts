import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';

const BASE_APP = [
  'from flask import Flask',
  'from flask_jwt_extended import jwt_required',
  'app = Flask(__name__)',
  "@app.get('/private')",
  '@jwt_required()',
  'def private():',
  "    return ''",
  "@app.delete('/orders/<int:oid>')",
  'def delete_order(oid):',
  "    return open('orders.db', 'w').close()",
  '',
].join('\n');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** A repository whose base commit already has one open route; the head commit adds another above it. */
function repository(): { root: string; app: string; base: string } {
  const root = mkdtempSync(join(tmpdir(), 'tokengate-baseline-'));
  const app = join(root, 'services', 'orders');
  mkdirSync(app, { recursive: true });
  git(root, 'init', '-q');
  writeFileSync(join(app, 'app.py'), BASE_APP);
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'base');
  const base = git(root, 'rev-parse', 'HEAD');
  const head = BASE_APP.replace(
    "@app.get('/private')",
    "@app.post('/refunds')\ndef refund():\n    return open('orders.db', 'w').close()\n@app.get('/private')",
  );
  writeFileSync(join(app, 'app.py'), head);
  git(root, 'commit', '-qam', 'head');
  return { root, app, base };
}

describe('new-only gating against a base commit', () => {
  it('reads the base tree from git objects and counts only findings it did not have', async () => {
    const { app, base } = repository();
    const report = await scan({ root: app, configExplicit: false, baselineRef: base });
    expect(report.findings.map((f) => `${f.route?.path} new=${f.new}`)).toEqual([
      '/refunds new=true',
      '/orders/<int:oid> new=false',
    ]);
    expect(report.gate).toEqual({ failOn: 'high', failed: true, counted: 1 });
    const same = await scan({ root: app, configExplicit: false, baselineRef: 'HEAD' });
    expect(same.gate.failed).toBe(false);
  });

  it('says how to fix a missing base commit and counts every finding', async () => {
    const { app } = repository();
    const report = await scan({
      root: app,
      configExplicit: false,
      baselineRef: 'f'.repeat(40),
      surface: 'action',
    });
    expect(report.findings.every((f) => f.new)).toBe(true);
    expect(report.gate.counted).toBe(2);
    expect(report.notices).toContainEqual({
      kind: 'baseline',
      message: `base commit ${'f'.repeat(40)} is not in this clone, so every finding counts as new: check out with \`fetch-depth: 0\` (actions/checkout) or fetch the base branch first.`,
    });
  });
});
