import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as TreeSitter from 'web-tree-sitter';

// The ESM build of web-tree-sitter breaks inside an ncc bundle; the CommonJS build loads everywhere.
const require = createRequire(import.meta.url);

export type SyntaxNode = TreeSitter.Node;
export type Tree = TreeSitter.Tree;

interface PythonParser {
  parse(source: string): Tree;
  language: TreeSitter.Language;
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
