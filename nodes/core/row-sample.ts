import { rowHashSql } from './row-hash.js';

/** Guards floor() against 0.29 × 100 = 28.999999999999996. */
const EPSILON = 1e-9;

/** How many rows a sample of `total` keeps: `rows` of them (at most all), or `fraction` of them rounded down. */
export function sampleSize(sample: { fraction?: number; rows?: number }, total: number): number {
  if (sample.rows !== undefined) return Math.min(sample.rows, total);
  return Math.min(total, Math.floor(total * (sample.fraction ?? 1) + EPSILON));
}

/**
 * SQL keeping `size` of the `total` rows of `inputSql`, chosen by a seeded
 * hash of their row number (the same table and seed keep the same rows), in
 * their original order. With `stratum` (a SQL expression, usually a column)
 * each of its values keeps its share: floor(count × size / total) rows, and
 * the rows left over to reach `size` go to the values with the largest
 * remainders, so no value is more than one row off its exact share.
 */
export function seededSampleSql(inputSql: string, size: number, total: number, seed: number, stratum = '0'): string {
  const numbered = `SELECT *, row_number() OVER () AS pipewright_row FROM (${inputSql}) AS input`;
  const hashed = rowHashSql(numbered, 'pipewright_row', seed, 'pipewright_hash');
  const share = total > 0 ? size / total : 0;
  return `
    WITH hashed AS (SELECT *, ${stratum} AS pipewright_stratum FROM (${hashed}) AS h),
    strata AS (
      SELECT pipewright_stratum, count(*) * ${share} AS quota, floor(count(*) * ${share} + ${EPSILON}) AS base
      FROM hashed GROUP BY pipewright_stratum
    ),
    ordered AS (
      SELECT *, row_number() OVER (ORDER BY quota - base DESC, pipewright_stratum NULLS LAST) AS remainder_rank FROM strata
    ),
    allotted AS (
      SELECT pipewright_stratum,
        base + CASE WHEN remainder_rank <= ${size} - (SELECT sum(base) FROM strata) THEN 1 ELSE 0 END AS take
      FROM ordered
    ),
    kept AS (
      SELECT hashed.* FROM hashed JOIN allotted ON hashed.pipewright_stratum IS NOT DISTINCT FROM allotted.pipewright_stratum
      QUALIFY row_number() OVER (PARTITION BY hashed.pipewright_stratum ORDER BY pipewright_hash, pipewright_row) <= allotted.take
    )
    SELECT * EXCLUDE (pipewright_row, pipewright_hash, pipewright_stratum) FROM kept ORDER BY pipewright_row`;
}

/** A simple seeded sample a source may read instead of all its rows (sample.rows asks for it through the plan). */
export interface RowSample {
  fraction?: number;
  rows?: number;
  seed: number;
}

/** What a sampled table says about itself: how many rows it kept of how many, and whether the source read only part. */
export interface TableSampleInfo extends RowSample {
  kept: number;
  of: number;
  /** True when the source read only part of its data to take the sample. */
  readPart: boolean;
  /** True when `of` is estimated from the part read (a PostgreSQL TABLESAMPLE), not counted. */
  estimated?: boolean;
}

export function sameSample(a: RowSample, b: RowSample): boolean {
  return a.fraction === b.fraction && a.rows === b.rows && a.seed === b.seed;
}
