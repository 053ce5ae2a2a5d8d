import pg from 'pg';
import type { RunDocument, RunEvent } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline, slowBreastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, uploadDataset, waitFor, type TestServer } from './test-environment.js';

interface ErrorBody {
  error: { code: string; message: string; nodeId?: string; param?: string };
}

describe('runs', () => {
  let server: TestServer;
  let pipelineId: string;

  beforeAll(async () => {
    // Several jobs at once, so sibling nodes finish together and race to schedule what follows.
    server = await startTestServer({ env: { PIPEWRIGHT_WORKER_CONCURRENCY: '4' } });
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', breastCancerPipeline());
    pipelineId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const finished = (runId: string) =>
    waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      120_000,
      `run ${runId} to finish`,
    );

  it('runs the example end to end and reports its metrics', async () => {
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, {});
    expect(started.status).toBe(201);
    const run = await finished(started.body.id);

    expect(run).toMatchObject({
      id: started.body.id,
      pipelineId,
      version: 1,
      status: 'succeeded',
      params: { seed: 42 },
    });
    expect(Object.keys(run.nodes)).toEqual(['source', 'dedupe', 'split', 'impute', 'train', 'score', 'metrics']);
    for (const node of Object.values(run.nodes)) expect(node).toMatchObject({ status: 'succeeded', cached: false });
    expect(run.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.93);
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();

    const events = await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${run.id}/events`);
    const seqs = events.body.items.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events.body.items[0].type).toBe('run-started');
    expect(events.body.items.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
    const finishedNodes = events.body.items.filter((e) => e.type === 'node-finished').map((e) => e.nodeId);
    expect(finishedNodes).toEqual(Object.keys(run.nodes));
  });

  it('answers a second run of the unchanged pipeline from the cache as it starts, without a job', async () => {
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, {});
    // Finished when its start is answered: every node's key was found in the store, so no worker was needed.
    const run = (await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`)).body;
    expect(run.status).toBe('succeeded');
    for (const node of Object.values(run.nodes)) expect(node).toMatchObject({ status: 'cached', cached: true });
    expect(run.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.93);
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    try {
      const jobs = await client.query(
        'SELECT count(*)::int AS n FROM run_nodes WHERE run_id = $1 AND job_id IS NOT NULL',
        [started.body.id],
      );
      expect(jobs.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    // The studio sees what a worker's cache hits show: each node started, then finished cached; the run's end last.
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${started.body.id}/events`)).body.items;
    const nodeIds = Object.keys(run.nodes);
    for (const nodeId of nodeIds) {
      const types = events.filter((event) => 'nodeId' in event && event.nodeId === nodeId).map((event) => event.type);
      expect(types).toEqual(['node-queued', 'node-started', 'node-finished']);
    }
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it('re-runs only the nodes after a changed param', async () => {
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, { params: { seed: 7 } });
    const run = await finished(started.body.id);
    expect(run.status).toBe('succeeded');
    expect(run.params).toEqual({ seed: 7 });
    expect(run.nodes.source.status).toBe('cached');
    expect(run.nodes.dedupe.status).toBe('cached');
    expect(run.nodes.split.status).toBe('succeeded');
    expect(run.nodes.train.status).toBe('succeeded');
  });

  it('lists the runs of a pipeline, newest first', async () => {
    const list = await api<{ items: { id: string; status: string }[]; total: number }>(
      server,
      'GET',
      `/pipelines/${pipelineId}/runs`,
    );
    expect(list.body.total).toBe(3);
    expect(list.body.items[0].status).toBe('succeeded');
    const createdAt = list.body.items.map((r) => (r as unknown as { createdAt: string }).createdAt);
    expect([...createdAt].sort().reverse()).toEqual(createdAt);
  });

  it('previews the first rows of a node output', async () => {
    const list = await api<{ items: { id: string }[] }>(server, 'GET', `/pipelines/${pipelineId}/runs?limit=1`);
    const runId = list.body.items[0].id;
    const preview = await api<{ columns: { name: string }[]; rows: Record<string, unknown>[]; total: number }>(
      server,
      'GET',
      `/runs/${runId}/nodes/source/preview?port=out`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.total).toBe(569);
    expect(preview.body.rows).toHaveLength(100);
    expect(preview.body.columns.map((c) => c.name)).toContain('diagnosis');
    expect(typeof preview.body.rows[0]['mean radius']).toBe('number');

    const model = await api<ErrorBody>(server, 'GET', `/runs/${runId}/nodes/train/preview?port=model`);
    expect(model.status).toBe(400);
    expect(model.body.error).toMatchObject({ code: 'not-a-table', nodeId: 'train' });
  });

  it('refuses to run an invalid pipeline, naming the node and param', async () => {
    const file = breastCancerPipeline();
    const split = file.nodes.find((n) => n.id === 'split')!;
    split.params = { ...split.params, fraction: 2 };
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    const refused = await api<ErrorBody>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'pipeline-invalid', nodeId: 'split', param: 'fraction' });
    const runs = await api<{ total: number }>(server, 'GET', `/pipelines/${created.body.id}/runs`);
    expect(runs.body.total).toBe(0);

    const unknownParam = await api<ErrorBody>(server, 'POST', `/pipelines/${pipelineId}/runs`, {
      params: { nope: 1 },
    });
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error.param).toBe('nope');
    const unknownField = await api<ErrorBody>(server, 'POST', `/pipelines/${pipelineId}/runs`, { colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain('colour');
  });

  it('records a failing node, cancels what follows it, and fails the run', async () => {
    const file = breastCancerPipeline();
    const train = file.nodes.find((n) => n.id === 'train')!;
    train.params = { ...train.params, label: 'no_such_column' };
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const run = await finished(started.body.id);
    expect(run.status).toBe('failed');
    expect(run.nodes.train.status).toBe('failed');
    expect(run.nodes.train.error).toMatchObject({ param: 'label', column: 'no_such_column' });
    expect(run.nodes.score.status).toBe('cancelled');
    expect(run.nodes.metrics.status).toBe('cancelled');
    expect(run.nodes.impute.status).toBe('cached');
  });

  it('cancels a running run', async () => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', slowBreastCancerPipeline(200_000 / 4));
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const runId = started.body.id;
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
      return body.nodes.train.status === 'running' ? true : undefined;
    });
    const cancelled = await api<RunDocument>(server, 'POST', `/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    const run = await finished(runId);
    expect(run.status).toBe('cancelled');
    expect(run.nodes.train.status).toBe('cancelled');
    expect(run.nodes.score.status).toBe('cancelled');
    const events = await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'run-finished', status: 'cancelled' });
  });

  it('stores nothing after run-finished when a node reports while its run is being cancelled', async () => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', slowBreastCancerPipeline(200_000 / 4));
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {})).body.id;
    // Training reports progress: its events, and the node's progress in the run document.
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
      return body.nodes.train.progress > 0 ? true : undefined;
    });

    // Hold the cancel inside its transaction, after it locked the run's row: it waits to write its audit entry.
    const holder = new pg.Client({ connectionString: server.server.database.url });
    await holder.connect();
    // Sessions are watched from outside the holder's transaction: PostgreSQL reads pg_stat_activity once a
    // transaction, so a connection the server's pool opens after the holder's first look would stay unseen.
    const watcher = new pg.Client({ connectionString: server.server.database.url });
    await watcher.connect();
    const blockedBy = async (pid: number): Promise<number | undefined> => {
      const { rows } = await watcher.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))',
        [pid],
      );
      return rows[0]?.pid;
    };
    // When a wait below times out, its error says what the run and the database's sessions were doing.
    const explained = async (what: string, wait: Promise<number>, cancelling?: Promise<unknown>): Promise<number> =>
      wait.catch(async (error: unknown) => {
        const sessions = await watcher.query<{ pid: number; state: string; blockers: number[]; query: string }>(
          `SELECT pid, state, pg_blocking_pids(pid) AS blockers, left(query, 120) AS query
             FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        const run = (await api<RunDocument>(server, 'GET', `/runs/${runId}`)).body;
        const nodes = Object.entries(run.nodes).map(([id, node]) => `${id} ${node.status} ${node.progress}%`);
        const answer = cancelling
          ? await Promise.race([
              cancelling,
              new Promise((resolve) => setTimeout(() => resolve('no answer yet'), 1_000)),
            ])
          : undefined;
        throw new Error(
          `${String(error)} (${what}); run ${run.status} [${nodes.join(', ')}]; cancel answered ` +
            `${JSON.stringify(answer)}; sessions ${JSON.stringify(sessions.rows)}`,
        );
      });
    try {
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE audit_events IN SHARE MODE');
      const cancelling = api<RunDocument>(server, 'POST', `/runs/${runId}/cancel`);
      const cancelPid = await explained(
        `the holder is ${holderPid}`,
        waitFor(() => blockedBy(holderPid), 60_000, 'the cancel to wait'),
        cancelling,
      );
      // The training node's next report starts now, and waits for the run's row behind the cancel.
      const reportPid = await explained(
        `the cancel is ${cancelPid}`,
        waitFor(() => blockedBy(cancelPid), 60_000, 'a progress report to wait behind the cancel'),
      );
      const { rows } = await watcher.query<{ started: Date }>(
        'SELECT query_start AS started FROM pg_stat_activity WHERE pid = $1',
        [reportPid],
      );
      await holder.query('COMMIT');
      expect((await cancelling).status).toBe(200);
      await waitFor(
        async () => {
          const now = await watcher.query(
            `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query_start = $2`,
            [reportPid, rows[0].started],
          );
          return now.rowCount === 0 ? true : undefined;
        },
        60_000,
        'the waiting report to be done',
      );
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
    }

    const run = await finished(runId);
    expect(run.status).toBe('cancelled');
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const end = events.findIndex((event) => event.type === 'run-finished');
    expect(events[end]).toMatchObject({ status: 'cancelled' });
    expect(events.slice(end + 1)).toEqual([]);
  });

  it('runs sibling nodes at once and schedules each node once', async () => {
    const example = breastCancerPipeline();
    const source = example.nodes.find((n) => n.id === 'source')!;
    const branches = ['a', 'b', 'c', 'd'];
    const file = {
      format: 'pipewright/v1',
      name: 'fan out',
      nodes: [
        source,
        ...branches.map((b) => ({ id: `dedupe_${b}`, type: 'clean.duplicates', params: {} })),
        ...branches.map((b) => ({ id: `impute_${b}`, type: 'clean.missing', params: { strategy: 'mean' } })),
      ],
      edges: [
        ...branches.map((b) => ({ from: 'source.out', to: `dedupe_${b}.in` })),
        ...branches.map((b) => ({ from: `dedupe_${b}.out`, to: `impute_${b}.in` })),
      ],
    };
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const run = await finished(started.body.id);
    expect(run.status).toBe('succeeded');
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${run.id}/events`)).body.items;
    const count = (type: string, nodeId?: string) =>
      events.filter((e) => e.type === type && (nodeId === undefined || ('nodeId' in e && e.nodeId === nodeId))).length;
    for (const id of Object.keys(run.nodes)) {
      expect(count('node-started', id), id).toBe(1);
      expect(count('node-finished', id), id).toBe(1);
    }
    expect(count('run-finished')).toBe(1);
  });

  it('refuses to preview a 10,000-column table with a 422 naming its width, and previews one of 1,000', async () => {
    const preview = async (width: number) => {
      const header = Array.from({ length: width }, (_, i) => `c${i}`).join(',');
      const row = Array.from({ length: width }, (_, i) => String(i)).join(',');
      const uploaded = await uploadDataset(server, `wide-${width}.csv`, `${header}\n${row}\n${row}\n`);
      expect(uploaded.status).toBe(201);
      const file = {
        format: 'pipewright/v1',
        name: `${width} columns`,
        nodes: [{ id: 'wide', type: 'source.csv', params: { dataset: `wide-${width}.csv` } }],
        edges: [],
      };
      const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
      const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
      const run = await finished(started.body.id);
      expect(run.status).toBe('succeeded');
      return api<{ columns: unknown[]; rows: unknown[] } & ErrorBody>(
        server,
        'GET',
        `/runs/${run.id}/nodes/wide/preview?port=out`,
      );
    };
    const wide = await preview(10_000);
    expect(wide.status).toBe(422);
    expect(wide.body.error).toMatchObject({ code: 'too-many-columns', nodeId: 'wide' });
    expect(wide.body.error.message).toBe(
      'output "out" of node "wide" has 10,000 columns; a preview shows tables of at most 1,000 (keep fewer with clean.select)',
    );
    const widest = await preview(1_000);
    expect(widest.status).toBe(200);
    expect(widest.body.columns).toHaveLength(1_000);
    expect(widest.body.rows).toHaveLength(2);
  });

  it('answers 404 for a run that does not exist', async () => {
    const missing = await api<ErrorBody>(server, 'GET', '/runs/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
  });
});
