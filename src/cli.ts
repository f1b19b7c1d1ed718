import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { FAIL_ON_LEVELS, type FailOn, parseFailOn } from './config.js';
import { UsageError } from './errors.js';
import { checkToken, parseAuthHeader } from './live/auth-header.js';
import { previewUrlProblem } from './live/client.js';
import { scan } from './scan.js';
import { printable } from './report/escape.js';
import { renderJson } from './report/json.js';
import { renderSummary } from './report/markdown.js';
import { renderSarif } from './report/sarif.js';
import { RULES } from './rules/index.js';
import { ROUTE_TABLE_LIMIT, renderText, renderVerdict } from './report/text.js';
import { startProgress } from './progress.js';
import { VERSION } from './version.js';

const EXIT_PASSED = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

const EXAMPLES_AND_EXIT_CODES = `
Examples:
  tokengate scan examples/tasks-api              scan a directory, print the findings and the verdict
  tokengate scan . --fail-on medium              fail on medium findings too
  tokengate scan . --baseline-ref origin/main    count only findings that origin/main does not have
  tokengate scan . --format sarif --output tokengate.sarif

Exit codes:
  0  the gate passed
  1  the gate failed: a finding at or above --fail-on
  2  usage or configuration error (one sentence on stderr)
`;

/** An option value out of a fixed list, whatever its case: `--format JSON` is `--format json`. */
function oneOf<T extends string>(values: readonly T[], flag: string): (value: string) => T {
  return (value) => {
    const v = value.trim().toLowerCase();
    if ((values as readonly string[]).includes(v)) return v as T;
    throw new UsageError(`${flag} must be one of ${values.join(', ')}, not '${value}'.`);
  };
}

interface ScanFlags {
  openapi?: string;
  unsafeMethods?: boolean;
  maxRequests?: string;
  workers?: string;
  format: Format;
  routes?: boolean;
  quiet?: boolean;
  baselineRef?: string;
  output?: string;
  failOn?: FailOn;
  config?: string;
  previewUrl?: string;
  authHeader?: string;
}

/** A sentence that ends like one. */
const sentence = (text: string): string => `${text}${/[.!?)]$/.test(text) ? '' : '.'}`;

