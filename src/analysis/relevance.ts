import { CATALOGUE } from './catalogue/index.js';
import { moduleNameOf, resolveRelative } from './extract.js';

/**
 * Which Python files can change the report, told from their text before anything is parsed.
 *
 * Every scan of the analysis that looks at all modules (the Flask model, the JWT analysis, the token facts of
 * the extractor) looks for something a file names itself: a Flask, auth or JWT library, a setting named like a
 * signing secret, a token written to a log or read from the URL. Everything else it learns about a module it
 * learns by name resolution from a module it already looks at: imports, attributes of modules, and the call
 * sites of a function (which resolve to it through their own module's imports). Name resolution between
 * modules only ever goes through `Project.findModule`, whose arguments come from the text of the module where
 * the expression is written: its import statements (relative ones resolved), or an attribute read on a module.
 *
 * So the files kept are seeds, files whose own text passes generous tests (a superset of what the scans look
 * for; see seedKind), closed under references to a fixpoint:
 * - forward: what a kept file's imports resolve to (the module `findModule` picks over the whole tree: exact
 *   name, else the shortest dotted suffix outside packages); a module `P.w` when a kept file reads the attribute `w` and `P` is, or
 *   ends with, the name of a kept module (`pkg.sub` read on the module `pkg`); modules named by a dotted string
 *   (`from_object("cfg.Prod")`); and the packages above a kept module;
 * - backward, from flow seeds only: a file whose imports resolve to a kept module, or to a module whose name is
 *   part of the package path of a kept one (`import pkg`, then `pkg.api.routes`): its calls may pass values into
 *   the kept module's functions, and its statements may use what it imports.
 * Closed both ways, the flow seeds keep every file connected to them by references: a file left out references
 * nothing they reach and nothing they reach references it. Local seeds (facts recorded from their own syntax)
 * keep only themselves and what they reference, so that their names resolve as in the whole tree.
 *
 * Deliberately generous: a file kept needlessly costs only its parse. connexion apps resolve handlers named in
 * OpenAPI documents, which are not Python: a tree that mentions connexion is kept whole.
 *
 * What a skipped file cannot give: a notice about its own syntax errors (it is never parsed). Any scan added over
 * every module must add what it looks for to the seed tests below.
 */

/** A regular expression source matching any of `words` as written. */
const anyOf = (words: readonly string[]): string =>
  [...new Set(words)].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/**
 * Names whose values travel between modules, matched whatever their case (more generously than the scans
 * themselves, which are mostly case-sensitive): the catalogue's relevance seeds. A file naming one is kept with
 * every file connected to it by references, both ways:
 * - the libraries the analysis models (Flask and its extensions, PyJWT and python_jwt, python-jose, Authlib):
 *   importing them is where apps, blueprints, APIs, auth extensions, decorators and JWT calls come from;
 * - Flask registration, hook and view names (implied by the above in working code; kept as a margin).
 */
const LIBRARIES = new RegExp(anyOf(CATALOGUE.relevance), 'i');
/**
 * Settings named like signing secrets (jwt.ts SECRET_KEYS; the `JWT_*` settings contain `jwt`): their values may
 * come from a constant of another module, or from a call argument (`app.config["SECRET_KEY"] = key` in a
 * function, a class body inside a function).
 */
const SECRET_SETTING = /secret|signing_key|token_key|auth_key/i;
/** Both, in one pass over the text. */
const FLOW_SEED = new RegExp(`${LIBRARIES.source}|${SECRET_SETTING.source}`, 'i');
/** `request.args` / `request.values`: a token read from the URL (extract.ts scanQueryTokenReads). */
const QUERY_READ = /request\s*\.\s*(?:args|values)/;
/**
 * A call that writes to logs or stdout (extract.ts LOGGING_CALL, whose callee text is compared with whitespace
 * removed): `print(`, `pprint`, `logging.*`, `<...>.log|logger|LOG|LOGGER.<level>`, `sys.stdout|stderr.write`.
 */
