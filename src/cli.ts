import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { FAIL_ON_LEVELS, type FailOn, parseFailOn } from './config.js';
import { UsageError } from './errors.js';
import { scan } from './main.js';
import { renderJson } from './report/json.js';
import { renderSummary } from './report/markdown.js';
import { renderSarif } from './report/sarif.js';
import { RULES } from './rules/index.js';
import { renderText, renderVerdict } from './report/text.js';
import { VERSION } from './version.js';

const EXIT_PASSED = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface ScanFlags {
  format: 'text' | 'json' | 'sarif' | 'markdown';
  baselineRef?: string;
  output?: string;
  failOn?: FailOn;
  config?: string;
  previewUrl?: string;
}

function oneLine(message: string): string {
  const text = message
    .replace(/^error:\s*/i, '')
    .trim()
    .split('\n')[0]!;
  return `tokengate: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_PASSED;
  const program = new Command()
    .name('tokengate')
    .description('Find Flask routes that answer without Bearer-token authentication.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showHelpAfterError(false);

  program
    .command('scan')
    .description('Scan a Flask code base and report routes without authentication.')
    .argument('[path]', 'directory (or Python file) to scan', '.')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'sarif', 'markdown'])
        .default('text'),
    )
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
    .option('--preview-url <url>', 'live probing of a preview deployment (not implemented yet: rejected)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .action(async (path: string, flags: ScanFlags) => {
      if (flags.previewUrl !== undefined) {
        throw new UsageError('--preview-url is not implemented yet; run the static scan without it.');
      }
      const report = await scan({
        root: path,
        configPath: flags.config,
        configExplicit: !!flags.config,
        failOn: flags.failOn,
        baselineRef: flags.baselineRef,
      });
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
              : renderText(report);
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
        process.stdout.write(`tokengate: report written to ${flags.output}. ${renderVerdict(report.gate)}\n`);
      } else {
        process.stdout.write(text);
      }
      exitCode = report.gate.failed ? EXIT_FAILED : EXIT_PASSED;
    });

  if (!argv.length) {
    process.stdout.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code))
        return EXIT_PASSED;
      process.stderr.write(oneLine(err.message) + '\n');
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(oneLine(err.message) + '\n');
      return EXIT_USAGE;
    }
    process.stderr.write(`tokengate: unexpected error: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv.slice(2));
