import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../support/s3-test-server.js';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

describe('artifacts in an S3-compatible store (PIPEWRIGHT_ARTIFACTS=s3://…)', () => {
  let s3: S3TestServer;
  let server: TestServer;
  let pipelineId: string;

  beforeAll(async () => {
    s3 = await startS3TestServer();
    server = await startTestServer({ env: s3.env('pipewright/artifacts') });
    pipelineId = (await api<{ id: string }>(server, 'POST', '/pipelines', breastCancerPipeline())).body.id;
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  async function run(): Promise<RunDocument> {
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, {});
    expect(started.status).toBe(201);
    return waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      120_000,
      'the run to finish',
    );
  }

  it('runs a pipeline with every output in the bucket, previews it, and reuses it from there', async () => {
    const first = await run();
    expect(first.status).toBe('succeeded');
    expect(first.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.93);

    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'pipewright/artifacts/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key!);
    // One manifest per node (seven nodes), and the tables the data nodes wrote.
    expect(keys.filter((key) => key.endsWith('/outputs.json'))).toHaveLength(7);
    expect(keys.filter((key) => key.endsWith('.parquet')).length).toBeGreaterThanOrEqual(4);
    // Nothing was stored on the server's disk but what previews cache.
    expect(existsSync(join(server.server.settings.artifactsDir, '.staging'))).toBe(false);

    const preview = await api<{ rows: unknown[]; total: number }>(
      server,
      'GET',
      `/runs/${first.id}/nodes/source/preview?port=out`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.total).toBe(569);

    const second = await run();
    expect(second.status).toBe('succeeded');
    for (const node of Object.values(second.nodes)) expect(node).toMatchObject({ status: 'cached', cached: true });
    expect(second.nodes.metrics.metrics?.accuracy).toBe(first.nodes.metrics.metrics?.accuracy);
  });
});
