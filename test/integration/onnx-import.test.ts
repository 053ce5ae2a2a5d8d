import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineFile, RunDocument } from '../../nodes/dist/index.js';
import { freePort } from '../../server/dist/free-port.js';
import { api, startTestServer, uploadDataset, waitFor, type TestServer } from './test-environment.js';

type Row = Record<string, string | number | boolean | null>;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const MEASUREMENTS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

/** The iris rows scored by an imported ONNX model, evaluated, and deployed as "iris-onnx". */
function importingPipeline(): PipelineFile {
  const at = (x: number, y = 0) => ({ x: x * 280, y: y * 140 });
  return {
    format: 'pipewright/v1',
    name: 'Imported ONNX iris model',
    params: {},
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/iris.csv' }, position: at(0) },
      {
        id: 'onnx',
        type: 'model.onnx',
        params: { path: 'iris-float-input.onnx', features: MEASUREMENTS, classes: SPECIES, label: 'species' },
        position: at(0, 1),
      },
      { id: 'score', type: 'evaluate.score', params: {}, position: at(1) },
      { id: 'metrics', type: 'evaluate.classification', params: { label: 'species' }, position: at(2) },
      { id: 'deploy', type: 'deploy.service', params: { name: 'iris-onnx' }, position: at(1, 1) },
    ],
    edges: [
      { from: 'source.out', to: 'score.in' },
      { from: 'onnx.model', to: 'score.model' },
      { from: 'score.out', to: 'metrics.in' },
      { from: 'onnx.model', to: 'deploy.model' },
    ],
  } as PipelineFile;
}

async function scoredRows(server: TestServer, runId: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: server.server.database.url });
  await client.connect();
  const { rows } = await client.query<{ uri: string }>(
    `SELECT outputs->'out'->>'uri' AS uri FROM run_nodes WHERE run_id = $1 AND node_id = 'score'`,
    [runId],
  );
  await client.end();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const path = join(server.server.settings.artifactsDir, rows[0].uri);
  const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path.replace(/'/g, "''")}')`);
  const result = reader.getRowObjectsJson() as Row[];
  connection.closeSync();
  instance.closeSync();
  return result;
}

function predict(url: string, name: string, key: string, rows: Row[]) {
  return fetch(`${url}/api/predict/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ rows }),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as {
      predictions: string[];
      probabilities: Record<string, number>[];
      error?: { message: string; column?: string };
    },
  }));
}

const measurementsOf = (row: Row): Row => Object.fromEntries(MEASUREMENTS.map((c) => [c, row[c]]));

