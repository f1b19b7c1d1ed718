import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as TreeSitter from 'web-tree-sitter';

// The ESM build of web-tree-sitter breaks inside an ncc bundle; the CommonJS build loads everywhere.
const require = createRequire(import.meta.url);

export type Tree = TreeSitter.Tree;

interface PythonParser {
  parse(source: string): Tree;
  language: TreeSitter.Language;
}

/** Type names and named-ness by type id, learnt from the first node of each type. */
const typeNames: string[] = [];
const typeNamed: boolean[] = [];

/** The source of one tree, with the offsets of its line starts (tree-sitter counts rows by `\n`). */
class SourceText {
  private lineStarts?: number[];
  constructor(readonly text: string) {}

  rowAt(index: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1))
        this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  columnAt(index: number): number {
    return index - this.text.lastIndexOf('\n', index - 1) - 1;
  }
}

/**
 * A syntax node mirrored in JavaScript: every crossing into web-tree-sitter's wasm (type, children, a field,
 * end) happens at most once per node, and text is sliced from the source. The analysis walks expressions
 * several times, and each crossing costs far more than the JavaScript around it. Named children are fetched
 * on their own, so punctuation is never mirrored unless asked for. Valid only while its tree is alive.
 */
export class SyntaxNode {
  readonly type: string;
  readonly isNamed: boolean;
  private kids?: SyntaxNode[];
  private named?: SyntaxNode[];
  private fields?: Map<string, SyntaxNode | null>;
  private end = -1;

  constructor(
    private readonly raw: TreeSitter.Node,
    readonly parent: SyntaxNode | null,
    private readonly source: SourceText,
  ) {
    const id = raw.typeId;
    let type = typeNames[id];
    if (type === undefined) {
      type = typeNames[id] = raw.type;
      typeNamed[id] = raw.isNamed;
    }
    this.type = type;
    this.isNamed = typeNamed[id]!;
  }

  get startIndex(): number {
    return this.raw.startIndex;
  }

  get startPosition(): TreeSitter.Point {
    return this.raw.startPosition;
  }

  get endIndex(): number {
    if (this.end < 0) this.end = this.raw.endIndex;
    return this.end;
  }

  /** The row, and a column that is 0 exactly when the node ends at the start of a line. */
  get endPosition(): TreeSitter.Point {
    const end = this.endIndex;
    return { row: this.source.rowAt(end), column: this.source.columnAt(end) };
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get hasError(): boolean {
    return this.raw.hasError;
  }

  get namedChildren(): SyntaxNode[] {
    this.named ??= this.kids
      ? this.kids.filter((c) => c.isNamed)
      : this.raw.namedChildren.map((c) => this.known(c) ?? new SyntaxNode(c, this, this.source));
    return this.named;
  }

  get children(): SyntaxNode[] {
    if (!this.kids) {
      const named = this.namedChildren;
      let next = 0;
      this.kids = this.raw.children.map((c) => {
        const mirror = named[next];
        if (mirror && mirror.is(c)) {
          next++;
          return mirror;
        }
        return this.known(c) ?? new SyntaxNode(c, this, this.source);
      });
    }
    return this.kids;
  }

  childForFieldName(name: string): SyntaxNode | null {
    this.fields ??= new Map();
    let child = this.fields.get(name);
    if (child === undefined) {
      const raw = this.raw.childForFieldName(name);
      child = raw ? this.mirrorOf(raw) : null;
      this.fields.set(name, child);
    }
    return child;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.raw.childrenForFieldName(name).map((c) => this.mirrorOf(c));
  }

  private is(raw: TreeSitter.Node): boolean {
    return this.raw.id === raw.id && this.raw.startIndex === raw.startIndex;
  }

  /** The mirror of a child of this node, so that a child reached by field or by index is the same object. */
  private mirrorOf(raw: TreeSitter.Node): SyntaxNode {
    return this.known(raw) ?? new SyntaxNode(raw, this, this.source);
  }

  /** The child already mirrored for `raw`, if any. */
  private known(raw: TreeSitter.Node): SyntaxNode | undefined {
    const list = this.kids ?? this.named;
    const found = list?.find((c) => c.is(raw));
    if (found || !this.fields) return found;
    for (const c of this.fields.values()) if (c?.is(raw)) return c;
    return undefined;
  }
}

/** The root of `tree`, parsed from `source`, as a mirrored node. */
export function syntaxRoot(tree: Tree, source: string): SyntaxNode {
  return new SyntaxNode(tree.rootNode, null, new SourceText(source));
}

/**
 * Bytes of a wasm asset: next to the bundle (`dist/wasm/`) when running from `dist/`,
 * otherwise from the installed package.
 */
function wasmBytes(bundled: string, packageFile: string): Uint8Array {
  const besideBundle = fileURLToPath(new URL(`./wasm/${bundled}`, import.meta.url));
  if (existsSync(besideBundle)) return readFileSync(besideBundle);
  return readFileSync(require.resolve(packageFile));
}

let loading: Promise<PythonParser> | undefined;

/** The one shared Python parser; web-tree-sitter's runtime is initialised once per thread. */
export function pythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    const ts = require('web-tree-sitter') as typeof TreeSitter;
    await ts.Parser.init({
      wasmBinary: wasmBytes('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
    });
    const language = await ts.Language.load(
      wasmBytes('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'),
    );
    const parser = new ts.Parser();
    parser.setLanguage(language);
    return {
      language,
      parse(source: string): Tree {
        const tree = parser.parse(source);
        if (!tree) throw new Error('tree-sitter returned no tree');
        return tree;
      },
    };
  })();
  return loading;
}
