import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import { expect, it } from 'vitest';
import { syntheticCodeBase } from '../bench/synthetic.js';
import {
  type FlatData,
  flatten,
  pythonParser,
  syntaxRoot,
  type SyntaxNode,
  treeReading,
  walkWithCursor,
} from '../src/analysis/parser.js';

/** Every .py file under the fixture trees. */
function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && p.endsWith('.py')) out.push(p);
    }
  };
  walk('test/fixtures');
  walk('examples');
  return out.sort();
}

const HOSTILE: Record<string, string> = {
  astral:
    'x = "héllo 😀 wörld"\ndef f(a="日本語😀"):\n    return f"{a} 😀 {x!r}"  # 😀\n@app.route("/😀")\ndef g(): pass\n',
  crlf: 'import os\r\n\r\ndef f(x):\r\n    if x:\r\n        return 1\r\n    return 2\r\n',
  lone_cr: 'a = 1\rb = 2\rdef f():\r    return a\r',
  broken:
    'def f(:\n  return (1,\nclass X(\n  def g(self): pass\n@app.route("/x"\ndef h(): return request.headers["Authorization"]\n',
  nul: 'x = 1\u0000\ny = "a\u0000b"\ndef f():\n    return 2\n',
  deep: `x = ${'('.repeat(400)}1${')'.repeat(400)}\ny = ${'['.repeat(300)}${']'.repeat(300)}\n`,
  separators: 'def f():\n\tif True:\n\t\treturn "\u2028x\u2029"\n',
  empty: '',
};

interface Counts {
  nodes: number;
  fieldLookups: number;
}

/** Compare the flattened tree with web-tree-sitter's own node API, node by node; returns the differences. */
function compare(
  fields: string[],
  a: TreeSitter.Node,
  b: SyntaxNode,
  where: string,
  counts: Counts,
): string[] {
  const out: string[] = [];
  const stack: [TreeSitter.Node, SyntaxNode][] = [[a, b]];
  const same = (x: TreeSitter.Node | null, y: SyntaxNode | null): boolean =>
    x === null
      ? y === null
      : y !== null && x.type === y.type && x.startIndex === y.startIndex && x.endIndex === y.endIndex;
  const point = (p: TreeSitter.Point): string => `${p.row}:${p.column}`;
  while (stack.length) {
    const [x, y] = stack.pop()!;
    counts.nodes++;
    const at = `${where} ${x.type}@${x.startIndex}`;
    if (!same(x, y) || y.isNamed !== x.isNamed || y.text !== x.text) out.push(`${at}: node`);
    if (point(y.startPosition) !== point(x.startPosition)) out.push(`${at}: start`);
    if (point(y.endPosition) !== point(x.endPosition)) out.push(`${at}: end`);
    if (x.isNamed) {
      for (const f of fields) {
        counts.fieldLookups++;
        if (!same(x.childForFieldName(f), y.childForFieldName(f))) out.push(`${at}: .${f}`);
        if (y.childrenForFieldName(f).length !== x.childrenForFieldName(f).length) out.push(`${at}: .${f}[]`);
      }
    }
    const xs = x.children;
    const ys = y.children;
    if (ys.length !== xs.length || y.namedChildren.length !== x.namedChildren.length) {
      out.push(`${at}: children`);
      continue;
    }
    for (let i = 0; i < xs.length; i++) {
      if (ys[i]!.parent !== y) out.push(`${at}: parent of child ${i}`);
      stack.push([xs[i]!, ys[i]!]);
    }
  }
  return out;
}

it('copies trees out of wasm exactly as web-tree-sitter reports them, node by node', async () => {
  const parser = await pythonParser();
  const fields = parser.language.fields.filter((f): f is string => !!f);
  const counts: Counts = { nodes: 0, fieldLookups: 0 };
  const sources = [
    ...fixtureFiles().map((p) => [p, readFileSync(p, 'utf8')] as const),
    ...Object.entries(HOSTILE),
  ];
  for (const [where, text] of sources) {
    const tree = parser.parse(text);
    try {
      const root = syntaxRoot(tree, text);
      expect(root.treeHasError, where).toBe(tree.rootNode.hasError);
      expect(compare(fields, tree.rootNode, root, where, counts).slice(0, 5)).toEqual([]);
    } finally {
      tree.delete();
    }
  }
  expect(sources.length).toBeGreaterThan(40);
  expect(counts.nodes).toBeGreaterThan(10_000);
});

function sameFlat(a: FlatData, b: FlatData): boolean {
  if (a.count !== b.count || a.stride !== b.stride || a.hasError !== b.hasError) return false;
  return a.data.every((v, i) => v === b.data[i]);
}

