import { dirname, resolve } from 'node:path';
import { compilePipeline, registry, validatePipeline, type Plan, type RunStatus } from '@pipewright/nodes';
import { newKeyRecipient } from '../auth/key-reveal.js';
import { DEFAULT_WORKSPACE_ID } from '../auth/default-workspace.js';
import { startContext } from '../application.js';
import { CliLogger } from '../logging/loggers.js';
import { RunEventRelay } from '../events/run-event-relay.js';
import { RunsService } from '../runs/runs.service.js';
import { InvalidInputError, parseParamOptions, readPipelineFile } from './pipeline-file-input.js';
import { printIssues } from './validate-command.js';
import { DeploymentKeys } from '../deployments/deployment-keys.js';
import {
  BarsProgressView,
  LinesProgressView,
  cliRunDocument,
  deploymentReport,
  runReport,
  type AutoDeployment,
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
  // A deployment this run creates leaves its API key encrypted to this process's key: shown here, or never.
  const keyRecipient = newKeyRecipient();
  try {
    const { id } = await runs.startFile(file, {
      params,
      dataDirs: [dirname(path)],
      keyRecipient: keyRecipient.recipient,
    });
    runId = id;
    if (interrupted) cancel(id);
    say(`Running "${plan.name}" (${plan.jobs.length} nodes, run ${id})`);
    view = options.json
      ? undefined
      : process.stdout.isTTY
        ? new BarsProgressView(plan.jobs, process.stdout)
        : new LinesProgressView(say);

    // The run ends, then its deploy.service nodes' outcomes follow (a worker's deploy job): the command waits for both.
    const finished = new Promise<{ status: RunStatus; deployments: AutoDeployment[] }>((resolveEnd, reject) => {
      let status: RunStatus | undefined;
      let awaiting = new Set<string>();
      const deployments: AutoDeployment[] = [];
      context.app
        .get(RunEventRelay)
        .subscribe(id, 0, (event) => {
          view?.onEvent(event);
          if (event.type === 'run-finished') {
            status = event.status;
            awaiting = new Set(event.deploying ?? []);
            view?.stop();
            view = undefined;
            if (awaiting.size > 0) say(`Deploying ${[...awaiting].map((node) => `"${node}"`).join(', ')}…`);
          }
          if (event.type === 'deployment') {
            const { type: _type, runId: _run, seq: _seq, at: _at, ...outcome } = event;
            deployments.push(outcome);
            awaiting.delete(event.nodeId);
          }
          if (status && awaiting.size === 0) resolveEnd({ status, deployments });
        })
        .then((stop) => (unsubscribe = stop), reject);
    });
    const { status, deployments } = await finished;
    view?.stop();
    view = undefined;

    const reveals = await context.app.get(DeploymentKeys).takeForRunStarter(id);
    for (const reveal of reveals) {
      const outcome = deployments.find((deployment) => deployment.nodeId === reveal.nodeId);
      if (outcome) outcome.apiKey = keyRecipient.decrypt(reveal.ciphertext);
    }
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
