import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, uploadDataset, type TestServer } from './test-environment.js';

const iris = fileURLToPath(new URL('../fixtures/data/iris.csv', import.meta.url));

interface Dataset {
  id: string;
  name: string;
  path: string;
  format: string;
  sizeBytes: number;
}

function upload(server: TestServer, name: string, content: Uint8Array | string) {
  return uploadDataset<Dataset & { error?: { message: string } }>(server, name, content);
}

describe('datasets', () => {
  let server: TestServer;
  const limit = process.env.PIPEWRIGHT_UPLOAD_LIMIT_MB;

  beforeAll(async () => {
    // 8 KB: iris (3.9 KB) fits, three times it does not.
    process.env.PIPEWRIGHT_UPLOAD_LIMIT_MB = String(8 / 1024);
    server = await startTestServer({ worker: false });
  });
  afterAll(async () => {
    if (limit === undefined) delete process.env.PIPEWRIGHT_UPLOAD_LIMIT_MB;
    else process.env.PIPEWRIGHT_UPLOAD_LIMIT_MB = limit;
    await server?.close();
  });

  it('keeps an uploaded CSV in the datasets directory, where source.csv may read it by the path it answers', async () => {
    const content = await readFile(iris);
    const uploaded = await upload(server, 'Iris flowers.csv', content);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ name: 'Iris flowers.csv', format: 'csv', sizeBytes: content.length });
    expect(uploaded.body.path).toMatch(/^Iris-flowers-[0-9a-f]{8}\.csv$/);
    const kept = await stat(join(server.environment.home, 'datasets', uploaded.body.path));
    expect(kept.size).toBe(content.length);

    const list = await api<{ items: Dataset[]; total: number; uploadLimitBytes: number }>(server, 'GET', '/datasets');
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].path).toBe(uploaded.body.path);
    // The limit comes with the list, so the studio can say it before a file is picked.
    expect(list.body.uploadLimitBytes).toBe(8 * 1024);

    const check = await api<{ ok: boolean }>(server, 'POST', '/pipelines/validate', {
      format: 'pipewright/v1',
      name: 'uploaded',
      params: {},
      nodes: [{ id: 'src', type: 'source.csv', params: { path: uploaded.body.path }, position: { x: 0, y: 0 } }],
      edges: [],
    });
    expect(check.body.ok).toBe(true);
  });

  it('refuses a file over the size limit with 413 and says what the limit is, keeping nothing', async () => {
    const content = await readFile(iris);
    const refused = await upload(server, 'big.csv', Buffer.concat([content, content, content]));
    expect(refused.status).toBe(413);
    expect(refused.body.error?.message).toBe(
      'the file is larger than the upload limit of 8 KB (PIPEWRIGHT_UPLOAD_LIMIT_MB)',
    );
    const list = await api<{ total: number }>(server, 'GET', '/datasets');
    expect(list.body.total).toBe(1);
  });

  it('refuses a file that is neither CSV nor Parquet, and a .parquet file that is not Parquet', async () => {
    const text = await upload(server, 'notes.docx', 'hello');
    expect(text.status).toBe(415);
    expect(text.body.error?.message).toContain('"notes.docx" is neither a CSV');
    const fake = await upload(server, 'fake.parquet', 'a,b\n1,2\n');
    expect(fake.status).toBe(400);
    expect(fake.body.error?.message).toContain('is not a Parquet file');
    const empty = await upload(server, 'empty.csv', '');
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toBe('"empty.csv" is empty');
  });
});

describe('deleting a dataset', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ worker: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('removes it from the list and its file from the datasets directory; an unknown id is a 404', async () => {
    const uploaded = await upload(server, 'iris.csv', await readFile(iris));
    expect(uploaded.status).toBe(201);
    const file = join(server.environment.home, 'datasets', uploaded.body.path);

    const removed = await api(server, 'DELETE', `/datasets/${uploaded.body.id}`);
    expect(removed.status).toBe(204);
    const list = await api<{ total: number }>(server, 'GET', '/datasets');
    expect(list.body.total).toBe(0);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);

    const again = await api<{ error: { message: string } }>(server, 'DELETE', `/datasets/${uploaded.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(`dataset "${uploaded.body.id}" does not exist`);
    const junk = await api(server, 'DELETE', '/datasets/not-an-id');
    expect(junk.status).toBe(404);
  });
});
