// Every string a report shows may come from the pull request it judges: file names, route strings, decorator text,
// config values, what the preview answered. These functions are the only way such text reaches a log or markdown.

/**
 * Characters that end a line for some reader (CR, LF, NEL, U+2028/2029), steer a terminal (ESC, CSI and the other
 * C0/C1 controls, DEL) or reorder what is displayed (bidi embeddings, overrides, isolates and marks; BOM).
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return (
    NAMED[c] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/**
 * Text that stays on its line and shows what it is: unprintable characters become visible escapes (`\n`, `\x1b`,
 * `\u202e`), and the runner's legacy `##[command]` form, which it reads anywhere in a line, loses its bracket.
 * The runner's `::command::` form counts only at the start of a line (after blanks), which no renderer gives to
 * untrusted text: each line starts with tokengate's own words.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar).replace(/##\[/g, '##\\x5b');
}

/**
 * JSON text (the report file, SARIF) whose lines are as safe in a log as `printable` text, with the same data: what
 * JSON.stringify leaves raw (DEL, C1 controls, line and paragraph separators, bidi controls) and the `[` of `##[`
 * (which only strings can hold) become \u escapes.
 */
export function printableJson(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|(?<=##)\[/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A word joiner where GitHub would link the text: after `@` and `#` that begin a word (no `@user` mention, no `#123`
 * reference), before an `@` that follows any other character (no e-mail autolink, whose local part may be `#` or
 * `;` as well as a word), after the `:` of `://` and the `www` of `www.`
 * (no URL autolink), while the text reads the same. Backslash escapes do not do it: GitHub finds mentions and
 * autolinks in the rendered text, and a link in a bot's comment lends the repository's words tokengate's voice.
 */
const unlinked = (text: string): string =>
  text
    .replace(/(?<=[^\s\u2060])@/gu, '\u2060@')
    .replace(/[@#](?=[\p{L}\p{N}])/gu, '$&\u2060')
    .replace(/:(?=\/\/)/g, ':\u2060')
    .replace(/(?<![\p{L}\p{N}])(www)(?=\.)/giu, '$1\u2060');

/** Characters that start inline markup anywhere: code, emphasis, links and images, HTML, entities, cells, math. */
const INLINE_MARKUP = /[\\`*_[\]<>&|~$]/g;
const escapeInline = (text: string): string => unlinked(printable(text).replace(INLINE_MARKUP, '\\$&'));

/**
 * What starts a block when it begins the text of a list item or a quote: a heading, quote, list or thematic break
 * marker, an ordered-list number, or blanks (an indented code block).
 */
const escapeLeading = (markdown: string): string =>
  markdown
    .replace(/^[#>+=-]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^ +/, (blanks) => '&#32;'.repeat(blanks.length));

/**
 * Plain markdown text (a paragraph, a list item, a blockquote, a table cell): nothing becomes emphasis, a link, an
 * image, raw HTML, an entity, math, a heading, a list or a cell border, and nothing mentions or references anyone.
 */
export function markdownText(text: string): string {
  return escapeLeading(escapeInline(text));
}

/**
 * A message that marks code the CommonMark way (`` `fetch-depth: 0` ``), as tokengate's own sentences do: each
 * backtick pair becomes a code span, the rest plain text. Whoever wrote the message, nothing but code spans and
 * text comes out.
 */
export function markdownMessage(text: string): string {
  return escapeLeading(
    text
      .split(/(`[^`]*`)/)
      .map((part, i) => (i % 2 ? markdownCode(part.slice(1, -1)) : escapeInline(part)))
      .join(''),
  );
}

/**
 * A markdown code span that shows `text` exactly: fenced by one more backtick than the longest run inside, padded
 * when it starts or ends with a backtick, or with a space at both ends (CommonMark strips one from each); an empty
 * string shows as one space. Code spans render no HTML, entities, mentions or references. In a table cell pass
 * `cell`: GFM splits cells on `|` before it finds code spans, and takes `\|` as a pipe inside them too.
 */
export function markdownCode(text: string, { cell = false } = {}): string {
  const shown = printable(text);
  if (shown === '') return '` `';
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const stripped = shown.startsWith(' ') && shown.endsWith(' ') && /[^ ]/.test(shown);
  const pad = stripped || shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  const span = `${fence}${pad}${shown}${pad}${fence}`;
  return cell ? span.replace(/\|/g, '\\|') : span;
}

/**
 * Text for a quoted mermaid label (`id["…"]`): every character but letters, digits, blanks and `/._-` becomes
 * mermaid's entity code (`#35;` for `#`), so that nothing the repository wrote can close the label or the code
 * fence, add nodes or links, or reach the rendered SVG as markup; what was unprintable shows escaped first.
 */
export function mermaidText(text: string): string {
  return [...printable(text)]
    .map((c) => (/[\p{L}\p{N} /._-]/u.test(c) ? c : `#${c.codePointAt(0)};`))
    .join('');
}

/**
 * A repository path as a URL path (for links to a file at a commit): each segment percent-encoded, and the
 * characters encodeURIComponent leaves (`()'!*`) too, so that no path can end a markdown link destination.
 */
export function urlPath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[()'!*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** `1 finding`, `2 findings`: a count with its noun, in tokengate's own words. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