const LOGGING =
  /(?<![\w.])print(?:\s|\\|#[^\n]*\n)*\(|pprint|logging\s*\.|(?:log|logger|LOG|LOGGER)\s*\.\s*(?:debug|info|warn|error|exception|critical|log)|(?:stdout|stderr)\s*\.\s*write/;
/**
 * What carries a token into a log call (extract.ts readsToken, CREDENTIAL_NAME, TOKEN_PRODUCERS, namesToken): token
 * and header names (`auth` as a word, `api-key`, `accessKey`…), decoded claims, `request.headers`, and a bare
 * `decode(...)` call.
 */
const TOKEN_DATA =
  /token|bearer|jwt|claims|encoded|decoded|authori[sz]ation|auth(?![a-z])|auth[^a-z0-9]*(?:header|cookie)|(?:api|access|auth)[^a-z0-9]*key|request\s*\.\s*headers|(?:^|[^\w.])decode(?![\w\u0080-\uFFFF])/i;
/** OpenAPI documents name handlers by dotted path in files that are not Python: keep everything. */
const WHOLE_TREE = new RegExp(anyOf(CATALOGUE.wholeTree), 'i');

/**
 * Why a file's own text makes it relevant: `flow` when it names something whose values travel between modules
 * (a modelled library, a secret setting); `local` when it only holds facts the extractor records from its
 * syntax alone and a scan reports where they are written: a token written to a log or read from the URL
 * (extract.ts tokenLogs, queryTokenReads). Undefined when neither.
 */
export function seedKind(text: string): 'flow' | 'local' | undefined {
  if (FLOW_SEED.test(text)) return 'flow';
  if (QUERY_READ.test(text) || (LOGGING.test(text) && TOKEN_DATA.test(text))) return 'local';
  return undefined;
}

/** Identifier characters, generously (any non-ASCII character counts). */
const WORD = '[\\w\\u0080-\\uFFFF]+';
const WORD_AT = new RegExp(WORD, 'y');
/** `from` or `import` as a keyword (not an attribute: `x.from`). */
const IMPORT_KEYWORD = /(?<![\w\u0080-\uFFFF.])(from|import)(?![\w\u0080-\uFFFF])/g;
/** A string literal holding a dotted name (`"cfg.Prod"`, `"pkg.mod:attr"`). */
const DOTTED_STRING = new RegExp(`(['"])(${WORD}(?:\\.${WORD})+)(?::[^'"\\n]*)?\\1`, 'g');

/** Where the word starting at `i` ends, or -1 if none starts there (no match object: it runs for every word). */
function wordEnd(text: string, i: number): number {
  WORD_AT.lastIndex = i;
  return WORD_AT.test(text) ? WORD_AT.lastIndex : -1;
}

/** The word starting at `i`, if one does. */
function wordAt(text: string, i: number): string | undefined {
  const end = wordEnd(text, i);
  return end < 0 ? undefined : text.slice(i, end);
}

/** Whitespace and line continuations. */
function skipBlank(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 92) i++;
    else break;
  }
  return i;
}

/** A dotted name starting at `i` (`a . b.c`), with whitespace removed, and where it ends. */
function readDotted(text: string, i: number): { name: string; end: number } | undefined {
  const parts: string[] = [];
  let pos = i;
  for (;;) {
    const word = wordAt(text, pos);
    if (!word) break;
    parts.push(word);
    pos += word.length;
    const after = skipBlank(text, pos);
    if (text[after] !== '.') break;
    pos = skipBlank(text, after + 1);
  }
  return parts.length ? { name: parts.join('.'), end: pos } : undefined;
}

function isKeyword(text: string, i: number, keyword: string): boolean {
  return text.startsWith(keyword, i) && wordEnd(text, i) === i + keyword.length;
}