it("reads trees straight from wasm memory, giving exactly what the runtime's cursor gives", async () => {
  const parser = await pythonParser();
  // This runtime's layout passed the check at load: the comparison above ran on trees read from memory.
  expect(treeReading()).toBe('memory');
  const sources = [
    ...fixtureFiles().map((p) => [p, readFileSync(p, 'utf8')] as const),
    ...Object.entries(HOSTILE),
    ...syntheticCodeBase({ files: 60, seed: 9 }).map((f) => [f.path, f.text] as const),
    ['very deep', `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`] as const,
  ];
  let nodes = 0;
  for (const [where, text] of sources) {
    const tree = parser.parse(text);
    try {
      const read = flatten(tree, text);
      nodes += read.count;
      expect(sameFlat(read, walkWithCursor(tree, text)), where).toBe(true);
    } finally {
      tree.delete();
    }
  }
  expect(nodes).toBeGreaterThan(50_000);
});

it('reads trees with the cursor when the language in memory does not look as expected', async () => {
  const { language } = await pythonParser();
  const address = (language as unknown as { [0]: number })[0];
  expect(treeReading({ language: address })).toBe('memory');
  // Another address: not a language of a known ABI.
  expect(treeReading({ language: address + 4 })).toBe('cursor');
  // The right address with one table read two bytes off: the probe's trees differ, so the check fails.
  for (const misread of ['fieldMapEntries', 'publicSymbols', 'aliasSequences'] as const) {
    expect(treeReading({ language: address, misread }), misread).toBe('cursor');
  }
});

it('keeps a node the same object however it is reached, and needs no tree once flat', async () => {
  const parser = await pythonParser();
  const text = 'def f(a):\n    return g(a, b=1)\n';
  const tree = parser.parse(text);
  const root = syntaxRoot(tree, text);
  tree.delete();
  const fn = root.namedChildren[0]!;
  expect(fn.type).toBe('function_definition');
  expect(fn.childForFieldName('name')).toBe(fn.namedChildren[0]);
  const call = fn.childForFieldName('body')!.namedChildren[0]!.namedChildren[0]!;
  expect(call.type).toBe('call');
  expect(call.text).toBe('g(a, b=1)');
  expect(call.startPosition).toEqual({ row: 1, column: 11 });
  expect(call.parent!.parent!.parent).toBe(fn);
  expect(root.treeHasError).toBe(false);
  const broken = parser.parse('def f(:\n');
  const brokenRoot = syntaxRoot(broken, 'def f(:\n');
  broken.delete();
  expect(brokenRoot.treeHasError).toBe(true);
});

it('gives a node its text without whitespace, and leaves share one empty child list', async () => {
  const parser = await pythonParser();
  const text = 'x = request . headers\t.get("a b")\ny = z\n';
  const tree = parser.parse(text);
  const root = syntaxRoot(tree, text);
  tree.delete();
  const value = root.namedChildren[0]!.namedChildren[0]!.childForFieldName('right')!;
  expect(value.type).toBe('call');
  expect(value.compactText).toBe('request.headers.get("ab")');
  expect(value.childForFieldName('function')!.compactText).toBe('request.headers.get');
  const z = root.namedChildren[1]!.namedChildren[0]!.childForFieldName('right')!;
  expect(z.compactText).toBe('z');
  expect(z.namedChildren).toEqual([]);
  expect(z.children).toBe(root.namedChildren[1]!.namedChildren[0]!.childForFieldName('left')!.children);
});

it('lets walks skip the parts of string literals, but not the expressions inside f-strings', async () => {
  const parser = await pythonParser();
  const text = 'a = "plain \\n text"\nb = f"x {token} y"\nc = f"no fields"\n';
  const tree = parser.parse(text);
  const root = syntaxRoot(tree, text);
  tree.delete();
  const value = (i: number): SyntaxNode =>
    root.namedChildren[i]!.namedChildren[0]!.childForFieldName('right')!;
  expect(value(0).type).toBe('string');
  expect(value(0).namedChildren.map((c) => c.type)).toContain('string_content');
  expect(value(0).walkChildren).toEqual([]);
  expect(value(1).walkChildren).toBe(value(1).namedChildren);
  expect(value(1).walkChildren.map((c) => c.type)).toContain('interpolation');
  expect(value(2).walkChildren).toEqual([]);
  // Not a string: the named children.
  expect(root.walkChildren).toBe(root.namedChildren);
});

it('walks the same children by sibling links as by list, on every node of the fixtures', async () => {
  const parser = await pythonParser();
  let checked = 0;
  for (const path of fixtureFiles()) {
    const text = readFileSync(path, 'utf8');
    const tree = parser.parse(text);
    const root = syntaxRoot(tree, text);
    tree.delete();
    const pending = [root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      const linked: SyntaxNode[] = [];
      for (let c = node.firstWalkChild; c; c = c.nextNamedSibling) linked.push(c);
      expect(linked, path).toEqual(node.walkChildren);
      pending.push(...node.children);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(10_000);
});