describe('an imported ONNX model, scored, evaluated and deployed', () => {
  let server: TestServer;
  let runId: string;
  let scored: Row[];
  let apiKey: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { PIPEWRIGHT_DATA_DIRS: join(repoRoot, 'test/fixtures/models') } });
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', importingPipeline());
    expect(pipeline.status).toBe(201);
    runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
    await waitFor(
      async () => {
        const run = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        if (run.body.status === 'failed') throw new Error(`the run failed: ${JSON.stringify(run.body.nodes)}`);
        return run.body.status === 'succeeded' ? run.body : undefined;
      },
      120_000,
      'the run to succeed',
    );
    scored = await scoredRows(server, runId);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('scores and evaluates the rows like a trained model', async () => {
    expect(scored).toHaveLength(150);
    const run = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
    const metrics = run.body.nodes.metrics.metrics as { accuracy: number; confusionMatrix: unknown };
    // The fixture's hand-set weights get 143 of the 150 flowers right.
    expect(metrics.accuracy).toBeCloseTo(143 / 150, 6);
    expect(scored.filter((row) => row.prediction === row.species)).toHaveLength(143);
  });

  it('deploys itself, and the prediction service answers what evaluate.score wrote', async () => {
    await waitFor(
      async () => {
        const list = await api<{ items: { name: string; algorithm: string }[] }>(server, 'GET', '/deployments');
        return list.body.items.find((d) => d.name === 'iris-onnx' && d.algorithm === 'onnx');
      },
      30_000,
      'the auto-deployment',
    );
    const key = await api<{ apiKey: string }>(server, 'POST', '/deployments/iris-onnx/keys', { name: 'test' });
    expect(key.status).toBe(201);
    apiKey = key.body.apiKey;
    const answer = await predict(server.url, 'iris-onnx', apiKey, scored.map(measurementsOf));
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toEqual(scored.map((row) => row.prediction));
    answer.body.probabilities.forEach((p, i) => {
      for (const s of SPECIES) expect(p[s]).toBeCloseTo(scored[i][`probability_${s}`] as number, 6);
    });

    const missing = await predict(server.url, 'iris-onnx', apiKey, [{ 'sepal length (cm)': 5.1 }]);
    expect(missing.status).toBe(400);
    expect(missing.body.error?.message).toContain('sepal width (cm)');
  });

  it('scores a whole dataset in a batch with the imported model', async () => {
    const { readFile } = await import('node:fs/promises');
    const csv = await readFile(join(repoRoot, 'examples/data/iris.csv'));
    const { body: dataset } = await uploadDataset<{ id: string }>(server, 'iris.csv', csv);
    const started = await api<{ id: string }>(server, 'POST', '/deployments/iris-onnx/batch', { dataset: dataset.id });
    expect(started.status).toBe(202);
    const done = await waitFor(
      async () => {
        const job = await api<{ status: string; rowsDone: number; output?: { path: string }; error?: string }>(
          server,
          'GET',
          `/deployments/iris-onnx/batch/${started.body.id}`,
        );
        return job.body.status === 'running' ? undefined : job.body;
      },
      60_000,
      'the batch',
    );
    expect(done).toMatchObject({ status: 'succeeded', rowsDone: 150 });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const file = join(server.environment.home, 'datasets', done.output!.path);
    const batch = (
      await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
    ).getRowObjectsJson() as Row[];
    connection.closeSync();
    instance.closeSync();
    expect(batch.map((row) => row.prediction)).toEqual(scored.map((row) => row.prediction));
  });

  it('exports the imported model as the file it came in, and serves its bundle with no database', async () => {
    const exported = await fetch(`${server.url}/api/runs/${runId}/nodes/onnx/export?format=onnx`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(exported.status).toBe(200);
    const { readFile } = await import('node:fs/promises');
    const original = await readFile(join(repoRoot, 'test/fixtures/models/iris-float-input.onnx'));
    expect(Buffer.from(await exported.arrayBuffer()).equals(original)).toBe(true);
    // No ES module: onnxruntime scores an imported model, and the module carries only Pipewright's own scoring.
    const asModule = await fetch(`${server.url}/api/runs/${runId}/nodes/onnx/export?format=esm`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(asModule.status).toBe(422);
    expect(((await asModule.json()) as { error: { message: string; nodeId: string } }).error).toMatchObject({
      nodeId: 'onnx',
      message: expect.stringMatching(
        /^a model\.onnx model cannot be exported as an ES module: .* scored by onnxruntime/,
      ),
    });

    const bundle = await api(server, 'GET', '/deployments/iris-onnx/bundle');
    const file = join(server.environment.home, 'iris-onnx.bundle.json');
    await writeFile(file, JSON.stringify(bundle.body));
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pipewright.mjs'), 'serve', '--bundle', file], {
      env: { ...process.env, PORT: String(port), PIPEWRIGHT_API_KEYS: 'replica-key', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        async () => (/serving "iris-onnx" version 1/.test(output) ? true : undefined),
        30_000,
        `the replica to start:\n${output}`,
      );
      const answer = await predict(`http://127.0.0.1:${port}`, 'iris-onnx', 'replica-key', scored.map(measurementsOf));
      expect(answer.status).toBe(200);
      expect(answer.body.predictions).toEqual(scored.map((row) => row.prediction));
    } finally {
      child.kill('SIGTERM');
    }
  });
});
