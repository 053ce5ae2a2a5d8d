import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunDocument, RunEvent } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowBreastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('a worker killed mid-node', () => {
  let server: TestServer;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // The server runs no worker: the workers are separate processes, as in a deployment.
    server = await startTestServer({ worker: false, env: { PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '10' } });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await server?.close();
  });

  /** The worker process and the id it registered with. */
  const startWorker = async (): Promise<{ process: ChildProcess; id: string }> => {
    const worker = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), 'worker'], {
      env: server.environment.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(worker);
    const id = await new Promise<string>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const taking = /worker (\S+) is taking jobs/.exec(output);
        if (taking) resolve(taking[1]);
      };
      worker.stdout?.on('data', onData);
      worker.stderr?.on('data', onData);
      worker.on('exit', (code) => reject(new Error(`the worker exited (${code}) before taking jobs:\n${output}`)));
    });
    return { process: worker, id };
  };

  it("loses no run: another worker runs the node again and the run succeeds, and the killed job's directory goes", async () => {
    const first = await startWorker();
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', slowBreastCancerPipeline(20_000));
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {})).body.id;
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
      return body.nodes.train.status === 'running' ? true : undefined;
    });
    // The killed worker's job directory is left behind: its job never ended. The node is running once it is
    // claimed, a moment before its worker makes the job's own directory beside its owner.json: the kill waits.
    const jobsDir = join(server.environment.home, 'work', 'jobs');
    const leftBehind = join(jobsDir, first.id);
    await waitFor(
      async () => ((await readdir(leftBehind)).length > 1 ? true : undefined),
      30_000,
      "the train job's directory",
    );
    first.process.kill('SIGKILL');

    const second = await startWorker();
    const run = await waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
      },
      120_000,
      'the run to finish on the second worker',
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.9);

    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const trainStarts = events.filter((e) => e.type === 'node-started' && e.nodeId === 'train');
    expect(trainStarts).toHaveLength(2);

    // Once the killed worker is gone, a live worker removes what its jobs left, and nothing of its own.
    await waitFor(
      async () => (existsSync(leftBehind) ? undefined : true),
      120_000,
      "the killed worker's job directory to be removed",
    );
    expect(await readdir(jobsDir)).toEqual([second.id]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'node-log',
        nodeId: 'train',
        level: 'warn',
        message: expect.stringMatching(/running it again/),
      }),
    );
  });
});
