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

/**
 * The functions of web-tree-sitter's wasm runtime that walk a tree with a cursor held in its transfer buffer.
 * Emscripten fills the options object given to `Parser.init` with the runtime's exports; calling them directly
 * costs one crossing per step, where the `TreeCursor` and `Node` classes copy state in and out of the buffer
 * and allocate an object for every answer.
 */
interface CursorRuntime {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const CURSOR_FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const;

/** tree-sitter's symbol for ERROR nodes (`ts_builtin_sym_error`, a 16-bit -1). */
const ERROR_SYMBOL = 0xffff;

/** What a flattened tree needs from the parser's language: type names, named-ness, field ids. */
interface Grammar {
  types: string[];
  named: Uint8Array;
  fieldIds: Map<string, number>;
  runtime: CursorRuntime;
  /** Int32 index of the runtime's transfer buffer, where the cursor's state lives between calls. */
  transfer: number;
}

/** The source of one tree, with the offsets of its line starts (tree-sitter counts rows by `\n`). */
class SourceText {
  readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  rowAt(index: number): number {
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
}

/**
 * A whole syntax tree copied out of wasm in one cursor walk: per node (in pre-order) its type id, field id,
 * start and end (UTF-16 offsets), parent, first child and next sibling. The wasm tree can be freed as soon as
 * it is flat; nodes are mirrored as `SyntaxNode` objects only when the analysis reaches them.
 */
class FlatTree {
  count = 0;
  type: Int32Array;
  field: Int32Array;
  start: Int32Array;
  end: Int32Array;
  parent: Int32Array;
  first: Int32Array;
  next: Int32Array;
  /** The row each node starts on, filled in one pass after the walk (starts never decrease in pre-order). */
  row: Int32Array = new Int32Array(0);
  readonly nodes: (SyntaxNode | undefined)[] = [];

  constructor(
    readonly grammar: Grammar,
    readonly source: SourceText,
    readonly hasError: boolean,
    capacity: number,
  ) {
    this.type = new Int32Array(capacity);
    this.field = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.first = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  private grow(): void {
    const size = this.type.length * 2;
    const bigger = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.type = bigger(this.type);
    this.field = bigger(this.field);
    this.start = bigger(this.start);
    this.end = bigger(this.end);
    this.parent = bigger(this.parent);
    this.first = bigger(this.first);
    this.next = bigger(this.next);
  }

  /** Walk `tree` once with a cursor that lives in the runtime's transfer buffer. */
  static of(tree: Tree, source: string, grammar: Grammar): FlatTree {
    const flat = new FlatTree(
      grammar,
      new SourceText(source),
      tree.rootNode.hasError,
      (source.length >> 1) + 64,
    );
    const rt = grammar.runtime;
    const t = (tree as unknown as { [0]: number })[0];
    const cursor = tree.walk() as unknown as TreeSitter.TreeCursor & Record<0 | 1 | 2 | 3, number>;
    const tb = grammar.transfer;
    let heap = rt.HEAP32;
    heap[tb] = cursor[0];
    heap[tb + 1] = cursor[1];
    heap[tb + 2] = cursor[2];
    heap[tb + 3] = cursor[3];
    try {
      const record = (parent: number): number => {
        if (flat.count === flat.type.length) flat.grow();
        const id = flat.count++;
        flat.type[id] = rt._ts_tree_cursor_current_node_type_id_wasm(t);
        flat.field[id] = rt._ts_tree_cursor_current_field_id_wasm(t);
        flat.start[id] = rt._ts_tree_cursor_start_index_wasm(t);
        flat.end[id] = rt._ts_tree_cursor_end_index_wasm(t);
        flat.parent[id] = parent;
        flat.first[id] = -1;
        flat.next[id] = -1;
        return id;
      };
      let current = record(-1);
      walk: for (;;) {
        if (rt._ts_tree_cursor_goto_first_child_wasm(t)) {
          const child = record(current);
          flat.first[current] = child;
          current = child;
          continue;
        }
        for (;;) {
          if (rt._ts_tree_cursor_goto_next_sibling_wasm(t)) {
            const sibling = record(flat.parent[current]!);
            flat.next[current] = sibling;
            current = sibling;
            continue walk;
          }
          if (!rt._ts_tree_cursor_goto_parent_wasm(t)) break walk;
          current = flat.parent[current]!;
        }
      }
    } finally {
      // The cursor's stack may have moved while it grew: hand its final state back before freeing it.
      heap = rt.HEAP32;
      cursor[0] = heap[tb]!;
      cursor[1] = heap[tb + 1]!;
      cursor[2] = heap[tb + 2]!;
      cursor[3] = heap[tb + 3]!;
      cursor.delete();
    }
    const starts = flat.source.lineStarts;
    const row = (flat.row = new Int32Array(flat.count));
    let r = 0;
    for (let id = 0; id < flat.count; id++) {
      const start = flat.start[id]!;
      while (r + 1 < starts.length && starts[r + 1]! <= start) r++;
      row[id] = r;
    }
    return flat;
  }

  node(id: number): SyntaxNode {
    return (this.nodes[id] ??= new SyntaxNode(this, id));
  }
}

/**
 * A syntax node of a flattened tree: type, children, fields and positions are read from the flat arrays, text
 * is sliced from the source. Objects are made only for the nodes the analysis reaches, once each, so a node
 * reached by field or by index is the same object.
 */
export class SyntaxNode {
  readonly type: string;
  readonly isNamed: boolean;
  private kids?: SyntaxNode[];
  private named?: SyntaxNode[];

