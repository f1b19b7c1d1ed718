import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { changedLines } from '../src/changes.js';
import { evaluateGate } from '../src/gate.js';
import { selectAnnotations } from '../src/report/annotations.js';
import { MAP_NODES, OPEN_ROUTES_PER_NODE, renderAuthMap } from '../src/report/auth-map.js';
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  renderComment,
  renderSummary,
  SUMMARY_LIMIT,
} from '../src/report/markdown.js';
import { RULES } from '../src/rules/index.js';
import type { Finding, Notice, Report, RouteMount, RouteReport, Severity } from '../src/types.js';

/** GitHub's renderer: CommonMark, GFM tables, the raw HTML it allows (details, summary). */
const md = new MarkdownIt({ html: true, linkify: false });
const APP = { file: 'shop/app.py', line: 3 };
const BLOB = 'https://github.example/acme/shop/blob/0123abc/';
const FIX = RULES.find((r) => r.meta.id === 'missing-authentication')!.meta.fix;

function finding(severity: Severity, file: string, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-authentication',
    severity,
    confidence: 'likely',
    message: `\`DELETE /items/${line}\` has no authentication: add \`@jwt_required()\` below the route decorator.`,
    cwe: ['CWE-306'],
    location: { file, startLine: line, endLine: line + 2 },
    route: { methods: ['DELETE'], path: `/items/${line}` },
    sources: ['static'],
    evidence: [],
    fingerprint: `${file}:${line}`,
    new: true,
    ...extra,
  };
}

function route(
  path: string,
  state: RouteReport['auth']['state'],
  mount: RouteMount | undefined,
  line = 1,
): RouteReport {
  return {
    methods: ['GET'],
    path,
    endpoint: path,
    location: { file: 'shop/views.py', startLine: line, endLine: line + 2 },
    auth: { state, mechanisms: state === 'protected' ? ['jwt_required()'] : [] },
    live: { status: 'not-probed', evidence: [] },
    ...(mount ? { mount } : {}),
  };
}

function report(findings: Finding[], routes: RouteReport[] = [], notices: Notice[] = []): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '1.2.3' },
    routes,
    findings,
    notices,
    gate: evaluateGate(findings, 'high'),
  };
}

/** A pull request on a real-sized app: 800 routes over an app and 40 blueprints, one new high and old findings. */
function largeReport(): Report {
  const routes: RouteReport[] = [];
  for (let b = 0; b < 40; b++) {
    const mount = { app: APP, blueprints: [`bp${b}`], prefix: `/api/v1/bp${b}` };
    for (let i = 0; i < 20; i++) {
      const state = b < 3 && i < 8 ? 'unprotected' : i === 19 ? 'public' : 'protected';
      routes.push(route(`/api/v1/bp${b}/r${i}`, state, mount, b * 100 + i));
    }
  }
  const findings = [
    finding('medium', 'shop/a.py', 5, { new: false }),
    finding('high', 'shop/b.py', 7, { new: false }),
    finding('high', 'shop/refunds.py', 40),
    finding('critical', 'shop/zeta.py', 12),
    finding('medium', 'shop/c.py', 9),
    ...Array.from({ length: 80 }, (_, i) => finding('high', 'shop/old.py', 100 + i, { new: false })),
  ];
  return report(findings, routes);
}

/** The rendered HTML's top-level text outside any `<details>`, and the inside of them. */
function split(html: string): { open: string; folded: string } {
  // An unclosed <details> folds everything after it, as a browser shows it.
  const fold = /<details>[\s\S]*?(?:<\/details>|$)/g;
  const folded = [...html.matchAll(fold)].map((m) => m[0]).join('\n');
  return { open: html.replace(fold, ''), folded };
}

describe('the verdict a glance can read', () => {
  it('opens the comment and the summary with a mark, the new findings that block, then totals', () => {
    const r = largeReport();
    const comment = renderComment(r, { pullRequest: true, blobBase: BLOB });
    const lines = comment.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[1]).toBe('## ❌ tokengate: 2 new findings at or above high block this pull request');
    expect(lines[3]).toBe(
      '85 findings (3 new, 82 already on the base branch) · 800 routes: 736 protected, 40 public, 24 open.',
    );
    expect(renderSummary(r, { pullRequest: true }).split('\n')[0]).toBe(lines[1]);
  });

  it('passes with ✅, or with ⚠️ when there are notices to read', () => {
    const old = [finding('high', 'shop/b.py', 7, { new: false })];
    expect(renderComment(report(old), { pullRequest: true }).split('\n')[1]).toBe(
      '## ✅ tokengate passed: no new findings at or above high',
    );
    const unanalysed = report(old, [], [{ file: 'shop/broken.py', message: 'has syntax errors' }]);
    expect(renderSummary(unanalysed).split('\n')[0]).toBe(
      '## ⚠️ tokengate passed with 1 notice: no new findings at or above high',
    );
    expect(renderSummary(report([finding('high', 'a.py', 1)])).split('\n')[0]).toBe(
      '## ❌ tokengate: 1 new finding at or above high fails the gate',
    );
  });
});

