import { Command, Option } from 'commander';
import { describeFatal } from '../process-lifecycle.js';

// Commands load what they need when they run: `validate` never loads NestJS or the database.

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command('pipewright')
  .description('Pipewright: run machine-learning pipelines from the command line, or start the studio')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('run')
  .description(
    'run a pipeline file (deploying its deploy.service nodes); exits 0 when it succeeds, 1 when a node or a deployment fails, 2 when the file is invalid',
  )
  .argument('<file>', 'a pipewright/v1 pipeline file (relative paths in it resolve against its directory)')
  .addOption(new Option('--param <name=value>', 'set a pipeline param (repeatable)').default([]).argParser(collect))
  .option('--json', 'print one JSON document with the outcome, and nothing else, on stdout', false)
  .action(async (file: string, options: { param: string[]; json: boolean }) => {
    const { runCommand } = await import('./run-command.js');
    finish(await runCommand({ file, ...options }).catch(cannotRun));
  });

program
  .command('validate')
  .description('check a pipeline file without running it; exits 0 when valid, 2 otherwise')
  .argument('<file>', 'a pipewright/v1 pipeline file')
  .addOption(new Option('--param <name=value>', 'set a pipeline param (repeatable)').default([]).argParser(collect))
  .action(async (file: string, options: { param: string[] }) => {
    const { validateCommand } = await import('./validate-command.js');
    finish(await validateCommand({ file, ...options }).catch(cannotRun));
  });

program
  .command('serve')
  .description('start the studio, the API and a worker (same as npm start)')
  .option('--no-worker', 'run no worker in this process (run `pipewright worker` processes instead)')
  .addOption(
    new Option(
      '--bundle <file>',
      'serve only predictions from an exported bundle, with no database (repeatable; keys from PIPEWRIGHT_API_KEYS)',
    )
      .default([])
      .argParser(collect),
  )
  .option('--open', 'with --bundle: take requests without an API key (behind a gateway that authenticates)', false)
  .action(async (options: { worker: boolean; bundle: string[]; open: boolean }) => {
    if (options.bundle.length > 0) return (await import('./serve-bundle-command.js')).serveBundleCommand(options);
    return (await import('../serve.js')).serve(options);
  });

program
  .command('worker')
  .description('start a worker that takes jobs from the database (same as npm run worker)')
  .action(async () => (await import('./worker-command.js')).workerCommand());

/**
 * What stopped `run` or `validate` before the run could end (a dataset the
 * database lacks, a database that will not start): one line with the
 * reason, and exit 2. Someone running a file acts on the reason; a stack
 * trace tells them nothing.
 */
function cannotRun(error: unknown): number {
  process.stderr.write(`pipewright: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
}

/** Exits with the command's code once stdout has been written out (a pipe may still hold the JSON). */
function finish(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`pipewright: ${describeFatal(error)}\n`);
  process.exit(1);
});
