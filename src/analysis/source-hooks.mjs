// Module hooks that let a worker thread (or the benchmark) run the TypeScript sources directly, as vitest does
// for the main thread: `./x.js` imports resolve to `./x.ts`, which TypeScript transpiles without type checking.
// Only used when running from src/; the bundle in dist/ ships plain JavaScript and never loads this file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let typescript;

export async function resolve(specifier, context, nextResolve) {
  if (
    specifier.endsWith('.js') &&
    context.parentURL?.startsWith('file:') &&
    context.parentURL.endsWith('.ts')
  ) {
    const url = new URL(specifier, context.parentURL);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
      const source = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(fileURLToPath(source)))
        return { url: source.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  typescript ??= (await import('typescript')).default;
  const path = fileURLToPath(url);
  const { outputText } = typescript.transpileModule(await readFile(path, 'utf8'), {
    fileName: path,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      sourceMap: false,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