  constructor(
    private readonly tree: FlatTree,
    private readonly id: number,
  ) {
    const typeId = tree.type[id]!;
    const grammar = tree.grammar;
    if (typeId === ERROR_SYMBOL) {
      this.type = 'ERROR';
      this.isNamed = true;
    } else {
      this.type = grammar.types[typeId] || 'ERROR';
      this.isNamed = grammar.named[typeId] === 1;
    }
  }

  get parent(): SyntaxNode | null {
    const p = this.tree.parent[this.id]!;
    return p < 0 ? null : this.tree.node(p);
  }

  get startIndex(): number {
    return this.tree.start[this.id]!;
  }

  get endIndex(): number {
    return this.tree.end[this.id]!;
  }

  get startPosition(): TreeSitter.Point {
    const t = this.tree;
    const row = t.row[this.id]!;
    return { row, column: t.start[this.id]! - t.source.lineStarts[row]! };
  }

  /** The row the node starts on. */
  get startRow(): number {
    return this.tree.row[this.id]!;
  }

  /** The row, and a column that is 0 exactly when the node ends at the start of a line. */
  get endPosition(): TreeSitter.Point {
    const end = this.endIndex;
    const row = this.tree.source.rowAt(end);
    return { row, column: end - this.tree.source.lineStarts[row]! };
  }

  get text(): string {
    return this.tree.source.text.slice(this.startIndex, this.endIndex);
  }

  /** Whether the subtree has an ERROR node (for the root: or a missing one, as tree-sitter reports it). */
  get hasError(): boolean {
    const t = this.tree;
    if (this.id === 0) return t.hasError;
    const stop = this.subtreeEnd();
    for (let i = this.id; i < stop; i++) if (t.type[i] === ERROR_SYMBOL) return true;
    return false;
  }

  get namedChildren(): SyntaxNode[] {
    if (!this.named) {
      const t = this.tree;
      const named: SyntaxNode[] = [];
      for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) {
        const type = t.type[c]!;
        if (type === ERROR_SYMBOL || t.grammar.named[type] === 1) named.push(t.node(c));
      }
      this.named = named;
    }
    return this.named;
  }

  get children(): SyntaxNode[] {
    if (!this.kids) {
      const t = this.tree;
      const kids: SyntaxNode[] = [];
      for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) kids.push(t.node(c));
      this.kids = kids;
    }
    return this.kids;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const t = this.tree;
    const field = t.grammar.fieldIds.get(name);
    if (field === undefined) return null;
    for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) if (t.field[c] === field) return t.node(c);
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const t = this.tree;
    const field = t.grammar.fieldIds.get(name);
    const out: SyntaxNode[] = [];
    if (field === undefined) return out;
    for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) if (t.field[c] === field) out.push(t.node(c));
    return out;
  }

  /** The pre-order id just past this node's subtree. */
  private subtreeEnd(): number {
    const t = this.tree;
    for (let n = this.id; n >= 0; n = t.parent[n]!) if (t.next[n]! >= 0) return t.next[n]!;
    return t.count;
  }
}

let grammar: Grammar | undefined;

/** The root of `tree`, parsed from `source`, as a node of its flattened copy; `tree` may be freed after this. */
export function syntaxRoot(tree: Tree, source: string): SyntaxNode {
  if (!grammar) throw new Error('the Python parser is not initialised');
  return FlatTree.of(tree, source, grammar).node(0);
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

/**
 * web-tree-sitter's CommonJS build: beside the bundle (`dist/web-tree-sitter.cjs`, copied there when dist/ is
 * built, because ncc cannot bundle a module loaded through `createRequire` and a runner has no node_modules),
 * otherwise the installed package.
 */
function runtimeModule(): string {
  const file = 'web-tree-sitter.cjs';
  // A template, not a literal: ncc would otherwise take the URL for an asset of its own and rename it.
  const besideBundle = fileURLToPath(new URL(`./${file}`, import.meta.url));
  return existsSync(besideBundle) ? besideBundle : 'web-tree-sitter';
}

let loading: Promise<PythonParser> | undefined;

/** The one shared Python parser; web-tree-sitter's runtime is initialised once per thread. */
export function pythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    const ts = require(runtimeModule()) as typeof TreeSitter;
    const runtime = {
      wasmBinary: wasmBytes('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
    } as unknown as Partial<CursorRuntime> & { wasmBinary: Uint8Array };
    await ts.Parser.init(runtime);
    const missing = CURSOR_FUNCTIONS.filter((f) => typeof runtime[f] !== 'function');
    if (missing.length || !(runtime.HEAP32 instanceof Int32Array)) {
      throw new Error(`this web-tree-sitter runtime lacks ${missing.join(', ') || 'HEAP32'}`);
    }
    const language = await ts.Language.load(
      wasmBytes('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'),
    );
    const rt = runtime as CursorRuntime;
    const named = new Uint8Array(language.types.length);
    for (let i = 0; i < language.types.length; i++) named[i] = language.nodeTypeIsNamed(i) ? 1 : 0;
    const fieldIds = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name) fieldIds.set(name, id);
    });
    grammar = {
      types: language.types as string[],
      named,
      fieldIds,
      runtime: rt,
      transfer: rt._ts_init() >> 2,
    };
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
