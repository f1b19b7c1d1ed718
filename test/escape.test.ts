import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { markdownCode, markdownMessage, markdownText, printable } from '../src/report/escape.js';
import { renderJson } from '../src/report/json.js';
import { renderComment, renderSummary } from '../src/report/markdown.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';
import { RULES } from '../src/rules/index.js';
import type { Finding, Report, RouteReport } from '../src/types.js';

/** A CommonMark + GFM-tables renderer that renders raw HTML, as GitHub does for the tags it allows. */
const md = new MarkdownIt({ html: true, linkify: false });
/** The same with linkify, which links bare URLs and e-mail addresses as GitHub's autolinks do. */
const linking = new MarkdownIt({ html: true, linkify: true });

const WORD_JOINER = '\u2060';
/** What the runner and a terminal must never get from the repository: line ends, controls, bidi overrides. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- the characters under test
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Strings built from the characters that matter to a log line, a terminal, markdown and GitHub's linker. */
const hostile = fc.string({
  unit: fc.constantFrom(
    ...'`|\\@#<>&*_[]()!:=-~ a1/.'.split(''),
    '\n',
    '\r',
    '\r\n',
    '\n\n',
    '\t',
    '\x1b[31m',
    '\x9b',
    '\u0085',
    '\u2028',
    '\u2029',
    '\u202e',
    '\u2066',
    '\ufeff',
    '::error::',
    '::stop-commands::',
    '##[error]',
    '@octocat',
    '#123',
    '<img src=x>',
    '&amp;',
    '&#64;',
    'https://',
    'http://',
    'www.',
    'x.com',
    'a@b.com',
  ),
  maxLength: 12,
});

const decode = (html: string): string =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('printable', () => {
  it('keeps text on one line and shows each control as a visible escape', () => {
    expect(printable('a\nb\r\nc\td')).toBe('a\\nb\\r\\nc\\td');
    expect(printable('\x1b[2J\x9b1m\u0085')).toBe('\\x1b[2J\\x9b1m\\x85');
    expect(printable('x\u2028y\u2029z\u202egnp.exe\u2066')).toBe('x\\u2028y\\u2029z\\u202egnp.exe\\u2066');
    expect(printable('/plain/<int:id>')).toBe('/plain/<int:id>');
  });

  it("breaks the runner's legacy ##[command] form, which it reads anywhere in a line", () => {
    expect(printable('x ##[error]forged')).toBe('x ##\\x5berror]forged');
    expect(printable('###[stop-commands]t')).not.toContain('##[');
  });

  it('never leaves a control character, a line end or ##[ in any string', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = printable(s);
        expect(out).not.toMatch(UNPRINTABLE);
        expect(out).not.toContain('##[');
      }),
    );
  });
});

describe('markdownCode', () => {
  it('shows backticks, pipes, HTML and mentions literally', () => {
    expect(md.renderInline(markdownCode('a`b'))).toBe('<code>a`b</code>');
    expect(md.renderInline(markdownCode('`x`'))).toBe('<code>`x`</code>');
    expect(md.renderInline(markdownCode('<img src=x> @octocat'))).toBe(
      '<code>&lt;img src=x&gt; @octocat</code>',
    );
    expect(md.renderInline(markdownCode('a\n\nb'))).toBe('<code>a\\n\\nb</code>');
  });

  it('renders exactly the printable text, in prose and in a table cell, whatever the string', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const expected = printable(s) || ' ';
        const inline = md.renderInline(markdownCode(s));
        expect(inline).toMatch(/^<code>[^<]*<\/code>$/);
        expect(decode(inline.slice(6, -7))).toBe(expected);
        const table = md.render(`| h | k |\n|---|---|\n| ${markdownCode(s, { cell: true })} | end |\n`);
        const cells = [...table.matchAll(/<td>(.*?)<\/td>/gs)].map((m) => m[1]!);
        expect(cells).toHaveLength(2);
        expect(cells[0]).toMatch(/^<code>[^<]*<\/code>$/);
        expect(decode(cells[0]!.slice(6, -7))).toBe(expected);
        expect(cells[1]).toBe('end');
      }),
      { numRuns: 500 },
    );
  });
});

