import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./src/analysis/parser.ts



// The ESM build of web-tree-sitter breaks inside an ncc bundle; the CommonJS build loads everywhere.
const parser_require = (0,external_node_module_namespaceObject.createRequire)(import.meta.url);
const CURSOR_FUNCTIONS = [
    '_ts_init',
    '_ts_tree_cursor_goto_first_child_wasm',
    '_ts_tree_cursor_goto_next_sibling_wasm',
    '_ts_tree_cursor_goto_parent_wasm',
    '_ts_tree_cursor_current_node_type_id_wasm',
    '_ts_tree_cursor_current_field_id_wasm',
    '_ts_tree_cursor_start_index_wasm',
    '_ts_tree_cursor_end_index_wasm',
];
/** tree-sitter's symbol for ERROR nodes (`ts_builtin_sym_error`, a 16-bit -1). */
const ERROR_SYMBOL = 0xffff;
/** Offsets of the line starts of `text` (tree-sitter counts rows by `\n`). */
function lineStarts(text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
        starts.push(i + 1);
    return starts;
}
/** The source of one tree, with the offsets of its line starts. */
class SourceText {
    text;
    lineStarts;
    constructor(text) {
        this.text = text;
        this.lineStarts = lineStarts(text);
    }
    rowAt(index) {
        const starts = this.lineStarts;
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= index)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }
}
/** The columns of `FlatData.data`, in order, and how many there are. */
const [TYPE, FIELD, START, END, ROW, PARENT, FIRST, NEXT] = [0, 1, 2, 3, 4, 5, 6, 7];
const WIDTH = 8;
/** `data` with each column's first `count` entries copied into columns `stride` long. */
function restride(data, stride, count, to) {
    const out = new Int32Array(to * WIDTH);
    for (let c = 0; c < WIDTH; c++)
        out.set(data.subarray(c * stride, c * stride + count), c * to);
    return out;
}
/**
 * Where the walks below write a tree's columns before copying them out at their exact size, kept from one tree
 * to the next. A fresh buffer sized by guess (16 bytes per character of source) for every file cost more than
 * the walk itself: it is zeroed, its pages are faulted in, and the external memory it adds makes V8 collect
 * garbage sooner; the copy at the exact size is a quarter smaller. A file whose columns outgrow SCRATCH_LIMIT
 * entries writes into a buffer of its own, so a huge file leaves no huge buffer behind.
 */
let scratch = new Int32Array(0);
/** What readTree keeps per node while walking (the last child recorded under it), kept like `scratch`. */
let scratchTail = new Int32Array(0);
const SCRATCH_LIMIT = 1 << 21;
/** A buffer for `stride` nodes' columns: the scratch, when it is large enough or may grow to that size. */
function columnsFor(stride) {
    if (stride * WIDTH > SCRATCH_LIMIT)
        return new Int32Array(stride * WIDTH);
    if (scratch.length < stride * WIDTH)
        scratch = new Int32Array(stride * WIDTH);
    return scratch;
}
/** The per-node buffer of readTree for `stride` nodes, kept like `scratch`. */
function tailFor(stride) {
    if (stride * WIDTH > SCRATCH_LIMIT)
        return new Int32Array(stride);
    if (scratchTail.length < stride)
        scratchTail = new Int32Array(stride);
    return scratchTail;
}
/** The `count` nodes written in `data` (columns `stride` long) as FlatData of its own, at its exact size. */
function packed(data, stride, count, hasError) {
    return { count, stride: count, hasError, data: restride(data, stride, count, count) };
}
/**
 * The flat copy of `tree`: read straight from wasm memory when the runtime's layout was checked at load
 * (readTree), otherwise walked with the runtime's cursor (walkWithCursor). Both give the same data.
 */
function flatten(tree, source) {
    const tables = loadedGrammar().tables;
    return tables ? readTree(tree, source, tables) : walkWithCursor(tree, source);
}
/**
 * Walk `tree` once with a cursor that lives in the runtime's transfer buffer, and pack what it saw. One loop,
 * no closure: every step is a handful of typed-array stores and the cursor calls themselves.
 */
function walkWithCursor(tree, source) {
    const grammar = loadedGrammar();
    const rt = grammar.runtime;
    // Python source makes about 0.4 nodes per character.
    let stride = Math.max((source.length >> 1) + 64, scratch.length / WIDTH);
    let data = columnsFor(stride);
    let count = 0;
    const starts = lineStarts(source);
    const lastRow = starts.length - 1;
    let row = 0;
    const t = tree[0];
    const cursor = tree.walk();
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
                if (data.length <= SCRATCH_LIMIT)
                    scratch = data;
                stride *= 2;
            }
            const id = count++;
            const at = rt._ts_tree_cursor_start_index_wasm(t);
            // Starts never decrease in pre-order: the row only moves forward.
            while (row < lastRow && starts[row + 1] <= at)
                row++;
            data[TYPE * stride + id] = rt._ts_tree_cursor_current_node_type_id_wasm(t);
            data[FIELD * stride + id] = rt._ts_tree_cursor_current_field_id_wasm(t);
            data[START * stride + id] = at;
            data[END * stride + id] = rt._ts_tree_cursor_end_index_wasm(t);
            data[ROW * stride + id] = row;
            data[PARENT * stride + id] = parent;
            data[FIRST * stride + id] = -1;
            data[NEXT * stride + id] = -1;
            if (previous >= 0)
                data[NEXT * stride + previous] = id;
            else if (parent >= 0)
                data[FIRST * stride + parent] = id;
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
                if (!rt._ts_tree_cursor_goto_parent_wasm(t))
                    break;
                node = parent;
                parent = data[PARENT * stride + node];
            }
            if (!moved)
                break;
        }
    }
    finally {
        // The cursor's stack may have moved while it grew: hand its final state back before freeing it.
        heap = rt.HEAP32;
        cursor[0] = heap[tb];
        cursor[1] = heap[tb + 1];
        cursor[2] = heap[tb + 2];
        cursor[3] = heap[tb + 3];
        cursor.delete();
    }
    return packed(data, stride, count, tree.rootNode.hasError);
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
function readTree(tree, source, tables) {
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
    const root = tree[0];
    let ptr = u8[root] & 1 ? 0 : u32[root >> 2];
    let nested = ptr && u32[(ptr + HEAP_CHILD_COUNT) >> 2] ? u32[(ptr + HEAP_VISIBLE_CHILD_COUNT) >> 2] : 0;
    let start = ptr ? u32[(ptr + HEAP_PADDING_BYTES) >> 2] : u8[root + 6];
    let size = ptr ? u32[(ptr + HEAP_SIZE_BYTES) >> 2] : u8[root + 7];
    /** The symbol of the node to record, or -1 for a hidden subtree to look through. */
    let symbol = ptr ? u16[(ptr + HEAP_SYMBOL) >> 1] : u8[root + 1];
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
            while (row < lastRow && starts[row + 1] <= at)
                row++;
            data[TYPE * stride + id] = symbol === ERROR_SYMBOL ? symbol : u16[publicSymbols + symbol];
            data[FIELD * stride + id] = field;
            data[START * stride + id] = at;
            data[END * stride + id] = (start + size) >> 1;
            data[ROW * stride + id] = row;
            data[PARENT * stride + id] = parent;
            data[FIRST * stride + id] = -1;
            data[NEXT * stride + id] = -1;
            tail[id] = -1;
            if (parent >= 0) {
                const previous = tail[parent];
                if (previous >= 0)
                    data[NEXT * stride + previous] = id;
                else
                    data[FIRST * stride + parent] = id;
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
            const childCount = u32[(ptr + HEAP_CHILD_COUNT) >> 2];
            const production = u16[(ptr + HEAP_PRODUCTION_ID) >> 1];
            stack[f + F_CHILDREN] = ptr - childCount * 8;
            stack[f + F_COUNT] = childCount;
            stack[f + F_INDEX] = 0;
            stack[f + F_STRUCTURAL] = 0;
            stack[f + F_POSITION] = start;
            stack[f + F_ALIASES] = production ? (aliasSequences >> 1) + production * maxAliasLength : 0;
            if (fieldMapSlices) {
                const slice = fieldMapSlices + production * 4;
                const first = fieldMapEntries + u16[slice >> 1] * 4;
                stack[f + F_MAP] = first;
                stack[f + F_MAP_END] = first + u16[(slice + 2) >> 1] * 4;
            }
            else {
                stack[f + F_MAP] = stack[f + F_MAP_END] = 0;
            }
            stack[f + F_PARENT] = owner;
            stack[f + F_INHERITED] = field;
        }
        // The next child, of the innermost open subtree, that is a node or has nodes inside.
        let found = false;
        while (depth > 0) {
            const f = (depth - 1) * FRAME_WIDTH;
            const i = stack[f + F_INDEX];
            if (i === stack[f + F_COUNT]) {
                depth--;
                continue;
            }
            stack[f + F_INDEX] = i + 1;
            const at = stack[f + F_CHILDREN] + i * 8;
            const flags = u8[at];
            let visible;
            let extra;
            let padding;
            if (flags & 1) {
                ptr = 0;
                visible = flags & INLINE_VISIBLE;
                extra = flags & INLINE_EXTRA;
                symbol = u8[at + 1];
                padding = u8[at + 6];
                size = u8[at + 7];
                nested = 0;
            }
            else {
                ptr = u32[at >> 2];
                const heapFlags = u8[ptr + HEAP_FLAGS];
                visible = heapFlags & HEAP_VISIBLE;
                extra = heapFlags & HEAP_EXTRA;
                symbol = u16[(ptr + HEAP_SYMBOL) >> 1];
                padding = u32[(ptr + HEAP_PADDING_BYTES) >> 2];
                size = u32[(ptr + HEAP_SIZE_BYTES) >> 2];
                nested = u32[(ptr + HEAP_CHILD_COUNT) >> 2] ? u32[(ptr + HEAP_VISIBLE_CHILD_COUNT) >> 2] : 0;
            }
            start = i > 0 ? stack[f + F_POSITION] + padding : stack[f + F_POSITION];
            stack[f + F_POSITION] = start + size;
            const structural = stack[f + F_STRUCTURAL];
            let alias = 0;
            if (!extra) {
                const aliases = stack[f + F_ALIASES];
                if (aliases)
                    alias = u16[aliases + structural];
                stack[f + F_STRUCTURAL] = structural + 1;
            }
            if (!visible && !alias && nested === 0)
                continue;
            field = 0;
            if (!extra) {
                for (let e = stack[f + F_MAP], end = stack[f + F_MAP_END]; e < end; e += 4) {
                    if (u8[e + 2] === structural && !u8[e + 3]) {
                        field = u16[e >> 1];
                        break;
                    }
                }
                if (!field)
                    field = stack[f + F_INHERITED];
            }
            parent = stack[f + F_PARENT];
            if (alias)
                symbol = alias;
            else if (!visible)
                symbol = -1;
            found = true;
            break;
        }
        if (!found)
            break;
    }
    return packed(data, stride, count, tree.rootNode.hasError);
}
/** A flattened tree with its source; nodes are mirrored as `SyntaxNode` objects only when reached. */
class FlatTree {
    names;
    source;
    count;
    hasError;
    type;
    field;
    start;
    end;
    row;
    parent;
    first;
    next;
    /** The nodes made so far, by id: sized once, since they are reached in any order. */
    nodes;
    constructor(names, source, flat) {
        this.names = names;
        this.source = source;
        const n = (this.count = flat.count);
        this.nodes = new Array(n).fill(undefined);
        this.hasError = flat.hasError;
        const column = (c) => flat.data.subarray(c * flat.stride, c * flat.stride + n);
        this.type = column(TYPE);
        this.field = column(FIELD);
        this.start = column(START);
        this.end = column(END);
        this.row = column(ROW);
        this.parent = column(PARENT);
        this.first = column(FIRST);
        this.next = column(NEXT);
    }
    node(id) {
        return (this.nodes[id] ??= new SyntaxNode(this, id));
    }
    typeName(id) {
        const typeId = this.type[id];
        return typeId === ERROR_SYMBOL ? 'ERROR' : this.names.types[typeId] || 'ERROR';
    }
    isNamed(id) {
        const typeId = this.type[id];
        return typeId === ERROR_SYMBOL || this.names.named[typeId] === 1;
    }
}
/** Not frozen: a frozen array is iterated slowly, and the type already forbids changing it. */
const NO_NODES = (/* unused pure expression or super */ null && ([]));
/** Where `children` and `namedChildren` gather a node's children (its stale entries are never read). */
const SCRATCH = (/* unused pure expression or super */ null && ([]));
/**
 * A syntax node of a flattened tree: type, children, fields and positions are read from the flat arrays, text
 * is sliced from the source. Objects are made only for the nodes the analysis reaches, once each, so a node
 * reached by field or by index is the same object.
 */
class SyntaxNode {
    tree;
    id;
    type;
    /**
     * A slot for what the extraction made of this node (extract.ts keeps its simplified expression here, so a
     * call nested in others is converted once, not once per enclosing call), and the depth it was made at.
     */
    memo = undefined;
    memoDepth = 0;
    kids;
    named;
    compact;
    constructor(tree, id) {
        this.tree = tree;
        this.id = id;
        this.type = tree.typeName(id);
    }
    get isNamed() {
        return this.tree.isNamed(this.id);
    }
    get parent() {
        const p = this.tree.parent[this.id];
        return p < 0 ? null : this.tree.node(p);
    }
    get startIndex() {
        return this.tree.start[this.id];
    }
    get endIndex() {
        return this.tree.end[this.id];
    }
    get startPosition() {
        const t = this.tree;
        const row = t.row[this.id];
        return { row, column: t.start[this.id] - t.source.lineStarts[row] };
    }
    /** The row the node starts on. */
    get startRow() {
        return this.tree.row[this.id];
    }
    /** The row, and a column that is 0 exactly when the node ends at the start of a line. */
    get endPosition() {
        const end = this.endIndex;
        const row = this.tree.source.rowAt(end);
        return { row, column: end - this.tree.source.lineStarts[row] };
    }
    get text() {
        return this.tree.source.text.slice(this.startIndex, this.endIndex);
    }
    /** The text without whitespace (`request . headers` reads as `request.headers`), made once per node. */
    get compactText() {
        if (this.compact === undefined) {
            const text = this.text;
            this.compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
        }
        return this.compact;
    }
    /** Whether the file's tree has a syntax error: an ERROR or a missing node anywhere, as tree-sitter says. */
    get treeHasError() {
        return this.tree.hasError;
    }
    /**
     * Gathered in a scratch list and copied out at their exact size (a list grown by `push` reserves room for 17);
     * a node without any shares one empty list (most are leaves).
     */
    get namedChildren() {
        if (!this.named) {
            const t = this.tree;
            let n = 0;
            for (let c = t.first[this.id]; c >= 0; c = t.next[c])
                if (t.isNamed(c))
                    SCRATCH[n++] = t.node(c);
            this.named = n ? SCRATCH.slice(0, n) : NO_NODES;
        }
        return this.named;
    }
    /**
     * The named children a walk looking for code visits: none inside a string literal without interpolations
     * (its parts are quotes and text), the named children otherwise. The string's own text is still there to read.
     */
    get walkChildren() {
        return this.isPlainString ? NO_NODES : this.namedChildren;
    }
    /** The first of `walkChildren`, or null; with `nextNamedSibling`, a walk without a list per node. */
    get firstWalkChild() {
        if (this.isPlainString)
            return null;
        const t = this.tree;
        let c = t.first[this.id];
        while (c >= 0 && !t.isNamed(c))
            c = t.next[c];
        return c < 0 ? null : t.node(c);
    }
    /** A string literal without interpolations, told from the flat columns (its parts get no objects). */
    get isPlainString() {
        if (this.type !== 'string')
            return false;
        const t = this.tree;
        let c = t.first[this.id];
        while (c >= 0 && t.type[c] !== t.names.interpolation)
            c = t.next[c];
        return c < 0;
    }
    /** The next named node under the same parent, or null. */
    get nextNamedSibling() {
        const t = this.tree;
        let c = t.next[this.id];
        while (c >= 0 && !t.isNamed(c))
            c = t.next[c];
        return c < 0 ? null : t.node(c);
    }
    get children() {
        if (!this.kids) {
            const t = this.tree;
            let n = 0;
            for (let c = t.first[this.id]; c >= 0; c = t.next[c])
                SCRATCH[n++] = t.node(c);
            this.kids = n ? SCRATCH.slice(0, n) : NO_NODES;
        }
        return this.kids;
    }
    childForFieldName(name) {
        const t = this.tree;
        const field = t.names.fieldIds.get(name);
        if (field === undefined)
            return null;
        for (let c = t.first[this.id]; c >= 0; c = t.next[c])
            if (t.field[c] === field)
                return t.node(c);
        return null;
    }
    childrenForFieldName(name) {
        const t = this.tree;
        const field = t.names.fieldIds.get(name);
        const out = [];
        if (field === undefined)
            return out;
        for (let c = t.first[this.id]; c >= 0; c = t.next[c])
            if (t.field[c] === field)
                out.push(t.node(c));
        return out;
    }
}
let grammar;
let names;
function loadedGrammar() {
    if (!grammar)
        throw new Error('the Python parser is not initialised');
    return grammar;
}
/** The node names of this thread's parser, once it is loaded (what a worker hands to the thread it parses for). */
function nodeNames() {
    return grammar && names;
}
/**
 * Take the node names of a parser loaded in another thread, so that this thread can read the trees it parsed.
 * False when this thread already has names and they differ (a different grammar: its trees must not be read
 * here); the names this thread has are kept.
 */
function parser_adoptNodeNames(other) {
    if (!names) {
        names = other;
        return true;
    }
    return sameNames(names, other);
}
function sameNames(a, b) {
    return (a.interpolation === b.interpolation &&
        a.types.length === b.types.length &&
        a.types.every((t, i) => t === b.types[i]) &&
        a.named.length === b.named.length &&
        a.named.every((n, i) => n === b.named[i]) &&
        a.fieldIds.size === b.fieldIds.size &&
        [...a.fieldIds].every(([name, id]) => b.fieldIds.get(name) === id));
}
/** Whether this thread has started loading a parser of its own (threads that only read trees never do). */
function parserStarted() {
    return loading !== undefined;
}
/** The root node of a flattened tree of `source`. */
function parser_rootOf(flat, source) {
    if (!names)
        throw new Error('the Python parser is not initialised');
    return new FlatTree(names, new SourceText(source), flat).node(0);
}
/** The root of `tree`, parsed from `source`, as a node of its flattened copy; `tree` may be freed after this. */
function syntaxRoot(tree, source) {
    return parser_rootOf(flatten(tree, source), source);
}
/**
 * Bytes of a wasm asset: next to the bundle (`dist/wasm/`) when running from `dist/`,
 * otherwise from the installed package.
 */
function wasmBytes(bundled, packageFile) {
    const besideBundle = (0,external_node_url_namespaceObject.fileURLToPath)(new URL(`./wasm/${bundled}`, import.meta.url));
    if ((0,external_node_fs_namespaceObject.existsSync)(besideBundle))
        return (0,external_node_fs_namespaceObject.readFileSync)(besideBundle);
    return (0,external_node_fs_namespaceObject.readFileSync)(parser_require.resolve(packageFile));
}
/**
 * web-tree-sitter's CommonJS build: beside the bundle (`dist/web-tree-sitter.cjs`, copied there when dist/ is
 * built, because ncc cannot bundle a module loaded through `createRequire` and a runner has no node_modules),
 * otherwise the installed package.
 */
function runtimeModule() {
    const file = 'web-tree-sitter.cjs';
    // A template, not a literal: ncc would otherwise take the URL for an asset of its own and rename it.
    const besideBundle = (0,external_node_url_namespaceObject.fileURLToPath)(new URL(`./${file}`, import.meta.url));
    return (0,external_node_fs_namespaceObject.existsSync)(besideBundle) ? besideBundle : 'web-tree-sitter';
}
let loading;
let probeParser;
/**
 * How trees are copied out of wasm: `memory` (readTree) or `cursor` (walkWithCursor, when the check at load
 * failed or TOKENGATE_TREE_CURSOR=1). With `check`, what the check at load would decide for a language at
 * another address, or with one of its tables read two bytes off (for tests: both must fail it). The parser must
 * be loaded.
 */
