import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ensureBundle } from '../global-setup.js';

/**
 * The bundled action on a pull request, as the runner starts it: a git repository with a base and a head commit,
 * action.yml's inputs as INPUT_*, a pull_request event, and GITHUB_API_URL pointing at a recording server that
 * plays GitHub's issue-comment API for the token's identity (`github-actions[bot]`).
 */
const ACTION = process.env.TOKENGATE_ACTION ?? join(import.meta.dirname, '..', '..', 'dist/index.js');
const TOKEN = 'ghs_tokengateAuditToken0123456789';
export const BOT = { login: 'github-actions[bot]', type: 'Bot' };

export interface PrComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface RecordingGitHub {
  /** The pull request's comments, as the server holds them. */
  comments: PrComment[];
  /** Ids of the comments the action edited. */
  edited: number[];
  url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

/** GitHub's issue-comment API for pull request 7 of acme/shop, on 127.0.0.1. */
export async function startRecordingGitHub(): Promise<RecordingGitHub> {
  const comments: PrComment[] = [];
  const edited: number[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/user') return json(403, { message: 'Resource not accessible' });
    if (req.method === 'POST' && url === '/graphql')
      return json(200, { data: { viewer: { login: BOT.login } } });
    if (req.method === 'GET' && url.startsWith('/repos/acme/shop/issues/7/comments'))
      return json(200, comments);
    if (req.method === 'POST' && url === '/repos/acme/shop/issues/7/comments') {
      const comment = {
        id: 100 + comments.length,
        body: (JSON.parse(text) as { body: string }).body,
        user: BOT,
      };
      comments.push(comment);
      return json(201, comment);
    }
    const patch = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url);
    if (req.method === 'PATCH' && patch) {
      const comment = comments.find((c) => c.id === Number(patch[1]));
      if (!comment) return json(404, {});
      comment.body = (JSON.parse(text) as { body: string }).body;
      edited.push(comment.id);
      return json(200, comment);
    }
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    comments,
    edited,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

export type Tree = Record<string, string | { symlink: string }>;

/** A repository whose base commit has `base` and whose head commit (checked out) has `head` on top of it. */
export function repository(base: Tree, head: Tree): { workspace: string; baseSha: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-audit-'));
  git(workspace, 'init', '-q');
  const put = (tree: Tree): void => {
    for (const [path, content] of Object.entries(tree)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      if (typeof content === 'string') writeFileSync(join(workspace, path), content);
      else symlinkSync(content.symlink, join(workspace, path));
    }
  };
  put(base);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'base', '--allow-empty');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  put(head);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'head', '--allow-empty');
  return { workspace, baseSha };
}

const DEFAULTS: Record<string, string> = {
  path: '.',
  'fail-on': '',
  config: '.tokengate.yml',
  'config-from': 'head',
  'report-file': '',
  'preview-url': '',
  openapi: '',
  'auth-token': '',
  'auth-header': 'Authorization: Bearer',
  'jwt-test-key': '',
  'new-findings-only': 'true',
  'baseline-ref': '',
  annotations: 'true',
  'pr-comment': 'true',
  'sarif-file': '',
  'unsafe-methods': 'false',
  'max-requests': '2000',
  workers: '',
  'github-token': TOKEN,
};

export interface ActionRun {
  code: number | null;
  /** stdout and stderr, as the runner's log has them. */
  stdout: string;
  gate?: string;
  summary: string;
  /** The comment the run created (none: ''). */
  comment: string;
}

/** Runs dist/index.js on pull request 7 with base commit `baseSha`; `existing` comments are on the PR before. */
export async function runPullRequestAction(
  github: RecordingGitHub,
  workspace: string,
  baseSha: string,
  inputs: Record<string, string> = {},
  existing: PrComment[] = [],
): Promise<ActionRun> {
  github.comments.splice(0, github.comments.length, ...existing);
  github.edited.length = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-audit-runner-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(
    files.event,
    JSON.stringify({ pull_request: { number: 7, base: { sha: baseSha }, head: { sha: 'x' } } }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: github.url,
  };
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [ACTION], { cwd: workspace, env });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const gate = /^gate<<(\S+)\n(.*)\n\1$/m.exec(readFileSync(files.output, 'utf8'))?.[2];
  return {
    code,
    stdout,
    gate,
    summary: readFileSync(files.summary, 'utf8'),
    comment: github.comments.find((c) => !existing.some((e) => e.id === c.id))?.body ?? '',
  };
}

/**
 * The bundled action and a recording GitHub API for one test file: built and started before its tests, closed
 * after. `run` runs the action on pull request 7 against it; `github` is what it recorded.
 */
export function usePullRequestAction(): {
  readonly github: RecordingGitHub;
  run(
    workspace: string,
    baseSha: string,
    inputs?: Record<string, string>,
    existing?: PrComment[],
  ): Promise<ActionRun>;
} {
  let started: RecordingGitHub | undefined;
  beforeAll(async () => {
    if (!process.env.TOKENGATE_ACTION) await ensureBundle();
    started = await startRecordingGitHub();
  });
  afterAll(async () => {
    await started?.close();
  });
  const github = (): RecordingGitHub => {
    if (!started) throw new Error('the recording GitHub API is started before the tests');
    return started;
  };
  return {
    get github() {
      return github();
    },
    run: (workspace, baseSha, inputs = {}, existing = []) =>
      runPullRequestAction(github(), workspace, baseSha, inputs, existing),
  };
}
