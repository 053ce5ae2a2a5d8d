import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

describe('what a new user meets first (issue 17)', () => {
  let server: TestServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewright-first-use-'));
    await writeFile(join(dataDir, 'empty.csv'), '');
    server = await startTestServer({ env: { PIPEWRIGHT_DATA_DIRS: dataDir } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails a run that reads an empty CSV, naming the file and its missing header row', async () => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'empty csv',
      params: {},
      nodes: [
        { id: 'source', type: 'source.csv', params: { path: 'empty.csv' }, position: { x: 0, y: 0 } },
        { id: 'profile', type: 'explore.profile', params: {}, position: { x: 300, y: 0 } },
      ],
      edges: [{ from: 'source.out', to: 'profile.in' }],
    });
    expect(created.status).toBe(201);
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
    const run = await waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      120_000,
      'the run to end',
    );
    expect(run.status).toBe('failed');
    expect(run.nodes.source.status).toBe('failed');
    expect(run.nodes.source.error).toMatchObject({ param: 'path' });
    expect(run.nodes.source.error?.message).toContain('empty.csv is empty: it has no header row');
    expect(run.nodes.profile.status).toBe('cancelled');
  });
});
