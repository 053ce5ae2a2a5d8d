// npm run gpu-check: trains Pipewright's own train.mlp node on a GPU backend
// (tfjs-node-gpu or WebGPU) and prints the backend, the GPU and samples/s.
// Without a GPU backend it exits 2 at once, saying why each one did not load.
// Options: --rows N (default 100000); --any-backend runs on whatever loads
// (a check of the script itself on a machine without a GPU).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPU_BACKENDS, loadTensorFlow } from '../server/dist/runtime/tensorflow-backend.js';

const args = process.argv.slice(2);
const anyBackend = args.includes('--any-backend');
const rowsAt = args.indexOf('--rows');
const rows = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 100_000;
if (!Number.isInteger(rows) || rows < 100) {
  console.error('gpu-check: --rows must be a whole number of at least 100');
  process.exit(2);
}

const loaded = await loadTensorFlow({ log: () => undefined }).catch((error) => {
  console.error(`gpu-check: ${error.message}`);
  process.exit(2);
});
if (!GPU_BACKENDS.includes(loaded.backend) && !anyBackend) {
  const reasons = loaded.skipped.filter((line) => GPU_BACKENDS.some((name) => line.startsWith(`${name}:`)));
  console.error(`gpu-check: no GPU backend loaded, TensorFlow.js would run on ${loaded.backend}.`);
  for (const reason of reasons) console.error(`  ${reason}`);
  process.exit(2);
}
console.log(`backend: ${loaded.backend}`);
console.log(`gpu: ${JSON.stringify(loaded.gpu)}`);

const { runNodeForTest } = await import('../server/dist/runtime/testing.js');
const dir = mkdtempSync(join(tmpdir(), 'pipewright-gpu-check-'));
try {
  // A regression on 32 features with a known non-linear target, seeded.
  let seed = 42;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const lines = [[...Array.from({ length: 32 }, (_, i) => `x${i}`), 'y'].join(',')];
  for (let r = 0; r < rows; r++) {
    const x = Array.from({ length: 32 }, random);
    const y = Math.sin(x[0] * 3) + x[1] * x[2] + 0.5 * x[3] + 0.05 * random();
    lines.push([...x.map((v) => v.toFixed(5)), y.toFixed(5)].join(','));
  }
  writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`);
  const source = await runNodeForTest('source.csv', { path: 'data.csv' }, {}, { dataDirs: [dir] });

  for (const shape of [
    { layers: [128, 128], batchSize: 512, epochs: 3 },
    { layers: [1024, 1024], batchSize: 4096, epochs: 3 },
  ]) {
    const params = { label: 'y', task: 'regression', validationFraction: 0, patience: 1000, ...shape };
    const run = await runNodeForTest('train.mlp', params, { in: source.outputs.out });
    const epochs = run.outputs.model.training.epochsRun ?? shape.epochs;
    const samplesPerSecond = Math.round((rows * epochs) / (run.durationMs / 1000));
    console.log(
      `train.mlp 32-${shape.layers.join('-')}-1, batch ${shape.batchSize}: ${samplesPerSecond.toLocaleString('en')} samples/s ` +
        `(${epochs} epochs of ${rows.toLocaleString('en')} rows in ${(run.durationMs / 1000).toFixed(1)} s, ${loaded.backend})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
