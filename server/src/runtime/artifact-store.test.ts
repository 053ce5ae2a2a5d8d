import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsValue, TableRef } from '@pipewright/nodes';
import { LocalArtifactStore } from './artifact-store.js';

const KEY = 'ab'.repeat(32);

function setup(): { store: LocalArtifactStore; root: string; jobDir: string } {
  const base = mkdtempSync(join(tmpdir(), 'pipewright-store-'));
  const root = join(base, 'store');
  const jobDir = join(base, 'job');
  mkdirSync(jobDir);
  return { store: new LocalArtifactStore(root), root, jobDir };
}

function table(uri: string): TableRef {
  return { kind: 'table', key: `${KEY}:out`, uri, rows: 1, columns: [], transforms: [] };
}

describe('LocalArtifactStore', () => {
  it('moves a job’s tables under its key, rewrites their uris and reads the outputs back', async () => {
    const { store, root, jobDir } = setup();
    writeFileSync(join(jobDir, 'out.parquet'), 'parquet bytes');
    const metrics: MetricsValue = { kind: 'metrics', key: `${KEY}:metrics`, metrics: { accuracy: 0.9 } };
    expect(await store.has(KEY)).toBe(false);
    expect(await store.readOutputs(KEY)).toBeUndefined();

    const saved = await store.saveOutputs(KEY, jobDir, { out: table('out.parquet'), metrics });
    expect((saved.out as TableRef).uri).toBe(`ab/${KEY}/out.parquet`);
    expect(existsSync(join(jobDir, 'out.parquet'))).toBe(false);
    expect(readFileSync(join(root, 'ab', KEY, 'out.parquet'), 'utf8')).toBe('parquet bytes');
    expect(await store.has(KEY)).toBe(true);
    expect(await store.readOutputs(KEY)).toEqual(saved);
    // Nothing is left half-written beside the published directory.
    expect(readdirSync(join(root, '.staging'))).toEqual([]);
  });

  it('lets jobs with the same key save at once, keeping one whole copy', async () => {
    const { store, root } = setup();
    // Sibling branches with the same type, params and inputs share a key and may finish together.
    const jobs = Array.from({ length: 4 }, (_, i) => {
      const jobDir = mkdtempSync(join(tmpdir(), 'pipewright-job-'));
      writeFileSync(join(jobDir, 'out.parquet'), `rows from job ${i}`);
      return store.saveOutputs(KEY, jobDir, { out: table('out.parquet') });
    });
    const saved = await Promise.all(jobs);
    const stored = readFileSync(await store.localPath((saved[0]!.out as TableRef).uri), 'utf8');
    expect(stored).toMatch(/^rows from job \d$/);
    expect(readdirSync(join(root, 'ab'))).toEqual([KEY]);
    expect(readdirSync(join(root, '.staging'))).toEqual([]);
  });

  it('hands on what the first job stored when a second with the same key wrote its table otherwise', async () => {
    const { store, root } = setup();
    // A fused unit keeps a table as the SQL that makes it where only data nodes read it; the same node in
    // another pipeline, read by a trainer, writes it as a file. The two share a key, and the first one stays.
    const deferred: TableRef = {
      ...table(`deferred:${KEY}:out`),
      deferred: { inputs: [], statements: [], select: 'SELECT 1 AS x' },
    };
    const first = await store.saveOutputs(KEY, mkdtempSync(join(tmpdir(), 'pipewright-job-')), { out: deferred });
    const jobDir = mkdtempSync(join(tmpdir(), 'pipewright-job-'));
    writeFileSync(join(jobDir, 'out.parquet'), 'rows');
    const second = await store.saveOutputs(KEY, jobDir, { out: table('out.parquet') });
    expect(second).toEqual(first);
    expect(existsSync(join(root, 'ab', KEY, 'out.parquet'))).toBe(false);
    expect(readdirSync(join(root, '.staging'))).toEqual([]);
  });

  it('gives a job its own copy of a stored table, which the job cannot write through', async () => {
    const { store, jobDir } = setup();
    writeFileSync(join(jobDir, 'out.parquet'), 'rows');
    const saved = await store.saveOutputs(KEY, jobDir, { out: table('out.parquet') });
    const otherJob = mkdtempSync(join(tmpdir(), 'pipewright-job-'));
    const path = await store.materialise((saved.out as TableRef).uri, otherJob);
    expect(path.startsWith(otherJob)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('rows');
    // As DuckDB's COPY … (USE_TMP_FILE false) would: rewrite the file in place.
    writeFileSync(path, 'overwritten by the job');
    expect(readFileSync(await store.localPath((saved.out as TableRef).uri), 'utf8')).toBe('rows');
  });

  it('refuses uris and keys that point outside the store', async () => {
    const { store, jobDir } = setup();
    await expect(store.localPath('../../etc/passwd')).rejects.toThrow('is not a stored artifact');
    await expect(store.localPath('/etc/passwd')).rejects.toThrow('is not a stored artifact');
    await expect(store.readOutputs('../x')).rejects.toThrow('is not an artifact key');
    await expect(store.saveOutputs(KEY, jobDir, { out: table('missing.parquet') })).rejects.toThrow(
      'neither in the job directory nor stored',
    );
  });
});