function treeReading(check) {
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
function tablesIfFaithful(language, misread) {
    if (process.env.TOKENGATE_TREE_CURSOR === '1')
        return undefined;
    const parser = probeParser;
    const rt = loadedGrammar().runtime;
    if (!parser)
        return undefined;
    try {
        const u32 = rt.HEAPU32;
        if (!(u32 instanceof Uint32Array) ||
            !(rt.HEAPU16 instanceof Uint16Array) ||
            !(rt.HEAPU8 instanceof Uint8Array)) {
            return undefined;
        }
        const abi = u32[language >> 2];
        if (abi < 14 || abi > 15)
            return undefined;
        const word = (offset) => u32[(language + offset) >> 2];
        const tables = {
            fieldMapSlices: word(LANGUAGE_FIELD_COUNT) ? word(LANGUAGE_FIELD_MAP_SLICES) : 0,
            fieldMapEntries: word(LANGUAGE_FIELD_COUNT) ? word(LANGUAGE_FIELD_MAP_ENTRIES) : 0,
            publicSymbols: word(LANGUAGE_PUBLIC_SYMBOL_MAP),
            aliasSequences: word(LANGUAGE_ALIAS_SEQUENCES),
            maxAliasLength: rt.HEAPU16[(language + LANGUAGE_MAX_ALIAS_LENGTH) >> 1],
        };
        if (misread)
            tables[misread] += 2;
        const tree = parser.parse(PROBE);
        try {
            const read = readTree(tree, PROBE, tables);
            const walked = walkWithCursor(tree, PROBE);
            const same = read.count === walked.count &&
                read.stride === walked.stride &&
                read.hasError === walked.hasError &&
                read.data.every((v, i) => v === walked.data[i]);
            return same ? tables : undefined;
        }
        finally {
            tree.delete();
        }
    }
    catch {
        return undefined;
    }
}
/** Fewer consecutive comment lines than this cost the scanner (below) too little to matter. */
const COMMENT_RUN_LINES = 32;
/** What a blank line holds besides its line break (and what may precede a comment on its line). */
function isLineBlank(c) {
    return c === 32 || c === 9 || c === 12 || c === 13;
}
/** Whether `source` from `from` to `to` holds only blank characters and line breaks. */
function onlyBlankLines(source, from, to) {
    for (let i = from; i < to; i++) {
        const c = source.charCodeAt(i);
        if (c !== 10 && !isLineBlank(c))
            return false;
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
function blankCommentRuns(source) {
    // Only lines holding a `#` can be comment lines: the walk goes from one `#` to the next, not line by line (on
    // real code a third of the time), and asks of the lines between two comment lines only whether one is not blank.
    const spans = [];
    /** The comment lines of the current run: how many, where the first ends, where the last starts and ends. */
    let count = 0;
    let firstEnd = 0;
    let lastStart = 0;
    let lastEnd = 0;
    for (let hash = source.indexOf('#'); hash >= 0;) {
        let start = hash;
        while (start > 0 && isLineBlank(source.charCodeAt(start - 1)))
            start--;
        const nl = source.indexOf('\n', hash);
        const end = nl < 0 ? source.length : nl;
        const comment = (start === 0 || source.charCodeAt(start - 1) === 10) && !/['"\\]/.test(source.slice(hash, end));
        // A line that is not a comment and not blank ends the run: this one, or one between the last and this.
        if (!comment || (count > 0 && !onlyBlankLines(source, lastEnd, start))) {
            if (count >= COMMENT_RUN_LINES)
                spans.push([firstEnd, lastStart]);
            count = 0;
        }
        if (comment) {
            if (count === 0)
                firstEnd = end;
            lastStart = start;
            lastEnd = end;
            count++;
        }
        hash = nl < 0 ? -1 : source.indexOf('#', end);
    }
    if (count >= COMMENT_RUN_LINES)
        spans.push([firstEnd, lastStart]);
    if (!spans.length)
        return source;
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
function parseBudgetMs(chars) {
    return 60_000 + (chars / (1024 * 1024)) * 2_000;
}
/** The one shared Python parser; web-tree-sitter's runtime is initialised once per thread. */
function parser_pythonParser() {
    loading ??= (async () => {
        const ts = parser_require(runtimeModule());
        const runtime = {
            wasmBinary: wasmBytes('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
        };
        await ts.Parser.init(runtime);
        const missing = CURSOR_FUNCTIONS.filter((f) => typeof runtime[f] !== 'function');
        if (missing.length || !(runtime.HEAP32 instanceof Int32Array)) {
            throw new Error(`this web-tree-sitter runtime lacks ${missing.join(', ') || 'HEAP32'}`);
        }
        const language = await ts.Language.load(wasmBytes('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
        const rt = runtime;
        const named = new Uint8Array(language.types.length);
        for (let i = 0; i < language.types.length; i++)
            named[i] = language.nodeTypeIsNamed(i) ? 1 : 0;
        const fieldIds = new Map();
        language.fields.forEach((name, id) => {
            if (name)
                fieldIds.set(name, id);
        });
        const own = {
            types: language.types,
            named,
            fieldIds,
            interpolation: language.idForNodeType('interpolation', true) ?? -1,
        };
        if (!parser_adoptNodeNames(own))
            throw new Error('the grammar differs from the one worker threads parse with');
        grammar = { runtime: rt, transfer: rt._ts_init() >> 2 };
        const parser = new ts.Parser();
        parser.setLanguage(language);
        const python = {
            language,
            parse(source, budget = parseBudgetMs(source.length)) {
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
        grammar.tables = tablesIfFaithful(language[0]);
        return python;
    })();
    return loading;
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_httpauth.ts
/** `@auth.login_required` rejects requests without valid credentials, unless `optional=True`. */
const httpAuthObject = {
    role: 'auth-extension',
    guards: { login_required: { kind: 'auth', switch: 'optional' } },
};
const flaskHttpauth = {
    library: 'flask-httpauth',
    relevance: ['flask_httpauth'],
    classes: {
        'flask_httpauth.HTTPBasicAuth': httpAuthObject,
        'flask_httpauth.HTTPTokenAuth': httpAuthObject,
        'flask_httpauth.HTTPDigestAuth': httpAuthObject,
        'flask_httpauth.MultiAuth': httpAuthObject,
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/apiflask.ts

/** APIFlask 0.x `@auth_required(auth)`, and `@app.auth_required(auth)`, which applies `auth.login_required`. */
const authRequired = { kind: 'auth', switch: 'optional' };
const apiflask = {
    library: 'apiflask',
    relevance: ['apiflask'],
    classes: {
        'apiflask.APIFlask': { role: 'app', guards: { auth_required: authRequired } },
        'apiflask.APIBlueprint': { role: 'blueprint', guards: { auth_required: authRequired } },
        // Subclasses of Flask-HTTPAuth's.
        'apiflask.HTTPTokenAuth': httpAuthObject,
        'apiflask.HTTPBasicAuth': httpAuthObject,
    },
    guards: { 'apiflask.auth_required': authRequired },
};
/** APIFairy's `@authenticate(auth, **kwargs)` returns `auth.login_required(**kwargs)(f)`. */
const apifairy = {
    library: 'apifairy',
    relevance: ['apifairy'],
    delegatingGuards: { 'apifairy.authenticate': { argument: 0, keyword: 'auth', method: 'login_required' } },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/connexion.ts
/**
 * connexion: `app.add_api("openapi.yaml")` turns the document's operations into routes whose handlers are named by
 * dotted path in files that are not Python, so a tree that mentions connexion is analysed whole.
 */
const connexion = {
    library: 'connexion',
    wholeTree: ['connexion'],
    requestModules: ['connexion'],
    classes: {
        'connexion.App': { role: 'connexion-app' },
        'connexion.FlaskApp': { role: 'connexion-app' },
        'connexion.AsyncApp': { role: 'connexion-app' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask.ts
/**
 * Flask itself: apps and blueprints, the registration and hook names that make a file relevant, and what a view
 * answers with. Writing the user into `session` is told by effects.ts (an assignment).
 */
const flask = {
    library: 'flask',
    relevance: [
        'flask',
        'before_request',
        'before_app_request',
        'register_blueprint',
        'add_url_rule',
        'as_view',
        'methodview',
        'method_decorators',
    ],
    classes: { 'flask.Flask': { role: 'app' }, 'flask.Blueprint': { role: 'blueprint' } },
    requestModules: ['flask'],
    sessionClasses: ['flask.sessions.SessionMixin'],
    functions: {
        'flask.render_template': 'renders-template',
        'flask.render_template_string': 'renders-template',
        'flask.send_file': 'serves-file',
        'flask.send_from_directory': 'serves-file',
        'flask.helpers.send_file': 'serves-file',
        'flask.helpers.send_from_directory': 'serves-file',
    },
    instances: {
        'flask.Flask': { send_static_file: 'serves-file' },
        'flask.Blueprint': { send_static_file: 'serves-file' },
        'flask.current_app': { send_static_file: 'serves-file' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_caching.ts
const reads = ['get', 'get_many', 'get_dict', 'has'];
const writes = ['set', 'add', 'set_many', 'delete', 'delete_many', 'inc', 'dec', 'clear'];
/**
 * Flask-Caching's `Cache` holds copies of data kept elsewhere and short-lived state (rate-limit counters, liveness
 * probes): using it reads or changes no application data, but the random tokens of e-mailed links may live there.
 */
const flaskCaching = {
    library: 'flask-caching',
    instances: {
        'flask_caching.Cache': Object.fromEntries([
            ...reads.map((m) => [m, 'reads-cache']),
            ...writes.map((m) => [m, 'writes-cache']),
        ]),
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_classful.ts
/**
 * Flask-Classful: `View.register(app_or_blueprint, route_base=…, route_prefix=…, trailing_slash=…)` routes every
 * public method of a `FlaskView` subclass, its inherited ones included: `index`, `get`, `post`, `put`, `patch` and
 * `delete` at the route base, the others at `/<name>/`, each followed by its positional parameters as URL variables,
 * or at the rules of its `@route(...)` decorators; `@method("POST")` sets the HTTP method of one at `/<name>/`. The view class's `before_request(name, **view_args)` and
 * `before_<name>(**view_args)` run before the method, and can answer in its place.
 */
const flaskClassful = {
    library: 'flask-classful',
    relevance: ['flask_classful'],
    routingViews: {
        'flask_classful.FlaskView': {
            registrar: {
                name: 'register',
                params: ['route_base', 'subdomain', 'route_prefix', 'trailing_slash', 'method_dashified'],
            },
            routeDecorator: 'flask_classful.route',
            methodDecorator: 'flask_classful.method',
            typeHints: { str: 'string', int: 'int', float: 'float', UUID: 'uuid' },
            specialMethods: {
                get: ['GET'],
                put: ['PUT'],
                patch: ['PATCH'],
                post: ['POST'],
                delete: ['DELETE'],
                index: ['GET'],
            },
            beforeHooks: { every: 'before_request', prefix: 'before_' },
            unroutedPrefixes: ['before_', 'after_'],
            ownMembers: [
                'register',
                'parse_options',
                'make_proxy_method',
                'build_rule',
                'get_route_base',
                'default_route_base',
                'build_route_name',
            ],
        },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_allows.ts
/**
 * flask-allows (and its fork flask-allows2): `@allows.requires(IsAdmin, on_fail=…)` runs the requirements against
 * the identity (Flask-Login's `current_user` by default) and, when one fails, calls `on_fail` or raises `throws`
 * (werkzeug's `Forbidden` by default): the view never runs for a caller the requirements refuse.
 */
const flaskAllows = {
    library: 'flask-allows',
    relevance: ['flask_allows'],
    classes: {
        'flask_allows.Allows': { guards: { requires: { kind: 'auth' } } },
        'flask_allows2.Allows': { guards: { requires: { kind: 'auth' } } },
    },
    guards: {
        'flask_allows.requires': { kind: 'auth' },
        'flask_allows2.requires': { kind: 'auth' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_appbuilder.ts
/**
 * Flask-AppBuilder: `appbuilder.add_view(View, "Name")` registers class views; of its decorators only these guard
 * (`expose`, `safe`, `rison`… do not).
 */
const flaskAppBuilder = {
    library: 'flask-appbuilder',
    relevance: ['flask_appbuilder'],
    classes: {
        'flask_appbuilder.AppBuilder': {
            role: 'view-builder',
            registrars: ['add_view', 'add_view_no_menu', 'add_api'],
        },
    },
    routeDecorators: ['flask_appbuilder.expose'],
    guards: {
        'flask_appbuilder.protect': { kind: 'auth' },
        'flask_appbuilder.has_access': { kind: 'auth' },
        'flask_appbuilder.has_access_api': { kind: 'auth' },
    },
    identityProxyPackages: ['flask_appbuilder'],
    unfollowedViews: { flask_appbuilder: 'Flask-AppBuilder' },
};
/** Flask-Admin registers its views in ways the model does not follow: a tree without routes says so. */
const flaskAdmin = {
    library: 'flask-admin',
    unfollowedViews: { flask_admin: 'Flask-Admin' },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_graphql.ts
/** flask-graphql's `GraphQLView` declares `methods = ["GET", "POST", "PUT", "DELETE"]`; subclasses inherit them. */
const flaskGraphql = {
    library: 'flask-graphql',
    viewMethods: { 'flask_graphql.GraphQLView': ['DELETE', 'GET', 'POST', 'PUT'] },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_jwt.ts
/** Flask-JWT (the original, unmaintained): `@jwt_required()` and its `current_identity`. */
const flaskJwt = {
    library: 'flask-jwt',
    relevance: ['flask_jwt'],
    classes: { 'flask_jwt.JWT': { role: 'auth-extension' } },
    guards: { 'flask_jwt.jwt_required': { kind: 'auth' } },
    verifiers: { 'flask_jwt._jwt_required': { kind: 'auth', switch: 'optional' } },
    identityProxyPackages: ['flask_jwt'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_jwt_extended.ts
/** Verifiers raise without a valid token, unless called with `optional=True`. */
const raising = { kind: 'auth', switch: 'optional' };
const flaskJwtExtended = {
    library: 'flask-jwt-extended',
    relevance: ['flask_jwt_extended'],
    classes: { 'flask_jwt_extended.JWTManager': { role: 'auth-extension' } },
    guards: {
        'flask_jwt_extended.jwt_required': { kind: 'auth', switch: 'optional' },
        'flask_jwt_extended.jwt_optional': { kind: 'optional' },
        'flask_jwt_extended.fresh_jwt_required': { kind: 'auth' },
        'flask_jwt_extended.jwt_refresh_token_required': { kind: 'auth' },
    },
    verifiers: {
        'flask_jwt_extended.verify_jwt_in_request': raising,
        'flask_jwt_extended.verify_fresh_jwt_in_request': raising,
        'flask_jwt_extended.verify_jwt_refresh_token_in_request': raising,
        'flask_jwt_extended.decode_token': raising,
        'flask_jwt_extended.verify_jwt_in_request_optional': { kind: 'optional' },
    },
    identityProxyPackages: ['flask_jwt_extended'],
    functions: {
        'flask_jwt_extended.create_access_token': 'issues-credential',
        'flask_jwt_extended.create_refresh_token': 'issues-credential',
        'flask_jwt_extended.set_access_cookies': 'issues-credential',
        'flask_jwt_extended.set_refresh_cookies': 'issues-credential',
        'flask_jwt_extended.unset_jwt_cookies': 'logs-out',
        'flask_jwt_extended.unset_access_cookies': 'logs-out',
        'flask_jwt_extended.decode_token': 'verifies-token',
    },
    jwt: {
        'flask_jwt_extended.decode_token': 'fje.decode_token',
        'flask_jwt_extended.create_access_token': 'fje.create_access_token',
        'flask_jwt_extended.create_refresh_token': 'fje.create_refresh_token',
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_login.ts
/** The app setting that, `True`, makes Flask-Login's `login_required` do nothing. */
const LOGIN_DISABLED = 'LOGIN_DISABLED';
const loginRequired = { kind: 'auth', disabledBy: LOGIN_DISABLED };
const flaskLogin = {
    library: 'flask-login',
    relevance: ['flask_login', 'login_required', 'login_disabled'],
    classes: { 'flask_login.LoginManager': { role: 'auth-extension' } },
    guards: {
        'flask_login.login_required': loginRequired,
        'flask_login.fresh_login_required': loginRequired,
    },
    signIns: ['flask_login.login_user'],
    identityProxyPackages: ['flask_login'],
    accountProxies: ['flask_login.current_user'],
    functions: {
        'flask_login.login_user': 'issues-credential',
        'flask_login.logout_user': 'logs-out',
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_mail.ts
/**
 * Flask-Mail: `Message(subject, recipients, …)` composes a message to `recipients`; a `send(msg)` or
 * `send_message(msg)` of the extension or one of its connections mails it. A message mailed only to the address a
 * looked-up record holds reaches that record's owner alone (an account-recovery mail).
 */
const flaskMail = {
    library: 'flask-mail',
    mail: {
        messages: { 'flask_mail.Message': { keyword: 'recipients', position: 1 } },
        sendMethods: ['send', 'send_message'],
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_praetorian.ts
const flaskPraetorian = {
    library: 'flask-praetorian',
    relevance: ['flask_praetorian'],
    classes: { 'flask_praetorian.Praetorian': { role: 'auth-extension' } },
    guards: {
        'flask_praetorian.auth_required': { kind: 'auth' },
        'flask_praetorian.roles_required': { kind: 'auth' },
        'flask_praetorian.roles_accepted': { kind: 'auth' },
        'flask_praetorian.auth_accepted': { kind: 'optional' },
    },
    verifiers: { 'flask_praetorian.verify_and_return_token': { kind: 'auth', switch: 'optional' } },
    identityProxyPackages: ['flask_praetorian'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_principal.ts
/** `@perm.require(403)` or `with perm.require():` raises for an identity without the permission's needs. */
const flaskPrincipal = {
    library: 'flask-principal',
    relevance: ['flask_principal'],
    classes: { 'flask_principal.Permission': { guards: { require: { kind: 'auth' } } } },
    identityProxyPackages: ['flask_principal'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_sockets.ts
/**
 * Flask-Sockets: `sockets = Sockets(app)` (or `init_app(app)`) serves `@sockets.route(rule)` at the rule itself, to
 * the WebSocket handshake (a GET), beside the app's own routes.
 */
const flaskSockets = {
    library: 'flask-sockets',
    relevance: ['flask_sockets'],
    classes: { 'flask_sockets.Sockets': { role: 'websocket-routes' } },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_wtf.ts
/** WTForms submits with the body of these methods only; Flask-WTF's `is_submitted()` tests exactly this set. */
const SUBMIT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
/**
 * Flask-WTF: `form.validate_on_submit()` is `is_submitted() and validate()`, and `is_submitted()` holds only for
 * requests of the submit methods, so a branch under either never runs for a GET.
 */
const flaskWtf = {
    library: 'flask-wtf',
    requestMethodTests: { validate_on_submit: SUBMIT_METHODS, is_submitted: SUBMIT_METHODS },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_security.ts

/** Flask-Security(-Too): its `login_required` is Flask-Login's, switched off by `LOGIN_DISABLED` too. */
const flaskSecurity = {
    library: 'flask-security',
    relevance: ['flask_security'],
    classes: { 'flask_security.Security': { role: 'auth-extension' } },
    guards: {
        'flask_security.auth_required': { kind: 'auth' },
        'flask_security.auth_token_required': { kind: 'auth' },
        'flask_security.http_auth_required': { kind: 'auth' },
        'flask_security.login_required': { kind: 'auth', disabledBy: LOGIN_DISABLED },
        'flask_security.roles_required': { kind: 'auth' },
        'flask_security.roles_accepted': { kind: 'auth' },
        'flask_security.permissions_required': { kind: 'auth' },
        'flask_security.permissions_accepted': { kind: 'auth' },
    },
    signIns: ['flask_security.login_user'],
    identityProxyPackages: ['flask_security'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/flask_user.ts
const flaskUser = {
    library: 'flask-user',
    relevance: ['flask_user'],
    guards: {
        'flask_user.login_required': { kind: 'auth' },
        'flask_user.roles_required': { kind: 'auth' },
        'flask_user.roles_accepted': { kind: 'auth' },
    },
    identityProxyPackages: ['flask_user'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/http_clients.ts
const VERBS = ['get', 'post', 'put', 'patch', 'request'];
/**
 * requests and httpx: what the server fetches itself. Both verify the server's TLS certificate unless told
 * `verify=False`, so what an identity provider's token endpoint answers over https comes from that provider.
 */
const httpClients = {
    library: 'requests / httpx',
    httpFetches: {
        functions: ['requests', 'requests.api', 'httpx'].flatMap((m) => VERBS.map((v) => `${m}.${v}`)),
        sessions: ['requests.Session', 'requests.sessions.Session', 'httpx.Client'],
        methods: VERBS,
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/identity_providers.ts
const clientSteps = [
    'authorize_redirect',
    'authorize_access_token',
    'parse_id_token',
    'userinfo',
    'fetch_access_token',
    'create_client',
    'authorize',
    'authorized_response',
];
/** On the registry itself, and on each provider registered on it (`oauth.google.authorize_redirect(...)`). */
const oauthClient = Object.fromEntries(clientSteps.flatMap((m) => [
    [m, 'identity-provider'],
    [`*.${m}`, 'identity-provider'],
]));
const authorizationServer = {
    create_authorization_response: 'identity-provider',
    create_token_response: 'identity-provider',
    create_endpoint_response: 'identity-provider',
    get_consent_grant: 'identity-provider',
    validate_consent_request: 'identity-provider',
};
/**
 * python3-saml's service-provider steps: redirecting to the identity provider, consuming its response (ACS) and its
 * logout (SLS), and serving the SP metadata the identity provider must fetch without credentials.
 */
const samlAuth = {
    login: 'identity-provider',
    logout: 'identity-provider',
    process_response: 'identity-provider',
    process_slo: 'identity-provider',
    get_settings: 'identity-provider',
};
const samlSettings = {
    get_sp_metadata: 'identity-provider',
    validate_metadata: 'identity-provider',
};
const oauthProvider = {
    token_handler: 'identity-provider',
    revoke_handler: 'identity-provider',
    authorize_handler: 'identity-provider',
    invalid_response: 'identity-provider',
};
/**
 * Authlib, Flask-OAuthlib, Flask-Dance, Flask-OIDC, python3-saml (OneLogin), pysaml2 and python-cas: the steps of a
 * sign-in with an identity provider (OAuth/OIDC redirect and code exchange, SAML request/response/metadata/logout,
 * CAS ticket validation), and an OAuth server's own token, authorisation and revocation endpoints.
 */
const identityProviders = {
    library: 'authlib / flask-oauthlib / flask-dance / flask-oidc / python3-saml / pysaml2 / python-cas',
    relevance: ['authlib'],
    classes: {
        'authlib.ResourceProtector': {
            role: 'auth-extension',
            guards: { __call__: { kind: 'auth', switch: 'optional' } },
        },
        'flask_oidc.OpenIDConnect': {
            role: 'auth-extension',
            guards: {
                // flask-oidc 1.x: accept_token() lets requests without a token through unless require_token=True.
                accept_token: { kind: 'optional', switch: 'require_token' },
                require_login: { kind: 'auth' },
                require_keycloak_role: { kind: 'auth' },
            },
        },
    },
    // Flask-OAuthlib's provider: `@oauth.require_oauth('email')` rejects requests without a valid token.
    guards: { 'flask_oauthlib.require_oauth': { kind: 'auth' } },
    functions: {
        'onelogin.saml2.auth.OneLogin_Saml2_Auth': 'identity-provider',
        'onelogin.saml2.settings.OneLogin_Saml2_Settings': 'identity-provider',
        'onelogin.saml2.utils.OneLogin_Saml2_Utils': 'identity-provider',
        'saml2.client.Saml2Client': 'identity-provider',
        'saml2.config.SPConfig': 'identity-provider',
        'saml2.config.Config': 'identity-provider',
        'saml2.metadata.create_metadata_string': 'identity-provider',
        'saml2.metadata.entity_descriptor': 'identity-provider',
        'saml2.metadata.entities_descriptor': 'identity-provider',
        'cas.CASClient': 'identity-provider',
        'flask_dance.contrib.github.github': 'identity-provider',
        'flask_dance.contrib.google.google': 'identity-provider',
        'authlib.integrations.requests_client.OAuth2Session': 'identity-provider',
        'requests_oauthlib.OAuth2Session': 'identity-provider',
    },
    identities: [
        'authlib.integrations.flask_oauth2.current_token',
        'authlib.flask.oauth2.current_token',
        'flask_oauthlib.provider.oauth2.current_token',
    ],
    instances: {
        'authlib.integrations.flask_client.OAuth': oauthClient,
        'authlib.flask.client.OAuth': oauthClient,
        'flask_oauthlib.client.OAuth': oauthClient,
        'authlib.integrations.flask_oauth2.AuthorizationServer': authorizationServer,
        'authlib.flask.oauth2.AuthorizationServer': authorizationServer,
        // An OAuth 2 server's endpoints, as decorators around the project's view (`@oauth.token_handler`).
        'flask_oauthlib.provider.OAuth2Provider': oauthProvider,
        'flask_oauthlib.provider.oauth2.OAuth2Provider': oauthProvider,
        'flask_oidc.OpenIDConnect': {
            authenticate_or_redirect: 'identity-provider',
            redirect_to_auth_server: 'identity-provider',
            user_getinfo: 'identity-provider',
            logout: 'logs-out',
        },
        'cas.CASClient': { verify_ticket: 'identity-provider', get_login_url: 'identity-provider' },
        'onelogin.saml2.auth.OneLogin_Saml2_Auth': samlAuth,
        'onelogin.saml2.settings.OneLogin_Saml2_Settings': samlSettings,
    },
    // The SAML auth object is usually built by a project helper from settings it assembles (`auth =
    // saml.init_saml_auth(req)`), often through an attribute that holds the class: its receiver is told by name.
    unresolved: [
        { receiver: /^(saml_?)?auth$|saml/i, methods: samlAuth },
        { receiver: /settings$|saml/i, methods: samlSettings },
    ],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/itsdangerous.ts
const serializer = {
    loads: 'verifies-token',
    loads_unsafe: 'verifies-token',
    dumps: 'issues-link-token',
};
/** Signed links (invitations, password resets, e-mail confirmations) are checked with a serializer's `loads`. */
const itsdangerous = {
    library: 'itsdangerous',
    relevance: ['itsdangerous'],
    instances: {
        'itsdangerous.URLSafeTimedSerializer': serializer,
        'itsdangerous.URLSafeSerializer': serializer,
        'itsdangerous.TimedSerializer': serializer,
        'itsdangerous.Serializer': serializer,
        'itsdangerous.TimedJSONWebSignatureSerializer': serializer,
        'itsdangerous.JSONWebSignatureSerializer': serializer,
        'itsdangerous.TimestampSigner': { unsign: 'verifies-token', sign: 'issues-link-token' },
        'itsdangerous.Signer': { unsign: 'verifies-token', sign: 'issues-link-token' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/names.ts
/**
 * A library name as name resolution keeps it: its first and last dotted parts (`flask.blueprints.Blueprint` →
 * `flask.Blueprint`), so that re-exports of a library agree.
 */
function canonical(qn) {
    // Found without splitting (this runs for every external name resolved).
    const first = qn.indexOf('.');
    const last = qn.lastIndexOf('.');
    if (first === last)
        return qn;
    return qn.slice(0, first) + qn.slice(last);
}

;// CONCATENATED MODULE: ./src/analysis/catalogue/passwords.ts
/** werkzeug.security, bcrypt, Flask-Bcrypt and passlib: checking a password against its hash, or storing one. */
const passwords = {
    library: 'werkzeug / bcrypt / flask-bcrypt / passlib',
    functions: {
        'werkzeug.security.check_password_hash': 'verifies-password',
        'werkzeug.security.generate_password_hash': 'sets-password',
        'bcrypt.checkpw': 'verifies-password',
        'bcrypt.hashpw': 'sets-password',
        'flask_bcrypt.check_password_hash': 'verifies-password',
        'flask_bcrypt.generate_password_hash': 'sets-password',
    },
    instances: {
        'flask_bcrypt.Bcrypt': {
            check_password_hash: 'verifies-password',
            generate_password_hash: 'sets-password',
        },
        'passlib.context.CryptContext': { verify: 'verifies-password', hash: 'sets-password' },
        'passlib.hash.bcrypt': { verify: 'verifies-password', hash: 'sets-password' },
        'passlib.hash.pbkdf2_sha256': { verify: 'verifies-password', hash: 'sets-password' },
        'passlib.hash.sha256_crypt': { verify: 'verifies-password', hash: 'sets-password' },
        'passlib.apps.custom_app_context': { verify: 'verifies-password', hash: 'sets-password' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/pyjwt.ts
/**
 * PyJWT, python-jose and Authlib's JOSE: encoding a token issues a credential, decoding one with a key checks it.
 * (A decode that skips the signature is the JWT rules' business: jwt.ts.)
 */
/** Decoding with a key raises on a bad token, unless called with `optional=True` (a project wrapper's switch). */
const decodes = { kind: 'auth', switch: 'optional' };
const pyjwt = {
    library: 'pyjwt / python-jose / authlib.jose',
    relevance: ['jwt', 'jose'],
    verifiers: {
        'jwt.decode': decodes,
        'jose.jwt.decode': decodes,
        'authlib.jose.jwt.decode': decodes,
    },
    jwt: {
        'jwt.decode': 'pyjwt.decode',
        'jwt.api_jwt.decode': 'pyjwt.decode',
        'jwt.encode': 'pyjwt.encode',
        'jwt.api_jwt.encode': 'pyjwt.encode',
        'jose.jwt.decode': 'jose.decode',
        'jose.jwt.encode': 'jose.encode',
        'jose.jwt.get_unverified_claims': 'jose.get_unverified_claims',
        'authlib.jose.jwt.decode': 'authlib.decode',
        'authlib.jose.jwt.encode': 'authlib.encode',
        'authlib.jose.JsonWebToken': 'authlib.JsonWebToken',
    },
    functions: {
        'jwt.encode': 'issues-credential',
        'jwt.decode': 'verifies-token',
        'jose.jwt.encode': 'issues-credential',
        'jose.jwt.decode': 'verifies-token',
        'authlib.jose.jwt.encode': 'issues-credential',
        'authlib.jose.jwt.decode': 'verifies-token',
    },
    instances: {
        'jwt.PyJWT': { encode: 'issues-credential', decode: 'verifies-token' },
        'authlib.jose.JsonWebToken': { encode: 'issues-credential', decode: 'verifies-token' },
    },
};
/** python_jwt: `process_jwt` returns the claims unverified, `verify_jwt` checks them. */
const pythonJwt = {
    library: 'python_jwt',
    jwt: {
        'python_jwt.process_jwt': 'python_jwt.process_jwt',
        'python_jwt.verify_jwt': 'python_jwt.verify_jwt',
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/resource_apis.ts
/** Flask-RESTful: `api.add_resource(Resource, "/a", "/b")`. */
const flaskRestful = {
    library: 'flask-restful',
    relevance: ['flask_restful', 'add_resource'],
    classes: { 'flask_restful.Api': { role: 'resource-api' } },
};
/** flask-restx and its predecessor flask-restplus: `Api`, and `Namespace`s added to it (`api.add_namespace`). */
const flaskRestx = {
    library: 'flask-restx / flask-restplus',
    relevance: ['flask_restx', 'flask_restplus', 'add_namespace'],
    classes: {
        'flask_restx.Api': { role: 'resource-api' },
        'flask_restplus.Api': { role: 'resource-api' },
        'flask_restx.Namespace': { role: 'namespace' },
        'flask_restplus.Namespace': { role: 'namespace' },
    },
};
/** flask-smorest: blueprints registered through its `Api` (`api.register_blueprint(blp, url_prefix=…)`). */
const flaskSmorest = {
    library: 'flask-smorest',
    relevance: ['flask_smorest'],
    classes: {
        'flask_smorest.Blueprint': { role: 'blueprint' },
        'flask_smorest.Api': { role: 'blueprint-api' },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/randomness.ts
/**
 * Unguessable values from the operating system's random source: a store key built from one is a token only its
 * recipient can know (an e-mailed reset or confirmation link).
 */
const randomness = {
    library: 'os / secrets / uuid (standard library)',
    randomSources: [
        'os.urandom',
        'secrets.token_bytes',
        'secrets.token_hex',
        'secrets.token_urlsafe',
        'secrets.randbits',
        'uuid.uuid4',
    ],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/sqlalchemy.ts
const session = {
    'session.add': 'writes-data',
    'session.add_all': 'writes-data',
    'session.delete': 'writes-data',
    'session.merge': 'writes-data',
    'session.commit': 'writes-data',
    'session.bulk_save_objects': 'writes-data',
    'session.bulk_insert_mappings': 'writes-data',
    'session.bulk_update_mappings': 'writes-data',
    'session.query': 'reads-data',
    'session.get': 'reads-data',
    'session.scalars': 'reads-data',
    'session.scalar': 'reads-data',
    'session.execute': 'reads-data',
    'engine.execute': 'reads-data',
    'engine.connect': 'reads-data',
};
/**
 * SQLAlchemy and Flask-SQLAlchemy: the session of a `SQLAlchemy()` object, and the `query` property of its
 * models (`Note.query.filter_by(...)`, `Note.query.filter(...).delete()`). `execute` is judged by its SQL text.
 */
const sqlalchemy = {
    library: 'sqlalchemy / flask-sqlalchemy',
    instances: {
        'flask_sqlalchemy.SQLAlchemy': session,
        'alchemical.flask.Alchemical': session,
        'alchemical.Alchemical': session,
        'sqlalchemy.orm.scoped_session': {
            add: 'writes-data',
            add_all: 'writes-data',
            delete: 'writes-data',
            merge: 'writes-data',
            commit: 'writes-data',
            query: 'reads-data',
            get: 'reads-data',
            execute: 'reads-data',
        },
        'sqlalchemy.create_engine': { execute: 'reads-data', connect: 'reads-data', begin: 'reads-data' },
    },
    modelQueries: ['query', 'select'],
    modelWrites: ['delete', 'update', 'insert'],
    unresolved: [
        {
            receiver: /session$/i,
            methods: {
                add: 'writes-data',
                add_all: 'writes-data',
                delete: 'writes-data',
                merge: 'writes-data',
                commit: 'writes-data',
                flush: 'writes-data',
                bulk_save_objects: 'writes-data',
                query: 'reads-data',
                scalars: 'reads-data',
                execute: 'reads-data',
            },
        },
    ],
};
/** DB-API connections and cursors (sqlite3, psycopg2, MySQLdb): `execute` is judged by its SQL text. */
const dbapi = {
    library: 'sqlite3 / psycopg2 / mysqlclient (DB-API)',
    functions: { 'sqlite3.connect': 'reads-data', 'psycopg2.connect': 'reads-data' },
    unresolved: [
        {
            receiver: /^(cur|cursor|\w*_cursor|c|conn|connection|con|db|database|\w*_db|db_\w*)$/i,
            methods: {
                execute: 'reads-data',
                executemany: 'writes-data',
                executescript: 'writes-data',
                fetchone: 'reads-data',
                fetchall: 'reads-data',
                fetchmany: 'reads-data',
                commit: 'writes-data',
            },
        },
    ],
};
/** MongoEngine models: `Note.objects(...)`, `Note.objects.delete()`; a document's `save()` is a write. */
const mongoengine = {
    library: 'mongoengine / flask-mongoengine',
    modelQueries: ['objects'],
    modelWrites: ['delete', 'update', 'update_one', 'insert', 'modify'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/stores.ts
const stores_reads = [
    'get',
    'mget',
    'hget',
    'hgetall',
    'hmget',
    'smembers',
    'lrange',
    'zrange',
    'keys',
    'scan',
    'exists',
];
const stores_writes = [
    'set',
    'setex',
    'mset',
    'hset',
    'hmset',
    'hdel',
    'delete',
    'incr',
    'decr',
    'lpush',
    'rpush',
    'sadd',
    'srem',
    'zadd',
    'expire',
    'flushdb',
    'flushall',
];
const redisMethods = Object.fromEntries([
    ...stores_reads.map((m) => [m, 'reads-data']),
    ...stores_writes.map((m) => [m, 'writes-data']),
]);
const mongoReads = ['find', 'find_one', 'count_documents', 'aggregate', 'distinct'];
const mongoWrites = [
    'insert_one',
    'insert_many',
    'update_one',
    'update_many',
    'replace_one',
    'delete_one',
    'delete_many',
    'find_one_and_update',
    'find_one_and_delete',
    'drop',
];
/** A collection is any attribute path (`mongo.db.users.find`): `*.` matches it. */
const mongoMethods = Object.fromEntries([
    ...mongoReads.map((m) => [`*.${m}`, 'reads-data']),
    ...mongoWrites.map((m) => [`*.${m}`, 'writes-data']),
]);
/** Key-value stores: redis clients and Flask-Redis. */
const stores = {
    library: 'redis / flask-redis / pymongo / flask-pymongo',
    instances: {
        'redis.Redis': redisMethods,
        'redis.StrictRedis': redisMethods,
        'redis.from_url': redisMethods,
        'flask_redis.FlaskRedis': redisMethods,
        'pymongo.MongoClient': mongoMethods,
        'flask_pymongo.PyMongo': mongoMethods,
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/webhooks.ts
/** Verifying a signature over a request body: constant-time comparison, and the providers' SDKs. */
const webhooks = {
    library: 'hmac / stripe / svix / twilio / slack-sdk / github-webhook',
    functions: {
        'hmac.compare_digest': 'verifies-signature',
        'secrets.compare_digest': 'verifies-signature',
        'stripe.Webhook.construct_event': 'verifies-signature',
        'stripe.WebhookSignature.verify_header': 'verifies-signature',
    },
    instances: {
        'svix.webhooks.Webhook': { verify: 'verifies-signature' },
        'twilio.request_validator.RequestValidator': { validate: 'verifies-signature' },
        'slack_sdk.signature.SignatureVerifier': {
            is_valid_request: 'verifies-signature',
            is_valid: 'verifies-signature',
        },
    },
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/werkzeug.ts
/** werkzeug's `DispatcherMiddleware(app, {"/api": api_app})`: each mounted app serves its routes under the key. */
const werkzeug = {
    library: 'werkzeug',
    dispatchers: ['werkzeug.DispatcherMiddleware', 'werkzeug.middleware.dispatcher.DispatcherMiddleware'],
};

;// CONCATENATED MODULE: ./src/analysis/catalogue/index.ts
































const LIBRARIES = [
    flask,
    connexion,
    apiflask,
    apifairy,
    flaskRestful,
    flaskRestx,
    flaskSmorest,
    flaskClassful,
    flaskAppBuilder,
    flaskAdmin,
    flaskLogin,
    flaskSecurity,
    flaskUser,
    flaskPrincipal,
    flaskAllows,
    flaskSockets,
    flaskGraphql,
    werkzeug,
    flaskHttpauth,
    flaskJwtExtended,
    flaskJwt,
    flaskPraetorian,
    flaskWtf,
    pyjwt,
    pythonJwt,
    itsdangerous,
    passwords,
    sqlalchemy,
    mongoengine,
    dbapi,
    identityProviders,
    webhooks,
    stores,
    httpClients,
    flaskCaching,
    randomness,
    flaskMail,
];
/** Each entry under its name as written and under its canonical name. */
function byName(into, table) {
    for (const [qn, value] of Object.entries(table ?? {})) {
        into.set(qn, value);
        into.set(canonical(qn), value);
    }
}
/** The index of `libraries`: the built-in catalogue, and a project's own entries added to it (config.ts). */
function indexLibraries(libraries) {
    const functions = new Map();
    const instances = new Map();
    const identities = new Set();
    const modelQueries = new Set();
    const modelWrites = new Set();
    const classes = new Map();
    const guards = new Map();
    const delegatingGuards = new Map();
    const verifiers = new Map();
    const signIns = new Set();
    const accountProxies = new Set();
    const identityProxyPackages = new Set();
    const unfollowedViews = new Map();
    const jwt = new Map();
    const randomSources = new Set();
    const viewMethods = new Map();
    const routingViews = new Map();
    const mailMessages = new Map();
    const sendMethods = new Set();
    for (const lib of libraries) {
        byName(mailMessages, lib.mail?.messages);
        lib.mail?.sendMethods.forEach((m) => sendMethods.add(m));
        byName(functions, lib.functions);
        byName(instances, lib.instances);
        byName(classes, lib.classes);
        byName(guards, lib.guards);
        byName(delegatingGuards, lib.delegatingGuards);
        byName(verifiers, lib.verifiers);
        byName(jwt, lib.jwt);
        byName(viewMethods, lib.viewMethods);
        byName(routingViews, lib.routingViews);
        lib.identities?.forEach((q) => identities.add(q).add(canonical(q)));
        lib.modelQueries?.forEach((q) => modelQueries.add(q));
        lib.modelWrites?.forEach((w) => modelWrites.add(w));
        lib.signIns?.forEach((q) => signIns.add(q).add(canonical(q)));
        lib.accountProxies?.forEach((q) => accountProxies.add(canonical(q)));
        lib.identityProxyPackages?.forEach((p) => identityProxyPackages.add(p));
        for (const [pkg, name] of Object.entries(lib.unfollowedViews ?? {}))
            unfollowedViews.set(pkg, name);
        lib.randomSources?.forEach((q) => randomSources.add(q).add(canonical(q)));
    }
    const requestMethodTests = new Map(libraries.flatMap((lib) => Object.entries(lib.requestMethodTests ?? {})));
    const fetches = libraries.flatMap((lib) => (lib.httpFetches ? [lib.httpFetches] : []));
    const httpFetches = {
        functions: new Set(fetches.flatMap((f) => f.functions.flatMap((q) => [q, canonical(q)]))),
        sessions: new Set(fetches.flatMap((f) => f.sessions.flatMap((q) => [q, canonical(q)]))),
        methods: new Set(fetches.flatMap((f) => f.methods)),
    };
    return {
        functions,
        instances,
        identities,
        modelQueries,
        modelWrites,
        unresolved: libraries.flatMap((lib) => lib.unresolved ?? []),
        classes,
        guards,
        delegatingGuards,
        verifiers,
        signIns,
        accountProxies,
        identityProxyPackages,
        unfollowedViews,
        jwt,
        relevance: libraries.flatMap((lib) => lib.relevance ?? []),
        wholeTree: libraries.flatMap((lib) => lib.wholeTree ?? []),
        requestModules: new Set(libraries.flatMap((lib) => lib.requestModules ?? [])),
        sessionClasses: new Set(libraries.flatMap((lib) => (lib.sessionClasses ?? []).map(canonical))),
        routeDecorators: new Set(libraries.flatMap((lib) => (lib.routeDecorators ?? []).map(canonical))),
        requestMethodTests,
        httpFetches,
        randomSources,
        dispatchers: new Set(libraries.flatMap((lib) => (lib.dispatchers ?? []).map(canonical))),
        viewMethods,
        routingViews,
        mail: { messages: mailMessages, sendMethods },
    };
}
const catalogue_CATALOGUE = indexLibraries(LIBRARIES);
/**
 * The catalogue with the project's own guards added (`guards` in .tokengate.yml, by qualified name): each is a
 * decorator (or decorator factory) that protects the view it wraps, and a check that rejects the request when
 * called in a view or a request hook.
 */
function withProjectGuards(guards) {
    if (!guards.length)
        return catalogue_CATALOGUE;
    const table = Object.fromEntries(guards.map((g) => [g, { kind: 'auth' }]));
    return indexLibraries([...LIBRARIES, { library: 'the project', guards: table, verifiers: table }]);
}
/** The library classes (canonical names) whose objects play one of `roles` in the Flask model. */
function classesWithRole(...roles) {
    const out = new Set();
    for (const [qn, cls] of catalogue_CATALOGUE.classes)
        if (cls.role && roles.includes(cls.role))
            out.add(qn);
    return out;
}
/** What calling `path` (dotted attributes) on an instance of a catalogued class means, if anything. */
function methodMeaning(table, path) {
    const exact = table[path];
    if (exact)
        return exact;
    const last = path.slice(path.lastIndexOf('.') + 1);
    return table[`*.${last}`];
}

;// CONCATENATED MODULE: ./src/analysis/extract.ts




/** Beyond this depth, hostile nesting is summarised instead of walked (keeps the JS stack safe). */
const MAX_DEPTH = 120;
const MAX_TEXT = 200;
function moduleNameOf(path) {
    const parts = path.replace(/\.py$/, '').split('/');
    const isPackage = parts[parts.length - 1] === '__init__';
    if (isPackage)
        parts.pop();
    return { name: parts.join('.'), isPackage };
}
const line = (n) => n.startRow + 1;
const endLine = (n) => {
    // A node ending at column 0 ends on the previous line (its newline belongs to it).
    const end = n.endPosition;
    return end.column === 0 && end.row > n.startRow ? end.row : end.row + 1;
};
const clip = (s) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) + '…' : s);
/** One frozen empty list, shared: most lists of most pictures are empty, and pictures are kept for the whole scan. */
const NONE = Object.freeze([]);
const NO_KEYWORDS = Object.freeze({});
function newScope(module, parent, owner) {
    return {
        module,
        parent,
        owner,
        params: new Set(),
        imports: new Map(),
        assigns: new Map(),
        functions: new Map(),
        classes: new Map(),
        calls: [],
        targetAssigns: [],
        deletes: [],
        starImports: [],
    };
}
/** Prefix letters of a string literal other than `f`. */
const PLAIN_PREFIX = 'rRbBuU';
/**
 * The content of a complete, non-f string literal read from its text, without visiting its parts (each visit
 * crosses into wasm), and without a regular expression's match object (it runs for every string literal). A
 * prefix of at most two letters other than `f`, then a quote, single or tripled; escape sequences stay as
 * written, as in the parts' text.
 */
function plainStringValue(text) {
    let at = 0;
    while (at < 2 && at < text.length && PLAIN_PREFIX.includes(text[at]))
        at++;
    const q = text[at];
    if (q !== '"' && q !== "'")
        return undefined;
    const triple = q === '"' ? '"""' : "'''";
    const quote = text.startsWith(triple, at) ? triple : q;
    const open = at + quote.length;
    if (text.length < open + quote.length || !text.endsWith(quote))
        return undefined;
    return text.slice(open, text.length - quote.length);
}
/** The text of a string literal without quotes; undefined for f-strings with interpolations. */
function stringValue(node) {
    if (node.type === 'concatenated_string') {
        let out = '';
        for (const part of node.namedChildren) {
            const v = part ? stringValue(part) : undefined;
            if (v === undefined)
                return undefined;
            out += v;
        }
        return out;
    }
    if (node.type !== 'string')
        return undefined;
    const plain = plainStringValue(node.text);
    if (plain !== undefined)
        return plain;
    let out = '';
    for (const child of node.namedChildren) {
        if (!child)
            continue;
        if (child.type === 'interpolation')
            return undefined;
        if (child.type === 'string_content')
            out += child.text;
    }
    return out;
}
/** An f-string as literal pieces and interpolated expressions (format specs make it unknowable). */
function interpolatedParts(node, depth) {
    const parts = [];
    const pieces = node.type === 'concatenated_string' ? node.namedChildren : [node];
    for (const piece of pieces) {
        if (!piece || piece.type !== 'string')
            return undefined;
        for (const child of piece.namedChildren) {
            if (!child)
                continue;
            if (child.type === 'string_content')
                parts.push({ k: 'str', v: child.text, line: line(child) });
            else if (child.type === 'interpolation') {
                if (child.namedChildren.some((c) => c && c.type !== 'comment' && c !== child.namedChildren[0]))
                    return undefined;
                parts.push(toExpr(child.namedChildren[0] ?? null, depth + 1));
            }
        }
    }
    return parts;
}
function hasKeywords(kw) {
    for (const _ in kw)
        return true;
    return false;
}
/** How many times toExpr has cut a subtree off at MAX_DEPTH (a conversion without cuts is depth-independent). */
let cuts = 0;
/**
 * The simplified expression of a node. The picture's expressions are never changed once made, so a node's
 * expression is kept on the node and shared by every place that asks for it again (the statement walk and the
 * fact walk convert the same calls, and each call nested in another is reached once per enclosing call). A
 * conversion that cut nothing off at MAX_DEPTH reads the same from any depth not deeper than it was made at.
 */
function toExpr(node, depth = 0) {
    if (!node)
        return { k: 'other', text: '', line: 0 };
    if (node.memo !== undefined && depth <= node.memoDepth)
        return node.memo;
    const before = cuts;
    const e = convert(node, depth);
    if (cuts === before && (node.memo === undefined || depth > node.memoDepth)) {
        node.memo = e;
        node.memoDepth = depth;
    }
    return e;
}
function convert(node, depth) {
    const ln = line(node);
    if (depth > MAX_DEPTH) {
        cuts++;
        return { k: 'other', text: clip(node.text), line: ln };
    }
    const d = depth + 1;
    switch (node.type) {
        case 'identifier':
            return { k: 'name', id: node.text, line: ln };
        case 'attribute':
            return {
                k: 'attr',
                obj: toExpr(node.childForFieldName('object'), d),
                attr: node.childForFieldName('attribute')?.text ?? '',
                line: ln,
            };
        case 'call': {
            const args = [];
            const kw = {};
            const argList = node.childForFieldName('arguments');
            if (argList && argList.type === 'argument_list') {
                for (const a of argList.namedChildren) {
                    if (!a || a.type === 'comment')
                        continue;
                    if (a.type === 'keyword_argument') {
                        const name = a.childForFieldName('name')?.text;
                        if (name)
                            kw[name] = toExpr(a.childForFieldName('value'), d);
                    }
                    else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
                        args.push({ k: 'other', text: clip(a.text), line: line(a) });
                    }
                    else {
                        args.push(toExpr(a, d));
                    }
                }
            }
            return {
                k: 'call',
                fn: toExpr(node.childForFieldName('function'), d),
                args: args.length ? args : NONE,
                kw: hasKeywords(kw) ? kw : NO_KEYWORDS,
                line: ln,
                col: node.startPosition.column,
            };
        }
        case 'subscript':
            return {
                k: 'subscript',
                obj: toExpr(node.childForFieldName('value'), d),
                index: toExpr(node.childForFieldName('subscript'), d),
                line: ln,
            };
        case 'string':
        case 'concatenated_string': {
            const v = stringValue(node);
            if (v !== undefined)
                return { k: 'str', v, line: ln };
            const parts = interpolatedParts(node, d);
            return parts ? { k: 'concat', parts, line: ln } : { k: 'other', text: clip(node.text), line: ln };
        }
        case 'binary_operator': {
            const op = node.childForFieldName('operator')?.type;
            if (op === '%')
                return {
                    k: 'percent',
                    fmt: toExpr(node.childForFieldName('left'), d),
                    values: toExpr(node.childForFieldName('right'), d),
                    line: ln,
                };
            if (op !== '+')
                return { k: 'other', text: clip(node.text), line: ln };
            return {
                k: 'concat',
                parts: [toExpr(node.childForFieldName('left'), d), toExpr(node.childForFieldName('right'), d)],
                line: ln,
            };
        }
        case 'boolean_operator': {
            const op = node.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
            if (op !== 'and' && op !== 'or')
                return { k: 'other', text: clip(node.text), line: ln };
            return {
                k: 'boolop',
                op,
                left: toExpr(node.childForFieldName('left'), d),
                right: toExpr(node.childForFieldName('right'), d),
                line: ln,
            };
        }
        case 'integer':
        case 'float': {
            const v = Number(node.text.replace(/_/g, ''));
            return Number.isFinite(v) ? { k: 'num', v, line: ln } : { k: 'other', text: clip(node.text), line: ln };
        }
        case 'true':
            return { k: 'const', v: true, line: ln };
        case 'false':
            return { k: 'const', v: false, line: ln };
        case 'none':
            return { k: 'const', v: null, line: ln };
        case 'list':
        case 'tuple':
        case 'set':
        case 'expression_list':
            return {
                k: 'seq',
                items: itemsOf(node, d),
                line: ln,
            };
        case 'dictionary': {
            const entries = [];
            for (const p of node.namedChildren) {
                if (p?.type === 'pair') {
                    entries.push({
                        key: toExpr(p.childForFieldName('key'), d),
                        value: toExpr(p.childForFieldName('value'), d),
                    });
                }
                else if (p?.type === 'dictionary_splat') {
                    // `**other`: keys unknown statically.
                    entries.push({
                        key: { k: 'other', text: clip(p.text), line: line(p) },
                        value: { k: 'other', text: '', line: line(p) },
                    });
                }
            }
            return { k: 'dict', entries, line: ln };
        }
        case 'parenthesized_expression': {
            const inner = firstCode(node.namedChildren);
            return inner ? toExpr(inner, d) : { k: 'other', text: clip(node.text), line: ln };
        }
        default:
            return { k: 'other', text: clip(node.text), line: ln };
    }
}
function dottedName(node) {
    return node ? node.compactText : '';
}
/** The absolute module of a relative import: `from ..x import y` (dots 2, rest `x`) in `pkg.sub.mod`. */
function resolveRelative(moduleName, isPackage, dots, rest) {
    const parts = moduleName ? moduleName.split('.') : [];
    // In a package's __init__, one dot is the package itself; in a module, one dot is its package.
    const keep = parts.length - (isPackage ? dots - 1 : dots);
    const base = parts.slice(0, Math.max(0, keep));
    if (rest)
        base.push(...rest.split('.'));
    return base.join('.');
}
function recordImport(node, scope) {
    const mod = scope.module;
    const ln = line(node);
    if (node.type === 'import_statement') {
        for (const n of node.childrenForFieldName('name')) {
            if (!n)
                continue;
            if (n.type === 'aliased_import') {
                const full = dottedName(n.childForFieldName('name'));
                const alias = n.childForFieldName('alias')?.text;
                if (alias)
                    scope.imports.set(alias, { module: full, line: ln });
            }
            else {
                // `import a.b` binds `a` to the top package.
                const full = dottedName(n);
                const top = full.split('.')[0];
                scope.imports.set(top, { module: top, line: ln });
            }
        }
        return;
    }
    // import_from_statement
    const moduleNode = node.childForFieldName('module_name');
    let from = '';
    const relative = moduleNode?.type === 'relative_import';
    if (relative) {
        const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
        const dots = prefix ? prefix.text.length : 0;
        const rest = dottedName(moduleNode.namedChildren.find((c) => c?.type === 'dotted_name') ?? null);
        from = resolveRelative(mod.name, mod.isPackage, dots, rest);
    }
    else {
        from = dottedName(moduleNode);
    }
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
        scope.starImports.push(from);
        return;
    }
    for (const n of node.childrenForFieldName('name')) {
        if (!n)
            continue;
        let name;
        let alias;
        if (n.type === 'aliased_import') {
            name = dottedName(n.childForFieldName('name'));
            alias = n.childForFieldName('alias')?.text ?? name;
        }
        else {
            name = dottedName(n);
            alias = name;
        }
        const binding = { module: from, name, line: ln, ...(relative ? { relative } : {}) };
        scope.imports.set(alias, binding);
    }
}
function decoratorsOf(node) {
    if (node.parent?.type !== 'decorated_definition')
        return [];
    const out = [];
    for (const c of node.parent.namedChildren) {
        if (c?.type !== 'decorator')
            continue;
        const expr = firstCode(c.namedChildren) ?? null;
        out.push({ expr: toExpr(expr), line: line(c) });
    }
    return out;
}
function spanOf(def) {
    const outer = def.parent?.type === 'decorated_definition' ? def.parent : def;
    return { startLine: line(outer), endLine: endLine(def) };
}
function paramNames(params) {
    if (!params)
        return [];
    const out = [];
    for (const p of params.namedChildren) {
        if (!p)
            continue;
        if (p.type === 'identifier')
            out.push(p.text);
        else {
            // `*urls: str` and `**options: Any` hold their name one level down, in the splat.
            const named = p.type === 'typed_parameter' ? (splatOf(p) ?? p) : p;
            const name = named.childForFieldName('name') ?? named.namedChildren.find((c) => c?.type === 'identifier') ?? null;
            if (name)
                out.push(name.text);
        }
    }
    return out;
}
/** What ends the parameters a caller may pass by position. */
const SPLATS = new Set(['list_splat_pattern', 'dictionary_splat_pattern', 'keyword_separator']);
/** The parameters before the first `*`, `*args` or `**kwargs`, less a `/` marker. */
function positionalNames(params) {
    const out = [];
    for (const p of params?.namedChildren ?? []) {
        if (!p || p.type === 'positional_separator')
            continue;
        const inner = p.type === 'typed_parameter' ? p.namedChildren[0] : p;
        if (!inner || SPLATS.has(inner.type))
            break;
        const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? inner);
        if (name.type === 'identifier')
            out.push(name.text);
    }
    return out;
}
/** Annotations of parameters (`object_id: int`), as written. */
function paramAnnotations(params) {
    const out = {};
    for (const p of params?.namedChildren ?? []) {
        if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter'))
            continue;
        const name = p.childForFieldName('name') ?? p.namedChildren[0];
        const type = p.childForFieldName('type');
        if (name?.type === 'identifier' && type)
            out[name.text] = type.text;
    }
    return out;
}
function splatOf(p) {
    return p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
}
/** The name of the `*args` parameter (`*urls` or `*urls: str`), if the function has one. */
function varargsName(params) {
    for (const p of params?.namedChildren ?? []) {
        const splat = p?.type === 'list_splat_pattern' ? p : p?.type === 'typed_parameter' ? splatOf(p) : undefined;
        if (splat?.type !== 'list_splat_pattern')
            continue;
        const name = splat.namedChildren.find((c) => c?.type === 'identifier');
        if (name)
            return name.text;
    }
    return undefined;
}
/** Default values of parameters (`pk_type='int'`). */
function paramDefaults(params) {
    const out = {};
    for (const p of params?.namedChildren ?? []) {
        if (!p || (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter'))
            continue;
        const name = p.childForFieldName('name');
        const value = p.childForFieldName('value');
        if (name?.type === 'identifier' && value)
            out[name.text] = toExpr(value);
    }
    return out;
}
/** Names bound by an assignment target (`a`, `a, b`, `(a, b)`). */
function targetNames(target) {
    if (target.type === 'identifier')
        return [target.text];
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(target.type)) {
        return target.namedChildren.flatMap((c) => (c ? targetNames(c) : []));
    }
    return [];
}
// Regular expressions the walks test, made once (a literal in a function makes a new object at every test).
/** `request.authorization` and what follows it. */
const REQUEST_AUTHORIZATION = /^request\.authorization\b/;
/**
 * Identity kept on `g` (`g.user`, `flask.g.token`…). What describes the connection rather than the caller
 * (`g.client_ip`, `g.user_agent`: an address and a header any anonymous request has) is no identity.
 */
const G_IDENTITY = /^(flask\.)?g\.(user|current_user|identity|auth|token|jwt|account|principal|api_key|client)(?!_?(ip|addr|address|agent|host)(?![a-z]))/i;
/**
 * `session.user`: an attribute of Flask's session that is no dict method nor SessionMixin flag comes from the
 * app's own session class (`app.session_interface`), which holds the signed-in caller as `g.user` does.
 */
const SESSION_IDENTITY = /^(flask\.)?session\.(user|current_user|identity|account|principal)/i;
/** `g.get`, `flask.g.get`. */
const G_GET = /^(flask\.)?g\.get$/;
/** An attribute of `current_user`. */
const CURRENT_USER_ATTRIBUTE = /^current_user\./;
/** `current_identity` (Flask-JWT). */
const CURRENT_IDENTITY = /^current_identity\b/;
/** Where a request carries parameters and cookies. */
const REQUEST_PARAMS = /^request\.(cookies|args|values|form)$/;
/** WSGI environ keys that carry a credential. */
const AUTH_ENVIRON = /AUTH|TOKEN|REMOTE_USER/i;
/** `request.headers.get`. */
const REQUEST_HEADER_GET = /^request\.headers\.get$/;
/** `request.cookies.get` and the like. */
const REQUEST_PARAM_GET = /^request\.(cookies|args|values|form)\.get$/;
/** Calls that return the caller's identity or claims. */
const IDENTITY_GETTERS = /^(get_jwt_identity|get_jwt|get_raw_jwt|get_current_user|get_jwt_claims)$/;
/** `request.authorization` or `request.headers`. */
const REQUEST_AUTH_OR_HEADERS = /^request\.(authorization|headers)$/;
/** Where a request carries headers, cookies and parameters. */
const REQUEST_INPUTS = /^request\.(headers|cookies|args|values|form)$/;
/** `request.headers.get` and the like. */
const REQUEST_INPUT_GET = /^request\.(headers|cookies|args|values|form)\.(get|getlist|get_all)$/;
/** Calls whose result is not the token they are given (`len(token)`, `mask(token)`). */
const NOT_THE_TOKEN = /^(len|bool|type|hash|id|isinstance|callable|mask\w*|redact\w*|fingerprint\w*|sha\d*|md5|hexdigest|digest|count|startswith|endswith)$/i;
/** `jwt.decode` or a bare `decode`. */
const JWT_DECODE = /(^|\.)jwt\.decode$|^decode$/;
/** The first of `nodes` that is not a comment (comments are named nodes and sit anywhere). */
function firstCode(nodes) {
    if (nodes)
        for (const c of nodes)
            if (c.type !== 'comment')
                return c;
    return undefined;
}
/** `nodes` without comments. */
function codeOf(nodes) {
    const out = [];
    for (const c of nodes)
        if (c.type !== 'comment')
            out.push(c);
    return out;
}
/** The items of a tuple, set or expression list, comments left out. */
function itemsOf(node, depth) {
    const items = [];
    for (const c of node.namedChildren)
        if (c.type !== 'comment')
            items.push(toExpr(c, depth));
    return items;
}
/** Names a `for` target binds: `bp`, or nested tuples (`for bp, prefix in …`); undefined for anything else. */
function loopTarget(node) {
    if (node.type === 'identifier')
        return node.text;
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(node.type)) {
        const parts = [];
        for (const c of node.namedChildren) {
            const t = c ? loopTarget(c) : undefined;
            if (t === undefined)
                return undefined;
            parts.push(t);
        }
        return parts;
    }
    if (node.type === 'parenthesized_expression') {
        const inner = firstCode(node.namedChildren);
        return inner ? loopTarget(inner) : undefined;
    }
    return undefined;
}
/** Each name of a loop target with where it sits inside one item of the iterable. */
function targetPaths(target, path = []) {
    if (typeof target === 'string')
        return [{ name: target, path }];
    return target.flatMap((t, i) => targetPaths(t, [...path, i]));
}
function walkBlock(block, scope, ctx) {
    if (ctx.depth > MAX_DEPTH)
        return;
    for (const stmt of block.namedChildren) {
        if (stmt)
            walkStatement(stmt, scope, ctx);
    }
}
/** The context one level down (written out: an object spread per statement costs more than the walk). */
function deeperThan(ctx, conditional = ctx.conditional, loops = ctx.loops) {
    return { module: ctx.module, depth: ctx.depth + 1, loops, conditional };
}
const BRANCHES = new Set(['if_statement', 'elif_clause', 'else_clause', 'except_clause', 'while_statement']);
function walkStatement(stmt, scope, ctx) {
    switch (stmt.type) {
        case 'import_statement':
        case 'import_from_statement':
            recordImport(stmt, scope);
            return;
        case 'decorated_definition': {
            const def = stmt.childForFieldName('definition');
            if (def)
                walkStatement(def, scope, deeperThan(ctx));
            return;
        }
        case 'function_definition': {
            const fn = extractFunction(stmt, scope, deeperThan(ctx));
            if (fn)
                scope.functions.set(fn.name, fn);
            return;
        }
        case 'class_definition': {
            const cls = extractClass(stmt, scope, deeperThan(ctx));
            if (cls)
                scope.classes.set(cls.name, cls);
            return;
        }
        case 'delete_statement': {
            // `del session['id']` signs the caller out; only subscripts and attributes are kept (a local's `del` is not).
            const targets = stmt.namedChildren.flatMap((c) => c?.type === 'expression_list' ? c.namedChildren : c ? [c] : []);
            for (const t of targets)
                if (t && (t.type === 'subscript' || t.type === 'attribute'))
                    scope.deletes.push({ target: toExpr(t), line: line(stmt) });
            return;
        }
        case 'expression_statement': {
            for (const e of stmt.namedChildren) {
                if (!e)
                    continue;
                if (e.type === 'assignment')
                    recordAssignment(e, scope, ctx.conditional);
                else if (e.type === 'call') {
                    const call = toExpr(e);
                    if (call.k === 'call') {
                        // Optional keys set as the spreads `...(cond ? { key } : {})` would, in the same order.
                        const stmt = { call, span: { startLine: line(e), endLine: endLine(e) } };
                        if (ctx.loops.length)
                            stmt.loops = ctx.loops;
                        if (ctx.conditional)
                            stmt.conditional = true;
                        scope.calls.push(stmt);
                    }
                }
            }
            return;
        }
        case 'for_statement': {
            const left = stmt.childForFieldName('left');
            const right = stmt.childForFieldName('right');
            const target = left ? loopTarget(left) : undefined;
            const iter = right ? toExpr(right) : undefined;
            if (target !== undefined && iter) {
                for (const { name, path } of targetPaths(target)) {
                    const list = scope.assigns.get(name) ?? [];
                    list.push({ k: 'item', of: iter, ...(path.length ? { path } : {}), line: line(stmt) });
                    scope.assigns.set(name, list);
                }
            }
            // Calls in the body are evaluated once per item when the iterable is known (`for bp, prefix in …`).
            const inLoop = deeperThan(ctx, true, target !== undefined && iter ? [...ctx.loops, { target, iter }] : ctx.loops);
            for (const c of stmt.namedChildren)
                if (c && (c.type === 'block' || c.type.endsWith('_clause')))
                    walkStatement(c, scope, inLoop);
            return;
        }
        case 'if_statement':
        case 'elif_clause':
        case 'else_clause':
        case 'try_statement':
        case 'except_clause':
        case 'finally_clause':
        case 'with_statement':
        case 'while_statement':
        case 'block': {
            const inner = deeperThan(ctx, BRANCHES.has(stmt.type) || ctx.conditional);
            for (const c of stmt.namedChildren) {
                if (c && (c.type === 'block' || c.type.endsWith('_clause')))
                    walkStatement(c, scope, inner);
            }
            if (stmt.type === 'block')
                walkBlock(stmt, scope, inner);
            return;
        }
        default:
            return;
    }
}
function recordAssignment(node, scope, conditional) {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right)
        return;
    // `a = b = value`: the right side is itself an assignment.
    let valueNode = right;
    const chainTargets = [left];
    while (valueNode.type === 'assignment') {
        const l = valueNode.childForFieldName('left');
        const r = valueNode.childForFieldName('right');
        if (!l || !r)
            return;
        chainTargets.push(l);
        valueNode = r;
    }
    const value = toExpr(valueNode);
    for (const target of chainTargets) {
        if (target.type === 'attribute' || target.type === 'subscript') {
            scope.targetAssigns.push({
                target: toExpr(target),
                value,
                line: line(node),
                ...(conditional ? { conditional } : {}),
            });
            continue;
        }
        const names = targetNames(target);
        if (names.length === 1) {
            const list = scope.assigns.get(names[0]) ?? [];
            list.push(value);
            scope.assigns.set(names[0], list);
            if (!conditional)
                (scope.overwritten ??= new Set()).add(names[0]);
        }
        else if (value.k === 'seq' && value.items.length === names.length) {
            names.forEach((n, i) => {
                const list = scope.assigns.get(n) ?? [];
                list.push(value.items[i]);
                scope.assigns.set(n, list);
            });
        }
        else {
            for (const n of names) {
                const list = scope.assigns.get(n) ?? [];
                list.push({ k: 'other', text: clip(valueNode.text), line: line(node) });
                scope.assigns.set(n, list);
            }
        }
    }
}
function extractFunction(node, parent, ctx) {
    const name = node.childForFieldName('name')?.text;
    if (!name)
        return undefined;
    const parameters = node.childForFieldName('parameters');
    const varargs = varargsName(parameters);
    const fn = {
        name,
        decorators: decoratorsOf(node),
        params: paramNames(parameters),
        positional: positionalNames(parameters),
        annotations: paramAnnotations(parameters),
        ...(varargs ? { varargs } : {}),
        defaults: paramDefaults(parameters),
        span: spanOf(node),
        defLine: line(node),
        facts: NO_FACTS,
        scope: undefined,
    };
    fn.scope = newScope(ctx.module, parent, fn);
    for (const p of fn.params)
        fn.scope.params.add(p);
    ctx.module.allFunctions.push(fn);
    const body = node.childForFieldName('body');
    if (body) {
        walkBlock(body, fn.scope, { module: ctx.module, depth: ctx.depth, loops: [], conditional: false });
        // Flask calls a url_value_preprocessor as `f(endpoint, values)`: its first parameter is `request.endpoint`.
        const preprocessor = fn.decorators.some((d) => d.expr.k === 'attr' && /^(app_)?url_value_preprocessor$/.test(d.expr.attr));
        fn.facts = bodyFacts(body, fn.scope, fn.params, preprocessor ? fn.params[0] : undefined);
    }
    return fn;
}
function extractClass(node, parent, ctx) {
    const name = node.childForFieldName('name')?.text;
    if (!name)
        return undefined;
    const bases = [];
    const sup = node.childForFieldName('superclasses');
    for (const b of sup?.namedChildren ?? []) {
        if (b && b.type !== 'keyword_argument' && b.type !== 'comment')
            bases.push(toExpr(b));
    }
    const cls = {
        name,
        bases,
        decorators: decoratorsOf(node),
        span: spanOf(node),
        defLine: line(node),
        attrs: {},
        methods: {},
        facts: NO_FACTS,
        scope: newScope(ctx.module, parent),
    };
    ctx.module.allClasses.push(cls);
    const body = node.childForFieldName('body');
    if (body) {
        walkBlock(body, cls.scope, { module: ctx.module, depth: ctx.depth, loops: [], conditional: false });
        for (const [n, values] of cls.scope.assigns)
            cls.attrs[n] = values[values.length - 1];
        for (const [n, fn] of cls.scope.functions)
            cls.methods[n] = fn;
        cls.facts = bodyFacts(body, cls.scope, []);
    }
    return cls;
}
function emptyFacts() {
    return {
        credentialReads: [],
        rawCredentialReads: [],
        credentialChecks: [],
        rejects: [],
        passes: [],
        calls: [],
        returnsCredential: false,
        presenceReads: [],
        reliedIdentityReads: [],
        returnSources: [],
        returnsOwnState: false,
        returnedNames: [],
        returns: [],
        returnGuards: [],
        marksParam: [],
        tokenLogs: [],
        queryTokenReads: [],
        sessionSignIns: [],
        raises: [],
        handlers: [],
        registersParam: [],
        redirects: [],
        readsRequestData: false,
        addressTests: [],
        filledOnce: [],
        passTests: [],
        flagRaises: [],
    };
}
// ---------------------------------------------------------------------------------------------
// Body facts: credential reads, rejections and the conditions they sit under.
// A CSRF token (`X-CSRF-Token`, `csrf_token`) proves the request came from the app's own page, not who sent it.
// A header named for a key (`X-Access-Key`, `X-Service-Key`) carries one, but `Idempotency-Key` only names a retry.
const AUTH_HEADER = /^(?!.*[cx]srf)(?!.*idempotency).*(authori[sz]ation|token|api[-_]?key|apikey|x-api|jwt|bearer|x-auth|secret|signature|session|(^|[-_])key$)/i;
const AUTH_PARAM = /^(?!.*[cx]srf).*(token|api[-_]?key|apikey|jwt|auth|access[-_]?key|session|sid|signature|^key$)/i;
const REJECT_CALLEE = /unauthori[sz]ed|forbidden|^authenticate$|auth_?error|auth_?fail|access_?denied|^deny|not_?authenticated|challenge|permission_?denied|login_?required_?response|invalid_?token|token_?(missing|invalid|required|error)/i;
const REJECT_EXCEPTION = /unauthori[sz]ed|forbidden|auth|permission|denied|token|credential|login|access|jwt|signature|expired|notallowed/i;
const STATUS_NAME = /UNAUTHORI[SZ]ED|FORBIDDEN|HTTP_401|HTTP_403/;
function lastName(node) {
    if (!node)
        return '';
    if (node.type === 'identifier')
        return node.compactText;
    if (node.type === 'attribute')
        return node.childForFieldName('attribute')?.compactText ?? '';
    if (node.type === 'call')
        return lastName(node.childForFieldName('function'));
    return '';
}
/**
 * Every subtree mentionsAuthStatus accepts has a text that matches this: each way to true tests a node's text, or
 * a string's value, which is its content as written, in one piece unless an interpolation (whose string has no
 * value) or, in a tree with syntax errors, an ERROR node splits it.
 */
const MAY_MENTION_AUTH_STATUS = /401|403|UNAUTHORI[SZ]ED|FORBIDDEN/;
/** Does the subtree mention a 401/403 status (literal, HTTPStatus name, or status constant)? */
function mentionsAuthStatus(node, depth = 0) {
    if (depth > 40)
        return false;
    if (depth === 0 && !node.treeHasError && !MAY_MENTION_AUTH_STATUS.test(node.text))
        return false;
    if (node.type === 'integer')
        return node.text === '401' || node.text === '403';
    if (node.type === 'identifier' || node.type === 'attribute') {
        if (STATUS_NAME.test(node.text))
            return true;
        if (node.type === 'identifier')
            return false;
    }
    if (node.type === 'string') {
        const v = stringValue(node);
        return v !== undefined && /^(401|403)\b/.test(v);
    }
    if (node.type === 'lambda' || node.type === 'function_definition')
        return false;
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (mentionsAuthStatus(c, depth + 1))
            return true;
    return false;
}
/** Does the expression read a credential (Authorization header, token cookie/arg, session, current user)? */
function readsCredential(node, w, depth = 0, kind = 'any') {
    if (depth > 30)
        return false;
    if (depth === 0 && !mayReadCredential(node.text, w))
        return false;
    const raw = kind !== 'derived';
    const derived = kind !== 'raw';
    switch (node.type) {
        case 'identifier': {
            // An identifier's compact text is its text, made once per node (walks ask for it again and again).
            const name = node.compactText;
            if (w.rawVars.has(name))
                return raw;
            return (derived &&
                (w.credVars.has(name) ||
                    (name === 'current_user' && currentUserIsProxy(w)) ||
                    name === 'current_identity'));
        }
        case 'attribute': {
            const text = node.compactText;
            if (REQUEST_AUTHORIZATION.test(text))
                return raw;
            if (G_IDENTITY.test(text) || SESSION_IDENTITY.test(text))
                return derived;
            if ((CURRENT_USER_ATTRIBUTE.test(text) && currentUserIsProxy(w)) || CURRENT_IDENTITY.test(text))
                return derived;
            break;
        }
        case 'subscript': {
            const value = node.childForFieldName('value');
            const key = node.childForFieldName('subscript');
            const vt = requestText(value?.compactText ?? '');
            const kv = key ? stringValue(key) : undefined;
            if (vt === 'request.headers' && kv !== undefined && AUTH_HEADER.test(kv))
                return raw;
            if (REQUEST_PARAMS.test(vt) && kv !== undefined && AUTH_PARAM.test(kv))
                return raw;
            if (vt === 'session' && !isSessionStateKey(key, w))
                return derived;
            if (vt === 'request.environ' && kv !== undefined && AUTH_ENVIRON.test(kv))
                return raw;
            break;
        }
        case 'call': {
            const fnNode = node.childForFieldName('function');
            const ft = requestText(fnNode?.compactText ?? '');
            const args = node.childForFieldName('arguments');
            const first = firstCode(args?.namedChildren) ?? null;
            const fv = first ? stringValue(first) : undefined;
            if (REQUEST_HEADER_GET.test(ft) && fv !== undefined && AUTH_HEADER.test(fv))
                return raw;
            if (REQUEST_PARAM_GET.test(ft) && fv !== undefined && AUTH_PARAM.test(fv))
                return raw;
            if (ft === 'session.get' && !isSessionStateKey(first, w))
                return derived;
            // `g.get("auth_token")` is `g.auth_token` (flask.g is an attribute namespace with a dict's `get`).
            if (G_GET.test(ft) && fv !== undefined && G_IDENTITY.test(`g.${fv}`))
                return derived;
            const callee = lastName(node);
            const target = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object') : null;
            if (target?.type === 'identifier' && w.lookupVars.has(target.compactText) && FETCH_METHOD.test(callee))
                return derived;
            if (IDENTITY_GETTERS.test(callee) || (callee === 'current_user' && currentUserIsProxy(w)))
                return derived;
            break;
        }
        case 'comparison_operator': {
            // `'Authorization' in request.headers`, `'token' not in request.cookies`
            const [left, right] = node.namedChildren;
            const lv = left ? stringValue(left) : undefined;
            const rt = requestText(right?.compactText ?? '');
            if (lv !== undefined && rt === 'request.headers' && AUTH_HEADER.test(lv))
                return raw;
            if (lv !== undefined && REQUEST_PARAMS.test(rt) && AUTH_PARAM.test(lv))
                return raw;
            if (rt === 'session' && left && !isSessionStateKey(left, w))
                return derived;
            break;
        }
        case 'lambda':
            return false;
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (readsCredential(c, w, depth + 1, kind))
            return true;
    return false;
}
/**
 * Is `current_user` here the auth libraries' proxy of the signed-in caller? Yes when imported from one of them,
 * or imported under its own name (a project module re-exporting it), or not imported at all (a global the
 * module leaves to Flask-Login's template context or a star import). No when the name is bound to something
 * else of the project: `from CTFd.utils import user as current_user` is a module of helper functions, whose
 * calls are judged like any helper's.
 */
function currentUserIsProxy(w) {
    for (let s = w.scope; s; s = s.parent) {
        const b = s.imports.get('current_user');
        if (!b)
            continue;
        if (CATALOGUE.identityProxyPackages.has(b.module.split('.')[0]))
            return true;
        return b.name === 'current_user';
    }
    return true;
}
/** Every read readsCredential recognises names one of these, or a name known to hold a credential. */
const CREDENTIAL_WORDS = /request|session|current_user|current_identity|get_jwt|get_raw_jwt|\bg\s*\./;
/** False when `text` cannot contain a credential read: most statements, which then need no walk. */
function mayReadCredential(text, w, words = CREDENTIAL_WORDS) {
    if (words.test(text))
        return true;
    for (const name of w.credVars)
        if (text.includes(name))
            return true;
    for (const name of w.rawVars)
        if (text.includes(name))
            return true;
    for (const name of w.lookupVars)
        if (text.includes(name))
            return true;
    return false;
}
/**
 * CREDENTIAL_WORDS for every part of a text at once: a text it rejects has no part (no node's text within it)
 * that mayReadCredential accepts. `g.` at the start of a part is a word boundary there whatever precedes it in
 * the whole text, so here only a letter or underscore before it rules it out (`config.get`, `log.info`).
 */
const CREDENTIAL_WORDS_WITHIN = /request|session|current_user|current_identity|get_jwt|get_raw_jwt|(?<![A-Za-z_])g\s*\./;
/**
 * Still the credential as sent, only reshaped (`header.split()[1]`, `token or ''`, `auth[7:]`)? Then a name
 * assigned from it holds a raw credential; anything else (a lookup, a verifier) makes it derived.
 */
function isRawCredential(node, w, depth = 0) {
    if (depth > 20)
        return false;
    // Every way to true below ends in readsCredential(…, 'raw') of a part of this node.
    if (depth === 0 && !mayReadCredential(node.text, w, CREDENTIAL_WORDS_WITHIN))
        return false;
    switch (node.type) {
        case 'parenthesized_expression':
        case 'conditional_expression':
        case 'boolean_operator':
            for (const c of node.namedChildren) {
                if (c.type !== 'comment' && isRawCredential(c, w, depth + 1))
                    return true;
            }
            return false;
        case 'subscript': {
            const value = node.childForFieldName('value');
            if (value && isRawCredential(value, w, depth + 1))
                return true;
            break;
        }
        case 'call': {
            const fn = node.childForFieldName('function');
            const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
            if (obj && RESHAPING_METHOD.test(lastName(fn)) && isRawCredential(obj, w, depth + 1))
                return true;
            if (/^(str|bytes)$/.test(fn?.text ?? '')) {
                const arg = firstCode(node.childForFieldName('arguments')?.namedChildren);
                if (arg && isRawCredential(arg, w, depth + 1))
                    return true;
            }
            break;
        }
    }
    return readsCredential(node, w, depth + 1, 'raw') && !readsCredential(node, w, depth + 1, 'derived')
        ? node.type !== 'call' || /^request\./.test(requestText(node.childForFieldName('function')?.text ?? ''))
        : false;
}
/** String methods that reshape a credential without checking it. */
const RESHAPING_METHOD = /^(strip|lstrip|rstrip|split|rsplit|partition|rpartition|replace|lower|upper|casefold|title|removeprefix|removesuffix|encode|get)$/;
/**
 * The request as written through its module (`flask.request.headers`, Connexion's `connexion.request`, which is
 * Flask's request) reads as `request.headers`.
 */
function requestText(text) {
    const dot = text.indexOf('.');
    return dot > 0 && text.startsWith('request', dot + 1) && CATALOGUE.requestModules.has(text.slice(0, dot))
        ? text.slice(dot + 1)
        : text;
}
/**
 * A session key that keeps page-flow state, written as a string or as a name for one: a constant
 * (`session.get(_CSRF_KEY)`, `session[cls._NEXT_KEY]`) by every string assigned to it in an enclosing scope, a
 * parameter by its default (`def verify_csrf(key=_CSRF_KEY)`: a helper is written around the entry it keeps, and
 * the callers that pass no key read that one). Any other key is read as `session.get(key)` is: as who the caller is.
 */
function isSessionStateKey(node, w) {
    if (!node)
        return false;
    const literal = stringValue(node);
    if (literal !== undefined)
        return SESSION_STATE_KEY.test(literal);
    const name = node.type === 'identifier' ? node.text : node.type === 'attribute' ? lastName(node) : undefined;
    return name !== undefined && namedStateKey(name, w.scope, 0);
}
function namedStateKey(name, scope, depth) {
    for (let s = scope; s; s = s.parent) {
        if (s.params.has(name)) {
            const fallback = s.owner?.defaults[name];
            if (fallback?.k === 'str')
                return SESSION_STATE_KEY.test(fallback.v);
            return fallback?.k === 'name' && depth < 4 && namedStateKey(fallback.id, s.parent, depth + 1);
        }
        const values = s.assigns.get(name);
        if (values?.length)
            return values.every((v) => v.k === 'str' && SESSION_STATE_KEY.test(v.v));
    }
    return false;
}
/** Reading the result of a query from a cursor or query object: `c.fetchone()`, `q.first()`. */
const FETCH_METHOD = /^(fetchone|fetchall|fetchmany|first|one|one_or_none|scalar|scalar_one_or_none)$/;
/** Functions a credential can be handed to without being checked: formatting, logging, responses. */
const NON_CHECKING_CALL = /^(len|str|bytes|bool|int|float|repr|type|id|hash|isinstance|hasattr|getattr|setattr|print|format|list|tuple|dict|set|jsonify|make_response|abort|redirect|url_for|render_template|Response|startswith|endswith|split|rsplit|partition|strip|replace|lower|upper|encode|decode_header|append|extend|update|setdefault|get)$/;
const NON_CHECKING_MODULE = /^(json|base64|binascii|re|urllib(\.parse)?|string|textwrap|logging|warnings)\./;
/** A callee (`print`, `json.dumps`, `request.headers.get`) that checks nothing it is handed: no credential check. */
function checksNothing(callee) {
    return (NON_CHECKING_CALL.test(callee.slice(callee.lastIndexOf('.') + 1)) ||
        NON_CHECKING_MODULE.test(callee) ||
        callee.startsWith('request.') ||
        LOGGING_CALL.test(callee));
}
/** A comparison that only tests presence or the scheme word: `token is None`, `scheme != 'Bearer'`, `len(t) < 8`. */
function isPresenceComparison(node) {
    const operands = codeOf(node.namedChildren);
    const ops = node.children.filter((c) => c && !c.isNamed).map((c) => c.type);
    if (operands.length !== 2 || ops.length !== 1)
        return false;
    const [a, b] = operands;
    const op = ops[0];
    const literal = (n) => (n.type === 'none' ? '' : stringValue(n));
    const la = literal(a);
    const lb = literal(b);
    if ((op === 'in' || op === 'not in') && la !== undefined) {
        return /^(request\.(headers|cookies|args|values|form)|session)$/.test(b.compactText);
    }
    const lit = lb ?? la;
    if (lit !== undefined && /^(|bearer|basic|token|jwt|digest)$/i.test(lit.trim()))
        return true;
    if (a.type === 'call' && lastName(a) === 'len')
        return true;
    if (b.type === 'call' && lastName(b) === 'len')
        return true;
    if ((op === 'is' || op === 'is not') &&
        (a.type === 'true' || b.type === 'true' || a.type === 'false' || b.type === 'false'))
        return true;
    return false;
}
/** Is a failure raised here swallowed by an enclosing try (a handler that catches it and does not reject)? */
function swallowed(w) {
    return w.guards.some((g) => g.kind === 'try' && !g.handlerRejects);
}
function noteCheck(node, w) {
    const ln = line(node);
    if (!w.facts.credentialChecks.includes(ln))
        w.facts.credentialChecks.push(ln);
}
function literalStrings(node, w, depth = 0) {
    if (depth > 8)
        return [];
    const v = stringValue(node);
    if (v !== undefined)
        return [v];
    if (['list', 'tuple', 'set', 'expression_list', 'parenthesized_expression'].includes(node.type)) {
        return node.namedChildren.flatMap((c) => (c ? literalStrings(c, w, depth + 1) : []));
    }
    if (node.type === 'identifier') {
        // A module-level constant such as PUBLIC_ENDPOINTS = {"auth.login", "health"}.
        for (let s = w.scope; s; s = s.parent) {
            const values = s.assigns.get(node.text);
            if (values?.length)
                return values.flatMap(exprStrings);
        }
    }
    return [];
}
function exprStrings(e) {
    if (e.k === 'str')
        return [e.v];
    if (e.k === 'seq')
        return e.items.flatMap(exprStrings);
    if (e.k === 'call' &&
        e.args.length === 1 &&
        e.fn.k === 'name' &&
        /^(set|frozenset|tuple|list)$/.test(e.fn.id)) {
        return exprStrings(e.args[0]);
    }
    return [];
}
/** A boolean test (`a or b`, `x in LIST`, `p.startswith("/login")`), not a value a condition could test for truth. */
function isTest(node) {
    if (node.type === 'parenthesized_expression') {
        const inner = firstCode(node.namedChildren);
        return !!inner && isTest(inner);
    }
    if (node.type === 'call')
        return /^(startswith|endswith)$/.test(lastName(node));
    return ['comparison_operator', 'boolean_operator', 'not_operator'].includes(node.type);
}
const REQUEST_ROUTE_ATTR = /\brequest\.(endpoint|path|url_rule|blueprint|url|full_path|base_url|method|script_root)\b/;
/** The condition mentions the endpoint a url_value_preprocessor is handed. */
function namesEndpointParam(text, w) {
    return !!w.endpointParam && new RegExp(`\\b${w.endpointParam}\\b`).test(text);
}
/**
 * The first segment of the request's path (`request.path.split("/")[1] == "api"`, or `[0]` once the leading slash
 * is stripped): the requests under `/api/`, and `/api` itself.
 */
const FIRST_PATH_SEGMENT = /^request\.path\.(split\((['"])\/\2\)\[1\]|l?strip\((['"])\/\3\)\.split\((['"])\/\4\)\[0\])$/;
function allowGuard(cond, negated, w) {
    const text = cond.text;
    // `if request.endpoint and …` holds for every routed request: no list of anything.
    if (cond.type === 'attribute' && /^request\.\w+$/.test(text))
        return undefined;
    const markerCheck = /\b(getattr|hasattr)\s*\(|view_functions/.test(text);
    if (!REQUEST_ROUTE_ATTR.test(text) && !markerCheck && !namesEndpointParam(text, w))
        return undefined;
    const endpoints = [];
    const endpointPrefixes = [];
    const blueprints = [];
    const paths = [];
    const prefixes = [];
    const methods = [];
    const registries = [];
    let opaque = markerCheck;
    const visit = (n, depth) => {
        if (depth > 20)
            return;
        if (n.type === 'call') {
            const fn = n.childForFieldName('function');
            const args = n.childForFieldName('arguments');
            const an = args ? codeOf(args.namedChildren) : [];
            const objText = fn?.type === 'attribute' ? (fn.childForFieldName('object')?.text ?? '') : '';
            if (lastName(fn) === 'startswith' && /request\.(path|url|full_path)/.test(objText)) {
                for (const a of an)
                    prefixes.push(...literalStrings(a, w));
                return;
            }
            // `request.endpoint.startswith("public")`: every endpoint so named, blueprints `public*` included.
            if (lastName(fn) === 'startswith' && /request\.endpoint/.test(objText)) {
                for (const a of an)
                    endpointPrefixes.push(...literalStrings(a, w));
                return;
            }
            if (/^(getattr|hasattr)$/.test(lastName(fn))) {
                for (const a of an) {
                    const s = stringValue(a);
                    if (s)
                        endpoints.push(`@marker:${s}`);
                }
            }
            if (lastName(fn) === 'any' || lastName(fn) === 'match' || lastName(fn) === 'fullmatch')
                opaque = true;
        }
        if (n.type === 'comparison_operator') {
            const operands = n.namedChildren.filter((c) => !!c);
            const subject = operands.find((o) => REQUEST_ROUTE_ATTR.test(o.text) || (o.type === 'identifier' && o.text === w.endpointParam));
            if (subject) {
                const values = operands.filter((o) => o !== subject).flatMap((o) => literalStrings(o, w));
                const subjectText = subject.compactText;
                // `request.endpoint.split(".")[0]` and `.partition(".")[0]` name the blueprint.
                const blueprintOfEndpoint = /^request\.endpoint\.(r?split|partition)\(['"]\.['"](,\d+)?\)\[0\]$/.test(subjectText);
                if (/request\.blueprint/.test(subjectText) || blueprintOfEndpoint)
                    blueprints.push(...values);
                else if (/request\.endpoint/.test(subjectText) || subjectText === w.endpointParam)
                    endpoints.push(...values);
                else if (/request\.method/.test(subjectText))
                    methods.push(...values.map((v) => v.toUpperCase()));
                else if (FIRST_PATH_SEGMENT.test(subjectText)) {
                    paths.push(...values.map((v) => `/${v}`));
                    prefixes.push(...values.map((v) => `/${v}/`));
                }
                else
                    paths.push(...values);
                if (values.length === 0) {
                    opaque = true;
                    // `request.endpoint in PUBLIC`, filled at import time by a decorator: resolved against decorators later.
                    const other = operands.find((o) => o !== subject);
                    if (other && (other.type === 'identifier' || other.type === 'attribute'))
                        registries.push(toExpr(other));
                }
                return;
            }
        }
        for (const c of n.namedChildren)
            if (c)
                visit(c, depth + 1);
    };
    visit(cond, 0);
    if (/request\.(url_rule)/.test(text) && endpoints.length + paths.length + prefixes.length === 0)
        opaque = true;
    return {
        kind: 'allow',
        negated,
        endpoints,
        endpointPrefixes,
        blueprints,
        paths,
        prefixes,
        methods,
        opaque,
        ...(registries.length ? { registries } : {}),
    };
}
/**
 * A condition that reads no credential decides something other than who the caller is (`import_in_progress()`,
 * a setting): its `other` and helper-predicate guards are marked, so a rejection under them alone is not
 * authentication.
 */
function markUnrelated(guards, cond, w) {
    if (readsCredential(cond, w) || callsWithCredential(cond, w))
        return guards;
    return guards.map((g) => g.kind === 'other' || g.kind === 'predicate' ? { ...g, unrelated: true } : g);
}
/** A call in the condition that is handed a credential (`check_key(request.headers['X-Key'])`). */
function callsWithCredential(cond, w, depth = 0) {
    if (depth > 20)
        return false;
    // Every way to true is readsCredential of a part of `cond`, whose gate no part passes when the whole fails this.
    if (depth === 0 && !mayReadCredential(cond.text, w, CREDENTIAL_WORDS_WITHIN))
        return false;
    if (cond.type === 'call') {
        const args = cond.childForFieldName('arguments');
        if (args && readsCredential(args, w))
            return true;
    }
    for (const c of cond.namedChildren)
        if (c && callsWithCredential(c, w, depth + 1))
            return true;
    return false;
}
/** The guards an if-condition puts on its branch: every part of an `and` holds (as `or` under negation). */
function conditionGuards(cond, negated, w, depth = 0) {
    if (depth > 20)
        return [{ kind: 'other' }];
    const held = cond.type === 'identifier' ? w.routeTests.get(cond.text) : undefined;
    if (held)
        return conditionGuards(held, negated, w, depth + 1);
    if (cond.type === 'parenthesized_expression') {
        const inner = firstCode(cond.namedChildren);
        if (inner)
            return conditionGuards(inner, negated, w, depth + 1);
    }
    if (cond.type === 'not_operator') {
        const arg = cond.childForFieldName('argument');
        if (arg)
            return conditionGuards(arg, !negated, w, depth + 1);
    }
    if (cond.type === 'boolean_operator') {
        const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
        const left = cond.childForFieldName('left');
        const right = cond.childForFieldName('right');
        if (left && right && (op === 'and') !== negated) {
            return [
                ...conditionGuards(left, negated, w, depth + 1),
                ...conditionGuards(right, negated, w, depth + 1),
            ];
        }
    }
    const guard = classifyCondition(cond, negated, w, depth);
    const differs = guard.kind === 'other' ? differingValues(cond, negated) : undefined;
    const compared = differs ? { ...guard, differs } : guard;
    // A part that reads no credential: the analysis asks whether it depends on the resource the request names.
    if (compared.kind === 'other' && !readsCredential(cond, w) && !callsWithCredential(cond, w))
        return [{ ...compared, subject: toExpr(cond), ...(negated ? { negated: true } : {}) }];
    return [compared];
}
/** The two values a condition holds only when they differ: `a != b`, or `a == b` under negation. */
function differingValues(cond, negated) {
    const parts = cond.type === 'comparison_operator' ? twoOperands(cond) : undefined;
    if (!parts)
        return undefined;
    const [a, op, b] = parts;
    const whenDiffering = op === '!=' ? !negated : op === '==' && negated;
    return whenDiffering ? [toExpr(a), toExpr(b)] : undefined;
}
/** A comparison of two operands by one operator (`a != b`, not `a < b < c`): the operands and the operator. */
function twoOperands(cmp) {
    const operands = cmp.namedChildren.filter((c) => !!c);
    const ops = cmp.children.filter((c) => c && !c.isNamed).map((c) => c.type);
    return operands.length === 2 && ops.length === 1 ? [operands[0], ops[0], operands[1]] : undefined;
}
/** Classify an if-condition (as it must hold for the branch to run). */
function classifyCondition(cond, negated, w, depth = 0) {
    if (depth > 20)
        return { kind: 'other' };
    const held = cond.type === 'identifier' ? w.routeTests.get(cond.text) : undefined;
    if (held)
        return classifyCondition(held, negated, w, depth + 1);
    switch (cond.type) {
        case 'not_operator': {
            const arg = cond.childForFieldName('argument');
            return arg ? classifyCondition(arg, !negated, w, depth + 1) : { kind: 'other' };
        }
        case 'parenthesized_expression': {
            const inner = firstCode(cond.namedChildren);
            return inner ? classifyCondition(inner, negated, w, depth + 1) : { kind: 'other' };
        }
        case 'boolean_operator': {
            const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
            const left = cond.childForFieldName('left');
            const right = cond.childForFieldName('right');
            if (!left || !right)
                return { kind: 'other' };
            // De Morgan: under negation `and` behaves as `or`.
            const isAnd = (op === 'and') !== negated;
            const parts = [
                classifyCondition(left, negated, w, depth + 1),
                classifyCondition(right, negated, w, depth + 1),
            ];
            const presence = parts.filter((p) => p.kind === 'presence');
            if (isAnd) {
                const allow = parts.find((p) => p.kind === 'allow');
                if (presence.length)
                    return presence[0];
                // Both hold: either one is a sound guard; a helper predicate may turn out to test presence.
                return allow ?? parts.find((p) => p.kind === 'predicate') ?? { kind: 'other' };
            }
            // `or`: the branch runs when any side holds.
            if (presence.length && presence.every((p) => !p.present))
                return { kind: 'presence', present: false };
            // `if user is None or not perm.can(): raise`: when the helper or method turns out to test the caller, the
            // whole holds for every caller it turns away, as a `not token` part does.
            const absent = parts.find((p) => p.kind === 'predicate' && !p.present);
            if (absent && !presence.length && !parts.some((p) => p.kind === 'predicate' && p.present))
                return absent;
            const allows = parts.filter((p) => p.kind === 'allow');
            if (allows.length === parts.length && allows.every((a) => !a.negated)) {
                return {
                    kind: 'allow',
                    negated: false,
                    endpoints: allows.flatMap((a) => a.endpoints),
                    endpointPrefixes: allows.flatMap((a) => a.endpointPrefixes),
                    blueprints: allows.flatMap((a) => a.blueprints),
                    paths: allows.flatMap((a) => a.paths),
                    prefixes: allows.flatMap((a) => a.prefixes),
                    methods: allows.flatMap((a) => a.methods),
                    opaque: allows.some((a) => a.opaque),
                };
            }
            return { kind: 'other' };
        }
        case 'comparison_operator': {
            const operands = cond.namedChildren.filter((c) => !!c);
            const ops = cond.children.filter((c) => c && !c.isNamed).map((c) => c.type);
            if (operands.length === 2 && ops.length === 1) {
                const [a, b] = operands;
                const op = ops[0];
                const isEmpty = (n) => n.type === 'none' || stringValue(n) === '';
                // `authed() is False`, `is_admin() == True`: the test of the other operand, negated or not.
                const bool = (n) => n.type === 'true' || n.type === 'false';
                if (['is', '==', 'is not', '!='].includes(op) && bool(a) !== bool(b)) {
                    const [subject, value] = bool(b) ? [a, b] : [b, a];
                    const holdsWhenTrue = (value.type === 'true') === (op === 'is' || op === '==');
                    return classifyCondition(subject, holdsWhenTrue ? negated : !negated, w, depth + 1);
                }
                if ((op === 'is' || op === '==') && (isEmpty(b) || isEmpty(a))) {
                    const subject = isEmpty(b) ? a : b;
                    if (readsCredential(subject, w))
                        return { kind: 'presence', present: negated, raw: isRawCredential(subject, w) };
                }
                if ((op === 'is not' || op === '!=') && (isEmpty(b) || isEmpty(a))) {
                    const subject = isEmpty(b) ? a : b;
                    if (readsCredential(subject, w))
                        return { kind: 'presence', present: !negated, raw: isRawCredential(subject, w) };
                }
                if ((op === 'in' || op === 'not in') &&
                    /^(request\.(headers|cookies|args)|session)$/.test(b.compactText)) {
                    const key = stringValue(a);
                    const inSession = b.text.trim() === 'session';
                    if (key !== undefined &&
                        (inSession ? !SESSION_STATE_KEY.test(key) : AUTH_HEADER.test(key) || AUTH_PARAM.test(key))) {
                        return { kind: 'presence', present: (op === 'in') !== negated, raw: !inSession };
                    }
                }
            }
            const local = operands.length === 2 && ops.length === 1
                ? loopbackTest(operands[0], operands[1], ops[0], w)
                : undefined;
            if (local !== undefined)
                return { kind: 'loopback', local: local !== negated };
            // `request.endpoint not in PUBLIC` holds for requests outside the list.
            const flips = ops.length === 1 && (ops[0] === 'not in' || ops[0] === '!=' || ops[0] === 'is not');
            return allowGuard(cond, negated !== flips, w) ?? { kind: 'other' };
        }
        case 'identifier':
        case 'attribute':
        case 'call':
        case 'subscript': {
            if (cond.type === 'call' && /^(isinstance|callable|len)$/.test(lastName(cond))) {
                return allowGuard(cond, negated, w) ?? { kind: 'other' };
            }
            const signedIn = identityStateTest(cond, w);
            if (signedIn !== undefined)
                return { kind: 'presence', present: signedIn !== negated };
            const allow = allowGuard(cond, negated, w);
            if (allow)
                return allow;
            // `if token:` / `if request.authorization:` tests presence; `if current_user.is_admin` does not, nor does a
            // test of the account's state (`if current_user.confirmed:`: the caller's proxy answers it, anonymous or not).
            if (cond.type !== 'call' &&
                readsCredential(cond, w) &&
                !/\.(is_|has_|can_|role|admin)/.test(cond.text) &&
                !accountStateAttribute(cond, w)) {
                return { kind: 'presence', present: !negated, raw: isRawCredential(cond, w) };
            }
            // `if auth.startswith('Bearer ')` tests the format of what was sent, not its validity.
            if (cond.type === 'call') {
                const fn = cond.childForFieldName('function');
                const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
                if (obj &&
                    /^(startswith|endswith|isalnum|isascii|isdigit|isidentifier|istitle|islower|isupper)$/.test(lastName(fn)) &&
                    isRawCredential(obj, w))
                    return { kind: 'presence', present: !negated, raw: true };
                // `if authed():`, `if current_user.is_admin():` with a project helper: resolved by the analysis.
                if (fn &&
                    (fn.type === 'identifier' || fn.type === 'attribute') &&
                    !NON_CHECKING_CALL.test(lastName(fn)))
                    return { kind: 'predicate', fn: toExpr(fn), present: !negated, ...addressesPassed(cond, w) };
            }
            return { kind: 'other' };
        }
        default:
            return allowGuard(cond, negated, w) ?? { kind: 'other' };
    }
}
/** The address of the connection the request came on: what a proxy-less server saw, not what the client claims. */
const CONNECTION_ADDRESS = /^(flask\.)?request\.(remote_addr|environ\.get\((['"])REMOTE_ADDR\3\)|environ\[(['"])REMOTE_ADDR\4\])$/;
/** Addresses only the machine itself connects from. */
const LOOPBACK_ADDRESS = new Set(['127.0.0.1', '::1', 'localhost']);
/**
 * `request.remote_addr in ("127.0.0.1", "::1")` (or `==`, `not in`, `!=`): whether the test holds for loopback
 * connections only (true) or for all others (false); undefined when it compares anything else, or with any
 * address that is not a loopback one (a block list).
 */
function loopbackTest(a, b, op, w) {
    const test = addressComparison(a, b, op, w);
    return test && 'connection' in test.address ? test.local : undefined;
}
/**
 * The address a node holds: the connection's, or a parameter's (a helper `is_loopback(value)` testing what its
 * caller passes). A Host header (`request.host`, `HTTP_HOST`) is none: the client writes it.
 */
function addressOf(n, w) {
    if (CONNECTION_ADDRESS.test(n.compactText) || (n.type === 'identifier' && w.addressVars.has(n.text)))
        return { connection: true };
    return n.type === 'identifier' && w.params.includes(n.text) ? { param: n.text } : undefined;
}
/**
 * An address compared with loopback addresses (`addr in ("127.0.0.1", "::1")`, `value == "localhost"`): which
 * address, and whether the test holds for loopback ones only (`local`) or for all others. The connection's address
 * equal to a value the application holds (`request.remote_addr == g.get("web_addr")`, the address it listens on)
 * also lets one host only through, and no client can choose the address its connection comes from.
 */
function addressComparison(a, b, op, w) {
    const [addr, other] = addressOf(a, w) ? [a, b] : [b, a];
    const address = addressOf(addr, w);
    if (!address)
        return undefined;
    const membership = op === 'in' || op === 'not in';
    if (!membership && op !== '==' && op !== '!=')
        return undefined;
    const local = op === 'in' || op === '==';
    if (!membership &&
        'connection' in address &&
        stringValue(other) === undefined &&
        heldByApplication(other, w))
        return { address, local };
    const items = membership
        ? ['tuple', 'list', 'set'].includes(other.type)
            ? other.namedChildren.filter((c) => !!c)
            : []
        : [other];
    const values = items.map(stringValue);
    if (!values.length || !values.every((v) => v !== undefined && LOOPBACK_ADDRESS.has(v)))
        return undefined;
    return { address, local };
}
/** What the request carries, the client's own words for it included (`request.host`, `environ["HTTP_HOST"]`). */
const REQUEST_WORDS = /\b(request|session|environ|headers|cookies|args|form|json|view_args)\b/;
/**
 * A value read from no part of the request: a setting or global (`g.get("web_addr")`, `app.config["HOST"]`) or a
 * local name assigned one; not a literal, not a parameter (what a caller passes is unknown).
 */
function heldByApplication(n, w) {
    if (n.type === 'identifier')
        return w.heldVars.has(n.text);
    if (n.type !== 'attribute' && n.type !== 'call' && n.type !== 'subscript')
        return false;
    if (REQUEST_WORDS.test(n.text))
        return false;
    let root = n;
    while (root && root.type !== 'identifier')
        root = root.childForFieldName(root.type === 'attribute' ? 'object' : root.type === 'call' ? 'function' : 'value');
    return !!root && !w.params.includes(root.text) && !w.addressVars.has(root.text);
}
/** `ipaddress.ip_address(value).is_loopback`: the library's test that an address is a loopback one. */
function ipLoopbackAddress(n, w) {
    if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'is_loopback')
        return undefined;
    const call = n.childForFieldName('object');
    if (call?.type !== 'call')
        return undefined;
    if (!/^(ipaddress\.)?(ip_address|IPv4Address|IPv6Address)$/.test(call.childForFieldName('function')?.compactText ?? ''))
        return undefined;
    const arg = callArgs(call)[0];
    return arg ? addressOf(arg, w) : undefined;
}
/** The addresses a call passes (`is_local(request.remote_addr)`), when it passes any. */
function addressesPassed(call, w) {
    const addresses = { args: [], kw: {} };
    let any = false;
    for (const a of callArgs(call)) {
        if (a.type === 'keyword_argument') {
            const name = a.childForFieldName('name')?.text;
            const value = a.childForFieldName('value');
            const address = value ? addressOf(value, w) : undefined;
            if (name && address) {
                addresses.kw[name] = address;
                any = true;
            }
        }
        else {
            const address = addressOf(a, w) ?? null;
            addresses.args.push(address);
            any ||= !!address;
        }
    }
    return any ? { addresses } : {};
}
/**
 * A returned value that holds for loopback addresses only: a comparison with them, the `ipaddress` test, either
 * of two such tests, or a helper's answer (`return is_loopback_address(remote_addr)`). Undefined when the value
 * is anything else (`return False` is told apart by the analysis).
 */
function returnedAddressTests(value, w, depth) {
    if (depth > 10)
        return undefined;
    switch (value.type) {
        case 'parenthesized_expression': {
            const inner = firstCode(value.namedChildren);
            return inner ? returnedAddressTests(inner, w, depth + 1) : undefined;
        }
        case 'boolean_operator': {
            if (!value.children.some((c) => c?.type === 'or'))
                return undefined;
            const l = value.childForFieldName('left');
            const r = value.childForFieldName('right');
            const left = l && returnedAddressTests(l, w, depth + 1);
            const right = r && returnedAddressTests(r, w, depth + 1);
            return left && right ? [...left, ...right] : undefined;
        }
        case 'comparison_operator': {
            const parts = twoOperands(value);
            const test = parts && addressComparison(parts[0], parts[2], parts[1], w);
            return test?.local ? [{ line: line(value), address: test.address }] : undefined;
        }
        case 'attribute': {
            const address = ipLoopbackAddress(value, w);
            return address ? [{ line: line(value), address }] : undefined;
        }
        case 'call': {
            // Only a call passing an address: other returned calls (`render_template(...)`) are far too many to keep.
            const fn = value.childForFieldName('function');
            const { addresses } = addressesPassed(value, w);
            if (!addresses || !fn || (fn.type !== 'identifier' && fn.type !== 'attribute'))
                return undefined;
            return [{ line: line(value), helper: toExpr(fn), ...addresses }];
        }
        default:
            return undefined;
    }
}
/**
 * `current_user.is_authenticated` (or Flask-Login < 0.3's `is_authenticated()`) holds only for a signed-in
 * caller, `is_anonymous` only for one without credentials: whether there is an identity at all, as a presence
 * test. Anything else about the identity (`is_admin`, `confirmed`) is a check of it.
 */
/** `current_user.confirmed`, `g.user.active`: an attribute of the caller's account that is not who they are. */
function accountStateAttribute(cond, w) {
    if (cond.type !== 'attribute')
        return false;
    const obj = cond.childForFieldName('object');
    const name = cond.childForFieldName('attribute')?.text ?? '';
    return (!!obj &&
        obj.compactText === 'current_user' &&
        readsCredential(obj, w, 0, 'derived') &&
        !/^(id|user_?id|username|email|name|sub|identity)$/.test(name));
}
function identityStateTest(cond, w) {
    const attr = cond.type === 'call' ? cond.childForFieldName('function') : cond;
    if (attr?.type !== 'attribute' || (cond.type === 'call' && callArgs(cond).length))
        return undefined;
    const obj = attr.childForFieldName('object');
    if (!obj || !readsCredential(obj, w, 0, 'derived'))
        return undefined;
    const name = attr.childForFieldName('attribute')?.text;
    return name === 'is_authenticated' ? true : name === 'is_anonymous' ? false : undefined;
}
function callArgs(call) {
    const args = call.childForFieldName('arguments');
    return args ? codeOf(args.namedChildren) : [];
}
function isReturnOfNothing(stmt) {
    const value = firstCode(stmt.namedChildren);
    return !value || value.type === 'none';
}
function isRejectingReturn(stmt) {
    const value = firstCode(stmt.namedChildren);
    return !!value && isRejectingResponse(value);
}
/** Where a redirect to sign-in goes (`url_for("login")`, `"/auth/signin"`, `url_for(".authenticate")`). */
const SIGN_IN_TARGET = /login|signin|sign_in|auth|sso|oauth/i;
/** A response that turns the caller away: a 401/403 status, an auth error, or a redirect to sign-in. */
function isRejectingResponse(value) {
    if (mentionsAuthStatus(value))
        return true;
    const callNode = value.type === 'call' ? value : undefined;
    if (callNode) {
        const name = lastName(callNode);
        if (REJECT_CALLEE.test(name))
            return true;
        if (name === 'redirect' && SIGN_IN_TARGET.test(callNode.text))
            return true;
    }
    return false;
}
/** The returned response carries a status held in a name only ever set to 401/403 (`status=status`). */
function returnsStatusVar(node, w, depth) {
    if (!w.statusVars.size || depth > 20 || node.type === 'lambda')
        return false;
    if (node.type === 'identifier')
        return w.statusVars.has(node.text);
    for (const c of node.namedChildren)
        if (c && returnsStatusVar(c, w, depth + 1))
            return true;
    return false;
}
/** `return redirect(...)` to anywhere: a rejection when only callers without credentials are sent away (auth.ts). */
function isRedirect(stmt) {
    const value = firstCode(stmt.namedChildren);
    return value?.type === 'call' && lastName(value) === 'redirect';
}
function isRejectingRaise(stmt) {
    const value = firstCode(stmt.namedChildren);
    if (!value)
        return true; // re-raise inside a handler
    if (mentionsAuthStatus(value))
        return true;
    const name = value.type === 'call' ? lastName(value) : lastName(value.type === 'attribute' ? value : value);
    return REJECT_EXCEPTION.test(name || value.text.slice(0, 80));
}
function isAbortCall(node) {
    return (node.type === 'call' &&
        lastName(node) === 'abort' &&
        mentionsAuthStatus(node.childForFieldName('arguments') ?? node));
}
/** Exception types a failed verification raises, or that catch it (`Exception`, a bare `except:`). */
const AUTH_FAILURE_TYPES = /\b(Exception|BaseException)\b|auth|jwt|jose|token|signature|expired|decode|invalid|credential|permission|unauthori[sz]ed|forbidden|bad_?data|bad_?payload|claim|header|http|verif|identity|csrf/i;
/**
 * Does a failure raised in the try body still stop the request? Not when a handler that catches it (a bare
 * `except:`, `except Exception`, an auth or token error) carries on without rejecting, returning or re-raising.
 * A try whose handlers catch only unrelated errors (`except ValueError`) lets the failure through.
 */
function handlerRejects(tryStmt) {
    for (const c of tryStmt.namedChildren) {
        if (c?.type !== 'except_clause' && c?.type !== 'except_group_clause')
            continue;
        const caught = c.namedChildren
            .filter((x) => !!x && x.type !== 'block' && x.type !== 'comment')
            .map((x) => x.text)
            .join(' ');
        if (caught && !AUTH_FAILURE_TYPES.test(caught.replace(/\bas\s+\w+$/, '')))
            continue;
        // A handler that re-raises only under a condition (`if require_auth: raise`) lets the other failures through.
        const body = c.namedChildren.find((x) => x?.type === 'block') ?? null;
        if (!alwaysEnds(body, 0))
            return false;
    }
    return true;
}
/**
 * Every path through the statements of a block ends the request: a raise, an abort, a returned response, or an
 * `if` whose branches (an `else` among them) all do.
 */
function alwaysEnds(block, depth) {
    if (!block || depth > 20)
        return false;
    return block.namedChildren.some((st) => {
        if (!st)
            return false;
        switch (st.type) {
            case 'raise_statement':
                return true;
            case 'return_statement':
                return !isReturnOfNothing(st);
            case 'expression_statement':
                return st.namedChildren.some((e) => e?.type === 'call' && lastName(e) === 'abort');
            case 'with_statement':
                return alwaysEnds(st.childForFieldName('body'), depth + 1);
            case 'if_statement': {
                const alternatives = st.childrenForFieldName('alternative');
                return (alternatives.some((a) => a.type === 'else_clause') &&
                    alwaysEnds(st.childForFieldName('consequence'), depth + 1) &&
                    alternatives.every((a) => alwaysEnds(a.childForFieldName(a.type === 'else_clause' ? 'body' : 'consequence'), depth + 1)));
            }
            default:
                return false;
        }
    });
}
/** The exception classes an `except` clause names (`except (NotFound, NotAuthorized) as e:`), not its alias. */
function caughtTypes(clause) {
    const out = [];
    const add = (n) => {
        if (!n)
            return;
        if (n.type === 'identifier' || n.type === 'attribute')
            out.push(toExpr(n));
        else if (n.type === 'as_pattern')
            add(n.namedChildren[0] ?? null);
        else if (n.type === 'tuple' || n.type === 'parenthesized_expression' || n.type === 'expression_list')
            for (const c of n.namedChildren)
                add(c);
    };
    for (const c of clause.children) {
        if (!c || c.type === 'as' || c.type === ':')
            break;
        if (c.isNamed && c.type !== 'block' && c.type !== 'comment')
            add(c);
    }
    return out;
}
/** A handler that returns a response, raises or aborts: the view is not reached. */
function subtreeStops(node, depth) {
    if (depth > 60)
        return false;
    if (node.type === 'raise_statement')
        return true;
    if (node.type === 'return_statement')
        return !isReturnOfNothing(node);
    if (node.type === 'call' && lastName(node) === 'abort')
        return true;
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
        return false;
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (subtreeStops(c, depth + 1))
            return true;
    return false;
}
/**
 * An `except` handler that answers with a refusal (a 401/403 response, abort or exception). A bare re-raise hands
 * the caught exception on unchanged: what it means is decided elsewhere, so it refuses nothing here.
 */
function subtreeRejects(node, depth) {
    if (depth > 60)
        return false;
    if (node.type === 'return_statement')
        return isRejectingReturn(node);
    if (node.type === 'raise_statement')
        return !!firstCode(node.namedChildren) && isRejectingRaise(node);
    if (isAbortCall(node))
        return true;
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
        return false;
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (subtreeRejects(c, depth + 1))
            return true;
    return false;
}
// ---------------------------------------------------------------------------------------------
// Tokens as data: what holds a bearer token, and where it is logged or read from the URL.
/**
 * Names that say a value is a bearer credential itself: a parameter so named is handed one (`def refresh(access_token)`),
 * an attribute or key so named holds one (`user.access_token`, `resp["id_token"]`). A bare `token`, `claims` or
 * `encoded` names no credential (an ACME challenge, a DNS record's token, an invitation): such a value is a token only
 * when it comes from a credential source (readsToken).
 */
const CREDENTIAL_NAME = /^(access_?token|refresh_?token|id_?token|auth_?token|bearer_?token|jwt(_?token)?|raw_?jwt|encoded_?jwt|auth_?header|authorization(_?header)?)$/i;
/**
 * One claim that names the user or describes the token, not a credential: logging `claims["sub"]` is fine,
 * logging `claims` is not. Documented in docs/rules/token-in-logs.md.
 */
const PLAIN_CLAIM = /^(sub|user_?id|uid|id|identity|username|user_?name|preferred_username|name|email|role|roles|scope|scp|iss|aud|azp|client_?id|exp|iat|nbf|jti|type|fresh)$/i;
const LOGGING_CALL = /^(print|pprint|pprint\.pprint|logging\.(debug|info|warning|warn|error|exception|critical|log)|(\w+\.)*(log|logger|_logger|LOG|LOGGER)\.(debug|info|warning|warn|error|exception|critical|log)|sys\.(stdout|stderr)\.write)$/;
const TOKEN_PRODUCERS = /^(get_jwt|get_raw_jwt|get_jwt_header|decode_token|get_unverified_claims)$/;
/** Calls that issue a credential: flask-jwt-extended's token factories, PyJWT's `jwt.encode`. */
const TOKEN_ISSUERS = /(^|\.)jwt\.encode$|(^|\.)(create_access_token|create_refresh_token)$/;
/** Calls whose result carries what they are given: formatting and serialising (`"{}".format(t)`, `json.dumps(c)`). */
const CARRIES_ARGUMENTS = /^(str|repr|format|join|dumps|dict|list|tuple|pformat)$/;
/**
 * Does a header, cookie or parameter name denote a token? Judged by its last word (a trailing `cookie`/`header`
 * ignored): `access_token`, `jwt`, `X-API-Key`, `Authorization` do; `token_type_hint`, `token_expiry` do not.
 */
function namesToken(key) {
    const words = key
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
    while (words.length > 1 && /^(cookie|header)$/.test(words[words.length - 1]))
        words.pop();
    const last = words[words.length - 1] ?? '';
    const prev = words[words.length - 2] ?? '';
    if (/^(token|tokens|jwt|bearer|apikey|authorization)$/.test(last))
        return true;
    if (last === 'key')
        return /^(api|access|auth)$/.test(prev);
    if (last === 'auth')
        return words.length === 1 || prev === 'x';
    return false;
}
/** `x.split()`, `x.split(" ", 1)`, `x.partition(" ")`: splitting an Authorization header into scheme and token. */
function isWhitespaceSplit(node) {
    if (node.type !== 'call')
        return false;
    const fn = node.childForFieldName('function');
    const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
    if (!/^(split|rsplit|partition)$/.test(method))
        return false;
    const first = firstCode(node.childForFieldName('arguments')?.namedChildren);
    if (!first || first.type === 'none' || first.type === 'keyword_argument')
        return method !== 'partition';
    const sep = stringValue(first);
    return !!sep && sep.trim() === '';
}
/**
 * Does the expression carry a credential from a credential source: the Authorization header or a token read from
 * the request, a token the code issues (`create_access_token`, `jwt.encode`) or decodes (`jwt.decode`, `get_jwt()`),
 * a variable assigned from one of those, a parameter or attribute named for a bearer credential (CREDENTIAL_NAME)?
 * What other calls return is not the token handed to them (`status = check_dns(fqdn, token)`).
 */
function readsToken(node, w, depth = 0) {
    if (depth > 30)
        return false;
    if (depth === 0 && !mayReadToken(node.text, w))
        return false;
    switch (node.type) {
        case 'identifier':
            return w.tokenVars.has(node.compactText);
        // `"Authorization" in request.headers`, `not token`, `scheme == "Bearer"`: a boolean, not the token.
        case 'comparison_operator':
        case 'not_operator':
            return false;
        case 'attribute': {
            const text = node.compactText;
            if (REQUEST_AUTH_OR_HEADERS.test(text))
                return true;
            // `user.access_token` is a credential; `challenge.token` and `user.token_count` are not. Attribute reads of
            // other objects stop here.
            return CREDENTIAL_NAME.test(node.childForFieldName('attribute')?.text ?? '');
        }
        case 'subscript': {
            const valueNode = node.childForFieldName('value');
            const value = valueNode?.compactText ?? '';
            const key = node.childForFieldName('subscript');
            const kv = key ? stringValue(key) : undefined;
            if (REQUEST_INPUTS.test(value) && kv !== undefined)
                return namesToken(kv);
            const entries = valueNode?.type === 'identifier' ? w.tokenDicts.get(value) : undefined;
            if (entries && kv !== undefined)
                return entries.has(kv);
            if (kv !== undefined && PLAIN_CLAIM.test(kv))
                return false;
            if (kv !== undefined && CREDENTIAL_NAME.test(kv))
                return true;
            // `auth.split(" ")[0]`, `parts[0]`: the scheme word.
            if (key?.type === 'integer' &&
                key.text === '0' &&
                valueNode &&
                (isWhitespaceSplit(valueNode) || w.splitVars.has(valueNode.text)))
                return false;
            break;
        }
        case 'call': {
            const fn = node.childForFieldName('function');
            const ft = fn?.compactText ?? '';
            const first = firstCode(node.childForFieldName('arguments')?.namedChildren);
            const fv = first ? stringValue(first) : undefined;
            if (REQUEST_INPUT_GET.test(ft))
                return fv !== undefined && namesToken(fv);
            if (TOKEN_PRODUCERS.test(lastName(fn ?? null)))
                return true;
            // `len(token)`, `mask(token)`, `sha256(token)`: what is logged is not the token.
            if (NOT_THE_TOKEN.test(lastName(fn ?? null)))
                return false;
            if (JWT_DECODE.test(ft) || TOKEN_ISSUERS.test(ft))
                return true;
            if (fn?.type === 'attribute') {
                // `claims.get("sub")`: one plain claim. `auth.split(" ")[1]`, `token.strip()`: still the token.
                const method = fn.childForFieldName('attribute')?.text ?? '';
                if ((method === 'get' || method === 'pop') && fv !== undefined && PLAIN_CLAIM.test(fv))
                    return false;
                if ((method === 'get' || method === 'pop') && fv !== undefined && CREDENTIAL_NAME.test(fv))
                    return true;
                const obj = fn.childForFieldName('object');
                const entries = obj?.type === 'identifier' ? w.tokenDicts.get(obj.compactText) : undefined;
                if (entries && (method === 'get' || method === 'pop') && fv !== undefined)
                    return entries.has(fv);
                if (obj && readsToken(obj, w, depth + 1))
                    return true;
            }
            if (!CARRIES_ARGUMENTS.test(lastName(fn ?? null)))
                return false;
            const args = node.childForFieldName('arguments');
            return !!args && readsToken(args, w, depth + 1);
        }
        case 'keyword_argument': {
            // `exc_info=True`, `extra={...}`: only the value matters.
            const value = node.childForFieldName('value');
            return value ? readsToken(value, w, depth + 1) : false;
        }
        case 'lambda':
            return false;
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (readsToken(c, w, depth + 1))
            return true;
    return false;
}
/**
 * Every way readsToken says yes needs one of these in the text: a credential name (CREDENTIAL_NAME,
 * TOKEN_PRODUCERS and TOKEN_ISSUERS share these words), `request.`, a `decode` call, or a name known to hold a token.
 */
const TOKEN_WORDS = /token|jwt|auth|decode|request/i;
/** False when no part of `text` can carry a token. */
function mayReadToken(text, w) {
    if (TOKEN_WORDS.test(text))
        return true;
    for (const name of w.tokenVars)
        if (text.includes(name))
            return true;
    return false;
}
/** `auth = request.headers["Authorization"]`; `scheme, token = auth.split(" ", 1)`: the scheme word is not a token. */
function noteTokenTargets(left, right, w) {
    if (!readsToken(right, w))
        return;
    const split = isWhitespaceSplit(right) || (right.type === 'identifier' && w.splitVars.has(right.text));
    const names = targetNames(left);
    if (split && left.type === 'identifier')
        w.splitVars.add(left.text);
    if (right.type === 'dictionary' && left.type === 'identifier') {
        const keys = tokenKeys(right, w);
        if (keys)
            w.tokenDicts.set(left.text, keys);
    }
    // `username, password = credentials`: the name of the user is not the secret that comes with it.
    const targets = split && names.length > 1 ? names.slice(1) : names;
    for (const n of targets)
        if (targets.length === 1 || !PLAIN_CLAIM.test(n))
            w.tokenVars.add(n);
}
/** The literal keys of a dict display whose values carry a token; undefined when some key is not a literal. */
function tokenKeys(dict, w) {
    const keys = new Set();
    for (const pair of dict.namedChildren) {
        if (!pair || pair.type === 'comment')
            continue;
        const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
        const kv = key ? stringValue(key) : undefined;
        if (kv === undefined)
            return undefined;
        const value = pair.childForFieldName('value');
        if (value && readsToken(value, w))
            keys.add(kv);
    }
    return keys;
}
function argumentsCarryToken(call, w) {
    const args = call.childForFieldName('arguments');
    return (args?.namedChildren ?? []).some((a) => !!a && a.type !== 'comment' && readsToken(a, w));
}
/** `request.args.get('token')`, `request.values['access_token']`: a token taken from the URL. */
function scanQueryTokenReads(node, w, depth) {
    if (depth > 40 || node.type === 'lambda' || node.type === 'function_definition')
        return;
    // Both forms read `request.args` or `request.values`.
    if (depth === 0 && !node.text.includes('request'))
        return;
    if (node.type === 'call' || node.type === 'subscript') {
        const target = node.type === 'call'
            ? (node.childForFieldName('function')?.compactText ?? '')
            : (node.childForFieldName('value')?.compactText ?? '');
        const keyNode = node.type === 'call'
            ? firstCode(node.childForFieldName('arguments')?.namedChildren)
            : node.childForFieldName('subscript');
        const key = keyNode ? stringValue(keyNode) : undefined;
        const ok = node.type === 'call'
            ? /^request\.(args|values)\.get$/.test(target)
            : /^request\.(args|values)$/.test(target);
        if (ok && key !== undefined && namesToken(key) && !w.facts.queryTokenReads.includes(line(node))) {
            w.facts.queryTokenReads.push(line(node));
        }
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        scanQueryTokenReads(c, w, depth + 1);
}
/** The guards in force, as a list of their own (the shared empty list when there are none). */
function guardsNow(w) {
    return w.guards.length ? [...w.guards] : NONE;
}
const NO_AFTER_EXITS = Object.freeze({});
/**
 * The negated conditions of earlier exits in force, as an `afterExits` field to spread into a fact (a list of their
 * own: the walk shortens `w.afterExits` when it leaves the block); no field when there are none.
 */
function afterExitsNow(w) {
    return w.afterExits.length ? { afterExits: [...w.afterExits] } : NO_AFTER_EXITS;
}
/**
 * Whether an argument of a call reads a credential. (A loop in a function of its own: a closure over `w` inside
 * collectCalls would make every call of that walk allocate a context.)
 */
function anyArgumentReadsCredential(call, w) {
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (a.type !== 'comment' && readsCredential(a, w))
            return true;
    }
    return false;
}
function collectCalls(node, w, depth) {
    if (depth > 40)
        return;
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')
        return;
    if (node.type === 'comparison_operator' &&
        !w.quiet &&
        readsCredential(node, w) &&
        !isPresenceComparison(node))
        noteCheck(node, w);
    if (node.type === 'call') {
        const fnNode = node.childForFieldName('function');
        const callee = requestText(fnNode?.compactText ?? '');
        // A logging call (`print`, `logger.info`…), told from the callee text already at hand.
        const logging = LOGGING_CALL.test(callee);
        // In a quiet expression (no credential word anywhere in it) no argument reads one: asked first.
        if (!w.quiet &&
            !swallowed(w) &&
            !NON_CHECKING_CALL.test(lastName(fnNode)) &&
            !NON_CHECKING_MODULE.test(callee) &&
            !callee.startsWith('request.') &&
            !logging &&
            anyArgumentReadsCredential(node, w)) {
            noteCheck(node, w);
            const target = fnNode?.type === 'attribute' ? fnNode.childForFieldName('object') : null;
            if (target?.type === 'identifier' && target.compactText !== 'request')
                w.lookupVars.add(target.compactText);
        }
        const e = toExpr(node);
        if (e.k === 'call') {
            w.facts.calls.push({
                fn: e.fn,
                args: e.args,
                kw: e.kw,
                line: line(node),
                guards: guardsNow(w),
                ...afterExitsNow(w),
            });
            if (logging && argumentsCarryToken(node, w))
                w.facts.tokenLogs.push(line(node));
        }
        if (isAbortCall(node))
            w.facts.rejects.push({ line: line(node), guards: guardsNow(w) });
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        collectCalls(c, w, depth + 1);
}
/** Walk a nested statement or block one level down, with `extra` guards in force meanwhile. */
function walkInner(n, w, extra = NONE) {
    if (extra.length)
        w.guards.push(...extra);
    w.depth++;
    walkFacts(n, w);
    w.depth--;
    if (extra.length)
        w.guards.splice(w.guards.length - extra.length, extra.length);
}
function walkFacts(node, w) {
    if (w.depth > MAX_DEPTH)
        return;
    switch (node.type) {
        case 'function_definition':
        case 'class_definition':
        case 'decorated_definition':
            return;
        case 'block':
        case 'module': {
            // An `if` of this block that ends by an exit adds to `afterExits` for the statements after it, not beyond.
            const outer = w.afterExits.length;
            for (const c of node.namedChildren)
                if (c)
                    walkInner(c, w);
            w.afterExits.length = outer;
            return;
        }
        case 'if_statement': {
            const cond = node.childForFieldName('condition');
            collectFromExpression(cond, w);
            // Testing what a verifier or lookup produced (`if not user`, `if not current_user.is_admin`) checks the credential.
            if (cond && readsCredential(cond, w, 0, 'derived'))
                noteCheck(cond, w);
            const guards = cond
                ? markUnrelated(conditionGuards(cond, false, w), cond, w)
                : [{ kind: 'other' }];
            const consequence = node.childForFieldName('consequence');
            notePassTests(cond, false, w);
            if (consequence)
                walkInner(consequence, w, guards);
            if (cond && consequence)
                notePassesPerDisjunct(cond, consequence, w);
            // Each later branch runs when every earlier condition failed: when each part of an `or` failed, so an
            // allow-list part (`or is_invitation`) stays an exemption next to the credential test.
            const negations = cond
                ? markUnrelated(conditionGuards(cond, true, w), cond, w)
                : [{ kind: 'other' }];
            for (const alt of node.childrenForFieldName('alternative')) {
                if (!alt)
                    continue;
                if (alt.type === 'elif_clause') {
                    const c2 = alt.childForFieldName('condition');
                    collectFromExpression(c2, w);
                    notePassTests(c2, false, w);
                    if (c2 && readsCredential(c2, w, 0, 'derived'))
                        noteCheck(c2, w);
                    const g2 = c2 ? markUnrelated(conditionGuards(c2, false, w), c2, w) : [{ kind: 'other' }];
                    const body = alt.childForFieldName('consequence');
                    w.guards.push(...negations);
                    if (body)
                        walkInner(body, w, g2);
                    w.guards.splice(w.guards.length - negations.length, negations.length);
                    negations.push(...(c2 ? markUnrelated([classifyCondition(c2, true, w)], c2, w) : [{ kind: 'other' }]));
                }
                else {
                    const body = alt.childForFieldName('body');
                    w.guards.push(...negations);
                    if (body)
                        walkInner(body, w);
                    w.guards.splice(w.guards.length - negations.length, negations.length);
                }
            }
            // `if is_admin: return f()` with no other branch: the statements after it run only when `cond` failed.
            if (cond && !node.childrenForFieldName('alternative').length && endsByExit(consequence)) {
                w.afterExits.push(...negations);
                notePassTests(cond, true, w);
            }
            return;
        }
        case 'try_statement': {
            const body = node.childForFieldName('body');
            const rejects = handlerRejects(node);
            if (body)
                walkInner(body, w, [{ kind: 'try', handlerRejects: rejects }]);
            // When a handler swallows the missing-credential failure, the other handlers (`except Expired: return 401`)
            // only run for requests that carry a credential.
            const handlerGuards = rejects ? [{ kind: 'handler' }] : [{ kind: 'presence', present: true }];
            for (const c of node.namedChildren) {
                if (!c || c === body)
                    continue;
                if ((c.type === 'except_clause' || c.type === 'except_group_clause') && subtreeStops(c, 0))
                    w.facts.handlers.push({
                        caught: caughtTypes(c),
                        line: line(c),
                        guards: guardsNow(w),
                        rejects: subtreeRejects(c, 0),
                    });
                walkInner(c, w, c.type === 'except_clause' || c.type === 'except_group_clause' ? handlerGuards : []);
            }
            // Recorded after the handlers, whose own assignments (`authenticated = False`) record the failure instead.
            if (body)
                noteTryRecords(body, w);
            return;
        }
        case 'except_clause':
        case 'except_group_clause':
        case 'finally_clause':
        case 'else_clause':
        case 'with_statement':
        case 'for_statement':
        case 'while_statement':
            for (const c of node.namedChildren) {
                if (!c)
                    continue;
                if (c.type === 'block')
                    walkInner(c, w);
                else if (c.type !== 'comment')
                    collectFromExpression(c, w);
            }
            return;
        case 'return_statement': {
            collectFromExpression(node, w);
            const returned = firstCode(node.namedChildren);
            const stored = returned?.type === 'identifier' ? w.rejectVars.get(returned.text) : undefined;
            // `return response` after `response = "Forbidden", 403` under a failed check: rejects where it was assigned.
            if (stored)
                w.facts.rejects.push(...stored);
            if (isRejectingReturn(node) || returnsStatusVar(node, w, 0))
                w.facts.rejects.push({ line: line(node), guards: guardsNow(w) });
            else if (isReturnOfNothing(node))
                w.facts.passes.push({ line: line(node), guards: guardsNow(w) });
            else if (isRedirect(node))
                w.facts.redirects.push({ line: line(node), guards: guardsNow(w) });
            const value = firstCode(node.namedChildren);
            if (value) {
                const tests = returnedAddressTests(value, w, 0);
                if (tests)
                    w.facts.addressTests.push(...tests);
                if (readsCredential(value, w, 0, 'derived'))
                    w.facts.returnsCredential = true;
                collectReturnSources(value, w, 0);
                if (readsOwnState(value, w, 0))
                    w.facts.returnsOwnState = true;
                if (value.type === 'true' || value.type === 'false')
                    for (const g of w.guards)
                        if (g.kind === 'predicate')
                            w.facts.returnSources.push(g.fn);
                const result = toExpr(value);
                w.facts.returns.push(result);
                w.facts.returnGuards.push({
                    line: result.line,
                    guards: guardsNow(w),
                    ...afterExitsNow(w),
                });
                if (value.type === 'identifier')
                    w.facts.returnedNames.push(value.text);
                for (const g of w.guards)
                    if (g.kind === 'other' &&
                        !g.negated &&
                        g.subject?.k === 'name' &&
                        mentions(result, new Set([g.subject.id])))
                        w.facts.filledOnce.push(g.subject.id);
            }
            return;
        }
        case 'raise_statement': {
            collectFromExpression(node, w);
            if (isRejectingRaise(node))
                w.facts.rejects.push({
                    line: line(node),
                    guards: guardsNow(w),
                    ...(firstCode(node.namedChildren) ? {} : { reraise: true }),
                });
            else {
                // Whether `raise Nope()` rejects depends on the class (an HTTPException with code 401, an error handler).
                const value = firstCode(node.namedChildren);
                const exc = value?.type === 'call' ? value.childForFieldName('function') : value;
                const args = value?.type === 'call' ? value.childForFieldName('arguments') : null;
                if (exc && (exc.type === 'identifier' || exc.type === 'attribute'))
                    w.facts.raises.push({
                        exc: toExpr(exc),
                        line: line(node),
                        guards: guardsNow(w),
                        ...afterExitsNow(w),
                        ...(args && SIGN_IN_TARGET.test(args.text) ? { signIn: true } : {}),
                    });
            }
            return;
        }
        case 'expression_statement': {
            for (const e of node.namedChildren) {
                if (!e)
                    continue;
                if (e.type === 'assignment') {
                    const left = e.childForFieldName('left');
                    const right = e.childForFieldName('right');
                    if (right && left && readsCredential(right, w))
                        for (const n of targetNames(left))
                            w.credVars.add(n);
                    if (right && left) {
                        const raw = isRawCredential(right, w);
                        for (const n of targetNames(left)) {
                            if (raw)
                                w.rawVars.add(n);
                            else
                                w.rawVars.delete(n);
                        }
                    }
                    if (right && left)
                        noteTokenTargets(left, right, w);
                    if (left?.type === 'identifier' && right) {
                        const name = left.text;
                        if (isTest(right) &&
                            allowGuard(right, false, w) &&
                            !w.routeTests.has(name) &&
                            !w.otherVars.has(name))
                            w.routeTests.set(name, right);
                        else
                            w.routeTests.delete(name);
                        if (right.type === 'true')
                            w.facts.flagRaises.push({ name, line: line(e), guards: guardsNow(w) });
                        if (CONNECTION_ADDRESS.test(right.compactText))
                            w.addressVars.add(name);
                        else
                            w.addressVars.delete(name);
                        if (heldByApplication(right, w))
                            w.heldVars.add(name);
                        else
                            w.heldVars.delete(name);
                        if (isRejectingResponse(right)) {
                            const stored = w.rejectVars.get(name) ?? [];
                            stored.push({ line: line(e), guards: guardsNow(w) });
                            w.rejectVars.set(name, stored);
                        }
                        if (right.type === 'integer' && (right.text === '401' || right.text === '403')) {
                            if (!w.otherVars.has(name))
                                w.statusVars.add(name);
                        }
                        else {
                            w.statusVars.delete(name);
                            w.otherVars.add(name);
                        }
                    }
                    if (left?.type === 'subscript' && left.childForFieldName('value')?.compactText === 'session') {
                        const key = left.childForFieldName('subscript');
                        const kv = key ? stringValue(key) : undefined;
                        if (kv !== undefined && !SESSION_STATE_KEY.test(kv))
                            w.facts.sessionSignIns.push(line(e));
                    }
                    if (left?.type === 'attribute') {
                        const obj = left.childForFieldName('object');
                        if (obj?.type === 'identifier' && w.params.includes(obj.text)) {
                            w.facts.marksParam.push(left.childForFieldName('attribute')?.text ?? '');
                        }
                    }
                }
                // `PUBLIC.add(f.__name__)`, `EXEMPT.append(f)`: the decorator enters the view in a registry a hook honours.
                if (e.type === 'call' && /^(add|append)$/.test(lastName(e))) {
                    const fn = e.childForFieldName('function');
                    const registry = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
                    const arg = firstCode(e.childForFieldName('arguments')?.namedChildren);
                    const subject = arg?.type === 'attribute' ? arg.childForFieldName('object') : arg;
                    if (registry &&
                        subject?.type === 'identifier' &&
                        w.params.includes(subject.text) &&
                        (arg === subject || /^__(name|qualname)__$/.test(arg?.childForFieldName('attribute')?.text ?? '')))
                        w.facts.registersParam.push(toExpr(registry));
                }
                if (e.type === 'call' && lastName(e) === 'setattr') {
                    const args = e.childForFieldName('arguments')?.namedChildren ?? [];
                    const attr = args[1] ? stringValue(args[1]) : undefined;
                    if (args[0]?.type === 'identifier' && w.params.includes(args[0].text) && attr)
                        w.facts.marksParam.push(attr);
                }
                collectFromExpression(e, w);
            }
            return;
        }
        default:
            collectFromExpression(node, w);
    }
}
/** The names the statements of a try block assign (passTests): each holds its value only when the block got that far. */
function noteTryRecords(body, w) {
    for (const st of body.namedChildren) {
        if (st?.type !== 'expression_statement')
            continue;
        for (const e of st.namedChildren) {
            const left = e?.type === 'assignment' ? e.childForFieldName('left') : null;
            if (left)
                for (const n of targetNames(left))
                    w.tryRecords.set(n, { from: line(body), line: line(e) });
        }
    }
}
/**
 * A condition (negated: its failure) that holds only when a name a try block assigned is truthy (`if authenticated:`,
 * `if user and …`, or after `if not authenticated: return …`): the name is tested for the block's success.
 */
function notePassTests(cond, negated, w, depth = 0) {
    if (!cond || !w.tryRecords.size || depth > 20)
        return;
    if (cond.type === 'parenthesized_expression')
        return notePassTests(firstCode(cond.namedChildren) ?? null, negated, w, depth + 1);
    if (cond.type === 'not_operator')
        return notePassTests(cond.childForFieldName('argument'), !negated, w, depth + 1);
    if (cond.type === 'boolean_operator') {
        // Both sides of an `and` hold, as both sides of a failed `or` fail.
        const op = cond.children.find((c) => c && (c.type === 'and' || c.type === 'or'))?.type;
        if ((op === 'and') === negated)
            return;
        notePassTests(cond.childForFieldName('left'), negated, w, depth + 1);
        notePassTests(cond.childForFieldName('right'), negated, w, depth + 1);
        return;
    }
    const record = cond.type === 'identifier' && !negated ? w.tryRecords.get(cond.text) : undefined;
    if (record && !w.facts.passTests.some((t) => t.name === cond.text && t.line === record.line))
        w.facts.passTests.push({ name: cond.text, ...record });
}
/** A branch whose last statement returns or raises: nothing after its `if` runs when it is taken. */
function endsByExit(block) {
    const last = block?.namedChildren.filter((c) => c && c.type !== 'comment').at(-1);
    return last?.type === 'return_statement' || last?.type === 'raise_statement';
}
/**
 * `if view is None or getattr(view, "is_public", False): return` lets a request through when either part holds:
 * a plain `return` of the branch is recorded once more under each part, so allow-lists and early exits for a
 * missing credential inside an `or` are seen.
 */
function notePassesPerDisjunct(cond, consequence, w) {
    let c = cond;
    while (c.type === 'parenthesized_expression')
        c = firstCode(c.namedChildren) ?? c;
    if (c.type !== 'boolean_operator' || !c.children.some((x) => x?.type === 'or'))
        return;
    const returns = consequence.namedChildren.filter((st) => st?.type === 'return_statement' && isReturnOfNothing(st));
    if (!returns.length)
        return;
    const parts = [];
    const split = (n, depth) => {
        while (n.type === 'parenthesized_expression')
            n = firstCode(n.namedChildren) ?? n;
        if (depth < 10 && n.type === 'boolean_operator' && n.children.some((x) => x?.type === 'or')) {
            const l = n.childForFieldName('left');
            const r = n.childForFieldName('right');
            if (l)
                split(l, depth + 1);
            if (r)
                split(r, depth + 1);
        }
        else
            parts.push(n);
    };
    split(c, 0);
    for (const part of parts) {
        const g = markUnrelated(conditionGuards(part, false, w), part, w);
        for (const r of returns)
            w.facts.passes.push({ line: line(r), guards: [...w.guards, ...g] });
    }
}
/**
 * The value reads the state of the method's own object (its first parameter, `self`): an attribute, an item or a
 * `get` of it, unless under a page-flow key (SESSION_STATE_KEY).
 */
function readsOwnState(node, w, depth) {
    const self = w.params[0];
    if (!self || depth > 20 || node.type === 'lambda')
        return false;
    const onSelf = (n) => n?.type === 'identifier' && n.text === self;
    const ownKey = (n) => {
        const key = n ? stringValue(n) : undefined;
        return key !== undefined && !SESSION_STATE_KEY.test(key);
    };
    if (node.type === 'attribute' && onSelf(node.childForFieldName('object')))
        return !SESSION_STATE_KEY.test(node.childForFieldName('attribute')?.text ?? '');
    if (node.type === 'subscript' && onSelf(node.childForFieldName('value')))
        return ownKey(node.childForFieldName('subscript'));
    if (node.type === 'call') {
        const fn = node.childForFieldName('function');
        if (fn?.type === 'attribute' && onSelf(fn.childForFieldName('object')))
            return lastName(fn) === 'get' && ownKey(firstCode(node.childForFieldName('arguments')?.namedChildren));
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (readsOwnState(c, w, depth + 1))
            return true;
    return false;
}
/** Calls a returned value is computed from (`bool(authed())`, `is_admin() and x`): what a predicate derives from. */
function collectReturnSources(node, w, depth) {
    if (depth > 20 || node.type === 'lambda')
        return;
    if (node.type === 'call') {
        const fn = node.childForFieldName('function');
        if (fn && (fn.type === 'identifier' || fn.type === 'attribute') && !NON_CHECKING_CALL.test(lastName(fn)))
            w.facts.returnSources.push(toExpr(fn));
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        collectReturnSources(c, w, depth + 1);
}
/** Credential reads under a presence test, also inside conditional expressions (`a if current_user.is_authenticated else b`). */
function notePresenceReads(node, w, depth) {
    if (depth > 30 || node.type === 'lambda' || !mayReadCredential(node.text, w))
        return;
    if (w.guards.some((g) => g.kind === 'presence' && g.present) && readsCredential(node, w, 0, 'derived')) {
        if (!w.facts.presenceReads.includes(line(node)))
            w.facts.presenceReads.push(line(node));
        return;
    }
    if (node.type === 'conditional_expression') {
        const [body, cond, alt] = codeOf(node.namedChildren);
        if (body && cond) {
            const held = conditionGuards(cond, false, w);
            w.guards.push(...held);
            notePresenceReads(body, w, depth + 1);
            w.guards.splice(w.guards.length - held.length, held.length);
            if (alt) {
                w.guards.push(classifyCondition(cond, true, w));
                notePresenceReads(alt, w, depth + 1);
                w.guards.pop();
            }
            return;
        }
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        notePresenceReads(c, w, depth + 1);
}
function collectFromExpression(node, w) {
    if (!node)
        return;
    if (!mayReadCredential(node.text, w, CREDENTIAL_WORDS_WITHIN)) {
        // No part reads a credential or `request` (which every query-string read names): only the calls remain.
        w.quiet = true;
        collectCalls(node, w, 0);
        w.quiet = false;
        return;
    }
    notePresenceReads(node, w, 0);
    scanQueryTokenReads(node, w, 0);
    if (readsCredential(node, w))
        w.facts.credentialReads.push(line(node));
    if (readsCredential(node, w, 0, 'raw'))
        w.facts.rawCredentialReads.push(line(node));
    if (reliesOnIdentity(node, w, 0))
        w.facts.reliedIdentityReads.push(line(node));
    collectCalls(node, w, 0);
}
/** Attributes every caller's identity answers, signed in or not: tests of whether there is one. */
const PRESENCE_ATTRIBUTE = /^(is_authenticated|is_anonymous|is_active)$/;
/**
 * Does the expression take something of the caller's identity that exists only when there is a signed-in caller
 * (BodyFacts.reliedIdentityReads)? A part of the identity (`current_user.id`, `g.user['id']`), a session key, or
 * what an identity getter returns (`get_jwt_identity()`). The identity object itself handed on as a value
 * (`search(q, session.user)`) may be None or an anonymous account, which the callee handles; and the right of an
 * `and` whose left tests the identity (`session.user and session.user.is_admin`) runs only when there is one.
 */
function reliesOnIdentity(node, w, depth) {
    if (depth > 30 || node.type === 'lambda')
        return false;
    if (depth === 0 && !mayReadCredential(node.text, w))
        return false;
    switch (node.type) {
        case 'attribute': {
            const obj = node.childForFieldName('object');
            const attr = node.childForFieldName('attribute')?.text ?? '';
            if (obj && !PRESENCE_ATTRIBUTE.test(attr) && readsCredential(obj, w, 0, 'derived'))
                return true;
            break;
        }
        case 'subscript': {
            // `session['user_id']`, `g.user['id']`: not a key computed from the identity (`names[session.user]`).
            const key = node.childForFieldName('subscript');
            const value = requestText(node.childForFieldName('value')?.compactText ?? '');
            if (value === 'session' && !namesIdentity(key))
                break;
            if (readsCredential(node, w, 0, 'derived') && !(key && readsCredential(key, w, 0, 'derived')))
                return true;
            break;
        }
        case 'call': {
            // `session.get('user_id')`, `get_jwt_identity()`: the call's own read, not one in an argument
            // (`can_access(session.user)`).
            const callee = requestText(node.childForFieldName('function')?.compactText ?? '');
            const key = firstCode(node.childForFieldName('arguments')?.namedChildren) ?? null;
            if (callee === 'session.get' && !namesIdentity(key))
                break;
            if (readsCredential(node, w, 0, 'derived') && !readsInside(node, w))
                return true;
            break;
        }
        case 'boolean_operator': {
            const left = node.childForFieldName('left');
            const operator = node.childForFieldName('operator')?.type;
            if (left && operator === 'and' && readsCredential(left, w, 0, 'derived'))
                return reliesOnIdentity(left, w, depth + 1);
            break;
        }
    }
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (reliesOnIdentity(c, w, depth + 1))
            return true;
    return false;
}
/** A session key written out that names who the caller is; one computed (`session[key]`) may well. */
function namesIdentity(key) {
    const literal = key ? stringValue(key) : undefined;
    return literal === undefined || SESSION_IDENTITY_KEY.test(literal);
}
/** Whether the credential a call reads is read by one of its parts (an argument, the called attribute) instead. */
function readsInside(node, w) {
    for (let c = node.firstWalkChild; c; c = c.nextNamedSibling)
        if (readsCredential(c, w, 0, 'derived'))
            return true;
    return false;
}
function bodyFacts(body, scope, params, endpointParam) {
    const w = {
        facts: emptyFacts(),
        scope,
        params,
        credVars: new Set(),
        rawVars: new Set(),
        tokenVars: new Set(params.filter((p) => CREDENTIAL_NAME.test(p))),
        splitVars: new Set(),
        tokenDicts: new Map(),
        lookupVars: new Set(),
        statusVars: new Set(),
        otherVars: new Set(),
        rejectVars: new Map(),
        routeTests: new Map(),
        addressVars: new Set(),
        heldVars: new Set(),
        ...(endpointParam ? { endpointParam } : {}),
        tryRecords: new Map(),
        guards: [],
        afterExits: [],
        depth: 0,
        quiet: false,
    };
    walkFacts(body, w);
    w.facts.readsRequestData = REQUEST_DATA.test(body.text);
    return w.facts;
}
/** What a request carries besides credentials: URL values, query string, form, JSON or raw body. */
const REQUEST_DATA = /\brequest\.(view_args|args|form|values|json|files|data|get_json|get_data)\b/;
function suppressionsOf(source) {
    return new Map(suppressionComments(source).map((c) => [c.line, c.rules]));
}
/** Build the module picture from a parsed tree. The caller frees the tree afterwards. */
function extract_extractModule(path, source, root) {
    const { name, isPackage } = moduleNameOf(path);
    const mod = {
        file: path,
        name,
        isPackage,
        scope: undefined,
        allFunctions: [],
        allClasses: [],
        facts: NO_FACTS,
        suppressions: suppressionsOf(source),
        hasErrors: root.treeHasError,
    };
    mod.scope = newScope(mod);
    walkBlock(root, mod.scope, { module: mod, depth: 0, loops: [], conditional: false });
    mod.facts = bodyFacts(root, mod.scope, []);
    shareEmptyLists(mod.facts);
    for (const f of mod.allFunctions)
        if (f.facts !== NO_FACTS)
            shareEmptyLists(f.facts);
    for (const c of mod.allClasses)
        if (c.facts !== NO_FACTS)
            shareEmptyLists(c.facts);
    return mod;
}
/** Replace the empty lists of finished facts with the shared one. */
function shareEmptyLists(facts) {
    const lists = facts;
    for (const key of Object.keys(lists)) {
        const value = lists[key];
        if (Array.isArray(value) && value.length === 0)
            lists[key] = NONE;
    }
    return facts;
}
/**
 * The facts of a definition without a body, and what every definition holds until its body has been walked:
 * what `emptyFacts` gives once its lists are shared, made once rather than once more per definition.
 */
const NO_FACTS = Object.freeze(shareEmptyLists(emptyFacts()));

;// CONCATENATED MODULE: ./src/analysis/workers.ts






/** Passed as workerData, so that the worker entry never mistakes another thread (a test runner's) for its own. */
const WORKER_MARKER = 'tokengate-parse';
/** More threads than this cost memory (a parser and a wasm heap each) for little gain. */
const MAX_THREADS = 8;
/**
 * Below this much source, starting workers (about 50 ms each: a thread, the wasm runtime, the grammar) costs
 * more than it saves.
 */
const PARALLEL_MIN_CHARS = (/* unused pure expression or super */ null && (1024 * 1024));
/** Batches small enough to balance the load at the end, large enough that messaging stays cheap. */
const BATCH_CHARS = (/* unused pure expression or super */ null && (128 * 1024));
const BATCH_FILES = 64;
const RAMP_STEPS = 4;
/** Parse one file and copy its tree out of wasm, freeing the tree. Worker threads run this. */
function parseFile(parser, text) {
    try {
        const tree = parser.parse(text);
        try {
            return { flat: flatten(tree, text) };
        }
        finally {
            tree.delete();
        }
    }
    catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
    }
}
/**
 * Reduce a parsed file to its module picture. Every module picture is made by this function in the calling
 * thread, whichever thread parsed the file, so the report does not depend on the number of threads. It consumes
 * `parsed`: the flat tree's buffer is freed (detached) on return.
 */
function extractParsed(path, text, parsed) {
    if ('error' in parsed)
        return parsed;
    try {
        return { module: extractModule(path, text, rootOf(parsed.flat, text)) };
    }
    catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
    }
    finally {
        release(parsed.flat.data.buffer);
    }
}
/**
 * Free a flat tree's memory now. A tree that came from a worker waited in a message or a queue long enough for
 * its ArrayBuffer to reach the old generation, whose memory comes back only at a full collection: on the
 * benchmark tree they held about 35 MiB at the peak. Transferring the buffer to a clone that is dropped at once
 * detaches it and leaves its memory to a young object, freed at the next scavenge.
 */
function release(buffer) {
    structuredClone(buffer, { transfer: [buffer] });
}
/**
 * How many threads parse `files`: `requested` when given (at least 1, at most MAX_THREADS), otherwise every
 * available core up to MAX_THREADS for a large tree and 1 for a small one.
 */
function extractionThreads(files, requested) {
    let chars = 0;
    for (const f of files)
        chars += f.text.length;
    return threadsFor(chars, requested);
}
/** How many threads parse files of `chars` characters in all (see extractionThreads). */
function threadsFor(chars, requested) {
    if (requested !== undefined && Number.isFinite(requested))
        return Math.min(Math.max(Math.floor(requested), 1), MAX_THREADS);
    return chars < PARALLEL_MIN_CHARS ? 1 : Math.min(availableParallelism(), MAX_THREADS);
}
/**
 * Worker threads started early, while the files are still being read and filtered, so that they are ready to
 * parse when the first batch is known (a thread, the wasm runtime and the grammar take about 50 ms of CPU, and
 * longer while the other core is busy); a ParseStream takes them. `workersFor` tells how many a tree this large
 * so far will have: as many threads as threadsFor would give it, less the calling thread. The filter may still
 * keep too little for workers to pay; those not taken are stopped by `close`.
 */
class WorkerPool {
    idle = [];
    constructor(count) {
        const entry = count > 0 ? workerEntry() : undefined;
        if (!entry)
            return;
        for (let i = 0; i < count; i++) {
            const pooled = { worker: spawn(entry) };
            // Until a ParseStream takes it, a failure is only remembered (an unheard 'error' would end the process).
            pooled.worker.once('error', (err) => (pooled.failure ??= workerFailed(err)));
            pooled.worker.once('exit', (code) => (pooled.failure ??= workerStopped(code)));
            this.idle.push(pooled);
        }
    }
    /** How many workers a tree of `chars` characters (so far) would parse with, given `requested` threads. */
    static workersFor(chars, requested) {
        return chars >= PARALLEL_MIN_CHARS ? threadsFor(chars, requested) - 1 : 0;
    }
    get size() {
        return this.idle.length;
    }
    take() {
        return this.idle.shift();
    }
    /** Stop the workers no one took. */
    close() {
        for (const { worker } of this.idle.splice(0))
            void worker.terminate();
    }
}
function spawn(entry) {
    return new Worker(entry.url, {
        workerData: WORKER_MARKER,
        ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
    });
}
function workerFailed(err) {
    return `a worker thread failed (${err.message})`;
}
function workerStopped(code) {
    return `a worker thread stopped early (exit code ${code})`;
}
/**
 * The module picture of every file, in the order of `files`, extracted in this thread from trees `threads - 1`
 * worker threads parse ahead (ParseStream); whatever a worker could not finish (it failed to start, or died) is
 * parsed in this thread, so the result is the same in every case. `callerParses: false` leaves every batch to
 * `threads` workers while any runs (for checking what crosses between threads).
 */
async function extractAll(files, threads, { callerParses = true, pool, timings } = {}) {
    const stream = await ParseStream.open(files, threads, { callerParses, pool });
    try {
        const results = [];
        for (let k = 0; k < files.length; k++) {
            timings?.enter('parse');
            const parsed = await stream.get(k);
            timings?.enter('extract');
            results.push(extractParsed(files[k].path, files[k].text, parsed));
        }
        return { results, workerProblems: stream.problems };
    }
    finally {
        stream.close();
    }
}
/**
 * The worker script beside this module: `worker.js` in a bundle, `worker.ts` when running from the sources
 * (with module hooks that transpile TypeScript). Undefined when a bundle was built without it. The URLs are
 * built from a parameter: ncc would copy a literal `new URL('./x', import.meta.url)` as an asset, and turn a
 * template literal into a context that bundles every file of this directory.
 */
function workerEntry() {
    const beside = (relative) => new URL(relative, import.meta.url);
    const fromSources = import.meta.url.endsWith('.ts');
    const url = beside(fromSources ? './worker.ts' : './worker.js');
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url)))
        return undefined;
    if (!fromSources)
        return { url };
    const hooks = beside('./source-hooks.mjs').href;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
    return { url, execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`] };
}
/**
 * Batches of BATCH_FILES files or BATCH_CHARS characters. With `rampUp` the first ones are smaller (1/16, 1/8,
 * 1/4, 1/2 of that): a worker already running hands the caller its first trees after a few files, not a whole
 * batch.
 */
function batchesOf(files, rampUp) {
    const batches = [];
    let current;
    let chars = 0;
    let scale = 1;
    files.forEach((file, i) => {
        if (!current || current.files.length >= BATCH_FILES * scale || chars >= BATCH_CHARS * scale) {
            scale = rampUp ? Math.min(1, 2 ** (batches.length - RAMP_STEPS)) : 1;
            current = { first: i, files: [] };
            batches.push(current);
            chars = 0;
        }
        current.files.push({ path: file.path, text: file.text });
        chars += file.text.length;
    });
    return batches;
}
/**
 * The parsed trees of `files`, in order, for a caller that takes them one by one (`get`) and does more work with
 * each (groups.ts). `threads - 1` worker threads parse batches ahead of the caller, at most a few batches ahead
 * (the flat trees wait in memory); the caller parses a batch itself when it needs one no worker has taken. A
 * batch a worker could not finish (it failed or died) is parsed by the caller. The caller reads the workers' trees
 * with the node names they send, and loads a parser of its own only to parse a batch itself.
 */
class ParseStream {
    callerParses;
    /** Why the workers asked for did not run, or not to the end; empty when they did. */
    problems = [];
    batches;
    batchOf;
    /** `reserved`: left to the caller. */
    state;
    results;
    arrivals = new Map();
    workers = [];
    /** The first batch no one has taken, and the batch the caller is at. */
    next = 0;
    position = 0;
    lookahead;
    /** Loaded when this thread first parses a batch: a caller whose workers parse every batch never loads one. */
    parser;
    constructor(files, threads, callerParses, pool) {
        this.callerParses = callerParses;
        // Workers started early are running by now: they take the first (smaller) batches, the caller none.
        const early = Math.min(pool?.size ?? 0, threads - (callerParses ? 1 : 0));
        this.batches = batchesOf(files, early > 0);
        this.batchOf = new Int32Array(files.length);
        this.batches.forEach((b, i) => this.batchOf.fill(i, b.first, b.first + b.files.length));
        this.state = this.batches.map(() => 'queued');
        this.results = new Array(files.length);
        const wanted = callerParses ? threads - 1 : threads;
        const workers = threads > 1 && this.batches.length > 1 ? Math.min(wanted, this.batches.length) : 0;
        this.lookahead = 2 * workers + 2;
        const entry = workers ? workerEntry() : undefined;
        if (workers && !entry)
            this.problems.push('the worker script (worker.js) is not beside the bundle');
        if (entry) {
            // Otherwise the caller parses the first batch while the workers start (a thread, the wasm runtime, the
            // grammar: long enough to parse a batch), rather than wait for it.
            if (callerParses && early === 0) {
                this.state[0] = 'reserved';
                this.advance();
            }
            for (let i = 0; i < workers; i++)
                this.start(pool?.take() ?? { worker: spawn(entry) });
        }
    }
    static async open(files, threads, { callerParses = true, pool } = {}) {
        return new ParseStream(files, threads, callerParses, pool);
    }
    /** The parsed tree of file `k`; each is given once. */
    async get(k) {
        const b = this.batchOf[k];
        if (b !== this.position) {
            this.position = b;
            // Let the workers' replies in (a busy caller would not), so that they get their next batches.
            if (this.workers.length)
                await new Promise((resolve) => setImmediate(resolve));
            for (const w of this.workers)
                this.handOut(w);
        }
        for (;;) {
            const result = this.results[k];
            if (result) {
                this.results[k] = undefined;
                return result;
            }
            const state = this.state[b];
            const mine = state === 'reserved' || (state === 'queued' && (this.callerParses || !this.running()));
            if (!mine)
                await new Promise((resolve) => this.arrivals.set(b, resolve));
            else if (this.parser)
                this.parseHere(b, this.parser);
            // Workers may take the batch while the parser loads: look again then.
            else
                this.parser = await pythonParser();
        }
    }
    /** Stop the workers. */
    close() {
        for (const w of this.workers) {
            w.dead = true;
            void w.worker.terminate();
        }
    }
    parseHere(b, parser) {
        const batch = this.batches[b];
        this.state[b] = 'taken';
        if (b === this.next)
            this.advance();
        batch.files.forEach((f, i) => (this.results[batch.first + i] = parseFile(parser, f.text)));
        this.state[b] = 'done';
    }
    running() {
        return this.workers.some((w) => !w.dead);
    }
    advance() {
        while (this.next < this.batches.length && this.state[this.next] !== 'queued')
            this.next++;
    }
    start({ worker, failure }) {
        const w = { worker, inFlight: new Set(), dead: false };
        this.workers.push(w);
        const fail = (problem) => {
            if (w.dead)
                return;
            w.dead = true;
            this.problems.push(problem);
            void worker.terminate();
            // Its batches go back to the queue; the caller parses them when it comes to them.
            for (const b of w.inFlight) {
                this.state[b] = 'queued';
                this.wake(b);
            }
            w.inFlight.clear();
        };
        worker.on('message', (reply) => {
            if (reply.names && !adoptNodeNames(reply.names)) {
                fail('a worker thread parsed with a different grammar');
                return;
            }
            const b = this.batchOf[reply.first];
            w.inFlight.delete(b);
            reply.results.forEach((r, i) => (this.results[reply.first + i] = r));
            this.state[b] = 'done';
            this.wake(b);
            this.handOut(w);
        });
        worker.on('error', (err) => fail(workerFailed(err)));
        worker.on('exit', (code) => fail(workerStopped(code)));
        if (failure)
            fail(failure);
        else
            this.handOut(w);
    }
    /** Keep a worker two batches busy, within the look-ahead. */
    handOut(w) {
        while (!w.dead && w.inFlight.size < 2 && this.next < this.batches.length) {
            const b = this.next;
            if (b >= this.position + this.lookahead)
                return;
            this.state[b] = 'taken';
            this.advance();
            w.inFlight.add(b);
            w.worker.postMessage(this.batches[b]);
        }
    }
    wake(b) {
        const resolve = this.arrivals.get(b);
        this.arrivals.delete(b);
        resolve?.();
    }
}

;// CONCATENATED MODULE: ./src/analysis/worker.ts
// The entry of a parsing worker thread: each thread has its own parser (web-tree-sitter's runtime is per thread)
// and hands back each file's flattened tree, whose buffer is transferred, not copied; the calling thread extracts
// the module pictures. The first reply carries the grammar's node names, so that the calling thread reads the
// trees without loading a parser of its own.



const port = external_node_worker_threads_namespaceObject.parentPort;
if (port && external_node_worker_threads_namespaceObject.workerData === WORKER_MARKER) {
    const parser = parser_pythonParser();
    let namesSent = false;
    port.on('message', (request) => {
        void parser.then((p) => {
            const reply = {
                first: request.first,
                results: request.files.map((f) => parseFile(p, f.text)),
            };
            if (!namesSent) {
                reply.names = nodeNames();
                namesSent = true;
            }
            const buffers = reply.results.flatMap((r) => 'flat' in r ? [r.flat.data.buffer] : []);
            port.postMessage(reply, buffers);
        }, (err) => {
            const error = `the Python parser did not load (${err instanceof Error ? err.message : String(err)})`;
            const reply = { first: request.first, results: request.files.map(() => ({ error })) };
            port.postMessage(reply);
        });
    });
}

