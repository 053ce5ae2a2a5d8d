// `npm run bench -- train [--rows=200000] [--epochs=3] [--rounds=1] [--no-write]`
//
// Training the standard MLP (32-128-128, relu, softmax over 2 classes;
// batch 512, 3 epochs, Adam) on generated rows (test/bench/lib/train-data.mjs:
// 32 numbers, a binary label from a fixed teacher network). Contestants,
// each its own process, taken in turn each round:
// - Pipewright: source → train.mlp → evaluate.score (held-out rows) →
//   evaluate.classification, run as `pipewright run` runs it (database,
//   services and a worker in one process); samples/s = rows × epochs ÷ the
//   train.mlp node's time (reading its input and encoding included). Twice:
//   as a worker runs it by default (one thread, the flat step of
//   nodes/train/mlp/mlp-data-parallel.ts), and data-parallel on every core
//   (PIPEWRIGHT_THREADS=<cores>, thread start included) — the same-run A/B
//   of that lever.
// - the in-run baseline: a plain tf.sequential().fit() of the same network
//   on the wasm backend (test/bench/lib/train-tfjs.mjs), fit() timed.
// - PyTorch on the CPU with every core (Debian's python3-torch for
//   /usr/bin/python3), the fit timed; left out, and said so, where it does
//   not import.
// Accuracy on held-out generated rows is compared with the baseline's.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { trainCsv, trainPipeline } from './lib/train-data.mjs';
import { figure, fmt, machineLine, option, root, runContestant, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const ROWS = Number(option(args, 'rows', 200_000));
const EPOCHS = Number(option(args, 'epochs', 3));
const ROUNDS = Math.max(1, Number(option(args, 'rounds', 1)));
const BATCH = 512;
const LAYERS = [128, 128];
const HELD_OUT = 20_000;
const PYTHON = '/usr/bin/python3';
const bench = 'train';
const cores = availableParallelism();
// OpenMP threads that wait by spinning collapse when the cores are shared (measured on this machine at load 13:
// 1,700 samples/s against 127,000 waiting passively): PyTorch gets the setting that suits a shared machine.
const TORCH_ENV = { OMP_WAIT_POLICY: 'PASSIVE' };

const loadBefore = machineLine();
console.log(`generating ${fmt(ROWS)} training and ${fmt(HELD_OUT)} held-out rows (kept for later runs)…`);
const trainPath = await trainCsv(ROWS, 'train');
const testPath = await trainCsv(HELD_OUT, 'test');
const scratch = mkdtempSync(join(tmpdir(), 'pipewright-bench-train-run-'));
// The embedded PostgreSQL runs as its own user (when this runs as root) and must reach its directory.
chmodSync(scratch, 0o755);
const pipelineFile = join(scratch, 'pipeline.json');
writeFileSync(
  pipelineFile,
  JSON.stringify(trainPipeline(trainPath, testPath, { epochs: EPOCHS, batchSize: BATCH, layers: LAYERS })),
);

/** Runs a contestant's process in the scratch directory, on the bench's own home and data directory. */
function contestant(command, argv, env = {}) {
  return runContestant(command, argv, {
    cwd: scratch,
    env: { PIPEWRIGHT_HOME: join(scratch, 'home'), PIPEWRIGHT_DATA_DIRS: dirname(trainPath), ...env },
  });
}

/** A Pipewright run of the pipeline: the train.mlp node's time and the held-out accuracy. */
async function pipewright(env) {
  const run = await contestant(
    process.execPath,
    [join(root, 'test/bench/lib/run-pipeline-in-process.mjs'), pipelineFile, '1'],
    { PIPEWRIGHT_TF_BACKEND: 'wasm', ...env },
  );
  if (run.status !== 'succeeded')
    throw new Error(`the Pipewright run ended ${run.status}: ${JSON.stringify(run.nodes)}`);
  const accuracy = run.nodes.evaluate.metrics?.accuracy;
  if (typeof accuracy !== 'number')
    throw new Error(`evaluate.classification gave no accuracy: ${JSON.stringify(run.nodes)}`);
  return { ms: run.nodes.mlp.durationMs, accuracy, peakMiB: run.peakMiB, runMs: run.ms };
}

const torchProbe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchHere = torchProbe.status === 0;
const torchMissing = torchHere
  ? undefined
  : `PyTorch does not import for ${PYTHON} (apt-get install -y python3-torch): ${(torchProbe.stderr || '').trim().split('\n').at(-1)}`;
if (torchMissing) console.error(`${torchMissing}; its figures are left out`);

const results = { pipewright: [], dataParallel: [], tfjs: [], torch: [] };
for (let round = 0; round < ROUNDS; round++) {
  console.log(`round ${round + 1} of ${ROUNDS}`);
  const ours = await pipewright({});
  results.pipewright.push(ours);
  console.log(`  pipewright train.mlp ${fmt(ours.ms / 1000)} s, accuracy ${fmt(ours.accuracy, 4)}`);
  const parallel = await pipewright({ PIPEWRIGHT_THREADS: String(cores) });
  results.dataParallel.push(parallel);
  console.log(
    `  pipewright train.mlp data-parallel on ${cores} threads ${fmt(parallel.ms / 1000)} s, accuracy ${fmt(parallel.accuracy, 4)}`,
  );
  const tfjs = await contestant(process.execPath, [
    join(root, 'test/bench/lib/train-tfjs.mjs'),
    trainPath,
    testPath,
    String(EPOCHS),
    String(BATCH),
  ]);
  results.tfjs.push(tfjs);
  console.log(`  tf.sequential().fit() ${fmt(tfjs.ms / 1000)} s, accuracy ${fmt(tfjs.accuracy, 4)}`);
  if (torchHere) {
    const torch = await contestant(
      PYTHON,
      [join(root, 'test/bench/lib/train_torch.py'), trainPath, testPath, String(EPOCHS), String(BATCH)],
      TORCH_ENV,
    );
    results.torch.push(torch);
    console.log(`  PyTorch (${torch.threads} threads) ${fmt(torch.ms / 1000)} s, accuracy ${fmt(torch.accuracy, 4)}`);
  }
}
rmSync(scratch, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const samples = ROWS * EPOCHS;
const rate = (name) => samples / (median(results[name].map((r) => r.ms)) / 1000);
const accuracy = (name) => median(results[name].map((r) => r.accuracy));
const model = `32-${LAYERS.join('-')}-2, batch ${BATCH}, ${fmt(ROWS)} rows × ${EPOCHS} epochs`;
const figures = [];
const add = (f) => figures.push(figure({ bench, ...f }));
add({
  metric: `train.mlp samples/s (${model}, one thread of ${cores} cores)`,
  value: rate('pipewright'),
  unit: 'samples/s',
});
add({
  metric: 'train.mlp ÷ tf.sequential().fit() on wasm',
  value: rate('pipewright'),
  unit: 'samples/s',
  baseline: `tf.sequential().fit() ${fmt(rate('tfjs'))} samples/s`,
  ratio: rate('pipewright') / rate('tfjs'),
});
add({
  metric: `train.mlp data-parallel on ${cores} threads ÷ one thread (the lever's A/B)`,
  value: rate('dataParallel'),
  unit: 'samples/s',
  baseline: `one thread ${fmt(rate('pipewright'))} samples/s`,
  ratio: rate('dataParallel') / rate('pipewright'),
});
if (torchHere) {
  add({
    metric: 'train.mlp ÷ PyTorch CPU',
    value: rate('pipewright'),
    unit: 'samples/s',
    baseline: `PyTorch ${results.torch[0].threads} threads ${fmt(rate('torch'))} samples/s`,
    ratio: rate('pipewright') / rate('torch'),
    target: '≥ 0.333',
  });
}
add({
  metric: 'held-out accuracy, train.mlp',
  value: accuracy('pipewright'),
  unit: '',
  baseline: `tf.sequential().fit() ${fmt(accuracy('tfjs'), 4)}`,
});
add({
  metric: 'held-out accuracy, distance from the baseline',
  value: Math.abs(accuracy('pipewright') - accuracy('tfjs')),
  unit: '',
  target: '≤ 0.01',
});
add({ metric: `held-out accuracy, train.mlp on ${cores} threads`, value: accuracy('dataParallel'), unit: '' });
if (torchHere) add({ metric: 'held-out accuracy, PyTorch', value: accuracy('torch'), unit: '' });
add({
  metric: 'peak RSS, server + worker (one process)',
  value: median(results.pipewright.map((r) => r.peakMiB)),
  unit: 'MiB',
});
add({ metric: 'peak RSS, tf.sequential().fit()', value: median(results.tfjs.map((r) => r.peakMiB)), unit: 'MiB' });
if (torchHere) add({ metric: 'peak RSS, PyTorch', value: median(results.torch.map((r) => r.peakMiB)), unit: 'MiB' });

const loadAfter = machineLine();
const table = [
  '| figure | value | baseline | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...figures.map(
    (f) =>
      `| ${f.metric} | ${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.baseline ?? ''} | ${f.ratio === undefined ? '' : `${fmt(f.ratio)}×`} | ${f.target ? `${f.target} ${f.met ? '(met)' : '(not met)'}` : ''} |`,
  ),
];
console.log(`\n${table.join('\n')}\n`);
if (torchMissing) console.log(torchMissing);
if (!args.includes('--no-write')) {
  writePerformanceSection(
    'train',
    `## Training (\`bench train\`)

Measured with \`npm run bench -- train${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${ROUNDS} round(s), medians.
Machine at the start: ${loadBefore}; at the end: ${loadAfter}.

The standard MLP (${model}; relu, softmax, Adam at 0.001) on generated rows (32 standard-normal features, a binary
label from a fixed 32-16-1 teacher network, 5 % of labels flipped), accuracy on ${fmt(HELD_OUT)} held-out rows.
Pipewright runs source → train.mlp → evaluate.score → evaluate.classification as \`pipewright run\` runs it, on the
wasm backend; its samples/s is rows × epochs over the train.mlp node's time (reading and encoding its input and
starting its threads included), once as a worker runs it by default (one thread) and once data-parallel on every
core (\`PIPEWRIGHT_THREADS=${cores}\`). Baselines in the same run, taken in turn, their fit alone timed: a
plain \`tf.sequential().fit()\` of the same network on wasm, and PyTorch on the CPU with every core
(${torchHere ? `${PYTHON}, Debian's python3-torch, OMP_WAIT_POLICY=PASSIVE: spinning OpenMP threads collapse on shared cores` : torchMissing}).

${table.join('\n')}`,
  );
  console.log('wrote docs/performance.md (train)');
}
