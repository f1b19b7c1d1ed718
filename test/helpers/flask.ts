import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { flaskPython } from './python.js';

/** Where Python finds the code behind some methods of a rule (see flask_probe.py). */
export interface FlaskView {
  methods: string[];
  /** Relative to the app directory; null when the code lives outside it. */
  file: string | null;
  line: number;
  endLine: number;
}

/** One rule of Flask's `app.url_map`, as Flask built it. */
export interface FlaskRule {
  rule: string;
  endpoint: string;
  /** Sorted, without HEAD and OPTIONS. */
  methods: string[];
  views: FlaskView[];
}

export interface RunningApp {
  baseUrl: string;
  urlMap: FlaskRule[];
  close(): Promise<void>;
}

const PROBE = join(import.meta.dirname, 'flask_probe.py');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** Servers still running, killed when the test process exits without closing them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Start the Flask app `target` (`module:attr` or `module:factory()`) found in `dir` with real Flask, unchanged,
 * on 127.0.0.1 and a port the OS picks. Resolves once the server answers TCP connections; the error of a
 * failed start carries Python's stderr.
 */
export async function startFlaskApp(
  dir: string,
  target: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const child = spawn(flaskPython(), [PROBE, dir, target], {
    cwd: dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin!.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    const ready = await firstLine(child, START_TIMEOUT_MS, () => stderr);
    const { port, rules } = JSON.parse(ready) as { port: number; rules: FlaskRule[] };
    await waitForPort(port, START_TIMEOUT_MS, () => stderr);
    return { baseUrl: `http://127.0.0.1:${port}`, urlMap: rules, close: stop };
  } catch (error) {
    await stop();
    throw new Error(`Flask app ${target} in ${dir} did not start: ${(error as Error).message}`);
  }
}

function firstLine(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    // 'close' rather than 'exit': by then all of stderr has been read.
    const onClose = (code: number | null, signal: string | null) =>
      fail(`the server exited (${signal ?? `code ${code}`}) before it was ready`);
    const onError = (error: Error) => fail(`could not run ${flaskPython()}: ${error.message}`);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; Python's stderr:\n${stderr()}`));
    };
    child.once('close', onClose);
    child.once('error', onError);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      child.off('close', onClose);
      child.off('error', onError);
      resolve(line);
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`port ${port} never accepted connections; stderr:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A concrete URL for a Flask rule, with the values tokengate's live prober uses: int/float → 1,
 * uuid → a fixed uuid, anything else → a fixed word.
 */
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