describe('the pull-request comment', () => {
  const r = largeReport();
  const comment = renderComment(r, { pullRequest: true, blobBase: BLOB, pathPrefix: 'svc/' });
  const html = md.render(comment);

  it('lists the new findings first, most severe first, each with its fix and a link to its line', () => {
    const { open, folded } = split(html);
    const items = [...open.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items.map((i) => /<strong>(\w+)<\/strong>/.exec(i)![1])).toEqual(['critical', 'high', 'medium']);
    expect(items[0]).toContain(`<a href="${BLOB}svc/shop/zeta.py#L12"><code>svc/shop/zeta.py:12</code></a>`);
    expect(items[0]).toContain('<code>DELETE /items/12</code>');
    expect(items[0]).toContain('<strong>Fix:</strong> Add the authentication the rest of the API uses');
    expect(FIX).toContain('Add the authentication the rest of the API uses');
    // The old findings are folded away, never in the open.
    expect(open).not.toContain('shop/old.py');
    expect(folded).toContain('82 findings already on the base branch');
    expect(folded).toContain('32 more findings in the job summary');
  });

  it('fits a comment: no table wider than four short columns, nothing that says "New: yes"', () => {
    const headers = comment.split('\n').filter((l) => /^\|.*\|$/.test(l) && !/^\|-/.test(l));
    expect(headers.length).toBeGreaterThan(0);
    for (const header of headers) expect(header.split(' | ')).toHaveLength(4);
    expect(comment).not.toMatch(/\| yes \|/);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  });

  it('links files whose names hold markdown and URL syntax, percent-encoded, and shows them as code', () => {
    const hostile = report([finding('high', 'x/a (b)#c [d].py', 3)]);
    const out = md.render(renderComment(hostile, { blobBase: BLOB }));
    expect(out).toContain(
      `<a href="${BLOB}x/a%20%28b%29%23c%20%5Bd%5D.py#L3"><code>x/a (b)#c [d].py:3</code></a>`,
    );
  });
});

