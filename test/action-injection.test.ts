import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from './global-setup.js';

/**
 * A pull request that writes workflow commands and markdown into its route strings and file names, judged by
 * dist/index.js started as the runner starts it (action.yml's defaults as INPUT_*, a pull_request event, a
 * recording GitHub API on loopback), and by dist/cli.js.
 */
const ROOT = join(import.meta.dirname, '..');
/** TOKENGATE_ACTION and TOKENGATE_CLI name other builds to try these tests on (as in action.test.ts, cli.test.ts). */
const ACTION = process.env.TOKENGATE_ACTION ?? join(ROOT, 'dist/index.js');
const CLI = process.env.TOKENGATE_CLI ?? join(ROOT, 'dist/cli.js');
const TOKEN = 'ghs_tokengateInjectionTest0123456789';

const comments: { id: number; body: string }[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let text = '';
  req.on('data', (c: Buffer) => (text += c.toString()));
  req.on('end', () => {
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.method === 'GET' && req.url?.startsWith('/repos/acme/shop/issues/7/comments'))
      return json(200, comments);
    if (req.method === 'POST' && req.url === '/repos/acme/shop/issues/7/comments') {
      const comment = { id: 100 + comments.length, body: (JSON.parse(text) as { body: string }).body };
      comments.push(comment);
      return json(201, comment);
    }
    return json(404, { message: 'Not Found' });
  });
});

beforeAll(async () => {
  if (!process.env.TOKENGATE_ACTION) await ensureBundle();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** The runner reads these anywhere (`##[`) or at the start of a line after blanks (`::`). */
const FORGED = [
  '::error file=app.py,line=1::forged',
  '::add-mask::x',
  '::stop-commands::x',
  '  ::warning::indented',
  'x ##[error]legacy',
  '\x1b[2J\x1b]0;title\x07',
  '\rover\u2028written\u202e',
].join('\n');
/** A file name: a newline and a workflow command, blank lines, a mention, an image, an issue reference. */
const HOSTILE_FILE = 'views\n::warning::forged-file\n\n@octocat <img src=x onerror=alert(1)>\n\n#1 .py';

/** Base: one protected route. Head: a route whose rule is the forged text, and a file with a hostile name. */
function repository(): { workspace: string; base: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-injection-'));
  const app = join(workspace, 'app.py');
  const head = [
    'from flask import Flask',
    'app = Flask(__name__)',
    '@app.get("/ok")',
    'def ok():',
    '    return ""',
    '',
  ].join('\n');
  git(workspace, 'init', '-q');
  writeFileSync(app, head.replace('@app.get("/ok")', '@app.get("/ok", endpoint="ok")'));
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-qm', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  writeFileSync(
    app,
    `${head}@app.post("""/x\n${FORGED}\n""")\ndef forged():\n    return open("data.db", "w").close()\n`,
  );
  writeFileSync(
    join(workspace, HOSTILE_FILE),
    'from app import app\n@app.delete("/items/<int:item_id>")\ndef delete_item(item_id):\n    return open("data.db", "w").close()\n',
  );
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-qm', 'head');
  return { workspace, base };
}

async function runAction(workspace: string, base: string, inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-runner-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const defaults = Object.entries(action.inputs).map(([name, input]) => [
    `INPUT_${name.toUpperCase()}`,
    name === 'github-token' ? TOKEN : String(input.default ?? ''),
  ]);
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, [ACTION], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      ...Object.fromEntries(defaults),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
    },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, summary: readFileSync(files.summary, 'utf8') };
}

/** How the runner splits a step's output into lines (.NET ReadLine: LF, CR and CRLF). */
const runnerLines = (out: string): string[] => out.split(/\r\n|\r|\n/);
/** The runner's `::command` test: the line trimmed of leading blanks starts with `::`. */
const commandLines = (out: string): string[] =>
  runnerLines(out).filter((l) => l.trimStart().startsWith('::'));
