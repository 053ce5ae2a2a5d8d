// The bench's data steps written straightforwardly as DuckDB SQL in one
// process (`node data-duckdb.mjs CSV OUTDIR`): the deduplicated, split table
// once, each fitted statistic from the train side, and both sides written as
// Parquet. Prints {"ms", "cpuMs", "train", "test"} as JSON.
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { CATEGORIES, CATEGORICAL, NUMERIC } from './bench-data.mjs';

const [csv, outDir] = process.argv.slice(2);
const q = (name) => `"${name}"`;
const started = performance.now();
const cpu = process.cpuUsage();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const one = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS()[0];

await db.run(`CREATE TEMP TABLE split AS
  SELECT *, hash(pipewright_row + 42) % 100 < 80 AS is_train
  FROM (SELECT *, row_number() OVER () AS pipewright_row FROM (SELECT DISTINCT * FROM read_csv('${csv}')))`);
const fills = await one(
  `SELECT ${[...NUMERIC.map((c) => `median(${q(c)}) AS ${q(c)}`), ...CATEGORICAL.map((c) => `mode(${q(c)}) AS ${q(c)}`)].join(', ')}
   FROM split WHERE is_train`,
);
const literal = (v) => (typeof v === 'string' ? `'${v}'` : String(v));
const filled = `SELECT ${[...NUMERIC, ...CATEGORICAL].map((c) => `coalesce(${q(c)}, ${literal(fills[c])}) AS ${q(c)}`).join(', ')}, is_train FROM split`;
const quartiles = await one(
  `SELECT ${NUMERIC.map((c) => `quantile_cont(${q(c)}, 0.25) AS ${q(`${c}_q1`)}, quantile_cont(${q(c)}, 0.75) AS ${q(`${c}_q3`)}`).join(', ')}
   FROM (${filled}) WHERE is_train`,
);
const bounds = (c) => {
  const q1 = quartiles[`${c}_q1`];
  const q3 = quartiles[`${c}_q3`];
  return [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)];
};
const clipped = `SELECT ${NUMERIC.map((c) => `least(greatest(${q(c)}, ${bounds(c)[0]}), ${bounds(c)[1]}) AS ${q(c)}`).join(', ')},
  ${CATEGORICAL.map(q).join(', ')}, is_train FROM (${filled})`;
const moments = await one(
  `SELECT ${NUMERIC.map((c) => `avg(${q(c)}) AS ${q(`${c}_mean`)}, stddev_pop(${q(c)}) AS ${q(`${c}_std`)}`).join(', ')}
   FROM (${clipped}) WHERE is_train`,
);
const scaled = [
  ...NUMERIC.map((c) => `(${q(c)} - ${moments[`${c}_mean`]}) / ${moments[`${c}_std`]} AS ${q(c)}`),
  ...CATEGORICAL.flatMap((c) =>
    CATEGORIES[c].map((v) => `CASE WHEN ${q(c)} = '${v}' THEN 1.0 ELSE 0.0 END AS ${q(`${c}_${v}`)}`),
  ),
].join(', ');
const counts = {};
for (const [side, where] of [
  ['train', 'is_train'],
  ['test', 'NOT is_train'],
]) {
  await db.run(
    `COPY (SELECT ${scaled} FROM (${clipped}) WHERE ${where}) TO '${outDir}/${side}.parquet' (FORMAT parquet)`,
  );
  counts[side] = Number((await one(`SELECT count(*) AS n FROM '${outDir}/${side}.parquet'`)).n);
}
db.closeSync();
instance.closeSync();
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, ...counts }));
