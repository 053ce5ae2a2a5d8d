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

  it('reports the database mode, the live workers and the TensorFlow.js backend', async () => {
    const health = await api<{
      status: string;
      database: { mode: string; url: string; dataDir?: string };
      workers: number;
      tensorflow: { backend: string };
    }>(server, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    if (server.environment.databaseUrl) {
      expect(health.body.database.mode).toBe('external');
    } else {
      expect(health.body.database.mode).toBe('embedded');
      expect(health.body.database.dataDir).toBe(`${server.environment.home}/pg`);
    }
    expect(health.body.database.url).not.toContain(new URL(server.server.database.url).password || '\0');
    expect(health.body.workers).toBe(1);
    expect(['wasm', 'node', 'webgpu', 'node-gpu', 'cpu']).toContain(health.body.tensorflow.backend);
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
