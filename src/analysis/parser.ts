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

/** Offsets of the line starts of `text` (tree-sitter counts rows by `\n`). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The source of one tree, with the offsets of its line starts. */
class SourceText {
  readonly lineStarts: number[];
  constructor(readonly text: string) {
    this.lineStarts = lineStarts(text);
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
 * A whole syntax tree copied out of wasm in one cursor walk: `count` nodes in pre-order, and per node its type
 * id, field id, start and end (UTF-16 offsets), row, parent, first child and next sibling, one column after the
 * other in `data`, each column `stride` entries long (only the first `count` are used). Plain data: a worker
 * thread that parsed a file hands it over without copying (its buffer is transferred).
 */
export interface FlatData {
  count: number;
  stride: number;
  hasError: boolean;
  data: Int32Array<ArrayBuffer>;
}

/** The columns of `FlatData.data`, in order, and how many there are. */
const [TYPE, FIELD, START, END, ROW, PARENT, FIRST, NEXT] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const WIDTH = 8;

/** `data` with each column's first `count` entries copied into columns `stride` long. */
function restride(data: Int32Array, stride: number, count: number, to: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(to * WIDTH);
  for (let c = 0; c < WIDTH; c++) out.set(data.subarray(c * stride, c * stride + count), c * to);
  return out;
}

/**
 * Walk `tree` once with a cursor that lives in the runtime's transfer buffer, and pack what it saw. One loop,
 * no closure: every step is a handful of typed-array stores and the cursor calls themselves.
 */
export function flatten(tree: Tree, source: string): FlatData {
  const grammar = loadedGrammar();
  const rt = grammar.runtime;
  // Python source makes about 0.4 nodes per character.
  let stride = (source.length >> 1) + 64;
  let data: Int32Array<ArrayBuffer> = new Int32Array(stride * WIDTH);
  let count = 0;
  const starts = lineStarts(source);
  const lastRow = starts.length - 1;
  let row = 0;
  const t = (tree as unknown as { [0]: number })[0];
  const cursor = tree.walk() as unknown as TreeSitter.TreeCursor & Record<0 | 1 | 2 | 3, number>;
  const tb = grammar.transfer;
  let heap = rt.HEAP32;
  heap[tb] = cursor[0];
  heap[tb + 1] = cursor[1];
  heap[tb + 2] = cursor[2];
  heap[tb + 3] = cursor[3];
  try {
    let parent = -1;
    let previous = -1;
    // Each pass records the node under the cursor, then moves to the next node in pre-order.
    for (;;) {
      if (count === stride) {
        data = restride(data, stride, count, stride * 2);
        stride *= 2;
      }
      const id = count++;
      const at = rt._ts_tree_cursor_start_index_wasm(t);
      // Starts never decrease in pre-order: the row only moves forward.
      while (row < lastRow && starts[row + 1]! <= at) row++;
      data[TYPE * stride + id] = rt._ts_tree_cursor_current_node_type_id_wasm(t);
      data[FIELD * stride + id] = rt._ts_tree_cursor_current_field_id_wasm(t);
      data[START * stride + id] = at;
      data[END * stride + id] = rt._ts_tree_cursor_end_index_wasm(t);
      data[ROW * stride + id] = row;
      data[PARENT * stride + id] = parent;
      data[FIRST * stride + id] = -1;
      data[NEXT * stride + id] = -1;
      if (previous >= 0) data[NEXT * stride + previous] = id;
      else if (parent >= 0) data[FIRST * stride + parent] = id;
      if (rt._ts_tree_cursor_goto_first_child_wasm(t)) {
        parent = id;
        previous = -1;
        continue;
      }
      let node = id;
      let moved = false;
      for (;;) {
        if (rt._ts_tree_cursor_goto_next_sibling_wasm(t)) {
          previous = node;
          moved = true;
          break;
        }
        if (!rt._ts_tree_cursor_goto_parent_wasm(t)) break;
        node = parent;
        parent = data[PARENT * stride + node]!;
      }
      if (!moved) break;
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
  // A file of few nodes (one long string) would keep a buffer sized for many.
  if (count < stride >> 1) {
    data = restride(data, stride, count, count);
    stride = count;
  }
  return { count, stride, hasError: tree.rootNode.hasError, data };
}

/** A flattened tree with its source; nodes are mirrored as `SyntaxNode` objects only when reached. */
class FlatTree {
  readonly count: number;
  readonly hasError: boolean;
  readonly type: Int32Array;
  readonly field: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly row: Int32Array;
  readonly parent: Int32Array;
  readonly first: Int32Array;
  readonly next: Int32Array;
  /** The nodes made so far, by id: sized once, since they are reached in any order. */
  readonly nodes: (SyntaxNode | undefined)[];

  constructor(
    readonly grammar: Grammar,
    readonly source: SourceText,
    flat: FlatData,
  ) {
    const n = (this.count = flat.count);
    this.nodes = new Array<SyntaxNode | undefined>(n).fill(undefined);
    this.hasError = flat.hasError;
    const column = (c: number): Int32Array => flat.data.subarray(c * flat.stride, c * flat.stride + n);
    this.type = column(TYPE);
    this.field = column(FIELD);
    this.start = column(START);
    this.end = column(END);
    this.row = column(ROW);
    this.parent = column(PARENT);
    this.first = column(FIRST);
    this.next = column(NEXT);
  }

  node(id: number): SyntaxNode {
    return (this.nodes[id] ??= new SyntaxNode(this, id));
  }

  typeName(id: number): string {
    const typeId = this.type[id]!;
    return typeId === ERROR_SYMBOL ? 'ERROR' : this.grammar.types[typeId] || 'ERROR';
  }

  isNamed(id: number): boolean {
    const typeId = this.type[id]!;
    return typeId === ERROR_SYMBOL || this.grammar.named[typeId] === 1;
  }
}

/** Not frozen: a frozen array is iterated slowly, and the type already forbids changing it. */
const NO_NODES: readonly SyntaxNode[] = [];
/** Where `children` and `namedChildren` gather a node's children (its stale entries are never read). */
const SCRATCH: SyntaxNode[] = [];

/**
 * A syntax node of a flattened tree: type, children, fields and positions are read from the flat arrays, text
 * is sliced from the source. Objects are made only for the nodes the analysis reaches, once each, so a node
 * reached by field or by index is the same object.
 */
export class SyntaxNode {
  readonly type: string;
  /**
   * A slot for what the extraction made of this node (extract.ts keeps its simplified expression here, so a
   * call nested in others is converted once, not once per enclosing call), and the depth it was made at.
   */
  memo: unknown = undefined;
  memoDepth = 0;
  private kids?: readonly SyntaxNode[];
  private named?: readonly SyntaxNode[];
  private compact?: string;

  constructor(
    private readonly tree: FlatTree,
    private readonly id: number,
  ) {
    this.type = tree.typeName(id);
  }

  get isNamed(): boolean {
    return this.tree.isNamed(this.id);
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

  /** The text without whitespace (`request . headers` reads as `request.headers`), made once per node. */
  get compactText(): string {
    if (this.compact === undefined) {
      const text = this.text;
      this.compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
    }
    return this.compact;
  }

  /** Whether the file's tree has a syntax error: an ERROR or a missing node anywhere, as tree-sitter says. */
  get treeHasError(): boolean {
    return this.tree.hasError;
  }

  /**
   * Gathered in a scratch list and copied out at their exact size (a list grown by `push` reserves room for 17);
   * a node without any shares one empty list (most are leaves).
   */
  get namedChildren(): readonly SyntaxNode[] {
    if (!this.named) {
      const t = this.tree;
      let n = 0;
      for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) if (t.isNamed(c)) SCRATCH[n++] = t.node(c);
      this.named = n ? SCRATCH.slice(0, n) : NO_NODES;
    }
    return this.named;
  }

  get children(): readonly SyntaxNode[] {
    if (!this.kids) {
      const t = this.tree;
      let n = 0;
      for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) SCRATCH[n++] = t.node(c);
      this.kids = n ? SCRATCH.slice(0, n) : NO_NODES;
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
}

let grammar: Grammar | undefined;

function loadedGrammar(): Grammar {
  if (!grammar) throw new Error('the Python parser is not initialised');
  return grammar;
}

/** The root node of a flattened tree of `source`. */
export function rootOf(flat: FlatData, source: string): SyntaxNode {
  return new FlatTree(loadedGrammar(), new SourceText(source), flat).node(0);
}

/** The root of `tree`, parsed from `source`, as a node of its flattened copy; `tree` may be freed after this. */
export function syntaxRoot(tree: Tree, source: string): SyntaxNode {
  return rootOf(flatten(tree, source), source);
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
