// What a bundle loads beside itself at run time (src/analysis/parser.ts): web-tree-sitter's CommonJS runtime,
// which ncc leaves to Node because it is loaded through createRequire (a runner has no node_modules), and the two
// wasm files (ncc's own copy of the runtime wasm is not usable). dist/ and the benchmark's build both get them here.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** Copy the runtime files into `dir` (`dir/web-tree-sitter.cjs`, `dir/wasm/*.wasm`). */
export function copyRuntimeFiles(dir) {
  mkdirSync(join(dir, 'wasm'), { recursive: true });
  copyFileSync(require.resolve('web-tree-sitter'), join(dir, 'web-tree-sitter.cjs'));
  copyFileSync(
    require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
    join(dir, 'wasm', 'web-tree-sitter.wasm'),
  );
  copyFileSync(
    require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
    join(dir, 'wasm', 'tree-sitter-python.wasm'),
  );
}
