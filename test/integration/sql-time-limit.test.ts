import type { PipelineFile, RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

/** A recursive CTE that would count for hours: only its time limit ends it. */
const RUNAWAY = `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000000000)
SELECT max(n) AS n FROM r`;

describe('one user’s long SQL', () => {
  let server: TestServer;

  beforeAll(async () => {
    // The server's defaults (its one worker, its concurrency) but a short limit for interactive runs.
    server = await startTestServer({ env: { PIPEWRIGHT_SQL_TIMEOUT_S: '45' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const start = async (file: PipelineFile): Promise<string> => {
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', file);
    return (await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {})).body.id;
  };
  const getRun = async (runId: string) => (await api<RunDocument>(server, 'GET', `/runs/${runId}`)).body;
  const finished = (runId: string, what: string) =>
    waitFor(
      async () => {
        const run = await getRun(runId);
        return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
      },
      150_000,
      what,
    );

  it('does not hold up another run, and stops at the configured limit naming the query', async () => {
    const source = breastCancerPipeline().nodes.find((node) => node.id === 'source')!;
    const runaway = await start({
      format: 'pipewright/v1',
      name: 'runaway recursion',
      nodes: [source, { id: 'sql', type: 'clean.sql', params: { query: RUNAWAY }, position: { x: 300, y: 0 } }],
      edges: [{ from: 'source.out', to: 'sql.in' }],
    } as PipelineFile);
    await waitFor(async () => ((await getRun(runaway)).nodes.sql.status === 'running' ? true : undefined));

    const other = await finished(await start(breastCancerPipeline()), 'the other run to finish');
    expect(other.status).toBe('succeeded');
    // It finished while the runaway query still held its job.
    expect((await getRun(runaway)).nodes.sql.status).toBe('running');

    const stopped = await finished(runaway, 'the runaway query to reach its limit');
    expect(stopped.status).toBe('failed');
    expect(stopped.nodes.sql.error?.param).toBe('query');
    expect(stopped.nodes.sql.error?.message).toContain('ran longer than its limit of 45 s');
  });
});
