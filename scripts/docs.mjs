// `npm run docs`: the README's generated blocks — the inputs and outputs tables from action.yml, the modelled
// libraries from the library catalogue (src/analysis/catalogue), and the comment the bundled action really posts on
// a pull request of the bundled example — so that they cannot drift
// (test/docs.test.ts fails when the README differs from what this writes). Run `npm run bundle` first.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import ts from 'typescript';
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

/** The library catalogue as data: its modules (which import nothing else of the source) compiled and loaded. */
export async function catalogue() {
  const from = join(ROOT, 'src', 'analysis', 'catalogue');
  const to = mkdtempSync(join(tmpdir(), 'tokengate-catalogue-'));
  writeFileSync(join(to, 'package.json'), '{"type": "module"}\n');
  for (const file of readdirSync(from).filter((f) => f.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(from, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(to, file.replace(/\.ts$/, '.js')), outputText);
  }
  return import(pathToFileURL(join(to, 'index.js')).href);
}

/** A guard as its table lists it: its name, and what a switch or a setting makes of it. */
function guardText(name, rule) {
  const other = rule.kind === 'auth' ? 'optional' : 'required';
  const notes = [
    rule.kind === 'optional' && 'optional',
    rule.switch && `\`${rule.switch}=True\`: ${other}`,
    rule.disabledBy && `off under \`${rule.disabledBy}\``,
  ].filter(Boolean);
  return `\`${name}\`${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

const ROLES = {
  app: 'app',
  'connexion-app': 'app with OpenAPI documents',
  blueprint: 'blueprint',
  'resource-api': 'resource API',
  namespace: 'namespace',
  'blueprint-api': 'blueprint API',
  'view-builder': 'view registry',
  'auth-extension': 'auth extension',
};

/** The modelled libraries, one row each: what the model knows of it (catalogue entries, by kind). */
export function librariesTable(libraries) {
  const rows = libraries.map((lib) => {
    const guards = [
      ...Object.entries(lib.guards ?? {}).map(([qn, rule]) => guardText(qn, rule)),
      ...Object.entries(lib.classes ?? {}).flatMap(([qn, cls]) =>
        Object.entries(cls.guards ?? {}).map(([m, rule]) => guardText(`${qn}.${m}`, rule)),
      ),
      ...Object.entries(lib.delegatingGuards ?? {}).map(
        ([qn, d]) => `\`${qn}\` (the \`${d.method}\` of its auth object)`,
      ),
    ];
    const also = [
      Object.keys(lib.verifiers ?? {}).length &&
        `checks called in a view or hook: ${Object.keys(lib.verifiers)
          .map((q) => `\`${q}\``)
          .join(', ')}`,
      ...Object.entries(lib.classes ?? {})
        .filter(([, cls]) => cls.role)
        .map(
          ([qn, cls]) =>
            `\`${qn}\`: ${ROLES[cls.role]}${cls.registrars ? ` (${cls.registrars.map((m) => `\`${m}\``).join(', ')})` : ''}`,
        ),
      ...Object.entries(lib.routingViews ?? {}).map(
        ([qn, view]) =>
          `\`${qn}\`: self-routing views (\`${view.registrar.name}\`, every public method a route; \`${view.routeDecorator}\`; \`${view.beforeHooks.every}\` / \`${view.beforeHooks.prefix}<name>\` hooks)`,
      ),
      lib.routeDecorators?.length &&
        `route decorators: ${lib.routeDecorators.map((q) => `\`${q}\``).join(', ')}`,
      lib.signIns?.length && 'signs the caller in',
      lib.identityProxyPackages?.length && '`current_user` proxy',
      lib.unfollowedViews && 'views registered out of sight (a notice says so)',
      Object.keys(lib.jwt ?? {}).length && 'JWT rules',
      Object.keys({ ...lib.functions, ...lib.instances }).length &&
        `what ${Object.keys({ ...lib.functions, ...lib.instances }).length} functions and classes mean for a route`,
      lib.modelQueries?.length && 'model queries',
      lib.mail &&
        `mail sent to a looked-up record's own address (${Object.keys(lib.mail.messages)
          .map((q) => `\`${q}\``)
          .join(', ')}): account recovery`,
    ].filter(Boolean);
    return `| ${cell(lib.library)} | ${guards.length ? cell(guards.join(', ')) : '—'} | ${cell(also.join('; ') || '—')} |`;
  });
  return ['| Library | Guards | Also modelled |', '| --- | --- | --- |', ...rows].join('\n');
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
    libraries: librariesTable((await catalogue()).LIBRARIES),
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
        'README.md differs from what `npm run docs` generates (action.yml, the library catalogue, the bundled action): run it.',
      );
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, readme);
    console.log(
      'README.md: inputs, outputs, modelled libraries and the example pull-request comment regenerated.',
    );
  }
}
