/**
 * A fixed pseudo-random key per row number and seed: murmur3's 32-bit
 * finaliser over (row + seed × golden ratio). Written once in SQL and once
 * in JavaScript so a split can be reproduced outside DuckDB, and unlike
 * DuckDB's hash() it cannot change with a DuckDB upgrade.
 */
export function rowHash(rowNumber: number, seed: number): number {
  let h = (rowNumber + Math.imul(seed, 0x9e3779b9)) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const TWO_32 = '4294967296';

/**
 * SQL adding column `hashColumn` = rowHash(rowColumn, seed) to `inputSql`.
 * Each step is its own SELECT layer: a nested expression would repeat the
 * previous step twice per step.
 */
export function rowHashSql(inputSql: string, rowColumn: string, seed: number, hashColumn: string): string {
  const mod = (expr: string): string => `((${expr}) % ${TWO_32} + ${TWO_32}) % ${TWO_32}`;
  const steps = [
    `CAST(xor(${hashColumn}, ${hashColumn} >> 16) AS HUGEINT)`,
    mod(`${hashColumn} * 2246822507`),
    `CAST(xor(${hashColumn}, ${hashColumn} >> 13) AS HUGEINT)`,
    mod(`${hashColumn} * 3266489909`),
    `CAST(xor(${hashColumn}, ${hashColumn} >> 16) AS HUGEINT)`,
  ];
  let sql = `SELECT *, ${mod(`CAST(${rowColumn} AS HUGEINT) + ${Math.trunc(seed)} * CAST(2654435769 AS HUGEINT)`)} AS ${hashColumn} FROM (${inputSql}) AS rows`;
  for (const step of steps) sql = `SELECT * REPLACE (${step} AS ${hashColumn}) FROM (${sql}) AS rows`;
  return sql;
}
