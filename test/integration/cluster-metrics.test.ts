import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, scrapeMetrics, startTestServer, waitFor, type TestServer } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function metric(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics: queues, running jobs, workers and node durations', () => {
  let server: TestServer;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    server = await startTestServer({ worker: false });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker!.once('exit', resolve));
    }
    await server?.close();
  });

  const scrape = () => scrapeMetrics(server);

  it('counts a run’s job waiting with no worker, then the worker and the node durations once it ran', async () => {
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', breastCancerPipeline());
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
    let text = await scrape();
    expect(metric(text, 'pipewright_queue_depth{queue="cpu"}')).toBe(1);
    expect(metric(text, 'pipewright_queue_depth{queue="gpu"}')).toBe(0);
    expect(metric(text, 'pipewright_jobs_running{queue="cpu"}')).toBe(0);
    expect(metric(text, 'pipewright_workers_alive{gpu="false"}')).toBe(0);
    expect(metric(text, 'pipewright_node_duration_seconds_count{type="source.csv"}')).toBeUndefined();

    worker = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), 'worker'], {
      env: server.environment.env,
      stdio: 'ignore',
    });
    const run = await waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
      },
      150_000,
      'the run to finish',
    );
    expect(run.status).toBe('succeeded');
    text = await scrape();
    expect(metric(text, 'pipewright_queue_depth{queue="cpu"}')).toBe(0);
    expect(metric(text, 'pipewright_workers_alive{gpu="false"}')).toBe(1);
    expect(metric(text, 'pipewright_node_duration_seconds_count{type="source.csv"}')).toBe(1);
    const trainSeconds = metric(text, 'pipewright_node_duration_seconds_sum{type="train.logistic"}');
    expect(trainSeconds).toBeCloseTo(run.nodes.train.durationMs! / 1000, 2);
    // The serving metrics are still there, before these.
    expect(text).toContain('# TYPE pipewright_predict_requests_total counter');
  });
});
