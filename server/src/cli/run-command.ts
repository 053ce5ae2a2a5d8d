import { dirname, resolve } from 'node:path';
import { compilePipeline, registry, validatePipeline, type Plan, type RunStatus } from '@pipewright/nodes';
import { DEFAULT_WORKSPACE_ID } from '../../../migrations/dist/1764200000000-create-accounts.js';
import { startContext } from '../application.js';
import { CliLogger } from '../logging/loggers.js';
import { RunEventRelay } from '../events/run-event-relay.js';
import { RunsService } from '../runs/runs.service.js';
import { InvalidInputError, parseParamOptions, readPipelineFile } from './pipeline-file-input.js';
import { printIssues } from './validate-command.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import {
  BarsProgressView,
  LinesProgressView,
  cliRunDocument,
  deploymentReport,
  runReport,
  type RunProgressView,
} from './run-output.js';

export interface RunCommandOptions {
  file: string;
  param: string[];
  json: boolean;
}

export const EXIT_SUCCEEDED = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_INVALID_FILE = 2;
export const EXIT_INTERRUPTED = 130;

/**
 * `pipewright run FILE`: checks the file, starts the database and a worker
 * in this process, runs the pipeline while showing each node's progress,
 * and ends with every evaluate node's metrics. Returns the exit code.
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const path = resolve(options.file);
  const say = (line: string): void => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };

  let file: unknown;
  let params: Record<string, unknown>;
  let plan: Plan;
  try {
    file = await readPipelineFile(path);
    params = parseParamOptions(options.param);
    const validation = validatePipeline(file, { registry, params });
    if (!validation.ok) {
      printIssues(options.file, validation.issues);
      return EXIT_INVALID_FILE;
    }
    plan = compilePipeline(file, { registry, params });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_INVALID_FILE;
  }

  const context = await startContext({
    logger: new CliLogger(),
    log: options.json ? undefined : (message) => process.stderr.write(`${message}\n`),
  });
  let view: RunProgressView | undefined;
  let unsubscribe: (() => void) | undefined;
  const runs = context.app.get(RunsService);
  let runId: string | undefined;
  let interrupted = false;
  const cancel = (id: string): void => {
    runs
      .cancel(id, DEFAULT_WORKSPACE_ID, { system: 'cli' })
      .catch((error: unknown) => process.stderr.write(`could not cancel the run: ${String(error)}\n`));
  };
  // Ctrl-C cancels the run, which then ends as it would in the studio; twice quits at once.
  const onSignal = (): void => {
    if (interrupted) {
      process.stderr.write('\nstopping now\n');
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    process.stderr.write('\ncancelling the run (Ctrl-C again to quit at once)\n');
    if (runId) cancel(runId);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { id } = await runs.startFile(file, { params, dataDirs: [dirname(path)] });
    runId = id;
    if (interrupted) cancel(id);
    say(`Running "${plan.name}" (${plan.jobs.length} nodes, run ${id})`);
    view = options.json
      ? undefined
      : process.stdout.isTTY
        ? new BarsProgressView(plan.jobs, process.stdout)
        : new LinesProgressView(say);

    const finished = new Promise<RunStatus>((resolveStatus, reject) => {
      context.app
        .get(RunEventRelay)
        .subscribe(id, 0, (event) => {
          view?.onEvent(event);
          if (event.type === 'run-finished') resolveStatus(event.status);
        })
        .then((stop) => (unsubscribe = stop), reject);
    });
    const status = await finished;
    view?.stop();
    view = undefined;

    // Deployed here, before the context closes: the new API key is shown by this command or never.
    const deployments = status === 'succeeded' ? await context.app.get(DeploymentsService).deployRun(id) : [];
    const document = await runs.document(id, DEFAULT_WORKSPACE_ID);
    if (options.json) process.stdout.write(`${JSON.stringify(cliRunDocument(document, deployments))}\n`);
    else for (const line of [...runReport(document, plan.jobs), ...deploymentReport(deployments)]) say(line);
    const notDeployed = deployments.filter((outcome) => 'error' in outcome);
    for (const outcome of notDeployed) {
      process.stderr.write(`could not deploy "${outcome.name}" (node "${outcome.nodeId}"): ${outcome.error}\n`);
    }
    if (interrupted) return EXIT_INTERRUPTED;
    return status === 'succeeded' && notDeployed.length === 0 ? EXIT_SUCCEEDED : EXIT_RUN_FAILED;
  } finally {
    view?.stop();
    unsubscribe?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await context.close();
  }
}
