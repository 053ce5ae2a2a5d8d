import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import type { RunDocument, RunEvent, TuningReport } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';
import { startWorker, stopWorkers } from './worker-processes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/data');

const source = (id: string, split: 'train' | 'test', y = 0) => ({
  id,
  type: 'source.csv',
  params: { path: `splits/breast_cancer.${split}.csv` },
  position: { x: 0, y },
});

/** train.tune on breast cancer's train split, its model scored on the test split. */
function tuningPipeline(tune: Record<string, unknown>) {
  return {
    format: 'pipewright/v1',
    name: 'tune-breast-cancer',
    nodes: [
      source('train', 'train'),
      source('test', 'test', 200),
      { id: 'tune', type: 'train.tune', params: tune, position: { x: 200, y: 0 } },
      { id: 'score', type: 'evaluate.score', params: {}, position: { x: 400, y: 0 } },
      { id: 'metrics', type: 'evaluate.classification', params: { label: 'diagnosis' }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { from: 'train.out', to: 'tune.in' },
      { from: 'tune.model', to: 'score.model' },
      { from: 'test.out', to: 'score.in' },
      { from: 'score.out', to: 'metrics.in' },
    ],
  };
}

describe('train.tune over two workers', () => {
  let server: TestServer;
  let db: DataSource;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      worker: false,
      env: { PIPEWRIGHT_DATA_DIRS: fixtures, PIPEWRIGHT_WORKER_CONCURRENCY: '1' },
    });
    for (let i = 0; i < 2; i++) workers.push(await startWorker(server.environment.env));
    db = server.server.app.get(DataSource);
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await server?.close();
  });

  async function start(file: object): Promise<string> {
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    expect(pipeline.status).toBe(201);
    return (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
  }

  const finished = (runId: string) =>
    waitFor(
      async () => {
        const document = (await api<RunDocument>(server, 'GET', `/runs/${runId}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(document.status) ? document : undefined;
      },
      300_000,
      'the run to finish',
    );

  const partJobs = async (runId: string) =>
    (await db.query(`SELECT state FROM pgboss.job WHERE name = 'part' AND data->>'runId' = $1`, [runId])) as {
      state: string;
    }[];

  /** Waits until no part job of the run is waiting or running: nothing of it is left on any worker. */
  const partsSettled = (runId: string) =>
    waitFor(
      async () => {
        const jobs = await partJobs(runId);
        return jobs.some((job) => ['created', 'retry', 'active'].includes(job.state)) ? undefined : jobs;
      },
      120_000,
      'the parts to stop',
    );

  it('runs 12 trials as jobs on both workers and keeps the best by cross-validation', async () => {
    const runId = await start(
      tuningPipeline({
        trainer: 'train.forest',
        label: 'diagnosis',
        space: { trees: [10, 40], maxDepth: [2, 4, 0], maxFeatures: ['sqrt', 'all'] },
        folds: 5,
        seed: 3,
      }),
    );
    const run = await finished(runId);
    expect(run.status).toBe('succeeded');

    const tuning = run.nodes.tune.metrics?.tuning as TuningReport;
    expect(tuning).toMatchObject({ trainer: 'train.forest', search: 'grid', metric: 'accuracy', planned: 12 });
    expect(tuning.trials.map((trial) => trial.trial)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Trials ran on both workers.
    expect(new Set(tuning.trials.map((trial) => trial.worker)).size).toBe(2);
    const best = tuning.trials.find((trial) => trial.trial === tuning.best)!;
    expect(best.score.mean).toBe(Math.max(...tuning.trials.map((trial) => trial.score.mean)));
    expect(best.score.values).toHaveLength(5);
    expect((run.nodes.tune.metrics?.cv as { accuracy: unknown }).accuracy).toEqual(best.score);

    // The best model scores the withheld rows downstream.
    expect(run.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.9);

    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const finishedEvent = events.find((e) => e.type === 'node-finished' && e.nodeId === 'tune');
    expect(finishedEvent).toMatchObject({
      outputs: expect.arrayContaining([{ port: 'trials', kind: 'table', rows: 12, columns: 8 }]),
    });
    // The trials table grew in the progress events as trials finished.
    const sizes = events.flatMap((e) =>
      e.type === 'node-progress' && e.nodeId === 'tune' && e.tuning ? [e.tuning.trials.length] : [],
    );
    expect(sizes.at(-1)).toBe(12);
    expect(new Set(sizes).size).toBeGreaterThanOrEqual(2);
    const logs = events.flatMap((e) => (e.type === 'node-log' && e.nodeId === 'tune' ? [e.message] : []));
    expect(logs).toContain('ran 12 trials as jobs on 2 workers');

    expect(await partJobs(runId)).toEqual(Array.from({ length: 12 }, () => ({ state: 'completed' })));
  });

  it('fails the node with the failing trial’s params and reason', async () => {
    const runId = await start(
      tuningPipeline({ trainer: 'train.knn', label: 'diagnosis', space: { k: [5, 1000] }, folds: 3 }),
    );
    const run = await finished(runId);
    expect(run.status).toBe('failed');
    expect(run.nodes.tune.status).toBe('failed');
    expect(run.nodes.tune.error).toMatchObject({
      param: 'space',
      message: expect.stringMatching(/trial 2 \(k 1000\) failed: k \(1000\) is more than the \d+ training rows/),
    });
    expect(run.nodes.score.status).toBe('cancelled');
  });

  it('stops every trial when the run is cancelled mid-tune', async () => {
    const runId = await start(
      tuningPipeline({
        trainer: 'train.forest',
        label: 'diagnosis',
        space: { trees: [1500, 2000], maxDepth: [0, 30], minSamplesLeaf: [1, 2, 3] },
        folds: 5,
      }),
    );
    // Trials are running on the workers.
    await waitFor(
      async () => ((await partJobs(runId)).filter((job) => job.state === 'active').length >= 2 ? true : undefined),
      120_000,
      'trials to run',
    );
    expect((await api(server, 'POST', `/runs/${runId}/cancel`)).status).toBe(200);
    const run = await finished(runId);
    expect(run.status).toBe('cancelled');
    expect(run.nodes.tune.status).toBe('cancelled');

    // No trial keeps running or waits to run; the workers are idle.
    const jobs = await partsSettled(runId);
    expect(jobs).toHaveLength(12);
    expect(jobs.every((job) => job.state === 'cancelled' || job.state === 'completed')).toBe(true);
    const idle = await waitFor(async () => {
      const listed = (await api<{ items: { runningJobs: number }[] }>(server, 'GET', '/workers')).body.items;
      return listed.every((worker) => worker.runningJobs === 0) ? listed : undefined;
    });
    expect(idle).toHaveLength(2);
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const end = events.findIndex((e) => e.type === 'run-finished');
    expect(events.slice(end).filter((e) => e.type === 'node-progress' && e.nodeId === 'tune')).toEqual([]);
  });

  it('withdraws a fanned-out forest’s parts when its run is cancelled', async () => {
    const runId = await start({
      format: 'pipewright/v1',
      name: 'forest-cancel',
      nodes: [
        { id: 'flights', type: 'source.csv', params: { path: 'flights_100k.csv' }, position: { x: 0, y: 0 } },
        // Four parts of 500 deep trees on 100,000 rows: each runs for minutes, far longer than the test waits.
        {
          id: 'forest',
          type: 'train.forest',
          params: { label: 'late', trees: 2000, fanOut: 'always' },
          position: { x: 200, y: 0 },
        },
      ],
      edges: [{ from: 'flights.out', to: 'forest.in' }],
    });
    await waitFor(
      async () => ((await partJobs(runId)).some((job) => job.state === 'active') ? true : undefined),
      120_000,
      'the forest’s parts to run',
    );
    expect((await api(server, 'POST', `/runs/${runId}/cancel`)).status).toBe(200);
    expect((await finished(runId)).nodes.forest.status).toBe('cancelled');
    const jobs = await partsSettled(runId);
    expect(jobs).toHaveLength(4);
    expect(jobs.every((job) => job.state === 'cancelled' || job.state === 'completed')).toBe(true);
    // No part of the forest was grown to the end and stored.
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const progress = events.flatMap((e) => (e.type === 'node-progress' && e.nodeId === 'forest' ? [e.detail] : []));
    expect(progress.some((detail) => /jobs done/.test(String(detail)))).toBe(false);
  });
});
