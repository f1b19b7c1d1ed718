// `npm run docs`: the README's generated blocks — the inputs and outputs tables from action.yml, and the comment the
// bundled action really posts on a pull request of the bundled example — so that they cannot drift
// (test/docs.test.ts fails when the README differs from what this writes). Run `npm run bundle` first.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One table cell: on one line, a `|` escaped so that it does not end the cell. */
const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');

/** A default as the workflow writes it: a code span, or a dash when the input has none (or an empty one). */
const defaultCell = (value) => (value === undefined || value === '' ? '—' : `\`${cell(value)}\``);

/** The markdown tables of action.yml's inputs and outputs, in the file's order. */
export function actionTables(actionYml) {
  const action = parse(actionYml);
  const inputs = Object.entries(action.inputs ?? {}).map(
    ([name, input]) => `| \`${name}\` | ${defaultCell(input.default)} | ${cell(input.description)} |`,
  );
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return {
    inputs: ['| Input | Default | Description |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| Output | Description |', '| --- | --- |', ...outputs].join('\n'),
  };
}

const FIXED_GIT = {
  GIT_AUTHOR_NAME: 'A Developer',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'A Developer',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/**
 * The pull-request comment dist/index.js posts when a pull request of examples/tasks-api drops `@bearer_required`
 * from `DELETE /api/projects/<id>` (one new finding, two already on the base), as the runner would start it, with a
 * loopback server playing GitHub's comment API. Commits have fixed authors and dates, so links are the same each run.
 */
export async function prCommentExample(actionRepository) {
  const workspace = mkdtempSync(join(tmpdir(), 'tokengate-docs-'));
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, ...FIXED_GIT },
    }).trim();
  cpSync(join(ROOT, 'examples', 'tasks-api'), workspace, { recursive: true });
  const projects = join(workspace, 'tasks_api', 'projects.py');
  const head = readFileSync(projects, 'utf8');
  git('init', '-q', '-b', 'main');
  writeFileSync(projects, head.replace('def delete_project(', '@bearer_required\ndef delete_project('));
  git('add', '.');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  writeFileSync(projects, head);
  git('commit', '-qam', 'Delete projects');
  const sha = git('rev-parse', 'HEAD');

  let comment;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') comment = JSON.parse(data).body;
      if (req.url === '/graphql') return res.end('{"data":{"viewer":{"login":"github-actions[bot]"}}}');
      if (req.url.startsWith('/user')) return res.writeHead(403).end('{}');
      res.end(req.method === 'GET' ? '[]' : '{"id":1}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const event = join(workspace, '.event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 1, base: { sha: base }, head: { sha } } }));
  const inputs = Object.entries(parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs).map(
    ([name, input]) => [
      `INPUT_${name.toUpperCase()}`,
      name === 'github-token' ? 'ghs_docs' : String(input.default ?? ''),
    ],
  );
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'index.js')], {
    cwd: workspace,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '',
      ...Object.fromEntries(inputs),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: 'acme/tasks-api',
      GITHUB_API_URL: `http://127.0.0.1:${server.address().port}`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_ACTION_REPOSITORY: actionRepository,
      GITHUB_ACTION_REF: 'v0',
    },
  });
  await new Promise((resolve) => child.on('close', resolve));
  server.close();
  if (comment === undefined)
    throw new Error('the bundled action posted no comment: run `npm run bundle` first.');
  return comment.trimEnd();
}

/** The action's own repository, `owner/name`, from package.json's `repository` (how workflows write `uses:`). */
export function actionRepository() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url;
  return /github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?$/.exec(url)[1];
}

/** Every generated block of the README, by name. */
export async function generatedBlocks() {
  const repository = actionRepository();
  return {
    ...actionTables(readFileSync(join(ROOT, 'action.yml'), 'utf8')),
    'pr-comment': (await prCommentExample(repository)).replace(/^/gm, '> ').replace(/ +$/gm, ''),
  };
}

const marker = (name) => [`<!-- ${name}: generated by npm run docs -->`, `<!-- end ${name} -->`];

/** The README with each generated block replaced by `blocks`' text; throws when a marker is missing. */
export function withGeneratedBlocks(readme, blocks) {
  let out = readme;
  for (const [name, text] of Object.entries(blocks)) {
    const [start, end] = marker(name);
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`README.md has no '${start}' … '${end}' block.`);
    out = `${out.slice(0, from + start.length)}\n${text}\n${out.slice(to)}`;
  }
  return out;
}

/** The README as `npm run docs` writes it: the generated blocks refreshed, then formatted as `npm run format` would. */
export async function generatedReadme() {
  const readmePath = join(ROOT, 'README.md');
  const text = withGeneratedBlocks(readFileSync(readmePath, 'utf8'), await generatedBlocks());
  return format(text, { ...(await resolveConfig(readmePath)), filepath: readmePath });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(ROOT, 'README.md');
  const readme = await generatedReadme();
  if (process.argv.includes('--check')) {
    if (readme !== readFileSync(readmePath, 'utf8')) {
      console.error(
        'README.md differs from what `npm run docs` generates (action.yml, the bundled action): run it.',
      );
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, readme);
    console.log('README.md: inputs, outputs and the example pull-request comment regenerated.');
  }
}
