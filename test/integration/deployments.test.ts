import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import autocannon from 'autocannon';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument, RunEvent } from '../../nodes/dist/index.js';
import { startServer } from '../../server/dist/application.js';
import { newKeyRecipient } from '../../server/dist/auth/key-reveal.js';
import { readSettings } from '../../server/dist/config/settings.js';
import { DeploymentRepository } from '../../server/dist/deployments/deployment.repository.js';
import { freePort } from '../../server/dist/free-port.js';
import { breastCancerPipeline, deployingPipeline, slowBreastCancerPipeline } from './example-pipelines.js';
import * as ort from 'onnxruntime-node';
import {
  api,
  authHeaders,
  scrapeMetrics,
  startTestServer,
  uploadDataset,
  waitFor,
  type Identity,
  type TestServer,
} from './test-environment.js';

type Row = Record<string, string | number | boolean | null>;
interface Prediction {
  predictions: (string | number)[];
  probabilities?: Record<string, number>[];
  version: number;
}

/** The rows evaluate.score wrote (the withheld test side, scored), read from the run's Parquet output. */
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

function predict(url: string, name: string, key: string | undefined, body: unknown) {
  return fetch(`${url}/api/predict/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as Prediction & {
      error: { code: string; message: string; row?: number; column?: string };
    },
  }));
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const withoutScores = (row: Row): Row =>
  Object.fromEntries(Object.entries(row).filter(([c]) => c !== 'prediction' && !c.startsWith('probability_')));

describe('deployments and predictions', () => {
  let server: TestServer;
  let editor: Identity;
  let runId: string;
  let apiKey: string;
  let testRows: Row[];
  /** The finished batch job, as its server answered it. */
  let finishedBatch: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer();
    editor = await server.as('editor');
    const pipeline = await api<{ id: string }>(editor, 'POST', '/pipelines', deployingPipeline());
    runId = (await api<{ id: string }>(editor, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
    await waitFor(
      async () => {
        const run = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        if (run.body.status === 'failed') throw new Error(`the run failed: ${JSON.stringify(run.body.nodes)}`);
        return run.body.status === 'succeeded' ? run.body : undefined;
      },
      120_000,
      'the run to succeed',
    );
    testRows = await scoredRows(server, runId);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('deploys itself when the run succeeds (deploy.service with autoDeploy)', async () => {
    const deployed = await waitFor(
      async () => {
        const list = await api<{ items: { name: string; activeVersion: number; algorithm: string }[] }>(
          server,
          'GET',
          '/deployments',
        );
        return list.body.items.find((d) => d.name === 'breast-cancer');
      },
      30_000,
      'the auto-deployment',
    );
    expect(deployed).toMatchObject({ activeVersion: 1, algorithm: 'logistic' });
  });

  it('lets an admin deploy a run’s trained model and refuses an editor (403)', async () => {
    const refused = await api<{ error: { code: string } }>(editor, 'POST', '/deployments', {
      runId,
      nodeId: 'train',
      name: 'cancer',
    });
    expect(refused.status).toBe(403);
    const deployed = await api<{ name: string; version: number; apiKey: string }>(server, 'POST', '/deployments', {
      runId,
      nodeId: 'train',
      name: 'cancer',
    });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ name: 'cancer', version: 1 });
    expect(deployed.body.apiKey).toMatch(/^pwk_/);
    apiKey = deployed.body.apiKey;
    const keys = await api<{ items: { prefix: string }[] }>(server, 'GET', '/deployments/cancer/keys');
    expect(JSON.stringify(keys.body)).not.toContain(apiKey);
  });

  it('predicts the withheld test rows over HTTP exactly as evaluate.score scored them', async () => {
    expect(testRows.length).toBeGreaterThan(100);
    const classes = ['benign', 'malignant'];
    const rows = testRows.map((row) =>
      Object.fromEntries(
        Object.entries(row).filter(([column]) => column !== 'prediction' && !column.startsWith('probability_')),
      ),
    );
    const answer = await predict(server.url, 'cancer', apiKey, { rows });
    expect(answer.status).toBe(200);
    expect(answer.body.version).toBe(1);
    expect(answer.body.predictions).toEqual(testRows.map((row) => row.prediction));
    testRows.forEach((row, i) => {
      for (const label of classes) {
        expect(Math.abs(answer.body.probabilities![i][label] - Number(row[`probability_${label}`]))).toBeLessThan(1e-6);
      }
    });
  });

  it('exports the model with its preprocessing as ONNX (run node and deployment version); onnxruntime scores the withheld rows as evaluate.score did', async () => {
    const download = async (identity: Identity, path: string) => {
      const response = await fetch(`${server.url}/api${path}`, { headers: authHeaders(identity) });
      return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
    };
    const fromRun = await download(editor, `/runs/${runId}/nodes/train/export?format=onnx`);
    expect(fromRun.status).toBe(200);
    expect(fromRun.headers.get('content-disposition')).toBe('attachment; filename="train.onnx"');
    const fromDeployment = await download(server, '/deployments/cancer/versions/1/export?format=onnx');
    expect(fromDeployment.status).toBe(200);
    expect(fromDeployment.headers.get('content-disposition')).toBe('attachment; filename="cancer-v1.onnx"');
    expect(fromRun.body.byteLength).toBeGreaterThan(1000);

    const session = await ort.InferenceSession.create(fromDeployment.body);
    const feeds = Object.fromEntries(
      session.inputNames.map((name) => [
        name,
        new ort.Tensor(
          'float64',
          Float64Array.from(testRows, (row) => Number(row[name] ?? Number.NaN)),
          [testRows.length, 1],
        ),
      ]),
    );
    const result = await session.run(feeds);
    expect(Array.from(result.label.data as ArrayLike<string>)).toEqual(testRows.map((row) => row.prediction));
    const probabilities = result.probabilities.data as Float32Array;
    testRows.forEach((row, i) => {
      expect(Math.abs(probabilities[i * 2 + 1] - Number(row.probability_malignant))).toBeLessThan(1e-5);
    });

    const unknown = await api<{ error: { message: string } }>(editor, 'GET', `/runs/${runId}/nodes/nope/export`);
    expect(unknown.status).toBe(404);
    const notAModel = await api<{ error: { message: string } }>(editor, 'GET', `/runs/${runId}/nodes/split/export`);
    expect(notAModel.status).toBe(400);
    expect(notAModel.body.error.message).toMatch(/node "split" gives no model/);
    const badFormat = await api(editor, 'GET', `/runs/${runId}/nodes/train/export?format=pmml`);
    expect(badFormat.status).toBe(400);
  });

  it('exports the model as a self-contained ES module (run node and deployment version) that predicts as the service answers', async () => {
    const download = async (identity: Identity, path: string) => {
      const response = await fetch(`${server.url}/api${path}`, { headers: authHeaders(identity) });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const fromRun = await download(editor, `/runs/${runId}/nodes/train/export?format=esm`);
    expect(fromRun.status).toBe(200);
    expect(fromRun.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(fromRun.headers.get('content-disposition')).toBe('attachment; filename="train.mjs"');
    const fromDeployment = await download(server, '/deployments/cancer/versions/1/export?format=esm');
    expect(fromDeployment.headers.get('content-disposition')).toBe('attachment; filename="cancer-v1.mjs"');
    expect(fromDeployment.text).not.toMatch(/^\s*import[\s{*]/m);
    // An editor takes a run's model; a deployment version's, like its bundle, is an admin's.
    expect((await download(editor, '/deployments/cancer/versions/1/export?format=esm')).status).toBe(403);

    const dir = await mkdtemp(join(tmpdir(), 'pipewright-esm-'));
    await writeFile(join(dir, 'cancer-v1.mjs'), fromDeployment.text);
    const exported = (await import(pathToFileURL(join(dir, 'cancer-v1.mjs')).href)) as {
      predict(rows: Row[]): Omit<Prediction, 'version'>;
      metadata: { algorithm: string; classes: string[] };
    };
    expect(exported.metadata).toMatchObject({ algorithm: 'logistic', classes: ['benign', 'malignant'] });
    const rows = testRows.map(withoutScores);
    const served = await predict(server.url, 'cancer', apiKey, { rows });
    const local = exported.predict(rows);
    expect(local.predictions).toEqual(served.body.predictions);
    expect(local.predictions).toEqual(testRows.map((row) => row.prediction));
    local.probabilities!.forEach((probabilities, i) => {
      for (const label of ['benign', 'malignant']) {
        expect(Math.abs(probabilities[label] - served.body.probabilities![i][label])).toBeLessThanOrEqual(1e-9);
      }
    });
  });

  it('answers 401 without a valid key (alike for a deployment that does not exist), 400 naming row and field, 413 past 10,000 rows', async () => {
    const row = Object.fromEntries(
      Object.entries(testRows[0]).filter(([c]) => c !== 'prediction' && !c.startsWith('probability_')),
    );
    expect((await predict(server.url, 'cancer', undefined, { rows: [row] })).status).toBe(401);
    // Issue 14, 10: a junk key learns nothing of which deployments exist.
    const junkOnReal = await predict(server.url, 'cancer', 'pwk_wrong', { rows: [row] });
    const junkOnNone = await predict(server.url, 'cancez', 'pwk_wrong', { rows: [row] });
    expect(junkOnReal.status).toBe(401);
    expect(junkOnNone.status).toBe(401);
    expect(junkOnNone.body.error.message.replace('cancez', 'cancer')).toBe(junkOnReal.body.error.message);
    expect((await predict(server.url, 'no-such-model', apiKey, { rows: [row] })).status).toBe(401);

    const { ['mean radius']: _dropped, ...missing } = row;
    const bad = await predict(server.url, 'cancer', apiKey, { rows: [row, row, missing] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ row: 2, column: 'mean radius' });
    expect(bad.body.error.message).toMatch(/row 2: field "mean radius" is missing/);
    const mistyped = await predict(server.url, 'cancer', apiKey, { rows: [{ ...row, 'mean texture': 'high' }] });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.error.message).toMatch(/row 0: field "mean texture" must be a number; got the text "high"/);

    const tooMany = await predict(server.url, 'cancer', apiKey, { rows: Array.from({ length: 10_001 }, () => row) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.message).toMatch(/10000 rows|10001/);
  });

  it('takes several keys; a revoked one stops working at once while the others go on', async () => {
    const row = Object.fromEntries(
      Object.entries(testRows[0]).filter(([c]) => c !== 'prediction' && !c.startsWith('probability_')),
    );
    const second = await api<{ id: string; apiKey: string }>(server, 'POST', '/deployments/cancer/keys', {
      name: 'batch jobs',
    });
    expect(second.status).toBe(201);
    expect((await predict(server.url, 'cancer', second.body.apiKey, { rows: [row] })).status).toBe(200);
    const revoked = await api<{ revokedAt: string | null }>(
      server,
      'DELETE',
      `/deployments/cancer/keys/${second.body.id}`,
    );
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await predict(server.url, 'cancer', second.body.apiKey, { rows: [row] })).status).toBe(401);
    expect((await predict(server.url, 'cancer', apiKey, { rows: [row] })).status).toBe(200);
    // A key of one deployment opens no other.
    expect((await predict(server.url, 'breast-cancer', apiKey, { rows: [row] })).status).toBe(401);
  });

  it('shows key names and prefixes to an admin only (issue 14, 12)', async () => {
    const asAdmin = await api<{ keys?: { name: string }[] }>(server, 'GET', '/deployments/cancer');
    expect(asAdmin.body.keys?.length).toBeGreaterThan(0);
    for (const caller of [editor, await server.as('viewer')]) {
      const seen = await api<{ keys?: unknown; versionList: unknown[] }>(caller, 'GET', '/deployments/cancer');
      expect(seen.status).toBe(200);
      expect(seen.body.versionList.length).toBeGreaterThan(0);
      expect(seen.body.keys).toBeUndefined();
    }
  });

  it('limits each key to its rate', async () => {
    const row = Object.fromEntries(
      Object.entries(testRows[0]).filter(([c]) => c !== 'prediction' && !c.startsWith('probability_')),
    );
    const slow = await api<{ apiKey: string }>(server, 'POST', '/deployments/cancer/keys', {
      name: 'slow',
      rateLimitPerSecond: 3,
    });
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        predict(server.url, 'cancer', slow.body.apiKey, { rows: [row] }).then((a) => a.status),
      ),
    );
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
    expect(statuses).toContain(429);
  });

  it('rolls back to version 1 under load without a single failed request', async () => {
    // Version 2: the same run's model, deployed from its deploy.service node.
    const v2 = await api<{ version: number }>(server, 'POST', '/deployments', {
      runId,
      nodeId: 'deploy',
      name: 'cancer',
    });
    expect(v2.body.version).toBe(2);
    const row = Object.fromEntries(
      Object.entries(testRows[0]).filter(([c]) => c !== 'prediction' && !c.startsWith('probability_')),
    );
    const load = autocannon({
      url: `${server.url.replace('localhost', '127.0.0.1')}/api/predict/cancer`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ rows: [row] }),
      connections: 10,
      duration: 3,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const promoted = await api<{ activeVersion: number }>(server, 'POST', '/deployments/cancer/promote', {
      version: 1,
    });
    expect(promoted.body.activeVersion).toBe(1);
    expect((await predict(server.url, 'cancer', apiKey, { rows: [row] })).body.version).toBe(1);
    const result = await load;
    expect(result.requests.total).toBeGreaterThan(100);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    const versions = await api<{ items: { version: number; active: boolean }[] }>(
      server,
      'GET',
      '/deployments/cancer/versions',
    );
    expect(versions.body.items.map((v) => [v.version, v.active])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it('sends a canary share of requests to another version and logs both versions’ predictions', async () => {
    const canary = await api<{ canary: { version: number; share: number } }>(
      server,
      'PUT',
      '/deployments/cancer/canary',
      {
        version: 2,
        share: 0.5,
      },
    );
    expect(canary.body.canary).toEqual({ version: 2, share: 0.5 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => predict(server.url, 'cancer', apiKey, { rows: [withoutScores(testRows[0])] })),
    );
    const versions = new Set(answers.map((a) => a.body.version));
    expect([...versions].sort()).toEqual([1, 2]);
    const logged = await waitFor(async () => {
      const page = await api<{
        items: { servedVersion: number; otherVersion: number; rows: number; agreeingRows: number }[];
      }>(server, 'GET', '/deployments/cancer/comparisons');
      return page.body.items.length > 0 ? page.body.items : undefined;
    });
    expect(logged[0]).toMatchObject({ servedVersion: 2, otherVersion: 1, rows: 1, agreeingRows: 1 });
    const ended = await api<{ canary: unknown }>(server, 'DELETE', '/deployments/cancer/canary');
    expect(ended.body.canary).toBeNull();
  });

  it('exports the bundle, documents the endpoint in OpenAPI, and counts requests in /metrics', async () => {
    const bundle = await api<{ format: string; version: number; model: { inputs: unknown[] } }>(
      server,
      'GET',
      '/deployments/cancer/bundle',
    );
    expect(bundle.body).toMatchObject({ format: 'pipewright-serving/v1', version: 1 });
    expect(bundle.body.model.inputs).toHaveLength(30);
    const docs = await api<{
      paths: Record<
        string,
        {
          post: {
            requestBody: {
              content: Record<
                string,
                { schema: { properties: { rows: { items: { properties: Record<string, unknown> } } } } }
              >;
            };
          };
        }
      >;
    }>(server, 'GET', '/docs');
    const rowProperties =
      docs.body.paths['/api/predict/cancer'].post.requestBody.content['application/json'].schema.properties.rows.items
        .properties;
    expect(rowProperties['mean radius']).toMatchObject({ type: 'number' });
    // Names no deployment has are counted together, never as series of their own.
    for (const name of ['made-up-1', 'made-up-2']) {
      expect((await predict(server.url, name, 'junk', { rows: [withoutScores(testRows[0])] })).status).toBe(401);
    }
    const metrics = await scrapeMetrics(server);
    expect(metrics).not.toContain('made-up');
    expect(metrics).toMatch(/pipewright_predict_errors_total\{deployment="",version="",code="unauthenticated"\} \d+/);
    expect(metrics).toMatch(/pipewright_predict_requests_total\{deployment="cancer",version="1",status="200"\} \d+/);
    expect(metrics).toMatch(
      /pipewright_predict_errors_total\{deployment="cancer",version="",code="unauthenticated"\} \d+/,
    );
    expect(metrics).toMatch(/pipewright_predict_latency_seconds_bucket\{deployment="cancer",version="1",le="0.01"\}/);
    const figures = await api<{ items: { version: number; requests: number; rows: number; meanMs: number }[] }>(
      server,
      'GET',
      '/deployments/cancer/metrics',
    );
    const v1 = figures.body.items.find((f) => f.version === 1)!;
    expect(v1.requests).toBeGreaterThan(100);
    expect(v1.rows).toBeGreaterThan(v1.requests);
    expect(v1.meanMs).toBeGreaterThan(0);
  });

  it('serves the exported bundle with no database: pipewright serve --bundle', async () => {
    const bundle = await api(server, 'GET', '/deployments/cancer/bundle');
    const file = join(server.environment.home, 'cancer.bundle.json');
    await writeFile(file, JSON.stringify(bundle.body));
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pipewright.mjs'), 'serve', '--bundle', file], {
      env: {
        ...process.env,
        PORT: String(port),
        PIPEWRIGHT_API_KEYS: 'replica-key-1,replica-key-2',
        PIPEWRIGHT_METRICS_TOKEN: 'replica-metrics',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        async () => (/serving "cancer" version 1/.test(output) ? true : undefined),
        30_000,
        `the replica to start:\n${output}`,
      );
      const url = `http://127.0.0.1:${port}`;
      const answer = await predict(url, 'cancer', 'replica-key-2', { rows: testRows.map(withoutScores) });
      expect(answer.status).toBe(200);
      expect(answer.body.predictions).toEqual(testRows.map((row) => row.prediction));
      expect((await predict(url, 'cancer', undefined, { rows: [withoutScores(testRows[0])] })).status).toBe(401);
      expect((await predict(url, 'elsewhere', 'replica-key-1', { rows: [withoutScores(testRows[0])] })).status).toBe(
        404,
      );
      // Anonymous callers learn no deployment's name: health names none, the OpenAPI document needs a key.
      const health = await (await fetch(`${url}/api/health`)).text();
      expect(JSON.parse(health)).toEqual({ status: 'ok', mode: 'standalone' });
      expect((await fetch(`${url}/api/docs`)).status).toBe(401);
      const junk = await fetch(`${url}/api/docs`, { headers: { authorization: 'Bearer junk' } });
      expect(junk.status).toBe(401);
      expect(await junk.text()).not.toContain('cancer');
      const docs = await fetch(`${url}/api/docs`, { headers: { authorization: 'Bearer replica-key-1' } });
      expect(Object.keys(((await docs.json()) as { paths: Record<string, unknown> }).paths)).toEqual([
        '/api/predict/cancer',
      ]);

      // Requests for made-up names, with a key or without, add no series to /metrics.
      const scrape = async () =>
        (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer replica-metrics' } })).text();
      const before = (await scrape()).split('\n').filter((line) => line.startsWith('pipewright_predict_')).length;
      for (let i = 0; i < 50; i++) {
        const row = { rows: [withoutScores(testRows[0])] };
        expect((await predict(url, `made-up-${i}`, 'replica-key-1', row)).status).toBe(404);
        expect((await predict(url, `made-up-${i}`, 'junk', row)).status).toBe(401);
      }
      const after = await scrape();
      expect(after).not.toContain('made-up');
      expect(after.split('\n').filter((line) => line.startsWith('pipewright_predict_')).length).toBeLessThanOrEqual(
        before + 4,
      );
      expect(after).toMatch(/pipewright_predict_requests_total\{deployment="",version="",status="404"\} 51/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('scores a whole dataset in a batch, with progress, and writes the predictions as a dataset', async () => {
    const csv = await readFile(join(repoRoot, 'test/fixtures/data/splits/breast_cancer.test.csv'));
    const { body: dataset } = await uploadDataset<{ id: string; path: string }>(editor, 'cancer-test.csv', csv);
    const started = await api<{ id: string; status: string }>(editor, 'POST', '/deployments/cancer/batch', {
      dataset: dataset.id,
    });
    expect(started.status).toBe(202);
    const done = await waitFor(
      async () => {
        const job = await api<{
          status: string;
          progress: number;
          rowsDone: number;
          rowsTotal: number;
          output?: { path: string };
          error?: string;
        }>(editor, 'GET', `/deployments/cancer/batch/${started.body.id}`);
        return job.body.status === 'running' ? undefined : job.body;
      },
      60_000,
      'the batch',
    );
    expect(done).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(done.rowsDone).toBe(done.rowsTotal);
    finishedBatch = done;
    const listed = await api<{ items: { path: string }[] }>(editor, 'GET', '/datasets');
    expect(listed.body.items.map((d) => d.path)).toContain(done.output!.path);

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const file = join(server.environment.home, 'datasets', done.output!.path);
    const scored = (
      await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
    ).getRowObjectsJson() as Row[];
    connection.closeSync();
    instance.closeSync();
    expect(scored).toHaveLength(done.rowsTotal);
    const online = await predict(server.url, 'cancer', apiKey, { rows: scored.map(withoutScores) });
    expect(scored.map((row) => row.prediction)).toEqual(online.body.predictions);
  });

  it('keeps batch jobs in the database: another server answers for them, and a job whose server died is failed', async () => {
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    const {
      rows: [deployment],
    } = await client.query<{ id: string; workspace_id: string }>(
      `SELECT id, workspace_id FROM deployments WHERE name = 'cancer'`,
    );
    // A job as a server leaves it when it is killed mid-batch: running, its heartbeat as old as its death.
    const runningJob = async (heartbeatAgo: string) =>
      (
        await client.query<{ id: string }>(
          `INSERT INTO batch_jobs (id, deployment_id, deployment_name, version, workspace_id, input, status,
                                   rows_done, rows_total, progress, heartbeat_at)
           VALUES (gen_random_uuid(), $1, 'cancer', 1, $2, 'big.parquet', 'running', 20000, 50000, 40,
                   now() - $3::interval) RETURNING id`,
          [deployment.id, deployment.workspace_id, heartbeatAgo],
        )
      ).rows[0].id;
    const lostBeforeStart = await runningJob('10 minutes');
    const second = await startServer({
      settings: readSettings({ ...server.environment.env, PORT: '0' }),
      worker: false,
      logger: ['error'],
      log: () => undefined,
    });
    try {
      const other = { url: second.url, token: editor.token };
      const again = await api(other, 'GET', `/deployments/cancer/batch/${String(finishedBatch.id)}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(finishedBatch);
      expect((await api(other, 'GET', `/deployments/elsewhere/batch/${String(finishedBatch.id)}`)).status).toBe(404);
      expect((await api(other, 'GET', '/deployments/cancer/batch/no-such-job')).status).toBe(404);

      const message = 'the server stopped while scoring; start the batch again';
      // The starting server failed the job that no live process keeps alive.
      const swept = await client.query(`SELECT status, error FROM batch_jobs WHERE id = $1`, [lostBeforeStart]);
      expect(swept.rows[0]).toEqual({ status: 'failed', error: message });
      // One whose server dies while others run is failed when it is read; one whose server lives runs on.
      const lostLater = await runningJob('3 minutes');
      const alive = await runningJob('5 seconds');
      const lost = await api<{ status: string; error: string; finishedAt?: string }>(
        other,
        'GET',
        `/deployments/cancer/batch/${lostLater}`,
      );
      expect(lost.body).toMatchObject({ status: 'failed', error: message, rowsDone: 20000, rowsTotal: 50000 });
      expect(lost.body.finishedAt).toBeDefined();
      expect((await api(server, 'GET', `/deployments/cancer/batch/${alive}`)).body).toMatchObject({
        status: 'running',
        progress: 40,
      });
    } finally {
      await second.close();
      await client.end();
    }
  });
  it('deploys in a job after the run ends, reports it as an event, and shows a new key once to whoever ran it', async () => {
    const starter = newKeyRecipient();
    const file = deployingPipeline();
    file.nodes.find((node) => node.id === 'deploy')!.params = { name: 'cancer-revealed' };
    const pipeline = await api<{ id: string }>(editor, 'POST', '/pipelines', file);
    const refused = await api<{ error: { param: string } }>(editor, 'POST', `/pipelines/${pipeline.body.id}/runs`, {
      keyRecipient: { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe('keyRecipient');
    const run = await api<{ id: string }>(editor, 'POST', `/pipelines/${pipeline.body.id}/runs`, {
      keyRecipient: starter.recipient,
    });
    const events = await waitFor(
      async () => {
        const page = await api<{ items: RunEvent[] }>(editor, 'GET', `/runs/${run.body.id}/events`);
        return page.body.items.some((event) => event.type === 'deployment') ? page.body.items : undefined;
      },
      120_000,
      'the deployment event',
    );
    const finished = events.findIndex((event) => event.type === 'run-finished');
    expect(events[finished]).toMatchObject({ status: 'succeeded', deploying: ['deploy'] });
    const deployed = events.findIndex((event) => event.type === 'deployment');
    expect(deployed).toBeGreaterThan(finished);
    expect(events[deployed]).toMatchObject({
      nodeId: 'deploy',
      name: 'cancer-revealed',
      version: 1,
      serving: true,
      keyReveal: true,
    });
    expect(JSON.stringify(events)).not.toMatch(/pwk_/);

    // Another user of the workspace, even an admin, finds nothing; the one who ran it gets it once.
    const other = await api<{ items: unknown[] }>(server, 'POST', `/runs/${run.body.id}/key-reveals`);
    expect(other.body.items).toEqual([]);
    const mine = await api<{ items: { nodeId: string; name: string; ciphertext: string }[] }>(
      editor,
      'POST',
      `/runs/${run.body.id}/key-reveals`,
    );
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ nodeId: 'deploy', name: 'cancer-revealed' });
    const key = starter.decrypt(mine.body.items[0].ciphertext);
    expect((await predict(server.url, 'cancer-revealed', key, { rows: [withoutScores(testRows[0])] })).status).toBe(
      200,
    );
    const again = await api<{ items: unknown[] }>(editor, 'POST', `/runs/${run.body.id}/key-reveals`);
    expect(again.body.items).toEqual([]);
    const revealed = await api<{ items: { details: Record<string, unknown> }[] }>(
      server,
      'GET',
      '/audit?action=key.revealed',
    );
    expect(revealed.body.items.map((entry) => entry.details)).toEqual([{ runId: run.body.id, nodeId: 'deploy' }]);
  });

  it('scores a batch that a server without a worker accepted: a worker takes the job from the queue', async () => {
    const apiOnly = await startServer({
      settings: readSettings({ ...server.environment.env, PORT: '0' }),
      worker: false,
      logger: ['error'],
      log: () => undefined,
    });
    try {
      const other = { url: apiOnly.url, token: editor.token };
      const started = await api<{ id: string }>(other, 'POST', '/deployments/cancer/batch', {
        dataset: String(finishedBatch.input),
      });
      expect(started.status).toBe(202);
      const done = await waitFor(
        async () => {
          const job = await api<{ status: string; rowsDone: number }>(
            other,
            'GET',
            `/deployments/cancer/batch/${started.body.id}`,
          );
          return job.body.status === 'running' ? undefined : job.body;
        },
        60_000,
        'the batch',
      );
      expect(done).toMatchObject({ status: 'succeeded', rowsDone: finishedBatch.rowsTotal });
    } finally {
      await apiOnly.close();
    }
  });

  it('deploys a trainer whose run was answered from the cache, and refuses one still training (409 naming its status)', async () => {
    const slow = await api<{ id: string }>(editor, 'POST', '/pipelines', slowBreastCancerPipeline());
    const training = await api<{ id: string }>(editor, 'POST', `/pipelines/${slow.body.id}/runs`, {});
    try {
      const refused = await api<{ error: { code: string; message: string; nodeId: string } }>(
        server,
        'POST',
        '/deployments',
        { runId: training.body.id, nodeId: 'train', name: 'unfinished' },
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'not-trained', nodeId: 'train' });
      expect(refused.body.error.message).toMatch(
        new RegExp(`^node "train" of run ${training.body.id} has not succeeded \\(it is (queued|running)\\)`),
      );
    } finally {
      await api(editor, 'POST', `/runs/${training.body.id}/cancel`);
    }

    // The same nodes as the run deployed above: every one is answered from the cache.
    const again = await api<{ id: string }>(editor, 'POST', '/pipelines', breastCancerPipeline());
    const cached = await api<RunDocument>(editor, 'POST', `/pipelines/${again.body.id}/runs`, {});
    const run = await waitFor(
      async () => {
        const document = await api<RunDocument>(server, 'GET', `/runs/${cached.body.id}`);
        return document.body.status === 'succeeded' ? document.body : undefined;
      },
      60_000,
      'the cached run',
    );
    expect(run.nodes.train.status).toBe('cached');
    const deployed = await api<{ name: string; version: number }>(server, 'POST', '/deployments', {
      runId: cached.body.id,
      nodeId: 'train',
      name: 'cancer-from-cache',
    });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ name: 'cancer-from-cache', version: 1 });
  });

  it('shows a deployment and its versions as one moment saw them, while a new version is published', async () => {
    expect((await api(server, 'POST', '/deployments', { runId, nodeId: 'train', name: 'cancer-moment' })).status).toBe(
      201,
    );
    const repository = server.server.app.get(DeploymentRepository);
    const [{ workspace_id: workspaceId }] = (await server.server.app
      .get(DataSource)
      .query(`SELECT workspace_id FROM deployments WHERE name = 'cancer-moment'`)) as { workspace_id: string }[];
    // Version 2 is published (by an admin: it serves at once) after the deployment is read, before its versions are.
    const seen = await repository.snapshot(async (reader) => {
      const deployment = await repository.find('cancer-moment', workspaceId, reader);
      const published = await api<{ version: number }>(server, 'POST', '/deployments', {
        runId,
        nodeId: 'deploy',
        name: 'cancer-moment',
      });
      expect(published.body.version).toBe(2);
      return {
        summary: await repository.summary(deployment, reader),
        versions: await repository.versions(deployment, reader),
      };
    });
    // Not version 2 promoted yet not serving: the moment before it was published, whole.
    expect(seen.summary).toMatchObject({ activeVersion: 1, versions: 1 });
    expect(seen.versions.map((v) => [v.version, v.serving])).toEqual([[1, true]]);
    const now = await api<{ activeVersion: number; versionList: { version: number; serving: boolean }[] }>(
      server,
      'GET',
      '/deployments/cancer-moment',
    );
    expect(now.body.activeVersion).toBe(2);
    expect(now.body.versionList.map((v) => [v.version, v.serving])).toEqual([
      [2, true],
      [1, false],
    ]);
  });
});