describe('the job summary of a large app', () => {
  const r = largeReport();
  const summary = renderSummary(r, { pullRequest: true, blobBase: BLOB });
  const html = md.render(summary);

  it('shows the new findings and the auth map in the open, and folds the old findings and the 800 routes', () => {
    const { open, folded } = split(html);
    expect(open.indexOf('New in this pull request (3)')).toBeLessThan(open.indexOf('Auth map'));
    expect(open).toContain('<pre><code class="language-mermaid">');
    expect(open).not.toContain('/api/v1/bp7/r0');
    expect(open).not.toContain('shop/old.py');
    expect(folded).toContain('<summary>Routes (800): 736 protected, 40 public, 24 open</summary>');
    // Grouped by blueprint, with its prefix and counts.
    expect(folded).toContain(
      '<strong>blueprint</strong> <code>bp0</code> at <code>/api/v1/bp0</code>: 20 routes (11 protected, 1 public, 8 open)',
    );
    // Nothing was probed: no column of "not-probed".
    expect(summary).not.toContain('not-probed');
    expect(Buffer.byteLength(summary)).toBeLessThan(SUMMARY_LIMIT);
  });

  it('when cut to stay under 1 MiB inside the folded inventory, closes the fold so that the note is seen', () => {
    const huge = largeReport();
    huge.routes = Array.from({ length: 6000 }, (_, i) =>
      route(`/api/${'v'.repeat(200)}/${i}`, 'protected', { app: APP, blueprints: [], prefix: '' }, i),
    );
    const out = renderSummary(huge);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    const { open } = split(md.render(out));
    expect(open).toContain('The summary was cut');
  });

  it('shows the live column only when probing ran', () => {
    const probed = largeReport();
    probed.routes[0]!.live.status = 'open';
    const out = renderSummary(probed);
    expect(out).toContain('| Methods | Path | State | Guard | Live | Location |');
    expect(out).toContain('| GET | `/api/v1/bp0/r0` | unprotected | none | open | `shop/views.py:0` |');
  });

  it('caps the auth map: at most 30 nodes, 5 open routes per node, the rest counted', () => {
    const map = renderAuthMap(r.routes);
    const nodes = map.filter((l) => /^ {2}g\d+\["/.test(l));
    expect(nodes).toHaveLength(MAP_NODES);
    expect(map.join('\n')).toContain('more["+11 more groups<br/>220 routes, 0 open"]:::empty');
    // The blueprints with open routes are on the map, red when most of it is open.
    const bp0 = nodes.find((l) => l.includes('blueprint bp0<br/>'))!;
    expect(bp0.match(/open: GET/g)).toHaveLength(OPEN_ROUTES_PER_NODE);
    expect(bp0).toContain('+3 more open');
    expect(bp0).toMatch(/:::mostly$/);
    expect(nodes.find((l) => l.includes('blueprint bp10<br/>'))).toMatch(/:::closed$/);
    // Each blueprint hangs under its app.
    const app = nodes.find((l) => l.includes('app shop/app.py#58;3'))!;
    const appId = /^ {2}(g\d+)/.exec(app)![1];
    expect(map.filter((l) => l.startsWith(`  ${appId} --> `))).toHaveLength(MAP_NODES - 1);
  });

  it('escapes every name for mermaid: no quote, bracket, #, ; or newline of the repository survives', () => {
    const evil = [
      'x"] --> pwn["',
      'a;b#c',
      '<img src=x onerror=alert(1)>',
      'line\nbreak',
      '```',
      '&amp; #quot;',
      'click g0 call alert()',
    ];
    const routes = evil.map((name, i) =>
      route(
        `/${name}`,
        'unprotected',
        { app: { file: `${name}.py`, line: 1 }, blueprints: [name], prefix: name },
        i,
      ),
    );
    const map = renderAuthMap(routes);
    expect(map[0]).toBe('```mermaid');
    expect(map.at(-1)).toBe('```');
    for (const line of map.slice(2, -1)) {
      // One node per line, label quoted once, only tokengate's own ids, classes and `<br/>`.
      expect(line).toMatch(
        /^ {2}(g\d+\["[^"`<>;#\n]*(?:(?:<br\/>|#\d+;)[^"`<>;#\n]*)*"\]:::\w+|g\d+ --> g\d+|classDef .*)$/,
      );
    }
    expect(map.join('\n')).toContain('x#34;#93; --#62; pwn#91;#34;');
    // Any string at all: the same lines, each of the same shape, as for a plain name.
    const NODE = /^ {2}(g\d+\["(?:[\p{L}\p{N} /._:+-]|#\d+;|<br\/>)*"\]:::\w+|g\d+ --> g\d+|classDef .*)$/u;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const lines = renderAuthMap([
          route(`/${name}`, 'unprotected', {
            app: { file: name, line: 1 },
            blueprints: [name],
            prefix: name,
          }),
        ]);
        expect(lines).toHaveLength(10);
        for (const line of lines.slice(2, -1)) expect(line).toMatch(NODE);
      }),
      { numRuns: 300 },
    );
  });
});

describe('annotations filtered by what the pull request changes', () => {
  const findings = [
    finding('high', 'touched.py', 10, { new: false }),
    finding('high', 'touched.py', 50, { new: false }),
    finding('high', 'untouched.py', 5, { new: false }),
    finding('high', 'untouched.py', 30),
  ];
  const changes = new Map([['touched.py', [[11, 12] as const]]]);
  const levels = (filter: 'changed-lines' | 'changed-files' | 'all' | 'none') =>
    selectAnnotations(findings, '', 0, { filter, changes }).annotations.map(
      (a) => `${a.level} ${a.file}:${a.startLine}`,
    );

  it('changed-files: old findings outside the changed files are notices; new ones keep their level', () => {
    expect(levels('changed-files')).toEqual([
      'error untouched.py:30',
      'error touched.py:10',
      'error touched.py:50',
      'notice untouched.py:5',
    ]);
    const notice = selectAnnotations(findings, '', 0, { filter: 'changed-files', changes }).annotations[3]!;
    expect(notice.message).toContain(
      'already present on the base branch, in a file this pull request does not change',
    );
  });

  it('changed-lines: only old findings on changed lines keep their level; all and none', () => {
    expect(levels('changed-lines')).toEqual([
      'error untouched.py:30',
      'error touched.py:10',
      'notice touched.py:50',
      'notice untouched.py:5',
    ]);
    expect(levels('all').every((l) => l.startsWith('error'))).toBe(true);
    expect(levels('none')).toEqual([]);
  });

  it('reads the changed lines from git, relative to the scanned directory, and says when it cannot', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tokengate-changes-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    execFileSync('mkdir', ['-p', join(repo, 'svc')]);
    writeFileSync(join(repo, 'svc', 'a.py'), 'a\nb\nc\nd\n');
    writeFileSync(join(repo, 'svc', 'été (1).py'), 'x\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'svc', 'a.py'), 'a\nB\nC\nd\ne\n');
    writeFileSync(join(repo, 'svc', 'été (1).py'), 'y\n');
    writeFileSync(join(repo, 'other.py'), 'z\n');
    git('add', '.');
    git('commit', '-qm', 'head');
    const changed = changedLines(join(repo, 'svc'), base);
    expect('lines' in changed && Object.fromEntries(changed.lines)).toEqual({
      'a.py': [
        [2, 3],
        [5, 5],
      ],
      'été (1).py': [[1, 1]],
    });
    expect(changedLines(join(repo, 'svc'), '0'.repeat(40))).toMatchObject({
      unknown: expect.stringContaining('every file counts as changed'),
    });
  });
});
