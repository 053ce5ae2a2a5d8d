import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, type TestServer } from './test-environment.js';

interface Stored {
  id: string;
  version: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  nodes: { id: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; nodeId?: string; param?: string; issues?: { nodeId?: string }[] };
}

describe('pipelines API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('offers the example pipeline on first start', async () => {
    const list = await api<{ items: { name: string; version: number }[]; total: number }>(server, 'GET', '/pipelines');
    expect(list.status).toBe(200);
    expect(list.body.items.map((p) => p.name)).toContain('Breast cancer — logistic regression');
  });

  it('creates, reads, saves new versions, lists them and deletes', async () => {
    const file = breastCancerPipeline();
    const created = await api<Stored>(server, 'POST', '/pipelines', { ...file, name: 'crud test' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, name: 'crud test', format: 'pipewright/v1' });
    const id = created.body.id;

    const fetched = await api<Stored>(server, 'GET', `/pipelines/${id}`);
    expect(fetched.body.nodes.map((n) => n.id)).toEqual(file.nodes.map((n) => n.id));

    const renamed = await api<Stored>(server, 'PUT', `/pipelines/${id}`, { ...file, name: 'crud test, edited' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, version: 2, name: 'crud test, edited' });

    const versions = await api<{ items: { version: number; name: string }[]; total: number }>(
      server,
      'GET',
      `/pipelines/${id}/versions`,
    );
    expect(versions.body.total).toBe(2);
    expect(versions.body.items.map((v) => [v.version, v.name])).toEqual([
      [2, 'crud test, edited'],
      [1, 'crud test'],
    ]);
    const first = await api<Stored>(server, 'GET', `/pipelines/${id}/versions/1`);
    expect(first.body).toMatchObject({ id, version: 1, name: 'crud test' });

    const listed = await api<{ items: { id: string; version: number }[] }>(server, 'GET', '/pipelines?limit=1');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id, version: 2 });

    expect((await api(server, 'DELETE', `/pipelines/${id}`)).status).toBe(204);
    const gone = await api<ErrorBody>(server, 'GET', `/pipelines/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not-found');
  });

  it('refuses a malformed pipeline with the node at fault, and saves nothing', async () => {
    const before = await api<{ total: number }>(server, 'GET', '/pipelines');
    const file = breastCancerPipeline();
    const broken = { ...file, nodes: file.nodes.map((n) => (n.id === 'split' ? { ...n, colour: 'red' } : n)) };
    const answer = await api<ErrorBody>(server, 'POST', '/pipelines', broken);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('pipeline-invalid');
    expect(answer.body.error.nodeId).toBe('split');
    expect(answer.body.error.message).toContain('colour');
    const after = await api<{ total: number }>(server, 'GET', '/pipelines');
    expect(after.body.total).toBe(before.body.total);
  });

  it('answers bad requests with an error body, never a stack trace', async () => {
    const malformed = await api<ErrorBody>(server, 'POST', '/pipelines', '{"format": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/not valid JSON/);

    const unknownId = await api<ErrorBody>(server, 'GET', '/pipelines/not-a-uuid');
    expect(unknownId.status).toBe(404);

    const badPage = await api<ErrorBody>(server, 'GET', '/pipelines?limit=0&colour=red');
    expect(badPage.status).toBe(400);
    expect(badPage.body.error.message).toMatch(/limit|colour/);

    const noRoute = await api<ErrorBody>(server, 'GET', '/no-such-endpoint');
    expect(noRoute.status).toBe(404);
    for (const answer of [malformed, unknownId, badPage, noRoute]) {
      expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('validates a file and names the node and param of each problem', async () => {
    const ok = await api<{ ok: boolean; issues: unknown[] }>(
      server,
      'POST',
      '/pipelines/validate',
      breastCancerPipeline(),
    );
    expect(ok.body).toEqual({ ok: true, issues: [] });

    const file = breastCancerPipeline();
    const split = file.nodes.find((n) => n.id === 'split')!;
    split.params = { ...split.params, fraction: 1.5 };
    const bad = await api<{ ok: boolean; issues: { nodeId?: string; param?: string }[] }>(
      server,
      'POST',
      '/pipelines/validate',
      file,
    );
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.issues).toContainEqual(expect.objectContaining({ nodeId: 'split', param: 'fraction' }));
  });
});
