// Builds dist/index.js (the action), dist/cli.js (the CLI) and dist/worker.js (their extraction threads) with ncc, and ships the tree-sitter wasm
// files beside them: ncc's own copy of web-tree-sitter's runtime wasm is not usable.
import { chmodSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { copyRuntimeFiles } from './runtime-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// webpack derives module ids and comments from paths relative to the working directory, and from the real
// path of node_modules: bundle from the root, with the root's own node_modules, so that dist/ is the same
// wherever the repository is checked out (CI rebuilds it and fails on any difference).
process.chdir(root);
if (realpathSync(join(root, 'node_modules')) !== join(realpathSync(root), 'node_modules')) {
  console.error(
    'node_modules is a link to another directory, so the bundle would differ from the one CI builds: ' +
      'run npm ci in this checkout and bundle again.',
  );
  process.exit(1);
}

const outputs = [];
for (const [entry, out] of [
  ['src/index.ts', 'index.js'],
  ['src/cli.ts', 'cli.js'],
  // The extraction worker thread's entry, found beside the bundle that starts it.
  ['src/analysis/worker.ts', 'worker.js'],
]) {
  let code;
  try {
    ({ code } = await ncc(join(root, entry), {
      minify: false,
      sourceMap: false,
      quiet: true,
      // The wasm files are loaded from dist/wasm/ at run time; ncc must not emit its own copies.
      assetBuilds: false,
    }));
  } catch (err) {
    // ncc's own stack is minified noise; its message names the file and the TypeScript error.
    console.error(`bundling ${entry} failed:\n${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  outputs.push([out, code]);
}

// Only replace dist/ once both bundles built, so a failed build leaves the last good one in place.
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'wasm'), { recursive: true });
for (const [out, code] of outputs) {
  const body = code.replace(/^#!.*\n/, '');
  const text = out === 'cli.js' ? `#!/usr/bin/env node\n${body}` : body;
  writeFileSync(join(dist, out), text);
  if (out === 'cli.js') chmodSync(join(dist, out), 0o755);
}

copyRuntimeFiles(dist);
console.log('dist/index.js, dist/cli.js, dist/worker.js, dist/web-tree-sitter.cjs and dist/wasm/ written');
