import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import type { ModelBundle, RunEvent } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';
import { startWorker, stopWorkers } from './worker-processes.js';
import type { ChildProcess } from 'node:child_process';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/data');

describe('work fanned out over two workers', () => {
  let server: TestServer;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer({ worker: false, env: { PIPEWRIGHT_DATA_DIRS: fixtures } });
    for (let i = 0; i < 2; i++) workers.push(await startWorker(server.environment.env));
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await server?.close();
  });

  it('grows a forest on flights_100k as jobs on both workers, the same forest as one job grows', async () => {
    const forest = { label: 'late', trees: 20, maxDepth: 8, seed: 7 };
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'forest-fan-out',
      nodes: [
        { id: 'flights', type: 'source.csv', params: { path: 'flights_100k.csv' }, position: { x: 0, y: 0 } },
        // 100,000 rows × 20 trees: at the threshold, so auto fans out with two workers alive.
        { id: 'fanned', type: 'train.forest', params: forest, position: { x: 200, y: 0 } },
        { id: 'single', type: 'train.forest', params: { ...forest, fanOut: 'never' }, position: { x: 200, y: 200 } },
      ],
      edges: [
        { from: 'flights.out', to: 'fanned.in' },
        { from: 'flights.out', to: 'single.in' },
      ],
    });
    expect(pipeline.status).toBe(201);
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
    const run = await waitFor(
      async () => {
        const document = (await api<{ status: string }>(server, 'GET', `/runs/${runId}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(document.status) ? document : undefined;
      },
      240_000,
      'the run to finish',
    );
    expect(run).toMatchObject({ status: 'succeeded' });

    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const logs = events.flatMap((e) => (e.type === 'node-log' && e.nodeId === 'fanned' ? [e.message] : []));
    expect(logs).toContain('grew 20 trees as 4 jobs over 2 live workers');
    // Trees done show as jobs finish (reports closer than 100 ms apart are coalesced: each worker ran two jobs
    // one after the other, so at least two reports come through).
    const progress = events.flatMap((e) => (e.type === 'node-progress' && e.nodeId === 'fanned' ? [e.detail] : []));
    expect(progress).toContain('tree 20 of 20 (4 of 4 jobs done)');
    const byJobs = progress.filter((detail) => /^tree \d+ of 20 \(\d of 4 jobs done\)$/.test(String(detail)));
    expect(byJobs.length).toBeGreaterThanOrEqual(2);

    const db = server.server.app.get(DataSource);
    const models = (await db.query(`SELECT node_id, outputs FROM run_nodes WHERE run_id = $1`, [runId])) as {
      node_id: string;
      outputs: { model?: ModelBundle } | null;
    }[];
    const state = (id: string) => models.find((m) => m.node_id === id)?.outputs?.model?.state;
    expect((state('fanned') as { trees: unknown[] }).trees).toHaveLength(20);
    expect(state('fanned')).toEqual(state('single'));

    const parts = (await db.query(
      `SELECT state, count(*)::int AS count FROM pgboss.job WHERE name = 'part' GROUP BY state`,
    )) as { state: string; count: number }[];
    expect(parts).toEqual([{ state: 'completed', count: 4 }]);
  });
});