/** One line on stderr; commander's second line, when it has one, is its suggestion (`Did you mean --format?`). */
function oneLine(message: string): string {
  const lines = message
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return `tokengate: ${printable(lines.map(sentence).join(' '))}`;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_PASSED;
  const program = new Command()
    .name('tokengate')
    .description('Find Flask routes that answer without Bearer-token authentication.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .addHelpText('after', EXAMPLES_AND_EXIT_CODES);

  program
    .command('scan')
    .description('Scan a Flask code base and report routes without authentication.')
    .argument('[path]', 'directory (or Python file) to scan', '.')
    .addOption(
      new Option('--format <format>', `output format (${FORMATS.join('|')})`)
        .argParser(oneOf(FORMATS, '--format'))
        .default('text'),
    )
    .option('--routes', `list every route in the text report (by default up to ${ROUTE_TABLE_LIMIT})`)
    .option('-q, --quiet', 'print only the verdict (and errors): no findings, routes or progress line')
    .option('--output <file>', 'write the report to a file instead of standard output')
    .addOption(
      new Option(
        '--fail-on <level>',
        `exit 1 when a finding reaches this severity (${FAIL_ON_LEVELS.join('|')}; default high, or the config's fail-on)`,
      ).argParser((v) => parseFailOn(v, '--fail-on')),
    )
    .option('--config <file>', 'configuration file (default: <path>/.tokengate.yml when present)')
    .option(
      '--baseline-ref <ref>',
      'count only findings that are not already present at this git ref (e.g. origin/main)',
    )
    .option(
      '--preview-url <url>',
      'probe this preview deployment live (test token from $TOKENGATE_AUTH_TOKEN, key from $TOKENGATE_JWT_TEST_KEY)',
    )
    .option(
      '--auth-header <header>',
      "how the test token is sent: 'Authorization: Bearer' (default), a header name ('X-API-Key'), or a name and the text before the token ('Cookie: session=')",
    )
    .option('--unsafe-methods', 'also send POST, PUT, PATCH and DELETE probes')
    .option(
      '--openapi <file-or-url>',
      'add the operations of this OpenAPI document to the live probe targets',
    )
    .option('--max-requests <n>', 'budget of live requests (default 2000)')
    .option(
      '--workers <n>',
      'threads that parse the code (default: every core up to 8 for large trees, 1 for small ones)',
    )
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', EXAMPLES_AND_EXIT_CODES)
    .action(async (path: string, flags: ScanFlags) => {
      const authHeader =
        flags.authHeader === undefined ? undefined : parseAuthHeader(flags.authHeader, '--auth-header');
      const authToken = process.env.TOKENGATE_AUTH_TOKEN || undefined;
      if (authToken && flags.previewUrl !== undefined) checkToken(authToken, 'TOKENGATE_AUTH_TOKEN');
      const maxRequests = flags.maxRequests === undefined ? undefined : Number(flags.maxRequests);
      if (maxRequests !== undefined && (!Number.isInteger(maxRequests) || maxRequests < 1)) {
        throw new UsageError(`--max-requests must be a positive whole number, not '${flags.maxRequests}'.`);
      }
      const workers = flags.workers === undefined ? undefined : Number(flags.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
        throw new UsageError(`--workers must be a positive whole number, not '${flags.workers}'.`);
      }
      const progress = flags.quiet ? undefined : startProgress(process.stderr, path);
      const report = await scan({
        root: path,
        workers,
        configPath: flags.config,
        configExplicit: !!flags.config,
        failOn: flags.failOn,
        baselineRef: flags.baselineRef,
        live:
          flags.previewUrl !== undefined
            ? {
                previewUrl: flags.previewUrl,
                authToken,
                authHeader,
                jwtTestKey: process.env.TOKENGATE_JWT_TEST_KEY || undefined,
                unsafeMethods: !!flags.unsafeMethods,
                limits: maxRequests ? { maxRequests } : undefined,
                openapi: flags.openapi,
              }
            : undefined,
      }).finally(() => progress?.stop());
      for (const n of report.notices)
        if (n.level === 'error') process.stderr.write(`tokengate: ${printable(n.message)}\n`);
      const text =
        flags.format === 'json'
          ? renderJson(report)
          : flags.format === 'sarif'
            ? renderSarif(
                report,
                RULES.map((r) => r.meta),
              )
            : flags.format === 'markdown'
              ? renderSummary(report)
              : flags.quiet
                ? `${renderVerdict(report.gate)}\n`
                : renderText(report, { allRoutes: flags.routes });
      if (flags.output) {
        try {
          mkdirSync(dirname(flags.output), { recursive: true });
          writeFileSync(flags.output, text);
        } catch (err) {
          throw new UsageError(
            `cannot write '${flags.output}' (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
          );
        }
        // The report went to the file; the log still says why the exit code is what it is.
        process.stdout.write(
          `tokengate: report written to ${printable(flags.output)}. ${renderVerdict(report.gate)}\n`,
        );
      } else {
        process.stdout.write(text);
      }
      // A preview-url that is no URL is a usage error, after the static report (the gate's verdict is in it).
      const misused = flags.previewUrl !== undefined && previewUrlProblem(flags.previewUrl) !== undefined;
      exitCode = misused ? EXIT_USAGE : report.gate.failed ? EXIT_FAILED : EXIT_PASSED;
    });

  if (!argv.length) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code))
        return EXIT_PASSED;
      const operand = argv.find((a) => !a.startsWith('-'));
      // A path where the command belongs: the user forgot `scan`.
      if (err.code === 'commander.unknownCommand' && operand !== undefined && existsSync(operand)) {
        process.stderr.write(
          `tokengate: '${printable(operand)}' is not a command: did you mean \`tokengate scan ${printable(argv.join(' '))}\`?\n`,
        );
        return EXIT_USAGE;
      }
      process.stderr.write(oneLine(err.message) + '\n');
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(oneLine(err.message) + '\n');
      return EXIT_USAGE;
    }
    process.stderr.write(`tokengate: unexpected error: ${printable((err as Error).message)}\n`);
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv.slice(2));
