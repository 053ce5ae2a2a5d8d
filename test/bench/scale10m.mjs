// `npm run bench -- scale10m [--rows=10000000] [--heap=512] [--no-write]`
//
// A table far bigger than a worker's JavaScript heap: the generated CSV of
// test/bench/lib/bench-data.mjs (20 columns, 3 of them categories, 2 % of
// cells missing), 10 million rows by default, through source.csv →
// clean.missing (median) → feature.scale (standard) → split.random on one
// worker, in a process whose V8 heap is capped with
// --max-old-space-size=512. The data stays in DuckDB and Parquet: the run
// must succeed under the cap. Reports the wall time, the CPU time and the
// process's peak RSS (server services, the worker and DuckDB in one process;
// PostgreSQL's own processes not counted).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchCsv } from './lib/bench-data.mjs';
import { figure, fmt, machineLine, option, root, watchPeakRss, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const ROWS = Number(option(args, 'rows', 10_000_000));
const HEAP_MB = Number(option(args, 'heap', 512));
const bench = 'scale10m';

const loadBefore = machineLine();
console.log(`generating ${fmt(ROWS)} rows (kept for later runs)…`);
const csv = await benchCsv(ROWS);
const csvMiB = statSync(csv).size / 2 ** 20;
const scratch = mkdtempSync(join(tmpdir(), 'pipewright-bench-scale-'));
// The embedded PostgreSQL runs as its own user (when this runs as root) and must reach its directory.
chmodSync(scratch, 0o755);
const pipelineFile = join(scratch, 'pipeline.json');
const nodes = [
  { id: 'source', type: 'source.csv', params: { path: csv } },
  { id: 'missing', type: 'clean.missing', params: { strategy: 'median' } },
  { id: 'scale', type: 'feature.scale', params: { method: 'standard' } },
  { id: 'split', type: 'split.random', params: { fraction: 0.8, seed: 42 } },
];
writeFileSync(
  pipelineFile,
  JSON.stringify({
    format: 'pipewright/v1',
    name: 'bench-scale10m',
    nodes: nodes.map((node, i) => ({ ...node, position: { x: 200 * i, y: 0 } })),
    edges: [
      { from: 'source.out', to: 'missing.in' },
      { from: 'missing.out', to: 'scale.in' },
      { from: 'scale.out', to: 'split.in' },
    ],
  }),
);

const result = await new Promise((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, join(root, 'test/bench/lib/run-pipeline-in-process.mjs'), pipelineFile, '1'],
    {
      cwd: scratch,
      env: {
        ...process.env,
        PIPEWRIGHT_HOME: join(scratch, 'home'),
        PIPEWRIGHT_DATA_DIRS: dirname(csv),
        PIPEWRIGHT_WORKER_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const rss = watchPeakRss(child.pid);
  let out = '';
  child.stdout.on('data', (data) => (out += data));
  child.on('error', reject);
  child.on('close', (code) => {
    const peakMiB = rss.stop();
    const lines = out.trim().split('\n').filter(Boolean);
    if (code !== 0 || lines.length === 0) {
      reject(new Error(`the run exited with ${code}: ${out.slice(-2000)}`));
      return;
    }
    resolve({ ...JSON.parse(lines.at(-1)), peakMiB });
  });
});
rmSync(scratch, { recursive: true, force: true });
if (result.status !== 'succeeded') {
  throw new Error(`the run ended ${result.status}: ${JSON.stringify(result.nodes)}`);
}

const figures = [
  figure({
    bench,
    metric: `run, ${fmt(ROWS)} rows, 4 nodes, heap ≤ ${HEAP_MB} MB`,
    value: result.ms / 1000,
    unit: 's',
  }),
  figure({ bench, metric: 'CPU time', value: result.cpuMs / 1000, unit: 's' }),
  figure({ bench, metric: 'peak RSS, server + worker + DuckDB (one process)', value: result.peakMiB, unit: 'MiB' }),
];
const nodeLines = [
  '| node | time (s) |',
  '| --- | ---: |',
  ...nodes.map((node) => `| ${node.id} (${node.type}) | ${fmt(result.nodes[node.id].durationMs / 1000)} |`),
];
const table = [
  '| figure | value |',
  '| --- | ---: |',
  ...figures.map((f) => `| ${f.metric} | ${fmt(f.value)} ${f.unit} |`),
];
console.log(`\n${table.join('\n')}\n\n${nodeLines.join('\n')}\n`);
if (!args.includes('--no-write')) {
  writePerformanceSection(
    bench,
    `## Ten million rows under a 512 MB heap (\`bench scale10m\`)

Measured with \`npm run bench -- scale10m${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine at the start: ${loadBefore}; at the end: ${machineLine()}.

${fmt(ROWS)} generated rows (${fmt(csvMiB)} MiB of CSV; 20 columns, 3 categorical, 2 % of cells missing):
source.csv → clean.missing (median) → feature.scale (standard) → split.random, run as \`pipewright run\` runs it
(server services and one worker in one process, embedded PostgreSQL) with \`node --max-old-space-size=${HEAP_MB}\`.
The rows never enter the JavaScript heap: each node is DuckDB SQL from Parquet to Parquet. Peak RSS is the
process's high-water mark (VmHWM), DuckDB's memory included; PostgreSQL's processes are not counted.
The heap cap bounds V8 only: DuckDB's own memory is bounded by its per-job \`memory_limit\` (4 GB by default,
\`DEFAULT_SQL_LIMITS\`), which is what the peak RSS mostly is — DuckDB spills to the job directory beyond it.

${table.join('\n')}

Time each node took (from the run document):

${nodeLines.join('\n')}`,
  );
  console.log(`wrote docs/performance.md (${bench})`);
}
