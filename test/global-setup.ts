import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The CLI and action tests run dist/, the way users run it. This rebuilds dist/ first when it is missing or
 * older than what it is built from, so a test never passes against a stale bundle. Usable as a vitest
 * globalSetup and from beforeAll (several test files may ask at once: a lock directory serialises them).
 */
const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['src', 'scripts/bundle.mjs', 'package.json', 'package-lock.json'];
const OUTPUTS = [
  'dist/index.js',
  'dist/cli.js',
  'dist/wasm/web-tree-sitter.wasm',
  'dist/wasm/tree-sitter-python.wasm',
];
const LOCK = join(ROOT, 'node_modules', '.cache', 'tokengate-bundle.lock');
const STALE_LOCK_MS = 120_000;

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function bundleIsFresh(): boolean {
  const built = OUTPUTS.map((p) => statSync(join(ROOT, p), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  const oldestOutput = Math.min(...built);
  return oldestOutput > 0 && oldestOutput >= Math.max(...SOURCES.map((p) => newest(join(ROOT, p))));
}

async function acquireLock(): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS)
        rmSync(LOCK, { recursive: true, force: true });
      await sleep(200);
    }
  }
}

export async function ensureBundle(): Promise<void> {
  if (bundleIsFresh()) return;
  await acquireLock();
  try {
    if (bundleIsFresh()) return;
    try {
      execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      const { stderr, stdout } = err as { stderr?: string; stdout?: string };
      throw new Error(
        `npm run bundle failed, so dist/ cannot be tested:\n${stderr || stdout || String(err)}`,
      );
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export default ensureBundle;
