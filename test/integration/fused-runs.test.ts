import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RunDocument, RunEvent } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';
import { startWorker } from './worker-processes.js';

interface Preview {
  columns: { name: string }[];
  rows: Record<string, unknown>[];
  total: number;
}

interface StoredTable {
  kind: string;
  uri: string;
  rows: number;
  deferred?: unknown;
}

const CATEGORIES = ['red', 'green', 'blue'];

/**
 * 3,000 rows and 60 duplicates, seeded: four numbers with a few empty cells and outliers, a category with a few
 * empty cells, a 0/1 label.
 */
function tableCsv(): string {
  let state = 7;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const lines = ['x1,x2,x3,x4,colour,label'];
  for (let i = 0; i < 3000; i++) {
    const cells = [0, 1, 2, 3].map((c) => {
      if (next() < 0.03) return '';
      const value = (next() - 0.5) * 10 * (c + 1) + (next() < 0.01 ? 500 : 0);
      return value.toFixed(4);
    });
    const colour = next() < 0.03 ? '' : CATEGORIES[Math.floor(next() * 3)];
    const label = next() < 0.5 ? 1 : 0;
    lines.push([...cells, colour, label].join(','));
    if (i % 50 === 0) lines.push(lines.at(-1) as string);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The bench's steps on the train side, the test side through transform.apply, then a trainer and its
 * scores: the data nodes fuse, the trainer reads the last train table (so that one is written).
 */
function preparePipeline(csvPath: string, overrides: Record<string, Record<string, unknown>> = {}) {
  const fitted: [string, string, Record<string, unknown>][] = [
    ['median', 'clean.missing', { strategy: 'median' }],
    ['mode', 'clean.missing', { strategy: 'mode', columns: ['colour'] }],
    ['clip', 'clean.outliers', { method: 'iqr', action: 'clip' }],
    ['scale', 'feature.scale', { method: 'standard', columns: ['x1', 'x2', 'x3', 'x4'] }],
    ['onehot', 'feature.onehot', { columns: ['colour'] }],
  ];
  const nodes: { id: string; type: string; params: Record<string, unknown> }[] = [
    { id: 'source', type: 'source.csv', params: { path: csvPath } },
    { id: 'dedup', type: 'clean.duplicates', params: {} },
    { id: 'split', type: 'split.random', params: { fraction: 0.8, seed: 42 } },
  ];
  const edges = [
    { from: 'source.out', to: 'dedup.in' },
    { from: 'dedup.out', to: 'split.in' },
  ];
  let train = 'split.train';
  let test = 'split.test';
  for (const [id, type, params] of fitted) {
    nodes.push({ id, type, params });
    nodes.push({ id: `${id}_test`, type: 'transform.apply', params: {} });
    edges.push({ from: train, to: `${id}.in` }, { from: `${id}.transform`, to: `${id}_test.transform` });
    edges.push({ from: test, to: `${id}_test.in` });
    train = `${id}.out`;
    test = `${id}_test.out`;
  }
  nodes.push(
    { id: 'train', type: 'train.logistic', params: { label: 'label', epochs: 5 } },
    { id: 'score', type: 'evaluate.score', params: {} },
  );
  edges.push(
    { from: train, to: 'train.in' },
    { from: 'train.model', to: 'score.model' },
    { from: test, to: 'score.in' },
  );
  return {
    format: 'pipewright/v1',
    name: 'fused-prep',
    nodes: nodes.map((node, i) => ({
      ...node,
      params: { ...node.params, ...overrides[node.id] },
      position: { x: 200 * i, y: 0 },
    })),
    edges,
  };
}

const TABLES = [
  ['source', 'out'],
  ['dedup', 'out'],
  ['split', 'train'],
  ['split', 'test'],
  ['median', 'out'],
  ['median_test', 'out'],
  ['mode', 'out'],
  ['clip', 'out'],
  ['clip_test', 'out'],
  ['scale', 'out'],
  ['onehot', 'out'],
  ['onehot_test', 'out'],
  ['score', 'out'],
] as const;

describe('fused data nodes', () => {
  let dataDir: string;
  let csvPath: string;
  let fused: TestServer;
  let unfused: TestServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pipewright-fused-'));
    csvPath = join(dataDir, 'table.csv');
    writeFileSync(csvPath, tableCsv());
    fused = await startTestServer({ env: { PIPEWRIGHT_DATA_DIRS: dataDir } });
    unfused = await startTestServer({
      env: { PIPEWRIGHT_DATA_DIRS: dataDir, PIPEWRIGHT_FUSE_DATA_NODES: 'false' },
    });
  });
  afterAll(async () => {
    await fused?.close();
    await unfused?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (server: TestServer, pipeline: unknown): Promise<RunDocument> => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', pipeline);
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    expect(started.status).toBe(201);
    return finished(server, started.body.id);
  };
  const finished = (server: TestServer, runId: string): Promise<RunDocument> =>
    waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      150_000,
      `run ${runId} to finish`,
    );
  const preview = async (server: TestServer, runId: string, node: string, port: string): Promise<Preview> => {
    const answer = await api<Preview>(server, 'GET', `/runs/${runId}/nodes/${node}/preview?port=${port}`);
    expect(answer.status, `preview of ${node}.${port}`).toBe(200);
    return answer.body;
  };
  const query = async <T>(server: TestServer, sql: string, params: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const storedTables = async (server: TestServer, runId: string): Promise<Map<string, StoredTable>> => {
    const rows = await query<{ node_id: string; outputs: Record<string, StoredTable> | null }>(
      server,
      'SELECT node_id, outputs FROM run_nodes WHERE run_id = $1',
      [runId],
    );
    const tables = new Map<string, StoredTable>();
    for (const row of rows) {
      for (const [port, value] of Object.entries(row.outputs ?? {})) {
        if (value.kind === 'table') tables.set(`${row.node_id}.${port}`, value);
      }
    }
    return tables;
  };

  let fusedRunId: string;
  let unfusedRunId: string;

  it('runs the data nodes as one unit, each node still queued, started and finished on its own', async () => {
    const [one, other] = [await run(fused, preparePipeline(csvPath)), await run(unfused, preparePipeline(csvPath))];
    fusedRunId = one.id;
    unfusedRunId = other.id;
    expect(one.status).toBe('succeeded');
    expect(other.status).toBe('succeeded');
    for (const [id, node] of Object.entries(one.nodes)) {
      expect(node, id).toMatchObject({ status: 'succeeded', cached: false });
    }

    // Every data node ran in the source's job: one job for the 13 of them.
    const jobs = await query<{ node_id: string; job_id: string }>(
      fused,
      'SELECT node_id, job_id FROM run_nodes WHERE run_id = $1',
      [one.id],
    );
    const dataJobs = new Set(jobs.filter((j) => !['train', 'score'].includes(j.node_id)).map((j) => j.job_id));
    expect(dataJobs.size).toBe(1);

    const events = (await api<{ items: RunEvent[] }>(fused, 'GET', `/runs/${one.id}/events`)).body.items;
    for (const nodeId of Object.keys(one.nodes)) {
      const kinds = events.filter(
        (e) => 'nodeId' in e && e.nodeId === nodeId && e.type !== 'node-progress' && e.type !== 'node-log',
      );
      expect(
        kinds.map((e) => e.type),
        nodeId,
      ).toEqual(['node-queued', 'node-started', 'node-finished']);
      // A node's log lines, the last of them recorded with its end, come after its start and before its end.
      const own = events.filter((e) => 'nodeId' in e && e.nodeId === nodeId);
      const logged = own.flatMap((e, index) => (e.type === 'node-log' ? [index] : []));
      const types = own.map((e) => e.type);
      if (logged.length > 0) {
        expect(types.indexOf('node-started'), nodeId).toBeLessThan(logged[0]);
        expect(types.indexOf('node-finished'), nodeId).toBeGreaterThan(logged.at(-1) as number);
      }
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index + 1));
    const logsOf = (nodeId: string) =>
      events.flatMap((e) => (e.type === 'node-log' && e.nodeId === nodeId ? [e.message] : []));
    expect(logsOf('dedup')).toEqual([expect.stringMatching(/^dropped \d+ duplicate rows of 3060$/)]);
    expect(logsOf('split')).toEqual([expect.stringMatching(/^split \d+ rows into \d+ train and \d+ test rows$/)]);
    const rowsOf = (id: string) => {
      const done = events.find((e) => e.type === 'node-finished' && e.nodeId === id);
      return JSON.stringify(done && 'outputs' in done ? done.outputs : undefined);
    };
    // Each node's own row counts, as the unfused run reports them.
    const otherEvents = (await api<{ items: RunEvent[] }>(unfused, 'GET', `/runs/${other.id}/events`)).body.items;
    for (const nodeId of Object.keys(one.nodes)) {
      const done = otherEvents.find((e) => e.type === 'node-finished' && e.nodeId === nodeId);
      expect(rowsOf(nodeId), nodeId).toBe(JSON.stringify(done && 'outputs' in done ? done.outputs : undefined));
    }
    expect(one.nodes.split.durationMs).not.toBeNull();
  });

  it('writes only the tables read outside the unit, and keeps the others as SQL', async () => {
    const tables = await storedTables(fused, fusedRunId);
    // The source reads a file (not repeatable SQL); the trainer and the scorer read the last tables.
    for (const written of ['source.out', 'onehot.out', 'onehot_test.out']) {
      expect(tables.get(written)?.deferred, written).toBeUndefined();
    }
    for (const kept of ['dedup.out', 'split.train', 'split.test', 'median.out', 'clip_test.out', 'scale.out']) {
      expect(tables.get(kept)?.deferred, kept).toBeDefined();
      expect(tables.get(kept)?.uri, kept).toMatch(/^deferred:/);
    }
    const plain = await storedTables(unfused, unfusedRunId);
    for (const [name, table] of plain) {
      expect(table.deferred, name).toBeUndefined();
      expect(tables.get(name)?.rows, name).toBe(table.rows);
    }
  });

  it('previews every table, written or not, with the same rows as the unfused run', async () => {
    for (const [node, port] of TABLES) {
      const [one, other] = [
        await preview(fused, fusedRunId, node, port),
        await preview(unfused, unfusedRunId, node, port),
      ];
      expect(one.total, `${node}.${port}`).toBe(other.total);
      expect(one.columns, `${node}.${port}`).toEqual(other.columns);
      expect(one.rows, `${node}.${port}`).toEqual(other.rows);
    }
    const scored = await preview(fused, fusedRunId, 'score', 'out');
    expect(scored.rows[0]).toHaveProperty('prediction');
  });

  it('answers an unchanged re-run from the cache, then re-runs from an edited middle node on kept tables', async () => {
    const again = await run(fused, preparePipeline(csvPath));
    for (const [id, node] of Object.entries(again.nodes)) expect(node, id).toMatchObject({ cached: true });

    // The clip's input (mode.out) and its test side's (mode_test.out) were never written: they are computed
    // from what was stored, and what follows equals the unfused run of the same edit.
    const edit = { clip: { threshold: 2 } };
    const [one, other] = [
      await run(fused, preparePipeline(csvPath, edit)),
      await run(unfused, preparePipeline(csvPath, edit)),
    ];
    expect(one.status).toBe('succeeded');
    for (const id of ['source', 'dedup', 'split', 'median', 'median_test', 'mode', 'mode_test']) {
      expect(one.nodes[id], id).toMatchObject({ status: 'cached', cached: true });
    }
    for (const id of ['clip', 'clip_test', 'scale', 'onehot', 'onehot_test', 'train', 'score']) {
      expect(one.nodes[id], id).toMatchObject({ status: 'succeeded', cached: false });
    }
    for (const [node, port] of [
      ['clip', 'out'],
      ['onehot_test', 'out'],
      ['score', 'out'],
    ] as const) {
      const [mine, theirs] = [await preview(fused, one.id, node, port), await preview(unfused, other.id, node, port)];
      expect(mine.total, `${node}.${port}`).toBe(theirs.total);
      expect(mine.rows, `${node}.${port}`).toEqual(theirs.rows);
    }
  });

  it('trains on a table a run before kept as SQL, computing it for the trainer', async () => {
    // The trainer now reads scale.out and scale_test.out, which the first run never wrote (the scale is a cache hit).
    const rewire = (pipeline: ReturnType<typeof preparePipeline>) => {
      pipeline.edges = pipeline.edges.filter((edge) => edge.to !== 'train.in' && edge.to !== 'score.in');
      pipeline.edges.push({ from: 'scale.out', to: 'train.in' }, { from: 'scale_test.out', to: 'score.in' });
      return pipeline;
    };
    const [one, other] = [
      await run(fused, rewire(preparePipeline(csvPath))),
      await run(unfused, rewire(preparePipeline(csvPath))),
    ];
    expect(one.status).toBe('succeeded');
    expect(one.nodes.scale).toMatchObject({ status: 'cached', cached: true });
    expect(one.nodes.train).toMatchObject({ status: 'succeeded', cached: false });
    expect((await storedTables(fused, one.id)).get('scale.out')?.deferred).toBeDefined();
    const [mine, theirs] = [
      await preview(fused, one.id, 'score', 'out'),
      await preview(unfused, other.id, 'score', 'out'),
    ];
    expect(mine.total).toBe(theirs.total);
    expect(mine.rows).toEqual(theirs.rows);
  });

  it('names the node that failed in the middle of a unit, cancels what follows, and runs its other branch', async () => {
    const pipeline = preparePipeline(csvPath);
    // A filter on the train side whose predicate names no column; the test side does not read it.
    pipeline.nodes.push({
      id: 'broken',
      type: 'clean.filter',
      params: { where: 'no_such_column > 0' },
      position: { x: 0, y: 200 },
    });
    pipeline.edges = pipeline.edges.filter((edge) => edge.to !== 'scale.in');
    pipeline.edges.push({ from: 'clip.out', to: 'broken.in' }, { from: 'broken.out', to: 'scale.in' });
    const [one, other] = [await run(fused, pipeline), await run(unfused, pipeline)];
    expect(one.status).toBe('failed');
    expect(one.nodes.broken.status).toBe('failed');
    expect(one.nodes.broken.error?.message).toContain('no_such_column');
    expect(one.nodes.broken.error).toEqual(other.nodes.broken.error);
    // Its end is its last event, and the run's events are numbered without a gap.
    const events = (await api<{ items: RunEvent[] }>(fused, 'GET', `/runs/${one.id}/events`)).body.items;
    expect(events.filter((e) => 'nodeId' in e && e.nodeId === 'broken').at(-1)?.type).toBe('node-failed');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index + 1));
    for (const id of ['scale', 'scale_test', 'onehot', 'onehot_test', 'train', 'score']) {
      expect(one.nodes[id].status, id).toBe('cancelled');
    }
    for (const id of ['source', 'dedup', 'split', 'median', 'mode', 'clip', 'clip_test']) {
      expect(one.nodes[id].status, id).toMatch(/^(succeeded|cached)$/);
    }
  });

  it('cancels a run while a node of its unit runs, and the worker takes the next run', async () => {
    const pipeline = {
      format: 'pipewright/v1',
      name: 'fused-cancel',
      nodes: [
        { id: 'source', type: 'source.csv', params: { path: csvPath }, position: { x: 0, y: 0 } },
        { id: 'dedup', type: 'clean.duplicates', params: {}, position: { x: 200, y: 0 } },
        {
          id: 'slow',
          type: 'clean.sql',
          // About 3·10^11 rows to count: it runs until it is interrupted.
          params: { query: 'SELECT count(*) AS n FROM input, range(100000000) AS r' },
          position: { x: 400, y: 0 },
        },
        { id: 'after', type: 'clean.select', params: {}, position: { x: 600, y: 0 } },
      ],
      edges: [
        { from: 'source.out', to: 'dedup.in' },
        { from: 'dedup.out', to: 'slow.in' },
        { from: 'slow.out', to: 'after.in' },
      ],
    };
    const created = await api<{ id: string }>(fused, 'POST', '/pipelines', pipeline);
    const started = await api<{ id: string }>(fused, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const runId = started.body.id;
    await waitFor(
      async () => {
        const { body } = await api<RunDocument>(fused, 'GET', `/runs/${runId}`);
        return body.nodes.slow.status === 'running' ? true : undefined;
      },
      60_000,
      'the slow node to start',
    );
    expect((await api(fused, 'POST', `/runs/${runId}/cancel`)).status).toBe(200);
    const cancelled = await finished(fused, runId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.nodes.dedup.status).toMatch(/^(succeeded|cached)$/);
    expect(cancelled.nodes.slow.status).toBe('cancelled');
    expect(cancelled.nodes.after.status).toBe('cancelled');

    const next = await run(fused, preparePipeline(csvPath, { split: { seed: 7 } }));
    expect(next.status).toBe('succeeded');
  });
});

