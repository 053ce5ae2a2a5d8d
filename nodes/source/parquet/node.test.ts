import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest, testStore } from '@pipewright/server/testing';

describe('source.parquet', () => {
  it('reads a Parquet file with its column names, types and rows', async () => {
    // source.csv stores its output as Parquet: read that file back.
    const csv = await loadCsvTable('test/fixtures/data/penguins.csv');
    const file = await testStore().localPath(csv.uri);
    const run = await runNodeForTest('source.parquet', { path: basename(file) }, {}, { dataDirs: [dirname(file)] });
    const out = run.outputs.out as TableRef;
    expect(out.rows).toBe(344);
    expect(out.columns).toEqual(csv.columns);
    expect(await readTable(out)).toEqual(await readTable(csv));
  });

  it('names the path of a file that is not Parquet, or not there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipewright-parquet-'));
    writeFileSync(join(dir, 'fake.parquet'), 'a,b\n1,2\n');
    const fake = await runNodeForTest('source.parquet', { path: 'fake.parquet' }, {}, { dataDirs: [dir] }).catch(
      (e) => e,
    );
    expect(fake.failure.param).toBe('path');
    expect(fake.message).toContain('"fake.parquet" is not a Parquet file');
    const absent = await runNodeForTest('source.parquet', { path: 'nope.parquet' }, {}, { dataDirs: [dir] }).catch(
      (e) => e,
    );
    expect(absent.failure.param).toBe('path');
  });
});
