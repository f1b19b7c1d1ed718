import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { flaskPython } from './python.js';

export interface FlaskRule {
  rule: string;
  methods: string[];
  endpoint: string;
}

export interface RunningApp {
  baseUrl: string;
  rules: FlaskRule[];
  close(): Promise<void>;
}

const PROBE = join(import.meta.dirname, 'flask_probe.py');

/** Start a fixture app with real Flask on 127.0.0.1 (a free port) and read its URL map. */
export async function startFlaskApp(
  dir: string,
  target: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const child: ChildProcess = spawn(flaskPython(), [PROBE, dir, target], {
    cwd: dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Flask app in ${dir} did not start within 20s:\n${stderr}`)),
      20_000,
    );
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Flask app in ${dir} exited with ${code}:\n${stderr}`));
    });
  });
  const { port, rules } = JSON.parse(first) as { port: number; rules: FlaskRule[] };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    rules,
    async close() {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** A concrete URL for a Flask rule: converters filled with values every converter accepts. */
export function concretePath(rule: string): string {
  return rule.replace(/<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>/g, (_m, converter: string | undefined) => {
    switch (converter) {
      case 'int':
        return '1';
      case 'float':
        return '1.0';
      case 'uuid':
        return '00000000-0000-4000-8000-000000000001';
      default:
        return 'sample';
    }
  });
}
