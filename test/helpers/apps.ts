import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExpectedRoute {
  methods: string[];
  path: string;
  file: string;
  line: number;
  endLine: number;
  state: 'protected' | 'unprotected' | 'public' | 'unknown';
  optional?: boolean;
}

export interface ExpectedApp {
  name: string;
  dir: string;
  /** How real Flask loads the app: `module:attr` or `module:factory()`. */
  target: string;
  env?: Record<string, string>;
  routes: ExpectedRoute[];
  findings: { rule: string; severity: string; file: string; line: number; route?: string }[];
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Every fixture app and the bundled example, each with the route table and findings it must produce. */
export function expectedApps(): ExpectedApp[] {
  const dirs = [
    ...readdirSync(join(ROOT, 'test/fixtures/apps')).map((d) => join(ROOT, 'test/fixtures/apps', d)),
    join(ROOT, 'examples/tasks-api'),
  ];
  return dirs
    .filter((d) => existsSync(join(d, 'expected.json')))
    .map((dir) => ({
      name: dir.slice(ROOT.length + 1),
      dir,
      ...(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Omit<ExpectedApp, 'name' | 'dir'>),
    }));
}
