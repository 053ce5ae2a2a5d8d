import { mkdtempSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from '../../core/index.js';
import { duckdbForTest, readTable, runNodeForTest } from '@pipewright/server/testing';
import { sampleRuns } from './parquet-sample.js';

const TOTAL = 1_000_000;
const SAMPLE = { fraction: 0.005, seed: 11 };
let dir: string;

/**
 * A million-row Parquet file (row groups of about 10,000 rows; v = 3 × id)
 * whose row groups that the sample does not need are overwritten with
 * garbage: if DuckDB read any byte of them, the read would fail.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pipewright-parquet-sample-'));
  const file = join(dir, 'big.parquet');
  const chunks = await duckdbForTest([
    `COPY (SELECT range AS id, range * 3 AS v, 'row ' || range AS label FROM range(${TOTAL}))
     TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`,
    `SELECT row_group_id, any_value(row_group_num_rows) AS rows,
            min(coalesce(dictionary_page_offset, data_page_offset)) AS start, sum(total_compressed_size) AS size
     FROM parquet_metadata('${file}') GROUP BY row_group_id ORDER BY row_group_id`,
  ]);
  const runs = sampleRuns(TOTAL, SAMPLE)!;
  const fd = openSync(file, 'r+');
  let spoiled = 0;
  let first = 0;
  for (const chunk of chunks) {
    const [from, to] = [first, first + Number(chunk.rows)];
    first = to;
    if (runs.some(([start, end]) => start < to && end > from)) continue;
    writeSync(fd, Buffer.alloc(Number(chunk.size), 0xa7), 0, Number(chunk.size), Number(chunk.start));
    spoiled++;
  }
  closeSync(fd);
  expect(spoiled).toBeGreaterThan(50);
});

describe('source.parquet reading a sample for sample.rows', () => {
  it('reads only the runs its sample needs, never the rest of the file', async () => {
    const source = await runNodeForTest(
      'source.parquet',
      { path: 'big.parquet' },
      {},
      { dataDirs: [dir], sample: SAMPLE },
    );
    const out = source.outputs.out as TableRef;
    expect(out.rows).toBe(5000);
    expect(out.sample).toMatchObject({ kept: 5000, of: TOTAL, readPart: true });
    const rows = await readTable(out);
    expect(rows.every((row) => row.v === (row.id as number) * 3 && row.label === `row ${row.id}`)).toBe(true);
    const ids = rows.map((row) => row.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(source.logs.map((line) => line.message).join('\n')).toMatch(
      /read \d+ of 1000000 rows to keep a sample of 5000/,
    );

    // The whole file cannot be read: the spoiled row groups are really spoiled.
    const whole = await runNodeForTest('source.parquet', { path: 'big.parquet' }, {}, { dataDirs: [dir] }).catch(
      (e: unknown) => e,
    );
    expect(whole).toBeInstanceOf(Error);

    // sample.rows after it keeps that sample and says how many rows it kept of how many.
    const sampled = await runNodeForTest('sample.rows', { fraction: SAMPLE.fraction, seed: SAMPLE.seed }, { in: out });
    expect(sampled.outputs.out).toMatchObject({ rows: 5000, sample: { kept: 5000, of: TOTAL, readPart: true } });
    expect(sampled.logs.map((line) => line.message)).toContain(
      'kept 5000 of 1000000 rows, read by the source without reading all of it',
    );
  });

  it('reads everything when the sample is more than an eighth of the file', () => {
    expect(sampleRuns(TOTAL, { fraction: 0.2, seed: 1 })).toBeNull();
    const runs = sampleRuns(TOTAL, { rows: 1000, seed: 1 })!;
    expect(runs.reduce((sum, [start, end]) => sum + end - start, 0)).toBeGreaterThanOrEqual(8000);
    expect(runs.length).toBeLessThanOrEqual(32);
  });
});
