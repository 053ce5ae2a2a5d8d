// `npm run bench -- orchestration [--rounds=3] [--no-write]`
//
// What running a node costs beyond its SQL. A chain of 20 cheap data nodes
// (a 10,000-row source.csv and 19 clean.filter nodes that keep every row) runs
// through the server's services, the pg-boss queue and a worker, as
// `pipewright run` runs it, `rounds` times with an empty artifact store; in the
// same run the same SQL runs directly in one DuckDB, step by step. A node's
// overhead is the time from its upstream node's node-finished event to its own,
// less its step's direct time; the p95 over every node of every round is the
// figure (target ≤ 30 ms). Then examples/breast-cancer.json runs once to fill
// the cache and again fully cached: that re-run's time from asking to its
// run-finished event (target ≤ 1 s).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { benchCsv } from './lib/bench-data.mjs';
import { figure, fmt, machineLine, option, root, watchPeakRss, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const ROUNDS = Math.max(1, Number(option(args, 'rounds', 3)));
const ROWS = 10_000;
const NODES = 20;
const bench = 'orchestration';
const loadBefore = machineLine();

const csv = await benchCsv(ROWS);
const scratch = mkdtempSync(join(tmpdir(), 'pipewright-bench-orchestration-'));
// The embedded PostgreSQL runs as its own user (when this runs as root) and must reach its directory.
chmodSync(scratch, 0o755);
const WHERE = 'x2 > -1000000';
const chain = {
  format: 'pipewright/v1',
  name: 'bench-orchestration',
  nodes: [
    { id: 'n0', type: 'source.csv', params: { path: csv }, position: { x: 0, y: 0 } },
    ...Array.from({ length: NODES - 1 }, (_, i) => ({
      id: `n${i + 1}`,
      type: 'clean.filter',
      params: { where: WHERE },
      position: { x: 200 * (i + 1), y: 0 },
    })),
  ],
  edges: Array.from({ length: NODES - 1 }, (_, i) => ({ from: `n${i}.out`, to: `n${i + 1}.in` })),
};
const chainFile = join(scratch, 'chain.json');
writeFileSync(chainFile, JSON.stringify(chain));

/** Runs the in-process runner on `file`; answers its rounds and its peak RSS (MiB). */
function runPipeline(file, rounds, flags = [], env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'test/bench/lib/run-pipeline-in-process.mjs'), file, String(rounds), ...flags],
      {
        cwd: scratch,
        env: { ...process.env, PIPEWRIGHT_HOME: join(scratch, 'home'), PIPEWRIGHT_DATA_DIRS: dirname(csv), ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const rss = watchPeakRss(child.pid);
    let out = '';
    child.stdout.on('data', (data) => (out += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const peakMiB = rss.stop();
      if (code !== 0) return reject(new Error(`the pipeline runner exited with ${code}: ${out.slice(-2000)}`));
      const results = out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      for (const result of results) {
        if (result.status !== 'succeeded')
          reject(new Error(`a run ended ${result.status}: ${JSON.stringify(result.nodes)}`));
      }
      resolve({ results, peakMiB });
    });
  });
}

/** The chain's SQL run directly in one DuckDB: each step's time (ms), source first. */
async function directSteps() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  const times = [];
  let t = performance.now();
  await db.run(`CREATE TABLE t0 AS SELECT * FROM read_csv('${csv}')`);
  times.push(performance.now() - t);
  for (let i = 1; i < NODES; i++) {
    t = performance.now();
    await db.run(`CREATE TABLE t${i} AS SELECT * FROM t${i - 1} WHERE ${WHERE}`);
    times.push(performance.now() - t);
  }
  db.closeSync();
  instance.closeSync();
  return times;
}

const overheads = [];
const unfusedOverheads = [];
// The first node's overhead holds the run's start (the request, its plan, the queue), the others' only their own.
const firstOverheads = [];
const laterOverheads = [];
const directTotals = [];
const chainTimes = [];
const unfusedTimes = [];
let chainPeak = 0;
/** Each node's overhead in one run of the chain: its node-finished since its upstream's, less its direct step. */
const overheadsOf = (run, direct) =>
  Array.from(
    { length: NODES },
    (_, i) => run.finished[`n${i}`] - (i === 0 ? 0 : run.finished[`n${i - 1}`]) - direct[i],
  );