describe('markdownText', () => {
  it('renders no HTML, emphasis, link or heading, and breaks mentions and issue references', () => {
    const html = md.render(
      `- ${markdownText('# hi *there* [x](http://e) <img src=x> @octocat #123 &#64;me')}`,
    );
    expect(html).not.toMatch(/<(img|em|a|h\d)\b/);
    expect(decode(html)).toContain(
      `# hi *there* [x](http:${WORD_JOINER}//e) <img src=x> @${WORD_JOINER}octocat #${WORD_JOINER}123 &#${WORD_JOINER}64;me`,
    );
  });

  it('links no URL or e-mail address, which read the same', () => {
    const text =
      'verified upstream, see https://evil.example.com/login?next=x or HTTP://www.evil.com, mail root@evil.com or (#@evil.com';
    for (const render of [linking.render(markdownText(text)), linking.render(markdownMessage(text))]) {
      expect(render).not.toContain('<a');
      expect(decode(render).replaceAll(WORD_JOINER, '')).toContain(text);
    }
    // GitHub also links `www.` without a scheme (markdown-it's linkify does not, for unknown hosts).
    expect(markdownText('www.evil.com')).toBe(`www${WORD_JOINER}.evil.com`);
  });

  it('renders the printable text as text alone, in prose and in a table cell, whatever the string', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const expected = printable(s);
        const inline = md.renderInline(markdownText(s));
        expect(inline).not.toContain('<');
        expect(linking.renderInline(markdownText(s))).not.toContain('<');
        expect(decode(inline).replaceAll(WORD_JOINER, '')).toBe(expected);
        const table = md.render(`| h | k |\n|---|---|\n| ${markdownText(s)} | end |\n`);
        const cells = [...table.matchAll(/<td>(.*?)<\/td>/gs)].map((m) => m[1]!);
        expect(cells).toEqual([expect.not.stringContaining('<'), 'end']);
        // A cell drops its outer blanks (leading ones are kept here, as entities).
        expect(decode(cells[0]!).replaceAll(WORD_JOINER, '').trim()).toBe(expected.trim());
      }),
      { numRuns: 500 },
    );
  });
});