describe('a fused unit whose worker is killed', () => {
  let dataDir: string;
  let server: TestServer;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pipewright-fused-loss-'));
    writeFileSync(join(dataDir, 'table.csv'), tableCsv());
    // The workers are processes of their own, so one can be killed mid-unit.
    server = await startTestServer({
      worker: false,
      env: { PIPEWRIGHT_DATA_DIRS: dataDir, PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '10' },
    });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('goes on on another worker with the nodes held for it, computing the tables it never wrote', async () => {
    workers.push(await startWorker(server.environment.env));
    const pipeline = {
      format: 'pipewright/v1',
      name: 'fused-loss',
      nodes: [
        { id: 'source', type: 'source.csv', params: { path: join(dataDir, 'table.csv') }, position: { x: 0, y: 0 } },
        { id: 'dedup', type: 'clean.duplicates', params: {}, position: { x: 200, y: 0 } },
        {
          id: 'slow',
          type: 'clean.sql',
          // About 3·10^10 rows to count: seconds, long enough to kill its worker while it runs.
          params: { query: 'SELECT count(*) AS n FROM input, range(10000000) AS r' },
          position: { x: 400, y: 0 },
        },
        { id: 'after', type: 'clean.select', params: {}, position: { x: 600, y: 0 } },
      ],
      edges: [
        { from: 'source.out', to: 'dedup.in' },
        { from: 'dedup.out', to: 'slow.in' },
        { from: 'slow.out', to: 'after.in' },
      ],
    };
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', pipeline);
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {})).body.id;
    await waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return body.nodes.slow.status === 'running' ? true : undefined;
      },
      60_000,
      'the slow node to start',
    );
    workers[0].kill('SIGKILL');
    workers.push(await startWorker(server.environment.env));

    const run = await waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      150_000,
      'the run to finish on the second worker',
    );
    expect(run.status).toBe('succeeded');
    const events = (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;
    const starts = (nodeId: string) => events.filter((e) => e.type === 'node-started' && e.nodeId === nodeId);
    // What finished before the kill is not run again; the node that was running is, once.
    expect(starts('dedup')).toHaveLength(1);
    expect(starts('slow')).toHaveLength(2);
    expect(starts('after')).toHaveLength(1);
    // The count over the deduplicated rows, whose table the second worker computed from the source's.
    const deduplicated = await api<Preview>(server, 'GET', `/runs/${runId}/nodes/dedup/preview?port=out`);
    expect(deduplicated.body.total).toBe(3000);
    const preview = await api<Preview>(server, 'GET', `/runs/${runId}/nodes/after/preview?port=out`);
    expect(preview.body.rows).toEqual([{ n: 3000 * 10_000_000 }]);
  });
});