// eslint-disable-next-line no-control-regex -- the characters under test
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const md = new MarkdownIt({ html: true });
/** Rendered text outside code, where GitHub looks for mentions and references. */
const prose = (html: string): string =>
  html
    .replace(/<code>.*?<\/code>/gs, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('a pull request that writes workflow commands and markdown into its code', () => {
  it('cannot forge a workflow command in the log, nor inject markdown into the summary or the comment', async () => {
    const { workspace, base } = repository();
    const run = await runAction(workspace, base, {});
    expect(run.code).toBe(1);
    // tokengate's own commands only: its token's mask, its log groups, its annotations and its failed gate.
    const groups =
      /^(::group::tokengate: (findings, most severe first|routes|notices) \(\d+\)|::endgroup::)$/;
    for (const line of commandLines(run.stdout)) {
      expect(line).toMatch(
        new RegExp(
          `^(::add-mask::${TOKEN}|::(error|warning|notice) title=tokengate [^:]*,file=[^:]*,line=\\d+,endLine=\\d+::.*|::error::tokengate: 2 new findings at or above high\\.|${groups.source.slice(2, -2)})$`,
        ),
      );
    }
    expect(commandLines(run.stdout).filter((l) => !groups.test(l))).toHaveLength(4);
    expect(commandLines(run.stdout).filter((l) => groups.test(l))).toHaveLength(4);
    expect(run.stdout).not.toContain('##[');
    expect(run.stdout).not.toMatch(CONTROL);
    // The forged text is still shown, escaped on one line, so the reader sees what the code says.
    expect(run.stdout).toContain(
      '  HIGH  missing-authentication  POST /x\\n::error file=app.py,line=1::forged\\n::add-mask::x\\n',
    );
    // Each annotation sits on its real file: the hostile name goes escaped as a property.
    expect(run.stdout).toContain(
      ',file=views%0A%3A%3Awarning%3A%3Aforged-file%0A%0A@octocat <img src=x onerror=alert(1)>%0A%0A#1 .py,line=2,endLine=4::',
    );

    expect(comments).toHaveLength(1);
    for (const body of [run.summary, comments[0]!.body]) {
      const html = md.render(body);
      expect(html).not.toMatch(/<img/i);
      expect(prose(html)).not.toMatch(/@octocat|#1\b/);
      // The file name stays in one code element.
      expect(html).toContain(
        '<code>views\\n::warning::forged-file\\n\\n@octocat &lt;img src=x onerror=alert(1)&gt;\\n\\n#1 .py:2</code>',
      );
      for (const line of body.split('\n')) expect(line).not.toMatch(/^(@|<img|::|#\d)/);
    }

    const cli = spawnSync(process.execPath, [CLI, 'scan', workspace], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stdout + cli.stderr).not.toMatch(CONTROL);
    expect(commandLines(cli.stdout + cli.stderr)).toEqual([]);
    expect(cli.stdout).not.toContain('##[');
    expect(cli.stdout).toContain('at views\\n::warning::forged-file\\n\\n@octocat');

    // The JSON report keeps the exact strings, written so that no line of it acts on a log either.
    const json = spawnSync(process.execPath, [CLI, 'scan', workspace, '--format', 'json'], {
      encoding: 'utf8',
    });
    expect(json.stdout).not.toContain('##[');
    expect(json.stdout).not.toMatch(CONTROL);
    expect(commandLines(json.stdout)).toEqual([]);
    const paths = (JSON.parse(json.stdout) as { routes: { path: string }[] }).routes.map((r) => r.path);
    // As Python reads the source: a lone CR in the file is a line break, in a string literal too.
    expect(paths).toContain(`/x\n${FORGED.replace(/\r(?!\n)/g, '\n')}\n`);
  });
});

describe('path naming a single file', () => {
  it('annotates and writes SARIF on the repository path of that file, and counts new findings against the base', async () => {
    const { workspace } = repository();
    const admin = join(workspace, 'services', 'test_admin [v2].py');
    const drop = '@app.delete("/users/<int:uid>")\ndef drop(uid):\n    return open("data.db", "w").close()\n';
    mkdirSync(join(workspace, 'services'));
    writeFileSync(admin, `from flask import Flask\napp = Flask(__name__)\n${drop}`);
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'base with the admin module');
    const base = git(workspace, 'rev-parse', 'HEAD');
    writeFileSync(
      admin,
      `from flask import Flask\napp = Flask(__name__)\n${drop.replace(/users/, 'groups').replace('drop', 'drop_group')}${drop}`,
    );
    git(workspace, 'commit', '-qam', 'head');
    const run = await runAction(workspace, base, {
      path: 'services/test_admin [v2].py',
      'pr-comment': 'false',
      'sarif-file': 'out.sarif',
    });
    expect(run.code).toBe(1);
    const files = commandLines(run.stdout)
      .filter((l) => l.startsWith('::error title='))
      .map((l) => /,file=([^,]*),line=(\d+)/.exec(l)!.slice(1).join(':'));
    expect(files).toEqual(['services/test_admin [v2].py:3', 'services/test_admin [v2].py:6']);
    expect(run.stdout).toContain('::error::tokengate: 1 new finding at or above high.');
    expect(run.stdout).not.toContain('cannot compare');
    const sarif = JSON.parse(readFileSync(join(workspace, 'out.sarif'), 'utf8'));
    expect(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['services/test_admin%20%5Bv2%5D.py', 'services/test_admin%20%5Bv2%5D.py']);
    expect(run.summary).toContain('`services/test_admin [v2].py:3`');
  });
});
