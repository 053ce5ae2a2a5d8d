// Runs a pipeline file the way `pipewright run` does — the database, the
// server's services and a worker in this one process — `rounds` times, each
// round with a fresh artifact store so nothing is a cache hit unless
// `--cached` (then the first round fills the store and the others re-run on
// it). `node run-pipeline-in-process.mjs FILE ROUNDS [--cached]`. Prints one
// JSON line a round on stdout: {ms, cpuMs, status, nodes: {id: {durationMs, cached, metrics?}},
// finished: {id: ms}}, where ms is from asking for the run to its
// run-finished event and finished[id] to the node's node-finished event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

const [file, roundsArg, ...flags] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 1);
const cached = flags.includes('--cached');
const artifacts = mkdtempSync(join(tmpdir(), 'pipewright-bench-artifacts-'));
process.env.PIPEWRIGHT_ARTIFACTS = artifacts;

const { startContext } = await import('../../../server/dist/application.js');
const { RunsService } = await import('../../../server/dist/runs/runs.service.js');
const { RunEventRelay } = await import('../../../server/dist/events/run-event-relay.js');
const { DEFAULT_WORKSPACE_ID } = await import('../../../server/dist/auth/default-workspace.js');

const pipeline = JSON.parse(await readFile(file, 'utf8'));
const context = await startContext({ logger: ['error'] });
try {
  const runs = context.app.get(RunsService);
  const relay = context.app.get(RunEventRelay);
  for (let round = 0; round < rounds; round++) {
    if (!cached) {
      rmSync(artifacts, { recursive: true, force: true });
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const finished = {};
    const { id } = await runs.startFile(pipeline, { params: {}, dataDirs: [dirname(resolve(file))] });
    let stop;
    await new Promise((done, fail) => {
      relay
        .subscribe(id, 0, (event) => {
          if (event.type === 'node-finished') finished[event.nodeId] = performance.now() - started;
          if (event.type === 'run-finished') done();
        })
        .then((unsubscribe) => (stop = unsubscribe), fail);
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    stop?.();
    const document = await runs.document(id, DEFAULT_WORKSPACE_ID);
    const nodes = Object.fromEntries(
      Object.entries(document.nodes).map(([nodeId, node]) => [
        nodeId,
        {
          durationMs: node.durationMs,
          cached: node.cached,
          ...(node.metrics ? { metrics: node.metrics } : {}),
          ...(node.error ? { error: node.error } : {}),
        },
      ]),
    );
    process.stdout.write(
      `${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, status: document.status, nodes, finished })}\n`,
    );
  }
} finally {
  await context.close();
  rmSync(artifacts, { recursive: true, force: true });
}