for (let round = 0; round < ROUNDS; round++) {
  const direct = await directSteps();
  directTotals.push(direct.reduce((a, b) => a + b, 0));
  const { results, peakMiB } = await runPipeline(chainFile, 1);
  chainPeak = Math.max(chainPeak, peakMiB);
  const [run] = results;
  chainTimes.push(run.ms);
  const [first, ...rest] = overheadsOf(run, direct);
  overheads.push(first, ...rest);
  firstOverheads.push(first);
  laterOverheads.push(...rest);
  // The same chain with each node a job of its own (no fused unit), in turn with it: what fusing buys.
  const [unfused] = (await runPipeline(chainFile, 1, [], { PIPEWRIGHT_FUSE_DATA_NODES: 'false' })).results;
  unfusedTimes.push(unfused.ms);
  unfusedOverheads.push(...overheadsOf(unfused, direct));
  console.log(
    `round ${round + 1}: chain ${fmt(run.ms)} ms, unfused ${fmt(unfused.ms)} ms, direct SQL ${fmt(directTotals.at(-1))} ms`,
  );
}
const percentile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const pct = (q) => percentile(overheads, q);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const example = join(root, 'examples/breast-cancer.json');
const cached = await runPipeline(example, 2, ['--cached']);
const [filling, rerun] = cached.results;
const allCached = Object.values(rerun.nodes).every((node) => node.cached);
rmSync(scratch, { recursive: true, force: true });

const figures = [
  figure({
    bench,
    metric: `per-node overhead p95, ${NODES}-node chain on ${fmt(ROWS)} rows`,
    value: pct(0.95),
    unit: 'ms',
    target: '≤ 30',
  }),
  figure({ bench, metric: 'per-node overhead p50', value: pct(0.5), unit: 'ms' }),
  figure({
    bench,
    metric: `per-node overhead p95, the ${NODES - 1} nodes after the first`,
    value: percentile(laterOverheads, 0.95),
    unit: 'ms',
  }),
  figure({
    bench,
    metric: 'first node (the source) from asking for the run, less its step: median',
    value: median(firstOverheads),
    unit: 'ms',
  }),
  figure({
    bench,
    metric: 'per-node overhead p95, each node a job of its own',
    value: percentile(unfusedOverheads, 0.95),
    unit: 'ms',
  }),
  figure({
    bench,
    metric: 'per-node overhead p50, each node a job of its own',
    value: percentile(unfusedOverheads, 0.5),
    unit: 'ms',
  }),
  figure({
    bench,
    metric: `${NODES}-node chain, end to end`,
    value: median(chainTimes),
    unit: 'ms',
    baseline: `direct SQL ${fmt(median(directTotals))} ms`,
    ratio: median(chainTimes) / median(directTotals),
  }),
  figure({
    bench,
    metric: `${NODES}-node chain, each node a job of its own`,
    value: median(unfusedTimes),
    unit: 'ms',
    baseline: `direct SQL ${fmt(median(directTotals))} ms`,
    ratio: median(unfusedTimes) / median(directTotals),
  }),
  figure({
    bench,
    metric: `fully cached re-run of the example${allCached ? '' : ' (NOT all nodes cached)'}`,
    value: rerun.ms,
    unit: 'ms',
    baseline: `first run ${fmt(filling.ms)} ms`,
    target: '≤ 1000',
  }),
  figure({ bench, metric: 'peak RSS, server + worker (chain)', value: chainPeak, unit: 'MiB' }),
  figure({ bench, metric: 'peak RSS, server + worker (example)', value: cached.peakMiB, unit: 'MiB' }),
];
const table = [
  '| figure | value | baseline | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...figures.map(
    (f) =>
      `| ${f.metric} | ${fmt(f.value)} ${f.unit} | ${f.baseline ?? ''} | ${f.ratio === undefined ? '' : `${fmt(f.ratio)}×`} | ${f.target ? `${f.target} ${f.met ? '(met)' : '(not met)'}` : ''} |`,
  ),
];
console.log(`\n${table.join('\n')}\n`);
if (!args.includes('--no-write')) {
  writePerformanceSection(
    bench,
    `## Orchestration (\`bench orchestration\`)

Measured with \`npm run bench -- orchestration${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${ROUNDS} rounds.
Machine at the start: ${loadBefore}; at the end: ${machineLine()}.

A chain of ${NODES} cheap data nodes (source.csv of ${fmt(ROWS)} rows, then clean.filter nodes that keep every row)
through the server's services, the pg-boss queue and a worker in one process (as \`pipewright run\`), with an
empty artifact store each round — fused into one unit on the worker, and in turn with it each node a job of its own
(\`PIPEWRIGHT_FUSE_DATA_NODES=false\`); the same steps run directly in one DuckDB in the same run. A node's overhead is
the time between its upstream node's \`node-finished\` event and its own, less the direct time of its step; the
percentiles are over every node of every round. The first node's overhead includes the run's start (the request,
its plan, the queue), so with 20 nodes a round the p95 is the first node's; the two rows after the p50 show each part
on its own. The cached re-run is \`examples/breast-cancer.json\` run a second
time on the artifacts of the first: from asking for the run to its \`run-finished\` event.

${table.join('\n')}`,
  );
  console.log('wrote docs/performance.md (orchestration)');
}
