// `npm run bench -- data [--rows=1000000] [--rounds=1] [--no-write]`
//
// Data preparation on a generated table (test/bench/lib/bench-data.mjs: 20
// columns, 3 of them categories, 2 % of cells missing, 1 % duplicate rows):
// source → duplicates → split → missing (median, then mode) → IQR clip →
// standard scale → one-hot, the test side through transform.apply — 13
// Pipewright nodes run as `pipewright run` runs them (database, services
// and a worker in one process). In the same run, in turn with it, the same
// steps in pandas (Debian's python3-pandas, /usr/bin/python3; nothing
// written) and as straightforward DuckDB SQL in one process (Parquet out).
// Each contestant is its own process; wall time, CPU time (the process's
// user + system; PostgreSQL's own processes are not counted) and peak RSS
// are reported, with the ratios the issue sets targets for.
import { spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CATEGORICAL, benchCsv, benchPipeline } from './lib/bench-data.mjs';
import { figure, fmt, machineLine, option, root, runContestant, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const ROWS = Number(option(args, 'rows', 1_000_000));
const ROUNDS = Math.max(1, Number(option(args, 'rounds', 1)));
const PYTHON = '/usr/bin/python3';
const bench = 'data';

const loadBefore = machineLine();
console.log(`generating ${fmt(ROWS)} rows (kept for later runs)…`);
const csv = await benchCsv(ROWS);
// Read once through, so that the file is in the page cache for every contestant: otherwise the first to run
// (Pipewright) reads it from disk for the others (a cold read of the 1M-row file: 0.1–0.3 s more here).
for await (const chunk of createReadStream(csv, { highWaterMark: 1 << 20 })) void chunk;
const scratch = mkdtempSync(join(tmpdir(), 'pipewright-bench-data-run-'));
// The embedded PostgreSQL runs as its own user (when this runs as root) and must reach its directory.
chmodSync(scratch, 0o755);
const pipelineFile = join(scratch, 'pipeline.json');
writeFileSync(pipelineFile, JSON.stringify(benchPipeline(csv)));

/** Runs a contestant's process in the scratch directory, on the bench's own home and data directory. */
function contestant(command, argv, env = {}) {
  return runContestant(command, argv, {
    cwd: scratch,
    env: { PIPEWRIGHT_HOME: join(scratch, 'home'), PIPEWRIGHT_DATA_DIRS: dirname(csv), ...env },
  });
}

const pandasHere = spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
if (!pandasHere) console.error(`no pandas for ${PYTHON} (apt-get install -y python3-pandas): its rows are left out`);

const results = { pipewright: [], unfused: [], pandas: [], duckdb: [] };
for (let round = 0; round < ROUNDS; round++) {
  console.log(`round ${round + 1} of ${ROUNDS}`);
  const pipewright = await contestant(process.execPath, [
    join(root, 'test/bench/lib/run-pipeline-in-process.mjs'),
    pipelineFile,
    '1',
  ]);
  if (pipewright.status !== 'succeeded') {
    throw new Error(`the Pipewright run ended ${pipewright.status}: ${JSON.stringify(pipewright.nodes)}`);
  }
  results.pipewright.push(pipewright);
  console.log(`  pipewright ${fmt(pipewright.ms / 1000)} s (CPU ${fmt(pipewright.cpuMs / 1000)} s)`);
  // The same run with each data node a job of its own (no fused unit): what fusing buys, in the same run.
  const unfused = await contestant(
    process.execPath,
    [join(root, 'test/bench/lib/run-pipeline-in-process.mjs'), pipelineFile, '1'],
    { PIPEWRIGHT_FUSE_DATA_NODES: 'false' },
  );
  if (unfused.status !== 'succeeded') {
    throw new Error(`the unfused Pipewright run ended ${unfused.status}: ${JSON.stringify(unfused.nodes)}`);
  }
  results.unfused.push(unfused);
  console.log(`  pipewright unfused ${fmt(unfused.ms / 1000)} s (CPU ${fmt(unfused.cpuMs / 1000)} s)`);
  if (pandasHere) {
    const pandas = await contestant(PYTHON, [join(root, 'test/bench/lib/data_pandas.py'), csv, CATEGORICAL.join(',')]);
    results.pandas.push(pandas);
    console.log(`  pandas ${fmt(pandas.ms / 1000)} s (CPU ${fmt(pandas.cpuMs / 1000)} s)`);
  }
  const duckOut = mkdtempSync(join(scratch, 'duckdb-'));
  const duckdb = await contestant(process.execPath, [join(root, 'test/bench/lib/data-duckdb.mjs'), csv, duckOut]);
  results.duckdb.push(duckdb);
  console.log(`  duckdb ${fmt(duckdb.ms / 1000)} s (CPU ${fmt(duckdb.cpuMs / 1000)} s)`);
}
rmSync(scratch, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const of = (name, key) => median(results[name].map((r) => r[key]));
const figures = [];
const add = (f) => figures.push(figure({ bench, ...f }));
const ours = of('pipewright', 'ms');
add({ metric: `pipewright run, ${fmt(ROWS)} rows, 13 nodes`, value: ours / 1000, unit: 's' });
add({ metric: 'pipewright CPU time', value: of('pipewright', 'cpuMs') / 1000, unit: 's' });
add({
  metric: 'time ÷ the same run, each node a job of its own',
  value: ours / 1000,
  unit: 's',
  baseline: `unfused ${fmt(of('unfused', 'ms') / 1000)} s`,
  ratio: ours / of('unfused', 'ms'),
});
add({
  metric: 'CPU time ÷ the same run unfused',
  value: of('pipewright', 'cpuMs') / 1000,
  unit: 's',
  baseline: `unfused ${fmt(of('unfused', 'cpuMs') / 1000)} s`,
  ratio: of('pipewright', 'cpuMs') / of('unfused', 'cpuMs'),
});
if (pandasHere) {
  add({
    metric: 'time ÷ pandas',
    value: ours / 1000,
    unit: 's',
    baseline: `pandas ${fmt(of('pandas', 'ms') / 1000)} s`,
    ratio: ours / of('pandas', 'ms'),
    target: '≤ 0.333',
  });
  add({
    metric: 'CPU time ÷ pandas',
    value: of('pipewright', 'cpuMs') / 1000,
    unit: 's',
    baseline: `pandas ${fmt(of('pandas', 'cpuMs') / 1000)} s`,
    ratio: of('pipewright', 'cpuMs') / of('pandas', 'cpuMs'),
  });
}
add({
  metric: 'time ÷ one DuckDB query',
  value: ours / 1000,
  unit: 's',
  baseline: `DuckDB ${fmt(of('duckdb', 'ms') / 1000)} s`,
  ratio: ours / of('duckdb', 'ms'),
  target: '≤ 1.25',
});
add({
  metric: 'CPU time ÷ one DuckDB query',
  value: of('pipewright', 'cpuMs') / 1000,
  unit: 's',
  baseline: `DuckDB ${fmt(of('duckdb', 'cpuMs') / 1000)} s`,
  ratio: of('pipewright', 'cpuMs') / of('duckdb', 'cpuMs'),
});
add({ metric: 'peak RSS, server + worker (one process)', value: of('pipewright', 'peakMiB'), unit: 'MiB' });
add({ metric: 'peak RSS, unfused run', value: of('unfused', 'peakMiB'), unit: 'MiB' });
if (pandasHere) add({ metric: 'peak RSS, pandas', value: of('pandas', 'peakMiB'), unit: 'MiB' });
add({ metric: 'peak RSS, DuckDB', value: of('duckdb', 'peakMiB'), unit: 'MiB' });

const nodeIds = Object.keys(results.pipewright[0].nodes);
const nodeLines = [
  '| node | time (s) | unfused (s) |',
  '| --- | ---: | ---: |',
  ...nodeIds.map(
    (id) =>
      `| ${id} | ${fmt(median(results.pipewright.map((r) => r.nodes[id].durationMs)) / 1000)} | ${fmt(median(results.unfused.map((r) => r.nodes[id].durationMs)) / 1000)} |`,
  ),
];
const loadAfter = machineLine();
const table = [
  '| figure | value | baseline | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...figures.map(
    (f) =>
      `| ${f.metric} | ${fmt(f.value)} ${f.unit} | ${f.baseline ?? ''} | ${f.ratio === undefined ? '' : `${fmt(f.ratio)}×`} | ${f.target ? `${f.target} ${f.met ? '(met)' : '(not met)'}` : ''} |`,
  ),
];
console.log(`\n${table.join('\n')}\n\n${nodeLines.join('\n')}\n`);
if (!args.includes('--no-write')) {
  writePerformanceSection(
    'data',
    `## Data preparation (\`bench data\`)

Measured with \`npm run bench -- data${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${ROUNDS} round(s), medians.
Machine at the start: ${loadBefore}; at the end: ${loadAfter}.

${fmt(ROWS)} generated rows (20 columns, 3 categorical, 2 % of cells missing, 1 % duplicate rows):
source → duplicates → split → missing (median, mode) → IQR clip → scale → one-hot, the test side through
\`transform.apply\` (13 nodes), run as \`pipewright run\` runs it (server services and a worker in one process,
embedded PostgreSQL), its data nodes fused into one unit on the worker; the same run with each node a job of
its own (\`PIPEWRIGHT_FUSE_DATA_NODES=false\`) beside it. Baselines in the same run, taken in turn: pandas (${PYTHON}, nothing written) and the
same steps as DuckDB SQL in one process (Parquet out). CPU time is the contestant process's own (user + system).

${table.join('\n')}

Time a node took in the Pipewright run and in the unfused one (from the run documents):

${nodeLines.join('\n')}`,
  );
  console.log('wrote docs/performance.md (data)');
}
