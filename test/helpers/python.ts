import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const MODULES = 'import flask, flask_jwt_extended, jwt, flask_restful, flask_login, flask_httpauth';
const PROVISION = "run 'bash scripts/provision-python.sh'";

function imports(python: string): boolean {
  if (isAbsolute(python) && !existsSync(python)) return false;
  try {
    execFileSync(python, ['-c', MODULES], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

let found: string | undefined;

/**
 * The interpreter that runs real Flask apps in tests: TOKENGATE_PYTHON when set, else Debian's /usr/bin/python3,
 * else the virtualenv scripts/provision-python.sh creates. Never skips: without Flask the test run fails.
 */
export function flaskPython(): string {
  if (found) return found;
  const chosen = process.env.TOKENGATE_PYTHON;
  if (chosen) {
    if (!imports(chosen)) {
      throw new Error(
        `TOKENGATE_PYTHON=${chosen} cannot ${MODULES}: install them there, or unset it and ${PROVISION}.`,
      );
    }
    return (found = chosen);
  }
  const candidates = [
    '/usr/bin/python3',
    join(import.meta.dirname, '..', '..', '.cache', 'flask-venv', 'bin', 'python'),
  ];
  found = candidates.find(imports);
  if (!found) {
    throw new Error(
      `No Python with Flask and its extensions (tried ${candidates.join(', ')}): ${PROVISION}.`,
    );
  }
  return found;
}