/** The end of the logical line from `i`: a newline not escaped by a backslash, or `;`. */
function logicalLineEnd(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === ';') return j;
    if (c === '\n' && text[j - 1] !== '\\' && !(text[j - 1] === '\r' && text[j - 2] === '\\')) return j;
  }
  return text.length;
}

/** The names of an import list (`a.b as c, d`), the alias dropped. */
function importedNames(list: string): { name: string; aliased: boolean }[] {
  const out: { name: string; aliased: boolean }[] = [];
  for (const item of list.split(',')) {
    const start = skipBlank(item, 0);
    const dotted = readDotted(item, start);
    if (!dotted) continue;
    const rest = item.slice(skipBlank(item, dotted.end));
    out.push({ name: dotted.name, aliased: /^as(?![\w\u0080-\uFFFF])/.test(rest) });
  }
  return out;
}

/**
 * The dotted names a file's imports hand to `findModule` (relative ones resolved, as extract.ts does).
 * Generous: `import` and `from` inside strings and comments count too.
 */
export function referencedNames(text: string, moduleName: string, isPackage: boolean): string[] {
  const out = new Set<string>();
  IMPORT_KEYWORD.lastIndex = 0;
  for (let m = IMPORT_KEYWORD.exec(text); m; m = IMPORT_KEYWORD.exec(text)) {
    const after = m.index + m[0].length;
    if (m[1] === 'from') {
      // `from ..pkg.mod import a, b`, `from . import (a, b)`, `from x import *`.
      let i = skipBlank(text, after);
      let firstDot = -1;
      let lastDot = -1;
      while (i < text.length && text[i] === '.') {
        if (firstDot < 0) firstDot = i;
        lastDot = i;
        i = skipBlank(text, i + 1);
      }
      // `from . import x`: the keyword is not a module name.
      const dotted = isKeyword(text, i, 'import') ? undefined : readDotted(text, i);
      let from = dotted?.name ?? '';
      i = skipBlank(text, dotted ? dotted.end : i);
      if (!isKeyword(text, i, 'import')) continue;
      if (firstDot >= 0) {
        // tree-sitter's import_prefix spans the dots and anything between them; extract.ts counts its length.
        from = resolveRelative(moduleName, isPackage, lastDot - firstDot + 1, from);
      }
      i = skipBlank(text, i + 6);
      if (from) out.add(from);
      if (text[i] === '*') {
        IMPORT_KEYWORD.lastIndex = i + 1;
        continue;
      }
      let list: string;
      if (text[i] === '(') {
        const close = text.indexOf(')', i);
        const end = close < 0 ? text.length : close;
        list = text.slice(i + 1, end).replace(/#[^\n]*/g, ',');
        IMPORT_KEYWORD.lastIndex = end;
      } else {
        const end = logicalLineEnd(text, i);
        list = text.slice(i, end).replace(/#[^\n]*/g, ',');
        IMPORT_KEYWORD.lastIndex = end;
      }
      for (const { name } of importedNames(list)) out.add(from ? `${from}.${name}` : name);
    } else {
      // `import a.b.c` binds `a`; `import a.b.c as x` binds the module itself. Both are kept.
      const end = logicalLineEnd(text, after);
      for (const { name } of importedNames(text.slice(after, end).replace(/#[^\n]*/g, ','))) {
        out.add(name);
        out.add(name.split('.')[0]!);
      }
      IMPORT_KEYWORD.lastIndex = end;
    }
  }
  return [...out];
}

/**
 * Modules named by a string (`app.config.from_object("cfg.Prod")`, `import_string("pkg.mod:attr")`): every
 * dotted prefix. The analysis does not follow them today; they are kept as a margin.
 */
export function dottedStrings(text: string): string[] {
  const out = new Set<string>();
  DOTTED_STRING.lastIndex = 0;
  for (let m = DOTTED_STRING.exec(text); m; m = DOTTED_STRING.exec(text)) {
    const parts = m[2]!.split('.');
    for (let k = 1; k <= parts.length; k++) out.add(parts.slice(0, k).join('.'));
  }
  return [...out];
}

/**
 * Every word read as an attribute (`x.word`), the attribute names `findModule` may be asked for: the word after
 * a dot, across whitespace, line continuations and comments (`(pkg.  # note` / `sub)`). Linear in the text
 * whatever it holds: each line's end is searched for once.
 */
export function attributeWords(text: string): Set<string> {
  const out = new Set<string>();
  const len = text.length;
  /** The next position that is not blank or comment after a comment ending at a line end, by line end. */
  const afterComment = new Map<number, number>();
  let commentFrom = -1;
  let commentEnd = -1;
  const lineEnd = (i: number): number => {
    if (i < commentFrom || i > commentEnd) {
      commentFrom = i;
      const e = text.indexOf('\n', i);
      commentEnd = e < 0 ? len : e;
    }
    return commentEnd;
  };
  for (let p = text.indexOf('.'); p >= 0; p = text.indexOf('.', p + 1)) {
    let i = p + 1;
    const ends: number[] = [];
    for (;;) {
      i = skipBlank(text, i);
      if (text[i] !== '#') break;
      const e = lineEnd(i);
      const known = afterComment.get(e);
      if (known !== undefined) {
        i = known;
        break;
      }
      ends.push(e);
      i = e;
    }
    for (const e of ends) afterComment.set(e, i);
    const word = wordAt(text, i);
    if (word) out.add(word);
  }
  return out;
}

/** `a.b.c` → `a`, `a.b` (the packages above a module). */
function properPrefixes(name: string): string[] {
  const parts = name.split('.');
  const out: string[] = [];
  for (let k = 1; k < parts.length; k++) out.push(parts.slice(0, k).join('.'));
  return out;
}

/** Every dotted suffix of a name: `a.b.c` → `a.b.c`, `b.c`, `c`. */
function suffixes(name: string): string[] {
  const parts = name.split('.');
  const out: string[] = [];
  for (let k = 0; k < parts.length; k++) out.push(parts.slice(k).join('.'));
  return out;
}

export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function parentOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot);
}

export interface Relevance {
  /** One flag per file, in the order given: parse it. */
  keep: boolean[];
  /**
   * One entry per file: the index of the first file of its group, -1 when not kept. Files of different groups
   * cannot reach each other by name resolution (see groupsOf), so each group can be analysed on its own and the
   * same report results. Undefined when the tree must be analysed in one piece (connexion).
   */
  groups?: number[];
}

/**
 * The files that can change the report (see the comment at the top of this file). Deterministic: the answer
 * depends only on the set of paths and texts, not on their order.
 */
export function relevantFiles(
  files: readonly { path: string; text: string }[],
  { all = false }: { all?: boolean } = {},
): Relevance {
  const n = files.length;
  const keep = new Array<boolean>(n).fill(false);
  if (files.some((f) => WHOLE_TREE.test(f.text))) {
    return { keep: keep.fill(true) };
  }
  const names: string[] = [];
  const packages: boolean[] = [];
  const byName = new Map<string, number[]>();
  const byLast = new Map<string, number[]>();
  /** Modules by each dotted suffix of their package (`a.b.c` under `a.b` and `b`). */
  const byParentSuffix = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, i: number): void => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  files.forEach((f, i) => {
    const { name, isPackage } = moduleNameOf(f.path);
    names.push(name);
    packages.push(isPackage);
    push(byName, name, i);
    push(byLast, lastSegment(name), i);
    const parent = parentOf(name);
    if (parent) for (const s of suffixes(parent)) push(byParentSuffix, s, i);
  });

  /** Project.findModule's answer over the whole tree (every candidate when names tie), as file indexes. */
  const pickCache = new Map<string, number[]>();
  const pick = (dotted: string): number[] => {
    let found = pickCache.get(dotted);
    if (found) return found;
    found = [];
    if (dotted) {
      const exact = byName.get(dotted);
      if (exact) found = exact;
      else {
        // The shortest names outside a package: a module inside a package never answers for a top-level name,
        // nor hides a longer one that may (Project.findModule, mayBeRoot).
        let best = Infinity;
        for (const i of byLast.get(lastSegment(dotted)) ?? []) {
          const name = names[i]!;
          if (!name.endsWith('.' + dotted) || name.length > best) continue;
          if (inPackage(name.slice(0, name.length - dotted.length - 1))) continue;
          if (name.length < best) {
            best = name.length;
            found = [];
          }
          found.push(i);
        }
      }
    }
    pickCache.set(dotted, found);
    return found;
  };
  /** Whether a directory (dotted) or one above it has an `__init__.py`. */
  const inPackage = (dir: string): boolean => {
    const parts = dir.split('.');
    return parts.some((_, k) => (byName.get(parts.slice(0, k + 1).join('.')) ?? []).some((j) => packages[j]));
  };

  /** The names each file's imports hand to findModule, those that resolve in the tree. */
  const refs = files.map((f, i) =>
    referencedNames(f.text, names[i]!, packages[i]!).filter((q) => pick(q).length),
  );
  /** Files by the name of a module their imports resolve to, for the backward direction. */
  const referrers = new Map<string, number[]>();
  refs.forEach((qs, i) => {
    for (const name of new Set(qs.flatMap(pick).map((t) => names[t]!))) push(referrers, name, i);
  });
  /** Does a kept module answer to this name (exact, or by dotted suffix)? */
  const keptAnswers = (dotted: string): boolean =>
    (byName.get(dotted) ?? []).some((j) => keep[j]) ||
    (byLast.get(lastSegment(dotted)) ?? []).some((j) => keep[j] && names[j]!.endsWith('.' + dotted));
  /** Imports of local files whose module is not kept, nor any module that would answer in its place. */
  const deferred: string[] = [];

  const includedNames = new Set<string>();
  /** Names of included modules, and the dotted suffixes of the packages above them. */
  const reached = new Set<string>();
  const attrWords = new Set<string>();
  /** Each file's attribute words, once computed. */
  const wordsOf: (Set<string> | undefined)[] = new Array(n);
  const wordsAt = (i: number): Set<string> => (wordsOf[i] ??= attributeWords(files[i]!.text));
  /** Each file's dotted strings, once computed. */
  const dottedOf: (string[] | undefined)[] = new Array(n);
  const dottedAt = (i: number): string[] => (dottedOf[i] ??= dottedStrings(files[i]!.text));
  const queue: number[] = [];
  const include = (i: number): void => {
    if (keep[i]) return;
    keep[i] = true;
    queue.push(i);
  };
  const reach = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const j of referrers.get(name) ?? []) include(j);
  };

  const kinds = files.map((f) => seedKind(f.text));
  /** Backward steps are taken in the first round only. */
  let backward = true;
  const close = (): void => {
    while (queue.length) {
      const i = queue.pop()!;
      const name = names[i]!;
      if (backward) {
        // Backward: files that import this module, or a package on its path.
        reach(name);
        for (const prefix of properPrefixes(name)) for (const s of suffixes(prefix)) reach(s);
      }
      step(i, name);
    }
  };
  /**
   * Keep what `findModule(dotted)` answers over the whole tree. For a local file (second round) only when a kept
   * module would answer in its place: left unresolved, the name stands for a library, which no scan reports on in
   * a file that names no library (else it would be a flow seed).
   */
  const need = (dotted: string): void => {
    const target = pick(dotted);
    if (backward || keptAnswers(dotted)) target.forEach(include);
    else if (!target.some((j) => keep[j])) deferred.push(dotted);
  };
  const step = (i: number, name: string): void => {
    // Forward: what its imports resolve to, attributes read on modules, the packages above it, modules named in
    // strings (the last two as a margin, for files of the first round).
    for (const q of refs[i]!) need(q);
    if (backward) {
      for (const prefix of properPrefixes(name)) for (const j of byName.get(prefix) ?? []) include(j);
      for (const j of dottedAt(i).flatMap(pick)) include(j);
    }
    if (!includedNames.has(name)) {
      includedNames.add(name);
      for (const j of byParentSuffix.get(name) ?? []) {
        const w = lastSegment(names[j]!);
        if (!attrWords.has(w)) continue;
        if (backward) include(j);
        else need(`${name}.${w}`);
      }
    }
    for (const w of wordsAt(i)) {
      if (attrWords.has(w)) continue;
      attrWords.add(w);
      for (const j of byLast.get(w) ?? []) {
        const parent = parentOf(names[j]!);
        if (!parent) continue;
        for (const s of suffixes(parent)) {
          if (!includedNames.has(s)) continue;
          if (backward) include(j);
          else need(`${s}.${w}`);
        }
      }
    }
  };

  if (all) {
    keep.fill(true);
    return { keep, groups: groupsOf() };
  }
  // Round 1: flow seeds and everything connected to them, both ways.
  kinds.forEach((kind, i) => kind === 'flow' && include(i));
  close();
  // Round 2: local seeds and what they reference, forward only. Nothing connected to round 1 is left (round 1 is
  // closed both ways), so these files can only give their own facts; what they import is kept so that their
  // names resolve as in the whole tree (an import of theirs left out could resolve, by suffix, to a module of
  // round 1 and tie it to their calls).
  backward = false;
  kinds.forEach((kind, i) => kind === 'local' && include(i));
  close();
  // What was kept later may answer to an import left out earlier: then keep the module it really names.
  for (let again = true; again;) {
    again = false;
    for (const q of deferred.splice(0)) {
      if (pick(q).some((j) => keep[j])) continue;
      if (keptAnswers(q)) {
        pick(q).forEach(include);
        again = true;
      } else deferred.push(q);
    }
    close();
  }
  return { keep, groups: groupsOf() };

  /**
   * The kept files in groups connected by every way a name can resolve from one module to another
   * (Project.findModule; the reasoning at the top of this file), taken both ways and generously: a file with
   * what its imports and dotted strings resolve to and with the packages above it; a module with the module
   * `M.w` (`findModule` of `M.w`, every candidate when names tie) when some kept file reads the attribute `w`.
   * The Flask model and the JWT analysis only ever look at one module through another by these steps (call
   * sites of a function resolve to it through their own module's imports), so a group's findings and routes are
   * those the whole tree gives for its files.
   */
  function groupsOf(): number[] {
    const root = Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (root[i] !== i) i = root[i] = root[root[i]!]!;
      return i;
    };
    const union = (a: number, b: number): void => {
      if (!keep[a] || !keep[b]) return;
      const ra = find(a);
      const rb = find(b);
      if (ra < rb) root[rb] = ra;
      else if (rb < ra) root[ra] = rb;
    };
    const words = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      for (const w of wordsAt(i)) words.add(w);
      for (const q of refs[i]!) for (const t of pick(q)) union(i, t);
      for (const prefix of properPrefixes(names[i]!)) for (const j of byName.get(prefix) ?? []) union(i, j);
      for (const j of dottedAt(i).flatMap(pick)) union(i, j);
    }
    for (let j = 0; j < n; j++) {
      if (!keep[j]) continue;
      const w = lastSegment(names[j]!);
      const parent = parentOf(names[j]!);
      if (!parent || !words.has(w)) continue;
      for (const s of suffixes(parent)) {
        for (const m of byName.get(s) ?? []) {
          union(m, j);
          for (const t of pick(`${s}.${w}`)) union(m, t);
        }
      }
    }
    return root.map((_, i) => (keep[i] ? find(i) : -1));
  }
}