describe('markdownMessage', () => {
  it("keeps tokengate's code marks as code spans", () => {
    expect(markdownMessage('check out with `fetch-depth: 0` first.')).toBe(
      'check out with `fetch-depth: 0` first.',
    );
  });

  it('renders code spans and text alone, in a list item and a quote, whatever the string', () => {
    const expected = (s: string): string =>
      s
        .split(/(`[^`]*`)/)
        .map((part, i) => (i % 2 ? printable(part.slice(1, -1)) || ' ' : printable(part)))
        .join('');
    fc.assert(
      fc.property(hostile, (s) => {
        for (const [block, open, close] of [
          ['- ', '<ul>\n<li>', '</li>\n</ul>\n'],
          ['> ', '<blockquote>\n<p>', '</p>\n</blockquote>\n'],
        ] as const) {
          const html = md.render(`${block}${markdownMessage(s)}`);
          const inner = html.slice(open.length, -close.length);
          if (printable(s).trim() === '') continue;
          expect(html.startsWith(open) && html.endsWith(close)).toBe(true);
          expect(inner.replace(/<\/?code>/g, '')).not.toContain('<');
          expect(
            decode(inner.replace(/<\/?code>/g, ''))
              .replaceAll(WORD_JOINER, '')
              .trim(),
          ).toBe(expected(s).trim());
          expect(linking.render(`${block}${markdownMessage(s)}`)).not.toContain('<a');
        }
      }),
      { numRuns: 500 },
    );
  });
});

function hostileReport(s: string): Report {
  const location = { file: `${s}.py`, startLine: 3, endLine: 5 };
  const route: RouteReport = {
    methods: [s],
    path: s,
    endpoint: s,
    location,
    auth: { state: 'protected', mechanisms: [s] },
    live: { status: 'open', evidence: [{ method: 'GET', url: s, status: 200, probe: 'no-token' }] },
    mount: { app: { file: `${s}.py`, line: 1 }, blueprints: [s, s], prefix: s },
  };
  const finding: Finding = {
    ruleId: 'missing-authentication',
    severity: 'high',
    confidence: 'confirmed',
    message: s,
    cwe: ['CWE-306'],
    location,
    route: { methods: [s], path: s },
    sources: ['static', 'live'],
    evidence: route.live.evidence,
    fingerprint: 'f',
    new: true,
  };
  return {
    schemaVersion: 1,
    tool: { name: 'tokengate', version: '1.0.0' },
    routes: [route, { ...route, auth: { state: 'public', mechanisms: [], publicReason: s } }],
    findings: [finding, { ...finding, new: false, suppressed: { kind: 'config', reason: s } }],
    notices: [{ file: s, message: s }, { message: s }],
    gate: { failOn: 'high', failed: true, counted: 1 },
  };
}

describe('reports of a repository that writes hostile strings everywhere', () => {
  it('text: no line starts with a workflow command or carries a control character', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const lines = renderText(hostileReport(s)).split('\n');
        // As many lines as the same report of plain names: nothing the repository wrote starts a line. (An empty
        // message has no line of its own: the reference is then empty too.)
        expect(lines).toHaveLength(renderText(hostileReport(s && 'name')).split('\n').length);
        for (const line of lines) {
          // The runner trims leading blanks before it looks for `::`.
          expect(line.trimStart()).not.toMatch(/^::/);
          expect(line).not.toContain('##[');
          expect(line).not.toMatch(UNPRINTABLE);
        }
      }),
    );
  });

  it('summary and comment: the same elements as for plain names, no HTML, mentions nobody', () => {
    // Notices and notes may hold code spans of their own: code is as inert as text.
    const tags = (markdown: string): string[] =>
      [...md.render(markdown).matchAll(/<\/?\w+/g)].map((m) => m[0]).filter((t) => !/^<\/?code$/.test(t));
    const renderers = [renderSummary, renderComment];
    const blobBase = 'https://github.example/acme/shop/blob/0123abc/';
    const plain = renderers.map((render) =>
      tags(render(hostileReport('name'), { notes: ['name'], blobBase, pullRequest: true })),
    );
    fc.assert(
      // A note of blanks alone is an empty quote: no paragraph in it.
      fc.property(
        hostile.filter((s) => printable(s).trim() !== ''),
        (s) => {
          renderers.forEach((render, i) => {
            const body = render(hostileReport(s), { notes: [s], blobBase, pullRequest: true });
            expect(tags(body)).toEqual(plain[i]);
            // GitHub finds mentions and references in text, never inside code.
            const text = decode(
              md
                .render(body)
                .replace(/<code[^>]*>.*?<\/code>/gs, '')
                .replace(/<[^>]+>/g, ''),
            );
            expect(text).not.toMatch(/@[\p{L}\p{N}]|#\p{N}/u);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('JSON and SARIF: the same data, and no line a log or terminal would act on', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const report = hostileReport(s);
        for (const json of [
          renderJson(report),
          renderSarif(
            report,
            RULES.map((r) => r.meta),
          ),
        ]) {
          for (const line of json.split('\n')) {
            expect(line.trimStart()).not.toMatch(/^::/);
            expect(line).not.toContain('##[');
            expect(line).not.toMatch(UNPRINTABLE);
          }
        }
        expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
        const sarif = JSON.parse(
          renderSarif(
            report,
            RULES.map((r) => r.meta),
          ),
        );
        expect(sarif.runs[0].results[0].message.text).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
