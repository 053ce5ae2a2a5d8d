import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './test-environment.js';

describe('health and workers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reports status, database mode and live workers, and nothing a caller could use to find the server’s files', async () => {
    const health = await api<{ status: string; database: { mode: string }; workers: number }>(server, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      database: { mode: server.environment.databaseUrl ? 'external' : 'embedded' },
      workers: 1,
    });
    const text = JSON.stringify(health.body);
    expect(text).not.toContain(server.environment.home);
    expect(text).not.toContain(String(new URL(server.server.database.url).port));
  });

  it('lists the registered workers with their capabilities', async () => {
    const workers = await api<{
      items: { queues: string[]; backend: string; live: boolean; memoryBytes: number; cores: number; gpu: null }[];
    }>(server, 'GET', '/workers');
    expect(workers.body.items).toHaveLength(1);
    expect(workers.body.items[0]).toMatchObject({ live: true, queues: ['cpu'], gpu: null, gpuInfo: null });
    expect(workers.body.items[0].memoryBytes).toBeGreaterThan(0);
    expect(workers.body.items[0].cores).toBeGreaterThanOrEqual(1);
  });

  it('serves the studio at / and leaves unknown API paths to the API', async () => {
    const page = await fetch(`${server.url}/pipelines/some-id`, { headers: { accept: 'text/html' } });
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-type')).toMatch(page.status === 200 ? /html/ : /text/);
    const api404 = await fetch(`${server.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: { code: 'not-found' } });
  });
});
