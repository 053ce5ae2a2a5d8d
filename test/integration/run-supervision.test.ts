import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import type { RunDocument, RunEvent } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline, slowBreastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * No run hangs: a cancel ends a run whose worker is gone, and a node whose
 * job can never run again (failed for good, deleted) fails its run with why.
 */
describe('runs that would hang', () => {
  let server: TestServer;
  let boss: PgBoss;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // No worker in the server: jobs wait in the queue until a test starts one.
    server = await startTestServer({
      worker: false,
      env: { PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '10', PIPEWRIGHT_RUN_CHECK_SECONDS: '1' },
    });
    // Another client of the same queue, as an operator's script or a second deployment would be.
    boss = new PgBoss({ connectionString: server.server.database.url, supervise: false, schedule: false });
    boss.on('error', () => undefined);
    await boss.start();
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await boss?.stop({ graceful: false });
    await server?.close();
  });

  const startWorker = async (): Promise<ChildProcess> => {
    const worker = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), 'worker'], {
      env: server.environment.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(worker);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('is taking jobs')) resolve();
      };
      worker.stdout?.on('data', onData);
      worker.stderr?.on('data', onData);
      worker.on('exit', (code) => reject(new Error(`the worker exited (${code}) before taking jobs:\n${output}`)));
    });
    return worker;
  };

  const startRun = async (file = breastCancerPipeline()): Promise<string> => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    return (await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {})).body.id;
  };
  const getRun = async (runId: string) => (await api<RunDocument>(server, 'GET', `/runs/${runId}`)).body;
  const finished = (runId: string, what: string) =>
    waitFor(
      async () => {
        const run = await getRun(runId);
        return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
      },
      60_000,
      what,
    );
  /** The queue job of a node, as the database holds it. */
  const jobOf = async (runId: string, nodeId: string): Promise<{ queue: string; jobId: string }> => {
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ queue: string; job_id: string }>(
        'SELECT queue, job_id FROM run_nodes WHERE run_id = $1 AND node_id = $2',
        [runId, nodeId],
      );
      return { queue: rows[0].queue, jobId: rows[0].job_id };
    } finally {
      await client.end();
    }
  };

  it('cancel ends a run at once even when the worker running its node was killed', async () => {
    const worker = await startWorker();
    const runId = await startRun(slowBreastCancerPipeline(50_000));
    await waitFor(async () => ((await getRun(runId)).nodes.train.status === 'running' ? true : undefined));
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));

    const cancel = await api<RunDocument>(server, 'POST', `/runs/${runId}/cancel`, {});
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    const run = await getRun(runId);
    expect(run.status).toBe('cancelled');
    expect(run.nodes.train.status).toBe('cancelled');
    expect(run.nodes.metrics.status).toBe('cancelled');
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'cancelled' });
  });

  it('fails the node and the run when the node’s job failed on every try', async () => {
    const runId = await startRun();
    const { queue, jobId } = await jobOf(runId, 'source');
    // A worker takes the job and fails on every try, as one dying on it would, until pg-boss's retries
    // (and their back-off, about a minute in all) are spent.
    for (let attempt = 1; attempt <= 6; attempt++) {
      const [job] = await waitFor(
        async () => {
          const jobs = await boss.fetch(queue);
          return jobs.length > 0 ? jobs : undefined;
        },
        90_000,
        `try ${attempt} of the job`,
      );
      expect(job.id).toBe(jobId);
      await boss.fail(queue, jobId, { message: `worker lost on try ${attempt}` });
    }
    expect((await boss.getJobById(queue, jobId))?.state).toBe('failed');

    const run = await finished(runId, 'the supervisor to end the run');
    expect(run.status).toBe('failed');
    expect(run.nodes.source.status).toBe('failed');
    expect(run.nodes.source.error?.message).toBe('its job failed for good after 6 tries: worker lost on try 6');
    expect(run.nodes.train.status).toBe('cancelled');
  });

  it('fails the node and the run when the node’s job no longer exists', async () => {
    const runId = await startRun();
    const { queue, jobId } = await jobOf(runId, 'source');
    await boss.deleteJob(queue, jobId);

    const run = await finished(runId, 'the supervisor to end the run');
    expect(run.status).toBe('failed');
    expect(run.nodes.source.error?.message).toMatch(/^its job no longer exists in the queue/);
  });

  it('leaves a run whose job waits for a worker alone, and it succeeds once one comes', async () => {
    const runId = await startRun();
    // Several supervisor passes while the job waits.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await getRun(runId)).status).toBe('queued');
    await startWorker();
    const run = await finished(runId, 'the run to finish on the new worker');
    expect(run.status).toBe('succeeded');
  });
});
