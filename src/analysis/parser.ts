import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as TreeSitter from 'web-tree-sitter';

// The ESM build of web-tree-sitter breaks inside an ncc bundle; the CommonJS build loads everywhere.
const require = createRequire(import.meta.url);

export type Tree = TreeSitter.Tree;

interface PythonParser {
  /** Throws when parsing takes longer than `budgetMs` (default `parseBudgetMs`). */
  parse(source: string, budgetMs?: number): Tree;
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
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
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

/**
 * What reading a flattened tree takes from the parser's language: type names, named-ness, field ids. Plain data:
 * a thread that only reads trees other threads parsed takes it from them (`adoptNodeNames`) and never loads a
 * parser of its own.
 */
export interface NodeNames {
  types: string[];
  named: Uint8Array;
  fieldIds: Map<string, number>;
  /** The type id of `interpolation` (an f-string's `{…}`). */
  interpolation: number;
}

/** This thread's loaded parser runtime: what flattening a tree takes. */
interface Grammar {
  runtime: CursorRuntime;
  /** Int32 index of the runtime's transfer buffer, where the cursor's state lives between calls. */
  transfer: number;
  /** Where the language's tables are in wasm memory, when `flatten` may read trees directly (see readTree). */
  tables?: LanguageTables;
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
 * Where the walks below write a tree's columns before copying them out at their exact size, kept from one tree
 * to the next. A fresh buffer sized by guess (16 bytes per character of source) for every file cost more than
 * the walk itself: it is zeroed, its pages are faulted in, and the external memory it adds makes V8 collect
 * garbage sooner; the copy at the exact size is a quarter smaller. A file whose columns outgrow SCRATCH_LIMIT
 * entries writes into a buffer of its own, so a huge file leaves no huge buffer behind.
 */
let scratch: Int32Array<ArrayBuffer> = new Int32Array(0);
/** What readTree keeps per node while walking (the last child recorded under it), kept like `scratch`. */
let scratchTail: Int32Array<ArrayBuffer> = new Int32Array(0);
const SCRATCH_LIMIT = 1 << 21;

/** A buffer for `stride` nodes' columns: the scratch, when it is large enough or may grow to that size. */
function columnsFor(stride: number): Int32Array<ArrayBuffer> {
  if (stride * WIDTH > SCRATCH_LIMIT) return new Int32Array(stride * WIDTH);
  if (scratch.length < stride * WIDTH) scratch = new Int32Array(stride * WIDTH);
  return scratch;
}

/** The per-node buffer of readTree for `stride` nodes, kept like `scratch`. */
function tailFor(stride: number): Int32Array<ArrayBuffer> {
  if (stride * WIDTH > SCRATCH_LIMIT) return new Int32Array(stride);
  if (scratchTail.length < stride) scratchTail = new Int32Array(stride);
  return scratchTail;
}

/** The `count` nodes written in `data` (columns `stride` long) as FlatData of its own, at its exact size. */
function packed(data: Int32Array, stride: number, count: number, hasError: boolean): FlatData {
  return { count, stride: count, hasError, data: restride(data, stride, count, count) };
}

/**
 * The flat copy of `tree`: read straight from wasm memory when the runtime's layout was checked at load
 * (readTree), otherwise walked with the runtime's cursor (walkWithCursor). Both give the same data.
 */
export function flatten(tree: Tree, source: string): FlatData {
  const tables = loadedGrammar().tables;
  return tables ? readTree(tree, source, tables) : walkWithCursor(tree, source);
}

/**
 * Walk `tree` once with a cursor that lives in the runtime's transfer buffer, and pack what it saw. One loop,
 * no closure: every step is a handful of typed-array stores and the cursor calls themselves.
 */
export function walkWithCursor(tree: Tree, source: string): FlatData {
  const grammar = loadedGrammar();
  const rt = grammar.runtime;
  // Python source makes about 0.4 nodes per character.
  let stride = Math.max((source.length >> 1) + 64, scratch.length / WIDTH);
  let data = columnsFor(stride);
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
        if (data.length <= SCRATCH_LIMIT) scratch = data;
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
  return packed(data, stride, count, tree.rootNode.hasError);
}

/**
 * Where a language's tables are in wasm memory (tree-sitter's `TSLanguage`, lib/src/parser.h, as compiled to
 * wasm32): what deciding a node's visibility, type and field takes.
 */
interface LanguageTables {
  /**
   * `field_map_slices` (u16 index, u16 length per production) and `field_map_entries` (u16 field, u8 child
   * index, u8 inherited); 0 for a language without fields.
   */
  fieldMapSlices: number;
  fieldMapEntries: number;
  /** `public_symbol_map`: u16 per symbol. */
  publicSymbols: number;
  /** `alias_sequences`: u16 per production and structural child, `maxAliasLength` per production. */
  aliasSequences: number;
  maxAliasLength: number;
}

/** Byte offsets in `TSLanguage` (wasm32: 9 u32 counts, a u16, then 4-byte pointers). */
const LANGUAGE_FIELD_COUNT = 32;
const LANGUAGE_MAX_ALIAS_LENGTH = 36;
const LANGUAGE_FIELD_MAP_SLICES = 64;
const LANGUAGE_FIELD_MAP_ENTRIES = 68;
const LANGUAGE_PUBLIC_SYMBOL_MAP = 76;
const LANGUAGE_ALIAS_SEQUENCES = 84;

/**
 * Byte offsets in a heap `SubtreeHeapData` (lib/src/subtree.h, wasm32). A `Subtree` is 8 bytes: either a pointer
 * to one of these (low bit 0) or a leaf inline (low bit 1: flags, symbol, parse state, padding, size). A node's
 * children are the `child_count` subtrees stored just before its heap data.
 */
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
const HEAP_FLAGS = 44;
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_PRODUCTION_ID = 66;
/** In the flags byte of either form: visible, extra (heap: bits 0 and 2; inline: bits 1 and 3, after is_inline). */
const HEAP_VISIBLE = 1;
const HEAP_EXTRA = 4;
const INLINE_VISIBLE = 2;
const INLINE_EXTRA = 8;

/**
 * The frame of each subtree open while reading a tree, FRAME_WIDTH entries of one Int32Array: where its children
 * are, how many, the next one's index and structural index, the byte position after the previous child, its
 * alias sequence (a u16 index, 0 for none), its field map entries (byte range), the node its nodes hang under,
 * and the field it passes down (a hidden subtree's own field, else 0).
 */
const FRAME_WIDTH = 10;
const F_CHILDREN = 0;
const F_COUNT = 1;
const F_INDEX = 2;
const F_STRUCTURAL = 3;
const F_POSITION = 4;
const F_ALIASES = 5;
const F_MAP = 6;
const F_MAP_END = 7;
const F_PARENT = 8;
const F_INHERITED = 9;

/**
 * The same flat copy as walkWithCursor, read straight from the tree's memory: no call into wasm per step. It
 * follows tree-sitter's own cursor (lib/src/tree_cursor.c): a child is a node when it is visible or aliased;
 * a hidden child with visible descendants is looked through, its visible descendants becoming children of the
 * nearest node above; a node's type is its alias or its symbol, mapped to the public symbol; its field is the
 * first field-map entry of its parent's production for its structural index, else (looked through hidden
 * parents) theirs; extras have no field, no alias and no structural index; positions add each child's size and
 * the next child's padding. Checked against the cursor when the parser loads (`tablesIfFaithful`).
 */
function readTree(tree: Tree, source: string, tables: LanguageTables): FlatData {
  const rt = loadedGrammar().runtime;
  const u8 = rt.HEAPU8;
  const u16 = rt.HEAPU16;
  const u32 = rt.HEAPU32;
  const { fieldMapSlices, fieldMapEntries, aliasSequences, maxAliasLength } = tables;
  const publicSymbols = tables.publicSymbols >> 1;
  let stride = Math.max((source.length >> 1) + 64, scratch.length / WIDTH);
  let data = columnsFor(stride);
  /** The last child recorded under each node so far, by id (children of hidden subtrees included). */
  let tail = tailFor(stride);
  const starts = lineStarts(source);
  const lastRow = starts.length - 1;
  let row = 0;
  let count = 0;
  let stack = new Int32Array(64 * FRAME_WIDTH);
  let depth = 0;

  // The root (a module node) is heap data; its node starts after its padding.
  const root = (tree as unknown as { [0]: number })[0];
  let ptr = u8[root]! & 1 ? 0 : u32[root >> 2]!;
  let nested = ptr && u32[(ptr + HEAP_CHILD_COUNT) >> 2]! ? u32[(ptr + HEAP_VISIBLE_CHILD_COUNT) >> 2]! : 0;
  let start = ptr ? u32[(ptr + HEAP_PADDING_BYTES) >> 2]! : u8[root + 6]!;
  let size = ptr ? u32[(ptr + HEAP_SIZE_BYTES) >> 2]! : u8[root + 7]!;
  /** The symbol of the node to record, or -1 for a hidden subtree to look through. */
  let symbol = ptr ? u16[(ptr + HEAP_SYMBOL) >> 1]! : u8[root + 1]!;
  let field = 0;
  let parent = -1;
  for (;;) {
    let owner = parent;
    if (symbol >= 0) {
      if (count === stride) {
        data = restride(data, stride, count, stride * 2);
        const grown = new Int32Array(stride * 2);
        grown.set(tail);
        tail = grown;
        stride *= 2;
        if (data.length <= SCRATCH_LIMIT) {
          scratch = data;
          scratchTail = tail;
        }
      }
      const id = count++;
      const at = start >> 1;
      while (row < lastRow && starts[row + 1]! <= at) row++;
      data[TYPE * stride + id] = symbol === ERROR_SYMBOL ? symbol : u16[publicSymbols + symbol]!;
      data[FIELD * stride + id] = field;
      data[START * stride + id] = at;
      data[END * stride + id] = (start + size) >> 1;
      data[ROW * stride + id] = row;
      data[PARENT * stride + id] = parent;
      data[FIRST * stride + id] = -1;
      data[NEXT * stride + id] = -1;
      tail[id] = -1;
      if (parent >= 0) {
        const previous = tail[parent]!;
        if (previous >= 0) data[NEXT * stride + previous] = id;
        else data[FIRST * stride + parent] = id;
        tail[parent] = id;
      }
      owner = id;
      // A node passes no field down: fields stop at the first node above.
      field = 0;
    }
    if (nested > 0) {
      // Open the subtree: its children follow, each a node of `owner` or looked through.
      if ((depth + 1) * FRAME_WIDTH > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      const f = depth++ * FRAME_WIDTH;
      const childCount = u32[(ptr + HEAP_CHILD_COUNT) >> 2]!;
      const production = u16[(ptr + HEAP_PRODUCTION_ID) >> 1]!;
      stack[f + F_CHILDREN] = ptr - childCount * 8;
      stack[f + F_COUNT] = childCount;
      stack[f + F_INDEX] = 0;
      stack[f + F_STRUCTURAL] = 0;
      stack[f + F_POSITION] = start;
      stack[f + F_ALIASES] = production ? (aliasSequences >> 1) + production * maxAliasLength : 0;
      if (fieldMapSlices) {
        const slice = fieldMapSlices + production * 4;
        const first = fieldMapEntries + u16[slice >> 1]! * 4;
        stack[f + F_MAP] = first;
        stack[f + F_MAP_END] = first + u16[(slice + 2) >> 1]! * 4;
      } else {
        stack[f + F_MAP] = stack[f + F_MAP_END] = 0;
      }
      stack[f + F_PARENT] = owner;
      stack[f + F_INHERITED] = field;
    }
    // The next child, of the innermost open subtree, that is a node or has nodes inside.
    let found = false;
    while (depth > 0) {
      const f = (depth - 1) * FRAME_WIDTH;
      const i = stack[f + F_INDEX]!;
      if (i === stack[f + F_COUNT]) {
        depth--;
        continue;
      }
      stack[f + F_INDEX] = i + 1;
      const at = stack[f + F_CHILDREN]! + i * 8;
      const flags = u8[at]!;
      let visible: number;
      let extra: number;
      let padding: number;
      if (flags & 1) {
        ptr = 0;
        visible = flags & INLINE_VISIBLE;
        extra = flags & INLINE_EXTRA;
        symbol = u8[at + 1]!;
        padding = u8[at + 6]!;
        size = u8[at + 7]!;
        nested = 0;
      } else {
        ptr = u32[at >> 2]!;
        const heapFlags = u8[ptr + HEAP_FLAGS]!;
        visible = heapFlags & HEAP_VISIBLE;
        extra = heapFlags & HEAP_EXTRA;
        symbol = u16[(ptr + HEAP_SYMBOL) >> 1]!;
        padding = u32[(ptr + HEAP_PADDING_BYTES) >> 2]!;
        size = u32[(ptr + HEAP_SIZE_BYTES) >> 2]!;
        nested = u32[(ptr + HEAP_CHILD_COUNT) >> 2]! ? u32[(ptr + HEAP_VISIBLE_CHILD_COUNT) >> 2]! : 0;
      }
      start = i > 0 ? stack[f + F_POSITION]! + padding : stack[f + F_POSITION]!;
      stack[f + F_POSITION] = start + size;
      const structural = stack[f + F_STRUCTURAL]!;
      let alias = 0;
      if (!extra) {
        const aliases = stack[f + F_ALIASES]!;
        if (aliases) alias = u16[aliases + structural]!;
        stack[f + F_STRUCTURAL] = structural + 1;
      }
      if (!visible && !alias && nested === 0) continue;
      field = 0;
      if (!extra) {
        for (let e = stack[f + F_MAP]!, end = stack[f + F_MAP_END]!; e < end; e += 4) {
          if (u8[e + 2] === structural && !u8[e + 3]) {
            field = u16[e >> 1]!;
            break;
          }
        }
        if (!field) field = stack[f + F_INHERITED]!;
      }
      parent = stack[f + F_PARENT]!;
      if (alias) symbol = alias;
      else if (!visible) symbol = -1;
      found = true;
      break;
    }
    if (!found) break;
  }
  return packed(data, stride, count, tree.rootNode.hasError);
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
    readonly names: NodeNames,
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
    return typeId === ERROR_SYMBOL ? 'ERROR' : this.names.types[typeId] || 'ERROR';
  }

  isNamed(id: number): boolean {
    const typeId = this.type[id]!;
    return typeId === ERROR_SYMBOL || this.names.named[typeId] === 1;
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

  /**
   * The named children a walk looking for code visits: none inside a string literal without interpolations
   * (its parts are quotes and text), the named children otherwise. The string's own text is still there to read.
   */
  get walkChildren(): readonly SyntaxNode[] {
    return this.isPlainString ? NO_NODES : this.namedChildren;
  }

  /** The first of `walkChildren`, or null; with `nextNamedSibling`, a walk without a list per node. */
  get firstWalkChild(): SyntaxNode | null {
    if (this.isPlainString) return null;
    const t = this.tree;
    let c = t.first[this.id]!;
    while (c >= 0 && !t.isNamed(c)) c = t.next[c]!;
    return c < 0 ? null : t.node(c);
  }

  /** A string literal without interpolations, told from the flat columns (its parts get no objects). */
  private get isPlainString(): boolean {
    if (this.type !== 'string') return false;
    const t = this.tree;
    let c = t.first[this.id]!;
    while (c >= 0 && t.type[c] !== t.names.interpolation) c = t.next[c]!;
    return c < 0;
  }

  /** The next named node under the same parent, or null. */
  get nextNamedSibling(): SyntaxNode | null {
    const t = this.tree;
    let c = t.next[this.id]!;
    while (c >= 0 && !t.isNamed(c)) c = t.next[c]!;
    return c < 0 ? null : t.node(c);
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
    const field = t.names.fieldIds.get(name);
    if (field === undefined) return null;
    for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) if (t.field[c] === field) return t.node(c);
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const t = this.tree;
    const field = t.names.fieldIds.get(name);
    const out: SyntaxNode[] = [];
    if (field === undefined) return out;
    for (let c = t.first[this.id]!; c >= 0; c = t.next[c]!) if (t.field[c] === field) out.push(t.node(c));
    return out;
  }
}

let grammar: Grammar | undefined;
let names: NodeNames | undefined;

function loadedGrammar(): Grammar {
  if (!grammar) throw new Error('the Python parser is not initialised');
  return grammar;
}

/** The node names of this thread's parser, once it is loaded (what a worker hands to the thread it parses for). */
export function nodeNames(): NodeNames | undefined {
  return grammar && names;
}

/**
 * Take the node names of a parser loaded in another thread, so that this thread can read the trees it parsed.
 * False when this thread already has names and they differ (a different grammar: its trees must not be read
 * here); the names this thread has are kept.
 */
export function adoptNodeNames(other: NodeNames): boolean {
  if (!names) {
    names = other;
    return true;
  }
  return sameNames(names, other);
}

function sameNames(a: NodeNames, b: NodeNames): boolean {
  return (
    a.interpolation === b.interpolation &&
    a.types.length === b.types.length &&
    a.types.every((t, i) => t === b.types[i]) &&
    a.named.length === b.named.length &&
    a.named.every((n, i) => n === b.named[i]) &&
    a.fieldIds.size === b.fieldIds.size &&
    [...a.fieldIds].every(([name, id]) => b.fieldIds.get(name) === id)
  );
}

/** Whether this thread has started loading a parser of its own (threads that only read trees never do). */
export function parserStarted(): boolean {
  return loading !== undefined;
}

/** The root node of a flattened tree of `source`. */
export function rootOf(flat: FlatData, source: string): SyntaxNode {
  if (!names) throw new Error('the Python parser is not initialised');
  return new FlatTree(names, new SourceText(source), flat).node(0);
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
let probeParser: PythonParser | undefined;

/**
 * How trees are copied out of wasm: `memory` (readTree) or `cursor` (walkWithCursor, when the check at load
 * failed or TOKENGATE_TREE_CURSOR=1). With `check`, what the check at load would decide for a language at
 * another address, or with one of its tables read two bytes off (for tests: both must fail it). The parser must
 * be loaded.
 */
export function treeReading(check?: {
  language: number;
  misread?: 'fieldMapEntries' | 'publicSymbols' | 'aliasSequences';
}): 'memory' | 'cursor' {
  const tables = check ? tablesIfFaithful(check.language, check.misread) : loadedGrammar().tables;
  return tables ? 'memory' : 'cursor';
}

/**
 * Python that exercises what reading a tree from memory must get right: fields through hidden nodes, aliases,
 * extras (comments) inside expressions, inline and heap leaves, text beyond ASCII, syntax errors and missing
 * nodes.
 */
const PROBE = `# -*- coding: utf-8 -*-
from flask import Flask, request as rq  # comment
import os.path as osp, sys

@app.route("/tasks/<int:id>", methods=["GET", 'POST'])  # trailing
@login_required
async def view(id: int = 3, *args, key=None, **kw) -> dict:
    """Doc ✓ 😀."""
    token = rq.headers.get(  # inside a call
        "Authorization", f"Bearer {kw['x']!r:>{10}} é")
    if not token or token[7:] != SECRET and (lambda x: x)(1):
        abort(401)
    elif token is not None: pass
    else:
        raise Unauthorized from None
    data = [x * 2 for x in range(10) if x % 2] + list({1, 2}) + [*args]
    match data:
        case [1, *rest] | {"k": v, **others} if v > 0:
            print(rest, end="")
        case Point(x=0) as p:
            del p
    global g; nonlocal_value = yield from gen()
    with open("f") as fh, ctx() as (a, b):
        await fh.read()
    try:
        x = 1_000j + 0x1F - 1e-3 ** ~2 // 3 @ m
    except (ValueError, TypeError) as e:
        return {"e": str(e), **kw}, 403
    finally:
        assert x, "m"
    return jsonify(ok=True)

class Api(Resource, metaclass=Meta):
    method_decorators = [auth.login_required]
    def get(self): return self.x if self.y else None

def broken(:
    x = (1,
print >>sys.stderr, "x"
exec "code"
`;

/**
 * The language's tables, when reading trees straight from memory gives exactly what the runtime's cursor gives
 * on PROBE and the layout looks like tree-sitter's (ABI 14 or 15); otherwise undefined, and trees are walked
 * with the cursor. A web-tree-sitter whose structures moved is thus caught at load, never misread.
 */
function tablesIfFaithful(
  language: number,
  misread?: 'fieldMapEntries' | 'publicSymbols' | 'aliasSequences',
): LanguageTables | undefined {
  if (process.env.TOKENGATE_TREE_CURSOR === '1') return undefined;
  const parser = probeParser;
  const rt = loadedGrammar().runtime;
  if (!parser) return undefined;
  try {
    const u32 = rt.HEAPU32;
    if (
      !(u32 instanceof Uint32Array) ||
      !(rt.HEAPU16 instanceof Uint16Array) ||
      !(rt.HEAPU8 instanceof Uint8Array)
    ) {
      return undefined;
    }
    const abi = u32[language >> 2]!;
    if (abi < 14 || abi > 15) return undefined;
    const word = (offset: number): number => u32[(language + offset) >> 2]!;
    const tables: LanguageTables = {
      fieldMapSlices: word(LANGUAGE_FIELD_COUNT) ? word(LANGUAGE_FIELD_MAP_SLICES) : 0,
      fieldMapEntries: word(LANGUAGE_FIELD_COUNT) ? word(LANGUAGE_FIELD_MAP_ENTRIES) : 0,
      publicSymbols: word(LANGUAGE_PUBLIC_SYMBOL_MAP),
      aliasSequences: word(LANGUAGE_ALIAS_SEQUENCES),
      maxAliasLength: rt.HEAPU16[(language + LANGUAGE_MAX_ALIAS_LENGTH) >> 1]!,
    };
    if (misread) tables[misread] += 2;
    const tree = parser.parse(PROBE);
    try {
      const read = readTree(tree, PROBE, tables);
      const walked = walkWithCursor(tree, PROBE);
      const same =
        read.count === walked.count &&
        read.stride === walked.stride &&
        read.hasError === walked.hasError &&
        read.data.every((v, i) => v === walked.data[i]);
      return same ? tables : undefined;
    } finally {
      tree.delete();
    }
  } catch {
    return undefined;
  }
}

/** Fewer consecutive comment lines than this cost the scanner (below) too little to matter. */
const COMMENT_RUN_LINES = 32;

/** What a blank line holds besides its line break (and what may precede a comment on its line). */
function isLineBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 13;
}

/** Whether `source` from `from` to `to` holds only blank characters and line breaks. */
function onlyBlankLines(source: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = source.charCodeAt(i);
    if (c !== 10 && !isLineBlank(c)) return false;
  }
  return true;
}

/**
 * `source` with the inner lines of each long run of comment lines turned into spaces, same length and line breaks,
 * for the parser only (nodes are read from the original text). tree-sitter-python's external scanner looks past
 * every following blank and comment line at each line end, so a run of n comment lines costs n² — a file padded
 * with 2 MB of comments would take many minutes — and blank lines it passes once. The first and last line of a
 * run stay, so the tree's ranges are the same. Only lines that are a comment by any reading are blanked: no quote
 * or backslash on them, so even inside a multi-line string blanking one changes no token's extent.
 */
export function blankCommentRuns(source: string): string {
  // Only lines holding a `#` can be comment lines: the walk goes from one `#` to the next, not line by line (on
  // real code a third of the time), and asks of the lines between two comment lines only whether one is not blank.
  const spans: [number, number][] = [];
  /** The comment lines of the current run: how many, where the first ends, where the last starts and ends. */
  let count = 0;
  let firstEnd = 0;
  let lastStart = 0;
  let lastEnd = 0;
  for (let hash = source.indexOf('#'); hash >= 0;) {
    let start = hash;
    while (start > 0 && isLineBlank(source.charCodeAt(start - 1))) start--;
    const nl = source.indexOf('\n', hash);
    const end = nl < 0 ? source.length : nl;
    const comment =
      (start === 0 || source.charCodeAt(start - 1) === 10) && !/['"\\]/.test(source.slice(hash, end));
    // A line that is not a comment and not blank ends the run: this one, or one between the last and this.
    if (!comment || (count > 0 && !onlyBlankLines(source, lastEnd, start))) {
      if (count >= COMMENT_RUN_LINES) spans.push([firstEnd, lastStart]);
      count = 0;
    }
    if (comment) {
      if (count === 0) firstEnd = end;
      lastStart = start;
      lastEnd = end;
      count++;
    }
    hash = nl < 0 ? -1 : source.indexOf('#', end);
  }
  if (count >= COMMENT_RUN_LINES) spans.push([firstEnd, lastStart]);
  if (!spans.length) return source;
  let out = '';
  let at = 0;
  for (const [from, to] of spans) {
    out += source.slice(at, from) + source.slice(from, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + source.slice(at);
}

/**
 * How long one file may take to parse: generated code parses at several MB per second, but some
 * shapes of text may still cost the grammar's scanner far more (see blankCommentRuns). A file over the budget is not analysed, which
 * the gate counts (see `Notice.kind`), rather than holding the job until it times out.
 */
export function parseBudgetMs(chars: number): number {
  return 60_000 + (chars / (1024 * 1024)) * 2_000;
}

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
    const own: NodeNames = {
      types: language.types as string[],
      named,
      fieldIds,
      interpolation: language.idForNodeType('interpolation', true) ?? -1,
    };
    if (!adoptNodeNames(own)) throw new Error('the grammar differs from the one worker threads parse with');
    grammar = { runtime: rt, transfer: rt._ts_init() >> 2 };
    const parser = new ts.Parser();
    parser.setLanguage(language);
    const python: PythonParser = {
      language,
      parse(source: string, budget = parseBudgetMs(source.length)): Tree {
        const deadline = performance.now() + budget;
        const tree = parser.parse(blankCommentRuns(source), null, {
          progressCallback: () => performance.now() > deadline,
        });
        if (!tree) {
          // A cancelled parse would otherwise be resumed by the next call.
          parser.reset();
          throw new Error(`parsing took longer than ${Math.ceil(budget / 1000)} s`);
        }
        return tree;
      },
    };
    probeParser = python;
    grammar.tables = tablesIfFaithful((language as unknown as { [0]: number })[0]);
    return python;
  })();
  return loading;
}
