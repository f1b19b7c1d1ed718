import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MODULES = 'import flask, flask_jwt_extended, jwt, flask_restful, flask_login, flask_httpauth';

function works(python: string): boolean {
  if (!existsSync(python)) return false;
  try {
    execFileSync(python, ['-c', MODULES], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let found: string | undefined;

/** The interpreter that runs real Flask apps in tests. Never skips: missing packages fail the test run. */
export function flaskPython(): string {
  if (found) return found;
  const candidates = [
    process.env.TOKENGATE_PYTHON,
    '/usr/bin/python3',
    join(import.meta.dirname, '..', '..', '.cache', 'flask-venv', 'bin', 'python'),
  ].filter((p): p is string => !!p);
  found = candidates.find(works);
  if (!found) {
    throw new Error(
      `No Python with Flask and its extensions (tried ${candidates.join(', ')}): run 'bash scripts/provision-python.sh'.`,
    );
  }
  return found;
}
