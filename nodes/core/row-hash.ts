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

const TWO_32 = '4294967296::UBIGINT';

/**
 * SQL adding column `hashColumn` = rowHash(rowColumn, seed) to `inputSql`.
 * Each step is its own SELECT layer: a nested expression would repeat the
 * previous step twice per step. Every value stays below 2^32, so each product
 * with a 32-bit constant fits an unsigned 64-bit integer exactly (HUGEINT
 * arithmetic made a 3-million-row split several times slower).
 */
export function rowHashSql(inputSql: string, rowColumn: string, seed: number, hashColumn: string): string {
  const h = hashColumn;
  const steps = [
    `xor(${h}, ${h} >> 16)`,
    `(${h} * 2246822507::UBIGINT) % ${TWO_32}`,
    `xor(${h}, ${h} >> 13)`,
    `(${h} * 3266489909::UBIGINT) % ${TWO_32}`,
    `xor(${h}, ${h} >> 16)`,
  ];
  const offset = Math.imul(Math.trunc(seed), 0x9e3779b9) >>> 0;
  let sql = `SELECT *, (CAST(${rowColumn} AS UBIGINT) + ${offset}::UBIGINT) % ${TWO_32} AS ${h} FROM (${inputSql}) AS rows`;
  for (const step of steps) sql = `SELECT * REPLACE (${step} AS ${h}) FROM (${sql}) AS rows`;
  return sql;
}
