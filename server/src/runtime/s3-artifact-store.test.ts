import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsValue, TableRef } from '@pipewright/nodes';
import { startS3TestServer, type S3TestServer } from '../../../test/support/s3-test-server.js';
import { readSettings } from '../config/settings.js';
import { S3ArtifactStore, s3Client } from './s3-artifact-store.js';

const KEY = 'cd'.repeat(32);

function table(uri: string): TableRef {
  return { kind: 'table', key: `${KEY}:out`, uri, rows: 1, columns: [], transforms: [] };
}

describe('S3ArtifactStore against an S3-compatible server', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3TestServer();
  });
  afterAll(async () => {
    await s3?.close();
  });

  function setup(prefix: string) {
    const base = mkdtempSync(join(tmpdir(), 'pipewright-s3store-'));
    const jobDir = join(base, 'job');
    mkdirSync(jobDir);
    // Configured as a process is: from PIPEWRIGHT_ARTIFACTS and the AWS variables.
    const settings = readSettings({ PIPEWRIGHT_HOME: base, ...s3.env(prefix) });
    const client = s3Client(settings.artifactsS3!);
    return { store: new S3ArtifactStore(client, settings.artifactsS3!, settings.artifactsDir), client, jobDir, base };
  }

  async function objectKeys(client: ReturnType<typeof s3Client>, prefix: string): Promise<string[]> {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  }

  it('uploads a job’s tables under its key and prefix, and reads the outputs back', async () => {
    const { store, client, jobDir } = setup('team/a');
    writeFileSync(join(jobDir, 'out.parquet'), 'parquet bytes');
    const metrics: MetricsValue = { kind: 'metrics', key: `${KEY}:metrics`, metrics: { accuracy: 0.9 } };
    expect(await store.has(KEY)).toBe(false);
    expect(await store.readOutputs(KEY)).toBeUndefined();

    const saved = await store.saveOutputs(KEY, jobDir, { out: table('out.parquet'), metrics });
    expect((saved.out as TableRef).uri).toBe(`cd/${KEY}/out.parquet`);
    expect(existsSync(join(jobDir, 'out.parquet'))).toBe(false);
    expect(await objectKeys(client, 'team/a/')).toEqual([
      `team/a/cd/${KEY}/out.parquet`,
      `team/a/cd/${KEY}/outputs.json`,
    ]);
    expect(await store.has(KEY)).toBe(true);
    expect(await store.readOutputs(KEY)).toEqual(saved);
    // Another prefix is another store.
    expect(await setup('team/b').store.has(KEY)).toBe(false);
  });

  it('gives a job its own copy of a stored table, and previews a cached one', async () => {
    const { store, jobDir, base } = setup('copies');
    writeFileSync(join(jobDir, 'out.parquet'), 'rows');
    const saved = await store.saveOutputs(KEY, jobDir, { out: table('out.parquet') });
    const uri = (saved.out as TableRef).uri;
    const otherJob = mkdtempSync(join(tmpdir(), 'pipewright-job-'));
    const path = await store.materialise(uri, otherJob);
    expect(path.startsWith(otherJob)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('rows');
    writeFileSync(path, 'overwritten by the job');
    const preview = await store.localPath(uri);
    expect(preview.startsWith(join(base, 'artifacts'))).toBe(true);
    expect(readFileSync(preview, 'utf8')).toBe('rows');
    // A table handed on unchanged by a later node stays where it is.
    const later = await store.saveOutputs('ef'.repeat(32), otherJob, { out: { ...table(uri) } });
    expect((later.out as TableRef).uri).toBe(uri);
  });

  it('stores a key only once it is whole: a table that cannot be uploaded leaves no manifest', async () => {
    const { store, jobDir } = setup('whole');
    await expect(store.saveOutputs(KEY, jobDir, { out: table('missing.parquet') })).rejects.toThrow(
      'neither in the job directory nor stored',
    );
    expect(await store.has(KEY)).toBe(false);
  });

  it('refuses uris and keys that are not artifacts', async () => {
    const { store } = setup('refusals');
    await expect(store.localPath('../../etc/passwd')).rejects.toThrow('is not a stored artifact');
    await expect(store.localPath(`cd/${KEY}/nothing.parquet`)).rejects.toThrow('is not a stored artifact');
    await expect(store.readOutputs('../x')).rejects.toThrow('is not an artifact key');
  });

  it('says which store it cannot reach', async () => {
    const base = mkdtempSync(join(tmpdir(), 'pipewright-s3store-'));
    const settings = readSettings({ PIPEWRIGHT_HOME: base, ...s3.env('x'), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const store = new S3ArtifactStore(s3Client(settings.artifactsS3!), settings.artifactsS3!, settings.artifactsDir);
    await expect(store.has(KEY)).rejects.toThrow();
  });
});
