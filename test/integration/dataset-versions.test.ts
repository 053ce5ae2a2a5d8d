import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { PipelineFile, RunDocument, RunEvent, SchemaChange } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, uploadDataset, waitFor, type TestServer } from './test-environment.js';

const irisPath = fileURLToPath(new URL('../fixtures/data/iris.csv', import.meta.url));

interface Version {
  id: string;
  datasetId: string;
  name: string;
  version: number;
  path: string;
  rows: number;
  columns: { name: string; type: string }[];
  fingerprint: string;
  origin: string;
  schemaChange?: SchemaChange;
}

interface ErrorBody {
  error: { code: string; message: string; nodeId?: string; param?: string; row?: number; column?: string };
}

/** A source.csv node reading `source`'s params, then a profile: a run takes a moment. */
function reader(name: string, source: Record<string, unknown>): PipelineFile {
  return {
    format: 'pipewright/v1',
    name,
    params: {},
    nodes: [
      { id: 'src', type: 'source.csv', params: source, position: { x: 0, y: 0 } },
      { id: 'profile', type: 'explore.profile', params: {}, position: { x: 280, y: 0 } },
    ],
    edges: [{ from: 'src.out', to: 'profile.in' }],
  };
}

describe('named datasets with versions', () => {
  let server: TestServer;
  let iris: string;
  let v1: Version;

  beforeAll(async () => {
    server = await startTestServer();
    // Plain column names, so that rows can be written as JSON objects.
    const [, ...rows] = (await readFile(irisPath, 'utf8')).trim().split('\n');
    iris = `${['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n')}\n`;
  });
  afterAll(async () => {
    await server?.close();
  });

  const run = async (pipeline: PipelineFile): Promise<RunDocument> => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', pipeline);
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    return waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      120_000,
      'the run to finish',
    );
  };
  const logs = async (runId: string): Promise<string[]> =>
    (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items.flatMap((event) =>
      event.type === 'node-log' ? [event.message] : [],
    );

  it('keeps a second upload under the same name as version 2, with rows, columns and fingerprint', async () => {
    const first = await uploadDataset<Version>(server, 'iris.csv', iris);
    expect(first.status).toBe(201);
    v1 = first.body;
    expect(v1).toMatchObject({ name: 'iris.csv', version: 1, rows: 150, origin: 'upload' });
    expect(v1.columns.map((c) => [c.name, c.type])).toEqual([
      ['sepal_length', 'number'],
      ['sepal_width', 'number'],
      ['petal_length', 'number'],
      ['petal_width', 'number'],
      ['species', 'string'],
    ]);
    expect(v1.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.schemaChange).toBeUndefined();

    const fewer = iris.split('\n').slice(0, 101).join('\n') + '\n';
    const second = await uploadDataset<Version>(server, 'iris-100.csv', fewer, 'iris.csv');
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ name: 'iris.csv', datasetId: v1.datasetId, version: 2, rows: 100 });
    expect(second.body.fingerprint).not.toBe(v1.fingerprint);

    const list = await api<{ items: { id: string; name: string; version: number; versions: number; rows: number }[] }>(
      server,
      'GET',
      '/datasets',
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: v1.datasetId, name: 'iris.csv', version: 2, versions: 2, rows: 100 }),
    ]);
    const versions = await api<{ items: Version[]; total: number }>(server, 'GET', '/datasets/iris.csv/versions');
    expect(versions.body.total).toBe(2);
    expect(versions.body.items.map((v) => [v.version, v.rows])).toEqual([
      [2, 100],
      [1, 150],
    ]);
  });

  it('shows a schema change against the previous version on the upload answer and in the versions', async () => {
    const lines = iris.trim().split('\n');
    // sepal_width goes, petal_width holds text, a colour column arrives.
    const changed = lines
      .map((line, index) => {
        const [sl, , pl, pw, species] = line.split(',');
        return index === 0
          ? `sepal_length,petal_length,petal_width,species,colour`
          : `${sl},${pl},${index % 2 ? `w${pw}` : pw},${species},blue`;
      })
      .join('\n');
    const upload = await uploadDataset<Version>(server, 'flowers.csv', `${lines.join('\n')}\n`, 'flowers');
    expect(upload.status).toBe(201);
    const next = await uploadDataset<Version>(server, 'flowers-2.csv', `${changed}\n`, 'flowers');
    expect(next.status).toBe(201);
    expect(next.body.schemaChange).toEqual({
      since: 1,
      added: [{ name: 'colour', type: 'string', sqlType: 'VARCHAR' }],
      removed: [{ name: 'sepal_width', type: 'number', sqlType: 'DOUBLE' }],
      retyped: [{ name: 'petal_width', from: 'number', to: 'string', fromSqlType: 'DOUBLE', toSqlType: 'VARCHAR' }],
    });
    const latest = await api<{ schemaChange?: SchemaChange }>(server, 'GET', '/datasets/flowers');
    expect(latest.body.schemaChange?.removed.map((c) => c.name)).toEqual(['sepal_width']);

    // A source reading the new version says so in its log before it reads on.
    const document = await run(reader('flowers', { dataset: 'flowers' }));
    expect(document.status).toBe('succeeded');
    expect(await logs(document.id)).toContain(
      'dataset "flowers" v2 changed its columns since v1: removed "sepal_width"; added "colour" (string); "petal_width" number → string',
    );
  });

  it('reads the latest version by name, or a pinned one, and caches by the version read', async () => {
    const latest = await run(reader('latest iris', { dataset: 'iris.csv' }));
    expect(latest.status).toBe('succeeded');
    expect(latest.datasets).toEqual([{ nodeId: 'src', name: 'iris.csv', version: 2 }]);
    expect(latest.trigger).toMatchObject({ kind: 'user' });
    expect(await logs(latest.id)).toContain('read 100 rows and 5 columns from dataset "iris.csv" v2');

    const pinned = await run(reader('first iris', { dataset: 'iris.csv', version: 1 }));
    expect(pinned.status).toBe('succeeded');
    expect(pinned.datasets).toEqual([{ nodeId: 'src', name: 'iris.csv', version: 1 }]);
    expect(await logs(pinned.id)).toContain('read 150 rows and 5 columns from dataset "iris.csv" v1');

    const again = await run(reader('latest iris again', { dataset: 'iris.csv' }));
    expect(again.nodes.src).toMatchObject({ status: 'cached', cached: true });

    const appended = await api<Version>(server, 'POST', '/datasets/iris.csv/rows', {
      rows: [{ sepal_length: 5.1, sepal_width: 3.3, petal_length: 1.4, petal_width: 0.2, species: 'setosa' }],
    });
    expect(appended.status).toBe(201);
    const fresh = await run(reader('latest iris once more', { dataset: 'iris.csv' }));
    expect(fresh.datasets).toEqual([{ nodeId: 'src', name: 'iris.csv', version: 3 }]);
    expect(fresh.nodes.src).toMatchObject({ status: 'succeeded', cached: false });
  });

  it('refuses to run a pipeline naming a dataset or version that does not exist, naming the node and param', async () => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', reader('missing', { dataset: 'nope' }));
    const refused = await api<ErrorBody>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      nodeId: 'src',
      param: 'dataset',
      message: 'node "src", param "dataset": dataset "nope" does not exist in this workspace',
    });
    const pinned = await api<{ id: string }>(
      server,
      'POST',
      '/pipelines',
      reader('no version', { dataset: 'iris.csv', version: 9 }),
    );
    const noVersion = await api<ErrorBody>(server, 'POST', `/pipelines/${pinned.body.id}/runs`, {});
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error).toMatchObject({ nodeId: 'src', param: 'version' });
    expect(noVersion.body.error.message).toContain('dataset "iris.csv" has no version 9 (its latest is 3)');
  });

  it('appends rows posted as JSON or CSV as a new version, and names the row and column of a bad one', async () => {
    const csv = await api<Version>(
      server,
      'POST',
      '/datasets/iris.csv/rows',
      'species,sepal_length,sepal_width,petal_length,petal_width\nvirginica,6.3,2.9,5.6,1.8\n"versi,color",5.7,2.8,4.1,1.3\n',
      'text/csv',
    );
    expect(csv.status, JSON.stringify(csv.body)).toBe(201);
    expect(csv.body).toMatchObject({ version: 4, rows: 103, origin: 'rows' });
    expect(csv.body.schemaChange).toBeUndefined();

    const bad = async (body: unknown, contentType = 'application/json') =>
      (await api<ErrorBody>(server, 'POST', '/datasets/iris.csv/rows', body, contentType)).body.error;
    const row = { sepal_length: 5, sepal_width: 3, petal_length: 1, petal_width: 0.2, species: 'setosa' };
    expect(await bad({ rows: [row, { ...row, sepal_width: 'wide' }] })).toMatchObject({
      row: 1,
      column: 'sepal_width',
      message: 'rows[1], column "sepal_width": expected a number or null, got "wide"',
    });
    expect(await bad({ rows: [{ ...row, height: 2 }] })).toMatchObject({ row: 0, column: 'height' });
    const { species: _dropped, ...withoutSpecies } = row;
    expect(await bad({ rows: [withoutSpecies] })).toMatchObject({
      row: 0,
      column: 'species',
      message: 'rows[0] has no "species" (give null for a missing value)',
    });
    expect(
      await bad('sepal_length,sepal_width,petal_length,petal_width,species\n5,3,1,x,setosa\n', 'text/csv'),
    ).toMatchObject({ row: 2, column: 'petal_width' });
    expect(await bad('sepal_length,species\n5,setosa\n', 'text/csv')).toMatchObject({ column: 'sepal_width' });
    const many = await api<ErrorBody>(server, 'POST', '/datasets/iris.csv/rows', {
      rows: Array.from({ length: 50_001 }, () => row),
    });
    expect(many.status).toBe(413);
    expect(many.body.error.message).toContain('50001 rows is more than the 50000 one request may add');
    expect((await api<ErrorBody>(server, 'POST', '/datasets/nope/rows', { rows: [row] })).status).toBe(404);

    // Nothing was added by the refused requests.
    const versions = await api<{ total: number }>(server, 'GET', '/datasets/iris.csv/versions');
    expect(versions.body.total).toBe(4);

    const document = await run(reader('appended iris', { dataset: 'iris.csv' }));
    expect(await logs(document.id)).toContain('read 103 rows and 5 columns from dataset "iris.csv" v4');
  });

  it('appends rows to a Parquet dataset, cast to its column types, and keeps every version of a name in one format', async () => {
    const parquet = await parquetOf(iris);
    const upload = await uploadDataset<Version>(server, 'iris.parquet', parquet);
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ name: 'iris.parquet', rows: 150 });
    const appended = await api<Version>(server, 'POST', '/datasets/iris.parquet/rows', {
      rows: [{ sepal_length: 7, sepal_width: 3.2, petal_length: 4.7, petal_width: 1.4, species: 'versicolor' }],
    });
    expect(appended.status, JSON.stringify(appended.body)).toBe(201);
    expect(appended.body).toMatchObject({ version: 2, rows: 151 });
    expect(appended.body.columns).toEqual(upload.body.columns);
    // A version a user keeps is stored as compactly as batch scoring's predictions: Zstandard.
    expect(await parquetCodecs(join(server.environment.home, 'datasets', appended.body.path))).toEqual(['ZSTD']);
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', {
      ...reader('parquet', {}),
      nodes: [
        { id: 'src', type: 'source.parquet', params: { dataset: 'iris.parquet' }, position: { x: 0, y: 0 } },
        { id: 'profile', type: 'explore.profile', params: {}, position: { x: 280, y: 0 } },
      ],
    });
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const document = await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`);
      return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
    });
    expect(document.status).toBe('succeeded');
    expect(await logs(document.id)).toContain('read 151 rows and 5 columns from dataset "iris.parquet" v2');

    const mixed = await uploadDataset<ErrorBody>(server, 'iris.parquet', parquet, 'iris.csv');
    expect(mixed.status).toBe(409);
    expect(mixed.body.error.message).toContain('dataset "iris.csv" holds CSV files');
  });

  it('deletes a version by its id, or a whole dataset by its name', async () => {
    const versions = await api<{ items: Version[] }>(server, 'GET', '/datasets/iris.csv/versions');
    const oldest = versions.body.items.at(-1) as Version;
    expect((await api(server, 'DELETE', `/datasets/${oldest.id}`)).status).toBe(204);
    const left = await api<{ items: Version[] }>(server, 'GET', '/datasets/iris.csv/versions');
    expect(left.body.items.map((v) => v.version)).toEqual([4, 3, 2]);
    expect((await api(server, 'DELETE', '/datasets/flowers')).status).toBe(204);
    expect((await api(server, 'GET', '/datasets/flowers')).status).toBe(404);
  });
});

/** A CSV text as a Parquet file, written by DuckDB. */
async function parquetOf(csv: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'pipewright-parquet-'));
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const out = join(dir, 'data.parquet');
    await writeFile(join(dir, 'data.csv'), csv);
    await connection.run(`COPY (SELECT * FROM read_csv('${join(dir, 'data.csv')}')) TO '${out}' (FORMAT parquet)`);
    connection.closeSync();
    return await readFile(out);
  } finally {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The compression codecs a Parquet file's column chunks use. */
async function parquetCodecs(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT compression FROM parquet_metadata('${path.replaceAll("'", "''")}') ORDER BY 1`,
    );
    connection.closeSync();
    return reader.getRows().map(([codec]) => String(codec));
  } finally {
    instance.closeSync();
  }
}
